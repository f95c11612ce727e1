"""The map: vis-network 9 node and edge data, and a self-contained offline HTML page.

The page inlines vis-network 9.1.2 from pyvis's bundled copy (pyvis is used only as
the supplier of that file: its template links Bootstrap from a CDN and switches
tooltips to ``innerHTML``). No request leaves the page: a Content-Security-Policy
forbids every fetch, and there are no fonts, images or links to load.

Safety: every string from a flow reaches the page only as JSON inside a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, or
as HTML-escaped text. vis-network draws labels on a canvas and shows string
tooltips with ``innerText``; the page's own script writes with ``textContent``.

Output is deterministic: the same graph and options give byte-identical HTML, so
Streamlit keeps the same frame (and the user's pan and zoom) across reruns.
"""

from __future__ import annotations

import html
import json
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import networkx as nx

from explorer.analysis.drift import drift_risks
from explorer.graph import dag, flow_graph
from explorer.model import Flow, Timescale
from explorer.model.flowset import FlowSet, tag_names
from explorer.model.kinds import (
    CHANGE_BADGES,
    CHANGE_COLOURS,
    CHANGE_WORDS,
    CONFIDENCE_WORDS,
    KIND_WORDS,
)
from explorer.model.wording import timescale_label
from explorer.render.common import (
    KIND_SHAPES,
    LaneInfo,
    edge_timescales,
    graph_lanes,
    levels,
    spanning_timescales,
    timescale_strength,
)
from explorer.views.variants import MapMarks

VIS_VERSION = "9.1.2"
#: The message type the page posts to its parent when a step is clicked.
CLICK_MESSAGE = "permanence-explorer:click"
#: The message type a parent posts to select a step on the map.
SELECT_MESSAGE = "permanence-explorer:select"
#: The message type a parent posts with new map data (a JSON string).
DATA_MESSAGE = "permanence-explorer:data"
#: The message type the shell posts when it is ready for data.
READY_MESSAGE = "permanence-explorer:ready"

_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'")

_STATUTORY_EDGE = "#1f1f1f"
_GUIDANCE_EDGE = "#4a4a4a"
_PLAIN_EDGE = "#8c8c8c"


@dataclass(frozen=True)
class MapOptions:
    """What to show. ``None`` for ``lanes``/``tags`` means no filter."""

    lanes: frozenset[str] | None = None
    tags: frozenset[str] | None = None
    search: str = ""
    route: tuple[str, ...] = ()
    show_clocks: bool = True
    #: Only these steps (a stage chosen on the overview); None: every step.
    steps: frozenset[str] | None = None
    #: The exported page carries its own filters, search and details panel; inside the
    #: app, Streamlit's controls and panel do that job.
    standalone: bool = True
    height_px: int = 680
    title: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: The bibliography (source id -> Source): legal bases are cited by title, not id.
    sources: dict[str, Any] = field(default_factory=dict, compare=False)
    #: A local variant's differences from its national flow, marked on the map
    #: (``explorer.views.variants.variant_marks``); None: no marks.
    diff: MapMarks | None = field(default=None, compare=False)


@cache
def vis_network_js() -> str:
    """vis-network's minified script, from pyvis's bundled copy (no download)."""
    ref = resources.files("pyvis") / "lib" / f"vis-{VIS_VERSION}" / "vis-network.min.js"
    text = ref.read_text(encoding="utf-8")
    # A literal "</script" inside would end our inline block early; the bundle has none,
    # but guard anyway because the file is outside our control.
    return text.replace("</script", "<\\/script")


def _wrap(text: str, width: int = 22) -> str:
    return "\n".join(textwrap.wrap(" ".join(text.split()), width=width,
                                   break_long_words=True)) or text


def _shorten(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _matches(query: str, *texts: str | None) -> bool:
    q = query.casefold().strip()
    return bool(q) and any(q in (t or "").casefold() for t in texts)


def _source_name(sources: dict[str, Any], source: str) -> str:
    src = sources.get(source)
    return str(getattr(src, "title", None) or source.replace("_", " "))


def _citations(s: Any, sources: dict[str, Any], limit: int | None = None) -> str:
    items = s.legal_basis if limit is None else s.legal_basis[:limit]
    return "; ".join(f"{_source_name(sources, lb.source)}, {lb.provision}" for lb in items)


def _node_title(G: nx.DiGraph, n: str, lanes: dict[str, LaneInfo], drift: bool,
                flows: dict[str, Flow], sources: dict[str, Any] | None = None) -> str:
    """The hover text: names only (lane, kind, sources by title), description shortened."""
    data = G.nodes[n]
    s = data["step"]
    lane = lanes.get(s.lane)
    lines = [s.name, f"{KIND_SHAPES.get(s.kind, ('', '', s.kind))[2].split(':')[0]} · "
             f"{lane.name if lane else s.lane.replace('_', ' ')}"]
    if data.get("external"):
        other = flows.get(data["flow"])
        lines.append(f"In another flow: {other.title if other else data['flow']}")
    if drift:
        lines.append("⚠ No time limit covers this step: a drift risk")
    lines.append(_shorten(s.description, 280))
    if s.legal_basis:
        lines.append("Legal basis: " + _citations(s, sources or {}, 3))
    if s.tags:
        names = tag_names(flows)
        lines.append("Tags: " + ", ".join(names.get(t, t) for t in s.tags))
    return "\n".join(lines)


def _node_details(G: nx.DiGraph, n: str, lanes: dict[str, LaneInfo], drift: bool,
                  flows: dict[str, Flow], sources: dict[str, Any]) -> str:
    """The details panel of the exported map: the whole description and every timescale."""
    from explorer.render.common import timescales_touching

    data = G.nodes[n]
    s = data["step"]
    lane = lanes.get(s.lane)
    lines = [s.name, f"{KIND_SHAPES.get(s.kind, ('', '', s.kind))[2]}",
             f"Who acts: {lane.name if lane else s.lane.replace('_', ' ')}"]
    if data.get("external"):
        other = flows.get(data["flow"])
        lines.append(f"In another flow: {other.title if other else data['flow']}")
    if drift:
        lines.append("⚠ No time limit covers this step: a drift risk")
    lines += ["", s.description]
    if s.legal_basis:
        lines += ["", "Legal basis:"] + [f"• {_source_name(sources, lb.source)}, {lb.provision}"
                                         + (f" ({lb.note})" if lb.note else "")
                                         for lb in s.legal_basis]
    into, out = timescales_touching(G, n)

    def name(ref: str) -> str:
        sid = ref.rsplit(":", 1)[-1]
        return str(G.nodes[sid]["name"]) if sid in G else sid.replace("_", " ")

    if into or out:
        lines += ["", "Timescales:"]
        for ts in out:
            lines.append(f"• To {name(ts.to)}: {timescale_label(ts)} "
                         f"({KIND_WORDS.get(ts.kind, ts.kind)})")
        for ts in into:
            lines.append(f"• From {name(ts.from_)}: {timescale_label(ts)} "
                         f"({KIND_WORDS.get(ts.kind, ts.kind)})")
    else:
        lines += ["", "Timescales: none set by law or guidance."]
    if s.tags:
        names = tag_names(flows)
        lines += ["", "Tags: " + ", ".join(names.get(t, t) for t in s.tags)]
    return "\n".join(lines)


def _edge_text(label: str | None, tss: Sequence[Timescale], repeat: bool) -> str:
    parts = []
    if label:
        parts.append(("↻ " if repeat else "") + _wrap(label, 28))
    elif repeat:
        parts.append("↻ repeats")
    parts.extend(_wrap(timescale_label(ts), 24) for ts in tss)
    return "\n".join(parts)


def _edge_style(strength: str) -> dict[str, Any]:
    # Statutory solid and heavy, guidance dashed, none thin: told by line, not colour.
    if strength == "statutory":
        return {"dashes": False, "width": 3, "color": {"color": _STATUTORY_EDGE}}
    if strength == "guidance":
        return {"dashes": [10, 6], "width": 2, "color": {"color": _GUIDANCE_EDGE}}
    return {"dashes": False, "width": 1, "color": {"color": _PLAIN_EDGE}}


def map_data(G: nx.DiGraph, flows: dict[str, Flow], opts: MapOptions = MapOptions()  # noqa: C901
             ) -> dict[str, Any]:
    """Nodes, edges, options and legend for vis-network (JSON-ready, deterministic)."""
    marks = opts.diff
    shown_graph = G
    G, ghosts = with_ghosts(G, marks)
    lane_list = graph_lanes(G, flows)
    lanes = {li.id: li for li in lane_list}
    lane_rank = {li.id: i for i, li in enumerate(lane_list)}
    level = levels(G)
    drift = drift_risks(G) - ghosts
    route = [r for r in opts.route if r in G]
    route_set = set(route)
    route_edges = {(u, v) for u, v in nx.DiGraph(dag(G)).edges if u in route_set
                   and v in route_set}

    def shown(n: str) -> bool:
        s = G.nodes[n]["step"]
        if opts.steps is not None and n not in opts.steps:
            return False
        if opts.lanes is not None and s.lane not in opts.lanes:
            return False
        return not (opts.tags is not None and not (set(s.tags) & opts.tags))

    order = sorted(G.nodes, key=lambda n: (level.get(n, 0), lane_rank.get(
        G.nodes[n]["lane"], 99), str(n)))
    visible = [n for n in order if shown(n)]
    vis_set = set(visible)
    search_hits = {n for n in visible if _matches(opts.search, G.nodes[n]["name"], str(n))}
    focusing = bool(route_set) or bool(opts.search.strip())
    tags_named = tag_names(flows)

    layout, plan = _screen_layout(G, flows, visible)
    nodes: list[dict[str, Any]] = []
    for n in visible:
        data = G.nodes[n]
        s = data["step"]
        lane = lanes.get(s.lane) or LaneInfo(s.lane, s.lane, "#eeeeee", "#555555")
        shape = KIND_SHAPES.get(s.kind, ("box", "", ""))[0]
        is_drift = n in drift
        box = layout.boxes[n]
        label = "\n".join(box.lines)
        if is_drift:
            label = "⚠ " + label
        if data.get("external"):
            label = "↗ " + label
        label = KIND_SHAPES.get(s.kind, ("box", "■", ""))[1] + " " + label
        node: dict[str, Any] = {
            "id": n,
            "label": label,
            "title": _node_title(G, n, lanes, is_drift, flows, opts.sources),
            "shape": "box",
            "kindShape": shape,
            "level": level.get(n, 0),
            # The designed layout, computed in Python (the print draws the same one).
            "x": round(box.cx * SCREEN_SCALE, 1),
            "y": round(box.cy * SCREEN_SCALE, 1),
            "fixed": True,
            # vis-network adds its margin (4 px a side) and the border around these.
            "widthConstraint": {"minimum": round(box.w * SCREEN_SCALE - BOX_INSET, 1),
                                "maximum": round(box.w * SCREEN_SCALE - BOX_INSET, 1)},
            "heightConstraint": {"minimum": round(box.h * SCREEN_SCALE - BOX_INSET, 1)},
            "stage": plan.get(n, ""),
            "color": {"background": lane.fill, "border": lane.border,
                      "highlight": {"background": "#ffffff", "border": "#000000"},
                      "hover": {"background": lane.fill, "border": "#000000"}},
            "borderWidth": 2,
            "lane": s.lane,
            "laneName": lane.name,
            "kind": s.kind,
            "tags": list(s.tags),
            "flow": data.get("flow"),
            "name": s.name,
            "drift": is_drift,
        }
        if opts.standalone:
            node["details"] = _node_details(G, n, lanes, is_drift, flows, opts.sources)
        if n in ghosts:
            _mark_node(node, "removed", [f"{CHANGE_BADGES['removed']}: "
                                         f"{CHANGE_WORDS['removed']}"])
            node["color"] = {**node["color"], "background": "#ffffff", "border": "#6b6b6b"}
            node["shapeProperties"] = {"borderDashes": [3, 4]}
            node["ghost"] = True
        elif marks is not None and n in marks.steps:
            _mark_node(node, marks.steps[n], marks.lines(n))
        elif marks is not None and n in marks.notes:
            # A line from this step was added, removed or changed: its hover says so.
            _add_notes(node, marks.lines(n))
        if is_drift or data.get("external"):
            node["shapeProperties"] = {"borderDashes": [5, 4]}
        if s.kind == "outcome":
            node["borderWidth"] = 4
        if focusing:
            hit = n in route_set or n in search_hits
            node["opacity"] = 1.0 if hit else 0.3
            if hit:
                node["borderWidth"] = 5
                node["label"] = ("» " if n in route_set else "🔍 ") + node["label"]
        nodes.append(node)

    edges: list[dict[str, Any]] = []
    for u, v in sorted(G.edges, key=lambda e: (level.get(e[0], 0), str(e[0]), str(e[1]))):
        if u not in vis_set or v not in vis_set:
            continue
        ed = G.edges[u, v]
        tss = edge_timescales(G, u, v)
        strength = timescale_strength(tss)
        repeat = bool(ed.get("repeat"))
        edge: dict[str, Any] = {
            "id": f"t:{u}>{v}",
            "from": u,
            "to": v,
            "text": _edge_text(ed.get("label"), tss, repeat),
            "title": _edge_title(G, u, v, ed.get("label"), tss, ed),
            "arrows": "to",
            "strength": strength,
            "edgeKind": "repeat" if repeat else "transition",
            **_edge_style(strength),
        }
        if repeat:
            edge["dashes"] = [2, 5]
            edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.35}
        if ed.get("ghost"):
            edge["diff"] = "removed"
            edge["title"] = f"{CHANGE_BADGES['removed']}: {CHANGE_WORDS['removed']}\n" \
                + edge["title"]
        elif marks is not None and (u, v) in marks.edges:
            edge["diff"] = marks.edges[u, v]
            edge["title"] = f"{CHANGE_BADGES[edge['diff']]}: {CHANGE_WORDS[edge['diff']]}\n" \
                + edge["title"]
        if focusing:
            on = (u, v) in route_edges
            edge["color"] = {**edge["color"], "opacity": 1.0 if on else 0.25}
            if on:
                edge["width"] = 6
                edge["color"] = {"color": "#000000", "opacity": 1.0}
        edges.append(edge)

    if opts.show_clocks:
        for ts in spanning_timescales(G):
            a, b = ts.from_.rsplit(":", 1)[-1], ts.to.rsplit(":", 1)[-1]
            if a not in vis_set or b not in vis_set:
                continue
            strength = timescale_strength([ts])
            edge = {
                "id": f"c:{a}>{b}:{ts.kind}:{ts.limit}:{ts.unit}",
                "from": a,
                "to": b,
                "text": "◷ " + timescale_label(ts),
                "title": _timescale_text(ts, G),
                "arrows": {"to": {"enabled": True, "type": "bar"}},
                "smooth": {"enabled": True, "type": "curvedCCW", "roundness": 0.25},
                "strength": strength,
                "edgeKind": "clock",
                **_edge_style(strength),
            }
            edge["color"] = {**edge["color"], "opacity": 0.8}
            if focusing:
                edge["color"] = {**edge["color"], "opacity": 0.25}
            edges.append(edge)
    edges = _unique_ids(edges)
    ghost_edges = {(u, v) for u, v, g in G.edges(data="ghost") if g}
    # The layout's routed lines are drawn by the page itself (vis-network would draw
    # straight lines through other boxes): vis keeps the edges hidden, for the keys.
    for e in edges:
        e["hidden"] = True
    if not opts.standalone:
        # In the app nothing reads a hidden edge's look or text (the step's details give
        # its timescales): send only what the keys and the route highlight use.
        keep = ("id", "from", "to", "edgeKind", "hidden", "width", "strength", "diff")
        edges = [{k: e[k] for k in keep if k in e} for e in edges]
    paths = _paths(layout, route_edges, focusing, marks, ghost_edges)

    title = opts.title or str(G.graph.get("title") or G.graph.get("flow_id") or "Flow map")
    real = [n for n in nodes if not n.get("ghost")]
    summary = (f"{len(real)} of {shown_graph.number_of_nodes()} steps shown; "
               f"{len(drift & vis_set)} with no time limit (⚠). ")
    if marks is not None:
        summary += _diff_summary(marks, vis_set) + " "
    return {
        "title": title,
        "summary": summary + "Hover for details; scroll to zoom; drag to pan.",
        "diff": None if marks is None else diff_legend_data(marks, drawn=bool(ghosts)),
        "nodes": nodes,
        "edges": edges,
        "options": vis_options(),
        "lanes": [{"id": li.id, "name": li.name, "fill": li.fill, "border": li.border}
                  for li in lane_list if any(G.nodes[n]["lane"] == li.id for n in G)],
        "tags": [{"id": t, "name": tags_named.get(t, t)} for t in sorted(
            {t for n in G for t in G.nodes[n]["step"].tags},
            key=lambda t: str(tags_named.get(t, t)).casefold())],
        "steps": [{"id": n, "name": G.nodes[n]["name"]} for n in sorted(
            (v for v in visible if v not in ghosts),
            key=lambda x: str(G.nodes[x]["name"]).casefold())],
        "total_steps": shown_graph.number_of_nodes(),
        "drift_count": len(drift & vis_set),
        "paths": paths,
        "regions": [{"title": r.title, "x": round(r.x * SCREEN_SCALE, 1),
                     "y": round(r.y * SCREEN_SCALE, 1), "w": round(r.w * SCREEN_SCALE, 1),
                     "h": round(r.h * SCREEN_SCALE, 1)} for r in layout.regions],
    }


def _paths(layout: Any, route_edges: set[tuple[str, str]], focusing: bool,
           marks: MapMarks | None = None, ghosts: set[tuple[str, str]] | None = None
           ) -> list[dict[str, Any]]:
    """The layout's routed lines in screen pixels, with their look."""
    out = []
    for ep in layout.edges:
        on = (ep.source, ep.target) in route_edges
        path: dict[str, Any] = {
            "pts": [[round(x * SCREEN_SCALE, 1), round(y * SCREEN_SCALE, 1)]
                    for x, y in ep.points],
            "style": "repeat" if ep.repeat else ep.strength, "on": on,
            "faded": focusing and not on}
        if ghosts and (ep.source, ep.target) in ghosts:
            path["diff"] = "removed"
            path["style"] = "removed"
        elif marks is not None and (ep.source, ep.target) in marks.edges:
            path["diff"] = marks.edges[ep.source, ep.target]
        out.append(path)
    return out


def with_ghosts(G: nx.DiGraph, marks: MapMarks | None) -> tuple[nx.DiGraph, set[str]]:
    """``G`` with the national flow's removed steps and lines put back as ghosts (a copy;
    ``G`` itself is never changed), so the map draws them where they were."""
    if marks is None or marks.national is None or not (marks.removed_step_ids
                                                        or marks.removed_edges):
        return G, set()
    national = marks.national
    steps = {s.id: s for s in national.steps}
    H = G.copy()
    ghosts: set[str] = set()
    for sid in marks.removed_step_ids:
        s = steps.get(sid)
        if s is None or sid in H:
            continue
        H.add_node(sid, step=s, flow=G.graph.get("flow_id") or national.id, kind=s.kind,
                   lane=s.lane, name=s.name, external=False, ghost=True)
        ghosts.add(sid)
    for u, v in marks.removed_edges:
        t = next((t for t in national.transitions
                  if t.from_ == u and t.to.rsplit(":", 1)[-1] == v), None)
        if t is None or u not in H or v not in H or H.has_edge(u, v):
            continue
        H.add_edge(u, v, transition=t, repeat=t.repeat, estimate=t.estimate, share=t.share,
                   label=t.label, timescales=[], ghost=True)
    return H, ghosts


def _add_notes(node: dict[str, Any], notes: Sequence[str]) -> None:
    # After the step's name: the first thing a reader of a variant wants to know.
    head, _, rest = node["title"].partition("\n")
    node["title"] = "\n".join([head, *notes, rest])
    if "details" in node:
        head, _, rest = node["details"].partition("\n")
        node["details"] = "\n".join([head, *notes, rest])


def _mark_node(node: dict[str, Any], mark: str, notes: Sequence[str]) -> None:
    """A step added or changed in a local variant: a text badge first in its label, its
    hover and details saying what differs; the page draws the outline (solid for added,
    dashed for changed) and the badge above the box."""
    node["diff"] = mark
    node["label"] = CHANGE_BADGES[mark].split()[0] + " " + node["label"]
    _add_notes(node, notes)


def _diff_summary(marks: MapMarks, shown: set[str]) -> str:
    added = sum(1 for n, m in marks.steps.items() if m == "added" and n in shown)
    changed = sum(1 for n, m in marks.steps.items() if m == "changed" and n in shown)
    lines = len(marks.edges)
    text = (f"Against {marks.against}: {added} step(s) added (✚), {changed} changed (✎), "
            f"{len(marks.removed_steps)} removed; {lines} line(s) added or changed")
    return text + (f", {len(marks.removed_transitions)} removed." if marks.removed_transitions
                   else ".")


#: The marks a variant's map draws: (change, what it marks, how it is drawn).
DIFF_LEGEND: tuple[tuple[str, str, str], ...] = (
    ("removed", "a step of the national flow this local version removed, drawn where it "
                "was", "white box, dotted outline"),
    ("removed", "on a line: a transition removed", "dotted line"),
    ("added", "a step added in this local version", "solid outline"),
    ("changed", "a step changed: its name, lane, kind, legal basis or a time limit",
     "dashed outline"),
    ("added", "on a line: a transition added", "badge on the line"),
    ("changed", "on a line: a transition changed (its label, estimate or time limit)",
     "badge on the line"),
)


def diff_legend_data(marks: MapMarks, drawn: bool | None = None) -> dict[str, Any]:
    """What the legend says of a variant's marks (JSON-ready; the page and the app draw
    it). ``drawn``: whether the removed steps are drawn on the map as ghosts (default:
    whenever the national flow is known)."""
    return {"against": marks.against,
            "drawn": marks.national is not None if drawn is None else drawn,
            "badges": dict(CHANGE_BADGES),
            "colours": dict(CHANGE_COLOURS),
            "removed_steps": list(marks.removed_steps),
            "removed_transitions": list(marks.removed_transitions)}


def _diff_legend_html(marks: dict[str, Any] | None) -> str:
    """The legend's column for a variant's marks, as escaped HTML (empty without marks)."""
    if not marks:
        return ""
    e = html.escape
    items = "".join(
        f'<li><span class="dm dm-{c}">{e(CHANGE_BADGES[c])}</span>{e(what)} ({e(how)})</li>'
        for c, what, how in DIFF_LEGEND if c != "removed" or marks.get("drawn"))
    gone = ""
    if marks["removed_steps"] or marks["removed_transitions"]:
        listed = "".join(f"<li>{e(n)}</li>" for n in marks["removed_steps"])
        listed += "".join(f"<li>the line {e(n)}</li>" for n in marks["removed_transitions"])
        where = "drawn pale where it was" if marks.get("drawn") else "not drawn"
        gone = (f'<h3>{e(CHANGE_BADGES["removed"])}: in {e(marks["against"])}, not in this '
                f'local version ({where})</h3><ul class="dm-gone">{listed}</ul>')
    return (f'<div class="dm-col"><h3>What differs from {e(marks["against"])}</h3>'
            f"<ul>{items}</ul>{gone}</div>")


#: The look of the legend's change badges (one definition for the app and the page).
DIFF_CSS = "".join(
    f".dm-{c}{{background:{CHANGE_COLOURS[c]}}}" for c in ("added", "changed", "removed")
) + (".dm{display:inline-block;color:#fff;font-weight:700;font-size:12px;padding:0 5px;"
     "border-radius:3px;margin-right:6px;white-space:nowrap}"
     ".dm-col ul.dm-gone{list-style:disc;padding-left:18px;columns:1}")


#: Screen pixels per layout point. Boxes are sized for 6 pt text (14.4 px here) and the
#: screen draws 12 px text in them: slack for browser fonts wider than the print font.
SCREEN_SCALE = 2.4
#: Pixels vis-network draws around a label's constraint box (margins and border).
BOX_INSET = 14.0


def _screen_layout(G: nx.DiGraph, flows: dict[str, Flow], visible: Sequence[str]
                   ) -> tuple[Any, dict[str, str]]:
    """The layout of the visible steps (laid out afresh: a filter leaves no gaps)."""
    from explorer.render.layout import flow_layout
    from explorer.render.overview import stage_plan

    plan = stage_plan(G, flows)
    H = G.subgraph(visible)
    layout = flow_layout(H, flows, plan=plan, fit=(1400.0, 900.0)) if visible else None
    if layout is None:
        from explorer.render.layout import Layout

        layout = Layout("stages", {}, (), (), 0.0, 0.0, 6.0, 7.0, 3.0, 6.0, 7.5, "sans")
    return layout, {n: s.name for s in plan for n in s.steps}


def _unique_ids(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    for e in edges:
        k = e["id"]
        if k in seen:
            seen[k] += 1
            e["id"] = f"{k}#{seen[k]}"
        else:
            seen[k] = 0
    return edges


def _timescale_text(ts: Timescale, G: nx.DiGraph) -> str:
    def name(ref: str) -> str:
        sid = ref.rsplit(":", 1)[-1]
        return str(G.nodes[sid]["name"]) if sid in G else sid

    kind = KIND_WORDS.get(ts.kind, ts.kind)
    lines = [f"{name(ts.from_)} → {name(ts.to)}", f"{timescale_label(ts)} ({kind}; "
             f"{CONFIDENCE_WORDS.get(ts.confidence, ts.confidence)})"]
    if ts.wording:
        lines.append(_shorten(ts.wording, 240))
    if ts.consequence:
        lines.append("If missed: " + _shorten(ts.consequence, 200))
    if ts.applies_when:
        lines.append("Applies when: " + _shorten(ts.applies_when, 200))
    return "\n".join(lines)


def _edge_title(G: nx.DiGraph, u: str, v: str, label: str | None, tss: Sequence[Timescale],
                ed: dict[str, Any]) -> str:
    lines = [f"{G.nodes[u]['name']} → {G.nodes[v]['name']}"]
    if label:
        lines.append(label)
    if ed.get("repeat"):
        lines.append("Repeats (a cycle: recurring reviews or a deferral)")
    share = ed.get("share")
    if share is not None:
        lines.append(f"Share of cases: {share.value:.0%} ({share.basis})")
    est = ed.get("estimate")
    if est == "unknown":
        lines.append("Practice estimate: unknown")
    elif est is not None:
        lines.append(f"Practice estimate (not law): {est.min:g}–{est.max:g} days, likely "
                     f"{est.likely:g} ({est.basis})")
    if not tss:
        lines.append("No timescale on this transition")
    lines.extend(_timescale_text(ts, G).split("\n", 1)[1] for ts in tss)
    return "\n".join(lines)


def vis_options() -> dict[str, Any]:
    """vis-network options: left to right by level, no physics, hover tooltips."""
    face = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
    return {
        "autoResize": True,
        # Positions come from explorer.render.layout (x, y on every node).
        "layout": {"hierarchical": {"enabled": False}, "randomSeed": 1},
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 200, "navigationButtons": False,
                        "keyboard": {"enabled": False}, "multiselect": False,
                        "zoomView": True, "dragView": True},
        "nodes": {"font": {"face": face, "size": 12, "color": "#111111", "multi": False},
                  "margin": 4, "shape": "box"},
        "edges": {"font": {"face": face, "size": 11, "color": "#111111", "strokeWidth": 0,
                           "background": "rgba(255,255,255,0.9)", "align": "horizontal",
                           "multi": False},
                  "smooth": {"enabled": True, "type": "cubicBezier",
                             "forceDirection": "vertical", "roundness": 0.4},
                  "arrows": {"to": {"enabled": True, "scaleFactor": 0.7}}},
    }


def _json_for_script(data: Any) -> str:
    # Inside <script type="application/json"> only "</script" or "<!--" could break out;
    # escaping <, > and & as \u sequences rules both out, and ensure_ascii handles
    # U+2028/9. sort_keys makes the bytes stable.
    text = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


LINE_LEGEND: tuple[tuple[str, str], ...] = (
    ("solid", "statutory time limit (heavy, orange-brown)"),
    ("dashed", "guidance or local target (dashed)"),
    ("thin", "no timescale (thin grey)"),
    ("dotted", "repeats: goes back (dotted)"),
)
MARK_LEGEND: tuple[tuple[str, str], ...] = (
    ("⚠", "no time limit covers the step: a drift risk (dashed border)"),
    ("↗", "a step in another flow"),
)


def _legend_html(diff: dict[str, Any] | None = None) -> str:
    kinds = "".join(f"<li><span class=\"sym\" aria-hidden=\"true\">{sym}</span>"
                    f"{html.escape(text)}</li>" for _, sym, text in KIND_SHAPES.values())
    lines = "".join(f'<li><span class="ln {cls}" aria-hidden="true"></span>{html.escape(t)}</li>'
                    for cls, t in LINE_LEGEND)
    lines += "".join(f'<li><span class="sym" aria-hidden="true">{sym}</span>{html.escape(t)}'
                     "</li>" for sym, t in MARK_LEGEND)
    # The lane list is filled by the page's script from the data, as text.
    return ('<details class="legend" open><summary>Legend</summary>'
            '<div class="cols"><div><h2>Who acts (lane)</h2><ul id="lane-legend"></ul></div>'
            f"<div><h2>Kind of step (symbol)</h2><ul>{kinds}</ul></div>"
            f"<div><h2>Lines and marks</h2><ul>{lines}</ul></div>"
            + _diff_legend_html(diff).replace("<h3>", "<h2>").replace("</h3>", "</h2>")
            + "</div></details>")


def legend_html(lanes: Iterable[LaneInfo], diff: MapMarks | None = None) -> str:
    """The legend as static, escaped HTML (the app draws it outside the map's frame, so
    it is never cut off however many lanes there are); with ``diff``, a column for the
    marks of a local variant and the list of what it removed."""
    e = html.escape
    lane_items = "".join(
        f'<li><span class="sw" style="background:{e(li.fill)};border-color:{e(li.border)}">'
        f"</span>{e(li.name)}</li>" for li in lanes)
    kinds = "".join(f"<li><span class=\"sym\">{sym}</span>{e(text)}</li>"
                    for _, sym, text in KIND_SHAPES.values())
    lines = "".join(f'<li><span class="ln {cls}"></span>{e(t)}</li>' for cls, t in LINE_LEGEND)
    lines += "".join(f'<li><span class="sym">{sym}</span>{e(t)}</li>' for sym, t in MARK_LEGEND)
    css = ("<style>.pe-legend{display:flex;flex-wrap:wrap;gap:8px 28px;font-size:14px;"
           "color:#111}.pe-legend h3{font-size:14px;margin:2px 0}.pe-legend ul{list-style:none;"
           "margin:0;padding:0;columns:2;column-gap:18px}.pe-legend li{margin:1px 0;"
           "break-inside:avoid}.pe-legend .sw{display:inline-block;width:13px;height:13px;"
           "border:2px solid;margin-right:6px;vertical-align:middle}.pe-legend .sym"
           "{display:inline-block;width:18px;text-align:center;margin-right:4px}"
           ".pe-legend .ln{display:inline-block;width:30px;margin-right:6px;"
           "vertical-align:middle;height:0}.pe-legend .ln.solid{border-top:3px solid #b34700}"
           ".pe-legend .ln.dashed{border-top:2px dashed #111}.pe-legend .ln.thin"
           "{border-top:1px solid #5a5a5a}.pe-legend .ln.dotted{border-top:2px dotted #6a6a6a}"
           f"{DIFF_CSS}</style>")
    return (f'{css}<div class="pe-legend" role="group" aria-label="Legend of the map">'
            f"<div><h3>Who acts (lane)</h3><ul>{lane_items}</ul></div>"
            f"<div><h3>Kind of step (symbol)</h3><ul>{kinds}</ul></div>"
            f"<div><h3>Lines and marks</h3><ul>{lines}</ul></div>"
            f"{_diff_legend_html(None if diff is None else diff_legend_data(diff))}</div>")


_CSS = """
html,body{margin:0;padding:0;background:#fff;color:#111;
  font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:14px}
header{padding:6px 10px;border-bottom:1px solid #ccc}
header h1{font-size:18px;margin:0 0 2px 0}
header p{margin:0;color:#333}
#wrap{display:flex;gap:0}
#map{flex:1 1 auto;height:var(--map-h);border-bottom:1px solid #ccc;position:relative}
#map:focus{outline:3px solid #0072b2}
#info{flex:0 0 300px;max-height:var(--map-h);overflow:auto;border-left:1px solid #ccc;
  padding:8px;white-space:pre-wrap;display:none}
body.standalone #info{display:block}
.controls{display:flex;flex-wrap:wrap;gap:12px;padding:6px 10px;border-bottom:1px solid #ccc}
.controls fieldset{border:1px solid #ccc;padding:2px 8px;margin:0}
.controls label{margin-right:8px;white-space:nowrap}
.legend{padding:4px 10px}
.legend .cols{display:flex;flex-wrap:wrap;gap:24px}
.legend h2{font-size:13px;margin:4px 0}
.legend ul{list-style:none;margin:0;padding:0}
.legend li{margin:2px 0}
.sw{display:inline-block;width:14px;height:14px;border:2px solid;margin-right:6px;
  vertical-align:middle}
.sym{display:inline-block;width:20px;text-align:center;margin-right:4px}
.ln{display:inline-block;width:34px;margin-right:6px;vertical-align:middle;height:0;
  border-top-color:#1f1f1f}
.ln.solid{border-top:3px solid #b34700}
.ln.dashed{border-top:2px dashed}
.ln.thin{border-top:1px solid #5a5a5a}
body.embedded .legend{display:none}
.ln.dotted{border-top:2px dotted}
div.vis-tooltip{position:absolute;visibility:hidden;padding:6px;white-space:pre-wrap;
  max-width:360px;background:#fffbe6;border:1px solid #777;border-radius:3px;color:#000;
  font-size:13px;box-shadow:2px 2px 8px rgba(0,0,0,.2);pointer-events:none;z-index:5}
@media print{
  .controls,.toolbar,#info{display:none !important}
  #map{height:205mm;border:none}
  header p{color:#000}
  @page{size:A3 landscape;margin:10mm}
  /* The legend in compact columns under the map: the whole sheet stays one page. */
  .legend{font-size:9px;break-inside:avoid}
  .legend h2{font-size:10px;margin:2px 0}
  .legend .cols{flex-wrap:nowrap;gap:14px}
  .legend ul{column-count:3;column-gap:12px}
  .legend li{break-inside:avoid;margin:1px 0}
  .sw{width:9px;height:9px;border-width:1px}
}
.sr-only{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.toolbar{display:flex;gap:6px;align-items:center;padding:4px 10px;border-bottom:1px solid #ccc}
.toolbar button{min-width:32px;min-height:28px;font-size:14px;border:1px solid #555;
  background:#fff;color:#111;border-radius:3px;cursor:pointer}
.toolbar button:focus-visible{outline:3px solid #0072b2;outline-offset:1px}
.toolbar .status{font-size:13px;color:#222;overflow:hidden;white-space:nowrap;
  text-overflow:ellipsis;max-width:80%}
"""

_JS = r"""
(function () {
  "use strict";
  var standalone = document.body.classList.contains("standalone");
  var container = document.getElementById("map");
  var info = document.getElementById("info");
  var nodes = new vis.DataSet([]);
  var edges = new vis.DataSet([]);
  var filter = {lanes: null, tags: null};
  var current = null;
  var lastJson = null;
  var pendingSelect = null;
  function nodeShown(n) {
    if (filter.lanes && filter.lanes.indexOf(n.lane) < 0) { return false; }
    if (filter.tags) {
      var hit = false;
      for (var i = 0; i < n.tags.length; i++) {
        if (filter.tags.indexOf(n.tags[i]) >= 0) { hit = true; }
      }
      if (!hit) { return false; }
    }
    return true;
  }
  var nodeView = null, edgeView = null;
  function makeViews(nodeList, edgeList) {
    nodes = new vis.DataSet(nodeList);
    edges = new vis.DataSet(edgeList);
    nodeView = new vis.DataView(nodes, {filter: nodeShown});
    edgeView = new vis.DataView(edges, {filter: function (e) {
      var a = nodes.get(e.from), b = nodes.get(e.to);
      return !!a && !!b && nodeShown(a) && nodeShown(b);
    }});
  }
  makeViews([], []);
  var lastOptions = null;
  var network = null;
  function text(id, value) {
    var el = document.getElementById(id);
    if (el) { el.textContent = value; }
  }
  function showInfo(id) {
    var n = nodes.get(id);
    if (info && n) { info.textContent = n.details || n.title; }
  }
  function select(id) {
    if (!network || !nodes.get(id)) { pendingSelect = id; return; }
    network.selectNodes([id]);
    showInfo(id);
    // A chosen step should be readable: bring it into view unless already close up.
    if (!nodeView.get(id)) { return; }
    var p = network.canvasToDOM(network.getPositions([id])[id]);
    var inView = p.x >= 40 && p.y >= 40 && p.x <= container.clientWidth - 40 &&
      p.y <= container.clientHeight - 40;
    if (!inView || network.getScale() < 0.6) {
      network.focus(id, {scale: Math.max(network.getScale(), 0.8), animation: false});
    }
  }
  function readable() {
    // The whole flow fitted into the frame is too small to read: start instead at its
    // top-left corner at a readable scale ("Fit" shows it all).
    if (!network || network.getScale() >= 0.7) { return; }
    var ids = nodeView.getIds();
    if (!ids.length) { return; }
    var pos = network.getPositions(ids), minX = Infinity, minY = Infinity;
    ids.forEach(function (i) { minX = Math.min(minX, pos[i].x); minY = Math.min(minY, pos[i].y); });
    var w = container.clientWidth || 800, h = container.clientHeight || 600;
    network.moveTo({position: {x: minX - 150 + w / 2 / 0.8, y: minY - 90 + h / 2 / 0.8},
                    scale: 0.8, animation: false});
  }
  function drawRegions(ctx) {
    if (!current || !current.regions) { return; }
    ctx.save();
    current.regions.forEach(function (r) {
      ctx.fillStyle = "#f4f4f4";
      ctx.strokeStyle = "#b0b0b0";
      ctx.lineWidth = 1;
      ctx.fillRect(r.x, r.y, r.w, r.h);
      ctx.strokeRect(r.x, r.y, r.w, r.h);
    });
    var looks = {statutory: ["#b34700", 2.6, []], guidance: ["#111111", 1.8, [7, 4]],
                 none: ["#5a5a5a", 1.2, []], repeat: ["#6a6a6a", 1.3, [2, 4]],
                 removed: ["#b42318", 1.6, [3, 5]]};
    (current.paths || []).forEach(function (p) {
      var look = looks[p.style] || looks.none;
      var pts = p.pts;
      if (pts.length < 2) { return; }
      ctx.globalAlpha = p.faded ? 0.25 : 1;
      ctx.strokeStyle = p.on ? "#000000" : look[0];
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = p.on ? 5 : look[1];
      ctx.setLineDash(look[2]);
      ctx.beginPath();
      ctx.moveTo(pts[0][0], pts[0][1]);
      for (var i = 1; i < pts.length; i++) { ctx.lineTo(pts[i][0], pts[i][1]); }
      ctx.stroke();
      ctx.setLineDash([]);
      var a = pts[pts.length - 2], b = pts[pts.length - 1];
      var dx = b[0] - a[0], dy = b[1] - a[1], n = Math.sqrt(dx * dx + dy * dy) || 1;
      var ux = dx / n, uy = dy / n, size = 9 + ctx.lineWidth;
      ctx.beginPath();
      ctx.moveTo(b[0], b[1]);
      ctx.lineTo(b[0] - ux * size - uy * size * 0.4, b[1] - uy * size + ux * size * 0.4);
      ctx.lineTo(b[0] - ux * size + uy * size * 0.4, b[1] - uy * size - ux * size * 0.4);
      ctx.closePath();
      ctx.fill();
    });
    ctx.globalAlpha = 1;
    // Headings last, on the band's grey: a line into a stacked stage passes under them.
    ctx.font = "bold 15px system-ui, Arial, sans-serif";
    ctx.textBaseline = "top";
    current.regions.forEach(function (r) {
      var w = Math.min(ctx.measureText(r.title).width, Math.max(40, r.w - 16));
      ctx.fillStyle = "#f4f4f4";
      ctx.fillRect(r.x + 5, r.y + 3, w + 6, 19);
      ctx.fillStyle = "#111111";
      ctx.fillText(r.title, r.x + 8, r.y + 5, Math.max(40, r.w - 16));
    });
    ctx.restore();
  }
  // A local variant's differences: an outline around each marked step (solid: added,
  // dashed: changed) with a text badge above it, and a badge on each marked line, so
  // that no mark is told by colour alone.
  function pill(ctx, x, y, label, colour) {
    ctx.font = "bold 12px system-ui, Arial, sans-serif";
    ctx.textBaseline = "middle";
    var w = ctx.measureText(label).width + 10;
    ctx.fillStyle = colour;
    ctx.fillRect(x, y - 9, w, 18);
    ctx.fillStyle = "#ffffff";
    ctx.fillText(label, x + 5, y);
  }
  function drawMarks(ctx) {
    if (!current || !current.diff) { return; }
    var d = current.diff;
    ctx.save();
    nodeView.get({filter: function (n) { return !!n.diff; }}).forEach(function (n) {
      var b = network.getBoundingBox(n.id);
      if (!b) { return; }
      var colour = d.colours[n.diff] || "#000000";
      ctx.globalAlpha = n.opacity === undefined ? 1 : n.opacity;
      ctx.strokeStyle = colour;
      ctx.lineWidth = 4;
      ctx.setLineDash(n.diff === "changed" ? [9, 5] : n.diff === "removed" ? [3, 4] : []);
      ctx.strokeRect(b.left - 6, b.top - 6, b.right - b.left + 12, b.bottom - b.top + 12);
      ctx.setLineDash([]);
      pill(ctx, b.left - 6, b.top - 16, d.badges[n.diff] || n.diff, colour);
    });
    (current.paths || []).forEach(function (p) {
      if (!p.diff || p.pts.length < 2) { return; }
      var i = Math.floor((p.pts.length - 1) / 2), a = p.pts[i], c = p.pts[i + 1];
      var x = (a[0] + c[0]) / 2, y = (a[1] + c[1]) / 2;
      var colour = d.colours[p.diff] || "#000000";
      ctx.globalAlpha = p.faded ? 0.4 : 1;
      ctx.beginPath();
      ctx.arc(x, y, 11, 0, 2 * Math.PI);
      ctx.fillStyle = "#ffffff";
      ctx.fill();
      ctx.lineWidth = 3;
      ctx.strokeStyle = colour;
      ctx.stroke();
      ctx.fillStyle = colour;
      ctx.font = "bold 14px system-ui, Arial, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText((d.badges[p.diff] || "").split(" ")[0], x, y + 1);
      ctx.textAlign = "start";
    });
    ctx.restore();
  }
  // Keyboard: arrows move between connected steps, Enter opens the details, + and -
  // zoom, 0 fits. The live region says where the selection is (the text alternative).
  var cursor = null;
  function announce(id) {
    var n = nodes.get(id);
    text("map-status", n ? "Selected: " + n.name + ". " + n.title : "");
  }
  function neighbours(id, forward) {
    var edgesOf = edgeView.get({filter: function (e) {
      return (forward ? e.from : e.to) === id && e.edgeKind !== "clock"; }});
    var out = edgesOf.map(function (e) { return forward ? e.to : e.from; });
    var pos = network.getPositions(out);
    out.sort(function (a, b) { return (pos[a].x - pos[b].x) || (pos[a].y - pos[b].y); });
    return out.filter(function (v, i) { return out.indexOf(v) === i && nodeView.get(v); });
  }
  function moveTo(id) {
    cursor = id;
    network.selectNodes([id]);
    showInfo(id);
    announce(id);
    var p = network.canvasToDOM(network.getPositions([id])[id]);
    if (p.x < 60 || p.y < 60 || p.x > container.clientWidth - 60 ||
        p.y > container.clientHeight - 60) {
      network.focus(id, {scale: Math.max(network.getScale(), 0.8), animation: false});
    }
  }
  function onKey(ev) {
    if (!network) { return; }
    var k = ev.key;
    var ids = nodeView.getIds();
    if (!ids.length) { return; }
    if (!cursor || !nodeView.get(cursor)) {
      var sel = network.getSelectedNodes();
      cursor = sel.length ? sel[0] : null;
    }
    if (k === "+" || k === "=" || k === "-" || k === "_") {
      var f = (k === "+" || k === "=") ? 1.25 : 0.8;
      network.moveTo({scale: Math.min(3, Math.max(0.05, network.getScale() * f)),
                      animation: false});
      ev.preventDefault();
      return;
    }
    if (k === "0") { network.fit({animation: false}); ev.preventDefault(); return; }
    if (k === "Enter" || k === " ") {
      if (cursor) { clicked(cursor); }
      ev.preventDefault();
      return;
    }
    if (["ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight"].indexOf(k) < 0) { return; }
    ev.preventDefault();
    if (!cursor) {
      var pos0 = network.getPositions(ids);
      ids.sort(function (a, b) { return (pos0[a].x - pos0[b].x) || (pos0[a].y - pos0[b].y); });
      moveTo(String(ids[0]));
      return;
    }
    var next = null;
    if (k === "ArrowDown") { next = neighbours(cursor, true)[0]; }
    if (k === "ArrowUp") { next = neighbours(cursor, false)[0]; }
    if (k === "ArrowLeft" || k === "ArrowRight") {
      // Siblings: the other steps that follow the same step (or, at a start, lead to
      // the same step), in order across the map.
      var preds = neighbours(cursor, false);
      var sib = preds.length ? neighbours(preds[0], true) : neighbours(cursor, true);
      var i = sib.indexOf(cursor);
      if (sib.length > 1) {
        next = k === "ArrowRight" ? sib[(i + 1) % sib.length]
                                  : sib[(i - 1 + sib.length) % sib.length];
      } else {
        next = neighbours(cursor, k === "ArrowRight")[0];
      }
    }
    if (next) { moveTo(String(next)); }
  }
  function clicked(id) {
    showInfo(id);
    announce(id);
    if (window.parent && window.parent !== window) {
      window.parent.postMessage({type: "__CLICK__", id: id}, "*");
    }
  }
  // Printing: the whole map, fitted to the sheet, not just the part on screen.
  var screenHeight = null;
  window.addEventListener("beforeprint", function () {
    if (!network) { return; }
    screenHeight = container.style.height;
    container.style.height = "205mm";
    // On paper a small label still reads (the screen hides labels under 5 px).
    network.setOptions({nodes: {scaling: {label: {drawThreshold: 1}}}});
    network.setSize("100%", container.clientHeight + "px");
    network.redraw();
    network.fit({animation: false});
  });
  window.addEventListener("afterprint", function () {
    if (!network) { return; }
    container.style.height = screenHeight || "";
    network.setOptions({nodes: {scaling: {label: {drawThreshold: 5}}}});
    network.setSize("100%", container.clientHeight + "px");
    network.redraw();
  });
  container.setAttribute("tabindex", "0");
  container.addEventListener("keydown", onKey);
  function button(id, fn) {
    var b = document.getElementById(id);
    if (b) { b.addEventListener("click", fn); }
  }
  button("zoom-fit", function () { if (network) { network.fit({animation: false}); } });
  button("zoom-in", function () {
    if (network) { network.moveTo({scale: network.getScale() * 1.25, animation: false}); }
  });
  button("zoom-out", function () {
    if (network) { network.moveTo({scale: network.getScale() * 0.8, animation: false}); }
  });
  function legend(lanes) {
    var ul = document.getElementById("lane-legend");
    if (!ul) { return; }
    while (ul.firstChild) { ul.removeChild(ul.firstChild); }
    lanes.forEach(function (li) {
      var item = document.createElement("li");
      var sw = document.createElement("span");
      sw.className = "sw";
      sw.style.background = li.fill;
      sw.style.borderColor = li.border;
      item.appendChild(sw);
      item.appendChild(document.createTextNode(li.name));
      ul.appendChild(item);
    });
  }
  function render(data) {
    current = data;
    document.body.removeAttribute("data-map-ready");
    text("map-title", data.title);
    text("map-summary", data.summary);
    document.title = data.title;
    container.setAttribute("aria-label", data.title + ": a map of the steps, stage by " +
      "stage. Arrow keys move between connected steps, Enter opens a step's details, " +
      "+ and - zoom, 0 fits; a text outline and a table of steps are given beside it");
    legend(data.lanes);
    // Fresh data sets handed over in one setData: clearing and refilling the ones the
    // network watches would lay the whole map out again at every step.
    makeViews(data.nodes, data.edges);
    var options = JSON.stringify(data.options);
    if (!network) {
      lastOptions = options;
      network = new vis.Network(container, {nodes: nodeView, edges: edgeView}, data.options);
      network.on("click", function (p) {
        if (!p.nodes || !p.nodes.length) { return; }
        var id = String(p.nodes[0]);
        cursor = id;
        clicked(id);
      });
      network.on("beforeDrawing", drawRegions);
      network.on("afterDrawing", function (ctx) {
        drawMarks(ctx);
        document.body.setAttribute("data-map-ready", "1");
      });
      window.mapNetwork = network;
    } else {
      if (options !== lastOptions) {
        lastOptions = options;
        network.setOptions(data.options);
      }
      network.setData({nodes: nodeView, edges: edgeView});
    }
    readable();
    if (pendingSelect) { var id = pendingSelect; pendingSelect = null; select(id); }
  }
  window.addEventListener("message", function (ev) {
    if (ev.source !== window.parent || window.parent === window) { return; }
    var m = ev.data;
    if (!m || typeof m.type !== "string") { return; }
    if (m.type === "__DATA__" && typeof m.json === "string" && m.json !== lastJson) {
      lastJson = m.json;
      render(JSON.parse(m.json));
    }
    if (m.type === "__SELECT__" && typeof m.id === "string") { select(m.id); }
  });
  window.mapNodeCount = function () { return nodeView.length; };
  window.mapEdgeCount = function () { return edgeView.length; };
  var embedded = document.getElementById("map-data");
  if (embedded) { render(JSON.parse(embedded.textContent)); }
  if (window.parent && window.parent !== window) {
    window.parent.postMessage({type: "__READY__"}, "*");
  }
  if (!standalone || !current) { return; }
  var data = current;
  function checkboxes(holder, items, onChange) {
    items.forEach(function (it) {
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = it.id;
      box.addEventListener("change", onChange);
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + it.name));
      holder.appendChild(label);
    });
  }
  function checked(holder) {
    var out = [];
    holder.querySelectorAll("input").forEach(function (b) {
      if (b.checked) { out.push(b.value); }
    });
    return out;
  }
  var laneBox = document.getElementById("lane-filter");
  var tagBox = document.getElementById("tag-filter");
  function refilter() {
    var l = checked(laneBox), t = checked(tagBox);
    filter.lanes = l.length === data.lanes.length ? null : l;
    filter.tags = t.length === data.tags.length ? null : t;
    nodeView.refresh();
    edgeView.refresh();
  }
  checkboxes(laneBox, data.lanes, refilter);
  checkboxes(tagBox, data.tags, refilter);
  if (!data.tags.length) { tagBox.parentNode.style.display = "none"; }
  var pick = document.getElementById("step-pick");
  data.steps.forEach(function (s) {
    var o = document.createElement("option");
    o.value = s.id;
    o.textContent = s.name;
    pick.appendChild(o);
  });
  pick.addEventListener("change", function () {
    if (pick.value) { select(pick.value); network.focus(pick.value, {scale: 1}); }
  });
  var search = document.getElementById("search");
  search.addEventListener("input", function () {
    var q = search.value.trim().toLowerCase();
    var hits = [];
    if (q) {
      nodes.forEach(function (n) {
        if (n.name.toLowerCase().indexOf(q) >= 0 && nodeShown(n)) { hits.push(n.id); }
      });
    }
    network.selectNodes(hits);
    text("search-count", q ? hits.length + " step(s) match" : "");
  });
})();
"""


def _page(*, title: str, standalone: bool, height_px: int, data: dict[str, Any] | None
          ) -> str:
    e = html.escape
    controls = ""
    if standalone:
        controls = (
            '<div class="controls">'
            '<fieldset><legend>Lanes</legend><div id="lane-filter"></div></fieldset>'
            '<fieldset><legend>Tags</legend><div id="tag-filter"></div></fieldset>'
            '<label>Search steps <input id="search" type="search"></label>'
            '<span id="search-count" aria-live="polite"></span>'
            '<label>Go to step <select id="step-pick"><option value="">(choose)</option>'
            "</select></label></div>")
    js = (_JS.replace("__CLICK__", CLICK_MESSAGE).replace("__SELECT__", SELECT_MESSAGE)
          .replace("__DATA__", DATA_MESSAGE).replace("__READY__", READY_MESSAGE))
    embedded = ("" if data is None else '<script id="map-data" type="application/json">'
                f"{_json_for_script(data)}</script>")
    summary = data["summary"] if data else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{e(title)}</title>"
        f"<style>{_CSS}{DIFF_CSS}:root{{--map-h:{int(height_px)}px}}</style>"
        f"<script>{vis_network_js()}</script>"
        f'</head><body class="{"standalone" if standalone else "embedded"}">'
        f'<header><h1 id="map-title">{e(title)}</h1><p id="map-summary">{e(summary)}</p>'
        f"</header>{controls}"
        '<div class="toolbar"><button type="button" id="zoom-fit">Fit</button>'
        '<button type="button" id="zoom-in" aria-label="Zoom in">+</button>'
        '<button type="button" id="zoom-out" aria-label="Zoom out">−</button>'
        '<span id="map-status" class="status" aria-live="polite"></span></div>'
        f'<div id="wrap"><div id="map" role="application" aria-label="{e(title)}"></div>'
        '<aside id="info" aria-live="polite">Click a step for its details.</aside></div>'
        f"{_legend_html(data.get('diff') if data else None)}{embedded}"
        f"<script>{js}</script>"
        "</body></html>\n"
    )


def map_html(G: nx.DiGraph, flows: dict[str, Flow], opts: MapOptions = MapOptions()) -> str:
    """A whole HTML page drawing ``G``, its data inside: offline, escaped, deterministic."""
    data = map_data(G, flows, opts)
    return _page(title=data["title"], standalone=opts.standalone, height_px=opts.height_px,
                 data=data)


@cache
def map_shell_html(height_px: int = 620) -> str:
    """The map page without data, for the app: data arrive by ``postMessage``.

    The same bytes serve every flow and filter, so the frame loads (and parses
    vis-network) once; a new filter sends only the new data.
    """
    return _page(title="Map", standalone=False, height_px=height_px, data=None)


def map_data_json(data: dict[str, Any]) -> str:
    """The data as the JSON string the app sends to the shell (stable bytes)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def flow_map_html(fs: FlowSet, flow_id: str, opts: MapOptions = MapOptions()) -> str:
    """The map of one flow of a FlowSet (or ``"all"``)."""
    return map_html(flow_graph(fs, flow_id), fs.flows, opts)


def filter_options(lanes: Iterable[str] | None = None, tags: Iterable[str] | None = None,
                   **kw: Any) -> MapOptions:
    """MapOptions from plain iterables (None: no filter)."""
    return MapOptions(lanes=None if lanes is None else frozenset(lanes),
                      tags=None if tags is None else frozenset(tags), **kw)

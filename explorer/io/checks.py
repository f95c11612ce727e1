"""Semantic checks that the schema alone cannot make.

Unique ids; references that resolve (lanes, sources, steps, steps of other flows);
decisions with two or more exits whose shares sum to 1; parallels closed by a join;
no cycle but through repeat edges; every step reachable from a start and able to
reach an outcome; a legal basis on every statutory timescale; the canonical
milestones present; stages (where a flow declares them) named by every step and never
running backwards along a transition, and links between flows running one way. Each
problem names the file, line and column.

>>> from explorer.io.load import load_flows
>>> load_flows().problems
[]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from explorer.graph import (
    build_flow_graph,
    closing_join,
    dag,
    flow_links,
    flow_of,
    flow_timescales,
    post_dominators,
    stage_index,
    step_id,
    system_flow_ids,
)
from explorer.io.layout import flatten_flow_data
from explorer.model import Flow, Lane, Step, Tag
from explorer.model.document import SourceDocument
from explorer.model.flowset import FlowSet
from explorer.model.milestones import MILESTONES
from explorer.model.problems import Problem

SHARE_TOLERANCE = 0.01


class _Reporter:
    """Turns a location in a flow's data into a Problem with file, line and column."""

    def __init__(self, doc: SourceDocument) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.index: dict[tuple[str, str], int] = {}
        self._step_ids: dict[str, set[str]] = {}
        data = doc.data if isinstance(doc.data, dict) else {}
        for section in ("stages", "case_attributes", "steps", "lanes", "tags", "timescales",
                        "published_durations"):
            for i, item in enumerate(data.get(section) or []):
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    self.index.setdefault((section, item["id"]), i)

    def at(self, loc: tuple[Any, ...], message: str, hint: str | None = None,
           code: str = "check") -> None:
        line, col = self.doc.locate(loc)
        self.problems.append(Problem(self.doc.path, line, col, message, hint, code))

    def step_ids(self, flow: Flow) -> set[str]:
        # Every transition and timescale checks a reference: build each id set once.
        ids = self._step_ids.get(flow.id)
        if ids is None:
            ids = self._step_ids[flow.id] = {s.id for s in flow.steps}
        return ids

    def step_loc(self, sid: str, key: str = "id") -> tuple[Any, ...]:
        i = self.index.get(("steps", sid))
        return ("steps", i, key) if i is not None else ("steps",)


def check_flowset(fs: FlowSet, folder: Path) -> list[Problem]:
    """Every semantic problem of a flow set (its flows, sources and glossary)."""
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    for fid, flow in fs.flows.items():
        rep = _Reporter(fs.documents[fid])
        _check_flow(flow, fs, rep, owner)
        _check_flow_links(flow, fs, rep)
        problems.extend(rep.problems)
    if fs.flows and not fs.sources:
        problems.append(Problem(str(folder / "sources.yaml"), 1, 1,
                                "no bibliography: every legal basis needs flows/sources.yaml",
                                code="missing_file"))
    if len(fs.flows) > 1 and not problems:
        problems.extend(_check_union(fs))
    return problems


def _check_flow(flow: Flow, fs: FlowSet, rep: _Reporter, owner: dict[str, str]) -> None:
    lanes = {lane.id for lane in flow.lanes}
    steps = {s.id: s for s in flow.steps}
    _check_unique_ids(flow, rep, owner, fs)
    _check_tags(flow, rep)
    for i, s in enumerate(flow.steps):
        if s.lane not in lanes:
            rep.at(("steps", i, "lane"), f"step '{s.id}': unknown lane '{s.lane}'",
                   _suggest(s.lane, lanes, "lanes"), "reference")
        if s.decided_by is not None and s.decided_by not in lanes:
            rep.at(("steps", i, "decided_by"), f"step '{s.id}': unknown lane "
                   f"'{s.decided_by}' in decided_by", _suggest(s.decided_by, lanes, "lanes"),
                   "reference")
        for j, lb in enumerate(s.legal_basis):
            _check_source(lb.source, ("steps", i, "legal_basis", j, "source"), fs, rep)
    for i, t in enumerate(flow.transitions):
        loc = ("transitions", i)
        if t.from_ not in steps:
            rep.at((*loc, "from"), f"transition {t.from_} -> {t.to}: unknown step "
                   f"'{t.from_}'", _suggest(t.from_, steps, "steps"), "reference")
        _check_ref(t.to, (*loc, "to"), flow, fs, rep, f"transition {t.from_} -> {t.to}")
        for part in ("estimate", "share"):
            obj = getattr(t, part)
            src = getattr(obj, "source", None)
            if src is not None:
                _check_source(src, (*loc, part, "source"), fs, rep)
        if t.timescale is not None:
            for j, lb in enumerate(t.timescale.legal_basis):
                _check_source(lb.source, (*loc, "timescale", "legal_basis", j, "source"), fs,
                              rep)
    for i, ts in enumerate(flow.timescales):
        loc = ("timescales", i)
        label = f"timescale {ts.from_} -> {ts.to}"
        _check_ref(ts.from_, (*loc, "from"), flow, fs, rep, label)
        _check_ref(ts.to, (*loc, "to"), flow, fs, rep, label)
        for j, lb in enumerate(ts.legal_basis):
            _check_source(lb.source, (*loc, "legal_basis", j, "source"), fs, rep)
    _check_case_conditions(flow, rep)
    for i, ts in enumerate(flow_timescales(flow)):
        if ts.statutory and not ts.legal_basis:
            loc = (("timescales", i, "kind") if i < len(flow.timescales) else
                   _transition_loc(flow, ts.from_, ts.to, ("timescale", "kind")))
            rep.at(loc, f"timescale {ts.from_} -> {ts.to} is {ts.kind} but has no legal basis",
                   "add legal_basis: [{source: ..., provision: ...}] citing the Act, "
                   "regulation or rule", "legal_basis")
    for i, pd in enumerate(flow.published_durations):
        loc = ("published_durations", i)
        _check_ref(pd.from_, (*loc, "from"), flow, fs, rep, f"published duration {pd.id}")
        _check_ref(pd.to, (*loc, "to"), flow, fs, rep, f"published duration {pd.id}")
        _check_source(pd.source, (*loc, "source"), fs, rep)
    _check_transitions(flow, rep)
    _check_stages(flow, rep)
    # The graph is only trustworthy when every reference resolves.
    if not any(p.code in ("reference", "duplicate_id") for p in rep.problems):
        _check_structure(flow, fs, rep)
    for milestone in MILESTONES.get(flow.id, ()):
        if milestone not in steps:
            rep.at(("steps",), f"canonical milestone '{milestone}' is missing from flow "
                   f"'{flow.id}'", "case-tracking spreadsheets use it as a column name: "
                   "add a step with this id (design.md section 4)", "milestone")


def _check_tags(flow: Flow, rep: _Reporter) -> None:
    """Every tag a step uses is declared in the flow's ``tags``, with the name readers see."""
    tags = {t.id for t in flow.tags}
    for i, s in enumerate(flow.steps):
        for j, tag in enumerate(s.tags):
            if tag not in tags:
                rep.at(("steps", i, "tags", j), f"step '{s.id}': tag '{tag}' is not declared "
                       "in the flow's tags", _suggest(tag, tags, "tags") + " (declare it "
                       f"under tags: with the name a reader sees: - id: {tag}, name: ...)",
                       "undeclared_tag")


def _family(fs: FlowSet, fid: str) -> str:
    # A local variant shares its national flow's step ids: they are one family.
    flow = fs.flows.get(fid)
    national = flow.variant_of if flow is not None else None
    return national if national and national in fs.flows else fid


def _check_unique_ids(flow: Flow, rep: _Reporter, owner: dict[str, str],
                      fs: FlowSet | None = None) -> None:
    sections: tuple[tuple[str, Sequence[Lane | Step | Tag]], ...] = (
        ("lanes", flow.lanes), ("tags", flow.tags), ("steps", flow.steps))
    for section, items in sections:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                rep.at((section, i, "id"), f"duplicate {section[:-1]} id '{item.id}' "
                       f"(first at {section}[{seen[item.id]}])", "ids must be unique",
                       "duplicate_id")
            else:
                seen[item.id] = i
    for i, s in enumerate(flow.steps):
        other = owner.setdefault(s.id, flow.id)
        if other != flow.id and (fs is None or _family(fs, other) != _family(fs, flow.id)):
            rep.at(("steps", i, "id"), f"step id '{s.id}' is also used in flow '{other}'",
                   "step ids are unique across all flows (they are case-tracking column "
                   "names); rename one", "duplicate_id")
    ts_ids = Counter(ts.id for ts in flow.timescales if ts.id)
    for i, ts in enumerate(flow.timescales):
        if ts.id and ts_ids[ts.id] > 1:
            rep.at(("timescales", i, "id"), f"duplicate timescale id '{ts.id}'",
                   code="duplicate_id")


def _check_case_conditions(flow: Flow, rep: _Reporter) -> None:
    """Every ``applies_when_case`` names a declared case attribute and values it may take.

    A misspelt value would match no case, and the rule would silently never apply.
    """
    attributes: dict[str, set[str]] = {}
    for i, attr in enumerate(flow.case_attributes):
        if attr.id in attributes:
            rep.at(("case_attributes", i, "id"), f"duplicate case attribute id '{attr.id}'",
                   code="duplicate_id")
        values = [v.id for v in attr.values]
        for j, v in enumerate(values):
            if values.index(v) != j:
                rep.at(("case_attributes", i, "values", j, "id"), f"case attribute "
                       f"'{attr.id}': duplicate value '{v}'", code="duplicate_id")
        attributes.setdefault(attr.id, set(values))
    located: list[tuple[tuple[Any, ...], Any]] = [
        (("timescales", i), ts) for i, ts in enumerate(flow.timescales)]
    located += [(("transitions", i, "timescale"), t.timescale)
                for i, t in enumerate(flow.transitions) if t.timescale is not None]
    for loc, ts in located:
        for key, wanted in (ts.applies_when_case or {}).items():
            here = (*loc, "applies_when_case", key)
            if key not in attributes:
                rep.at(here, f"applies_when_case: unknown case attribute '{key}'",
                       _suggest(key, attributes, "case_attributes of this flow"), "reference")
                continue
            for j, value in enumerate([wanted] if isinstance(wanted, str) else wanted):
                if value not in attributes[key]:
                    rep.at(here if isinstance(wanted, str) else (*here, j),
                           f"applies_when_case: '{value}' is not a value of case attribute "
                           f"'{key}'", _suggest(value, attributes[key], f"values of {key}"),
                           "reference")


def _check_stages(flow: Flow, rep: _Reporter) -> None:
    """Stages, where the flow declares them: unique, each used, named by every step, and
    never running backwards along a transition (repeat edges aside).

    A flow that declares no stages is left alone: stages are optional in the schema so
    that a small or local flow (a test fixture, a draft upload) need not invent phases,
    and the shipped flows are held to them by their own tests. A step that names a stage
    in such a flow is still an error, because the name resolves to nothing.
    """
    position: dict[str, int] = {}
    for i, st in enumerate(flow.stages):
        if st.id in position:
            rep.at(("stages", i, "id"), f"duplicate stage id '{st.id}' (first at "
                   f"stages[{position[st.id]}])", "ids must be unique", "duplicate_id")
        else:
            position[st.id] = i
    used: set[str] = set()
    for i, s in enumerate(flow.steps):
        if s.stage is None:
            if flow.stages:
                rep.at(("steps", i, "id"), f"step '{s.id}' has no stage",
                       "add stage: one of " + ", ".join(position), "stage")
        elif s.stage not in position:
            rep.at(("steps", i, "stage"), f"step '{s.id}': unknown stage '{s.stage}'",
                   _suggest(s.stage, position, "stages"), "reference")
        else:
            used.add(s.stage)
    for st_id, i in position.items():
        if st_id not in used:
            rep.at(("stages", i, "id"), f"stage '{st_id}' has no steps",
                   "give some step stage: " + st_id + ", or remove the stage", "stage")
    index = stage_index(flow)
    names = [st.name for st in flow.stages]
    for i, t in enumerate(flow.transitions):
        if t.repeat or flow_of(t.to) not in (None, flow.id):
            continue
        a, b = index.get(t.from_), index.get(step_id(t.to))
        if a is not None and b is not None and b < a:
            rep.at(("transitions", i, "to"), f"transition {t.from_} -> {t.to} runs "
                   f"backwards, from stage '{names[a]}' to the earlier stage '{names[b]}'",
                   "stages follow the process in order: move a step to another stage, "
                   "reorder the stages, or mark an edge that goes back by design "
                   "'repeat: true'", "stage_order")


def _check_flow_links(flow: Flow, fs: FlowSet, rep: _Reporter) -> None:
    """Links between flows run one way: flows have an order (the care and protection flow
    before the permanence flow) and a link never points back against it."""
    F = flow_links(fs.flows)
    for i, t in enumerate(flow.transitions):
        other = flow_of(t.to)
        if other is None or other == flow.id or other not in fs.flows:
            continue
        if nx.has_path(F, other, flow.id):
            rep.at(("transitions", i, "to"), f"transition {t.from_} -> {t.to} links to "
                   f"flow '{other}', which links back to flow '{flow.id}'",
                   "links between flows run one way (a flow hands over to the next): "
                   "remove the link back, or model the return inside one flow",
                   "flow_order")


def _check_source(src: str, loc: tuple[Any, ...], fs: FlowSet, rep: _Reporter) -> None:
    if fs.sources and src not in fs.sources:
        rep.at(loc, f"unknown source '{src}'", _suggest(src, fs.sources, "flows/sources.yaml"),
               "reference")


def _check_ref(ref: str, loc: tuple[Any, ...], flow: Flow, fs: FlowSet, rep: _Reporter,
               label: str) -> None:
    other = flow_of(ref)
    sid = step_id(ref)
    if other is None or other == flow.id:
        ids = rep.step_ids(flow)
        if sid not in ids:
            rep.at(loc, f"{label}: unknown step '{ref}'", _suggest(sid, ids, "steps"),
                   "reference")
        return
    target = fs.flows.get(other)
    if target is None:
        rep.at(loc, f"{label}: unknown flow '{other}'",
               _suggest(other, fs.flows, "flows"), "reference")
        return
    ids = rep.step_ids(target)
    if sid not in ids:
        rep.at(loc, f"{label}: flow '{other}' has no step '{sid}'",
               _suggest(sid, ids, f"steps of {other}"), "reference")


def _transition_loc(flow: Flow, a: str, b: str, tail: tuple[Any, ...] = ()) -> tuple[Any, ...]:
    for i, t in enumerate(flow.transitions):
        if t.from_ == a and t.to == b:
            return ("transitions", i, *tail)
    return ("transitions",)


def _check_transitions(flow: Flow, rep: _Reporter) -> None:
    kinds = {s.id: s.kind for s in flow.steps}
    out: dict[str, list[int]] = defaultdict(list)
    seen: dict[tuple[str, str], int] = {}
    for i, t in enumerate(flow.transitions):
        out[t.from_].append(i)
        key = (t.from_, t.to)
        if key in seen:
            rep.at(("transitions", i), f"duplicate transition {t.from_} -> {t.to} "
                   f"(first at transitions[{seen[key]}])", "merge them, or put a step "
                   "between", "duplicate_id")
        seen.setdefault(key, i)
        if t.share is not None and kinds.get(t.from_) != "decision":
            rep.at(("transitions", i, "share"), f"transition {t.from_} -> {t.to} has a "
                   f"share but '{t.from_}' is a {kinds.get(t.from_)}, not a decision",
                   "shares belong on the exits of a decision", "share")
    for s in flow.steps:
        exits = out.get(s.id, [])
        loc = rep.step_loc(s.id, "kind")
        if s.kind == "decision" and len(exits) < 2:
            rep.at(loc, f"decision '{s.id}' has {len(exits)} exit(s); a decision needs at "
                   "least two", "add the other outcome(s), or make the step an event or "
                   "activity", "decision")
        if s.kind == "parallel" and len(exits) < 2:
            rep.at(loc, f"parallel '{s.id}' has {len(exits)} track(s); it needs at least two",
                   code="parallel")
        if s.kind == "outcome":
            onward = [i for i in exits if not flow.transitions[i].repeat]
            if onward:
                rep.at(("transitions", onward[0]), f"outcome '{s.id}' has an onward "
                       "transition", "an outcome ends a journey: make it an event, or "
                       "link on from a step before it", "outcome")
        if s.kind == "decision" and exits:
            shares = [flow.transitions[i].share for i in exits]
            given = [sh for sh in shares if sh is not None]
            if given and len(given) < len(shares):
                rep.at(loc, f"decision '{s.id}': {len(given)} of {len(shares)} exits have "
                       "a share", "give a share on every exit, or on none", "share")
            elif given:
                total = sum(sh.value for sh in given)
                if abs(total - 1) > SHARE_TOLERANCE:
                    rep.at(("transitions", exits[0], "share"), f"shares out of decision "
                           f"'{s.id}' sum to {total:.3f}, not 1", "adjust the shares so "
                           f"they add up to 1 (within {SHARE_TOLERANCE})", "share")


def _check_structure(flow: Flow, fs: FlowSet, rep: _Reporter) -> None:
    G = build_flow_graph(fs.flows, [flow.id])
    D = dag(G)
    cycle = _find_cycle(G)
    if cycle:
        path = " -> ".join([u for u, _ in cycle] + [cycle[-1][1]])
        u, v = cycle[-1]
        rep.at(_transition_loc(flow, u, v) if u in {s.id for s in flow.steps} else
               ("transitions",), f"cycle without a repeat edge: {path}",
               "mark the edge that goes back with 'repeat: true'", "cycle")
        return
    local = [s.id for s in flow.steps]
    starts = [n for n in local if G.nodes[n]["kind"] == "start"]
    if not starts:
        rep.at(("steps",), f"flow '{flow.id}' has no start step", "give one step kind: start",
               "reachability")
    # One traversal from every start at once, not one per start.
    reached = _reachable(G.succ, starts)
    for n in local:
        if starts and n not in reached:
            rep.at(rep.step_loc(n), f"step '{n}' cannot be reached from any start",
                   "add a transition into it", "reachability")
    ends = [n for n in G if G.nodes[n]["kind"] == "outcome" or G.nodes[n]["external"]]
    can_end = _reachable(G.pred, ends)
    for n in local:
        if n not in can_end:
            rep.at(rep.step_loc(n), f"step '{n}' cannot reach any outcome",
                   "add a transition out of it towards an outcome", "reachability")
    _check_parallels(G, D, flow, rep)


def _reachable(adj: Any, sources: list[str]) -> set[str]:
    """Every node reachable from any of ``sources`` (themselves included) along ``adj``.

    ``adj`` is ``G.succ`` (descendants) or ``G.pred`` (ancestors), repeat edges included.
    """
    seen = set(sources)
    stack = list(sources)
    while stack:
        for nbr in adj[stack.pop()]:
            if nbr not in seen:
                seen.add(nbr)
                stack.append(nbr)
    return seen


def _find_cycle(G: nx.DiGraph) -> list[tuple[str, str]] | None:
    """A cycle of ``G`` without its repeat edges, or None.

    Valid flows are acyclic, so a linear topological count (Kahn) settles the common
    case; only a graph that has a cycle pays for ``nx.find_cycle``, which names it as
    before.
    """
    indeg = dict.fromkeys(G, 0)
    succ = G.succ
    for nbrs in succ.values():
        for v, d in nbrs.items():
            if not d.get("repeat"):
                indeg[v] += 1
    ready = [n for n, k in indeg.items() if k == 0]
    done = 0
    while ready:
        u = ready.pop()
        done += 1
        for v, d in succ[u].items():
            if not d.get("repeat"):
                indeg[v] -= 1
                if indeg[v] == 0:
                    ready.append(v)
    if done == len(indeg):
        return None
    try:
        return list(nx.find_cycle(nx.DiGraph(dag(G))))
    except nx.NetworkXNoCycle:  # pragma: no cover - Kahn found one
        return None


def _check_parallels(G: nx.DiGraph, D: nx.DiGraph, flow: Flow, rep: _Reporter) -> None:
    parallels = [s.id for s in flow.steps if s.kind == "parallel"]
    joins = [s.id for s in flow.steps if s.kind == "join"]
    if not parallels and not joins:
        return
    ipdom = post_dominators(D)
    closed: set[str] = set()
    for p in parallels:
        j = closing_join(D, p, ipdom)
        if j is None:
            rep.at(rep.step_loc(p, "kind"), f"parallel '{p}' is not closed by a join: some "
                   "track reaches an end without passing a join",
                   "bring every track into one step of kind: join", "parallel")
        else:
            closed.add(j)
    for j in joins:
        if j not in closed:
            rep.at(rep.step_loc(j, "kind"), f"join '{j}' closes no parallel",
                   "a join waits for the tracks of a parallel; make it an event",
                   "parallel")


def _check_union(fs: FlowSet) -> list[Problem]:
    G = build_flow_graph(fs.flows, system_flow_ids(fs.flows))
    cycle = _find_cycle(G)
    if not cycle:
        return []
    path = " -> ".join([u for u, _ in cycle] + [cycle[-1][1]])
    fid = G.nodes[cycle[-1][0]]["flow"]
    doc = fs.documents[fid]
    line, col = doc.locate(("transitions",))
    return [Problem(doc.path, line, col, f"the whole-system view has a cycle across flows: "
                    f"{path}", "links between flows must run one way", "cycle")]


def raw_reference_problems(doc: SourceDocument) -> list[Problem]:
    """Misspelt step references in a flow file that failed the schema, read from its data.

    A schema error (a bad unit) stops the flow from being built, and with it every check
    that needs the model; this pass still reads the steps' ids and each transition's and
    timescale's ``from`` and ``to`` from the raw data, so every problem is reported at
    once. References into another flow (``other-flow:step``) are left to the full checks.
    """
    data = doc.data if isinstance(doc.data, dict) else {}
    # Transitions and rules written under their steps are read where they were written.
    data, doc.aliases = flatten_flow_data(data)
    steps = data.get("steps")
    if not isinstance(steps, list):
        return []
    ids = {x["id"] for x in steps if isinstance(x, dict) and isinstance(x.get("id"), str)}
    rep = _Reporter(doc)
    for section in ("transitions", "timescales"):
        items = data.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            for key in ("from", "to"):
                ref = item.get(key)
                if isinstance(ref, str) and ":" not in ref and ref not in ids:
                    label = f"{section[:-1]} {item.get('from')} -> {item.get('to')}"
                    rep.at((section, i, key), f"{label}: unknown step '{ref}'",
                           _suggest(ref, ids, "steps"), "reference")
    return rep.problems


def _suggest(name: str, known: Any, what: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"not among the {what}" if known else f"no {what} are defined"

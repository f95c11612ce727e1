"""Exploring a set of flows: pick a flow, filter, search, see the map and a step's details.

Used by the Map page (shipped flows, with deep links) and by "Your own flow" (an
upload, without them). Every control's state lives in the showing page's
:class:`explorer.ui.state.PageState`, so the two pages never share widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import networkx as nx
import pandas as pd
import streamlit as st

from explorer.analysis.drift import drift_risks
from explorer.analysis.routes import routes
from explorer.graph import ALL
from explorer.io.tabular import csv_bytes
from explorer.model import Flow
from explorer.model.flowset import FlowSet
from explorer.model.problems import FlowError
from explorer.model.wording import timescale_label
from explorer.render.common import edge_timescales, graph_lanes
from explorer.render.export import FORMATS, MIME, SUFFIX, export_text
from explorer.render.overview import Overview, overview, overview_json
from explorer.render.printing import print_map
from explorer.render.vis import MapOptions, legend_html, map_data, map_data_json
from explorer.ui.common import flow_label, md
from explorer.ui.data import FlowView, cached_outline, cached_view, is_shared
from explorer.ui.details import render_details
from explorer.ui.map_component import clicked_value, flow_map, picked_value, stage_overview
from explorer.ui.state import Keys, PageState, session_cached
from explorer.views.variants import MapMarks, national_of, variant_marks

NO_STEP = ""
ALL_STAGES = ""
VIEWS = ("Stages (overview)", "Steps (map)")
MAX_ROUTES = 12
#: Seconds a route listing for the highlight may take before it stops (the count is exact).
ROUTE_BUDGET_S = 2.0
#: The most steps the map draws at once (vis-network's layout does not finish far above).
MAX_MAP_STEPS = 1500
FRAME_HEIGHT = 700


#: The explorer view's state fields. A page that shows it declares them in its
#: :class:`PageState`: ``EXPLORE_URL`` as URL parameters when the page has deep links.
EXPLORE_URL = ("flow", "step", "view", "route")
EXPLORE_SESSION = (
    "route_param", "full_run", "tables_flow", "text_tab", "stage", "lanes", "tags", "overview",
    "back", "search", "hit", "map", "details", "route_clear", "route_from", "route_to",
    "route_pick", "table", "table_csv", "paper", "orient", "export", "diff")


def _init_from_query(state: PageState, flow_ids: list[str]) -> None:
    """Deep links: flow, step and route from the URL, on the first run of a visit only."""
    k = state.keys
    link = state.read_url()
    if link.get("flow") in flow_ids:
        st.session_state[k.flow] = link["flow"]
    if step := link.get("step"):
        st.session_state[k.step] = step
        st.session_state[k.view] = VIEWS[1]
    if link.get("view") == "steps":
        st.session_state[k.view] = VIEWS[1]
    if route := link.get("route"):
        st.session_state[k.route_param] = tuple(r for r in route.split(",") if r)


def _clean_multiselect(key: str, options: list[str]) -> None:
    # A filter kept from another flow may name lanes this one lacks: Streamlit would
    # refuse the stale default, so drop what no longer exists.
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]


def explore(fs: FlowSet, digest: str, state: PageState, *, heading_level: int = 2,
            national: Mapping[str, Flow] | None = None) -> None:
    """The whole explorer view for ``fs``, its state kept in the page's ``state``; a page
    whose state has URL fields gets deep links. A local variant's map can mark what
    differs from its national flow, looked up in ``national`` (default: ``fs`` itself)."""
    k = state.keys
    deep_links = bool(state.url)
    flow_ids = sorted(fs.flows)
    if not flow_ids:
        st.info("There are no valid flows to show.")
        return
    options = flow_ids + ([ALL] if len(flow_ids) > 1 else [])
    if deep_links:
        _init_from_query(state, options)
    if st.session_state.get(k.flow) not in options:
        # The whole system first: the map is where people see how the processes join.
        st.session_state[k.flow] = ALL if ALL in options else options[0]

    # A filter, search or click reruns only the map section (a fragment): the text
    # outline and the table below do not change, and resending them made a filter
    # change slow. Choosing another flow reruns the whole page (see _map_section).
    st.session_state[k.full_run] = True
    _map_section(fs, digest, state, options, national)
    st.session_state[k.full_run] = False
    flow_id = st.session_state[k.flow]
    st.session_state[k.tables_flow] = flow_id
    order = list(cached_view(digest, flow_id, fs).order)

    # Only the open tab is drawn: the table and download widgets load code of their own
    # in the browser, and drawing them hidden delayed the map on opening the page.
    t1, t2, t3 = st.tabs(["Outline (text)", "Table of steps", "Export"], key=k.text_tab,
                         on_change="rerun")
    if t1.open is not False:
        with t1:
            _outline(fs, digest, flow_id)
    if t2.open:
        with t2:
            _table(fs, digest, flow_id, k, order)
    if t3.open:
        with t3:
            _exports(fs, digest, flow_id, k, national)


@st.fragment
def _map_section(fs: FlowSet, digest: str, state: PageState, options: list[str],
                 national: Mapping[str, Flow] | None = None) -> None:
    """Flow choice, filters, search, route, the map and the step's details."""
    k, deep_links = state.keys, bool(state.url)
    c1, c2 = st.columns([2, 3])
    flow_id = c1.selectbox("Flow", options, key=k.flow, format_func=lambda f: flow_label(fs, f),
                           help="One process, or the whole system joined up")
    if (not st.session_state.get(k.full_run)
            and st.session_state.get(k.tables_flow) not in (None, flow_id)):
        # Another flow: the outline and table outside this fragment must follow.
        st.rerun()
    # The graph and its look-ups are cached on the flows' content: a widget change
    # reruns this script, and rebuilding the whole system each time cost most of it.
    if st.session_state.get(k.view) not in VIEWS:
        # The Map page opens on the overview; an uploaded flow opens on its steps.
        st.session_state[k.view] = VIEWS[0] if deep_links else VIEWS[1]
    mode = c2.radio("View", VIEWS, key=k.view, horizontal=True,
                    help="The stages of the process at a glance, or every step on a map")
    ov = _cached_overview(digest, flow_id, fs)
    against = _national(fs, flow_id, national)
    if mode == VIEWS[0]:
        if against is not None:
            st.caption(f"{md(flow_label(fs, flow_id))} is a local version of "
                       f"{md(against.title)}: the step map can mark what differs from it.")
        stage_overview(overview_json(ov), key=k.overview, on_pick=lambda: _on_stage_pick(k))
        if deep_links:
            state.write_url(flow=flow_id, step=None, route=None, view=None)
        return
    view = cached_view(digest, flow_id, fs)
    G = view.G
    lane_names = view.lane_names
    tags = list(view.tags)
    _clean_multiselect(k.lanes, list(lane_names))
    _clean_multiselect(k.tags, tags)
    stage_keys = [s.key for s in ov.stages]
    if st.session_state.get(k.stage) not in (ALL_STAGES, *stage_keys):
        st.session_state[k.stage] = ALL_STAGES
    stage_names = {s.key: f"{i + 1}. {s.name}" for i, s in enumerate(ov.stages)}
    b1, b2, b3 = st.columns([1, 2, 2], vertical_alignment="bottom")
    b1.button("← Overview", key=k.back, on_click=_back, args=(k,),
              help="Back to the stages of the process")
    stage_key = b2.selectbox("Focus a stage", [ALL_STAGES, *stage_keys], key=k.stage,
                             format_func=lambda x: stage_names.get(x, "All stages"))
    search = b3.text_input("Search for a step by name", key=k.search,
                           placeholder="e.g. grounds hearing").strip()
    show_clocks = False  # clocks over several steps are in each step's details
    # Filters folded away, so the map starts on the first screen; open when in use.
    filtering = bool(st.session_state.get(k.lanes) or st.session_state.get(k.tags))
    with st.expander("Show only some lanes or tags", expanded=filtering):
        f1, f2 = st.columns(2)
        sel_lanes = f1.multiselect("Show only these lanes", list(lane_names), key=k.lanes,
                                   format_func=lambda x: lane_names.get(x, x),
                                   placeholder="All lanes")
        tag_label = view.tag_names
        sel_tags = f2.multiselect("Show only steps tagged", tags, key=k.tags,
                                  format_func=lambda t: tag_label.get(t, t),
                                  placeholder="All tags" if tags else "No tags in this flow",
                                  disabled=not tags)

    route = _route_controls(view, k)
    marks: MapMarks | None = None
    # On by default: what a reader of a local version asks first.
    if against is not None and st.toggle(
            f"Show what differs from {md(against.title)}", value=True, key=k.diff,
            help="Marks each step and line this local version adds or changes, and lists "
                 "what it removed, beside the map"):
        marks = variant_marks(national if national is not None else fs.flows,
                                  fs.flows[flow_id], fs.sources)
    order = list(view.order)
    names = view.names
    by_name = list(view.by_name)

    if search:
        hits = [n for n in by_name if search.casefold() in names[n].casefold()
                or search.casefold() in str(n)]
        if hits:
            st.caption(f"{len(hits)} step(s) match: shown in bold on the map, others faded.")
            cols = st.columns(min(len(hits), 4))
            for i, n in enumerate(hits[:8]):
                # A button's label is Markdown: a step name is shown as text.
                cols[i % len(cols)].button(md(names[n]), key=f"{k.hit}_{n}", on_click=_go,
                                           args=(k, n), help="Show this step's details")
        else:
            st.caption("No step matches that search.")

    if st.session_state.get(k.step) not in (NO_STEP, *order):
        st.session_state[k.step] = NO_STEP
    selected = st.session_state.get(k.step) or None

    lanes_key = tuple(sorted(sel_lanes)) if sel_lanes else None
    tags_key = tuple(sorted(sel_tags)) if sel_tags else None
    drawn = _drawn_steps(view, sel_lanes, sel_tags, _stage_steps(ov, stage_key or None))
    title = f"Map of {flow_label(fs, flow_id)}"

    left, right = st.columns([3, 2], gap="medium")
    with left:
        if drawn > MAX_MAP_STEPS:
            # vis-network never finished laying out a 10,000-step map; the browser tab
            # hung. Say so and point to what does work at that size.
            st.warning(f"This view has {drawn:,} steps: the map draws at most "
                       f"{MAX_MAP_STEPS:,} at once, so it is not drawn. Show only some "
                       "lanes or tags above to draw part of it, or read the outline and "
                       "the table of steps below.")
        else:
            data_json = _map_json(digest, flow_id, lanes_key, tags_key, search, route,
                                  show_clocks, stage_key or None, fs, marks)
            # Streamlit makes the component's box scroll (overflow:auto) though the frame
            # fits it: a scroll region no keyboard can reach (axe, WCAG 2.1.1).
            st.html(f"<style>.st-key-{k.map}{{overflow:hidden}}</style>")
            flow_map(data_json, title=title, key=k.map, selected=selected,
                     height=FRAME_HEIGHT, map_height=FRAME_HEIGHT - 120,
                     on_click=lambda: _on_map_click(k))
            # Outside the frame, so it is never cut off, whatever the number of lanes.
            st.html(legend_html([li for li in view.lanes if li.id in lane_names], marks))
    with right:
        st.selectbox("Step details", [NO_STEP, *by_name], key=k.step,
                     format_func=lambda n: names.get(n, "(choose a step, or click one on "
                                                       "the map)"),
                     help="Choose a step here, click one on the map, or pick a row of the "
                          "table below")
        selected = st.session_state.get(k.step) or None
        if selected and marks is not None and marks.lines(selected):
            st.info("\n\n".join(md(x) for x in marks.lines(selected)))
        if selected:
            render_details(fs, G, selected, go_to=lambda n: _go(k, n), key=k.details)
        else:
            st.markdown("Click a step on the map, choose one above, or pick a row in the "
                        "table of steps below to see what happens there, its legal basis "
                        "and its timescales.")
    if deep_links:
        state.write_url(flow=flow_id, step=selected, route=",".join(route) or None,
                         view="steps")


def _drawn_steps(view: FlowView, lanes: list[str], tags: list[str],
                 steps: frozenset[str] | None) -> int:
    """How many steps the map would draw with these filters (as map_data filters)."""
    if not lanes and not tags and steps is None:
        return len(view.order)
    lane_set, tag_set = set(lanes), set(tags)
    n = 0
    for v in view.order:
        step = view.G.nodes[v]["step"]
        if ((not lane_set or step.lane in lane_set) and (not tag_set or tag_set & set(step.tags))
                and (steps is None or v in steps)):
            n += 1
    return n


def _stage_steps(ov: Overview, stage_key: str | None) -> frozenset[str] | None:
    if not stage_key:
        return None
    return next((frozenset(s.steps) for s in ov.stages if s.key == stage_key), None)


def _go(k: Keys, node: str) -> None:
    st.session_state[k.step] = node


def _back(k: Keys) -> None:
    st.session_state[k.view] = VIEWS[0]


def _on_stage_pick(k: Keys) -> None:
    key = picked_value(k.overview)
    if key:
        st.session_state[k.view] = VIEWS[1]
        st.session_state[k.stage] = key
        st.session_state[k.step] = NO_STEP


def _cached_overview(digest: str, flow_id: str, fs: FlowSet) -> Overview:
    """The stage overview: shared for the shipped flows, kept in the session for an upload."""
    if is_shared(digest):
        return _shared_overview(digest, flow_id, fs)
    return session_cached("overview", (digest, flow_id),
                          lambda: overview(cached_view(digest, flow_id, fs).G, fs.flows))


@st.cache_resource(show_spinner=False, max_entries=16)
def _shared_overview(digest: str, flow_id: str, _fs: FlowSet) -> Overview:
    return overview(cached_view(digest, flow_id, _fs).G, _fs.flows)


def _national(fs: FlowSet, flow_id: str, national: Mapping[str, Flow] | None
              ) -> Flow | None:
    """The national flow the chosen flow is a local version of, if any."""
    flow = fs.flows.get(flow_id)
    if flow is None:
        return None
    pool = fs.flows if national is None else national
    if flow.variant_of:
        return pool.get(flow.variant_of)
    # An upload that replaces a shipped flow of its id is a local version of it too; an
    # unchanged shipped flow is not.
    other = national_of(pool, flow)
    return other if other is not None and other != flow else None


def _map_json(digest: str, flow_id: str, lanes: tuple[str, ...] | None,
              tags: tuple[str, ...] | None, search: str, route: tuple[str, ...],
              show_clocks: bool, stage_key: str | None, fs: FlowSet,
              marks: MapMarks | None = None) -> str:
    """The step map's data; an upload's stays in its session (never a shared cache).
    The marks follow from the flows (the digest) and whether they are shown."""
    key = (digest, flow_id, lanes, tags, search, route, show_clocks, stage_key,
           marks is not None)
    if is_shared(digest):
        return _cached_map_json(*key, fs, marks)
    return session_cached("map", key, lambda: _build_map_json(*key[:-1], fs, marks))


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_map_json(digest: str, flow_id: str, lanes: tuple[str, ...] | None,
                     tags: tuple[str, ...] | None, search: str, route: tuple[str, ...],
                     show_clocks: bool, stage_key: str | None, show_diff: bool, _fs: FlowSet,
                     _marks: MapMarks | None) -> str:
    """The step map's data for a flow, filters and stage; keyed on the flows' digest."""
    return _build_map_json(digest, flow_id, lanes, tags, search, route, show_clocks,
                           stage_key, _fs, _marks if show_diff else None)


def _build_map_json(digest: str, flow_id: str, lanes: tuple[str, ...] | None,
                    tags: tuple[str, ...] | None, search: str, route: tuple[str, ...],
                    show_clocks: bool, stage_key: str | None, fs: FlowSet,
                    marks: MapMarks | None = None) -> str:
    steps = _stage_steps(_cached_overview(digest, flow_id, fs), stage_key)
    opts = MapOptions(lanes=None if lanes is None else frozenset(lanes),
                      tags=None if tags is None else frozenset(tags), search=search,
                      route=route, show_clocks=show_clocks, standalone=False, steps=steps,
                      sources=dict(fs.sources), diff=marks)
    return map_data_json(map_data(cached_view(digest, flow_id, fs).G, fs.flows, opts))


def _on_map_click(k: Keys) -> None:
    node = clicked_value(k.map)
    if node:
        st.session_state[k.step] = node


def _route_controls(view: FlowView, k: Keys) -> tuple[str, ...]:
    """A route to highlight: from the URL, or chosen between two steps."""
    G = view.G
    param = tuple(n for n in st.session_state.get(k.route_param, ()) if n in G)
    names = view.names
    order = list(view.order)
    with st.expander("Highlight a route", expanded=bool(param)):
        if param:
            st.caption("Route from the link: " + " → ".join(md(names[n]) for n in param))
            if st.button("Clear this route", key=k.route_clear):
                st.session_state[k.route_param] = ()
                st.rerun()
            return param
        a, b = st.columns(2)
        src = a.selectbox("From", [NO_STEP, *order], key=k.route_from,
                          format_func=lambda n: names.get(n, "(choose)")) or NO_STEP
        dst = b.selectbox("To", [NO_STEP, *order], key=k.route_to,
                          format_func=lambda n: names.get(n, "(choose)")) or NO_STEP
        if not src or not dst or src == dst:
            return ()
        count, paths, timed_out = _route_choices(view, src, dst)
        if not paths:
            st.caption("No route leads from the first step to the second."
                       if not timed_out else
                       f"Finding routes took longer than {ROUTE_BUDGET_S:g} seconds, so none "
                       "is highlighted. The Routes page lists and compares routes.")
            return ()
        if count > len(paths):
            st.caption(f"{count:,} routes lead from the first step to the second; the first "
                       f"{len(paths)} are offered here. The Routes page lists and compares "
                       "more." + (" (Listing stopped at its time limit.)" if timed_out
                                  else ""))
        # Radio labels are Markdown: step names go in as text.
        labels = [md(f"Route {i + 1}: {len(p)} steps, via "
                     + ", ".join(names[n] for n in p[1:-1][:4]))
                  if len(p) > 2 else f"Route {i + 1}: direct" for i, p in enumerate(paths)]
        if st.session_state.get(k.route_pick, 0) not in range(len(paths)):
            st.session_state[k.route_pick] = 0
        pick = st.radio("Which route", range(len(paths)), key=k.route_pick,
                        format_func=lambda i: labels[i])
        return tuple(paths[pick or 0])


def _route_choices(view: FlowView, src: str, dst: str
                   ) -> tuple[int, tuple[tuple[str, ...], ...], bool]:
    """The number of routes from ``src`` to ``dst``, the first :data:`MAX_ROUTES` (shortest
    first) and whether listing hit the time budget.

    Counting is the dynamic programme of :mod:`explorer.analysis.routes`, linear in the
    graph however many routes there are (``all_simple_paths`` held a core for minutes
    when no route existed); only :data:`MAX_ROUTES` are listed, within
    :data:`ROUTE_BUDGET_S` seconds.
    """
    try:
        rs = routes(view.G, src, dst, limit=MAX_ROUTES * 4, time_budget_s=ROUTE_BUDGET_S)
    except FlowError:  # no route (repeat edges left out)
        return 0, (), False
    paths = sorted((r.steps for r in rs.routes), key=lambda p: (len(p), p))[:MAX_ROUTES]
    return rs.count, tuple(paths), rs.timed_out


def _outline(fs: FlowSet, digest: str, flow_id: str) -> None:
    st.caption("Every step in order from left to right, with what can follow it.")
    st.markdown(cached_outline(digest, flow_id, fs))


def steps_table(G: nx.DiGraph, fs: FlowSet, order: list[str]) -> pd.DataFrame:
    lanes = {li.id: li.name for li in graph_lanes(G, fs.flows)}
    tags = fs.tag_names
    drift = drift_risks(G)
    rows = []
    for n in order:
        s = G.nodes[n]["step"]
        out = [timescale_label(ts) for v in G.successors(n) for ts in edge_timescales(G, n, v)]
        rows.append({"Step": s.name, "Kind": s.kind, "Lane": lanes.get(s.lane, s.lane),
                     "Tags": ", ".join(tags.get(t, t) for t in s.tags),
                     "Time limits out": "; ".join(out),
                     "No time limit (drift risk)": "yes" if n in drift else "",
                     "Step id": str(n)})
    return pd.DataFrame(rows)


@st.cache_data(show_spinner=False, max_entries=32)
def _table_data(digest: str, flow_id: str, _fs: FlowSet) -> tuple[pd.DataFrame, bytes]:
    # Keyed on the flows' digest like the map: the table and its CSV are built once.
    return _build_table(digest, flow_id, _fs)


def _build_table(digest: str, flow_id: str, fs: FlowSet) -> tuple[pd.DataFrame, bytes]:
    view = cached_view(digest, flow_id, fs)
    df = steps_table(view.G, fs, list(view.order))
    # Names such as =HYPERLINK(...) are neutralised like every other download.
    return df, csv_bytes(df)


def table_data(digest: str, flow_id: str, fs: FlowSet) -> tuple[pd.DataFrame, bytes]:
    """The table of steps and its neutralised CSV: shared for the shipped flows, kept in
    the session for an upload."""
    if is_shared(digest):
        return _table_data(digest, flow_id, fs)
    return session_cached("table", (digest, flow_id),
                          lambda: _build_table(digest, flow_id, fs))


def _table(fs: FlowSet, digest: str, flow_id: str, k: Keys, order: list[str]) -> None:
    df, csv = table_data(digest, flow_id, fs)
    G = cached_view(digest, flow_id, fs).G
    st.caption("Select a row to see that step's details beside the map.")
    st.dataframe(df, key=k.table, on_select=lambda: _on_table(k, order),
                 selection_mode="single-row", hide_index=True, width="stretch")
    st.download_button("Download this table (CSV)", csv,
                       file_name=f"{G.graph.get('flow_id', 'flow')}-steps.csv",
                       mime="text/csv", key=k.table_csv, on_click="ignore")


def _on_table(k: Keys, order: list[str]) -> None:
    state = st.session_state.get(k.table)
    try:
        rows = state["selection"]["rows"]  # type: ignore[index]
    except (KeyError, TypeError):
        return
    if rows and 0 <= rows[0] < len(order):
        st.session_state[k.step] = order[rows[0]]


def _exports(fs: FlowSet, digest: str, flow_id: str, k: Keys,
             national: Mapping[str, Flow] | None = None) -> None:
    st.caption("The HTML map works offline on its own, with its own filters and search.")
    cols = st.columns(len(FORMATS))
    names = {"html": "HTML map", "mermaid": "Mermaid", "graphml": "GraphML", "json": "JSON"}
    # A local variant prints with what differs from its national flow marked, as the map
    # shows it (unless that is switched off there).
    marks = (variant_marks(national if national is not None else fs.flows, fs.flows[flow_id],
                           fs.sources)
             if _national(fs, flow_id, national) is not None
             and st.session_state.get(k.diff, True) else None)
    p1, p2, p3 = st.columns(3)
    paper = p1.selectbox("Paper", ("a3", "a4", "a2", "a1", "a0"), key=k.paper,
                         format_func=str.upper)
    orient = p2.selectbox("Orientation", ("best", "landscape", "portrait"), key=k.orient,
                          format_func=lambda o: "Best fit" if o == "best" else o.title())
    with p3:
        st.download_button("Download the printed map (PDF)",
                           _deferred_print(fs, flow_id, "pdf", paper, orient, marks),
                           file_name=f"{flow_id}-{paper}.pdf", mime="application/pdf",
                           key=f"{k.export}_pdf", on_click="ignore")
        st.download_button("Download the printed map (SVG)",
                           _deferred_print(fs, flow_id, "svg", paper, orient, marks),
                           file_name=f"{flow_id}-{paper}.svg", mime="image/svg+xml",
                           key=f"{k.export}_svg", on_click="ignore")
    for col, fmt in zip(cols, FORMATS, strict=True):
        # Deferred: a file is built only when its button is pressed, so a rerun does not
        # ship a megabyte of exports to the browser.
        col.download_button(f"Download {names[fmt]}", _deferred(fs, flow_id, fmt),
                            file_name=f"{flow_id}{SUFFIX[fmt]}", mime=MIME[fmt],
                            key=f"{k.export}_{fmt}", on_click="ignore")


def _deferred(fs: FlowSet, flow_id: str, fmt: str) -> Callable[[], bytes]:
    def build() -> bytes:
        return export_text(fs, flow_id, fmt).encode("utf-8")

    return build


def _deferred_print(fs: FlowSet, flow_id: str, fmt: str, paper: str, orient: str,
                    marks: MapMarks | None = None) -> Callable[[], bytes]:
    def build() -> bytes:
        # An SVG is one sheet: when the map does not fit the chosen paper at 6 pt, the
        # next bigger paper that fits is used (a PDF adds a page per stage instead).
        papers = ["a4", "a3", "a2", "a1", "a0"]
        for size in papers[papers.index(paper):]:
            try:
                return print_map(fs, flow_id, fmt, paper=size,  # type: ignore[arg-type]
                                 orientation=orient, diff=marks)  # type: ignore[arg-type]
            except FlowError:
                continue
        return print_map(fs, flow_id, "pdf", paper=paper,  # type: ignore[arg-type]
                         orientation=orient, diff=marks)  # type: ignore[arg-type]

    return build

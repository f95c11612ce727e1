"""Routes (policy staff): the routes from a start to an outcome, compared and simulated.

The page lays out what :mod:`explorer.views.route_tables` (tables, timelines, what-if presets)
and :mod:`explorer.render.charts` (Altair) compute; every expensive call is cached
on the flows' digest and its arguments. Text from flows reaches the page only through
dataframes, chart text and :func:`explorer.ui.common.md`.

Deep links: ``?flow=...&from=...&to=...&route=N&compare=N,M`` (route numbers as listed).
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
import streamlit as st

from explorer.analysis.prepare import estimate_of
from explorer.analysis.routes import RouteSet, routes
from explorer.analysis.simulate import (
    CalibrationRow,
    OutcomeChange,
    OutcomeStats,
    Simulation,
    WhatIf,
    calibration_table,
    simulate,
    what_if,
)
from explorer.graph import ALL, flow_graph
from explorer.model.flowset import FlowSet
from explorer.model.problems import FlowError
from explorer.render.charts import (
    drift_chart,
    floor_chart,
    histogram_chart,
    practice_chart,
    timeline_chart,
)
from explorer.render.common import graph_lanes
from explorer.ui.common import download_csv, flow_label, md
from explorer.ui.data import flows_key
from explorer.ui.state import PageState
from explorer.views.outcomes import (
    OutcomeRow,
    change_arrow,
    drift_frame,
    explain_change,
    law_frame,
    outcome_rows,
    practice_frame,
)
from explorer.views.route_tables import (
    SORTS,
    Preset,
    calibration_frame,
    choice_steps,
    default_endpoints,
    estimated_edges,
    normalise_shares,
    outcome_frame,
    outcome_options,
    published_labels,
    route_simulation,
    route_table,
    route_timeline,
    side_by_side,
    sort_routes,
    start_options,
    step_labels,
    time_histogram,
    timeline_frame,
    whatif_frame,
    whatif_presets,
)

TITLE = "Routes"
#: The page's state: the flow, the start (``from``) and the outcome (``to``), the timeline's
#: route and the compared routes are a deep link; the rest is session-only.
STATE = PageState("routes", url=("flow", "from", "to", "route", "compare"), session=(
    "route_param", "compare_param", "limit", "timeline", "instant", "sort", "table",
    "table_csv", "compare_table", "compare_csv", "timeline_chart", "timeline_table",
    "timeline_csv", "floor_chart", "law_table", "practice_chart", "practice_table",
    "drift_chart", "drift_table", "outcomes_cmp_csv", "histogram", "outcomes_table",
    "outcomes_csv", "preset", "wi_edge", "wi_min", "wi_likely", "wi_max", "wi_decision",
    "wi_share", "whatif_table", "whatif_csv", "calibration_table", "calibration_csv"))
#: Journeys per simulation: enough for steady percentiles, fast enough for a rerun.
RUNS = 5000
#: Journeys per listed route (each route is simulated on its own).
ROUTE_RUNS = 1000
SEED = 1
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_COMPARED = 3
#: Outcomes shown in the distribution chart (the most frequent, the chosen one first).
MAX_HISTOGRAMS = 8

# (from, to) -> (min, likely, max) and step -> ((exit, share), ...): hashable for caching.
Estimates = tuple[tuple[tuple[str, str], tuple[tuple[str, float], ...]], ...]
Shares = tuple[tuple[str, tuple[tuple[str, float], ...]], ...]


# -- cached computations (keyed on the flows' digest, never on the objects) -------------


@st.cache_data(show_spinner=False, max_entries=64)
def _routes(digest: str, flow_id: str, source: str, target: str, limit: int,
            _fs: FlowSet) -> RouteSet:
    return routes(flow_graph(_fs, flow_id), source, target, limit=limit)


@st.cache_data(show_spinner="Simulating each route...", max_entries=32)
def _route_sims(digest: str, flow_id: str, source: str, target: str, limit: int,
                _fs: FlowSet) -> list[OutcomeStats | None]:
    G = flow_graph(_fs, flow_id)
    rs = _routes(digest, flow_id, source, target, limit, _fs)
    return [route_simulation(G, r, runs=ROUTE_RUNS, seed=SEED) for r in rs.routes]


@st.cache_data(show_spinner=False, max_entries=32)
def _simulation(digest: str, flow_id: str, source: str, target: str,
                _fs: FlowSet) -> Simulation:
    return simulate(flow_graph(_fs, flow_id), source, runs=RUNS, seed=SEED, record=[target])


@st.cache_data(show_spinner="Simulating the change...", max_entries=64)
def _what_if(digest: str, flow_id: str, source: str, estimates: Estimates, shares: Shares,
             _fs: FlowSet) -> WhatIf:
    return what_if(flow_graph(_fs, flow_id), source,
                   estimates={e: dict(v) for e, v in estimates} or None,
                   shares={s: dict(v) for s, v in shares} or None, runs=RUNS, seed=SEED)


@st.cache_data(show_spinner="Comparing the outcomes...", max_entries=32)
def _outcome_rows(digest: str, flow_id: str, source: str, _fs: FlowSet) -> list[OutcomeRow]:
    G = flow_graph(_fs, flow_id)
    sim = simulate(G, source, runs=RUNS, seed=SEED)
    return outcome_rows(G, source, sim)


@st.cache_data(show_spinner=False, max_entries=16)
def _calibration(digest: str, flow_id: str, _fs: FlowSet) -> list[CalibrationRow]:
    return calibration_table(_fs, flow_id, runs=RUNS, seed=SEED)


# -- the page ------------------------------------------------------------------------------


def _init_from_query(options: list[str]) -> None:
    """Deep links are read once a visit of the page, on its first run, before any widget
    exists."""
    link = STATE.read_url()
    if link.get("flow") in options:
        STATE["flow"] = link["flow"]
    for param in ("from", "to"):
        if param in link:
            STATE[param] = link[param]
    route = _route_number(link.get("route"))
    if route is not None:
        STATE["route_param"] = route
    if compare := link.get("compare"):
        numbers = [_route_number(x) for x in compare.split(",")[:MAX_COMPARED * 4]]
        STATE["compare_param"] = [n for n in numbers if n is not None][:MAX_COMPARED]


def _route_number(text: str | None) -> int | None:
    """A route number from a link, or None: ASCII digits only (``"²".isdigit()`` is True
    but ``int("²")`` fails) and no longer than a listed route's number can be."""
    if text and text.isascii() and text.isdecimal() and len(text) <= 4:
        return int(text)
    return None


def _on_flow_change() -> None:
    # A new flow starts from its own sensible defaults, not the old flow's steps.
    for name in ("from", "to", "compare", "timeline"):
        STATE.pop(name)



def render(fs: FlowSet) -> None:
    st.title("Routes to permanence compared", anchor=False)
    st.markdown("Adoption, a permanence order, going home: choose where a child's journey "
                "starts to compare every outcome it can reach, how long each takes at the "
                "least by law and in practice, and where drift can happen. Then choose one "
                "outcome to list its routes, compare them side by side, draw a route against "
                "its time limits and test a change. Estimates and simulations are practice "
                "figures, not law. A learning and planning aid, not legal advice.")
    flow_ids = sorted(fs.flows)
    if not flow_ids:
        st.info("No flow could be loaded, so there are no routes to show. The Sources and "
                "Glossary pages still work.")
        return
    options = flow_ids + ([ALL] if len(flow_ids) > 1 else [])
    _init_from_query(options)
    if STATE.get("flow") not in options:
        STATE["flow"] = ALL if ALL in options else options[0]
    digest = flows_key(fs)

    c1, c2 = st.columns(2)
    flow_id = c1.selectbox("Flow", options, key=STATE.key("flow"), on_change=_on_flow_change,
                           format_func=lambda f: flow_label(fs, f),
                           help="One process, or the whole system joined up")
    try:
        G = flow_graph(fs, flow_id)
    except FlowError as exc:
        st.error(md(str(exc)))
        return
    names = step_labels(G)
    lanes = {li.id: li.name for li in graph_lanes(G, fs.flows)}
    starts = start_options(G)
    default_from, default_to = default_endpoints(G)
    if not starts or default_from is None:
        st.info("This flow has no step a route could start from.")
        return
    if STATE.get("from") not in starts:
        STATE["from"] = default_from
    source = c2.selectbox("Start", starts, key=STATE.key("from"), format_func=names.__getitem__,
                          help="Start steps first, then every other step")
    _outcomes_section(fs, digest, flow_id, source, names)
    st.header("Routes to one outcome", anchor=False)
    ends = outcome_options(G, source)
    if not ends:
        st.info("Nothing can be reached from this step (repeat edges left out). Choose "
                "another start.")
        STATE.write_url(flow=flow_id, **{"from": source, "to": None})
        return
    if STATE.get("to") not in ends:
        STATE["to"] = (default_to if source == default_from and default_to
                                      in ends else ends[0])
    c3, c4 = st.columns([3, 1])
    target = c3.selectbox("Outcome", ends, key=STATE.key("to"), format_func=names.__getitem__,
                          help="The ends reachable from the start first, then other steps")
    limit = int(c4.number_input("Routes to list", min_value=1, max_value=MAX_LIMIT,
                                value=DEFAULT_LIMIT, step=5, key=STATE.key("limit"),
                                help="Routes are counted exactly; only this many are listed"))

    try:
        rs = _routes(digest, flow_id, source, target, limit, fs)
    except FlowError as exc:
        st.error(f"No route: {md(str(exc))}")
        STATE.write_url(flow=flow_id, **{"from": source, "to": target}, route=None,
                        compare=None)
        return
    if not rs.routes:
        st.info("No route could be listed.")
        return
    sims = _route_sims(digest, flow_id, source, target, limit, fs)
    numbers = list(range(1, len(rs.routes) + 1))
    _routes_section(G, rs, names, lanes, sims, numbers, flow_id)
    timeline_route = _compare_section(rs, names, lanes, sims, numbers)
    _timeline_section(G, rs, names, timeline_route, numbers)
    STATE.write_url(flow=flow_id, **{"from": source, "to": target},
                    route=str(STATE.get("timeline") or "") or None,
                    compare=",".join(map(str, STATE.get("compare") or [])) or None)
    sim = _simulation(digest, flow_id, source, target, fs)
    _distribution_section(sim, names, target)
    _whatif_section(G, fs, digest, flow_id, source, target, names)
    _calibration_section(fs, digest, flow_id, names)


def _outcomes_section(fs: FlowSet, digest: str, flow_id: str, source: str,
                      names: Mapping[str, str]) -> None:
    st.header("Outcomes compared", anchor=False)
    try:
        rows = _outcome_rows(digest, flow_id, source, fs)
    except FlowError as exc:
        st.error(f"The outcomes cannot be compared: {md(str(exc))}")
        return
    if not rows:
        st.info("No outcome can be reached from this start.")
        return
    st.markdown(f"Every outcome a journey from {md(names.get(source, source))} can reach, one "
                "row each, sorted by the least time the law allows (click a column heading "
                "to sort by another). Days are whole calendar days.")
    partial = [r for r in rows if not r.complete]
    law = law_frame(rows)
    st.subheader("How long at the least, by law?", anchor=False)
    st.altair_chart(floor_chart(law), width="stretch", key=STATE.key("floor_chart"),
                    alt="The least days the law allows to reach each outcome; the table "
                        "below gives the same figures.")
    height = 36 * (len(rows) + 1) + 4  # every outcome visible: no scrolling inside
    st.dataframe(law, hide_index=True, width="stretch", key=STATE.key("law_table"), height=height,
                 column_config={"Outcome": st.column_config.TextColumn(width="medium"),
                                "On the route": st.column_config.TextColumn(width="large")})
    st.caption("The statutory floor: the longest chain of minimum periods the law sets "
               "along a route (such as 13 weeks living with the adopters), on the route "
               "that has the smallest. 0 means the law sets no minimum period on that route.")
    if partial:
        st.caption(f"{len(partial)} outcome(s) have too many routes to measure all (the "
                   "Routes column says how many were): their minimum is the least among "
                   "the routes measured, and the true minimum may be lower.")
    practice = practice_frame(rows)
    st.subheader("How long in practice?", anchor=False)
    st.altair_chart(practice_chart(practice), width="stretch", key=STATE.key("practice_chart"),
                    alt="Simulated days to each outcome, p10 to p90 with the median; the "
                        "table below gives the same figures.")
    st.dataframe(practice, hide_index=True, width="stretch", key=STATE.key("practice_table"),
                 height=height,
                 column_config={"Share of journeys": st.column_config.NumberColumn(
                     format="%.1f%%")})
    st.caption(f"{RUNS:,} simulated journeys from the start (fixed seed {SEED}); p10: one "
               "journey in ten is quicker; p90: one in ten is slower. Practice estimates, "
               "not law.")
    drift = drift_frame(rows, names)
    st.subheader("Where can drift happen?", anchor=False)
    st.altair_chart(drift_chart(drift), width="stretch", key=STATE.key("drift_chart"),
                    alt="Steps with no time limit on each outcome's quickest lawful route; "
                        "the table below gives the same figures.")
    st.dataframe(drift, hide_index=True, width="stretch", key=STATE.key("drift_table"),
                 height=height)
    st.caption("On each outcome's quickest lawful route: the steps no time limit covers "
               "(unbounded steps, where drift and delay can happen), and the hearings and "
               "court stages passed.")
    download_csv(law.merge(practice, on="Outcome").merge(drift, on="Outcome"),
                 f"{flow_id}-outcomes-from-{source}.csv", key=STATE.key("outcomes_cmp_csv"))


def _routes_section(G: nx.DiGraph, rs: RouteSet, names: Mapping[str, str],
                    lanes: Mapping[str, str], sims: list[OutcomeStats | None],
                    numbers: list[int], flow_id: str) -> None:
    st.subheader("Routes", anchor=False)
    target_name = names.get(rs.targets[0], rs.targets[0])
    st.markdown(f"**{rs.count:,}** route(s) lead from {md(names.get(rs.source, rs.source))} "
                f"to {md(target_name)}.")
    if rs.truncated:
        st.info(f"The list is capped: the first {len(rs.routes):,} of {rs.count:,} routes are "
                "listed. Raise 'Routes to list' to see more (each route is one set of "
                "choices; repeat edges such as deferrals are left out).")
    by = st.radio("Sort routes by", list(SORTS), horizontal=True, key=STATE.key("sort"),
                  format_func={"floor": "Statutory floor", "likely": "Likely days"}.__getitem__)
    df = sort_routes(route_table(rs, names, lanes, sims, G=G), by)
    st.dataframe(df, hide_index=True, width="stretch", key=STATE.key("table"),
                 column_config={"Route": st.column_config.NumberColumn(width="small"),
                                "Name": st.column_config.TextColumn(width="medium")})
    st.caption(f"Days are whole calendar days. Each route is named by the choices that set "
               f"it apart from the others. Simulated figures: {ROUTE_RUNS:,} journeys per route "
               "with the route's choices forced (decisions off the route, deferrals and "
               "repeat reviews still vary). Click a column heading to sort.")
    with st.expander("What the columns mean"):
        st.markdown(
            "- **Statutory floor**: the least time the law allows along the route (minimum "
            "periods, such as 13 weeks with the adopters).\n"
            "- **Bounded days**: the longest chain of time limits along the route; **by "
            "statute** and **by guidance** (national or local targets) are given apart.\n"
            "- **Unbounded steps**: steps no numeric time limit reaches, where drift can "
            "happen.\n"
            "- **Hearings**: sittings of a children's hearing; **court stages**: "
            "applications, sittings and rulings of a court.\n"
            "- **Likely days**: the route's length by likely practice estimates (the "
            "longest track where tracks run in parallel).\n"
            "- **Name**: the choices that set the route apart from the other routes listed.\n"
            "- **Via**: the exit the route takes at each decision, in order.")
    download_csv(df, f"{flow_id}-routes-{rs.source}-to-{rs.targets[0]}.csv",
                 key=STATE.key("table_csv"))

    # The compared routes: from the link once, then the user's choice; always valid.
    param = STATE.pop("compare_param")
    if param is not None:
        STATE["compare"] = [n for n in param if n in numbers]
    current = STATE.get("compare")
    if current is None or any(n not in numbers for n in current):
        STATE["compare"] = numbers[:2]


def _compare_section(rs: RouteSet, names: Mapping[str, str], lanes: Mapping[str, str],
                     sims: list[OutcomeStats | None], numbers: list[int]) -> int:
    st.header("Routes side by side", anchor=False)
    chosen: list[int] = st.multiselect(
        f"Routes to compare (up to {MAX_COMPARED})", numbers, key=STATE.key("compare"),
        max_selections=MAX_COMPARED, format_func=lambda n: f"Route {n}",
        placeholder="Choose two or three routes")
    by_num = {n: rs.routes[n - 1] for n in numbers}
    sim_by = {n: sims[n - 1] for n in numbers}
    if chosen:
        numbered = [(n, by_num[n]) for n in chosen]
        frame = side_by_side(numbered, names, lanes, sim_by)
        cols = st.columns(len(chosen))
        diffs = frame.iloc[-1]
        for col, (n, r) in zip(cols, numbered, strict=True):
            with col:
                st.subheader(f"Route {n}", anchor=False)
                sim = sim_by[n]
                st.metric("Likely days", f"{r.likely_days:,.0f}")
                st.metric("Simulated median days",
                          "n/a" if sim is None or sim.median_days is None
                          else f"{sim.median_days:,.0f}")
                st.markdown(f"Statutory floor **{r.statutory_floor_days:,.0f}** days; bounded "
                            f"**{r.bounded_statutory_days:,.0f}** (statute) and "
                            f"**{r.bounded_guidance_days:,.0f}** (guidance); "
                            f"**{len(r.unbounded_steps)}** unbounded step(s); "
                            f"**{r.hearings}** hearing(s); **{r.court_stages}** court "
                            "stage(s).")
                own = str(diffs[f"Route {n}"])
                st.markdown("Steps that differ: " + md(own))
        st.dataframe(frame, hide_index=True, width="stretch", key=STATE.key("compare_table"))
        download_csv(frame, "routes-side-by-side.csv", key=STATE.key("compare_csv"))
    else:
        st.caption("Choose routes above to compare them.")

    # The timeline's route: the link's, else the first compared route.
    param = STATE.pop("route_param")
    if param in numbers:
        STATE["timeline"] = param
    if STATE.get("timeline") not in numbers:
        STATE["timeline"] = chosen[0] if chosen else numbers[0]
    return int(STATE["timeline"])


def _timeline_section(G: nx.DiGraph, rs: RouteSet, names: Mapping[str, str], route_no: int,
                      numbers: list[int]) -> None:
    st.header("Timeline of a route's longest chain", anchor=False)
    c1, c2 = st.columns([2, 1])
    n = c1.selectbox("Route for the timeline", numbers, key=STATE.key("timeline"),
                     format_func=lambda i: f"Route {i}")
    instant = c2.checkbox("Show steps that take no time", value=False, key=STATE.key("instant"),
                          help="Milestones and decisions reached at once")
    route = rs.routes[(n or route_no) - 1]
    try:
        tl = route_timeline(G, route)
    except FlowError as exc:
        st.error(f"No timeline for this route: {md(str(exc))}")
        return
    missed = [li for li in tl.limits if not li.met]
    st.markdown(f"The longest chain of route {n} has **{len(tl.critical.steps)}** steps and "
                f"takes **{tl.critical.likely_days:,.0f}** days by likely estimates; "
                f"**{len(tl.limits)}** time limit(s) apply along it, and the likely times "
                f"miss **{len(missed)}** of them.")
    chart = timeline_chart(tl, instant=bool(instant))
    st.altair_chart(chart, width="stretch", key=STATE.key("timeline_chart"),
                    alt=f"Timeline of route {n}: each step's estimated time against the "
                        "time limits that apply. The table below gives the same figures.")
    st.caption("Grey bars: the likely time of each step, from when the step before it is "
               "reached; thin black lines: shortest to longest estimate. Limits run from the "
               "step that starts the clock: solid lines ending in a square are statutory "
               "limits, dashed lines ending in a diamond are guidance or local targets, dotted "
               "lines ending in a triangle are statutory minimum periods.")
    if missed:
        st.markdown("Limits the likely times miss:\n" + "\n".join(
            f"- {md(names.get(li.to, li.to))}: {md(li.label)}" for li in missed))
    if tl.critical.unknown_edges:
        st.caption(f"{len(tl.critical.unknown_edges)} step(s) on this chain have no estimate "
                   "and count as 0 days.")
    frame = timeline_frame(tl)
    with st.expander("The timeline as a table"):
        st.dataframe(frame, hide_index=True, width="stretch", key=STATE.key("timeline_table"))
        download_csv(frame, f"route-{n}-timeline.csv", key=STATE.key("timeline_csv"))


def _distribution_section(sim: Simulation, names: Mapping[str, str], target: str) -> None:
    st.subheader("Simulated time to this outcome", anchor=False)
    st.caption(f"{sim.runs:,} simulated journeys from the start (fixed seed {sim.seed}), "
               "taking each decision's exits by their shares and each step's time from its "
               "estimate. Each histogram shows how the journeys reaching that outcome spread "
               "over time; the label gives its share of all journeys.")
    chosen = sim.outcomes.get(target)
    if chosen is not None and chosen.median_days is not None:
        c1, c2, c3 = st.columns(3)
        c1.metric(f"Journeys reaching {md(names.get(target, target))}", f"{chosen.share:.1%}")
        c2.metric("Median days", f"{chosen.median_days:,.0f}")
        c3.metric("p10 to p90 days", f"{chosen.p10_days:,.0f} to {chosen.p90_days:,.0f}")
    elif target in sim.times and sim.times[target].size:
        t = sim.times[target]
        st.markdown(f"{t.size / sim.runs:.1%} of journeys reach the chosen step.")
    else:
        st.info("No simulated journey reaches the chosen outcome.")
    shown = [target] if target in sim.times and sim.times[target].size else []
    shown += [e for e, s in sim.outcomes.items() if e != target and s.share >= 0.005]
    hist = time_histogram(sim, shown[:MAX_HISTOGRAMS], names)
    if len(hist):
        with st.expander("How the simulated times spread (histograms)"):
            st.altair_chart(histogram_chart(hist, width=240), width="content",
                            key=STATE.key("histogram"),
                            alt="Histograms of simulated days to each outcome; the table "
                                "below gives each outcome's share and percentiles.")
    frame = outcome_frame(sim, names)
    st.dataframe(frame, hide_index=True, width="stretch", key=STATE.key("outcomes_table"))
    download_csv(frame, "simulated-outcomes.csv", key=STATE.key("outcomes_csv"))
    if sim.unknown_edges:
        st.caption(f"{len(sim.unknown_edges)} transition(s) have no estimate and take 0 days.")


def _preset_overrides(presets: list[Preset]) -> tuple[dict[tuple[str, str], dict[str, float]],
                                                       dict[str, dict[str, float]]]:
    estimates: dict[tuple[str, str], dict[str, float]] = {}
    shares: dict[str, dict[str, float]] = {}
    for p in presets:
        if st.checkbox(p.label, key=STATE.key("preset", p.id), help=p.help):
            for edge, values in p.estimates:
                estimates.setdefault(edge, {}).update(dict(values))
            for step, given in p.shares:
                shares[step] = dict(given)
    return estimates, shares


def _edge_control(G: nx.DiGraph, names: Mapping[str, str]
                  ) -> tuple[tuple[str, str], dict[str, float]] | None:
    edges = estimated_edges(G)
    keyed = {f"{u}>{v}": (u, v) for u, v in edges}
    pick = st.selectbox("Change the time of a transition", ["", *keyed], key=STATE.key("wi_edge"),
                        format_func=lambda e: "(none)" if not e else
                        f"{names.get(keyed[e][0], keyed[e][0])} → "
                        f"{names.get(keyed[e][1], keyed[e][1])}")
    if not pick:
        return None
    u, v = keyed[pick]
    est = estimate_of(G.edges[u, v])
    old = (est.min, est.likely, est.max) if est else (0.0, 0.0, 0.0)
    a, b, c = st.columns(3)
    tag = f"{u}__{v}"  # step ids are identifiers: safe in a widget key
    lo = a.number_input("Min days", 0.0, 36_500.0, float(old[0]), key=STATE.key("wi_min", tag))
    likely = b.number_input("Likely days", 0.0, 36_500.0, float(old[1]),
                            key=STATE.key("wi_likely", tag))
    hi = c.number_input("Max days", 0.0, 36_500.0, float(old[2]), key=STATE.key("wi_max", tag))
    if not (lo <= likely <= hi):
        st.warning("Min, likely and max must be in order (min ≤ likely ≤ max); this change "
                   "is not applied.")
        return None
    if (lo, likely, hi) == old:
        return None
    return (u, v), {"min": lo, "likely": likely, "max": hi}


def _decision_control(G: nx.DiGraph, names: Mapping[str, str]
                      ) -> tuple[str, dict[str, float]] | None:
    choices = choice_steps(G)
    pick = st.selectbox("Change the shares at a decision", ["", *choices],
                        key=STATE.key("wi_decision"),
                        format_func=lambda s: "(none)" if not s else names.get(s, s))
    if not pick:
        return None
    given: dict[str, float] = {}
    changed = False
    st.caption("Per cent of journeys taking each exit (rescaled to add up to 100).")
    for v, share in choices[pick]:
        old = round(100 * share)
        value = st.slider(md(names.get(v, v)), 0, 100, old,
                          key=STATE.key("wi_share", f"{pick}__{v}"))
        given[v] = float(value)
        changed |= value != old
    if not changed:
        return None
    try:
        return pick, normalise_shares(given)
    except ValueError as exc:
        st.warning(f"{exc}; this change is not applied.")
        return None


def _whatif_section(G: nx.DiGraph, fs: FlowSet, digest: str, flow_id: str, source: str,
                    target: str, names: Mapping[str, str]) -> None:
    st.header("What if...", anchor=False)
    st.markdown("Change how long a step takes or how often a decision goes one way, and see "
                "the change from the baseline for every outcome (same journeys, same seed).")
    presets = whatif_presets(G)
    left, right = st.columns(2)
    with left:
        if presets:
            st.markdown("**Ready-made changes**")
        estimates, shares = _preset_overrides(presets)
        if not presets:
            st.caption("No ready-made change fits this flow; set your own.")
    with right:
        edge = _edge_control(G, names)
        decision = _decision_control(G, names)
    if edge is not None:
        estimates[edge[0]] = edge[1]
    if decision is not None:
        shares[decision[0]] = decision[1]
    if not estimates and not shares:
        st.info("Tick a ready-made change or set your own to see its effect.")
        return
    est_key: Estimates = tuple(sorted((e, tuple(sorted(v.items())))
                                      for e, v in estimates.items()))
    share_key: Shares = tuple(sorted((s, tuple(sorted(v.items())))
                                     for s, v in shares.items()))
    try:
        result = _what_if(digest, flow_id, source, est_key, share_key, fs)
    except FlowError as exc:
        st.error(f"This change cannot be simulated: {md(str(exc))}")
        return
    change = next((c for c in result.changes if c.outcome == target), None)
    if change is not None:
        c1, c2 = st.columns(2)
        # A change that rounds to nothing carries no arrow (a green "+0.0" misleads).
        points = change_arrow(100 * change.share_change)
        c1.metric(f"Journeys reaching {md(names.get(target, target))}",
                  f"{change.scenario_share:.1%}",
                  delta=f"{points} points" if points else None)
        days = (None if change.median_change_days is None
                else change_arrow(change.median_change_days, digits=0))
        c2.metric("Median days",
                  "n/a" if change.scenario_median_days is None
                  else f"{change.scenario_median_days:,.0f}",
                  delta=f"{days} days" if days else None, delta_color="inverse")
    _explain_section(G, shares, result.changes, names)
    frame = whatif_frame(result.changes, names)
    st.caption(f"Baseline and scenario each simulate {RUNS:,} journeys. A change drawn by "
               "chance rather than by the scenario is possible: with this many journeys, "
               "share changes under about one point are within simulation noise.")
    st.dataframe(frame, hide_index=True, width="stretch", key=STATE.key("whatif_table"))
    download_csv(frame, "what-if.csv", key=STATE.key("whatif_csv"))


#: Share changes (points) smaller than this are simulation noise and are not explained.
NOISE_POINTS = 1.0


def _explain_section(G: nx.DiGraph, shares: Mapping[str, Mapping[str, float]],
                     changes: list[OutcomeChange], names: Mapping[str, str]) -> None:
    moved = [c for c in changes if abs(100 * c.share_change) >= NOISE_POINTS]
    if not moved:
        st.caption("No outcome's share moves by more than simulation noise.")
        return
    st.markdown("**Why the outcomes moved**")
    lines = []
    for c in sorted(moved, key=lambda c: -abs(c.share_change)):
        why = explain_change(G, shares, c) if shares else []
        head = (f"{md(names.get(c.outcome, c.outcome))}: "
                f"{100 * c.share_change:+.1f} points")
        if why:
            lines.append(f"- {head}. " + " ".join(md(w) for w in why))
        else:
            lines.append(f"- {head}. The changed times move journeys past the points where "
                         "the flows' rules depend on time, or change how often a repeat "
                         "step comes round.")
    st.markdown("\n".join(lines))
    st.caption("A ready-made change can move outcomes it was not aimed at: journeys sent "
               "down one exit reach every end that exit leads to, in that exit's "
               "proportions.")


def _calibration_section(fs: FlowSet, digest: str, flow_id: str,
                         names: Mapping[str, str]) -> None:
    st.header("Simulated against published durations", anchor=False)
    ids = [flow_id] if flow_id != ALL else sorted(fs.flows)
    ids = [f for f in ids if fs.flows[f].published_durations]
    if not ids:
        st.caption("This flow has no published durations to compare with.")
        return
    rows: list[CalibrationRow] = []
    for fid in ids:
        try:
            rows.extend(_calibration(digest, fid, fs))
        except FlowError as exc:
            st.error(f"The published durations of {md(fid)} could not be simulated: "
                     f"{md(str(exc))}")
    if not rows:
        return
    frame = calibration_frame(rows, names,
                              published_labels((fs.flows[f] for f in ids), fs.sources))
    st.caption(f"Each published figure (from research or statistics) beside the same "
               f"statistic over {RUNS:,} simulated journeys; 'within tolerance' means within "
               "20% of the published range.")
    st.dataframe(frame, hide_index=True, width="stretch", key=STATE.key("calibration_table"))
    download_csv(frame, "calibration.csv", key=STATE.key("calibration_csv"))

"""Comparing routes to an outcome: the tables and timelines behind the Routes page.

Pure helpers on top of :mod:`explorer.analysis.routes`, :mod:`explorer.analysis.critical` and
:mod:`explorer.analysis.simulate`; the Streamlit page (``explorer/ui/routes_page.py``) only
lays their results out. Every table is a :class:`pandas.DataFrame` with readable
column names, ready for ``st.dataframe`` and for :func:`table_csv`.

- **Routes are numbered** from 1 in the order :func:`explorer.analysis.routes.routes` lists
  them; the listing is a prefix of the counted routes, so route 3 is the same route
  whatever the limit (that is what makes ``?route=3`` a stable link).
- **A route's own graph** (:func:`route_graph`) keeps the route's steps and, at each
  choice it makes, only the exit it takes. Its critical path (:func:`route_timeline`)
  is the longest chain through the route's parallel tracks by likely estimates.
- **A route's simulated time** (:func:`route_simulation`) forces each of the route's
  choices (share 1 for the exit taken) and simulates; decisions off the route and
  repeat edges (deferrals, recurring reviews) still vary, so the spread is real.
- **Limits on a timeline**: each current clock with a number whose both ends are on
  the route is drawn on the row of the step it runs to, from the time its first step
  is reached (CPM earliest start along the route) to its deadline (or, for a
  statutory minimum, the earliest day allowed).

>>> from explorer.analysis.synthetic import diamond_graph
>>> from explorer.analysis.routes import routes
>>> G = diamond_graph()
>>> rs = routes(G, "s", "end")
>>> route_table(rs, {n: n.upper() for n in G}, G=G)[["Route", "Name", "Likely days"]]
   Route   Name  Likely days
0      1  via a            6
1      2  via b            7
>>> tl = route_timeline(G, rs.routes[1])
>>> [(r.step, r.start_days, r.likely_end_days) for r in tl.steps]
[('d', 0.0, 1.0), ('b', 1.0, 6.0), ('m', 6.0, 7.0), ('end', 7.0, 7.0)]
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from explorer.analysis.critical import CriticalPath, critical_path, longest_times
from explorer.analysis.prepare import estimate_of, prepare
from explorer.analysis.reach import exit_weights
from explorer.analysis.routes import Route, RouteSet
from explorer.analysis.simulate import (
    CalibrationRow,
    OutcomeChange,
    OutcomeStats,
    Simulation,
    apply_overrides,
    simulate,
)
from explorer.model.kinds import MIN_KINDS, STATUTORY_UPPER, UPPER_KINDS
from explorer.model.wording import timescale_label
from explorer.views.outcomes import route_names

#: Starting points tried first for the default view (whole system, then permanence).
PREFERRED_STARTS: tuple[str, ...] = ("concern_raised", "looked_after")
PREFERRED_OUTCOME = "adoption_order"

#: How a limit is drawn on a timeline: the legend names these (never colour alone).
LIMIT_STATUTORY = "Statutory limit (by this day)"
LIMIT_GUIDANCE = "Guidance or local target"
LIMIT_MINIMUM = "Statutory minimum (not before)"
LIMIT_CLASSES: tuple[str, ...] = (LIMIT_STATUTORY, LIMIT_GUIDANCE, LIMIT_MINIMUM)


# -- choosing a start and an outcome ---------------------------------------------------


def step_labels(G: nx.DiGraph) -> dict[str, str]:
    """Each step's name; where two steps share a name, the step before each tells them
    apart (never the step id), and a number where even that is shared.

    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_node("a", name="Review"); G.add_node("b", name="Review"); G.add_node("c", name="End")
    >>> G.add_node("p", name="Order made"); G.add_edge("p", "a")
    >>> step_labels(G)
    {'a': 'Review (after Order made)', 'b': 'Review', 'c': 'End', 'p': 'Order made'}
    """
    names = {n: str(G.nodes[n].get("name") or n) for n in G}
    seen = Counter(names.values())
    out: dict[str, str] = {}
    for n, name in names.items():
        if seen[name] == 1:
            out[n] = name
            continue
        before = [names[u] for u in G.predecessors(n) if not G.edges[u, n].get("repeat")]
        out[n] = f"{name} (after {before[0]})" if len(before) == 1 else name
    again = Counter(out.values())
    count: Counter[str] = Counter()
    for n in sorted(out, key=str):
        if again[out[n]] > 1:
            count[out[n]] += 1
            if count[out[n]] > 1:
                out[n] = f"{out[n]} ({count[out[n]]})"
    return out


def _reading_order(G: nx.DiGraph) -> list[str]:
    # A stable topological order; fall back to ids when the graph is not valid.
    try:
        return list(prepare(G, joins=False).order)
    except Exception:  # an invalid flow: the checks report it, we still list its steps
        return sorted(map(str, G.nodes))


def _dag_successors(G: nx.DiGraph, n: str) -> list[str]:
    return [v for v in G.successors(n) if not G.edges[n, v].get("repeat")]


def start_options(G: nx.DiGraph) -> list[str]:
    """Steps a route can start from: start steps first, then every other step with an exit."""
    order = [n for n in _reading_order(G) if _dag_successors(G, n)]
    first = [n for n in order if G.nodes[n].get("kind") == "start"]
    return first + [n for n in order if n not in first]


def outcome_options(G: nx.DiGraph, start: str) -> list[str]:
    """Steps reachable from ``start`` (repeat edges left out): ends first, then the rest."""
    if start not in G:
        return []
    D = nx.DiGraph(G.edges(data=True)) if G.number_of_edges() else nx.DiGraph()
    D.remove_edges_from([(u, v) for u, v, r in G.edges(data="repeat") if r])
    reach = nx.descendants(D, start) if start in D else set()
    order = [n for n in _reading_order(G) if n in reach]
    ends = [n for n in order if not _dag_successors(G, n)]
    return ends + [n for n in order if n not in ends]


def default_endpoints(G: nx.DiGraph) -> tuple[str | None, str | None]:
    """A sensible first view: concern -> adoption order in the whole system, looked after
    -> adoption order in permanence, else the first start and its first reachable end.

    >>> from explorer.analysis.synthetic import diamond_graph
    >>> default_endpoints(diamond_graph())
    ('s', 'end')
    """
    starts = start_options(G)
    if not starts:
        return None, None
    ordered = [s for s in PREFERRED_STARTS if s in starts] + starts
    for s in ordered:
        ends = outcome_options(G, s)
        if PREFERRED_OUTCOME in ends:
            return s, PREFERRED_OUTCOME
    for s in ordered:
        ends = outcome_options(G, s)
        if ends:
            return s, ends[0]
    return starts[0], None


# -- one route's own graph, critical path and simulated time ---------------------------


def route_graph(G: nx.DiGraph, route: Route) -> nx.DiGraph:
    """The route as a graph: its steps, and at each choice only the exit it takes.

    A new graph (nodes and edges share their attribute values with ``G``, which is
    never changed); repeat edges are left out.
    """
    chosen = dict(route.choices)
    steps = set(route.steps)
    H = nx.DiGraph()
    H.graph.update(G.graph)
    H.add_nodes_from((n, G.nodes[n]) for n in route.steps)
    for u in route.steps:
        for v in _dag_successors(G, u):
            if v in steps and chosen.get(u, v) == v:
                H.add_edge(u, v, **G.edges[u, v])
    return H


def route_critical_path(G: nx.DiGraph, route: Route) -> CriticalPath:
    """The longest chain of the route by likely estimates (its parallel tracks' longest)."""
    return critical_path(route_graph(G, route), route.steps[0], route.target)


def forced_shares(G: nx.DiGraph, route: Route) -> dict[str, dict[str, float]]:
    """The what-if shares that send every journey the route's way at each of its choices.

    >>> from explorer.analysis.synthetic import diamond_graph
    >>> from explorer.analysis.routes import routes
    >>> G = diamond_graph()
    >>> forced_shares(G, routes(G, "s", "end").routes[1])
    {'d': {'b': 1.0}}
    """
    return {u: {v: 1.0} for u, v in route.choices if len(_dag_successors(G, u)) > 1}


def route_simulation(G: nx.DiGraph, route: Route, *, runs: int = 2000, seed: int = 1
                     ) -> OutcomeStats | None:
    """Simulated time to the route's target with its choices forced (module docstring).

    None when no journey reaches the target (the route then needs a step the
    simulation cannot pass, e.g. a repeat edge).
    """
    H = apply_overrides(G, shares=forced_shares(G, route))
    sim = simulate(H, route.steps[0], runs=runs, seed=seed, record=[route.target])
    times = sim.times.get(route.target)
    if times is None or times.size == 0:
        return None
    p10, p50, p90 = (float(x) for x in np.percentile(times, [10, 50, 90]))
    return OutcomeStats(share=times.size / runs, count=int(times.size), p10_days=p10,
                        median_days=p50, p90_days=p90, mean_days=float(times.mean()),
                        kind=str(G.nodes[route.target].get("kind", "")))


# -- tables ------------------------------------------------------------------------------


def _days(x: float | None) -> int | None:
    # Whole days: the law counts days, and "365.2" reads as false precision.
    return None if x is None else round(float(x))


def _names(steps: Iterable[str], names: Mapping[str, str]) -> str:
    return "; ".join(names.get(s, s) for s in steps)


def route_via(route: Route, names: Mapping[str, str]) -> str:
    """The exits the route takes at its choices, by name, in order."""
    return _names((v for _, v in route.choices), names)


def route_table(rs: RouteSet, names: Mapping[str, str],
                lanes: Mapping[str, str] | None = None,
                sims: Sequence[OutcomeStats | None] | None = None,
                G: nx.DiGraph | None = None) -> pd.DataFrame:
    """One row per listed route with every figure of :class:`~explorer.analysis.routes.Route`.

    ``names`` gives step names, ``lanes`` lane names (for the decision makers) and
    ``sims`` the simulated time of each route (same order), when there is one. With the
    graph ``G``, each route is named by the choices that set it apart
    (:func:`explorer.views.outcomes.route_names`). The key columns come first, so a
    laptop screen shows them without scrolling; days are whole days.
    """
    lanes = lanes or {}
    labels = route_names(G, rs.routes) if G is not None else [""] * len(rs.routes)
    rows = []
    for i, r in enumerate(rs.routes):
        sim = sims[i] if sims is not None and i < len(sims) else None
        rows.append({
            "Route": i + 1,
            "Name": labels[i] or route_via(r, names),
            "Statutory floor days": _days(r.statutory_floor_days),
            "Likely days": _days(r.likely_days),
            "Simulated median days": _days(sim.median_days) if sim else None,
            "Unbounded steps": len(r.unbounded_steps),
            "Hearings": r.hearings,
            "Court stages": r.court_stages,
            "Simulated p10 days": _days(sim.p10_days) if sim else None,
            "Simulated p90 days": _days(sim.p90_days) if sim else None,
            "Bounded days": _days(r.bounded_days),
            "Bounded by statute days": _days(r.bounded_statutory_days),
            "Bounded by guidance days": _days(r.bounded_guidance_days),
            "Steps": len(r.steps),
            "Unbounded step names": _names(r.unbounded_steps, names),
            "Decision makers": "; ".join(lanes.get(d, d) for d in r.decision_makers),
            "Via": route_via(r, names),
            "Unknown estimates": len(r.unknown_edges),
        })
    columns = ["Route", "Name", "Statutory floor days", "Likely days", "Simulated median days",
               "Unbounded steps", "Hearings", "Court stages", "Simulated p10 days",
               "Simulated p90 days", "Bounded days", "Bounded by statute days",
               "Bounded by guidance days", "Steps", "Unbounded step names", "Decision makers",
               "Via", "Unknown estimates"]
    return pd.DataFrame(rows, columns=columns)


#: How a table of routes can be ordered: by the law's minimum, or by the likely time.
SORTS: dict[str, tuple[str, str]] = {
    "floor": ("Statutory floor days", "Likely days"),
    "likely": ("Likely days", "Statutory floor days"),
}


def sort_routes(frame: pd.DataFrame, by: str = "floor") -> pd.DataFrame:
    """The route table ordered by statutory floor (default) or likely days, then number.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"Route": [1, 2], "Statutory floor days": [9, 3],
    ...                   "Likely days": [5, 8]})
    >>> list(sort_routes(f)["Route"]), list(sort_routes(f, "likely")["Route"])
    ([2, 1], [1, 2])
    """
    first, second = SORTS[by]
    return frame.sort_values([first, second, "Route"], kind="stable").reset_index(drop=True)


def route_differences(routes: Sequence[Route]) -> list[tuple[str, ...]]:
    """For each route, its steps that not every other route shares (in route order).

    >>> from explorer.analysis.synthetic import diamond_graph
    >>> from explorer.analysis.routes import routes
    >>> route_differences(routes(diamond_graph(), "s", "end").routes)
    [('a',), ('b',)]
    """
    if not routes:
        return []
    common = set(routes[0].steps).intersection(*(r.steps for r in routes[1:]))
    return [tuple(s for s in r.steps if s not in common) for r in routes]


def side_by_side(numbered: Sequence[tuple[int, Route]], names: Mapping[str, str],
                 lanes: Mapping[str, str] | None = None,
                 sims: Mapping[int, OutcomeStats | None] | None = None) -> pd.DataFrame:
    """Figures as rows, the chosen routes as columns ("Route 2", ...), steps that differ last."""
    lanes = lanes or {}
    sims = sims or {}
    diffs = route_differences([r for _, r in numbered])
    figures: list[tuple[str, object]] = []
    cols: dict[str, list[object]] = {}
    for (num, r), diff in zip(numbered, diffs, strict=True):
        sim = sims.get(num)
        figures = [
            ("Likely days", _days(r.likely_days)),
            ("Simulated median days", _days(sim.median_days) if sim else None),
            ("Simulated p10 to p90 days",
             f"{sim.p10_days:.0f} to {sim.p90_days:.0f}"
             if sim and sim.p10_days is not None and sim.p90_days is not None else ""),
            ("Statutory floor days", _days(r.statutory_floor_days)),
            ("Bounded days (statute)", _days(r.bounded_statutory_days)),
            ("Bounded days (guidance)", _days(r.bounded_guidance_days)),
            ("Unbounded steps", len(r.unbounded_steps)),
            ("Hearings", r.hearings),
            ("Court stages", r.court_stages),
            ("Decision makers", "; ".join(lanes.get(d, d) for d in r.decision_makers)),
            ("Steps", len(r.steps)),
            ("Steps only on some of these routes", _names(diff, names) or "(none)"),
        ]
        cols[f"Route {num}"] = [v for _, v in figures]
    # Mixed numbers and text in a column: text keeps Arrow (st.dataframe) and CSV happy.
    frame = pd.DataFrame({"Figure": [k for k, _ in figures],
                          **{c: ["" if v is None else str(v) for v in vals]
                             for c, vals in cols.items()}})
    return frame


# -- the timeline (Gantt) of a route's critical path -------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    """One step of the critical path: reached from ``after`` in [min, max] days, likely
    ``likely_end_days``, counted from the route's start."""

    step: str
    name: str
    after: str
    start_days: float
    min_end_days: float
    likely_end_days: float
    max_end_days: float
    known: bool


@dataclass(frozen=True)
class TimelineLimit:
    """A clock drawn on the row of ``to``: from ``start_days`` to ``limit_days``."""

    from_step: str
    to: str
    limit_class: str
    label: str
    start_days: float
    limit_days: float
    likely_days: float
    #: True if the likely time respects the clock (reached by, or not before, the limit).
    met: bool


@dataclass(frozen=True)
class Timeline:
    critical: CriticalPath
    steps: tuple[TimelineStep, ...]
    limits: tuple[TimelineLimit, ...]


def limit_class(kind: str) -> str | None:
    """How a timescale kind is drawn: statutory limit, guidance target or minimum.

    >>> limit_class("statutory_max"), limit_class("local_target"), limit_class("x")
    ('Statutory limit (by this day)', 'Guidance or local target', None)
    """
    if kind in STATUTORY_UPPER:
        return LIMIT_STATUTORY
    if kind in UPPER_KINDS:
        return LIMIT_GUIDANCE
    if kind in MIN_KINDS:
        return LIMIT_MINIMUM
    return None


def route_timeline(G: nx.DiGraph, route: Route) -> Timeline:
    """The route's critical path with each step's estimate and the limits that apply."""
    H = route_graph(G, route)
    source = route.steps[0]
    cp = critical_path(H, source, route.target)
    names = step_labels(G)
    at = longest_times(H, source)
    rows: list[TimelineStep] = []
    for a, b in itertools.pairwise(cp.steps):
        est = estimate_of(H.edges[a, b])
        t0 = at.get(a, 0.0)
        lo, likely, hi = (est.min, est.likely, est.max) if est else (0.0, 0.0, 0.0)
        rows.append(TimelineStep(b, names.get(b, b), a, t0, t0 + lo, t0 + likely, t0 + hi,
                                 est is not None))
    on_path = set(cp.steps)
    P = prepare(H, joins=False)
    limits: list[TimelineLimit] = []
    for b in cp.steps:
        for a, ts in P.clocks_to.get(b, []):
            cls = limit_class(ts.kind)
            if a not in at or b not in on_path or cls is None or ts.limit_days is None:
                continue
            start = at[a]
            due = start + ts.limit_days
            arrive = at.get(b, 0.0)
            met = arrive >= due if cls == LIMIT_MINIMUM else arrive <= due + 1e-9
            limits.append(TimelineLimit(a, b, cls, f"{timescale_label(ts)} (from "
                                        f"{names.get(a, a)})", start, due, arrive, met))
    return Timeline(cp, tuple(rows), tuple(limits))


def timeline_frame(tl: Timeline) -> pd.DataFrame:
    """The timeline as a table: one row per step, then one per limit."""
    rows: list[dict[str, object]] = []
    for r in tl.steps:
        rows.append({"Row": r.name, "What": "Estimate (practice, not law)",
                     "From day": _days(r.start_days), "Earliest day": _days(r.min_end_days),
                     "Likely day": _days(r.likely_end_days), "Latest day": _days(r.max_end_days),
                     "Limit": "", "Limit day": None, "Likely time respects it": ""})
    for li in tl.limits:
        rows.append({"Row": next((r.name for r in tl.steps if r.step == li.to), li.to),
                     "What": li.limit_class, "From day": _days(li.start_days),
                     "Earliest day": None, "Likely day": _days(li.likely_days),
                     "Latest day": None, "Limit": li.label, "Limit day": _days(li.limit_days),
                     "Likely time respects it": "yes" if li.met else "no"})
    return pd.DataFrame(rows, columns=["Row", "What", "From day", "Earliest day", "Likely day",
                                       "Latest day", "Limit", "Limit day",
                                       "Likely time respects it"])


# -- simulation tables -------------------------------------------------------------------


def outcome_frame(sim: Simulation, names: Mapping[str, str]) -> pd.DataFrame:
    """Each end's share of journeys and simulated p10 / median / p90 days."""
    rows = [{"Outcome": names.get(e, e), "Share of journeys": round(s.share, 4),
             "p10 days": _days(s.p10_days), "Median days": _days(s.median_days),
             "p90 days": _days(s.p90_days), "Journeys": s.count}
            for e, s in sim.outcomes.items()]
    return pd.DataFrame(rows, columns=["Outcome", "Share of journeys", "p10 days",
                                       "Median days", "p90 days", "Journeys"])


def time_histogram(sim: Simulation, outcomes: Sequence[str], names: Mapping[str, str], *,
                   bins: int = 30) -> pd.DataFrame:
    """Binned simulated times to each of ``outcomes``.

    Each outcome's bars are shares of the journeys that reach it (so a rare outcome's
    shape is as readable as a common one's); its label carries its share of all
    journeys. Binned here rather than in the chart, so the chart carries a few hundred
    rows whatever the number of runs.

    >>> from explorer.analysis.synthetic import diamond_graph
    >>> sim = simulate(diamond_graph(), "s", runs=500, seed=2)
    >>> h = time_histogram(sim, ["end"], {"end": "End"}, bins=5)
    >>> len(h), round(float(h["Share"].sum()), 6), h["Outcome"].iloc[0]
    (5, 1.0, 'End (100.0% of journeys)')
    """
    frames = []
    for o in outcomes:
        t = sim.times.get(o)
        if t is None or t.size == 0:
            continue
        counts, edges = np.histogram(t, bins=bins)
        label = f"{names.get(o, o)} ({t.size / sim.runs:.1%} of journeys)"
        frames.append(pd.DataFrame({"Outcome": label, "From day": edges[:-1].round(1),
                                    "To day": edges[1:].round(1),
                                    "Share": counts / t.size}))
    if not frames:
        return pd.DataFrame(columns=["Outcome", "From day", "To day", "Share"])
    return pd.concat(frames, ignore_index=True)


def whatif_frame(changes: Sequence[OutcomeChange], names: Mapping[str, str]) -> pd.DataFrame:
    """Outcome by outcome: share and median before and after, and the differences."""
    rows = [{"Outcome": names.get(c.outcome, c.outcome),
             "Baseline share": round(c.baseline_share, 4),
             "Scenario share": round(c.scenario_share, 4),
             "Share change (points)": round(100 * c.share_change, 2),
             "Baseline median days": _days(c.baseline_median_days),
             "Scenario median days": _days(c.scenario_median_days),
             "Median change days": _days(c.median_change_days)} for c in changes]
    return pd.DataFrame(rows, columns=["Outcome", "Baseline share", "Scenario share",
                                       "Share change (points)", "Baseline median days",
                                       "Scenario median days", "Median change days"])


def calibration_frame(rows: Sequence[CalibrationRow], names: Mapping[str, str],
                      labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Published durations beside simulated ones.

    ``labels`` names each published figure for a reader (its source and population,
    from :func:`published_labels`); a figure without one is named by its steps, never
    by its id.
    """
    labels = labels or {}
    out = [{"Published figure": labels.get(r.id) or
            f"{names.get(r.source_step, r.source_step)} to {names.get(r.to, r.to)}",
            "From": names.get(r.source_step, r.source_step),
            "To": names.get(r.to, r.to), "Statistic": r.statistic,
            "Published low days": r.low_days, "Published high days": r.high_days,
            "Simulated days": r.simulated_days, "Simulated p10 days": r.p10_days,
            "Simulated p90 days": r.p90_days, "Share reaching": round(r.reached_share, 4),
            "Difference days": r.difference_days,
            "Within tolerance": "yes" if r.within_tolerance else "no"} for r in rows]
    return pd.DataFrame(out, columns=["Published figure", "From", "To", "Statistic",
                                      "Published low days", "Published high days",
                                      "Simulated days", "Simulated p10 days",
                                      "Simulated p90 days", "Share reaching",
                                      "Difference days", "Within tolerance"])


def published_labels(flows: Iterable[object], sources: Mapping[str, object]
                     ) -> dict[str, str]:
    """Each published duration's id -> "Source short name: population" for a reader."""
    out: dict[str, str] = {}
    for flow in flows:
        for p in getattr(flow, "published_durations", ()):
            src = sources.get(p.source)
            short = getattr(src, "short", None) or getattr(src, "title", None) or "Source"
            population = " ".join(str(p.population).split())
            if len(population) > 90:
                population = population[:89].rsplit(" ", 1)[0] + "…"
            out[p.id] = f"{short}: {population}"
    return out


# -- what-if -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A ready-made what-if the flow supports (offered only when its steps exist)."""

    id: str
    label: str
    help: str
    estimates: tuple[tuple[tuple[str, str], tuple[tuple[str, float], ...]], ...] = ()
    shares: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()


#: 12 weeks: the local PACE aim from the permanence plan to the panel.
PANEL_WEEKS = 12


def _is_panel(G: nx.DiGraph, n: str) -> bool:
    name = str(G.nodes[n].get("name", "")).casefold()
    return n == "permanence_panel" or "permanence panel" in name


def _is_concurrency(G: nx.DiGraph, n: str) -> bool:
    name = str(G.nodes[n].get("name", "")).casefold()
    return "concurren" in str(n).casefold() or "concurren" in name


def whatif_presets(G: nx.DiGraph) -> list[Preset]:
    """The ready-made what-ifs this graph supports.

    - *Panel within 12 weeks*: every transition into the permanence panel takes at
      most 84 days (its min and likely lowered to fit).
    - *Concurrency planning for every child*: every decision with an exit into
      concurrency planning takes it.
    """
    out: list[Preset] = []
    cap = float(PANEL_WEEKS * 7)
    panel = tuple(((u, v), (("max", cap),)) for u, v, r in G.edges(data="repeat")
                  if not r and _is_panel(G, v) and (est := estimate_of(G.edges[u, v]))
                  and est.max > cap)
    if panel:
        out.append(Preset("panel_12_weeks", f"Panel within {PANEL_WEEKS} weeks",
                          f"Every transition into the panel takes at most {PANEL_WEEKS} "
                          "weeks (84 days).", estimates=panel))
    conc = []
    for u in G:
        exits = _dag_successors(G, u)
        if len(exits) > 1 and G.nodes[u].get("kind") != "parallel":
            hits = [v for v in exits if _is_concurrency(G, v)]
            if hits:
                conc.append((u, ((hits[0], 1.0),)))
    if conc:
        out.append(Preset("concurrency_for_all", "Concurrency planning for every child",
                          "At each decision that can start concurrency planning, every "
                          "journey does.", shares=tuple(sorted(conc))))
    return out


def choice_steps(G: nx.DiGraph) -> dict[str, list[tuple[str, float]]]:
    """Steps where one exit is taken, with each exit's present probability.

    >>> from explorer.analysis.synthetic import diamond_graph
    >>> choice_steps(diamond_graph())
    {'d': [('a', 0.5), ('b', 0.5)]}
    """
    out: dict[str, list[tuple[str, float]]] = {}
    for u in _reading_order(G):
        exits = _dag_successors(G, u)
        if len(exits) > 1 and G.nodes[u].get("kind") != "parallel":
            out[u] = list(zip(exits, exit_weights(G, u, exits), strict=True))
    return out


def normalise_shares(values: Mapping[str, float]) -> dict[str, float]:
    """Shares rescaled to sum to 1 (what a person types need not add up).

    >>> normalise_shares({"a": 30, "b": 90})
    {'a': 0.25, 'b': 0.75}
    """
    total = sum(max(v, 0.0) for v in values.values())
    if total <= 0:
        raise ValueError("at least one share must be more than 0")
    return {k: max(v, 0.0) / total for k, v in values.items()}


def estimated_edges(G: nx.DiGraph) -> list[tuple[str, str]]:
    """Transitions (no repeat edges) in reading order: the ones a what-if can retime."""
    order = _reading_order(G)
    pos = {n: i for i, n in enumerate(order)}
    return sorted(((u, v) for u, v, r in G.edges(data="repeat") if not r),
                  key=lambda e: (pos.get(e[0], 0), pos.get(e[1], 0), e))

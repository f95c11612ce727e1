"""What children's recorded histories show: transitions, variants and conformance.

Input is the event log of :mod:`explorer.cases.events` (a DataFrame with ``case_id``,
``step``, ``date`` and ``row``; every occurrence kept). Each child's events are put in
date order; events on the same day keep the flows' order (a step's topological rank),
then the file's.

- **Transitions** (the directly-follows relation of process mining): each pair of
  consecutive recorded events of a child, counted by children (a child counts once per
  pair) and by occurrences, with the median and 90th percentile of the days between.
- **Variants**: each child's sequence of recorded steps (a step recorded again straight
  after itself counted once), with the number and share of children who took it.
- **Out of order**: consecutive events whose dates contradict the flows' order - step
  B follows step A on every route of A's flow, yet B is dated before A. Every such
  contradiction in a child's history shows up in at least one consecutive pair, so a
  child is listed whenever their dates disagree with the flow anywhere.
- **Skipped statutory steps**: a step that the law requires (an end of a statutory
  timescale) and that lies on every route to a step the child has reached, yet is not
  recorded for the child. Only steps this log records for some child count: a step the
  authority never records is a gap in the records, not a skipped step, and is listed
  apart.
- **Clocks missed**: the flows' timescales tracked at the as-of date
  (:mod:`explorer.cases.tracking`), counted by rule and by stage.

Everything is vectorised over events (NumPy, pandas): a million events take about a
second.

>>> import pandas as pd
>>> log = pd.DataFrame({"case_id": ["A", "A", "B", "B"],
...     "step": ["looked_after", "placement", "looked_after", "placement"],
...     "date": pd.to_datetime(["2025-01-01", "2025-01-11", "2025-02-01", "2025-02-21"]),
...     "row": [1, 2, 3, 4]})
>>> t = transitions(log)
>>> t.iloc[0][["from", "to", "children", "median_days"]].to_dict()
{'from': 'looked_after', 'to': 'placement', 'children': 2, 'median_days': 15.0}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from explorer.cases.caseload import Caseload
from explorer.cases.events import EventLog, events_to_wide
from explorer.cases.tracking import TrackingPlan, order_pairs, track_against
from explorer.graph import dag, flow_graph, step_id
from explorer.model.flowset import FlowSet

STATUTORY_KINDS = ("statutory_max", "statutory_min", "statutory_fixed")
#: Limits counted in days for colouring only (a month as 365.25 / 12 days, a working
#: week as 5 working days in 7): a median is compared with a limit on the map, never a
#: child's deadline, which is always counted by the calendar.
APPROX_DAYS = {"days": 1.0, "weeks": 7.0, "working_days": 7 / 5, "months": 365.25 / 12,
               "years": 365.25, "hours": 1 / 24}


# -- ordering ----------------------------------------------------------------------------


def step_ranks(fs: FlowSet | None) -> dict[str, int]:
    """Each step's position in a topological order of the whole system (repeat edges
    left out): the tie-break for events on the same day."""
    if fs is None:
        return {}
    D = dag(flow_graph(fs, "all"))
    order = list(nx.lexicographical_topological_sort(D))
    return {step_id(s): i for i, s in enumerate(order)}


@dataclass
class Sorted:
    """A log in (case, date, flow order, row) order, as integer codes for speed."""

    case: np.ndarray      # case code per event (0..n_cases-1)
    step: np.ndarray      # step code per event
    day: np.ndarray       # days since 1970 per event (int64)
    cases: np.ndarray     # case ids by code
    steps: np.ndarray     # step names by code
    rows: np.ndarray      # the file's row per event

    @property
    def same_case(self) -> np.ndarray:
        """True at i where event i + 1 belongs to the same case as event i."""
        return self.case[1:] == self.case[:-1]


def sort_log(events: pd.DataFrame, ranks: Mapping[str, int] | None = None) -> Sorted:
    """Events in each case's order (module docstring)."""
    case, cases = pd.factorize(events["case_id"], sort=False)
    step, steps = pd.factorize(events["step"], sort=False)
    day = events["date"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(
        np.int64)
    rank_of = np.array([(ranks or {}).get(s, len(ranks or {})) for s in steps], dtype=np.int64)
    rows = (events["row"].to_numpy(dtype=np.int64) if "row" in events
            else np.arange(len(events), dtype=np.int64))
    order = np.lexsort((rows, rank_of[step] if len(step) else step, day, case))
    return Sorted(case[order].astype(np.int64), step[order].astype(np.int64), day[order],
                  np.asarray(cases, dtype=object), np.asarray(steps, dtype=object),
                  rows[order])


# -- transitions -------------------------------------------------------------------------


def transitions(events: pd.DataFrame, *, ranks: Mapping[str, int] | None = None,
                log: Sorted | None = None) -> pd.DataFrame:
    """The directly-follows transitions: ``from``, ``to``, ``children``, ``count``,
    ``median_days``, ``p90_days``, ``min_days``, ``max_days``; most children first."""
    s = log or sort_log(events, ranks)
    cols = ["from", "to", "children", "count", "median_days", "p90_days", "min_days",
            "max_days"]
    if s.case.size < 2:
        return pd.DataFrame(columns=cols)
    same = s.same_case
    k = len(s.steps)
    pair = (s.step[:-1] * k + s.step[1:])[same]
    days = (s.day[1:] - s.day[:-1])[same].astype(np.float64)
    case = s.case[:-1][same]
    if pair.size == 0:
        return pd.DataFrame(columns=cols)
    # Sorted by (pair, days): each pair's days are one sorted slice, so counts, extremes
    # and quantiles (linear interpolation, as numpy and pandas compute them) are index
    # arithmetic, not a groupby.
    # One int64 key (pair, then days: days are whole and within 0..2**20 after the shift)
    # sorts faster than a two-key lexsort.
    lo_day = days.min()
    span = int(days.max() - lo_day) + 1
    if span < 2 ** 20 and int(pair.max()) < 2 ** 40:
        order = np.argsort(pair * span + (days - lo_day).astype(np.int64), kind="stable")
    else:  # pragma: no cover - a log spanning thousands of years
        order = np.lexsort((days, pair))
    pair, days, case = pair[order], days[order], case[order]
    start = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    n = np.diff(np.r_[start, pair.size])

    def quantile(q: float) -> np.ndarray:
        pos = start + q * (n - 1)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, start + n - 1)
        return days[lo] + (days[hi] - days[lo]) * (pos - lo)

    # Children: distinct (pair, case) combinations, counted per pair.
    key = np.unique(pair * (s.cases.size + 1) + case)
    kid_pair = key // (s.cases.size + 1)
    kids = np.diff(np.r_[np.flatnonzero(np.r_[True, kid_pair[1:] != kid_pair[:-1]]),
                         kid_pair.size])
    stats = pd.DataFrame({"count": n, "median_days": quantile(0.5),
                          "p90_days": quantile(0.9), "min_days": days[start],
                          "max_days": days[start + n - 1], "children": kids},
                         index=pair[start])
    codes = stats.index.to_numpy()
    stats.insert(0, "to", s.steps[codes % k])
    stats.insert(0, "from", s.steps[codes // k])
    out = stats.reset_index(drop=True)[cols]
    out["children"] = out["children"].astype(np.int64)
    out["count"] = out["count"].astype(np.int64)
    return out.sort_values(["children", "from", "to"], ascending=[False, True, True],
                           kind="stable").reset_index(drop=True)


def transition_days(events: pd.DataFrame, *, ranks: Mapping[str, int] | None = None,
                    log: Sorted | None = None) -> dict[tuple[str, str], np.ndarray]:
    """Every observed duration of each directly-follows pair (days), for calibration."""
    s = log or sort_log(events, ranks)
    if s.case.size < 2:
        return {}
    same = s.same_case
    k = len(s.steps)
    pair = (s.step[:-1] * k + s.step[1:])[same]
    days = (s.day[1:] - s.day[:-1])[same].astype(np.float64)
    order = np.argsort(pair, kind="stable")
    pair, days = pair[order], days[order]
    cut = np.flatnonzero(np.diff(pair)) + 1
    out: dict[tuple[str, str], np.ndarray] = {}
    for p, d in zip(np.split(pair, cut), np.split(days, cut), strict=True):
        if p.size:
            out[(str(s.steps[p[0] // k]), str(s.steps[p[0] % k]))] = d
    return out


# -- variants ----------------------------------------------------------------------------


def variants(events: pd.DataFrame, *, ranks: Mapping[str, int] | None = None,
             log: Sorted | None = None, top: int | None = None) -> pd.DataFrame:
    """Each distinct route recorded (``steps``, a tuple), with ``children`` and ``share``;
    commonest first. ``top`` keeps only the commonest.

    >>> log = pd.DataFrame({"case_id": ["A", "A", "A", "B"],
    ...     "step": ["looked_after", "lac_review", "lac_review", "looked_after"],
    ...     "date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-08-01", "2025-03-01"])})
    >>> variants(log)[["steps", "children"]].values.tolist()
    [[('looked_after',), 1], [('looked_after', 'lac_review'), 1]]
    """
    s = log or sort_log(events, ranks)
    cols = ["steps", "children", "share", "example_case"]
    if s.case.size == 0:
        return pd.DataFrame(columns=cols)
    # A step recorded again straight after itself (a recurring review) counts once.
    keep = np.ones(s.case.size, dtype=bool)
    keep[1:] = ~(s.same_case & (s.step[1:] == s.step[:-1]))
    case, step = s.case[keep], s.step[keep]
    starts = np.flatnonzero(np.r_[True, case[1:] != case[:-1]])
    pos = np.arange(case.size) - np.repeat(starts, np.diff(np.r_[starts, case.size]))
    # A 64-bit polynomial hash of each case's sequence (wrapping arithmetic), with its
    # length: equal sequences get equal keys; a collision is astronomically unlikely.
    with np.errstate(over="ignore"):
        base = np.uint64(1_000_003)
        powers = np.cumprod(np.full(int(pos.max()) + 1, base, dtype=np.uint64))
        term = (step.astype(np.uint64) + np.uint64(1)) * powers[pos]
        h = np.add.reduceat(term, starts)
    length = np.diff(np.r_[starts, case.size])
    frame = pd.DataFrame({"h": h, "n": length, "start": starts, "case": case[starts]})
    g = frame.groupby(["h", "n"], sort=False)
    agg = g.agg(children=("case", "size"), start=("start", "first"),
                case=("case", "first")).reset_index()
    agg = agg.sort_values(["children", "n"], ascending=[False, True], kind="stable")
    if top is not None:
        agg = agg.head(top)
    total = len(starts)
    seqs = [tuple(str(x) for x in s.steps[step[a:a + n]])
            for a, n in zip(agg["start"], agg["n"], strict=True)]
    out = pd.DataFrame({"steps": seqs, "children": agg["children"].to_numpy(np.int64),
                        "share": agg["children"].to_numpy() / total,
                        "example_case": s.cases[agg["case"].to_numpy()]})
    # Ties in order of the route itself, so the table is the same on every run.
    out["_key"] = out["steps"].map(lambda t: " ".join(t))
    out = out.sort_values(["children", "_key"], ascending=[False, True], kind="stable")
    return out.drop(columns="_key").reset_index(drop=True)


# -- conformance -------------------------------------------------------------------------


def out_of_order(events: pd.DataFrame, pairs: Collection[tuple[str, str]], *,
                 ranks: Mapping[str, int] | None = None, log: Sorted | None = None
                 ) -> pd.DataFrame:
    """Consecutive events dated against the flows' order: one row a contradiction with
    ``case_id``, ``from`` (the step the flow puts first), ``to`` (the step it puts later,
    yet dated earlier), ``from_date``, ``to_date``, ``from_row``, ``to_row``.

    ``pairs`` are (A, B): B cannot be dated before A (:func:`tracking.order_pairs`).
    """
    s = log or sort_log(events, ranks)
    cols = ["case_id", "from", "to", "from_date", "to_date", "from_row", "to_row"]
    if s.case.size < 2 or not pairs:
        return pd.DataFrame(columns=cols)
    code = {str(name): i for i, name in enumerate(s.steps)}
    k = len(s.steps)
    # (A, B) with B dated before A shows up, in date order, as B directly followed by A.
    bad = np.array([code[b] * k + code[a] for a, b in pairs if a in code and b in code],
                   dtype=np.int64)
    if bad.size == 0:
        return pd.DataFrame(columns=cols)
    same = s.same_case
    pair = s.step[:-1] * k + s.step[1:]
    hit = np.flatnonzero(same & np.isin(pair, bad) & (s.day[1:] > s.day[:-1]))
    to_day = s.day[hit].astype("datetime64[D]")
    from_day = s.day[hit + 1].astype("datetime64[D]")
    return pd.DataFrame({"case_id": s.cases[s.case[hit]].astype(str),
                         "from": s.steps[s.step[hit + 1]].astype(str),
                         "to": s.steps[s.step[hit]].astype(str),
                         "from_date": pd.to_datetime(from_day),
                         "to_date": pd.to_datetime(to_day),
                         "from_row": s.rows[hit + 1], "to_row": s.rows[hit]})[cols]


def statutory_steps(fs: FlowSet) -> set[str]:
    """Steps at either end of a current statutory timescale: steps the law requires."""
    G = flow_graph(fs, "all")
    return {step_id(x) for ts in G.graph["timescales"]
            if ts.kind in STATUTORY_KINDS and ts.status == "current"
            for x in (ts.from_, ts.to)}


def dominated(fs: FlowSet) -> dict[str, set[str]]:
    """For each step A, the steps every route to which (from its flow's start, repeat
    edges left out) passes through A."""
    out: dict[str, set[str]] = {}
    for fid in sorted(fs.flows):
        G = flow_graph(fs, fid)
        D = dag(G).copy()
        local = [n for n in D.nodes if not G.nodes[n].get("external")]
        roots = [n for n in local if D.in_degree(n) == 0]
        root = "__root__"
        D.add_edges_from((root, r) for r in roots)
        idom = nx.immediate_dominators(D, root)
        for b in local:
            v = idom.get(b)
            while v is not None and v != root:
                out.setdefault(v, set()).add(b)
                v = idom.get(v)
    return out


def skipped_steps(events: pd.DataFrame, fs: FlowSet, *, log: Sorted | None = None
                  ) -> pd.DataFrame:
    """Statutory steps not recorded for children who reached a step after them.

    One row a step: ``step``, ``children`` (skipped it), ``reached`` (children with a
    later step that needs it); only steps this log records for some child. Steps
    that no child has recorded are in ``.attrs["never_recorded"]``.
    """
    s = log or sort_log(events)
    recorded = {str(x) for x in s.steps}
    code = {str(x): i for i, x in enumerate(s.steps)}
    has = np.zeros((s.cases.size, s.steps.size), dtype=bool)
    has[s.case, s.step] = True
    statutory = statutory_steps(fs)
    dom = dominated(fs)
    rows = []
    never = []
    for a in sorted(statutory):
        later = sorted(dom.get(a, set()) & recorded)
        if not later:
            continue
        if a not in recorded:
            never.append(a)
            continue
        reached = has[:, [code[b] for b in later]].any(axis=1)
        skipped = reached & ~has[:, code[a]]
        if int(skipped.sum()):
            rows.append({"step": a, "children": int(skipped.sum()),
                         "reached": int(reached.sum())})
    out = pd.DataFrame(rows, columns=["step", "children", "reached"])
    out = out.sort_values(["children", "step"], ascending=[False, True]).reset_index(drop=True)
    out.attrs["never_recorded"] = never
    return out


def caseload_from_events(events: pd.DataFrame) -> Caseload:
    """The log as the tracker's caseload (:func:`explorer.cases.events.events_to_wide`):
    each step's first date (the latest for recurring steps), every event kept for the
    checks of each cycle."""
    return events_to_wide(EventLog(events, rows_read=len(events)))


def clocks_missed(events: pd.DataFrame, fs: FlowSet, *, as_of: dt.date,
                  plan: TrackingPlan | None = None) -> pd.DataFrame:
    """The flows' clocks on this log at ``as_of``: one row a rule with ``from``, ``to``,
    ``limit``, ``unit``, ``stage`` (of the TO step), ``kind``, ``met``, ``missed``, ``overdue``,
    ``missed_share`` (missed and overdue over all decided); most missed first."""
    known = {s.id for f in fs.flows.values() for s in f.steps}
    load = caseload_from_events(events[events["step"].isin(known)])
    res = track_against(fs, load, as_of=as_of, plan=plan)
    items = res.items
    cols = ["from", "to", "limit", "unit", "stage", "kind", "met", "missed", "overdue",
            "missed_share"]
    if items.empty:
        return pd.DataFrame(columns=cols)
    it = pd.DataFrame({"from": items["from"].astype(str), "to": items["to"].astype(str),
                       "limit": items["limit"].astype(float), "unit": items["unit"].astype(str),
                       "kind": items["kind"].astype(str),
                       "status": items["status"].astype(str)})
    it = it[it["kind"] != "statutory_min"]
    if it.empty:
        return pd.DataFrame(columns=cols)
    table = pd.crosstab([it["from"], it["to"], it["limit"], it["unit"], it["kind"]],
                        it["status"])
    for c in ("met", "missed", "overdue"):
        if c not in table:
            table[c] = 0
    table = table[["met", "missed", "overdue"]].reset_index()
    decided = table["met"] + table["missed"] + table["overdue"]
    table = table[decided > 0].copy()
    table["missed_share"] = ((table["missed"] + table["overdue"]) / decided[decided > 0])
    stages = stage_names(fs)
    table["stage"] = table["to"].map(stages).fillna("")
    return table.sort_values(["missed", "overdue", "from"], ascending=[False, False, True]
                             ).reset_index(drop=True)[cols]


def stage_names(fs: FlowSet) -> dict[str, str]:
    """Each step's stage name, or its flow's title where the flow has no stages."""
    out = {}
    for f in fs.flows.values():
        names = {st.id: st.name for st in f.stages}
        for s in f.steps:
            out[s.id] = names.get(s.stage or "", f.title)
    return out


# -- everything at once ------------------------------------------------------------------


@dataclass
class Mined:
    """Transitions, variants, out-of-order entries and skipped steps of one log."""

    transitions: pd.DataFrame
    variants: pd.DataFrame
    out_of_order: pd.DataFrame
    skipped: pd.DataFrame = field(default_factory=pd.DataFrame)
    unknown_steps: list[str] = field(default_factory=list)
    children: int = 0

    def as_dict(self, *, suppress: bool = False, max_variants: int = 50) -> dict[str, Any]:
        def count(n: int) -> int | str:
            return "<5" if suppress and 0 < n < 5 else int(n)

        def r(x: float) -> float | None:
            return None if pd.isna(x) else round(float(x), 1)

        tr = [{"from": t["from"], "to": t["to"], "children": count(t["children"]),
               "count": count(t["count"]),
               "median_days": None if suppress and t["children"] < 5 else r(t["median_days"]),
               "p90_days": None if suppress and t["children"] < 5 else r(t["p90_days"])}
              for t in self.transitions.to_dict("records")]
        va = [{"steps": list(v["steps"]), "children": count(v["children"]),
               "share": None if suppress and v["children"] < 5 else round(v["share"], 4)}
              for v in self.variants.head(max_variants).to_dict("records")]
        oo = [{"case_id": o["case_id"], "from": o["from"], "to": o["to"],
               "from_date": o["from_date"].date().isoformat(),
               "to_date": o["to_date"].date().isoformat(),
               "from_row": int(o["from_row"]), "to_row": int(o["to_row"])}
              for o in self.out_of_order.to_dict("records")]
        sk = [{"step": x["step"], "children": count(x["children"]),
               "reached": count(x["reached"])} for x in self.skipped.to_dict("records")]
        return {"children": self.children, "transitions": tr, "variants": va,
                "variants_total": len(self.variants), "out_of_order": [] if suppress else oo,
                "out_of_order_children": int(self.out_of_order["case_id"].nunique())
                if len(self.out_of_order) else 0,
                "skipped_statutory_steps": sk,
                "never_recorded": list(self.skipped.attrs.get("never_recorded", [])),
                "unknown_steps": self.unknown_steps}


def mine(events: pd.DataFrame, fs: FlowSet | None = None, *,
         pairs: Sequence[tuple[str, str]] | None = None,
         ranks: Mapping[str, int] | None = None) -> Mined:
    """Transitions, variants, out-of-order entries (and, with ``fs``, skipped statutory
    steps) of a log. Pass ``pairs`` and ``ranks`` to reuse the flows' graph work."""
    if fs is not None:
        ranks = ranks if ranks is not None else step_ranks(fs)
        pairs = pairs if pairs is not None else order_pairs(fs)
    log = sort_log(events, ranks)
    known = set(ranks or {})
    unknown = sorted(str(s) for s in log.steps if known and s not in known)
    return Mined(transitions(events, log=log), variants(events, log=log),
                 out_of_order(events, pairs or [], log=log),
                 skipped_steps(events, fs, log=log) if fs is not None else pd.DataFrame(
                     columns=["step", "children", "reached"]),
                 unknown, int(log.cases.size))


# -- the observed map --------------------------------------------------------------------


def observed_map(fs: FlowSet, flow_id: str, trans: pd.DataFrame) -> tuple[pd.DataFrame,
                                                                           pd.DataFrame]:
    """The observed transitions placed on the flow's legal map, for drawing.

    Returns (steps, edges). ``steps``: every step of the flow with ``step``, ``name``,
    ``x`` (its topological generation), ``y`` (its place in the generation) and
    ``recorded`` (True if an observed transition touches it). ``edges``: one row an
    observed transition between two steps of the flow, with the transition's columns,
    the ends' positions, ``limit_days`` (the tightest maximum timescale between the two,
    in approximate days), ``limit_text``, ``legal`` (True when the flow has a transition
    from one to the other) and ``against_limit``: ``within`` / ``over`` / ``no limit``.
    """
    G = flow_graph(fs, flow_id)
    D = dag(G)
    pos: dict[str, tuple[int, int]] = {}
    for x, gen in enumerate(nx.topological_generations(D)):
        for y, n in enumerate(sorted(gen)):
            pos[n] = (x, y)
    names = {n: d.get("name", n) for n, d in G.nodes(data=True)}
    t = trans[trans["from"].isin(pos) & trans["to"].isin(pos)].copy()
    touched = set(t["from"]) | set(t["to"])
    steps = pd.DataFrame([{"step": n, "name": names[n], "x": p[0], "y": p[1],
                           "recorded": n in touched} for n, p in pos.items()])
    limits = []
    for a, b in zip(t["from"], t["to"], strict=True):
        best: tuple[float, str] | None = None
        for ts in G.graph["timescales"]:
            if (step_id(ts.from_) == a and step_id(ts.to) == b and ts.status == "current"
                    and ts.limit and ts.unit and ts.kind != "statutory_min"):
                days = ts.limit * APPROX_DAYS[ts.unit]
                if best is None or days < best[0]:
                    best = (days, f"{ts.limit:g} {ts.unit.replace('_', ' ')} ({ts.kind})")
        limits.append(best)
    t["limit_days"] = [x[0] if x else np.nan for x in limits]
    t["limit_text"] = [x[1] if x else "" for x in limits]
    t["legal"] = [G.has_edge(a, b) for a, b in zip(t["from"], t["to"], strict=True)]
    t["against_limit"] = np.where(t["limit_days"].isna(), "no limit",
                                  np.where(t["median_days"] > t["limit_days"], "over",
                                           "within"))
    t["from_name"] = t["from"].map(names)
    t["to_name"] = t["to"].map(names)
    t["x"] = t["from"].map(lambda s: pos[s][0])
    t["y"] = t["from"].map(lambda s: pos[s][1])
    t["x2"] = t["to"].map(lambda s: pos[s][0])
    t["y2"] = t["to"].map(lambda s: pos[s][1])
    return steps, t.reset_index(drop=True)


__all__ = [
    "Mined",
    "caseload_from_events",
    "clocks_missed",
    "dominated",
    "mine",
    "observed_map",
    "out_of_order",
    "skipped_steps",
    "sort_log",
    "stage_names",
    "statutory_steps",
    "step_ranks",
    "transition_days",
    "transitions",
    "variants",
]

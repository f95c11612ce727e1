"""Cases and caseloads against the flows' timescales: the rules and the statuses.

Reading is elsewhere: :mod:`explorer.cases.caseload` (the wide format, one row a case),
:mod:`explorer.cases.events` (event logs, every occurrence kept) and
:mod:`explorer.cases.workbook` (Excel). A wide cell is the first date of its step, except
the steps of :data:`LATEST_DATE_STEPS` (later LAC reviews, CSO review hearings, review
CPPMs), which recur and hold the most recent date; ``n/a`` says a step will not happen
for this child, and deadlines into or out of it are left out.

For every current timescale with a number whose FROM date is known, :func:`track`
gives the due date and a status:

``met``          happened in time (or, for a minimum, not before the earliest day);
``missed``       happened, but late;
``overdue``      not happened, and the due date has passed;
``due_soon``     not happened, due within ``due_soon_days`` of the as-of date;
``pending``      not happened, not yet due (or a minimum still to come);
``too_early``    a statutory minimum broken (an adoption order before 13 weeks with
                 the adopters), or a fixed-day step held before its day;
``not_recorded`` the sheet has no column (or the log no event anywhere) for the TO
                 step, so whether it was kept cannot be told: the due date is still
                 given, and ``days_late`` says how far it has passed. Also where the TO
                 step is dated, the FROM step is on every route to it, and the sheet has
                 no FROM column. Never silent.

Items are withheld rather than called overdue where the tracker cannot tell: a window
that passed unused (an appeal: a right, not a duty), a step the case has gone past (a
later step on another branch is dated), a date that could not be read, dates that
contradict the flow's order (B follows A on every route, yet is dated before it).

Rules that exclude each other (reg 45(2) and 45(3): 6 weeks, or 3 months for a
short-term placement) carry ``applies_when_case``; a case gets the one that applies, or,
where the sheet does not give the attribute, one item that says which applies when.

Everything runs in memory: nothing is written to disk or logged. A caseload is processed
rule by rule across all cases at once (numpy), never case by case.

>>> import datetime as dt
>>> from explorer.io.load import load_flows
>>> fs = load_flows()  # the shipped flows, wherever the package is
>>> csv = b"case_id,place_of_safety,grounds_hearing\\nEX-1,2026-01-30,\\n"
>>> load = read_caseload(csv, as_of=dt.date(2026, 2, 9))
>>> res = track(load, tracking_rules(fs), as_of=dt.date(2026, 2, 9))
>>> it = res.items.set_index("to")
>>> it.loc["grounds_hearing", "status"], str(it.loc["grounds_hearing", "due"].date())
('due_soon', '2026-02-11')
>>> it.loc["second_working_day_hearing", "status"]  # no column: still computed
'not_recorded'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from explorer.cases.calendar import due_dates, earliest_dates
from explorer.cases.caseload import (
    CASE_ID,
    LATEST_DATE_STEPS,
    MAX_UPLOAD_BYTES,
    NOT_APPLICABLE,
    Caseload,
    InputProblem,
    caseload_from_rows,
    empty_caseload,
    known_columns,
    quiet_gc,
    read_caseload,
    template_csv,
)
from explorer.cases.events import read_any
from explorer.graph import dag, flow_graph, step_id
from explorer.graph.algorithms import closing_join
from explorer.io.tabular import csv_text
from explorer.model.flowset import FlowSet
from explorer.model.kinds import STATUSES, WITHHELD
from explorer.model.schema import UNIT_DAYS
from explorer.model.wording import describe_limit, quantity

__all__ = ["CASE_ID", "LATEST_DATE_STEPS", "MAX_UPLOAD_BYTES", "NOT_APPLICABLE", "Caseload",
           "InputProblem", "Rule", "TrackResult", "TrackingPlan", "caseload_from_rows",
           "empty_caseload", "known_columns", "moved_past", "order_pairs", "problems_csv",
           "read_caseload", "report_csv", "report_frame", "template_csv", "to_json", "track",
           "track_against", "track_caseload", "tracking_plan", "tracking_rules"]

_NAT = np.datetime64("NaT", "D")
_quiet_gc = quiet_gc


# -- rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A timescale the tracker can measure: both ends are steps, and it has a number."""

    from_: str
    to: str
    limit: float
    unit: str
    kind: str
    counting: str
    legal_basis: tuple[tuple[str, str], ...]
    confidence: str
    consequence: str | None = None
    applies_when: str | None = None
    #: The TO step is a right that may go unused (an appeal): past due is not overdue.
    window: bool = False
    #: ``applies_when_case`` of the timescale: (attribute, accepted values) pairs.
    condition: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: The rule in a few words ("within 6 weeks").
    words: str = ""
    #: The provisions cited, with the sources' short names ("LAC Regs 2009 reg 45(2)(a)").
    provision: str = ""
    #: A rule of an event log's cycle: every occurrence of ``from_`` restarts the clock.
    cycle: bool = False
    #: The index of the timescale it comes from, in :func:`graph_rules`' order.
    ref: int = -1

    @property
    def key(self) -> str:
        return f"{self.from_}->{self.to}"

    @property
    def minimum(self) -> bool:
        return self.kind == "statutory_min"

    @property
    def fixed(self) -> bool:
        return self.kind == "statutory_fixed"

    def applies_to(self, attributes: Mapping[str, str]) -> bool | None:
        """Whether the rule's condition holds for a case's attributes; None if unknown."""
        for attr, values in self.condition:
            value = attributes.get(attr, "")
            if not value:
                return None
            if value not in values:
                return False
        return True


def _condition(cond: Mapping[str, str | list[str]] | None
               ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not cond:
        return ()
    out = []
    for attr, v in sorted(cond.items()):
        values = [v] if isinstance(v, str) else list(v)
        out.append((attr, tuple("_".join(x.lower().replace("-", " ").split()) for x in values)))
    return tuple(out)


def tracking_rules(fs: FlowSet) -> list[Rule]:
    """Every current timescale with a limit, across all flows, in the flows' order."""
    short = {sid: src.short for sid, src in fs.sources.items()}
    return graph_rules(flow_graph(fs, "all"), short)[0]


def graph_rules(G: nx.DiGraph, short: Mapping[str, str] | None = None
                ) -> tuple[list[Rule], list[Any]]:
    """The rules of a flow graph's current timescales with a limit, and beside each the
    :class:`~explorer.model.Timescale` it comes from. ``short`` names the sources."""
    short = short or {}
    out: list[Rule] = []
    sources: list[Any] = []
    seen: set[tuple[Any, ...]] = set()
    for ts in G.graph["timescales"]:
        if ts.status != "current" or ts.limit is None or ts.unit is None:
            continue
        a, b = step_id(ts.from_), step_id(ts.to)
        if a == b:
            continue
        cond = _condition(ts.applies_when_case)
        key = (a, b, ts.limit, ts.unit, ts.kind, ts.counting, cond)
        if key in seen:
            continue
        seen.add(key)
        out.append(Rule(a, b, float(ts.limit), ts.unit, ts.kind, ts.counting,
                        tuple((lb.source, lb.provision) for lb in ts.legal_basis),
                        ts.confidence, ts.consequence, ts.applies_when, ts.window, cond,
                        describe_limit(ts),
                        "; ".join(f"{short.get(lb.source, lb.source)} {lb.provision}"
                                  for lb in ts.legal_basis), ref=len(sources)))
        sources.append(ts)
    return out, sources


#: The cycles an event log is checked for, as (the step whose every occurrence restarts
#: the clock, the FROM and TO of the flows' timescale that gives the limit). The numbers
#: come from the flows: a cycle whose timescale the flows lack is not checked (and is
#: listed as untracked). LAC reviews: reg 45(2)(c), "thereafter" within 6 months of the
#: previous review; each interim order lasts 22 days (CHSA 2011 s.86(3)); a CSO lapses a
#: year after it was made or last continued (s.83(7)).
CYCLE_SPECS: tuple[tuple[str, str, str], ...] = (
    ("lac_review", "lac_review_2", "lac_review"),
    ("icso_made", "icso_made", "further_icso_hearing"),
    ("cso_review_hearing", "cso_made", "cso_review_hearing"),
)
#: The cap on interim orders: ICSOs made by hearings may not run past this limit from
#: the first without the sheriff's extension (the flows' timescale FROM -> TO).
ICSO_CAP = ("icso_made", "icso_sheriff_extension")


def cycle_rules(rules: Sequence[Rule]) -> list[Rule]:
    """The event-log cycle rules: for each of :data:`CYCLE_SPECS` whose timescale is in
    ``rules``, a rule from the restarting step, marked ``cycle``."""
    out = []
    for restart, a, b in CYCLE_SPECS:
        for r in rules:
            if (r.from_, r.to) == (a, b) and not r.condition:
                out.append(replace(r, from_=restart, cycle=True,
                                   words=f"{r.words}, each time"))
    return out


def alternatives(rules: Sequence[Rule]) -> dict[tuple[str, str], list[int]]:
    """Rules that exclude each other: those of one FROM -> TO pair where any carries a
    condition on the case (``applies_when_case``). Of each group one applies: the
    conditional rule whose condition holds, else the unconditional one (the general rule);
    a conditional rule alone in its pair applies where its condition holds.
    """
    groups: dict[tuple[str, str], list[int]] = {}
    for k, r in enumerate(rules):
        if not r.cycle:
            groups.setdefault((r.from_, r.to), []).append(k)
    return {key: ks for key, ks in groups.items() if any(rules[k].condition for k in ks)}


def group_words(rules: Sequence[Rule], ks: Sequence[int]) -> str:
    """One group of alternatives in words: "6 weeks; 3 months if placement type is short
    term"."""
    default = [k for k in ks if not rules[k].condition]
    parts = [quantity(rules[k].limit, rules[k].unit) for k in default]
    ks = sorted(ks, key=lambda j: rules[j].limit * UNIT_DAYS[rules[j].unit])
    for k in ks:
        r = rules[k]
        if r.condition:
            when = " and ".join(f"{a.replace('_', ' ')} is "
                                f"{' or '.join(v.replace('_', ' ') for v in vs)}"
                                for a, vs in r.condition)
            parts.append(f"{quantity(r.limit, r.unit)} if {when}")
    return "; ".join(parts)


def moved_past(fs: FlowSet, rules: Sequence[Rule]) -> dict[str, tuple[str, ...]]:
    """For each rule, the steps whose date shows the case has gone past its TO step.

    Step C counts for rule A -> B when C can follow A, B can no longer follow C (not
    even through a repeat edge), and C and B are not on parallel tracks of the same
    concurrency section (where both happen). Once such a C is dated and B is not, B
    did not happen on this journey, or its date is missing: either way it is no longer
    "overdue", and the item is withheld with that reason.

    >>> from explorer.io.load import load_flows
    >>> fs = load_flows()
    >>> rules = [r for r in tracking_rules(fs) if r.key == "concern_raised->prebirth_cppm"]
    >>> "cppm" in moved_past(fs, rules)[rules[0].key]
    True
    """
    G = flow_graph(fs, "all")
    D = dag(G)
    after_dag = {n: nx.descendants(D, n) for n in D.nodes}
    after_any = {n: nx.descendants(G, n) for n in G.nodes}
    sections: list[set[str]] = []
    for p in (n for n, k in G.nodes(data="kind") if k == "parallel"):
        j = closing_join(D, p)
        if j is not None:
            sections.append(after_dag[p] & (nx.ancestors(D, j) | {j}))
    out: dict[str, tuple[str, ...]] = {}
    for rule in rules:
        a, b = rule.from_, rule.to
        if a not in G or b not in G:
            continue
        out[rule.key] = tuple(sorted(
            c for c in after_dag[a]
            if c != b and b not in after_any[c]
            and not any(c in sec and b in sec for sec in sections)))
    return out


def must_precede(fs: FlowSet, rules: Sequence[Rule]) -> frozenset[str]:
    """Keys of the rules whose FROM step is on every route to their TO step: where the
    TO step is dated, the FROM step must have happened and the clock must have run.

    >>> from explorer.io.load import load_flows
    >>> fs = load_flows("tests/fixtures/track")
    >>> "place_of_safety->grounds_hearing" in must_precede(fs, tracking_rules(fs))
    True
    """
    D = dag(flow_graph(fs, "all")).copy()
    root = ("__root__",)
    D.add_edges_from((root, n) for n in list(D.nodes) if D.in_degree(n) == 0)
    idom = nx.immediate_dominators(D, root)
    out = set()
    for rule in rules:
        node: Any = rule.to
        seen = set()
        while node in idom and node != root and node not in seen:
            seen.add(node)
            node = idom[node]
            if node == rule.from_:
                out.add(rule.key)
                break
    return frozenset(out)


def order_pairs(fs: FlowSet) -> list[tuple[str, str]]:
    """Pairs (A, B) of steps where B's date cannot be before A's.

    B is reachable from A in A's flow without repeat edges, and A is not recurring
    (not on a cycle through a repeat edge): a case passes A once, and B can only come
    after it. B may recur: its latest date is still after A. Links into other flows
    are not followed (the hand-over between flows is loose: a child may be looked
    after before a supervision order).
    """
    pairs: list[tuple[str, str]] = []
    for fid in sorted(fs.flows):
        G = flow_graph(fs, fid)
        recurring = _recurring(G)
        D = dag(G)
        local = {n for n in D.nodes if not G.nodes[n]["external"]}
        for a in sorted(local - recurring):
            pairs.extend((a, b) for b in sorted(nx.descendants(D, a)) if b in local)
    return pairs


def _recurring(G: nx.DiGraph) -> set[str]:
    return {n for comp in nx.strongly_connected_components(G) if len(comp) > 1
            for n in comp} | {u for u, v in G.edges if u == v}


def recurring_steps(fs: FlowSet) -> set[str]:
    """Steps on a cycle through a repeat edge (reviews, review hearings)."""
    out: set[str] = set()
    for fid in fs.flows:
        out |= _recurring(flow_graph(fs, fid))
    return out


# -- tracking -----------------------------------------------------------------------------


@dataclass
class TrackResult:
    """Deadlines of every case, one row an item, and the contradictions found.

    ``items`` columns: case_id, from, to, kind, limit, unit, counting, from_date,
    to_date, due, status, days_late, days_early, taken_days, allowed_days, withheld,
    legal_basis, rule (index into ``rules``). ``contradictions`` columns: case_id,
    earlier, later, earlier_date, later_date.
    """

    as_of: dt.date
    due_soon_days: int
    items: pd.DataFrame
    contradictions: pd.DataFrame
    rules: list[Rule]
    untracked: list[tuple[Rule, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Items by status (withheld items apart)."""
        vc = self.items["status"].value_counts()
        return {s: int(vc.get(s, 0)) for s in (*STATUSES, WITHHELD)}

    def to_frame(self) -> pd.DataFrame:
        """The items as a flat table, dates as ISO text: :func:`report_frame`."""
        return report_frame(self)


ITEM_COLUMNS = ["case_id", "from", "to", "kind", "limit", "unit", "counting", "from_date",
                "to_date", "due", "status", "days_late", "days_early", "taken_days",
                "allowed_days", "withheld", "withheld_reason", "note", "legal_basis",
                "provision", "rule_text", "rule"]


def _days(a: np.ndarray) -> np.ndarray:
    return a.astype("datetime64[D]")


class _Events:
    """Every event of a log, by step, for "the first occurrence on or after this day"."""

    OFFSET = 200_000  # days; keeps keys positive for any date the calendar accepts
    SPAN = 1_000_000

    def __init__(self, events: pd.DataFrame, ids: np.ndarray) -> None:
        case = pd.Index(ids).get_indexer(events["case_id"].to_numpy(dtype=object))
        day = events["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
        key = case.astype(np.int64) * self.SPAN + day + self.OFFSET
        ok = case >= 0
        self.by_step: dict[str, np.ndarray] = {}
        for step, keys in pd.Series(key[ok]).groupby(events["step"].to_numpy()[ok]):
            self.by_step[str(step)] = np.sort(keys.to_numpy())

    def _key(self, case: np.ndarray, day: np.ndarray) -> np.ndarray:
        return case.astype(np.int64) * self.SPAN + _days(day).astype(np.int64) + self.OFFSET

    def next(self, steps: Sequence[str], case: np.ndarray, day: np.ndarray, *,
             strict: bool) -> np.ndarray:
        """For each (case, day), the first date of any of ``steps`` on (or, ``strict``,
        after) that day, NaT where there is none."""
        best = np.full(len(case), np.iinfo(np.int64).max)
        q = self._key(case, day) + (1 if strict else 0)
        for step in steps:
            keys = self.by_step.get(step)
            if keys is None or not len(keys):
                continue
            i = np.searchsorted(keys, q, side="left")
            found = i < len(keys)
            hit = np.where(found, keys[np.minimum(i, len(keys) - 1)], 0)
            same = found & (hit // self.SPAN == case)
            best = np.where(same & (hit < best), hit, best)
        out = np.full(len(case), _NAT)
        got = best != np.iinfo(np.int64).max
        out[got] = (best[got] % self.SPAN - self.OFFSET).astype("datetime64[D]")
        return out

    def occurrences(self, step: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every occurrence of ``step``: case numbers, dates, and its rank in the case."""
        keys = self.by_step.get(step, np.empty(0, dtype=np.int64))
        case = keys // self.SPAN
        day = (keys % self.SPAN - self.OFFSET).astype("datetime64[D]")
        first = np.r_[True, case[1:] != case[:-1]] if len(case) else np.empty(0, dtype=bool)
        starts = np.maximum.accumulate(np.where(first, np.arange(len(case)), 0)) \
            if len(case) else np.empty(0, dtype=np.int64)
        return case, day, np.arange(len(case)) - starts


class _Items:
    """Columns gathered rule by rule as numpy arrays (text as codes), one frame at the end:
    building text columns item by item is slow."""

    NAMES = ("case", "rule", "start", "end", "due", "status", "late", "early", "reason",
             "note", "alt")

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {c: [] for c in self.NAMES}
        self.reasons = ["", "the dates of these steps contradict the flow's order"]
        self.notes = [""]
        self._codes: dict[tuple[int, str], int] = {}

    def _code(self, table: list[str], which: int, text: str) -> int:
        key = (which, text)
        if key not in self._codes:
            if text in table:  # the two texts every table starts with
                self._codes[key] = table.index(text)
            else:
                table.append(text)
                self._codes[key] = len(table) - 1
        return self._codes[key]

    def reason(self, text: str) -> int:
        return self._code(self.reasons, 0, text)

    def note(self, text: str) -> int:
        return self._code(self.notes, 1, text)

    def add(self, **cols: np.ndarray) -> None:
        n = len(cols["case"])
        for name in self.NAMES:
            v = cols.get(name)
            if v is None:
                v = np.zeros(n, dtype=np.int64)
            self.parts[name].append(np.asarray(v))

    def concat(self) -> dict[str, np.ndarray]:
        if not self.parts["case"]:
            out = {name: np.empty(0, dtype=np.int64) for name in self.NAMES}
            out.update({n: np.empty(0, dtype="datetime64[D]") for n in ("start", "end", "due")})
            return out
        return {name: np.concatenate(arrs) for name, arrs in self.parts.items()}


@dataclass
class _Status:
    code: dict[str, int]
    today: np.datetime64
    due_soon_days: int

    def of(self, rule: Rule, start: np.ndarray, end: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Due dates, statuses, days late, days early and days past due of one rule."""
        code = self.code
        if rule.minimum:
            due = earliest_dates(start, rule.limit, rule.unit, rule.counting)
        else:
            due = due_dates(start, rule.limit, rule.unit, rule.counting)
        happened = ~np.isnat(end)
        late = np.where(happened, (end - due).astype(np.int64), 0)
        overdue_by = (self.today - due).astype(np.int64)
        if rule.minimum:
            status = np.where(happened, np.where(end < due, code["too_early"], code["met"]),
                              code["pending"])
        else:
            early = happened & (end < due) if rule.fixed else np.zeros_like(happened)
            soon = ~happened & (overdue_by <= 0) & (-overdue_by <= self.due_soon_days)
            status = np.select(
                [early, happened & (late <= 0), happened, ~happened & (overdue_by > 0), soon],
                [code["too_early"], code["met"], code["missed"], code["overdue"],
                 code["due_soon"]], code["pending"])
        days_late = np.where(status == code["missed"], late,
                             np.where(status == code["overdue"], overdue_by, 0))
        days_early = np.where(status == code["too_early"], (due - end).astype(np.int64), 0)
        return due, status, days_late, days_early, overdue_by


@quiet_gc()
def track(caseload: Caseload, rules: Sequence[Rule], *, as_of: dt.date,
          due_soon_days: int = 14, pairs: Iterable[tuple[str, str]] = (),
          recurring: Collection[str] = (),
          past: Mapping[str, Sequence[str]] | None = None,
          precede: Collection[str] = ()) -> TrackResult:
    """Every case's deadlines at ``as_of``, vectorised over cases for each rule.

    ``pairs`` (from :func:`order_pairs`) are the orderings to check. In a wide sheet a
    TO date before the FROM date of a pair not checked belongs to an earlier round of a
    recurring step and counts as not yet happened; ``recurring`` steps (normally
    :data:`LATEST_DATE_STEPS`) hold their latest date, so where a rule's TO is one and
    that date is after the due date the item is withheld (an earlier round may have
    been in time). An event log knows every round: each clock is closed by the first
    TO event on or after its FROM date, and the cycles of :data:`CYCLE_SPECS` and the
    cap on interim orders are checked event by event.

    ``past`` (from :func:`moved_past`) names, for each rule, the steps whose date shows
    the case went past its TO step: such an item is withheld, not overdue. A window
    rule (an appeal period) that passed unused is withheld too. A rule whose TO step has
    no column (or no event anywhere in a log) is still computed from a known FROM date:
    ``not_recorded``, with its due date; so is a rule of ``precede`` (from
    :func:`must_precede`) whose TO step is dated and whose FROM step has no column. Of
    rules that exclude each other
    (:func:`alternatives`) a case gets one item.
    """
    if due_soon_days < 0:
        raise ValueError("due_soon_days must be 0 or more")
    D = caseload.dates
    cols = list(D.columns)
    index = {c: i for i, c in enumerate(cols)}
    grid = _days(D.to_numpy(dtype="datetime64[s]")) if cols else \
        np.empty((len(D), 0), dtype="datetime64[D]")
    ids = D.index.to_numpy(dtype=object)
    today = np.datetime64(as_of, "D")

    def mask(frame: pd.DataFrame | None) -> np.ndarray:
        if frame is None or not cols:
            return np.zeros(grid.shape, dtype=bool)
        return frame.reindex(index=D.index, columns=cols).fillna(False).to_numpy(dtype=bool)

    na, unread = mask(caseload.not_applicable), mask(caseload.bad_cells)
    log = _Events(caseload.events, ids) if caseload.events is not None else None
    rules = list(rules)
    if log is not None:
        rules += cycle_rules(rules)

    # Contradictions: B after A in the flow, yet dated before it.
    check = [(a, b) for a, b in pairs if a in index and b in index]
    contra_frames = []
    bad_cell = np.zeros(grid.shape, dtype=bool)
    if check and len(D):
        ia = np.array([index[a] for a, _ in check])
        ib = np.array([index[b] for _, b in check])
        A, B = grid[:, ia], grid[:, ib]
        hit = ~np.isnat(A) & ~np.isnat(B) & (B < A)
        if hit.any():
            r, p = np.nonzero(hit)
            np.logical_or.at(bad_cell, (r, ia[p]), True)
            np.logical_or.at(bad_cell, (r, ib[p]), True)
            contra_frames.append(pd.DataFrame({
                "case_id": ids[r], "earlier": [check[k][0] for k in p],
                "later": [check[k][1] for k in p],
                "earlier_date": A[r, p].astype("datetime64[s]"),
                "later_date": B[r, p].astype("datetime64[s]")}))
    contradictions = (pd.concat(contra_frames, ignore_index=True) if contra_frames else
                      pd.DataFrame(columns=["case_id", "earlier", "later", "earlier_date",
                                            "later_date"]))
    checked = set(check)
    status_names = [*STATUSES, WITHHELD]
    code = {s: i for i, s in enumerate(status_names)}
    judge = _Status(code, today, due_soon_days)
    out = _Items()
    untracked: list[tuple[Rule, str]] = []
    case_no = np.arange(len(ids))
    attrs = caseload.attributes if caseload.attributes is not None else pd.DataFrame(index=D.index)
    alt_of = {k: ks for ks in alternatives(rules).values() for k in ks}

    tracker = _Tracker(grid, index, na, unread, bad_cell, checked, log, judge, out, untracked,
                       case_no, recurring, precede, past or {})
    for k, rule in enumerate(rules):
        tracker.rule(k, rule)
    cat = out.concat()
    cat = _choose_alternatives(cat, rules, alt_of, attrs, ids, code, out)
    order = np.lexsort((cat["rule"], cat["due"], cat["case"]))
    cat = {name: arr[order] for name, arr in cat.items()}
    items = _frame(cat, rules, ids, today, status_names, out)
    return TrackResult(as_of, due_soon_days, items, contradictions, rules, untracked)


@dataclass
class _Tracker:
    """The state one :func:`track` call shares between its rules."""

    grid: np.ndarray
    index: dict[str, int]
    na: np.ndarray
    unread: np.ndarray
    bad_cell: np.ndarray
    checked: set[tuple[str, str]]
    log: _Events | None
    judge: _Status
    out: _Items
    untracked: list[tuple[Rule, str]]
    case_no: np.ndarray
    recurring: Collection[str]
    precede: Collection[str]
    past: Mapping[str, Sequence[str]]

    @property
    def code(self) -> dict[str, int]:
        return self.judge.code

    @property
    def noun(self) -> str:
        """What a file lacks when a step is not in it: a column, or (a log) any event."""
        return "event of" if self.log is not None else "column"

    def went_past(self, rule: Rule, rows: np.ndarray, start: np.ndarray) -> np.ndarray:
        """Whether a later step shows each case has gone past the rule's TO step."""
        later = [self.index[c] for c in self.past.get(rule.key, ()) if c in self.index]
        if not later:
            return np.zeros(len(rows), dtype=bool)
        after = self.grid[rows][:, later]
        return (~np.isnat(after) & (after >= start[:, None])).any(axis=1)

    def rule(self, k: int, rule: Rule) -> None:
        """Gather the items of rule ``k`` for every case."""
        if rule.cycle:
            _cycle_items(k, rule, self.log, self.judge, self.out, self.went_past, self.index,
                         self.untracked)
            return
        if self.log is not None and (rule.from_, rule.from_, rule.to) in CYCLE_SPECS:
            return  # each round is timed by the cycle rule instead
        have_from, have_to = rule.from_ in self.index, rule.to in self.index
        if not have_from and not have_to:
            self.untracked.append((rule, f"no column '{rule.from_}' or '{rule.to}'"))
            return
        if not have_from:
            # The TO step is dated but the sheet has no FROM column: the clock must have
            # run, and nothing can say whether it was kept.
            if rule.minimum or rule.window or rule.key not in self.precede:
                self.untracked.append((rule, f"no column '{rule.from_}'"))
                return
            fb = self.index[rule.to]
            has = ~np.isnat(self.grid[:, fb])
            if has.any():
                n = int(has.sum())
                why = self.out.note(f"the file has no {self.noun} '{rule.from_}', where this "
                                    "clock starts")
                self.out.add(case=self.case_no[has], rule=np.full(n, k),
                             start=np.full(n, _NAT), end=self.grid[has, fb],
                             due=np.full(n, _NAT), status=np.full(n, self.code["not_recorded"]),
                             note=np.full(n, why))
            return
        fa = self.index[rule.from_]
        start_all = self.grid[:, fa]
        lost = self.unread[:, fa] & np.isnat(start_all)
        if have_to:
            lost &= ~self.na[:, self.index[rule.to]]
        if lost.any():  # the FROM cell could not be read: say which deadline needed it
            n = int(lost.sum())
            why = self.out.reason(f"the date in column '{rule.from_}' could not be read (see "
                                  "the problems)")
            self.out.add(case=self.case_no[lost], rule=np.full(n, k), start=np.full(n, _NAT),
                         end=np.full(n, _NAT), due=np.full(n, _NAT),
                         status=np.full(n, self.code[WITHHELD]), reason=np.full(n, why))
        if not have_to:
            if rule.minimum:
                self.untracked.append((rule, f"no column '{rule.to}'"))
                return
            has = ~np.isnat(start_all)
        else:
            has = ~np.isnat(start_all) & ~self.na[:, self.index[rule.to]]
        if not has.any():
            return
        rows = self.case_no[has]
        start = start_all[has]
        if not have_to:
            end = np.full(len(start), _NAT)
        elif self.log is not None:
            end = self.log.next([rule.to], rows, start, strict=False)
        else:
            end = self.grid[has, self.index[rule.to]].copy()
            if (rule.from_, rule.to) not in self.checked:
                # A TO date before FROM is from an earlier round of a recurring step.
                end[~np.isnat(end) & (end < start)] = _NAT
        due, status, days_late, days_early, overdue_by = self.judge.of(rule, start, end)
        happened = ~np.isnat(end)
        reason = np.zeros(len(start), dtype=np.int64)
        note = np.zeros(len(start), dtype=np.int64)
        if have_to:
            fb = self.index[rule.to]
            contradicted = self.bad_cell[has, fa] | self.bad_cell[has, fb]
            reason[contradicted] = 1
            to_lost = self.unread[has, fb] & ~happened
            reason[to_lost & (reason == 0)] = self.out.reason(
                f"the date in column '{rule.to}' could not be read (see the problems)")
            if rule.to in self.recurring and self.log is None:
                unknowable = happened & (end > due) & (reason == 0)
                reason[unknowable] = self.out.reason(
                    f"'{rule.to}' recurs and only its latest date is known: an earlier "
                    "round may have been in time")
        else:
            status = np.where(rule.minimum, status, self.code["not_recorded"])
            days_late = np.where(overdue_by > 0, overdue_by, 0)
            note[:] = self.out.note(f"the file has no {self.noun} '{rule.to}': whether it happened "
                               "in time cannot be told")
        open_ = ~happened & (reason == 0)
        gone = self.went_past(rule, rows, start) & open_
        reason[gone] = self.out.reason(f"the case has gone past '{rule.to}' (a later step is "
                                  "dated): it did not happen on this journey, or its date "
                                  "is missing")
        if rule.window:
            closed = open_ & ((overdue_by > 0) | (not have_to)) & (reason == 0)
            reason[closed] = self.out.reason(f"the window for '{rule.to}' closed unused or is "
                                        "not recorded: it is a right, not a duty")
        if self.log is not None and (rule.from_, rule.to) == ICSO_CAP:
            _icso_cap(self.log, rows, start, due, end, status, days_late, note, self.code, self.out,
                      self.index)
        status = np.where(reason > 0, self.code[WITHHELD], status)
        self.out.add(case=rows, rule=np.full(len(start), k), start=start, end=end, due=due,
                status=status, late=days_late, early=days_early, reason=reason, note=note)


def _cycle_items(k: int, rule: Rule, log: _Events | None, judge: _Status, out: _Items,
                 went_past: Any, index: Mapping[str, int],
                 untracked: list[tuple[Rule, str]]) -> None:
    """Each round of an event log's cycle: from every occurrence of the restarting step
    to the next occurrence of it or of the rule's TO step. (Where the restarting step is
    the rule's FROM, the cycle replaces the flows' own rule; where it is the TO, the
    flows' rule still times the first round.)"""
    if log is None:
        return
    restart = rule.from_
    case, day, _ = log.occurrences(restart)
    spec = next((a, b) for r, a, b in CYCLE_SPECS if r == restart)
    if not len(case):
        untracked.append((rule, f"no event '{restart}'"))
        return
    case, start = case.astype(np.int64), day
    closes = [rule.to] if rule.to == restart else [rule.to, restart]
    end = log.next(closes, case, start, strict=True)
    due, status, late, early, _ = judge.of(rule, start, end)
    reason = np.zeros(len(case), dtype=np.int64)
    orig = replace(rule, from_=spec[0], cycle=False)
    gone = went_past(orig, case, start) & np.isnat(end)
    reason[gone] = out.reason(f"the case has gone past '{rule.to}' (a later step is dated): "
                              "the cycle has ended")
    status = np.where(reason > 0, judge.code[WITHHELD], status)
    out.add(case=case, rule=np.full(len(case), k), start=start, end=end, due=due,
            status=status, late=late, early=early, reason=reason)


def _icso_cap(log: _Events, rows: np.ndarray, start: np.ndarray, due: np.ndarray,
              end: np.ndarray, status: np.ndarray, days_late: np.ndarray, note: np.ndarray,
              code: Mapping[str, int], out: _Items, index: Mapping[str, int]) -> None:
    """The cap on interim orders, event by event: an ICSO made after the cap's day with
    no extension by the sheriff before it broke the cap."""
    first = ICSO_CAP[0]
    after = log.next([first], rows, due, strict=True)
    broke = ~np.isnat(after) & (np.isnat(end) | (end > after))
    if broke.any():
        status[broke] = code["missed"]
        days_late[broke] = (after[broke] - due[broke]).astype(np.int64)
        for i in np.nonzero(broke)[0].tolist():
            note[i] = out.note(f"an interim order was made on {np.datetime_as_string(after[i])}"
                               ", after the cap, with no extension by the sheriff recorded "
                               "before it")


def _choose_alternatives(cat: dict[str, np.ndarray], rules: Sequence[Rule],
                         alt_of: Mapping[int, Sequence[int]], attrs: pd.DataFrame,
                         ids: np.ndarray, code: Mapping[str, int], out: _Items
                         ) -> dict[str, np.ndarray]:
    """Of each group of rules that exclude each other, keep one item a case: the rule
    that applies where the case's attributes say, else one item for the general rule
    that says which rule applies when (and whether the answer depends on it)."""
    if not alt_of or not len(cat["case"]):
        return cat
    n_cases = len(ids)
    keep = np.ones(len(cat["case"]), dtype=bool)
    alt = np.zeros(len(cat["case"]), dtype=np.int64)
    done: set[int] = set()
    for k, ks in alt_of.items():
        if k in done:
            continue
        done.update(ks)
        conds = [j for j in ks if rules[j].condition]
        # The general rule; where every rule has a condition, the strictest (the
        # earliest due), so that a case whose attribute is not given is never let off.
        default = next((j for j in ks if not rules[j].condition),
                       min(ks, key=lambda j: rules[j].limit * UNIT_DAYS[rules[j].unit]))
        keys = sorted({a for j in conds for a, _ in rules[j].condition})
        given = np.ones(n_cases, dtype=bool)
        for a in keys:
            col = attrs[a].to_numpy(dtype=object) if a in attrs.columns else \
                np.full(n_cases, "", dtype=object)
            given &= (col != "") & pd.notna(col)
        match = {}
        for j in conds:
            m = given.copy()
            for a, vs in rules[j].condition:
                col = attrs[a].to_numpy(dtype=object) if a in attrs.columns else \
                    np.full(n_cases, "", dtype=object)
                m &= np.isin(col, list(vs))
            match[j] = m
        any_match = np.zeros(n_cases, dtype=bool)
        for m in match.values():
            any_match |= m
        applies = {j: match[j] if j in match else (given & ~any_match) for j in ks}
        applies[default] = applies[default] | ~given
        words = out.note("which rule applies: " + group_words(rules, ks))
        depends = out.note("which rule applies: " + group_words(rules, ks) + "; the status "
                           "depends on it: give " + " and ".join(keys) + " as a column")
        # Where a case's attributes are not given, compare the alternatives' statuses.
        st = {j: np.full(n_cases, -1, dtype=np.int64) for j in ks}
        for j in ks:
            sel = cat["rule"] == j
            st[j][cat["case"][sel]] = cat["status"][sel]
        differ = np.zeros(n_cases, dtype=bool)
        for j in ks:
            differ |= (st[j] != st[default]) & (st[j] >= 0)
        for j in ks:
            sel = np.nonzero(cat["rule"] == j)[0]
            cases = cat["case"][sel]
            keep[sel[~applies[j][cases]]] = False
            if j == default:
                unknown = sel[~given[cases]]
                alt[unknown] = np.where(differ[cat["case"][unknown]], depends, words)
    cat["note"] = np.where(alt > 0, alt, cat["note"])
    return {name: arr[keep] for name, arr in cat.items()}


def _frame(cat: dict[str, np.ndarray], rules: Sequence[Rule], ids: np.ndarray,
           today: np.datetime64, status_names: list[str], out: _Items) -> pd.DataFrame:
    r = cat["rule"].astype(np.int64)

    def per_rule(values: list[Any]) -> pd.Categorical:
        uniq = list(dict.fromkeys(values))
        where = {v: i for i, v in enumerate(uniq)}
        codes = np.array([where[v] for v in values], dtype=np.int64)
        return pd.Categorical.from_codes(codes[r] if len(r) else r, categories=uniq)

    rule_list = list(rules)
    stop = np.where(np.isnat(cat["end"]), today, cat["end"])
    return pd.DataFrame({
        "case_id": pd.Categorical.from_codes(cat["case"].astype(np.int64),
                                             categories=pd.Index(list(ids), dtype=object)),
        "from": per_rule([x.from_ for x in rule_list] or [""]),
        "to": per_rule([x.to for x in rule_list] or [""]),
        "kind": per_rule([x.kind for x in rule_list] or [""]),
        "limit": np.array([x.limit for x in rule_list] or [0.0])[r],
        "unit": per_rule([x.unit for x in rule_list] or [""]),
        "counting": per_rule([x.counting for x in rule_list] or [""]),
        "from_date": cat["start"].astype("datetime64[s]"),
        "to_date": cat["end"].astype("datetime64[s]"),
        "due": cat["due"].astype("datetime64[s]"),
        "status": pd.Categorical.from_codes(cat["status"].astype(np.int64),
                                            categories=status_names),
        "days_late": cat["late"].astype(np.int64),
        "days_early": cat["early"].astype(np.int64),
        "taken_days": (stop - cat["start"]).astype(np.int64),
        "allowed_days": (cat["due"] - cat["start"]).astype(np.int64),
        "withheld": cat["reason"] > 0,
        "withheld_reason": pd.Categorical.from_codes(cat["reason"].astype(np.int64),
                                                     categories=out.reasons),
        "note": pd.Categorical.from_codes(cat["note"].astype(np.int64), categories=out.notes),
        "legal_basis": per_rule(["; ".join(f"{a} {b}" for a, b in x.legal_basis)
                                 for x in rule_list] or [""]),
        "provision": per_rule([x.provision for x in rule_list] or [""]),
        "rule_text": per_rule([x.words for x in rule_list] or [""]),
        "rule": r,
    })


@quiet_gc()
def track_caseload(fs: FlowSet, data: bytes | str, *, as_of: dt.date, due_soon_days: int = 14,
                   max_bytes: int = MAX_UPLOAD_BYTES, filename: str = "caseload.csv",
                   sheet: str | None = None) -> tuple[Caseload, TrackResult]:
    """Read a caseload (CSV or XLSX, wide or an event log) and track it against every
    flow of ``fs``: the one call callers need."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    load = read_any(raw, as_of=as_of, filename=filename, fs=fs, sheet=sheet,
                    max_bytes=max_bytes)
    return load, track_against(fs, load, as_of=as_of, due_soon_days=due_soon_days)


@dataclass(frozen=True)
class TrackingPlan:
    """What tracking needs from the flows, worked out once for any number of caseloads."""

    rules: list[Rule]
    pairs: list[tuple[str, str]]
    past: dict[str, tuple[str, ...]]
    precede: frozenset[str] = frozenset()


def tracking_plan(fs: FlowSet) -> TrackingPlan:
    """The rules, order checks and gone-past steps of ``fs`` (graph work: reuse it)."""
    rules = tracking_rules(fs)
    every = rules + cycle_rules(rules)
    return TrackingPlan(rules, order_pairs(fs), moved_past(fs, every), must_precede(fs, rules))


def track_against(fs: FlowSet, load: Caseload, *, as_of: dt.date, due_soon_days: int = 14,
                  plan: TrackingPlan | None = None) -> TrackResult:
    """Track a read caseload against every rule of ``fs``, with the flows' order checks."""
    plan = plan or tracking_plan(fs)
    return track(load, plan.rules, as_of=as_of, due_soon_days=due_soon_days,
                 pairs=plan.pairs, recurring=LATEST_DATE_STEPS, past=plan.past,
                 precede=plan.precede)


# -- output -------------------------------------------------------------------------------


def _date_or_none(v: Any) -> str | None:
    if v is None or pd.isna(v):
        return None
    return pd.Timestamp(v).date().isoformat()


@_quiet_gc()
def to_json(caseload: Caseload, result: TrackResult) -> dict[str, Any]:
    """The ``track --json`` shape of design.md section 5, with extra fields.

    ``{"as_of", "cases": [{"case_id", "items": [{"from", "to", "due", "status",
    "days_late", "legal_basis", ...}], "withheld", "contradictions"}], "problems", ...}``
    """
    rules = result.rules
    by_case: dict[str, dict[str, Any]] = {}
    for cid, row in zip(caseload.dates.index, caseload.rows.tolist(), strict=True):
        by_case[str(cid)] = {"case_id": str(cid), "row": int(row),
                             "items": [], "withheld": [], "contradictions": []}
    it = result.items
    if len(it):
        def iso(col: str) -> list[str | None]:
            arr = it[col].to_numpy(dtype="datetime64[D]")
            txt = np.datetime_as_string(arr, unit="D").astype(object)
            txt[np.isnat(arr)] = None
            return txt.tolist()

        # The fields every item of a rule shares are built once per rule.
        static = [{"from": x.from_, "to": x.to, "kind": x.kind,
                   "limit": int(x.limit) if x.limit.is_integer() else x.limit,
                   "unit": x.unit, "counting": x.counting, "confidence": x.confidence,
                   "rule": x.provision, "rule_text": x.words,
                   **({"applies_when": x.applies_when} if x.applies_when else {}),
                   **({"applies_when_case": {a: list(v) for a, v in x.condition}}
                      if x.condition else {}),
                   **({"cycle": True} if x.cycle else {})}
                  for x in rules]
        # Shared, read-only: a caseload repeats each rule's citations thousands of times.
        bases = [[{"source": a, "provision": b} for a, b in x.legal_basis] for x in rules]
        recs = zip(it["case_id"].astype(str).tolist(), it["rule"].tolist(),
                   it["status"].astype(str).tolist(), iso("due"), iso("to_date"),
                   iso("from_date"), it["days_late"].tolist(), it["days_early"].tolist(),
                   it["withheld_reason"].astype(str).tolist(), it["note"].astype(str).tolist(),
                   strict=True)
        for cid, k, status, due, to_date, from_date, late, early, why, note in recs:
            item = {"from": static[k]["from"], "to": static[k]["to"], "due": due,
                    "status": status, "days_late": late,
                    "legal_basis": bases[k], **static[k],
                    "from_date": from_date, "to_date": to_date, "days_early": early}
            if note:
                item["note"] = note
            case = by_case[cid]
            if status == WITHHELD:
                del item["status"]
                item["reason"] = why
                case["withheld"].append(item)
            else:
                case["items"].append(item)
    for rec in result.contradictions.itertuples(index=False):
        by_case[str(rec.case_id)]["contradictions"].append({
            "earlier": rec.earlier, "later": rec.later,
            "earlier_date": _date_or_none(rec.earlier_date),
            "later_date": _date_or_none(rec.later_date),
            "message": f"{rec.later} ({_date_or_none(rec.later_date)}) is dated before "
                       f"{rec.earlier} ({_date_or_none(rec.earlier_date)}), which comes "
                       "first in the flow: check both dates"})
    counts = result.counts()
    return {
        "as_of": result.as_of.isoformat(),
        "due_soon_days": result.due_soon_days,
        "summary": {"cases": len(by_case), "rows_read": caseload.rows_read,
                    "rows_skipped": len(caseload.skipped_rows),
                    "by_status": {s: counts[s] for s in STATUSES},
                    "withheld": counts[WITHHELD],
                    "contradictions": len(result.contradictions)},
        "cases": list(by_case.values()),
        "problems": [p.as_dict() for p in caseload.problems],
        "untracked": [{"from": r.from_, "to": r.to, "reason": why}
                      for r, why in result.untracked],
    }


REPORT_COLUMNS = ["case_id", "from", "to", "kind", "limit", "unit", "from_date", "to_date",
                  "due", "status", "withheld_reason", "note", "days_late", "days_early",
                  "rule", "rule_text", "legal_basis"]


def report_frame(result: TrackResult) -> pd.DataFrame:
    """The items as a flat table for a report (dates as ISO text, empty where unknown)."""
    it = result.items
    if not len(it):
        return pd.DataFrame(columns=REPORT_COLUMNS)

    def day(col: str) -> pd.Series:
        return it[col].dt.strftime("%Y-%m-%d").fillna("")

    return pd.DataFrame({
        "case_id": it["case_id"].astype(str), "from": it["from"], "to": it["to"],
        "kind": it["kind"], "limit": it["limit"], "unit": it["unit"],
        "from_date": day("from_date"), "to_date": day("to_date"), "due": day("due"),
        "status": it["status"], "withheld_reason": it["withheld_reason"],
        "note": it["note"], "days_late": it["days_late"], "days_early": it["days_early"],
        "rule": it["provision"], "rule_text": it["rule_text"],
        "legal_basis": it["legal_basis"]})[REPORT_COLUMNS]


def report_xlsx(caseload: Caseload, result: TrackResult,
                names: Mapping[str, str] | None = None) -> bytes:
    """The report as a formatted workbook: sheets Overdue (most overdue first), Not in
    your sheet, All items and Problems; frozen bold headers; dates as Excel dates; every
    text cell neutralised. Steps are shown by name where ``names`` gives one.

    >>> import datetime as dt
    >>> from explorer.io.load import load_flows
    >>> fs = load_flows("tests/fixtures/track")
    >>> load, res = track_caseload(fs, b"case_id,place_of_safety\\nC1,2026-01-30\\n",
    ...                            as_of=dt.date(2026, 3, 1))
    >>> report_xlsx(load, res)[:2]
    b'PK'
    """
    from explorer.cases.workbook import report_workbook

    names = names or {}
    it = result.items
    head = ["Case", "From", "To", "Status", "Due", "Days late", "From date", "To date",
            "Rule", "Provision", "Note", "Not counted because"]

    def rows(frame: pd.DataFrame) -> list[list[Any]]:
        out: list[list[Any]] = [head]
        cols = [frame[c].astype(str).tolist() for c in
                ("case_id", "from", "to", "status", "rule_text", "provision", "note",
                 "withheld_reason")]
        dates = [[None if pd.isna(v) else pd.Timestamp(v).date() for v in frame[c]]
                 for c in ("due", "from_date", "to_date")]
        for i, late in enumerate(frame["days_late"].tolist()):
            out.append([cols[0][i], names.get(cols[1][i], cols[1][i]),
                        names.get(cols[2][i], cols[2][i]), cols[3][i], dates[0][i], late,
                        dates[1][i], dates[2][i], cols[4][i], cols[5][i], cols[6][i],
                        cols[7][i]])
        return out

    status = it["status"].astype(str) if len(it) else pd.Series([], dtype=str)
    overdue = it[status == "overdue"].sort_values("days_late", ascending=False)
    missing = it[status == "not_recorded"].sort_values("due")
    problems = [["Row", "Line", "Column", "Case", "Problem"]] + [
        [p.row, p.line, p.column, p.case_id, p.message] for p in caseload.problems]
    return report_workbook({"Overdue": rows(overdue), "Not in your sheet": rows(missing),
                            "All items": rows(it), "Problems": problems})


def report_csv(result: TrackResult) -> str:
    """The downloadable report: one row an item, every text cell formula-neutralised."""
    return csv_text(report_frame(result))


def problems_csv(caseload: Caseload) -> str:
    """The input problems as a table (row, line, column, case_id, problem), neutralised."""
    frame = pd.DataFrame([p.as_dict() for p in caseload.problems],
                         columns=["row", "line", "column", "case_id", "message", "fatal"])
    return csv_text(frame.drop(columns=["fatal"]).rename(columns={"message": "problem"}))

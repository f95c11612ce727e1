"""Cases and caseloads against the flows' timescales.

A caseload is one row a case: a pseudonymous ``case_id`` and one column a milestone
(the canonical ids of :mod:`explorer.model.milestones`, or any other step id of the flows),
each cell a date in ISO ``2026-01-31`` or Scottish ``31/01/2026`` form, empty where
the step has not happened, or ``n/a`` where it will not happen for this child (a
proof when the grounds were accepted): deadlines into or out of an ``n/a`` step are
left out instead of showing as overdue. Each cell is the first date of its step,
except the steps of :data:`LATEST_DATE_STEPS` (later LAC reviews, CSO review
hearings, review CPPMs), which recur by design and hold the most recent date.

For every current timescale with a number whose FROM date is known, :func:`track`
gives the due date and a status:

``met``        happened in time (or, for a minimum, not before the earliest day);
``missed``     happened, but late;
``overdue``    not happened, and the due date has passed;
``due_soon``   not happened, due within ``due_soon_days`` of the as-of date;
``pending``    not happened, not yet due (or a minimum still to come);
``too_early``  a statutory minimum broken (an adoption order before 13 weeks with the
               adopters), or a fixed-day step held before its day.

Two kinds of item are withheld rather than called overdue: a window that passed
unused (an appeal period: a right, not a duty), and a step the case has gone past
(a later step on another branch is dated, so the step did not happen on this journey
or its date is missing).

Dates that contradict a flow's order (step B follows step A on every route, yet B's
date is before A's) are reported as contradictions, and the deadlines that use
either date are withheld rather than computed from a date that must be wrong.

Everything runs in memory: nothing is written to disk or logged. A caseload is
processed column pair by column pair across all cases at once (numpy), never case
by case.

>>> import datetime as dt
>>> from explorer.io.load import load_flows
>>> fs = load_flows("tests/fixtures/track")
>>> csv = b"case_id,place_of_safety,grounds_hearing\\nEX-1,2026-01-30,\\n"
>>> load = read_caseload(csv, as_of=dt.date(2026, 2, 9))
>>> res = track(load, tracking_rules(fs), as_of=dt.date(2026, 2, 9))
>>> res.items.loc[0, ["from", "to", "status"]].tolist()
['place_of_safety', 'grounds_hearing', 'due_soon']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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

    @property
    def key(self) -> str:
        return f"{self.from_}->{self.to}"

    @property
    def minimum(self) -> bool:
        return self.kind == "statutory_min"

    @property
    def fixed(self) -> bool:
        return self.kind == "statutory_fixed"


def tracking_rules(fs: FlowSet) -> list[Rule]:
    """Every current timescale with a limit, across all flows, in the flows' order."""
    G = flow_graph(fs, "all")
    out: list[Rule] = []
    seen: set[tuple[Any, ...]] = set()
    for ts in G.graph["timescales"]:
        if ts.status != "current" or ts.limit is None or ts.unit is None:
            continue
        a, b = step_id(ts.from_), step_id(ts.to)
        if a == b:
            continue
        key = (a, b, ts.limit, ts.unit, ts.kind, ts.counting)
        if key in seen:
            continue
        seen.add(key)
        out.append(Rule(a, b, float(ts.limit), ts.unit, ts.kind, ts.counting,
                        tuple((lb.source, lb.provision) for lb in ts.legal_basis),
                        ts.confidence, ts.consequence, ts.applies_when, ts.window))
    return out


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
                "allowed_days", "withheld", "withheld_reason", "legal_basis", "rule"]


def _days(a: np.ndarray) -> np.ndarray:
    return a.astype("datetime64[D]")


@_quiet_gc()
def track(caseload: Caseload, rules: Sequence[Rule], *, as_of: dt.date,
          due_soon_days: int = 14, pairs: Iterable[tuple[str, str]] = (),
          recurring: Collection[str] = (),
          past: Mapping[str, Sequence[str]] | None = None) -> TrackResult:
    """Every case's deadlines at ``as_of``, vectorised over cases for each rule.

    ``pairs`` (from :func:`order_pairs`) are the orderings to check. A TO date before
    the FROM date of a pair not checked belongs to an earlier round of a recurring
    step and counts as not yet happened. ``recurring`` steps (normally
    :data:`LATEST_DATE_STEPS`) hold their latest date: where a rule's TO is one and
    that date is after the due date, an earlier round may have been in time, so the
    item is withheld rather than called missed. ``past`` (from :func:`moved_past`)
    names, for each rule, the steps whose date shows the case went past its TO step:
    such an item is withheld, not overdue. A window rule (an appeal period) that
    passed unused is withheld too: nobody was obliged to appeal.
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
    na = (caseload.not_applicable.to_numpy(dtype=bool)
          if caseload.not_applicable is not None and cols
          else np.zeros(grid.shape, dtype=bool))

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

    # Columns are gathered as numpy arrays (text as integer codes) and become one
    # frame of categoricals at the end: building text columns rule by rule is slow.
    parts: dict[str, list[np.ndarray]] = {c: [] for c in (
        "case", "rule", "start", "end", "due", "status", "late", "early", "reason")}
    reasons = ["", "the dates of these steps contradict the flow's order"]
    status_names = [*STATUSES, WITHHELD]
    code = {s: i for i, s in enumerate(status_names)}
    untracked: list[tuple[Rule, str]] = []
    case_no = np.arange(len(ids))
    for k, rule in enumerate(rules):
        if rule.from_ not in index or rule.to not in index:
            missing = [c for c in (rule.from_, rule.to) if c not in index]
            untracked.append((rule, "no column " + " or ".join(f"'{c}'" for c in missing)))
            continue
        fa, fb = index[rule.from_], index[rule.to]
        start_all = grid[:, fa]
        has = ~np.isnat(start_all) & ~na[:, fb]
        if not has.any():
            continue
        start = start_all[has]
        end = grid[has, fb].copy()
        if (rule.from_, rule.to) not in checked:
            # A TO date before FROM is from an earlier round of a recurring step.
            end[~np.isnat(end) & (end < start)] = _NAT
        if rule.minimum:
            due = earliest_dates(start, rule.limit, rule.unit, rule.counting)
        else:
            due = due_dates(start, rule.limit, rule.unit, rule.counting)
        happened = ~np.isnat(end)
        late = np.where(happened, (end - due).astype(np.int64), 0)
        overdue_by = (today - due).astype(np.int64)
        if rule.minimum:
            status = np.where(happened, np.where(end < due, code["too_early"], code["met"]),
                              code["pending"])
        else:
            early = happened & (end < due) if rule.fixed else np.zeros_like(happened)
            soon = ~happened & (overdue_by <= 0) & (-overdue_by <= due_soon_days)
            status = np.select(
                [early, happened & (late <= 0), happened, ~happened & (overdue_by > 0), soon],
                [code["too_early"], code["met"], code["missed"], code["overdue"],
                 code["due_soon"]], code["pending"])
        days_late = np.where(status == code["missed"], late,
                             np.where(status == code["overdue"], overdue_by, 0))
        days_early = np.where(status == code["too_early"], (due - end).astype(np.int64), 0)
        contradicted = bad_cell[has, fa] | bad_cell[has, fb]
        reason = contradicted.astype(np.int64)
        if rule.to in recurring:
            unknowable = happened & (end > due) & ~contradicted
            why = (f"'{rule.to}' recurs and only its latest date is known: an earlier round "
                   "may have been in time")
            if why not in reasons:
                reasons.append(why)
            reason[unknowable] = reasons.index(why)
        open_ = ~happened & ~contradicted
        later = [index[c] for c in (past or {}).get(rule.key, ()) if c in index]
        if later:
            after = grid[has][:, later]
            went_on = (~np.isnat(after) & (after >= start[:, None])).any(axis=1) & open_
            if went_on.any():
                why = (f"the case has gone past '{rule.to}' (a later step is dated): it did "
                       "not happen on this journey, or its date is missing")
                if why not in reasons:
                    reasons.append(why)
                reason[went_on & (reason == 0)] = reasons.index(why)
        if rule.window:
            closed = open_ & (overdue_by > 0)
            why = (f"the window for '{rule.to}' closed unused: it is a right, not a duty")
            if why not in reasons:
                reasons.append(why)
            reason[closed & (reason == 0)] = reasons.index(why)
        status = np.where(reason > 0, code[WITHHELD], status)
        for name, arr in (("case", case_no[has]), ("rule", np.full(len(start), k)),
                          ("start", start), ("end", end), ("due", due), ("status", status),
                          ("late", days_late), ("early", days_early), ("reason", reason)):
            parts[name].append(arr)
    if parts["case"]:
        cat = {name: np.concatenate(arrs) for name, arrs in parts.items()}
        order = np.lexsort((cat["rule"], cat["due"], cat["case"]))
        cat = {name: arr[order] for name, arr in cat.items()}
    else:
        cat = {name: np.empty(0, dtype=np.int64) for name in parts}
        cat.update({n: np.empty(0, dtype="datetime64[D]") for n in ("start", "end", "due")})
    r = cat["rule"].astype(np.int64)

    def per_rule(values: list[Any]) -> pd.Categorical:
        uniq = list(dict.fromkeys(values))
        where = {v: i for i, v in enumerate(uniq)}
        codes = np.array([where[v] for v in values], dtype=np.int64)
        return pd.Categorical.from_codes(codes[r] if len(r) else r, categories=uniq)

    rule_list = list(rules)
    stop = np.where(np.isnat(cat["end"]), today, cat["end"])
    items = pd.DataFrame({
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
                                                     categories=reasons),
        "legal_basis": per_rule(["; ".join(f"{a} {b}" for a, b in x.legal_basis)
                                 for x in rule_list] or [""]),
        "rule": r,
    })
    return TrackResult(as_of, due_soon_days, items, contradictions, list(rules), untracked)


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


def tracking_plan(fs: FlowSet) -> TrackingPlan:
    """The rules, order checks and gone-past steps of ``fs`` (graph work: reuse it)."""
    rules = tracking_rules(fs)
    return TrackingPlan(rules, order_pairs(fs), moved_past(fs, rules))


def track_against(fs: FlowSet, load: Caseload, *, as_of: dt.date, due_soon_days: int = 14,
                  plan: TrackingPlan | None = None) -> TrackResult:
    """Track a read caseload against every rule of ``fs``, with the flows' order checks."""
    plan = plan or tracking_plan(fs)
    return track(load, plan.rules, as_of=as_of, due_soon_days=due_soon_days,
                 pairs=plan.pairs, recurring=LATEST_DATE_STEPS, past=plan.past)


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
                   **({"applies_when": x.applies_when} if x.applies_when else {})}
                  for x in rules]
        # Shared, read-only: a caseload repeats each rule's citations thousands of times.
        bases = [[{"source": a, "provision": b} for a, b in x.legal_basis] for x in rules]
        recs = zip(it["case_id"].astype(str).tolist(), it["rule"].tolist(),
                   it["status"].astype(str).tolist(), iso("due"), iso("to_date"),
                   iso("from_date"), it["days_late"].tolist(), it["days_early"].tolist(),
                   it["withheld_reason"].astype(str).tolist(), strict=True)
        for cid, k, status, due, to_date, from_date, late, early, why in recs:
            item = {"from": static[k]["from"], "to": static[k]["to"], "due": due,
                    "status": status, "days_late": late,
                    "legal_basis": bases[k], **static[k],
                    "from_date": from_date, "to_date": to_date, "days_early": early}
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


def report_frame(result: TrackResult) -> pd.DataFrame:
    """The items as a flat table for a report (dates as ISO text)."""
    it = result.items
    out = pd.DataFrame({
        "case_id": it["case_id"].astype(str), "from": it["from"], "to": it["to"],
        "kind": it["kind"], "limit": it["limit"], "unit": it["unit"],
        "from_date": it["from_date"].dt.strftime("%Y-%m-%d"),
        "to_date": it["to_date"].dt.strftime("%Y-%m-%d").fillna(""),
        "due": it["due"].dt.strftime("%Y-%m-%d"),
        "status": it["status"],
        "withheld_reason": it["withheld_reason"],
        "days_late": it["days_late"], "days_early": it["days_early"],
        "legal_basis": it["legal_basis"]}) if len(it) else pd.DataFrame(
        columns=["case_id", "from", "to", "kind", "limit", "unit", "from_date", "to_date",
                 "due", "status", "withheld_reason", "days_late", "days_early",
                 "legal_basis"])
    return out


def report_csv(result: TrackResult) -> str:
    """The downloadable report: one row an item, every text cell formula-neutralised."""
    return csv_text(report_frame(result))


def problems_csv(caseload: Caseload) -> str:
    """The input problems as a table (row, line, column, case_id, problem), neutralised."""
    frame = pd.DataFrame([p.as_dict() for p in caseload.problems],
                         columns=["row", "line", "column", "case_id", "message", "fatal"])
    return csv_text(frame.drop(columns=["fatal"]).rename(columns={"message": "problem"}))

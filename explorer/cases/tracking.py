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
>>> fs = load_flows()  # the shipped flows, wherever the package is
>>> csv = b"case_id,place_of_safety,grounds_hearing\\nEX-1,2026-01-30,\\n"
>>> load = read_caseload(csv, as_of=dt.date(2026, 2, 9))
>>> res = track(load, tracking_rules(fs), as_of=dt.date(2026, 2, 9))
>>> res.items.loc[0, ["from", "to", "status"]].tolist()
['place_of_safety', 'grounds_hearing', 'due_soon']
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import gc
import io
import operator
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from explorer.cases.calendar import FIRST_YEAR, LAST_YEAR, due_dates, earliest_dates
from explorer.graph import dag, flow_graph, step_id
from explorer.graph.algorithms import closing_join
from explorer.io.tabular import csv_text
from explorer.model.flowset import FlowSet
from explorer.model.kinds import STATUSES, WITHHELD
from explorer.model.milestones import ALL_MILESTONES

#: The largest caseload file accepted (bytes). The app's upload limit matches it.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
CASE_ID = "case_id"
DATE_HELP = "write dates as 2026-01-31 or 31/01/2026, or n/a for a step that will not happen"
#: Recurring milestones whose column holds the most recent date (every other column
#: holds a step's first date). A deadline into one of these whose latest date is past
#: the due date is withheld: an earlier round, not recorded, may have been in time.
LATEST_DATE_STEPS: frozenset[str] = frozenset({"lac_review", "cso_review_hearing",
                                               "review_cppm"})
#: A cell meaning "this step will not happen for this child" (any case).
NOT_APPLICABLE = "n/a"

@contextmanager
def _quiet_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while many small lists and dicts are built:
    they hold no cycles, and the collector's repeated passes over them cost more than
    the work itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_SCOTTISH = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
_NAT = np.datetime64("NaT", "D")


# -- input --------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputProblem:
    """Something wrong with a caseload: the file, a column, or one row's cell.

    ``row`` is the 1-based data row (the header is not a data row), ``line`` the
    1-based line of the file where that row starts.
    """

    message: str
    row: int | None = None
    line: int | None = None
    column: str | None = None
    case_id: str | None = None
    #: True where nothing in the file could be used (empty, too big, no case_id).
    fatal: bool = False

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}" + (f" (line {self.line})" if self.line else ""))
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "line": self.line, "column": self.column,
                "case_id": self.case_id, "message": self.message, "fatal": self.fatal}


@dataclass
class Caseload:
    """The usable rows of a caseload, and every problem found on the way in.

    ``dates`` holds one row a good case (index ``case_id``, in file order) and one
    ``datetime64`` column a milestone; empty cells are ``NaT``. ``rows`` and
    ``lines`` give each good case's data row and line. Rows with any problem are
    left out of ``dates`` (a half-read row would give wrong deadlines) and listed in
    ``problems``; unknown columns are reported and ignored.
    """

    dates: pd.DataFrame
    rows: pd.Series
    lines: pd.Series
    problems: list[InputProblem] = field(default_factory=list)
    rows_read: int = 0
    #: Same shape as ``dates``: True where the cell says ``n/a``.
    not_applicable: pd.DataFrame | None = None

    @property
    def fatal(self) -> bool:
        return any(p.fatal for p in self.problems)

    @property
    def skipped_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row is not None})


def empty_caseload(problems: list[InputProblem] | None = None) -> Caseload:
    return Caseload(pd.DataFrame(index=pd.Index([], name=CASE_ID, dtype=object)),
                    pd.Series([], dtype=np.int64), pd.Series([], dtype=np.int64),
                    list(problems or []))


def known_columns(fs: FlowSet | None = None) -> list[str]:
    """The columns a caseload may have: ``case_id``, the canonical milestones, and (given
    a FlowSet) every other step id of its flows."""
    cols = [CASE_ID, *ALL_MILESTONES]
    if fs is not None:
        seen = set(cols)
        for flow in fs.flows.values():
            for s in flow.steps:
                if s.id not in seen:
                    cols.append(s.id)
                    seen.add(s.id)
    return cols


def _decode(data: bytes) -> tuple[str | None, InputProblem | None]:
    if b"\x00" in data[:4096]:
        return None, InputProblem("this is not a CSV text file (an Excel .xlsx workbook?): "
                                  "save it as 'CSV UTF-8' and upload that", fatal=True)
    try:
        # utf-8-sig drops the byte-order mark Excel writes at the start of 'CSV UTF-8'.
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        # Excel's plain 'CSV' on Windows is Windows-1252.
        return data.decode("cp1252"), None
    except UnicodeDecodeError:
        return None, InputProblem("the file is not UTF-8 or Windows-1252 text: save it as "
                                  "'CSV UTF-8'", fatal=True)


@_quiet_gc()
def read_caseload(data: bytes | str, *, as_of: dt.date,
                  columns: Collection[str] | None = None,
                  max_bytes: int = MAX_UPLOAD_BYTES) -> Caseload:
    """Read a caseload CSV given as bytes (an upload) or text, entirely in memory.

    ``columns`` are the accepted column names (default: :func:`known_columns`).
    Bad input never raises: it comes back as :class:`InputProblem` entries, and the
    good rows are still read.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        return empty_caseload([InputProblem(
            f"the file is {len(raw) / 1_048_576:.1f} MB; the limit is "
            f"{max_bytes / 1_048_576:.0f} MB: split the caseload into smaller files",
            fatal=True)])
    text, problem = _decode(raw)
    if text is None:
        return empty_caseload([problem] if problem else [])
    if not text.strip():
        return empty_caseload([InputProblem("the file is empty: it needs a header row "
                                            "(case_id and milestone columns) and one row a "
                                            "case", fatal=True)])
    first = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_line = 1
    records: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for record in reader:
            start = last + 1
            last = reader.line_num
            if header is None:
                if not any(c.strip() for c in record):
                    continue
                header, header_line = record, start
                continue
            records.append((start, record))
    except csv.Error as exc:
        return empty_caseload([InputProblem(f"the file cannot be read as CSV: {exc}",
                                            line=reader.line_num, fatal=True)])
    if header is None:  # only empty cells, e.g. a blank but formatted sheet
        return empty_caseload([InputProblem("the file has no header row: only empty cells "
                                            "were found. The first row names the columns "
                                            "(case_id and the milestones)", fatal=True)])
    return _build(header, header_line, records, as_of=as_of,
                  columns=known_columns() if columns is None else columns)


@_quiet_gc()
def caseload_from_rows(rows: Sequence[Mapping[str, dt.date | str | None]], *,
                       as_of: dt.date, columns: Collection[str] | None = None) -> Caseload:
    """A caseload from records (the app's single-case form), checked like a file."""
    names: list[str] = []
    for r in rows:
        names.extend(k for k in r if k not in names)
    if CASE_ID not in names:
        names.insert(0, CASE_ID)

    def cell(v: dt.date | str | None) -> str:
        if v is None:
            return ""
        return v.isoformat() if isinstance(v, dt.date) else str(v)

    records = [(i + 2, [cell(r.get(n)) for n in names]) for i, r in enumerate(rows)]
    return _build(names, 1, records, as_of=as_of,
                  columns=known_columns() if columns is None else columns)


def _build(header: list[str], header_line: int, records: list[tuple[int, list[str]]], *,
           as_of: dt.date, columns: Collection[str]) -> Caseload:
    problems: list[InputProblem] = []
    allowed = set(columns)
    names = [h.strip().lstrip("\ufeff").strip().lower() for h in header]
    use: dict[str, int] = {}
    for i, name in enumerate(names):
        if not name:
            if any(i < len(r) and r[i].strip() for _, r in records):
                problems.append(InputProblem(f"column {i + 1} has no name and is ignored: "
                                             "give it a milestone id", line=header_line))
            continue
        if name in use:
            problems.append(InputProblem(f"column '{name}' appears twice (columns "
                                         f"{use[name] + 1} and {i + 1}); the second is "
                                         "ignored", line=header_line, column=name))
            continue
        if name not in allowed:
            close = difflib.get_close_matches(name, sorted(allowed), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else \
                "; columns are case_id and milestone ids (see the template)"
            problems.append(InputProblem(f"unknown column '{header[i].strip()}' is ignored"
                                         f"{hint}", line=header_line, column=name))
            continue
        use[name] = i
    if CASE_ID not in use:
        problems.append(InputProblem("there is no 'case_id' column: the first row must be "
                                     "the header, with case_id and milestone columns",
                                     line=header_line, column=CASE_ID, fatal=True))
        return empty_caseload(problems)
    milestones = [n for n in use if n != CASE_ID]
    width = len(header)
    n = len(records)
    row_no = np.arange(1, n + 1)
    line_no = np.array([line for line, _ in records], dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    blank = np.zeros(n, dtype=bool)
    ids: list[str] = []
    cells: list[str] = []
    get_cols = [use[m] for m in milestones]
    getter = operator.itemgetter(*get_cols) if get_cols else None

    def pick(rec: list[str]) -> Sequence[str]:
        if getter is None:
            return ()
        got = getter(rec)
        return (got,) if len(get_cols) == 1 else got

    id_col = use[CASE_ID]
    for k, (line, rec) in enumerate(records):
        if not any(c.strip() for c in rec):
            blank[k] = True  # Excel leaves rows of empty cells at the end: not an error.
            ids.append("")
            cells.extend([""] * len(get_cols))
            continue
        if len(rec) > width and any(c.strip() for c in rec[width:]):
            problems.append(InputProblem(f"this row has {len(rec)} cells but the header has "
                                         f"{width}: the row is skipped", row=k + 1, line=line))
            bad[k] = True
        if len(rec) < width:
            rec = rec + [""] * (width - len(rec))
        ids.append(rec[id_col].strip())
        cells.extend(pick(rec))
    # Case ids: present and unique (a duplicated id is ambiguous: both rows are skipped).
    id_arr = np.array(ids, dtype=object)
    for j in np.nonzero(~blank & (id_arr == ""))[0]:
        problems.append(InputProblem("no case_id: every row needs a pseudonymous case id; the "
                                     "row is skipped", row=int(j) + 1, line=int(line_no[j]),
                                     column=CASE_ID))
        bad[j] = True
    present = ~blank & (id_arr != "")
    counts = pd.Series(id_arr[present]).value_counts()
    for dup in counts[counts > 1].index:
        where = np.nonzero(present & (id_arr == dup))[0]
        rows_text = ", ".join(str(int(w) + 1) for w in where)
        for row in where:
            problems.append(InputProblem(f"case id '{dup}' appears in rows {rows_text}: each "
                                         "case needs its own id; these rows are skipped",
                                         row=int(row) + 1, line=int(line_no[row]), column=CASE_ID,
                                         case_id=str(dup)))
            bad[row] = True
    # Dates, all cells at once.
    m = len(milestones)
    grid, filled, stripped, na = _parse_dates(cells, n, m)
    unread = filled & np.isnat(grid)
    lo = np.datetime64(f"{FIRST_YEAR:04d}-01-01", "D")
    too_old = ~np.isnat(grid) & (grid < lo)
    future = ~np.isnat(grid) & (grid > np.datetime64(as_of, "D"))
    for k, j in zip(*np.nonzero((unread | too_old | future) & ~blank[:, None]), strict=True):
        value = str(stripped[k, j])
        if unread[k, j]:
            msg = _date_message(value)
        elif too_old[k, j]:
            msg = f"'{value}' is before {FIRST_YEAR}: is the year right?"
        else:
            msg = (f"{_iso(grid[k, j])} is after the as-of date {as_of.isoformat()}: a "
                   "milestone cannot have happened yet; is the date or the year right?")
        problems.append(InputProblem(msg + "; the row is skipped", row=int(k) + 1,
                                     line=int(line_no[k]), column=milestones[j],
                                     case_id=ids[k] or None))
        bad[k] = True
    good = ~bad & ~blank
    grid[~filled] = _NAT
    dates = pd.DataFrame(grid[good].astype("datetime64[s]"), columns=milestones,
                         index=pd.Index(id_arr[good].astype(str), name=CASE_ID, dtype=object))
    problems.sort(key=lambda p: (-1 if p.row is None else p.row, p.column or ""))
    return Caseload(dates, pd.Series(row_no[good], index=dates.index),
                    pd.Series(line_no[good], index=dates.index), problems,
                    rows_read=int((~blank).sum()),
                    not_applicable=pd.DataFrame(na[good], columns=milestones,
                                                index=dates.index))


def _parse_dates(cells: list[str], n: int, m: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every cell as ``datetime64[D]`` (NaT where empty or unreadable), whether it holds
    something meant as a date, its stripped text, and whether it says ``n/a``.

    A caseload repeats the same few thousand dates, so each distinct cell is parsed
    once (factorised) and the results are spread back over the grid by index.
    """
    if n * m == 0:
        return (np.empty((n, m), dtype="datetime64[D]"), np.zeros((n, m), dtype=bool),
                np.empty((n, m), dtype=object), np.zeros((n, m), dtype=bool))
    codes, uniques = pd.factorize(np.array(cells, dtype=object))
    texts = np.array([u.strip() for u in uniques], dtype=object)
    parsed = np.array([_parse_one(t) for t in texts], dtype="datetime64[D]")
    na = np.array([t.lower() == NOT_APPLICABLE for t in texts], dtype=bool)
    filled = (texts != "") & ~na
    return (parsed[codes].reshape(n, m), filled[codes].reshape(n, m),
            texts[codes].reshape(n, m), na[codes].reshape(n, m))


def _parse_one(text: str) -> np.datetime64:
    try:
        if _ISO.fullmatch(text):
            y, mo, d = (int(x) for x in text.split("-"))
        elif _SCOTTISH.fullmatch(text):
            d, mo, y = (int(x) for x in text.split("/"))
        else:
            return _NAT
        return np.datetime64(dt.date(y, mo, d), "D")
    except ValueError:
        return _NAT


def _date_message(value: str) -> str:
    if _ISO.fullmatch(value):
        y, mo, d = (int(x) for x in value.split("-"))
        return _impossible(value, y, mo, d)
    if _SCOTTISH.fullmatch(value):
        d, mo, y = (int(x) for x in value.split("/"))
        return _impossible(value, y, mo, d) + (
            " (dates with / are day/month/year)" if 1 <= d <= 12 and mo > 12 else "")
    shown = value if len(value) <= 40 else value[:37] + "..."
    return f"'{shown}' is not a date: {DATE_HELP}"


def _impossible(value: str, y: int, mo: int, d: int) -> str:
    if not 1 <= mo <= 12:
        return f"'{value}' is an impossible date: there is no month {mo}"
    if y > LAST_YEAR:
        return f"'{value}' is beyond {LAST_YEAR}: is the year right?"
    import calendar as pycal

    last = pycal.monthrange(y, mo)[1]
    return (f"'{value}' is an impossible date: {pycal.month_name[mo]} {y} has {last} days")


def _iso(day: np.datetime64) -> str:
    return str(np.datetime_as_string(day, unit="D"))


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
                   max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[Caseload, TrackResult]:
    """Read a caseload and track it against every flow of ``fs``: the one call callers need."""
    load = read_caseload(data, as_of=as_of, columns=known_columns(fs), max_bytes=max_bytes)
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


def template_csv() -> str:
    """An empty caseload: the header row only, case_id and every canonical milestone."""
    return ",".join([CASE_ID, *ALL_MILESTONES]) + "\n"

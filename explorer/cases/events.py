"""Event logs: the long format ``case_id, step, date[, note]``, one row a recorded event.

Management-information exports look like this: every LAC review, every interim order,
every CSO review is a row, so every occurrence is kept (a wide sheet holds one date a
milestone). ``step`` is a step id, a step's name in the flows, or a design.md name, in
any case; ``date`` is ISO ``2026-01-31``, Scottish ``31/01/2026`` or an Excel date
cell. Other accepted columns: ``note`` (text, may run over several lines), the case
attributes the flows' rules turn on (``placement_type``) and ``date_of_birth``; a case's
attribute is its last non-empty value. A bad row loses only its event, and is reported
at its row and column.

:func:`detect_format` tells the two formats apart from the header;
:func:`events_to_wide` and :func:`wide_to_events` convert between them.

>>> log = read_events(b"case_id,step,date\\nC1,Looked after,2026-01-05\\n"
...                   b"C1,lac_review,05/03/2026\\nC1,lac_review,2026-09-01\\n")
>>> log.events[["case_id", "step"]].values.tolist()
[['C1', 'looked_after'], ['C1', 'lac_review'], ['C1', 'lac_review']]
>>> detect_format(b"case_id,step,date\\n", "x.csv"), detect_format(b"case_id,ird\\n", "x.csv")
('long', 'wide')
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from explorer.cases.caseload import (
    CASE_ID,
    DATE_OF_BIRTH,
    LATEST_DATE_STEPS,
    MAX_UPLOAD_BYTES,
    Caseload,
    InputProblem,
    Table,
    _value_text,
    attribute_values,
    build_wide,
    case_attributes,
    case_columns,
    cell_message,
    check_dates,
    date_message,
    empty_caseload,
    find_column,
    header_map,
    known_columns,
    normalise_name,
    parse_dates,
    prebirth_steps,
    quiet_gc,
    read_table,
    rows_for_lines,
)
from explorer.model.flowset import FlowSet

#: Header names accepted for each column of the long format (normalised).
STEP_HEADERS = ("step", "event", "milestone", "activity", "step id", "event type")
DATE_HEADERS = ("date", "event date", "date of event", "timestamp", "when")
NOTE_HEADERS = ("note", "notes", "comment", "comments")
CASE_HEADERS = ("case id", "case", "child id", "case ref", "case reference")
EVENT_COLUMNS = ["case_id", "step", "date", "note", "row"]


@dataclass
class EventLog:
    """Every event read, one row each, and the problems found on the way in.

    ``events`` columns: ``case_id`` (str), ``step`` (str, a step id), ``date``
    (``datetime64[ns]``, a day), ``note`` (str, empty if none), ``row`` (int, the
    1-based data row of the file), in file order. ``rows_read`` counts the non-empty
    data rows, read or not. ``attributes`` (index ``case_id``) holds the case
    attributes and ``birth`` each case's date of birth, where given; ``not_applicable``
    the (case_id, step) pairs whose date says ``n/a``.
    """

    events: pd.DataFrame
    problems: list[InputProblem] = field(default_factory=list)
    rows_read: int = 0
    attributes: pd.DataFrame | None = None
    birth: pd.Series | None = None
    not_applicable: pd.DataFrame | None = None

    @property
    def fatal(self) -> bool:
        return any(p.fatal for p in self.problems)


def _empty_events() -> pd.DataFrame:
    return pd.DataFrame({"case_id": pd.Series([], dtype=object),
                         "step": pd.Series([], dtype=object),
                         "date": pd.Series([], dtype="datetime64[ns]"),
                         "note": pd.Series([], dtype=object),
                         "row": pd.Series([], dtype=np.int64)})


def header_format(header: list[str]) -> Literal["wide", "long"]:
    """``long`` when the header has a case id, a step and a date column; else ``wide``."""
    has_case = find_column(header, ("case id", *CASE_HEADERS)) is not None
    if has_case and find_column(header, STEP_HEADERS) is not None and \
            find_column(header, DATE_HEADERS) is not None:
        return "long"
    return "wide"


@quiet_gc()
def detect_format(data: bytes, filename: str = "caseload.csv", *, sheet: str | None = None
                  ) -> Literal["wide", "long"]:
    """Whether ``data`` is a wide caseload (one row a case) or a long event log.

    A file that cannot be read is called ``wide``: reading it then reports why.
    """
    table = read_table(data, filename=filename, sheet=sheet)
    return header_format(table.header) if not table.fatal else "wide"


@quiet_gc()
def read_events(data: bytes, *, filename: str = "events.csv", fs: FlowSet | None = None,
                sheet: str | None = None, as_of: dt.date | None = None,
                max_bytes: int = MAX_UPLOAD_BYTES) -> EventLog:
    """Read an event log (CSV or XLSX bytes), entirely in memory; never raises on bad
    input. Dates after ``as_of`` (when given) are problems, as in a wide caseload.
    """
    table = read_table(data, filename=filename, sheet=sheet, max_bytes=max_bytes,
                       multiline_columns=NOTE_HEADERS)
    if table.fatal:
        return EventLog(_empty_events(), table.problems)
    return events_from_table(table, fs=fs, as_of=as_of)


def events_from_table(table: Table, *, fs: FlowSet | None = None,
                      as_of: dt.date | None = None) -> EventLog:
    """An :class:`EventLog` from a table of the long format."""
    problems = list(table.problems)
    header, records = table.header, table.records
    ci = find_column(header, ("case id", *CASE_HEADERS))
    si = find_column(header, STEP_HEADERS)
    di = find_column(header, DATE_HEADERS)
    if ci is None or si is None or di is None:
        missing = [n for n, i in (("case_id", ci), ("step", si), ("date", di)) if i is None]
        problems.append(InputProblem(
            "an event log needs the columns case_id, step and date (optional note); this "
            f"header has no {' or '.join(missing)} column", line=table.header_line,
            fatal=True))
        return EventLog(_empty_events(), problems)
    ni = find_column(header, NOTE_HEADERS)
    attrs = case_attributes(fs)
    own = case_columns(fs)
    extra: dict[str, int] = {}
    for i, h in enumerate(header):
        name = normalise_name(h)
        if i in (ci, si, di, ni) or not name:
            continue
        target = own.get(name)
        if target is None:
            problems.append(InputProblem(f"unknown column '{h.strip()}' is ignored; an event "
                                         "log has case_id, step, date, note and case "
                                         "attributes" + (f" ({', '.join(attrs)})" if attrs
                                                         else ""),
                                         line=table.header_line, column=h.strip()))
        elif target not in extra:
            extra[target] = i
    n = len(records)
    line_no = np.array([line for line, _ in records], dtype=np.int64)
    problems = rows_for_lines(problems, line_no)
    cols = [ci, si, di, *([ni] if ni is not None else []), *extra.values()]
    # Column by column (list comprehensions run in C far faster than a loop of rows).
    grid = np.empty((n, len(cols)), dtype=object)
    for j, c in enumerate(cols):
        grid[:, j] = [r[c] if c < len(r) else "" for _, r in records]
    ids = np.array([c.strip() for c in grid[:, 0]], dtype=object)
    # A row is blank when its case, step and date are (Excel's trailing empty rows).
    blank = (ids == "") & np.array([not (s.strip() or d.strip())
                                    for s, d in zip(grid[:, 1], grid[:, 2], strict=True)],
                                   dtype=bool)
    step_text = grid[:, 1]
    # Steps: each distinct text resolved once.
    names = header_map(fs, known_columns(fs))
    codes, uniques = pd.factorize(step_text)
    resolved = np.array([names.get(normalise_name(u)) for u in uniques], dtype=object)
    steps = resolved[codes] if n else np.empty(0, dtype=object)
    days, filled, stripped, na = parse_dates(grid[:, 2])
    if as_of is not None:
        unread, too_old, future = check_dates(days, filled, as_of=as_of)
    else:
        unread, too_old, _ = check_dates(days, filled, as_of=dt.date.max)
        future = np.zeros(n, dtype=bool)
    lost = blank.copy()
    step_col = header[si].strip()
    date_col = header[di].strip()
    for k in np.nonzero(~blank & (ids == ""))[0].tolist():
        problems.append(InputProblem("no case_id: every event needs a pseudonymous case id; "
                                     "the event is skipped", row=k + 1, line=int(line_no[k]),
                                     column=CASE_ID))
        lost[k] = True
    bad_step = ~lost & (steps == None)  # noqa: E711 (elementwise on an object array)
    for k in np.nonzero(bad_step)[0].tolist():
        text = str(step_text[k]).strip()
        if not text:
            msg = "no step: write the step's id or name; the event is skipped"
        else:
            close = difflib.get_close_matches(normalise_name(text), sorted(names), n=1)
            hint = f"; did you mean '{names[close[0]]}'?" if close else \
                "; write a step id or a step's name from the flows"
            shown = text if len(text) <= 40 else text[:37] + "..."
            msg = f"unknown step '{shown}'{hint}; the event is skipped"
        problems.append(InputProblem(msg, row=k + 1, line=int(line_no[k]), column=step_col,
                                     case_id=str(ids[k]) or None))
    lost |= bad_step
    no_date = ~lost & ~filled & ~na
    for k in np.nonzero(no_date)[0].tolist():
        problems.append(InputProblem(f"no date: {'write the date of the event'}; the event is "
                                     "skipped", row=k + 1, line=int(line_no[k]),
                                     column=date_col, case_id=str(ids[k])))
    bad_date = ~lost & (unread | too_old | future)
    for k in np.nonzero(bad_date)[0].tolist():
        problems.append(InputProblem(
            cell_message(str(stripped[k]), days[k], bool(unread[k]), bool(too_old[k]),
                         as_of or dt.date.max) + "; the event is skipped",
            row=k + 1, line=int(line_no[k]), column=date_col, case_id=str(ids[k])))
    lost |= no_date | bad_date
    keep = ~lost & ~na
    na_keep = ~lost & na
    note = (np.array([c.strip() for c in grid[:, 3]], dtype=object) if ni is not None
            else np.full(n, "", dtype=object))
    events = pd.DataFrame({
        "case_id": ids[keep],
        "step": steps[keep],
        "date": days[keep].astype("datetime64[ns]"),
        "note": note[keep],
        "row": np.arange(1, n + 1, dtype=np.int64)[keep]})
    not_applicable = pd.DataFrame({"case_id": ids[na_keep], "step": steps[na_keep]})
    first_extra = 4 if ni is not None else 3
    valid_case = ~blank & (ids != "")
    attributes, birth = _case_extras(grid, first_extra, extra, ids, valid_case, line_no,
                                     header, problems, fs)
    if birth is not None and len(events):
        early = prebirth_steps(fs)
        b = events["case_id"].map(birth)
        before = b.notna() & (events["date"] < b) & ~events["step"].isin(early)
        for rec in events[before].itertuples(index=False):
            problems.append(InputProblem(
                f"{rec.date.date().isoformat()} is before the child's date of birth "
                f"({birth[rec.case_id].date().isoformat()}), and '{rec.step}' is not a "
                "pre-birth step: check both dates; the event is skipped", row=int(rec.row),
                line=int(line_no[int(rec.row) - 1]), column=date_col, case_id=rec.case_id))
        events = events[~before.to_numpy()].reset_index(drop=True)
    problems.sort(key=lambda p: (-1 if p.row is None else p.row, p.column or ""))
    return EventLog(events, problems, rows_read=int((~blank).sum()), attributes=attributes,
                    birth=birth, not_applicable=not_applicable)


def _case_extras(grid: np.ndarray, first: int, extra: dict[str, int], ids: np.ndarray,
                 valid: np.ndarray, line_no: np.ndarray, header: list[str],
                 problems: list[InputProblem], fs: FlowSet | None
                 ) -> tuple[pd.DataFrame | None, pd.Series | None]:
    """Each case's attributes and date of birth: the last non-empty value given."""
    values: dict[str, pd.Series] = {}
    names = attribute_values(fs)
    birth = None
    for j, target in enumerate(extra):
        col = np.array([c.strip() for c in grid[:, first + j]], dtype=object)
        given = valid & (col != "")
        if target == DATE_OF_BIRTH:
            d, f, _, _ = parse_dates(col[given])
            for k in np.nonzero(given)[0][f & np.isnat(d)].tolist():
                problems.append(InputProblem(date_message(str(col[k])) + "; the date of "
                                             "birth is not used", row=k + 1,
                                             line=int(line_no[k]),
                                             column=header[extra[target]].strip()))
            b = pd.Series(d.astype("datetime64[ns]"), index=ids[given])
            birth = b[~np.isnat(d)].groupby(level=0, sort=False).last()
        else:
            s = pd.Series(col[given], index=ids[given])
            values[target] = s.groupby(level=0, sort=False).last().map(
                lambda v, t=target: _value_text(str(v), names.get(t)))
    return (pd.DataFrame(values) if values else None), birth


def events_to_wide(log: EventLog, *, as_of: dt.date | None = None,
                   fs: FlowSet | None = None) -> Caseload:
    """The wide caseload of an event log: one row a case (in order of first event), one
    column a step the log records. Each cell is the step's first date, except the steps
    of :data:`LATEST_DATE_STEPS`, which hold the most recent; every event stays in
    :attr:`Caseload.events` for the checks of each cycle.

    >>> log = read_events(b"case_id,step,date\\nC1,lac_review,2026-03-05\\n"
    ...                   b"C1,lac_review,2026-09-01\\nC1,looked_after,2026-01-05\\n")
    >>> w = events_to_wide(log)
    >>> [str(w.dates.loc["C1", c].date()) for c in ("looked_after", "lac_review")]
    ['2026-01-05', '2026-09-01']
    """
    ev = log.events
    if log.fatal:
        return empty_caseload(log.problems)
    cases = pd.Index(pd.unique(ev["case_id"]) if len(ev) else [], name=CASE_ID, dtype=object)
    steps = list(pd.unique(ev["step"])) if len(ev) else []
    if len(ev):
        g = ev.groupby(["case_id", "step"], sort=False)["date"]
        first, last = g.min(), g.max()
        pick = first.copy()
        latest = first.index.get_level_values("step").isin(list(LATEST_DATE_STEPS))
        pick[latest] = last[latest]
        dates = pick.unstack("step").reindex(index=cases, columns=steps)
        dates = dates.astype("datetime64[s]")
        rows = ev.groupby("case_id", sort=False)["row"].min().reindex(cases)
    else:
        dates = pd.DataFrame(index=cases)
        rows = pd.Series([], dtype=np.int64)
    dates.columns.name = None
    na = pd.DataFrame(False, index=cases, columns=steps)
    if log.not_applicable is not None and len(log.not_applicable):
        for rec in log.not_applicable.itertuples(index=False):
            if rec.case_id in na.index and rec.step in na.columns:
                na.loc[rec.case_id, rec.step] = True
    attributes = (log.attributes.reindex(cases) .fillna("") if log.attributes is not None
                  else pd.DataFrame(index=cases))
    birth = (log.birth.reindex(cases).astype("datetime64[s]") if log.birth is not None
             else pd.Series(pd.NaT, index=cases, dtype="datetime64[s]"))
    return Caseload(dates, rows.astype(np.int64), rows.astype(np.int64), list(log.problems),
                    rows_read=log.rows_read, not_applicable=na,
                    bad_cells=pd.DataFrame(False, index=cases, columns=steps),
                    attributes=attributes, birth=birth, format="long", events=ev)


def wide_to_events(caseload: Caseload) -> pd.DataFrame:
    """The events of a wide caseload: one a dated cell, in case order then column order
    (columns ``case_id, step, date, note, row``, as :attr:`EventLog.events`).

    >>> import datetime as dt
    >>> from explorer.cases.caseload import read_caseload
    >>> w = read_caseload(b"case_id,looked_after,placement\\nC1,2026-01-05,\\n",
    ...                   as_of=dt.date(2026, 2, 1))
    >>> wide_to_events(w)[["case_id", "step"]].values.tolist()
    [['C1', 'looked_after']]
    """
    D = caseload.dates
    if D.empty or not len(D.columns):
        return _empty_events()
    grid = D.to_numpy(dtype="datetime64[ns]")
    r, c = np.nonzero(~np.isnat(grid))
    cols = np.array(list(D.columns), dtype=object)
    return pd.DataFrame({"case_id": D.index.to_numpy(dtype=object)[r],
                         "step": cols[c], "date": grid[r, c],
                         "note": np.full(len(r), "", dtype=object),
                         "row": caseload.rows.to_numpy(dtype=np.int64)[r]})


@quiet_gc()
def read_any(data: bytes, *, as_of: dt.date, filename: str = "caseload.csv",
             fs: FlowSet | None = None, sheet: str | None = None,
             columns: Collection[str] | None = None,
             max_bytes: int = MAX_UPLOAD_BYTES) -> Caseload:
    """A caseload from a file in either format (detected from its header), read once.

    An event log comes back in the wide shape with every event kept in
    :attr:`Caseload.events`; a wide caseload with ``events`` left ``None``.
    """
    table = read_table(data, filename=filename, sheet=sheet, max_bytes=max_bytes,
                       multiline_columns=NOTE_HEADERS)
    if table.fatal:
        return empty_caseload(table.problems)
    if header_format(table.header) == "long":
        log = events_from_table(table, fs=fs, as_of=as_of)
        return events_to_wide(log, as_of=as_of, fs=fs)
    return build_wide(table, as_of=as_of, fs=fs,
                      columns=known_columns(fs) if columns is None else columns)

"""Reading caseloads: CSV or XLSX bytes, in memory, into dates by case and milestone.

A wide caseload is one row a case: a pseudonymous ``case_id`` and one column a
milestone. A column is named by the step's id (``grounds_hearing``, the contract of
design.md section 4), by the step's name in the flows (``Grounds hearing``), or by the
names design.md gives in words (``Initial CPPM``), in any case and spacing. Each cell
is a date (ISO ``2026-01-31``, Scottish ``31/01/2026`` or an Excel date cell), empty
where the step has not happened, or ``n/a`` where it will not happen for this child.
Optional columns: ``date_of_birth``, and the case attributes the flows' rules turn on
(``placement_type``: see ``Timescale.applies_when_case``).

Reading never raises on bad input. Every problem is an :class:`InputProblem` naming
its row, line and column; a bad cell loses only itself (the row is read with that
cell empty, and :attr:`Caseload.bad_cells` says which deadlines needed it). A quote
that opens a cell and is never closed on its line is reported at its row and read as
text: one stray quote never swallows the rows after it, and ``rows_read`` is always
the number of non-empty data lines. Time and memory grow linearly with the rows,
whatever the input (repeated case ids included).

>>> import datetime as dt
>>> load = read_caseload(b"Case ID,Place of safety,IRD\\nEX-1,30/01/2026,31-01-2026\\n",
...                      as_of=dt.date(2026, 2, 9))
>>> str(load.dates.loc["EX-1", "place_of_safety"].date())
'2026-01-30'
>>> p = load.problems[0]
>>> (p.row, p.line, p.column), "is not a date" in p.message
((1, 2, 'ird'), True)
"""

from __future__ import annotations

import calendar as pycal
import csv
import datetime as dt
import difflib
import gc
import io
import operator
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from explorer.cases.calendar import FIRST_YEAR, LAST_YEAR
from explorer.cases.inputs import MAX_COLUMNS, MAX_ROWS, InputProblem, Table
from explorer.model.flowset import FlowSet
from explorer.model.milestones import ALL_MILESTONES

#: The largest caseload file accepted from an upload (bytes). The app's upload limit
#: matches it.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: The largest file the command line reads (a management-information export of a
#: whole authority's events can be tens of megabytes).
MAX_FILE_BYTES = 64 * 1024 * 1024
CASE_ID = "case_id"
DATE_OF_BIRTH = "date_of_birth"
DATE_HELP = "write dates as 2026-01-31 or 31/01/2026, or n/a for a step that will not happen"
#: Recurring milestones whose column holds the most recent date (every other column
#: holds a step's first date).
LATEST_DATE_STEPS: frozenset[str] = frozenset({"lac_review", "cso_review_hearing",
                                               "review_cppm"})
#: A cell meaning "this step will not happen for this child" (any case).
NOT_APPLICABLE = "n/a"
#: Milestones design.md section 4 names in words beside their ids.
DESIGN_NAMES: dict[str, str] = {
    "initial cppm": "cppm",
    "initial child protection planning meeting": "cppm",
    "child removed to a place of safety": "place_of_safety",
    "date of birth": DATE_OF_BIRTH,
    "dob": DATE_OF_BIRTH,
}

_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_SCOTTISH = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
_NAT = np.datetime64("NaT", "D")


@contextmanager
def quiet_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while many small lists are built: they hold
    no cycles, and the collector's repeated passes over them cost more than the work."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -- problems and the result ----------------------------------------------------------------


@dataclass
class Caseload:
    """The usable rows of a caseload, and every problem found on the way in.

    ``dates`` holds one row a case (index ``case_id``, in file order) and one
    ``datetime64`` column a milestone the sheet has; empty and unreadable cells are
    ``NaT``. ``bad_cells`` (same shape) marks the cells that held something that
    could not be read as a date; ``not_applicable`` those that say ``n/a``.
    ``attributes`` holds the case attributes given (text, lower case, ``_`` for
    spaces), ``birth`` each case's date of birth (``NaT`` where not given). An event
    log read into this shape keeps every event in ``events``.
    """

    dates: pd.DataFrame
    rows: pd.Series
    lines: pd.Series
    problems: list[InputProblem] = field(default_factory=list)
    rows_read: int = 0
    not_applicable: pd.DataFrame | None = None
    bad_cells: pd.DataFrame | None = None
    attributes: pd.DataFrame | None = None
    birth: pd.Series | None = None
    #: ``wide`` (one row a case) or ``long`` (an event log).
    format: str = "wide"
    #: For an event log: every event (case_id, step, date, note, row).
    events: pd.DataFrame | None = None

    @property
    def fatal(self) -> bool:
        return any(p.fatal for p in self.problems)

    @property
    def skipped_rows(self) -> list[int]:
        """Rows left out entirely (no case id, a repeated id); cell problems keep the row."""
        return sorted({p.row for p in self.problems
                       if p.row is not None and "row is skipped" in p.message})


def empty_caseload(problems: list[InputProblem] | None = None) -> Caseload:
    return Caseload(pd.DataFrame(index=pd.Index([], name=CASE_ID, dtype=object)),
                    pd.Series([], dtype=np.int64), pd.Series([], dtype=np.int64),
                    list(problems or []))


# -- headers --------------------------------------------------------------------------------


def normalise_name(text: str) -> str:
    """A header as compared: lower case, ``_`` and runs of spaces as one space.

    >>> normalise_name("  Grounds_Hearing ")
    'grounds hearing'
    """
    return " ".join(str(text).replace("\ufeff", "").replace("_", " ").lower().split())


def known_columns(fs: FlowSet | None = None) -> list[str]:
    """The step columns a caseload may have: ``case_id``, the canonical milestones, and
    (given a FlowSet) every other step id of its flows."""
    cols = [CASE_ID, *ALL_MILESTONES]
    if fs is not None:
        seen = set(cols)
        for flow in fs.flows.values():
            for s in flow.steps:
                if s.id not in seen:
                    cols.append(s.id)
                    seen.add(s.id)
    return cols


def attribute_values(fs: FlowSet | None) -> dict[str, dict[str, str]]:
    """For each case attribute the flows define (``case_attributes``), every way a sheet
    may write each value (its id or its name, normalised) to the value's id.

    >>> from explorer.io.load import load_flows
    >>> values = attribute_values(load_flows())["placement_type"]
    >>> values[normalise_name("With a foster carer")], values["foster"]
    ('foster', 'foster')
    """
    out: dict[str, dict[str, str]] = {}
    for flow in (fs.flows.values() if fs is not None else ()):
        for attr in getattr(flow, "case_attributes", ()) or ():
            m = out.setdefault(attr.id, {})
            for v in attr.values:
                m[normalise_name(v.name)] = v.id
                m[normalise_name(v.id)] = v.id
    return out


def attribute_names(fs: FlowSet | None) -> dict[str, str]:
    """Each defined case attribute's name (normalised) to its id: "Kind of placement"."""
    out: dict[str, str] = {}
    for flow in (fs.flows.values() if fs is not None else ()):
        for attr in getattr(flow, "case_attributes", ()) or ():
            out[normalise_name(attr.name)] = attr.id
    return out


def case_attributes(fs: FlowSet | None) -> list[str]:
    """The case attributes the flows' rules turn on (``applies_when_case`` keys) or
    define (``case_attributes``)."""
    if fs is None:
        return []
    out: list[str] = list(attribute_values(fs))
    for flow in fs.flows.values():
        conds = [t.applies_when_case for t in flow.timescales]
        conds += [tr.timescale.applies_when_case for tr in flow.transitions if tr.timescale]
        for cond in conds:
            for key in cond or {}:
                if key not in out:
                    out.append(key)
    return out


def header_map(fs: FlowSet | None = None, columns: Collection[str] | None = None
               ) -> dict[str, str]:
    """Every accepted header (normalised) to the column it means: step ids, step names
    of the flows, design.md's names, ``date_of_birth`` and the case attributes.

    >>> from explorer.io.load import load_flows
    >>> m = header_map(load_flows("tests/fixtures/track"))
    >>> m["grounds hearing"], m[normalise_name("Initial CPPM")]
    ('grounds_hearing', 'cppm')
    """
    ids = list(columns) if columns is not None else known_columns(fs)
    out: dict[str, str] = {}
    if fs is not None:
        for flow in fs.flows.values():
            for s in flow.steps:
                if s.id in ids:
                    out.setdefault(normalise_name(s.name), s.id)
    for name, target in DESIGN_NAMES.items():
        if target in ids:
            out[name] = target
    case_columns(fs, into=out)
    for i in ids:  # ids win over a name that happens to read the same
        out[normalise_name(i)] = i
    return out


def case_columns(fs: FlowSet | None = None, *, into: dict[str, str] | None = None
                 ) -> dict[str, str]:
    """Every accepted header (normalised) of a case's own columns, in either format: the
    date of birth (``date_of_birth``, "Date of birth", "DOB") and each case attribute by
    its id or its name, to the column it means. Added ``into`` a header map, a name
    already there (a step's) is kept.

    >>> case_columns()["dob"]
    'date_of_birth'
    """
    out = {} if into is None else into
    for name, target in DESIGN_NAMES.items():
        if target == DATE_OF_BIRTH:
            out[name] = target
    for name, a in attribute_names(fs).items():
        out.setdefault(name, a)
    for a in case_attributes(fs):
        out[normalise_name(a)] = a
    out[normalise_name(DATE_OF_BIRTH)] = DATE_OF_BIRTH
    return out


def find_column(header: list[str], names: Collection[str]) -> int | None:
    """The index of the first header cell that, normalised, is one of ``names``.

    >>> find_column(["Case_ID", "Event Date"], ("event date", "date"))
    1
    """
    for i, h in enumerate(header):
        if normalise_name(h) in names:
            return i
    return None


def step_names(fs: FlowSet | None) -> dict[str, str]:
    """Step id to its name, over every flow."""
    if fs is None:
        return {}
    return {s.id: s.name for f in fs.flows.values() for s in f.steps}


# -- tables: CSV text and workbooks --------------------------------------------------------


def _fatal_table(message: str, **kw: Any) -> Table:
    return Table([], 0, [], [InputProblem(message, fatal=True, **kw)])


def file_kind(data: bytes, filename: str = "") -> str:
    """``xlsx``, ``xls``, ``ods`` or ``csv``, from the bytes first and the name second."""
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        if name.endswith(".ods") or b"application/vnd.oasis.opendocument" in data[:200]:
            return "ods"
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    for ext in ("xlsx", "xls", "ods"):
        if name.endswith("." + ext):
            return ext
    return "csv"


@quiet_gc()
def read_table(data: bytes | str, *, filename: str = "caseload.csv", sheet: str | None = None,
               max_bytes: int = MAX_UPLOAD_BYTES, multiline_columns: Collection[str] = ()
               ) -> Table:
    """The cells of a CSV or XLSX file, as text, with each record's line (or sheet row).

    ``multiline_columns`` (normalised header names) may hold a quoted text over several
    lines (an event's note); anywhere else a record running over several lines is a
    stray quote, reported at its row and read line by line.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        return _fatal_table(f"the file is {len(raw) / 1_048_576:.1f} MB; the limit is "
                            f"{max_bytes / 1_048_576:.0f} MB: split the caseload into smaller "
                            "files")
    kind = file_kind(raw, filename)
    if kind == "xls":
        return _fatal_table("this is an old Excel .xls workbook, which is not read: open it in "
                            "Excel and save it as .xlsx (Excel Workbook) or CSV UTF-8")
    if kind == "ods":
        return _fatal_table("this is an OpenDocument .ods spreadsheet, which is not read: save "
                            "it as .xlsx (Excel 2007-365) or CSV UTF-8")
    if kind == "xlsx":
        from explorer.cases.workbook import read_xlsx  # openpyxl only when needed

        return read_xlsx(raw, sheet=sheet)
    if sheet:
        return _fatal_table(f"a sheet ('{sheet}') was asked for, but this is a CSV file, "
                            "which has none")
    return read_csv_text(raw, multiline_columns=multiline_columns)


def _decode(data: bytes) -> tuple[str | None, InputProblem | None]:
    if b"\x00" in data[:4096]:
        return None, InputProblem("this is not a CSV text file or an .xlsx workbook: save it "
                                  "as 'CSV UTF-8' or .xlsx and upload that", fatal=True)
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


def read_csv_text(data: bytes, *, multiline_columns: Collection[str] = ()) -> Table:
    """CSV bytes as a :class:`Table`, recovering from stray quotes line by line."""
    text, problem = _decode(data)
    if text is None:
        return Table([], 0, [], [problem] if problem else [])
    if not text.strip():
        return _fatal_table("the file is empty: it needs a header row (case_id and milestone "
                            "columns) and one row a case")
    first = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if '"' not in text and "\x00" not in text and "\r" not in text.replace("\r\n", ""):
        return _plain_csv(text, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    spans: list[tuple[int, int, list[str]]] = []
    problems: list[InputProblem] = []
    last = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a NUL byte, an overlong field: lose only that line
            problems.append(InputProblem(f"this line cannot be read as CSV ({exc}); it is "
                                         "skipped", line=reader.line_num))
            last = reader.line_num
            continue
        spans.append((last + 1, reader.line_num, record))
        last = reader.line_num
        if len(spans) > MAX_ROWS + 1:
            problems.append(InputProblem(f"the file has more than {MAX_ROWS:,} rows: only the "
                                         f"first {MAX_ROWS:,} are read; split it", fatal=False,
                                         line=last))
            break
    header: list[str] | None = None
    header_line = 1
    records: list[tuple[int, list[str]]] = []
    lines: list[str] | None = None
    allowed: set[int] = set()
    for start, end, record in spans:
        if header is None:
            if not any(c.strip() for c in record):
                continue
            if end > start:  # a header over several lines: a stray quote in it
                lines = lines or text.split("\n")
                record = _plain(lines[start - 1], delimiter)
                problems.append(InputProblem("the header has a quote (\") that is never "
                                             "closed: it is read as text; remove it",
                                             line=start))
                records.extend(_resplit(lines, start + 1, end, delimiter))
                header, header_line = record, start
                continue
            header, header_line = record, start
            allowed = {i for i, h in enumerate(header)
                       if normalise_name(h) in multiline_columns}
            continue
        if end > start and not _multiline_ok(record, allowed):
            lines = lines or text.split("\n")
            split = _resplit(lines, start, end, delimiter)
            for line, rec in split:
                col = next((i for i, c in enumerate(rec) if c.startswith('"')), None)
                if col is not None:
                    rec[col] = rec[col][1:]
                    name = header[col].strip() if col < len(header) else f"column {col + 1}"
                    problems.append(InputProblem(
                        "a quote (\") opens this cell and is never closed on its line: it is "
                        "left out and the cell read as text; remove the quote or close it",
                        row=None, line=line, column=name))
            records.extend(split)
            continue
        records.append((start, record))
    if header is None:
        return Table([], 0, [], [*problems, InputProblem(
            "the file has no header row: only empty cells were found. The first row names "
            "the columns (case_id and the milestones)", fatal=True)])
    return Table(header, header_line, records, problems)


def _plain_csv(text: str, delimiter: str) -> Table:
    """The fast path for a file with no quote at all: each line is one record."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    problems: list[InputProblem] = []
    if len(lines) > MAX_ROWS + 1:
        problems.append(InputProblem(f"the file has more than {MAX_ROWS:,} rows: only the "
                                     f"first {MAX_ROWS:,} are read; split it",
                                     line=MAX_ROWS + 2))
        lines = lines[: MAX_ROWS + 1]
    rows = list(csv.reader([ln.rstrip("\r") for ln in lines], delimiter=delimiter))
    start = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if start is None:
        return Table([], 0, [], [*problems, InputProblem(
            "the file has no header row: only empty cells were found. The first row names "
            "the columns (case_id and the milestones)", fatal=True)])
    records = list(zip(range(start + 2, len(rows) + 1), rows[start + 1:], strict=True))
    return Table(rows[start], start + 1, records, problems)


def _plain(line: str, delimiter: str) -> list[str]:
    """One line split at the delimiter with quotes taken as text (the recovery path)."""
    # A plain split: quotes are text here, and a stray carriage return or NUL in the line
    # (which the csv module refuses) stays in its cell.
    return line.rstrip("\r").split(delimiter)


def _resplit(lines: list[str], start: int, end: int, delimiter: str
             ) -> list[tuple[int, list[str]]]:
    out = []
    for n in range(start, end + 1):
        if n - 1 < len(lines):
            line = lines[n - 1]
            if n == len(lines) and not line.strip():
                continue
            out.append((n, _plain(line, delimiter)))
    return out


def _multiline_ok(record: list[str], allowed: set[int]) -> bool:
    return bool(allowed) and all(("\n" not in c and "\r" not in c) or i in allowed
                                 for i, c in enumerate(record))


# -- dates ----------------------------------------------------------------------------------


def parse_dates(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cells (any shape of text) as ``datetime64[D]`` (NaT where empty or unreadable),
    whether each holds something meant as a date, its stripped text, and whether it
    says ``n/a``.

    A caseload repeats the same few thousand dates, so each distinct cell is parsed
    once (factorised) and the results are spread back by index.

    >>> d, filled, _, na = parse_dates(np.array(["2026-01-31", "31/01/2026", "", "n/a"],
    ...                                          dtype=object))
    >>> [str(x) for x in d], filled.tolist(), na.tolist()
    (['2026-01-31', '2026-01-31', 'NaT', 'NaT'], [True, True, False, False], \
[False, False, False, True])
    """
    shape = texts.shape
    if texts.size == 0:
        return (np.empty(shape, dtype="datetime64[D]"), np.zeros(shape, dtype=bool),
                np.empty(shape, dtype=object), np.zeros(shape, dtype=bool))
    codes, uniques = pd.factorize(texts.ravel())
    stripped = np.array([str(u).strip() for u in uniques], dtype=object)
    parsed = np.array([_parse_one(t) for t in stripped], dtype="datetime64[D]")
    na = np.array([t.lower() == NOT_APPLICABLE for t in stripped], dtype=bool)
    filled = (stripped != "") & ~na
    if (codes < 0).any():  # pandas codes None as -1: an empty cell
        stripped = np.append(stripped, "")
        parsed = np.append(parsed, _NAT)
        na = np.append(na, False)
        filled = np.append(filled, False)
    return (parsed[codes].reshape(shape), filled[codes].reshape(shape),
            stripped[codes].reshape(shape), na[codes].reshape(shape))


def _parse_one(text: str) -> np.datetime64:
    try:
        if _ISO.fullmatch(text):
            y, mo, d = (int(x) for x in text.split("-"))
        elif _SCOTTISH.fullmatch(text):
            d, mo, y = (int(x) for x in text.split("/"))
        elif len(text) >= 19 and _ISO.fullmatch(text[:10]) and text[10] in " T":
            y, mo, d = (int(x) for x in text[:10].split("-"))  # a date with a time
        else:
            return _NAT
        return np.datetime64(dt.date(y, mo, d), "D")
    except ValueError:
        return _NAT


def date_message(value: str) -> str:
    """Why a cell is not a date, and how to write one."""
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
    last = pycal.monthrange(y, mo)[1]
    return f"'{value}' is an impossible date: {pycal.month_name[mo]} {y} has {last} days"


def iso(day: np.datetime64) -> str:
    return str(np.datetime_as_string(day, unit="D"))


def check_dates(grid: np.ndarray, filled: np.ndarray, *, as_of: dt.date
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks of cells unreadable, before :data:`FIRST_YEAR`, and after ``as_of``."""
    unread = filled & np.isnat(grid)
    lo = np.datetime64(f"{FIRST_YEAR:04d}-01-01", "D")
    valid = ~np.isnat(grid)
    return unread, valid & (grid < lo), valid & (grid > np.datetime64(as_of, "D"))


def cell_message(value: str, day: np.datetime64, unread: bool, too_old: bool,
                 as_of: dt.date) -> str:
    if unread:
        return date_message(value)
    if too_old:
        return f"'{value}' is before {FIRST_YEAR}: is the year right?"
    return (f"{iso(day)} is after the as-of date {as_of.isoformat()}: a milestone cannot have "
            "happened yet; is the date or the year right?")


def prebirth_steps(fs: FlowSet | None) -> frozenset[str]:
    """Steps that may come before the child is born (tagged or named pre-birth)."""
    out = {"concern_raised"}
    if fs is not None:
        for flow in fs.flows.values():
            for s in flow.steps:
                text = f"{s.id} {' '.join(s.tags)}".lower().replace("-", "").replace("_", "")
                if "prebirth" in text or "unborn" in text:
                    out.add(s.id)
    else:
        out.add("prebirth_cppm")
    return frozenset(out)


def _value_text(value: str, names: Mapping[str, str] | None = None) -> str:
    """A case attribute as compared with a rule's condition: the value's id where the
    text is its name or id, else ``Short-term`` -> ``short_term``."""
    if names:
        hit = names.get(normalise_name(value))
        if hit is not None:
            return hit
    return "_".join(value.strip().lower().replace("-", " ").split())


# -- the wide format ------------------------------------------------------------------------


@quiet_gc()
def read_caseload(data: bytes | str, *, as_of: dt.date,
                  columns: Collection[str] | None = None, fs: FlowSet | None = None,
                  filename: str = "caseload.csv", sheet: str | None = None,
                  max_bytes: int = MAX_UPLOAD_BYTES) -> Caseload:
    """Read a wide caseload (CSV or XLSX bytes, or CSV text), entirely in memory.

    ``columns`` are the accepted step columns (default: :func:`known_columns` of
    ``fs``); headers may also be the steps' names in ``fs``. Bad input never raises.
    """
    table = read_table(data, filename=filename, sheet=sheet, max_bytes=max_bytes)
    if table.fatal:
        return empty_caseload(table.problems)
    return build_wide(table, as_of=as_of, fs=fs,
                      columns=known_columns(fs) if columns is None else columns)


@quiet_gc()
def caseload_from_rows(rows: Sequence[Mapping[str, dt.date | str | None]], *,
                       as_of: dt.date, columns: Collection[str] | None = None,
                       fs: FlowSet | None = None) -> Caseload:
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
    return build_wide(Table(names, 1, records), as_of=as_of, fs=fs,
                      columns=known_columns(fs) if columns is None else columns)


def _resolve_header(header: list[str], header_line: int, records: list[tuple[int, list[str]]],
                    names: Mapping[str, str], problems: list[InputProblem]
                    ) -> dict[str, int]:
    """Column id -> index in the record, with problems for unnamed, repeated, unknown."""
    use: dict[str, int] = {}
    for i, raw in enumerate(header[:MAX_COLUMNS]):
        name = normalise_name(raw)
        if not name:
            if any(i < len(r) and r[i].strip() for _, r in records[:1000]):
                problems.append(InputProblem(f"column {i + 1} has no name and is ignored: "
                                             "give it a milestone id or step name",
                                             line=header_line))
            continue
        target = names.get(name)
        if target is None:
            close = difflib.get_close_matches(name, sorted(names), n=1)
            hint = (f"; did you mean '{names[close[0]]}'?" if close else
                    "; columns are case_id and milestone ids or step names (see the "
                    "template)")
            problems.append(InputProblem(f"unknown column '{raw.strip()}' is ignored{hint}",
                                         line=header_line, column=raw.strip()))
            continue
        if target in use:
            problems.append(InputProblem(f"column '{raw.strip()}' means '{target}', already "
                                         f"given in column {use[target] + 1}; column {i + 1} "
                                         "is ignored", line=header_line, column=target))
            continue
        use[target] = i
    if len(header) > MAX_COLUMNS:
        problems.append(InputProblem(f"the file has {len(header)} columns; only the first "
                                     f"{MAX_COLUMNS} are read", line=header_line))
    return use


def rows_for_lines(problems: list[InputProblem], line_no: np.ndarray) -> list[InputProblem]:
    """The data row of each problem the reader found knowing only its line (a stray
    quote); ``line_no`` holds each record's line, in order."""
    if not any(p.row is None and p.line is not None for p in problems):
        return problems
    out = []
    for p in problems:
        if p.row is None and p.line is not None:
            k = int(np.searchsorted(line_no, p.line))
            if k < len(line_no) and line_no[k] == p.line:
                p = InputProblem(p.message, row=k + 1, line=p.line, column=p.column,
                                 case_id=p.case_id, fatal=p.fatal)
        out.append(p)
    return out


def duplicate_problems(ids: np.ndarray, present: np.ndarray, line_no: np.ndarray
                       ) -> tuple[np.ndarray, list[InputProblem]]:
    """Rows whose case id appears more than once (both are ambiguous), in linear time:
    each message names at most five of the rows, however many there are."""
    n = len(ids)
    bad = np.zeros(n, dtype=bool)
    if not present.any():
        return bad, []
    where = np.nonzero(present)[0]
    codes, _ = pd.factorize(ids[where])
    counts = np.bincount(codes)
    dup = counts[codes] > 1
    if not dup.any():
        return bad, []
    rows = where[dup]
    dcodes = codes[dup]
    order = np.argsort(dcodes, kind="stable")
    rows, dcodes = rows[order], dcodes[order]
    starts = np.r_[0, np.nonzero(np.diff(dcodes))[0] + 1]
    ends = np.r_[starts[1:], len(dcodes)]
    problems: list[InputProblem] = []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        group = rows[s:e]
        shown = ", ".join(str(int(g) + 1) for g in group[:5])
        more = f" and {len(group) - 5:,} more" if len(group) > 5 else ""
        cid = str(ids[group[0]])
        msg = (f"case id '{cid}' appears in {len(group):,} rows ({shown}{more}): each case "
               "needs its own id; these rows are skipped")
        for g in group.tolist():
            problems.append(InputProblem(msg, row=g + 1, line=int(line_no[g]),
                                         column=CASE_ID, case_id=cid))
    bad[rows] = True
    return bad, problems


def build_wide(table: Table, *, as_of: dt.date, columns: Collection[str],
               fs: FlowSet | None = None) -> Caseload:
    """A :class:`Caseload` from a table of the wide format."""
    problems = list(table.problems)
    header, records = table.header, table.records
    names = header_map(fs, columns)
    use = _resolve_header(header, table.header_line, records, names, problems)
    if CASE_ID not in use:
        problems.append(InputProblem("there is no 'case_id' column: the first row must be "
                                     "the header, with case_id and milestone columns",
                                     line=table.header_line, column=CASE_ID, fatal=True))
        return empty_caseload(problems)
    attrs = set(case_attributes(fs))
    milestones = [c for c in use if c not in (CASE_ID, DATE_OF_BIRTH) and c not in attrs]
    attr_cols = [c for c in use if c in attrs]
    width = len(header)
    n = len(records)
    line_no = np.array([line for line, _ in records], dtype=np.int64)
    blank = np.zeros(n, dtype=bool)
    problems = rows_for_lines(problems, line_no)
    get_cols = [use[c] for c in (CASE_ID, *milestones,
                                 *([DATE_OF_BIRTH] if DATE_OF_BIRTH in use else []),
                                 *attr_cols)]
    getter = operator.itemgetter(*get_cols)
    k_cols = len(get_cols)
    cells: list[Any] = []
    pad = [""] * width
    for k, (line, rec) in enumerate(records):
        if len(rec) < width:
            rec = rec + pad[: width - len(rec)]
        elif len(rec) > width and any(c.strip() for c in rec[width:]):
            problems.append(InputProblem(f"this row has {len(rec)} cells but the header has "
                                         f"{width}: the cells beyond column {width} are "
                                         "ignored", row=k + 1, line=line))
        got = getter(rec)
        if k_cols == 1:
            got = (got,)
        if not any(c.strip() for c in rec):
            blank[k] = True  # Excel leaves rows of empty cells at the end: not an error.
        cells.extend(got)
    grid_text = np.array(cells, dtype=object).reshape(n, k_cols) if n else \
        np.empty((0, k_cols), dtype=object)
    ids = np.array([str(x).strip() for x in grid_text[:, 0]], dtype=object) if n else \
        np.empty(0, dtype=object)
    bad_row = np.zeros(n, dtype=bool)
    for j in np.nonzero(~blank & (ids == ""))[0]:
        problems.append(InputProblem("no case_id: every row needs a pseudonymous case id; the "
                                     "row is skipped", row=int(j) + 1, line=int(line_no[j]),
                                     column=CASE_ID))
        bad_row[j] = True
    present = ~blank & (ids != "")
    dup, dup_problems = duplicate_problems(ids, present, line_no)
    problems.extend(dup_problems)
    bad_row |= dup
    good = ~bad_row & ~blank
    m = len(milestones)
    has_dob = DATE_OF_BIRTH in use
    date_text = grid_text[:, 1: 1 + m + int(has_dob)]
    grid, filled, stripped, na = parse_dates(date_text)
    unread, too_old, future = check_dates(grid, filled, as_of=as_of)
    bad = (unread | too_old | future) & good[:, None]
    date_cols = [*milestones, *([DATE_OF_BIRTH] if has_dob else [])]
    if has_dob:
        dob = grid[:, m].copy()
        dob[bad[:, m]] = _NAT
        early = prebirth_steps(fs)
        before = (~np.isnat(grid[:, :m]) & ~np.isnat(dob)[:, None]
                  & (grid[:, :m] < dob[:, None]) & good[:, None] & ~bad[:, :m])
        for col_no, c in enumerate(milestones):
            if c in early:
                before[:, col_no] = False
    else:
        dob = np.full(n, _NAT)
        before = np.zeros((n, m), dtype=bool)
    for k, j in zip(*np.nonzero(bad), strict=True):
        problems.append(InputProblem(
            cell_message(str(stripped[k, j]), grid[k, j], bool(unread[k, j]),
                         bool(too_old[k, j]), as_of)
            + "; the cell is treated as empty, the rest of the row is tracked",
            row=int(k) + 1, line=int(line_no[k]), column=date_cols[j],
            case_id=str(ids[k]) or None))
    for k, j in zip(*np.nonzero(before), strict=True):
        problems.append(InputProblem(
            f"{iso(grid[k, j])} is before the child's date of birth ({iso(dob[k])}), and "
            f"'{milestones[j]}' is not a pre-birth step: check both dates; the cell is "
            "treated as empty", row=int(k) + 1, line=int(line_no[k]), column=milestones[j],
            case_id=str(ids[k])))
    bad_m = bad[:, :m] | before
    dgrid = grid[:, :m].copy()
    dgrid[~filled[:, :m] | bad_m] = _NAT
    index = pd.Index(ids[good].astype(str), name=CASE_ID, dtype=object)
    dates = pd.DataFrame(dgrid[good].astype("datetime64[s]"), columns=milestones, index=index)
    values = attribute_values(fs)
    attributes = pd.DataFrame(
        {a: [_value_text(str(v), values.get(a)) if str(v).strip() else ""
             for v in grid_text[good, 1 + m + int(has_dob) + i]]
         for i, a in enumerate(attr_cols)}, index=index)
    _unknown_values(attributes, values, np.arange(1, n + 1)[good], line_no[good], problems)
    problems.sort(key=lambda p: (-1 if p.row is None else p.row, p.column or ""))
    rows_read = int((~blank).sum())
    return Caseload(dates, pd.Series(np.arange(1, n + 1)[good], index=index),
                    pd.Series(line_no[good], index=index), problems, rows_read=rows_read,
                    not_applicable=pd.DataFrame(na[good][:, :m], columns=milestones,
                                                index=index),
                    bad_cells=pd.DataFrame(bad_m[good], columns=milestones, index=index),
                    attributes=attributes,
                    birth=pd.Series(dob[good].astype("datetime64[s]"), index=index),
                    format="wide")


def _unknown_values(attributes: pd.DataFrame, values: Mapping[str, Mapping[str, str]],
                    rows: np.ndarray, lines: np.ndarray, problems: list[InputProblem]) -> None:
    """A case attribute whose value the flows do not define is reported (its rules then
    treat it as not matching); the rest of the row is tracked."""
    for a in attributes.columns:
        known = set(values.get(a, {}).values())
        if not known:
            continue
        col = attributes[a].to_numpy(dtype=object)
        for k in np.nonzero((col != "") & ~np.isin(col, list(known)))[0].tolist():
            problems.append(InputProblem(
                f"'{col[k]}' is not a value of '{a}'; the values are "
                f"{', '.join(sorted(known))}: no rule that depends on it is chosen by it",
                row=int(rows[k]), line=int(lines[k]), column=a,
                case_id=str(attributes.index[k])))


def template_csv(fs: FlowSet | None = None, *, names: bool = False) -> str:
    """An empty caseload: the header row only, ``case_id`` and every canonical milestone
    (by id, or by the step's name in ``fs`` with ``names=True``), and ``date_of_birth``."""
    by_name = step_names(fs) if names else {}
    cols = [CASE_ID, DATE_OF_BIRTH, *(by_name.get(m, m) for m in ALL_MILESTONES)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cols)
    return out.getvalue()

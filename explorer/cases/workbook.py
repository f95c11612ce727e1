"""Excel workbooks in and out, in memory: caseloads read from ``.xlsx``, reports written.

Reading uses openpyxl in read-only mode on the bytes (never a file), with
``data_only=True`` (a formula cell gives its last computed value, never the formula);
openpyxl parses the workbook's XML through defusedxml when it is installed, as it is
here, so an XML bomb is refused. Excel date cells come back as dates and are written
as ISO text for the one date parser; text cells are read as they are.

>>> import datetime as dt
>>> data = report_workbook({"Overdue": [["case", "due"], ["=cmd()", dt.date(2026, 1, 2)]]})
>>> t = read_xlsx(data)
>>> t.header, t.records[0]
(['case', 'due'], (2, ["'=cmd()", '2026-01-02']))
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from explorer.cases.inputs import MAX_COLUMNS, MAX_ROWS, InputProblem, Table
from explorer.io.tabular import neutralise


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes, *, sheet: str | None = None) -> Table:
    """The cells of one sheet of an ``.xlsx`` workbook as text (the first sheet, or
    ``sheet`` by name). Never raises: a damaged workbook is one fatal problem.

    Each record's line is its row number in the sheet, as Excel shows it.
    """
    import openpyxl  # imported here: only workbooks pay for it

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        return Table([], 0, [], [InputProblem(
            f"the workbook cannot be opened ({type(exc).__name__}): save it again as .xlsx "
            "(Excel Workbook) or CSV UTF-8", fatal=True)])
    except Exception as exc:  # defusedxml refuses entity bombs with its own errors
        return Table([], 0, [], [InputProblem(
            f"the workbook cannot be read safely ({type(exc).__name__}): save it again as "
            ".xlsx or CSV UTF-8", fatal=True)])
    try:
        names = wb.sheetnames
        if sheet is None:
            if not names:
                return Table([], 0, [], [InputProblem("the workbook has no sheets",
                                                      fatal=True)])
            ws = wb[names[0]]
        else:
            match = [n for n in names if n.strip().lower() == sheet.strip().lower()]
            if not match:
                shown = ", ".join(f"'{n}'" for n in names[:10])
                return Table([], 0, [], [InputProblem(
                    f"the workbook has no sheet '{sheet}'; its sheets are {shown}",
                    fatal=True)])
            ws = wb[match[0]]
        if not hasattr(ws, "iter_rows"):
            return Table([], 0, [], [InputProblem(
                "the chosen sheet is a chart, not a table of cells", fatal=True)])
        header: list[str] | None = None
        header_line = 0
        records: list[tuple[int, list[str]]] = []
        problems: list[InputProblem] = []
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            row = [_cell_text(v) for v in values[:MAX_COLUMNS]]
            while row and not row[-1]:
                row.pop()
            if header is None:
                if any(c.strip() for c in row):
                    header, header_line = row, n
                continue
            records.append((n, row))
            if len(records) >= MAX_ROWS:
                problems.append(InputProblem(f"the sheet has more than {MAX_ROWS:,} rows: "
                                             f"only the first {MAX_ROWS:,} are read; split it",
                                             line=n))
                break
    except Exception as exc:  # a damaged sheet part: one message, never a traceback
        return Table([], 0, [], [InputProblem(
            f"the workbook cannot be read ({type(exc).__name__}): save it again as .xlsx or "
            "CSV UTF-8", fatal=True)])
    finally:
        wb.close()
    if header is None:
        return Table([], 0, [], [InputProblem(
            "the sheet has no header row: only empty cells were found. The first row names "
            "the columns (case_id and the milestones)", fatal=True)])
    # Excel pads short rows only up to the sheet's width; trailing empty header cells go.
    while header and not header[-1].strip():
        header.pop()
    return Table(header, header_line, records, problems)


def report_workbook(sheets: Mapping[str, Sequence[Sequence[Any]]]) -> bytes:
    """An ``.xlsx`` of the given sheets (each a header row and data rows): bold frozen
    headers, filters, widths fitted to the text, dates as Excel dates, and every text
    cell neutralised (a cell starting ``=`` is shown, never run as a formula).

    Written in openpyxl's write-only mode, row by row, so a large report stays quick.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title[:31])
        widths: dict[int, int] = {}
        for row in rows[:200]:
            for c, value in enumerate(row, start=1):
                widths[c] = max(widths.get(c, 0), min(60, len(_cell_text(value))))
        for c, w in widths.items():
            ws.column_dimensions[get_column_letter(c)].width = max(10, w + 2)
        ws.freeze_panes = "A2"
        if rows and rows[0]:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(rows[0]))}{max(1, len(rows))}"
        for r, row in enumerate(rows):
            out_row: list[Any] = []
            for value in row:
                v = neutralise(value) if isinstance(value, str) else value
                if r == 0 or isinstance(v, dt.date):
                    cell = WriteOnlyCell(ws, value=v)
                    if r == 0:
                        cell.font = bold
                    if isinstance(v, dt.date):
                        cell.number_format = "dd/mm/yyyy"
                    out_row.append(cell)
                else:
                    out_row.append(v)
            ws.append(out_row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

"""What every reader of case files shares: the table of cells, a problem with its place.

>>> str(InputProblem("not a date", row=2, line=3, column="ird"))
"row 2 (line 3), column 'ird': not a date"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The most data rows read from one file (a compressed workbook can hold far more
#: rows than its size suggests): the rest is reported, never silently dropped.
MAX_ROWS = 500_000
#: The most columns read from one file.
MAX_COLUMNS = 1_000


@dataclass(frozen=True)
class InputProblem:
    """Something wrong with a caseload: the file, a column, or one row's cell.

    ``row`` is the 1-based data row (the header is not a data row), ``line`` the
    1-based line of the file (or row of the sheet) where that row starts.
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
class Table:
    """A file's cells as text: the header, and each record with the line it starts on."""

    header: list[str]
    header_line: int
    records: list[tuple[int, list[str]]]
    problems: list[InputProblem] = field(default_factory=list)

    @property
    def fatal(self) -> bool:
        return any(p.fatal for p in self.problems)

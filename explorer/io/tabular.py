"""The one writer of tables for download: every text cell neutralised for spreadsheets.

A cell whose text starts ``= + - @`` (or a tab or carriage return) would be run as a
formula by Excel or LibreOffice; it gets a leading single quote so it is shown instead.

>>> import pandas as pd
>>> csv_text(pd.DataFrame({"Step": ["=cmd()", "ok"], "Days": [1, 2]}))
"Step,Days\\n'=cmd(),1\\nok,2\\n"
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell made safe for spreadsheets.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("EX-1"), neutralise(3)
    ('\\'=HYPERLINK("http://x")', 'EX-1', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with its column names and text cells neutralised."""
    safe = frame.copy()
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    for c in safe.columns:
        if safe[c].dtype == object or pd.api.types.is_string_dtype(safe[c]):
            safe[c] = safe[c].map(neutralise)
    return safe


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text (no index, ``\\n`` line ends), neutralised."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\n")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV, neutralised: what a download button is given."""
    return csv_text(frame).encode("utf-8")

"""Hand-built event logs for the PACE, mining and forecast tests: every interval known."""

from __future__ import annotations

import datetime as dt

import pandas as pd


def log(*events: tuple[str, str, str]) -> pd.DataFrame:
    """An event log in the reader's shape from ``(case_id, step, ISO date)`` triples."""
    return pd.DataFrame({
        "case_id": [c for c, _, _ in events],
        "step": [s for _, s, _ in events],
        "date": pd.to_datetime([d for _, _, d in events]).astype("datetime64[ns]"),
        "note": [""] * len(events),
        "row": list(range(1, len(events) + 1)),
    })


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)

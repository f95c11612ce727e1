"""The fictional event-log generator and the shipped example built with it."""

from __future__ import annotations

import io

import pandas as pd

from explorer.cases.eventgen import FICTIONAL_NOTE, MISORDER_NOTE, events_csv, generate_events
from explorer.io.load import EXAMPLES_DIR
from explorer.model.flowset import FlowSet
from tests.eventlogs import day

EXAMPLE = EXAMPLES_DIR / "example-events.csv"


def test_the_same_seed_gives_the_same_log(shipped: FlowSet) -> None:
    a = generate_events(shipped, children=50, seed=4)
    b = generate_events(shipped, children=50, seed=4)
    pd.testing.assert_frame_equal(a, b)


def test_every_child_is_fictional_and_starts_looked_after_in_the_period(
        shipped: FlowSet) -> None:
    ev = generate_events(shipped, children=100, seed=1, start=day("2021-01-01"), years=5)
    assert ev["case_id"].str.startswith("FICTIONAL-").all()
    assert ev["note"].str.startswith(FICTIONAL_NOTE).all()
    firsts = ev.sort_values(["case_id", "row"]).groupby("case_id").first()
    assert (firsts["step"] == "looked_after").all()
    assert firsts["date"].min() >= pd.Timestamp("2021-01-01")
    assert ev["date"].max() <= pd.Timestamp("2026-01-01")


def test_gaps_and_keyed_slips_happen_at_about_their_rates(shipped: FlowSet) -> None:
    full = generate_events(shipped, children=300, seed=2, gap_rate=0.0, misorder_rate=0.0)
    gappy = generate_events(shipped, children=300, seed=2, gap_rate=0.2, misorder_rate=0.3)
    assert 0.7 < len(gappy) / len(full) < 0.9
    assert (full["note"] == MISORDER_NOTE).sum() == 0
    assert 0.15 < gappy.loc[gappy["note"] == MISORDER_NOTE, "case_id"].nunique() / 300 < 0.45


def test_the_shipped_example_says_it_is_fictional_in_every_row() -> None:
    frame = pd.read_csv(io.BytesIO(EXAMPLE.read_bytes()))
    assert list(frame.columns) == ["case_id", "step", "date", "note"]
    assert frame["note"].str.contains("fictional").all()
    assert frame["case_id"].str.startswith("FICTIONAL-").all()
    assert frame["case_id"].nunique() == 500
    assert (frame["note"] == MISORDER_NOTE).any()


def test_a_log_written_as_csv_keeps_its_events(shipped: FlowSet) -> None:
    ev = generate_events(shipped, children=30, seed=8)
    back = pd.read_csv(io.BytesIO(events_csv(ev)), parse_dates=["date"])
    assert back[["case_id", "step", "note"]].equals(ev[["case_id", "step", "note"]])
    assert (back["date"] == ev["date"]).all()

"""Event logs (the long format) and the readers under them: quoting, repeats, workbooks."""

from __future__ import annotations

import datetime as dt
import io
import json
import tracemalloc
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from explorer.cases.caseload import read_caseload
from explorer.cases.events import (
    detect_format,
    events_to_wide,
    read_any,
    read_events,
    wide_to_events,
)
from explorer.cli import main
from explorer.io.load import load_flows
from explorer.model.flowset import FlowSet

FIXTURE = Path(__file__).parent / "fixtures" / "track"
D = dt.date


@pytest.fixture(scope="module")
def fs() -> FlowSet:
    flows = load_flows(FIXTURE)
    assert flows.ok, flows.problems
    return flows


def xlsx(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- the long format ------------------------------------------------------------------------


def test_every_occurrence_of_a_step_is_kept(fs: FlowSet) -> None:
    log = read_events(b"case_id,step,date\nC1,lac_review,2026-03-05\nC1,lac_review,2026-09-01\n"
                      b"C1,lac_review,2027-02-20\n", fs=fs)
    assert log.events["date"].dt.date.tolist() == [D(2026, 3, 5), D(2026, 9, 1), D(2027, 2, 20)]
    assert log.rows_read == 3 and not log.problems


def test_event_columns_have_the_published_types(fs: FlowSet) -> None:
    log = read_events(b"case_id,step,date,note\nC1,ird,2026-01-05,phone call\n", fs=fs)
    ev = log.events
    assert list(ev.columns) == ["case_id", "step", "date", "note", "row"]
    assert str(ev["date"].dtype) == "datetime64[ns]" and ev["row"].tolist() == [1]
    assert ev.loc[0, "note"] == "phone call"


def test_steps_may_be_named_by_id_or_name_in_any_case(fs: FlowSet) -> None:
    log = read_events(b"Case ID,Event,Event date\nC1,GROUNDS HEARING,2026-01-05\n"
                      b"C1,place_of_safety,2026-01-02\n", fs=fs)
    assert log.events["step"].tolist() == ["grounds_hearing", "place_of_safety"]


def test_unknown_step_loses_only_its_event_and_names_row_and_column(fs: FlowSet) -> None:
    log = read_events(b"case_id,step,date\nC1,grounds hearnig,2026-01-05\nC1,ird,2026-01-06\n",
                      fs=fs)
    (p,) = log.problems
    assert (p.row, p.line, p.column) == (1, 2, "step")
    assert "did you mean 'grounds_hearing'" in p.message
    assert log.events["step"].tolist() == ["ird"]


def test_bad_date_loses_only_its_event(fs: FlowSet) -> None:
    log = read_events(b"case_id,step,date\nC1,ird,2026-02-30\nC1,cppm,2026-02-03\n", fs=fs)
    (p,) = log.problems
    assert (p.row, p.column) == (1, "date") and "February 2026 has 28 days" in p.message
    assert log.events["step"].tolist() == ["cppm"]


def test_note_may_run_over_several_lines(fs: FlowSet) -> None:
    log = read_events(b'case_id,step,date,note\nC1,ird,2026-01-05,"two\nlines"\n'
                      b"C1,cppm,2026-01-20,\n", fs=fs)
    assert not log.problems and log.events["note"].tolist() == ["two\nlines", ""]


def test_long_and_wide_are_told_apart_by_the_header() -> None:
    assert detect_format(b"case_id,step,date\n", "e.csv") == "long"
    assert detect_format(b"case_id,ird,cppm\n", "w.csv") == "wide"
    assert detect_format(xlsx([["Case ID", "Event", "Date"]]), "e.xlsx") == "long"


def test_events_to_wide_takes_first_dates_and_the_latest_review(fs: FlowSet) -> None:
    log = read_events(b"case_id,step,date\nC1,looked_after,2026-01-05\n"
                      b"C1,lac_review,2026-03-05\nC1,lac_review,2026-09-01\n"
                      b"C1,looked_after,2026-02-01\n", fs=fs)
    w = events_to_wide(log)
    assert w.dates.loc["C1", "looked_after"] == pd.Timestamp("2026-01-05")
    assert w.dates.loc["C1", "lac_review"] == pd.Timestamp("2026-09-01")
    assert w.format == "long" and len(w.events) == 4


def test_wide_to_events_and_back_keeps_every_date(fs: FlowSet) -> None:
    w = read_caseload(b"case_id,place_of_safety,grounds_hearing\nC1,2026-01-30,2026-02-10\n"
                      b"C2,2026-02-01,\n", as_of=D(2026, 3, 1))
    ev = wide_to_events(w)
    assert ev[["case_id", "step"]].values.tolist() == [
        ["C1", "place_of_safety"], ["C1", "grounds_hearing"], ["C2", "place_of_safety"]]
    back = events_to_wide(read_events(
        ev.assign(date=ev["date"].dt.strftime("%Y-%m-%d"))[["case_id", "step", "date"]]
        .to_csv(index=False).encode(), fs=fs))
    assert back.dates.loc["C1", "grounds_hearing"] == pd.Timestamp("2026-02-10")


def test_read_any_reads_an_event_log_into_the_wide_shape(fs: FlowSet) -> None:
    load = read_any(b"case_id,step,date\nC1,place_of_safety,2026-01-30\n", as_of=D(2026, 3, 1),
                    fs=fs)
    assert load.format == "long" and list(load.dates.columns) == ["place_of_safety"]


def test_case_attribute_column_in_an_event_log_is_kept_per_case() -> None:
    fs = load_flows(Path(__file__).parent / "fixtures" / "track_conditions")
    log = read_events(b"case_id,step,date,placement_type\nC1,placement,2026-01-05,Short-term\n"
                      b"C1,lac_review_1,2026-03-05,\n", fs=fs)
    assert log.attributes is not None
    assert log.attributes.loc["C1", "placement_type"] == "short_term"


def test_an_event_log_takes_the_case_columns_a_caseload_takes() -> None:
    """One reading of a case's own headers in both formats: an attribute by its name,
    the date of birth as "DOB"."""
    fs = load_flows()
    name = next(a.name for f in fs.flows.values() for a in f.case_attributes
                if a.id == "placement_type")
    header = f"case_id,{name},DOB".encode()
    wide = read_caseload(header + b",looked_after\nC1,foster,2015-01-01,2026-01-05\n",
                         as_of=D(2026, 3, 1), fs=fs)
    log = read_events(b"case_id,step,date," + header.split(b",", 1)[1] +
                      b"\nC1,looked_after,2026-01-05,foster,2015-01-01\n", fs=fs)
    assert not wide.problems and not log.problems, (wide.problems, log.problems)
    assert wide.attributes is not None and log.attributes is not None
    assert wide.attributes.loc["C1", "placement_type"] == "foster"
    assert log.attributes.loc["C1", "placement_type"] == "foster"
    assert wide.birth is not None and log.birth is not None
    assert wide.birth["C1"] == log.birth["C1"] == pd.Timestamp("2015-01-01")


# -- quoting: one stray quote loses nothing after it (issue 12 item 3) ---------------------


def hundred_cases(bad_row: int) -> bytes:
    lines = ["case_id,place_of_safety"]
    for i in range(1, 101):
        cid = f'"EX-{i}' if i == bad_row else f"EX-{i}"
        lines.append(f"{cid},2026-01-{1 + i % 28:02d}")
    return ("\n".join(lines) + "\n").encode()


def test_a_stray_opening_quote_is_reported_at_its_row_and_every_row_is_read() -> None:
    load = read_caseload(hundred_cases(3), as_of=D(2026, 3, 1))
    assert load.rows_read == 100 and len(load.dates) == 100
    (p,) = load.problems
    assert (p.row, p.line, p.column) == (3, 4, "case_id") and "quote" in p.message
    assert "EX-3" in load.dates.index


def test_a_stray_quote_in_an_event_log_loses_no_later_event(fs: FlowSet) -> None:
    log = read_events(b'case_id,step,date\nC1,ird,2026-01-05\n"C2,ird,2026-01-06\n'
                      b"C3,ird,2026-01-07\nC4,ird,2026-01-08\n", fs=fs)
    assert log.rows_read == 4 and log.events["case_id"].tolist() == ["C1", "C2", "C3", "C4"]
    assert [(p.row, p.line) for p in log.problems] == [(2, 3)]


# -- repeated case ids: linear in time and memory (issue 12 item 1) ------------------------


def duplicates(n: int) -> bytes:
    return b"case_id,place_of_safety\n" + b"DUP,2026-01-30\n" * n


def peak_bytes(data: bytes) -> int:
    tracemalloc.start()
    try:
        read_caseload(data, as_of=D(2026, 3, 1))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_repeated_case_ids_cost_memory_in_proportion_to_the_rows() -> None:
    # Before the fix each of n problems named all n rows: 4x the rows cost 16x the memory.
    small, large = peak_bytes(duplicates(2_000)), peak_bytes(duplicates(8_000))
    assert large < 6 * small


def test_repeated_case_id_message_names_a_few_rows_and_counts_the_rest() -> None:
    load = read_caseload(duplicates(50), as_of=D(2026, 3, 1))
    assert len(load.problems) == 50 and load.dates.empty
    assert "appears in 50 rows (1, 2, 3, 4, 5 and 45 more)" in load.problems[0].message


# -- workbooks ------------------------------------------------------------------------------


def test_xlsx_date_cells_and_text_dates_are_both_read(fs: FlowSet) -> None:
    data = xlsx([["case_id", "place_of_safety", "grounds_hearing"],
                 ["X1", dt.datetime(2026, 1, 30), "11/02/2026"]])
    load = read_any(data, as_of=D(2026, 3, 1), filename="cases.xlsx", fs=fs)
    assert not load.problems
    assert load.dates.loc["X1"].tolist() == [pd.Timestamp("2026-01-30"),
                                            pd.Timestamp("2026-02-11")]


def test_xlsx_sheet_is_chosen_by_name(fs: FlowSet) -> None:
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    first.append(["notes"])
    ws = wb.create_sheet("Cases")
    ws.append(["case_id", "ird"])
    ws.append(["X1", dt.datetime(2026, 1, 30)])
    out = io.BytesIO()
    wb.save(out)
    load = read_any(out.getvalue(), as_of=D(2026, 3, 1), filename="c.xlsx", sheet="cases",
                    fs=fs)
    assert list(load.dates.index) == ["X1"]
    missing = read_any(out.getvalue(), as_of=D(2026, 3, 1), filename="c.xlsx", sheet="Nope")
    assert missing.fatal and "'Cases'" in missing.problems[0].message


def test_xlsx_problem_names_the_sheet_row(fs: FlowSet) -> None:
    data = xlsx([["case_id", "ird"], ["X1", "soon"]])
    load = read_any(data, as_of=D(2026, 3, 1), filename="c.xlsx", fs=fs)
    (p,) = load.problems
    assert (p.row, p.line, p.column) == (1, 2, "ird")


@pytest.mark.parametrize(("data", "name", "words"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", ".xls"),
    (b"PK\x03\x04mimetypeapplication/vnd.oasis.opendocument.spreadsheet", "c.ods", ".ods"),
])
def test_xls_and_ods_get_a_clear_message(data: bytes, name: str, words: str) -> None:
    load = read_any(data, as_of=D(2026, 3, 1), filename=name)
    assert load.fatal and words in load.problems[0].message
    assert "save it as .xlsx" in load.problems[0].message


def test_cli_reads_every_row_after_a_stray_quote_and_exits_1(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    f = tmp_path / "c.csv"
    f.write_bytes(hundred_cases(3))
    code = main(["track", str(f), "--as-of", "2026-03-01", "--json",
                 "--flows", str(FIXTURE)])
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert code == 1 and "row 3 (line 4), column 'case_id'" in err
    assert data["summary"]["cases"] == 100 and data["summary"]["rows_read"] == 100


# -- any bytes: a result or our own problems, never another exception ----------------------

CELLS = hs.sampled_from(["case_id", "step", "date", "note", "ird", "lac_review", "C1", '"',
                         "2026-01-05", "31/02/2026", "n/a", "", ";", ",", "\n", "\r\n", "=1+1",
                         "placement_type", "short_term", "date_of_birth", "\x00", "é"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hs.lists(CELLS, max_size=40).map("".join))
def test_any_text_reads_to_a_caseload_or_problems(text: str) -> None:
    load = read_any(text.encode("utf-8"), as_of=D(2026, 3, 1), filename="x.csv")
    assert load.fatal or load.rows_read >= len(load.dates)


@settings(max_examples=60, deadline=None)
@given(hs.binary(max_size=300))
def test_any_bytes_read_to_a_caseload_or_problems(data: bytes) -> None:
    for name in ("x.csv", "x.xlsx"):
        read_any(data, as_of=D(2026, 3, 1), filename=name)
        read_events(data, filename=name)

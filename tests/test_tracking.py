"""Case tracking: statuses, contradictions, bad input, exports.

Uses the hand-made flows in tests/fixtures/track (every canonical milestone, timescales
like the law's): s.54 grounds hearing 8 WDs after removal, s.45 hearing on the 2nd WD,
13 weeks with the adopters before an adoption order (a minimum).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from explorer.cases.tracking import (
    CASE_ID,
    MAX_UPLOAD_BYTES,
    Caseload,
    TrackResult,
    caseload_from_rows,
    known_columns,
    order_pairs,
    problems_csv,
    read_caseload,
    report_csv,
    template_csv,
    to_json,
    track_caseload,
    tracking_rules,
)
from explorer.io.load import load_flows
from explorer.io.tabular import neutralise
from explorer.model.flowset import FlowSet
from explorer.model.kinds import STATUSES
from explorer.model.milestones import ALL_MILESTONES

FIXTURE = Path(__file__).parent / "fixtures" / "track"
EXAMPLE = Path(__file__).parent.parent / "examples" / "example-caseload.csv"
D = dt.date


@pytest.fixture(scope="module")
def fs() -> FlowSet:
    flows = load_flows(FIXTURE)
    assert flows.ok, flows.problems
    return flows


def run(fs: FlowSet, text: str | bytes, as_of: dt.date, soon: int = 14
        ) -> tuple[Caseload, TrackResult]:
    return track_caseload(fs, text, as_of=as_of, due_soon_days=soon)


def item(result: TrackResult, case: str, a: str, b: str) -> dict[str, Any]:
    it = result.items
    rows = it[(it["case_id"] == case) & (it["from"] == a) & (it["to"] == b)]
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


REMOVAL = "case_id,place_of_safety,grounds_hearing\nC1,2026-01-30,{}\n"  # due 11 Feb 2026


# -- statuses ------------------------------------------------------------------------------


def test_hearing_on_the_last_day_is_met(fs: FlowSet) -> None:
    _, res = run(fs, REMOVAL.format("2026-02-11"), D(2026, 3, 1))
    it = item(res, "C1", "place_of_safety", "grounds_hearing")
    assert (it["status"], it["days_late"], it["due"].date()) == ("met", 0, D(2026, 2, 11))


def test_hearing_a_day_late_is_missed(fs: FlowSet) -> None:
    _, res = run(fs, REMOVAL.format("2026-02-12"), D(2026, 3, 1))
    it = item(res, "C1", "place_of_safety", "grounds_hearing")
    assert (it["status"], it["days_late"]) == ("missed", 1)


def test_no_hearing_after_the_due_date_is_overdue(fs: FlowSet) -> None:
    _, res = run(fs, REMOVAL.format(""), D(2026, 2, 13))
    it = item(res, "C1", "place_of_safety", "grounds_hearing")
    assert (it["status"], it["days_late"]) == ("overdue", 2)


def test_no_hearing_within_the_window_is_due_soon(fs: FlowSet) -> None:
    _, res = run(fs, REMOVAL.format(""), D(2026, 2, 1), soon=14)
    assert item(res, "C1", "place_of_safety", "grounds_hearing")["status"] == "due_soon"


def test_due_today_is_due_soon_not_overdue(fs: FlowSet) -> None:
    _, res = run(fs, REMOVAL.format(""), D(2026, 2, 11), soon=0)
    assert item(res, "C1", "place_of_safety", "grounds_hearing")["status"] == "due_soon"


def test_no_hearing_beyond_the_window_is_pending(fs: FlowSet) -> None:
    _, res = run(fs, REMOVAL.format(""), D(2026, 2, 1), soon=5)
    assert item(res, "C1", "place_of_safety", "grounds_hearing")["status"] == "pending"


ADOPTION = "case_id,adoption_placement,adoption_order\nA1,2026-06-01,{}\n"  # earliest 31 Aug


def test_adoption_order_before_13_weeks_is_too_early(fs: FlowSet) -> None:
    _, res = run(fs, ADOPTION.format("2026-08-30"), D(2026, 11, 22))
    it = item(res, "A1", "adoption_placement", "adoption_order")
    assert (it["status"], it["days_early"], it["due"].date()) == ("too_early", 1,
                                                                   D(2026, 8, 31))


def test_adoption_order_on_the_earliest_day_is_met(fs: FlowSet) -> None:
    _, res = run(fs, ADOPTION.format("2026-08-31"), D(2026, 11, 22))
    assert item(res, "A1", "adoption_placement", "adoption_order")["status"] == "met"


def test_minimum_not_yet_reached_is_pending_never_overdue(fs: FlowSet) -> None:
    _, res = run(fs, ADOPTION.format(""), D(2027, 6, 1))
    assert item(res, "A1", "adoption_placement", "adoption_order")["status"] == "pending"


FIXED = "case_id,place_of_safety,second_working_day_hearing\nF1,2026-03-06,{}\n"  # on 10 March


def test_fixed_day_hearing_before_its_day_is_too_early(fs: FlowSet) -> None:
    _, res = run(fs, FIXED.format("2026-03-09"), D(2026, 3, 20))
    assert item(res, "F1", "place_of_safety", "second_working_day_hearing")["status"] == \
        "too_early"


def test_fixed_day_hearing_on_its_day_is_met_and_after_is_missed(fs: FlowSet) -> None:
    _, on = run(fs, FIXED.format("2026-03-10"), D(2026, 3, 20))
    _, after = run(fs, FIXED.format("2026-03-11"), D(2026, 3, 20))
    assert item(on, "F1", "place_of_safety", "second_working_day_hearing")["status"] == "met"
    assert item(after, "F1", "place_of_safety", "second_working_day_hearing")["status"] == \
        "missed"


def test_no_item_without_a_start_date(fs: FlowSet) -> None:
    _, res = run(fs, "case_id,place_of_safety,grounds_hearing\nC1,,2026-02-01\n",
                 D(2026, 3, 1))
    assert not (res.items["from"] == "place_of_safety").any()


def test_not_applicable_step_has_no_deadline(fs: FlowSet) -> None:
    """A proof that will not happen (grounds accepted) is written n/a: no overdue item."""
    text = "case_id,grounds_hearing,proof_application\nC1,2026-01-05,n/a\n"
    load, res = run(fs, text, D(2026, 3, 1))
    assert not load.problems
    assert not (res.items["to"] == "proof_application").any()


def test_rules_with_neither_column_are_listed_as_untracked(fs: FlowSet) -> None:
    _, res = run(fs, "case_id,place_of_safety\nC1,2026-01-30\n", D(2026, 3, 1))
    assert any(r.key == "adoption_placement->adoption_order" for r, _ in res.untracked)


def test_rules_without_a_number_are_not_tracked(fs: FlowSet) -> None:
    """reporter_decision -> grounds_hearing is 'as soon as practicable': no due date."""
    assert not any(r.from_ == "reporter_decision" for r in tracking_rules(fs))


# -- contradictions ------------------------------------------------------------------------


def test_grounds_hearing_before_removal_is_a_contradiction(fs: FlowSet) -> None:
    _, res = run(fs, REMOVAL.format("2026-01-20"), D(2026, 3, 1))
    c = res.contradictions
    assert ((c["earlier"] == "place_of_safety") & (c["later"] == "grounds_hearing")).any()


def test_deadlines_using_a_contradicted_date_are_withheld(fs: FlowSet) -> None:
    load, res = run(fs, REMOVAL.format("2026-01-20"), D(2026, 3, 1))
    data = to_json(load, res)
    case = data["cases"][0]
    assert not [i for i in case["items"] if i["to"] == "grounds_hearing"]
    assert [(w["from"], w["to"]) for w in case["withheld"]
            if w["from"] == "place_of_safety"] == [("place_of_safety", "grounds_hearing")]
    assert case["contradictions"][0]["earlier_date"] == "2026-01-30"


def test_dates_in_flow_order_are_not_contradictions(fs: FlowSet) -> None:
    _, res = run(fs, REMOVAL.format("2026-02-05"), D(2026, 3, 1))
    assert res.contradictions.empty


def test_recurring_steps_are_not_held_to_the_flow_order(fs: FlowSet) -> None:
    """lac_review recurs: its latest date may be after the permanence recommendation."""
    text = "case_id,lac_review,permanence_recommendation\nC1,2026-06-01,2026-03-01\n"
    _, res = run(fs, text, D(2026, 7, 1))
    assert res.contradictions.empty


def test_order_pairs_follow_the_flow_without_repeat_edges(fs: FlowSet) -> None:
    pairs = set(order_pairs(fs))
    assert ("place_of_safety", "grounds_hearing") in pairs
    assert ("grounds_hearing", "place_of_safety") not in pairs
    assert not any(a == "lac_review" for a, _ in pairs)  # recurring: its date is the latest
    assert ("lac_review_2", "lac_review") in pairs  # a later round is still after


def test_recurring_step_dated_after_the_due_date_is_withheld_not_missed(fs: FlowSet) -> None:
    """cso_review_hearing recurs; its latest date says nothing about the first review."""
    text = "case_id,cso_made,cso_review_hearing\nC1,2025-01-10,2026-06-01\n"
    load, res = run(fs, text, D(2026, 7, 1))
    (w,) = to_json(load, res)["cases"][0]["withheld"]
    assert "recurs" in w["reason"]


# -- bad input: each problem names row, line and column; good rows still count ---------------


GOOD_ROW = "OK-1,2026-01-30,2026-02-05"


def test_unknown_column_is_reported_and_ignored(fs: FlowSet) -> None:
    text = f"case_id,place_of_safety,grounds_hearing,granny_name\n{GOOD_ROW},Jean\n"
    load, res = run(fs, text, D(2026, 3, 1))
    (p,) = load.problems
    assert (p.line, p.column, p.row) == (1, "granny_name", None)
    assert "unknown column" in p.message
    assert list(load.dates.index) == ["OK-1"]
    assert (res.items["to"] == "grounds_hearing").sum() == 1


def test_misspelt_column_gets_a_suggestion(fs: FlowSet) -> None:
    load, _ = run(fs, "case_id,grounds_hearnig\nC1,2026-01-05\n", D(2026, 3, 1))
    assert "did you mean 'grounds_hearing'" in load.problems[0].message


def test_impossible_date_names_row_line_and_column(fs: FlowSet) -> None:
    text = f"case_id,place_of_safety,grounds_hearing\n{GOOD_ROW}\nBAD-1,2026-02-30,\n"
    load, _ = run(fs, text, D(2026, 3, 1))
    (p,) = load.problems
    assert (p.row, p.line, p.column, p.case_id) == (2, 3, "place_of_safety", "BAD-1")
    assert "impossible date" in p.message and "February 2026 has 28 days" in p.message
    assert str(p).startswith("row 2 (line 3), column 'place_of_safety':")
    assert "the cell is treated as empty" in p.message
    assert list(load.dates.index) == ["OK-1", "BAD-1"]
    assert bool(load.bad_cells.loc["BAD-1", "place_of_safety"])


def test_scottish_impossible_date_is_reported(fs: FlowSet) -> None:
    load, _ = run(fs, "case_id,place_of_safety\nC1,31/04/2026\n", D(2026, 6, 1))
    assert "April 2026 has 30 days" in load.problems[0].message


def test_american_order_date_gets_a_day_month_hint(fs: FlowSet) -> None:
    load, _ = run(fs, "case_id,place_of_safety\nC1,01/31/2026\n", D(2026, 6, 1))
    assert "day/month/year" in load.problems[0].message


def test_text_that_is_not_a_date_is_reported(fs: FlowSet) -> None:
    load, _ = run(fs, "case_id,place_of_safety\nC1,last Tuesday\n", D(2026, 6, 1))
    assert "is not a date" in load.problems[0].message
    assert list(load.dates.index) == ["C1"] and load.dates["place_of_safety"].isna().all()


def test_date_after_the_as_of_date_is_reported(fs: FlowSet) -> None:
    text = f"case_id,place_of_safety,grounds_hearing\n{GOOD_ROW}\nFUT-1,2026-03-02,\n"
    load, _ = run(fs, text, D(2026, 3, 1))
    (p,) = load.problems
    assert (p.row, p.column) == (2, "place_of_safety")
    assert "after the as-of date 2026-03-01" in p.message
    assert pd.isna(load.dates.loc["FUT-1", "place_of_safety"])


def test_duplicate_case_ids_skip_every_copy_and_name_the_rows(fs: FlowSet) -> None:
    text = ("case_id,place_of_safety\nDUP,2026-01-30\nOK-1,2026-01-30\nDUP,2026-01-31\n")
    load, _ = run(fs, text, D(2026, 3, 1))
    assert [(p.row, p.column) for p in load.problems] == [(1, CASE_ID), (3, CASE_ID)]
    assert "appears in 2 rows (1, 3)" in load.problems[0].message
    assert list(load.dates.index) == ["OK-1"]


def test_missing_case_id_is_reported(fs: FlowSet) -> None:
    load, _ = run(fs, "case_id,place_of_safety\n,2026-01-30\nOK-1,2026-01-30\n", D(2026, 3, 1))
    assert [(p.row, p.column) for p in load.problems] == [(1, CASE_ID)]
    assert list(load.dates.index) == ["OK-1"]


@pytest.mark.parametrize("text", [b"", b"   \r\n\n"])
def test_empty_file_is_a_clear_fatal_problem(fs: FlowSet, text: bytes) -> None:
    load, res = run(fs, text, D(2026, 3, 1))
    assert load.fatal and "empty" in load.problems[0].message
    assert res.items.empty


def test_header_without_case_id_is_fatal(fs: FlowSet) -> None:
    load, _ = run(fs, "child,place_of_safety\nC1,2026-01-30\n", D(2026, 3, 1))
    assert load.fatal and "case_id" in load.problems[-1].message


def test_excel_byte_order_mark_is_dropped(fs: FlowSet) -> None:
    data = "\ufeffcase_id,place_of_safety\r\nC1,30/01/2026\r\n".encode()
    load, _ = run(fs, data, D(2026, 3, 1))
    assert not load.problems
    assert load.dates.loc["C1", "place_of_safety"] == pd.Timestamp("2026-01-30")


def test_windows_1252_file_is_read(fs: FlowSet) -> None:
    data = "case_id,place_of_safety\nCAF\u00c9-1,2026-01-30\n".encode("cp1252")
    load, _ = run(fs, data, D(2026, 3, 1))
    assert list(load.dates.index) == ["CAF\u00c9-1"]


def test_damaged_workbook_is_a_clear_fatal_problem(fs: FlowSet) -> None:
    load, _ = run(fs, b"PK\x03\x04\x00\x00binary", D(2026, 3, 1))
    assert load.fatal and "workbook cannot be opened" in load.problems[0].message


def test_file_over_the_upload_limit_is_refused(fs: FlowSet) -> None:
    data = b"case_id,place_of_safety\n" + b"C,2026-01-30\n" * (MAX_UPLOAD_BYTES // 13 + 1)
    load, _ = run(fs, data, D(2026, 3, 1))
    assert load.fatal and "limit is 5 MB" in load.problems[0].message
    assert load.dates.empty


def test_row_with_extra_cells_loses_only_the_extra_cells(fs: FlowSet) -> None:
    load, _ = run(fs, "case_id,place_of_safety\nC1,2026-01-30,oops\nC2,2026-01-30\n",
                  D(2026, 3, 1))
    assert [(p.row, p.line) for p in load.problems] == [(1, 2)]
    assert list(load.dates.index) == ["C1", "C2"]


def test_line_numbers_count_quoted_line_breaks(fs: FlowSet) -> None:
    # A wide sheet's cells never hold a line break: the quote is reported, and each line
    # is its own row, so the row and line numbers after it stay true.
    text = 'case_id,place_of_safety\n"C\n1",2026-01-30\nC2,2026-02-30\n'
    load, _ = run(fs, text, D(2026, 3, 1))
    assert [(p.row, p.line) for p in load.problems][-1] == (3, 4)
    assert load.rows_read == 3


def test_blank_rows_are_skipped_silently(fs: FlowSet) -> None:
    load, _ = run(fs, "case_id,place_of_safety\nC1,2026-01-30\n,\n\n", D(2026, 3, 1))
    assert not load.problems and list(load.dates.index) == ["C1"]


def test_semicolon_separated_file_is_read(fs: FlowSet) -> None:
    load, _ = run(fs, "case_id;place_of_safety\nC1;30/01/2026\n", D(2026, 3, 1))
    assert not load.problems and len(load.dates) == 1


def test_column_names_ignore_case_and_spaces(fs: FlowSet) -> None:
    load, _ = run(fs, " Case_ID , Place_of_Safety \nC1,2026-01-30\n", D(2026, 3, 1))
    assert not load.problems and list(load.dates.columns) == ["place_of_safety"]


def test_form_rows_are_checked_like_a_file() -> None:
    load = caseload_from_rows([{"case_id": "F1", "place_of_safety": D(2026, 4, 1)}],
                              as_of=D(2026, 3, 1))
    assert "after the as-of date" in load.problems[0].message


# -- exports -------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


def test_plain_cells_are_left_alone() -> None:
    assert neutralise("EXAMPLE-001") == "EXAMPLE-001"
    assert neutralise(7) == 7


def test_report_neutralises_a_malicious_case_id(fs: FlowSet) -> None:
    text = 'case_id,place_of_safety,grounds_hearing\n"=HYPERLINK(""http://x"")",2026-01-30,\n'
    _, res = run(fs, text, D(2026, 3, 1))
    assert len(res.items) >= 1
    rows = list(csv.reader(io.StringIO(report_csv(res))))
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"
    assert not any(c.startswith(("=", "+", "-", "@")) for r in rows for c in r)


def test_problems_export_is_neutralised(fs: FlowSet) -> None:
    load, _ = run(fs, "case_id,place_of_safety\n@evil,2026-02-30\n", D(2026, 3, 1))
    rows = list(csv.reader(io.StringIO(problems_csv(load))))
    assert rows[0] == ["row", "line", "column", "case_id", "problem"]
    assert rows[1][3] == "'@evil"


def test_template_is_the_canonical_header() -> None:
    header = template_csv().strip().split(",")
    assert header == [CASE_ID, "date_of_birth", *ALL_MILESTONES]


def test_template_reads_back_with_no_problems(fs: FlowSet) -> None:
    load = read_caseload(template_csv(), as_of=D(2026, 3, 1), columns=known_columns(fs))
    assert not load.problems and load.dates.empty


def test_example_caseload_is_fictional_and_clean(fs: FlowSet) -> None:
    load, res = run(fs, EXAMPLE.read_bytes(), D(2026, 11, 22))
    assert not load.problems
    assert all(c.startswith("EXAMPLE-") for c in load.dates.index)
    assert len(load.dates) >= 10
    assert set(res.items["status"]) >= set(STATUSES) - {"not_recorded"}
    readme = (EXAMPLE.parent / "README.md").read_text(encoding="utf-8")
    assert "fictional" in readme


def test_example_caseload_is_clean_against_the_shipped_flows() -> None:
    shipped = load_flows()
    assert shipped.ok
    load, res = run(shipped, EXAMPLE.read_bytes(), D(2026, 11, 22))
    assert not load.problems
    assert set(res.items["status"]) >= set(STATUSES)


def test_json_has_the_design_contract_shape(fs: FlowSet) -> None:
    load, res = run(fs, REMOVAL.format(""), D(2026, 2, 13))
    data = to_json(load, res)
    assert data["as_of"] == "2026-02-13"
    (case,) = data["cases"]
    assert case["case_id"] == "C1"
    (it,) = [i for i in case["items"] if i["to"] == "grounds_hearing"]
    assert set(it) >= {"from", "to", "due", "status", "days_late", "legal_basis", "rule"}
    assert it["due"] == "2026-02-11" and it["status"] in STATUSES
    assert it["legal_basis"] == [{"source": "chsa_2011", "provision": "s.54(c)"}]


# -- vectorised ----------------------------------------------------------------------------


def test_caseload_results_equal_case_by_case_results(fs: FlowSet) -> None:
    """Tracking 150 random cases together gives the same items as one at a time."""
    rng = np.random.default_rng(3)
    cols = ["place_of_safety", "second_working_day_hearing", "grounds_hearing",
            "adoption_placement", "adoption_order", "cppm", "core_group_first"]
    base = np.datetime64("2026-09-01")
    lines = ["case_id," + ",".join(cols)]
    for i in range(150):
        days = base + rng.integers(0, 60, size=len(cols)).astype("timedelta64[D]")
        cells = [str(d) if rng.random() > 0.3 else "" for d in days]
        lines.append(f"R{i}," + ",".join(cells))
    text = "\n".join(lines) + "\n"
    as_of = D(2026, 11, 22)
    _, together = run(fs, text, as_of)
    singles = [run(fs, lines[0] + "\n" + line + "\n", as_of)[1].items for line in lines[1:]]
    alone = pd.concat([s for s in singles if len(s)], ignore_index=True)
    key = ["case_id", "from", "to"]
    cmp = ["due", "status", "days_late"]
    text_cols = dict.fromkeys(["case_id", "from", "to", "status"], str)
    a = together.items[key + cmp].astype(text_cols).sort_values(key).reset_index(drop=True)
    b = alone[key + cmp].astype(text_cols).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


# -- windows and journeys that went another way (shipped flows) ----------------------------


def shipped_items(text: str, as_of: dt.date) -> dict[tuple[str, str], dict[str, Any]]:
    from explorer.cases.tracking import to_json, track_caseload

    load, result = track_caseload(load_flows(), text.encode(), as_of=as_of)
    (case,) = to_json(load, result)["cases"]
    out = {(i["from"], i["to"]): i for i in case["items"]}
    out.update({(w["from"], w["to"]): {**w, "status": "withheld"} for w in case["withheld"]})
    return out


def test_unused_appeal_window_is_not_overdue() -> None:
    """CHSA 2011 s.154(5): an appeal within 21 days is a right; nobody must appeal."""
    items = shipped_items("case_id,hearing_decision,appeal_lodged\nA-1,2026-03-02,\n",
                          dt.date(2026, 6, 1))
    got = items[("hearing_decision", "appeal_lodged")]
    assert got["status"] == "withheld" and "window" in got["reason"]


def test_open_appeal_window_is_still_shown() -> None:
    """Within the 21 days the window is open: the item stays, due soon."""
    items = shipped_items("case_id,hearing_decision,appeal_lodged\nA-1,2026-03-02,\n",
                          dt.date(2026, 3, 10))
    assert items[("hearing_decision", "appeal_lodged")]["status"] == "due_soon"


def test_prebirth_meeting_is_not_overdue_once_an_initial_cppm_is_dated() -> None:
    """NG 2021 App. D: the pre-birth CPPM applies to an unborn child; an initial CPPM
    means the case went the other way."""
    items = shipped_items("case_id,concern_raised,cppm,prebirth_cppm\n"
                          "A-1,2026-01-05,2026-01-26,\n", dt.date(2026, 6, 1))
    got = items[("concern_raised", "prebirth_cppm")]
    assert got["status"] == "withheld" and "gone past" in got["reason"]


def test_step_not_yet_passed_is_still_overdue() -> None:
    """With nothing later dated, a missing grounds hearing after removal is overdue (s.54)."""
    items = shipped_items("case_id,place_of_safety,grounds_hearing\nA-1,2026-01-05,\n",
                          dt.date(2026, 6, 1))
    assert items[("place_of_safety", "grounds_hearing")]["status"] == "overdue"

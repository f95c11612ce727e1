"""Issue 11: tracking you can trust. Each expected date is worked out by hand from the
statutory wording, as a comment beside it.

- LAC (Scotland) Regs 2009 reg 45(2)(a): first review "within 6 weeks" of the placement;
  reg 45(3): within 3 months for a short-term placement; reg 45(2)(c): thereafter at
  intervals of not more than 6 months. Periods run from the day after the event; weeks end
  on the same weekday, months on the corresponding date.
- CHSA 2011 s.86(3): an interim compulsory supervision order lasts 22 days beginning with
  the day it is made; s.83(7): a CSO lapses a year after it is made or last continued.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from explorer.cases.tracking import TrackResult, to_json, track_caseload
from explorer.cli import main
from explorer.io.load import load_flows
from explorer.model.flowset import FlowSet

FIXTURES = Path(__file__).parent / "fixtures"
D = dt.date


@pytest.fixture(scope="module")
def cond() -> FlowSet:
    """The track fixture with reg 45(3) as a rule on placement_type (applies_when_case)."""
    fs = load_flows(FIXTURES / "track_conditions")
    assert fs.ok, fs.problems
    return fs


@pytest.fixture(scope="module")
def fixture() -> FlowSet:
    fs = load_flows(FIXTURES / "track")
    assert fs.ok, fs.problems
    return fs


@pytest.fixture(scope="module")
def shipped() -> FlowSet:
    fs = load_flows()
    assert fs.ok, fs.problems
    return fs


def items(res: TrackResult, case: str, a: str, b: str) -> list[dict[str, Any]]:
    it = res.items
    rows = it[(it["case_id"] == case) & (it["from"] == a) & (it["to"] == b)]
    return [r.to_dict() for _, r in rows.iterrows()]


def day(v: Any) -> dt.date | None:
    return None if pd.isna(v) else pd.Timestamp(v).date()


# -- never silent ---------------------------------------------------------------------------


def test_review_with_no_column_is_not_recorded_with_its_due_date(fixture: FlowSet) -> None:
    # Placed Monday 2 June 2025; 6 weeks from the day after ends Monday 14 July 2025.
    _, res = track_caseload(fixture, b"case_id,looked_after,placement\n"
                            b"C1,02/06/2025,02/06/2025\n", as_of=D(2026, 12, 1))
    (it,) = items(res, "C1", "placement", "lac_review_1")
    assert (it["status"], day(it["due"])) == ("not_recorded", D(2025, 7, 14))
    assert it["days_late"] == 505  # 14 July 2025 to 1 December 2026
    assert "no column 'lac_review_1'" in it["note"]


def test_not_recorded_is_counted_and_printed_by_the_cli_text(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    f = tmp_path / "c.csv"
    f.write_text("case_id,looked_after,placement\nC1,02/06/2025,02/06/2025\n")
    assert main(["track", str(f), "--as-of", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert "not_recorded placement -> lac_review_1: due 2025-07-14, 505 day(s) ago" in out
    assert "not_recorded: the file has no column or event" in out


def test_missing_from_column_where_the_to_date_shows_the_clock_ran(fixture: FlowSet) -> None:
    # Every route to the grounds hearing passes the removal: a dated hearing shows the
    # removal happened, and the sheet has no column for it.
    _, res = track_caseload(fixture, b"case_id,grounds_hearing\nC1,2026-02-10\n",
                            as_of=D(2026, 3, 1))
    (it,) = items(res, "C1", "place_of_safety", "grounds_hearing")
    assert it["status"] == "not_recorded" and day(it["to_date"]) == D(2026, 2, 10)


def test_json_gives_not_recorded_and_each_items_provision(fixture: FlowSet) -> None:
    load, res = track_caseload(fixture, b"case_id,placement\nC1,2026-01-05\n",
                               as_of=D(2026, 3, 1))
    data = to_json(load, res)
    (it,) = [i for i in data["cases"][0]["items"] if i["to"] == "lac_review_1"]
    assert it["status"] == "not_recorded" and it["due"] == "2026-02-16"
    assert it["rule"].endswith("reg 45(2)(a)")
    assert data["summary"]["by_status"]["not_recorded"] >= 1


# -- one rule where the law gives one -------------------------------------------------------

PLACED = "case_id,placement,lac_review_1{extra}\nC1,2026-01-05,{review}{value}\n"


def test_short_term_placement_gets_only_the_three_month_rule(cond: FlowSet) -> None:
    # 5 January 2026 + 3 months: 5 April 2026; the review on 2 March is in time.
    text = PLACED.format(extra=",placement_type", review="2026-03-02", value=",Short-term")
    _, res = track_caseload(cond, text, as_of=D(2026, 6, 1))
    (it,) = items(res, "C1", "placement", "lac_review_1")
    assert (it["status"], day(it["due"]), it["provision"]) == ("met", D(2026, 4, 5),
                                                              "LAC(S)R 2009 reg 45(3)")


def test_other_placement_gets_only_the_six_week_rule(cond: FlowSet) -> None:
    # 5 January 2026 + 6 weeks: 16 February 2026; the review on 2 March is 14 days late.
    text = PLACED.format(extra=",placement_type", review="2026-03-02", value=",long_term")
    _, res = track_caseload(cond, text, as_of=D(2026, 6, 1))
    (it,) = items(res, "C1", "placement", "lac_review_1")
    assert (it["status"], it["days_late"], day(it["due"])) == ("missed", 14, D(2026, 2, 16))


def test_without_the_attribute_one_item_says_which_rule_applies_when(cond: FlowSet) -> None:
    _, res = track_caseload(cond, PLACED.format(extra="", review="2026-03-02", value=""),
                            as_of=D(2026, 6, 1))
    (it,) = items(res, "C1", "placement", "lac_review_1")
    assert it["status"] == "missed"  # the general rule, 6 weeks
    assert "6 weeks; 3 months if placement type is short term" in it["note"]
    assert "depends on it" in it["note"]  # met under 45(3), missed under 45(2)(a)


def test_without_the_attribute_a_review_in_time_for_both_is_simply_met(cond: FlowSet) -> None:
    _, res = track_caseload(cond, PLACED.format(extra="", review="2026-02-10", value=""),
                            as_of=D(2026, 6, 1))
    (it,) = items(res, "C1", "placement", "lac_review_1")
    assert it["status"] == "met" and "depends" not in it["note"]


# -- a bad cell loses only itself -----------------------------------------------------------


def test_bad_to_cell_withholds_only_the_deadline_that_needed_it(fixture: FlowSet) -> None:
    load, res = track_caseload(fixture, b"case_id,place_of_safety,grounds_hearing,"
                               b"second_working_day_hearing\nC1,2026-01-30,soon,2026-02-03\n",
                               as_of=D(2026, 3, 1))
    assert [(p.row, p.column) for p in load.problems] == [(1, "grounds_hearing")]
    (bad,) = items(res, "C1", "place_of_safety", "grounds_hearing")
    assert bad["status"] == "withheld" and "'grounds_hearing' could not be read" in \
        bad["withheld_reason"]
    # Removal Friday 30 January 2026: the 2nd working day after is Tuesday 3 February.
    (good,) = items(res, "C1", "place_of_safety", "second_working_day_hearing")
    assert (good["status"], day(good["due"])) == ("met", D(2026, 2, 3))


def test_bad_from_cell_is_named_on_the_deadlines_it_starts(fixture: FlowSet) -> None:
    _, res = track_caseload(fixture, b"case_id,place_of_safety,grounds_hearing\n"
                            b"C1,30/13/2026,2026-02-10\n", as_of=D(2026, 3, 1))
    (it,) = items(res, "C1", "place_of_safety", "grounds_hearing")
    assert it["status"] == "withheld" and "'place_of_safety' could not be read" in \
        it["withheld_reason"]


# -- date of birth --------------------------------------------------------------------------


def test_a_date_before_birth_is_flagged_but_a_prebirth_step_is_not(fixture: FlowSet) -> None:
    load, _ = track_caseload(fixture, b"case_id,date_of_birth,prebirth_cppm,place_of_safety\n"
                             b"C1,2026-02-01,2026-01-10,2026-01-30\n", as_of=D(2026, 3, 1))
    (p,) = load.problems
    assert (p.row, p.column) == (1, "place_of_safety") and "date of birth" in p.message
    assert load.dates.loc["C1", "prebirth_cppm"] == pd.Timestamp("2026-01-10")
    assert pd.isna(load.dates.loc["C1", "place_of_safety"])


# -- event logs: every round checked, numbers from the flows --------------------------------

LOG = b"""case_id,step,date
L1,lac_review_2,2026-01-10
L1,lac_review,2026-06-01
L1,lac_review,2027-01-15
I1,icso_made,2026-03-02
I1,icso_made,2026-03-20
I1,icso_made,2026-04-20
I1,icso_made,2026-05-10
C1,cso_made,2025-03-03
C1,cso_review_hearing,2026-02-20
C1,cso_review_hearing,2027-03-01
"""


@pytest.fixture(scope="module")
def logged(shipped: FlowSet) -> TrackResult:
    _, res = track_caseload(shipped, LOG, as_of=D(2027, 3, 10), filename="events.csv")
    return res


def test_each_gap_between_lac_reviews_is_checked(logged: TrackResult) -> None:
    rounds = items(logged, "L1", "lac_review", "lac_review")
    # 1 June 2026 + 6 months = 1 December 2026; the next review on 15 January 2027 is
    # 45 days late. The review after it is due 15 July 2027.
    assert [(day(r["from_date"]), day(r["due"]), r["status"], r["days_late"])
            for r in rounds] == [(D(2026, 6, 1), D(2026, 12, 1), "missed", 45),
                                 (D(2027, 1, 15), D(2027, 7, 15), "pending", 0)]
    # The first round, from the second review: 10 January + 6 months = 10 July 2026.
    (first,) = items(logged, "L1", "lac_review_2", "lac_review")
    assert (day(first["due"]), first["status"]) == (D(2026, 7, 10), "met")


def test_each_interim_order_runs_22_days_beginning_with_the_day_made(logged: TrackResult
                                                                     ) -> None:
    rounds = items(logged, "I1", "icso_made", "further_icso_hearing")
    # 2 March + 22 days counting 2 March as day 1: 23 March (renewed 20 March: met);
    # 20 March -> 10 April (renewed 20 April: 10 days late); 20 April -> 11 May (met);
    # 10 May -> 31 May, with nothing after it.
    assert [(day(r["due"]), r["status"], r["days_late"]) for r in rounds] == [
        (D(2026, 3, 23), "met", 0), (D(2026, 4, 10), "missed", 10),
        (D(2026, 5, 11), "met", 0), (D(2026, 5, 31), "overdue", 283)]


def test_an_interim_order_past_the_cap_without_the_sheriff_is_flagged(logged: TrackResult
                                                                      ) -> None:
    (cap,) = items(logged, "I1", "icso_made", "icso_sheriff_extension")
    # The flows' cap is 66 days beginning with the first ICSO (2 March): 6 May 2026; an
    # ICSO made on 10 May, with no extension recorded, broke it by 4 days.
    assert (day(cap["due"]), cap["status"], cap["days_late"]) == (D(2026, 5, 6), "missed", 4)
    assert "2026-05-10" in cap["note"]


def test_each_cso_review_is_due_a_year_after_the_last(logged: TrackResult) -> None:
    (first,) = items(logged, "C1", "cso_made", "cso_review_hearing")
    assert (day(first["due"]), first["status"]) == (D(2026, 3, 3), "met")
    rounds = items(logged, "C1", "cso_review_hearing", "cso_review_hearing")
    # Continued 20 February 2026: lapses 20 February 2027; reviewed 1 March: 9 days late.
    first_round = rounds[0]
    assert (day(first_round["due"]), first_round["status"], first_round["days_late"]) == \
        (D(2027, 2, 20), "missed", 9)


def test_cycle_limits_come_from_the_flows_not_from_the_code(shipped: FlowSet) -> None:
    from explorer.cases.tracking import cycle_rules, tracking_rules

    rules = tracking_rules(shipped)
    cycles = {r.from_: r for r in cycle_rules(rules)}
    source = {(r.from_, r.to): r for r in rules if not r.condition}
    assert cycles["icso_made"].limit == source[("icso_made", "further_icso_hearing")].limit
    assert cycles["lac_review"].limit == source[("lac_review_2", "lac_review")].limit


def test_event_log_json_marks_cycle_items(shipped: FlowSet,
                                          capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    f = tmp_path / "events.csv"
    f.write_bytes(LOG)
    main(["track", str(f), "--as-of", "2027-03-10", "--json"])
    data = json.loads(capsys.readouterr().out)
    l1 = next(c for c in data["cases"] if c["case_id"] == "L1")
    assert any(i.get("cycle") and i["status"] == "missed" for i in l1["items"])


def test_shipped_flows_give_a_placed_child_one_first_review_item(shipped: FlowSet) -> None:
    """Issue 11: two "Placement -> First looked-after review" items for one review."""
    text = (b"case_id,placement,lac_review_1,Kind of placement\n"
            b"F1,2025-06-02,2025-08-20,With a foster carer\n"
            b"S1,2025-06-02,2025-08-20,short_break_series\n"
            b"U1,2025-06-02,2025-08-20,\n")
    load, res = track_caseload(shipped, text, as_of=D(2026, 12, 1))
    assert not load.problems
    got = {c: [(r["status"], day(r["due"])) for r in items(res, c, "placement", "lac_review_1")]
           for c in ("F1", "S1", "U1")}
    # 6 weeks after Monday 2 June 2025: 14 July (20 August is 37 days late); 3 months for a
    # series of short-term placements: 2 September 2025 (met).
    assert got == {"F1": [("missed", D(2025, 7, 14))], "S1": [("met", D(2025, 9, 2))],
                   "U1": [("missed", D(2025, 7, 14))]}
    (u1,) = items(res, "U1", "placement", "lac_review_1")
    assert "depends on it: give placement_type as a column" in u1["note"]


def test_an_attribute_value_the_flows_do_not_define_is_reported(shipped: FlowSet) -> None:
    load, _ = track_caseload(shipped, b"case_id,placement,placement_type\nX,2025-06-02,weekly\n",
                             as_of=D(2026, 12, 1))
    (p,) = load.problems
    assert (p.row, p.column) == (1, "placement_type") and "not a value" in p.message

"""PACE measures: intervals, states, aims, run charts and Anhøj's rules, on hand-built logs."""

from __future__ import annotations

import math

import pytest

from explorer.cases.measures import (
    Aim,
    MeasureError,
    crossings_limit,
    longest_run_limit,
    national_aims,
    pace_measures,
    parse_aim,
    run_chart,
    runs_analysis,
)
from explorer.model.flowset import FlowSet
from tests.eventlogs import day, log

LA, PR = "looked_after", "permanence_recommendation"


def three_children() -> list[tuple[str, str, str]]:
    # Intervals looked after -> recommendation of exactly 10, 20 and 40 days.
    return [("A", LA, "2025-01-01"), ("A", PR, "2025-01-11"),
            ("B", LA, "2025-01-05"), ("B", PR, "2025-01-25"),
            ("C", LA, "2025-02-01"), ("C", PR, "2025-03-13")]


def test_the_median_is_the_median_of_the_completed_intervals() -> None:
    m = pace_measures(log(*three_children()), as_of=day("2025-06-01"))
    iv = m.interval(LA, PR)
    assert (iv.completed, iv.median_days) == (3, 20.0)


def test_a_child_still_waiting_is_counted_with_the_interval_so_far() -> None:
    m = pace_measures(log(*three_children(), ("D", LA, "2025-05-02")), as_of=day("2025-06-01"))
    iv = m.interval(LA, PR)
    assert iv.waiting == 1
    assert iv.children.loc["D", "days"] == 30
    assert iv.median_days == 20.0  # the waiting child is not a completed interval


def test_share_within_counts_waiting_children_only_once_they_are_past_the_limit() -> None:
    aim = Aim(LA, PR, 30, "days", 0.9)
    events = [*three_children(), ("D", LA, "2025-04-01"),  # waiting 61 days: missed
              ("E", LA, "2025-05-20")]                      # waiting 12 days: still open
    m = pace_measures(log(*events), as_of=day("2025-06-01"), aims=[aim])
    result = m.interval(LA, PR).aims[0]
    assert (result.within, result.not_within, result.still_open) == (2, 2, 1)
    assert result.share_within == 0.5
    assert result.met is False


def test_an_aim_of_months_is_counted_by_the_corresponding_date() -> None:
    aim = Aim(LA, PR, 6, "months")
    events = [("A", LA, "2025-01-31"), ("A", PR, "2025-07-31"),
              ("B", LA, "2025-01-31"), ("B", PR, "2025-08-01")]
    result = pace_measures(log(*events), as_of=day("2025-12-01"), aims=[aim]).interval(
        LA, PR).aims[0]
    assert (result.within, result.not_within) == (1, 1)


def test_a_child_who_went_home_has_left_the_route_and_is_not_waiting() -> None:
    events = [("A", LA, "2025-01-01"), ("A", "reunification", "2025-04-01")]
    iv = pace_measures(log(*events), as_of=day("2025-06-01")).interval(LA, PR)
    assert (iv.waiting, iv.count("left")) == (0, 1)


def test_a_later_milestone_without_this_one_is_a_missing_date_not_waiting() -> None:
    events = [("A", LA, "2025-01-01"), ("A", "adm_decision", "2025-06-01")]
    iv = pace_measures(log(*events), as_of=day("2025-07-01")).interval(LA, PR)
    assert (iv.waiting, iv.count("not_recorded")) == (0, 1)


def test_dates_in_the_wrong_order_are_not_an_interval() -> None:
    events = [("A", LA, "2025-03-01"), ("A", PR, "2025-02-01")]
    iv = pace_measures(log(*events), as_of=day("2025-07-01")).interval(LA, PR)
    assert (iv.completed, iv.count("out_of_order")) == (0, 1)


def test_the_court_application_is_the_first_of_a_permanence_or_adoption_petition() -> None:
    events = [("A", "adm_decision", "2025-01-01"), ("A", "adoption_petition", "2025-03-02"),
              ("A", "po_application", "2025-02-10")]
    iv = pace_measures(log(*events), as_of=day("2025-07-01")).interval(
        "adm_decision", "court_application")
    assert iv.median_days == 40.0


def test_the_national_aim_comes_from_the_flows_with_their_citation(shipped: FlowSet) -> None:
    aims = national_aims(shipped)
    six = next(a for a in aims if (a.from_, a.to) == (LA, PR))
    assert (six.limit, six.unit, six.local) == (6.0, "months", False)
    assert six.source is not None
    assert six.source in shipped.sources


def test_an_aim_between_any_two_steps_adds_its_interval() -> None:
    aim = parse_aim("permanence_recommendation:permanence_panel:84:90%")
    events = [("A", PR, "2025-01-01"), ("A", "permanence_panel", "2025-03-01")]
    m = pace_measures(log(*events), as_of=day("2025-07-01"), aims=[aim])
    iv = m.interval(PR, "permanence_panel")
    assert (iv.median_days, iv.aims[0].share_within, aim.share) == (59.0, 1.0, 0.9)


@pytest.mark.parametrize("text", ["a:b", "a:b:0", "a:b:7:1.5", "a:b:x:0.9", "a::7"])
def test_a_malformed_aim_is_a_plain_error(text: str) -> None:
    with pytest.raises(MeasureError, match="aim"):
        parse_aim(text)


def test_measures_json_has_the_contract_fields() -> None:
    data = pace_measures(log(*three_children()), as_of=day("2025-06-01"),
                         aims=[Aim(LA, PR, 30, "days", 0.9)]).as_dict()
    assert data["as_of"] == "2025-06-01"
    iv = next(i for i in data["intervals"] if (i["from"], i["to"]) == (LA, PR))
    assert {"from", "to", "completed", "waiting", "median_days", "aims"} <= set(iv)
    assert iv["aims"][0]["days"] == 30
    assert math.isclose(iv["aims"][0]["share_within"], 2 / 3, abs_tol=1e-4)


def test_suppression_hides_counts_under_five() -> None:
    data = pace_measures(log(*three_children()), as_of=day("2025-06-01")).as_dict(
        suppress=True)
    iv = next(i for i in data["intervals"] if (i["from"], i["to"]) == (LA, PR))
    assert (iv["completed"], iv["median_days"]) == ("<5", None)


# -- run charts ------------------------------------------------------------------------


def test_the_run_chart_has_one_row_a_month_of_the_earlier_milestone() -> None:
    chart = run_chart(pace_measures(log(*three_children()), as_of=day("2025-06-01")).interval(
        LA, PR), as_of=day("2025-06-01"))
    assert chart["month"].dt.strftime("%Y-%m").tolist() == ["2025-01", "2025-02"]
    assert chart["median_days"].tolist() == [15.0, 40.0]
    assert chart["completed"].tolist() == [2, 1]


def test_a_suppressed_run_chart_shows_no_median_drawn_from_fewer_than_five() -> None:
    iv = pace_measures(log(*three_children()), as_of=day("2025-06-01")).interval(LA, PR)
    chart = run_chart(iv, as_of=day("2025-06-01"), suppress=True)
    assert chart["median_days"].isna().all()
    assert chart["completed"].tolist() == ["<5", "<5"]


@pytest.mark.parametrize(("n", "run", "crossings"), [
    # Anhøj's published table of critical values (Anhøj and Olesen 2014, table 1).
    (10, 6, 2), (11, 6, 2), (12, 7, 3), (15, 7, 4), (20, 7, 6), (24, 8, 8), (30, 8, 10)])
def test_the_critical_values_match_the_published_table(n: int, run: int,
                                                       crossings: int) -> None:
    assert (longest_run_limit(n), crossings_limit(n)) == (run, crossings)


def test_a_steady_rise_has_too_few_crossings() -> None:
    r = runs_analysis(list(range(1, 13)))
    assert (r.useful, r.longest_run, r.crossings) == (12, 6, 1)
    assert (r.shift, r.too_few_crossings, r.signal) == (False, True, True)


def test_eight_points_on_one_side_of_twelve_is_a_shift() -> None:
    values = [1, 1, 1, 1, 1, 1, 1, 1, 5, 6, 5, 6]
    r = runs_analysis(values, centre=3)
    assert (r.longest_run, r.longest_run_limit, r.shift) == (8, 7, True)


def test_points_on_the_centre_line_are_not_useful() -> None:
    r = runs_analysis([1, 2, 3, 2, 1, 2, 3])
    assert r.centre == 2
    assert (r.useful, r.crossings) == (4, 3)


def test_random_looking_alternation_gives_no_signal() -> None:
    r = runs_analysis([1, 3] * 6)
    assert (r.longest_run, r.crossings, r.signal) == (1, 11, False)

"""Walking a journey step by step, with the legal clocks running."""

from __future__ import annotations

import datetime as dt

import pytest

from explorer.graph import flow_graph
from explorer.io.load import load_flows
from explorer.learning.journey import (
    CLOSED,
    DEFAULT_START,
    advance,
    choices,
    clock,
    start_journey,
)
from explorer.model.problems import FlowError
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def concurrency():
    return flow_graph(load_flows(FIXTURES / "concurrency"), "concurrency")


@pytest.fixture(scope="module")
def mini():
    return flow_graph(load_flows(FIXTURES / "mini"), "mini")


def take(G, j, to, days=None):
    choice = next(c for c in choices(G, j) if c.to == to)
    return advance(G, j, choice, days)


def test_a_journey_starts_on_day_zero_at_its_start(mini) -> None:
    j = start_journey(mini, "referral")
    assert j.tokens == ("referral",) and j.today == 0


def test_a_move_takes_the_likely_estimate_by_default(mini) -> None:
    j = take(mini, start_journey(mini, "referral"), "decide")
    assert j.day_of("decide") == 20


def test_a_decision_offers_each_exit_with_its_share(mini) -> None:
    j = take(mini, start_journey(mini, "referral"), "decide")
    assert {(c.to, c.share) for c in choices(mini, j)} == {("hearing", 0.4), ("nfa", 0.6)}


def test_reaching_an_outcome_finishes_the_journey(mini) -> None:
    j = take(mini, take(mini, start_journey(mini, "referral"), "decide"), "nfa", days=3)
    assert j.finished and j.day_of("nfa") == 23


def test_a_parallel_splits_into_one_token_a_track(concurrency) -> None:
    j = take(concurrency, start_journey(concurrency, "accommodated"), "split")
    assert sorted(j.tokens) == ["permanence_work", "rehab_work"]


def test_a_join_waits_for_every_track_and_goes_on_at_the_latest(concurrency) -> None:
    G = concurrency
    j = take(G, start_journey(G, "accommodated"), "split")
    j = take(G, j, "both_done", days=10)  # rehab track arrives on day 10
    assert "both_done" not in [v.step for v in j.visits]
    j = take(G, j, "panel", days=50)
    j = take(G, j, "both_done", days=0)
    assert j.day_of("both_done") == 50
    assert j.tokens == ("choose",)


def test_a_clock_met_in_time_is_met(mini) -> None:
    j = take(mini, take(mini, start_journey(mini, "referral"), "decide", days=2), "hearing",
             days=5)
    (item,) = [c for c in clock(mini, j) if c.timescale.to == "hearing"]
    assert item.status == "met" and item.rule == "within 8 working days"


def test_a_clock_met_late_is_missed(mini) -> None:
    j = take(mini, take(mini, start_journey(mini, "referral"), "decide", days=20), "hearing",
             days=5)
    (item,) = [c for c in clock(mini, j) if c.timescale.to == "hearing"]
    assert item.status == "missed"


def test_a_started_clock_not_yet_due_is_pending(mini) -> None:
    j = take(mini, start_journey(mini, "referral"), "decide", days=1)
    (item,) = clock(mini, j)
    # From Monday 5 January 2026, 8 working days beginning the day after end on Thursday
    # 15 January (s.202: weekends are not working days): day 10, not 8 x 7/5.
    assert item.status == "pending" and item.due == dt.date(2026, 1, 15)
    assert item.due_day == 10


def test_a_started_clock_past_due_is_overdue(mini) -> None:
    j = take(mini, start_journey(mini, "referral"), "decide", days=30)
    (item,) = clock(mini, j)
    assert item.status == "overdue"


def test_a_move_that_is_not_open_is_refused(mini) -> None:
    j = start_journey(mini, "referral")
    bogus = choices(mini, j)[0].__class__("decide", "nfa", None, None, None, False)
    with pytest.raises(FlowError):
        advance(mini, j, bogus)


def test_shipped_journey_from_concern_can_reach_an_outcome(shipped) -> None:
    G = flow_graph(shipped, "all")
    j = start_journey(G, "concern_raised")
    for _ in range(200):
        if j.finished:
            break
        open_now = choices(G, j)
        onward = [c for c in open_now if not c.repeat] or open_now
        j = advance(G, j, onward[0])
    assert j.finished


# -- one engine for every clock (issue 11): the tracker's rules on a real calendar ---------


@pytest.fixture(scope="module")
def care(shipped):
    return flow_graph(shipped, "care-and-protection")


def walk(G, start_step, moves, start=None):
    """Take the likeliest onward move ``moves`` times, as a trainee clicking through."""
    j = start_journey(G, start_step)
    for _ in range(moves):
        open_now = choices(G, j)
        if not open_now:
            break
        onward = [c for c in open_now if not c.repeat] or open_now
        j = advance(G, j, max(onward, key=lambda c: c.share or 0.0), start=start)
    return j


def test_a_prebirth_clock_on_an_ordinary_journey_is_closed_not_overdue(care) -> None:
    j = walk(care, "concern_raised", 40)
    (pre,) = [c for c in clock(care, j) if c.timescale.to == "prebirth_cppm"]
    assert pre.status == CLOSED and j.today > pre.due_day


def test_an_unused_window_is_not_overdue(care) -> None:
    # The 2-working-day application to the sheriff after the CPO is continued: a right.
    j = walk(care, "cpo_granted", 12, start=DEFAULT_START)
    (app,) = [c for c in clock(care, j) if c.timescale.to == "cpo_sheriff_application"]
    assert app.status == "withheld" and "right, not a duty" in app.note


def test_a_fixed_day_hearing_lands_on_its_working_day_from_a_friday(care) -> None:
    # Removed Friday 9 January 2026: the second working day after is Tuesday 13 January
    # (the weekend is not counted, s.202), not Sunday 11 as 2 calendar days would say.
    friday = dt.date(2026, 1, 9)
    j = walk(care, "cpo_granted", 4, start=friday)
    (hearing,) = [c for c in clock(care, j, friday)
                  if c.timescale.to == "second_working_day_hearing"]
    assert (hearing.status, hearing.due, hearing.done) == ("met", dt.date(2026, 1, 13),
                                                          dt.date(2026, 1, 13))


def test_the_flows_likely_timings_are_never_too_early(care) -> None:
    for start in (DEFAULT_START, dt.date(2026, 1, 9), dt.date(2026, 12, 24)):
        j = walk(care, "cpo_granted", 30, start=start)
        assert not [c for c in clock(care, j, start) if c.status == "too_early"], start


def test_moving_the_start_date_redates_every_clock(care) -> None:
    j = walk(care, "cpo_granted", 4, start=DEFAULT_START)
    a = {c.timescale.to: c.due for c in clock(care, j, DEFAULT_START)}
    b = {c.timescale.to: c.due for c in clock(care, j, dt.date(2027, 3, 1))}
    assert a.keys() == b.keys() and all(a[k] != b[k] for k in a)

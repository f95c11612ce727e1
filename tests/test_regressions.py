"""Regressions found by a correctness review: each test pins one bug that is now fixed.

The docstrings describe the bug as it was found."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from explorer.cases.tracking import read_caseload
from explorer.graph import flow_graph
from explorer.io.load import load_flows
from explorer.learning.journey import advance, choices, clock, start_journey
from explorer.learning.quiz import make_quiz, timescale_questions


@pytest.fixture(scope="module")
def shipped():
    return load_flows()


def _take(G, j, to, days):
    choice = next(c for c in choices(G, j) if c.to == to)
    return advance(G, j, choice, days)


# -- tracking: CSV reading ---------------------------------------------------------------


def test_caseload_of_only_empty_cells_is_a_problem_not_a_crash() -> None:
    """read_caseload promises "bad input never raises". A file of empty cells (what Excel
    writes for a blank but formatted sheet: ",,,\\r\\n" lines) passes the ``text.strip()``
    emptiness check, every record is skipped as a blank header candidate, ``header``
    stays None and ``assert header is not None`` raises AssertionError (and under
    ``python -O`` it would go on to crash in _build with a TypeError)."""
    load = read_caseload(b",,,\r\n,,,\r\n", as_of=dt.date(2026, 2, 9))
    assert load.fatal


# -- journey: clocks into a recurring step ------------------------------------------------


def test_clock_is_closed_by_the_first_visit_after_it_started_not_a_later_round(
        shipped) -> None:
    """The 6-month clock lac_review_2 -> lac_review (LAC (Scotland) Regs 2009 reg 45) is
    met by the first later LAC review. clock() uses journey.day_of(b), the *last* visit,
    so when the review recurs (permanence_decision -> lac_review is a repeat edge) a
    later round re-closes the old clock and flips it from met to missed."""
    G = flow_graph(shipped, "permanence")
    j = start_journey(G, "lac_review_2")
    j = _take(G, j, "second_review_decision", 0)
    j = _take(G, j, "concurrency_planning", 0)
    j = _take(G, j, "concurrency_join", 100)  # permanence_options_work track
    j = _take(G, j, "concurrency_join", 100)  # return_home_work track -> join, lac_review
    assert j.day_of("lac_review") == 100
    first = next(c for c in clock(G, j)
                 if (c.timescale.from_, c.timescale.to) == ("lac_review_2", "lac_review"))
    assert first.status == "met"
    j = _take(G, j, "permanence_decision", 0)
    j = _take(G, j, "lac_review", 180)  # the next 6-monthly review, day 280
    item = next(c for c in clock(G, j)
                if (c.timescale.from_, c.timescale.to) == ("lac_review_2", "lac_review"))
    assert item.done_day == 100
    assert item.status == "met"


def test_fixed_day_step_held_before_its_day_is_too_early_on_a_journey(shipped) -> None:
    """A statutory_fixed timescale ("on the 2nd working day after", CHSA 2011 s.45/s.46)
    fixes a day, not a latest day: a hearing on the day of removal is not on the 2nd
    working day after it. tracking.track calls this too_early; journey.clock treats
    statutory_fixed like a maximum and calls it met (ClockItem documents too_early)."""
    G = flow_graph(shipped, "care-and-protection")
    ts = next(t for t in G.graph["timescales"] if t.kind == "statutory_fixed"
              and t.to.endswith("second_working_day_hearing"))
    start = ts.from_.split(":")[-1]
    j = start_journey(G, start)
    # Reach the hearing on the same day as the FROM step, by the shortest walk.
    import networkx as nx
    path = nx.shortest_path(G, start, "second_working_day_hearing")
    for step in path[1:]:
        j = _take(G, j, step, 0)
    item = next(c for c in clock(G, j) if c.timescale is ts)
    assert item.done_day == 0
    assert item.status == "too_early"


# -- quiz ---------------------------------------------------------------------------------


def test_the_same_question_never_has_two_different_right_answers(shipped) -> None:
    """placement -> lac_review_1 has two current statutory maxima with different
    applies_when (6 weeks under reg 45(1); 3 months for short-term placements under
    reg 45(3)). The question text omits the condition, so the quiz asks the identical
    question "How soon after 'Placement' must 'First looked-after review' happen?" with
    'within 6 weeks' right in one and 'within 3 months' right in the other."""
    answers: dict[str, set[str]] = defaultdict(set)
    for fid in shipped.flows:
        for q in timescale_questions(shipped, fid):
            answers[q.text].add(q.answer)
    ambiguous = {t: a for t, a in answers.items() if len(a) > 1}
    assert not ambiguous


def test_a_quiz_does_not_ask_the_same_question_twice(shipped) -> None:
    """adm_decision -> adm_notification is modelled twice (reg 14(1) and 14(2), both
    7 days); each becomes a question with identical text and answer, so a quiz drawn
    from the pool can ask it twice."""
    qs = make_quiz(shipped, "permanence", n=1000, seed=0)
    asked = [(q.text, q.answer) for q in qs]
    assert len(asked) == len(set(asked))

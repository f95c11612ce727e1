"""The quiz is generated from the flows, and every answer cites its source."""

from __future__ import annotations

from explorer.learning.quiz import make_quiz, timescale_questions
from explorer.model.flowset import FlowSet


def test_every_question_offers_its_answer_among_distinct_options(shipped) -> None:
    for q in timescale_questions(shipped, "all"):
        assert q.answer in q.options
        assert len(set(q.options)) == len(q.options) >= 2


def test_every_answer_names_its_legal_source(shipped) -> None:
    for q in timescale_questions(shipped, "all"):
        assert q.source and q.source in q.explanation


def test_grounds_hearing_question_answers_eight_working_days_under_s54(shipped) -> None:
    qs = [q for q in timescale_questions(shipped, "care-and-protection")
          if "place of safety" in q.text.lower() and "grounds hearing" in q.text.lower()
          and q.answer.startswith("within")]
    assert qs and qs[0].answer == "within 8 working days" and "s.54" in qs[0].source


def test_same_seed_gives_the_same_quiz(shipped) -> None:
    assert make_quiz(shipped, n=5, seed=7) == make_quiz(shipped, n=5, seed=7)


def test_different_seeds_give_different_quizzes(shipped) -> None:
    assert make_quiz(shipped, n=5, seed=1) != make_quiz(shipped, n=5, seed=2)


def test_distractors_share_the_answers_unit_and_form(shipped: FlowSet) -> None:
    from explorer.learning.quiz import timescale_questions

    for q in timescale_questions(shipped, "all"):
        unit = q.answer.split()[-1].rstrip("s")
        head = q.answer.rsplit(" ", 2)[0].split()[0]
        for wrong in q.options[1:]:
            assert wrong.split()[-1].rstrip("s") == unit, (q.answer, wrong)
            assert wrong.split()[0] == head, (q.answer, wrong)


def test_distractors_are_near_the_answer(shipped: FlowSet) -> None:
    from explorer.learning.quiz import timescale_questions

    def number(x: str) -> float:
        return float(next(t for t in x.split() if t.replace(".", "").isdigit()))

    for q in timescale_questions(shipped, "all"):
        right = number(q.answer)
        assert all(right / 4 <= number(w) <= right * 4 for w in q.options[1:]), q.options


def test_no_question_gives_its_answer_away(shipped: FlowSet) -> None:
    from explorer.learning.quiz import timescale_questions

    texts = [q.text for q in timescale_questions(shipped, "all")]
    # The second working day hearing and the 3-day appeal would answer themselves.
    assert not any("Second working day hearing" in t for t in texts)
    assert not any("3-day appeal" in t and "within 3 days" in t for t in texts)

"""A quiz generated from the flows: every question's answer comes with its source.

Questions are made from the current timescales that carry a number and a legal
basis ("How soon after the child is removed to a place of safety must the grounds
hearing sit?"), and from who decides at decision steps. The same seed gives the same
quiz.

>>> from explorer.io.load import load_flows
>>> qs = make_quiz(load_flows(), n=3, seed=1)
>>> len(qs), qs[0].answer in qs[0].options
(3, True)
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from dataclasses import dataclass

from explorer.graph import flow_graph, step_id
from explorer.model import Timescale
from explorer.model.flowset import FlowSet
from explorer.model.kinds import KIND_WORDS
from explorer.model.wording import cite, describe_limit


@dataclass(frozen=True)
class Question:
    """One multiple-choice question, its answer, and why."""

    flow: str
    text: str
    options: tuple[str, ...]
    answer: str
    explanation: str
    source: str


#: Values a period is commonly set at, per unit: distractors come from these and from the
#: flows' own limits in the same unit, the nearest to the right answer first.
COMMON_VALUES: dict[str, tuple[float, ...]] = {
    "hours": (6, 12, 24, 36, 48, 72),
    "days": (1, 2, 3, 5, 7, 10, 14, 21, 28, 35, 42, 56),
    "working_days": (1, 2, 3, 5, 8, 10, 15),
    "weeks": (1, 2, 4, 6, 8, 12, 13, 16, 26),
    "months": (1, 2, 3, 4, 6, 9, 12, 18),
    "years": (1, 2, 3, 4),
}
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                 "nine", "ten", "eleven", "twelve", "thirteen")
_ORDINAL_WORDS = ("zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                  "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth")


def distractors(ts: Timescale, known: dict[str, set[float]], n: int = 3) -> list[str]:
    """``n`` wrong answers in the same unit and the same form, with nearby values.

    Candidates are the flows' own limits in that unit and :data:`COMMON_VALUES`; the
    nearest to the right value (by ratio) come first, so "within 8 working days" is
    set against "within 5", "within 10" and "within 3 working days", never "1 year".

    >>> from explorer.model import Timescale
    >>> ts = Timescale.model_validate({"from": "a", "to": "b", "limit": 8,
    ...     "unit": "working_days", "kind": "statutory_max", "confidence": "high"})
    >>> distractors(ts, {})
    ['within 10 working days', 'within 5 working days', 'within 15 working days']
    """
    assert ts.limit is not None and ts.unit is not None
    right = float(ts.limit)
    pool = set(COMMON_VALUES.get(ts.unit, ())) | known.get(ts.unit, set())
    pool = {v for v in pool if v > 0 and v != right}
    ranked = sorted(pool, key=lambda v: (abs(math.log(v / right)), v))
    return [describe_limit(ts.model_copy(update={"limit": v})) for v in ranked[:n]]


def gives_away(ts: Timescale, text: str) -> bool:
    """True when the question's wording states the answer's number (as "8", "eight" or
    "eighth"): a step named "Second working day hearing" answers "on the 2nd working day".

    >>> from explorer.model import Timescale
    >>> ts = Timescale.model_validate({"from": "a", "to": "b", "limit": 2,
    ...     "unit": "working_days", "kind": "statutory_fixed", "confidence": "high"})
    >>> gives_away(ts, "When must 'Second working day hearing' take place?")
    True
    """
    if ts.limit is None:
        return False
    value = float(ts.limit)
    words = [f"{value:g}"]
    if value.is_integer() and int(value) < len(_NUMBER_WORDS):
        words += [_NUMBER_WORDS[int(value)], _ORDINAL_WORDS[int(value)]]
    return any(re.search(rf"(?<![\w.]){re.escape(w)}(?![\w])", text, re.IGNORECASE)
               for w in words)


def timescale_questions(fs: FlowSet, flow_id: str) -> list[Question]:
    """One question for each current, numbered, cited timescale of a flow.

    Wrong options are :func:`distractors` (same unit, same form, nearby values); a
    question whose wording would give its answer away (:func:`gives_away`) is left out.
    """
    sources = fs.sources
    G = flow_graph(fs, flow_id)
    pool = [ts for ts in G.graph["timescales"]
            if ts.status == "current" and ts.limit is not None and ts.legal_basis]
    known: dict[str, set[float]] = {}
    for ts in pool:
        if ts.unit is not None and ts.limit is not None:
            known.setdefault(ts.unit, set()).add(float(ts.limit))
    pairs = Counter((step_id(ts.from_), step_id(ts.to)) for ts in pool)
    out = []
    for ts in pool:
        a, b = step_id(ts.from_), step_id(ts.to)
        if a not in G or b not in G or ts.unit is None:
            continue
        right = describe_limit(ts)
        wrong = [w for w in distractors(ts, known) if w != right]
        text = _question_text(ts, G.nodes[a]["name"], G.nodes[b]["name"])
        if ts.applies_when and pairs[(a, b)] > 1:
            # Two rules on one pair differ by when they apply: the question must say which.
            text += f" (Where this applies: {ts.applies_when.rstrip('.')}.)"
        if gives_away(ts, text) or len(wrong) < 3:
            continue
        basis = "; ".join(cite(lb, sources) for lb in ts.legal_basis)
        explanation = (f"{right} ({KIND_WORDS[ts.kind]}), {basis}."
                       + (f" {ts.consequence}" if ts.consequence else ""))
        out.append(Question(flow_id, text, (right, *wrong[:3]), right, explanation, basis))
    return out


def make_quiz(fs: FlowSet, flow_id: str = "all", n: int = 10, seed: int = 0) -> list[Question]:
    """``n`` questions drawn at random (by ``seed``) with shuffled options."""
    rng = random.Random(seed)
    # One question a wording and answer: a rule modelled twice is asked once.
    pool = list({(q.text, q.answer): q for q in timescale_questions(fs, flow_id)}.values())
    picked = rng.sample(pool, min(n, len(pool)))
    out = []
    for q in picked:
        options = list(q.options)
        rng.shuffle(options)
        out.append(Question(q.flow, q.text, tuple(options), q.answer, q.explanation, q.source))
    return out


def _question_text(ts: Timescale, a: str, b: str) -> str:
    if ts.kind == "statutory_min":
        return f"What is the least time the law requires between '{a}' and '{b}'?"
    if ts.kind == "statutory_fixed":
        return f"When must '{b}' take place, counting from '{a}'?"
    if ts.kind in ("guidance_target", "local_target"):
        return f"What does guidance expect as the time from '{a}' to '{b}'?"
    return f"How soon after '{a}' must '{b}' happen?"


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

import random
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


def timescale_questions(fs: FlowSet, flow_id: str) -> list[Question]:
    """One question for each current, numbered, cited timescale of a flow."""
    sources = fs.sources
    G = flow_graph(fs, flow_id)
    pool = [ts for ts in G.graph["timescales"]
            if ts.status == "current" and ts.limit is not None and ts.legal_basis]
    answers = sorted({describe_limit(ts) for ts in pool})
    pairs = Counter((step_id(ts.from_), step_id(ts.to)) for ts in pool)
    out = []
    for ts in pool:
        a, b = step_id(ts.from_), step_id(ts.to)
        if a not in G or b not in G:
            continue
        right = describe_limit(ts)
        wrong = [x for x in answers if x != right and _same_family(x, right)]
        if len(wrong) < 3:
            wrong += [x for x in answers if x != right and x not in wrong]
        text = _question_text(ts, G.nodes[a]["name"], G.nodes[b]["name"])
        if ts.applies_when and pairs[(a, b)] > 1:
            # Two rules on one pair differ by when they apply: the question must say which.
            text += f" (Where this applies: {ts.applies_when.rstrip('.')}.)"
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


def _same_family(x: str, y: str) -> bool:
    return x.split(" ")[0] == y.split(" ")[0]

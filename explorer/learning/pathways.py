"""Pathways from one step, for panel members: what can be decided, what follows, which clocks run.

``pathway(fs, G, step)`` gathers, for any step (typically a hearing):

- the **decisions** that follow it: the first decision steps reached through events
  (a hearing "decides" at the decision step after it), and the decisions those
  lead to directly (at a grounds hearing: accepted, not accepted, not understood);
  each with its options (label, share), what follows each option and the chance of
  each end from there (:func:`explorer.analysis.reach.outcome_probabilities`);
- the **deadlines**: current timescales into and out of the step and those that
  start or end at the steps that follow, each with its rule, kind, consequence,
  citations and confidence;
- who may attend, what the child and family can do, and, for a step that gives
  advice (an advice hearing), what that advice means, quoted from the flow's own
  description and legal basis (nothing is written here that the flow does not say).

Everything here is pure (no Streamlit) and returns frozen dataclasses.

>>> from explorer.io.load import load_flows
>>> from explorer.graph import flow_graph
>>> fs = load_flows()
>>> G = flow_graph(fs, "care-and-protection")
>>> p = pathway(fs, G, "grounds_hearing")
>>> [d.step for d in p.decisions][:2]
['grounds_response', 'grounds_accepted_disposal']
>>> any(d.rule == "within 8 working days" for d in pathway(fs, G, "place_of_safety").deadlines)
True
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

import networkx as nx

from explorer.analysis.reach import NextStep, next_steps, outcome_probabilities
from explorer.graph import resolve_step, step_id
from explorer.model import LegalBasis, Source, Timescale
from explorer.model.flowset import FlowSet
from explorer.model.kinds import CONFIDENCE_WORDS, KIND_WORDS
from explorer.model.wording import citation_url, cite, describe_limit

#: The tag that marks a hearing (and a hearing's decisions) in the flows.
HEARING_TAG = "hearing"
#: Hearings panel members ask about most, offered as quick picks when the flows have them.
QUICK_STEPS: tuple[str, ...] = ("grounds_hearing", "cso_review_hearing", "advice_hearing")
#: How many events may sit between a step and the decision it leads to (a hearing's
#: decision is often recorded as "decision and reasons given" before the next choice).
MAX_EVENT_HOPS = 3
#: Words that mark a step as one that advises a court (the s.141 report of an advice hearing).
_ADVICE = re.compile(r"\badvi[cs]", re.IGNORECASE)
_ADVICE_DETAIL = re.compile(r"advi[cs]|report|court|regard", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


@dataclass(frozen=True)
class Citation:
    """A legal basis as a person reads it, with the most specific link known."""

    text: str
    url: str | None
    note: str | None


@dataclass(frozen=True)
class Outcome:
    """An end reachable from an option, with the chance of ending there."""

    step: str
    name: str
    probability: float
    #: The flow the end belongs to when it lies outside the graph's own flows.
    external_flow: str | None


@dataclass(frozen=True)
class Option:
    """One exit of a decision: where it leads and what follows."""

    step: str
    name: str
    kind: str
    label: str | None
    share: float | None
    share_basis: str | None
    repeat: bool
    #: What can happen straight after the option's step (empty at an outcome).
    then: tuple[NextStep, ...]
    outcomes: tuple[Outcome, ...]


@dataclass(frozen=True)
class Decision:
    """A decision step that follows the chosen step, with its options."""

    step: str
    name: str
    description: str
    decided_by: str
    #: Steps passed on the way from the chosen step (empty when it is the step itself).
    via: tuple[str, ...]
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Deadline:
    """A timescale that applies around the chosen step."""

    timescale: Timescale
    #: "into this step", "out of this step" or "at a step that follows".
    relation: str
    from_step: str
    from_name: str
    to_step: str
    to_name: str
    rule: str
    kind: str
    consequence: str | None
    applies_when: str | None
    citations: tuple[Citation, ...]
    confidence: str
    confidence_words: str

    @property
    def unverified(self) -> bool:
        return self.confidence == "low"


@dataclass(frozen=True)
class Advice:
    """What a step's advice to a court means, in the flow's own words."""

    #: Sentences of the step's description about the advice, the report or the court.
    sentences: tuple[str, ...]
    citations: tuple[Citation, ...]
    #: (name, description) of the steps that follow and carry the advice on.
    then: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Pathway:
    """Everything a panel member may want to know about one step."""

    step: str
    name: str
    kind: str
    flow: str | None
    description: str
    decided_by: str | None
    attendees: tuple[str, ...]
    child_and_family: str | None
    citations: tuple[Citation, ...]
    next: tuple[NextStep, ...]
    decisions: tuple[Decision, ...]
    outcomes: tuple[Outcome, ...]
    deadlines: tuple[Deadline, ...]
    advice: Advice | None


def hearing_steps(G: nx.DiGraph) -> list[str]:
    """Meetings and decisions tagged ``hearing`` (not external ones), by name.

    >>> from explorer.io.load import load_flows
    >>> from explorer.graph import flow_graph
    >>> "grounds_hearing" in hearing_steps(flow_graph(load_flows(), "care-and-protection"))
    True
    """
    return sorted((n for n, d in G.nodes(data=True)
                   if d["kind"] in ("meeting", "decision") and not d.get("external")
                   and HEARING_TAG in d["step"].tags),
                  key=lambda n: (str(G.nodes[n]["name"]).casefold(), n))


def default_step(G: nx.DiGraph) -> str | None:
    """The step to show first: a quick pick, else the first hearing, else the first step."""
    for s in QUICK_STEPS:
        if s in G and not G.nodes[s].get("external"):
            return s
    hearings = hearing_steps(G)
    if hearings:
        return hearings[0]
    return min(G.nodes, default=None)


def lane_name(fs: FlowSet, G: nx.DiGraph, lane: str) -> str:
    """A lane's name, looked up in the flow that owns it (lane ids repeat across flows)."""
    flows = fs.flows
    for fid in G.graph.get("flows", []):
        for li in flows[fid].lanes:
            if li.id == lane:
                return li.name
    for flow in flows.values():
        for li in flow.lanes:
            if li.id == lane:
                return li.name
    return lane


def citations(basis: list[LegalBasis], sources: dict[str, Source]) -> tuple[Citation, ...]:
    return tuple(Citation(cite(lb, sources), citation_url(lb, sources), lb.note) for lb in basis)


def decisions_after(G: nx.DiGraph, step: str) -> list[tuple[str, tuple[str, ...]]]:
    """The decision steps a step leads to, each with the steps passed on the way.

    The step itself when it is a decision; else the first decisions reached through
    at most :data:`MAX_EVENT_HOPS` events. Then the decisions those lead to directly
    (an option that is itself a decision). Repeat edges are not followed: they go
    back to a step already shown.
    """
    s = resolve_step(G, step)
    first: list[tuple[str, tuple[str, ...]]] = []
    if G.nodes[s]["kind"] == "decision":
        first.append((s, ()))
    else:
        queue: deque[tuple[str, tuple[str, ...]]] = deque([(s, ())])
        seen = {s}
        while queue:
            node, via = queue.popleft()
            for _, nxt, repeat in sorted(G.out_edges(node, data="repeat"), key=lambda e: e[1]):
                if repeat or nxt in seen or G.nodes[nxt].get("external"):
                    continue
                seen.add(nxt)
                kind = G.nodes[nxt]["kind"]
                if kind == "decision":
                    first.append((nxt, via))
                elif kind == "event" and len(via) < MAX_EVENT_HOPS:
                    queue.append((nxt, (*via, nxt)))
    out = list(first)
    listed = {d for d, _ in out}
    for d, via in first:
        for n in next_steps(G, d):
            if n.kind == "decision" and not n.repeat and n.step not in listed:
                if G.nodes[n.step].get("external"):
                    continue
                listed.add(n.step)
                out.append((n.step, (*via, d)))
    return out


def _outcomes(G: nx.DiGraph, step: str) -> tuple[Outcome, ...]:
    probs = outcome_probabilities(G, step)
    return tuple(Outcome(n, str(G.nodes[n]["name"]), p,
                         G.nodes[n]["flow"] if G.nodes[n].get("external") else None)
                 for n, p in probs.items())


def _decision(fs: FlowSet, G: nx.DiGraph, d: str, via: tuple[str, ...]) -> Decision:
    node = G.nodes[d]
    s = node["step"]
    options = []
    for n in next_steps(G, d):
        terminal = G.nodes[n.step]["kind"] == "outcome" or G.nodes[n.step].get("external")
        options.append(Option(
            step=n.step, name=n.name, kind=n.kind, label=n.label, share=n.share,
            share_basis=n.share_basis, repeat=n.repeat,
            then=() if terminal else tuple(next_steps(G, n.step)),
            outcomes=_outcomes(G, n.step)))
    return Decision(step=d, name=s.name, description=s.description,
                    decided_by=lane_name(fs, G, s.decided_by or s.lane), via=via,
                    options=tuple(options))


def _key(ts: Timescale) -> tuple[object, ...]:
    return (ts.id, ts.from_, ts.to, ts.limit, ts.unit, ts.kind)


def _deadline(G: nx.DiGraph, ts: Timescale, relation: str,
              sources: dict[str, Source]) -> Deadline:
    a, b = step_id(ts.from_), step_id(ts.to)
    return Deadline(
        timescale=ts, relation=relation, from_step=a,
        from_name=str(G.nodes[a]["name"]) if a in G else a, to_step=b,
        to_name=str(G.nodes[b]["name"]) if b in G else b, rule=describe_limit(ts),
        kind=KIND_WORDS.get(ts.kind, ts.kind), consequence=ts.consequence,
        applies_when=ts.applies_when, citations=citations(ts.legal_basis, sources),
        confidence=ts.confidence, confidence_words=CONFIDENCE_WORDS.get(ts.confidence,
                                                                        ts.confidence))


def deadlines(fs: FlowSet, G: nx.DiGraph, step: str, following: set[str]) -> list[Deadline]:
    """Current timescales into and out of ``step``, then those at the ``following`` steps."""
    s = resolve_step(G, step)
    sources = fs.sources
    current = [ts for ts in G.graph["timescales"] if ts.status == "current"]
    out: list[Deadline] = []
    seen: set[tuple[object, ...]] = set()
    # Into, then out of, then around the steps that follow: the order a panel member
    # reads them in (how the case got here, what this step must do, what comes next).
    passes = (("into this step", lambda a, b: b == s),
              ("out of this step", lambda a, b: a == s),
              ("at a step that follows", lambda a, b: a in following or b in following))
    for relation, test in passes:
        for ts in current:
            a, b = step_id(ts.from_), step_id(ts.to)
            if _key(ts) in seen or not test(a, b):
                continue
            seen.add(_key(ts))
            out.append(_deadline(G, ts, relation, sources))
    return out


def advice(fs: FlowSet, G: nx.DiGraph, step: str) -> Advice | None:
    """What the step's advice to a court means, quoted from the flow; None if it gives none.

    A step gives advice when its name or description speaks of advice. The meaning is
    the flow's own: the sentences of its description about the advice, report or court,
    the legal bases whose note or provision says so, and the steps just after it that
    carry the advice on (the report sent, what the advice leads to).
    """
    s = G.nodes[resolve_step(G, step)]["step"]
    if not (_ADVICE.search(s.name) or _ADVICE.search(s.description)):
        return None
    sources = fs.sources
    sentences = tuple(x for x in _SENTENCE.split(s.description) if _ADVICE_DETAIL.search(x))
    basis = [lb for lb in s.legal_basis
             if _ADVICE_DETAIL.search(f"{lb.provision} {lb.note or ''}") or "141" in lb.provision]
    then: list[tuple[str, str]] = []
    frontier, seen = [s.id], {s.id}
    for _ in range(2):  # two steps on: the report sent, then what the advice leads to
        nxt_frontier = []
        for node in frontier:
            for _, nxt, repeat in sorted(G.out_edges(node, data="repeat"), key=lambda e: e[1]):
                if repeat or nxt in seen:
                    continue
                seen.add(nxt)
                st = G.nodes[nxt]["step"]
                if _ADVICE.search(st.name) or _ADVICE.search(st.description) or re.search(
                        r"report", st.name, re.IGNORECASE):
                    then.append((st.name, st.description))
                    nxt_frontier.append(nxt)
        frontier = nxt_frontier
    return Advice(sentences, citations(basis, sources), tuple(then))


def pathway(fs: FlowSet, G: nx.DiGraph, step: str) -> Pathway:
    """Everything about ``step`` for the Pathways page; FlowError if the step is unknown."""
    s_id = resolve_step(G, step)
    node = G.nodes[s_id]
    s = node["step"]
    sources = fs.sources
    nxt = tuple(next_steps(G, s_id))
    decs = tuple(_decision(fs, G, d, via) for d, via in decisions_after(G, s_id))
    following = {n.step for n in nxt} | {d.step for d in decs} | {
        o.step for d in decs for o in d.options if not o.repeat}
    following.discard(s_id)
    return Pathway(
        step=s_id, name=s.name, kind=s.kind, flow=node.get("flow"), description=s.description,
        decided_by=lane_name(fs, G, s.decided_by) if s.decided_by else None,
        attendees=tuple(s.attendees), child_and_family=s.child_and_family,
        citations=citations(s.legal_basis, sources), next=nxt, decisions=decs,
        outcomes=_outcomes(G, s_id), deadlines=tuple(deadlines(fs, G, s_id, following)),
        advice=advice(fs, G, s_id))

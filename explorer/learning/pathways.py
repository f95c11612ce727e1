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

import datetime as dt
import re
from collections import deque
from dataclasses import dataclass, field

import networkx as nx

from explorer.analysis.prepare import prepare
from explorer.analysis.reach import NextStep, exit_weights, next_steps
from explorer.cases.calendar import due_date, earliest_date
from explorer.graph import ALL, flow_graph, resolve_step, step_id
from explorer.model import LegalBasis, Source, Timescale
from explorer.model.flowset import FlowSet
from explorer.model.kinds import CONFIDENCE_WORDS, KIND_WORDS, MIN_KINDS
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
class Right:
    """Something the child or a relevant person may do after the step, and by when.

    Taken from the flows' own timescales: a current, numbered rule with an end tagged
    ``appeal`` or a step the child and family take. Nothing here is written from law
    outside the flows.
    """

    timescale: Timescale
    #: What the rule is about: the name of the step it runs to.
    what: str
    from_step: str
    from_name: str
    to_step: str
    to_name: str
    rule: str
    #: True for a statutory minimum: the earliest day they may act, not the last.
    earliest: bool
    consequence: str | None
    applies_when: str | None
    citations: tuple[Citation, ...]

    def deadline(self, start: dt.date) -> dt.date:
        """The day on the real calendar, the clock starting on ``start`` (CHSA s.202
        working days, calendar months as the law counts them).

        >>> from explorer.io.load import load_flows
        >>> from explorer.graph import flow_graph
        >>> fs = load_flows()
        >>> G = flow_graph(fs, "care-and-protection")
        >>> r = next(r for r in rights(fs, G, "grounds_hearing") if r.rule == "within 21 days")
        >>> r.deadline(dt.date(2026, 3, 2))
        datetime.date(2026, 3, 22)
        """
        ts = self.timescale
        assert ts.limit is not None and ts.unit is not None  # rights() keeps numbered rules
        fn = earliest_date if self.earliest else due_date
        return fn(start, ts.limit, ts.unit, ts.counting)


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
    #: What the child and relevant persons can do next, with its time limit.
    rights: tuple[Right, ...] = ()
    #: Sentences of the step's description saying what its decision maker can do.
    powers: tuple[str, ...] = field(default=())


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
    """Where it can end from ``step``: :func:`ending_chances` on the whole system when
    ``G`` carries it (``G.graph["whole"]``, set by :func:`pathway`), else on ``G``."""
    W = G.graph.get("whole")
    if W is not None and step in W:
        return ending_chances(W, step)
    return ending_chances(G, step)


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


#: Steps passed looking for the rights a step's decision gives (a hearing's decision,
#: the order it makes, the appeal choice, the appeal): enough to reach the appeal.
RIGHTS_DEPTH = 8
#: The tag of the steps of an appeal in the flows.
APPEAL_TAG = "appeal"


def _family_lane(lane: str) -> bool:
    # The lane where the child and family act (its id names them in every flow).
    return "family" in lane


def decision_region(G: nx.DiGraph, step: str, *, depth: int = RIGHTS_DEPTH) -> list[str]:
    """The step and what its decision leads to, up to the next sitting of a hearing or court.

    Breadth first, stopping at another ``meeting`` (a later hearing has rights of its
    own) and after ``depth`` steps. Repeat transitions are followed too: a review's
    decision to continue or vary the order is one (it goes back to the order in force),
    and the appeal against it starts there.
    """
    s = resolve_step(G, step)
    out, seen = [s], {s}
    queue: deque[tuple[str, int]] = deque([(s, 0)])
    while queue:
        node, d = queue.popleft()
        if d >= depth:
            continue
        for nxt in sorted(G.successors(node)):
            if nxt in seen or G.nodes[nxt].get("external"):
                continue
            seen.add(nxt)
            out.append(nxt)
            if G.nodes[nxt]["kind"] != "meeting" or APPEAL_TAG in G.nodes[nxt]["step"].tags:
                queue.append((nxt, d + 1))
    return out


def rights(fs: FlowSet, G: nx.DiGraph, step: str) -> list[Right]:
    """What the child and relevant persons can do after ``step``, each with its time limit.

    The current numbered timescales that start in the step's :func:`decision_region`
    and either run to a step the family takes or have an end tagged ``appeal``: at a
    hearing, the appeal to the sheriff (CHSA s.154), the 3-day appeals (s.157), the
    earliest day they may ask for a review (s.132), as the flows record them.

    >>> from explorer.io.load import load_flows
    >>> from explorer.graph import flow_graph
    >>> fs = load_flows()
    >>> rules = {r.rule for r in rights(fs, flow_graph(fs, "care-and-protection"),
    ...                                 "cso_review_hearing")}
    >>> "within 21 days" in rules and "within 3 days" in rules
    True
    """
    region = decision_region(G, step)
    inside = set(region)
    order = {n: i for i, n in enumerate(region)}
    out: list[Right] = []
    seen: set[tuple[object, ...]] = set()
    for ts in G.graph["timescales"]:
        if ts.status != "current" or ts.limit is None or _key(ts) in seen:
            continue
        a, b = step_id(ts.from_), step_id(ts.to)
        if a not in inside or b not in G:
            continue
        ends = (G.nodes[a], G.nodes[b])
        if not (_family_lane(str(ends[1]["lane"])) or any(
                APPEAL_TAG in e["step"].tags for e in ends)):
            continue
        seen.add(_key(ts))
        out.append(Right(
            timescale=ts, what=str(ends[1]["name"]),
            from_step=a, from_name=str(ends[0]["name"]), to_step=b,
            to_name=str(ends[1]["name"]), rule=describe_limit(ts),
            earliest=ts.kind in MIN_KINDS, consequence=ts.consequence,
            applies_when=ts.applies_when, citations=citations(ts.legal_basis, fs.sources)))
    return sorted(out, key=lambda r: (order.get(r.from_step, 0), r.rule))


def ending_chances(G: nx.DiGraph, step: str) -> tuple[Outcome, ...]:
    """Where journeys from ``step`` end, counting those that go round again.

    :func:`explorer.analysis.reach.outcome_probabilities` drops repeat transitions, so a
    review whose only other exit ends the order "ends" there 100% of the time. Here a
    repeat transition (the order continued and reviewed again, a deferral) is followed:
    the journeys are an absorbing Markov chain over every transition, each exit taken
    by its share (equal shares where none is given), and each end's chance is the
    chance of being absorbed there. Parallel tracks are passed as a whole (to their
    join), as elsewhere. On the whole-system graph this reaches the permanence outcomes
    from a hearing in care and protection. Journeys that could loop for ever (no end
    reachable) are left out, so the chances then sum to less than 1.

    >>> from explorer.io.load import load_flows
    >>> from explorer.graph import flow_graph
    >>> ends = ending_chances(flow_graph(load_flows(), "all"), "cso_review_hearing")
    >>> [o.name for o in ends if o.name == "CSO terminated"], ends[0].probability < 1
    (['CSO terminated'], True)
    """
    import numpy as np

    P = prepare(G)
    s = P.resolve(step)

    def exits(v: str) -> list[str]:
        if P.kind(v) == "parallel" and v in P.joins:
            return [P.joins[v]]
        return list(P.succ[v]) + sorted(b for _, b, r in G.out_edges(v, data="repeat") if r)

    order: list[str] = [s]
    index = {s: 0}
    for v in order:  # grows as it goes: every step reachable by any transition
        for c in exits(v):
            if c not in index:
                index[c] = len(order)
                order.append(c)
    ends = [v for v in order if not exits(v)]
    inner = [v for v in order if exits(v)]
    if s in ends:
        return (Outcome(s, str(G.nodes[s]["name"]), 1.0, G.nodes[s].get("flow")
                        if G.nodes[s].get("external") else None),)
    pos = {v: i for i, v in enumerate(inner)}
    col = {v: i for i, v in enumerate(ends)}
    Q = np.zeros((len(inner), len(inner)))
    R = np.zeros((len(inner), len(ends)))
    for v in inner:
        out = exits(v)
        weights = [1.0] if len(out) == 1 else exit_weights(G, v, out)
        for c, w in zip(out, weights, strict=True):
            if c in pos:
                Q[pos[v], pos[c]] += w
            else:
                R[pos[v], col[c]] += w
    try:
        absorbed = np.linalg.solve(np.eye(len(inner)) - Q, R)[pos[s]]
    except np.linalg.LinAlgError:  # a closed loop with no way out: use what ends
        absorbed = np.linalg.lstsq(np.eye(len(inner)) - Q, R, rcond=None)[0][pos[s]]
    found = sorted(((float(p), e) for e, p in zip(ends, absorbed, strict=True) if p > 1e-9),
                   key=lambda x: (-x[0], x[1]))
    return tuple(Outcome(e, str(G.nodes[e]["name"]), p,
                         G.nodes[e]["flow"] if G.nodes[e].get("external") else None)
                 for p, e in found)


_POWERS = re.compile(r"\b(can|may|must)\b", re.IGNORECASE)


def powers(description: str) -> tuple[str, ...]:
    """The sentences of a step's description that say what can (or must) be done there.

    >>> powers("A hearing reviews the order. The hearing can also end it.")
    ('The hearing can also end it.',)
    """
    return tuple(x for x in _SENTENCE.split(description) if _POWERS.search(x))


def pathway(fs: FlowSet, G: nx.DiGraph, step: str) -> Pathway:
    """Everything about ``step`` for the Pathways page; FlowError if the step is unknown."""
    s_id = resolve_step(G, step)
    node = G.nodes[s_id]
    s = node["step"]
    sources = fs.sources
    # The ends are looked for in the whole system: a hearing in care and protection
    # can end in adoption. A shallow copy carries the whole graph; G is not changed.
    if len(fs.flows) > 1 and not G.graph.get("whole"):
        try:
            whole = flow_graph(fs, ALL)
        except Exception:  # an invalid set of flows: the flow's own ends still show
            whole = None
        if whole is not None:
            G = nx.DiGraph(G)
            G.graph["whole"] = whole
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
        advice=advice(fs, G, s_id), rights=tuple(rights(fs, G, s_id)),
        powers=powers(s.description))

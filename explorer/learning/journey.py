"""Walk a child's journey through a flow step by step, with the legal clocks running.

A journey is immutable: each move returns a new one, so a page can keep it in its
session and a test can replay it. Tokens mark where the journey stands; a parallel
splits the journey into one token a track, and a join waits until no other token
can still reach it, then goes on at the latest track's day (as the law's clocks do).

>>> from explorer.io.load import load_flows
>>> from explorer.graph import flow_graph
>>> G = flow_graph(load_flows(), "care-and-protection")
>>> j = start_journey(G, "concern_raised")
>>> j.tokens
('concern_raised',)
>>> first = choices(G, j)[0]
>>> advance(G, j, first).visits[-1].step == first.to
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from explorer.graph import dag, resolve_step, step_id
from explorer.model import Estimate, Timescale
from explorer.model.problems import FlowError
from explorer.model.wording import describe_limit


@dataclass(frozen=True)
class Visit:
    """A step reached on a given day of the journey (day 0 is the start)."""

    step: str
    day: float


@dataclass(frozen=True)
class Choice:
    """A move the journey can make now: along the transition ``frm`` -> ``to``."""

    frm: str
    to: str
    label: str | None
    share: float | None
    likely_days: float | None
    repeat: bool


@dataclass(frozen=True)
class Journey:
    """Where a journey has been and where it stands."""

    visits: tuple[Visit, ...]
    tokens: tuple[str, ...]
    #: Tokens arrived at a join and waiting there, with their day.
    waiting: tuple[tuple[str, float], ...] = field(default=())

    def day_of(self, step: str) -> float | None:
        """The day a step was last reached, or None."""
        for v in reversed(self.visits):
            if v.step == step:
                return v.day
        return None

    @property
    def today(self) -> float:
        return max((v.day for v in self.visits), default=0.0)

    @property
    def finished(self) -> bool:
        return not self.tokens and not self.waiting


@dataclass(frozen=True)
class ClockItem:
    """One legal clock on the journey: started, and met, missed, pending or broken."""

    timescale: Timescale
    started_day: float
    due_day: float
    done_day: float | None
    status: str  # met | missed | pending | overdue | too_early
    rule: str


def start_journey(G: nx.DiGraph, start: str) -> Journey:
    """A journey standing at ``start`` on day 0."""
    s = resolve_step(G, start)
    return Journey(visits=(Visit(s, 0.0),), tokens=(s,))


def choices(G: nx.DiGraph, journey: Journey) -> list[Choice]:
    """Every move open now: each exit of each token's step (parallels split by themselves)."""
    out: list[Choice] = []
    for tok in journey.tokens:
        for _, to, data in sorted(G.out_edges(tok, data=True), key=lambda e: e[1]):
            share = data.get("share")
            out.append(Choice(tok, to, data.get("label"), share.value if share else None,
                              _likely(data.get("estimate")), bool(data.get("repeat"))))
    return out


def advance(G: nx.DiGraph, journey: Journey, choice: Choice, days: float | None = None
            ) -> Journey:
    """Take ``choice``, spending ``days`` (default: the transition's likely estimate, or 0).

    Raises :class:`FlowError` if the choice is not open now.
    """
    if choice.frm not in journey.tokens or not G.has_edge(choice.frm, choice.to):
        raise FlowError(f"cannot move from '{choice.frm}' to '{choice.to}' now")
    if days is not None and days < 0:
        raise FlowError("days must not be negative")
    start_day = journey.day_of(choice.frm) or 0.0
    day = start_day + (days if days is not None else (choice.likely_days or 0.0))
    tokens = list(journey.tokens)
    tokens.remove(choice.frm)
    visits = list(journey.visits)
    waiting = list(journey.waiting)
    _arrive(G, choice.to, day, tokens, visits, waiting)
    return _release_joins(G, Journey(tuple(visits), tuple(tokens), tuple(waiting)))


def _arrive(G: nx.DiGraph, node: str, day: float, tokens: list[str], visits: list[Visit],
            waiting: list[tuple[str, float]]) -> None:
    kind = G.nodes[node]["kind"]
    if kind == "join":
        waiting.append((node, day))
        return
    visits.append(Visit(node, day))
    if kind == "parallel":
        for _, nxt in sorted(G.out_edges(node)):
            _arrive(G, nxt, day, tokens, visits, waiting)
    elif kind != "outcome" and G.out_degree(node) > 0:
        tokens.append(node)


def _release_joins(G: nx.DiGraph, journey: Journey) -> Journey:
    D = dag(G)
    tokens, visits, waiting = list(journey.tokens), list(journey.visits), list(journey.waiting)
    changed = True
    while changed:
        changed = False
        for join in sorted({j for j, _ in waiting}):
            blocked = any(join in nx.descendants(D, t) for t in tokens) or any(
                join in nx.descendants(D, j) for j, _ in waiting if j != join)
            if blocked:
                continue
            day = max(d for j, d in waiting if j == join)
            waiting = [(j, d) for j, d in waiting if j != join]
            visits.append(Visit(join, day))
            for _, nxt in sorted(G.out_edges(join)):
                _arrive(G, nxt, day, tokens, visits, waiting)
            changed = True
            break
    return Journey(tuple(visits), tuple(tokens), tuple(waiting))


def clock(G: nx.DiGraph, journey: Journey) -> list[ClockItem]:
    """The legal clocks a journey has started, each with its status on the journey's day.

    Days are calendar days (working days approximated as 7/5 calendar days): this is
    a learning walk; case tracking counts time exactly (``explorer.tracking``).
    """
    items: list[ClockItem] = []
    today = journey.today
    for ts in G.graph["timescales"]:
        if ts.status != "current" or ts.limit_days is None:
            continue
        a, b = step_id(ts.from_), step_id(ts.to)
        started = journey.day_of(a)
        if started is None:
            continue
        # The first visit after the clock started closes it: a later round of a
        # recurring step (the next review) must not reopen it as missed.
        done = min((v.day for v in journey.visits if v.step == b
                    and (v.day > started or (v.day == started and b != a))), default=None)
        due = started + ts.limit_days
        if ts.kind == "statutory_min":
            status = ("too_early" if done < due else "met") if done is not None else "pending"
        elif done is not None and ts.kind == "statutory_fixed" and done < due:
            status = "too_early"  # held before the day the law fixes
        elif done is not None:
            status = "met" if done <= due else "missed"
        else:
            status = "overdue" if today > due else "pending"
        items.append(ClockItem(ts, started, due, done, status, describe_limit(ts)))
    return items


def _likely(estimate: Estimate | str | None) -> float | None:
    return estimate.likely if isinstance(estimate, Estimate) else None

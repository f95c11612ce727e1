"""Walk a child's journey through a flow step by step, with the legal clocks running.

A journey is immutable: each move returns a new one, so a page can keep it in its
session and a test can replay it. Tokens mark where the journey stands; a parallel
splits the journey into one token a track, and a join waits until no other token
can still reach it, then goes on at the latest track's day (as the law's clocks do).

The clocks are the case tracker's (:mod:`explorer.cases.tracking`), not a copy: the
journey is dated on a real calendar from a start date, read as an event log of one
child, and tracked. Working days are counted as CHSA 2011 s.202 counts them, an unused
window (an appeal, an application to the sheriff) is never overdue, and the clock of a
step the journey can no longer reach (a branch not taken) is closed, not overdue.

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

import datetime as dt
import math
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from explorer.cases.calendar import due_date
from explorer.cases.caseload import Caseload
from explorer.cases.tracking import graph_rules, track
from explorer.graph import dag, resolve_step, step_id
from explorer.model import Estimate, Timescale
from explorer.model.kinds import WITHHELD
from explorer.model.problems import FlowError

#: The start date of a journey when none is chosen: a Monday, so that a walk reads the
#: same in every test and every year.
DEFAULT_START = dt.date(2026, 1, 5)
#: A clock the journey can no longer reach: a branch not taken, or the journey ended.
CLOSED = "closed"


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
    """One legal clock on the journey, as the case tracker judges it.

    ``status`` is a tracker status (``met``, ``missed``, ``overdue``, ``due_soon``,
    ``pending``, ``too_early``), ``withheld`` (an unused window, dates the tracker
    cannot judge) or :data:`CLOSED` (a branch not taken). Days count from the start.
    """

    timescale: Timescale
    started_day: float
    due_day: float
    done_day: float | None
    status: str
    rule: str
    started: dt.date | None = None
    due: dt.date | None = None
    done: dt.date | None = None
    #: Why a clock is not counted, or which rule applies when.
    note: str = ""


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


def advance(G: nx.DiGraph, journey: Journey, choice: Choice, days: float | None = None,
            *, start: dt.date | None = None) -> Journey:
    """Take ``choice``, spending ``days`` (default: the transition's likely estimate, or 0).

    Given the journey's ``start`` date, a default move into a step the law fixes on a
    day ("on the second working day after") lands on that day, as the calendar counts
    it, rather than on the likely estimate's calendar days.

    Raises :class:`FlowError` if the choice is not open now.
    """
    if choice.frm not in journey.tokens or not G.has_edge(choice.frm, choice.to):
        raise FlowError(f"cannot move from '{choice.frm}' to '{choice.to}' now")
    if days is not None and days < 0:
        raise FlowError("days must not be negative")
    start_day = journey.day_of(choice.frm) or 0.0
    day = start_day + (days if days is not None else (choice.likely_days or 0.0))
    if days is None and start is not None:
        fixed = _fixed_day(G, journey, choice.to, start)
        if fixed is not None and fixed >= start_day:
            day = fixed
    tokens = list(journey.tokens)
    tokens.remove(choice.frm)
    visits = list(journey.visits)
    waiting = list(journey.waiting)
    _arrive(G, choice.to, day, tokens, visits, waiting)
    return _release_joins(G, Journey(tuple(visits), tuple(tokens), tuple(waiting)))


def _fixed_day(G: nx.DiGraph, journey: Journey, to: str, start: dt.date) -> float | None:
    """The journey day a fixed-day rule puts ``to`` on, from the latest visited FROM."""
    days = []
    for ts in G.graph["timescales"]:
        if (ts.kind != "statutory_fixed" or ts.status != "current" or ts.limit is None
                or ts.unit is None or step_id(ts.to) != to):
            continue
        began = journey.day_of(step_id(ts.from_))
        if began is None:
            continue
        try:
            due = due_date(start + dt.timedelta(days=math.floor(began)), ts.limit, ts.unit,
                           ts.counting)
        except ValueError:
            continue
        days.append(float((due - start).days))
    return max(days) if days else None


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


def journey_events(journey: Journey, start: dt.date = DEFAULT_START) -> pd.DataFrame:
    """The journey as an event log of one child (``case_id`` "journey"): each visit on its
    calendar date, counted from ``start`` (day 0)."""
    return pd.DataFrame({
        "case_id": ["journey"] * len(journey.visits),
        "step": [v.step for v in journey.visits],
        "date": pd.to_datetime([start + dt.timedelta(days=math.floor(v.day))
                                for v in journey.visits]),
        "note": [""] * len(journey.visits),
        "row": np.arange(1, len(journey.visits) + 1)})


def clock(G: nx.DiGraph, journey: Journey, start: dt.date = DEFAULT_START
          ) -> list[ClockItem]:
    """The legal clocks a journey has started, each judged by the case tracker on the
    journey's day, the journey dated from ``start`` (day 0).

    >>> from explorer.io.load import load_flows
    >>> from explorer.graph import flow_graph
    >>> G = flow_graph(load_flows(), "care-and-protection")
    >>> j = start_journey(G, "place_of_safety")  # Monday 5 January 2026
    >>> [(c.due, c.status) for c in clock(G, j) if c.timescale.to ==
    ...  "second_working_day_hearing"]
    [(datetime.date(2026, 1, 7), 'pending')]
    """
    if not journey.visits:
        return []
    rules, timescales = graph_rules(G)
    events = journey_events(journey, start)
    steps = [n for n in G.nodes]
    first = events.groupby("step", sort=False)["date"].min()
    dates = pd.DataFrame([first.reindex(steps).to_numpy(dtype="datetime64[s]")],
                         columns=steps, index=pd.Index(["journey"], name="case_id"))
    load = Caseload(dates, pd.Series([1], index=dates.index), pd.Series([1], index=dates.index),
                    format="long", events=events)
    today = start + dt.timedelta(days=math.floor(journey.today))
    result = track(load, rules, as_of=today, due_soon_days=0)
    # Steps the journey can still reach: a clock waiting for any other step is closed.
    ahead: set[str] = set()
    for node in (*journey.tokens, *(j for j, _ in journey.waiting)):
        ahead |= {node} | nx.descendants(G, node)
    out: list[ClockItem] = []
    for rec in result.items.itertuples(index=False):
        rule = result.rules[int(rec.rule)]
        ts = timescales[rule.ref]
        began, due, done = (None if pd.isna(v) else pd.Timestamp(v).date()
                            for v in (rec.from_date, rec.due, rec.to_date))
        status, note = str(rec.status), str(rec.note)
        if status == WITHHELD:
            note = str(rec.withheld_reason)
        if done is None and rule.to not in ahead and status != WITHHELD:
            status, note = CLOSED, (f"the journey can no longer reach '{_label(G, rule.to)}' "
                                    "(a branch not taken): this clock does not apply")
        if began is None or due is None:
            continue

        def day_of(d: dt.date) -> float:
            return float((d - start).days)

        out.append(ClockItem(ts, day_of(began), day_of(due),
                             None if done is None else day_of(done), status,
                             rule.words + (" (each round)" if rule.cycle else ""),
                             began, due, done, note))
    return out


def _label(G: nx.DiGraph, node: str) -> str:
    return str(G.nodes[node].get("name", node)) if node in G else node


def _likely(estimate: Estimate | str | None) -> float | None:
    return estimate.likely if isinstance(estimate, Estimate) else None

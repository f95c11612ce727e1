"""A seeded generator of FICTIONAL event logs, drawn from the flows' simulation model.

Each fictional child starts at the flow's start step on a day spread evenly over the
period, and walks the flow as the simulation does (:mod:`explorer.analysis.simulate`):
an exit of a decision drawn by its shares, every track of a parallel walked to its join
(the latest track sets the join's day), a repeat edge taken with its share as
probability (at most ``max_repeats`` times), each transition taking a draw from its
PERT estimate (unknown estimates take 0 days). Only the steps in ``recorded`` are
written, as an authority's records would hold them, and only up to ``as_of`` (children
still on their way are cut off there, as in a real extract). Then the records are made
realistic:

- **recording gaps**: each event after the first is dropped with probability
  ``gap_rate``;
- **out-of-order entries**: for a share ``misorder_rate`` of children, one event is
  dated 1 to 30 days before the event recorded before it (a keying slip); its ``note``
  says so, so tests can find them.

Nothing here is a real child: ids are ``FICTIONAL-00001`` and every note says
``fictional``. The same seed gives the same log.

>>> from explorer.io.load import load_flows
>>> log = generate_events(load_flows(), children=20, seed=3)
>>> sorted(log.columns)
['case_id', 'date', 'note', 'row', 'step']
>>> bool(log["case_id"].str.startswith("FICTIONAL-").all())
True
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from explorer.analysis.prepare import estimate_of
from explorer.analysis.reach import exit_weights
from explorer.graph import dag, flow_graph, starts
from explorer.graph.algorithms import closing_join
from explorer.io.tabular import csv_bytes
from explorer.model.flowset import FlowSet
from explorer.model.milestones import MILESTONES
from explorer.model.problems import FlowError

FICTIONAL_NOTE = "fictional"
MISORDER_NOTE = "fictional; date keyed before the previous entry"


@dataclass
class _Edge:
    to: str
    a: float
    b: float
    alpha: float
    beta: float

    def draw(self, rnd: random.Random) -> float:
        if self.b <= self.a:
            return self.a
        return self.a + (self.b - self.a) * rnd.betavariate(self.alpha, self.beta)


def _edge(G: nx.DiGraph, v: str, c: str) -> _Edge:
    est = estimate_of(G.edges[v, c])
    if est is None:
        return _Edge(c, 0.0, 0.0, 1.0, 1.0)
    w = est.max - est.min
    if w <= 0:
        return _Edge(c, est.min, est.min, 1.0, 1.0)
    return _Edge(c, est.min, est.max, 1 + 4 * (est.likely - est.min) / w,
                 1 + 4 * (est.max - est.likely) / w)


@dataclass
class _Plan:
    kind: str
    exits: list[_Edge]
    cumulative: list[float]
    repeat_p: float
    repeats: list[_Edge]
    join: str | None


def _plans(G: nx.DiGraph) -> dict[str, _Plan]:
    D = dag(G)
    out: dict[str, _Plan] = {}
    for v in G.nodes:
        exits = [c for c in G.successors(v) if not G.edges[v, c].get("repeat")]
        kind = G.nodes[v].get("kind", "")
        cum: list[float] = []
        if len(exits) > 1 and kind != "parallel":
            total = 0.0
            for w in exit_weights(G, v, exits):
                total += float(w)
                cum.append(total)
        reps = [(c, d) for _, c, d in G.out_edges(v, data=True) if d.get("repeat")]
        p = sum(d["share"].value for _, d in reps if d.get("share") is not None)
        out[v] = _Plan(kind, [_edge(G, v, c) for c in exits], cum, min(float(p), 0.95),
                       [_edge(G, v, c) for c, _ in reps],
                       closing_join(D, v) if kind == "parallel" else None)
    return out


def _walk(plans: dict[str, _Plan], v: str, t: float, rnd: random.Random, max_repeats: int,
          out: list[tuple[str, float]], stop: str | None = None) -> float:
    """Walk from ``v`` at day ``t``, appending (step, day); return the day at the end (or
    on arriving at ``stop``)."""
    for _ in range(10_000):  # a bound, never reached on an acyclic flow
        if v == stop:
            return t
        plan = plans[v]
        out.append((v, t))
        if plan.repeat_p > 0 and plan.repeats:
            n = 0
            while n < max_repeats and rnd.random() < plan.repeat_p:
                t += plan.repeats[0].draw(rnd)
                out.append((v, t))
                n += 1
        if not plan.exits:
            return t
        if plan.kind == "parallel" and plan.join is not None:
            t = max(_walk(plans, e.to, t + e.draw(rnd), rnd, max_repeats, out, plan.join)
                    for e in plan.exits)
            v = plan.join
            continue
        if plan.cumulative:
            u = rnd.random() * plan.cumulative[-1]
            i = next((k for k, c in enumerate(plan.cumulative) if u < c),
                     len(plan.cumulative) - 1)
            e = plan.exits[i]
        else:
            e = plan.exits[0]
        t += e.draw(rnd)
        v = e.to
    return t  # pragma: no cover


def default_recorded(fs: FlowSet, flow_id: str = "permanence") -> set[str]:
    """What an authority's records typically hold: the canonical milestones and the
    flow's outcomes."""
    G = flow_graph(fs, flow_id)
    return set(MILESTONES.get(flow_id, ())) | {n for n, k in G.nodes(data="kind")
                                               if k == "outcome"}


def generate_events(fs: FlowSet, *, children: int = 500, flow_id: str = "permanence",
                    start: dt.date = dt.date(2021, 1, 1), years: int = 5, seed: int = 1,
                    recorded: Collection[str] | None = None, gap_rate: float = 0.03,
                    misorder_rate: float = 0.02, max_repeats: int = 3,
                    as_of: dt.date | None = None) -> pd.DataFrame:
    """A fictional event log (module docstring): columns ``case_id``, ``step``, ``date``
    (datetime64, a day), ``note``, ``row`` (1-based, in file order)."""
    if not 1 <= children <= 1_000_000:
        raise FlowError(f"children must be between 1 and 1,000,000, got {children}")
    if flow_id not in fs.flows:
        raise FlowError(f"unknown flow '{flow_id}'")
    G = flow_graph(fs, flow_id)
    firsts = [s for s in starts(G) if not G.nodes[s].get("external")]
    if not firsts:
        raise FlowError(f"flow '{flow_id}' has no start step")
    plans = _plans(G)
    keep = set(recorded) if recorded is not None else default_recorded(fs, flow_id)
    rnd = random.Random(seed)
    end = as_of or (start + dt.timedelta(days=round(365.25 * years)))
    span = (end - start).days
    origin = start.toordinal()
    limit = end.toordinal()
    ids: list[str] = []
    steps: list[str] = []
    days: list[int] = []
    notes: list[str] = []
    width = max(5, len(str(children)))
    for i in range(children):
        cid = f"FICTIONAL-{i + 1:0{width}d}"
        t0 = origin + rnd.random() * span
        walked: list[tuple[str, float]] = []
        _walk(plans, firsts[0], t0, rnd, max_repeats, walked)
        walked.sort(key=lambda e: e[1])
        evs = [(s, int(t)) for s, t in walked if s in keep and int(t) <= limit]
        if not evs:
            continue
        evs = [evs[0], *(e for e in evs[1:] if rnd.random() >= gap_rate)]
        child_notes = [FICTIONAL_NOTE] * len(evs)
        if len(evs) > 2 and rnd.random() < misorder_rate:
            k = rnd.randrange(2, len(evs))
            prev = evs[k - 1][1]
            if evs[k][1] > prev and evs[k - 1][0] != evs[k][0]:
                evs[k] = (evs[k][0], prev - rnd.randint(1, 30))
                child_notes[k] = MISORDER_NOTE
        for (s, d), note in zip(evs, child_notes, strict=True):
            ids.append(cid)
            steps.append(s)
            days.append(d)
            notes.append(note)
    date = pd.to_datetime([dt.date.fromordinal(d) for d in days]) if days else \
        pd.to_datetime(pd.Series([], dtype="datetime64[ns]"))
    return pd.DataFrame({"case_id": ids, "step": steps,
                         "date": pd.DatetimeIndex(date).astype("datetime64[ns]"),
                         "note": notes, "row": range(1, len(ids) + 1)})


def events_csv(events: pd.DataFrame) -> bytes:
    """A log as the long-form CSV ``case_id,step,date,note`` (ISO dates), neutralised."""
    out = pd.DataFrame({"case_id": events["case_id"], "step": events["step"],
                        "date": events["date"].dt.strftime("%Y-%m-%d"),
                        "note": events["note"]})
    return csv_bytes(out)


__all__ = ["FICTIONAL_NOTE", "MISORDER_NOTE", "default_recorded", "events_csv",
           "generate_events"]

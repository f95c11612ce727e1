"""What can happen from here: the next steps out of a step, and the outcomes still possible.

``next_steps`` lists a step's exits with their labels, shares, practice estimates
and the clocks that run along them; repeat exits (a deferral, a recurring review)
are included and flagged. ``reachable_outcomes`` follows every edge, repeat edges
too (a deferral can lead back to a point from which other outcomes open up).
``outcome_probabilities`` gives the exact chance of ending at each end from here,
from the shares (equal shares at a decision that gives none; repeat exits only
delay, so they are left out and the other shares rescaled); a parallel section
passes all its probability to its closing join.

Public API
----------
``next_steps(G, step) -> list[NextStep]``
``reachable_outcomes(G, step) -> list[str]``
``outcome_probabilities(G, step) -> dict[str, float]``

>>> from explorer.analysis.synthetic import diamond_graph
>>> G = diamond_graph()
>>> [n.step for n in next_steps(G, "d")]
['a', 'b']
>>> outcome_probabilities(G, "s")
{'end': 1.0}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from explorer.analysis.prepare import estimate_of, prepare
from explorer.graph import resolve_step, timescales_between
from explorer.model import Timescale


@dataclass(frozen=True)
class NextStep:
    """One exit of a step: where it leads and what is known about it."""

    step: str
    name: str
    kind: str
    flow: str | None
    label: str | None
    share: float | None
    share_basis: str | None
    #: (min, likely, max) days, or None when unknown or not given.
    estimate: tuple[float, float, float] | None
    repeat: bool
    timescales: tuple[Timescale, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"step": self.step, "name": self.name, "kind": self.kind, "flow": self.flow,
                "label": self.label, "share": self.share, "share_basis": self.share_basis,
                "estimate": (None if self.estimate is None else
                             dict(zip(("min", "likely", "max"), self.estimate, strict=True))),
                "repeat": self.repeat,
                "timescales": [{"limit": ts.limit, "unit": ts.unit, "kind": ts.kind,
                                "limit_days": ts.limit_days} for ts in self.timescales]}


def next_steps(G: nx.DiGraph, step: str) -> list[NextStep]:
    """The exits of ``step``, repeat exits last; FlowError with suggestions if unknown."""
    s = resolve_step(G, step)
    out: list[NextStep] = []
    for _, b, data in G.out_edges(s, data=True):
        est = estimate_of(data)
        share = data.get("share")
        node = G.nodes[b]
        out.append(NextStep(
            step=b, name=str(node.get("name", b)), kind=str(node.get("kind")),
            flow=node.get("flow"), label=data.get("label"),
            share=None if share is None else share.value,
            share_basis=None if share is None else share.basis,
            estimate=None if est is None else (est.min, est.likely, est.max),
            repeat=bool(data.get("repeat")),
            timescales=tuple(timescales_between(G, s, b))))
    out.sort(key=lambda n: (n.repeat, -(n.share or 0.0), n.step))
    return out


def reachable_outcomes(G: nx.DiGraph, step: str) -> list[str]:
    """The ends (outcomes, or steps of other flows) still reachable from ``step``.

    >>> from explorer.analysis.synthetic import diamond_graph
    >>> reachable_outcomes(diamond_graph(), "a")
    ['end']
    """
    s = resolve_step(G, step)
    found = nx.descendants(G, s) | {s}
    return sorted(n for n in found
                  if G.nodes[n].get("kind") == "outcome" or G.nodes[n].get("external")
                  or not any(not r for _, _, r in G.out_edges(n, data="repeat")))


def outcome_probabilities(G: nx.DiGraph, step: str) -> dict[str, float]:
    """The chance of ending at each end from ``step``, exactly, from the shares.

    Sorted from most to least likely; the values sum to 1.
    """
    P = prepare(G)
    s = P.resolve(step)
    region = nx.descendants(P.D, s) | {s}
    dist: dict[str, dict[str, float]] = {}
    for v in sorted(region, key=P.pos.__getitem__, reverse=True):
        nxt = P.succ[v]
        if not nxt:
            dist[v] = {v: 1.0}
        elif P.kind(v) == "parallel":
            dist[v] = dist[P.joins[v]]
        else:
            weights = exit_weights(G, v, nxt)
            acc: dict[str, float] = {}
            for c, w in zip(nxt, weights, strict=True):
                for end, p in dist[c].items():
                    acc[end] = acc.get(end, 0.0) + w * p
            dist[v] = acc
    result = dist[s]
    return dict(sorted(result.items(), key=lambda kv: (-kv[1], kv[0])))


def exit_weights(G: nx.DiGraph, v: str, exits: tuple[str, ...] | list[str]) -> list[float]:
    """The probability of each non-repeat exit of ``v``: its shares rescaled to sum to 1.

    Equal where any exit has no share (a decision without shares, or an event with
    alternative exits); all-zero shares also fall back to equal.
    """
    if len(exits) == 1:
        return [1.0]
    shares = [G.edges[v, c].get("share") for c in exits]
    if any(sh is None for sh in shares):
        return [1.0 / len(exits)] * len(exits)
    values = [sh.value for sh in shares]
    total = sum(values)
    if total <= 0:
        return [1.0 / len(exits)] * len(exits)
    return [x / total for x in values]

"""The critical path: the longest route from a step to a target by practice estimate.

As in CPM, a parallel section lasts as long as its longest track. At a decision the
critical path also takes the longest branch, so the result is the longest route
there is: an upper figure for planning, not the typical journey (for that, see
:mod:`explorer.analysis.simulate`). Both together mean the critical path is simply the
longest path from source to target in the graph without repeat edges, computed by
a dynamic programme in topological order (``networkx.dag_longest_path`` is global,
drops negative prefixes and returns one node when all weights are zero; see the
engineering notes).

Edges are weighted by their ``likely`` estimate, or their PERT mean
``(min + 4 likely + max) / 6`` with ``basis="pert"``. Zero-length milestones weigh 0;
an ``unknown`` or missing estimate weighs 0 and is reported (``unknown_edges`` on the
path, ``unknown_in_scope`` anywhere between source and target) because the true
critical path may run through it. Ties go to the predecessor earliest in the
topological order, so the answer is stable.

Public API
----------
``critical_path(G, source, target, *, basis="likely") -> CriticalPath``
``longest_times(G, source, *, basis="likely") -> dict[str, float]``  (CPM forward pass)

>>> from explorer.analysis.synthetic import diamond_graph
>>> cp = critical_path(diamond_graph(), "s", "end")
>>> cp.steps, cp.days
(('s', 'd', 'b', 'm', 'end'), 7.0)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import networkx as nx

from explorer.analysis.prepare import BASES, Prepared, edge_days, estimate_of, pert_mean, prepare
from explorer.model.problems import FlowError


@dataclass(frozen=True)
class CriticalPath:
    """The longest route from ``source`` to ``target``; ``days`` by ``basis``."""

    source: str
    target: str
    basis: str
    steps: tuple[str, ...]
    days: float
    likely_days: float
    pert_mean_days: float
    #: (from, to, days by basis or None if unknown) along the path.
    edges: tuple[tuple[str, str, float | None], ...]
    unknown_edges: tuple[tuple[str, str], ...]
    unknown_in_scope: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "basis": self.basis,
                "steps": list(self.steps), "days": round(self.days, 2),
                "likely_days": round(self.likely_days, 2),
                "pert_mean_days": round(self.pert_mean_days, 2),
                "edges": [{"from": a, "to": b, "days": d} for a, b, d in self.edges],
                "unknown_edges": [list(e) for e in self.unknown_edges],
                "unknown_in_scope": [list(e) for e in self.unknown_in_scope]}


def _check_basis(basis: str) -> None:
    if basis not in BASES:
        raise FlowError(f"unknown basis '{basis}'; use one of: {', '.join(BASES)}")


def _forward(P: Prepared, source: str, region: set[str], basis: str
             ) -> tuple[dict[str, float], dict[str, str]]:
    dist: dict[str, float] = {source: 0.0}
    back: dict[str, str] = {}
    for v in P.order:
        if v not in region or v == source:
            continue
        best: float | None = None
        for u in P.pred[v]:
            if u not in dist:
                continue
            d = dist[u] + (edge_days(P.D.edges[u, v], basis) or 0.0)
            if best is None or d > best:
                best, back[v] = d, u
        if best is not None:
            dist[v] = best
    return dist, back


def longest_times(G: nx.DiGraph, source: str, *, basis: str = "likely") -> dict[str, float]:
    """Days from ``source`` to every step after it by the longest route (CPM earliest start).

    >>> from explorer.analysis.synthetic import diamond_graph
    >>> longest_times(diamond_graph(), "d")["m"]
    6.0
    """
    _check_basis(basis)
    P = prepare(G, joins=False)
    s = P.resolve(source)
    region = nx.descendants(P.D, s) | {s}
    return _forward(P, s, region, basis)[0]


def critical_path(G: nx.DiGraph, source: str, target: str, *, basis: str = "likely"
                  ) -> CriticalPath:
    """The longest route from ``source`` to ``target`` by ``basis`` (likely or pert).

    Raises :class:`FlowError` for an unknown step or a target that cannot be reached.
    """
    _check_basis(basis)
    P = prepare(G, joins=False)
    s, t = P.resolve(source), P.resolve(target)
    region = (nx.descendants(P.D, s) | {s}) & (nx.ancestors(P.D, t) | {t})
    if t not in region or s not in region:
        raise FlowError(f"'{t}' cannot be reached from '{s}' in flow "
                        f"'{G.graph.get('flow_id')}' (without repeat edges)")
    dist, back = _forward(P, s, region, basis)
    path = [t]
    while path[-1] != s:
        path.append(back[path[-1]])
    path.reverse()
    edges: list[tuple[str, str, float | None]] = []
    likely = pert = 0.0
    for a, b in itertools.pairwise(path):
        data = P.D.edges[a, b]
        est = estimate_of(data)
        edges.append((a, b, edge_days(data, basis)))
        if est is not None:
            likely += est.likely
            pert += pert_mean(est)
    unknown_path = tuple((a, b) for a, b, d in edges if d is None)
    in_scope = tuple((a, b) for a in sorted(region, key=P.pos.__getitem__)
                     for b in P.succ[a] if b in region and estimate_of(P.D.edges[a, b]) is None)
    return CriticalPath(source=s, target=t, basis=basis, steps=tuple(path), days=dist[t],
                        likely_days=likely, pert_mean_days=pert, edges=tuple(edges),
                        unknown_edges=unknown_path, unknown_in_scope=in_scope)

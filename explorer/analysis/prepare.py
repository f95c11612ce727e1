"""Shared ground of the analysis modules (routes, critical, reach, simulate).

How the analysis reads a flow graph (see :mod:`explorer.graph` for the graph itself):

- Repeat edges are left out (:func:`explorer.graph.dag`); what remains is acyclic.
- A ``parallel`` step starts all its tracks; they meet again at its *closing join*,
  the nearest ``join`` that post-dominates it (:func:`explorer.io.checks.closing_join`).
- Any other step with more than one exit is an exclusive *choice*: a ``decision``, or
  (rarely) an event or meeting with alternative exits. One exit is taken.
- A step with no exit is an *end*: an outcome, or a step of another flow that a
  link points to (in a single-flow graph).
- Estimates are practice, never law: an edge with ``estimate: unknown`` or no
  estimate at all counts as 0 days and is reported as unknown.

Public helpers
--------------
``prepare(G) -> Prepared``            the acyclic view, a stable topological order, closing joins
``edge_days(data, basis) -> float | None``   an edge's estimate in days (None if unknown)
``pert_mean(est) -> float``           (min + 4 likely + max) / 6

>>> import networkx as nx
>>> G = nx.DiGraph()
>>> G.add_node("a", kind="start"); G.add_node("b", kind="outcome")
>>> G.add_edge("a", "b", repeat=False, estimate=None)
>>> prepare(G).order
('a', 'b')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from explorer.graph import resolve_step, step_id
from explorer.graph.algorithms import closing_join, post_dominators
from explorer.model import Estimate, Timescale
from explorer.model.problems import FlowError

BASES: tuple[str, ...] = ("likely", "pert")


def pert_mean(est: Estimate) -> float:
    """The PERT mean of an estimate: ``(min + 4 * likely + max) / 6``.

    >>> pert_mean(Estimate(min=0, likely=3, max=6, basis="illustrative"))
    3.0
    """
    return (est.min + 4 * est.likely + est.max) / 6


def estimate_of(data: Mapping[str, Any]) -> Estimate | None:
    """The estimate on an edge's data, or None when it is missing or ``unknown``."""
    est = data.get("estimate")
    return est if isinstance(est, Estimate) else None


def edge_days(data: Mapping[str, Any], basis: str = "likely") -> float | None:
    """An edge's practice estimate in days by ``basis`` (likely or pert); None if unknown.

    >>> edge_days({"estimate": Estimate(min=1, likely=2, max=9, basis="illustrative")}, "pert")
    3.0
    >>> edge_days({"estimate": "unknown"}) is None
    True
    """
    est = estimate_of(data)
    if est is None:
        return None
    if basis == "likely":
        return est.likely
    if basis == "pert":
        return pert_mean(est)
    raise FlowError(f"unknown basis '{basis}'; use one of: {', '.join(BASES)}")


@dataclass(frozen=True)
class Prepared:
    """A flow graph made ready for analysis. Build with :func:`prepare`; never mutated."""

    G: nx.DiGraph
    #: ``G`` without repeat edges, as a graph of its own (fast to walk).
    D: nx.DiGraph
    #: A stable topological order of ``D`` (lexicographic among equals).
    order: tuple[str, ...]
    pos: dict[str, int]
    #: Successors in ``D`` in topological order, so every walk is deterministic.
    succ: dict[str, tuple[str, ...]]
    pred: dict[str, tuple[str, ...]]
    #: The closing join of each parallel step.
    joins: dict[str, str]
    #: Current timescales with a numeric limit, by (from step, to step).
    timescales: dict[tuple[str, str], list[Timescale]] = field(repr=False)
    #: The same clocks by the step they run to: ``{to: [(from, timescale), ...]}``.
    clocks_to: dict[str, list[tuple[str, Timescale]]] = field(repr=False, default_factory=dict)

    def kind(self, node: str) -> str:
        return str(self.D.nodes[node].get("kind", "event"))

    def is_choice(self, node: str) -> bool:
        """True where exactly one exit is taken: a non-parallel step with 2+ exits."""
        return self.kind(node) != "parallel" and len(self.succ[node]) > 1

    def base(self, node: str) -> str:
        """The step id a node stands for (an unrolled copy stands for its original)."""
        return str(self.D.nodes[node].get("base", node))

    def resolve(self, ref: str) -> str:
        """The node of a step reference; FlowError with close matches if unknown."""
        return resolve_step(self.G, ref)


def prepare(G: nx.DiGraph, *, joins: bool = True) -> Prepared:
    """Make ``G`` ready for analysis: drop repeat edges, order, find closing joins.

    Raises :class:`FlowError` if the graph is not acyclic without its repeat edges or
    a parallel step has no closing join (``permanence-explorer validate`` says where).
    With ``joins=False`` closing joins are not looked for (``Prepared.joins`` is empty):
    the critical path and the simulation do not need them.
    """
    # Built directly rather than copied from dag(G): a filtered view is slow to walk.
    D = nx.DiGraph()
    D.graph.update(G.graph)
    D.add_nodes_from(G.nodes(data=True))
    D.add_edges_from((u, v, d) for u, v, d in G.edges(data=True) if not d.get("repeat"))
    try:
        order = tuple(nx.lexicographical_topological_sort(D, key=str))
    except nx.NetworkXUnfeasible as exc:
        raise FlowError(f"flow '{G.graph.get('flow_id')}' has a cycle without a repeat edge; "
                        "run 'permanence-explorer validate'") from exc
    pos = {n: i for i, n in enumerate(order)}
    succ = {n: tuple(sorted(D.successors(n), key=pos.__getitem__)) for n in order}
    pred = {n: tuple(sorted(D.predecessors(n), key=pos.__getitem__)) for n in order}
    parallels = [n for n in order if D.nodes[n].get("kind") == "parallel" and succ[n]]
    found: dict[str, str] = {}
    if parallels and joins:
        ipdom = post_dominators(D)
        for p in parallels:
            j = closing_join(D, p, ipdom)
            if j is None:
                raise FlowError(f"parallel '{p}' is not closed by a join; run "
                                "'permanence-explorer validate'")
            found[p] = j
    index = timescale_index(G)
    clocks_to: dict[str, list[tuple[str, Timescale]]] = defaultdict(list)
    for (a, b), clocks in index.items():
        clocks_to[b].extend((a, ts) for ts in clocks)
    return Prepared(G=G, D=D, order=order, pos=pos, succ=succ, pred=pred, joins=found,
                    timescales=index, clocks_to=dict(clocks_to))


def timescale_index(G: nx.DiGraph) -> dict[tuple[str, str], list[Timescale]]:
    """Current timescales with a numeric limit, keyed by (from step, to step)."""
    index: dict[tuple[str, str], list[Timescale]] = defaultdict(list)
    for ts in G.graph.get("timescales", []):
        if ts.status == "current" and ts.limit_days is not None:
            index[(step_id(ts.from_), step_id(ts.to))].append(ts)
    return dict(index)


def as_targets(targets: str | Iterable[str]) -> list[str]:
    """One target or several, as a list without repeats (order kept)."""
    items = [targets] if isinstance(targets, str) else list(targets)
    if not items:
        raise FlowError("give at least one target step")
    return list(dict.fromkeys(items))


def ends(P: Prepared) -> list[str]:
    """The steps where journeys end (no exit without repeat edges), in topological order."""
    return [n for n in P.order if not P.succ[n]]


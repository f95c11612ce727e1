"""Drift risks: the steps of a flow that no time limit covers, where a child can wait with
no clock running.

>>> from explorer.io.load import load_flows
>>> from explorer.graph import flow_graph
>>> "permanence_panel" in drift_risks(flow_graph(load_flows(), "permanence"))
False
"""

from __future__ import annotations

import networkx as nx

from explorer.graph.build import dag, step_id
from explorer.model.kinds import BOUNDING_KINDS


def drift_risks(G: nx.DiGraph) -> set[str]:
    """Steps no numeric time limit covers: where a case can wait with no clock running.

    A step is covered when a current maximum, fixed-day or target timescale runs from
    it, or from a step before it to a step after it. Outcomes end journeys and are never
    drift risks; nor are external steps (their own flow decides).
    """
    D = nx.DiGraph(dag(G))
    acyclic = nx.is_directed_acyclic_graph(D)
    covered: set[str] = set()
    desc: dict[str, int] = {}
    anc: dict[str, int] = {}
    order: list[str] = []
    if acyclic:
        # Descendants and ancestors of every step as bit sets, each in one pass in
        # topological order, instead of two graph traversals per timescale.
        order = list(nx.topological_sort(D))
        bit = {n: 1 << i for i, n in enumerate(order)}
        for n in reversed(order):
            m = 0
            for c in D.succ[n]:
                m |= desc[c] | bit[c]
            desc[n] = m
        for n in order:
            m = 0
            for p in D.pred[n]:
                m |= anc[p] | bit[p]
            anc[n] = m
    between = 0
    for ts in G.graph.get("timescales", []):
        if ts.status != "current" or ts.kind not in BOUNDING_KINDS or ts.limit is None:
            continue
        a, b = step_id(ts.from_), step_id(ts.to)
        if a not in D:
            continue
        covered.add(a)
        if b in D and acyclic:
            between |= desc[a] & anc[b]
    covered.update(n for i, n in enumerate(order) if between >> i & 1)
    return {
        n for n, data in G.nodes(data=True)
        if n not in covered and data.get("kind") != "outcome" and not data.get("external")
    }

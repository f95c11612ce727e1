"""Stages in order: within a flow as declared, and across flows in the order their links run.

A flow declares its stages (the phases of the process) in order, and every step names one.
Links between flows run one way (the care and protection flow hands over to the
permanence flow), so the flows themselves have an order, and the whole system's stages are
each flow's stages in that order.

>>> from explorer.io.load import load_flows
>>> fs = load_flows()
>>> flow_order(fs.flows)
['care-and-protection', 'permanence']
>>> [s.name for _, s in system_stages(fs.flows)][:2]
['Concern and investigation', 'Emergency protection']
"""

from __future__ import annotations

import networkx as nx

from explorer.graph.build import flow_of
from explorer.model import Flow, Stage


def flow_links(flows: dict[str, Flow]) -> nx.DiGraph:
    """A graph of flow ids with an edge A -> B where a transition of A links to a step of B.

    Links to flows not in ``flows`` are left out.

    >>> from explorer.io.load import load_flows
    >>> sorted(flow_links(load_flows().flows).edges)
    [('care-and-protection', 'permanence')]
    """
    F = nx.DiGraph()
    F.add_nodes_from(flows)
    for fid, flow in flows.items():
        for t in flow.transitions:
            other = flow_of(t.to)
            if other is not None and other != fid and other in flows:
                F.add_edge(fid, other)
    return F


def flow_order(flows: dict[str, Flow]) -> list[str]:
    """Flow ids in the order their links run (a flow before the flows it links to), ties
    broken by id. Where links between flows form a loop (the validator reports it), the
    flows in the loop keep their id order.

    >>> flow_order({})
    []
    """
    F = flow_links(flows)
    C = nx.condensation(F)
    members = C.graph["mapping"]
    groups: dict[int, list[str]] = {}
    for fid, c in members.items():
        groups.setdefault(c, []).append(fid)
    order: list[str] = []
    for c in nx.lexicographical_topological_sort(C, key=lambda c: min(groups[c])):
        order.extend(sorted(groups[c]))
    return order


def stage_index(flow: Flow) -> dict[str, int]:
    """Each step's stage position (0 for the first stage), for steps with a known stage.

    >>> from explorer.io.load import load_flows
    >>> stage_index(load_flows().flows["care-and-protection"])["concern_raised"]
    0
    """
    position = {s.id: i for i, s in enumerate(flow.stages)}
    return {s.id: position[s.stage] for s in flow.steps
            if s.stage is not None and s.stage in position}


def system_stages(flows: dict[str, Flow]) -> list[tuple[str, Stage]]:
    """Every stage of the whole system in order: ``(flow_id, stage)``, flow by flow in
    :func:`flow_order`, each flow's stages as it declares them."""
    return [(fid, st) for fid in flow_order(flows) for st in flows[fid].stages]

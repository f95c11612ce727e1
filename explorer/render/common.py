"""What every renderer shares: lane colours, step shapes, levels and the timescales of an edge.

Renderers take a flow graph from :func:`explorer.graph.flow_graph` and never mutate it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from explorer.graph import dag, step_id
from explorer.model import Flow, Timescale
from explorer.model.kinds import GUIDANCE_KINDS, STATUTORY_KINDS

#: Light fill and dark border per lane, from the Okabe-Ito colour-blind-safe palette and
#: its tints; lane is never told by colour alone (the tooltip, details and table name it).
LANE_PALETTE: tuple[tuple[str, str], ...] = (
    ("#cfe8f7", "#0072b2"),
    ("#ffe2b3", "#c26e00"),
    ("#c8efe2", "#009e73"),
    ("#f9d5e6", "#cc79a7"),
    ("#fff6b0", "#8a7a00"),
    ("#d6e4ff", "#3a5fcd"),
    ("#ffd3c2", "#d55e00"),
    ("#e3e3e3", "#555555"),
    ("#e6d8f5", "#7b4fa6"),
    ("#d9f2c4", "#4d8a1f"),
    ("#f5e0cc", "#8b5a2b"),
    ("#cdeff2", "#1a7f8a"),
)

#: vis-network shape per step kind, and the symbol used for it in legends and outlines.
KIND_SHAPES: dict[str, tuple[str, str, str]] = {
    # kind: (vis shape, legend symbol, meaning)
    "start": ("circle", "○", "start: where a journey begins"),
    "event": ("dot", "●", "event: something happens at a point in time"),
    "activity": ("box", "▭", "activity: work that takes time"),
    "meeting": ("hexagon", "⬡", "meeting: a hearing, panel or review"),
    "decision": ("diamond", "◆", "decision: exactly one way out is taken"),
    "parallel": ("triangle", "▲", "parallel: every track out runs at once"),
    "join": ("triangleDown", "▼", "join: waits for every track"),
    "outcome": ("ellipse", "◎", "outcome: where a journey ends"),
}


def timescale_strength(timescales: Iterable[Timescale]) -> str:
    """``'statutory'`` if any rule is law, ``'guidance'`` if only targets, else ``'none'``."""
    kinds = {ts.kind for ts in timescales}
    if kinds & STATUTORY_KINDS:
        return "statutory"
    if kinds & GUIDANCE_KINDS:
        return "guidance"
    return "none"


@dataclass(frozen=True)
class LaneInfo:
    id: str
    name: str
    fill: str
    border: str
    description: str | None = None


def lanes_of(flows: dict[str, Flow], flow_ids: Iterable[str]) -> list[LaneInfo]:
    """The lanes of the named flows in order of first appearance (ids merged across flows)."""
    out: dict[str, LaneInfo] = {}
    for fid in flow_ids:
        flow = flows.get(fid)
        if flow is None:
            continue
        for lane in flow.lanes:
            if lane.id not in out:
                fill, border = LANE_PALETTE[len(out) % len(LANE_PALETTE)]
                out[lane.id] = LaneInfo(lane.id, lane.name, fill, border, lane.description)
    return list(out.values())


def graph_lanes(G: nx.DiGraph, flows: dict[str, Flow]) -> list[LaneInfo]:
    """Lanes of a graph's own flows, then those of flows its external steps belong to."""
    ids = list(G.graph.get("flows", []))
    for _, fid in sorted(G.nodes(data="flow"), key=lambda p: str(p[0])):
        if fid not in ids:
            ids.append(fid)
    known = lanes_of(flows, ids)
    used = {lane for _, lane in G.nodes(data="lane")}
    extra = sorted(used - {li.id for li in known})
    for lid in extra:  # a lane id a flow forgot to declare: the checks report it
        fill, border = LANE_PALETTE[len(known) % len(LANE_PALETTE)]
        known.append(LaneInfo(lid, lid, fill, border))
    return known


def levels(G: nx.DiGraph) -> dict[str, int]:
    """A left-to-right level per step: its topological generation without repeat edges.

    A cyclic graph (an invalid flow) falls back to longest distance from the starts
    over a spanning DAG, so a broken upload still draws.
    """
    D = nx.DiGraph(dag(G))
    if not nx.is_directed_acyclic_graph(D):
        D = _break_cycles(D)
    out: dict[str, int] = {}
    for i, gen in enumerate(nx.topological_generations(D)):
        for n in gen:
            out[n] = i
    return out


def _break_cycles(D: nx.DiGraph) -> nx.DiGraph:
    H = nx.DiGraph()
    H.add_nodes_from(sorted(D.nodes, key=str))
    seen: set[str] = set()
    order: list[str] = []

    def visit(n: str, stack: set[str]) -> None:
        # Iterative depth-first order would be faster; flows are small, clarity wins.
        seen.add(n)
        stack.add(n)
        for m in sorted(D.successors(n), key=str):
            if m in stack:
                continue  # the back edge that closes a cycle: left out
            H.add_edge(n, m)
            if m not in seen:
                visit(m, stack)
        stack.discard(n)
        order.append(n)

    for n in sorted(D.nodes, key=lambda x: (D.in_degree(x) > 0, str(x))):
        if n not in seen:
            visit(n, set())
    if not nx.is_directed_acyclic_graph(H):  # pragma: no cover - cross-edges closing cycles
        return nx.DiGraph(nx.bfs_tree(H, order[-1]))
    return H


def edge_timescales(G: nx.DiGraph, u: str, v: str) -> list[Timescale]:
    """Current timescales running exactly from ``u`` to ``v`` (listed or on the transition)."""
    found = [ts for ts in G.graph.get("timescales", [])
             if ts.status == "current" and step_id(ts.from_) == u and step_id(ts.to) == v]
    if G.has_edge(u, v):
        found.extend(ts for ts in G.edges[u, v].get("timescales", []) if ts.status == "current")
    return _dedupe(found)


def _same(a: Timescale, b: Timescale) -> bool:
    return (a.from_, a.to, a.limit, a.unit, a.kind) == (b.from_, b.to, b.limit, b.unit, b.kind)


def _dedupe(items: list[Timescale]) -> list[Timescale]:
    out: list[Timescale] = []
    for ts in items:
        if not any(_same(ts, o) for o in out):
            out.append(ts)
    return out


def spanning_timescales(G: nx.DiGraph) -> list[Timescale]:
    """Current timescales between steps of ``G`` that are not joined by one transition."""
    out = []
    for ts in G.graph.get("timescales", []):
        a, b = step_id(ts.from_), step_id(ts.to)
        if ts.status != "current" or a not in G or b not in G or G.has_edge(a, b):
            continue
        out.append(ts)
    return _dedupe(out)


def timescales_touching(G: nx.DiGraph, node: str) -> tuple[list[Timescale], list[Timescale]]:
    """Current timescales that end at ``node`` and those that start at it."""
    into, out = [], []
    for ts in G.graph.get("timescales", []):
        if ts.status != "current":
            continue
        if step_id(ts.to) == node:
            into.append(ts)
        if step_id(ts.from_) == node:
            out.append(ts)
    return _dedupe(into), _dedupe(out)


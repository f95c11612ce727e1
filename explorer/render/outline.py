"""A text alternative to the map: the steps in order with what follows each.

Plain strings only; the UI escapes them for Markdown, the CLI prints them.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from explorer.analysis.drift import drift_risks
from explorer.model import Flow
from explorer.model.wording import timescale_label
from explorer.render.common import (
    KIND_SHAPES,
    edge_timescales,
    graph_lanes,
    levels,
)


@dataclass(frozen=True)
class OutlineItem:
    """One step of the outline and the ways on from it."""

    id: str
    name: str
    kind: str
    lane: str
    level: int
    drift: bool
    next: tuple[str, ...]

    def text(self) -> str:
        mark = "⚠ no time limit; " if self.drift else ""
        head = f"{self.name} ({self.kind}, {self.lane}; {mark}stage {self.level + 1})"
        if not self.next:
            return head + ": the journey ends here"
        return head + ". Next: " + "; ".join(self.next)


def step_order(G: nx.DiGraph) -> list[str]:
    """Steps left to right (by level), then by lane and id: a stable reading order."""
    level = levels(G)
    return sorted(G.nodes, key=lambda n: (level.get(n, 0), str(G.nodes[n]["lane"]), str(n)))


def outline(G: nx.DiGraph, flows: dict[str, Flow]) -> list[OutlineItem]:
    """Every step of ``G`` in reading order, with its exits and their timescales."""
    lanes = {li.id: li.name for li in graph_lanes(G, flows)}
    level = levels(G)
    drift = drift_risks(G)
    items = []
    for n in step_order(G):
        exits = []
        for v in sorted(G.successors(n), key=lambda x: (level.get(x, 0), str(x))):
            ed = G.edges[n, v]
            bits = [str(G.nodes[v]["name"])]
            if ed.get("label"):
                bits.append(f"if {ed['label']}")
            if ed.get("repeat"):
                bits.append("repeats")
            bits.extend(timescale_label(ts) for ts in edge_timescales(G, n, v))
            exits.append(", ".join(bits))
        kind = G.nodes[n]["kind"]
        items.append(OutlineItem(
            id=str(n), name=str(G.nodes[n]["name"]),
            kind=KIND_SHAPES.get(kind, ("", "", kind))[2].split(":")[0],
            lane=lanes.get(G.nodes[n]["lane"], str(G.nodes[n]["lane"])),
            level=level.get(n, 0), drift=n in drift, next=tuple(exits)))
    return items

"""A flow graph as Mermaid ``flowchart LR`` text, grouped into lanes.

Every label is written with Mermaid's ``#code;`` entities for anything but plain
letters, digits and simple punctuation, so no text from a flow can end a label,
open markup or start a directive.
"""

from __future__ import annotations

import re

import networkx as nx

from explorer.analysis.drift import drift_risks
from explorer.model import Flow
from explorer.model.wording import timescale_label
from explorer.render.common import (
    edge_timescales,
    graph_lanes,
    levels,
    spanning_timescales,
    timescale_strength,
)

# Mermaid node shapes per kind: (open, close).
_SHAPES: dict[str, tuple[str, str]] = {
    "start": ("((", "))"),
    "outcome": ("([", "])"),
    "event": ("(", ")"),
    "activity": ("[", "]"),
    "meeting": ("{{", "}}"),
    "decision": ("{", "}"),
    "parallel": ("[/", "\\]"),
    "join": ("[\\", "/]"),
}
_SAFE = re.compile(r"[A-Za-z0-9 .,:;()'/\-_]")


def mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label (entities for everything unusual).

    >>> mermaid_text('<b>"x"</b>')
    '#60;b#62;#34;x#34;#60;/b#62;'
    """
    text = " ".join(text.split())
    return "".join(ch if _SAFE.fullmatch(ch) else f"#{ord(ch)};" for ch in text)


def _nid(node: str) -> str:
    # Prefixed so that a step called "end" or "graph" is not read as a keyword.
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", str(node))


def to_mermaid(G: nx.DiGraph, flows: dict[str, Flow]) -> str:
    """Mermaid flowchart source for ``G`` (deterministic)."""
    title = str(G.graph.get("title") or G.graph.get("flow_id") or "flow")
    level = levels(G)
    drift = drift_risks(G)
    lines = ["flowchart LR", f"  accTitle: {mermaid_text(title)}",
             f"  accDescr: {mermaid_text(f'{G.number_of_nodes()} steps, left to right')}"]
    order = sorted(G.nodes, key=lambda n: (level.get(n, 0), str(n)))
    for li_i, lane in enumerate(graph_lanes(G, flows)):
        members = [n for n in order if G.nodes[n]["lane"] == lane.id]
        if not members:
            continue
        lines.append(f'  subgraph lane_{li_i}["{mermaid_text(lane.name)}"]')
        lines.append("    direction LR")
        for n in members:
            s = G.nodes[n]["step"]
            o, c = _SHAPES.get(s.kind, ("[", "]"))
            label = ("⚠ " if n in drift else "") + ("↗ " if G.nodes[n].get("external") else "")
            lines.append(f'    {_nid(n)}{o}"{mermaid_text(label + s.name)}"{c}')
        lines.append("  end")
        lines.append(f"  style lane_{li_i} fill:{lane.fill},stroke:{lane.border}")
    for u, v in sorted(G.edges, key=lambda e: (level.get(e[0], 0), str(e[0]), str(e[1]))):
        ed = G.edges[u, v]
        tss = edge_timescales(G, u, v)
        strength = timescale_strength(tss)
        parts = []
        if ed.get("repeat"):
            parts.append("↻ " + (ed.get("label") or "repeats"))
        elif ed.get("label"):
            parts.append(ed["label"])
        parts.extend(timescale_label(ts) for ts in tss)
        arrow = {"statutory": "==>", "guidance": "-.->"}.get(strength, "-->")
        if ed.get("repeat"):
            arrow = "-.->"
        label = f'|"{mermaid_text("; ".join(parts))}"|' if parts else ""
        lines.append(f"  {_nid(u)} {arrow}{label} {_nid(v)}")
    for ts in spanning_timescales(G):
        a, b = ts.from_.rsplit(":", 1)[-1], ts.to.rsplit(":", 1)[-1]
        lines.append(f'  {_nid(a)} -.-o|"{mermaid_text("◷ " + timescale_label(ts))}"| '
                     f"{_nid(b)}")
    if drift:
        lines.append("  classDef drift stroke-dasharray: 5 5")
        lines.append("  class " + ",".join(_nid(n) for n in sorted(drift, key=str)) + " drift")
    return "\n".join(lines) + "\n"

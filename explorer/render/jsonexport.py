"""A flow (or the whole system) as JSON: the flows as written, plus the drawn graph."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from explorer.analysis.drift import drift_risks
from explorer.model import Flow
from explorer.model.wording import timescale_label
from explorer.render.common import edge_timescales, levels


def flow_json_data(G: nx.DiGraph, flows: dict[str, Flow]) -> dict[str, Any]:
    """JSON-ready data: each member flow's full content and the graph with levels."""
    level = levels(G)
    drift = drift_risks(G)
    members = [f for f in G.graph.get("flows", []) if f in flows]
    return {
        "id": G.graph.get("flow_id"),
        "title": G.graph.get("title"),
        "flows": [flows[f].model_dump(mode="json", by_alias=True, exclude_none=True)
                  for f in members],
        "graph": {
            "nodes": [{"id": n, "name": G.nodes[n]["name"], "kind": G.nodes[n]["kind"],
                       "lane": G.nodes[n]["lane"], "flow": G.nodes[n]["flow"],
                       "external": bool(G.nodes[n].get("external")),
                       "level": level.get(n, 0), "drift_risk": n in drift}
                      for n in sorted(G.nodes, key=str)],
            "edges": [{"from": u, "to": v, "label": G.edges[u, v].get("label"),
                       "repeat": bool(G.edges[u, v].get("repeat")),
                       "timescales": [timescale_label(ts) for ts in edge_timescales(G, u, v)]}
                      for u, v in sorted(G.edges, key=lambda e: (str(e[0]), str(e[1])))],
        },
    }


def to_json(G: nx.DiGraph, flows: dict[str, Flow]) -> str:
    return json.dumps(flow_json_data(G, flows), indent=2, ensure_ascii=False) + "\n"

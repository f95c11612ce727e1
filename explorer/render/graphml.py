"""A flow graph as GraphML (yEd, Gephi, Cytoscape), with list attributes flattened."""

from __future__ import annotations

import re
from typing import Any

import networkx as nx

from explorer.analysis.drift import drift_risks
from explorer.model import Estimate
from explorer.model.wording import timescale_label
from explorer.render.common import edge_timescales, levels

#: Characters XML 1.0 forbids (C0 controls but tab, newline and return; lone surrogates;
#: U+FFFE and U+FFFF). YAML's double-quoted escapes ("\x01") can put them in a name.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: Any) -> Any:
    """``value`` with the characters XML 1.0 cannot hold replaced by U+FFFD (text only).

    >>> xml_safe("a\x01b"), xml_safe(3)
    ('a\ufffdb', 3)
    """
    return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def _clean(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: xml_safe(v) for k, v in attrs.items()}


def graphml_graph(G: nx.DiGraph) -> nx.DiGraph:
    """A new graph holding only GraphML-friendly values (no lists, models or None)."""
    level = levels(G)
    drift = drift_risks(G)
    H = nx.DiGraph()
    H.graph["title"] = xml_safe(str(G.graph.get("title") or ""))
    H.graph["flow_id"] = str(G.graph.get("flow_id") or "")
    for n in sorted(G.nodes, key=str):
        d = G.nodes[n]
        s = d["step"]
        attrs: dict[str, Any] = {
            "name": s.name, "kind": s.kind, "lane": s.lane, "flow": str(d.get("flow") or ""),
            "description": s.description, "tags": ";".join(s.tags),
            "legal_basis": "; ".join(f"{lb.source} {lb.provision}" for lb in s.legal_basis),
            "decided_by": s.decided_by or "", "attendees": "; ".join(s.attendees),
            "external": bool(d.get("external")), "drift_risk": n in drift,
            "level": int(level.get(n, 0)), "confidence": s.confidence,
        }
        if s.child_and_family:
            attrs["child_and_family"] = s.child_and_family
        H.add_node(xml_safe(str(n)), **_clean(attrs))
    for u, v in sorted(G.edges, key=lambda e: (str(e[0]), str(e[1]))):
        ed = G.edges[u, v]
        tss = edge_timescales(G, u, v)
        attrs = {"label": ed.get("label") or "", "repeat": bool(ed.get("repeat")),
                 "timescales": "; ".join(timescale_label(ts) for ts in tss),
                 "timescale_kinds": ";".join(ts.kind for ts in tss)}
        est = ed.get("estimate")
        if isinstance(est, Estimate):
            attrs.update(estimate_min_days=est.min, estimate_likely_days=est.likely,
                         estimate_max_days=est.max, estimate_basis=est.basis)
        elif est == "unknown":
            attrs["estimate_basis"] = "unknown"
        share = ed.get("share")
        if share is not None:
            attrs.update(share=share.value, share_basis=share.basis)
        H.add_edge(xml_safe(str(u)), xml_safe(str(v)), **_clean(attrs))
    return H


def to_graphml(G: nx.DiGraph) -> str:
    """GraphML text for ``G``."""
    return "\n".join(nx.generate_graphml(graphml_graph(G), prettyprint=True)) + "\n"

"""Local calibration: the simulator's estimates and shares replaced by local data.

Where at least ``min_children`` of an authority's children were observed on a
transition of the flow, its estimate becomes what they took (min = the 5th, likely = the
median, max = the 95th percentile of the observed days: a robust PERT fit, marked
``basis: local data``); where at least ``min_children`` children were observed leaving
a decision, its exits' shares become the observed proportions. Everything else keeps
the national estimate. The result is a changed copy of the graph, to simulate beside
the national one and the published figures.

Observations come from the event log (:func:`explorer.cases.mining.transition_days`):
a transition is observed when its two steps are recorded one straight after the other.
A decision step is seldom recorded itself, so its exits are observed from the step
that leads into it when that step has the decision as its only exit.

>>> import numpy as np
>>> from explorer.analysis.synthetic import diamond_graph
>>> G = diamond_graph()
>>> obs = {("s", "d"): np.arange(30.0)}
>>> H, rows = local_calibration(G, obs, min_children=20)
>>> (H.edges["s", "d"]["estimate"].likely, rows[0].replaced)
(14.5, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from explorer.analysis.prepare import estimate_of
from explorer.model import Estimate, Share

#: The fewest children on a transition before its local figure replaces the national one.
DEFAULT_MIN_CHILDREN = 20


@dataclass(frozen=True)
class CalibrationChange:
    """One transition: what the flow says, what local children did, and which is used."""

    from_: str
    to: str
    what: str  # "estimate" or "share"
    children: int
    national: str
    local: str
    replaced: bool

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.from_, "to": self.to, "what": self.what,
                "children": self.children, "national": self.national, "local": self.local,
                "replaced": self.replaced}


def _est_text(e: Estimate | None) -> str:
    return "unknown" if e is None else f"{e.min:g} / {e.likely:g} / {e.max:g} days"


def local_calibration(G: nx.DiGraph, observed: Mapping[tuple[str, str], np.ndarray], *,
                      min_children: int = DEFAULT_MIN_CHILDREN,
                      exits_observed: Mapping[tuple[str, str], int] | None = None
                      ) -> tuple[nx.DiGraph, list[CalibrationChange]]:
    """A copy of ``G`` with local estimates and shares, and the list of changes.

    ``observed`` maps (from, to) to the days each observed child took (one a child).
    ``exits_observed`` maps (from, to) to a count of children (default: the sizes of
    ``observed``) for the shares.
    """
    if min_children < 1:
        raise ValueError(f"min_children must be 1 or more, got {min_children}")
    H = G.copy()
    rows: list[CalibrationChange] = []
    for (a, b), days in sorted(observed.items()):
        if not H.has_edge(a, b) or H.edges[a, b].get("repeat"):
            continue
        d = np.asarray(days, dtype=float)
        old = estimate_of(H.edges[a, b])
        if d.size == 0:
            continue
        lo, mid, hi = (float(x) for x in np.percentile(d, [5, 50, 95]))
        new = Estimate(min=round(lo, 1), likely=round(mid, 1), max=round(max(hi, mid), 1),
                       basis="illustrative", note=f"local data: {d.size} children")
        use = d.size >= min_children
        if use:
            H.edges[a, b]["estimate"] = new
        rows.append(CalibrationChange(a, b, "estimate", int(d.size), _est_text(old),
                                      _est_text(new), use))
    counts = dict(exits_observed) if exits_observed is not None else {
        k: int(np.asarray(v).size) for k, v in observed.items()}
    for v in [n for n, k in G.nodes(data="kind") if k == "decision"]:
        exits = [c for c in G.successors(v) if not G.edges[v, c].get("repeat")]
        # Observed from the decision itself, or from the one step whose only exit it is.
        sources = [v] + [p for p in G.predecessors(v)
                         if [c for c in G.successors(p)
                             if not G.edges[p, c].get("repeat")] == [v]]
        n_by_exit = {c: sum(counts.get((s, c), 0) for s in sources) for c in exits}
        total = sum(n_by_exit.values())
        if total == 0:
            continue
        use = total >= min_children
        for c in exits:
            share = n_by_exit[c] / total
            old_share = G.edges[v, c].get("share")
            if use:
                H.edges[v, c]["share"] = Share(value=share, basis="illustrative",
                                               note=f"local data: {n_by_exit[c]} of "
                                                    f"{total} children")
            rows.append(CalibrationChange(
                v, c, "share", int(total),
                "none" if old_share is None else f"{old_share.value:.0%}",
                f"{share:.0%} ({n_by_exit[c]} of {total})", use))
    return H, rows


__all__ = ["DEFAULT_MIN_CHILDREN", "CalibrationChange", "local_calibration"]

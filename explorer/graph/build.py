"""Flow models as networkx graphs, one per flow, and the whole-system union ``all``.

Nodes are step ids (unique across all flows, so the union needs no renaming). Node
attributes: ``step`` (the :class:`~explorer.model.Step`), ``flow``, ``kind``, ``lane``,
``name`` and ``external`` (True for a step of another flow that a link points to).
Edge attributes: ``transition``, ``repeat``, ``estimate``, ``share``, ``label`` and
``timescales`` (those written on the transition). ``G.graph["timescales"]`` holds
every current and historical timescale of the graph, transition shorthand included.

>>> from explorer.io.load import load_flows
>>> G = flow_graph(load_flows(), "care-and-protection")
>>> G.nodes["grounds_hearing"]["kind"]
'meeting'
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from explorer.model import Flow, Step, Timescale, Transition
from explorer.model.flowset import FlowSet
from explorer.model.problems import FlowError

ALL = "all"


def step_id(ref: str) -> str:
    """The step id of a reference: ``'permanence:looked_after'`` -> ``'looked_after'``.

    >>> step_id("permanence:looked_after")
    'looked_after'
    """
    return ref.rsplit(":", 1)[-1]


def flow_of(ref: str) -> str | None:
    """The flow named in a reference, or None for a local one."""
    return ref.split(":", 1)[0] if ":" in ref else None


def transition_timescale(t: Transition) -> Timescale | None:
    """The shorthand timescale on a transition as a full :class:`Timescale`."""
    if t.timescale is None:
        return None
    data = t.timescale.model_dump(exclude_none=True)
    data["from"] = t.from_
    data["to"] = t.to
    return Timescale.model_validate(data)


def flow_timescales(flow: Flow) -> list[Timescale]:
    """Every timescale of a flow: the listed ones, then the transition shorthand."""
    out = list(flow.timescales)
    out.extend(ts for t in flow.transitions if (ts := transition_timescale(t)) is not None)
    return out


def build_flow_graph(flows: dict[str, Flow], flow_ids: Iterable[str]) -> nx.DiGraph:
    """A graph of the named flows; links to flows outside them become external nodes."""
    ids = list(flow_ids)
    G = nx.DiGraph()
    G.graph["flows"] = ids
    G.graph["timescales"] = []
    members = set(ids)
    for fid in ids:
        flow = flows[fid]
        for s in flow.steps:
            G.add_node(s.id, step=s, flow=fid, kind=s.kind, lane=s.lane, name=s.name,
                       external=False)
        G.graph["timescales"].extend(flow_timescales(flow))
    for fid in ids:
        for t in flows[fid].transitions:
            target = step_id(t.to)
            other = flow_of(t.to)
            if target not in G and other is not None and other not in members:
                ext_flow = flows.get(other)
                try:
                    ext: Step | None = ext_flow.step(target) if ext_flow else None
                except KeyError:
                    ext = None
                if ext is None:
                    continue  # a dangling link: the checks report it
                G.add_node(target, step=ext, flow=other, kind=ext.kind, lane=ext.lane,
                           name=ext.name, external=True)
            if target not in G:
                continue
            ts = transition_timescale(t)
            G.add_edge(t.from_, target, transition=t, repeat=t.repeat, estimate=t.estimate,
                       share=t.share, label=t.label, timescales=[ts] if ts else [])
    return G


def system_flow_ids(flows: dict[str, Flow]) -> list[str]:
    """The flows of the whole-system view: every flow but a local variant of one present.

    A local variant (``variant_of: permanence``) repeats its national flow's step ids, so
    the two cannot share one graph; the variant is explored on its own, beside it.

    >>> from explorer.io.load import load_flows
    >>> system_flow_ids(load_flows().flows)
    ['care-and-protection', 'permanence']
    """
    return [f for f in sorted(flows) if not (flows[f].variant_of in flows
                                             and flows[f].variant_of != f)]


def flow_graph(fs: FlowSet, flow_id: str) -> nx.DiGraph:
    """The graph of one flow of a :class:`~explorer.io.load.FlowSet`, or of all (``"all"``).

    Raises :class:`FlowError` naming the known flows if ``flow_id`` is unknown.
    """
    flows: dict[str, Flow] = fs.flows
    if flow_id == ALL:
        G = build_flow_graph(flows, system_flow_ids(flows))
        G.graph["flow_id"] = ALL
        G.graph["title"] = "The whole system"
        return G
    if flow_id not in flows:
        known = ", ".join([*sorted(flows), ALL])
        raise FlowError(f"unknown flow '{flow_id}'; known flows: {known}")
    G = build_flow_graph(flows, [flow_id])
    G.graph["flow_id"] = flow_id
    G.graph["title"] = flows[flow_id].title
    return G


def dag(G: nx.DiGraph) -> nx.DiGraph:
    """A view of ``G`` without repeat edges (acyclic in every valid flow)."""
    return nx.restricted_view(G, [], [(u, v) for u, v, r in G.edges(data="repeat") if r])


def resolve_step(G: nx.DiGraph, ref: str) -> str:
    """The node id of a step reference in ``G``; :class:`FlowError` with suggestions if none."""
    sid = step_id(ref)
    if sid in G:
        return sid
    import difflib

    close = difflib.get_close_matches(sid, [str(n) for n in G.nodes], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise FlowError(f"unknown step '{ref}' in flow '{G.graph.get('flow_id')}'{hint}")


def timescales_between(G: nx.DiGraph, a: str, b: str, *, current_only: bool = True
                       ) -> list[Timescale]:
    """The timescales that run from step ``a`` to step ``b`` (listed or on a transition).

    >>> from explorer.io.load import load_flows
    >>> G = flow_graph(load_flows(), "care-and-protection")
    >>> [t.limit for t in timescales_between(G, "place_of_safety", "grounds_hearing")]
    [8.0]
    """
    out = []
    for ts in G.graph["timescales"]:
        if step_id(ts.from_) == a and step_id(ts.to) == b and (
            not current_only or ts.status == "current"
        ):
            out.append(ts)
    return out


def outcomes(G: nx.DiGraph) -> list[str]:
    """The outcome steps of ``G`` (external nodes included), in a stable order."""
    return sorted(n for n, k in G.nodes(data="kind") if k == "outcome")


def starts(G: nx.DiGraph) -> list[str]:
    """The start steps of ``G`` that no other step of ``G`` leads to."""
    return sorted(n for n, k in G.nodes(data="kind") if k == "start")

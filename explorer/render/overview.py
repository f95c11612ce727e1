"""Stages of a flow, and the stage overview: the whole process on one screen.

A flow declares its stages in order and every step names one (``Step.stage``). The
whole-system graph joins the flows' stages, flow by flow in the order the flows hand
over to each other. :func:`stage_plan` reads them; :func:`overview` adds, per stage,
who decides there, how many steps no time limit covers (drift risk), the statutory
clocks that run from it into a later stage, and how the simulated children end up
divided between the outcomes.

A flow whose steps do not all name a stage yet (a flow being written) is cut into
parts of about equal size instead, titled "Part 1", "Part 2", ... and marked
``declared=False``, so nothing pretends to be a stage the flow did not declare.

>>> from explorer.io.load import load_flows
>>> from explorer.graph import flow_graph
>>> fs = load_flows()
>>> plan = stage_plan(flow_graph(fs, "permanence"), fs.flows)
>>> sum(len(s.steps) for s in plan) == flow_graph(fs, "permanence").number_of_nodes()
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from explorer.analysis.drift import drift_risks
from explorer.graph import dag, step_id
from explorer.graph.stages import flow_order
from explorer.model import Flow
from explorer.model.kinds import STATUTORY_KINDS
from explorer.model.wording import timescale_label
from explorer.render.common import graph_lanes

#: Step kinds where someone decides: who "decides there" is the lanes of these steps.
DECIDING_KINDS: frozenset[str] = frozenset({"decision", "meeting"})
#: How many parts a flow without declared stages is cut into.
FALLBACK_PARTS = 7


@dataclass(frozen=True)
class Clock:
    """A statutory clock from a step of one stage to a step of a later one."""

    from_step: str
    to_step: str
    from_name: str
    to_name: str
    to_stage: str
    label: str


@dataclass(frozen=True)
class StageInfo:
    """One stage of a graph's overview. ``key`` is unique in the graph (``flow:id``)."""

    key: str
    flow: str
    id: str
    name: str
    summary: str
    steps: tuple[str, ...]
    declared: bool
    deciders: tuple[str, ...] = ()
    unbounded: int = 0
    clocks_out: tuple[Clock, ...] = ()
    clocks_inside: int = 0
    outcomes: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Overview:
    """The stage overview of a graph: its stages in order and where the shares came from."""

    title: str
    stages: tuple[StageInfo, ...]
    runs: int
    source: str | None
    shares_note: str

    def stage_of(self) -> dict[str, int]:
        """Each step's stage index (for :func:`explorer.render.layout.layered_layout`)."""
        return {n: i for i, s in enumerate(self.stages) for n in s.steps}


def _parts(G: nx.DiGraph, nodes: Sequence[str], k: int) -> list[list[str]]:
    """``nodes`` cut into ``k`` runs of whole topological generations, about equal size."""
    D = nx.DiGraph(dag(G)).subgraph(nodes)
    gens = [sorted(map(str, g)) for g in nx.topological_generations(D)]
    total = sum(len(g) for g in gens) or 1
    out: list[list[str]] = [[] for _ in range(k)]
    seen = 0
    for g in gens:
        out[min(k - 1, (seen * k + total // 2) // total)].extend(g)
        seen += len(g)
    return [p for p in out if p]


def stage_plan(G: nx.DiGraph, flows: Mapping[str, Flow]) -> list[StageInfo]:
    """The stages of ``G`` in order, each with its steps; every step is in exactly one.

    Steps of another flow that a link points to (external nodes) join the last stage of
    the steps that lead to them.
    """
    plan: list[StageInfo] = []
    placed: set[str] = set()
    topo = {n: i for i, n in enumerate(nx.topological_sort(nx.DiGraph(dag(G))))}
    in_graph = {str(f) for f in G.graph.get("flows", [])}
    for fid in [f for f in flow_order(dict(flows)) if f in in_graph]:
        flow = flows.get(fid)
        members = [n for n in G if G.nodes[n].get("flow") == fid
                   and not G.nodes[n].get("external")]
        if not members or flow is None:
            continue
        members.sort(key=lambda n: (topo.get(n, 0), n))
        declared = {s.id for s in flow.stages}
        if flow.stages and all(G.nodes[n]["step"].stage in declared for n in members):
            for st in flow.stages:
                steps = tuple(n for n in members if G.nodes[n]["step"].stage == st.id)
                if steps:
                    plan.append(StageInfo(f"{fid}:{st.id}", fid, st.id, st.name, st.summary,
                                          steps, True))
        else:
            parts = _parts(G, members, FALLBACK_PARTS)
            for i, part in enumerate(parts):
                plan.append(StageInfo(f"{fid}:part-{i + 1}", fid, f"part-{i + 1}",
                                      f"Part {i + 1}" if G.graph.get("flow_id") != "all"
                                      else f"{fid.replace('-', ' ').capitalize()}, "
                                      f"part {i + 1}",
                                      "This flow does not declare its stages yet: "
                                      "its steps are cut into parts of about equal size.",
                                      tuple(part), False))
        placed.update(members)
    rest = [n for n in G if n not in placed]
    if rest:
        index = {n: i for i, s in enumerate(plan) for n in s.steps}
        extra: dict[int, list[str]] = {}
        for n in sorted(rest):
            preds = [index[p] for p in G.predecessors(n) if p in index]
            extra.setdefault(max(preds) if preds else len(plan) - 1, []).append(n)
        for i, ns in extra.items():
            if 0 <= i < len(plan):
                s = plan[i]
                plan[i] = StageInfo(s.key, s.flow, s.id, s.name, s.summary,
                                    s.steps + tuple(ns), s.declared)
    return plan


def overview(G: nx.DiGraph, flows: Mapping[str, Flow], *, runs: int = 2000,
             seed: int = 1) -> Overview:
    """The stage overview of ``G`` (a flow, or the whole system).

    Shares of children come from :func:`explorer.analysis.simulate.simulate` from the
    graph's first start step (``runs`` journeys, ``seed``); they rest on the flows'
    branch shares, which are often illustrative, and the overview says so.
    """
    from explorer.analysis.simulate import simulate

    plan = stage_plan(G, flows)
    index = {n: i for i, s in enumerate(plan) for n in s.steps}
    lanes = {li.id: li.name for li in graph_lanes(G, dict(flows))}
    drift = drift_risks(G)
    clocks: dict[int, list[Clock]] = {}
    inside: dict[int, int] = {}
    seen: set[tuple[str, str, str]] = set()
    for ts in G.graph.get("timescales", []):
        if ts.status != "current" or ts.kind not in STATUTORY_KINDS:
            continue
        a, b = step_id(ts.from_), step_id(ts.to)
        if a not in index or b not in index:
            continue
        label = timescale_label(ts)
        if (a, b, label) in seen:
            continue
        seen.add((a, b, label))
        if index[a] == index[b]:
            inside[index[a]] = inside.get(index[a], 0) + 1
        else:
            clocks.setdefault(index[a], []).append(Clock(
                a, b, str(G.nodes[a]["name"]), str(G.nodes[b]["name"]),
                plan[index[b]].name, label))
    starts = sorted(n for n in G if G.nodes[n]["kind"] == "start"
                    and not G.nodes[n].get("external") and not any(
                        not r for _, _, r in G.in_edges(n, data="repeat")))
    source = starts[0] if starts else None
    ends: dict[str, float] = {}
    note = "No start step: no simulation."
    if source is not None:
        try:
            sim = simulate(G, source, runs=runs, seed=seed)
            ends = {k: v.share for k, v in sim.outcomes.items() if v.share > 0}
            note = (f"Shares of {runs:,} simulated children from "
                    f"'{G.nodes[source]['name']}', using the flows' branch shares "
                    "(many are illustrative, not measured).")
        except Exception as exc:  # a flow the simulation cannot run: say so, draw the rest
            note = f"The simulation could not run on this flow: {exc}"
    stages = []
    for i, s in enumerate(plan):
        deciders = sorted({lanes.get(G.nodes[n]["lane"], G.nodes[n]["lane"]) for n in s.steps
                           if G.nodes[n]["kind"] in DECIDING_KINDS})
        outs = tuple(sorted(((str(G.nodes[n]["name"]), ends[n]) for n in s.steps if n in ends),
                            key=lambda x: -x[1]))
        stages.append(StageInfo(s.key, s.flow, s.id, s.name, s.summary, s.steps, s.declared,
                                tuple(deciders), sum(1 for n in s.steps if n in drift),
                                tuple(clocks.get(i, [])), inside.get(i, 0), outs))
    title = str(G.graph.get("title") or G.graph.get("flow_id") or "Flow")
    return Overview(title, tuple(stages), runs, source, note)


def overview_json(ov: Overview) -> str:
    """The overview as the JSON the app's stage overview draws (stable bytes).

    >>> from explorer.io.load import load_flows
    >>> from explorer.graph import flow_graph
    >>> fs = load_flows()
    >>> '"stages"' in overview_json(overview(flow_graph(fs, "permanence"), fs.flows))
    True
    """
    import json

    stages = []
    for s in ov.stages:
        facts = [f"{len(s.steps)} steps · {s.unbounded} with no time limit · "
                 f"{len(s.clocks_out) + s.clocks_inside} statutory clocks"]
        if s.deciders:
            facts.append("Decides: " + ", ".join(s.deciders[:3])
                         + (f" and {len(s.deciders) - 3} more" if len(s.deciders) > 3 else ""))
        if s.clocks_out:
            c = s.clocks_out[0]
            more = f" (+{len(s.clocks_out) - 1} more)" if len(s.clocks_out) > 1 else ""
            facts.append(f"◷ {c.label} to {c.to_stage}{more}")
        if s.outcomes:
            facts.append("Ends here: " + "; ".join(f"{share:.0%} {name}"
                                                   for name, share in s.outcomes[:2]))
        tip = [s.summary]
        tip += [f"Statutory clock: {c.from_name} → {c.to_name}: {c.label}"
                for c in s.clocks_out]
        if s.clocks_inside:
            tip.append(f"{s.clocks_inside} statutory clock(s) inside this stage")
        stages.append({"key": s.key, "name": s.name, "summary": s.summary, "facts": facts,
                       "tooltip": "\n".join(tip)})
    return json.dumps({"title": ov.title, "stages": stages, "note": ov.shares_note},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))

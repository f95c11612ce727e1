"""Synthetic flows for tests, doctests and benchmarks: valid by construction, never shipped.

``synthetic_flow(n_steps, seed)`` grows a random flow of about ``n_steps`` steps from
nested blocks: sequences of activities and meetings, decisions whose branches meet
again (or, outside parallel sections, leave early for an outcome), parallel sections
closed by a join, zero-length milestones, unknown estimates, clocks of every kind
and repeat edges (a self-repeating review, a deferral out of a decision). The same
seed gives the same flow. ``diamond_graph()`` is the four-step example of the
docstrings.

Public API
----------
``synthetic_flow(n_steps, seed=0, *, repeats=True, unknown=True, max_depth=3) -> Flow``
``synthetic_flowset(n_steps, seed=0, **options) -> FlowSet``  (with its bibliography)
``flow_yaml(flow) -> bytes``                                  (to validate through the loader)
``graph_of(flow) -> nx.DiGraph``
``diamond_graph() -> nx.DiGraph``

>>> flow = synthetic_flow(40, seed=3)
>>> 30 <= len(flow.steps) <= 60
True
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import networkx as nx
import yaml

from explorer.graph import build_flow_graph
from explorer.model import Flow, Source
from explorer.model.flowset import FlowSet

SOURCE_ID = "synthetic"
LANES = ("social_work", "childrens_hearing", "sheriff", "panel")


def synthetic_source() -> Source:
    """The bibliography entry every synthetic legal basis cites."""
    return Source(id=SOURCE_ID, title="Synthetic rules for tests", short="Synthetic",
                  kind="other")


class _Builder:
    def __init__(self, seed: int, repeats: bool, unknown: bool, max_depth: int) -> None:
        self.rng = random.Random(seed)
        self.repeats = repeats
        self.unknown = unknown
        self.max_depth = max_depth
        self.steps: list[dict[str, Any]] = []
        self.transitions: list[dict[str, Any]] = []
        self.timescales: list[dict[str, Any]] = []
        self.kinds: dict[str, str] = {}

    def step(self, kind: str) -> str:
        sid = f"s{len(self.steps)}"
        lane = "social_work"
        step: dict[str, Any] = {"id": sid, "name": f"Step {len(self.steps)}", "kind": kind,
                                "description": "A synthetic step."}
        if kind == "meeting":
            lane = self.rng.choice(LANES)
            if lane == "childrens_hearing":
                step["tags"] = ["hearing"]
            elif lane == "sheriff":
                step["tags"] = ["court"]
        if kind == "decision":
            step["decided_by"] = self.rng.choice(LANES)
        step["lane"] = lane
        self.steps.append(step)
        self.kinds[sid] = kind
        return sid

    def estimate(self) -> dict[str, Any] | str:
        r = self.rng.random()
        if self.unknown and r < 0.04:
            return "unknown"
        if r < 0.12:
            return {"min": 0, "likely": 0, "max": 0, "basis": "illustrative"}
        lo = self.rng.randint(0, 20)
        likely = lo + self.rng.randint(0, 30)
        return {"min": lo, "likely": likely, "max": likely + self.rng.randint(0, 60),
                "basis": "illustrative"}

    def edge(self, a: str, b: str, *, share: float | None = None, repeat: bool = False,
             estimate: bool = True) -> None:
        t: dict[str, Any] = {"from": a, "to": b}
        if estimate:
            t["estimate"] = self.estimate()
        if share is not None:
            t["share"] = {"value": share, "basis": "illustrative"}
        if repeat:
            t["repeat"] = True
        self.transitions.append(t)

    def shares(self, k: int) -> list[float]:
        raw = [self.rng.uniform(0.1, 1.0) for _ in range(k)]
        total = sum(raw)
        out = [round(x / total, 3) for x in raw[:-1]]
        out.append(round(1 - sum(out), 3))
        return out

    def clock(self, a: str, b: str) -> None:
        kind = self.rng.choice(["statutory_max", "statutory_max", "statutory_min",
                                "guidance_target", "local_target", "statutory_fixed"])
        unit = self.rng.choice(["days", "weeks", "working_days"])
        ts: dict[str, Any] = {"from": a, "to": b, "limit": float(self.rng.randint(1, 20)),
                              "unit": unit, "kind": kind, "confidence": "high"}
        if kind.startswith("statutory"):
            ts["legal_basis"] = [{"source": SOURCE_ID, "provision": "s.1"}]
        self.timescales.append(ts)

    def sequence(self, cur: str, budget: int, depth: int, inside: bool) -> str:
        """Steps after ``cur`` (about ``budget`` of them); returns the last one."""
        used = 0
        history = [cur]
        while used < budget:
            r = self.rng.random()
            room = budget - used
            if r < 0.14 and room >= 5 and depth < self.max_depth:
                d = self.step("decision")
                self.edge(cur, d)
                k = self.rng.choice([2, 2, 3])
                early = not inside and self.rng.random() < 0.3
                shares = self.shares(k + early)
                merge = self.step("event")
                sub = max(1, (room - 2) // (k + 1))
                for i in range(k):
                    head = self.step("activity")
                    self.edge(d, head, share=shares[i])
                    end = self.sequence(head, sub, depth + 1, inside)
                    self.edge(end, merge)
                    used += sub + 1
                if early:
                    out = self.step("outcome")
                    self.edge(d, out, share=shares[-1])
                    used += 1
                used += 2
                cur = merge
            elif r < 0.24 and room >= 5 and depth < self.max_depth:
                p = self.step("parallel")
                self.edge(cur, p, estimate=False)
                k = self.rng.choice([2, 2, 3])
                join = self.step("join")
                sub = max(1, (room - 2) // (k + 1))
                for _ in range(k):
                    head = self.step("activity")
                    self.edge(p, head)
                    end = self.sequence(head, sub, depth + 1, True)
                    self.edge(end, join)
                    used += sub + 1
                used += 2
                cur = join
            elif self.repeats and r < 0.28 and len(history) > 1:
                # A deferral: the decision sends the case back to an earlier step.
                d = self.step("decision")
                self.edge(cur, d)
                back = self.rng.choice(history[1:])
                on = self.step("event")
                self.edge(d, on, share=0.8)
                self.edge(d, back, share=0.2, repeat=True)
                used += 2
                cur = on
            else:
                kind = self.rng.choice(["activity", "activity", "meeting", "event"])
                s = self.step(kind)
                self.edge(cur, s)
                if self.repeats and kind == "meeting" and self.rng.random() < 0.2:
                    self.edge(s, s, repeat=True)
                if self.rng.random() < 0.3:
                    self.clock(self.rng.choice(history), s)
                used += 1
                cur = s
            history.append(cur)
        return cur


def synthetic_flow(n_steps: int, seed: int = 0, *, repeats: bool = True, unknown: bool = True,
                   max_depth: int = 3, flow_id: str = "synthetic") -> Flow:
    """A random valid flow of about ``n_steps`` steps (at least 3), the same for one seed.

    ``repeats`` adds repeat edges, ``unknown`` some ``estimate: unknown``; sections nest
    at most ``max_depth`` deep.
    """
    b = _Builder(seed, repeats, unknown, max_depth)
    start = b.step("start")
    last = b.sequence(start, max(1, n_steps - 2), 0, False)
    end = b.step("outcome")
    b.edge(last, end)
    data = {"id": flow_id, "title": "A synthetic flow", "jurisdiction": "Nowhere",
            "as_of": dt.date(2026, 1, 1), "summary": "Generated for tests and benchmarks.",
            "lanes": [{"id": lane, "name": lane.replace("_", " ")} for lane in LANES],
            "tags": [{"id": "hearing", "name": "Children's hearing"},
                     {"id": "court", "name": "Court"}],
            "steps": b.steps, "transitions": b.transitions, "timescales": b.timescales}
    return Flow.model_validate(data)


def synthetic_flowset(n_steps: int, seed: int = 0, **options: Any) -> FlowSet:
    """A :class:`FlowSet` holding one synthetic flow and its bibliography (not checked)."""
    flow = synthetic_flow(n_steps, seed, **options)
    return FlowSet(flows={flow.id: flow}, sources={SOURCE_ID: synthetic_source()})


def flow_yaml(flow: Flow) -> bytes:
    """A flow as YAML, as an author would write it (for the loader's full checks)."""
    data = flow.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True)
    for key in ("id", "title", "jurisdiction", "as_of", "summary", "lanes", "steps"):
        data.setdefault(key, getattr(flow, key))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()


def graph_of(flow: Flow) -> nx.DiGraph:
    """The graph of a single flow (as :func:`explorer.graph.flow_graph` builds it)."""
    G = build_flow_graph({flow.id: flow}, [flow.id])
    G.graph["flow_id"] = flow.id
    G.graph["title"] = flow.title
    return G


def diamond_graph() -> nx.DiGraph:
    """``s -> d -> (a | b) -> m -> end``: a decision whose branches meet again.

    Estimates (likely days): s->d 1, d->a 2, d->b 5, a->m 3, b->m 1, m->end 0.
    """
    def est(lo: float, likely: float, hi: float) -> dict[str, Any]:
        return {"min": lo, "likely": likely, "max": hi, "basis": "illustrative"}

    flow = Flow.model_validate({
        "id": "diamond", "title": "Diamond", "jurisdiction": "Nowhere",
        "as_of": dt.date(2026, 1, 1), "summary": "Four steps and a choice.",
        "lanes": [{"id": "social_work", "name": "Social work"}],
        "steps": [{"id": n, "name": n, "kind": k, "lane": "social_work", "description": n}
                  for n, k in [("s", "start"), ("d", "decision"), ("a", "activity"),
                               ("b", "activity"), ("m", "event"), ("end", "outcome")]],
        "transitions": [
            {"from": "s", "to": "d", "estimate": est(0, 1, 2)},
            {"from": "d", "to": "a", "estimate": est(1, 2, 3),
             "share": {"value": 0.5, "basis": "illustrative"}},
            {"from": "d", "to": "b", "estimate": est(2, 5, 8),
             "share": {"value": 0.5, "basis": "illustrative"}},
            {"from": "a", "to": "m", "estimate": est(1, 3, 5)},
            {"from": "b", "to": "m", "estimate": est(0, 1, 2)},
            {"from": "m", "to": "end", "estimate": est(0, 0, 0)},
        ],
    })
    return graph_of(flow)

"""The analysis engine: routes and critical path, simulation against SimPy, synthetic growth.

Figures:
- ``routes_critical_whole_system_ms``: routes as the CLI runs them by default (all
  counted, the first 20 listed and measured) plus the critical path over ``all`` from
  concern_raised to adoption_order; ``routes_100_critical_whole_system_ms`` lists 100.
- ``simulate_100k_s``: 100,000 journeys through the whole-system view from concern_raised.
- ``simpy_100k_s``: the same model written with SimPy (one process a journey, a
  sub-process a parallel track, ``AllOf`` at the join), same rules, same run;
  ``simpy_speedup`` is the ratio.
- ``synthetic_1k_ms`` / ``synthetic_10k_ms``: route count + critical path + 1,000
  journeys on synthetic flows of about 1,000 and 10,000 steps (cost should grow
  about tenfold).

Until the shipped flows hold both concern_raised and adoption_order, the whole-system
figures use the stand-in flows in tests/fixtures/system (``whole_system_fixture`` = 1).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import networkx as nx

from explorer.analysis.critical import critical_path
from explorer.analysis.prepare import estimate_of, prepare
from explorer.analysis.reach import exit_weights
from explorer.analysis.routes import DEFAULT_LIMIT, count_routes, routes
from explorer.analysis.simulate import simulate
from explorer.analysis.synthetic import graph_of, synthetic_flow
from explorer.graph import flow_graph
from explorer.io.load import DEFAULT_FLOWS_DIR, load_flows

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "system"
SOURCE, TARGET = "concern_raised", "adoption_order"
RUNS = 100_000


def whole_system() -> tuple[nx.DiGraph, bool]:
    """The whole-system graph of the shipped flows, or of the stand-in fixture."""
    fs = load_flows(DEFAULT_FLOWS_DIR)
    if fs.flows:
        G = flow_graph(fs, "all")
        if fs.ok and SOURCE in G and TARGET in G:
            return G, False
    return flow_graph(load_flows(FIXTURE), "all"), True


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def simpy_simulate(G: nx.DiGraph, source: str, runs: int, seed: int, max_repeats: int = 5
                   ) -> dict[str, list[float]]:
    """The simulation's model in SimPy: the same branching, durations, joins and repeats."""
    import simpy

    P = prepare(G)
    rng = random.Random(seed)
    env = simpy.Environment()
    ends: dict[str, list[float]] = defaultdict(list)

    def draw(data: dict[str, Any]) -> float:
        est = estimate_of(data)
        if est is None or est.max <= est.min:
            return est.min if est else 0.0
        w = est.max - est.min
        return est.min + w * rng.betavariate(1 + 4 * (est.likely - est.min) / w,
                                             1 + 4 * (est.max - est.likely) / w)

    weights = {v: exit_weights(G, v, P.succ[v]) for v in P.order if len(P.succ[v]) > 1}
    repeats: dict[str, tuple[float, dict[str, Any]]] = {}
    for u, _, d in G.edges(data=True):
        if not d.get("repeat"):
            continue
        if d.get("share") is not None:
            repeats[u] = (d["share"].value, d)
        elif P.kind(u) == "decision" and all(
                e.get("share") is None for _, _, e in G.out_edges(u, data=True)):
            repeats[u] = (1 / G.out_degree(u), d)  # equal shares, as the simulation

    def walk(v: str, stop: str | None) -> Generator[Any, Any, None]:
        while v != stop:
            if v in repeats:
                p, d = repeats[v]
                count = 0
                while count < max_repeats and rng.random() < p:
                    count += 1
                    yield env.timeout(draw(d))
            exits = P.succ[v]
            if not exits:
                ends[v].append(env.now)
                return
            if P.kind(v) == "parallel":
                j = P.joins[v]
                yield env.all_of([env.process(track(v, h, j)) for h in exits])
                v = j
                continue
            c = rng.choices(exits, weights[v])[0] if len(exits) > 1 else exits[0]
            yield env.timeout(draw(P.D.edges[v, c]))
            v = c

    def track(p: str, h: str, j: str) -> Generator[Any, Any, None]:
        yield env.timeout(draw(P.D.edges[p, h]))
        yield from walk(h, j)

    for _ in range(runs):
        env.process(walk(source, None))
    env.run()
    return ends


def synthetic_ms(n_steps: int) -> float:
    flow = synthetic_flow(n_steps, seed=7)
    G = graph_of(flow)
    start, end = flow.steps[0].id, flow.steps[-1].id

    def work() -> None:
        count_routes(G, start, end)
        critical_path(G, start, end)
        simulate(G, start, runs=1_000, seed=1)

    return best_of(work, 3) * 1000


def run() -> dict[str, float]:
    G, fixture = whole_system()
    routes(G, SOURCE, TARGET)  # warm imports and caches of networkx

    def routes_and_critical(limit: int = DEFAULT_LIMIT) -> None:
        routes(G, SOURCE, TARGET, limit=limit)
        critical_path(G, SOURCE, TARGET)

    rc = best_of(routes_and_critical, 10)
    rc100 = best_of(lambda: routes_and_critical(100), 5)
    sim = best_of(lambda: simulate(G, SOURCE, runs=RUNS, seed=1), 3)
    t0 = time.perf_counter()
    simpy_simulate(G, SOURCE, RUNS, seed=1)
    simpy_s = time.perf_counter() - t0
    return {
        "routes_critical_whole_system_ms": rc * 1000,
        "routes_100_critical_whole_system_ms": rc100 * 1000,
        "whole_system_routes": float(routes(G, SOURCE, TARGET, limit=0).count),
        "whole_system_steps": float(G.number_of_nodes()),
        "whole_system_fixture": float(fixture),
        "simulate_100k_s": sim,
        "simpy_100k_s": simpy_s,
        "simpy_speedup": simpy_s / sim,
        "synthetic_1k_ms": synthetic_ms(1_000),
        "synthetic_10k_ms": synthetic_ms(10_000),
    }

"""Property-based tests of the analysis on random valid flows (explorer.synthetic)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import networkx as nx
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from explorer.analysis.critical import critical_path
from explorer.analysis.prepare import Prepared, estimate_of, prepare
from explorer.analysis.reach import outcome_probabilities
from explorer.analysis.routes import count_routes, routes
from explorer.analysis.simulate import simulate
from explorer.analysis.synthetic import flow_yaml, graph_of, synthetic_flow
from explorer.io.load import load_flows
from tests.fuzzing import examples

BASE = Path(__file__).parent / "fixtures" / "synthetic"
SETTINGS = settings(max_examples=examples(40), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

seeds = st.integers(min_value=0, max_value=10**6)
sizes = st.integers(min_value=3, max_value=40)


def first_and_last(flow_steps: list) -> tuple[str, str]:
    return flow_steps[0].id, flow_steps[-1].id


def brute_force_routes(P: Prepared, s: str, t: str) -> set[frozenset[str]]:
    """Every route as a set of steps, by trying every combination of choices."""
    reach = nx.descendants(P.D, s) | {s}
    choices = [v for v in P.order if v in reach and P.is_choice(v)]
    found: set[frozenset[str]] = set()
    for combo in itertools.product(*(P.succ[c] for c in choices)):
        pick = dict(zip(choices, combo, strict=True))
        A = nx.DiGraph()
        A.add_node(s)
        stack = [s]
        while stack:
            v = stack.pop()
            if v == t:
                continue
            for c in [pick[v]] if v in pick else P.succ[v]:
                if c not in A:
                    stack.append(c)
                A.add_edge(v, c)
        if t in A:
            found.add(frozenset(nx.ancestors(A, t) | {t}))
    return found


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seeds, sizes)
def test_random_flows_validate(seed: int, size: int) -> None:
    fs = load_flows(BASE, extra={"synthetic.yaml": flow_yaml(synthetic_flow(size, seed))})
    assert fs.ok, fs.problems[:3]


@SETTINGS
@given(seeds, sizes)
def test_listed_route_count_equals_computed_count(seed: int, size: int) -> None:
    flow = synthetic_flow(size, seed)
    s, t = first_and_last(flow.steps)
    G = graph_of(flow)
    count = count_routes(G, s, t)
    assume(count <= 300)
    listed = routes(G, s, t, limit=300).routes
    assert len(listed) == count
    assert len({r.steps for r in listed}) == count


@SETTINGS
@given(seeds, st.integers(min_value=3, max_value=25))
def test_counted_routes_are_the_distinct_combinations_of_choices(seed: int, size: int) -> None:
    flow = synthetic_flow(size, seed, max_depth=2)
    s, t = first_and_last(flow.steps)
    G = graph_of(flow)
    P = prepare(G)
    combos = math.prod(len(P.succ[v]) for v in P.order if P.is_choice(v))
    assume(combos <= 2000)
    brute = brute_force_routes(P, s, t)
    assert count_routes(G, s, t) == len(brute)
    assert {frozenset(r.steps) for r in routes(G, s, t, limit=3000).routes} == brute


@SETTINGS
@given(seeds, sizes)
def test_critical_path_is_at_least_every_route(seed: int, size: int) -> None:
    flow = synthetic_flow(size, seed)
    s, t = first_and_last(flow.steps)
    G = graph_of(flow)
    cp = critical_path(G, s, t)
    listed = routes(G, s, t, limit=200).routes
    assert all(cp.days >= r.likely_days - 1e-9 for r in listed)
    assert any(abs(cp.days - r.likely_days) < 1e-9 for r in listed) or len(listed) == 200


def path_bounds(P: Prepared, s: str) -> dict[str, tuple[float, float]]:
    """Per step: the shortest total of minimums and the longest total of maximums."""
    lo: dict[str, float] = {s: 0.0}
    hi: dict[str, float] = {s: 0.0}
    for v in P.order:
        for u in P.pred[v]:
            if u in lo:
                est = estimate_of(P.D.edges[u, v])
                a, b = (est.min, est.max) if est else (0.0, 0.0)
                lo[v] = min(lo.get(v, math.inf), lo[u] + a)
                hi[v] = max(hi.get(v, -math.inf), hi[u] + b)
    return {v: (lo[v], hi[v]) for v in lo}


@SETTINGS
@given(seeds, sizes, st.sampled_from(["pert", "triangular"]))
def test_simulated_percentiles_lie_between_shortest_and_longest_totals(
        seed: int, size: int, distribution: str) -> None:
    flow = synthetic_flow(size, seed, repeats=False)
    s = flow.steps[0].id
    G = graph_of(flow)
    bounds = path_bounds(prepare(G), s)
    sim = simulate(G, s, runs=300, seed=seed, distribution=distribution)
    for end, stats in sim.outcomes.items():
        if stats.count:
            lo, hi = bounds[end]
            assert lo - 1e-9 <= stats.p10_days <= stats.median_days <= stats.p90_days
            assert stats.p90_days <= hi + 1e-9


@SETTINGS
@given(seeds, sizes)
def test_simulated_shares_follow_the_exact_probabilities(seed: int, size: int) -> None:
    flow = synthetic_flow(size, seed)
    s = flow.steps[0].id
    G = graph_of(flow)
    exact = outcome_probabilities(G, s)
    sim = simulate(G, s, runs=4000, seed=seed)
    for end, p in exact.items():
        assert abs(sim.outcomes[end].share - p) < 0.05
    assert math.isclose(sum(exact.values()), 1.0)

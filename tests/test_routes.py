"""Routes on small hand-made flows with exact expected answers (tests/fixtures/analysis)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from explorer.analysis.routes import count_routes, routes, unroll_repeats
from explorer.graph import flow_graph
from explorer.io.load import load_flows
from explorer.model.flowset import FlowSet
from explorer.model.problems import FlowError

FIXTURE = Path(__file__).parent / "fixtures" / "analysis"


@pytest.fixture(scope="module")
def fs() -> FlowSet:
    flows = load_flows(FIXTURE)
    assert flows.ok, flows.problems
    return flows


def graph(fs: FlowSet, flow: str) -> nx.DiGraph:
    return flow_graph(fs, flow)


def by_target_step(fs: FlowSet, flow: str, source: str, target: str, via: str):
    return next(r for r in routes(graph(fs, flow), source, target).routes if via in r.steps)


def test_one_route_per_branch_of_a_decision(fs: FlowSet) -> None:
    rs = routes(graph(fs, "branch"), "b_start", "b_done")
    assert rs.count == 2
    assert {r.choices for r in rs.routes} == {(("b_decide", "b_hearing"),),
                                               (("b_decide", "b_court"),)}


def test_route_steps_are_in_order(fs: FlowSet) -> None:
    r = by_target_step(fs, "branch", "b_start", "b_done", "b_hearing")
    assert r.steps == ("b_start", "b_assess", "b_decide", "b_hearing", "b_order", "b_done")


def test_statutory_floor_sums_current_minimums_only(fs: FlowSet) -> None:
    # 6 weeks is current; the superseded 4 weeks is left out.
    r = by_target_step(fs, "branch", "b_start", "b_done", "b_hearing")
    assert r.statutory_floor_days == 42.0


def test_bounded_time_chains_clocks_without_double_counting(fs: FlowSet) -> None:
    # 28 days to the decision (statutory), 3 weeks on to the hearing (statutory), then
    # a 14-day local target; the 1-week guidance to the assessment lies inside the 28.
    r = by_target_step(fs, "branch", "b_start", "b_done", "b_hearing")
    assert r.bounded_days == 63.0


def test_bounded_time_keeps_statutory_and_guidance_apart(fs: FlowSet) -> None:
    r = by_target_step(fs, "branch", "b_start", "b_done", "b_hearing")
    assert (r.bounded_statutory_days, r.bounded_guidance_days) == (49.0, 21.0)


def test_unbounded_steps_are_those_no_clock_reaches(fs: FlowSet) -> None:
    r = by_target_step(fs, "branch", "b_start", "b_done", "b_court")
    assert r.unbounded_steps == ("b_court", "b_done")


def test_zero_length_milestone_is_not_unbounded(fs: FlowSet) -> None:
    r = by_target_step(fs, "branch", "b_start", "b_done", "b_hearing")
    assert "b_order" in r.steps
    assert r.unbounded_steps == ()


def test_hearings_courts_and_decision_makers_are_counted(fs: FlowSet) -> None:
    hearing = by_target_step(fs, "branch", "b_start", "b_done", "b_hearing")
    court = by_target_step(fs, "branch", "b_start", "b_done", "b_court")
    assert (hearing.hearings, hearing.court_stages) == (1, 0)
    assert (court.hearings, court.court_stages) == (0, 1)
    assert hearing.decision_makers == ("reporter", "childrens_hearing")
    assert court.decision_makers == ("reporter", "sheriff")


def test_route_likely_days_count_unknown_as_zero_and_say_so(fs: FlowSet) -> None:
    r = by_target_step(fs, "branch", "b_start", "b_done", "b_court")
    assert r.likely_days == 54.0
    assert r.unknown_edges == (("b_court", "b_done"),)


def test_several_targets_sum_their_counts(fs: FlowSet) -> None:
    rs = routes(graph(fs, "branch"), "b_start", ["b_done", "b_nfa"])
    assert (rs.count, rs.counts) == (3, {"b_done": 2, "b_nfa": 1})
    assert sorted(r.target for r in rs.routes) == ["b_done", "b_done", "b_nfa"]


def test_parallel_route_contains_every_track_up_to_the_join(fs: FlowSet) -> None:
    rs = routes(graph(fs, "par"), "p_start", "p_end")
    assert rs.count == 2
    steps = {frozenset(r.steps) for r in rs.routes}
    common = {"p_start", "p_split", "p_a1", "p_b1", "p_bdec", "p_join", "p_end"}
    assert steps == {frozenset(common | {"p_b2"}), frozenset(common | {"p_b3"})}


def test_parallel_route_lasts_as_long_as_its_longest_track(fs: FlowSet) -> None:
    rs = routes(graph(fs, "par"), "p_start", "p_end")
    assert sorted(r.likely_days for r in rs.routes) == [33.0, 46.0]


def test_target_inside_a_track_needs_only_that_track(fs: FlowSet) -> None:
    rs = routes(graph(fs, "par"), "p_start", "p_b2")
    assert rs.count == 1
    assert rs.routes[0].steps == ("p_start", "p_split", "p_b1", "p_bdec", "p_b2")


def test_repeat_edges_are_left_out_by_default(fs: FlowSet) -> None:
    assert count_routes(graph(fs, "loop"), "l_start", "l_order") == 1


def test_unrolling_adds_one_route_per_repeat(fs: FlowSet) -> None:
    G = graph(fs, "loop")
    assert [count_routes(G, "l_start", "l_order", unroll=k) for k in range(4)] == [1, 2, 3, 4]


def test_unrolled_route_repeats_the_cycle_steps(fs: FlowSet) -> None:
    rs = routes(graph(fs, "loop"), "l_start", "l_order", unroll=1)
    assert ("l_start", "l_review", "l_hd", "l_review", "l_hd", "l_order") in [
        r.steps for r in rs.routes]


def test_unrolled_graph_is_acyclic(fs: FlowSet) -> None:
    assert nx.is_directed_acyclic_graph(unroll_repeats(graph(fs, "loop"), 3))


def test_listing_is_capped_and_says_truncated(fs: FlowSet) -> None:
    rs = routes(graph(fs, "branch"), "b_start", ["b_done", "b_nfa"], limit=2)
    assert (rs.count, len(rs.routes), rs.truncated) == (3, 2, True)


def test_listing_takes_routes_to_each_target_in_turn(fs: FlowSet) -> None:
    rs = routes(graph(fs, "branch"), "b_start", ["b_done", "b_nfa"], limit=2)
    assert {r.target for r in rs.routes} == {"b_done", "b_nfa"}


def test_unreachable_target_is_an_error(fs: FlowSet) -> None:
    with pytest.raises(FlowError, match="cannot be reached"):
        routes(graph(fs, "branch"), "b_done", "b_start")


def test_unknown_step_suggests_a_close_match(fs: FlowSet) -> None:
    with pytest.raises(FlowError, match="did you mean b_start"):
        routes(graph(fs, "branch"), "b_strat", "b_done")


def test_unroll_out_of_range_is_an_error(fs: FlowSet) -> None:
    with pytest.raises(FlowError, match="unroll"):
        count_routes(graph(fs, "loop"), "l_start", "l_order", unroll=99)


def test_count_is_exact_for_billions_of_routes() -> None:
    # 40 decisions in a row, each with two branches that meet again: 2**40 routes.
    G = nx.DiGraph(timescales=[])
    G.add_node("n0", kind="start")
    for i in range(40):
        d, a, b, m = f"d{i}", f"a{i}", f"b{i}", f"n{i + 1}"
        for node, kind in ((d, "decision"), (a, "activity"), (b, "activity"), (m, "event")):
            G.add_node(node, kind=kind)
        for u, v in ((f"n{i}", d), (d, a), (d, b), (a, m), (b, m)):
            G.add_edge(u, v, repeat=False, estimate=None)
    assert count_routes(G, "n0", "n40") == 2**40
    assert len(routes(G, "n0", "n40", limit=5).routes) == 5


def test_route_as_dict_has_the_contract_fields(fs: FlowSet) -> None:
    d = routes(graph(fs, "branch"), "b_start", "b_done").as_dict()
    assert {"count", "routes"} <= set(d)
    assert {"steps", "statutory_floor_days", "bounded_days", "unbounded_steps", "hearings",
            "court_stages"} <= set(d["routes"][0])

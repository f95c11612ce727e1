"""Monte Carlo journeys, what-if and calibration on small hand-made flows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from explorer.analysis.simulate import (
    MAX_RUNS,
    apply_overrides,
    calibration_table,
    compare,
    simulate,
    what_if,
)
from explorer.analysis.synthetic import diamond_graph
from explorer.graph import flow_graph
from explorer.io.load import load_flows
from explorer.model.flowset import FlowSet
from explorer.model.problems import FlowError

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def fs() -> FlowSet:
    return load_flows(FIXTURES / "analysis")


@pytest.fixture(scope="module")
def system() -> FlowSet:
    return load_flows(FIXTURES / "system")


def test_same_seed_gives_the_same_result(fs: FlowSet) -> None:
    G = flow_graph(fs, "branch")
    assert simulate(G, "b_start", runs=3000, seed=5) == simulate(G, "b_start", runs=3000,
                                                                  seed=5)


def test_same_seed_gives_the_same_times(fs: FlowSet) -> None:
    G = flow_graph(fs, "branch")
    a = simulate(G, "b_start", runs=5000, seed=5).times["b_done"]
    b = simulate(G, "b_start", runs=5000, seed=5).times["b_done"]
    assert np.array_equal(a, b)


def test_branches_are_drawn_by_their_shares(fs: FlowSet) -> None:
    sim = simulate(flow_graph(fs, "branch"), "b_start", runs=20_000, seed=2)
    assert sim.outcomes["b_done"].share == pytest.approx(0.7, abs=0.02)
    assert sim.outcomes["b_nfa"].share == pytest.approx(0.3, abs=0.02)


def test_parallel_tracks_join_at_the_latest(fs: FlowSet) -> None:
    # Exact estimates: track A takes 30 days, track B 43 (long way) or 9 (short way);
    # the join waits for the later, then 3 days to the end.
    sim = simulate(flow_graph(fs, "par"), "p_start", runs=2000, seed=1)
    assert set(np.unique(sim.times["p_end"])) == {33.0, 46.0}


def test_repeats_add_whole_intervals(fs: FlowSet) -> None:
    sim = simulate(flow_graph(fs, "loop"), "l_start", runs=5000, seed=1, max_repeats=3)
    assert set(np.unique(sim.times["l_order"])) == {11.0, 39.0, 67.0, 95.0}


def test_repeat_probability_is_the_repeat_share(fs: FlowSet) -> None:
    sim = simulate(flow_graph(fs, "loop"), "l_start", runs=20_000, seed=1, max_repeats=1)
    assert np.mean(sim.times["l_order"] > 11) == pytest.approx(0.5, abs=0.02)


def test_repeat_exit_is_left_out_of_the_branch_shares(fs: FlowSet) -> None:
    sim = simulate(flow_graph(fs, "loop"), "l_start", runs=20_000, seed=1)
    assert sim.outcomes["l_order"].share == pytest.approx(0.6, abs=0.02)


def test_no_repeats_when_max_repeats_is_zero(fs: FlowSet) -> None:
    sim = simulate(flow_graph(fs, "loop"), "l_start", runs=500, seed=1, max_repeats=0)
    assert sim.outcomes["l_order"].median_days == 11.0


def test_repeat_without_a_share_is_not_taken_and_said(fs: FlowSet) -> None:
    sim = simulate(flow_graph(fs, "review"), "r_start", runs=500, seed=1)
    assert sim.outcomes["r_end"].p90_days == 8.0
    assert any("r_review -> r_review" in a for a in sim.assumptions)


def test_equal_shares_are_assumed_and_said() -> None:
    G = diamond_graph()
    for c in ("a", "b"):
        G.edges["d", c]["share"] = None
    sim = simulate(G, "s", runs=100, seed=1)
    assert any("equal shares" in a and "d" in a for a in sim.assumptions)


def test_unknown_estimates_are_listed(fs: FlowSet) -> None:
    sim = simulate(flow_graph(fs, "branch"), "b_start", runs=100, seed=1)
    assert ("b_court", "b_done") in sim.unknown_edges


def test_percentiles_are_ordered(fs: FlowSet) -> None:
    st = simulate(flow_graph(fs, "branch"), "b_start", runs=5000, seed=3).outcomes["b_done"]
    assert st.p10_days <= st.median_days <= st.p90_days


def test_triangular_distribution_stays_within_min_and_max() -> None:
    sim = simulate(diamond_graph(), "s", runs=5000, seed=1, distribution="triangular")
    t = sim.times["end"]
    assert t.min() >= 2.0 and t.max() <= 15.0


def test_large_batches_match_the_pert_mean() -> None:
    # 100,000 journeys use the quantile table; its mean must match the PERT mean.
    sim = simulate(diamond_graph(), "s", runs=100_000, seed=1)
    # PERT means: s->d 1, d->a 2, d->b 5, a->m 3, b->m 1 (half each way): 1 + 5.5
    assert sim.outcomes["end"].mean_days == pytest.approx(6.5, abs=0.05)


@pytest.mark.parametrize("runs", [0, -1, MAX_RUNS + 1, 1_000_000_000])
def test_runs_out_of_range_is_an_error(runs: int) -> None:
    with pytest.raises(FlowError, match="runs must be between 1 and 1,000,000"):
        simulate(diamond_graph(), "s", runs=runs)


def test_negative_seed_is_an_error() -> None:
    with pytest.raises(FlowError, match="seed"):
        simulate(diamond_graph(), "s", runs=10, seed=-1)


def test_overrides_leave_the_original_graph_alone() -> None:
    G = diamond_graph()
    apply_overrides(G, estimates={("d", "b"): (0, 0, 0)}, shares={"d": {"a": 1.0}})
    assert G.edges["d", "b"]["estimate"].likely == 5.0
    assert G.edges["d", "a"]["share"].value == 0.5


def test_partial_estimate_override_caps_the_maximum() -> None:
    H = apply_overrides(diamond_graph(), estimates={("d", "b"): {"max": 4}})
    est = H.edges["d", "b"]["estimate"]
    assert (est.min, est.likely, est.max) == (2.0, 4.0, 4.0)


def test_share_override_spreads_the_rest_over_the_other_exits(fs: FlowSet) -> None:
    H = apply_overrides(flow_graph(fs, "branch"), shares={"b_decide": {"b_hearing": 0.8}})
    rest = {c: H.edges["b_decide", c]["share"].value for c in ("b_court", "b_nfa")}
    assert rest == pytest.approx({"b_court": 0.08, "b_nfa": 0.12})


def test_share_override_to_a_non_exit_is_an_error() -> None:
    with pytest.raises(FlowError, match="not an exit"):
        apply_overrides(diamond_graph(), shares={"d": {"m": 1.0}})


def test_shares_above_one_are_an_error() -> None:
    with pytest.raises(FlowError, match="more than 1"):
        apply_overrides(diamond_graph(), shares={"d": {"a": 0.7, "b": 0.6}})


def test_a_share_on_a_repeat_edge_makes_it_happen(fs: FlowSet) -> None:
    G = apply_overrides(flow_graph(fs, "review"), shares={"r_review": {"r_review": 0.5}})
    sim = simulate(G, "r_start", runs=4000, seed=1)
    assert np.mean(sim.times["r_end"] > 8) == pytest.approx(0.5, abs=0.03)


def test_what_if_compares_outcome_by_outcome(fs: FlowSet) -> None:
    w = what_if(flow_graph(fs, "branch"), "b_start", shares={"b_decide": {"b_hearing": 1.0}},
                runs=4000, seed=1)
    change = {c.outcome: c for c in w.changes}
    assert change["b_done"].scenario_share == 1.0
    assert change["b_nfa"].share_change == pytest.approx(-0.3, abs=0.03)
    assert change["b_nfa"].scenario_median_days is None


def test_faster_panel_shortens_the_median(system: FlowSet) -> None:
    w = what_if(flow_graph(system, "permanence-lite"), "looked_after",
                estimates={("permanence_recommendation", "permanence_panel"): {"max": 84}},
                runs=4000, seed=1)
    change = {c.outcome: c for c in w.changes}["adoption_order"]
    assert change.median_change_days < 0


def test_compare_lists_outcomes_of_either_side() -> None:
    base = simulate(diamond_graph(), "s", runs=100)
    other = simulate(diamond_graph(), "d", runs=100)
    assert [c.outcome for c in compare(base, other)] == ["end"]


def test_calibration_table_sets_simulated_beside_published(system: FlowSet) -> None:
    rows = {r.id: r for r in calibration_table(system, "permanence-lite", runs=4000, seed=1)}
    assert set(rows) == {"time_to_adoption", "time_to_return_home"}
    home = rows["time_to_return_home"]
    assert home.simulated_days is not None and home.simulated_days > 270
    assert home.difference_days == pytest.approx(home.simulated_days - 270, abs=0.11)
    assert home.within_tolerance is False


def test_calibration_difference_is_zero_inside_the_published_range(system: FlowSet) -> None:
    row = calibration_table(system, "permanence-lite", runs=4000, seed=1)[0]
    assert row.id == "time_to_adoption"
    assert 730 <= row.simulated_days <= 1095
    assert (row.difference_days, row.within_tolerance) == (0.0, True)


def test_calibration_of_an_unknown_flow_is_an_error(system: FlowSet) -> None:
    with pytest.raises(FlowError, match="unknown flow"):
        calibration_table(system, "permanance", runs=10, seed=1)

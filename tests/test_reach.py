"""What can happen next, and which outcomes remain reachable."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.analysis.reach import next_steps, outcome_probabilities, reachable_outcomes
from explorer.graph import flow_graph
from explorer.io.load import load_flows
from explorer.model.flowset import FlowSet
from explorer.model.problems import FlowError

FIXTURE = Path(__file__).parent / "fixtures" / "analysis"


@pytest.fixture(scope="module")
def fs() -> FlowSet:
    return load_flows(FIXTURE)


def test_next_steps_list_exits_with_shares_most_likely_first(fs: FlowSet) -> None:
    nxt = next_steps(flow_graph(fs, "branch"), "b_decide")
    assert [(n.step, n.share) for n in nxt] == [("b_hearing", 0.5), ("b_nfa", 0.3),
                                               ("b_court", 0.2)]


def test_next_steps_carry_estimates_and_clocks(fs: FlowSet) -> None:
    hearing = next_steps(flow_graph(fs, "branch"), "b_decide")[0]
    assert hearing.estimate == (10.0, 20.0, 30.0)
    assert [ts.limit_days for ts in hearing.timescales] == [21.0]


def test_next_steps_flag_repeat_exits_last(fs: FlowSet) -> None:
    nxt = next_steps(flow_graph(fs, "loop"), "l_hd")
    assert (nxt[-1].step, nxt[-1].repeat, nxt[-1].label) == ("l_review", True, "defer")


def test_reachable_outcomes_narrow_after_a_decision(fs: FlowSet) -> None:
    G = flow_graph(fs, "branch")
    assert reachable_outcomes(G, "b_start") == ["b_done", "b_nfa"]
    assert reachable_outcomes(G, "b_court") == ["b_done"]


def test_outcome_probabilities_follow_the_shares(fs: FlowSet) -> None:
    probs = outcome_probabilities(flow_graph(fs, "branch"), "b_start")
    assert probs == pytest.approx({"b_done": 0.7, "b_nfa": 0.3})


def test_outcome_probabilities_rescale_without_repeat_exits(fs: FlowSet) -> None:
    probs = outcome_probabilities(flow_graph(fs, "loop"), "l_start")
    assert probs == pytest.approx({"l_order": 0.6, "l_discharge": 0.4})


def test_outcome_probabilities_pass_a_parallel_to_its_join(fs: FlowSet) -> None:
    assert outcome_probabilities(flow_graph(fs, "par"), "p_start") == {"p_end": 1.0}


def test_unknown_step_is_an_error(fs: FlowSet) -> None:
    with pytest.raises(FlowError, match="did you mean"):
        next_steps(flow_graph(fs, "branch"), "b_decid")

"""The critical path on small hand-made flows with exact expected answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.analysis.critical import critical_path, longest_times
from explorer.analysis.synthetic import diamond_graph
from explorer.graph import flow_graph
from explorer.io.load import load_flows
from explorer.model.flowset import FlowSet
from explorer.model.problems import FlowError

FIXTURE = Path(__file__).parent / "fixtures" / "analysis"


@pytest.fixture(scope="module")
def fs() -> FlowSet:
    return load_flows(FIXTURE)


def test_critical_path_takes_the_longest_branch_at_a_decision(fs: FlowSet) -> None:
    cp = critical_path(flow_graph(fs, "branch"), "b_start", "b_done")
    assert cp.steps == ("b_start", "b_assess", "b_decide", "b_court", "b_done")
    assert cp.days == 54.0


def test_critical_path_reports_unknown_estimates_as_zero(fs: FlowSet) -> None:
    cp = critical_path(flow_graph(fs, "branch"), "b_start", "b_done")
    assert cp.unknown_edges == (("b_court", "b_done"),)
    assert cp.edges[-1] == ("b_court", "b_done", None)


def test_critical_path_takes_the_longest_track_through_a_parallel(fs: FlowSet) -> None:
    cp = critical_path(flow_graph(fs, "par"), "p_start", "p_end")
    assert cp.steps == ("p_start", "p_split", "p_b1", "p_bdec", "p_b2", "p_join", "p_end")
    assert cp.days == 46.0


def test_critical_path_by_pert_mean(fs: FlowSet) -> None:
    cp = critical_path(flow_graph(fs, "branch"), "b_start", "b_done", basis="pert")
    assert cp.days == pytest.approx(55.5)
    assert cp.likely_days == 54.0


def test_all_zero_estimates_still_give_the_whole_path() -> None:
    # networkx.dag_longest_path would return a single node here.
    G = diamond_graph()
    for _, _, d in G.edges(data=True):
        d["estimate"] = None
    cp = critical_path(G, "s", "end")
    assert cp.steps[0] == "s" and cp.steps[-1] == "end" and cp.days == 0.0
    assert len(cp.unknown_in_scope) == 6


def test_critical_path_from_a_step_to_itself_is_that_step() -> None:
    cp = critical_path(diamond_graph(), "d", "d")
    assert (cp.steps, cp.days) == (("d",), 0.0)


def test_critical_path_to_an_unreachable_step_is_an_error() -> None:
    with pytest.raises(FlowError, match="cannot be reached"):
        critical_path(diamond_graph(), "a", "b")


def test_unknown_basis_is_an_error() -> None:
    with pytest.raises(FlowError, match="basis"):
        critical_path(diamond_graph(), "s", "end", basis="mode")


def test_longest_times_is_the_cpm_forward_pass(fs: FlowSet) -> None:
    times = longest_times(flow_graph(fs, "par"), "p_start")
    assert (times["p_join"], times["p_end"]) == (43.0, 46.0)

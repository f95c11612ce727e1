"""The analysis commands: timescale, routes, critical-path, simulate (on the test fixtures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explorer.cli import main

SYSTEM = str(Path(__file__).parent / "fixtures" / "system")
ANALYSIS = str(Path(__file__).parent / "fixtures" / "analysis")


def run_json(capsys: pytest.CaptureFixture[str], *argv: str, flows: str = SYSTEM) -> dict:
    assert main([*argv, "--json", "--flows", flows]) == 0
    return json.loads(capsys.readouterr().out)


def run_error(capsys: pytest.CaptureFixture[str], *argv: str, flows: str = SYSTEM) -> str:
    assert main([*argv, "--flows", flows]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err


def test_timescale_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "timescale", "permanence-lite", "adoption_placement",
                    "adoption_order")
    assert (data["flow"], data["from"], data["to"]) == ("permanence-lite",
                                                        "adoption_placement", "adoption_order")
    (ts,) = data["timescales"]
    assert {"limit", "unit", "kind", "counting", "legal_basis", "confidence"} <= set(ts)
    assert (ts["limit"], ts["unit"], ts["kind"]) == (13.0, "weeks", "statutory_min")
    assert ts["legal_basis"] == [{"source": "testlaw", "provision": "s.15"}]


def test_timescale_without_a_limit_is_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "timescale", "permanence-lite", "looked_after", "adoption_order")
    assert data["timescales"] == []


def test_timescale_history_lists_superseded_rules(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "timescale", "branch", "b_start", "b_done", "--history",
                    flows=ANALYSIS)
    assert sorted(t["status"] for t in data["timescales"]) == ["current", "superseded"]


def test_timescale_table_names_the_basis(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timescale", "permanence-lite", "adoption_placement", "adoption_order",
                 "--flows", SYSTEM, "--ids"]) == 0
    out = capsys.readouterr().out
    assert "13 weeks" in out and "statutory_min" in out and "testlaw s.15" in out
    # Without --ids the same table reads in words.
    assert main(["timescale", "permanence-lite", "adoption_placement", "adoption_order",
                 "--flows", SYSTEM]) == 0
    out = capsys.readouterr().out
    assert "statutory minimum" in out and "statutory_min" not in out


def test_routes_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "routes", "all", "concern_raised", "adoption_order")
    assert data["count"] == 3 and len(data["routes"]) == 3
    route = data["routes"][0]
    assert {"steps", "statutory_floor_days", "bounded_days", "unbounded_steps", "hearings",
            "court_stages"} <= set(route)
    assert route["steps"][0] == "concern_raised" and route["steps"][-1] == "adoption_order"
    assert route["statutory_floor_days"] == 91.0


def test_routes_limit_truncates_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "routes", "all", "concern_raised", "adoption_order",
                    "--limit", "1")
    assert (data["count"], len(data["routes"]), data["truncated"]) == (3, 1, True)


def test_routes_to_several_targets(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "routes", "permanence-lite", "looked_after", "adoption_order",
                    "reunification")
    assert data["counts"] == {"adoption_order": 1, "reunification": 1}


def test_routes_unroll(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "routes", "loop", "l_start", "l_order", "--unroll", "2",
                    flows=ANALYSIS)
    assert data["count"] == 3


def test_routes_table_lists_unbounded_steps(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "branch", "b_start", "b_done", "--flows", ANALYSIS, "--ids"]) == 0
    out = capsys.readouterr().out
    assert "2 route(s) from b_start to b_done" in out
    assert "unbounded: b_court, b_done" in out


def test_critical_path_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "critical-path", "par", "p_start", "p_end", flows=ANALYSIS)
    assert data["steps"] == ["p_start", "p_split", "p_b1", "p_bdec", "p_b2", "p_join",
                             "p_end"]
    assert data["likely_days"] == 46.0


def test_critical_path_pert_option(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "critical-path", "branch", "b_start", "b_done", "--pert",
                    flows=ANALYSIS)
    assert (data["basis"], data["days"], data["likely_days"]) == ("pert", 55.5, 54.0)


def test_critical_path_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["critical-path", "branch", "b_start", "b_done", "--flows", ANALYSIS]) == 0
    out = capsys.readouterr().out
    assert "54 days" in out and "unknown" in out


def test_simulate_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "simulate", "all", "--from", "concern_raised", "--runs", "2000",
                    "--seed", "3")
    assert (data["runs"], data["seed"]) == (2000, 3)
    assert set(data["outcomes"]) == {"cp_nfa", "deregistered", "reunification", "po_granted",
                                     "adoption_order"}
    for st in data["outcomes"].values():
        assert {"share", "p10_days", "median_days", "p90_days"} <= set(st)
    assert sum(st["share"] for st in data["outcomes"].values()) == pytest.approx(1.0)


def test_simulate_same_seed_same_output(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("simulate", "permanence-lite", "--from", "looked_after", "--runs", "1000")
    assert run_json(capsys, *argv) == run_json(capsys, *argv)


def test_simulate_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "branch", "--from", "b_start", "--runs", "1000",
                 "--flows", ANALYSIS]) == 0
    out = capsys.readouterr().out
    assert "1,000 journeys from Start" in out and "Done" in out and "median" in out
    assert "b_done" not in out


@pytest.mark.parametrize("runs", ["0", "1000000000", "-5"])
def test_simulate_runs_out_of_range(capsys: pytest.CaptureFixture[str], runs: str) -> None:
    err = run_error(capsys, "simulate", "all", "--from", "concern_raised", "--runs", runs)
    assert "runs must be between 1 and 1,000,000" in err


def test_unknown_flow_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    err = run_error(capsys, "routes", "permanence", "looked_after", "adoption_order")
    assert "unknown flow 'permanence'" in err and "permanence-lite" in err


def test_unknown_step_suggests_a_close_match(capsys: pytest.CaptureFixture[str]) -> None:
    err = run_error(capsys, "critical-path", "all", "concern_raised", "adoption_ordr")
    assert "unknown step 'adoption_ordr'" in err and "adoption_order" in err


def test_unreachable_target_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    err = run_error(capsys, "routes", "all", "adoption_order", "concern_raised")
    assert "cannot be reached" in err


def test_unknown_simulate_start_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    err = run_error(capsys, "simulate", "all", "--from", "lookd_after")
    assert "did you mean looked_after" in err


def test_unroll_out_of_range_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    err = run_error(capsys, "routes", "loop", "l_start", "l_order", "--unroll", "50",
                    flows=ANALYSIS)
    assert "unroll must be between 0 and 5" in err

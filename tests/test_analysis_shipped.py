"""The analysis on the shipped flows: acceptance checks and calibration.

These need the permanence flow (flows/permanence.yaml); until it lands they skip
with that reason, and they run as soon as it exists.
"""

from __future__ import annotations

import json

import pytest

from explorer.analysis.simulate import CALIBRATION_TOLERANCE, calibration_table
from explorer.cli import main
from explorer.io.load import DEFAULT_FLOWS_DIR
from explorer.model.flowset import FlowSet

PERMANENCE_FILE = DEFAULT_FLOWS_DIR / "permanence.yaml"
needs_permanence = pytest.mark.skipif(
    not PERMANENCE_FILE.exists(),
    reason="flows/permanence.yaml is not there yet (the permanence flow is being written)")

ADOPTION, RETURN_HOME = "adoption_order", "reunification"


@needs_permanence
def test_simulate_permanence_from_looked_after(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "permanence", "--from", "looked_after", "--runs", "20000",
                 "--seed", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    outcomes = data["outcomes"]
    assert (data["runs"], data["seed"]) == (20000, 1)
    # Each share is printed to 4 decimals: their sum may be off by half a unit each.
    assert sum(o["share"] for o in outcomes.values()) == pytest.approx(
        1.0, abs=0.5e-4 * len(outcomes))
    for step in (ADOPTION, RETURN_HOME):
        assert outcomes[step]["share"] > 0
    adoption = outcomes[ADOPTION]
    # Adoption takes months to years, never days, and never longer than a childhood.
    assert 180 < adoption["p10_days"] <= adoption["median_days"] <= adoption["p90_days"] < 18 * 365


@needs_permanence
def test_routes_from_concern_to_adoption_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "all", "concern_raised", ADOPTION, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["count"] >= 1 and data["routes"]
    assert len(data["routes"]) == min(data["count"], data["limit"])
    for route in data["routes"]:
        assert route["steps"][0] == "concern_raised" and route["steps"][-1] == ADOPTION
        assert "looked_after" in route["steps"]
        # Adoption needs the child to live with the adopters first: a statutory minimum.
        assert route["statutory_floor_days"] > 0
        assert route["bounded_days"] >= 0 and route["court_stages"] >= 1


@needs_permanence
def test_adoption_and_return_home_are_calibrated_within_20_percent(shipped: FlowSet) -> None:
    rows = calibration_table(shipped, "permanence", runs=20_000, seed=1)
    checked = [r for r in rows if r.to in (ADOPTION, RETURN_HOME)]
    assert {r.to for r in checked} == {ADOPTION, RETURN_HOME}, (
        "the permanence flow needs published_durations to adoption_order and reunification")
    off = [(r.id, r.simulated_days, r.low_days, r.high_days, r.relative_difference)
           for r in checked if not r.within_tolerance]
    assert not off, f"beyond {CALIBRATION_TOLERANCE:.0%} of the published figures: {off}"

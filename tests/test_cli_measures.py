"""``measures``, ``mine`` and ``forecast`` on the command line: JSON contracts, exit codes,
plain errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from explorer.cli import main

EXAMPLE = str(Path(__file__).parent.parent / "examples" / "example-events.csv")
AS_OF = "2026-01-01"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(list(args))
    return code, json.loads(capsys.readouterr().out)


def test_measures_json_keeps_the_design_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, "measures", EXAMPLE, "--as-of", AS_OF, "--json",
                     "--aim", "permanence_recommendation:permanence_panel:84:0.9")
    assert code == 0
    assert data["as_of"] == AS_OF
    for iv in data["intervals"]:
        assert {"from", "to", "completed", "waiting", "median_days", "aims"} <= set(iv)
    local = next(i for i in data["intervals"] if i["to"] == "permanence_panel")
    assert local["aims"][0]["days"] == 84
    assert local["aims"][0]["target_share"] == 0.9
    first = data["intervals"][0]
    assert (first["from"], first["to"]) == ("looked_after", "permanence_recommendation")
    assert first["aims"][0]["unit"] == "months"  # the national 6-month aim, from the flows


def test_mine_json_keeps_the_design_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, "mine", EXAMPLE, "--as-of", AS_OF, "--json")
    assert code == 0
    assert {"from", "to", "children", "median_days", "p90_days"} <= set(data["transitions"][0])
    assert {"steps", "children", "share"} <= set(data["variants"][0])
    assert data["out_of_order"]
    assert {"case_id", "from", "to"} <= set(data["out_of_order"][0])


def test_forecast_json_keeps_the_design_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, "forecast", EXAMPLE, "--case", "FICTIONAL-00407", "--as-of",
                     AS_OF, "--json", "--runs", "1000")
    assert code == 0
    assert {"case_id", "as_of", "current_step", "outcomes", "next_deadlines"} <= set(data)
    for o in data["outcomes"].values():
        assert {"probability", "p50_date", "p80_date"} <= set(o)
        assert AS_OF < o["p50_date"] <= o["p80_date"]
    assert data["next_deadlines"]
    assert {"from", "to", "due", "rule"} <= set(data["next_deadlines"][0])


def test_suppressed_output_shows_no_small_count_and_no_case_id(
        capsys: pytest.CaptureFixture[str]) -> None:
    _, data = run(capsys, "mine", EXAMPLE, "--as-of", AS_OF, "--json", "--suppress")
    assert data["out_of_order"] == []
    assert all(t["children"] == "<5" or t["children"] >= 5 for t in data["transitions"])


def test_an_unknown_case_is_a_plain_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forecast", EXAMPLE, "--case", "NOBODY"]) == 2
    assert "no events for case 'NOBODY'" in capsys.readouterr().err


def test_a_bad_aim_is_a_plain_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["measures", EXAMPLE, "--aim", "looked_after:adm_decision:soon"]) == 2
    assert "DAYS must be a whole number" in capsys.readouterr().err


def test_a_missing_file_is_a_plain_error(capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    assert main(["mine", str(tmp_path / "none.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_bad_rows_are_reported_and_the_rest_used(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    f = tmp_path / "events.csv"
    f.write_text("case_id,step,date\nA,looked_after,2025-01-01\nA,placement,not a date\n"
                 "B,looked_after,2025-02-01\n")
    code = main(["measures", str(f), "--as-of", AS_OF, "--json"])
    out = capsys.readouterr()
    assert code == 1
    assert "row 2" in out.err
    assert json.loads(out.out)["cases"] == 2


def test_a_wide_caseload_is_measured_too(capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    f = tmp_path / "wide.csv"
    f.write_text("case_id,looked_after,permanence_recommendation\nA,2025-01-01,2025-03-02\n")
    code, data = run(capsys, "measures", str(f), "--as-of", AS_OF, "--json")
    assert code == 0
    assert data["intervals"][0]["median_days"] == 60

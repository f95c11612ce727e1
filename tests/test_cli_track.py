"""``permanence-explorer track``: the JSON contract, exit codes and plain errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from explorer.cli import main

FIXTURE = str(Path(__file__).parent / "fixtures" / "track")
EXAMPLE = str(Path(__file__).parent.parent / "examples" / "example-caseload.csv")


def cli(*args: str) -> list[str]:
    return ["track", *args, "--flows", FIXTURE]


def test_track_json_has_the_design_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(cli(EXAMPLE, "--as-of", "2026-11-22", "--json"))
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["as_of"] == "2026-11-22"
    case = next(c for c in data["cases"] if c["case_id"] == "EXAMPLE-002")
    hearing = next(i for i in case["items"] if i["to"] == "grounds_hearing")
    assert {k: hearing[k] for k in ("from", "due", "status", "days_late")} == {
        "from": "place_of_safety", "due": "2026-09-24", "status": "missed", "days_late": 4}
    assert hearing["legal_basis"][0]["provision"] == "s.54(c)"


def test_track_accepts_a_scottish_as_of_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(cli(EXAMPLE, "--as-of", "22/11/2026", "--json")) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2026-11-22"


def test_track_due_soon_days_changes_the_window(capsys: pytest.CaptureFixture[str]) -> None:
    main(cli(EXAMPLE, "--as-of", "2026-11-22", "--due-soon-days", "0", "--json"))
    data = json.loads(capsys.readouterr().out)
    assert data["due_soon_days"] == 0
    assert data["summary"]["by_status"]["due_soon"] == 0


def test_track_text_output_lists_cases(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(cli(EXAMPLE, "--as-of", "2026-11-22")) == 0
    out = capsys.readouterr().out
    assert "EXAMPLE-003" in out and "overdue" in out


def test_track_bad_rows_go_to_stderr_and_exit_1(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "c.csv"
    f.write_text("case_id,place_of_safety,grounds_hearing\nOK,2026-01-30,\nBAD,2026-02-30,\n")
    code = main(cli(str(f), "--as-of", "2026-03-01", "--json"))
    out, err = capsys.readouterr()
    assert code == 1
    assert "row 2 (line 3), column 'place_of_safety'" in err
    data = json.loads(out)
    assert [c["case_id"] for c in data["cases"]] == ["OK", "BAD"]
    assert data["problems"][0]["row"] == 2


def test_track_empty_file_is_a_clear_error(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "empty.csv"
    f.write_bytes(b"")
    assert main(cli(str(f))) == 2
    err = capsys.readouterr().err
    assert "empty" in err and "Traceback" not in err


def test_track_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(cli("/no/such/caseload.csv")) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "Traceback" not in err


def test_track_bad_as_of_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(cli(EXAMPLE, "--as-of", "2026-02-30"))
    assert exc.value.code == 2
    assert "not a date" in capsys.readouterr().err


def test_track_file_over_the_limit_is_refused(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "big.csv"
    f.write_bytes(b"case_id\n")
    os.truncate(f, 65 * 1024 * 1024)  # sparse: refused by its size before it is read
    assert main(cli(str(f))) == 2
    assert "limit is 64 MB" in capsys.readouterr().err


# -- with the shipped flows ----------------------------------------------------------------


def test_track_shipped_flows_grounds_hearing_deadline(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    """EXAMPLE-002: removed Mon 14 Sep 2026; 8 WDs beginning the day after end Thu 24 Sep;
    the grounds hearing on Mon 28 Sep is 4 days late (CHSA s.54)."""
    code = main(["track", EXAMPLE, "--as-of", "2026-11-22", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    case = next(c for c in data["cases"] if c["case_id"] == "EXAMPLE-002")
    (hearing,) = [i for i in case["items"]
                  if (i["from"], i["to"]) == ("place_of_safety", "grounds_hearing")]
    assert (hearing["due"], hearing["status"], hearing["days_late"]) == ("2026-09-24",
                                                                         "missed", 4)


def test_track_shipped_flows_flag_a_hearing_before_removal(capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    main(["track", EXAMPLE, "--as-of", "2026-11-22", "--json"])
    data = json.loads(capsys.readouterr().out)
    case = next(c for c in data["cases"] if c["case_id"] == "EXAMPLE-007")
    assert any((c["earlier"], c["later"]) == ("place_of_safety", "grounds_hearing")
               for c in case["contradictions"])
    assert not any(i["to"] == "grounds_hearing" and i["from"] == "place_of_safety"
                   for i in case["items"])

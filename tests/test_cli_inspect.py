"""The command line's steps, diff, --ids, --sort, --version, examples and empty folders."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from explorer import __version__
from explorer.cli import COMMANDS, build_parser, example, main
from explorer.io.load import DEFAULT_FLOWS_DIR

SHIPPED = str(DEFAULT_FLOWS_DIR)


def out_of(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> str:
    assert main(list(argv)) == code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.out if code == 0 else captured.err


def variant_folder(tmp: Path) -> Path:
    """The shipped flows and a local variant of permanence: own id and title, one limit
    changed, one step added."""
    folder = tmp / "flows"
    shutil.copytree(DEFAULT_FLOWS_DIR, folder, ignore=shutil.ignore_patterns("schema"))
    text = (folder / "permanence.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^id: permanence\s*$", "id: permanence-local\nvariant_of: permanence",
                  text, count=1, flags=re.M)
    text = re.sub(r"^title: .*$", "title: Permanence in our council", text, count=1,
                  flags=re.M)
    rule = "\n        limit: {}\n        unit: days\n        kind: statutory_max"
    text = text.replace(rule.format(28), rule.format(21), 1)
    (folder / "permanence-local.yaml").write_text(text, encoding="utf-8")
    return folder


def test_steps_lists_ids_with_names_lanes_and_stages(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    out = out_of(capsys, "steps", "permanence")
    line = next(x for x in out.splitlines() if x.strip().startswith("adoption_order "))
    assert "Adoption order made" in line and "(" in line
    data = json.loads(out_of(capsys, "steps", "permanence", "--json"))
    row = next(r for r in data["steps"] if r["id"] == "adoption_order")
    assert row["name"] == "Adoption order made" and row["lane_name"] and row["stage_name"]
    assert data["count"] == len(data["steps"])


def test_steps_of_an_unknown_flow_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    err = out_of(capsys, "steps", "no-such-flow", code=2)
    assert "unknown flow 'no-such-flow'" in err


def test_diff_of_a_flow_with_itself_finds_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    out = out_of(capsys, "diff", "permanence", "permanence")
    assert "no differences" in out


def test_diff_finds_a_changed_limit_in_a_local_variant(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    folder = variant_folder(tmp_path)
    data = json.loads(out_of(capsys, "diff", "permanence",
                             str(folder / "permanence-local.yaml"), "--json"))
    (pair,) = data["pairs"]
    assert (pair["a"], pair["b"]) == ("permanence", "permanence-local")
    assert pair["counts"]["timescale"]["changed"] == 1
    change = next(c for c in pair["changes"] if c["item"] == "timescale")
    assert {"field": "rule", "a": "within 28 days", "b": "within 21 days"} in change["fields"]


def test_diff_of_two_folders_pairs_a_variant_with_its_national_flow(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = variant_folder(tmp_path)
    data = json.loads(out_of(capsys, "diff", SHIPPED, str(folder), "--json"))
    pairs = {(p["a"], p["b"]) for p in data["pairs"]}
    assert ("permanence", "permanence-local") in pairs
    assert ("permanence", "permanence") in pairs


def test_diff_of_something_that_is_not_a_flow_is_an_error(capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path) -> None:
    err = out_of(capsys, "diff", "permanence", str(tmp_path / "missing.yaml"), code=2)
    assert "no such file, folder or flow id" in err


def test_text_output_names_steps_and_ids_with_ids(capsys: pytest.CaptureFixture[str]) -> None:
    named = out_of(capsys, "routes", "permanence", "looked_after", "adoption_order",
                   "--limit", "1")
    assert "Child becomes looked after" in named and "looked_after ->" not in named
    ids = out_of(capsys, "routes", "permanence", "looked_after", "adoption_order",
                 "--limit", "1", "--ids")
    assert "looked_after ->" in ids


def test_routes_sort_by_floor_and_by_likely(capsys: pytest.CaptureFixture[str]) -> None:
    for key, field in (("floor", "statutory_floor_days"), ("likely", "likely_days")):
        data = json.loads(out_of(capsys, "routes", "permanence", "looked_after",
                                 "adoption_order", "--limit", "30", "--sort", key, "--json"))
        values = [r[field] for r in data["routes"]]
        assert values == sorted(values) and data["sort"] == key
        assert all("number" in r for r in data["routes"])


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_every_commands_help_ends_with_an_example(command: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args([command, "--help"])
    out = capsys.readouterr().out
    c = next(c for c in COMMANDS if c.name == command)
    ex = example(c)
    assert ex.split()[:2] == ["permanence-explorer", command]
    assert out.rstrip().endswith(ex)


@pytest.mark.parametrize("command", ["validate", "steps", "timescale", "routes",
                                     "critical-path", "simulate", "measures", "mine",
                                     "forecast"])
def test_the_example_runs_on_the_shipped_flows(command: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    c = next(c for c in COMMANDS if c.name == command)
    assert main(example(c).split()[1:]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_validate_on_a_folder_with_no_flows_is_an_error(capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path) -> None:
    err = out_of(capsys, "validate", str(tmp_path), code=2)
    assert "no flow files" in err

"""The shipped flows are written in one YAML style a reviewer can read step by step: each
step with where it leads and the rules that start there under it, estimate defaults said
once, and the formatter's layout exactly; and the loader reads that layout (and the flat
one) into the same flow, reporting problems where they were written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from explorer.cli import main
from explorer.io.load import DEFAULT_FLOWS_DIR, flatten_flow_data, load_flows
from explorer.io.yamlformat import dump_flow_yaml, format_flow_text
from explorer.model import Flow
from tests.conftest import FlowCopy

FLOWS = ["care-and-protection", "permanence"]


@pytest.mark.parametrize("fid", FLOWS)
def test_the_shipped_flow_is_in_the_one_style(fid: str) -> None:
    text = (DEFAULT_FLOWS_DIR / f"{fid}.yaml").read_text(encoding="utf-8")
    assert format_flow_text(text) == text, "run `make format`"


@pytest.mark.parametrize("fid", FLOWS)
def test_every_transition_and_rule_sits_under_the_step_it_starts_from(fid: str) -> None:
    data = yaml.safe_load((DEFAULT_FLOWS_DIR / f"{fid}.yaml").read_text(encoding="utf-8"))
    assert "transitions" not in data and "timescales" not in data
    assert sum(len(s.get("next", [])) for s in data["steps"]) > 50


@pytest.mark.parametrize("fid", FLOWS)
def test_the_estimate_basis_is_said_once(fid: str) -> None:
    text = (DEFAULT_FLOWS_DIR / f"{fid}.yaml").read_text(encoding="utf-8")
    assert text.count("source: practice_estimate") <= 40
    assert "estimate_defaults:" in text


@pytest.mark.parametrize("fid", FLOWS)
def test_nested_and_flat_layouts_load_to_the_same_flow(fid: str) -> None:
    shipped = load_flows().flows[fid]
    data = yaml.safe_load((DEFAULT_FLOWS_DIR / f"{fid}.yaml").read_text(encoding="utf-8"))
    flat, _ = flatten_flow_data(data)
    assert Flow.model_validate(flat) == shipped
    # and writing the flat form in the one style gives the nested file back
    again, _ = flatten_flow_data(yaml.safe_load(dump_flow_yaml(flat)))
    assert Flow.model_validate(again) == shipped


def test_a_problem_in_a_nested_transition_is_reported_where_it_was_written(
        flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    path, _, t = flow_copy.exits(data)[3]
    t["estimate"] = {"min": 5, "likely": 1, "max": 9}
    flow_copy.write_data(data)
    from explorer.io.yamlsafe import read_yaml_file

    line = read_yaml_file(flow_copy.path).marks[(*path, "estimate")][0]
    found = [p for p in load_flows(flow_copy.folder).problems
             if "min <= likely <= max" in p.message]
    assert [p.line for p in found] == [line]
    assert found[0].message.startswith(f"steps[{path[1]}] (")
    assert f".next[{path[3]}].estimate" in found[0].message


def test_an_unknown_key_in_a_nested_transition_suggests_the_right_one(
        flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    _, _, t = flow_copy.exits(data)[0]
    t["lable"] = "LABEL_SENTINEL"
    flow_copy.write_data(data)
    found = [p for p in load_flows(flow_copy.folder).problems if "unknown key 'lable'" in p.message]
    assert [p.line for p in found] == [flow_copy.line_of("LABEL_SENTINEL")]
    assert found[0].hint == "did you mean 'label'?"


def test_format_check_reports_a_file_out_of_style_and_format_fixes_it(
        flow_copy: FlowCopy, capsys: pytest.CaptureFixture[str]) -> None:
    flow_copy.write_data(flow_copy.data())  # another dumper's layout
    path = str(flow_copy.path)
    assert main(["format", "--check", path]) == 1
    assert "would reformat" in capsys.readouterr().out
    assert main(["format", path]) == 0
    assert main(["format", "--check", path]) == 0
    assert load_flows(flow_copy.folder).ok


def test_format_refuses_a_broken_file_without_a_traceback(
        flow_copy: FlowCopy, capsys: pytest.CaptureFixture[str]) -> None:
    flow_copy.write_text(flow_copy.path.read_text().replace("kind: meeting", "kind: meting", 1))
    assert main(["format", str(flow_copy.path)]) == 2
    err = capsys.readouterr().err
    assert "steps[2] (ird).kind" in err and "Traceback" not in err
    assert Path(flow_copy.path).read_text().count("kind: meting") == 1

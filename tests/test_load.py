"""Loading the shipped flows, and the safe YAML reader underneath."""

from __future__ import annotations

import pytest

from explorer.cli import main
from explorer.graph import dag, flow_graph
from explorer.io.load import DEFAULT_FLOWS_DIR, load_flows
from explorer.io.yamlsafe import read_yaml_bytes, read_yaml_text
from explorer.model.flowset import FlowSet
from explorer.model.milestones import MILESTONES


def test_shipped_flows_validate_without_problems(shipped: FlowSet) -> None:
    assert [str(p) for p in shipped.problems] == []


def test_both_charts_are_shipped(shipped: FlowSet) -> None:
    assert set(MILESTONES) <= set(shipped.flows)


def test_cli_validate_exits_0_on_the_shipped_flows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DEFAULT_FLOWS_DIR)]) == 0
    assert capsys.readouterr().out.startswith("ok:")


def test_python_m_explorer_runs_the_same_cli() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "explorer", "validate", "--json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert '"ok": true' in done.stdout


def test_whole_system_union_holds_every_step_of_every_flow(shipped: FlowSet) -> None:
    G = flow_graph(shipped, "all")
    every = {s.id for f in shipped.flows.values() for s in f.steps}
    assert every == set(G.nodes)


def test_link_to_another_flow_is_an_external_node_in_a_single_flow_graph(shipped: FlowSet
                                                                        ) -> None:
    G = flow_graph(shipped, "care-and-protection")
    assert G.nodes["looked_after"]["external"] is True
    assert G.nodes["looked_after"]["flow"] == "permanence"


def test_whole_system_view_without_repeat_edges_is_acyclic(shipped: FlowSet) -> None:
    import networkx as nx

    assert nx.is_directed_acyclic_graph(dag(flow_graph(shipped, "all")))


def test_marks_give_line_and_column_of_every_value() -> None:
    doc = read_yaml_text("id: x\nsteps:\n  - id: a\n    kind: start\n", "f.yaml")
    assert doc.marks[("steps", 0, "kind")] == (4, 11)
    assert doc.key_marks[("steps", 0, "kind")] == (4, 5)


def test_byte_order_mark_is_accepted() -> None:
    doc = read_yaml_bytes("\ufeffid: x\n".encode(), "f.yaml")
    assert doc.data == {"id": "x"} and not doc.problems


def test_dates_are_read_as_dates() -> None:
    import datetime as dt

    assert read_yaml_text("as_of: 2026-11-22\n", "f").data["as_of"] == dt.date(2026, 11, 22)


def test_quoted_yaml11_words_stay_text() -> None:
    doc = read_yaml_text("a: 'no'\nb: '1:30'\n", "f")
    assert doc.data == {"a": "no", "b": "1:30"} and not doc.traps and not doc.problems


def test_second_document_in_one_file_is_refused() -> None:
    doc = read_yaml_text("id: a\n---\nid: b\n", "f")
    assert doc.problems and doc.problems[0].line == 2


def test_unknown_folder_is_a_problem_not_an_exception(tmp_path) -> None:
    fs = load_flows(tmp_path / "nowhere")
    assert fs.problems[0].message == "no such folder of flows"

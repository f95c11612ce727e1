"""Tags: each flow declares the tags its steps use with the name a reader sees; the loader
rejects an undeclared one at its line; maps, hovers, tables, diffs and the command line
show names (ids only with --ids)."""

from __future__ import annotations

import json

import pytest

from explorer.analysis.diff import diff_flows
from explorer.cli import main
from explorer.graph import flow_graph
from explorer.io.load import load_flows
from explorer.model.flowset import FlowSet
from explorer.render.vis import MapOptions, map_data
from tests.conftest import FlowCopy


def test_every_tag_of_the_shipped_flows_is_declared_with_a_name(shipped: FlowSet) -> None:
    for flow in shipped.flows.values():
        declared = {t.id: t.name for t in flow.tags}
        used = {t for s in flow.steps for t in s.tags}
        assert used <= set(declared), used - set(declared)
        assert all(name and "_" not in name for name in declared.values())


def test_an_undeclared_tag_is_an_error_at_its_line(flow_copy: FlowCopy) -> None:
    text = flow_copy.path.read_text(encoding="utf-8")
    text = text.replace("tags: [child_protection]", "tags: [child_protectoin]", 1)
    flow_copy.write_text(text)
    line = flow_copy.line_of("child_protectoin")
    problems = [p for p in load_flows(flow_copy.folder).problems if p.code == "undeclared_tag"]
    assert [(p.path.rsplit("/", 1)[-1], p.line) for p in problems] == [
        ("care-and-protection.yaml", line)]
    assert "'child_protectoin' is not declared" in problems[0].message
    assert "did you mean 'child_protection'" in (problems[0].hint or "")


def test_an_undeclared_tag_does_not_hide_the_other_checks(flow_copy: FlowCopy) -> None:
    text = flow_copy.path.read_text(encoding="utf-8")
    text = text.replace("tags: [child_protection]", "tags: [nowhere]", 1)
    i = text.index("\nsteps:\n")
    text = text[:i] + text[i:].replace("    lane: social_work\n", "    lane: social_wrok\n", 1)
    flow_copy.write_text(text)
    codes = {p.code for p in load_flows(flow_copy.folder).problems}
    assert {"undeclared_tag", "reference"} <= codes


def test_the_map_filter_and_hover_name_tags(shipped: FlowSet) -> None:
    data = map_data(flow_graph(shipped, "all"), shipped.flows, MapOptions())
    tags = {t["id"]: t["name"] for t in data["tags"]}
    assert tags["looked_after"] == "Looked after"
    assert tags["child_protection"] == "Child protection"
    node = next(n for n in data["nodes"] if n["id"] == "looked_after")
    assert "Tags: Looked after, Case-tracking milestone" in node["title"]
    assert "looked_after," not in node["title"] and "milestone," not in node["details"]
    # The filter still works on ids.
    only = map_data(flow_graph(shipped, "all"), shipped.flows,
                    MapOptions(tags=frozenset({"child_protection"})))
    assert only["nodes"] and all("child_protection" in n["tags"] for n in only["nodes"])


def test_a_changed_tag_in_a_diff_reads_as_names(shipped: FlowSet) -> None:
    national = shipped.flows["permanence"]
    step = national.step("looked_after")
    local = national.model_copy(update={"steps": [
        s.model_copy(update={"tags": ["looked_after"]}) if s is step else s
        for s in national.steps]})
    change = next(c for c in diff_flows(national, local).changes if c.key == "looked_after")
    field = next(f for f in change.fields if f.field == "tags")
    assert (field.a, field.b) == ("Case-tracking milestone, Looked after", "Looked after")


def test_steps_on_the_command_line_names_tags_and_ids_with_ids(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["steps", "permanence"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "Child becomes looked" in x)
    assert "tagged Looked after, Case-tracking milestone" in line
    assert main(["steps", "permanence", "--ids"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "Child becomes looked" in x)
    assert "tagged looked_after, milestone" in line
    assert main(["steps", "permanence", "--json"]) == 0
    row = next(r for r in json.loads(capsys.readouterr().out)["steps"]
               if r["id"] == "looked_after")
    assert row["tags"] == ["looked_after", "milestone"]
    assert row["tag_names"] == ["Looked after", "Case-tracking milestone"]

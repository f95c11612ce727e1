"""Stages: every step of a shipped flow belongs to a named phase of the process, the phases
run forwards along every transition (repeat edges aside), and flows hand over one way.
Bad stage data is reported at its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.graph import flow_order, stage_index, step_id, system_stages
from explorer.io.load import load_flows
from explorer.model.problems import Problem
from tests.conftest import FlowCopy

FIXTURES = Path(__file__).parent / "fixtures"


def problems_in(fc: FlowCopy) -> list[Problem]:
    return [p for p in load_flows(fc.folder).problems if p.path == str(fc.path)]


def line_of_value(fc: FlowCopy, *loc: object) -> int:
    from explorer.io.yamlsafe import read_yaml_file

    return read_yaml_file(fc.path).marks[tuple(loc)][0]


def only(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


# ------------------------------------------------------------------ the shipped flows


@pytest.mark.parametrize("fid", ["care-and-protection", "permanence"])
def test_every_step_of_a_shipped_flow_names_a_declared_stage(fid: str) -> None:
    flow = load_flows().flows[fid]
    declared = {st.id for st in flow.stages}
    assert len(declared) >= 5
    assert all(s.stage in declared for s in flow.steps)


@pytest.mark.parametrize("fid", ["care-and-protection", "permanence"])
def test_every_stage_has_a_plain_english_summary_in_whole_sentences(fid: str) -> None:
    for st in load_flows().flows[fid].stages:
        assert len(st.summary) >= 80 and st.summary.endswith("."), st.id
        assert "_" not in st.summary and "_" not in st.name, st.id


def test_care_and_protection_stages_run_from_concern_to_supervision() -> None:
    names = [st.name for st in load_flows().flows["care-and-protection"].stages]
    assert names[0] == "Concern and investigation"
    assert names.index("Emergency protection") < names.index("The Reporter")
    assert names.index("The Reporter") < names.index("Grounds and proof")
    assert names[-1] == "Supervision and review"


def test_permanence_stages_run_from_becoming_looked_after_to_adoption() -> None:
    names = [st.name for st in load_flows().flows["permanence"].stages]
    assert names[0] == "Becoming looked after"
    assert names.index("Panel and agency decision") < names.index(
        "The permanence order in court") < names.index("Adoption")


@pytest.mark.parametrize("fid", ["care-and-protection", "permanence"])
def test_no_transition_of_a_shipped_flow_runs_back_to_an_earlier_stage(fid: str) -> None:
    flow = load_flows().flows[fid]
    index = stage_index(flow)
    backwards = [(t.from_, t.to) for t in flow.transitions
                 if not t.repeat and ":" not in t.to and index[t.to] < index[t.from_]]
    assert backwards == []


def test_a_repeat_edge_may_go_back_to_an_earlier_stage() -> None:
    # A review hearing that varies the order gives a new hearing decision: a repeat edge
    # from "Supervision and review" back to "The hearing's decision".
    fs = load_flows()
    flow = fs.flows["care-and-protection"]
    index = stage_index(flow)
    back = [t for t in flow.transitions if t.repeat and index[step_id(t.to)] < index[t.from_]]
    assert back and fs.ok


def test_flows_are_ordered_by_their_links_care_and_protection_first() -> None:
    assert flow_order(load_flows().flows) == ["care-and-protection", "permanence"]


def test_the_whole_system_has_each_flows_stages_in_flow_order() -> None:
    flows = load_flows().flows
    stages = system_stages(flows)
    assert [fid for fid, _ in stages] == (
        ["care-and-protection"] * len(flows["care-and-protection"].stages)
        + ["permanence"] * len(flows["permanence"].stages))
    assert stages[-1][1].name == "Care without legal permanence"


def test_a_flow_without_stages_is_valid() -> None:
    # Stages are optional in the schema: a small or local flow need not invent phases.
    fs = load_flows(FIXTURES / "mini")
    assert fs.ok and all(not f.stages for f in fs.flows.values())


# ------------------------------------------------------------------ bad stage data


def test_step_without_a_stage_is_reported_at_the_step(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    index = next(i for i, s in enumerate(data["steps"]) if s["id"] == "cppm")
    del data["steps"][index]["stage"]
    flow_copy.write_data(data)
    found = [p for p in problems_in(flow_copy) if "step 'cppm' has no stage" in p.message]
    assert found and found[0].line == line_of_value(flow_copy, "steps", index, "id")
    assert "concern_and_investigation" in (found[0].hint or "")


def test_unknown_stage_is_reported_at_its_line_with_a_suggestion(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    index = next(i for i, s in enumerate(data["steps"]) if s["id"] == "ird")
    data["steps"][index]["stage"] = "concern_and_investigaton"
    flow_copy.write_data(data)
    found = [p for p in problems_in(flow_copy) if "unknown stage" in p.message]
    assert found and found[0].line == line_of_value(flow_copy, "steps", index, "stage")
    assert found[0].hint == "did you mean 'concern_and_investigation'?"


def test_transition_back_to_an_earlier_stage_is_reported_at_the_transition(
        flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    # Put the IRD in the last stage: the transition from it to its decision now runs back.
    index = next(i for i, s in enumerate(data["steps"]) if s["id"] == "ird")
    data["steps"][index]["stage"] = "supervision_and_review"
    flow_copy.write_data(data)
    t_path = next(path for path, a, t in flow_copy.exits(data)
                  if a == "ird" and t["to"] == "ird_decision")
    found = [p for p in only(problems_in(flow_copy), "stage_order")
             if "ird -> ird_decision" in p.message]
    assert [p.line for p in found] == [line_of_value(flow_copy, *t_path, "to")]
    assert ("from stage 'Supervision and review' to the earlier stage 'Concern and "
            "investigation'") in found[0].message


def test_stage_with_no_steps_is_reported_at_the_stage(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    data["stages"].append({"id": "aftercare", "name": "Aftercare",
                           "summary": "Support after leaving care. Not modelled yet."})
    flow_copy.write_data(data)
    found = [p for p in problems_in(flow_copy) if "stage 'aftercare' has no steps" in p.message]
    assert found and found[0].line == line_of_value(flow_copy, "stages",
                                                    len(data["stages"]) - 1, "id")


def test_duplicate_stage_id_is_reported_at_the_second(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    data["stages"].append(dict(data["stages"][0]))
    flow_copy.write_data(data)
    found = [p for p in problems_in(flow_copy) if "duplicate stage id" in p.message]
    assert found and found[0].line == line_of_value(flow_copy, "stages",
                                                    len(data["stages"]) - 1, "id")


def test_stage_named_in_a_flow_without_stages_is_unknown(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    del data["stages"]
    for s in data["steps"]:
        if s["id"] != "ird":
            del s["stage"]
    flow_copy.write_data(data)
    found = [p for p in problems_in(flow_copy) if "unknown stage" in p.message]
    assert len(found) == 1 and found[0].hint == "no stages are defined"


def test_link_back_to_an_earlier_flow_is_reported_at_the_link(flow_copy: FlowCopy) -> None:
    perm = FlowCopy(flow_copy.folder, flow_copy.folder / "permanence.yaml")
    data = perm.data()
    i = next(i for i, s in enumerate(data["steps"]) if s["id"] == "long_term_care_cso")
    data["steps"][i]["next"] = [{"to": "care-and-protection:referral_to_reporter"}]
    perm.write_data(data)
    found = only(problems_in(perm), "flow_order")
    assert [p.line for p in found] == [line_of_value(perm, "steps", i, "next", 0, "to")]
    assert "which links back to flow 'permanence'" in found[0].message

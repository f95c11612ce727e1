"""``applies_when_case`` names declared case attributes and their values; a misspelt one is
reported at its line, because a rule that matches no case would silently never apply."""

from __future__ import annotations

from explorer.io.load import load_flows
from explorer.io.yamlsafe import read_yaml_file
from explorer.model.problems import Problem
from tests.conftest import FlowCopy


def permanence_copy(fc: FlowCopy) -> FlowCopy:
    return FlowCopy(fc.folder, fc.folder / "permanence.yaml")


def problems_in(fc: FlowCopy) -> list[Problem]:
    return [p for p in load_flows(fc.folder).problems if p.path == str(fc.path)]


def rule_at(fc: FlowCopy, data: dict, ts_id: str) -> tuple[tuple, dict]:
    return next((path, t) for path, _, t in fc.rules(data) if t.get("id") == ts_id)


def test_unknown_value_is_reported_at_the_value_with_a_suggestion(flow_copy: FlowCopy) -> None:
    fc = permanence_copy(flow_copy)
    data = fc.data()
    path, ts = rule_at(fc, data, "lac_review_1_within_6_weeks")
    ts["applies_when_case"] = {"placement_type": ["kinship", "fostr"]}
    fc.write_data(data)
    found = [p for p in problems_in(fc) if "'fostr' is not a value" in p.message]
    line = read_yaml_file(fc.path).marks[(*path, "applies_when_case", "placement_type", 1)][0]
    assert [p.line for p in found] == [line]
    assert found[0].hint == "did you mean 'foster'?"


def test_unknown_attribute_is_reported_at_its_key(flow_copy: FlowCopy) -> None:
    fc = permanence_copy(flow_copy)
    data = fc.data()
    path, ts = rule_at(fc, data, "lac_review_1_short_term_3_months")
    ts["applies_when_case"] = {"placement_kind": "short_break_series"}
    fc.write_data(data)
    found = [p for p in problems_in(fc) if "unknown case attribute 'placement_kind'" in p.message]
    line = read_yaml_file(fc.path).marks[(*path, "applies_when_case", "placement_kind")][0]
    assert [p.line for p in found] == [line]
    assert found[0].hint == "did you mean 'placement_type'?"


def test_a_condition_on_a_transition_timescale_is_checked_too(flow_copy: FlowCopy) -> None:
    fc = permanence_copy(flow_copy)
    data = fc.data()
    _, _, t = next(x for x in fc.exits(data) if (x[1], x[2]["to"]) == ("lac_review_1",
                                                                        "lac_review_2"))
    t["timescale"]["applies_when_case"] = {"placement_type": "homme"}
    fc.write_data(data)
    assert any("'homme' is not a value of case attribute 'placement_type'" in p.message
               for p in problems_in(fc))


def test_every_shipped_condition_names_a_declared_value() -> None:
    fs = load_flows()
    assert fs.ok
    conditions = [ts.applies_when_case for f in fs.flows.values()
                  for ts in [*f.timescales, *(t.timescale for t in f.transitions if t.timescale)]
                  if ts.applies_when_case]
    assert len(conditions) >= 6

"""Bad input: each gets a clear message naming the file and line, and nothing crashes.

Every test breaks a copy of the real ``care-and-protection`` flow in one way.
"""

from __future__ import annotations

import tracemalloc

import pytest

from explorer.cli import main
from explorer.io.load import load_flows
from explorer.model.problems import Problem
from tests.conftest import FlowCopy


def problems_in(fc: FlowCopy) -> list[Problem]:
    fs = load_flows(fc.folder)
    return [p for p in fs.problems if p.path == str(fc.path)]


def assert_problem(fc: FlowCopy, line: int, *fragments: str) -> Problem:
    found = problems_in(fc)
    for p in found:
        if p.line == line and all(f in str(p) for f in fragments):
            return p
    raise AssertionError(f"no problem at line {line} with {fragments}; got:\n" +
                         "\n".join(map(str, found)))


def line_of_value(fc: FlowCopy, *loc: object) -> int:
    """The line the loader gives for a value, read independently from the written file."""
    from explorer.io.yamlsafe import read_yaml_file

    return read_yaml_file(fc.path).marks[tuple(loc)][0]


def first_decision(data: dict) -> str:
    return next(s["id"] for s in data["steps"] if s["kind"] == "decision")


def test_invalid_yaml_syntax_names_file_and_line(flow_copy: FlowCopy) -> None:
    lines = flow_copy.path.read_text().splitlines()
    lines.insert(10, "summary: [unclosed")
    flow_copy.write_text("\n".join(lines) + "\n")
    p = assert_problem(flow_copy, 12, "invalid YAML")
    assert p.column >= 1


def test_empty_file_is_reported_not_crashed(flow_copy: FlowCopy) -> None:
    flow_copy.write_text("")
    assert_problem(flow_copy, 1, "file is empty")


def test_comment_only_file_counts_as_empty(flow_copy: FlowCopy) -> None:
    flow_copy.write_text("# yaml-language-server: $schema=schema/flow.schema.json\n")
    assert_problem(flow_copy, 1, "file is empty")


def test_file_that_is_not_utf8_names_the_line_of_the_bad_byte(flow_copy: FlowCopy) -> None:
    raw = flow_copy.path.read_bytes().splitlines(keepends=True)
    raw[4] = b"title: Caf\xe9 in Latin-1\n"
    flow_copy.path.write_bytes(b"".join(raw))
    assert_problem(flow_copy, 5, "not UTF-8", "0xe9")


def test_unknown_key_suggests_the_right_one(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    data["steps"][2]["nmae"] = "MISSPELT_KEY_SENTINEL"
    flow_copy.write_data(data)
    p = assert_problem(flow_copy, flow_copy.line_of("MISSPELT_KEY_SENTINEL"), "unknown key 'nmae'")
    assert p.hint == "did you mean 'name'?"


@pytest.mark.parametrize("word", ["no", "off", "yes"])
def test_yaml11_boolean_word_where_text_is_expected_says_to_quote(flow_copy: FlowCopy,
                                                                   word: str) -> None:
    text = flow_copy.path.read_text()
    old = next(ln for ln in text.splitlines() if ln.startswith("title:"))
    flow_copy.write_text(text.replace(old, f"title: {word}", 1))
    p = assert_problem(flow_copy, flow_copy.line_of(f"title: {word}"), "valid string")
    assert p.hint is not None and f"'{word}'" in p.hint


def test_sexagesimal_number_where_text_is_expected_is_an_error(flow_copy: FlowCopy) -> None:
    text = flow_copy.path.read_text()
    old = next(ln for ln in text.splitlines() if ln.startswith("title:"))
    flow_copy.write_text(text.replace(old, "title: 1:30", 1))
    line = flow_copy.line_of("title: 1:30")
    assert_problem(flow_copy, line, "base-60", "90")
    assert_problem(flow_copy, line, "valid string")


def test_sexagesimal_number_where_a_number_is_expected_is_an_error(flow_copy: FlowCopy
                                                                    ) -> None:
    data = flow_copy.data()
    flow_copy.rules(data)[0][2]["limit"] = 7777
    flow_copy.write_data(data)
    flow_copy.write_text(flow_copy.path.read_text().replace("limit: 7777", "limit: 1:30"))
    assert_problem(flow_copy, flow_copy.line_of("limit: 1:30"), "base-60 (sexagesimal) number 90")


def test_boolean_where_a_number_is_expected_is_an_error(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    flow_copy.rules(data)[0][2]["limit"] = 7777
    flow_copy.write_data(data)
    flow_copy.write_text(flow_copy.path.read_text().replace("limit: 7777", "limit: off"))
    p = assert_problem(flow_copy, flow_copy.line_of("limit: off"), "valid number")
    assert p.hint is not None and "'off'" in p.hint


def test_duplicate_step_id_is_reported_at_the_second(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    twin = dict(data["steps"][1])
    twin["name"] = "TWIN_STEP_SENTINEL"
    data["steps"].append(twin)
    flow_copy.write_data(data)
    line = flow_copy.line_of("TWIN_STEP_SENTINEL") - 1
    assert_problem(flow_copy, line, f"duplicate step id '{twin['id']}'")


def test_duplicate_key_in_a_mapping_is_reported(flow_copy: FlowCopy) -> None:
    text = flow_copy.path.read_text()
    old = next(ln for ln in text.splitlines() if ln.startswith("title:"))
    flow_copy.write_text(text.replace(old, old + "\ntitle: Again", 1))
    assert_problem(flow_copy, flow_copy.line_of("title: Again"), "duplicate key 'title'")


def test_dangling_reference_names_the_missing_step(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    flow_copy.exits(data)[0][2]["to"] = "grounds_hearnig"
    flow_copy.write_data(data)
    p = assert_problem(flow_copy, flow_copy.line_of("to: grounds_hearnig"),
                       "unknown step 'grounds_hearnig'")
    assert p.hint == "did you mean 'grounds_hearing'?"


def test_link_to_a_step_missing_from_another_flow_is_reported(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    flow_copy.exits(data)[0][2]["to"] = "permanence:no_such_step"
    flow_copy.write_data(data)
    assert_problem(flow_copy, flow_copy.line_of("to: permanence:no_such_step"),
                   "flow 'permanence' has no step 'no_such_step'")


def test_cycle_without_repeat_edge_names_the_cycle(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    kinds = {s["id"]: s["kind"] for s in data["steps"]}
    _, a, edge = next((path, a, t) for path, a, t in flow_copy.exits(data)
                      if not t.get("repeat") and ":" not in t["to"]
                      and kinds[t["to"]] not in ("outcome", "join")
                      and kinds[a] not in ("parallel", "join"))
    b = edge["to"]
    back = next(s for s in data["steps"] if s["id"] == b)
    back.setdefault("next", []).append({"to": a})
    flow_copy.write_data(data)
    found = [p for p in problems_in(flow_copy) if "cycle without a repeat edge" in p.message]
    assert found, problems_in(flow_copy)
    assert a in found[0].message and b in found[0].message
    # It points at a transition of the cycle: one of the two edges between the pair.
    lines = {line_of_value(flow_copy, *path) for path, x, t in flow_copy.exits(data)
             if {x, t["to"]} == {a, b}}
    assert found[0].line in lines


def test_decision_with_one_exit_is_reported_at_the_decision(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    decision = first_decision(data)
    step = next(s for s in data["steps"] if s["id"] == decision)
    keep = step["next"][0]
    step["next"] = [keep]
    keep.pop("share", None)
    flow_copy.write_data(data)
    found = [p for p in problems_in(flow_copy) if f"decision '{decision}' has 1 exit" in p.message]
    index = next(i for i, st in enumerate(data["steps"]) if st["id"] == decision)
    assert found and found[0].line == line_of_value(flow_copy, "steps", index, "kind")


def test_shares_that_do_not_sum_to_one_are_reported(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    decision = first_decision(data)
    for _, a, t in flow_copy.exits(data):
        if a == decision:
            t["share"] = {"value": 0.2, "basis": "illustrative"}
    flow_copy.write_data(data)
    found = [p for p in problems_in(flow_copy)
             if f"shares out of decision '{decision}' sum to" in p.message]
    first_exit = next(path for path, a, _ in flow_copy.exits(data) if a == decision)
    assert found and found[0].line == line_of_value(flow_copy, *first_exit, "share")


def test_unknown_unit_lists_the_known_units(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    flow_copy.rules(data)[0][2]["unit"] = "fortnights"
    flow_copy.write_data(data)
    assert_problem(flow_copy, flow_copy.line_of("unit: fortnights"), "working_days")


def test_statutory_timescale_without_legal_basis_is_reported(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    path, _, ts = next((p, a, t) for p, a, t in flow_copy.rules(data)
                       if t["kind"].startswith("statutory"))
    ts["legal_basis"] = []
    ts["consequence"] = "NO_BASIS_SENTINEL"
    flow_copy.write_data(data)
    found = [p for p in problems_in(flow_copy) if "has no legal basis" in p.message]
    assert found and found[0].line == line_of_value(flow_copy, *path, "kind")


def test_python_object_tag_is_refused(flow_copy: FlowCopy) -> None:
    text = flow_copy.path.read_text()
    flow_copy.write_text(text + "evil: !!python/object/apply:os.system ['echo hacked']\n")
    line = flow_copy.line_of("evil:")
    assert_problem(flow_copy, line, "tag '!!python/object/apply:os.system' is not allowed")


BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]"
       for i in range(8)]
) + "\n"


def test_alias_bomb_is_refused_without_expanding_it(flow_copy: FlowCopy) -> None:
    flow_copy.write_text(BILLION_LAUGHS)
    tracemalloc.start()
    try:
        found = problems_in(flow_copy)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert any(p.line == 1 and "anchors" in p.message for p in found), found
    assert peak < 100 * 1024 * 1024


def test_ten_megabyte_file_is_refused_before_parsing(flow_copy: FlowCopy) -> None:
    flow_copy.write_text("# padding\n" * 1_000_000)
    assert_problem(flow_copy, 1, "file is 9.5 MB", "at most 2 MB")


def test_all_problems_are_reported_at_once(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    data["steps"][1]["nmae"] = "x"
    data["steps"][2]["kind"] = "meting"
    flow_copy.rules(data)[0][2]["unit"] = "fortnights"
    flow_copy.write_data(data)
    assert len(problems_in(flow_copy)) >= 3


def test_cli_validate_exits_1_with_file_line_messages_and_no_traceback(
    flow_copy: FlowCopy, capsys: pytest.CaptureFixture[str]
) -> None:
    data = flow_copy.data()
    data["steps"][0]["nmae"] = "x"
    flow_copy.write_data(data)
    assert main(["validate", str(flow_copy.folder)]) == 1
    err = capsys.readouterr().err
    assert f"{flow_copy.path}:" in err and "unknown key 'nmae'" in err
    assert "Traceback" not in err


def test_cli_validate_json_lists_problems(flow_copy: FlowCopy,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    import json

    flow_copy.write_text("")
    assert main(["validate", "--json", str(flow_copy.path)]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False
    assert out["problems"][0]["path"] == str(flow_copy.path)
    assert out["problems"][0]["line"] == 1

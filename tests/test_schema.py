"""The JSON Schema that editors use is generated from the models and kept in step."""

from __future__ import annotations

import json

import pytest

from explorer.cli import main
from explorer.io.jsonschema import SCHEMA_FILES, json_schemas
from explorer.io.load import DEFAULT_FLOWS_DIR


@pytest.mark.parametrize("key", sorted(SCHEMA_FILES))
def test_committed_schema_matches_the_models(key: str) -> None:
    committed = json.loads((DEFAULT_FLOWS_DIR / "schema" / SCHEMA_FILES[key]).read_text())
    assert committed == json_schemas()[key], "run `make schema` and commit the result"


def test_every_shipped_yaml_names_its_schema_for_editors() -> None:
    for path in DEFAULT_FLOWS_DIR.glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=schema/"), path.name


def test_flow_schema_forbids_unknown_keys_at_the_top() -> None:
    assert json_schemas()["flow"]["additionalProperties"] is False


def test_schema_command_prints_the_flow_schema_as_json(capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["title"] == "Flow"
    assert "steps" in printed["properties"]


def test_schema_command_writes_all_three_files(tmp_path, capsys) -> None:
    assert main(["schema", "--out", str(tmp_path), "--json"]) == 0
    written = json.loads(capsys.readouterr().out)["written"]
    assert sorted(p.rsplit("/", 1)[-1] for p in written) == sorted(SCHEMA_FILES.values())


def test_schema_into_a_folder_that_cannot_be_made_is_a_message_not_a_traceback(
        tmp_path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["schema", "--out", str(blocker / "schema")]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and str(blocker) in err and "Traceback" not in err

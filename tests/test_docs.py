"""The documentation keeps up with the command line: every command and option is documented.

``docs/cli.md`` is generated from the parser (``python -m explorer.cli.reference``); this
test fails when it is out of date (a new option not yet in it), and when the README does
not name a command or does not point to the reference.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explorer.cli import COMMANDS, build_parser
from explorer.cli.reference import _subparsers, reference

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI_MD = ROOT / "docs" / "cli.md"


def test_the_cli_reference_is_up_to_date() -> None:
    assert CLI_MD.read_text(encoding="utf-8") == reference(), (
        "docs/cli.md is out of date: run python -m explorer.cli.reference > docs/cli.md")


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_the_readme_names_every_command(command: str) -> None:
    assert re.search(rf"permanence-explorer {re.escape(command)}\b", README), command


def test_the_readme_points_to_the_cli_reference() -> None:
    assert "docs/cli.md" in README


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_the_reference_names_every_option_of_every_command(command: str) -> None:
    text = CLI_MD.read_text(encoding="utf-8")
    section = text.split(f"\n## {command}\n", 1)[1].split("\n## ", 1)[0]
    p = _subparsers(build_parser())[command]
    for action in p._actions:
        for flag in action.option_strings:
            if flag not in ("-h", "--help"):
                assert f"`{flag}" in section, f"{command} {flag}"


def test_the_readme_mentions_the_options_every_command_shares() -> None:
    for flag in ("--json", "--flows", "--ids", "--version"):
        assert flag in README, flag

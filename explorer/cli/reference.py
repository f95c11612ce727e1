"""The command-line reference (``docs/cli.md``), generated from the parser itself.

Regenerate with ``python -m explorer.cli.reference > docs/cli.md``; ``tests/test_docs.py``
fails when the file is out of date, or when a command is missing from the README.
"""

from __future__ import annotations

import argparse

from explorer.cli import COMMANDS, build_parser, example

HEADER = """# Command-line reference

`permanence-explorer` (also `python -m explorer`). Every command takes `--json` for
machine-readable output, `--flows DIR` to work on another folder of flows (default: the
shipped `flows/`) and `--ids` to show step ids instead of names in text output; errors go to
stderr with a non-zero exit. `permanence-explorer --version` prints the version.

This page is generated from the command line itself
(`python -m explorer.cli.reference > docs/cli.md`); a test fails when it is out of date.
"""


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps its sub-parsers here
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def options(p: argparse.ArgumentParser) -> list[tuple[str, str]]:
    """(flags or name, help) of each argument of a command, in order, help left out."""
    out = []
    for a in p._actions:
        if isinstance(a, argparse._HelpAction):
            continue
        metavar = a.metavar if isinstance(a.metavar, str) else None
        name = ", ".join(a.option_strings) if a.option_strings else (metavar or a.dest)
        if a.option_strings and a.nargs != 0:
            name += f" {metavar or a.dest.upper()}"
        if a.choices and a.option_strings:
            name = name.split(" ")[0] + " {" + "|".join(map(str, a.choices)) + "}"
        out.append((str(name), (a.help or "").replace("%(default)s", str(a.default))))
    return out


def reference() -> str:
    """The whole reference as Markdown."""
    subs = _subparsers(build_parser())
    parts = [HEADER]
    parts.append("| command | does |\n|---|---|\n" + "\n".join(
        f"| [`{c.name}`](#{c.name}) | {c.help} |" for c in COMMANDS))
    for c in COMMANDS:
        p = subs[c.name]
        usage = " ".join(p.format_usage().split())
        usage = usage.removeprefix("usage: ")
        lines = [f"## {c.name}", "", c.help[:1].upper() + c.help[1:] + ".", "",
                 "```", usage, "```", "", "| argument | meaning |", "|---|---|"]
        lines += [f"| `{n}` | {h.replace('|', '/')} |" for n, h in options(p)]
        ex = example(c)
        if ex:
            lines += ["", "Example:", "", "```", ex, "```"]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(reference(), end="")

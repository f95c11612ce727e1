"""``validate``, ``schema`` and ``format``: check flow files, print or write their JSON
Schema, and keep them in the one YAML style."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from explorer.cli.common import Command, UsageError, emit
from explorer.io.jsonschema import json_schemas, write_schemas
from explorer.io.load import GLOSSARY_FILE, SOURCES_FILE, load_flow_file, load_flows
from explorer.io.yamlformat import format_flow_text
from explorer.model.problems import Problem

# -- validate ---------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    checked: list[str] = []
    paths = args.paths or [str(args.flows)]
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            fs = load_flows(p)
            if not fs.documents and not fs.problems:
                # A folder with no flow in it validates nothing: that is a mistake, not "ok".
                raise UsageError(f"{raw}: no flow files (*.yaml) in this folder")
            problems.extend(fs.problems)
            checked.extend(str(d.path) for d in fs.documents.values())
        elif p.exists():
            # A single file is checked against its folder (sources, other flows).
            fs = load_flows(p.parent)
            mine = [q for q in fs.problems if Path(q.path) == p]
            if not any(Path(d.path) == p for d in fs.documents.values()) and not mine:
                _, mine = load_flow_file(p)
            problems.extend(mine)
            checked.append(str(p))
        else:
            raise UsageError(f"{raw}: no such file or folder")
    data = {"ok": not problems, "files": checked,
            "problems": [p.as_dict() for p in problems]}
    if problems:
        text = "\n".join(str(p) for p in problems)
        text += f"\n{len(problems)} problem(s) found"
    else:
        text = f"ok: {len(checked)} flow(s) valid"
    if args.json:
        emit(args, data, text)
    elif problems:
        print(text, file=sys.stderr)
    else:
        print(text)
    return 1 if problems else 0


# -- schema -----------------------------------------------------------------------------


def cmd_schema(args: argparse.Namespace) -> int:
    if args.out:
        written = write_schemas(Path(args.out))
        emit(args, {"written": [str(p) for p in written]},
              "\n".join(f"wrote {p}" for p in written))
    else:
        schemas = json_schemas()
        json.dump(schemas if args.json or args.all else schemas["flow"], sys.stdout,
                  indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    return 0


def _validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="flow files or folders (default: --flows)")


def _schema_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", help="write flow, sources and glossary schemas into this folder")
    p.add_argument("--all", action="store_true", help="print all three schemas")


# -- format -----------------------------------------------------------------------------


def _configure_format(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", metavar="PATH", nargs="*",
                   help="flow files (default: every flow in --flows)")
    p.add_argument("--check", action="store_true",
                   help="change nothing; exit 1 if a file is not in the one style")


def cmd_format(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [
        p for p in sorted(Path(args.flows).glob("*.yaml"))
        if p.name not in (SOURCES_FILE, GLOSSARY_FILE)]
    changed = []
    for path in paths:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        fs = load_flows(path.parent)
        mine = [q for q in fs.problems if Path(q.path) == path]
        if mine:
            for q in mine:
                print(q, file=sys.stderr)
            raise UsageError(f"{path}: fix its problems before formatting it")
        text = path.read_text(encoding="utf-8")
        new = format_flow_text(text)
        if new != text:
            changed.append(str(path))
            if not args.check:
                path.write_text(new, encoding="utf-8")
    verb = "would reformat" if args.check else "reformatted"
    emit(args, {"changed": changed, "check": args.check},
         "\n".join(f"{verb} {c}" for c in changed) or "ok: every flow is in the one style")
    return 1 if (changed and args.check) else 0


#: The commands of this module, in the order ``--help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command("validate", "check flows; each problem as file:line:column: message",
            cmd_validate, _validate_args, example="permanence-explorer validate flows/"),
    Command("schema", "print or write the JSON Schema of the flow files", cmd_schema,
            _schema_args, example="permanence-explorer schema --out flows/schema"),
    Command("format", "rewrite flow files in the one YAML style (each step with its "
            "transitions and rules under it); --check only reports", cmd_format,
            _configure_format, example="permanence-explorer format --check"),
)

"""``validate`` and ``schema``: check flow files, and print or write their JSON Schema."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from explorer.cli.common import Command, UsageError, emit
from explorer.io.jsonschema import json_schemas, write_schemas
from explorer.io.load import load_flow_file, load_flows
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


#: The commands of this module, in the order ``--help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command("validate", "check flows; each problem as file:line:column: message",
            cmd_validate, _validate_args, example="permanence-explorer validate flows/"),
    Command("schema", "print or write the JSON Schema of the flow files", cmd_schema,
            _schema_args, example="permanence-explorer schema --out flows/schema"),
)

"""The command line: a thin layer over the core (design.md section 5).

Every command takes ``--json`` and ``--flows DIR``; errors go to stderr with a
non-zero exit and never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from explorer.load import DEFAULT_FLOWS_DIR, FlowSet, load_flows
from explorer.problems import FlowError

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """A user's mistake on the command line: printed plainly, exit 2."""


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if args.json:
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _load_valid(args: argparse.Namespace) -> FlowSet:
    fs = load_flows(args.flows)
    if not fs.ok:
        for p in fs.problems:
            print(p, file=sys.stderr)
        raise UsageError(f"the flows in {args.flows} have {len(fs.problems)} problem(s); "
                         "run 'permanence-explorer validate' to see them")
    return fs


# -- validate ---------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from explorer.load import load_flow_file

    problems = []
    checked: list[str] = []
    paths = args.paths or [str(args.flows)]
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            fs = load_flows(p)
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
        _emit(args, data, text)
    elif problems:
        print(text, file=sys.stderr)
    else:
        print(text)
    return 1 if problems else 0


# -- schema -----------------------------------------------------------------------------


def cmd_schema(args: argparse.Namespace) -> int:
    from explorer.schema import json_schemas, write_schemas

    if args.out:
        written = write_schemas(Path(args.out))
        _emit(args, {"written": [str(p) for p in written]},
              "\n".join(f"wrote {p}" for p in written))
    else:
        schemas = json_schemas()
        json.dump(schemas if args.json or args.all else schemas["flow"], sys.stdout,
                  indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    return 0


# -- parser -----------------------------------------------------------------------------

COMMANDS: dict[str, tuple[str, Handler, Callable[[argparse.ArgumentParser], None]]] = {}


def command(name: str, help_text: str, configure: Callable[[argparse.ArgumentParser], None]
            ) -> Callable[[Handler], Handler]:
    """Register a sub-command (used by the analysis, export and tracking modules)."""

    def register(fn: Handler) -> Handler:
        COMMANDS[name] = (help_text, fn, configure)
        return fn

    return register


COMMANDS["validate"] = (
    "check flows; each problem as file:line:column: message",
    cmd_validate,
    lambda p: p.add_argument("paths", nargs="*", help="flow files or folders (default: --flows)"),
)


def _schema_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", help="write flow, sources and glossary schemas into this folder")
    p.add_argument("--all", action="store_true", help="print all three schemas")


COMMANDS["schema"] = ("print or write the JSON Schema of the flow files", cmd_schema,
                      _schema_args)


def build_parser() -> argparse.ArgumentParser:
    import explorer.commands  # noqa: F401  (registers the other commands)

    parser = argparse.ArgumentParser(
        prog="permanence-explorer",
        description="Explore Scotland's child care and protection and permanence flows.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, fn, configure) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.add_argument("--flows", default=str(DEFAULT_FLOWS_DIR), metavar="DIR",
                       help="folder of flows (default: the shipped flows)")
        configure(p)
        p.set_defaults(handler=fn)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except (UsageError, FlowError) as exc:
        print(f"permanence-explorer {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file or folder that cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"permanence-explorer {args.command}: error: {where}{exc.strerror or exc}",
              file=sys.stderr)
        return 2
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 0
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

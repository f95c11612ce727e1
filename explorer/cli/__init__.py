"""The command line: a thin layer over the core (design.md section 5).

One console script, ``permanence-explorer`` (also ``python -m explorer``). Every command
takes ``--json`` and ``--flows DIR``; errors go to stderr with a non-zero exit and never a
traceback. The commands are listed explicitly in :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Sequence

from explorer import __version__
from explorer.cli import analysis, export, inspect_flows, measures, track, validate
from explorer.cli.common import Command, UsageError
from explorer.io.load import DEFAULT_FLOWS_DIR
from explorer.model.problems import FlowError

#: Every command, in the order ``--help`` lists them.
COMMANDS: tuple[Command, ...] = (
    *validate.COMMANDS, *inspect_flows.COMMANDS, *analysis.COMMANDS, *export.COMMANDS,
    *track.COMMANDS, *measures.COMMANDS,
)

#: Examples for commands whose module gives none (each command's ``--help`` ends with one).
EXAMPLES: dict[str, str] = {
    "export": "permanence-explorer export permanence --format html > permanence-map.html",
    "track": "permanence-explorer track examples/example-caseload.csv --as-of 2026-11-22",
    "measures": "permanence-explorer measures examples/example-events.csv --as-of 2026-01-01",
    "mine": "permanence-explorer mine examples/example-events.csv --as-of 2026-01-01",
    "forecast": "permanence-explorer forecast examples/example-events.csv --case "
                "FICTIONAL-00407 --as-of 2026-01-01",
}


def example(c: Command) -> str:
    """The example command line shown at the end of a command's ``--help``."""
    return c.example or EXAMPLES.get(c.name, "")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command, with the options all of them share."""
    parser = argparse.ArgumentParser(
        prog="permanence-explorer",
        description="Explore Scotland's child care and protection and permanence flows.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for c in COMMANDS:
        ex = example(c)
        p = sub.add_parser(c.name, help=c.help, description=c.help,
                           epilog=f"example:\n  {ex}\n" if ex else None,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.add_argument("--flows", default=str(DEFAULT_FLOWS_DIR), metavar="DIR",
                       help="folder of flows (default: the shipped flows)")
        p.add_argument("--ids", action="store_true",
                       help="show step ids instead of names in text output")
        c.configure(p)
        p.set_defaults(handler=c.handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit status (0 ok, 1 problems found, 2 error)."""
    _ensure_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.handler(args))
        sys.stdout.flush()
        return code
    except (UsageError, FlowError) as exc:
        print(f"permanence-explorer {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # piped into head: the reader has all it wanted
        _silence_stdout()
        return 0
    except OSError as exc:  # a file or folder that cannot be read or written
        if exc.errno == errno.EPIPE:
            _silence_stdout()
            return 0
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"permanence-explorer {args.command}: error: {where}{exc.strerror or exc}",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130


def _ensure_streams() -> None:
    # Started with stdout or stderr closed (``cmd >&-``), Python sets them to None and
    # the first print fails with a traceback: what would be written there is dropped,
    # and the exit status still tells the result.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def _silence_stdout() -> None:
    # Python flushes stdout at exit; with the pipe closed that flush would fail again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - no real stdout
        pass


__all__ = ["COMMANDS", "EXAMPLES", "build_parser", "example", "main"]

"""What every command shares: the command record, output, loading the flows, usage errors."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from explorer.io.load import load_flows
from explorer.model.flowset import FlowSet

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """A user's mistake on the command line: printed plainly, exit 2."""


@dataclass(frozen=True)
class Command:
    """One sub-command: its name, one line of help, what runs it, and its arguments."""

    name: str
    help: str
    handler: Handler
    configure: Callable[[argparse.ArgumentParser], None]
    #: One command line that works on the shipped flows, shown at the end of ``--help``.
    example: str = ""


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """Print ``data`` as JSON with ``--json``, else ``text``: the one output helper."""
    if args.json:
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def load_valid(args: argparse.Namespace) -> FlowSet:
    """The flows of ``--flows``; a usage error (problems on stderr) if any is invalid."""
    fs = load_flows(args.flows)
    if not fs.ok:
        for p in fs.problems:
            print(p, file=sys.stderr)
        raise UsageError(f"the flows in {args.flows} have {len(fs.problems)} problem(s); "
                         "run 'permanence-explorer validate' to see them")
    return fs

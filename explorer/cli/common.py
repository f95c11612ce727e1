"""What every command shares: the command record, output, loading the flows, usage errors."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explorer.cases.calendar import FIRST_YEAR, LAST_YEAR
from explorer.cases.caseload import MAX_FILE_BYTES
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


def parse_date(text: str) -> dt.date:
    """An ``--as-of`` date: ISO or Scottish form, within the years the calendar covers."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            # The working-day calendar covers these years only; say so, never a traceback.
            raise argparse.ArgumentTypeError(f"'{text}' is outside the years the calendar "
                                             f"covers ({FIRST_YEAR} to {LAST_YEAR})")
        return day
    raise argparse.ArgumentTypeError(f"'{text}' is not a date: use 2026-11-22 or 22/11/2026")


def read_input(path: Path) -> bytes:
    """A caseload or event log read whole into memory (never written anywhere), or a usage
    error saying why it cannot be: missing, a folder, or over the command line's limit."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UsageError(f"{path}: the file is {size / 1_048_576:.1f} MB; the limit is "
                             f"{MAX_FILE_BYTES / 1_048_576:.0f} MB")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise UsageError(f"{path}: is a folder, not a CSV or XLSX file") from exc

"""``permanence-explorer track CASELOAD.csv [--as-of DATE] [--due-soon-days N]``.

Reads the caseload into memory, prints each case's deadlines, and writes nothing.
Problems with rows go to stderr (and under ``"problems"`` with ``--json``); the good
rows are still tracked. Exit 0 when every row was read, 1 when some rows were
skipped, 2 when nothing could be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from explorer.cases.calendar import FIRST_YEAR, LAST_YEAR
from explorer.cases.tracking import MAX_UPLOAD_BYTES, to_json, track_caseload
from explorer.cli.common import Command, UsageError, load_valid
from explorer.model.kinds import STATUSES, WITHHELD


def _date(text: str) -> dt.date:
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


def _days(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if not 0 <= n <= 3650:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of days from 0 to 3650")
    return n


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("caseload", metavar="CASELOAD.csv",
                   help="one row a case: case_id and milestone columns (dates)")
    p.add_argument("--as-of", type=_date, default=None, metavar="DATE",
                   help="the date to track at (default: today)")
    p.add_argument("--due-soon-days", type=_days, default=14, metavar="N",
                   help="'due soon' means due within N days of the as-of date (default 14)")


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise UsageError(f"{path}: the file is {size / 1_048_576:.1f} MB; the limit is "
                             f"{MAX_UPLOAD_BYTES / 1_048_576:.0f} MB")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise UsageError(f"{path}: is a folder, not a CSV file") from exc


def _text(data: dict[str, object]) -> str:
    lines = [f"as of {data['as_of']}"]
    for case in data["cases"]:  # type: ignore[attr-defined]
        lines.append(f"\n{case['case_id']}")
        if not case["items"] and not case["withheld"]:
            lines.append("  no deadlines: no milestone with a timescale is dated")
        for it in case["items"]:
            late = f", {it['days_late']} day(s) late" if it["days_late"] else ""
            lines.append(f"  {it['status']:<9} {it['from']} -> {it['to']}: due {it['due']}"
                         f"{late}")
        for it in case["withheld"]:
            lines.append(f"  {WITHHELD:<9} {it['from']} -> {it['to']}: {it['reason']}")
        for c in case["contradictions"]:
            lines.append(f"  contradiction: {c['message']}")
    summary = data["summary"]
    counts = ", ".join(f"{summary['by_status'][s]} {s}" for s in STATUSES)  # type: ignore[index]
    lines.append(f"\n{summary['cases']} case(s): {counts}")  # type: ignore[index]
    return "\n".join(lines)


def cmd_track(args: argparse.Namespace) -> int:
    fs = load_valid(args)
    path = Path(args.caseload)
    as_of = args.as_of or dt.date.today()
    load, result = track_caseload(fs, _read(path), as_of=as_of,
                                  due_soon_days=args.due_soon_days)
    for p in load.problems:
        print(f"{path}: {p}", file=sys.stderr)
    if load.fatal:
        raise UsageError(f"{path}: nothing could be read")
    data = to_json(load, result)
    if args.json:
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(_text(data))
    return 1 if load.problems else 0

#: The commands of this module, in the order ``--help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command("track", "each case's deadlines, met or overdue, from milestone dates",
            cmd_track, _configure),
)

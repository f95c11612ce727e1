"""``permanence-explorer track FILE [--sheet NAME] [--as-of DATE] [--due-soon-days N]``.

``FILE`` is a CSV or XLSX caseload, wide (one row a case) or an event log (``case_id,
step, date``), told apart by its header. The file is read into memory, each case's
deadlines are printed, and nothing is written. Problems go to stderr (and under
``"problems"`` with ``--json``); the good rows and cells are still tracked. Deadlines
whose step has no column are printed as ``not_recorded``, never left out. Exit 0 when
every row and cell was read, 1 when anything was lost or reported, 2 when nothing
could be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from explorer.cases.caseload import MAX_FILE_BYTES
from explorer.cases.tracking import to_json, track_caseload
from explorer.cli.common import Command, UsageError, load_valid, parse_date, read_input
from explorer.model.kinds import STATUSES, WITHHELD


def _days(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if not 0 <= n <= 3650:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of days from 0 to 3650")
    return n


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("caseload", metavar="FILE",
                   help="a CSV or XLSX caseload: one row a case (case_id and milestone "
                   "columns) or an event log (case_id, step, date[, note])")
    p.add_argument("--sheet", default=None, metavar="NAME",
                   help="the sheet of an .xlsx workbook to read (default: the first)")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="DATE",
                   help="the date to track at (default: today)")
    p.add_argument("--due-soon-days", type=_days, default=14, metavar="N",
                   help="'due soon' means due within N days of the as-of date (default 14)")


def _text(data: dict[str, Any]) -> str:
    lines = [f"as of {data['as_of']}"]
    for case in data["cases"]:
        lines.append(f"\n{case['case_id']}")
        if not case["items"] and not case["withheld"]:
            lines.append("  no deadlines: no milestone with a timescale is dated")
        for it in case["items"]:
            late = ""
            if it["days_late"] and it["status"] == "not_recorded":
                late = f", {it['days_late']} day(s) ago"
            elif it["days_late"]:
                late = f", {it['days_late']} day(s) late"
            due = f"due {it['due']}" if it["due"] else f"done {it['to_date']}"
            rule = f" [{it['rule']}]" if it.get("rule") else ""
            lines.append(f"  {it['status']:<12} {it['from']} -> {it['to']}: {due}{late}"
                         f"{rule}")
            if it.get("note"):
                lines.append(f"  {'':<12} {it['note']}")
        for it in case["withheld"]:
            lines.append(f"  {WITHHELD:<12} {it['from']} -> {it['to']}: {it['reason']}")
        for c in case["contradictions"]:
            lines.append(f"  contradiction: {c['message']}")
    summary = data["summary"]
    counts = ", ".join(f"{summary['by_status'][s]} {s}" for s in STATUSES)
    lines.append(f"\n{summary['cases']} case(s) from {summary['rows_read']} row(s): {counts}")
    missing = summary["by_status"].get("not_recorded", 0)
    if missing:
        lines.append(f"{missing} deadline(s) not_recorded: the file has no column or event "
                     "for a step whose clock is running; add it to know whether they were met")
    return "\n".join(lines)


def cmd_track(args: argparse.Namespace) -> int:
    fs = load_valid(args)
    path = Path(args.caseload)
    as_of = args.as_of or dt.date.today()
    load, result = track_caseload(fs, read_input(path), as_of=as_of,
                                  due_soon_days=args.due_soon_days, filename=path.name,
                                  sheet=args.sheet, max_bytes=MAX_FILE_BYTES)
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

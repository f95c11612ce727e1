"""``measures``, ``mine`` and ``forecast``: an authority's own event log against the law.

``permanence-explorer measures EVENTS [--aim FROM:TO:DAYS[:SHARE] ...] [--as-of DATE]``
``permanence-explorer mine EVENTS``
``permanence-explorer forecast EVENTS --case ID [--as-of DATE]``

``EVENTS`` is a CSV or XLSX file in the long form (``case_id, step, date``, one row a
recorded event) or the wide form (one row a case, one column a milestone). It is read
into memory and nothing is written. Rows that cannot be read go to stderr (and under
``"problems"`` with ``--json``); the rest are used. Exit 0 when every row was read, 1 when
some were skipped, 2 when nothing could be read. ``--suppress`` hides counts under 5 (and
every case id) for output to be shared beyond the team.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from explorer.cases.forecast import Forecaster
from explorer.cases.measures import (
    MILESTONE_NAMES,
    MeasureError,
    national_aims,
    pace_measures,
    parse_aim,
    read_log,
    run_chart,
    runs_analysis,
)
from explorer.cases.mining import clocks_missed, mine
from explorer.cli.common import Command, UsageError, emit, load_valid, parse_date, read_input
from explorer.model.flowset import FlowSet


def load_log(fs: FlowSet, path: Path, as_of: dt.date) -> tuple[pd.DataFrame, list[Any]]:
    """The events of a long or wide file, and the problems met reading it (on stderr)."""
    events, problems = read_log(read_input(path), filename=path.name, fs=fs, as_of=as_of)
    for p in problems:
        print(f"{path}: {p}", file=sys.stderr)
    if any(p.fatal for p in problems) or events.empty:
        raise UsageError(f"{path}: no event could be read")
    return events, problems


def _problems_json(problems: list[Any]) -> list[dict[str, Any]]:
    return [p.as_dict() if hasattr(p, "as_dict") else {"message": str(p)} for p in problems]


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("events", metavar="EVENTS",
                   help="an event log (case_id, step, date) or a wide caseload, CSV or XLSX")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="DATE",
                   help="the date to measure at (default: today)")
    p.add_argument("--suppress", action="store_true",
                   help="hide counts under 5 and case ids, for sharing beyond the team")


def _configure_measures(p: argparse.ArgumentParser) -> None:
    _common(p)
    p.add_argument("--aim", action="append", default=[], metavar="FROM:TO:DAYS[:SHARE]",
                   help="a local stretch aim, e.g. permanence_recommendation:permanence_panel"
                        ":84:0.9 (90%% within 12 weeks); repeat for more")


def _configure_forecast(p: argparse.ArgumentParser) -> None:
    _common(p)
    p.add_argument("--case", required=True, metavar="ID", help="the case id to forecast")
    p.add_argument("--runs", type=int, default=4000, metavar="N",
                   help="simulated journeys (default 4000)")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")


def cmd_measures(args: argparse.Namespace) -> int:
    fs = load_valid(args)
    as_of = args.as_of or dt.date.today()
    known = {s.id for f in fs.flows.values() for s in f.steps} | set(MILESTONE_NAMES)
    try:
        local = [parse_aim(a, known=known) for a in args.aim]
    except MeasureError as exc:
        raise UsageError(str(exc)) from exc
    events, problems = load_log(fs, Path(args.events), as_of)
    m = pace_measures(events, as_of=as_of, aims=[*national_aims(fs), *local])
    names = {s.id: s.name for f in fs.flows.values() for s in f.steps}
    data = m.as_dict(suppress=args.suppress, names=names)
    for iv, out in zip(m.intervals, data["intervals"], strict=True):
        chart = run_chart(iv, as_of=as_of)
        out["run_chart"] = runs_analysis(chart["median_days"].to_numpy(dtype=float)).as_dict()
    data["problems"] = _problems_json(problems)
    lines = [f"as of {data['as_of']}: {data['cases']} children"]
    for iv in data["intervals"]:
        med = "-" if iv["median_days"] is None else f"{iv['median_days']:g} days"
        lines.append(f"\n{iv['from_name']} -> {iv['to_name']}: {iv['completed']} completed, "
                     f"{iv['waiting']} waiting, median {med}")
        for aim in iv["aims"]:
            share = "-" if aim["share_within"] is None else f"{aim['share_within']:.0%}"
            lines.append(f"  {aim['label']}: {share} within ({aim['within']} of "
                         f"{_sum(aim['within'], aim['not_within'])}; {aim['still_open']} "
                         "still open)")
        rc = iv["run_chart"]
        if rc["signal"]:
            what = "a shift" if rc["shift"] else "too few crossings"
            lines.append(f"  run chart: non-random variation ({what}, Anhøj's rules)")
    emit(args, data, "\n".join(lines))
    return 1 if problems else 0


def _sum(a: Any, b: Any) -> Any:
    return a + b if isinstance(a, int) and isinstance(b, int) else f"{a}+{b}"


def cmd_mine(args: argparse.Namespace) -> int:
    fs = load_valid(args)
    as_of = args.as_of or dt.date.today()
    events, problems = load_log(fs, Path(args.events), as_of)
    result = mine(events, fs)
    data = result.as_dict(suppress=args.suppress)
    clocks = clocks_missed(events, fs, as_of=as_of)
    data["clocks"] = [{k: (v if not isinstance(v, float) else round(v, 4))
                       for k, v in row.items()} for row in clocks.to_dict("records")]
    if args.suppress:
        for row in data["clocks"]:
            for k in ("met", "missed", "overdue"):
                if 0 < row[k] < 5:
                    row[k] = "<5"
    data["problems"] = _problems_json(problems)
    names = {s.id: s.name for f in fs.flows.values() for s in f.steps}

    def n(step: str) -> str:
        return names.get(step, step)

    lines = [f"{data['children']} children; {len(data['transitions'])} observed transitions"]
    for t in data["transitions"][:20]:
        lines.append(f"  {n(t['from'])} -> {n(t['to'])}: {t['children']} children, median "
                     f"{t['median_days']} days, p90 {t['p90_days']}")
    lines.append(f"\n{data['variants_total']} variants; the commonest:")
    for v in data["variants"][:5]:
        share = "-" if v["share"] is None else f"{v['share']:.0%}"
        lines.append(f"  {share} ({v['children']}): {' > '.join(map(n, v['steps']))}")
    lines.append(f"\n{len(data['out_of_order'])} entries out of the flow's order")
    for o in data["out_of_order"][:20]:
        lines.append(f"  {o['case_id']}: {n(o['to'])} ({o['to_date']}) dated before "
                     f"{n(o['from'])} ({o['from_date']})")
    emit(args, data, "\n".join(lines))
    return 1 if problems else 0


def cmd_forecast(args: argparse.Namespace) -> int:
    fs = load_valid(args)
    as_of = args.as_of or dt.date.today()
    if not 100 <= args.runs <= 100_000:
        raise UsageError(f"--runs must be between 100 and 100,000, got {args.runs}")
    events, problems = load_log(fs, Path(args.events), as_of)
    ids = set(events["case_id"].astype(str))
    if args.case not in ids:
        raise UsageError(f"no events for case '{args.case}' in {args.events}")
    fc = Forecaster(fs, runs=args.runs, seed=args.seed).forecast(events, args.case,
                                                                 as_of=as_of)
    data = fc.as_dict()
    data["problems"] = _problems_json(problems)
    lines = [f"{data['case_id']} at {data['as_of']}: at {data['current_step_name']} since "
             f"{data['current_since']} ({data['elapsed_days']} days)"]
    for o, f in data["outcomes"].items():
        lines.append(f"  {fc.names.get(o, o)}: {f['probability']:.0%}, likely by "
                     f"{f['p50_date']} (P50), {f['p80_date']} (P80)")
    for d in data["next_deadlines"]:
        lines.append(f"  next: {d['to_name']} due {d['due']} ({d['status']}; {d['rule']})")
    for a in data["assumptions"]:
        lines.append(f"  note: {a}")
    emit(args, data, "\n".join(lines))
    return 1 if problems else 0


#: The commands of this module, in the order ``--help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command("measures", "PACE milestone intervals, run-chart data, shares within aims",
            cmd_measures, _configure_measures),
    Command("mine", "observed transitions and variants, and entries out of the flow's order",
            cmd_mine, _common),
    Command("forecast", "one child's likely dates of each outcome still possible, and next "
            "deadlines", cmd_forecast, _configure_forecast),
)

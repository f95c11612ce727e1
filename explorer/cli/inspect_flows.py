"""``steps`` and ``diff``: what a flow is made of, and how two flows differ.

``steps FLOW`` lists every step with its id (what case-tracking sheets and the other
commands take), name, lane and stage. ``diff A B`` compares two flows (files, or ids in
``--flows``) or two folders of flows by meaning (:mod:`explorer.analysis.diff`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from explorer.analysis.diff import FlowDiff, diff_flows, diff_text, pair_flows
from explorer.cli.common import Command, UsageError, emit, load_valid
from explorer.graph import ALL
from explorer.io.load import load_flow_file, load_flows
from explorer.model import Flow
from explorer.model.problems import FlowError

# -- steps ------------------------------------------------------------------------------


def _steps_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("flow", metavar="FLOW", help="a flow id, or 'all' for every flow")


def step_rows(flow: Flow) -> list[dict[str, Any]]:
    """Each step of a flow with its lane's and stage's names, in the flow's order."""
    lanes = {li.id: li.name for li in flow.lanes}
    stages = {s.id: s.name for s in flow.stages}
    return [{"flow": flow.id, "id": s.id, "name": s.name, "kind": s.kind, "lane": s.lane,
             "lane_name": lanes.get(s.lane, s.lane), "stage": s.stage,
             "stage_name": stages.get(s.stage, s.stage) if s.stage else None,
             "status": s.status, "tags": list(s.tags),
             "tag_names": [flow.tag_name(t) for t in s.tags]} for s in flow.steps]


def cmd_steps(args: argparse.Namespace) -> int:
    fs = load_valid(args)
    if args.flow == ALL:
        flows = [fs.flows[f] for f in sorted(fs.flows)]
    elif args.flow in fs.flows:
        flows = [fs.flows[args.flow]]
    else:
        known = ", ".join([*sorted(fs.flows), ALL])
        raise FlowError(f"unknown flow '{args.flow}'; known flows: {known}")
    rows = [r for f in flows for r in step_rows(f)]
    width = max((len(r["id"]) for r in rows), default=2)
    lines = []
    for f in flows:
        lines.append(f"{f.title} ({f.id}): {len(f.steps)} steps")
        for r in (r for r in rows if r["flow"] == f.id):
            where = r["lane_name"] + (f"; {r['stage_name']}" if r["stage_name"] else "")
            extra = "" if r["status"] == "current" else f" [{r['status']}]"
            tags = r["tags"] if getattr(args, "ids", False) else r["tag_names"]
            if tags:
                where += "; tagged " + ", ".join(tags)
            lines.append(f"  {r['id']:<{width}}  {r['name']}{extra}  ({where})")
    emit(args, {"flow": args.flow, "count": len(rows), "steps": rows}, "\n".join(lines))
    return 0


# -- diff -------------------------------------------------------------------------------


def _diff_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", metavar="A", help="a flow file, a folder of flows, or a flow id in "
                   "--flows")
    p.add_argument("b", metavar="B", help="the flow or folder to compare with A")
    p.add_argument("--limit", type=int, default=0,
                   help="list at most this many changes per pair of flows (default: all)")


def _flows_of(ref: str, args: argparse.Namespace) -> dict[str, Flow]:
    """A file's flow, a folder's flows, or the flow of that id in ``--flows``."""
    p = Path(ref)
    if p.is_dir():
        fs = load_flows(p)
        if not fs.flows:
            raise UsageError(f"{ref}: no flow could be loaded from this folder"
                             + (f" ({len(fs.problems)} problem(s); run 'permanence-explorer "
                                "validate' on it)" if fs.problems else ""))
        return dict(fs.flows)
    if p.is_file():
        flow, problems = load_flow_file(p)
        if flow is None:
            detail = f": {problems[0]}" if problems else ""
            raise UsageError(f"{ref}: not a valid flow file{detail}")
        return {flow.id: flow}
    shipped = load_flows(args.flows)
    if ref in shipped.flows:
        return {ref: shipped.flows[ref]}
    raise UsageError(f"{ref}: no such file, folder or flow id in {args.flows}")


def cmd_diff(args: argparse.Namespace) -> int:
    a, b = _flows_of(args.a, args), _flows_of(args.b, args)
    if len(a) == 1 and len(b) == 1:
        pairs = [(next(iter(a.values())), next(iter(b.values())))]
    else:
        pairs = pair_flows(a, b)
        if not pairs:
            raise UsageError("no flow of B has the id of a flow of A, or names one in "
                             "variant_of: nothing to compare")
    diffs: list[FlowDiff] = [diff_flows(x, y) for x, y in pairs]
    only_a = sorted(set(a) - {x.id for x, _ in pairs}) if len(a) > 1 else []
    only_b = sorted(set(b) - {y.id for _, y in pairs}) if len(b) > 1 else []
    data = {"pairs": [d.as_dict() for d in diffs], "only_in_a": only_a, "only_in_b": only_b}
    text = "\n".join(diff_text(d, limit=args.limit) for d in diffs)
    if only_a:
        text += "\nonly in A: " + ", ".join(only_a)
    if only_b:
        text += "\nonly in B: " + ", ".join(only_b)
    emit(args, data, text)
    return 0


#: The commands of this module, in the order ``--help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command("steps", "step ids with names, lanes and stages", cmd_steps, _steps_args,
            example="permanence-explorer steps permanence"),
    Command("diff", "semantic differences between two flows or folders: steps, transitions, "
            "timescales", cmd_diff, _diff_args,
            example="permanence-explorer diff flows/permanence.yaml my-council/permanence.yaml"
                    " --json"),
)

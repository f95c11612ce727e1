"""``permanence-explorer export FLOW --format html|mermaid|graphml|json|svg|pdf [--out FILE]``.

``svg`` and ``pdf`` are the printed map (``--paper a4|a3|a2|a1|a0``, ``--orientation
best|landscape|portrait``); the others are text.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from explorer.cli.common import Command, UsageError, emit, load_valid
from explorer.model.flowset import FlowSet
from explorer.render.digest import flow_digest, write_digests
from explorer.render.export import FORMATS, export_text
from explorer.render.printing import PAPER, PRINT_FORMATS, print_map
from explorer.views.variants import declared_variant_marks


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("flow", metavar="FLOW", help="a flow id, or 'all' for the whole system")
    p.add_argument("--format", dest="fmt", choices=FORMATS + PRINT_FORMATS, default="html",
                   help="html (a self-contained offline map), mermaid, graphml, json, or "
                        "the printed map as svg or pdf")
    p.add_argument("--paper", choices=tuple(PAPER), default="a3",
                   help="paper size of the printed map (svg, pdf); default a3")
    p.add_argument("--orientation", choices=("best", "landscape", "portrait"), default="best",
                   help="orientation of the printed map (svg, pdf); default best: whichever "
                        "prints the bigger text")
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output")


def cmd_export(args: argparse.Namespace) -> int:
    fs = load_valid(args)
    if args.fmt in PRINT_FORMATS:
        return _print(fs, args)
    text = export_text(fs, args.flow, args.fmt)
    if args.out:
        out = Path(args.out)
        out.write_text(text, encoding="utf-8")  # an OSError is reported by cli.main
        if args.json:
            json.dump({"flow": args.flow, "format": args.fmt, "written": str(out),
                       "bytes": len(text.encode("utf-8"))}, sys.stdout)
            sys.stdout.write("\n")
        else:
            print(f"wrote {out} ({args.fmt})")
        return 0
    if args.json and args.fmt != "json":
        json.dump({"flow": args.flow, "format": args.fmt, "content": text}, sys.stdout,
                  ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text)
    return 0

def _print(fs: FlowSet, args: argparse.Namespace) -> int:
    # A local variant prints with what differs from its national flow marked.
    data = print_map(fs, args.flow, args.fmt, paper=args.paper, orientation=args.orientation,
                     diff=declared_variant_marks(fs.flows, args.flow, fs.sources))
    if args.out:
        out = Path(args.out)
        out.write_bytes(data)
        if args.json:
            json.dump({"flow": args.flow, "format": args.fmt, "paper": args.paper,
                       "orientation": args.orientation, "written": str(out),
                       "bytes": len(data)}, sys.stdout)
            sys.stdout.write("\n")
        else:
            print(f"wrote {out} ({args.fmt}, {args.paper} {args.orientation})")
        return 0
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    return 0


def _configure_digest(p: argparse.ArgumentParser) -> None:
    p.add_argument("flow_ids", metavar="FLOW", nargs="*",
                   help="flow ids (default: every flow)")
    p.add_argument("--out", metavar="DIR",
                   help="write DIR/<flow>.md for each flow instead of printing")


def cmd_digest(args: argparse.Namespace) -> int:
    fs = load_valid(args)
    ids = list(args.flow_ids) or sorted(fs.flows)
    for fid in ids:
        if fid not in fs.flows:
            raise UsageError(f"unknown flow '{fid}' (flows: {', '.join(sorted(fs.flows))})")
    if args.out:
        written = write_digests(fs, Path(args.out), ids)
        emit(args, {"written": [str(p) for p in written]},
             "\n".join(f"wrote {p}" for p in written))
        return 0
    texts = {fid: flow_digest(fs, fid) for fid in ids}
    emit(args, {"digests": texts}, "\n".join(texts.values()))
    return 0


#: The commands of this module, in the order ``--help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command("export", "the flow in another form; html is a self-contained offline map",
            cmd_export, _configure),
    Command("digest", "a legal digest of each flow (Markdown): stage by stage, each step "
            "with its rules, kinds, counting, sources and confidence", cmd_digest,
            _configure_digest, example="permanence-explorer digest --out docs/flows"),
)

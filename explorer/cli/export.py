"""``permanence-explorer export FLOW --format html|mermaid|graphml|json [--out FILE]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from explorer.cli.common import Command, load_valid
from explorer.render.export import FORMATS, export_text


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("flow", metavar="FLOW", help="a flow id, or 'all' for the whole system")
    p.add_argument("--format", dest="fmt", choices=FORMATS, default="html",
                   help="html (a self-contained offline map), mermaid, graphml or json")
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output")


def cmd_export(args: argparse.Namespace) -> int:
    fs = load_valid(args)
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

#: The commands of this module, in the order ``--help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command("export", "the flow in another form; html is a self-contained offline map",
            cmd_export, _configure),
)

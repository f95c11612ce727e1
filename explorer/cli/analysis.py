"""The analysis commands: ``timescale``, ``routes``, ``critical-path``, ``simulate``.

Thin wrappers over :mod:`explorer.analysis.routes`, :mod:`explorer.analysis.critical` and
:mod:`explorer.analysis.simulate`: parse, call, print. ``--json`` output keeps the shapes of
design.md section 5 (with extra fields); without it, a readable table.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import networkx as nx

from explorer.analysis.critical import critical_path
from explorer.analysis.diff import COUNTING_WORDS
from explorer.analysis.routes import DEFAULT_LIMIT, MAX_UNROLL, routes
from explorer.analysis.simulate import DISTRIBUTIONS, MAX_REPEATS, MAX_RUNS, simulate
from explorer.cli.common import Command, emit, load_valid
from explorer.graph import flow_graph, resolve_step, timescales_between
from explorer.model.flowset import FlowSet
from explorer.model.kinds import KIND_WORDS


def _graph(args: argparse.Namespace) -> nx.DiGraph:
    return flow_graph(load_valid(args), args.flow)


def _days(x: float | None) -> str:
    # Whole days in text output: the law counts days ("365.2" is false precision).
    return "-" if x is None else f"{x:,.0f}"


def _namer(args: argparse.Namespace, G: nx.DiGraph) -> Callable[[str], str]:
    """How text output names a step: its name, or its id with ``--ids``."""
    if getattr(args, "ids", False):
        return str
    return lambda n: str(G.nodes[n].get("name") or n) if n in G else n


def _short(fs: FlowSet, source: str) -> str:
    src = fs.sources.get(source)
    return src.short if src is not None and src.short else source


def _flow_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("flow", metavar="FLOW", help="a flow id, or 'all' for the whole system")


# -- timescale ---------------------------------------------------------------------------


def _timescale_args(p: argparse.ArgumentParser) -> None:
    _flow_arg(p)
    p.add_argument("source", metavar="FROM", help="the step the clock runs from")
    p.add_argument("target", metavar="TO", help="the step the clock runs to")
    p.add_argument("--history", action="store_true",
                   help="also list superseded and expired rules")


def cmd_timescale(args: argparse.Namespace) -> int:
    fs = load_valid(args)
    G = flow_graph(fs, args.flow)
    a, b = resolve_step(G, args.source), resolve_step(G, args.target)
    found = timescales_between(G, a, b, current_only=not args.history)
    items: list[dict[str, Any]] = [
             {"limit": ts.limit, "unit": ts.unit, "kind": ts.kind, "counting": ts.counting,
              "legal_basis": [{"source": lb.source, "provision": lb.provision}
                              for lb in ts.legal_basis],
              "confidence": ts.confidence, "limit_days": ts.limit_days,
              "wording": ts.wording, "consequence": ts.consequence,
              "applies_when": ts.applies_when, "status": ts.status, "id": ts.id}
             for ts in found]
    data = {"flow": args.flow, "from": a, "to": b, "timescales": items}
    name = _namer(args, G)
    if not items:
        text = (f"No timescale runs from {name(a)} to {name(b)}: the law sets no limit "
                "between them.")
    else:
        lines = [f"Timescales from {name(a)} to {name(b)}:"]
        for it in items:
            limit = (f"{it['limit']:g} {str(it['unit']).replace('_', ' ')}"
                     if it["limit"] is not None else f"\"{it['wording']}\"")
            basis = "; ".join(
                f"{lb['source'] if args.ids else _short(fs, lb['source'])} {lb['provision']}"
                for lb in it["legal_basis"])
            counting = (it["counting"] if args.ids
                        else COUNTING_WORDS.get(it["counting"], it["counting"]))
            status = "" if it["status"] == "current" else f" [{it['status']}]"
            kind = it["kind"] if args.ids else KIND_WORDS.get(it["kind"], it["kind"])
            lines.append(f"  {limit:<22} {kind:<19} counting {counting}, "
                         f"confidence {it['confidence']}{status}"
                         + (f"\n  {'':<22} basis: {basis}" if basis else ""))
            if it["consequence"]:
                lines.append(f"  {'':<22} if missed: {it['consequence']}")
        text = "\n".join(lines)
    emit(args, data, text)
    return 0


# -- routes ----------------------------------------------------------------------------------


def _routes_args(p: argparse.ArgumentParser) -> None:
    _flow_arg(p)
    p.add_argument("source", metavar="FROM", help="the step routes start from")
    p.add_argument("targets", metavar="TO", nargs="+", help="one or more target steps")
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                   help=f"list at most this many routes (default {DEFAULT_LIMIT}); all are "
                   "counted")
    p.add_argument("--sort", choices=("floor", "likely"), default=None,
                   help="order the listed routes by statutory floor or by likely days "
                   "(default: the order they are counted in, which route numbers follow)")
    p.add_argument("--unroll", type=int, default=0,
                   help=f"unroll each repeat cycle this many times, 0 to {MAX_UNROLL} (default 0: "
                   "leave repeat edges out)")


def cmd_routes(args: argparse.Namespace) -> int:
    G = _graph(args)
    rs = routes(G, args.source, args.targets, limit=args.limit, unroll=args.unroll)
    numbered = list(enumerate(rs.routes, 1))
    if args.sort:
        # Numbers stay the counted order's, so "#3" is the same route whatever the sort.
        first = "statutory_floor_days" if args.sort == "floor" else "likely_days"
        second = "likely_days" if args.sort == "floor" else "statutory_floor_days"
        numbered.sort(key=lambda nr: (getattr(nr[1], first), getattr(nr[1], second), nr[0]))
    data = {"flow": args.flow, **rs.as_dict()}
    if args.sort:
        data["sort"] = args.sort
        data["routes"] = [dict(rs.routes[i - 1].as_dict(), number=i) for i, _ in numbered]
    name = _namer(args, G)
    head = (f"{rs.count:,} route(s) from {name(rs.source)} to "
            f"{', '.join(map(name, rs.targets))}"
            + (f"; listing the first {len(rs.routes):,} (--limit)" if rs.truncated else "")
            + (f"; sorted by {'statutory floor' if args.sort == 'floor' else 'likely days'}"
               if args.sort else ""))
    lines = [head, "Days: statutory floor | bounded (statutory + guidance) | likely; "
             "unbounded steps have no limit at all."]
    for i, r in numbered:
        lines.append(
            f"#{i} to {name(r.target)}: floor {_days(r.statutory_floor_days)} | bounded "
            f"{_days(r.bounded_days)} ({_days(r.bounded_statutory_days)} + "
            f"{_days(r.bounded_guidance_days)}) | likely {_days(r.likely_days)} | "
            f"{len(r.unbounded_steps)} unbounded | {r.hearings} hearing(s), "
            f"{r.court_stages} court stage(s), {len(r.decision_makers)} decision-maker(s)")
        lines.append("    " + " -> ".join(map(name, r.steps)))
        if r.unbounded_steps:
            lines.append("    unbounded: " + ", ".join(map(name, r.unbounded_steps)))
    emit(args, data, "\n".join(lines))
    return 0


# -- critical-path -----------------------------------------------------------------------------


def _critical_args(p: argparse.ArgumentParser) -> None:
    _flow_arg(p)
    p.add_argument("source", metavar="FROM")
    p.add_argument("target", metavar="TO")
    p.add_argument("--pert", action="store_true",
                   help="weigh edges by the PERT mean (min + 4 likely + max) / 6, not likely")


def cmd_critical_path(args: argparse.Namespace) -> int:
    G = _graph(args)
    cp = critical_path(G, args.source, args.target, basis="pert" if args.pert else "likely")
    data = {"flow": args.flow, **cp.as_dict()}
    name = _namer(args, G)
    lines = [f"Critical path from {name(cp.source)} to {name(cp.target)}: {_days(cp.days)} days "
             f"({'PERT mean' if args.pert else 'likely'} estimates; the longest branch at "
             "each decision, the longest track through each parallel)"]
    for a, b, d in cp.edges:
        lines.append(f"  {name(a):<34} -> {name(b):<34} "
                     f"{_days(d) if d is not None else 'unknown':>9}")
    if cp.unknown_edges:
        lines.append(f"{len(cp.unknown_edges)} edge(s) on the path have no estimate and "
                     "count 0 days.")
    if cp.unknown_in_scope:
        lines.append(f"{len(cp.unknown_in_scope)} edge(s) between the two steps have no "
                     "estimate; the true critical path may run through them.")
    emit(args, data, "\n".join(lines))
    return 0


# -- simulate ------------------------------------------------------------------------------------


def _simulate_args(p: argparse.ArgumentParser) -> None:
    _flow_arg(p)
    p.add_argument("--from", dest="source", metavar="STEP", required=True,
                   help="the step journeys start from")
    p.add_argument("--runs", type=int, default=10_000,
                   help=f"number of journeys, 1 to {MAX_RUNS:,} (default 10,000)")
    p.add_argument("--seed", type=int, default=1,
                   help="random seed: the same seed gives the same result (default 1)")
    p.add_argument("--distribution", choices=DISTRIBUTIONS, default="pert",
                   help="duration distribution on min/likely/max (default pert)")
    p.add_argument("--max-repeats", type=int, default=5,
                   help=f"at most this many repeats of a cycle per journey, 0 to {MAX_REPEATS} "
                   "(default 5)")


def cmd_simulate(args: argparse.Namespace) -> int:
    G = _graph(args)
    sim = simulate(G, args.source, runs=args.runs, seed=args.seed,
                   distribution=args.distribution, max_repeats=args.max_repeats)
    data = {"flow": args.flow, **sim.as_dict()}
    name = _namer(args, G)
    lines = [f"{sim.runs:,} journeys from {name(sim.source)} (seed {sim.seed}, "
             f"{sim.distribution} durations). Practice estimates, not law.",
             f"  {'outcome':<44} {'share':>7} {'p10':>9} {'median':>9} {'p90':>9}  days"]
    for end, st in sim.outcomes.items():
        lines.append(f"  {name(end)[:44]:<44} {st.share:>7.1%} {_days(st.p10_days):>9} "
                     f"{_days(st.median_days):>9} {_days(st.p90_days):>9}")
    for note in sim.assumptions:
        lines.append(f"Assumed: {note}.")
    if sim.unknown_edges:
        lines.append(f"{len(sim.unknown_edges)} edge(s) have no estimate: "
                     + ", ".join(f"{name(a)} -> {name(b)}" for a, b in sim.unknown_edges[:8])
                     + (" ..." if len(sim.unknown_edges) > 8 else ""))
    emit(args, data, "\n".join(lines))
    return 0

#: The commands of this module, in the order ``--help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command("timescale", "the timescale(s) between two steps: limit, unit, kind, legal basis",
            cmd_timescale, _timescale_args,
            example="permanence-explorer timescale care-and-protection place_of_safety "
                    "grounds_hearing"),
    Command("routes", "every route between two steps: statutory floor, bounded time, "
            "unbounded steps", cmd_routes, _routes_args,
            example="permanence-explorer routes permanence looked_after adoption_order "
                    "--sort floor --limit 5"),
    Command("critical-path", "the longest route by practice estimate, with its steps",
            cmd_critical_path, _critical_args,
            example="permanence-explorer critical-path permanence looked_after "
                    "adoption_order"),
    Command("simulate", "share of journeys reaching each outcome, and p10/median/p90 days",
            cmd_simulate, _simulate_args,
            example="permanence-explorer simulate permanence --from looked_after --runs "
                    "5000"),
)

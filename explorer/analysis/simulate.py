"""Monte Carlo journeys through a flow, what-if scenarios and calibration against research.

The simulation is **vectorised across journeys**: it walks the graph once, step by
step in topological order, carrying for each step the array of journeys that reach it
and their arrival times (days since the start). It never loops over journeys in
Python. Rules:

- **Branches**: at a decision each journey takes one exit, drawn by the exits' shares
  (rescaled to sum to 1 without repeat exits). A decision with no shares, or any
  other step with alternative exits, gives its exits **equal shares**; the result's
  ``assumptions`` says where.
- **Durations**: each edge takes a draw from its estimate's PERT distribution (a beta
  on [min, max] with shape 1 + 4 (likely - min) / (max - min) and 1 + 4 (max - likely)
  / (max - min)), or a triangular one (``distribution="triangular"``). Unknown or
  missing estimates take 0 days and are listed in ``unknown_edges``.
- **Parallel tracks** all run; a join (or any step reached by several tracks) is
  reached when the **latest** track arrives.
- **Repeat edges** (a deferral, a recurring review) are not walked: at their step, a
  journey repeats with the edge's share as probability (geometric, at most
  ``max_repeats`` times), each repeat adding a draw from the repeat edge's estimate
  (the interval of one cycle). A repeat edge without a share (it leaves a step that
  is not a decision) is not taken unless a what-if gives it one; ``assumptions`` says so.
- The same ``seed`` gives the same result (NumPy's PCG64 via ``default_rng``). Each
  step and each transition draws from its own stream derived from the seed (common
  random numbers), so a what-if moves only what it changes. Durations are drawn from
  a 4,096-level quantile table of the distribution (speed, one draw a sample).

Per end (outcome, or a step of another flow in a single-flow view): the share of
journeys and the p10, median and p90 days to it.

Public API
----------
``simulate(G, source, *, runs=10_000, seed=1, distribution="pert", max_repeats=5,
record=()) -> Simulation``
``apply_overrides(G, *, estimates=None, shares=None) -> nx.DiGraph`` (a changed copy)
``what_if(G, source, *, estimates=None, shares=None, runs=..., seed=..., ...) -> WhatIf``
``compare(baseline, scenario) -> list[OutcomeChange]``
``calibration_table(fs, flow_id, runs=20_000, seed=1) -> list[CalibrationRow]``
``MAX_RUNS`` = 1,000,000

>>> from explorer.analysis.synthetic import diamond_graph
>>> sim = simulate(diamond_graph(), "s", runs=2000, seed=7)
>>> sim.outcomes["end"].share
1.0
>>> 2.0 <= sim.outcomes["end"].median_days <= 15.0
True
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from explorer.analysis.prepare import Prepared, estimate_of, prepare
from explorer.analysis.reach import exit_weights
from explorer.graph import flow_graph, step_id
from explorer.model import Estimate, Share
from explorer.model.flowset import FlowSet
from explorer.model.problems import FlowError

MAX_RUNS = 1_000_000
MAX_REPEATS = 50
DISTRIBUTIONS: tuple[str, ...] = ("pert", "triangular")
#: A simulated figure within this fraction of a published one counts as calibrated.
CALIBRATION_TOLERANCE = 0.20

Array = np.ndarray


@dataclass(frozen=True)
class OutcomeStats:
    """How many journeys end at one end, and how long they took (days)."""

    share: float
    count: int
    p10_days: float | None
    median_days: float | None
    p90_days: float | None
    mean_days: float | None
    kind: str

    def as_dict(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 1)

        return {"share": round(self.share, 4), "count": self.count,
                "p10_days": r(self.p10_days), "median_days": r(self.median_days),
                "p90_days": r(self.p90_days), "mean_days": r(self.mean_days),
                "kind": self.kind}


def _stats(times: Array, runs: int, kind: str) -> OutcomeStats:
    if times.size == 0:
        return OutcomeStats(0.0, 0, None, None, None, None, kind)
    p10, p50, p90 = np.percentile(times, [10, 50, 90])
    return OutcomeStats(share=times.size / runs, count=int(times.size), p10_days=float(p10),
                        median_days=float(p50), p90_days=float(p90),
                        mean_days=float(times.mean()), kind=kind)


@dataclass(frozen=True)
class Simulation:
    """The result of :func:`simulate`. ``times`` holds each end's (and recorded step's)
    arrival times in days, for histograms; ``as_dict`` leaves them out."""

    flow: str | None
    source: str
    runs: int
    seed: int
    distribution: str
    max_repeats: int
    outcomes: dict[str, OutcomeStats]
    unknown_edges: tuple[tuple[str, str], ...]
    assumptions: tuple[str, ...]
    times: dict[str, Array] = field(repr=False, compare=False, default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"flow": self.flow, "from": self.source, "runs": self.runs, "seed": self.seed,
                "distribution": self.distribution, "max_repeats": self.max_repeats,
                "outcomes": {k: v.as_dict() for k, v in self.outcomes.items()},
                "unknown_edges": [list(e) for e in self.unknown_edges],
                "assumptions": list(self.assumptions)}

    def to_frame(self) -> pd.DataFrame:
        """Each outcome's share and p10 / median / p90 days, one row an outcome.

        >>> from explorer.io.load import load_flows
        >>> from explorer.graph import flow_graph
        >>> sim = simulate(flow_graph(load_flows(), "permanence"), "looked_after", runs=500)
        >>> list(sim.to_frame().columns)[:2]
        ['outcome', 'share']
        """
        return pd.DataFrame([{"outcome": k, **v.as_dict()} for k, v in self.outcomes.items()])


def check_runs(runs: object) -> int:
    """``runs`` as an int in 1..MAX_RUNS, or a FlowError that says what is allowed."""
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer):
        raise FlowError(f"runs must be a whole number, got {runs!r}")
    if not 1 <= runs <= MAX_RUNS:
        raise FlowError(f"runs must be between 1 and {MAX_RUNS:,}, got {runs:,}")
    return int(runs)


def _check_options(seed: int, distribution: str, max_repeats: int) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise FlowError(f"seed must be a whole number of 0 or more, got {seed!r}")
    if distribution not in DISTRIBUTIONS:
        raise FlowError(f"unknown distribution '{distribution}'; use one of: "
                        f"{', '.join(DISTRIBUTIONS)}")
    if not 0 <= max_repeats <= MAX_REPEATS:
        raise FlowError(f"max_repeats must be between 0 and {MAX_REPEATS}, got {max_repeats}")


_LEVELS = 4096


class _Sampler:
    """Draws an edge's duration; constant when min == max.

    Draws come from a table of the distribution's quantiles at the mid-points of
    4,096 equal slices of probability (a gather instead of NumPy's beta sampler, about
    ten times faster; exact to 1/4,096 in probability).
    """

    __slots__ = ("a", "alpha", "b", "beta", "mode", "pert", "table", "width")

    def __init__(self, est: Estimate | None, distribution: str) -> None:
        self.a = est.min if est else 0.0
        self.b = est.max if est else 0.0
        self.mode = est.likely if est else 0.0
        self.width = self.b - self.a
        self.pert = distribution == "pert"
        self.table: Array | None = None
        if self.width > 0:
            self.alpha = 1 + 4 * (self.mode - self.a) / self.width
            self.beta = 1 + 4 * (self.b - self.mode) / self.width

    def _quantiles(self) -> Array:
        probs = (np.arange(_LEVELS) + 0.5) / _LEVELS
        if self.pert:
            x = np.linspace(0.0, 1.0, 4097)
            pdf = x ** (self.alpha - 1) * (1 - x) ** (self.beta - 1)
            cdf = np.concatenate([[0.0], np.cumsum((pdf[1:] + pdf[:-1]) / 2)])
            q = np.interp(probs, cdf / cdf[-1], x)
        else:
            c = (self.mode - self.a) / self.width
            q = np.where(probs < c, np.sqrt(probs * c), 1 - np.sqrt((1 - probs) * (1 - c)))
        return self.a + self.width * q

    def draw(self, rng: np.random.Generator, size: int) -> Array | float:
        if self.width <= 0:
            return self.a
        # Always by quantiles: one draw a sample whatever the shape, so a what-if that
        # changes an estimate keeps every other random stream as it was.
        if self.table is None:
            self.table = self._quantiles()
        return self.table[rng.integers(0, _LEVELS, size)]


@dataclass
class _Node:
    exits: tuple[str, ...]
    samplers: tuple[_Sampler, ...]
    cumulative: Array | None  # for choices
    parallel: bool
    repeat_p: float = 0.0
    repeat_samplers: tuple[_Sampler, ...] = ()
    repeat_cumulative: Array | None = None


def _plan(P: Prepared, nodes: list[str], distribution: str
          ) -> tuple[dict[str, _Node], list[tuple[str, str]], list[str]]:
    G = P.G
    plan: dict[str, _Node] = {}
    unknown: list[tuple[str, str]] = []
    assumptions: list[str] = []
    equal: list[str] = []
    unshared_repeats: list[str] = []
    for v in nodes:
        exits = P.succ[v]
        samplers = []
        for c in exits:
            est = estimate_of(P.D.edges[v, c])
            if est is None:
                unknown.append((P.base(v), P.base(c)))
            samplers.append(_Sampler(est, distribution))
        parallel = P.kind(v) == "parallel"
        cumulative = None
        if len(exits) > 1 and not parallel:
            weights = exit_weights(G, v, exits)
            if any(G.edges[v, c].get("share") is None for c in exits):
                equal.append(v)
            cumulative = np.cumsum(weights)
        node = _Node(exits, tuple(samplers), cumulative, parallel)
        repeats = [(c, d) for _, c, d in G.out_edges(v, data=True) if d.get("repeat")]
        if repeats:
            probs = []
            for c, d in repeats:
                share = d.get("share")
                if share is not None:
                    probs.append(share.value)
                elif P.kind(v) == "decision" and all(
                        dd.get("share") is None for _, _, dd in G.out_edges(v, data=True)):
                    probs.append(1.0 / G.out_degree(v))
                else:
                    probs.append(0.0)
                    unshared_repeats.append(f"{v} -> {c}")
                if (share is not None or probs[-1] > 0) and estimate_of(d) is None:
                    unknown.append((P.base(v), P.base(c)))
            total = float(sum(probs))
            if total > 0:
                node.repeat_p = min(total, 1.0)
                node.repeat_samplers = tuple(_Sampler(estimate_of(d), distribution)
                                             for _, d in repeats)
                node.repeat_cumulative = np.cumsum(np.array(probs) / total)
        plan[v] = node
    if equal:
        assumptions.append("equal shares at steps whose exits give none: " + ", ".join(equal))
    if unshared_repeats:
        assumptions.append("repeat edges without a share are not taken: "
                           + ", ".join(unshared_repeats))
    assumptions.append("unknown or missing estimates count as 0 days")
    return plan, unknown, assumptions


def _repeat_time(rng: np.random.Generator, node: _Node, size: int, max_repeats: int) -> Array:
    if node.repeat_p >= 1:
        count = np.full(size, max_repeats)
    else:
        count = np.minimum(rng.geometric(1 - node.repeat_p, size) - 1, max_repeats)
    extra = np.zeros(size)
    for k in range(max_repeats):
        live = np.flatnonzero(count > k)
        if live.size == 0:
            break
        if len(node.repeat_samplers) == 1:
            extra[live] += node.repeat_samplers[0].draw(rng, live.size)
        else:
            assert node.repeat_cumulative is not None
            which = np.searchsorted(node.repeat_cumulative, rng.random(live.size), "right")
            which = np.minimum(which, len(node.repeat_samplers) - 1)
            for j, sampler in enumerate(node.repeat_samplers):
                sel = which == j
                if sel.any():
                    extra[live[sel]] += sampler.draw(rng, int(sel.sum()))
    return extra


def simulate(G: nx.DiGraph, source: str, *, runs: int = 10_000, seed: int = 1,
             distribution: str = "pert", max_repeats: int = 5,
             record: Iterable[str] = ()) -> Simulation:
    """Simulate ``runs`` journeys from ``source`` (module docstring for the rules).

    ``record`` names steps whose arrival times to keep in ``times`` beside the ends'.
    Raises :class:`FlowError` for an unknown step or runs outside 1..1,000,000.
    """
    runs = check_runs(runs)
    _check_options(seed, distribution, max_repeats)
    P = prepare(G, joins=False)
    s = P.resolve(source)
    keep = {P.resolve(r) for r in record}
    reach = nx.descendants(P.D, s) | {s}
    nodes = [v for v in P.order if v in reach]
    plan, unknown, assumptions = _plan(P, nodes, distribution)
    # Common random numbers: each step and each transition has its own stream, so a
    # what-if changes only what it touches and the comparison is not drowned in noise.
    def stream(*names: str) -> np.random.Generator:
        return np.random.default_rng([seed, *(zlib.crc32(n.encode()) for n in names)])

    arriving: dict[str, list[tuple[Array, Array]]] = defaultdict(list)
    arriving[s].append((np.arange(runs), np.zeros(runs)))
    times: dict[str, Array] = {}
    ends: dict[str, Array] = {}
    for v in nodes:
        parts = arriving.pop(v, None)
        if not parts:
            if not plan[v].exits:
                ends[v] = np.empty(0)
            continue
        if len(parts) == 1:
            idx, t = parts[0]
        else:
            # Tracks meet: a journey goes on when its latest track arrives.
            full = np.full(runs, -np.inf)
            for i, tt in parts:
                full[i] = np.maximum(full[i], tt)
            idx = np.flatnonzero(full > -np.inf)
            t = full[idx]
        node = plan[v]
        if node.repeat_p > 0 and max_repeats > 0:
            t = t + _repeat_time(stream(v, "repeat"), node, idx.size, max_repeats)
        if v in keep:
            times[v] = t
        if not node.exits:
            ends[v] = t
            continue
        if node.parallel or len(node.exits) == 1:
            for c, sampler in zip(node.exits, node.samplers, strict=True):
                arriving[c].append((idx, t + sampler.draw(stream(v, c), idx.size)))
            continue
        assert node.cumulative is not None
        pick = np.searchsorted(node.cumulative, stream(v).random(idx.size), side="right")
        np.minimum(pick, len(node.exits) - 1, out=pick)
        for j, (c, sampler) in enumerate(zip(node.exits, node.samplers, strict=True)):
            sel = pick == j
            n = int(np.count_nonzero(sel))
            if n:
                arriving[c].append((idx[sel], t[sel] + sampler.draw(stream(v, c), n)))
    outcomes = {e: _stats(t, runs, P.kind(e)) for e, t in ends.items()}
    outcomes = dict(sorted(outcomes.items(), key=lambda kv: (-kv[1].share, kv[0])))
    times.update(ends)
    return Simulation(flow=G.graph.get("flow_id"), source=s, runs=runs, seed=seed,
                      distribution=distribution, max_repeats=max_repeats, outcomes=outcomes,
                      unknown_edges=tuple(dict.fromkeys(unknown)),
                      assumptions=tuple(assumptions), times=times)


# -- what-if ---------------------------------------------------------------------------

EstimateLike = Estimate | Mapping[str, float] | tuple[float, float, float]


def apply_overrides(G: nx.DiGraph, *,
                    estimates: Mapping[tuple[str, str], EstimateLike] | None = None,
                    shares: Mapping[str, Mapping[str, float]] | None = None) -> nx.DiGraph:
    """A copy of ``G`` with some estimates or shares changed; ``G`` is left as it was.

    ``estimates`` maps an edge ``(from, to)`` to an :class:`Estimate`, a tuple
    ``(min, likely, max)`` or a partial mapping such as ``{"max": 84}`` (the panel
    within 12 weeks): the rest is kept from the edge's estimate, and ``min`` and
    ``likely`` are lowered to fit under a lower ``max``.
    ``shares`` maps a step to ``{exit: share}``; exits left out share what remains in
    proportion to their present shares (nothing, if the given ones sum to 1). A
    repeat edge may be given a share (its probability) even out of a non-decision.

    >>> from explorer.analysis.synthetic import diamond_graph
    >>> H = apply_overrides(diamond_graph(), shares={"d": {"a": 1.0}})
    >>> H.edges["d", "b"]["share"].value
    0.0
    """
    H = G.copy()
    for (a, b), value in (estimates or {}).items():
        data = _edge(H, a, b)
        data["estimate"] = _as_estimate(value, estimate_of(data), f"{a} -> {b}")
    for v, given in (shares or {}).items():
        _set_shares(H, v, given)
    return H


def _edge(H: nx.DiGraph, a: str, b: str) -> dict[str, Any]:
    from explorer.graph import resolve_step

    ra, rb = resolve_step(H, a), resolve_step(H, b)
    if not H.has_edge(ra, rb):
        exits = ", ".join(sorted(H.successors(ra))) or "none"
        raise FlowError(f"no transition {ra} -> {rb}; the exits of '{ra}' are: {exits}")
    return H.edges[ra, rb]


def _as_estimate(value: EstimateLike, old: Estimate | None, where: str) -> Estimate:
    if isinstance(value, Estimate):
        return value
    if isinstance(value, tuple):
        lo, likely, hi = value
        d = {"min": lo, "likely": likely, "max": hi}
    else:
        d = dict(value)
        unknown_keys = set(d) - {"min", "likely", "max"}
        if unknown_keys:
            raise FlowError(f"estimate for {where}: unknown key(s) {sorted(unknown_keys)}; "
                            "use min, likely, max")
        base = {"min": old.min, "likely": old.likely, "max": old.max} if old else {}
        missing = {"min", "likely", "max"} - set(d) - set(base)
        if missing and "max" in d and not base:
            base = {"min": 0.0, "likely": float(d["max"]) / 2, "max": float(d["max"])}
        elif missing and not base:
            raise FlowError(f"estimate for {where}: the edge has none; give min, likely, max")
        d = {**base, **d}
        d["likely"] = min(d["likely"], d["max"])
        d["min"] = min(d["min"], d["likely"])
    try:
        return Estimate(min=float(d["min"]), likely=float(d["likely"]), max=float(d["max"]),
                        basis="illustrative", note="what-if")
    except ValueError as exc:
        raise FlowError(f"estimate for {where}: {exc}") from exc


def _set_shares(H: nx.DiGraph, v: str, given: Mapping[str, float]) -> None:
    from explorer.graph import resolve_step

    rv = resolve_step(H, v)
    exits = list(H.successors(rv))
    values: dict[str, float] = {}
    for to, x in given.items():
        rt = resolve_step(H, to)
        if rt not in exits:
            raise FlowError(f"'{rt}' is not an exit of '{rv}'; its exits are: "
                            f"{', '.join(sorted(exits))}")
        if not 0 <= x <= 1:
            raise FlowError(f"share {rv} -> {rt} must be between 0 and 1, got {x}")
        values[rt] = float(x)
    total = sum(values.values())
    if total > 1 + 1e-9:
        raise FlowError(f"shares out of '{rv}' sum to {total:.3f}, more than 1")
    rest = [c for c in exits if c not in values and not H.edges[rv, c].get("repeat")]
    if rest:
        old = exit_weights(H, rv, rest)
        for c, w in zip(rest, old, strict=True):
            values[c] = (1 - total) * w
    for c, x in values.items():
        H.edges[rv, c]["share"] = Share(value=min(max(x, 0.0), 1.0), basis="illustrative",
                                        note="what-if")


@dataclass(frozen=True)
class OutcomeChange:
    """One end, before and after a what-if."""

    outcome: str
    baseline_share: float
    scenario_share: float
    share_change: float
    baseline_median_days: float | None
    scenario_median_days: float | None
    median_change_days: float | None

    def as_dict(self) -> dict[str, Any]:
        def r(x: float | None, n: int) -> float | None:
            return None if x is None else round(x, n)

        return {"outcome": self.outcome, "baseline_share": r(self.baseline_share, 4),
                "scenario_share": r(self.scenario_share, 4),
                "share_change": r(self.share_change, 4),
                "baseline_median_days": r(self.baseline_median_days, 1),
                "scenario_median_days": r(self.scenario_median_days, 1),
                "median_change_days": r(self.median_change_days, 1)}


@dataclass(frozen=True)
class WhatIf:
    """A baseline, a scenario and their differences outcome by outcome."""

    baseline: Simulation
    scenario: Simulation
    changes: list[OutcomeChange]

    def as_dict(self) -> dict[str, Any]:
        return {"baseline": self.baseline.as_dict(), "scenario": self.scenario.as_dict(),
                "changes": [c.as_dict() for c in self.changes]}


def compare(baseline: Simulation, scenario: Simulation) -> list[OutcomeChange]:
    """Each end's share and median before and after (every end of either result).

    >>> from explorer.analysis.synthetic import diamond_graph
    >>> G = diamond_graph()
    >>> base = simulate(G, "s", runs=500)
    >>> [c.share_change for c in compare(base, base)]
    [0.0]
    """
    out = []
    for end in dict.fromkeys([*baseline.outcomes, *scenario.outcomes]):
        b = baseline.outcomes.get(end)
        s = scenario.outcomes.get(end)
        bs, ss = (b.share if b else 0.0), (s.share if s else 0.0)
        bm = b.median_days if b else None
        sm = s.median_days if s else None
        out.append(OutcomeChange(end, bs, ss, ss - bs, bm, sm,
                                 None if bm is None or sm is None else sm - bm))
    return out


def what_if(G: nx.DiGraph, source: str, *,
            estimates: Mapping[tuple[str, str], EstimateLike] | None = None,
            shares: Mapping[str, Mapping[str, float]] | None = None,
            runs: int = 10_000, seed: int = 1, distribution: str = "pert",
            max_repeats: int = 5) -> WhatIf:
    """Simulate ``G`` as it is and with the overrides (same seed), and compare.

    >>> from explorer.analysis.synthetic import diamond_graph
    >>> w = what_if(diamond_graph(), "s", shares={"d": {"a": 1.0}}, runs=1000)
    >>> w.changes[0].median_change_days < 0
    True
    """
    options = {"runs": runs, "seed": seed, "distribution": distribution,
               "max_repeats": max_repeats}
    base = simulate(G, source, **options)  # type: ignore[arg-type]
    scen = simulate(apply_overrides(G, estimates=estimates, shares=shares), source,
                    **options)  # type: ignore[arg-type]
    return WhatIf(base, scen, compare(base, scen))


# -- calibration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationRow:
    """A published duration beside the simulated one.

    ``simulated_days`` is the statistic the source publishes (mean or median; the
    median for a range) over the journeys that reach ``to``. ``difference_days`` is 0
    inside [low, high], else the signed distance to the nearer bound;
    ``relative_difference`` divides it by that bound.
    """

    id: str
    source_step: str
    to: str
    statistic: str
    low_days: float
    high_days: float
    simulated_days: float | None
    p10_days: float | None
    median_days: float | None
    p90_days: float | None
    mean_days: float | None
    reached_share: float
    difference_days: float | None
    relative_difference: float | None
    within_tolerance: bool

    def as_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["from"] = d.pop("source_step")
        return d


def calibration_table(fs: FlowSet, flow_id: str, runs: int = 20_000, seed: int = 1
                      ) -> list[CalibrationRow]:
    """The flow's ``published_durations`` beside simulated ones, with the difference.

    Journeys start at each published duration's ``from`` step and are timed to its
    ``to`` step, through the whole-system view when the two lie in different flows.
    """
    flows = fs.flows
    if flow_id not in flows:
        raise FlowError(f"unknown flow '{flow_id}'; known flows: {', '.join(sorted(flows))}")
    flow = flows[flow_id]
    local = {s.id for s in flow.steps}
    wanted: dict[tuple[bool, str], list[Any]] = defaultdict(list)
    for pub in flow.published_durations:
        a, b = step_id(pub.from_), step_id(pub.to)
        wanted[(a in local and b in local, a)].append(pub)
    graphs: dict[bool, nx.DiGraph] = {}
    rows: list[CalibrationRow] = []
    for (inside, a), pds in wanted.items():
        if inside not in graphs:
            graphs[inside] = flow_graph(fs, flow_id if inside else "all")
        G = graphs[inside]
        targets = [step_id(pub.to) for pub in pds]
        sim = simulate(G, a, runs=runs, seed=seed, record=targets)
        for pub in pds:
            rows.append(_calibration_row(pub, sim.times.get(step_id(pub.to)), runs))
    order = {pub.id: i for i, pub in enumerate(flow.published_durations)}
    rows.sort(key=lambda r: order[r.id])
    return rows


def _calibration_row(pub: Any, t: Array | None, runs: int) -> CalibrationRow:
    if t is None or t.size == 0:
        return CalibrationRow(pub.id, step_id(pub.from_), step_id(pub.to), pub.statistic,
                              pub.low_days, pub.high_days, None, None, None, None, None, 0.0,
                              None, None, False)
    p10, p50, p90 = (float(x) for x in np.percentile(t, [10, 50, 90]))
    mean = float(t.mean())
    sim = mean if pub.statistic == "mean" else p50
    if sim < pub.low_days:
        diff, bound = sim - pub.low_days, pub.low_days
    elif sim > pub.high_days:
        diff, bound = sim - pub.high_days, pub.high_days
    else:
        diff, bound = 0.0, max(pub.low_days, 1e-9)
    rel = diff / bound if bound > 0 else 0.0
    return CalibrationRow(pub.id, step_id(pub.from_), step_id(pub.to), pub.statistic,
                          pub.low_days, pub.high_days, round(sim, 1), round(p10, 1),
                          round(p50, 1), round(p90, 1), round(mean, 1), t.size / runs,
                          round(diff, 1), round(rel, 3),
                          abs(rel) <= CALIBRATION_TOLERANCE)

"""Routes between a step and one or more targets, and what each route costs in time.

A **route** is a set of choices: one exit at each decision it meets, every track at
each parallel it passes through. Its steps are those the target depends on: through
a parallel section closed before the target, every track up to the closing join;
when the target lies inside a section, only the tracks that lead to it. Repeat
edges are left out, or unrolled ``unroll`` times (each cycle copied, so a review can
appear twice on a route). Routes are **counted** first by dynamic programming over
the acyclic graph (exact, even when there are billions), and only the first
``limit`` are listed (``truncated`` says so); listing decodes route number k from the
counts, so the listed routes are always a prefix of the counted ones.

Per route (:class:`Route`):

- ``statutory_floor_days``: the longest chain of ``statutory_min`` clocks whose both
  ends are on the route (a lower bound on the time the law allows: the 13 weeks
  with the adopters). Where clocks do not overlap this is their sum.
- ``bounded_days``: the same chain over the clocks that limit time from above
  (statutory_max / statutory_fixed / guidance_target / local_target; where one pair
  of steps has several, the tightest), with ``bounded_statutory_days`` and
  ``bounded_guidance_days`` kept apart. Chaining rather than plain summing stops the
  8-working-day clock from removal to the grounds hearing and the 2-working-day clock
  inside it from being counted twice; along the route, with parallel tracks, the
  longest chain is taken (as in CPM). Only current rules count; limits are in days
  by :attr:`explorer.model.Timescale.limit_days`.
- ``unbounded_steps``: the steps no limit reaches, where drift lives. **Rule**: a
  step on the route is unbounded unless (a) it is the route's first step or of kind
  ``start``, ``parallel`` or ``join`` (structural), (b) every route edge into it has an
  estimate with ``max == 0`` (a zero-time milestone, e.g. "order granted" at the
  hearing), or (c) a current clock with a numeric upper limit runs to it from a step
  on the route. A clock in words only ("as soon as reasonably practicable") does
  not bound.
- ``hearings``: the sittings of a children's hearing, i.e. steps of kind ``meeting``
  tagged ``hearing`` or in a lane whose id contains ``hearing``. (The flows tag every
  step of the hearing system ``hearing``, decisions and paperwork included, so the tag
  alone would count one sitting several times.) ``court_stages``: steps tagged
  ``court`` (applications, sittings and rulings alike).
- ``decision_makers``: the distinct lanes that decide at the route's decisions and
  meetings (``decided_by``, else the step's lane).
- ``likely_days``: the route's duration by likely estimates, longest track through
  parallels (unknown estimates count 0 and are listed in ``unknown_edges``).

Public API
----------
``count_routes(G, source, targets, *, unroll=0) -> int``
``routes(G, source, targets, *, limit=100, unroll=0) -> RouteSet``
``measure_route(P, steps, edges, source, target, choices=(), context=None) -> Route``
``RouteContext(P)``  (look-ups shared by many routes of one prepared graph)
``unroll_repeats(G, times) -> nx.DiGraph``

>>> from explorer.analysis.synthetic import diamond_graph
>>> G = diamond_graph()
>>> count_routes(G, "s", "end")
2
>>> [r.steps for r in routes(G, "s", "end").routes]
[('s', 'd', 'a', 'm', 'end'), ('s', 'd', 'b', 'm', 'end')]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from explorer.analysis.prepare import Prepared, as_targets, edge_days, estimate_of, prepare
from explorer.graph import dag
from explorer.model import Timescale
from explorer.model.kinds import GUIDANCE_UPPER, MIN_KINDS, STATUTORY_UPPER, UPPER_KINDS
from explorer.model.problems import FlowError

DEFAULT_LIMIT = 20
#: The most routes one call lists (each is measured): more is never needed on a page
#: and a larger ``--limit`` only burns memory.
MAX_LIMIT = 100_000
MAX_UNROLL = 5
#: An unrolled graph larger than this is refused (a limit per request, never a hang).
MAX_UNROLLED_STEPS = 20_000

_Key = tuple[str, str]  # ("t", target) or ("p", parallel): which count table


@dataclass(frozen=True)
class Route:
    """One route and its time: see the module docstring for each figure's rule."""

    target: str
    steps: tuple[str, ...]
    choices: tuple[tuple[str, str], ...]
    statutory_floor_days: float
    bounded_days: float
    bounded_statutory_days: float
    bounded_guidance_days: float
    unbounded_steps: tuple[str, ...]
    hearings: int
    court_stages: int
    decision_makers: tuple[str, ...]
    likely_days: float
    unknown_edges: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["steps"] = list(self.steps)
        d["choices"] = [list(c) for c in self.choices]
        d["unbounded_steps"] = list(self.unbounded_steps)
        d["unbounded_count"] = len(self.unbounded_steps)
        d["decision_makers"] = list(self.decision_makers)
        d["unknown_edges"] = [list(e) for e in self.unknown_edges]
        for k in ("statutory_floor_days", "bounded_days", "bounded_statutory_days",
                  "bounded_guidance_days", "likely_days"):
            d[k] = round(d[k], 2)
        return d


@dataclass(frozen=True)
class RouteSet:
    """The routes from ``source`` to ``targets``: the exact ``count``, the listed ``routes``."""

    source: str
    targets: tuple[str, ...]
    count: int
    counts: dict[str, int]
    routes: list[Route]
    limit: int
    unroll: int
    truncated: bool = field(default=False)
    #: True when listing stopped at the time budget (``count`` is exact all the same).
    timed_out: bool = field(default=False)

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.source, "to": list(self.targets), "count": self.count,
                "counts": dict(self.counts), "listed": len(self.routes),
                "truncated": self.truncated, "timed_out": self.timed_out,
                "limit": self.limit, "unroll": self.unroll,
                "routes": [r.as_dict() for r in self.routes]}

    def to_frame(self) -> pd.DataFrame:
        """The listed routes as a table, one row a route (steps joined by " > ").

        >>> from explorer.io.load import load_flows
        >>> from explorer.graph import flow_graph
        >>> G = flow_graph(load_flows(), "permanence")
        >>> routes(G, "looked_after", "adoption_order", limit=3).to_frame().shape[0]
        3
        """
        rows = []
        for r in self.routes:
            d = r.as_dict()
            d["steps"] = " > ".join(r.steps)
            d["unbounded_steps"] = " ".join(r.unbounded_steps)
            d["decision_makers"] = " ".join(r.decision_makers)
            d.pop("choices")
            d.pop("unknown_edges")
            rows.append(d)
        return pd.DataFrame(rows)


# -- unrolling repeat edges --------------------------------------------------------------


def unroll_repeats(G: nx.DiGraph, times: int) -> nx.DiGraph:
    """An acyclic copy of ``G`` where each repeat edge's cycle is unrolled ``times`` times.

    For a repeat edge ``u -> v``, the cycle's body (the steps from ``v`` to ``u``) is copied
    ``times`` times; copy i of ``u`` leads to copy i+1 of ``v`` and every copy keeps the
    body's exits. Copies are named ``step@i`` and carry ``base=step``. With ``times=0``
    the result is ``G`` without repeat edges. Repeat edges are unrolled one after the
    other; a cycle nested in another is copied only within the original, so the result
    has at most ``len(G) * (1 + times * repeats)`` steps (and never more than
    :data:`MAX_UNROLLED_STEPS`: :class:`FlowError`).

    >>> import networkx as nx
    >>> G = nx.DiGraph(timescales=[])
    >>> for n, k in [("a", "start"), ("r", "meeting"), ("z", "outcome")]:
    ...     G.add_node(n, kind=k)
    >>> G.add_edge("a", "r", repeat=False); G.add_edge("r", "z", repeat=False)
    >>> G.add_edge("r", "r", repeat=True)
    >>> sorted(unroll_repeats(G, 1).edges)
    [('a', 'r'), ('r', 'r@1'), ('r', 'z'), ('r@1', 'z')]
    """
    if not 0 <= times <= MAX_UNROLL:
        raise FlowError(f"unroll must be between 0 and {MAX_UNROLL}, got {times}")
    H = nx.DiGraph(dag(G))
    H.graph.update(G.graph)
    for n in H:
        H.nodes[n].setdefault("base", n)
    if times == 0:
        return H
    original = set(H)
    for r, (u, v, data) in enumerate(sorted(G.edges(data=True))):
        if not data.get("repeat"):
            continue
        # Only the original steps and edges are copied: copies made for another cycle
        # stay out, or nested cycles would multiply (6^k steps for k nested at 5 times).
        body = (nx.descendants(H, v) | {v}) & (nx.ancestors(H, u) | {u}) & original
        # Edges are captured before copying, so no copy ever links back to an earlier one.
        inner = [(a, b, d) for a in body for b, d in H.adj[a].items() if b in body]
        exits = [(a, b, d) for a in body for b, d in H.adj[a].items()
                 if b not in body and b in original]
        if len(H) + times * len(body) > MAX_UNROLLED_STEPS:
            raise FlowError(f"unrolling each repeat cycle {times} time(s) would make more "
                            f"than {MAX_UNROLLED_STEPS:,} steps; unroll fewer times")
        previous_u = u
        for i in range(1, times + 1):
            name = {b: _fresh(H, f"{b}@{i}", r) for b in body}
            for b in body:
                H.add_node(name[b], **{**H.nodes[b], "base": H.nodes[b].get("base", b)})
            for a, b, d in inner:
                H.add_edge(name[a], name[b], **d)
            for a, b, d in exits:
                H.add_edge(name[a], b, **d)
            H.add_edge(previous_u, name[v], **{**data, "repeat": False})
            previous_u = name[u]
    return H


def _fresh(H: nx.DiGraph, name: str, r: int) -> str:
    return name if name not in H else f"{name}_{r}"


# -- counting --------------------------------------------------------------------------


class _Counts:
    """Route counts per node towards a target (``("t", t)``) or a closing join (``("p", p)``)."""

    def __init__(self, P: Prepared) -> None:
        self.P = P
        self.tables: dict[_Key, dict[str, int]] = {}
        self.parallel = {n for n in P.order if P.kind(n) == "parallel" and P.succ[n]}

    def target(self, key: _Key) -> str:
        return key[1] if key[0] == "t" else self.P.joins[key[1]]

    def table(self, key: _Key) -> dict[str, int]:
        found = self.tables.get(key)
        if found is not None:
            return found
        P = self.P
        if key[0] == "t":
            region = nx.ancestors(P.D, key[1]) | {key[1]}
        else:
            region = self._section(key[1])
            region.discard(key[1])
        tau = self.target(key)
        T: dict[str, int] = {}
        for v in sorted(region, key=P.pos.__getitem__, reverse=True):
            T[v] = self._count(v, tau, T)
        self.tables[key] = T
        return T

    def _count(self, v: str, tau: str, T: dict[str, int]) -> int:
        if v == tau:
            return 1
        P = self.P
        nxt = P.succ[v]
        if not nxt:
            return 0
        if v in self.parallel:
            j = P.joins[v]
            if T.get(j, 0) > 0:
                TJ = self.table(("p", v))
                total = T[j]
                for h in nxt:
                    total *= TJ.get(h, 0)
                return total
            # The target lies inside this section: only the tracks that lead to it count.
            heads = [T[h] for h in nxt if T.get(h, 0) > 0]
            if not heads:
                return 0
            total = 1
            for c in heads:
                total *= c
            return total
        if len(nxt) > 1:
            return sum(T.get(c, 0) for c in nxt)
        return T.get(nxt[0], 0)

    def _section(self, p: str) -> set[str]:
        """The steps from parallel ``p`` up to and including its closing join."""
        j = self.P.joins[p]
        seen = {p}
        stack = [p]
        while stack:
            v = stack.pop()
            if v == j:
                continue
            for c in self.P.succ[v]:
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
        return seen

    def decode(self, source: str, key: _Key, k: int
               ) -> tuple[set[str], list[tuple[str, str]], list[tuple[str, str]]]:
        """Route number ``k`` (0-based) from ``source``: its steps, edges and choices."""
        P = self.P
        succ, joins, parallel = P.succ, P.joins, self.parallel
        nodes: set[str] = set()
        edges: list[tuple[str, str]] = []
        choices: list[tuple[str, str]] = []
        stack: list[tuple[str, _Key, int]] = [(source, key, k)]
        while stack:
            v, key_v, kv = stack.pop()
            nodes.add(v)
            if v == (key_v[1] if key_v[0] == "t" else joins[key_v[1]]):
                continue
            T = self.tables.get(key_v) or self.table(key_v)
            nxt = succ[v]
            if v in parallel:
                j = joins[v]
                if T.get(j, 0) > 0:
                    pk: _Key = ("p", v)
                    TJ = self.tables.get(pk) or self.table(pk)
                    heads = [(h, pk, TJ[h]) for h in nxt]
                    beyond = [(j, key_v, T[j])]
                else:
                    heads = [(h, key_v, T[h]) for h in nxt if T.get(h, 0) > 0]
                    beyond = []
                for node, kk, cnt in heads + beyond:
                    kv, r = divmod(kv, cnt)
                    stack.append((node, kk, r))
                edges.extend((v, h) for h, _, _ in heads)
            elif len(nxt) > 1:
                for c in nxt:
                    cnt = T.get(c, 0)
                    if kv < cnt:
                        choices.append((v, c))
                        edges.append((v, c))
                        stack.append((c, key_v, kv))
                        break
                    kv -= cnt
            else:
                edges.append((v, nxt[0]))
                stack.append((nxt[0], key_v, kv))
        return nodes, edges, choices


def _setup(G: nx.DiGraph, source: str, targets: str | Iterable[str], unroll: int
           ) -> tuple[Prepared, str, list[str]]:
    H = unroll_repeats(G, unroll) if unroll else G
    P = prepare(H)
    s = P.resolve(source)
    ts = [P.resolve(t) for t in as_targets(targets)]
    return P, s, ts


def count_routes(G: nx.DiGraph, source: str, targets: str | Iterable[str], *,
                 unroll: int = 0) -> int:
    """The exact number of routes from ``source`` to any of ``targets`` (0 if none).

    Linear in the size of the graph (dynamic programming), however many routes
    there are. Several targets: the sum of the counts to each.

    >>> from explorer.analysis.synthetic import diamond_graph
    >>> count_routes(diamond_graph(), "s", ["m", "end"])
    4
    """
    P, s, ts = _setup(G, source, targets, unroll)
    counts = _Counts(P)
    return sum(counts.table(("t", t)).get(s, 0) for t in ts)


def routes(G: nx.DiGraph, source: str, targets: str | Iterable[str], *,
           limit: int = DEFAULT_LIMIT, unroll: int = 0,
           time_budget_s: float | None = None) -> RouteSet:
    """The routes from ``source`` to ``targets``, counted exactly and listed up to ``limit``.

    With several targets the listing takes routes to each in turn. Raises
    :class:`FlowError` for an unknown step or a target that cannot be reached, or
    for a ``limit`` above :data:`MAX_LIMIT`. With ``time_budget_s`` listing stops once
    that many seconds have passed (``timed_out``; the count stays exact): a server
    answers within its budget whatever the graph.

    >>> from explorer.analysis.synthetic import diamond_graph
    >>> rs = routes(diamond_graph(), "s", "end", limit=1)
    >>> rs.count, len(rs.routes), rs.truncated
    (2, 1, True)
    """
    if not 0 <= limit <= MAX_LIMIT:
        raise FlowError(f"limit must be between 0 and {MAX_LIMIT:,}, got {limit:,}")
    deadline = None if time_budget_s is None else time.monotonic() + time_budget_s
    P, s, ts = _setup(G, source, targets, unroll)
    counter = _Counts(P)
    per = {t: counter.table(("t", t)).get(s, 0) for t in ts}
    total = sum(per.values())
    if total == 0:
        where = G.graph.get("flow_id", "the flow")
        names = ", ".join(P.base(t) for t in ts)
        raise FlowError(f"{names} cannot be reached from '{P.base(s)}' in flow '{where}' "
                        "(without repeat edges)")
    listed: list[Route] = []
    ctx = RouteContext(P) if limit else None
    iters = [_route_iter(P, counter, s, t, per[t], ctx) for t in ts if per[t] > 0 and ctx]
    timed_out = False
    while iters and len(listed) < limit and not timed_out:
        for it in list(iters):
            if len(listed) >= limit:
                break
            if deadline is not None and time.monotonic() > deadline:
                timed_out = True
                break
            r = next(it, None)
            if r is None:
                iters.remove(it)
            else:
                listed.append(r)
    return RouteSet(source=P.base(s), targets=tuple(P.base(t) for t in ts), count=total,
                    counts={P.base(t): c for t, c in per.items()}, routes=listed, limit=limit,
                    unroll=unroll, truncated=len(listed) < total, timed_out=timed_out)


def _route_iter(P: Prepared, counter: _Counts, s: str, t: str, n: int,
                ctx: RouteContext) -> Iterator[Route]:
    measure = _Incremental(P, ctx, s, t)
    for k in range(n):
        nodes, edges, choices = counter.decode(s, ("t", t), k)
        yield measure(nodes, edges, choices)


# -- measuring a route ------------------------------------------------------------------

_STRUCTURAL = frozenset({"start", "parallel", "join"})


@dataclass(frozen=True)
class _Clock:
    """The clocks from one step to another, reduced to one limit per class (None: none).

    ``floor`` is the strictest minimum (the largest); the upper limits the tightest.
    """

    floor: float | None
    upper: float | None
    statutory: float | None
    guidance: float | None


class RouteContext:
    """Everything :func:`measure_route` needs from a prepared graph, looked up once.

    Build it once for many routes (as :func:`routes` does); it holds no state that
    changes.
    """

    def __init__(self, P: Prepared) -> None:
        self.P = P
        D = P.D
        self.base = {n: P.base(n) for n in P.order}
        self.kind = {n: P.kind(n) for n in P.order}
        self.days: dict[tuple[str, str], float | None] = {}
        self.zero: dict[tuple[str, str], bool] = {}
        for u, v, data in D.edges(data=True):
            est = estimate_of(data)
            self.days[u, v] = edge_days(data, "likely")
            self.zero[u, v] = est is not None and est.max == 0
        self.hearing: set[str] = set()
        self.court: set[str] = set()
        self.maker: dict[str, str] = {}
        for n in P.order:
            data = D.nodes[n]
            step = data.get("step")
            tags = step.tags if step is not None else data.get("tags", [])
            kind = self.kind[n]
            lane = str(data.get("lane") or "")
            if kind == "meeting" and ("hearing" in tags or "hearing" in lane):
                self.hearing.add(n)
            if "court" in tags:
                self.court.add(n)
            if kind in ("decision", "meeting"):
                decided = getattr(step, "decided_by", None) or lane
                if decided:
                    self.maker[n] = decided
        by_to: dict[str, dict[str, list[Timescale]]] = {}
        for (a, b), clocks in P.timescales.items():
            by_to.setdefault(b, {})[a] = clocks
        self.clocks: dict[str, list[tuple[str, _Clock]]] = {}
        for n in P.order:
            found = by_to.get(self.base[n], {})
            self.clocks[n] = [(a, _reduce(cl)) for a, cl in found.items()]


def _reduce(clocks: list[Timescale]) -> _Clock:
    def pick(kinds: frozenset[str], fn: Callable[[list[float]], float]) -> float | None:
        values = [ts.limit_days for ts in clocks if ts.kind in kinds and ts.limit_days]
        return fn(values) if values else None

    return _Clock(floor=pick(MIN_KINDS, max), upper=pick(UPPER_KINDS, min),
                  statutory=pick(STATUTORY_UPPER, min), guidance=pick(GUIDANCE_UPPER, min))


def measure_route(P: Prepared, steps: Iterable[str], edges: Iterable[tuple[str, str]],
                  source: str, target: str, choices: Sequence[tuple[str, str]] = (),
                  context: RouteContext | None = None) -> Route:
    """The figures of one route given its steps and the edges it takes (module docstring).

    One pass in topological order carries five longest chains at once: the likely
    duration over estimates, and the floor, bounded, statutory and guidance chains
    over clocks (route edges cost 0 there, a clock its limit, and a clock from a step
    seen several times runs from its latest appearance).
    """
    ctx = context or RouteContext(P)
    return _Incremental(P, ctx, source, target)(steps, edges, choices)


class _Incremental:
    """The measuring pass of :func:`measure_route`, reusable for routes listed in turn.

    Routes k and k+1 mostly differ only near their end (on the whole system ~85% of a
    route's steps, in topological order, come with the same edges into them), and
    the pass at a step depends only on the steps before it. So the state of the last
    route is kept per position and only the part after the common prefix is undone
    and recomputed; a fresh instance measures a single route from scratch.
    """

    def __init__(self, P: Prepared, ctx: RouteContext, source: str, target: str) -> None:
        self.P, self.ctx, self.source, self.target = P, ctx, source, target
        self.seq: list[tuple[str, list[str]]] = []  # (step, route edges into it)
        self.likely: dict[str, float] = {}
        self.chains: dict[str, tuple[float, float, float, float]] = {}
        self.latest: dict[str, str] = {}
        self.undo: list[tuple[str, str | None]] = []  # per position: (base, old latest)
        self.unknown: list[tuple[str, str]] = []
        self.unknown_at: list[int] = []  # len(unknown) after each position
        self.unbounded: list[str] = []
        self.unbounded_at: list[int] = []
        self.hearings_at: list[int] = []  # running counts
        self.court_at: list[int] = []
        self.makers: dict[str, int] = {}  # maker -> position of first appearance
        self.maker_list: list[str] = []

    def _rewind(self, i: int) -> None:
        seq, likely, chains, latest, undo = (self.seq, self.likely, self.chains, self.latest,
                                              self.undo)
        for j in range(len(seq) - 1, i - 1, -1):
            v = seq[j][0]
            del likely[v]
            del chains[v]
            key, old = undo[j]
            if old is None:
                del latest[key]
            else:
                latest[key] = old
        del seq[i:], undo[i:], self.hearings_at[i:], self.court_at[i:]
        del self.unknown[(self.unknown_at[i - 1] if i else 0):], self.unknown_at[i:]
        del self.unbounded[(self.unbounded_at[i - 1] if i else 0):], self.unbounded_at[i:]
        while self.maker_list and self.makers[self.maker_list[-1]] >= i:
            del self.makers[self.maker_list.pop()]

    def __call__(self, steps: Iterable[str], edges: Iterable[tuple[str, str]],
                 choices: Sequence[tuple[str, str]]) -> Route:
        P, ctx, source, target = self.P, self.ctx, self.source, self.target
        pos = P.pos
        order = sorted(set(steps), key=pos.__getitem__)
        into: dict[str, list[str]] = {n: [] for n in order}
        for a, b in edges:
            if b in into:
                into[b].append(a)
        seq = self.seq
        i, lim = 0, min(len(seq), len(order))
        while i < lim and seq[i][0] == order[i] and seq[i][1] == into[order[i]]:
            i += 1
        self._rewind(i)
        likely, chains, latest, undo = self.likely, self.chains, self.latest, self.undo
        unknown, unbounded = self.unknown, self.unbounded
        base, days, zero, kind = ctx.base, ctx.days, ctx.zero, ctx.kind
        hearings = self.hearings_at[-1] if self.hearings_at else 0
        court = self.court_at[-1] if self.court_at else 0
        for j in range(i, len(order)):
            v = order[j]
            preds = into[v]
            lk = fl = up = st = gd = 0.0
            for u in preds:
                d = days[u, v]
                if d is None:
                    unknown.append((base[u], base[v]))
                    d = 0.0
                lk = max(lk, likely[u] + d)
                cu = chains[u]
                fl, up, st, gd = (max(fl, cu[0]), max(up, cu[1]), max(st, cu[2]),
                                  max(gd, cu[3]))
            fl, up, st, gd, bounded_here = _clocks_into(ctx.clocks[v], latest, chains,
                                                       (fl, up, st, gd))
            likely[v] = lk
            chains[v] = (fl, up, st, gd)
            b = base[v]
            undo.append((b, latest.get(b)))
            latest[b] = v
            if not (bounded_here or v == source or kind[v] in _STRUCTURAL
                    or (preds and all(zero[u, v] for u in preds))):
                unbounded.append(b)
            hearings += v in ctx.hearing
            court += v in ctx.court
            maker = ctx.maker.get(v)
            if maker is not None and maker not in self.makers:
                self.makers[maker] = j
                self.maker_list.append(maker)
            seq.append((v, preds))
            self.unknown_at.append(len(unknown))
            self.unbounded_at.append(len(unbounded))
            self.hearings_at.append(hearings)
            self.court_at.append(court)
        fl, up, st, gd = chains.get(target, (0.0, 0.0, 0.0, 0.0))
        return Route(target=base[target], steps=tuple(base[v] for v in order),
                     choices=tuple((base[a], base[b]) for a, b in
                                   sorted(choices, key=lambda c: pos[c[0]])),
                     statutory_floor_days=fl, bounded_days=up, bounded_statutory_days=st,
                     bounded_guidance_days=gd, unbounded_steps=tuple(unbounded),
                     hearings=hearings, court_stages=court,
                     decision_makers=tuple(self.maker_list),
                     likely_days=likely.get(target, 0.0),
                     unknown_edges=tuple(dict.fromkeys(unknown)))


def _clocks_into(clocks: Any, latest: dict[Any, Any], chains: dict[Any, Any],
                 start: tuple[float, float, float, float]
                 ) -> tuple[float, float, float, float, bool]:
    """Extend a step's four chains (floor, upper, statutory, guidance) by the clocks that
    end at it and started on the route; also whether any numeric upper limit covers it."""
    fl, up, st, gd = start
    bounded = False
    for a, clock in clocks:
        u = latest.get(a)
        if u is None:
            continue
        cu = chains[u]
        if clock.floor is not None:
            fl = max(fl, cu[0] + clock.floor)
        if clock.upper is not None:
            up = max(up, cu[1] + clock.upper)
            bounded = True
        if clock.statutory is not None:
            st = max(st, cu[2] + clock.statutory)
        if clock.guidance is not None:
            gd = max(gd, cu[3] + clock.guidance)
    return fl, up, st, gd, bounded

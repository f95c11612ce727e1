"""Layered layout of a flow graph for print: stage columns or wrapped swimlanes.

The flows are long and thin (53-109 ranks, 4-6 wide), so one left-to-right strip
cannot be read on paper. This module folds the ranks:

``mode="stages"``
    every stage is a column; inside it the steps run top to bottom; columns run left
    to right and wrap into tiers (rows of columns) to fit the page's shape.
``mode="lanes"``
    swimlane bands, ranks left to right; the ranks wrap into segments stacked top to
    bottom (each segment shows the bands of the lanes it uses).

Both are one engine: a Sugiyama layering, igraph's ``layout_sugiyama`` for the first
crossing reduction (refined here by median sweeps and adjacent exchanges), then our own
box sizing, coordinates and channel routing, computed in an abstract (breadth, depth)
frame. Stage mode maps breadth to x and depth to y; lanes mode swaps them.

Edges that cross from one column to the next leave through a channel under the
column, climb a gutter between columns and enter through a channel over the next
one, on tracks assigned so that two such edges cross only if their order at the two
ends differs: the crossings drawn are exactly the ones the ordering counts.

>>> import networkx as nx
>>> G = nx.DiGraph()
>>> for n in "abcd":
...     G.add_node(n, name=f"Step {n}", kind="event", lane="x")
>>> G.add_edges_from([("a", "b"), ("b", "c"), ("c", "d")], repeat=False)
>>> L = layered_layout(G, stage_of={"a": 0, "b": 0, "c": 1, "d": 1},
...                    lane_of={n: "x" for n in G}, lane_order=["x"], mode="stages")
>>> sorted(L.boxes) == ["a", "b", "c", "d"] and count_crossings(L) == 0
True
"""

from __future__ import annotations

import itertools
import math
import random
import textwrap
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import igraph as ig
import networkx as nx

Point = tuple[float, float]
Link = tuple[object, object]  # (upper item, lower item) of a line between two layers
Mode = Literal["stages", "lanes"]

#: Spacing of the printed sheet, in points at the layout's font size (6 pt): tight, so
#: a flow of a hundred steps fits one A3 sheet (``layered_layout(spacing=PRINT_SPACING)``).
PRINT_SPACING: dict[str, float] = {
    "line": 1.1,  # line height, in font sizes
    "pad": 2.0,  # inside a box, around its text
    "glyph": 1.25,  # the kind glyph's column at a box's left, in font sizes
    "node_gap": 3.5,  # between two boxes of a row
    "dummy_gap": 2.5,  # between a box and a line passing it
    "line_gap": 1.8,  # between two lines passing side by side
    "row_gap": 5.0,  # between two rows
    "track": 1.8,  # between parallel lines in a channel or gutter
    "margin": 2.0,  # channel margin next to boxes
    "slack": 1.0,  # a column's width, in widths of its widest packed row (0: free)
    "fit_width": 1.0,  # 1: each box as wide as its own name; 0: all as wide as the widest
    "merge_inside": 0.0,  # 1: lines into one step merge inside their own stage too
    "restarts": 1.0,  # random restarts of the crossing reduction
}

#: Spacing of the screen's step map (the default): roomier, every box as wide as the
#: widest, since the browser's font is wider than the print font.
SCREEN_SPACING: dict[str, float] = {
    **PRINT_SPACING, "line": 1.18, "pad": 3.0, "glyph": 1.05, "node_gap": 6.0,
    "dummy_gap": 3.5, "line_gap": 3.5, "row_gap": 8.0, "track": 2.2, "margin": 3.0,
    "slack": 0.0, "fit_width": 0.0}

#: Column caps (layers per column) the stage layout tries; 0 is a whole stage a column.
CAPS: list[int] = [0, 24, 18, 14, 12, 10, 8, 6]

#: Landscape A3 less 20 pt margins, a title strip and a legend strip: the default shape
#: the layout tries to fill.
DEFAULT_FIT: tuple[float, float] = (1150.0, 700.0)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Box:
    """A step's box, top-left corner (x, y), in points, y growing downwards."""

    id: str
    x: float
    y: float
    w: float
    h: float
    lines: tuple[str, ...]
    lane: str
    kind: str
    stage: int

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass(frozen=True)
class EdgePath:
    """A transition drawn as a polyline from source to target (arrowhead at the end).

    ``reversed_`` edges (repeat edges, or edges that run against the stage order) were
    laid out from target to source and are drawn back up the page.
    """

    source: str
    target: str
    points: tuple[Point, ...]
    repeat: bool
    reversed_: bool
    strength: str = "none"  # "statutory" | "guidance" | "none"


@dataclass(frozen=True)
class Region:
    """A stage column or a lane band, with its title's anchor (top-left of the text)."""

    kind: Literal["stage", "lane"]
    key: str
    title: str
    x: float
    y: float
    w: float
    h: float
    title_x: float
    title_y: float
    title_w: float


@dataclass(frozen=True)
class Layout:
    """Everything a printer needs, in points; draw regions, then edges, then boxes."""

    mode: Mode
    boxes: dict[str, Box]
    edges: tuple[EdgePath, ...]
    regions: tuple[Region, ...]
    width: float
    height: float
    font_size: float
    line_height: float
    pad: float
    glyph_w: float
    title_size: float
    family: str
    stats: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------- metrics


@lru_cache(maxsize=8)
def _font(family: str) -> object:
    from matplotlib.ft2font import FT2Font

    return FT2Font(font_path(family))


def font_path(family: str) -> str:
    """The font file matplotlib uses for ``family`` (DejaVu Sans when it is missing)."""
    from matplotlib import font_manager

    return str(font_manager.findfont(font_manager.FontProperties(family=family),
                                     fallback_to_default=True))


def pick_family(candidates: Sequence[str] = ("Liberation Sans", "Arial", "Helvetica",
                                             "DejaVu Sans")) -> str:
    """The first of ``candidates`` installed (narrow sans first: boxes stay small)."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((c for c in candidates if c in names), "DejaVu Sans")


def text_width(text: str, size: float, family: str = "DejaVu Sans") -> float:
    """Advance width of ``text`` in points at ``size`` pt (the font matplotlib embeds).

    >>> 10 < text_width("Grounds hearing", 6.5) < 60
    True
    """
    font = _font(family)
    font.set_size(size, 72)  # type: ignore[attr-defined]
    font.set_text(text, 0.0)  # type: ignore[attr-defined]
    w, _ = font.get_width_height()  # type: ignore[attr-defined]
    return w / 64.0


def wrap_label(name: str, width: int = 22) -> tuple[str, ...]:
    """A step name wrapped at ``width`` characters, words never split.

    >>> wrap_label("Children's hearing to consider the grounds of referral")
    ("Children's hearing to", 'consider the grounds', 'of referral')
    """
    lines = textwrap.wrap(" ".join(name.split()), width=width, break_long_words=False,
                          break_on_hyphens=False)
    return tuple(lines) or ("",)


# --------------------------------------------------------------------------- stages


def provisional_stages(G: nx.DiGraph, k: int = 7) -> dict[str, int]:
    """TEMPORARY stage rule until steps carry ``stage``: ranks cut into ``k`` chunks.

    Chunks hold about the same number of steps; a rank is never split, so stages only
    grow along transitions.

    >>> G = nx.path_graph(6, create_using=nx.DiGraph)
    >>> nx.set_edge_attributes(G, False, "repeat")
    >>> provisional_stages(nx.relabel_nodes(G, str), 3)
    {'0': 0, '1': 1, '2': 1, '3': 2, '4': 2, '5': 2}
    """
    D = _dag(G)
    gens = [sorted(map(str, g)) for g in nx.topological_generations(D)]
    n = sum(len(g) for g in gens)
    out: dict[str, int] = {}
    seen = 0
    for g in gens:
        s = min(k - 1, (seen * k + n // 2) // n) if n else 0
        for v in g:
            out[v] = s
        seen += len(g)
    return out


def _dag(G: nx.DiGraph) -> nx.DiGraph:
    D = nx.DiGraph()
    D.add_nodes_from(G.nodes)
    D.add_edges_from((u, v) for u, v, r in G.edges(data="repeat") if not r)
    return D


# --------------------------------------------------------------------------- engine


@dataclass(frozen=True)
class _Params:
    font_size: float
    line_height: float
    pad: float
    glyph_w: float
    wrap: int
    node_gap: float  # breadth gap between two boxes of a layer
    dummy_gap: float  # breadth gap next to an edge passing through a layer
    row_gap: float  # depth gap between two layers
    track: float  # spacing of parallel edges in a channel or gutter
    margin: float  # channel margin next to boxes
    title_size: float
    family: str
    title_depth: float  # depth of the title band (stage titles or lane labels)
    band_gap: float  # breadth gap between lane bands
    line_gap: float = 3.5  # breadth gap between two lines passing side by side
    slack: float = 0.0  # a stage column's width in widest packed rows (0: free)


@dataclass
class _Item:
    key: object  # a node id, or ("~", chain index, layer) for an edge passing through
    layer: int
    real: bool
    bsize: float  # size across the flow
    dsize: float  # size along the flow
    lane: str
    b: float = 0.0  # centre across the flow, within its column


@dataclass
class _Chain:
    source: str
    target: str
    items: list[object]  # keys from the upper item to the lower one
    reversed_: bool
    repeat: bool
    strength: str


def _edge_strength(G: nx.DiGraph, u: str, v: str) -> str:
    kinds = {getattr(ts, "kind", None) for ts in G.edges[u, v].get("timescales") or []}
    for ts in G.graph.get("timescales", []):
        if (getattr(ts, "status", "current") == "current"
                and str(ts.from_).rsplit(":", 1)[-1] == u and str(ts.to).rsplit(":", 1)[-1] == v):
            kinds.add(ts.kind)
    if kinds & {"statutory_max", "statutory_fixed", "statutory_min"}:
        return "statutory"
    if kinds & {"guidance_target", "local_target"}:
        return "guidance"
    return "none"


def _layers(G: nx.DiGraph, stage_of: Mapping[str, int]) -> dict[str, int]:
    """Global layer per node: stages in order, each as deep as its longest path.

    Inside a stage a step may sit on any layer its transitions allow; coordinate
    descent moves each step to the end of its range that shortens its edges (all
    edges, repeat ones at half weight, edges to other stages included): shorter edges
    mean fewer bends and fewer crossings, as dot's network simplex does.
    """
    D = _dag(G)
    stages = sorted({stage_of[n] for n in G})
    local: dict[str, int] = {}
    depth: dict[int, int] = {}
    for s in stages:
        members = [n for n in G if stage_of[n] == s]
        H = D.subgraph(members)
        if not nx.is_directed_acyclic_graph(H):  # an invalid flow: break cycles crudely
            H = nx.DiGraph(nx.dfs_tree(H))
        for n in nx.topological_sort(H):
            local[n] = max((local[p] + 1 for p in H.predecessors(n)), default=0)
        depth[s] = max(local[n] for n in members) + 1
    offset: dict[int, int] = {}
    acc = 0
    for s in stages:
        offset[s] = acc
        acc += depth[s]
    glob = {n: offset[stage_of[n]] + local[n] for n in G}
    nodes = sorted(G, key=lambda n: (glob[n], str(n)))
    for _ in range(30):
        moved = False
        for n in nodes:
            s = stage_of[n]
            lo, hi = offset[s], offset[s] + depth[s] - 1
            for p in D.predecessors(n):
                if stage_of[p] == s:
                    lo = max(lo, glob[p] + 1)
            for w in D.successors(n):
                if stage_of[w] == s:
                    hi = min(hi, glob[w] - 1)
            if lo > hi:
                continue
            def cost(ly: int, n: str = n) -> float:
                c = 0.0
                for a, b, r in G.in_edges(n, data="repeat"):  # noqa: B007
                    c += abs(ly - glob[a]) * (0.5 if r else 1.0)
                for a, b, r in G.out_edges(n, data="repeat"):  # noqa: B007
                    c += abs(glob[b] - ly) * (0.5 if r else 1.0)
                return c
            best = min(range(lo, hi + 1), key=lambda ly: (cost(ly), abs(ly - glob[n])))
            if best != glob[n]:
                glob[n] = best
                moved = True
        if not moved:
            break
    return glob


def _crossings_between(upper: Sequence[object], pos: Mapping[object, int],
                       down: Mapping[object, list[object]],
                       soft: frozenset[tuple[object, object]] = frozenset()) -> float:
    """Crossings between two layers; one with a ``soft`` (repeat) link weighs 0.3."""
    segs = [(pos[a], pos[b], (a, b) in soft) for a in upper for b in down.get(a, ())]
    segs.sort()
    c = 0.0
    for i in range(len(segs)):
        for j in range(i + 1, len(segs)):
            if segs[i][0] < segs[j][0] and segs[i][1] > segs[j][1]:
                c += 0.3 if (segs[i][2] or segs[j][2]) else 1.0
    return c


#: Orderings already found, by graph structure (bounded; oldest dropped first).
_ORDER_MEMO: dict[tuple[object, ...], tuple[list[list[object]], float]] = {}


def _order(items: dict[object, _Item], links: list[tuple[object, object]], nlayers: int,  # noqa: C901
           group: Callable[[object], int] | None, sweeps: int = 16, restarts: int = 1,
           soft: frozenset[tuple[object, object]] = frozenset()
           ) -> list[list[object]]:
    """Order of the items in each layer: igraph's Sugiyama, then median and transpose.

    The result depends only on the graph's structure (not on box sizes), so it is
    remembered: laying the same flow out for other label widths or papers reuses it.
    """
    keys = list(items)
    memo_key = (tuple((repr(k), items[k].layer, items[k].lane) for k in keys),
                tuple((repr(a), repr(b)) for a, b in links), nlayers, group is None,
                tuple(sorted((repr(a), repr(b)) for a, b in soft)), sweeps, restarts)
    if memo_key in _ORDER_MEMO:
        found, crossings = _ORDER_MEMO[memo_key]
        _order.last = crossings  # type: ignore[attr-defined]
        return [list(layer) for layer in found]
    index = {k: i for i, k in enumerate(keys)}
    g = ig.Graph(n=len(keys), edges=[(index[a], index[b]) for a, b in links], directed=True)
    lay = g.layout_sugiyama(layers=[items[k].layer for k in keys], maxiter=200)
    layers: list[list[object]] = [[] for _ in range(nlayers)]
    for k in sorted(keys, key=lambda k: (lay[index[k]][0], str(k))):
        layers[items[k].layer].append(k)
    down: dict[object, list[object]] = defaultdict(list)
    up: dict[object, list[object]] = defaultdict(list)
    for a, b in links:
        down[a].append(b)
        up[b].append(a)
    grp = group or (lambda k: 0)

    def regroup(layer: list[object]) -> list[object]:
        return sorted(layer, key=lambda k: grp(k)) if group else layer

    layers = [regroup(layer) for layer in layers]

    def positions(ls: list[list[object]]) -> dict[object, int]:
        return {k: i for layer in ls for i, k in enumerate(layer)}

    def total(ls: list[list[object]]) -> float:
        pos = positions(ls)
        return sum(_crossings_between(ls[i], pos, down, soft) for i in range(len(ls) - 1))

    def median_sweep(ls: list[list[object]], downward: bool) -> list[list[object]]:
        ls = [list(layer) for layer in ls]
        rng = range(1, len(ls)) if downward else range(len(ls) - 2, -1, -1)
        for i in rng:
            pos = positions(ls)
            nb = up if downward else down
            def key(k: object, i: int = i) -> tuple[int, float]:
                ps = sorted(pos[m] for m in nb.get(k, ()))  # noqa: B023
                if not ps:
                    return grp(k), float(ls[i].index(k))
                m = len(ps) // 2
                med = ps[m] if len(ps) % 2 else (ps[m - 1] + ps[m]) / 2
                return grp(k), med
            ls[i] = sorted(ls[i], key=key)
        return ls

    def transpose(ls: list[list[object]]) -> list[list[object]]:
        ls = [list(layer) for layer in ls]
        improved = True
        rounds = 0
        while improved and rounds < 10:
            improved = False
            rounds += 1
            pos = positions(ls)
            for layer in ls:
                for i in range(len(layer) - 1):
                    u, v = layer[i], layer[i + 1]
                    if grp(u) != grp(v):
                        continue
                    def cross(a: object, b: object) -> int:
                        c = 0
                        for nb in (up, down):
                            for x in nb.get(a, ()):
                                for y in nb.get(b, ()):
                                    if pos[x] > pos[y]:  # noqa: B023
                                        c += 1
                        return c
                    if cross(v, u) < cross(u, v):
                        layer[i], layer[i + 1] = v, u
                        pos[u], pos[v] = pos[v], pos[u]
                        improved = True
        return ls

    def sift(ls: list[list[object]]) -> list[list[object]]:
        """Move each item to its best place in its layer (both neighbour layers)."""
        ls = [list(layer) for layer in ls]
        pos = positions(ls)
        for li in list(range(len(ls))) + list(range(len(ls) - 1, -1, -1)):
            layer = ls[li]
            if len(layer) < 2:
                continue
            nbs = {k: (sorted(pos[m] for m in up.get(k, ())),
                       sorted(pos[m] for m in down.get(k, ()))) for k in layer}
            memo: dict[tuple[object, object], int] = {}

            def c(a: object, b: object) -> int:  # crossings with a left of b
                key = (a, b)
                got = memo.get(key)  # noqa: B023
                if got is None:
                    got = sum(bisect_left(nbs[b][side], x) for side in (0, 1)  # noqa: B023
                              for x in nbs[a][side])  # noqa: B023
                    memo[key] = got  # noqa: B023
                return got

            for u in list(layer):
                rest = [v for v in layer if v != u]
                cost = sum(c(u, v) for v in rest)
                best_i, best_cost = 0, cost
                for i, v in enumerate(rest):
                    cost += c(v, u) - c(u, v)
                    if cost < best_cost or (False):
                        best_i, best_cost = i + 1, cost
                cand = [*rest[:best_i], u, *rest[best_i:]]
                if group and [grp(k) for k in cand] != sorted(grp(k) for k in cand):
                    continue
                layer[:] = cand
            ls[li] = layer
            pos.update({k: i for i, k in enumerate(layer)})
        return ls

    rng = random.Random(7)  # deterministic restarts: same graph, same drawing
    starts = [layers, [layer[::-1] for layer in layers]]
    for _ in range(restarts):
        starts.append([regroup(rng.sample(layer, len(layer))) for layer in layers])
    best, best_c = layers, total(layers)
    for init in starts:
        cur = transpose(init)
        for it in range(sweeps):
            cur = transpose(sift(median_sweep(cur, downward=it % 2 == 0)))
            c = total(cur)
            if c < best_c:
                best, best_c = cur, c
            elif it > 8 and c > best_c:
                cur = best
    _order.last = best_c  # type: ignore[attr-defined]
    if len(_ORDER_MEMO) >= 64:
        _ORDER_MEMO.pop(next(iter(_ORDER_MEMO)))
    _ORDER_MEMO[memo_key] = ([list(layer) for layer in best], best_c)
    return best


def _pav(desired: list[float], weights: list[float], seps: list[float]) -> list[float]:
    """Positions closest (weighted least squares) to ``desired`` keeping the separations.

    >>> _pav([0.0, 0.0], [1.0, 1.0], [10.0])
    [-5.0, 5.0]
    """
    c = [0.0]
    for s in seps:
        c.append(c[-1] + s)
    ys = [d - ci for d, ci in zip(desired, c, strict=False)]
    blocks: list[list[float]] = []  # [mean, weight, count]
    for y, w in zip(ys, weights, strict=False):
        blocks.append([y, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, n2 = blocks.pop()
            m1, w1, n1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    out: list[float] = []
    for m, _, n in blocks:
        out.extend([m] * int(n))
    return [y + ci for y, ci in zip(out, c, strict=False)]


@dataclass
class _Column:
    layers: list[int]
    stage: int
    part: int
    width: float = 0.0
    bands: list[tuple[str, float, float]] = field(default_factory=list)  # lane, lo, hi
    #: (stage, part, layers) of each stage run stacked in this column, top to bottom.
    segments: list[tuple[int, int, list[int]]] = field(default_factory=list)


def _sep(a: _Item, b: _Item, p: _Params) -> float:
    if a.real and b.real:
        gap = p.node_gap
    elif a.real or b.real:
        gap = p.dummy_gap
    else:  # two lines side by side: as close as parallel tracks in a gutter
        gap = p.line_gap
    return (a.bsize + b.bsize) / 2 + gap


def _place_column(col: _Column, order: list[list[object]], items: dict[object, _Item],  # noqa: C901
                  up: Mapping[object, list[object]], down: Mapping[object, list[object]],
                  p: _Params, lanes: Sequence[str] | None) -> None:
    """Breadth positions of the items of one column (sets ``item.b`` and the width)."""
    rows = [order[ly] for ly in col.layers]
    inside = set(col.layers)
    # lane bands (lanes mode): each lane as thick as its fullest layer
    band_of: dict[str, tuple[float, float]] = {}
    if lanes is not None:
        need: dict[str, float] = defaultdict(float)
        for row in rows:
            per: dict[str, list[_Item]] = defaultdict(list)
            for k in row:
                per[items[k].lane].append(items[k])
            for lane, its in per.items():
                t = its[0].bsize / 2 + its[-1].bsize / 2 + sum(
                    _sep(a, b, p) for a, b in itertools.pairwise(its))
                need[lane] = max(need[lane], t + 2 * p.dummy_gap)
        lo = 0.0
        for lane in lanes:
            if lane in need:
                band_of[lane] = (lo, lo + max(need[lane], 24.0))
                col.bands.append((lane, lo, lo + max(need[lane], 24.0)))
                lo += max(need[lane], 24.0) + p.band_gap

    def weight(a: _Item, b: _Item) -> float:
        return 8.0 if not (a.real or b.real) else (2.0 if not (a.real and b.real) else 1.0)

    # Stage columns are held to their widest row (times a little slack): the lines
    # then bend a little more, but a column of a branching stage does not spread into
    # a staircase of mostly empty width. Bends lie in the row gaps, so no line passes
    # through a box, and the order (hence the crossings) is unchanged.
    packed = max(its[0].bsize / 2 + its[-1].bsize / 2
                 + sum(_sep(a, b, p) for a, b in itertools.pairwise(its))
                 for its in ([items[k] for k in row] for row in rows) if its)
    limit = packed * p.slack if lanes is None and p.slack > 0 else None

    def project(row: list[object], desired: list[float], ws: list[float]) -> None:
        its = [items[k] for k in row]
        if lanes is None:
            seps = [_sep(a, b, p) for a, b in itertools.pairwise(its)]
            xs = _pav(desired, ws, seps)
            if limit is not None:
                # x_i - c_i is non-decreasing, so clipping it keeps the separations
                # and is the closest fit inside [0, limit].
                c = [0.0, *itertools.accumulate(seps)]
                lo_y = its[0].bsize / 2
                hi_y = max(lo_y, limit - c[-1] - its[-1].bsize / 2)
                xs = [ci + min(max(x - ci, lo_y), hi_y) for x, ci in zip(xs, c, strict=False)]
            for it, x in zip(its, xs, strict=False):
                it.b = x
            return
        i = 0
        while i < len(its):  # each lane's run of items, kept inside its band
            j = i
            while j < len(its) and its[j].lane == its[i].lane:
                j += 1
            run = its[i:j]
            xs = _pav(desired[i:j], ws[i:j], [_sep(a, b, p) for a, b in itertools.pairwise(run)])
            lo, hi = band_of[run[0].lane]
            lo += p.dummy_gap
            hi -= p.dummy_gap
            first = lo + run[0].bsize / 2
            if xs[0] < first:
                xs = [x + first - xs[0] for x in xs]
            last = hi - run[-1].bsize / 2
            if xs[-1] > last:
                xs = [x - (xs[-1] - last) for x in xs]
            for it, x in zip(run, xs, strict=False):
                it.b = x
            i = j

    # initial: packed (or centred in its band)
    for row in rows:
        its = [items[k] for k in row]
        x = 0.0
        xs = []
        for i, it in enumerate(its):
            if i:
                x += _sep(its[i - 1], it, p)
            xs.append(x)
        project(row, xs, [1.0] * len(row))

    def sweep(rng: Sequence[int], use_up: bool, use_down: bool) -> None:
        for ri in rng:
            row = rows[ri]
            desired, ws = [], []
            for k in row:
                it = items[k]
                acc = wsum = 0.0
                for nb, use in ((up, use_up), (down, use_down)):
                    if not use:
                        continue
                    for m in nb.get(k, ()):
                        if items[m].layer in inside:
                            w = weight(it, items[m])
                            acc += w * items[m].b
                            wsum += w
                desired.append(acc / wsum if wsum else it.b)
                ws.append(wsum if wsum else 0.05)
            project(row, desired, ws)

    n = len(rows)
    for _ in range(6):
        sweep(range(1, n), True, False)
        sweep(range(n - 2, -1, -1), False, True)
    sweep(range(n), True, True)
    lo = min(items[k].b - items[k].bsize / 2 for row in rows for k in row)
    hi = max(items[k].b + items[k].bsize / 2 for row in rows for k in row)
    if lanes is not None:
        lo = min(lo, 0.0)
        hi = max([hi] + [b[2] for b in col.bands])
    for row in rows:
        for k in row:
            items[k].b -= lo
    col.bands = [(lane, a - lo, b - lo) for lane, a, b in col.bands]
    col.width = hi - lo


def _widen(col: _Column, order: list[list[object]], items: dict[object, _Item],
           width: float) -> None:
    """Make ``col`` at least ``width`` wide, its items centred in it."""
    if col.width < width:
        for ly in col.layers:
            for k in order[ly]:
                items[k].b += (width - col.width) / 2
        col.width = width


def _columns(layer_stage: list[int], max_layers: int | None, mode: Mode,
             pack: bool = False) -> list[_Column]:
    """Cut the layers into columns: whole stages (split when deeper than max_layers).

    ``pack`` stacks consecutive short stages in one column (each with its heading) while
    the column stays within ``max_layers``: a flow of many short stages then fills the
    sheet's height instead of its width. Lanes mode always packs.
    """
    runs: list[tuple[int, list[int]]] = []
    for ly, s in enumerate(layer_stage):
        if runs and runs[-1][0] == s:
            runs[-1][1].append(ly)
        else:
            runs.append((s, [ly]))
    cap = max_layers or 10**9
    cols: list[_Column] = []
    for s, ls in runs:
        parts = max(1, math.ceil(len(ls) / cap))
        size = math.ceil(len(ls) / parts)
        for i in range(parts):
            chunk = ls[i * size:(i + 1) * size]
            if chunk:
                cols.append(_Column(chunk, s, i, segments=[(s, i, list(chunk))]))
    if mode == "lanes" or pack:
        packed: list[_Column] = []
        for c in cols:
            if packed and len(packed[-1].layers) + len(c.layers) <= cap:
                packed[-1].layers.extend(c.layers)
                packed[-1].segments.extend(c.segments)
            else:
                packed.append(_Column(list(c.layers), c.stage, c.part,
                                      segments=list(c.segments)))
        cols = packed
    return cols


def layered_layout(G: nx.DiGraph, *, stage_of: Mapping[str, int], lane_of: Mapping[str, str],
                   lane_order: Sequence[str], mode: Mode = "stages",
                   stage_titles: Mapping[int, str] | None = None,
                   lane_titles: Mapping[str, str] | None = None,
                   fit: tuple[float, float] = DEFAULT_FIT, font_size: float = 6.0,
                   wrap: int = 22, family: str | None = None, merge: bool = False,
                   spacing: Mapping[str, float] | None = None) -> Layout:
    """Lay out ``G`` in stage columns or wrapped swimlanes; no two boxes overlap.

    ``stage_of`` maps every node to an ordered stage index, ``lane_of`` to a lane id of
    ``lane_order``. Node attribute ``name`` (or the id) is the label, ``kind`` the
    kind; edge attribute ``repeat`` marks a cycle edge. ``fit`` is the (width, height)
    the layout should fill best: tiers (stages) or segment lengths (lanes) are chosen
    to maximise the scale at which the result fits it. Pure: ``G`` is not changed.

    >>> G = nx.DiGraph([("a", "b")]); nx.set_edge_attributes(G, False, "repeat")
    >>> L = layered_layout(G, stage_of={"a": 0, "b": 0}, lane_of={"a": "l", "b": "l"},
    ...                    lane_order=["l"], mode="lanes")
    >>> L.boxes["a"].x < L.boxes["b"].x
    True
    """
    lanes_mode = mode == "lanes"
    family = family or pick_family()
    sp = {**SCREEN_SPACING, **(spacing or {})}
    p = _Params(line_gap=sp["line_gap"], slack=sp["slack"], font_size=font_size,
                line_height=font_size * sp["line"], family=family,
                pad=sp["pad"], glyph_w=font_size * sp["glyph"], wrap=wrap,
                node_gap=sp["node_gap"], dummy_gap=sp["dummy_gap"],
                row_gap=26.0 if lanes_mode else sp["row_gap"], track=sp["track"],
                margin=sp["margin"],
                title_size=font_size + 1.5,
                title_depth=0.0, band_gap=4.0)
    # ---- boxes
    labels = {n: wrap_label(str(G.nodes[n].get("name", n)), wrap) for n in G}
    tw = max(text_width(line, font_size, family) for ls in labels.values() for line in ls)
    box_w = math.ceil(tw + p.glyph_w + 2 * p.pad + 1)
    box_h = {n: len(ls) * p.line_height + 2 * p.pad for n, ls in labels.items()}
    lane_names = {ln: (lane_titles or {}).get(ln, ln) for ln in lane_order}
    if lanes_mode:
        label_w = max(text_width(w, font_size, family)
                      for t in lane_names.values() for w in wrap_label(t, 14))
        p = _replace(p, title_depth=label_w + 8)
    else:
        p = _replace(p, title_depth=p.title_size * 1.6)

    # ---- layering and chains
    layer = _layers(G, stage_of)
    nlayers = max(layer.values()) + 1
    layer_stage = [0] * nlayers
    for n, ly in layer.items():
        layer_stage[ly] = stage_of[n]
    items: dict[object, _Item] = {}
    for n in G:
        if lanes_mode or not sp["fit_width"]:
            w_n: float = box_w
        else:  # each box as wide as its own label (at least a third of the widest)
            own = max(text_width(line, font_size, family) for line in labels[n])
            w_n = max(math.ceil(own + p.glyph_w + 2 * p.pad + 1), box_w / 3)
        bs, ds = (box_h[n], w_n) if lanes_mode else (w_n, box_h[n])
        items[n] = _Item(n, layer[n], True, bs, ds, lane_of[n])
    chains: list[_Chain] = []
    flat: list[tuple[str, str, bool, str]] = []
    for u, v, data in sorted(G.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        rep = bool(data.get("repeat"))
        strength = _edge_strength(G, u, v)
        if layer[u] == layer[v]:
            flat.append((u, v, rep, strength))
            continue
        rev = layer[u] > layer[v]
        a, b = (v, u) if rev else (u, v)
        keys: list[object] = [a]
        for ly in range(layer[a] + 1, layer[b]):
            # Lines of one look into the same step share their way there (edge
            # concentration, as dot's ``concentrate``): one line, not a bundle.
            # Only once out of the stage they start in: inside it they keep their own
            # places, or a merge pulls a line across the stage (crossings).
            shared = merge and (sp["merge_inside"] or layer_stage[ly] != stage_of[a])
            k = ("~", str(b), rev, rep, strength, ly) if shared else ("~", len(chains), ly)
            if k not in items:
                lane = lane_of[a] if ly - layer[a] <= layer[b] - ly else lane_of[b]
                items[k] = _Item(k, ly, False, 0.0, 0.0, lane)
            keys.append(k)
        keys.append(b)
        chains.append(_Chain(u, v, keys, rev, rep, strength))
    links = list(dict.fromkeys((c.items[i], c.items[i + 1]) for c in chains
                               for i in range(len(c.items) - 1)))
    lane_idx = {ln: i for i, ln in enumerate(lane_order)}
    group = (lambda k: lane_idx.get(items[k].lane, len(lane_idx))) if lanes_mode else None
    soft = frozenset((c.items[i], c.items[i + 1]) for c in chains if c.repeat
                     for i in range(len(c.items) - 1))
    # A very large upload gets fewer refining sweeps: the sweeps grow with the square of
    # a layer's width, and the app lays out on the server.
    big = len(items) > 1500
    # The ordering counts a merged line once for every transition it carries: a line
    # crossing a trunk of three crosses three transitions.
    multi = [(c.items[i], c.items[i + 1]) for c in chains for i in range(len(c.items) - 1)]
    order = _order(items, multi, nlayers, group, soft=soft, sweeps=4 if big else 16,
                   restarts=0 if big else int(sp["restarts"]))
    down: dict[object, list[object]] = defaultdict(list)
    up: dict[object, list[object]] = defaultdict(list)
    for a, b in links:
        down[a].append(b)
        up[b].append(a)

    def title_w(s: int, part: int) -> float:
        title = (stage_titles or {}).get(s, f"Stage {s + 1}") + (" (continued)" if part else "")
        # bold runs about 8% wider than the regular face measured here
        return text_width(title, p.title_size, family) * 1.1 + 8

    # ---- candidates: column cuts x tier breaks, keep the one that fits ``fit`` best
    cands = sorted({max(2, c) for c in range(4, 40, 2)}) if lanes_mode else list(CAPS)
    best: tuple[float, Layout] | None = None
    packings = (False,) if lanes_mode else (False, True)
    for cap, pack in [(c, pk) for c in cands for pk in packings if c or not pk]:
        cols = _columns(layer_stage, cap or None, mode, pack)
        snapshot = {k: it.b for k, it in items.items()}
        for col in cols:
            _place_column(col, order, items, up, down, p,
                          [ln for ln in lane_order] if lanes_mode else None)
            if not lanes_mode:  # a column is at least as wide as its stage headings
                _widen(col, order, items, max(title_w(s, part) for s, part, _ in col.segments))
        tier_opts = [[list(range(len(cols)))]] if lanes_mode else _tierings(cols)
        for tiers in tier_opts:
            L = _geometry(G, cols, tiers, order, items, chains, flat, labels, box_w, box_h,
                          layer, stage_of, p, mode, stage_titles, lane_names)
            scale = min(fit[0] / L.width, fit[1] / L.height)
            if best is None or scale > best[0] + 1e-9:
                best = (scale, L)
        for snap_key, bb in snapshot.items():
            items[snap_key].b = bb
    assert best is not None
    return best[1]


def _replace(p: _Params, **kw: float) -> _Params:
    from dataclasses import replace

    return replace(p, **kw)  # type: ignore[arg-type]


def _tierings(cols: list[_Column]) -> list[list[list[int]]]:
    """Ways to wrap the columns into 1-5 tiers of about equal width."""
    n = len(cols)
    total = sum(c.width for c in cols)
    out = []
    for t in range(1, min(5, n) + 1):
        target = total / t
        tiers: list[list[int]] = [[]]
        acc = 0.0
        for i, c in enumerate(cols):
            remaining = n - i
            if ((tiers[-1] and acc + c.width / 2 > target and len(tiers) < t) or (
                    remaining <= t - len(tiers))) and tiers[-1]:
                tiers.append([])
                acc = 0.0
            tiers[-1].append(i)
            acc += c.width
        out.append([tr for tr in tiers if tr])
    return out


def _geometry(G: nx.DiGraph, cols: list[_Column], tiers: list[list[int]],  # noqa: C901, PLR0915
              order: list[list[object]], items: dict[object, _Item], chains: list[_Chain],
              flat: list[tuple[str, str, bool, str]], labels: Mapping[str, tuple[str, ...]],
              box_w: float, box_h: Mapping[str, float], layer: Mapping[str, int],
              stage_of: Mapping[str, int], p: _Params, mode: Mode,
              stage_titles: Mapping[int, str] | None, lane_names: Mapping[str, str]
              ) -> Layout:
    """Depth positions, channels, gutters and routes; returns the (transposed) layout."""
    col_of_layer = {ly: ci for ci, c in enumerate(cols) for ly in c.layers}
    tier_of_col = {ci: ti for ti, tr in enumerate(tiers) for ci in tr}
    # boundary links between consecutive columns
    crossing: dict[int, list[Link]] = defaultdict(list)  # col -> links
    # A link is keyed by its two items: merged lines share their links, so one is drawn.
    phys = list(dict.fromkeys((a, b) for ch in chains for a, b in itertools.pairwise(ch.items)))
    for a, b in phys:
        la = items[a].layer
        if col_of_layer[la] != col_of_layer[la + 1]:
            crossing[col_of_layer[la]].append((a, b))
    pos_in_layer = {k: i for row in order for i, k in enumerate(row)}
    # Each item's links, found once (scanning every chain per item was quadratic).
    links_out: dict[object, list[tuple[Link, int]]] = defaultdict(list)
    links_in: dict[object, list[tuple[Link, int]]] = defaultdict(list)
    for a, b in phys:
        links_out[a].append(((a, b), pos_in_layer[b]))
        links_in[b].append(((a, b), pos_in_layer[a]))

    def ports(k: object, side: str) -> dict[Link, float]:
        """Breadth of each link's port on the far ('out') or near ('in') side of k."""
        it = items[k]
        found = sorted(links_out[k] if side == "out" else links_in[k],
                       key=lambda f: (f[1], repr(f[0])))
        if not it.real or len(found) <= 1:
            return {f[0]: it.b for f in found}
        span = min(it.bsize * 0.7, 7.0 * (len(found) - 1))
        step = span / (len(found) - 1)
        return {f[0]: it.b - span / 2 + j * step for j, f in enumerate(found)}

    out_port: dict[Link, float] = {}
    in_port: dict[Link, float] = {}
    for k in items:
        out_port.update(ports(k, "out"))
        in_port.update(ports(k, "in"))

    # breadth offsets of columns; left gutter for tier breaks
    def kcount(ci: int) -> int:
        return len(crossing.get(ci, []))

    breaks = [tr[-1] for tr in tiers[:-1]]
    left_gutter = max([2 * p.margin + kcount(ci) * p.track for ci in breaks] + [0.0])
    col_b0: dict[int, float] = {}
    tier_width: dict[int, float] = {}
    for ti, tr in enumerate(tiers):
        b = left_gutter
        for j, ci in enumerate(tr):
            col_b0[ci] = b
            b += cols[ci].width
            if j < len(tr) - 1:
                b += 2 * p.margin + kcount(ci) * p.track + 2.0
        tier_width[ti] = b
    # depth: rows per column
    row_size = {}
    for ly, row in enumerate(order):
        row_size[ly] = max([items[k].dsize for k in row if items[k].real] + [4.0])
    col_rows: dict[int, dict[int, float]] = {}
    col_depth: dict[int, float] = {}
    heads = {seg[2][0] for c in cols for seg in c.segments[1:]} if mode == "stages" else set()
    for ci, c in enumerate(cols):
        d = 0.0
        starts = {}
        for ly in c.layers:
            if ly in heads:  # a stacked stage's heading band
                d += p.title_depth + 2 * p.margin
            starts[ly] = d
            d += row_size[ly] + p.row_gap
        col_rows[ci] = starts
        col_depth[ci] = d - p.row_gap
    d = 0.0
    tier_rows_start: dict[int, float] = {}
    tier_top: dict[int, float] = {}
    break_top: dict[int, float] = {}
    for ti, tr in enumerate(tiers):
        if ti:
            prev_break = tiers[ti - 1][-1]
            break_top[prev_break] = d
            d += 2 * p.margin + kcount(prev_break) * p.track
        tier_top[ti] = d
        d += p.title_depth
        top_ch = max([2 * p.margin + kcount(tr[0] - 1) * p.track
                      if tr[0] - 1 >= 0 else p.margin]
                     + [p.margin + kcount(ci - 1) * p.track + p.margin for ci in tr[1:]])
        d += top_ch
        tier_rows_start[ti] = d
        bottoms = []
        for ci in tr:
            extra = 0.0 if ci == tr[-1] else 2 * p.margin + kcount(ci) * p.track
            bottoms.append(col_depth[ci] + extra)
        d += max(bottoms) + p.margin
    total_depth = d
    total_breadth = max(tier_width.values())

    def dpos(ly: int) -> float:
        ci = col_of_layer[ly]
        return tier_rows_start[tier_of_col[ci]] + col_rows[ci][ly]

    def bpos(k: object) -> float:
        return col_b0[col_of_layer[items[k].layer]] + items[k].b

    # boxes (abstract)
    abs_boxes: dict[str, tuple[float, float, float, float]] = {}
    for n in G:
        it = items[n]
        ly = layer[n]
        d0 = dpos(ly) + (row_size[ly] - it.dsize) / 2
        abs_boxes[n] = (bpos(n) - it.bsize / 2, d0, it.bsize, it.dsize)

    # tracks at boundaries
    track_bot: dict[Link, int] = {}
    track_top: dict[Link, int] = {}
    for ci, links in crossing.items():
        src = sorted(links, key=lambda x: out_port[x] + col_b0[ci])
        tgt = sorted(links, key=lambda x: in_port[x])
        if ci in breaks:
            for j, x in enumerate(src):  # leftmost source on the outer track
                track_bot[x] = j
        else:
            for j, x in enumerate(reversed(src)):  # rightmost source nearest the column
                track_bot[x] = j
        for j, x in enumerate(tgt):  # leftmost target nearest the rows
            track_top[x] = j

    def link_route(a: object, b: object) -> list[Point]:
        la, lb = items[a].layer, items[b].layer
        ca, cb = col_of_layer[la], col_of_layer[lb]
        ba = col_b0[ca] + out_port[(a, b)]
        bb = col_b0[cb] + in_port[(a, b)]
        da = dpos(la) + row_size[la]
        db = dpos(lb)
        if ca == cb:
            return [(ba, da), (bb, db)]
        kcount(ca)
        j = track_bot[(a, b)]
        jt = track_top[(a, b)]
        rows_start_b = tier_rows_start[tier_of_col[cb]]
        dtop = rows_start_b - p.margin - jt * p.track
        if ca in breaks:
            dbrk = break_top[ca] + p.margin + j * p.track
            bg = p.margin + j * p.track
            return [(ba, da), (ba, dbrk), (bg, dbrk), (bg, dtop), (bb, dtop), (bb, db)]
        col_end = tier_rows_start[tier_of_col[ca]] + col_depth[ca]
        dbot = col_end + p.margin + j * p.track
        bg = col_b0[ca] + cols[ca].width + p.margin + 1.0 + j * p.track
        return [(ba, da), (ba, dbot), (bg, dbot), (bg, dtop), (bb, dtop), (bb, db)]

    paths: list[EdgePath] = []
    for ch in chains:
        pts: list[Point] = []
        first = ch.items[0]
        bx = abs_boxes[str(first)]
        for i in range(len(ch.items) - 1):
            seg = link_route(ch.items[i], ch.items[i + 1])
            a = ch.items[i]
            if i == 0:
                pts.append((seg[0][0], bx[1] + bx[3]))
            elif not items[a].real:
                pts.append((seg[0][0], dpos(items[a].layer)))
            pts.extend(seg)
        last = abs_boxes[str(ch.items[-1])]
        pts.append((pts[-1][0], last[1]))
        pts = _dedupe(pts)
        if ch.reversed_:
            pts = pts[::-1]
        paths.append(EdgePath(ch.source, ch.target, tuple(pts), ch.repeat, ch.reversed_,
                              ch.strength))
    for u, v, rep, strength in flat:  # same layer: side to side (rare)
        au, av = abs_boxes[u], abs_boxes[v]
        if au[0] < av[0]:
            pts = [(au[0] + au[2], au[1] + au[3] / 2), (av[0], av[1] + av[3] / 2)]
        else:
            pts = [(au[0], au[1] + au[3] / 2), (av[0] + av[2], av[1] + av[3] / 2)]
        paths.append(EdgePath(u, v, tuple(pts), rep, False, strength))

    # regions
    regions: list[Region] = []
    for ci, c in enumerate(cols):
        ti = tier_of_col[ci]
        top = tier_top[ti]
        end = tier_rows_start[ti] + col_depth[ci] + p.margin
        if ci not in breaks and ci + 1 < len(cols):
            end += p.margin + kcount(ci) * p.track
        b0 = col_b0[ci]
        if mode == "stages":
            for si, (s, part, lys) in enumerate(c.segments):
                title = (stage_titles or {}).get(s, f"Stage {s + 1}")
                if part:
                    title += " (continued)"
                seg_top = top if si == 0 else dpos(lys[0]) - p.title_depth - p.margin
                seg_end = (end if si == len(c.segments) - 1
                           else dpos(lys[-1]) + row_size[lys[-1]] + p.margin)
                regions.append(Region("stage", str(s), title, b0 - 3, seg_top, c.width + 6,
                                      seg_end - seg_top, b0, seg_top + 2, c.width))
        else:
            for lane, lo, hi in c.bands:
                regions.append(Region("lane", lane, lane_names.get(lane, lane), b0 + lo, top,
                                      hi - lo, end - top, b0 + lo + 2, top + 3,
                                      p.title_depth - 6))

    # to page coordinates
    def tp(pt: Point) -> Point:
        return (pt[1], pt[0]) if mode == "lanes" else pt

    boxes: dict[str, Box] = {}
    for n, (ab0, ad0, abs_, ads) in abs_boxes.items():
        bx_, by_, bw_, bh_ = (ad0, ab0, ads, abs_) if mode == "lanes" else (ab0, ad0, abs_, ads)
        boxes[n] = Box(n, bx_, by_, bw_, bh_, labels[n], str(G.nodes[n].get("lane", "")),
                       str(G.nodes[n].get("kind", "")), stage_of[n])
    edges = tuple(EdgePath(e.source, e.target, tuple(tp(q) for q in e.points), e.repeat,
                           e.reversed_, e.strength) for e in paths)
    regs = []
    for r in regions:
        if mode == "lanes":
            regs.append(Region(r.kind, r.key, r.title, r.y, r.x, r.h, r.w, r.title_y,
                               r.title_x, r.title_w))
        else:
            regs.append(r)
    width, height = (total_depth, total_breadth) if mode == "lanes" else (total_breadth,
                                                                            total_depth)
    return Layout(mode, boxes, edges, tuple(regs), width, height, p.font_size,
                  p.line_height, p.pad, p.glyph_w, p.title_size, p.family,
                  {"columns": len(cols), "tiers": len(tiers), "layers": len(order),
                   "order_crossings": getattr(_order, "last", -1),
                   "dummies": sum(1 for it in items.values() if not it.real)})


def _dedupe(pts: list[Point]) -> list[Point]:
    out: list[Point] = []
    for q in pts:
        if not out or abs(out[-1][0] - q[0]) > 1e-6 or abs(out[-1][1] - q[1]) > 1e-6:
            out.append(q)
    # drop middle points of straight runs
    res: list[Point] = []
    for q in out:
        if len(res) >= 2:
            (x1, y1), (x2, y2) = res[-2], res[-1]
            if abs((x2 - x1) * (q[1] - y1) - (y2 - y1) * (q[0] - x1)) < 1e-6:
                res[-1] = q
                continue
        res.append(q)
    return res


# --------------------------------------------------------------------------- checks


def _seg_cross(p1: Point, p2: Point, q1: Point, q2: Point) -> Point | None:
    """The intersection point of two segments, or None (collinear overlap: a midpoint)."""
    d1 = (p2[0] - p1[0], p2[1] - p1[1])
    d2 = (q2[0] - q1[0], q2[1] - q1[1])
    den = d1[0] * d2[1] - d1[1] * d2[0]
    if abs(den) < 1e-12:
        return None
    t = ((q1[0] - p1[0]) * d2[1] - (q1[1] - p1[1]) * d2[0]) / den
    u = ((q1[0] - p1[0]) * d1[1] - (q1[1] - p1[1]) * d1[0]) / den
    if -1e-9 <= t <= 1 + 1e-9 and -1e-9 <= u <= 1 + 1e-9:
        return (p1[0] + t * d1[0], p1[1] + t * d1[1])
    return None


def count_polyline_crossings(lines: Sequence[tuple[str, str, Sequence[Point]]],
                             ) -> int:
    """Crossings between polylines ``(source, target, points)``.

    Two polylines of one step (sharing a source or a target) never cross: they meet at
    its box or merge into one line on the way to it (edge concentration). Any other
    pair counts once per point where they intersect.

    >>> count_polyline_crossings([("a", "b", [(0, 0), (2, 2)]), ("c", "d", [(0, 2), (2, 0)])])
    1
    """
    segs = []
    for idx, (_, _, pts) in enumerate(lines):
        for i in range(len(pts) - 1):
            a, b = pts[i], pts[i + 1]
            segs.append((idx, a, b, min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]),
                         max(a[1], b[1])))
    names = [{ly[0], ly[1]} for ly in lines]
    segs.sort(key=lambda s: s[3])
    count = 0
    seen: set[tuple[int, int, Point]] = set()
    for i in range(len(segs)):
        si = segs[i]
        for j in range(i + 1, len(segs)):
            sj = segs[j]
            if sj[3] > si[4] + 1e-9:
                break
            if si[0] == sj[0] or sj[5] > si[6] + 1e-9 or sj[6] < si[5] - 1e-9:
                continue
            x = _seg_cross(si[1], si[2], sj[1], sj[2])
            if x is None:
                continue
            if names[si[0]] & names[sj[0]]:
                # Two lines of one step meet: at its box, or where they merge into one
                # line on their way to it (edge concentration). A touch, not a crossing.
                continue
            key = (min(si[0], sj[0]), max(si[0], sj[0]), (round(x[0], 1), round(x[1], 1)))
            if key in seen:  # a crossing exactly at a bend counts once
                continue
            seen.add(key)
            count += 1
    return count


def count_crossings(layout: Layout, *, include_repeat: bool = False) -> int:
    """Edge crossings drawn in ``layout`` (repeat edges left out unless asked for)."""
    return count_polyline_crossings([(e.source, e.target, e.points) for e in layout.edges
                                     if include_repeat or not e.repeat])


def overlaps(layout: Layout, gap: float = 0.0) -> list[tuple[str, str]]:
    """Pairs of boxes that overlap (closer than ``gap``): must be empty."""
    bs = sorted(layout.boxes.values(), key=lambda b: b.x)
    out = []
    for i, a in enumerate(bs):
        for b in bs[i + 1:]:
            if b.x >= a.x + a.w + gap:
                break
            if b.y < a.y + a.h + gap and a.y < b.y + b.h + gap:
                out.append((a.id, b.id))
    return out


def edges_through_boxes(layout: Layout) -> list[tuple[str, str, str]]:
    """(source, target, box) where an edge passes through a box it does not touch."""
    out = []
    for e in layout.edges:
        for b in layout.boxes.values():
            if b.id in (e.source, e.target):
                continue
            x0, y0, x1, y1 = b.x + 0.5, b.y + 0.5, b.x + b.w - 0.5, b.y + b.h - 0.5
            for p1, p2 in zip(e.points, e.points[1:], strict=False):
                if _clip(p1, p2, x0, y0, x1, y1):
                    out.append((e.source, e.target, b.id))
                    break
    return out


def _clip(p1: Point, p2: Point, x0: float, y0: float, x1: float, y1: float) -> bool:
    """Whether segment p1-p2 meets the rectangle (Liang-Barsky)."""
    dx, dy = p2[0] - p1[0], p2[1] - p1[1]
    t0, t1 = 0.0, 1.0
    for pv, qv in ((-dx, p1[0] - x0), (dx, x1 - p1[0]), (-dy, p1[1] - y0), (dy, y1 - p1[1])):
        if pv == 0:
            if qv < 0:
                return False
        else:
            t = qv / pv
            if pv < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
    return True


# --------------------------------------------------------------------------- flows


def flow_layout(G: nx.DiGraph, flows: Mapping[str, object], *,
                fit: tuple[float, float] = DEFAULT_FIT, wrap: int = 22,
                font_size: float = 6.0, plan: Sequence[object] | None = None,
                merge: bool = False, compact: bool = False) -> Layout:
    """The stage-column layout of a flow graph, stages from the flows (``Step.stage``).

    One engine for the app's step map and the printed sheet: ``compact`` is the print's
    tighter spacing (:data:`PRINT_SPACING`), ``merge`` merges lines into one step once
    they leave their stage (edge concentration; the print asks for it when the sheet
    needs the room). The result is remembered for the same graph, stages and sheet:
    treat it as read-only.
    A filtered view is laid out from the induced subgraph, so it has no gaps.

    >>> from explorer.io.load import load_flows
    >>> from explorer.graph import flow_graph
    >>> fs = load_flows()
    >>> L = flow_layout(flow_graph(fs, "permanence"), fs.flows)
    >>> overlaps(L)
    []
    """
    from explorer.render.common import graph_lanes
    from explorer.render.overview import stage_plan

    if plan is None:  # given: the stages of a larger graph (a page per stage)
        plan = stage_plan(G, flows)  # type: ignore[arg-type]
    stage_of = {n: i for i, s in enumerate(plan) for n in s.steps if n in G}  # type: ignore[attr-defined]
    lanes = graph_lanes(G, flows)  # type: ignore[arg-type]
    titles = {i: s.name for i, s in enumerate(plan)}  # type: ignore[attr-defined]
    # The same graph, stages and sheet give the same layout: remembered (read-only).
    key = (tuple(sorted((str(n), str(G.nodes[n].get("name")), str(G.nodes[n].get("kind")),
                         str(G.nodes[n].get("lane")), stage_of.get(n, -1)) for n in G)),
           tuple(sorted((str(u), str(v), bool(r), _edge_strength(G, u, v))
                        for u, v, r in G.edges(data="repeat"))),
           tuple(sorted(titles.items())), tuple(li.id for li in lanes), fit, wrap, font_size,
           merge, compact)
    found = _LAYOUT_MEMO.get(key)
    if found is not None:
        return found
    layout = layered_layout(G, stage_of=stage_of,
                            lane_of={n: str(G.nodes[n].get("lane", "")) for n in G},
                            lane_order=[li.id for li in lanes], stage_titles=titles,
                            lane_titles={li.id: li.name for li in lanes},
                            fit=fit, wrap=wrap, font_size=font_size, merge=merge,
                            spacing=PRINT_SPACING if compact else None)
    if len(_LAYOUT_MEMO) >= 32:
        _LAYOUT_MEMO.pop(next(iter(_LAYOUT_MEMO)))
    _LAYOUT_MEMO[key] = layout
    return layout


#: Layouts already computed, by graph, stages and sheet (bounded; oldest dropped first).
_LAYOUT_MEMO: dict[tuple[object, ...], Layout] = {}

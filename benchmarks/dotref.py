"""Graphviz ``dot`` on the same DAG, its edges counted with the layout's crossing counter.

Measuring only (the benchmark, and a test that skips without Graphviz): the product
never needs Graphviz. ``dot`` gets boxes the size of ours and the DAG without repeat
edges; its Bezier splines are sampled as polylines and counted by
:func:`explorer.render.layout.count_polyline_crossings`, as our drawing is.

>>> bezier_points([(0, 0), (1, 1), (2, 1), (3, 0)], 2)
[(0.0, 0.0), (1.5, 0.75), (3.0, 0.0)]
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Sequence

import networkx as nx

from explorer.render.layout import Point, count_polyline_crossings, text_width, wrap_label


def bezier_points(ctrl: Sequence[Point], steps: int = 8) -> list[Point]:
    """A piecewise cubic Bezier (dot's spline, 3k+1 points) sampled as a polyline."""
    out: list[Point] = [(float(ctrl[0][0]), float(ctrl[0][1]))]
    for i in range(0, len(ctrl) - 3, 3):
        p0, p1, p2, p3 = ctrl[i:i + 4]
        for s in range(1, steps + 1):
            t = s / steps
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3
            out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                        a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


def dot_source(G: nx.DiGraph, rankdir: str = "LR", font_size: float = 6.5) -> str:
    """A dot graph of the DAG of ``G`` (repeat edges left out), boxes sized like ours."""
    lines = [f"digraph G {{ rankdir={rankdir}; nodesep=0.14; ranksep=0.25;",
             f'node [shape=box fontsize={font_size} fontname="DejaVu Sans"];']
    ids = {n: f"n{i}" for i, n in enumerate(G)}
    for n in G:
        lab = wrap_label(str(G.nodes[n].get("name", n)))
        w = max(text_width(x, font_size) for x in lab) + 8
        h = len(lab) * font_size * 1.2 + 6
        text = "\\n".join(x.replace('"', "'") for x in lab)
        lines.append(f'{ids[n]} [label="{text}" width={w / 72:.3f} height={h / 72:.3f} '
                     "fixedsize=true];")
    for u, v, r in G.edges(data="repeat"):
        if not r:
            lines.append(f"{ids[u]} -> {ids[v]};")
    lines.append("}")
    return "\n".join(lines)


def dot_crossings(G: nx.DiGraph, rankdir: str = "LR") -> tuple[int, float, float]:
    """(crossings, width, height in points) of ``dot -Tplain`` on the DAG of ``G``."""
    res = subprocess.run(["dot", "-Tplain"], input=dot_source(G, rankdir), text=True,
                         capture_output=True, check=True)
    polylines = []
    W = H = 0.0
    for line in res.stdout.splitlines():
        f = shlex.split(line)
        if f[0] == "graph":
            W, H = float(f[2]) * 72, float(f[3]) * 72
        if f[0] == "edge":
            n = int(f[3])
            ctrl = [(float(f[4 + 2 * i]) * 72, float(f[5 + 2 * i]) * 72) for i in range(n)]
            polylines.append((f[1], f[2], bezier_points(ctrl)))
    return count_polyline_crossings(polylines), W, H

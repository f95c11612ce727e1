"""Print a :class:`layout.Layout` to PDF and SVG with matplotlib (pdf and svg backends).

Text stays text: ``pdf.fonttype = 42`` embeds TrueType, ``svg.fonttype = "none"`` writes
<text> elements, so every step name can be searched and copied. The map is scaled to
the page between a title strip and a legend strip that are sized first, so the
legend is never cut; :func:`render` reports the smallest font size printed.

>>> page_size("a3", "landscape")
(1190.55, 841.89)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
from matplotlib.figure import Figure

from explorer.model.flowset import FlowSet
from explorer.model.kinds import CHANGE_BADGES, CHANGE_COLOURS, CHANGE_WORDS, STATUTORY_KINDS
from explorer.model.problems import FlowError
from explorer.model.schema import Timescale
from explorer.render.layout import Layout, text_width
from explorer.render.overview import Overview, percent_text
from explorer.views.variants import MapMarks

Paper = Literal["a4", "a3", "a2", "a1", "a0"]
Orientation = Literal["landscape", "portrait"]

#: ISO sizes in points, portrait (width, height).
PAPER: dict[str, tuple[float, float]] = {
    "a4": (595.28, 841.89), "a3": (841.89, 1190.55), "a2": (1190.55, 1683.78),
    "a1": (1683.78, 2383.94), "a0": (2383.94, 3370.39),
}

#: (glyph, meaning) per kind, as in explorer.render.common.KIND_SHAPES.
KIND_GLYPHS: dict[str, tuple[str, str]] = {
    "start": ("○", "start"), "event": ("●", "event"), "activity": ("▭", "activity"),
    "meeting": ("⬡", "meeting, hearing or review"), "decision": ("◆", "decision"),
    "parallel": ("▲", "parallel tracks"), "join": ("▼", "join"), "outcome": ("◎", "outcome"),
}

TEXT = "#111111"
MIN_PT = 6.0
#: Text this big reads comfortably on a wall: no need to merge lines to get more room.
COMFORT_PT = 6.5
MARGIN = 15.0


def page_size(paper: Paper, orientation: Orientation) -> tuple[float, float]:
    """Page (width, height) in points."""
    w, h = PAPER[paper]
    return (h, w) if orientation == "landscape" else (w, h)


def contrast(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours.

    >>> round(contrast("#000000", "#ffffff"), 1)
    21.0
    """
    def lum(c: str) -> float:
        rgb = [int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    a, b = sorted((lum(fg), lum(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@dataclass(frozen=True)
class Frame:
    """Where things go on the page (points, origin bottom-left as in matplotlib)."""

    page: tuple[float, float]
    map_box: tuple[float, float, float, float]  # x, y, w, h
    legend_top: float
    legend_rows: int
    legend_cols: int
    cell_w: float
    row_h: float
    far_top: float = 0.0


#: A local variant's marks on paper: outline line style per change (told without colour).
CHANGE_LINES: dict[str, Any] = {"added": "-", "changed": (0, (4, 2)), "removed": (0, (1, 1.5))}


def legend_entries(lanes: Sequence[tuple[str, str, str, str]], kinds: Sequence[str],
                   diff: MapMarks | None = None) -> list[tuple[str, str, str]]:
    """(type, key, text) rows of the legend: lanes, kinds, edge styles, then (for a local
    variant) its marks."""
    out = [("lane", lid, name) for lid, name, _, _ in lanes]
    out += [("kind", k, KIND_GLYPHS[k][1]) for k in KIND_GLYPHS if k in kinds]
    out += [("edge", "statutory", "statutory time limit"),
            ("clock", "", "its limit, e.g. 3 days (+1: one more limit)"),
            ("edge", "guidance", "guidance or local target"),
            ("edge", "none", "transition"), ("edge", "repeat", "repeats (goes back)")]
    if diff is not None:
        # Words only: the print font has no dingbats (the swatch draws the outline).
        out += [("diff", c, f"{CHANGE_BADGES[c].split(' ', 1)[1]}: {CHANGE_WORDS[c].lower()}"
                 + (f" (against {diff.against})" if c == "added" else ""))
                for c in ("added", "changed", "removed")]
    return out


def frame(paper: Paper, orientation: Orientation, entries: int, family: str,
          longest: str, legend_pt: float = 6.5, far_h: float = 0.0) -> Frame:
    """Page geometry: title strip, legend strip sized for ``entries`` (and ``far_h`` for
    the clocks between steps not directly joined, under it), the map between."""
    W, H = page_size(paper, orientation)
    cell_w = 14 + text_width(longest, legend_pt, family) + 10
    cols = max(1, int((W - 2 * MARGIN) // cell_w))
    rows = math.ceil(entries / cols)
    row_h = legend_pt * 1.6
    legend_h = rows * row_h + 14  # plus the heading
    footer_h = 2 * 7.5 + 4  # sources line(s)
    title_h = 16 + 12 + 6
    y0 = MARGIN + footer_h + far_h + legend_h + 6
    map_box = (MARGIN, y0, W - 2 * MARGIN, H - MARGIN - title_h - y0)
    return Frame((W, H), map_box, MARGIN + footer_h + far_h + legend_h, rows, cols, cell_w,
                 row_h, MARGIN + footer_h + far_h)


@dataclass(frozen=True)
class RenderInfo:
    scale: float
    min_font: float
    paper: str
    orientation: str
    #: The statutory limits written on their lines, and the transitions left without one.
    labels: tuple[ClockLabel, ...] = ()
    unlabelled: tuple[tuple[str, str], ...] = ()
    #: Clocks between steps not directly joined: how many, and how many written out.
    far_total: int = 0
    far_listed: int = 0
    #: Where the layout's (0, 0) lands on the page; layout y runs down, page y up.
    origin: tuple[float, float] = (0.0, 0.0)


def draw_sheet(layout: Layout, *, title: str, as_of: str, sources: Sequence[str],
               lanes: Sequence[tuple[str, str, str, str]], paper: Paper = "a3",
               orientation: Orientation = "landscape", max_scale: float = 1.6,
               subtitle: str | None = None, diff: MapMarks | None = None,
               ghosts: frozenset[str] = frozenset(),
               clocks: Mapping[tuple[str, str], str] | None = None,
               far: Sequence[str] = (), list_far: bool = False
               ) -> tuple[Figure, RenderInfo]:
    """One printed sheet of ``layout``: title, ``as_of``, map, legend and sources line.

    ``clocks`` (from :func:`transition_clocks`) are written on their lines where they
    overlap no box, heading or other label; ``far`` (from :func:`far_clocks`) are listed
    under the key with ``list_far``, else counted there with a pointer to the details.

    ``lanes`` are (id, name, fill, border) in legend order. With ``diff`` (a local
    variant), each step and line it adds, changes or removes (``ghosts``: the removed
    steps in the layout) is outlined in its own line style with a text badge. Raises
    ValueError if the map would print a character under 6 pt: choose a bigger paper.
    """
    import matplotlib
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyBboxPatch, Polygon, Rectangle

    rc = _rc(layout.family)
    colour = {lid: (fill, border) for lid, _, fill, border in lanes}
    for fill, _ in colour.values():
        assert contrast(TEXT, fill) >= 7.0, fill
    kinds = sorted({b.kind for b in layout.boxes.values()})
    entries = legend_entries(lanes, kinds, diff)
    longest = max((e[2] for e in entries), key=lambda t: text_width(t, 6.5, layout.family))
    W, H = page_size(paper, orientation)
    block = far_block(far, list_far, W - 2 * MARGIN, layout.family, bool(clocks))
    fr = frame(paper, orientation, len(entries), layout.family, longest, far_h=block.height)
    step_marks = {} if diff is None else {**diff.steps, **dict.fromkeys(ghosts, "removed")}
    edge_marks = {} if diff is None else {**diff.edges, **{e: "removed" for e in
                                                              diff.removed_edges}}
    mx, my, mw, mh = fr.map_box
    s = min(mw / layout.width, mh / layout.height, max_scale)
    if layout.font_size * s < MIN_PT - 1e-6:
        raise ValueError(f"text would print at {layout.font_size * s:.2f} pt on {paper} "
                         f"{orientation}; use a bigger paper")
    ox = mx + (mw - layout.width * s) / 2
    oy = my + mh  # top of the map box

    def P(x: float, y: float) -> tuple[float, float]:
        return ox + x * s, oy - y * s

    with matplotlib.rc_context(rc):  # type: ignore[arg-type]
        fig = Figure(figsize=(W / 72, H / 72), dpi=72)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, W)
        ax.set_ylim(0, H)
        ax.set_axis_off()
        fs = layout.font_size * s
        # What a clock's label must keep off (page rectangles), gathered as drawn.
        keep_off: list[Rect] = []
        heads: list[Rect] = []
        lines_on_page: dict[tuple[str, str], list[tuple[float, float]]] = {}
        # regions
        for r in layout.regions:
            x, y = P(r.x, r.y + r.h)
            if r.kind == "stage":
                ax.add_patch(Rectangle((x, y), r.w * s, r.h * s, fc="#f6f6f6", ec="#c8c8c8",
                                       lw=0.5, zorder=0))
                tx, ty = P(r.title_x, r.title_y)
                # Over the lines, on the band's grey: a line into a stacked stage
                # passes under its heading, never through the letters.
                ax.text(tx, ty, r.title, fontsize=layout.title_size * s, fontweight="bold",
                        va="top", ha="left", color=TEXT, zorder=3,
                        bbox={"fc": "#f6f6f6", "ec": "none", "pad": 0.6})
                tw = max(r.title_w * s, text_width(r.title, layout.title_size * s,
                                                   layout.family) * 1.08)
                keep_off.append((tx - 1, ty - layout.title_size * s * 1.3 - 1, tx + tw + 1,
                                 ty + 1))
            else:
                fill, border = colour.get(r.key, ("#eeeeee", "#777777"))
                ax.add_patch(Rectangle((x, y), r.w * s, r.h * s, fc=fill, ec=border,
                                       lw=0.4, alpha=0.35, zorder=0))
                tx, ty = P(r.title_x, r.title_y)
                rows = _wrap(r.title, 14)
                ax.text(tx, ty, "\n".join(rows), fontsize=fs, va="top",
                        ha="left", color=TEXT, zorder=1, linespacing=1.1)
                keep_off.append((tx - 1, ty - len(rows) * fs * 1.25 - 1, tx + 1 + max(
                    text_width(t, fs, layout.family) for t in rows), ty + 1))
        # edges
        for e in layout.edges:
            xs, ys = zip(*(P(*q) for q in e.points), strict=False)
            style = ("repeat" if e.repeat else e.strength)
            lw, col, ls = {"statutory": (1.2, "#b34700", "-"), "guidance": (0.9, "#000000",
                           (0, (3, 1.5))), "none": (0.5, "#5a5a5a", "-"),
                           "repeat": (0.6, "#7a7a7a", (0, (1, 1.2)))}[style]
            ax.add_line(Line2D(xs, ys, lw=lw * min(s, 1.2), color=col, ls=ls, zorder=2,
                               solid_joinstyle="miter"))
            head = _arrow(xs[-2], ys[-2], xs[-1], ys[-1], 3.6 * s + lw)
            ax.add_patch(Polygon(head, closed=True, fc=col, ec="none", zorder=3))
            heads.append((min(p[0] for p in head), min(p[1] for p in head),
                          max(p[0] for p in head), max(p[1] for p in head)))
            lines_on_page[(e.source, e.target)] = list(zip(xs, ys, strict=True))
            mark = edge_marks.get((e.source, e.target))
            if mark is not None:
                k = (len(xs) - 1) // 2
                mx_, my_ = (xs[k] + xs[k + 1]) / 2, (ys[k] + ys[k + 1]) / 2
                keep_off.append((mx_ - fs, my_ - fs, mx_ + fs, my_ + fs))
                ax.text((xs[k] + xs[k + 1]) / 2, (ys[k] + ys[k + 1]) / 2,
                        CHANGE_BADGES[mark].split()[0], fontsize=min(fs, 8.0),
                        family="DejaVu Sans",
                        ha="center", va="center", color=CHANGE_COLOURS[mark], zorder=6,
                        bbox={"boxstyle": "circle,pad=0.15", "fc": "#ffffff",
                              "ec": CHANGE_COLOURS[mark], "lw": 0.8})
        # boxes
        for b in layout.boxes.values():
            fill, border = colour.get(b.lane, ("#eeeeee", "#555555"))
            x, y = P(b.x, b.y + b.h)
            lw = 1.1 if b.kind in ("start", "outcome", "meeting") else 0.6
            rnd = 0.0 if b.kind == "activity" else min(3.0 * s, b.h * s / 3)
            mark = step_marks.get(b.id)
            if mark == "removed":
                fill, border = "#ffffff", "#6b6b6b"
            ax.add_patch(FancyBboxPatch((x, y), b.w * s, b.h * s,
                                        boxstyle=f"round,pad=0,rounding_size={rnd}",
                                        fc=fill, ec=border, lw=lw, zorder=4))
            keep_off.append((x, y, x + b.w * s, y + b.h * s))
            if mark is not None:
                pad = 1.6 * s
                keep_off.append((x - pad, y - pad, x + b.w * s + pad,
                                 y + b.h * s + pad + fs * 1.6))
                ax.add_patch(Rectangle((x - pad, y - pad), b.w * s + 2 * pad,
                                       b.h * s + 2 * pad, fc="none", ec=CHANGE_COLOURS[mark],
                                       lw=1.4, ls=CHANGE_LINES[mark], zorder=4))
                ax.text(x - pad, y + b.h * s + pad, CHANGE_BADGES[mark],
                        fontsize=min(fs * 0.85, 8.0),
                        family="DejaVu Sans", fontweight="bold", va="bottom", ha="left",
                        color="#ffffff", zorder=6,
                        bbox={"fc": CHANGE_COLOURS[mark], "ec": "none", "pad": 0.4})
            glyph = KIND_GLYPHS.get(b.kind, ("■", b.kind))[0]
            gx, gy = P(b.x + layout.pad, b.y + b.h / 2)
            ax.text(gx, gy, glyph, fontsize=fs, family="DejaVu Sans", va="center",
                    ha="left", color=border, zorder=5)
            cx, cy = P(b.x + layout.glyph_w + (b.w - layout.glyph_w) / 2, b.y + b.h / 2)
            ax.text(cx, cy, "\n".join(b.lines), fontsize=fs, va="center", ha="center",
                    color=TEXT, zorder=5, linespacing=layout.line_height / layout.font_size)
        # the statutory limits, on their lines
        label_pt = max(MIN_PT, min(fs * 0.85, 8.0))
        labels, unlabelled = place_clock_labels(
            lines_on_page, clocks or {}, keep_off, (mx, my, mx + mw, my + mh), label_pt,
            layout.family, heads)
        _draw_labels(ax, labels)
        # title
        ax.text(MARGIN, H - MARGIN, title, fontsize=14, fontweight="bold", va="top",
                ha="left", color=TEXT)
        _subtitle(ax, f"Law and guidance as of {as_of}. "
                  + (subtitle or "Boxes run top to bottom inside each stage; stages run left "
                                 "to right, row by row."), (W, H), layout.family)
        # legend
        top = fr.legend_top
        ax.add_line(Line2D([MARGIN, W - MARGIN], [top + 2, top + 2], lw=0.4, color="#999999"))
        ax.text(MARGIN, top - 1, "Key", fontsize=7, fontweight="bold", va="top", color=TEXT)
        for i, (typ, key, text) in enumerate(entries):
            lrow, lcol = divmod(i, fr.legend_cols)
            x = MARGIN + lcol * fr.cell_w
            y = top - 12 - lrow * fr.row_h - fr.row_h / 2
            if typ == "lane":
                fill, border = colour[key]
                ax.add_patch(Rectangle((x, y - 3.5), 10, 7, fc=fill, ec=border, lw=0.6))
            elif typ == "diff":
                ax.add_patch(Rectangle((x, y - 3.5), 11, 7, fc="none",
                                       ec=CHANGE_COLOURS[key], lw=1.2, ls=CHANGE_LINES[key]))
            elif typ == "clock":
                ax.add_line(Line2D([x, x + 11], [y, y], lw=1.2, color=CLOCK_COLOUR))
                ax.add_patch(FancyBboxPatch((x + 2.5, y - 2.5), 6, 5,
                                            boxstyle="round,pad=0,rounding_size=1",
                                            fc="#ffffff", ec=CLOCK_COLOUR, lw=0.6))
            elif typ == "kind":
                ax.text(x + 5, y, KIND_GLYPHS[key][0], fontsize=6.5, family="DejaVu Sans",
                        ha="center", va="center", color=TEXT)
            else:
                lw, ls, col = {"statutory": (1.2, "-", "#b34700"),
                               "guidance": (0.9, (0, (3, 1.5)), "#000000"),
                               "none": (0.5, "-", "#5a5a5a"),
                               "repeat": (0.6, (0, (1, 1.2)), "#7a7a7a")}[key]
                ax.add_line(Line2D([x, x + 11], [y, y], lw=lw, ls=ls, color=col))
            ax.text(x + 14, y, text, fontsize=6.5, va="center", ha="left", color=TEXT)
        _draw_far(ax, block, fr.far_top, len(unlabelled))
        src = "Sources: " + "; ".join(sources)
        lines = _wrap(src, int((W - 2 * MARGIN) / (6.0 * 0.5)))[:2]
        ax.text(MARGIN, MARGIN, "\n".join(lines), fontsize=6, va="bottom", ha="left",
                color=TEXT, linespacing=1.2)
    return fig, RenderInfo(s, fs, paper, orientation, tuple(labels), tuple(unlabelled),
                           block.total, block.listed, (ox, oy))


def _draw_labels(ax: Any, labels: Sequence[ClockLabel]) -> None:
    """Each limit in a white box edged in the statutory colour, a leader to its line."""
    from matplotlib.lines import Line2D

    for lb in labels:
        if lb.anchor is not None:  # a leader from the line to the label's near side
            ex = min(max(lb.anchor[0], lb.rect[0]), lb.rect[2])
            ey = min(max(lb.anchor[1], lb.rect[1]), lb.rect[3])
            ax.add_line(Line2D([lb.anchor[0], ex], [lb.anchor[1], ey], lw=0.6,
                               color=CLOCK_COLOUR, zorder=6))
        ax.text((lb.rect[0] + lb.rect[2]) / 2, (lb.rect[1] + lb.rect[3]) / 2, lb.text,
                fontsize=lb.size, ha="center", va="center", color=TEXT, zorder=7,
                bbox={"boxstyle": "round,pad=0.2", "fc": "#ffffff", "ec": CLOCK_COLOUR,
                      "lw": 0.6})


#: The size of the list of clocks between steps not directly joined.
FAR_PT = 6.5


@dataclass(frozen=True)
class FarBlock:
    """Under the key: the clocks between steps not directly joined, listed or counted."""

    heading: str
    columns: tuple[tuple[str, ...], ...]
    col_w: float
    height: float
    total: int
    listed: int


def far_block(far: Sequence[str], listed: bool, width: float, family: str,
              reserve: bool = False) -> FarBlock:
    """The block for ``far`` in ``width`` points: every clock written out in as few rows
    as columns allow (``listed``), or one line that counts them and says where to look.
    ``reserve`` keeps the line even with nothing to count (a limit that finds no room on
    its line is told there)."""
    row = FAR_PT * 1.35
    if not far:
        return FarBlock("", (), width, row + 4 if reserve else 0.0, 0, 0)
    n = len(far)
    if not listed:
        return FarBlock(f"{n} further statutory clock{'s' if n != 1 else ''} between steps "
                        "not directly joined: see the step details or the HTML map.",
                        (), width, row + 4, n, 0)
    best: tuple[int, float, list[list[str]]] | None = None
    for cols in range(1, 7):
        col_w = (width - (cols - 1) * 12) / cols
        wrapped = [_wrap_pt(t, col_w, FAR_PT, family) for t in far]
        target = math.ceil(sum(len(w) for w in wrapped) / cols)
        columns: list[list[str]] = [[]]
        for w in wrapped:
            if columns[-1] and len(columns[-1]) + len(w) > target and len(columns) < cols:
                columns.append([])
            columns[-1].extend(w)
        rows = max(len(c) for c in columns)
        if best is None or rows < best[0]:
            best = (rows, col_w, columns)
    assert best is not None
    return FarBlock("Statutory clocks between steps not directly joined (from → to: limit, "
                    "provision):", tuple(tuple(c) for c in best[2]), best[1],
                    (best[0] + 1) * row + 4, n, n)


def _wrap_pt(text: str, width: float, pt: float, family: str) -> list[str]:
    """``text`` in lines no wider than ``width`` points (a continuation is indented)."""
    lines: list[str] = []
    cur = ""
    for word in text.split():
        nxt = f"{cur} {word}".strip()
        if cur and text_width(("   " if lines else "") + nxt, pt, family) > width:
            lines.append(("   " if lines else "") + cur)
            cur = word
        else:
            cur = nxt
    lines.append(("   " if lines else "") + cur)
    return lines


def _draw_far(ax: Any, block: FarBlock, top: float, unlabelled: int) -> None:
    """The block under the key; a limit that found no room on its line is counted here."""
    if block.height == 0:
        return
    row = FAR_PT * 1.35
    heading = block.heading
    if unlabelled:
        heading += (f" {unlabelled} statutory transition{'s' if unlabelled != 1 else ''} "
                    "left without its limit written on the line: see the step details.")
    ax.text(MARGIN, top - 2, heading, fontsize=FAR_PT, va="top", ha="left", color=TEXT,
            fontweight="bold" if block.listed else "normal")
    for c, col in enumerate(block.columns):
        for i, line in enumerate(col):
            ax.text(MARGIN + c * (block.col_w + 12), top - 2 - row * (i + 1), line,
                    fontsize=FAR_PT, va="top", ha="left", color=TEXT)


def _subtitle(ax: Any, text: str, page: tuple[float, float], family: str) -> None:
    """The line under the title: 7.5 pt, or two lines of 6.5 pt when it is long (the
    title strip holds no more; a longer text ends in an ellipsis)."""
    room = page[0] - 2 * MARGIN
    top = page[1] - MARGIN - 20
    if text_width(text, 7.5, family) <= room:
        ax.text(MARGIN, top, text, fontsize=7.5, va="top", ha="left", color=TEXT)
        return
    words, lines, cur = text.split(), [], ""
    for w in words:
        nxt = f"{cur} {w}".strip()
        if cur and text_width(nxt, 6.5, family) > room:
            lines.append(cur)
            cur = w
        else:
            cur = nxt
    lines.append(cur)
    if len(lines) > 2:
        last = " ".join(lines[1:])
        while last and text_width(last + " …", 6.5, family) > room:
            last = last.rsplit(" ", 1)[0]
        lines = [lines[0], last + " …"]
    ax.text(MARGIN, top, "\n".join(lines), fontsize=6.5, va="top", ha="left",
            color=TEXT, linespacing=1.15)


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width, break_long_words=False,
                         break_on_hyphens=False) or [""]


def _arrow(x0: float, y0: float, x1: float, y1: float, size: float
           ) -> list[tuple[float, float]]:
    """A filled arrowhead with its tip at (x1, y1), pointing along (x0, y0)->(x1, y1)."""
    dx, dy = x1 - x0, y1 - y0
    n = math.hypot(dx, dy) or 1.0
    ux, uy = dx / n, dy / n
    bx, by = x1 - ux * size, y1 - uy * size
    half = size * 0.38
    return [(x1, y1), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]


def _rc(family: str) -> dict[str, object]:
    # Text stays text (TrueType embedded in PDF, <text> in SVG); a fixed hash salt and
    # no dates keep the bytes stable.
    return {"pdf.fonttype": 42, "svg.fonttype": "none", "font.family": [family, "DejaVu Sans"],
            "svg.hashsalt": "permanence-explorer"}


def figure_bytes(fig: Figure, fmt: str, title: str, family: str) -> bytes:
    """``fig`` as PDF or SVG bytes (no dates, text as text)."""
    import io

    import matplotlib

    buf = io.BytesIO()
    meta = ({"Title": title, "Date": None} if fmt == "svg" else
            {"Title": title, "Creator": "Permanence Explorer", "CreationDate": None})
    with matplotlib.rc_context(_rc(family)):  # type: ignore[arg-type]
        fig.savefig(buf, format=fmt, metadata=meta)
    return buf.getvalue()


# --------------------------------------------------------------------------- flows

#: Formats of the printed map.
PRINT_FORMATS: tuple[str, ...] = ("pdf", "svg")
WRAPS: tuple[int, ...] = (22, 18, 14)


@dataclass(frozen=True)
class SheetMeta:
    """What every printed page of a flow carries besides its map."""

    title: str
    as_of: str
    sources: tuple[str, ...]
    lanes: tuple[tuple[str, str, str, str], ...]


def sheet_meta(G: nx.DiGraph, fs: FlowSet) -> SheetMeta:
    """Title, latest ``as_of``, the sources the steps cite (short names) and the lanes."""
    from explorer.render.common import graph_lanes

    ids = [str(f) for f in G.graph.get("flows", [])]
    as_of = max((str(fs.flows[f].as_of) for f in ids if f in fs.flows), default="unknown")
    used = sorted({lb.source for n in G for lb in G.nodes[n]["step"].legal_basis})
    sources = tuple(fs.sources[u].short or fs.sources[u].title for u in used
                    if u in fs.sources)
    lanes = tuple((li.id, li.name, li.fill, li.border) for li in graph_lanes(G, fs.flows)
                  if any(G.nodes[n]["lane"] == li.id for n in G))
    return SheetMeta(str(G.graph.get("title") or "Flow"), as_of, sources, lanes)


def _fit_sheet(G: nx.DiGraph, fs: FlowSet, meta: SheetMeta, paper: Paper,
               orientation: Orientation | Literal["best"], subtitle: str | None = None,
               plan: Sequence[object] | None = None, max_scale: float = 1.6,
               diff: MapMarks | None = None, ghosts: frozenset[str] = frozenset()
               ) -> tuple[Figure, RenderInfo, Layout] | None:
    """The flow on one sheet at 6 pt or more, or None.

    Every label width of :data:`WRAPS` is laid out (and both orientations for
    ``"best"``); the one that prints the biggest text wins.
    """
    from explorer.render.layout import flow_layout, pick_family

    family = pick_family()
    kinds = sorted({str(G.nodes[n]["kind"]) for n in G})
    entries = legend_entries(meta.lanes, kinds, diff)
    longest = max((e[2] for e in entries), key=lambda t: text_width(t, 6.5, family))
    turns: tuple[Orientation, ...] = (("landscape", "portrait") if orientation == "best"
                                      else (orientation,))
    clocks = transition_clocks(G)
    far = far_clocks(G)
    # The map is fitted with the one line that counts the far clocks; they are written
    # out instead when the chosen sheet still prints 6 pt with the longer list.
    note_h = far_block(far, False, 0.0, family, bool(clocks)).height
    best: tuple[float, Orientation, Layout] | None = None
    # Lines into one step merge (edge concentration) only when the sheet needs the room:
    # merged trunks save width but can cost a crossing or two.
    for merge in (False, True):
        seen: list[tuple[float, Orientation]] = []
        # Merging gains a tenth or two: no use when the text is far too small, or
        # already comfortable.
        if merge and best is not None and not MIN_PT * 0.8 <= best[0] < COMFORT_PT:
            break
        # Both turns at the widest labels, then the narrower labels on the better turn.
        tries = [(turn, WRAPS[0]) for turn in turns]
        for i, (turn, wrap) in enumerate(tries):
            fr = frame(paper, turn, len(entries), family, longest, far_h=note_h)
            layout = flow_layout(G, fs.flows, fit=(fr.map_box[2], fr.map_box[3]),
                                 wrap=wrap, plan=plan, merge=merge, compact=True)
            pt = layout.font_size * min(fr.map_box[2] / layout.width,
                                        fr.map_box[3] / layout.height, max_scale)
            if best is None or pt > best[0] + 1e-6:
                best = (pt, turn, layout)
            if i == len(turns) - 1 and best[0] < COMFORT_PT:  # narrower only if need be
                better = max([*seen, (pt, turn)])[1]
                tries += [(better, w) for w in WRAPS[1:]]
            seen.append((pt, turn))
    if best is None or best[0] < MIN_PT - 1e-6:
        return None
    pt, turn, layout = best
    W = page_size(paper, turn)[0]
    listed = far_block(far, True, W - 2 * MARGIN, family, bool(clocks))
    fr = frame(paper, turn, len(entries), family, longest, far_h=listed.height)
    list_far = bool(far) and layout.font_size * min(
        fr.map_box[2] / layout.width, fr.map_box[3] / layout.height, max_scale
    ) >= MIN_PT - 1e-6
    fig, info = draw_sheet(layout, title=meta.title, as_of=meta.as_of, sources=meta.sources,
                           lanes=meta.lanes, paper=paper, orientation=turn,
                           subtitle=subtitle, max_scale=max_scale, diff=diff, ghosts=ghosts,
                           clocks=clocks, far=far, list_far=list_far)
    return fig, info, layout


def printed_layout(fs: FlowSet, flow_id: str, paper: Paper = "a3",
                   orientation: Orientation | Literal["best"] = "best") -> Layout | None:
    """The layout :func:`print_map` draws on one sheet, or None when it needs pages.

    >>> from explorer.io.load import load_flows
    >>> printed_layout(load_flows(), "permanence") is not None
    True
    """
    from explorer.graph import flow_graph

    G = flow_graph(fs, flow_id)
    got = _fit_sheet(G, fs, sheet_meta(G, fs), paper, orientation)
    return None if got is None else got[2]


def printed_sheet(fs: FlowSet, flow_id: str, paper: Paper = "a3",
                  orientation: Orientation | Literal["best"] = "best"
                  ) -> tuple[RenderInfo, Layout] | None:
    """What :func:`print_map` puts on one sheet (scale, text size, the clocks' labels and
    list), with its layout; None when the flow needs a page per stage.

    >>> from explorer.io.load import load_flows
    >>> info, _ = printed_sheet(load_flows(), "permanence")
    >>> info.unlabelled
    ()
    """
    from explorer.graph import flow_graph

    G = flow_graph(fs, flow_id)
    got = _fit_sheet(G, fs, sheet_meta(G, fs), paper, orientation)
    return None if got is None else (got[1], got[2])


def print_map(fs: FlowSet, flow_id: str, fmt: str = "pdf", *, paper: Paper = "a3",
              orientation: Orientation | Literal["best"] = "best",
              diff: MapMarks | None = None) -> bytes:
    """The printed map of a flow (or ``"all"``) as PDF or SVG bytes.

    ``orientation="best"`` turns the sheet whichever way prints the bigger text.

    One sheet when every name fits at 6 pt or more. Otherwise a PDF is the stage
    overview followed by a page per stage; an SVG (one page by nature) is refused
    with a FlowError that names a paper size or format that works. With ``diff`` (a
    local variant's marks), what it adds, changes and removes is marked as on screen.
    """
    from explorer.graph import flow_graph
    from explorer.render.vis import with_ghosts

    if fmt not in PRINT_FORMATS:
        raise FlowError(f"unknown print format '{fmt}'; choose pdf or svg")
    if paper not in PAPER:
        raise FlowError(f"unknown paper '{paper}'; choose one of {', '.join(PAPER)}")
    G, ghost_set = with_ghosts(flow_graph(fs, flow_id), diff)
    ghosts = frozenset(ghost_set)
    meta = sheet_meta(G, fs)
    one = _fit_sheet(G, fs, meta, paper, orientation, diff=diff, ghosts=ghosts)
    if one is not None:
        fig, _, layout = one
        return figure_bytes(fig, fmt, meta.title, layout.family)
    if fmt == "svg":
        raise FlowError(f"the map of '{flow_id}' does not fit one {paper.upper()} sheet with "
                        "text of 6 pt or more: choose a bigger --paper (a1 or a0), or "
                        "--format pdf for the stage overview and a page per stage")
    # Pages of one book turn one way: landscape unless portrait was asked for.
    return _pages_by_stage(G, fs, meta, paper,
                           "portrait" if orientation == "portrait" else "landscape", diff,
                           ghosts)


def _pages_by_stage(G: nx.DiGraph, fs: FlowSet, meta: SheetMeta, paper: Paper,
                    orientation: Orientation, diff: MapMarks | None = None,
                    ghosts: frozenset[str] = frozenset()) -> bytes:
    import io

    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    from explorer.render.layout import pick_family
    from explorer.render.overview import overview

    family = pick_family()
    ov = overview(G, fs.flows)
    buf = io.BytesIO()
    with matplotlib.rc_context(_rc(family)), PdfPages(  # type: ignore[arg-type]
            buf, metadata={"Title": meta.title, "Creator": "Permanence Explorer",
                           "CreationDate": None}) as pdf:
        pdf.savefig(draw_overview(ov, meta, paper=paper, orientation=orientation,
                                  family=family))
        for i, st in enumerate(ov.stages):
            H = G.subgraph(st.steps).copy()
            H.graph.update(G.graph)
            got = _fit_sheet(H, fs, SheetMeta(f"{meta.title}: {st.name}", meta.as_of,
                                              meta.sources, meta.lanes), paper, orientation,
                             subtitle=f"Stage {i + 1} of {len(ov.stages)}. {st.summary}",
                             plan=[st], max_scale=2.5, diff=diff, ghosts=ghosts)
            if got is None:
                raise FlowError(f"the stage '{st.name}' does not fit one {paper.upper()} "
                                "page with text of 6 pt or more: choose a bigger --paper")
            pdf.savefig(got[0])
    return buf.getvalue()


def draw_overview(ov: Overview, meta: SheetMeta, *, paper: Paper = "a3",
                  orientation: Orientation = "landscape", family: str = "DejaVu Sans"
                  ) -> Figure:
    """The stage overview as a printed page: a card per stage, in order, with arrows."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    W, H = page_size(paper, orientation)
    n = max(1, len(ov.stages))
    cols = min(n, 4 if W > H else 3)
    rows = math.ceil(n / cols)
    top = H - MARGIN - 44
    bottom = MARGIN + 30
    gap = 22.0
    cw = (W - 2 * MARGIN - (cols - 1) * gap) / cols
    ch = (top - bottom - (rows - 1) * gap) / rows
    base = max(MIN_PT, min(9.0, ch / 24))
    chars = max(20, int(cw / (base * 0.52)))
    with matplotlib_rc(family):
        fig = Figure(figsize=(W / 72, H / 72), dpi=72)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, W)
        ax.set_ylim(0, H)
        ax.set_axis_off()
        ax.text(MARGIN, H - MARGIN, f"{meta.title}: the stages", fontsize=14,
                fontweight="bold", va="top", color=TEXT)
        _subtitle(ax, f"Law and guidance as of {meta.as_of}. Each stage is drawn step by "
                  "step on the pages that follow. " + ov.shares_note, (W, H), family)
        boxes = []
        for i, st in enumerate(ov.stages):
            r, c = divmod(i, cols)
            x = MARGIN + c * (cw + gap)
            y = top - r * (ch + gap) - ch
            boxes.append((x, y))
            ax.add_patch(FancyBboxPatch((x, y), cw, ch, boxstyle="round,pad=0,rounding_size=4",
                                        fc="#f6f6f6", ec="#555555", lw=0.8))
            lines: list[tuple[str, float, str]] = [(f"{i + 1}. {st.name}", base + 2, "bold")]
            lines += [(t, base, "normal") for t in _wrap(st.summary, chars)]
            if st.deciders:
                lines += [(t, base, "normal") for t in _wrap(
                    "Who decides: " + ", ".join(st.deciders), chars)[:2]]
            lines.append((f"{len(st.steps)} steps; {st.unbounded} with no time limit "
                          "(drift risk)", base, "normal"))
            for clock in st.clocks_out[:3]:
                lines += [(t, base, "normal") for t in _wrap(
                    f"◷ {clock.from_name} → {clock.to_name}: {clock.label}", chars)[:2]]
            if len(st.clocks_out) > 3:
                lines.append((f"and {len(st.clocks_out) - 3} more statutory clocks",
                              base, "normal"))
            for name, share in st.outcomes[:3]:
                lines += [(t, base, "normal") for t in _wrap(
                    f"{percent_text(share)} of the simulated children end: {name}", chars)]
            yy = y + ch - 6
            for text, size, weight in lines:
                if yy - size < y + 3:
                    break
                ax.text(x + 6, yy, text, fontsize=size, fontweight=weight, va="top",
                        color=TEXT)
                yy -= size * 1.3
        for i in range(len(boxes) - 1):
            (x0, y0), (x1, y1) = boxes[i], boxes[i + 1]
            if y0 == y1:
                a, b = (x0 + cw, y0 + ch / 2), (x1, y1 + ch / 2)
            else:
                a, b = (x0 + cw / 2, y0), (x1 + cw / 2, y1 + ch)
            ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=10,
                                         color="#333333", lw=0.8))
        src = "Sources: " + "; ".join(meta.sources)
        ax.text(MARGIN, MARGIN, "\n".join(_wrap(src, int((W - 2 * MARGIN) / 3.0))[:2]),
                fontsize=6, va="bottom", color=TEXT, linespacing=1.2)
    return fig


def matplotlib_rc(family: str) -> Any:
    """The rc context every printed page is drawn in."""
    import matplotlib

    return matplotlib.rc_context(_rc(family))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- clocks

#: Roughly how long each unit is in days: only to say which of two limits is shorter.
_UNIT_DAYS: dict[str, float] = {"hours": 1 / 24, "days": 1.0, "working_days": 1.4,
                                "weeks": 7.0, "months": 30.44, "years": 365.25}
CLOCK_COLOUR = "#b34700"


def clock_phrase(ts: Timescale) -> str:
    """A statutory limit in the fewest plain words a printed line can carry.

    An upper limit is its length ("3 days": within 3 days), a minimum says "at least",
    a fixed day its ordinal; a limit given only in words says so.

    >>> from explorer.model import Timescale
    >>> def ts(kind, limit, unit):
    ...     return Timescale.model_validate({"from": "a", "to": "b", "limit": limit,
    ...         "unit": unit, "kind": kind, "confidence": "high"})
    >>> [clock_phrase(ts("statutory_max", 3, "days")),
    ...  clock_phrase(ts("statutory_min", 6, "weeks")),
    ...  clock_phrase(ts("statutory_fixed", 2, "working_days"))]
    ['3 days', 'at least 6 weeks', '2nd working day']
    """
    from explorer.model.wording import UNIT_WORDS, ordinal, quantity

    if ts.limit is None or ts.unit is None:
        return "limit in words"
    if ts.kind == "statutory_min":
        return f"at least {quantity(ts.limit, ts.unit)}"
    if ts.kind == "statutory_fixed" and float(ts.limit).is_integer():
        return f"{ordinal(int(ts.limit))} {UNIT_WORDS.get(ts.unit, (ts.unit, ts.unit))[0]}"
    return quantity(ts.limit, ts.unit)


def _days(ts: Timescale) -> float:
    if ts.limit is None or ts.unit is None:
        return math.inf
    return ts.limit * _UNIT_DAYS.get(ts.unit, math.inf)


def statutory_between(G: nx.DiGraph, a: str, b: str) -> list[Timescale]:
    """The current statutory clocks from step ``a`` to step ``b``, shortest first (as the
    map's line style counts them: listed or written on the transition)."""
    from explorer.graph.build import timescales_between

    found = [*timescales_between(G, a, b)]
    if G.has_edge(a, b):
        found += [t for t in G.edges[a, b].get("timescales") or []
                  if getattr(t, "status", "current") == "current" and t not in found]
    out = [t for t in found if t.kind in STATUTORY_KINDS]
    return sorted(out, key=lambda t: (_days(t), clock_phrase(t)))


def clock_text(clocks: Sequence[Timescale]) -> str:
    """The label of a line carrying ``clocks`` (shortest first): the shortest, "+N" more.

    >>> from explorer.model import Timescale
    >>> two = [Timescale.model_validate({"from": "a", "to": "b", "limit": n, "unit": "weeks",
    ...     "kind": k, "confidence": "high"}) for n, k in ((6, "statutory_min"),
    ...     (8, "statutory_max"))]
    >>> clock_text(two)
    'at least 6 weeks +1'
    """
    text = clock_phrase(clocks[0])
    distinct = {clock_phrase(t) for t in clocks[1:]} - {text}
    return f"{text} +{len(distinct)}" if distinct else text


def transition_clocks(G: nx.DiGraph) -> dict[tuple[str, str], str]:
    """(from, to) -> label for every transition of ``G`` that carries a statutory clock.

    >>> from explorer.io.load import load_flows
    >>> from explorer.graph import flow_graph
    >>> transition_clocks(flow_graph(load_flows(), "permanence"))[
    ...     ("adoption_petition", "adoption_hearing")]
    'at least 6 weeks +1'
    """
    out = {}
    for u, v in G.edges:
        found = statutory_between(G, str(u), str(v))
        if found:
            out[(str(u), str(v))] = clock_text(found)
    return out


def far_clocks(G: nx.DiGraph) -> list[str]:
    """"From → To: limit (provision)" for each statutory clock between two steps of ``G``
    that no transition joins directly (those have no line to carry a label).

    >>> from explorer.io.load import load_flows
    >>> from explorer.graph import flow_graph
    >>> far = far_clocks(flow_graph(load_flows(), "permanence"))
    >>> "Placed for adoption → Adoption order made: at least 13 weeks (s.15(3))" in far
    True
    """
    from explorer.graph.build import step_id
    from explorer.model.wording import provision_text, timescale_phrase

    out: list[str] = []
    for ts in G.graph.get("timescales", []):
        if ts.status != "current" or ts.kind not in STATUTORY_KINDS:
            continue
        a, b = step_id(ts.from_), step_id(ts.to)
        if a not in G or b not in G or G.has_edge(a, b):
            continue
        where = f" ({provision_text(ts.legal_basis)})" if ts.legal_basis else ""
        # A limit in words only keeps its (shortened) words: a list has the room.
        limit = clock_phrase(ts) if ts.limit is not None else timescale_phrase(ts)
        line = (f"{' '.join(str(G.nodes[a]['name']).split())} → "
                f"{' '.join(str(G.nodes[b]['name']).split())}: {limit}{where}")
        if line not in out:
            out.append(line)
    return out


@dataclass(frozen=True)
class ClockLabel:
    """A statutory limit written on its line: page points, origin bottom-left."""

    source: str
    target: str
    text: str
    size: float
    rect: tuple[float, float, float, float]  # x0, y0, x1, y1
    #: Where its leader meets the line, for a label beside the line (None: on it).
    anchor: tuple[float, float] | None = None


Rect = tuple[float, float, float, float]


def _meets(a: Rect, b: Rect, gap: float = 0.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _seg_meets(p: tuple[float, float], q: tuple[float, float], r: Rect) -> bool:
    from explorer.render.layout import _clip

    return _clip(p, q, r[0], r[1], r[2], r[3])


#: How far beside its line a label may sit (points), nearest first; 0 is on the line.
BESIDE: tuple[float, ...] = (0.0, 1.5, 4.0, 8.0, 14.0, 22.0, 32.0, 46.0, 62.0, 80.0, 100.0,
                             125.0)


def place_clock_labels(lines: Mapping[tuple[str, str], Sequence[tuple[float, float]]],
                       texts: Mapping[tuple[str, str], str], obstacles: Sequence[Rect],
                       bounds: Rect, size: float, family: str, heads: Sequence[Rect] = ()
                       ) -> tuple[list[ClockLabel], list[tuple[str, str]]]:
    """Each text on or beside its line (page points), overlapping no obstacle and no
    other label (nor any of ``heads``, the arrowheads, which a leader may cross).

    A label sits centred on a straight run of its own line where there is room; else
    beside it, joined to it by a short leader that meets no obstacle. Of the places that
    fit it takes the one that hides fewest other lines, then the closest to the line,
    nearest the source (where merged lines are still apart), nearest the middle of the
    run. Returns the labels and the transitions no place was found for (the sheet says so).
    """
    from explorer.render.layout import text_width

    placed: list[ClockLabel] = []
    missing: list[tuple[str, str]] = []
    h = size * 1.42  # the drawn box: 1.34 x the size (pad 0.2), and its edge
    segs = [(key, p, q) for key, pts in lines.items() for p, q in itertools.pairwise(pts)]

    def length(key: tuple[str, str]) -> float:
        return sum(math.dist(p, q) for p, q in itertools.pairwise(lines[key]))

    # Short lines first: they have the fewest places to offer.
    for key in sorted(texts, key=lambda k: (length(k) if k in lines else 0.0, k)):
        if key not in lines:
            missing.append(key)
            continue
        text = texts[key]
        w = text_width(text, size, family) + 0.6 * size
        pts = lines[key]
        reach = w + 130
        near: Rect = (min(p[0] for p in pts) - reach, min(p[1] for p in pts) - reach,
                      max(p[0] for p in pts) + reach, max(p[1] for p in pts) + reach)
        obs = [o for o in obstacles if _meets(o, near)] + [lb.rect for lb in placed
                                                            if _meets(lb.rect, near)]
        arrows = [o for o in heads if _meets(o, near)]
        others = [(p, q) for k, p, q in segs if k != key and _meets(
            (min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1])), near)]
        best: tuple[tuple[int, int, int, float], Rect, tuple[float, float] | None] | None = None
        # Distances beside the line, closest first; 0 is on the line.
        for rank, d in enumerate(BESIDE):
            for k, (p, q) in enumerate(itertools.pairwise(pts)):
                run = math.dist(p, q)
                steps = max(6, min(24 if d == 0 else 8, int(run / 3.0)))
                # Beside a level run the label sits above or below; beside a steep one,
                # or a slant squeezed between two boxes, to the left or right.
                level = abs(q[0] - p[0]) >= abs(q[1] - p[1])
                upright = abs(q[1] - p[1]) > 0.5
                for i in range(steps + 1):
                    t = i / steps
                    cx, cy = p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t
                    spots: list[tuple[tuple[float, float], tuple[float, float] | None]]
                    spots = [((cx, cy), None)] if d == 0 else []
                    if d and level:  # above or below a level run (shifted along it)
                        spots += [((cx + f * w, cy + sgn * (d + h / 2)), (cx, cy + sgn * d))
                                  for sgn in (1, -1) for f in (0.0, 0.35, -0.35)]
                    if d and upright:  # right or left of a steep run (a level leader)
                        spots += [((cx + sgn * (d + w / 2), cy + f * h), (cx + sgn * d, cy))
                                  for sgn in (1, -1) for f in (0.0, 0.35, -0.35)]
                    for (lx, ly), end in spots:
                        r = (lx - w / 2, ly - h / 2, lx + w / 2, ly + h / 2)
                        if (r[0] < bounds[0] or r[1] < bounds[1] or r[2] > bounds[2]
                                or r[3] > bounds[3] or any(_meets(r, o, 0.5) for o in obs)
                                or any(_meets(r, o, 0.5) for o in arrows)):
                            continue
                        leader = None if end is None else ((cx, cy), end)
                        if leader is not None and any(
                                _seg_meets(leader[0], leader[1], o) for o in obs):
                            continue
                        hidden = sum(1 for a, b in others if _seg_meets(a, b, r) or (
                            leader is not None and _crosses(a, b, *leader)))
                        score = (hidden, rank, k, abs(t - 0.5))
                        if best is None or score < best[0]:
                            best = (score, r, None if leader is None else (cx, cy))
            if best is not None and best[0][0] == 0:
                break  # nothing hidden at this distance: no nearer place is better
        if best is None:
            missing.append(key)
            continue
        placed.append(ClockLabel(key[0], key[1], text, size, best[1], best[2]))
    return placed, missing


def _crosses(p1: tuple[float, float], p2: tuple[float, float], q1: tuple[float, float],
             q2: tuple[float, float]) -> bool:
    from explorer.render.layout import _seg_cross

    return _seg_cross(p1, p2, q1, q2) is not None

"""The map's layout and print, and its crossings against Graphviz ``dot``.

``map_layout_all_cold_ms``: laying out the whole system with nothing remembered.
``map_layout_all_cached_ms``: the same layout asked for again (remembered).
``map_layout_all_relayout_ms``: the whole system for another sheet (the ordering is
remembered, the geometry is not), as a print in another paper size needs.
``map_pdf_all_a1_s`` / ``map_pdf_all_a3_s``: the whole system's printed PDF on one A1
sheet, and on A3 (one sheet if it fits, else the overview and a page per stage).
``crossings_<flow>`` and ``dot_crossings_<flow>``: edge crossings of our drawing (the
screen's step map) and of ``dot`` on the same DAG with boxes of the same size, counted
the same way (repeat edges left out; two lines of one step never cross: they meet at
its box or merge on the way); ``dot`` figures are -1 when Graphviz is not installed.
``print_crossings_<flow>``: the same count on the printed sheet (A3 for a flow, A1 for
the whole system), ``print_pt_<flow>``: its smallest map text in points (6 at least),
``print_pdf_<flow>_s``: making that PDF (layouts tried included, nothing remembered).
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from explorer.graph import flow_graph  # noqa: E402
from explorer.io.load import load_flows  # noqa: E402
from explorer.render import layout as lay  # noqa: E402
from explorer.render.printing import print_map  # noqa: E402

FLOWS = ("permanence", "care-and-protection", "all")


def run() -> dict[str, float]:
    fs = load_flows()
    out: dict[str, float] = {}
    G = flow_graph(fs, "all")
    lay._ORDER_MEMO.clear()
    lay._LAYOUT_MEMO.clear()
    t = time.perf_counter()
    lay.flow_layout(G, fs.flows)
    out["map_layout_all_cold_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    lay.flow_layout(G, fs.flows)
    out["map_layout_all_cached_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    lay.flow_layout(G, fs.flows, fit=(1600.0, 1100.0))
    out["map_layout_all_relayout_ms"] = (time.perf_counter() - t) * 1000
    lay._LAYOUT_MEMO.clear()
    t = time.perf_counter()
    print_map(fs, "all", "pdf", paper="a1")
    out["map_pdf_all_a1_s"] = time.perf_counter() - t
    t = time.perf_counter()
    print_map(fs, "all", "pdf", paper="a3")
    out["map_pdf_all_a3_s"] = time.perf_counter() - t
    have_dot = shutil.which("dot") is not None
    for fid in FLOWS:
        H = flow_graph(fs, fid)
        key = fid.replace("-", "_")
        out[f"crossings_{key}"] = float(lay.count_crossings(lay.flow_layout(H, fs.flows)))
        if have_dot:
            from benchmarks.dotref import dot_crossings

            out[f"dot_crossings_{key}"] = float(dot_crossings(H)[0])
        else:
            out[f"dot_crossings_{key}"] = -1.0
    from explorer.render.printing import _fit_sheet, sheet_meta

    for fid, paper in (("permanence", "a3"), ("care-and-protection", "a3"), ("all", "a1")):
        H = flow_graph(fs, fid)
        key = fid.replace("-", "_")
        lay._LAYOUT_MEMO.clear()
        lay._ORDER_MEMO.clear()
        t = time.perf_counter()
        got = _fit_sheet(H, fs, sheet_meta(H, fs), paper, "best")  # type: ignore[arg-type]
        out[f"print_pdf_{key}_s"] = time.perf_counter() - t
        out[f"print_pt_{key}"] = got[1].min_font if got else -1.0
        out[f"print_crossings_{key}"] = float(lay.count_crossings(got[2])) if got else -1.0
    return out


if __name__ == "__main__":
    for k, v in run().items():
        print(f"{k}: {v:.2f}")

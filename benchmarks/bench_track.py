"""Case tracking: 10,000 synthetic cases with every milestone, from CSV bytes to deadlines."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import networkx as nx
import numpy as np

from explorer.cases.tracking import to_json, track_caseload
from explorer.graph import dag, flow_graph
from explorer.io.load import DEFAULT_FLOWS_DIR, load_flows
from explorer.model.flowset import FlowSet
from explorer.model.milestones import MILESTONES

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "track"
AS_OF = dt.date(2026, 11, 22)
CASES = 10_000


def flows() -> FlowSet:
    """The shipped flows; the test fixture until they are complete."""
    fs = load_flows(DEFAULT_FLOWS_DIR)
    if fs.ok and set(MILESTONES) <= set(fs.flows):
        return fs
    return load_flows(FIXTURE)


def flow_order(fs: FlowSet) -> dict[str, tuple[str, ...]]:
    """Each flow's milestones in an order its graph allows (a topological order)."""
    out: dict[str, tuple[str, ...]] = {}
    for fid, ids in MILESTONES.items():
        if fid not in fs.flows:
            out[fid] = ids
            continue
        topo = list(nx.topological_sort(dag(flow_graph(fs, fid))))
        rank = {n: i for i, n in enumerate(topo)}
        out[fid] = tuple(sorted(ids, key=lambda m: rank.get(m, len(rank))))
    return out


def synthetic_caseload(n: int = CASES, seed: int = 7, fs: FlowSet | None = None) -> bytes:
    """``n`` cases, every milestone dated, each flow's milestones in flow order, all before
    AS_OF. Half the dates are ISO and half Scottish, as a real export might mix them.
    """
    rng = np.random.default_rng(seed)
    order = flow_order(fs) if fs is not None else MILESTONES
    cols = [m for ids in order.values() for m in ids]
    out = np.empty((n, len(cols)), dtype=object)
    end = np.datetime64(AS_OF, "D")
    j = 0
    for ids in order.values():
        gaps = rng.integers(1, 20, size=(n, len(ids)))
        offsets = np.cumsum(gaps, axis=1)
        start = end - offsets[:, -1:] - rng.integers(0, 400, size=(n, 1))
        days = start + offsets.astype("timedelta64[D]")
        iso = np.datetime_as_string(days, unit="D")
        for k in range(len(ids)):
            col = iso[:, k]
            if k % 2:
                col = np.array([f"{s[8:10]}/{s[5:7]}/{s[0:4]}" for s in col], dtype=object)
            out[:, j] = col
            j += 1
    lines = ["case_id," + ",".join(cols)]
    lines.extend(f"SYN-{i:05d}," + ",".join(row) for i, row in enumerate(out))
    return ("\n".join(lines) + "\n").encode("utf-8")


def run() -> dict[str, float]:
    fs = flows()
    data = synthetic_caseload(fs=fs)
    track_caseload(fs, data[:20_000], as_of=AS_OF)  # warm imports and caches
    times, json_times = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        load, result = track_caseload(fs, data, as_of=AS_OF)
        times.append(time.perf_counter() - t0)
        t1 = time.perf_counter()
        to_json(load, result)
        json_times.append(time.perf_counter() - t1)
    assert len(load.dates) == CASES and not load.problems, load.problems[:3]
    assert result.contradictions.empty, result.contradictions.head()
    assert len(result.items) > CASES
    return {"track_10k_cases_s": min(times), "track_10k_cases_json_s": min(json_times)}


if __name__ == "__main__":
    print(run())

"""Loading and validating every shipped flow."""

from __future__ import annotations

import time

from explorer.io.load import DEFAULT_FLOWS_DIR, load_flows


def run() -> dict[str, float]:
    load_flows(DEFAULT_FLOWS_DIR)  # warm imports
    times = []
    for _ in range(10):
        t0 = time.perf_counter()
        fs = load_flows(DEFAULT_FLOWS_DIR)
        times.append(time.perf_counter() - t0)
    assert fs.ok, fs.problems[:3]
    return {"load_validate_ms": min(times) * 1000}

"""PACE measures, process mining and forecasts on generated fictional event logs.

- ``measures_1m_events_s``: every PACE interval with the national aim and a local aim,
  and each interval's run chart, on a log of 1,000,000 events (goal under 2 s);
- ``mine_1m_events_s``: transitions, variants, out-of-order entries and skipped statutory
  steps of the same log, the flows' graph work included (goal under 2 s);
- ``pm4py_dfg_1m_events_s``: pm4py's performance directly-follows graph of the same log
  (the frame already in pm4py's column format), for comparison; pm4py is AGPL, so it is
  only in the ``bench`` extra and this figure is skipped when it is not installed;
- ``mine_vs_pm4py_ratio``: ``mine_1m_events_s / pm4py_dfg_1m_events_s`` (under 1: ours is
  faster, while doing more than a DFG);
- ``forecast_1000_children_s``: a forecast for each of 1,000 children (4,000 journeys
  each), the shared simulations and the tracker run included.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import time

import pandas as pd

from explorer.cases.eventgen import generate_events
from explorer.cases.forecast import Forecaster
from explorer.cases.measures import Aim, national_aims, pace_measures, run_chart
from explorer.cases.mining import mine
from explorer.io.load import load_flows

EVENTS = 1_000_000
AS_OF = dt.date(2026, 1, 1)


def million_events(fs: object) -> pd.DataFrame:
    """About a million events: generated children until the count is reached, cut to it."""
    probe = generate_events(fs, children=2000, seed=11)  # type: ignore[arg-type]
    per_child = len(probe) / 2000
    children = int(EVENTS / per_child * 1.02) + 1
    log = generate_events(fs, children=children, seed=11, years=5)  # type: ignore[arg-type]
    # Cut at a case boundary so no child's history is half there.
    last = log["case_id"].iloc[min(EVENTS, len(log)) - 1]
    keep = log["case_id"] <= last
    return log[keep].reset_index(drop=True)


def _timed(fn: object) -> float:
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - started


def run() -> dict[str, float]:
    fs = load_flows()
    log = million_events(fs)
    aims = [*national_aims(fs), Aim("looked_after", "permanence_recommendation", 183, "days",
                                    0.9)]

    def measures() -> None:
        m = pace_measures(log, as_of=AS_OF, aims=aims)
        for iv in m.intervals:
            run_chart(iv, as_of=AS_OF)

    out: dict[str, float] = {"measures_events": float(len(log))}
    out["measures_1m_events_s"] = min(_timed(measures) for _ in range(3))
    out["mine_1m_events_s"] = min(_timed(lambda: mine(log, fs)) for _ in range(3))
    if importlib.util.find_spec("pm4py") is not None:
        import pm4py  # AGPL: benchmark only, never imported by explorer/

        frame = pd.DataFrame({"case:concept:name": log["case_id"],
                              "concept:name": log["step"], "time:timestamp": log["date"]})
        frame = pm4py.format_dataframe(frame)
        out["pm4py_dfg_1m_events_s"] = min(
            _timed(lambda: pm4py.discover_performance_dfg(frame)) for _ in range(3))
        out["mine_vs_pm4py_ratio"] = out["mine_1m_events_s"] / out["pm4py_dfg_1m_events_s"]
    small = generate_events(fs, children=1000, seed=12)

    def forecasts() -> None:
        Forecaster(fs, runs=4000).forecast_all(small, as_of=AS_OF)

    out["forecast_1000_children_s"] = _timed(forecasts)
    return out


if __name__ == "__main__":
    for k, v in run().items():
        print(f"{k}: {v:,.4g}")

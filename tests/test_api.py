"""The public API: what ``import explorer`` offers, pinned, and its documented examples."""

from __future__ import annotations

import doctest
from pathlib import Path

import explorer

DOCS = Path(__file__).resolve().parent.parent / "docs"

#: Changing this list changes the library's contract: update docs/python-api.md with it.
PUBLIC = {
    "ALL", "Caseload", "CriticalPath", "DEFAULT_FLOWS_DIR", "EventLog", "Flow", "FlowError",
    "FlowSet", "Forecaster", "Problem", "Route", "RouteSet", "Simulation", "Stage", "Step",
    "Timescale", "TrackResult", "Transition", "__version__", "calibration_table", "critical_path",
    "dag", "detect_format", "drift_risks", "due_date", "earliest_date", "events_to_wide",
    "export_text", "flow_digest", "flow_graph", "flow_order", "forecast", "generate_events",
    "is_working_day", "load_flows", "local_calibration", "make_quiz", "mine", "next_steps",
    "outcome_probabilities", "pace_measures", "pathway", "read_caseload", "read_events",
    "read_log", "resolve_step", "routes", "run_chart", "runs_analysis", "simulate",
    "system_stages", "timescales_between", "track", "track_caseload", "tracking_plan", "what_if",
    "wide_to_events", "working_days_between",
}


def test_the_public_api_is_the_pinned_list() -> None:
    assert set(explorer.__all__) == PUBLIC


def test_every_public_name_exists() -> None:
    assert [n for n in explorer.__all__ if not hasattr(explorer, n)] == []


def test_the_python_api_guide_runs_as_written() -> None:
    result = doctest.testfile(str(DOCS / "python-api.md"), module_relative=False,
                              optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10 and result.failed == 0

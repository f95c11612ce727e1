"""The public API: what ``import explorer`` offers, pinned, and its documented examples."""

from __future__ import annotations

import doctest
from pathlib import Path

import explorer

DOCS = Path(__file__).resolve().parent.parent / "docs"

#: Changing this list changes the library's contract: update docs/python-api.md with it.
PUBLIC = {
    "ALL", "DEFAULT_FLOWS_DIR", "Caseload", "CriticalPath", "Flow", "FlowError", "FlowSet",
    "Problem", "Route", "RouteSet", "Simulation", "Step", "Timescale", "TrackResult",
    "Transition", "__version__", "calibration_table", "critical_path", "dag", "drift_risks",
    "due_date", "earliest_date", "export_text", "flow_graph", "is_working_day", "load_flows",
    "make_quiz", "next_steps", "outcome_probabilities", "pathway", "read_caseload",
    "resolve_step", "routes", "simulate", "timescales_between", "track", "track_caseload",
    "tracking_plan", "what_if", "working_days_between",
}


def test_the_public_api_is_the_pinned_list() -> None:
    assert set(explorer.__all__) >= PUBLIC


def test_every_public_name_exists() -> None:
    assert [n for n in explorer.__all__ if not hasattr(explorer, n)] == []


def test_the_python_api_guide_runs_as_written() -> None:
    result = doctest.testfile(str(DOCS / "python-api.md"), module_relative=False,
                              optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10 and result.failed == 0

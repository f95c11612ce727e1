"""Permanence Explorer: Scotland's child care and protection and permanence processes as flows.

The public API, for scripts and notebooks (see ``docs/python-api.md``)::

    >>> import explorer
    >>> fs = explorer.load_flows()
    >>> G = explorer.flow_graph(fs, "permanence")
    >>> explorer.routes(G, "looked_after", "adoption_order").count > 0
    True

The layers below are packages with one job each (``docs/architecture.md``): ``model`` ->
``graph`` -> ``io`` -> ``analysis`` -> ``cases`` -> ``learning`` -> ``views`` -> ``render``
-> ``cli`` and ``ui``. The core (everything but ``explorer.ui``) imports no Streamlit.
"""

from explorer.analysis.critical import CriticalPath, critical_path
from explorer.analysis.drift import drift_risks
from explorer.analysis.local_calibration import local_calibration
from explorer.analysis.reach import next_steps, outcome_probabilities
from explorer.analysis.routes import Route, RouteSet, routes
from explorer.analysis.simulate import Simulation, calibration_table, simulate, what_if
from explorer.cases.calendar import due_date, earliest_date, is_working_day, working_days_between
from explorer.cases.eventgen import generate_events
from explorer.cases.events import (
    EventLog,
    detect_format,
    events_to_wide,
    read_events,
    wide_to_events,
)
from explorer.cases.forecast import Forecaster, forecast
from explorer.cases.measures import pace_measures, read_log, run_chart, runs_analysis
from explorer.cases.mining import mine
from explorer.cases.tracking import (
    Caseload,
    TrackResult,
    read_caseload,
    track,
    track_caseload,
    tracking_plan,
)
from explorer.graph import (
    ALL,
    dag,
    flow_graph,
    flow_order,
    resolve_step,
    system_stages,
    timescales_between,
)
from explorer.io.load import DEFAULT_FLOWS_DIR, load_flows
from explorer.learning.pathways import pathway
from explorer.learning.quiz import make_quiz
from explorer.model import (
    Flow,
    FlowError,
    FlowSet,
    Problem,
    Stage,
    Step,
    Timescale,
    Transition,
)
from explorer.render.digest import flow_digest
from explorer.render.export import export_text

__version__ = "0.2.0"

__all__ = [
    "ALL",
    "DEFAULT_FLOWS_DIR",
    "Caseload",
    "CriticalPath",
    "EventLog",
    "Flow",
    "FlowError",
    "FlowSet",
    "Forecaster",
    "Problem",
    "Route",
    "RouteSet",
    "Simulation",
    "Stage",
    "Step",
    "Timescale",
    "TrackResult",
    "Transition",
    "__version__",
    "calibration_table",
    "critical_path",
    "dag",
    "detect_format",
    "drift_risks",
    "due_date",
    "earliest_date",
    "events_to_wide",
    "export_text",
    "flow_digest",
    "flow_graph",
    "flow_order",
    "forecast",
    "generate_events",
    "is_working_day",
    "load_flows",
    "local_calibration",
    "make_quiz",
    "mine",
    "next_steps",
    "outcome_probabilities",
    "pace_measures",
    "pathway",
    "read_caseload",
    "read_events",
    "read_log",
    "resolve_step",
    "routes",
    "run_chart",
    "runs_analysis",
    "simulate",
    "system_stages",
    "timescales_between",
    "track",
    "track_caseload",
    "tracking_plan",
    "what_if",
    "wide_to_events",
    "working_days_between",
]

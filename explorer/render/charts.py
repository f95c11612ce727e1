"""Altair charts for the Routes page: a route's timeline (Gantt) and simulated times.

Nothing is told by colour alone: each class of limit has its own colour, mark shape
and dash pattern, merged into one legend; the estimate bars are explained by the
axis title and tooltips. Colours are from the Okabe-Ito colour-blind-safe palette.
Charts hold only numbers and step names (drawn as SVG/canvas text, never as HTML).

>>> import pandas as pd
>>> from explorer.analysis.synthetic import diamond_graph
>>> from explorer.analysis.routes import routes
>>> from explorer.views.route_tables import route_timeline
>>> G = diamond_graph()
>>> spec = timeline_chart(route_timeline(G, routes(G, "s", "end").routes[0])).to_dict()
>>> len(spec["layer"])
4
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from explorer.views.route_tables import (
    LIMIT_CLASSES,
    LIMIT_GUIDANCE,
    LIMIT_MINIMUM,
    LIMIT_STATUTORY,
    Timeline,
)

#: Colour, point shape and dash of each class of limit (shape and dash carry the meaning).
LIMIT_STYLE: dict[str, tuple[str, str, list[int]]] = {
    LIMIT_STATUTORY: ("#D55E00", "square", [1, 0]),
    LIMIT_GUIDANCE: ("#0072B2", "diamond", [6, 3]),
    LIMIT_MINIMUM: ("#009E73", "triangle-right", [2, 2]),
}
ESTIMATE_COLOUR = "#999999"
RANGE_COLOUR = "#333333"
ROW_HEIGHT = 22


def _limit_encodings() -> dict[str, alt.Color | alt.Shape | alt.StrokeDash]:
    # One field, one title and the same domain for every channel: Vega-Lite merges
    # them into a single legend where each class shows its colour, shape and dash.
    domain = list(LIMIT_CLASSES)
    legend = alt.Legend(title="Limit", orient="bottom", direction="vertical",
                        symbolStrokeWidth=2, symbolSize=120, labelLimit=400)
    return {
        "color": alt.Color("What:N", title="Limit", legend=legend,
                           scale=alt.Scale(domain=domain,
                                           range=[LIMIT_STYLE[c][0] for c in domain])),
        "shape": alt.Shape("What:N", title="Limit", legend=legend,
                           scale=alt.Scale(domain=domain,
                                           range=[LIMIT_STYLE[c][1] for c in domain])),
        "strokeDash": alt.StrokeDash("What:N", title="Limit", legend=legend,
                                     scale=alt.Scale(domain=domain,
                                                     range=[LIMIT_STYLE[c][2] for c in domain])),
    }


def timeline_frames(tl: Timeline, *, instant: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The bars (one per step) and the limits (one per clock) of a timeline.

    With ``instant=False`` steps that take no time and end no clock are left out, so
    a long route's chart keeps to the steps where time passes.
    """
    limited = {li.to for li in tl.limits}
    steps = [r for r in tl.steps
             if instant or r.max_end_days > r.start_days or r.step in limited]
    bars = pd.DataFrame([{"Step": r.name, "Order": i, "From day": round(r.start_days, 1),
                          "Likely day": round(r.likely_end_days, 1),
                          "Earliest day": round(r.min_end_days, 1),
                          "Latest day": round(r.max_end_days, 1),
                          "Estimate": "known" if r.known else "unknown (counted as 0)"}
                         for i, r in enumerate(steps)],
                        columns=["Step", "Order", "From day", "Likely day", "Earliest day",
                                 "Latest day", "Estimate"])
    shown = {r.step: r.name for r in steps}
    limits = pd.DataFrame([{"Step": shown[li.to], "What": li.limit_class, "Rule": li.label,
                            "Clock starts day": round(li.start_days, 1),
                            "Limit day": round(li.limit_days, 1),
                            "Likely day": round(li.likely_days, 1),
                            "Likely time respects it": "yes" if li.met else "no"}
                           for li in tl.limits if li.to in shown],
                          columns=["Step", "What", "Rule", "Clock starts day", "Limit day",
                                   "Likely day", "Likely time respects it"])
    return bars, limits


def timeline_chart(tl: Timeline, *, instant: bool = True, width: int | None = None
                   ) -> alt.LayerChart:
    """A Gantt chart of the critical path with the limits that apply drawn over it.

    Rows are the path's steps in order; a grey bar runs from the time the step before
    is reached to the likely arrival, a thin black line spans min to max, and each
    clock is a dashed or solid line from its start to its limit, ending in a shape.
    """
    bars, limits = timeline_frames(tl, instant=instant)
    order = list(bars["Step"])
    y = alt.Y("Step:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=320, labelFontSize=11))
    step_tip = [alt.Tooltip("Step:N"), alt.Tooltip("From day:Q", title="Previous step reached"),
                alt.Tooltip("Likely day:Q", title="Likely arrival (day)"),
                alt.Tooltip("Earliest day:Q"), alt.Tooltip("Latest day:Q"),
                alt.Tooltip("Estimate:N")]
    base = alt.Chart(bars)
    range_rule = base.mark_rule(color=RANGE_COLOUR, strokeWidth=1.5).encode(
        x=alt.X("Earliest day:Q", title="Days from the start of the route "
                "(bars: likely time of each step; thin line: shortest to longest)"),
        x2="Latest day:Q", y=y, tooltip=step_tip)
    bar = base.mark_bar(color=ESTIMATE_COLOUR, height=10, opacity=0.85).encode(
        x="From day:Q", x2="Likely day:Q", y=y, tooltip=step_tip)
    enc = _limit_encodings()
    lim_tip = [alt.Tooltip("Step:N"), alt.Tooltip("Rule:N"), alt.Tooltip("What:N", title="Kind"),
               alt.Tooltip("Clock starts day:Q"), alt.Tooltip("Limit day:Q"),
               alt.Tooltip("Likely day:Q", title="Likely arrival (day)"),
               alt.Tooltip("Likely time respects it:N")]
    lim = alt.Chart(limits)
    clock = lim.mark_rule(strokeWidth=2, opacity=0.9, yOffset=7).encode(
        x="Clock starts day:Q", x2="Limit day:Q", y=y, color=enc["color"],
        strokeDash=enc["strokeDash"], tooltip=lim_tip)
    mark = lim.mark_point(filled=True, size=110, opacity=1, yOffset=7).encode(
        x="Limit day:Q", y=y, color=enc["color"], shape=enc["shape"], tooltip=lim_tip)
    height = max(ROW_HEIGHT * max(len(order), 1), 80)
    # fit-x: the height is the plot's own (one row per step), not shared with the
    # legend and axes as Streamlit's default "fit" would, which squeezes rows together.
    chart = alt.layer(range_rule, bar, clock, mark).properties(
        height=height, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    if width:
        chart = chart.properties(width=width)
    return chart.resolve_scale(y="shared")


def histogram_chart(frame: pd.DataFrame, *, width: int = 640) -> alt.FacetChart:
    """Simulated time to each outcome: one small histogram per outcome, named on its row.

    Each outcome's bars are shares of the journeys reaching it (its row label gives
    its share of all journeys); the rows share the day axis so outcomes can be compared
    by eye, but not their heights.
    """
    bars = alt.Chart(frame).mark_bar(color="#0072B2", opacity=0.8).encode(
        x=alt.X("From day:Q", bin="binned", title="Days from the start"),
        x2="To day:Q",
        y=alt.Y("Share:Q", axis=alt.Axis(format="%", tickCount=3), title="Share"),
        tooltip=[alt.Tooltip("Outcome:N"), alt.Tooltip("From day:Q"), alt.Tooltip("To day:Q"),
                 alt.Tooltip("Share:Q", format=".1%",
                             title="Share of the journeys reaching this outcome")],
    ).properties(width=width, height=70)
    # Each outcome's name above its histogram (not beside it): the chart stays as narrow
    # as its bars, so it fits a phone's screen.
    return bars.facet(row=alt.Row("Outcome:N", title=None, sort=list(dict.fromkeys(
        frame["Outcome"])), header=alt.Header(labelAngle=0, labelAlign="left",
                                              labelOrient="top", labelAnchor="start",
                                              labelFontSize=12, labelLimit=width))
    ).resolve_scale(y="independent")


# -- outcomes compared (one chart per question, one bar or range per outcome) -----------

#: Room for an outcome's name beside a bar: small enough for a 390 px phone screen.
OUTCOME_LABEL_LIMIT = 150
OUTCOME_COLOUR = "#0072B2"


def _outcome_y(frame: pd.DataFrame) -> alt.Y:
    return alt.Y("Outcome:N", sort=list(frame["Outcome"]), title=None,
                 axis=alt.Axis(labelLimit=OUTCOME_LABEL_LIMIT, labelFontSize=11))


def _fit(chart: alt.Chart | alt.LayerChart, rows: int) -> alt.Chart | alt.LayerChart:
    # fit-x: as wide as the page's column (a phone's too), one row per outcome.
    return chart.properties(height=max(26 * max(rows, 1), 60),
                            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def floor_chart(frame: pd.DataFrame) -> alt.Chart:
    """How long at the least, by law: a bar per outcome (``law_frame``'s rows, in order).

    >>> import pandas as pd
    >>> f = pd.DataFrame({"Outcome": ["A"], "Minimum by law (days)": [91],
    ...                   "On the route": ["via X"]})
    >>> floor_chart(f).to_dict()["mark"]["type"]
    'bar'
    """
    x = "Minimum by law (days)"
    chart = alt.Chart(frame).mark_bar(color=LIMIT_STYLE[LIMIT_MINIMUM][0]).encode(
        x=alt.X(f"{x}:Q", title="Least days the law allows"), y=_outcome_y(frame),
        tooltip=[alt.Tooltip("Outcome:N"), alt.Tooltip(f"{x}:Q"),
                 alt.Tooltip("On the route:N")])
    return _fit(chart, len(frame))  # type: ignore[return-value]


def practice_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """How long in practice: per outcome, a line from p10 to p90 and a dot at the median."""
    lo, mid, hi = "Simulated p10 (days)", "Simulated median (days)", "Simulated p90 (days)"
    data = frame.dropna(subset=[mid])
    tips = [alt.Tooltip("Outcome:N"), alt.Tooltip("Share of journeys:Q", title="Share (%)"),
            alt.Tooltip(f"{lo}:Q"), alt.Tooltip(f"{mid}:Q"), alt.Tooltip(f"{hi}:Q")]
    base = alt.Chart(data)
    y = _outcome_y(frame)
    spread = base.mark_rule(color=RANGE_COLOUR, strokeWidth=3).encode(
        x=alt.X(f"{lo}:Q", title="Simulated days (line: p10 to p90; dot: median)"),
        x2=f"{hi}:Q", y=y, tooltip=tips)
    dot = base.mark_point(filled=True, size=90, color=OUTCOME_COLOUR, opacity=1).encode(
        x=f"{mid}:Q", y=y, tooltip=tips)
    layered = alt.LayerChart(layer=[spread, dot])
    return _fit(layered, len(frame))  # type: ignore[return-value]


def drift_chart(frame: pd.DataFrame) -> alt.Chart:
    """Where drift can happen: a bar per outcome of its steps with no time limit."""
    x = "Steps with no time limit"
    chart = alt.Chart(frame).mark_bar(color=LIMIT_STYLE[LIMIT_STATUTORY][0]).encode(
        x=alt.X(f"{x}:Q", title="Steps with no time limit", axis=alt.Axis(tickMinStep=1)),
        y=_outcome_y(frame),
        tooltip=[alt.Tooltip("Outcome:N"), alt.Tooltip(f"{x}:Q"), alt.Tooltip("Hearings:Q"),
                 alt.Tooltip("Court stages:Q")])
    return _fit(chart, len(frame))  # type: ignore[return-value]

"""The Measures page: an authority's own event log against the law and the research.

PACE intervals and run charts with the national aim and local stretch aims, the observed
process drawn on the legal map with conformance, local calibration beside the national
simulation and the published figures, and each child's forecast. The uploaded log lives
in this session's memory only: it is never cached across sessions, written, logged or
sent. Local aims live in the page's address (``?aim=FROM:TO:DAYS:SHARE``), not on the
server, so a link carries them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from explorer.analysis.local_calibration import DEFAULT_MIN_CHILDREN, local_calibration
from explorer.analysis.simulate import simulate
from explorer.cases.forecast import Forecaster
from explorer.cases.measures import (
    MILESTONE_NAMES,
    PACE_MILESTONES,
    SUPPRESS_BELOW,
    Aim,
    Interval,
    MeasureError,
    Measures,
    children_table,
    milestone_name,
    national_aims,
    pace_measures,
    parse_aim,
    read_log,
    run_chart,
    runs_analysis,
    suppress_counts,
)
from explorer.cases.mining import (
    clocks_missed,
    mine,
    observed_map,
    step_ranks,
    transition_days,
)
from explorer.graph import flow_graph
from explorer.io.load import EXAMPLES_DIR
from explorer.io.tabular import neutralise
from explorer.model.flowset import FlowSet
from explorer.ui import caseinput
from explorer.ui.common import download_csv, md
from explorer.ui.data import cached_tracking_plan, flows_key
from explorer.ui.state import PageState

EXAMPLE_PATH = EXAMPLES_DIR / "example-events.csv"
EXAMPLE_AS_OF = dt.date(2026, 1, 1)
FLOW = "permanence"
#: The page's state: the local aims are in the address (``aim``, given once an aim); the
#: log on show, ``(label, bytes, filename)``, is its case data (gone on leaving the page).
STATE = PageState("measures", url=("aim",), multi=("aim",), session=(
    "as_of", "suppress_dl", "suppress_screen", "clear", "tabs", "example_download",
    "load_example", "upload", "aim_form", "aim_from", "aim_to", "aim_days", "aim_share",
    "aims_clear", "summary_csv", "interval", "chart_csv", "transitions_csv",
    "variants_csv", "clocks_csv", "min_children", "case"))
PRIVACY = ("**Privacy.** An event log is about children. What you upload here is "
           "held in this server's memory for your browser session only: it is not stored, "
           "written to disk, logged, shared with other sessions or sent anywhere. It is "
           "deleted at once when you clear it, upload another file or go to another page, "
           "and within about 30 seconds of closing the tab. Use pseudonymous case ids, "
           "never names.")
DISCLOSURE = (f"**Disclosure control.** Counts under {SUPPRESS_BELOW} can identify a child. "
              f"Downloads suppress them by default (shown as \"<{SUPPRESS_BELOW}\", and the "
              "medians and shares drawn from them left out), as official statistics do; "
              "the charts and tables on screen show the team's own figures unless you "
              "suppress them too. Tables of individual children are for the team only and "
              "are never suppressed: do not share them.")
COLOURS = {"within": "#2e7d32", "over": "#c62828", "no limit": "#6d6d6d"}


@st.cache_resource(show_spinner=False, max_entries=4)
def _forecaster(key: str, _fs: FlowSet) -> Forecaster:
    # Holds simulations of the flows only (no child's data): safe to share.
    return Forecaster(_fs, FLOW, runs=4000, seed=1,
                      plan=cached_tracking_plan(key, _fs))


def example_bytes() -> bytes:
    return caseinput.example_bytes(EXAMPLE_PATH)


def render(fs: FlowSet) -> None:
    """Draw the Measures page for the flows ``fs``."""
    st.title("Measures: your children's time against the law")
    st.info(PRIVACY, icon="🔒")
    st.markdown(DISCLOSURE)
    caseinput.case_boundary(_page, fs, "measuring")


def _page(fs: FlowSet) -> None:
    _input()
    source = STATE.case_data.get()
    if not source:
        st.write("Upload an event log or load the fictional example to see the measures.")
        return
    label, payload, filename = source
    left, mid, right = st.columns(3)
    default = EXAMPLE_AS_OF if filename == EXAMPLE_PATH.name else dt.date.today()
    as_of = left.date_input("Measure as of", value=default, format="DD/MM/YYYY",
                            key=STATE.key("as_of"))
    suppress_dl = mid.toggle(f"Suppress counts under {SUPPRESS_BELOW} in downloads",
                             value=True, key=STATE.key("suppress_dl"))
    suppress_screen = right.toggle("Suppress on screen too", value=False,
                                   key=STATE.key("suppress_screen"))
    if not isinstance(as_of, dt.date):
        st.warning("Choose an as-of date.")
        return
    events, problems = read_log(payload, filename=filename, fs=fs, as_of=as_of)
    st.subheader(f"Measures: {label}")
    if st.button("Clear", key=STATE.key("clear"), help="Forget the event log on show"):
        STATE.case_data.clear()
        st.rerun()
    if problems:
        fatal = [p for p in problems if p.fatal]
        if fatal:
            for p in fatal:
                st.error(md(str(p)))
            return
        st.warning(f"{len(problems)} problem(s) in the input; those rows are left out and "
                   "the rest are measured.", icon="⚠️")
        with st.expander("Show the problems (row and column)"):
            st.code("\n".join(str(p) for p in problems[:500]), language=None,
                    wrap_lines=True)
    if events.empty:
        st.write("No event could be read.")
        return
    names = {s.id: s.name for f in fs.flows.values() for s in f.steps}
    aims = _aims(fs, names)
    tabs = st.tabs(["PACE measures", "Observed process", "Local calibration",
                    "A child's forecast"], key=STATE.key("tabs"), on_change="rerun")
    with tabs[0]:
        if tabs[0].open:
            _measures_tab(fs, events, as_of, aims, names, suppress_dl, suppress_screen)
    with tabs[1]:
        if tabs[1].open:
            _process_tab(fs, events, as_of, names, suppress_dl, suppress_screen)
    with tabs[2]:
        if tabs[2].open:
            _calibration_tab(fs, events, names)
    with tabs[3]:
        if tabs[3].open:
            _forecast_tab(fs, events, as_of, names)


def _input() -> None:
    st.write("One row a recorded event: `case_id, step, date` (every LAC review, every "
             "hearing kept), CSV or Excel; or a wide caseload (one row a child, one column "
             "a milestone). Steps are step ids or names of the flows.")
    c1, c2 = st.columns(2)
    example = example_bytes()
    c1.download_button("Example event log (fictional)", example,
                       file_name=EXAMPLE_PATH.name, mime="text/csv",
                       key=STATE.key("example_download"), disabled=not example,
                       on_click="ignore")
    if c2.button("Load the example", key=STATE.key("load_example"), disabled=not example):
        STATE.case_data.put(("the fictional example event log (500 invented children)",
                             example, EXAMPLE_PATH.name))
    st.caption("The example is invented: 500 fictional children drawn from the permanence "
               "flow's simulation, with recording gaps and a few dates keyed out of order. "
               "No real child or case is in it.")
    up = caseinput.case_upload(STATE, "Event log (CSV or XLSX)", ["csv", "xlsx"])
    if up is not None:
        STATE.case_data.put((up.name, up.getvalue(), up.name))


# -- aims ----------------------------------------------------------------------------------


def _aims(fs: FlowSet, names: dict[str, str]) -> list[Aim]:
    """The national aims from the flows and the local aims of the address."""
    national = national_aims(fs)
    known = set(names) | set(MILESTONE_NAMES)
    specs = STATE.url_values("aim")
    local: list[Aim] = []
    bad: list[str] = []
    for spec in specs:
        try:
            local.append(parse_aim(spec, known=known))
        except MeasureError as exc:
            bad.append(str(exc))
    with st.expander("Aims: the national aim and your local stretch aims", expanded=False):
        for a in national:
            cites = "; ".join(
                f"{fs.sources[src].title if src in fs.sources else src}, {prov}"
                for src, prov in a.legal_basis) or "no source in the flows"
            st.markdown(f"- **National**: {md(milestone_name(a.from_, names))} to "
                        f"{md(milestone_name(a.to, names))} within {a.limit:g} {a.unit} "
                        f"({md(cites)})")
        for a in local:
            st.markdown(f"- **Local**: {md(milestone_name(a.from_, names))} to "
                        f"{md(milestone_name(a.to, names))}: {md(a.text())}")
        for b in bad:
            st.warning(md(b))
        st.caption("Local aims are kept in this page's address, not on the server: "
                   "bookmark or share the link to keep them.")
        options = [*PACE_MILESTONES, *sorted(s for s in names if s not in PACE_MILESTONES)]
        with st.form(STATE.key("aim_form")):
            c1, c2 = st.columns(2)
            frm = c1.selectbox("From", options, index=1, key=STATE.key("aim_from"),
                             format_func=lambda s: milestone_name(s, names))
            to = c2.selectbox("To", options, index=options.index("permanence_panel")
                             if "permanence_panel" in options else 2, key=STATE.key("aim_to"),
                             format_func=lambda s: milestone_name(s, names))
            c3, c4 = st.columns(2)
            days = c3.number_input("Within (days)", min_value=1, max_value=3650, value=84,
                                   key=STATE.key("aim_days"))
            share = c4.number_input("Share of children (%)", min_value=1, max_value=100,
                                    value=90, key=STATE.key("aim_share"))
            if st.form_submit_button("Add this aim"):
                spec = f"{frm}:{to}:{int(days)}:{int(share) / 100:g}"
                STATE.write_url(aim=[*specs, spec])
                st.rerun()
        if specs and st.button("Remove the local aims", key=STATE.key("aims_clear")):
            STATE.write_url(aim=None)
            st.rerun()
    return [*national, *local]


# -- PACE measures -------------------------------------------------------------------------


def _interval_label(iv: Interval, names: dict[str, str]) -> str:
    return f"{milestone_name(iv.from_, names)} → {milestone_name(iv.to, names)}"


def _measures_tab(fs: FlowSet, events: pd.DataFrame, as_of: dt.date, aims: list[Aim],
                  names: dict[str, str], suppress_dl: bool, suppress_screen: bool) -> None:
    m = pace_measures(events, as_of=as_of, aims=aims)
    st.markdown("#### The PACE intervals")
    st.dataframe(_summary(m, names, suppress_screen), hide_index=True, width="stretch")
    download_csv(_summary(m, names, suppress_dl), f"pace-intervals-{as_of}.csv",
                 key=STATE.key("summary_csv"), label="Download the intervals (CSV)")
    st.caption("Completed: both milestones dated. Waiting: the first is dated and the child "
               "has not left the route (the interval so far runs to the as-of date). Left: "
               "the child went home or to another outcome. Not recorded: a later milestone "
               "is dated but this one is not. A share within an aim counts children "
               "who reached the milestone in time against those who reached it late or are "
               "still waiting past the limit; those still waiting within it are left out.")
    labels = [_interval_label(iv, names) for iv in m.intervals]
    pick = st.selectbox("Run chart of", range(len(labels)), format_func=lambda i: labels[i],
                        key=STATE.key("interval"))
    iv = m.intervals[int(pick or 0)]
    chart = run_chart(iv, as_of=as_of, suppress=suppress_screen)
    _run_chart(iv, chart, names)
    download_csv(run_chart(iv, as_of=as_of, suppress=suppress_dl),
                 f"run-chart-{iv.from_}-{iv.to}-{as_of}.csv", key=STATE.key("chart_csv"),
                 label="Download the run-chart data (CSV)")
    with st.expander("Each child on this interval (for the team only: do not share)"):
        table = children_table(iv).assign(case_id=lambda d: d["case_id"].map(neutralise))
        st.dataframe(table, hide_index=True, width="stretch")


def _summary(m: Measures, names: dict[str, str], suppress: bool) -> pd.DataFrame:
    rows = []
    for iv in m.intervals:
        d = iv.as_dict(suppress=suppress, names=names)
        row: dict[str, Any] = {"interval": f"{d['from_name']} → {d['to_name']}",
                               "completed": d["completed"], "waiting": d["waiting"],
                               "left": d["left"], "not recorded": d["not_recorded"],
                               "median days": d["median_days"], "p90 days": d["p90_days"],
                               "median days waiting so far": d["median_waiting_days"]}
        for a in d["aims"]:
            share = a["share_within"]
            row[a["label"]] = None if share is None else f"{share:.0%}"
        rows.append(row)
    return pd.DataFrame(rows)


def _run_chart(iv: Interval, chart: pd.DataFrame, names: dict[str, str]) -> None:
    data = chart.dropna(subset=["median_days"])
    if data.empty:
        st.write("No completed interval to chart yet" + (
            " (or every month has fewer than 5 children and is suppressed)." if len(chart)
            else "."))
        return
    runs = runs_analysis(data["median_days"].to_numpy(dtype=float))
    centre = pd.DataFrame({"centre": [runs.centre]})
    base = alt.Chart(data).encode(x=alt.X("month:T", title="month of the earlier milestone"))
    line = base.mark_line(point=True, color="#1565c0").encode(
        y=alt.Y("median_days:Q", title="median days (completed)"),
        tooltip=[alt.Tooltip("month:T", format="%b %Y"), "median_days:Q", "completed:N"])
    rule = alt.Chart(centre).mark_rule(strokeDash=[6, 4], color="#424242").encode(
        y="centre:Q")
    layers: list[Any] = [line, rule]
    waiting = chart.dropna(subset=["median_waiting_days"])
    if not waiting.empty:
        layers.append(alt.Chart(waiting).mark_point(shape="triangle-up", color="#ef6c00",
                                                    size=60).encode(
            x="month:T", y="median_waiting_days:Q",
            tooltip=[alt.Tooltip("month:T", format="%b %Y"),
                     alt.Tooltip("median_waiting_days:Q", title="median days so far"),
                     alt.Tooltip("waiting:N", title="children waiting")]))
    st.altair_chart(alt.layer(*layers).properties(
        title=_interval_label(iv, names), height=280), width="stretch")
    verdict = ("a non-random signal: " + ", ".join(
        x for x, on in (("a shift (a long run on one side)", runs.shift),
                        ("too few crossings", runs.too_few_crossings)) if on)
               if runs.signal else "no non-random signal")
    st.caption(f"Blue: the monthly median of completed intervals; dashed: the centre line "
               f"(median of the points); orange triangles: children still waiting, the "
               f"interval so far. Anhøj's rules on {runs.useful} useful points: longest run "
               f"{runs.longest_run} (signal above {runs.longest_run_limit}), crossings "
               f"{runs.crossings} (signal below {runs.crossings_limit}): {verdict}. "
               "Anhøj's rule set has no trend rule.")
    for i, ar in enumerate(iv.aims):
        col = f"share_within_{i}"
        shares = chart.dropna(subset=[col])
        if shares.empty:
            continue
        sr = runs_analysis(shares[col].to_numpy(dtype=float))
        layers = [alt.Chart(shares).mark_line(point=True, color="#6a1b9a").encode(
            x=alt.X("month:T", title="month of the earlier milestone"),
            y=alt.Y(f"{col}:Q", title="share within", axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1])),
            tooltip=[alt.Tooltip("month:T", format="%b %Y"),
                     alt.Tooltip(f"{col}:Q", format=".0%")]),
            alt.Chart(pd.DataFrame({"c": [sr.centre]})).mark_rule(
                strokeDash=[6, 4], color="#424242").encode(y="c:Q")]
        if ar.aim.share is not None:
            layers.append(alt.Chart(pd.DataFrame({"t": [ar.aim.share]})).mark_rule(
                color="#2e7d32").encode(y="t:Q"))
        st.altair_chart(alt.layer(*layers).properties(title=ar.aim.text(), height=220),
                        width="stretch")
        st.caption(f"Share within the aim by month (purple); dashed: centre line; green: "
                   f"the target. Anhøj's rules: "
                   f"{'non-random signal' if sr.signal else 'no non-random signal'} "
                   f"(longest run {sr.longest_run}, limit {sr.longest_run_limit}; crossings "
                   f"{sr.crossings}, minimum {sr.crossings_limit}).")


# -- the observed process ------------------------------------------------------------------


def _process_tab(fs: FlowSet, events: pd.DataFrame, as_of: dt.date, names: dict[str, str],
                 suppress_dl: bool, suppress_screen: bool) -> None:
    plan = cached_tracking_plan(flows_key(fs), fs)
    result = mine(events, fs, pairs=plan.pairs, ranks=step_ranks(fs))
    steps, edges = observed_map(fs, FLOW, result.transitions)
    st.markdown("#### The transitions children took, on the legal map")
    _observed_chart(steps, edges)
    st.caption("Grey dots: the permanence flow's steps, left to right in the law's order; "
               "dark dots: steps this log records. Each line is a transition children "
               "took from one recorded step to the next: thicker for more children; green "
               "where the median is within the statutory or guidance limit between the "
               "two, red where it is over, grey where no limit applies. Hover for figures.")
    tr = _named(result.transitions, names)[["from", "to", "children", "count",
                                            "median_days", "p90_days"]]
    st.dataframe(suppress_counts(tr, ["children", "count"]) if suppress_screen else tr,
                 hide_index=True, width="stretch")
    download_csv(_suppress_table(tr, suppress_dl), f"transitions-{as_of}.csv",
                 key=STATE.key("transitions_csv"), label="Download the transitions (CSV)")

    st.markdown("#### The commonest routes (variants)")
    var = result.variants.head(20)
    vt = pd.DataFrame({"route": [" → ".join(names.get(s, s) for s in v) for v in var["steps"]],
                       "children": var["children"], "share": var["share"].map("{:.0%}".format)})
    st.dataframe(suppress_counts(vt, ["children"]) if suppress_screen else vt,
                 hide_index=True, width="stretch")
    st.caption(f"{len(result.variants)} distinct recorded routes among {result.children} "
               "children; a step recorded again straight after itself counts once.")
    download_csv(suppress_counts(vt, ["children"]) if suppress_dl else vt,
                 f"variants-{as_of}.csv", key=STATE.key("variants_csv"),
                 label="Download the variants (CSV)")

    st.markdown("#### Conformance")
    oo = result.out_of_order
    if oo.empty:
        st.write("No entry contradicts the flow's order.")
    else:
        st.write(f"{len(oo)} entries for {oo['case_id'].nunique()} children are dated "
                 "against the flow's order (a later step dated before an earlier one): "
                 "check the records.")
        st.dataframe(pd.DataFrame({
            "case": oo["case_id"].map(neutralise),
            "dated earlier": oo["to"].map(lambda s: names.get(s, s)),
            "date": oo["to_date"].dt.date, "row": oo["to_row"],
            "yet the flow puts first": oo["from"].map(lambda s: names.get(s, s)),
            "its date": oo["from_date"].dt.date, "its row": oo["from_row"]}),
            hide_index=True, width="stretch")
        st.caption("Individual entries: for the team only.")
    sk = result.skipped
    if not sk.empty:
        st.write("Statutory steps not recorded for children who reached a later step that "
                 "every route passes them on the way to:")
        sk_view = pd.DataFrame({"step": sk["step"].map(lambda s: names.get(s, s)),
                                "children without it": sk["children"],
                                "children who reached a later step": sk["reached"]})
        st.dataframe(suppress_counts(sk_view, ["children without it",
                                               "children who reached a later step"])
                     if suppress_screen else sk_view, hide_index=True, width="stretch")
    never = sk.attrs.get("never_recorded", [])
    if never:
        st.caption("Statutory steps this log never records (a gap in the records, not in "
                   "practice): " + ", ".join(md(names.get(s, s)) for s in never) + ".")
    clocks = clocks_missed(events, fs, as_of=as_of, plan=plan)
    st.markdown("#### The clocks most often missed, by stage")
    if clocks.empty:
        st.write("No clock could be measured from these events.")
        return
    cv = pd.DataFrame({"stage": clocks["stage"],
                       "from": clocks["from"].map(lambda s: names.get(s, s)),
                       "to": clocks["to"].map(lambda s: names.get(s, s)),
                       "limit": clocks["limit"].map("{:g}".format) + " "
                       + clocks["unit"].str.replace("_", " "),
                       "kind": clocks["kind"], "met": clocks["met"],
                       "missed": clocks["missed"], "overdue": clocks["overdue"],
                       "missed or overdue": clocks["missed_share"].map("{:.0%}".format)})
    by_stage = clocks.assign(late=clocks["missed"] + clocks["overdue"]).groupby(
        "stage", as_index=False)[["late", "met"]].sum()
    by_stage = by_stage[by_stage["late"] > 0]
    if not suppress_screen and not by_stage.empty:
        st.altair_chart(alt.Chart(by_stage).mark_bar(color="#c62828").encode(
            x=alt.X("late:Q", title="clocks missed or overdue (children × clocks)"),
            y=alt.Y("stage:N", title=None, sort="-x", axis=alt.Axis(labelLimit=220)),
            tooltip=["stage:N", alt.Tooltip("late:Q", title="missed or overdue"),
                     alt.Tooltip("met:Q", title="met")]), width="stretch")
    st.dataframe(suppress_counts(cv, ["met", "missed", "overdue"]) if suppress_screen
                 else cv, hide_index=True, width="stretch")
    download_csv(suppress_counts(cv, ["met", "missed", "overdue"]) if suppress_dl else cv,
                 f"clocks-{as_of}.csv", key=STATE.key("clocks_csv"),
                 label="Download the clocks (CSV)")


def _named(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    return frame.assign(**{c: frame[c].map(lambda s: names.get(s, s)) for c in ("from", "to")})


def _suppress_table(tr: pd.DataFrame, suppress: bool) -> pd.DataFrame:
    if not suppress:
        return tr
    few = tr["children"] < SUPPRESS_BELOW
    out = tr.copy()
    out[["median_days", "p90_days"]] = out[["median_days", "p90_days"]].astype(object)
    out.loc[few, ["median_days", "p90_days"]] = None
    return suppress_counts(out, ["children", "count"])


def _observed_chart(steps: pd.DataFrame, edges: pd.DataFrame) -> None:
    if edges.empty:
        st.write("No transition between two steps of the permanence flow is recorded.")
        return
    # Two layers with fixed colours: a colour encoding here would share (and clash with)
    # the lines' colour scale, and Vega would draw nothing.
    def dots(frame: pd.DataFrame, colour: str) -> alt.Chart:
        return alt.Chart(frame).mark_circle(size=70, color=colour).encode(
            x=alt.X("x:Q", axis=None),
            y=alt.Y("y:Q", axis=None),
            tooltip=[alt.Tooltip("name:N", title="step")])

    nodes = alt.layer(dots(steps[~steps["recorded"]], "#b0bec5"),
                      dots(steps[steps["recorded"]], "#263238"))
    e = edges.assign(label=edges["from_name"] + " → " + edges["to_name"])
    lines = alt.Chart(e).mark_rule(opacity=0.75).encode(
        x="x:Q", y="y:Q", x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth("children:Q", scale=alt.Scale(range=[1, 10]),
                                    title="children"),
        color=alt.Color("against_limit:N", title="median against the limit",
                        scale=alt.Scale(domain=list(COLOURS), range=list(COLOURS.values()))),
        tooltip=["label:N", "children:Q", "median_days:Q", "p90_days:Q",
                 alt.Tooltip("limit_text:N", title="limit"), "against_limit:N"])
    # Slanted, so the names of a long chain of steps do not run into each other.
    labels = alt.Chart(steps[steps["recorded"]]).mark_text(
        align="left", dx=5, dy=-5, angle=320, fontSize=10, color="#263238").encode(
        x="x:Q", y="y:Q", text="name:N")
    # Dots first: with the rules as the first layer this Vega-Lite build draws nothing.
    st.altair_chart(alt.layer(nodes, lines, labels).properties(height=420).configure_view(
        stroke=None), width="stretch")


# -- local calibration ---------------------------------------------------------------------


def _calibration_tab(fs: FlowSet, events: pd.DataFrame, names: dict[str, str]) -> None:
    n = st.number_input("Use local figures where at least this many children took a "
                        "transition", min_value=1, max_value=1000, value=DEFAULT_MIN_CHILDREN,
                        key=STATE.key("min_children"))
    G = flow_graph(fs, FLOW)
    obs = transition_days(events, ranks=step_ranks(fs))
    per_child = {k: v for k, v in obs.items()}
    H, changes = local_calibration(G, per_child, min_children=int(n))
    used = [c for c in changes if c.replaced]
    st.write(f"{len(used)} of {len(changes)} observed transitions of the flow have at least "
             f"{int(n)} children and use local figures; the rest keep the national "
             "estimates.")
    national = simulate(G, "looked_after", runs=4000, seed=1)
    local = simulate(H, "looked_after", runs=4000, seed=1)
    rows = []
    for o in dict.fromkeys([*national.outcomes, *local.outcomes]):
        a, b = national.outcomes.get(o), local.outcomes.get(o)
        rows.append({"outcome": names.get(o, o),
                     "national share": f"{a.share:.0%}" if a else "0%",
                     "national median days": round(a.median_days) if a and a.median_days
                     is not None else None,
                     "local share": f"{b.share:.0%}" if b else "0%",
                     "local median days": round(b.median_days) if b and b.median_days
                     is not None else None})
    st.markdown("#### From becoming looked after: national and local simulations")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    flow = fs.flows.get(FLOW)
    if flow is not None and flow.published_durations:
        st.markdown("#### Published figures")
        pub = pd.DataFrame([{"from": names.get(str(p.from_), str(p.from_)),
                             "to": names.get(str(p.to), str(p.to)),
                             "statistic": p.statistic,
                             "days": f"{p.low_days:g}" if p.low_days == p.high_days
                             else f"{p.low_days:g} to {p.high_days:g}",
                             "source": (fs.sources[p.source].title if p.source in fs.sources
                                        else p.source)}
                            for p in flow.published_durations])
        st.dataframe(pub, hide_index=True, width="stretch")
    with st.expander("Every transition: national and local figures"):
        st.dataframe(pd.DataFrame([{
            "from": names.get(c.from_, c.from_), "to": names.get(c.to, c.to),
            "what": c.what, "children": c.children, "national": c.national,
            "local": c.local, "used": "local" if c.replaced else "national"}
            for c in changes]), hide_index=True, width="stretch")
    st.caption("Local estimates: the 5th percentile, median and 95th percentile of the days "
               "children took, as the simulation's minimum, likely and maximum. Local shares: "
               "the proportions of children observed leaving a decision by each exit. Not law.")


# -- a child's forecast --------------------------------------------------------------------


def _forecast_tab(fs: FlowSet, events: pd.DataFrame, as_of: dt.date,
                  names: dict[str, str]) -> None:
    G = flow_graph(fs, FLOW)
    ends = {n for n, k in G.nodes(data="kind") if k == "outcome"}
    upto = events[events["date"] <= pd.Timestamp(as_of)]
    last = upto.sort_values(["date", "row"]).groupby("case_id", sort=False)["step"].last()
    done = {str(c) for c, s in last.items() if s in ends}
    cases = [str(c) for c in pd.unique(events["case_id"])]
    # Children still on their way first: they are the ones a forecast is for.
    cases = [c for c in cases if c not in done] + [c for c in cases if c in done]
    case = st.selectbox("Child (case id)", cases, key=STATE.key("case"),
                        help="Children still on their way are listed first.")
    if case is None:
        return
    fc = _forecaster(flows_key(fs), fs).forecast(events, str(case), as_of=as_of)
    if fc.current_step is None:
        st.write("No step of the permanence flow is recorded for this child yet.")
        return
    if fc.reached_outcome is not None:
        st.success(f"This child reached {md(names.get(fc.reached_outcome, fc.reached_outcome))}"
                   f" on {fc.current_since:%d/%m/%Y}: nothing is left to forecast.")
        return
    c1, c2, c3 = st.columns(3)
    c1.metric("Now at", names.get(fc.current_step, fc.current_step))
    c2.metric("Since", f"{fc.current_since:%d/%m/%Y}" if fc.current_since else "-")
    c3.metric("Days there", fc.elapsed_days)
    if fc.outcomes:
        st.markdown("#### Outcomes still possible")
        st.dataframe(pd.DataFrame([{
            "outcome": names.get(o, o), "probability": f"{f.probability:.0%}",
            "likely by (P50)": f"{f.p50_date:%d/%m/%Y}",
            "by (P80)": f"{f.p80_date:%d/%m/%Y}"} for o, f in fc.outcomes.items()]),
            hide_index=True, width="stretch")
    if fc.next_deadlines:
        st.markdown("#### Next deadlines")
        st.dataframe(pd.DataFrame([{
            "from": names.get(d["from"], d["from"]), "to": d["to_name"],
            "due": dt.date.fromisoformat(d["due"]).strftime("%d/%m/%Y"),
            "status": d["status"], "kind": d["kind"], "rule": d["rule"]}
            for d in fc.next_deadlines]), hide_index=True, width="stretch")
    if not fc.gantt.empty:
        st.markdown("#### On the calendar")
        g = fc.gantt.assign(start=pd.to_datetime(fc.gantt["start"]),
                            end=pd.to_datetime(fc.gantt["end"]))
        bars = alt.Chart(g).mark_bar(height=12).encode(
            x=alt.X("start:T", title=None), x2="end:T",
            y=alt.Y("row:N", title=None, sort=None, axis=alt.Axis(labelLimit=180)),
            color=alt.Color("part:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["row:N", "part:N", alt.Tooltip("start:T", format="%d/%m/%Y"),
                     alt.Tooltip("end:T", format="%d/%m/%Y")])
        today = alt.Chart(pd.DataFrame({"d": [pd.Timestamp(as_of)]})).mark_rule(
            color="#c62828", strokeDash=[4, 4]).encode(x="d:T")
        st.altair_chart(alt.layer(bars, today), width="stretch")
        st.caption("Recorded history, the time so far at the current step, the tracks that "
                   "run at once (concurrency planning) and each outcome's likely (P50) and "
                   "P80 dates, on the calendar; the dashed line is the as-of date.")
    for a in fc.assumptions:
        st.caption(f"Note: {md(a)}")
    st.caption(f"Simulated from the child's current step with {fc.runs:,} journeys, "
               "conditioned on the time already spent there; the flow's estimates are "
               "illustrative or published figures, not law. A planning aid, not a "
               "prediction for this child.")

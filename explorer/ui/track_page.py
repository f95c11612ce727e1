"""The Track page: one case or a caseload against the timescales, in memory only.

The app's navigation calls :func:`render` with the loaded FlowSet. Case data lives only
in the page's own widgets (the file uploader, the one-case form): Streamlit drops a
widget's value, and the uploaded file, at the end of the first run that does not draw
it, so leaving the page or pressing Clear forgets the data. The session keeps only
which source is on show, never the data; nothing is written to disk, cached across
sessions, logged or sent anywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from explorer.cases.caseload import step_names
from explorer.cases.events import read_any
from explorer.cases.tracking import (
    Caseload,
    TrackResult,
    caseload_from_rows,
    known_columns,
    problems_csv,
    report_csv,
    report_xlsx,
    template_csv,
    track_against,
)
from explorer.io.load import EXAMPLES_DIR
from explorer.io.tabular import neutralise
from explorer.model.flowset import FlowSet
from explorer.model.kinds import STATUS_COLOURS, STATUS_LABELS, STATUSES, WITHHELD
from explorer.model.milestones import MILESTONES
from explorer.ui import caseinput
from explorer.ui.common import md
from explorer.ui.data import cached_tracking_plan, flows_key
from explorer.ui.state import PageState

EXAMPLE_PATH = EXAMPLES_DIR / "example-caseload.csv"
#: The page's state. ``show``: which source is on show, "upload", "form" or "example"
#: (never the data itself). ``upload_n``: bumped by Clear, a new key gives a new, empty
#: uploader and drops the old file. ``source``: tests hand a (label, bytes) caseload here;
#: it is used for one run and dropped. The ids of uploaded files are its case data.
STATE = PageState("track", session=(
    "show", "upload_n", "source", "as_of", "soon", "clear", "sheet", "template",
    "template_names", "example_download", "load_example", "upload", "one_case", "case_id",
    "f", "problems_csv", "overdue", "missing", "case", "report_xlsx", "report"))
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PRIVACY = ("**Privacy.** Case dates are about children. What you upload or enter here is "
           "held in this server's memory for your browser session only: it is not stored, "
           "written to disk, logged, shared with other sessions or sent anywhere. It is "
           "deleted at once when you clear it, upload another file or go to another page, "
           "and within about 30 seconds of closing the tab. Use pseudonymous case ids, "
           "never names.")


def example_bytes() -> bytes:
    return caseinput.example_bytes(EXAMPLE_PATH)


def render(fs: FlowSet) -> None:
    """Draw the Track page for the flows ``fs``."""
    st.title("Track cases")
    st.info(PRIVACY, icon="🔒")
    st.caption("Deadlines are computed as the law counts time (working days as CHSA 2011 "
               "s.202 defines them; calendar months by the corresponding date). A "
               "learning and planning aid, not legal advice.")
    caseinput.case_boundary(_page, fs, "tracking")


def _page(fs: FlowSet) -> None:
    left, right = st.columns(2)
    as_of = left.date_input("Track as of", value=dt.date.today(), format="DD/MM/YYYY",
                            key=STATE.key("as_of"), help="Deadlines are judged at this date.")
    soon = right.number_input("'Due soon' means due within this many days", min_value=0,
                              max_value=365, value=14, step=1, key=STATE.key("soon"))
    if not isinstance(as_of, dt.date):
        st.warning("Choose an as-of date.")
        return
    upload_tab, form_tab = st.tabs(["Upload a caseload", "Enter one case"])
    with upload_tab:
        upload = _upload(fs)
    with form_tab:
        rows = _form(fs, as_of)
    label, load = _source(fs, as_of, upload, rows)
    if load is None:
        st.write("Upload a caseload, load the example, or enter one case to see its "
                 "deadlines.")
        return
    st.subheader("Deadlines: " + md(label), anchor=False)  # a file name is user text
    if st.button("Clear", key=STATE.key("clear"), help="Forget the caseload on show"):
        STATE["show"] = None
        STATE["upload_n"] = STATE.get("upload_n", 0) + 1
        STATE.case_data.clear()
        st.rerun()
    _problems(load)
    if load.fatal or load.dates.empty:
        return
    result = track_against(fs, load, as_of=as_of, due_soon_days=int(soon),
                           plan=cached_tracking_plan(flows_key(fs), fs))
    _dashboard(fs, load, result)


def _source(fs: FlowSet, as_of: dt.date, upload: Any, rows: list[dict[str, Any]] | None
            ) -> tuple[str, Caseload | None]:
    """The caseload on show, read afresh from its widget on every run (never kept)."""
    given = STATE.pop("source")
    if given:
        label, payload = given
        if isinstance(payload, bytes):
            return f"{label}", read_any(payload, as_of=as_of, fs=fs, filename=label)
        return f"{label}", caseload_from_rows(payload, as_of=as_of, fs=fs,
                                              columns=known_columns(fs))
    show = STATE.get("show")
    if show == "upload" and upload is not None:
        sheet = (STATE.get("sheet") or "").strip() or None
        return upload.name, read_any(upload.getvalue(), as_of=as_of, fs=fs,
                                     filename=upload.name, sheet=sheet)
    if show == "example":
        return "the fictional example caseload", read_any(example_bytes(), as_of=as_of,
                                                          fs=fs, filename="example.csv")
    if show == "form" and rows:
        return f"case {rows[0]['case_id']}", caseload_from_rows(
            rows, as_of=as_of, fs=fs, columns=known_columns(fs))
    return "", None


def _on_upload() -> None:
    STATE["show"] = "upload"


def _upload(fs: FlowSet) -> Any:
    st.write("A CSV file or an Excel workbook (.xlsx), in either of two shapes:")
    st.markdown(
        "- **One row a case**: a pseudonymous `case_id` and one column a milestone, named by "
        "its id (`grounds_hearing`) or its name (Grounds hearing). Dates as `2026-01-31`, "
        "`31/01/2026` or Excel dates; empty where the step has not happened; `n/a` where it "
        "will not happen for this child. Each date is the step's first, except "
        "`lac_review`, `cso_review_hearing` and `review_cppm`: the most recent. Optional: "
        "`date_of_birth`, and `placement_type` where a rule depends on it.\n"
        "- **An event log**: columns `case_id`, `step`, `date` (optional `note`), one row "
        "an event, every LAC review, interim order and review hearing kept, so each "
        "cycle is checked.")
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button("Template (ids)", template_csv(fs), file_name="caseload-template.csv",
                       mime="text/csv", key=STATE.key("template"))
    c2.download_button("Template (step names)", template_csv(fs, names=True),
                       file_name="caseload-template-names.csv", mime="text/csv",
                       key=STATE.key("template_names"))
    example = example_bytes()
    c3.download_button("Example caseload (fictional)", example,
                       file_name="example-caseload.csv", mime="text/csv",
                       key=STATE.key("example_download"), disabled=not example)
    if c4.button("Load the example", key=STATE.key("load_example"), disabled=not example):
        STATE["show"] = "example"
    st.caption("The example is invented: no real child or case is in it.")
    # .xls and .ods are let through so that the reader can say what to do with them.
    up = caseinput.case_upload(STATE, "Caseload (CSV or XLSX)", ["csv", "xlsx", "xls", "ods"],
                               STATE.get("upload_n", 0), on_change=_on_upload)
    st.text_input("Sheet of a workbook (empty: the first)", key=STATE.key("sheet"),
                  max_chars=100)
    return up


def _form(fs: FlowSet, as_of: dt.date) -> list[dict[str, Any]] | None:
    """The one-case form; its values live in its own widgets only."""
    with st.form(STATE.key("one_case"), clear_on_submit=False):
        case_id = st.text_input("Case id (pseudonymous)", value="CASE-1", max_chars=60,
                                key=STATE.key("case_id"))
        st.caption("Leave a date empty where the step has not happened.")
        values: dict[str, dt.date | None] = {}
        names = _step_names(fs)
        for flow_id, ids in MILESTONES.items():
            flow = fs.flows.get(flow_id)
            title = flow.title if flow else flow_id
            with st.expander(title, expanded=flow_id == "care-and-protection"):
                cols = st.columns(3)
                for i, mid in enumerate(ids):
                    name = names.get(mid, mid)
                    v = cols[i % 3].date_input(name, value=None, max_value=as_of,
                                               format="DD/MM/YYYY", key=STATE.key("f", mid),
                                               help=f"column `{mid}`")
                    values[mid] = v if isinstance(v, dt.date) else None
        if st.form_submit_button("Track this case"):
            STATE["show"] = "form"
    return [{"case_id": (case_id or "").strip(), **values}]


def _problems(load: Caseload) -> None:
    if not load.problems:
        return
    fatal = [p for p in load.problems if p.fatal]
    if fatal:
        for p in fatal:
            st.error(md(str(p)))
        return
    skipped = len(load.skipped_rows)
    st.warning(f"{len(load.problems)} problem(s) in the input; {skipped} row(s) skipped; "
               f"{load.rows_read} row(s) read. A bad cell loses only itself: the rest of its "
               "row is tracked, and the deadlines that needed it say so.", icon="⚠️")
    with st.expander("Show the problems (row, line and column)"):
        st.code("\n".join(str(p) for p in load.problems[:500]), language=None,
                wrap_lines=True)
        st.download_button("Problems as CSV", problems_csv(load),
                           file_name="caseload-problems.csv", mime="text/csv",
                           key=STATE.key("problems_csv"))


def _step_names(fs: FlowSet) -> dict[str, str]:
    return step_names(fs)


def _dashboard(fs: FlowSet, load: Caseload, result: TrackResult) -> None:
    counts = result.counts()
    for row in (STATUSES[:4], STATUSES[4:]):
        cols = st.columns(4)
        for col, s in zip(cols, row, strict=False):
            col.metric(STATUS_LABELS[s], counts[s],
                       help=("Deadlines whose step has no column (or no event) in your "
                             "file: the due date is known, whether it was met is not.")
                       if s == "not_recorded" else None)
    shape = "event log" if load.format == "long" else "one row a case"
    st.caption(f"{len(load.dates)} case(s) tracked at {result.as_of:%d/%m/%Y} from "
               f"{load.rows_read} row(s) ({shape}); {counts[WITHHELD]} deadline(s) not "
               "counted (dates that contradict the flow's order, a date that could not be "
               "read, a step the case has gone past, or a recurring step whose earlier "
               "rounds are not recorded).")
    names = _step_names(fs)
    # Plain text columns for display (the core keeps categoricals for speed).
    items = result.items.astype(dict.fromkeys(
        ["case_id", "from", "to", "kind", "status", "legal_basis", "withheld_reason", "note",
         "provision", "rule_text"], str))
    if items.empty:
        st.write("No deadlines: no dated milestone has a timescale from it.")
        return
    view = items.assign(step_from=items["from"].map(names).fillna(items["from"]),
                        step_to=items["to"].map(names).fillna(items["to"]))

    st.markdown("#### Overdue, most overdue first")
    overdue = view[view["status"] == "overdue"].sort_values("days_late", ascending=False)
    if overdue.empty:
        st.write("Nothing is overdue.")
    else:
        st.dataframe(_table(overdue), hide_index=True, width="stretch", key=STATE.key("overdue"))
    st.markdown("#### Not in your sheet: clocks running on a step with no column")
    missing = view[view["status"] == "not_recorded"].sort_values("due")
    if missing.empty:
        st.write("Every running clock's step has a column.")
    else:
        st.dataframe(_table(missing), hide_index=True, width="stretch", key=STATE.key("missing"))
        st.caption("'days late' here is how long ago the due date passed. Add the step's "
                   "column (or its events) to know whether these deadlines were met.")

    if len(result.contradictions):
        st.markdown("#### Dates that contradict the flow")
        c = result.contradictions.assign(
            earlier=lambda d: d["earlier"].map(names).fillna(d["earlier"]),
            later=lambda d: d["later"].map(names).fillna(d["later"]),
            case_id=lambda d: d["case_id"].astype(str).map(neutralise))
        st.dataframe(c, hide_index=True, width="stretch")
        st.caption("A later step is dated before an earlier one. Deadlines that use either "
                   "date are withheld until the dates are corrected.")

    st.markdown("#### Where drift sits: time taken against each limit")
    _drift_chart(view)

    st.markdown("#### A case's journey")
    cases = list(load.dates.index)
    chosen = st.selectbox("Case", cases, key=STATE.key("case")) if len(cases) > 1 else cases[0]
    _timeline(view[view["case_id"] == chosen], load.dates.loc[[chosen]], names)

    with st.expander("Every deadline"):
        st.dataframe(_table(view), hide_index=True, width="stretch")
    d1, d2 = st.columns(2)
    d1.download_button("Download the report (Excel)", report_xlsx(load, result, names),
                       file_name=f"deadlines-{result.as_of.isoformat()}.xlsx", mime=XLSX_MIME,
                       key=STATE.key("report_xlsx"))
    d2.download_button("Download the report (CSV)", report_csv(result),
                       file_name=f"deadlines-{result.as_of.isoformat()}.csv", mime="text/csv",
                       key=STATE.key("report"))


def _table(view: pd.DataFrame) -> pd.DataFrame:
    # Every table here can be downloaded as CSV from its toolbar: case ids are user
    # text, so they are neutralised against spreadsheet formulas on screen too.
    return pd.DataFrame({
        "case": view["case_id"].astype(str).map(neutralise),
        "from": view["step_from"], "to": view["step_to"],
        "kind": view["kind"], "due": view["due"].dt.date, "status": view["status"],
        "days late": view["days_late"], "rule": view["rule_text"],
        "provision": view["provision"], "note": view["note"]})


def _drift_chart(view: pd.DataFrame) -> None:
    d = view[(view["kind"] != "statutory_min") & (view["status"] != WITHHELD)
             & (view["allowed_days"] > 0)]
    if d.empty:
        st.write("No deadline to compare yet.")
        return
    d = d.assign(step=d["step_from"] + " → " + d["step_to"],
                 share=d["taken_days"] / d["allowed_days"],
                 open=d["to_date"].isna().map({True: "not yet happened",
                                               False: "happened"}))
    data = d[["case_id", "step", "share", "status", "taken_days", "allowed_days", "open"]]
    base = alt.Chart(data)
    points = base.mark_circle(size=60, opacity=0.7).encode(
        x=alt.X("share:Q", title="time taken ÷ time allowed (1 = the limit)"),
        y=alt.Y("step:N", title=None, sort="-x"),
        color=alt.Color("status:N", scale=alt.Scale(domain=list(STATUS_COLOURS),
                                                    range=list(STATUS_COLOURS.values()))),
        tooltip=["case_id:N", "step:N", "taken_days:Q", "allowed_days:Q", "status:N",
                 "open:N"])
    rule = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    st.altair_chart(points + rule, width="stretch")
    st.caption("Each dot is one case's step. Right of the dashed line means over the limit; "
               "open steps are measured to the as-of date.")


def _timeline(items: pd.DataFrame, dates: pd.DataFrame, names: dict[str, str]) -> None:
    row = dates.iloc[0].dropna()
    if row.empty:
        st.write("No dated milestones.")
        return
    events = pd.DataFrame({"step": [names.get(c, c) for c in row.index],
                           "date": pd.to_datetime(row.to_numpy())})
    marks: list[Any] = [alt.Chart(events).mark_point(filled=True, size=80, color="#1565c0")
                        .encode(x=alt.X("date:T", title=None),
                                y=alt.Y("step:N", title=None, sort=alt.SortField("date")),
                                tooltip=["step:N", alt.Tooltip("date:T", format="%d/%m/%Y")])]
    if not items.empty:
        bars = items.assign(label=items["step_from"] + " → " + items["step_to"],
                            start=items["from_date"], end=items["due"])
        bars = bars[["label", "start", "end", "status", "step_to"]].rename(
            columns={"step_to": "step"})
        marks.insert(0, alt.Chart(bars).mark_bar(opacity=0.35, height=10).encode(
            x="start:T", x2="end:T", y=alt.Y("step:N", sort=alt.SortField("start")),
            color=alt.Color("status:N", scale=alt.Scale(domain=list(STATUS_COLOURS),
                                                        range=list(STATUS_COLOURS.values()))),
            tooltip=["label:N", alt.Tooltip("end:T", title="due", format="%d/%m/%Y"),
                     "status:N"]))
    st.altair_chart(alt.layer(*marks), width="stretch")
    st.caption("Dots: the dates recorded. Bars: from each clock's start to its due date, "
               "on the row of the step it waits for, coloured by status.")

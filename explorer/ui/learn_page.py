"""Learn (for trainees): walk a child's journey with the clock running, a quiz, the glossary.

The journey is an immutable :class:`explorer.learning.journey.Journey` kept in the session;
each move stores the one before it, so undo is taking the last one back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import networkx as nx
import pandas as pd
import streamlit as st

from explorer.graph import ALL, flow_graph, starts
from explorer.learning.journey import (
    CLOSED,
    DEFAULT_START,
    Choice,
    ClockItem,
    Journey,
    advance,
    choices,
    clock,
    start_journey,
)
from explorer.learning.quiz import Question, make_quiz
from explorer.model.flowset import FlowSet
from explorer.model.kinds import KIND_WORDS, STATUS_COLOURS, STATUS_WORDS, WITHHELD
from explorer.model.wording import cite
from explorer.ui.common import flow_label, md
from explorer.ui.glossary_page import glossary_search
from explorer.ui.state import PageState

TITLE = "Learn"
#: The page's state: every field session-only (a journey is a trainee's own walk).
STATE = PageState("learn", session=(
    "flow", "start", "journey", "history", "journey_of", "own_days", "days", "days_pos",
    "start_date", "quiz_flow", "quiz_seed", "quiz_n", "quiz_checked", "move_error", "timeline",
    "undo", "restart", "go", "clock_table", "q", "quiz_check", "glossary_search"))

#: The status colours of every page, and one for the steps of the journey itself.
CHART_COLOURS = {**STATUS_COLOURS, CLOSED: STATUS_COLOURS[WITHHELD], "step": "#1f6feb"}



def _name(G: nx.DiGraph, node: str) -> str:
    return str(G.nodes[node]["name"]) if node in G else node


# -- the journey ------------------------------------------------------------------------


def _journey_starts(G: nx.DiGraph) -> list[str]:
    own = [s for s in starts(G) if not G.nodes[s].get("external")]
    return own or sorted(n for n in G if not G.nodes[n].get("external"))[:1]


def _restart(flow_id: str, start: str, fs: FlowSet) -> None:
    STATE["journey"] = start_journey(flow_graph(fs, flow_id), start)
    STATE["history"] = ()
    STATE["journey_of"] = (flow_id, start)


def _move(flow_id: str, choice: Choice, fs: FlowSet) -> None:
    """A choice button: advance the journey, keeping the old one for undo."""
    journey: Journey = STATE["journey"]
    days = float(STATE["days"]) if STATE.get("own_days") else None
    try:
        new = advance(flow_graph(fs, flow_id), journey, choice, days, start=_start_date())
    except Exception as exc:  # a stale button after a change of flow: say so, keep the journey
        STATE["move_error"] = str(exc)
        return
    STATE["history"] = (*STATE.get("history", ()), journey)
    STATE["journey"] = new


def _start_date() -> dt.date:
    value = STATE.get("start_date")
    return value if isinstance(value, dt.date) else DEFAULT_START


def _undo() -> None:
    history = STATE.get("history", ())
    if history:
        STATE["journey"] = history[-1]
        STATE["history"] = history[:-1]


def _who_and_basis(fs: FlowSet, G: nx.DiGraph, step: str) -> str:
    """The step card's line on who acts (and who decides) and on what legal basis."""
    from explorer.learning.pathways import lane_name

    s = G.nodes[step]["step"]
    who = f"Who acts: {md(lane_name(fs, G, s.lane))}"
    if s.decided_by and s.decided_by != s.lane:
        who += f" · decided by {md(lane_name(fs, G, s.decided_by))}"
    basis = "; ".join(cite(lb, fs.sources) for lb in s.legal_basis)
    return who + ("  \nLegal basis: " + md(basis) if basis else
                  "  \nLegal basis: none recorded for this step (practice, not law)")


def _choice_label(G: nx.DiGraph, c: Choice) -> str:
    bits = [f"→ {_name(G, c.to)}"]
    if c.label:
        bits.append(c.label)
    if c.share is not None:
        bits.append(f"about {c.share:.0%} of cases")
    if c.likely_days is not None:
        bits.append(f"likely {c.likely_days:g} days")
    if c.repeat:
        bits.append("repeats")
    return " · ".join(bits)


def _clock_table(G: nx.DiGraph, fs: FlowSet, items: list[ClockItem]) -> pd.DataFrame:
    rows = []
    for it in items:
        ts = it.timescale
        rows.append({
            "Status": STATUS_WORDS.get(it.status, "· closed: branch not taken"
                                       if it.status == CLOSED else it.status),
            "Rule": it.rule,
            "From": _name(G, ts.from_.rsplit(":", 1)[-1]),
            "To": _name(G, ts.to.rsplit(":", 1)[-1]),
            "Kind": KIND_WORDS.get(ts.kind, ts.kind),
            "Started": it.started,
            "Due": it.due,
            "Done": it.done,
            "Why not counted": it.note if it.status in (CLOSED, "withheld") else "",
            "Legal basis": "; ".join(cite(lb, fs.sources) for lb in ts.legal_basis),
        })
    return pd.DataFrame(rows)


def timeline_rows(G: nx.DiGraph, journey: Journey, items: list[ClockItem]
                  ) -> list[dict[str, Any]]:
    """Bars for the chart: each step from its day to the next step's, then each clock."""
    rows: list[dict[str, Any]] = []
    visits = journey.visits
    for i, v in enumerate(visits):
        later = [w.day for w in visits[i + 1:] if w.day >= v.day]
        end = later[0] if later else v.day
        rows.append({"row": f"{i + 1}. {_name(G, v.step)}", "order": i, "start": v.day,
                     "end": end, "type": "step", "what": "Step reached"})
    for j, it in enumerate(items):
        ts = it.timescale
        label = (f"Clock: {it.rule} ({_name(G, ts.from_.rsplit(':', 1)[-1])} → "
                 f"{_name(G, ts.to.rsplit(':', 1)[-1])})")
        rows.append({"row": label, "order": len(visits) + j, "start": it.started_day,
                     "end": it.due_day, "type": it.status,
                     "what": STATUS_WORDS.get(it.status, it.status)})
    return rows


def _timeline(G: nx.DiGraph, journey: Journey, items: list[ClockItem]) -> None:
    df = pd.DataFrame(timeline_rows(G, journey, items))
    rows = list(df.sort_values("order")["row"])
    # The legend reads status words (never ids such as due_soon) and says what it shows.
    words = {"step": "Step reached", **STATUS_WORDS}
    df["type"] = [words.get(t, t) for t in df["type"]]
    colour = alt.Color("type:N", title="Step or clock", scale=alt.Scale(
        domain=[words.get(k, k) for k in CHART_COLOURS], range=list(CHART_COLOURS.values())))
    y = alt.Y("row:N", sort=rows, title=None, axis=alt.Axis(labelLimit=420))
    tooltip = [alt.Tooltip("row:N", title="What"), alt.Tooltip("what:N", title="Status"),
               alt.Tooltip("start:Q", title="From day", format=".1f"),
               alt.Tooltip("end:Q", title="To day", format=".1f")]
    base = alt.Chart(df)
    bars = base.mark_bar(height=12).encode(x=alt.X("start:Q", title="Day of the journey"),
                                           x2="end:Q", y=y, color=colour, tooltip=tooltip)
    # Arrivals as points: a step passed the same day still shows.
    shape = alt.Shape("type:N", title="Step or clock")
    points = base.mark_point(filled=True, size=60).encode(x="start:Q", y=y, color=colour,
                                                          shape=shape, tooltip=tooltip)
    chart = (bars + points).properties(height=max(120, 24 * len(rows)),
                                       title="The journey so far and its clocks")
    st.altair_chart(chart, width="stretch", key=STATE.key("timeline"))


def _journey_section(fs: FlowSet) -> None:
    st.subheader("Walk a child's journey", anchor=False)
    st.markdown("Choose at each step what happens next. The days spent on each move "
                "default to the flows' likely estimates; the legal clocks run as you go.")
    flow_ids = sorted(fs.flows)
    options = flow_ids + ([ALL] if len(flow_ids) > 1 else [])
    STATE.keep_valid("flow", options, ALL if ALL in options else options[0])
    c1, c2, c3 = st.columns(3)
    flow_id = c1.selectbox("Flow", options, key=STATE.key("flow"),
                           format_func=lambda f: flow_label(fs, f))
    c3.date_input("The journey starts on", value=DEFAULT_START, format="DD/MM/YYYY",
                  key=STATE.key("start_date"), min_value=dt.date(1990, 1, 1),
                  max_value=dt.date(2100, 1, 1),
                  help="Day 0 of the walk: the clocks run on the real calendar from here, "
                  "working days as CHSA 2011 s.202 counts them.")
    start_date = _start_date()
    G = flow_graph(fs, flow_id)
    start_options = _journey_starts(G)
    STATE.keep_valid("start", start_options, start_options[0])
    start = c2.selectbox("Start at", start_options, key=STATE.key("start"),
                         format_func=lambda n: _name(G, n))
    if STATE.get("journey_of") != (flow_id, start) or "journey" not in STATE:
        _restart(flow_id, start, fs)
    journey: Journey = STATE["journey"]
    if err := STATE.pop("move_error"):
        st.warning(f"That move is not open now: {md(err)}")

    b1, b2, _ = st.columns([1, 1, 4])
    b1.button("Undo last move", key=STATE.key("undo"), on_click=_undo,
              disabled=not STATE.get("history"))
    b2.button("Restart", key=STATE.key("restart"), on_click=_restart, args=(flow_id, start, fs))

    moves = len(journey.visits) - 1
    today = start_date + dt.timedelta(days=int(journey.today))
    st.markdown(f"**Day {journey.today:g}** of the journey · {moves} move(s) so far · "
                f"{today:%A %d %B %Y}")
    open_choices = choices(G, journey)
    if journey.finished or not open_choices:
        last = journey.visits[-1].step
        node = G.nodes[last]
        where = ""
        if node.get("external"):
            other = fs.flows.get(node["flow"])
            where = f" The journey continues in {md(other.title if other else node['flow'])}."
        st.success(f"The journey has ended at **{md(node['name'])}** on day "
                   f"{journey.today:g}.{where} Undo or restart to try another path.")
    else:
        default = max(open_choices, key=lambda c: c.share or 0.0).likely_days or 0.0
        pos = (len(journey.visits), journey.tokens)
        if STATE.get("days_pos") != pos:
            # A new position: the days box starts again from the likely estimate here.
            STATE["days_pos"] = pos
            STATE["days"] = float(default)
        d1, d2 = st.columns([1, 2])
        own = d1.checkbox("Set the days spent myself", key=STATE.key("own_days"))
        d2.number_input("Days spent on the next move", min_value=0.0, max_value=3650.0,
                        step=1.0, key=STATE.key("days"), disabled=not own,
                        help="Otherwise each move takes its likely estimate")
        for tok in journey.tokens:
            s = G.nodes[tok]["step"]
            with st.container(border=True):
                st.markdown(f"**You are at: {md(s.name)}** (day {journey.day_of(tok) or 0:g})")
                st.markdown(md(s.description))
                st.caption(_who_and_basis(fs, G, tok))
                if s.child_and_family:
                    st.caption("The child and family: " + md(s.child_and_family))
                for c in (c for c in open_choices if c.frm == tok):
                    st.button(md(_choice_label(G, c)), key=STATE.key("go", c.frm, c.to),
                              on_click=_move, args=(flow_id, c, fs), width="stretch")

    items = clock(G, journey, start_date)
    st.markdown("**The clock**")
    if items:
        counts = {k: sum(1 for it in items if it.status == k) for k in STATUS_WORDS}
        closed = sum(1 for it in items if it.status == CLOSED)
        st.caption(" · ".join([*(f"{STATUS_WORDS[k]}: {n}" for k, n in counts.items() if n),
                               *([f"· closed: {closed}"] if closed else [])]))
        st.dataframe(_clock_table(G, fs, items), hide_index=True, width="stretch",
                     key=STATE.key("clock_table"))
        st.caption("The clocks are the Track page's own: dated on the calendar from the start "
                   "date, working days as s.202 counts them. A window left unused (an appeal) "
                   "and the clock of a branch not taken are not counted.")
    else:
        st.caption("No legal clock has started yet.")
    _timeline(G, journey, items)


# -- the quiz ---------------------------------------------------------------------------


def _quiz_section(fs: FlowSet) -> None:
    st.subheader("Quiz", anchor=False)
    st.markdown("Questions made from the flows' time limits. Each answer comes with its "
                "source. Change the quiz number for a new set.")
    flow_ids = sorted(fs.flows)
    options = [ALL, *flow_ids] if len(flow_ids) > 1 else flow_ids
    STATE.keep_valid("quiz_flow", options, options[0])
    c1, c2, c3 = st.columns([2, 1, 1])
    flow_id = c1.selectbox("Questions about", options, key=STATE.key("quiz_flow"),
                           format_func=lambda f: flow_label(fs, f))
    seed = int(c2.number_input("Quiz number", min_value=0, max_value=9999, value=1, step=1,
                               key=STATE.key("quiz_seed")))
    n = int(c3.number_input("Questions", min_value=1, max_value=20, value=5, step=1,
                            key=STATE.key("quiz_n")))
    quiz = make_quiz(fs, flow_id, n=n, seed=seed)
    if not quiz:
        st.info("This flow has no numbered, cited time limit to ask about.")
        return
    quiz_id = f"{flow_id}_{seed}_{n}"
    checked = STATE.get("quiz_checked") == quiz_id
    answers: list[str | None] = []
    for i, q in enumerate(quiz):
        answers.append(st.radio(f"{i + 1}. {md(q.text)}", q.options, index=None,
                                key=STATE.key("q", quiz_id, i), format_func=md))
        if checked:
            _feedback(q, answers[-1])
    st.button("Check my answers", key=STATE.key("quiz_check"), on_click=_check, args=(quiz_id,),
              type="primary")
    if checked:
        right = sum(1 for q, a in zip(quiz, answers, strict=True) if a == q.answer)
        st.markdown(f"**Score: {right} of {len(quiz)}**")


def _check(quiz_id: str) -> None:
    STATE["quiz_checked"] = quiz_id


def _feedback(q: Question, answer: str | None) -> None:
    if answer is None:
        st.info(f"Not answered. The answer: **{md(q.answer)}**.")
    elif answer == q.answer:
        st.success(f"Right: **{md(q.answer)}**.")
    else:
        st.warning(f"Not quite: the answer is **{md(q.answer)}**.")
    st.caption(f"{md(q.explanation)}  \nSource: {md(q.source)}")


# -- the page ---------------------------------------------------------------------------


def render(fs: FlowSet) -> None:
    st.title("Learn the system", anchor=False)
    st.markdown("For trainees: walk a child's journey, test yourself, look terms up. A "
                "learning aid, not legal advice.")
    if not fs.flows:
        st.info("No flow could be loaded, so there is no journey or quiz; the glossary "
                "still works.")
        glossary_search(fs, key=STATE.key("glossary_search"))
        return
    t1, t2, t3 = st.tabs(["Walk a journey", "Quiz", "Glossary"])
    with t1:
        _journey_section(fs)
    with t2:
        _quiz_section(fs)
    with t3:
        glossary_search(fs, key=STATE.key("glossary_search"))

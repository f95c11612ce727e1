"""Pathways (for panel members): from a hearing or any step, what can be decided and what follows.

The analysis is :func:`explorer.learning.pathways.pathway`; this page only lays it out. The
URL carries ``flow`` and ``step`` so a view can be shared.
"""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pandas as pd
import streamlit as st

from explorer.graph import ALL, flow_graph
from explorer.learning.pathways import (
    QUICK_STEPS,
    Citation,
    Deadline,
    Decision,
    Outcome,
    Pathway,
    Right,
    default_step,
    hearing_steps,
    pathway,
)
from explorer.model.flowset import FlowSet
from explorer.render.common import KIND_SHAPES
from explorer.ui.common import flow_label, md
from explorer.ui.details import safe_url
from explorer.ui.state import PageState

#: The page's state: the flow and the step are a deep link (``?flow=...&step=...``).
STATE = PageState("pathways", url=("flow", "step"), session=(
    "only_hearings", "decision_date", "print", "quick", "opts", "outcomes"))

TITLE = "Pathways"

#: Printing a hearing's page: the menu, toolbar and controls are left out and the
#: summary fits one page. Static CSS (no text from a flow or an upload goes in).
PRINT_CSS = """<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stSidebarCollapsedControl"], [data-testid="stDecoration"], .stButton,
  .stSelectbox, .stCheckbox, .stDateInput, .stToggle { display: none !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  [data-testid="stHorizontalBlock"] { flex-wrap: nowrap !important; }
  [data-testid="stColumn"] { min-width: 0 !important; flex: 1 1 0 !important; }
  html { font-size: 9px !important; }
  @page { size: A4; margin: 10mm; }
}
</style>"""
#: Outcomes listed per option: the rest are summed, so a long tail does not bury the table.
TOP_OUTCOMES = 5


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached(flow_id: str, step: str, _fs: FlowSet, _key: int) -> tuple[FlowSet, Pathway]:
    return _fs, pathway(_fs, flow_graph(_fs, flow_id), step)


def _pathway(flow_id: str, step: str, fs: FlowSet) -> Pathway:
    """The pathway, cached per FlowSet (the data layer keeps one per file content)."""
    owner, p = _cached(flow_id, step, fs, id(fs))
    if owner is not fs:
        # An id can be reused once a FlowSet is dropped: never serve another set's answer.
        p = pathway(fs, flow_graph(fs, flow_id), step)
    return p



def _flow_of_step(fs: FlowSet, step: str) -> str | None:
    for fid, flow in sorted(fs.flows.items()):
        if any(s.id == step for s in flow.steps):
            return fid
    return None


def _init_from_query(fs: FlowSet, options: list[str]) -> None:
    """Deep link: flow and step from the URL, read once a visit of the page."""
    link = STATE.read_url()
    flow, step = link.get("flow"), link.get("step")
    if flow in options:
        STATE["flow"] = flow
    elif step and _flow_of_step(fs, step):
        STATE["flow"] = _flow_of_step(fs, step)
    if step:
        STATE["step"] = step
        # A linked step that is not a hearing must still be selectable.
        STATE["only_hearings"] = False


def _pick(fs: FlowSet, step: str) -> None:
    """A quick button: open the step in the flow that holds it."""
    fid = _flow_of_step(fs, step)
    if fid and STATE.get("flow") != ALL:
        STATE["flow"] = fid
    STATE["step"] = step


def _cite_line(c: Citation) -> str:
    url = safe_url(c.url)
    text = f"[{md(c.text)}]({url})" if url else md(c.text)
    return text + (f": {md(c.note)}" if c.note else "")


def _share(share: float | None) -> str:
    return f"about {share:.0%} of cases" if share is not None else "no share given"


def _outcomes_table(outcomes: tuple[Outcome, ...], fs: FlowSet) -> pd.DataFrame:
    rows = []
    for o in outcomes[:TOP_OUTCOMES]:
        where = ""
        if o.external_flow:
            flow = fs.flows.get(o.external_flow)
            where = f"continues in {flow.title if flow else o.external_flow}"
        rows.append({"Ends at": o.name, "Chance": f"{o.probability:.0%}", "Note": where})
    rest = sum(o.probability for o in outcomes[TOP_OUTCOMES:])
    if rest > 0:
        rows.append({"Ends at": f"{len(outcomes) - TOP_OUTCOMES} other end(s)",
                     "Chance": f"{rest:.0%}", "Note": ""})
    return pd.DataFrame(rows)


def _decision(fs: FlowSet, G: nx.DiGraph, d: Decision, key: str,
              summary: bool = False) -> None:
    via = ""
    if d.via:
        via = " (after " + " → ".join(md(G.nodes[v]["name"]) for v in d.via if v in G) + ")"
    st.markdown(f"#### {md(d.name)}")
    st.caption(f"Decided by: {md(d.decided_by)}{via}")
    if not summary:  # the printable summary keeps to the options
        st.markdown(md(d.description))
    for o in d.options:
        head = f"**{md(o.label or o.name)}** → {md(o.name)} · {_share(o.share)}"
        if o.share is not None and o.share_basis:
            head += f" ({md(o.share_basis)})"
        if o.repeat:
            head += " · goes back to an earlier step"
        if summary:  # the printable summary: one line an option, nothing folded away
            st.markdown(f"- {head}")
            continue
        with st.expander(head.replace("**", ""), expanded=False):
            st.markdown(head)
            if o.then:
                st.markdown("What follows: " + "; ".join(
                    f"{md(n.name)}" + (f" ({md(n.label)})" if n.label else "")
                    for n in o.then))
            elif o.kind == "outcome":
                st.markdown("The journey ends here.")
            st.markdown("Where it can end, from here:")
            st.dataframe(_outcomes_table(o.outcomes, fs), hide_index=True, width="stretch",
                         key=f"{key}_{d.step}_{o.step}")


def _deadline_line(d: Deadline, compact: bool = False) -> str:
    conf = ("**unverified**" if d.unverified else md(d.confidence_words))
    line = (f"**{md(d.rule)}**: from {md(d.from_name)} to {md(d.to_name)} "
            f"({md(d.kind)}; confidence: {conf})")
    if compact:  # the printable summary: the rule and its ends, one line each
        return line
    if d.consequence:
        line += f"  \nIf missed: {md(d.consequence)}"
    if d.applies_when:
        line += f"  \nApplies when: {md(d.applies_when)}"
    if d.citations:
        line += "  \nLegal basis: " + "; ".join(_cite_line(c) for c in d.citations)
    return line


def render(fs: FlowSet) -> None:
    st.title("Pathways from a hearing", anchor=False)
    if STATE.get("print"):  # the printable summary keeps to the hearing itself
        st.caption("One-page summary. A learning and planning aid, not legal advice.")
    else:
        _intro()
    _body(fs)


def _intro() -> None:
    st.markdown("For panel members: pick a hearing (or any step) to see what can be decided "
                "there, what follows each decision and how likely each end is, which time "
                "limits apply, who may attend and what the child and family can do. "
                "Shares are illustrative unless marked otherwise. A learning and planning "
                "aid, not legal advice.")


def _body(fs: FlowSet) -> None:
    flow_ids = sorted(fs.flows)
    if not flow_ids:
        st.info("No flow could be loaded, so there are no pathways to show.")
        return
    options = flow_ids + ([ALL] if len(flow_ids) > 1 else [])
    _init_from_query(fs, options)
    if STATE.get("flow") not in options:
        # The flow that holds the first quick pick (the grounds hearing) opens first.
        first = next((f for s in QUICK_STEPS if (f := _flow_of_step(fs, s))), flow_ids[0])
        STATE["flow"] = first

    quick = [(s, f) for s in QUICK_STEPS if (f := _flow_of_step(fs, s))]
    if quick:
        cols = st.columns(len(quick))
        for col, (s, f) in zip(cols, quick, strict=True):
            name = fs.flows[f].step(s).name
            col.button(md(name), key=STATE.key("quick", s), on_click=_pick, args=(fs, s),
                       width="stretch", help=f"Show the pathways from the {md(name)}")

    c1, c2, c3 = st.columns([2, 3, 1])
    flow_id = c1.selectbox("Flow", options, key=STATE.key("flow"),
                           format_func=lambda f: flow_label(fs, f))
    G = flow_graph(fs, flow_id)
    STATE.setdefault("only_hearings", True)
    only = c3.checkbox("Hearings only", key=STATE.key("only_hearings"),
                       help="List only meetings and decisions tagged 'hearing'")
    names = {n: str(G.nodes[n]["name"]) for n in G}
    steps = hearing_steps(G) if only else sorted(
        (n for n in G if not G.nodes[n].get("external")), key=lambda n: names[n].casefold())
    if not steps:
        st.info("This flow has no step tagged as a hearing: untick 'Hearings only' to pick "
                "any step.")
        return
    if STATE.get("step") not in steps:
        fallback = default_step(G)
        STATE["step"] = fallback if fallback in steps else steps[0]
    step = c2.selectbox("Step", steps, key=STATE.key("step"), format_func=lambda n: names.get(n, n))
    STATE.write_url(flow=flow_id, step=step)

    p = _pathway(flow_id, step, fs)
    st.html(PRINT_CSS)
    summary = st.toggle("One-page summary (to print)", key=STATE.key("print"),
                        help="Everything on one page, nothing folded away; print it "
                             "from the browser (Ctrl+P). The menu and controls are left "
                             "out of the print.")
    st.header(md(p.name), anchor=False)
    meaning = KIND_SHAPES.get(p.kind, ("", "", p.kind))[2]
    caption = md(meaning[:1].upper() + meaning[1:])
    if p.decided_by:
        caption += f" · decided by {md(p.decided_by)}"
    st.caption(caption)
    st.markdown(md(p.description))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        _decisions_section(fs, G, p, summary)
    with right:
        _right_column(p, summary)


def _at_the_step(G: nx.DiGraph, p: Pathway, d: Decision) -> bool:
    """A decision made at the step itself: by its own decision maker, or the child's and
    family's answer there (accepting the grounds at a grounds hearing)."""
    s = G.nodes[d.step]["step"] if d.step in G else None
    family = s is not None and "family" in (s.decided_by or s.lane)
    return not p.decided_by or d.decided_by == p.decided_by or family


def _decisions_section(fs: FlowSet, G: nx.DiGraph, p: Pathway, summary: bool) -> None:
    own = [d for d in p.decisions if _at_the_step(G, p, d)]
    others = [d for d in p.decisions if d not in own]
    st.subheader("What can be decided", anchor=False)
    if own:
        for d in own:
            _decision(fs, G, d, STATE.key("opts"), summary)
    else:
        who = (f"the {md(p.decided_by[:1].lower() + p.decided_by[1:])}" if p.decided_by
               else "this step")
        if p.powers:
            st.markdown(f"What {who} can do here, from the flow:\n" + "\n".join(
                f"- {md(x)}" for x in p.powers))
        else:
            st.markdown("No decision of its own follows this step. What comes next:")
        st.markdown("\n".join(
            f"- {md(n.name)}" + (f" ({md(n.label)})" if n.label else "")
            + (f" · {_share(n.share)}" if n.share is not None else "")
            for n in p.next) or "Nothing: the journey ends here.")
    if others:
        st.subheader("What others decide next", anchor=False)
        if summary:  # named only: their options are on the steps' own pages
            st.markdown("; ".join(f"{md(d.name)} ({md(d.decided_by)})" for d in others))
        for d in others if not summary else ():
            _decision(fs, G, d, STATE.key("opts"), summary)
    st.subheader("Where it can end, from this step", anchor=False)
    if p.outcomes:
        if summary:
            st.markdown(" · ".join(f"{md(r['Ends at'])} {r['Chance']}" for r in
                                   _outcomes_table(p.outcomes, fs).to_dict("records")))
        else:
            st.dataframe(_outcomes_table(p.outcomes, fs), hide_index=True, width="stretch",
                         key=STATE.key("outcomes"))
        st.caption("Across the whole system, counting journeys that go round again (an "
                   "order continued and reviewed, a hearing deferred). Chances come "
                   "from the flows' shares (mostly illustrative) and assume each "
                   "decision is independent.")
    if summary:  # the advice's meaning is the page's, in full; the summary names it
        return
    if p.advice:
        st.subheader("What the advice to the court means", anchor=False)
        st.markdown("\n".join(f"- {md(s)}" for s in p.advice.sentences))
        if p.advice.citations:
            st.markdown("Legal basis: " + "; ".join(_cite_line(c)
                                                     for c in p.advice.citations))
        for name, desc in p.advice.then:
            st.markdown(f"**{md(name)}**: {md(desc)}")
        st.caption("Quoted from the flow's own text and legal basis.")


def _right_column(p: Pathway, summary: bool = False) -> None:
    _rights_section(p, summary)
    st.subheader("Deadlines that apply", anchor=False)
    if not p.deadlines:
        st.markdown("No time limit runs into, out of or just after this step.")
    # The printable summary keeps to the clocks of the hearing itself.
    relations = ("into this step", "out of this step") + (
        () if summary else ("at a step that follows",))
    for rel in relations:
        group = [d for d in p.deadlines if d.relation == rel]
        if group:
            st.markdown(f"**{rel.capitalize()}**")
            st.markdown("\n".join(f"- {_deadline_line(d, summary)}" for d in group))
    st.subheader("Who may attend", anchor=False)
    joiner = "; " if summary else "\n"
    st.markdown(joiner.join(("" if summary else "- ") + md(a) for a in p.attendees)
                if p.attendees else "The flow lists no attendees for this step.")
    st.subheader("What the child and family can do", anchor=False)
    st.markdown(md(p.child_and_family) if p.child_and_family
                else "The flow says nothing specific for this step.")
    if p.citations:
        st.subheader("Legal basis of this step", anchor=False)
        st.markdown(joiner.join(("" if summary else "- ") + _cite_line(c)
                                for c in p.citations))


def _date_words(day: dt.date) -> str:
    """A date as people write it: "Monday 25 January 2026" (never a timestamp)."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _right_line(r: Right, start: dt.date, compact: bool = False) -> str:
    day = r.deadline(start)
    when = "not before" if r.earliest else "by"
    line = (f"**{md(r.what)}**: {md(r.rule)} from {md(r.from_name)}; counted from "
            f"{_date_words(start)}, {when} **{_date_words(day)}**")
    if r.applies_when and not compact:
        line += f"  \nApplies to: {md(r.applies_when)}"
    if r.consequence and not compact:
        line += f"  \nIf missed: {md(r.consequence)}"
    if r.citations:
        line += "  \nLegal basis: " + "; ".join(_cite_line(c) for c in r.citations)
    return line


def _rights_section(p: Pathway, summary: bool = False) -> None:
    st.subheader("What the child and relevant persons can do next", anchor=False)
    if not p.rights:
        st.markdown("The flows record no appeal or review the family can ask for with a "
                    "time limit after this step.")
        return
    start = st.date_input("Date of the decision", key=STATE.key("decision_date"),
                          value=dt.date.today(),
                          format="DD/MM/YYYY",
                          help="The deadlines below are counted from this date on the real "
                               "calendar (working days as the Children's Hearings "
                               "(Scotland) Act 2011 s.202 defines them)")
    if not isinstance(start, dt.date):
        return
    st.markdown("\n".join(f"- {_right_line(r, start, summary)}" for r in p.rights))
    if summary:
        return
    st.caption("Each limit and its legal basis is the flows' own. A clock that starts at a "
               "later step (the appeal being lodged, the sheriff's decision) is counted "
               "here from the same date: the real deadline runs from the day that step "
               "happens.")

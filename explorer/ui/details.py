"""The details of one step, shown beside the map (and on any page that wants them)."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

import networkx as nx
import streamlit as st

from explorer.analysis.drift import drift_risks
from explorer.graph import step_id
from explorer.model import LegalBasis, Timescale
from explorer.model.flowset import FlowSet
from explorer.model.kinds import CONFIDENCE_WORDS, KIND_WORDS
from explorer.model.wording import timescale_label
from explorer.render.common import (
    KIND_SHAPES,
    edge_timescales,
    graph_lanes,
    timescales_touching,
)
from explorer.ui.common import md

_URL_OK = re.compile(r"^https://[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%()]+$")



def _confidence(level: str) -> str:
    # "low" is said plainly, in bold: nothing unverified may read as settled law.
    words = md(CONFIDENCE_WORDS.get(level, level))
    return f"**{words}**" if level == "low" else words


def safe_url(url: str | None) -> str | None:
    """An https URL fit for a Markdown link (brackets encoded), or None."""
    if not url or not _URL_OK.match(url):
        return None
    return quote(url, safe=":/?#@!$&'*+,;=%-._~").replace("(", "%28").replace(")", "%29")


def _citation(fs: FlowSet, lb: LegalBasis) -> str:
    src = fs.sources.get(lb.source)
    name = src.short if src else lb.source
    text = f"{md(name)}, {md(lb.provision)}"
    url = safe_url(lb.url) or safe_url(src.url if src else None)
    line = f"[{text}]({url})" if url else text
    if lb.note:
        line += f": {md(lb.note)}"
    return line


def _ts_line(G: nx.DiGraph, ts: Timescale, other: str, direction: str) -> str:
    sid = step_id(other)
    name = G.nodes[sid]["name"] if sid in G else sid
    kind = KIND_WORDS.get(ts.kind, ts.kind)
    line = (f"**{md(timescale_label(ts))}** {direction} {md(name)} ({md(kind)}; "
            f"{_confidence(ts.confidence)})")
    if ts.consequence:
        line += f". If missed: {md(ts.consequence)}"
    if ts.applies_when:
        line += f". Applies when: {md(ts.applies_when)}"
    return line


def render_details(fs: FlowSet, G: nx.DiGraph, node: str, *,
                   go_to: Callable[[str], None] | None = None, key: str = "details") -> None:
    """Description, family's part, legal basis, timescales, what next, who decides."""
    if node not in G:
        st.info("That step is not in this view.")
        return
    data = G.nodes[node]
    s = data["step"]
    lanes = {li.id: li.name for li in graph_lanes(G, fs.flows)}
    kind_text = KIND_SHAPES.get(s.kind, ("", "", s.kind))[2]
    st.subheader(md(s.name), anchor=False)
    flow = fs.flows.get(data.get("flow"))
    st.caption(f"{md(kind_text)} · {md(lanes.get(s.lane, s.lane))}"
               + (f" · in {md(flow.title)}" if flow else "")
               + f" · step id `{s.id}`")
    if node in drift_risks(G):
        st.warning("No time limit covers this step: a case can wait here with no clock "
                   "running (a drift risk).", icon="⚠️")
    st.markdown(md(s.description))
    if s.child_and_family:
        st.markdown("**The child and family**")
        st.markdown(md(s.child_and_family))
    if s.decided_by or s.attendees or s.kind in ("decision", "meeting"):
        st.markdown("**Who decides**")
        who = lanes.get(s.decided_by or s.lane, s.decided_by or s.lane)
        st.markdown(md(who) + (" (the lane that acts)" if not s.decided_by else ""))
        if s.attendees:
            st.markdown("Who may attend: " + ", ".join(md(a) for a in s.attendees))
    st.markdown("**Legal basis**")
    if s.legal_basis:
        st.markdown("\n".join(f"- {_citation(fs, lb)}" for lb in s.legal_basis))
    else:
        st.markdown("None is cited for this step.")
    into, out = timescales_touching(G, node)
    st.markdown("**Timescales**")
    lines = [f"- {_ts_line(G, ts, ts.from_, 'after')}" for ts in into]
    lines += [f"- {_ts_line(G, ts, ts.to, 'until')}" for ts in out]
    st.markdown("\n".join(lines) if lines else "No timescale runs into or out of this step.")
    st.markdown("**What can happen next**")
    succ = sorted(G.successors(node), key=lambda v: str(G.nodes[v]["name"]))
    if not succ:
        st.markdown("Nothing: the journey ends here." if s.kind == "outcome" else
                    "Nothing further in this view.")
    for v in succ:
        ed = G.edges[node, v]
        bits = [f"**{md(G.nodes[v]['name'])}**"]
        if ed.get("label"):
            bits.append(md(ed["label"]))
        if ed.get("repeat"):
            bits.append("(repeats)")
        if ed.get("share") is not None:
            bits.append(f"about {ed['share'].value:.0%} of cases ({md(ed['share'].basis)})")
        bits.extend(md(timescale_label(ts)) for ts in edge_timescales(G, node, v))
        if G.nodes[v].get("external"):
            other = fs.flows.get(G.nodes[v]["flow"])
            bits.append(f"(in {md(other.title if other else G.nodes[v]['flow'])})")
        cols = st.columns([4, 1]) if go_to else [st.container()]
        cols[0].markdown("- " + " · ".join(bits))
        if go_to:
            cols[1].button("Open", key=f"{key}_go_{node}_{v}", on_click=go_to, args=(v,),
                           help=f"Show the details of {md(G.nodes[v]['name'])}")
    prev = sorted(G.predecessors(node), key=lambda v: str(G.nodes[v]["name"]))
    if prev:
        st.markdown("**Comes after:** " + ", ".join(md(G.nodes[p]["name"]) for p in prev))
    if s.tags:
        named = fs.tag_names
        st.markdown("**Tags:** " + ", ".join(md(named.get(t, t)) for t in s.tags))
    if s.confidence != "high":
        st.caption(f"This step's content is {_confidence(s.confidence)} (see Sources).")

"""Sources: the bibliography, each flow's date, what confidence means; not legal advice."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.model.flowset import FlowSet
from explorer.ui.common import md
from explorer.ui.details import safe_url

TITLE = "Sources"

DISCLAIMER = ("This is a learning and planning aid, **not legal advice**. The law and "
              "guidance change; check the primary sources, and take advice from your "
              "organisation's legal team, before acting on a case.")

CONFIDENCE = {
    "high": "Checked against the primary text (the Act, regulations or court rules) or "
            "official guidance.",
    "medium": "From a reliable secondary source, or an interpretation where the primary "
              "text is not explicit.",
    "low": "Unverified: a working assumption or a local practice that varies; the app "
           "says so wherever it is shown. Treat with care.",
}

_KIND_ORDER = ["act", "regulations", "court_rules", "guidance", "case_law", "research",
               "statistics", "other"]
_KIND_NAMES = {"act": "Acts", "regulations": "Regulations", "court_rules": "Court rules",
               "guidance": "Guidance", "case_law": "Case law", "research": "Research",
               "statistics": "Statistics", "other": "Other"}


def render(fs: FlowSet) -> None:
    st.title("Sources", anchor=False)
    st.info(DISCLAIMER, icon="⚖️")
    st.header("Flows and the date their law was checked", anchor=False)
    if fs.flows:
        st.dataframe(pd.DataFrame([
            {"Flow": f.title, "Id": f.id, "Law checked as of": f.as_of.isoformat(),
             "Jurisdiction": f.jurisdiction, "Steps": len(f.steps)}
            for f in sorted(fs.flows.values(), key=lambda f: f.id)]),
            hide_index=True, width="stretch")
    else:
        st.caption("No flow could be loaded.")
    st.header("What the confidence marks mean", anchor=False)
    st.markdown("\n".join(f"- **{k}**: {v}" for k, v in CONFIDENCE.items()))
    st.markdown("Timescales also say whether they are **statutory** (set by law: a maximum, a "
                "fixed day or a minimum) or a **guidance** or **local target**. Practice "
                "estimates of how long things take are not law and are never shown as if "
                "they were.")
    st.header("Bibliography", anchor=False)
    if not fs.sources:
        st.caption("No bibliography could be loaded.")
        return
    kinds = [k for k in _KIND_ORDER if any(s.kind == k for s in fs.sources.values())]
    pick = st.multiselect("Show kinds of source", kinds, key="sources_kinds",
                          format_func=lambda k: _KIND_NAMES.get(k, k), placeholder="All kinds")
    query = st.text_input("Search the bibliography", key="sources_search").strip().casefold()
    shown = 0
    for kind in kinds:
        if pick and kind not in pick:
            continue
        items = [s for s in sorted(fs.sources.values(), key=lambda s: s.title.casefold())
                 if s.kind == kind and (not query or query in s.title.casefold()
                                        or query in s.short.casefold())]
        if not items:
            continue
        st.subheader(_KIND_NAMES.get(kind, kind), anchor=False)
        lines = []
        for s in items:
            url = safe_url(s.url)
            title = f"[{md(s.title)}]({url})" if url else md(s.title)
            extra = ", ".join(md(x) for x in (s.publisher, str(s.year) if s.year else None) if x)
            line = f"- **{md(s.short)}**: {title}" + (f" ({extra})" if extra else "")
            if s.note:
                line += f". {md(s.note)}"
            lines.append(line)
        shown += len(items)
        st.markdown("\n".join(lines))
    st.caption(f"{shown} of {len(fs.sources)} sources shown.")

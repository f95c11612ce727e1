"""Your own flow: upload a YAML flow, see its problems by line, explore it. Nothing is stored."""

from __future__ import annotations

import streamlit as st

from explorer.analysis.diff import diff_flows
from explorer.model import Flow
from explorer.model.flowset import FlowSet
from explorer.model.problems import Problem
from explorer.ui.common import md, show_problems
from explorer.ui.data import flowset_with_upload, safe_upload_name, shipped_flowset
from explorer.ui.explore import EXPLORE_SESSION, EXPLORE_URL, explore
from explorer.ui.state import PageState
from explorer.views.variants import diff_frame, national_of

TITLE = "Your own flow"
#: Flows are small; this is far above any real one and below the server's limit.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: The most steps an uploaded flow may have to be explored here (the whole system has ~180).
MAX_UPLOAD_STEPS = 5000
#: No deep links (an upload cannot be linked to): every field is session-only.
STATE = PageState("upload", session=(*EXPLORE_URL, *EXPLORE_SESSION, "file", "last",
                                            "difftable"))


def render(fs: FlowSet) -> None:
    st.title("Explore your own flow", anchor=False)
    st.markdown("Upload a flow written in the same YAML form as the shipped ones (a local "
                "authority's variant, or a draft). It is checked against the shipped "
                "bibliography and the other flows, and can be explored like them. "
                "**Nothing you upload is stored**: it is read in memory for this session "
                "only.")
    up = st.file_uploader("A flow file (YAML)", type=["yaml", "yml"], key=STATE.key("file"),
                          accept_multiple_files=False)
    if up is None:
        st.caption("The JSON Schema in flows/schema describes the form; `permanence-explorer "
                   "validate` checks a file on the command line.")
        return
    raw = up.getvalue()
    if len(raw) > MAX_UPLOAD_BYTES:
        st.error(f"That file is {len(raw) / 1_048_576:.1f} MB; a flow file may be at most "
                 f"{MAX_UPLOAD_BYTES // 1_048_576} MB.")
        return
    name = safe_upload_name(up.name)
    try:
        ufs, digest = flowset_with_upload(name, raw)
    except Exception as exc:  # a loader bug must not take the page down
        st.error(f"The file could not be read: {type(exc).__name__}: {md(str(exc))[:300]}")
        return
    shipped, _ = shipped_flowset()
    mine, caused, others = split_problems(ufs.problems, shipped.problems, name)
    uploaded = [fid for fid, doc in ufs.documents.items() if doc.path == name]
    if mine or caused:
        st.error(f"{md(up.name)}: {len(mine) + len(caused)} problem(s) found, all listed "
                 "below. Fix them and upload again.")
        lines = [str(p) for p in mine]
        lines += [f"{p} (in a shipped file, because of {up.name})" for p in caused]
        st.code("\n".join(lines), language=None, wrap_lines=True)
    elif uploaded:
        st.success(f"{md(up.name)} is a valid flow: {md(ufs.flows[uploaded[0]].title)}.")
    # Only what is wrong with the shipped flows themselves is reported as theirs.
    show_problems(others, heading="The shipped flows it was checked against have problems")
    if not uploaded:
        st.info("The file could not be read as a flow, so there is nothing to draw yet.")
        return
    steps = len(ufs.flows[uploaded[0]].steps)
    if steps > MAX_UPLOAD_STEPS:
        # A limit per session: laying out, outlining and tabulating grow with the steps,
        # and one upload must not hold a server thread for minutes.
        st.error(f"{md(up.name)} has {steps:,} steps; the app explores flows of up to "
                 f"{MAX_UPLOAD_STEPS:,} steps. The command line (permanence-explorer "
                 "validate, routes, export) works on larger flows.")
        return
    _variant_section(shipped, ufs.flows[uploaded[0]])
    STATE.setdefault("flow", uploaded[0])
    if STATE.get("last") != digest:
        # A new file: start on its own map, not whichever flow was open before.
        STATE["last"] = digest
        STATE["flow"] = uploaded[0]
    explore(ufs, digest, STATE, national=shipped.flows)


def split_problems(problems: list[Problem], shipped: list[Problem], name: str
                   ) -> tuple[list[Problem], list[Problem], list[Problem]]:
    """The upload's own problems, those it causes in shipped files, and the shipped flows'
    own (the ones they have without the upload): a broken upload is never reported as a
    problem of the shipped flows."""
    own = {str(p) for p in shipped}
    mine = [p for p in problems if p.path == name]
    caused = [p for p in problems if p.path != name and str(p) not in own]
    others = [p for p in problems if p.path != name and str(p) in own]
    return mine, caused, others


def _variant_section(shipped: FlowSet, flow: Flow) -> None:
    national = national_of(shipped.flows, flow)
    if national is None:
        return
    d = diff_flows(national, flow, shipped.sources)
    st.subheader(f"What {md(flow.title)} changes against {md(national.title)}", anchor=False)
    if d.same:
        st.markdown("No step, transition or time limit differs from the national flow.")
        return
    counts = d.counts
    st.markdown("; ".join(
        f"**{item}s**: " + ", ".join(f"{n} {c}" for c, n in counts[item].items() if n)
        for item in counts if any(counts[item].values())) + ".")
    st.dataframe(diff_frame(d), hide_index=True, width="stretch", key=STATE.key("difftable"))
    st.caption("Compared by meaning: steps by id, transitions by their two ends, time limits "
               "by id. The same list on the command line: permanence-explorer diff.")


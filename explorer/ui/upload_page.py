"""Your own flow: upload a YAML flow, see its problems by line, explore it. Nothing is stored."""

from __future__ import annotations

import streamlit as st

from explorer.model.flowset import FlowSet
from explorer.ui.common import md, show_problems
from explorer.ui.data import flowset_with_upload, safe_upload_name
from explorer.ui.explore import explore

TITLE = "Your own flow"
#: Flows are small; this is far above any real one and below the server's limit.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: The most steps an uploaded flow may have to be explored here (the whole system has ~180).
MAX_UPLOAD_STEPS = 5000


def render(fs: FlowSet) -> None:
    st.title("Explore your own flow", anchor=False)
    st.markdown("Upload a flow written in the same YAML form as the shipped ones (a local "
                "authority's variant, or a draft). It is checked against the shipped "
                "bibliography and the other flows, and can be explored like them. "
                "**Nothing you upload is stored**: it is read in memory for this session "
                "only.")
    up = st.file_uploader("A flow file (YAML)", type=["yaml", "yml"], key="upload_file",
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
    mine = [p for p in ufs.problems if p.path == name]
    others = [p for p in ufs.problems if p.path != name]
    uploaded = [fid for fid, doc in ufs.documents.items() if doc.path == name]
    if mine:
        st.error(f"{md(up.name)}: {len(mine)} problem(s) found. Fix them and upload again.")
        st.code("\n".join(str(p) for p in mine), language=None, wrap_lines=True)
    elif uploaded:
        st.success(f"{md(up.name)} is a valid flow: {md(ufs.flows[uploaded[0]].title)}.")
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
    st.session_state.setdefault("upload_flow", uploaded[0])
    if st.session_state.get("upload_last") != digest:
        # A new file: start on its own map, not whichever flow was open before.
        st.session_state["upload_last"] = digest
        st.session_state["upload_flow"] = uploaded[0]
    explore(ufs, digest, prefix="upload", deep_links=False)

"""How the pages keep state (explorer.ui.state): declared fields, keys namespaced by
page, deep links read once a visit, the address written back, case data forgotten on
leaving a page."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from explorer.ui.state import PageState, declared

TIMEOUT = 60


# -- declaring a page's state -------------------------------------------------------------


def test_a_fields_key_is_the_page_name_then_the_field() -> None:
    state = PageState("statedemo", url=("flow",), session=("step",))
    assert state.key("flow") == "statedemo_flow"
    assert state.key("step", "ird", 2) == "statedemo_step_ird_2"
    assert state.keys.step == "statedemo_step"


def test_a_field_the_page_did_not_declare_is_an_error() -> None:
    state = PageState("statetypo", session=("step",))
    with pytest.raises(KeyError, match="stepp"):
        state.key("stepp")
    with pytest.raises(KeyError, match="stepp"):
        _ = state.keys.stepp


def test_two_pages_cannot_keep_state_under_one_name() -> None:
    PageState("stateone", session=("a",))
    assert PageState("stateone", session=("a",)) == declared()["stateone"]  # re-imported
    with pytest.raises(ValueError, match="stateone"):
        PageState("stateone", session=("b",))


def test_a_page_name_with_an_underscore_is_refused_so_keys_cannot_overlap() -> None:
    # "a_b" + "c" and "a" + "b_c" would both be "a_b_c".
    with pytest.raises(ValueError, match="without '_'"):
        PageState("state_demo", session=("c",))


def test_a_field_is_a_url_parameter_or_session_only_not_both() -> None:
    with pytest.raises(ValueError, match="not both"):
        PageState("stateboth", url=("flow",), session=("flow",))


def test_writing_a_parameter_the_page_does_not_link_is_an_error() -> None:
    state = PageState("stateurl", url=("flow",), session=("step",))
    with pytest.raises(KeyError, match="step"):
        state.write_url(step="ird")


PAGE_MODULES = ("map_page", "learn_page", "pathways_page", "routes_page", "track_page",
                "measures_page", "upload_page")


def test_every_page_that_keeps_state_declares_it_under_its_own_name() -> None:
    states = [importlib.import_module(f"explorer.ui.{m}").STATE for m in PAGE_MODULES]
    assert len({s.page for s in states}) == len(states)
    for s in states:
        assert declared()[s.page] is s


# -- the address and a visit --------------------------------------------------------------


def _links_app() -> None:
    import streamlit as st

    from explorer.ui import state

    demo = state.PageState("linkdemo", url=("flow", "step", "aim"), multi=("aim",),
                           session=("seen",))
    if page := st.session_state.get("go_to"):
        state.enter(page)
    st.session_state.setdefault("reads", []).append(demo.read_url())
    if st.session_state.get("write"):
        demo.write_url(**st.session_state["write"])


def _links() -> AppTest:
    return AppTest.from_function(_links_app, default_timeout=TIMEOUT)


def test_a_deep_link_is_read_on_the_first_run_of_a_visit_only() -> None:
    at = _links()
    at.query_params["flow"] = "permanence"
    at.query_params["step"] = "looked_after"
    at.query_params["aim"] = ["a:b:84:0.9", "c:d:10:0.5"]
    at.run()
    at.run()
    assert at.session_state["reads"] == [
        {"flow": "permanence", "step": "looked_after", "aim": ("a:b:84:0.9", "c:d:10:0.5")},
        {}]  # the second run keeps what the user chose since


def test_coming_back_to_a_page_reads_its_link_again() -> None:
    at = _links()
    at.session_state["go_to"] = "linkdemo"
    at.query_params["flow"] = "permanence"
    at.run()
    at.session_state["go_to"] = "elsewhere"
    at.run()
    at.session_state["go_to"] = "linkdemo"
    at.run()
    at.run()
    reads = at.session_state["reads"]
    assert reads[0] == reads[2] == {"flow": "permanence"} and reads[3] == {}


def test_an_empty_parameter_is_no_deep_link() -> None:
    at = _links()
    at.query_params["flow"] = ""
    at.run()
    assert at.session_state["reads"] == [{}]


def test_writing_the_address_sets_and_clears_only_the_named_parameters() -> None:
    at = _links()
    at.query_params["flow"] = "permanence"
    at.query_params["step"] = "looked_after"
    at.query_params["other"] = "kept"
    at.session_state["write"] = {"step": None, "aim": ["x:y:1:1"], "flow": "all"}
    at.run()
    assert dict(at.query_params) == {"flow": "all", "aim": "x:y:1:1", "other": "kept"}


# -- case data -----------------------------------------------------------------------------


def _cases_app() -> None:
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from explorer.ui import caseinput, state

    demo = state.PageState("casedemo", session=("upload",))
    state.enter(st.session_state.get("page", "casedemo"))
    if st.session_state.get("page", "casedemo") == "casedemo":
        up = caseinput.case_upload(demo, "Case file", ["csv"])
        if up is not None:
            demo.case_data.put(("label", up.getvalue()))
            st.session_state["file_id"] = up.file_id
    st.session_state["held"] = demo.case_data.get()
    ctx = get_script_run_ctx()
    file_id = st.session_state.get("file_id")
    assert ctx is not None
    st.session_state["files_in_memory"] = (
        len(ctx.uploaded_file_mgr.get_files(ctx.session_id, [file_id])) if file_id else 0)


def test_case_data_is_held_while_its_page_is_on_show() -> None:
    at = AppTest.from_function(_cases_app, default_timeout=TIMEOUT).run()
    at.file_uploader(key="casedemo_upload").upload("cases.csv", b"case_id\nC1\n", "text/csv")
    at.run()
    assert at.session_state["held"] == ("label", b"case_id\nC1\n")
    assert at.session_state["files_in_memory"] == 1


def test_case_data_and_the_uploaded_file_are_forgotten_on_leaving_the_page() -> None:
    at = AppTest.from_function(_cases_app, default_timeout=TIMEOUT).run()
    at.file_uploader(key="casedemo_upload").upload("cases.csv", b"case_id\nC1\n", "text/csv")
    at.run()
    at.session_state["page"] = "map"
    at.run()
    assert at.session_state["held"] is None
    assert at.session_state["files_in_memory"] == 0  # deleted from the server's memory
    leftover: list[Any] = [k for k in at.session_state
                           if b"C1" in repr(at.session_state[k]).encode()]
    assert leftover == []


def _nav_app() -> None:
    import streamlit as st

    from explorer.ui import app, pages
    from explorer.ui.measures_page import STATE

    path = st.session_state.get("path", "measures")
    app._page_runner(next(p for p in pages.PAGES if p.url_path == path))()
    if path == "measures":
        STATE.case_data.put(("a log", b"case_id,step,date\n", "log.csv"))
    st.session_state["held"] = STATE.case_data.get()


def test_the_navigation_forgets_a_pages_case_data_when_another_page_is_shown() -> None:
    at = AppTest.from_function(_nav_app, default_timeout=TIMEOUT).run()
    assert at.session_state["held"] is not None
    at.run()  # still on Measures: kept
    assert at.session_state["held"] is not None
    at.session_state["path"] = "glossary"
    at.run()
    assert at.session_state["held"] is None

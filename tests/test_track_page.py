"""The Track page without a browser (AppTest): the example caseload, bad input, the form."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def _app() -> None:
    import datetime as dt

    import streamlit as st

    from explorer.io.load import load_flows
    from explorer.ui.track_page import render

    @st.cache_resource
    def shipped():  # type: ignore[no-untyped-def]
        return load_flows()  # the shipped flows, loaded once for every test's reruns

    # A fixed as-of date, so the example's statuses do not drift with the calendar.
    st.session_state.setdefault("track_as_of", dt.date(2026, 11, 22))
    render(shipped())


def _page() -> AppTest:
    at = AppTest.from_function(_app, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def test_page_says_nothing_uploaded_is_stored_logged_or_sent() -> None:
    at = _page()
    text = " ".join(i.value for i in at.info)
    assert "not stored" in text and "logged" in text and "sent" in text
    assert "go to another page" in text and "closing the tab" in text


MARKER = b"MARKER-CASE-7731"


def test_the_session_keeps_no_copy_of_an_uploaded_caseload() -> None:
    """Case data lives in the page's widgets only: the session holds no copy of it that
    would outlive the page (issue 12 item 9)."""
    at = _page()
    at.session_state["track_source"] = ("upload.csv", b"case_id,place_of_safety\n" + MARKER +
                                        b",2026-11-02\n")
    at.run()
    assert not at.exception and any("MARKER" in str(df.value) for df in at.dataframe)
    at.run()  # the next rerun: nothing was kept
    kept = [k for k in at.session_state if MARKER.decode() in repr(at.session_state[k])]
    assert kept == []
    assert not any("MARKER" in str(df.value) for df in at.dataframe)


def test_a_clock_with_no_column_is_counted_in_its_own_tile_and_listed() -> None:
    """Issue 11: a child placed on 02/06/2025 in a sheet with no lac_review_1 column."""
    at = _page()
    at.session_state["track_source"] = ("upload.csv", b"case_id,looked_after,placement\n"
                                        b"C1,02/06/2025,02/06/2025\n")
    at.run()
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["Not in your sheet"] >= 1 and metrics["Overdue"] == 0
    # The first table on show is the "Not in your sheet" list (nothing is overdue).
    assert any("Nothing is overdue" in m.value for m in at.markdown)
    missing = at.dataframe[0].value
    assert set(missing["status"]) == {"not_recorded"} and len(missing) >= 2


def test_report_is_offered_as_a_workbook_and_as_csv() -> None:
    at = _page()
    at.button(key="track_load_example").click().run()
    keys = {b.proto.id for b in at.get("download_button")}
    assert any("track_report_xlsx" in k for k in keys) and any("track_report" in k for k in keys)


def test_loading_the_example_shows_counts_by_status() -> None:
    at = _page()
    at.button(key="track_load_example").click().run()
    assert not at.exception and not at.error
    metrics = {m.label: int(m.value) for m in at.metric}
    assert set(metrics) == {"Met", "Missed (late)", "Overdue", "Due soon", "Pending",
                            "Too early", "Not in your sheet"}
    assert metrics["Overdue"] >= 1 and metrics["Too early"] == 1
    assert sum(metrics.values()) > 12


def test_example_dashboard_draws_the_drift_and_timeline_charts() -> None:
    at = _page()
    at.button(key="track_load_example").click().run()
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(specs) == 2
    assert "time taken" in json.dumps(specs[0])


def test_choosing_another_case_redraws_its_timeline() -> None:
    at = _page()
    at.button(key="track_load_example").click().run()
    at.selectbox(key="track_case").set_value("EXAMPLE-007").run()
    assert not at.exception and not at.error
    assert any("contradict" in c.value for c in at.caption)


def test_bad_upload_shows_row_problems_and_tracks_the_good_rows() -> None:
    at = _page()
    at.session_state["track_source"] = (
        "upload.csv", b"case_id,place_of_safety,grounds_hearing\nOK,2026-01-30,\n"
                      b"BAD,2026-02-30,\n")
    at.run()
    assert not at.exception
    assert any("0 row(s) skipped" in w.value for w in at.warning)
    assert any("row 2 (line 3), column 'place_of_safety'" in c.value for c in at.code)
    assert {m.label: int(m.value) for m in at.metric}["Overdue"] == 1


def test_empty_upload_is_an_error_message_not_a_trace() -> None:
    at = _page()
    at.session_state["track_source"] = ("empty.csv", b"")
    at.run()
    assert not at.exception
    assert any("empty" in e.value for e in at.error)


def test_one_case_form_tracks_the_entered_dates() -> None:
    import datetime as dt

    at = _page()
    at.date_input(key="track_f_place_of_safety").set_value(dt.date(2026, 11, 18))
    at.text_input(key="track_case_id").set_value("FORM-1")
    at.button[-1].click()  # the form's submit button is drawn last in the form
    at.run()
    assert not at.exception
    assert any("case FORM" in s.value.replace("\\", "") for s in at.subheader)
    assert {m.label: int(m.value) for m in at.metric}["Due soon"] == 1


def test_case_ids_shown_in_tables_are_neutralised_against_formulas() -> None:
    """Every table's toolbar offers a CSV download: a formula in a case id must not run."""
    at = _page()
    at.session_state["track_source"] = (
        "upload.csv", b'case_id,place_of_safety,grounds_hearing\n"=HYPERLINK(""x"")",'
                      b"2026-01-30,\n")
    at.run()
    assert not at.exception
    shown = {str(v) for df in at.dataframe for v in df.value.get("case", [])}
    assert shown == {"'=HYPERLINK(\"x\")"}

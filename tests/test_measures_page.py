"""The Measures page without a browser (AppTest): the example log, aims in the address,
disclosure control, each tab."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _app() -> None:
    import streamlit as st

    from explorer.io.load import load_flows
    from explorer.ui.measures_page import render

    @st.cache_resource
    def shipped():  # type: ignore[no-untyped-def]
        return load_flows()

    render(shipped())


def _page(aim: str | None = None) -> AppTest:
    at = AppTest.from_function(_app, default_timeout=90)
    if aim:
        at.query_params["aim"] = aim
    at.run()
    assert not at.exception
    return at


def _loaded(aim: str | None = None) -> AppTest:
    at = _page(aim)
    at.button(key="measures_load_example").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def test_the_page_says_nothing_is_stored_and_how_small_counts_are_suppressed() -> None:
    at = _page()
    assert "not stored" in " ".join(i.value for i in at.info)
    text = " ".join(m.value for m in at.markdown)
    assert "Disclosure control" in text and "Downloads suppress them by default" in text


def test_the_example_shows_the_pace_intervals_and_a_run_chart() -> None:
    at = _loaded()
    table = at.dataframe[0].value
    assert table["interval"].iloc[0] == "Becomes looked after → Review recommends permanence"
    assert table["completed"].iloc[0] > 0
    assert at.get("vega_lite_chart")
    assert any("Anhøj's rules on" in c.value for c in at.caption)


def test_a_local_aim_in_the_address_adds_its_interval_and_share() -> None:
    at = _loaded("permanence_recommendation:permanence_panel:84:0.9")
    table = at.dataframe[0].value
    assert "90% of children within 84 days" in table.columns
    assert "Adoption and permanence panel" in " ".join(table["interval"])


def test_a_bad_aim_in_the_address_is_a_warning_not_a_failure() -> None:
    at = _loaded("looked_after:nowhere:84:0.9")
    assert any("unknown step" in w.value and "nowhere" in w.value for w in at.warning)


def test_downloads_suppress_small_counts_by_default() -> None:
    at = _loaded()
    assert at.toggle(key="measures_suppress_dl").value is True
    assert at.toggle(key="measures_suppress_screen").value is False


def test_suppressing_on_screen_hides_counts_under_five() -> None:
    at = _loaded()
    at.toggle(key="measures_suppress_screen").set_value(True).run()
    chart_rows = at.dataframe[0].value
    assert all(v == "<5" or v == 0 or v >= 5 for v in chart_rows["waiting"])

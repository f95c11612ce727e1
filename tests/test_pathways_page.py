"""The Pathways page without a browser (AppTest), on the shipped flows."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.io.load import DEFAULT_FLOWS_DIR
from explorer.ui.data import FLOWS_DIR_ENV
from tests.apptest import ok
from tests.apptest import page as app_page
from tests.payloads import xss_flow_yaml


@pytest.fixture(autouse=True)
def flows_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FLOWS_DIR_ENV, str(DEFAULT_FLOWS_DIR))


def page() -> AppTest:
    return ok(app_page("explorer.ui.pathways_page").run())


def plain(at: AppTest) -> str:
    """Everything shown as text, with the Markdown escapes taken out."""
    parts = [*at.markdown, *at.caption, *at.header, *at.subheader, *at.title, *at.info]
    return "\n".join(str(e.value) for e in parts).replace("\\", "")


def decisions(at: AppTest) -> list[str]:
    return [m.value.removeprefix("#### ").replace("\\", "") for m in at.markdown
            if m.value.startswith("#### ")]


def test_opens_on_the_grounds_hearing_with_its_decisions() -> None:
    at = page()
    assert at.selectbox(key="pathways_flow").value == "care-and-protection"
    assert at.selectbox(key="pathways_step").value == "grounds_hearing"
    assert [h.value for h in at.header] == ["Grounds hearing"]
    assert decisions(at)[:4] == ["Are the grounds accepted?", "Grounds accepted - hearing decides",
                                 "Grounds not accepted - hearing decides",
                                 "Grounds not understood - hearing decides"]
    shown = plain(at)
    for heading in ("What can be decided", "Deadlines that apply", "Who may attend",
                    "What the child and family can do", "Where it can end, from this step"):
        assert heading in shown
    assert "about 45% of cases" in shown and "Three panel members" in shown
    assert "within 8 working days" in shown and "s.54(c)" in shown
    assert "(https://www.legislation.gov.uk/asp/2011/1/section/54)" in shown
    outcomes = at.dataframe[-1].value  # the step's own table comes after the options'

    assert "Chance" in outcomes.columns and len(outcomes) >= 3
    assert at.query_params["step"] == "grounds_hearing"


def test_picking_another_step_changes_the_decisions() -> None:
    at = page()
    before = decisions(at)
    at.selectbox(key="pathways_step").set_value("cso_review_hearing").run()
    ok(at)
    after = decisions(at)
    assert after != before and after == ["Review hearing decision"]
    assert "Order no longer necessary: terminated" in plain(at)
    assert at.query_params["step"] == "cso_review_hearing"


def test_quick_button_opens_the_advice_hearing_in_its_flow() -> None:
    at = page()
    at.button(key="pathways_quick_advice_hearing").click().run()
    ok(at)
    assert at.selectbox(key="pathways_flow").value == "permanence"
    assert at.selectbox(key="pathways_step").value == "advice_hearing"
    shown = plain(at)
    assert "What the advice to the court means" in shown
    assert "The court must have regard to the advice but need not follow it." in shown
    assert "s.141(1)-(4)" in shown
    assert at.query_params["flow"] == "permanence"


def test_hearings_only_filter_changes_the_step_list() -> None:
    at = page()
    hearings = at.selectbox(key="pathways_step").options
    at.checkbox(key="pathways_only_hearings").uncheck().run()
    ok(at)
    everything = at.selectbox(key="pathways_step").options
    assert len(everything) > len(hearings)
    at.selectbox(key="pathways_step").set_value("place_of_safety").run()
    ok(at)
    assert at.selectbox(key="pathways_step").value == "place_of_safety"
    shown = plain(at)
    assert "Out of this step" in shown and "within 8 working days" in shown
    assert "No decision step follows" not in shown  # the Reporter's decision follows it


def test_flow_choice_changes_the_hearings() -> None:
    at = page()
    at.selectbox(key="pathways_flow").set_value("permanence").run()
    ok(at)
    step = at.selectbox(key="pathways_step")
    assert "Advice hearing: review of the order" in step.options
    assert "Grounds hearing" not in step.options


def test_deep_link_opens_flow_and_step() -> None:
    at = app_page("explorer.ui.pathways_page")
    at.query_params["flow"] = "care-and-protection"
    at.query_params["step"] = "place_of_safety"
    ok(at.run())
    assert at.selectbox(key="pathways_step").value == "place_of_safety"
    assert not at.checkbox(key="pathways_only_hearings").value
    assert [h.value for h in at.header] == ["Child removed to a place of safety"]


def unescaped(at: AppTest) -> list[str]:
    """Shown strings in which a payload would be live Markdown or HTML."""
    parts = [*at.markdown, *at.caption, *at.header, *at.subheader, *at.info, *at.success,
             *at.warning]
    bad = re.compile(r"(?<!\\)<(script|img)|(?<!\\)\]\(javascript|(?<!\\):red\[")
    return [str(e.value) for e in parts if bad.search(str(e.value))]


def test_script_payloads_in_a_flow_stay_text(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "flows"
    shutil.copytree(DEFAULT_FLOWS_DIR, folder)
    (folder / "xss.yaml").write_bytes(xss_flow_yaml())
    monkeypatch.setenv(FLOWS_DIR_ENV, str(folder))
    at = app_page("explorer.ui.pathways_page")
    at.query_params["flow"] = "xss-flow"
    at.query_params["step"] = "start_here"
    ok(at.run())
    assert at.selectbox(key="pathways_step").value == "start_here"
    shown = "\n".join(str(m.value) for m in at.markdown)
    assert "script" in shown and "unverified" in shown  # the payload is shown, as text
    assert unescaped(at) == []
    at.selectbox(key="pathways_step").set_value("choose")
    ok(at.run())
    assert at.selectbox(key="pathways_step").value == "choose"
    assert unescaped(at) == []


def test_a_hearing_shows_the_familys_rights_on_the_real_calendar() -> None:
    import datetime as dt

    at = page()
    at.date_input(key="pathways_decision_date").set_value(dt.date(2026, 1, 5)).run()
    shown = plain(ok(at))
    assert "What the child and relevant persons can do next" in shown
    # 21 days beginning with the day of the decision (s.154(5)): day 1 is 5 January.
    assert "within 21 days" in shown and "by **Sunday 25 January 2026**" in shown
    assert "s.154" in shown and "s.157" in shown and "s.132" in shown
    assert "00:00:00" not in shown


def test_the_advice_hearing_lists_its_own_powers_apart_from_others_decisions() -> None:
    at = page()
    at.selectbox(key="pathways_flow").set_value("permanence").run()
    at.selectbox(key="pathways_step").set_value("advice_hearing").run()
    shown = plain(ok(at))
    assert "terminate, vary or continue the order" in shown
    assert "What others decide next" in shown
    assert "What does the advice say?" in decisions(at)


def test_the_one_page_summary_folds_nothing_away() -> None:
    at = page()
    assert at.expander
    at.toggle(key="pathways_print").set_value(True).run()
    ok(at)
    assert not at.expander
    assert "about 45% of cases" in plain(at)


def test_the_page_names_steps_never_by_their_ids() -> None:
    shown = plain(page())
    assert "grounds_hearing" not in shown and "step id" not in shown

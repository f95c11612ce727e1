"""The Learn page without a browser (AppTest): the journey walk, the quiz, the glossary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.io.load import DEFAULT_FLOWS_DIR
from explorer.ui.data import FLOWS_DIR_ENV
from tests.apptest import ok
from tests.apptest import page as app_page
from tests.payloads import xss_flow_yaml
from tests.test_pathways_page import unescaped


@pytest.fixture(autouse=True)
def flows_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FLOWS_DIR_ENV, str(DEFAULT_FLOWS_DIR))


def page() -> AppTest:
    return ok(app_page("explorer.ui.learn_page").run())


def moves(at: AppTest) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith("learn_go_")]


def day_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "of the journey" in m.value)


def timeline(at: AppTest) -> str:
    chart = at.get("vega_lite_chart")[0]
    return chart.proto.spec + json.dumps([d.data.data.hex() for d in chart.proto.datasets])


def go(at: AppTest, frm: str, to: str) -> None:
    at.button(key=f"learn_go_{frm}_{to}").click().run()
    ok(at)


def test_renders_the_start_of_a_journey() -> None:
    at = page()
    assert at.selectbox(key="learn_flow").value == "all"
    assert at.selectbox(key="learn_start").value == "concern_raised"
    assert moves(at) == ["learn_go_concern_raised_concern_route"]
    assert "Day 0" in day_line(at) and "0 move(s)" in day_line(at)
    assert "learn_journey" in at.session_state
    assert at.get("vega_lite_chart")


def test_a_choice_advances_the_journey_and_the_clock_and_timeline_change() -> None:
    at = page()
    before = timeline(at)
    go(at, "concern_raised", "concern_route")
    assert "1 move(s)" in day_line(at)
    assert "learn_go_concern_route_ird" in moves(at)
    go(at, "concern_route", "ird")
    after_ird = timeline(at)
    assert after_ird != before
    clock = at.dataframe[0].value
    assert len(clock) >= 1 and {"Status", "Rule", "Legal basis"} <= set(clock.columns)
    assert all(s.split(" ", 1)[1] in {"met", "missed (late)", "overdue", "pending",
                                       "too early"} for s in clock["Status"])


def test_own_days_make_a_clock_missed_and_undo_restart() -> None:
    at = page()
    go(at, "concern_raised", "concern_route")
    go(at, "concern_route", "ird")
    at.checkbox(key="learn_own_days").check().run()
    at.number_input(key="learn_days").set_value(400.0).run()
    ok(at)
    nxt = moves(at)[0]
    at.button(key=nxt).click().run()
    ok(at)
    assert "Day 4" in day_line(at)  # 400-odd days on
    statuses = " ".join(at.dataframe[0].value["Status"])
    assert "missed" in statuses or "overdue" in statuses
    at.button(key="learn_undo").click().run()
    ok(at)
    assert "2 move(s)" in day_line(at)
    at.button(key="learn_restart").click().run()
    ok(at)
    assert "0 move(s)" in day_line(at)
    assert at.button(key="learn_undo").disabled


def test_changing_the_flow_restarts_the_journey() -> None:
    at = page()
    go(at, "concern_raised", "concern_route")
    at.selectbox(key="learn_flow").set_value("permanence").run()
    ok(at)
    assert at.selectbox(key="learn_start").value == "looked_after"
    assert "0 move(s)" in day_line(at)
    assert all(k.startswith("learn_go_looked_after_") for k in moves(at))


def test_a_journey_reaches_an_end() -> None:
    at = page()
    at.selectbox(key="learn_flow").set_value("care-and-protection").run()
    for _ in range(80):
        keys = moves(at)
        if not keys:
            break
        # Walk forward to steps not seen yet, so a repeating review does not loop.
        seen = {v.step for v in at.session_state["learn_journey"].visits}
        fresh = [k for k in keys if not any(k.endswith(f"_{s}") for s in seen)] or keys
        at.button(key=fresh[0]).click().run()
        ok(at)
    assert any("The journey has ended" in s.value for s in at.success)


def test_quiz_feedback_and_score() -> None:
    at = page()
    radios = [r for r in at.radio if r.key and r.key.startswith("learn_q_")]
    assert len(radios) == 5
    assert not any("Score" in m.value for m in at.markdown)
    radios[0].set_value(radios[0].options[0]).run()
    at.button(key="learn_quiz_check").click().run()
    ok(at)
    feedback = [*at.success, *at.warning, *at.info]
    assert any(f.value.startswith(("Right", "Not quite")) for f in feedback)
    assert sum(1 for f in at.info if f.value.startswith("Not answered")) == 4
    assert any("Source:" in c.value for c in at.caption)
    score = next(m.value for m in at.markdown if "Score" in m.value)
    assert score in ("**Score: 0 of 5**", "**Score: 1 of 5**")


def test_quiz_number_changes_the_questions() -> None:
    at = page()
    first = [r.label for r in at.radio if r.key.startswith("learn_q_")]
    at.number_input(key="learn_quiz_seed").set_value(2).run()
    ok(at)
    assert [r.label for r in at.radio if r.key.startswith("learn_q_")] != first
    at.selectbox(key="learn_quiz_flow").set_value("permanence").run()
    ok(at)
    assert all(r.key.startswith("learn_q_permanence_") for r in at.radio
               if r.key.startswith("learn_q_"))


def test_glossary_search_filters() -> None:
    at = page()
    count = next(c.value for c in at.caption if c.value.endswith("terms."))
    at.text_input(key="learn_glossary_search").set_value("safeguarder").run()
    ok(at)
    filtered = next(c.value for c in at.caption if c.value.endswith("terms."))
    assert filtered != count and int(filtered.split()[0]) >= 1
    at.text_input(key="learn_glossary_search").set_value("zzzz-no-such-term").run()
    assert any(c.value.startswith("0 of") for c in at.caption)


def test_script_payloads_in_a_flow_stay_text(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "flows"
    shutil.copytree(DEFAULT_FLOWS_DIR, folder)
    (folder / "xss.yaml").write_bytes(xss_flow_yaml())
    monkeypatch.setenv(FLOWS_DIR_ENV, str(folder))
    at = ok(app_page("explorer.ui.learn_page").run())
    at.selectbox(key="learn_flow").set_value("xss-flow").run()
    at.selectbox(key="learn_quiz_flow").set_value("xss-flow").run()
    ok(at)
    assert unescaped(at) == []
    assert all("<script" not in b.label or "\\<script" in b.label for b in at.button)
    go(at, "start_here", "choose")
    assert unescaped(at) == []
    assert all("<script" not in r.label or "\\<script" in r.label for r in at.radio)


def test_the_journey_is_dated_from_a_start_date_the_trainee_can_change() -> None:
    import datetime as dt

    at = page()
    at.selectbox(key="learn_flow").set_value("care-and-protection").run()
    ok(at)
    before = list(at.dataframe[0].value["Due"])
    assert before and before[0] >= dt.date(2026, 1, 5)  # the default start, Monday 5 Jan
    at.date_input(key="learn_start_date").set_value(dt.date(2026, 2, 2)).run()  # 4 weeks on
    ok(at)
    after = list(at.dataframe[0].value["Due"])
    assert after == [d + dt.timedelta(days=28) for d in before]
    assert "Monday 02 February 2026" in day_line(at)


def test_the_step_card_says_who_acts_and_on_what_legal_basis() -> None:
    from tests.apptest import ok, page

    at = ok(page("explorer.ui.learn_page").run())
    card = [c.value.replace("\\", "") for c in at.caption if "Who acts:" in c.value]
    assert card, "no step card line on who acts"
    assert "Legal basis:" in card[0]

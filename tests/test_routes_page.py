"""AppTest tests of the Routes page: each control changes what is shown.

Flows come from ``tests/fixtures/system`` (two small flows joined up, with several
routes to adoption, clocks of every class and published durations), so these tests
do not depend on the shipped flows' state.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from explorer.ui.data import FLOWS_DIR_ENV
from explorer.views.route_tables import LIMIT_CLASSES
from tests.apptest import ok
from tests.apptest import page as app_page
from tests.conftest import FIXTURES
from tests.payloads import SCRIPT, xss_flow_yaml

SYSTEM = FIXTURES / "system"
MODULE = "explorer.ui.routes_page"


def page() -> AppTest:
    return app_page(MODULE)


@pytest.fixture(autouse=True)
def flows_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(FLOWS_DIR_ENV, str(SYSTEM))
    return SYSTEM


def frame(at: AppTest, column: str) -> pd.DataFrame:
    """The dataframe with a column of this name (AppTest does not expose their keys)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with a column {column!r}"
    return found[0]


def has_frame(at: AppTest, column: str) -> bool:
    return any(column in d.value.columns for d in at.dataframe)


def charts(at: AppTest) -> list[tuple[dict[str, Any], list[pd.DataFrame]]]:
    """Each Altair chart's spec and its data (Streamlit sends the data apart, as Arrow)."""
    out = []
    for c in at.get("vega_lite_chart"):
        data = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in c.proto.datasets]
        out.append((json.loads(c.proto.spec), data))
    return out


def timeline(at: AppTest) -> tuple[dict[str, Any], list[pd.DataFrame]]:
    # The timeline is the chart of four layers (the outcomes' practice chart has two).
    found = [c for c in charts(at) if len(c[0].get("layer", ())) == 4]
    assert found, "no timeline chart"
    return found[0]


def histogram(at: AppTest) -> tuple[dict[str, Any], list[pd.DataFrame]]:
    found = [c for c in charts(at) if "facet" in c[0]]
    assert found, "no histogram chart"
    return found[0]


def same(a: list[pd.DataFrame], b: list[pd.DataFrame]) -> bool:
    return len(a) == len(b) and all(x.equals(y) for x, y in zip(a, b, strict=True))


def metric(at: AppTest, label_start: str) -> Any:
    # The last one: the what-if metrics come after the distribution's.
    found = [m for m in at.metric if m.label.replace("\\", "").startswith(label_start)]
    assert found, [m.label for m in at.metric]
    return found[-1]


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.warning])


# -- the first view ---------------------------------------------------------------------


def test_renders_whole_system_concern_to_adoption() -> None:
    at = ok(page().run())
    assert at.selectbox(key="routes_flow").value == "all"
    assert at.selectbox(key="routes_from").value == "concern_raised"
    assert at.selectbox(key="routes_to").value == "adoption_order"
    table = frame(at, "Statutory floor days")
    assert list(table["Route"]) == [1, 2, 3]
    for col in ("Bounded by statute days", "Bounded by guidance days", "Unbounded steps",
                "Unbounded step names", "Hearings", "Court stages", "Decision makers",
                "Likely days", "Simulated p10 days", "Simulated median days",
                "Simulated p90 days"):
        assert col in table.columns
    assert table["Simulated median days"].notna().all()
    assert (table["Simulated p10 days"] <= table["Simulated p90 days"]).all()
    assert "3 route(s) lead from" in texts(at).replace("\\", "").replace("**", "")
    # Two compared routes, the timeline, the distribution and the calibration.
    assert at.multiselect(key="routes_compare").value == [1, 2]
    assert list(frame(at, "Figure").columns) == ["Figure", "Route 1", "Route 2"]
    assert timeline(at) and histogram(at)
    calib = frame(at, "Published figure")
    assert len(calib) == 2 and not any("_" in x for x in calib["Published figure"])
    assert len(at.get("download_button")) >= 5
    assert dict(at.query_params) == {"flow": "all", "from": "concern_raised",
                                     "to": "adoption_order", "route": "1", "compare": "1,2"}


def test_flow_choice_resets_start_and_outcome() -> None:
    at = ok(page().run())
    before = frame(at, "Statutory floor days")
    at.selectbox(key="routes_flow").set_value("permanence-lite").run()
    ok(at)
    assert at.selectbox(key="routes_from").value == "looked_after"
    assert at.selectbox(key="routes_to").value == "adoption_order"
    after = frame(at, "Statutory floor days")
    assert len(after) == 1 and not after.equals(before)
    assert at.query_params["flow"] == "permanence-lite"
    # One route only: nothing to set beside it but itself.
    assert list(frame(at, "Figure").columns) == ["Figure", "Route 1"]


def test_flow_without_published_durations_says_so() -> None:
    at = ok(page().run())
    at.selectbox(key="routes_flow").set_value("protection-lite").run()
    ok(at)
    assert not has_frame(at, "Published figure")
    assert "no published durations" in texts(at)


def test_start_choice_changes_outcomes_and_routes() -> None:
    at = ok(page().run())
    outcomes_before = at.selectbox(key="routes_to").options
    at.selectbox(key="routes_from").set_value("looked_after").run()
    ok(at)
    assert at.selectbox(key="routes_to").options != outcomes_before
    assert at.selectbox(key="routes_to").value == "adoption_order"
    assert len(frame(at, "Statutory floor days")) == 1
    assert at.query_params["from"] == "looked_after"


def test_outcome_choice_changes_table_and_charts() -> None:
    at = ok(page().run())
    via = list(frame(at, "Via")["Via"])
    hist = histogram(at)[1]
    tl = timeline(at)[1]
    at.selectbox(key="routes_to").set_value("po_granted").run()
    ok(at)
    assert list(frame(at, "Via")["Via"]) != via
    assert not same(timeline(at)[1], tl)
    assert not same(histogram(at)[1], hist)
    # The chosen outcome is drawn first.
    assert histogram(at)[1][0]["Outcome"].iloc[0].startswith("PO granted (")
    assert metric(at, "Journeys reaching PO granted")
    assert at.query_params["to"] == "po_granted"


def test_route_limit_caps_the_list_and_says_so() -> None:
    at = ok(page().run())
    assert "capped" not in texts(at)
    at.number_input(key="routes_limit").set_value(2).run()
    ok(at)
    assert len(frame(at, "Statutory floor days")) == 2
    assert "The list is capped: the first 2 of 3 routes" in texts(at)


# -- routes side by side and the timeline ----------------------------------------------


def test_compared_routes_change_the_columns() -> None:
    at = ok(page().run())
    at.multiselect(key="routes_compare").set_value([1, 3]).run()
    ok(at)
    table = frame(at, "Figure")
    assert list(table.columns) == ["Figure", "Route 1", "Route 3"]
    diffs = table.set_index("Figure").loc["Steps only on some of these routes"]
    assert diffs["Route 1"] != diffs["Route 3"]
    assert [s.value for s in at.subheader if s.value.startswith("Route ")] == ["Route 1",
                                                                            "Route 3"]
    at.multiselect(key="routes_compare").set_value([1, 2, 3]).run()
    ok(at)
    assert list(frame(at, "Figure").columns) == ["Figure", "Route 1", "Route 2", "Route 3"]
    assert at.query_params["compare"] == "1,2,3"
    at.multiselect(key="routes_compare").set_value([]).run()
    ok(at)
    assert not has_frame(at, "Figure")


def test_timeline_route_changes_the_chart(monkeypatch: pytest.MonkeyPatch) -> None:
    # In the system fixture every route shares its longest chain; the analysis
    # fixture's parallel flow has two routes whose chains differ.
    monkeypatch.setenv(FLOWS_DIR_ENV, str(FIXTURES / "analysis"))
    at = page()
    at.query_params.update({"flow": "par"})
    ok(at.run())
    before = timeline(at)[1]
    at.selectbox(key="routes_timeline").set_value(2).run()
    ok(at)
    assert not same(timeline(at)[1], before)
    assert at.query_params["route"] == "2"


def test_timeline_draws_limits_by_shape_and_dash_not_colour_alone() -> None:
    at = ok(page().run())
    at.selectbox(key="routes_from").set_value("looked_after").run()
    ok(at)
    spec, data = timeline(at)
    layers = spec["layer"]
    marks = [layer["mark"]["type"] for layer in layers]
    assert marks == ["rule", "bar", "rule", "point"]
    clock, point = layers[2]["encoding"], layers[3]["encoding"]
    assert clock["strokeDash"]["scale"]["domain"] == list(LIMIT_CLASSES)
    assert len({str(d) for d in clock["strokeDash"]["scale"]["range"]}) == 3
    assert len(set(point["shape"]["scale"]["range"])) == 3
    assert point["shape"]["title"] == clock["strokeDash"]["title"] == "Limit"
    kinds = {k for d in data if "What" in d.columns for k in d["What"]}
    # permanence-lite has statutory limits, a guidance target and a statutory minimum.
    assert kinds == set(LIMIT_CLASSES)
    # The guidance target (6 months to the recommendation) is missed by the likely time.
    assert "Limits the likely times miss" in texts(at)


def test_instant_steps_toggle_changes_rows() -> None:
    at = ok(page().run())

    def bar_rows() -> int:
        return max(len(d) for d in timeline(at)[1] if "Order" in d.columns)

    hidden = bar_rows()
    at.checkbox(key="routes_instant").check().run()
    ok(at)
    assert bar_rows() > hidden


# -- what-if ----------------------------------------------------------------------------


def _median_change(at: AppTest, outcome: str) -> float:
    table = frame(at, "Median change days").set_index("Outcome")
    return float(table.loc[outcome, "Median change days"])


def test_no_change_no_whatif_table() -> None:
    at = ok(page().run())
    assert not has_frame(at, "Median change days")
    assert "Tick a ready-made change" in texts(at)


def test_panel_preset_shortens_time_to_adoption() -> None:
    at = ok(page().run())
    at.checkbox(key="routes_preset_panel_12_weeks").check().run()
    ok(at)
    assert _median_change(at, "Adoption order") < 0
    assert metric(at, "Median days").delta.startswith("-")


def test_transition_control_changes_outcome_times() -> None:
    at = ok(page().run())
    at.selectbox(key="routes_wi_edge").set_value("adoption_petition>adoption_order").run()
    ok(at)
    assert not has_frame(at, "Median change days")  # the values are still the flow's
    at.number_input(key="routes_wi_max_adoption_petition__adoption_order").set_value(900.0).run()
    at.number_input(key="routes_wi_likely_adoption_petition__adoption_order").set_value(
        600.0).run()
    ok(at)
    assert _median_change(at, "Adoption order") > 100
    assert _median_change(at, "Return home") == 0


def test_transition_control_out_of_order_is_a_warning() -> None:
    at = ok(page().run())
    at.selectbox(key="routes_wi_edge").set_value("adoption_petition>adoption_order").run()
    at.number_input(key="routes_wi_min_adoption_petition__adoption_order").set_value(
        1000.0).run()
    ok(at)
    assert any("must be in order" in w.value for w in at.warning)
    assert not has_frame(at, "Median change days")


def test_decision_shares_change_outcome_shares() -> None:
    at = ok(page().run())
    at.selectbox(key="routes_wi_decision").set_value("final_decision").run()
    ok(at)
    sliders = {s.key: s for s in at.slider}
    assert set(sliders) == {f"routes_wi_share_final_decision__{v}"
                            for v in ("adoption_placement", "po_application", "reunification")}
    at.slider(key="routes_wi_share_final_decision__adoption_placement").set_value(100).run()
    at.slider(key="routes_wi_share_final_decision__reunification").set_value(0).run()
    at.slider(key="routes_wi_share_final_decision__po_application").set_value(0).run()
    ok(at)
    table = frame(at, "Share change (points)").set_index("Outcome")
    assert table.loc["Adoption order", "Share change (points)"] > 5
    assert table.loc["Return home", "Scenario share"] == 0
    assert metric(at, "Journeys reaching Adoption order").delta.startswith("+")


# -- deep links, bad input, safety ------------------------------------------------------


def test_deep_link_opens_flow_start_outcome_and_routes() -> None:
    at = page()
    at.query_params.update({"flow": "all", "from": "concern_raised", "to": "po_granted",
                            "route": "2", "compare": "2,3"})
    at.run()
    ok(at)
    assert at.selectbox(key="routes_to").value == "po_granted"
    assert at.selectbox(key="routes_timeline").value == 2
    assert at.multiselect(key="routes_compare").value == [2, 3]


def test_deep_link_to_unreachable_outcome_falls_back() -> None:
    at = page()
    at.query_params.update({"flow": "permanence-lite", "from": "looked_after",
                            "to": "cp_nfa", "route": "99", "compare": "x,7"})
    at.run()
    ok(at)
    assert at.selectbox(key="routes_flow").value == "permanence-lite"
    assert at.selectbox(key="routes_to").value == "adoption_order"
    assert at.selectbox(key="routes_timeline").value == 1


def test_default_outcome_falls_back_when_adoption_is_unreachable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # In this fixture nothing leads from a concern to adoption: the page picks a route
    # that exists rather than showing an error.
    monkeypatch.setenv(FLOWS_DIR_ENV, str(FIXTURES / "explorer"))
    at = ok(page().run())
    assert at.selectbox(key="routes_from").value == "looked_after"
    assert at.selectbox(key="routes_to").value == "adoption_order"


def test_no_flows_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FLOWS_DIR_ENV, str(tmp_path))
    at = ok(page().run())
    assert "no routes to show" in texts(at)


def test_flow_text_is_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(SYSTEM / "sources.yaml", tmp_path / "sources.yaml")
    (tmp_path / "xss.yaml").write_bytes(xss_flow_yaml("testlaw"))
    monkeypatch.setenv(FLOWS_DIR_ENV, str(tmp_path))
    at = ok(page().run())
    assert SCRIPT in "".join(frame(at, "Via")["Via"]) or len(frame(at, "Via"))
    shown = [*at.markdown, *at.caption, *at.info]
    assert shown
    for m in shown:
        assert not re.search(r"(?<!\\)<", m.value), m.value
        assert not re.search(r"(?<!\\)\]\(javascript|(?<!\\):red", m.value), m.value
        assert getattr(m.proto, "allow_html", False) is False
    for m in at.metric:
        assert not re.search(r"(?<!\\)<", m.label), m.label


def test_page_joins_the_menu() -> None:
    from explorer.ui import routes_page
    from explorer.ui.pages import PAGES

    assert any(p.render is routes_page.render for p in PAGES)


# -- outcomes compared --------------------------------------------------------------------


def test_outcomes_compared_one_table_and_chart_per_question() -> None:
    at = ok(page().run())
    law = frame(at, "Minimum by law (days)")
    practice = frame(at, "Simulated median (days)")
    drift = frame(at, "Steps with no time limit")
    assert len(law) == len(practice) == len(drift) > 1
    assert list(law["Minimum by law (days)"]) == sorted(law["Minimum by law (days)"])
    heads = [s.value for s in at.subheader]
    for q in ("How long at the least, by law?", "How long in practice?",
              "Where can drift happen?"):
        assert q in heads
    titles = {json.dumps(spec) for spec, _ in charts(at)}
    assert any("Least days the law allows" in t for t in titles)
    assert any("p10 to p90" in t for t in titles)


def test_routes_table_is_sorted_by_floor_and_can_sort_by_likely() -> None:
    at = ok(page().run())
    table = frame(at, "Statutory floor days")
    assert list(table["Statutory floor days"]) == sorted(table["Statutory floor days"])
    at.radio(key="routes_sort").set_value("likely").run()
    table = frame(ok(at), "Statutory floor days")
    assert list(table["Likely days"]) == sorted(table["Likely days"])
    assert list(table.columns[:3]) == ["Route", "Name", "Statutory floor days"]

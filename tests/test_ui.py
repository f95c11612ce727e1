"""AppTest tests of every page: each control changes what is shown.

Pages run through ``AppTest.from_function`` (they are callables in the navigation);
the whole app runs through ``AppTest.from_file``. Flows come from test fixtures via
``PERMANENCE_FLOWS_DIR``, so these tests do not depend on the shipped flows' state.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from explorer.graph import flow_graph
from explorer.io.load import load_flows
from explorer.ui.data import FLOWS_DIR_ENV
from tests.apptest import ok, page
from tests.conftest import FIXTURES
from tests.payloads import SCRIPT, xss_flow_yaml

ROOT = Path(__file__).resolve().parent.parent
TRACK = FIXTURES / "explorer"
TIMEOUT = 60


@pytest.fixture(autouse=True)
def flows_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(FLOWS_DIR_ENV, str(TRACK))
    return TRACK


def steps_page() -> AppTest:
    """The Map page opened on its step map (it opens on the stage overview)."""
    at = page("explorer.ui.map_page")
    at.query_params["view"] = "steps"
    return at


def map_payload(at: AppTest) -> dict[str, Any]:
    """The map component's data (its HTML is what the frame shows)."""
    comps = at.get("bidi_component")
    assert comps, "no map component"
    return json.loads(comps[0].proto.json)


def map_data(at: AppTest) -> dict[str, Any]:
    """What the frame draws: the data the component posts into the map page."""
    return json.loads(map_payload(at)["json"])


def map_nodes(at: AppTest) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in map_data(at)["nodes"]}


def map_edges(at: AppTest) -> list[dict[str, Any]]:
    return map_data(at)["edges"]


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in [*at.markdown, *at.caption, *at.subheader,
                                            *at.title, *at.warning, *at.error, *at.info,
                                            *at.success, *at.code])


# -- Map --------------------------------------------------------------------------------


def test_map_shows_whole_system_with_every_step() -> None:
    at = ok(steps_page().run())
    assert at.selectbox(key="map_flow").value == "all"
    G = flow_graph(load_flows(TRACK), "all")
    assert set(map_nodes(at)) == set(G.nodes)
    assert map_payload(at)["title"].startswith("Map of The whole system")


def test_map_flow_choice_changes_map() -> None:
    at = ok(steps_page().run())
    at.selectbox(key="map_flow").set_value("permanence").run()
    ok(at)
    G = flow_graph(load_flows(TRACK), "permanence")
    assert set(map_nodes(at)) == set(G.nodes)
    assert at.query_params["flow"] == "permanence"


def test_lane_and_tag_filters_change_map() -> None:
    at = ok(steps_page().run())
    total = len(map_nodes(at))
    lanes = at.multiselect(key="map_lanes")
    first = lanes.options[0]
    lanes.set_value([(lanes.options.index(first) and first) or first]).run()
    ok(at)
    nodes = map_nodes(at)
    assert 0 < len(nodes) < total
    assert len({n["lane"] for n in nodes.values()}) == 1
    at.multiselect(key="map_lanes").set_value([]).run()
    tags = at.multiselect(key="map_tags")
    assert tags.options, "fixture flows have tags"
    tags.set_value([tags.options[0]]).run()
    ok(at)
    tagged = map_nodes(at)
    assert 0 < len(tagged) < total


def test_search_highlights_and_offers_matches() -> None:
    at = ok(steps_page().run())
    at.text_input(key="map_search").set_value("hearing").run()
    ok(at)
    nodes = map_nodes(at)
    hits = [n for n in nodes.values() if n.get("opacity") == 1.0]
    assert hits and all("hearing" in n["name"].lower() for n in hits)
    assert "step(s) match" in texts(at)
    button = next(b for b in at.button if b.key and b.key.startswith("map_hit_"))
    button.click().run()
    ok(at)
    assert at.selectbox(key="map_step").value == button.key.removeprefix("map_hit_")


def test_map_page_opens_on_the_stage_overview_and_a_stage_opens_its_steps() -> None:
    at = ok(page("explorer.ui.map_page").run())
    assert at.radio(key="map_view").value.startswith("Stages")
    overview = json.loads(json.loads(at.get("bidi_component")[0].proto.json)["json"])
    assert len(overview["stages"]) >= 2
    at.radio(key="map_view").set_value("Steps (map)").run()
    ok(at)
    everything = len(map_nodes(at))
    first = overview["stages"][0]["key"]
    at.selectbox(key="map_stage").set_value(first).run()
    ok(at)
    assert 0 < len(map_nodes(at)) < everything


def test_route_highlight() -> None:
    at = ok(steps_page().run())
    at.selectbox(key="map_route_from").set_value("concern_raised")
    at.selectbox(key="map_route_to").set_value("grounds_hearing").run()
    ok(at)
    radio = at.radio(key="map_route_pick")
    assert len(radio.options) >= 1
    thick = [e for e in map_edges(at) if e.get("width") == 6]
    assert thick and thick[0]["from"] == "concern_raised"
    assert at.query_params["route"].startswith("concern_raised,")


def test_step_details_open_and_follow_links() -> None:
    at = ok(steps_page().run())
    at.selectbox(key="map_step").set_value("grounds_hearing").run()
    ok(at)
    shown = texts(at)
    G = flow_graph(load_flows(TRACK), "all")
    assert G.nodes["grounds_hearing"]["name"] in [s.value for s in at.subheader]
    assert "What can happen next" in shown and "Legal basis" in shown
    assert "Timescales" in shown
    assert at.query_params["step"] == "grounds_hearing"
    nxt = next(b for b in at.button if b.key and b.key.startswith("map_details_go_"))
    target = nxt.key.rsplit("_go_grounds_hearing_", 1)[1]
    nxt.click().run()
    ok(at)
    assert at.selectbox(key="map_step").value == target
    # The selection reaches the map as a message, not as a change to its HTML.
    assert map_payload(at)["selected"] == target


def test_deep_link_opens_flow_step_and_route() -> None:
    at = steps_page()
    at.query_params["flow"] = "care-and-protection"
    at.query_params["step"] = "ird"
    at.query_params["route"] = "concern_raised,ird"
    ok(at.run())
    assert at.selectbox(key="map_flow").value == "care-and-protection"
    assert at.selectbox(key="map_step").value == "ird"
    assert [(e["from"], e["to"]) for e in map_edges(at) if e.get("width") == 6] == [
        ("concern_raised", "ird")]


def test_text_alternative_outline_names_every_step() -> None:
    at = ok(steps_page().run())
    G = flow_graph(load_flows(TRACK), "all")
    outline = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert sum(1 for n in G if G.nodes[n]["name"] in outline) == G.number_of_nodes()


def test_table_of_steps_tab_lists_every_step() -> None:
    at = ok(steps_page().run())
    at.session_state["map_text_tab"] = "Table of steps"
    ok(at.run())
    G = flow_graph(load_flows(TRACK), "all")
    df = at.dataframe[0].value
    assert len(df) == G.number_of_nodes() and "Time limits out" in df.columns
    assert any(b.label == "Download this table (CSV)" for b in at.get("download_button"))


def test_export_tab_offers_every_format() -> None:
    at = ok(steps_page().run())
    at.session_state["map_text_tab"] = "Export"
    ok(at.run())
    labels = [b.label for b in at.get("download_button")]
    assert {"Download HTML map", "Download Mermaid", "Download GraphML",
            "Download JSON"} <= set(labels)


def test_map_click_callback_opens_details() -> None:
    from explorer.ui import explore

    at = ok(steps_page().run())
    # What the component's callback does with a clicked id (JS runs only in a browser).
    at.session_state["map_step"] = "ird"
    at.run()
    ok(at)
    assert "ird" in map_payload(at)["selected"]
    assert explore.NO_STEP == ""


def test_broken_shipped_flow_leaves_the_rest_working(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "flows"
    shutil.copytree(TRACK, folder)
    text = (folder / "permanence.yaml").read_text(encoding="utf-8")
    (folder / "permanence.yaml").write_text(text.replace("kind: start", "kind: begin", 1),
                                            encoding="utf-8")
    monkeypatch.setenv(FLOWS_DIR_ENV, str(folder))
    at = steps_page().run()
    assert not at.exception
    assert any("problem" in w.value for w in at.warning)
    assert "permanence.yaml:" in "\n".join(c.value for c in at.code)
    assert "care-and-protection" in map_nodes(at)["concern_raised"]["flow"]


def test_no_flows_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FLOWS_DIR_ENV, str(tmp_path))
    at = steps_page().run()
    assert not at.exception
    assert any("No flow" in i.value for i in at.info)


# -- Your own flow ----------------------------------------------------------------------


def test_upload_valid_flow_is_explored() -> None:
    at = ok(page("explorer.ui.upload_page").run())
    assert not at.get("bidi_component")
    raw = (FIXTURES / "mini" / "mini.yaml").read_bytes()
    at.file_uploader(key="upload_file").upload("my-flow.yaml", raw, "application/x-yaml")
    at.run()
    ok(at)
    assert any("valid flow" in s.value for s in at.success)
    assert at.selectbox(key="upload_flow").value == "mini"
    assert set(map_nodes(at)) == {"referral", "decide", "hearing", "nfa", "order"}
    at.selectbox(key="upload_step").set_value("decide").run()
    assert "Reporter decides" in [s.value for s in at.subheader]


def test_upload_errors_show_line_numbers() -> None:
    at = ok(page("explorer.ui.upload_page").run())
    raw = b"id: broken\ntitle: x\nsteps:\n  - id: a\n    nmae: oops\n"
    at.file_uploader(key="upload_file").upload("broken.yaml", raw, "application/x-yaml")
    at.run()
    assert not at.exception
    assert any("problem(s) found" in e.value for e in at.error)
    code = "\n".join(c.value for c in at.code)
    assert re.search(r"uploaded-broken\.yaml:5:5: unknown key 'nmae'", code), code
    assert not at.get("bidi_component")


def test_upload_replaces_shipped_flow_with_same_id() -> None:
    at = ok(page("explorer.ui.upload_page").run())
    raw = (TRACK / "permanence.yaml").read_bytes().replace(b"title: ", b"title: Local ", 1)
    at.file_uploader(key="upload_file").upload("permanence.yaml", raw, "application/x-yaml")
    at.run()
    ok(at)
    assert any("Local" in s.value for s in at.success)


def test_upload_with_script_payloads_is_escaped() -> None:
    at = page("explorer.ui.upload_page").run()
    at.file_uploader(key="upload_file").upload("xss.yaml", xss_flow_yaml("chsa_2011"),
                                               "application/x-yaml")
    at.run()
    ok(at)
    shell = map_payload(at)["shell"]
    assert "xss" not in shell.lower() and "alert(1)" not in shell  # no flow text at all
    assert "new vis.Network" in shell and "Content-Security-Policy" in shell
    assert SCRIPT in map_payload(at)["json"]  # as data, drawn as text by the page
    at.selectbox(key="upload_step").set_value("start_here").run()
    ok(at)
    for m in at.markdown:
        # Every payload character is backslash-escaped: none is left to act as markup.
        assert not re.search(r"(?<!\\)<", m.value), m.value
        assert not re.search(r"(?<!\\)\]\(javascript|(?<!\\):red", m.value), m.value
        assert m.proto.allow_html is False


# -- Sources and Glossary ---------------------------------------------------------------


def test_sources_page() -> None:
    at = ok(page("explorer.ui.sources_page").run())
    shown = texts(at)
    assert "not legal advice" in shown
    assert "high" in shown and "medium" in shown and "low" in shown
    assert at.dataframe[0].value["Law checked as of"].tolist()
    before = at.caption[-1].value
    at.text_input(key="sources_search").set_value("Hearings").run()
    ok(at)
    assert at.caption[-1].value != before
    kinds = at.multiselect(key="sources_kinds")
    kinds.set_value([kinds.options[0]]).run()
    ok(at)


def test_glossary_search() -> None:
    at = ok(page("explorer.ui.glossary_page").run())
    fs = load_flows(TRACK)
    first = fs.glossary[0]
    assert first.term in "\n".join(m.value.replace("\\", "") for m in at.markdown)
    at.text_input(key="glossary_search").set_value("zzzz-no-such-term").run()
    ok(at)
    assert at.caption[0].value.startswith("0 of")


# -- the whole app ----------------------------------------------------------------------


def test_app_navigation_opens_on_the_start_page() -> None:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    ok(at)
    assert at.title[0].value == "Permanence Explorer"


def test_details_say_an_unverified_timescale_is_unverified() -> None:
    import networkx as nx

    from explorer.model import Timescale
    from explorer.ui.details import _ts_line

    G = nx.DiGraph()
    G.add_node("b", name="Hearing")
    ts = Timescale.model_validate({"from": "a", "to": "b", "limit": 7, "unit": "days",
                                   "kind": "statutory_max", "confidence": "low",
                                   "legal_basis": [{"source": "x", "provision": "r.1"}]})
    assert "**unverified**" in _ts_line(G, ts, "b", "to")

"""The renderers: vis map HTML, Mermaid, GraphML, JSON, outline and the export command."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from explorer.analysis.drift import drift_risks
from explorer.cli import main
from explorer.graph import flow_graph
from explorer.io.load import load_flows
from explorer.model import Timescale
from explorer.model.flowset import FlowSet
from explorer.model.wording import timescale_label, timescale_phrase
from explorer.render.common import levels
from explorer.render.export import export_text
from explorer.render.graphml import to_graphml
from explorer.render.jsonexport import flow_json_data
from explorer.render.mermaid import mermaid_text, to_mermaid
from explorer.render.outline import outline
from explorer.render.vis import MapOptions, map_data, map_html
from tests.conftest import FIXTURES
from tests.payloads import HREF, IMG, SCRIPT, xss_flow_yaml


@pytest.fixture(scope="module")
def track() -> FlowSet:
    fs = load_flows(FIXTURES / "track")
    assert fs.ok, fs.problems
    return fs


@pytest.fixture(scope="module")
def mini() -> FlowSet:
    return load_flows(FIXTURES / "mini")


@pytest.fixture(scope="module")
def xss(tmp_path_factory: pytest.TempPathFactory) -> FlowSet:
    folder = tmp_path_factory.mktemp("xss")
    shutil.copy(FIXTURES / "mini" / "sources.yaml", folder / "sources.yaml")
    (folder / "xss.yaml").write_bytes(xss_flow_yaml())
    fs = load_flows(folder)
    assert "xss-flow" in fs.flows, fs.problems
    return fs


def ts(**kw: object) -> Timescale:
    base = {"from": "a", "to": "b", "confidence": "high"}
    return Timescale.model_validate({**base, **kw})


# -- wording ----------------------------------------------------------------------------


def test_timescale_label_names_limit_and_provision() -> None:
    t = ts(limit=8, unit="working_days", kind="statutory_max",
           legal_basis=[{"source": "chsa_2011", "provision": "s.54"}])
    assert timescale_label(t) == "within 8 working days, s.54"


@pytest.mark.parametrize(("kw", "phrase"), [
    ({"limit": 2, "unit": "working_days", "kind": "statutory_fixed"},
     "on the 2nd working day after"),
    ({"limit": 13, "unit": "weeks", "kind": "statutory_min"}, "at least 13 weeks"),
    ({"limit": 28, "unit": "days", "kind": "guidance_target"}, "guidance: within 28 days"),
    ({"limit": 1, "unit": "years", "kind": "local_target"}, "local target: within 1 year"),
    ({"kind": "statutory_max", "wording": "as soon as practicable"}, "as soon as practicable"),
])
def test_timescale_phrases(kw: dict[str, object], phrase: str) -> None:
    assert timescale_phrase(ts(**kw)) == phrase


def test_levels_run_left_to_right_ignoring_repeat_edges(track: FlowSet) -> None:
    G = flow_graph(track, "all")
    lv = levels(G)
    assert set(lv) == set(G.nodes)
    for u, v, rep in G.edges(data="repeat"):
        if not rep:
            assert lv[u] < lv[v], (u, v)


def test_drift_risks_are_steps_no_limit_covers(mini: FlowSet) -> None:
    G = flow_graph(mini, "mini")
    # referral -> hearing is an 8-working-day clock; it covers the decision between.
    assert "referral" not in drift_risks(G)
    assert "decide" not in drift_risks(G)
    assert not ({"nfa", "order"} & drift_risks(G))  # outcomes never drift


# -- the vis map ------------------------------------------------------------------------


def test_map_data_kinds_levels_and_styles(mini: FlowSet) -> None:
    d = map_data(flow_graph(mini, "mini"), mini.flows)
    nodes = {n["id"]: n for n in d["nodes"]}
    # Every step is a box of the designed layout; the kind is its symbol and kindShape.
    assert nodes["decide"]["kindShape"] == "diamond" and nodes["decide"]["label"][0] == "◆"
    assert nodes["hearing"]["kindShape"] == "hexagon"
    assert nodes["referral"]["level"] == 0 and nodes["order"]["level"] == 3
    edges = {e["id"]: e for e in d["edges"]}
    statutory = edges["t:hearing>order"]
    assert statutory["text"] == "within 21 days, s.154"
    assert "label" not in statutory  # no text on the canvas to collide with the boxes
    assert statutory["dashes"] is False and statutory["width"] == 3
    assert edges["t:referral>decide"]["width"] == 1
    clock = next(e for e in d["edges"] if e["edgeKind"] == "clock")
    assert (clock["from"], clock["to"]) == ("referral", "hearing")
    assert "within 8 working days, s.54" in clock["text"]
    assert d["options"]["physics"]["enabled"] is False
    assert d["options"]["layout"]["hierarchical"]["enabled"] is False


def _rects(d: dict) -> list[tuple[float, float, float, float]]:
    return [(n["x"] - n["widthConstraint"]["minimum"] / 2,
             n["y"] - n["heightConstraint"]["minimum"] / 2,
             n["widthConstraint"]["minimum"], n["heightConstraint"]["minimum"])
            for n in d["nodes"]]


def _overlapping(rects: list[tuple[float, float, float, float]]) -> int:
    return sum(1 for i, a in enumerate(rects) for b in rects[i + 1:]
               if a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3]
               and b[1] < a[1] + a[3])


def test_map_positions_come_from_the_layout_and_no_boxes_overlap(shipped: FlowSet) -> None:
    d = map_data(flow_graph(shipped, "all"), shipped.flows)
    assert all(n["fixed"] for n in d["nodes"])
    assert _overlapping(_rects(d)) == 0
    assert d["regions"] and all(r["title"] for r in d["regions"])


def test_a_lane_filter_lays_out_again_without_gaps(shipped: FlowSet) -> None:
    G = flow_graph(shipped, "care-and-protection")
    lane = G.nodes["grounds_hearing"]["lane"]
    full = map_data(G, shipped.flows)
    only = map_data(G, shipped.flows, MapOptions(lanes=frozenset({lane})))
    height = max(y + h for _, y, _, h in _rects(only))
    # The filtered steps are packed afresh, not left at their places in the full map.
    assert height < max(y + h for _, y, _, h in _rects(full))
    assert _overlapping(_rects(only)) == 0


def test_guidance_limits_are_dashed(track: FlowSet) -> None:
    d = map_data(flow_graph(track, "care-and-protection"), track.flows)
    guidance = [e for e in d["edges"] if e["strength"] == "guidance"]
    assert guidance and all(e["dashes"] for e in guidance)
    assert all(e["dashes"] is False for e in d["edges"] if e["strength"] == "statutory")


def test_filters_search_and_route(track: FlowSet) -> None:
    G = flow_graph(track, "all")
    everything = map_data(G, track.flows)
    assert len(everything["nodes"]) == G.number_of_nodes()
    lane = everything["nodes"][0]["lane"]
    only = map_data(G, track.flows, MapOptions(lanes=frozenset({lane})))
    assert {n["lane"] for n in only["nodes"]} == {lane}
    ids = {n["id"] for n in only["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in only["edges"])
    tagged = map_data(G, track.flows, MapOptions(tags=frozenset({"nonexistent"})))
    assert tagged["nodes"] == [] and tagged["edges"] == []
    found = map_data(G, track.flows, MapOptions(search="grounds"))
    bold = [n for n in found["nodes"] if n.get("opacity") == 1.0]
    assert bold and all("grounds" in n["name"].lower() for n in bold)
    route = ("concern_raised", "ird")
    hi = map_data(G, track.flows, MapOptions(route=route))
    on = [e for e in hi["edges"] if e.get("width") == 6]
    assert [(e["from"], e["to"]) for e in on] == [route]


def test_map_html_is_offline_and_deterministic(track: FlowSet) -> None:
    G = flow_graph(track, "all")
    a = map_html(G, track.flows)
    b = map_html(flow_graph(track, "all"), track.flows)
    assert a == b
    assert "vis-network" in a and "new vis.Network" in a
    # No URL that a browser would fetch: no src/href attributes at all, no @import/url().
    tags = _tags(a)
    assert not [t for t in tags if any(k in ("src", "href") for k, _ in t[1])]
    assert "http-equiv=\"Content-Security-Policy\"" in a and "default-src 'none'" in a
    assert "cdn" not in a.lower().replace("cdn", "", 0) or "cdnjs" not in a
    assert "bootstrap" not in a.lower() and "googleapis" not in a and "gstatic" not in a
    assert "@import" not in a


def test_map_html_every_step_present(track: FlowSet) -> None:
    G = flow_graph(track, "all")
    d = _embedded_data(map_html(G, track.flows))
    assert {n["id"] for n in d["nodes"]} == set(G.nodes)


def test_map_does_not_mutate_graph(track: FlowSet) -> None:
    G = flow_graph(track, "all")
    before = (nx.to_dict_of_dicts(G), dict(G.nodes(data=True)))
    map_html(G, track.flows, MapOptions(search="x", route=("concern_raised", "ird")))
    assert before == (nx.to_dict_of_dicts(G), dict(G.nodes(data=True)))


# -- XSS --------------------------------------------------------------------------------


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _tags(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    p = _TagCollector()
    p.feed(page)
    return p.tags


def _embedded_data(page: str) -> dict:
    m = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', page, re.S)
    assert m
    return json.loads(m.group(1))


def test_html_map_escapes_every_payload(xss: FlowSet) -> None:
    for opts in (MapOptions(), MapOptions(standalone=False, search="alert", route=(
            "start_here", "choose"))):
        page = map_html(flow_graph(xss, "xss-flow"), xss.flows, opts)
        assert SCRIPT not in page and IMG not in page and HREF not in page
        tags = _tags(page)
        assert {t for t, _ in tags} <= {"html", "head", "meta", "title", "style", "script",
                                         "body", "header", "h1", "p", "div", "aside",
                                         "details", "summary", "h2", "ul", "li", "span",
                                         "fieldset", "legend", "label", "input", "select",
                                         "option", "button"}
        assert sum(1 for t, _ in tags if t == "script") == 3  # vis, data, ours
        for _, attrs in tags:
            for k, _ in attrs:
                assert not k.startswith("on"), k
                # Text attributes (aria-label) may hold the words; no URL attribute exists.
                assert k not in ("href", "src", "action", "formaction", "xlink:href"), k
        data = _embedded_data(page)
        # The payload survives as data (shown as text), not as markup.
        assert any(SCRIPT in n["title"] for n in data["nodes"])


def test_map_titles_are_plain_text(xss: FlowSet) -> None:
    data = map_data(flow_graph(xss, "xss-flow"), xss.flows)
    # vis-network shows a string title with innerText; a non-string would be DOM.
    assert all(isinstance(n["title"], str) for n in data["nodes"])
    assert all(isinstance(e["title"], str) for e in data["edges"])
    assert all(n.get("font", {}).get("multi") in (None, False) for n in data["nodes"])
    assert data["options"]["nodes"]["font"]["multi"] is False


def test_mermaid_escapes_payloads(xss: FlowSet) -> None:
    text = to_mermaid(flow_graph(xss, "xss-flow"), xss.flows)
    assert "<" not in text.replace("<|", "") and '"javascript' not in text
    assert "alert(1)" in text  # as harmless text (parentheses are safe inside quotes)
    assert mermaid_text('a"b') == "a#34;b"
    for line in text.splitlines():
        assert line.count('"') % 2 == 0, line


# -- Mermaid, GraphML, JSON, outline ----------------------------------------------------


def test_mermaid_shapes_and_edges(mini: FlowSet) -> None:
    text = to_mermaid(flow_graph(mini, "mini"), mini.flows)
    assert text.startswith("flowchart LR\n")
    assert 'n_decide{"Reporter decides"}' in text
    assert 'n_hearing ==>|"within 21 days, s.154"| n_order' in text
    assert "n_referral -.-o" in text and "subgraph lane_0" in text


def test_graphml_round_trips_with_flat_attributes(track: FlowSet) -> None:
    G = flow_graph(track, "all")
    text = to_graphml(G)
    H = nx.read_graphml(__import__("io").BytesIO(text.encode()))
    assert set(H.nodes) == set(G.nodes) and H.number_of_edges() == G.number_of_edges()
    attrs = next(iter(H.nodes(data=True)))[1]
    assert all(not isinstance(v, list) for v in attrs.values())
    ET.fromstring(text)


def test_json_export(track: FlowSet) -> None:
    G = flow_graph(track, "all")
    d = flow_json_data(G, track.flows)
    assert [f["id"] for f in d["flows"]] == ["care-and-protection", "permanence"]
    assert len(d["graph"]["nodes"]) == G.number_of_nodes()
    json.dumps(d)


def test_outline_covers_every_step(track: FlowSet) -> None:
    G = flow_graph(track, "care-and-protection")
    items = outline(G, track.flows)
    assert {i.id for i in items} == set(G.nodes)
    assert [i.level for i in items] == sorted(i.level for i in items)


# -- the export command -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "mermaid", "graphml", "json"])
def test_export_command_writes_file(fmt: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"x.{fmt}"
    rc = main(["export", "all", "--format", fmt, "--out", str(out), "--json",
               "--flows", str(FIXTURES / "track")])
    assert rc == 0
    assert json.loads(capsys.readouterr().out)["written"] == str(out)
    assert out.read_text(encoding="utf-8") == export_text(load_flows(FIXTURES / "track"),
                                                          "all", fmt)


def test_export_command_to_stdout_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "mini", "--format", "mermaid", "--flows",
                 str(FIXTURES / "mini")]) == 0
    assert capsys.readouterr().out.startswith("flowchart LR")
    assert main(["export", "nope", "--flows", str(FIXTURES / "mini")]) == 2
    err = capsys.readouterr().err
    assert "unknown flow 'nope'" in err and "Traceback" not in err


def test_app_shell_has_no_flow_data_and_never_changes(track: FlowSet) -> None:
    from explorer.render.vis import map_data_json, map_shell_html

    shell = map_shell_html(560)
    assert shell == map_shell_html(560)
    assert 'id="map-data"' not in shell and "new vis.Network" in shell
    assert "default-src 'none'" in shell
    G = flow_graph(track, "all")
    a = map_data_json(map_data(G, track.flows))
    assert a == map_data_json(map_data(flow_graph(track, "all"), track.flows))
    assert json.loads(a)["title"] == "The whole system"

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
from explorer.render.vis import BOX_INSET, MapOptions, map_data, map_html
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
    # The box vis-network draws: the label's constraint plus margins and border.
    w = {n["id"]: n["widthConstraint"]["minimum"] + BOX_INSET for n in d["nodes"]}
    h = {n["id"]: n["heightConstraint"]["minimum"] + BOX_INSET for n in d["nodes"]}
    return [(n["x"] - w[n["id"]] / 2, n["y"] - h[n["id"]] / 2, w[n["id"]], h[n["id"]])
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


# -- stages, the designed layout and the printed map -------------------------------------

from dataclasses import replace as _replace  # noqa: E402

from pypdf import PdfReader  # noqa: E402

from explorer.model import Stage  # noqa: E402
from explorer.render.layout import (  # noqa: E402
    count_crossings,
    edges_through_boxes,
    flow_layout,
    overlaps,
)
from explorer.render.overview import overview, overview_json, stage_plan  # noqa: E402
from explorer.render.printing import print_map, printed_layout  # noqa: E402

FLOWS = ("permanence", "care-and-protection", "all")


def with_stages(fs: FlowSet, flow_id: str, cuts: int = 3) -> FlowSet:
    """A copy of ``fs`` whose flow declares ``cuts`` stages (cut along its steps' order)."""
    flow = fs.flows[flow_id]
    order = [n for n in nx.topological_sort(nx.DiGraph(
        [(t.from_, t.to) for t in flow.transitions if not t.repeat and ":" not in t.to]))]
    order += [s.id for s in flow.steps if s.id not in order]
    stage_of = {n: f"stage_{min(cuts - 1, i * cuts // len(order))}" for i, n in enumerate(order)}
    stages = [Stage(id=f"stage_{i}", name=f"Stage called {i}", summary=f"What happens in {i}.")
              for i in range(cuts)]
    steps = [s.model_copy(update={"stage": stage_of[s.id]}) for s in flow.steps]
    new = flow.model_copy(update={"stages": stages, "steps": steps})
    return _replace(fs, flows={**fs.flows, flow_id: new})


def test_the_stage_plan_reads_each_steps_declared_stage(shipped: FlowSet) -> None:
    fs = with_stages(shipped, "permanence")
    G = flow_graph(fs, "permanence")
    plan = stage_plan(G, fs.flows)
    assert [s.name for s in plan] == ["Stage called 0", "Stage called 1", "Stage called 2"]
    assert all(s.declared for s in plan)
    for s in plan:
        assert {G.nodes[n]["step"].stage for n in s.steps} == {s.id}


def test_every_step_is_in_exactly_one_stage(shipped: FlowSet) -> None:
    for fid in FLOWS:
        G = flow_graph(shipped, fid)
        steps = [n for s in stage_plan(G, shipped.flows) for n in s.steps]
        assert sorted(steps) == sorted(G.nodes), fid


def test_a_flow_without_stages_is_cut_into_parts_that_say_so(shipped: FlowSet) -> None:
    bare = _replace(shipped, flows={fid: f.model_copy(update={"stages": []})
                                    for fid, f in shipped.flows.items()})
    plan = stage_plan(flow_graph(bare, "permanence"), bare.flows)
    assert plan and not any(s.declared for s in plan)
    assert plan[0].name == "Part 1" and "does not declare its stages" in plan[0].summary


def test_the_overview_says_who_decides_the_clocks_drift_and_shares(shipped: FlowSet) -> None:
    fs = with_stages(shipped, "care-and-protection")
    ov = overview(flow_graph(fs, "care-and-protection"), fs.flows)
    assert all(s.deciders for s in ov.stages)
    assert sum(s.unbounded for s in ov.stages) == len(drift_risks(
        flow_graph(fs, "care-and-protection")))
    clocks = [c for s in ov.stages for c in s.clocks_out]
    assert clocks and all(c.label and c.from_name and c.to_name for c in clocks)
    shares = sum(share for s in ov.stages for _, share in s.outcomes)
    assert 0.95 <= shares <= 1.0 + 1e-9
    data = json.loads(overview_json(ov))
    assert [s["name"] for s in data["stages"]] == [s.name for s in ov.stages]
    assert "illustrative" in data["note"]


@pytest.mark.parametrize("flow_id", FLOWS)
def test_the_layout_has_no_overlapping_boxes_and_no_line_through_a_box(
        shipped: FlowSet, flow_id: str) -> None:
    L = flow_layout(flow_graph(shipped, flow_id), shipped.flows)
    assert overlaps(L) == []
    assert edges_through_boxes(L) == []
    assert len(L.boxes) == flow_graph(shipped, flow_id).number_of_nodes()


def test_the_layout_is_the_same_every_time(shipped: FlowSet) -> None:
    G = flow_graph(shipped, "permanence")
    a, b = flow_layout(G, shipped.flows), flow_layout(G, shipped.flows)
    assert a.boxes == b.boxes and a.edges == b.edges


def test_declared_stages_become_the_layouts_columns(shipped: FlowSet) -> None:
    fs = with_stages(shipped, "permanence")
    L = flow_layout(flow_graph(fs, "permanence"), fs.flows)
    titles = {r.title.removesuffix(" (continued)") for r in L.regions}
    assert titles == {"Stage called 0", "Stage called 1", "Stage called 2"}
    assert overlaps(L) == []


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed "
                    "(apt-get install graphviz): the reference crossings need it")
@pytest.mark.parametrize("flow_id", FLOWS)
def test_the_layout_crosses_no_more_edges_than_graphviz_dot(shipped: FlowSet,
                                                            flow_id: str) -> None:
    from benchmarks.dotref import dot_crossings

    G = flow_graph(shipped, flow_id)
    ours = count_crossings(flow_layout(G, shipped.flows))
    assert ours <= dot_crossings(G)[0]


def _pdf_text(data: bytes) -> tuple[int, list[tuple[float, float]], str, float]:
    reader = PdfReader(__import__("io").BytesIO(data))
    sizes: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes.append(size * (tm[0] ** 2 + tm[1] ** 2) ** 0.5
                         * (cm[0] ** 2 + cm[1] ** 2) ** 0.5)

    text = " ".join(p.extract_text(visitor_text=visit) for p in reader.pages)
    pages = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    return len(pages), pages, " ".join(text.split()), min(sizes)


#: The printed sheets every print test checks: each flow on A3, the whole system on A1.
SHEETS = [("permanence", "a3"), ("care-and-protection", "a3"), ("all", "a1")]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed "
                    "(apt-get install graphviz): the reference crossings need it")
@pytest.mark.parametrize(("flow_id", "paper"), SHEETS)
def test_the_printed_sheet_crosses_no_more_edges_than_graphviz_dot(
        shipped: FlowSet, flow_id: str, paper: str) -> None:
    from benchmarks.dotref import dot_crossings

    L = printed_layout(shipped, flow_id, paper)  # type: ignore[arg-type]
    assert L is not None
    assert count_crossings(L) <= dot_crossings(flow_graph(shipped, flow_id))[0]
    assert overlaps(L) == [] and edges_through_boxes(L) == []


@pytest.mark.parametrize(("flow_id", "paper"), SHEETS)
def test_every_stage_heading_of_the_printed_sheet_fits_its_column(
        shipped: FlowSet, flow_id: str, paper: str) -> None:
    from explorer.render.layout import text_width

    L = printed_layout(shipped, flow_id, paper)  # type: ignore[arg-type]
    assert L is not None
    # bold is about 8% wider than the regular face measured
    too_wide = [r.title for r in L.regions if r.title_x - r.x
                + text_width(r.title, L.title_size, L.family) * 1.08 > r.w]
    assert too_wide == []


def _shipped_flow_ids() -> list[str]:
    from explorer.io.load import load_flows

    return sorted(load_flows().flows)


@pytest.mark.parametrize("flow_id", _shipped_flow_ids())
def test_the_pdf_of_every_flow_is_one_a3_sheet_with_every_step_name(
        shipped: FlowSet, flow_id: str) -> None:
    G = flow_graph(shipped, flow_id)
    count, pages, text, smallest = _pdf_text(print_map(shipped, flow_id, "pdf"))
    assert count == 1 and sorted(pages[0]) == pytest.approx([841.89, 1190.55], abs=0.5)
    missing = [G.nodes[n]["name"] for n in G if " ".join(G.nodes[n]["name"].split()) not in text]
    assert missing == []
    assert smallest >= 6.0 - 1e-6
    assert "Law and guidance as of" in text and "Sources:" in text and "Key" in text


def test_the_whole_system_on_a3_is_the_overview_then_a_page_per_stage(
        shipped: FlowSet) -> None:
    G = flow_graph(shipped, "all")
    stages = stage_plan(G, shipped.flows)
    count, pages, text, smallest = _pdf_text(print_map(shipped, "all", "pdf", paper="a3"))
    if count > 1:
        assert count == 1 + len(stages)
    assert all(p == pytest.approx((1190.55, 841.89), abs=0.5) for p in pages)
    assert smallest >= 6.0 - 1e-6
    missing = [G.nodes[n]["name"] for n in G if " ".join(G.nodes[n]["name"].split()) not in text]
    assert missing == []


def test_the_whole_system_fits_one_a1_sheet(shipped: FlowSet) -> None:
    count, pages, _, smallest = _pdf_text(print_map(shipped, "all", "pdf", paper="a1"))
    assert count == 1 and pages[0] == pytest.approx((2383.94, 1683.78), abs=0.5)
    assert smallest >= 6.0 - 1e-6


def test_the_svg_has_no_script_and_no_outside_link(shipped: FlowSet) -> None:
    svg = print_map(shipped, "permanence", "svg").decode("utf-8")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "<script" not in svg.lower()
    hrefs = re.findall(r'href="([^"]*)"', svg)
    assert all(h.startswith("#") for h in hrefs)
    names = flow_graph(shipped, "permanence").nodes["permanence_panel"]["name"].split()
    assert all(word in svg for word in names)


def test_export_writes_a_pdf_and_an_svg(shipped: FlowSet, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.pdf"
    assert main(["export", "permanence", "--format", "pdf", "--paper", "a3",
                 "--orientation", "landscape", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    svg = tmp_path / "p.svg"
    assert main(["export", "permanence", "--format", "svg", "--out", str(svg), "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["paper"] == "a3"
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_an_svg_too_big_for_the_sheet_is_a_clear_error(shipped: FlowSet,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    assert main(["export", "all", "--format", "svg", "--paper", "a4"]) != 0
    err = capsys.readouterr().err
    assert "does not fit one A4 sheet" in err and "Traceback" not in err


def _embedded_data(page: str) -> dict:
    m = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', page, re.S)
    assert m
    return json.loads(m.group(1))


def test_the_exported_map_names_sources_and_lanes_never_their_ids(shipped: FlowSet) -> None:
    data = _embedded_data(export_text(shipped, "care-and-protection", "html"))
    ids = {s for s in shipped.sources if "_" in s}
    ids |= {ln.id for f in shipped.flows.values() for ln in f.lanes if "_" in ln.id}
    for node in data["nodes"]:
        for text in (node["title"], node["details"]):
            words = set(re.findall(r"[a-z0-9]+(?:_[a-z0-9]+)+", text))
            assert not words & ids, (node["id"], words & ids)
    ng = next(s for s in shipped.sources.values() if s.id == "ng_cp_2021")
    assert any(ng.title in n["details"] for n in data["nodes"])


def test_the_exported_details_give_the_whole_description_and_the_timescales(
        shipped: FlowSet) -> None:
    G = flow_graph(shipped, "care-and-protection")
    data = _embedded_data(export_text(shipped, "care-and-protection", "html"))
    node = next(n for n in data["nodes"] if n["id"] == "grounds_hearing")
    assert G.nodes["grounds_hearing"]["step"].description in node["details"]
    assert "Timescales:" in node["details"] and "working days" in node["details"]


def test_the_exported_map_prints_its_whole_map() -> None:
    from explorer.render.vis import map_shell_html

    page = map_shell_html()
    assert "@media print" in page and "beforeprint" in page and "network.fit" in page


# -- the statutory clocks on the printed sheet ------------------------------------------

from explorer.render.printing import (  # noqa: E402
    far_clocks,
    place_clock_labels,
    printed_sheet,
    transition_clocks,
)


def _pdf_words_at(data: bytes) -> list[tuple[str, float, float]]:
    """(text, x, y) of every piece of text in a one-page PDF, in page points."""
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((" ".join(text.split()), x, y))

    PdfReader(__import__("io").BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return found


def _meet(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_a_transition_with_several_limits_shows_the_shortest_and_counts_the_rest(
        shipped: FlowSet) -> None:
    clocks = transition_clocks(flow_graph(shipped, "care-and-protection"))
    # s.88(4)(a) gives 7 days, r.17 the 1st working day after: the working day is shorter
    assert clocks[("child_detained_on_warrant", "grounds_hearing")] == "1st working day +1"
    assert clocks[("cpo_sheriff_application", "cpo_sheriff_decision")] == "3 working days"


@pytest.mark.parametrize(("flow_id", "paper"), SHEETS)
def test_every_statutory_transition_has_its_limit_written_on_the_pdf(
        shipped: FlowSet, flow_id: str, paper: str) -> None:
    got = printed_sheet(shipped, flow_id, paper)  # type: ignore[arg-type]
    assert got is not None
    info, _ = got
    wanted = transition_clocks(flow_graph(shipped, flow_id))
    assert wanted and info.unlabelled == ()
    assert {(lb.source, lb.target): lb.text for lb in info.labels} == wanted
    assert min(lb.size for lb in info.labels) >= 6.0 - 1e-6
    words = _pdf_words_at(print_map(shipped, flow_id, "pdf", paper=paper))  # type: ignore[arg-type]
    unwritten = [lb.text for lb in info.labels if not any(
        t == lb.text and lb.rect[0] <= x <= lb.rect[2] and lb.rect[1] <= y <= lb.rect[3]
        for t, x, y in words)]
    assert unwritten == []


@pytest.mark.parametrize(("flow_id", "paper"), SHEETS)
def test_no_clock_label_overlaps_a_box_a_stage_heading_or_another_label(
        shipped: FlowSet, flow_id: str, paper: str) -> None:
    from explorer.render.layout import text_width

    got = printed_sheet(shipped, flow_id, paper)  # type: ignore[arg-type]
    assert got is not None
    info, L = got
    (ox, oy), s = info.origin, info.scale
    boxes = {b.id: (ox + b.x * s, oy - (b.y + b.h) * s, ox + (b.x + b.w) * s, oy - b.y * s)
             for b in L.boxes.values()}
    headings = {r.title: (ox + r.title_x * s, oy - r.title_y * s - L.title_size * s * 1.2,
                          ox + r.title_x * s + text_width(r.title, L.title_size * s, L.family),
                          oy - r.title_y * s) for r in L.regions if r.kind == "stage"}
    on_boxes = [(lb.text, b) for lb in info.labels for b, r in boxes.items()
                if _meet(lb.rect, r)]
    on_headings = [(lb.text, h) for lb in info.labels for h, r in headings.items()
                   if _meet(lb.rect, r)]
    on_labels = [(a.text, b.text) for i, a in enumerate(info.labels)
                 for b in info.labels[i + 1:] if _meet(a.rect, b.rect)]
    assert on_boxes == [] and on_headings == [] and on_labels == []


def test_the_clocks_between_steps_not_joined_are_listed_when_the_sheet_has_room(
        shipped: FlowSet) -> None:
    far = far_clocks(flow_graph(shipped, "permanence"))
    got = printed_sheet(shipped, "permanence")
    assert got is not None and got[0].far_listed == got[0].far_total == len(far) > 0
    assert got[0].min_font >= 6.0 - 1e-6
    _, _, text, _ = _pdf_text(print_map(shipped, "permanence", "pdf"))
    assert [c for c in far if c not in text] == []


def test_the_clocks_between_steps_not_joined_are_counted_when_there_is_no_room(
        shipped: FlowSet) -> None:
    far = far_clocks(flow_graph(shipped, "care-and-protection"))
    got = printed_sheet(shipped, "care-and-protection")
    assert got is not None and got[0].far_listed == 0 and got[0].far_total == len(far)
    _, _, text, _ = _pdf_text(print_map(shipped, "care-and-protection", "pdf"))
    assert (f"{len(far)} further statutory clocks between steps not directly joined: "
            "see the step details or the HTML map") in text


def test_a_label_with_no_room_anywhere_is_reported_not_drawn_over_a_box() -> None:
    line = {("a", "b"): [(50.0, 60.0), (50.0, 40.0)]}
    walls = [(0.0, 0.0, 100.0, 39.0), (0.0, 61.0, 100.0, 100.0),
             (0.0, 39.0, 49.0, 61.0), (51.0, 39.0, 100.0, 61.0)]
    placed, missing = place_clock_labels(line, {("a", "b"): "3 days"}, walls,
                                         (0.0, 0.0, 100.0, 100.0), 6.0, "DejaVu Sans")
    assert placed == [] and missing == [("a", "b")]


def test_a_label_goes_beside_a_line_too_short_to_hold_it() -> None:
    line = {("a", "b"): [(50.0, 44.0), (50.0, 40.0)]}  # 4 pt between two boxes
    boxes = [(20.0, 44.0, 80.0, 60.0), (20.0, 24.0, 80.0, 40.0)]
    placed, missing = place_clock_labels(line, {("a", "b"): "3 days"}, boxes,
                                         (0.0, 0.0, 200.0, 100.0), 6.0, "DejaVu Sans")
    assert missing == [] and placed[0].anchor is not None
    assert not any(_meet(placed[0].rect, b) for b in boxes)


def test_the_printing_examples_hold() -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module("explorer.render.printing"),
                             optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0

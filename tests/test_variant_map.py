"""A local variant's map marks what differs from its national flow, and nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from explorer.analysis.diff import diff_flows
from explorer.graph import flow_graph
from explorer.graph.build import step_id
from explorer.io.load import DEFAULT_FLOWS_DIR, load_flows
from explorer.model.flowset import FlowSet
from explorer.model.kinds import CHANGE_BADGES
from explorer.render.vis import MapOptions, legend_html, map_data, map_html
from explorer.ui.data import FLOWS_DIR_ENV
from explorer.views.variants import map_marks, variant_marks
from tests.apptest import ok, page
from tests.test_variants import variant_text

LOCAL_STEP = """  - id: local_pre_panel_meeting
    name: Our pre-panel planning meeting
    kind: meeting
    lane: social_work
    stage: panel_and_decision
    description: >-
      The council's own meeting before the panel: the report is read and the referral made.
    legal_basis:
      - source: aasr_2009
        provision: reg 12(2),(4)
    tags: [panel, permanence]
    next:
      - to: permanence_panel
"""


def council_text() -> str:
    """The shipped permanence flow as a council's own: one step replaced by a local one
    (so one step removed, one added and their lines), one step renamed, one time limit
    shortened (28 to 21 days) and one line's practice estimate changed."""
    text = variant_text()
    start = text.index("  - id: panel_referral\n")
    end = text.index("  - id: permanence_panel\n")
    text = text[:start] + LOCAL_STEP + text[end:]
    text = text.replace("      - to: panel_referral\n", "      - to: local_pre_panel_meeting\n")
    text = text.replace("    name: Matching panel\n", "    name: Our matching panel\n", 1)
    i = text.index("      - to: matching_decision\n")
    text = text[:i] + text[i:].replace("likely: 10", "likely: 12", 1)
    assert "panel_referral" not in text
    return text


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> FlowSet:
    folder = tmp_path_factory.mktemp("council") / "flows"
    shutil.copytree(DEFAULT_FLOWS_DIR, folder, ignore=shutil.ignore_patterns("schema"))
    (folder / "permanence-local.yaml").write_text(council_text(), encoding="utf-8")
    fs = load_flows(folder)
    assert fs.problems == []
    return fs


def _data(fs: FlowSet, **kw: object) -> dict:
    marks = variant_marks(fs.flows, fs.flows["permanence-local"], fs.sources)
    G = flow_graph(fs, "permanence-local")
    return map_data(G, fs.flows, MapOptions(diff=marks, sources=dict(fs.sources), **kw))


def test_the_map_marks_exactly_the_steps_and_lines_the_diff_finds(council: FlowSet) -> None:
    d = diff_flows(council.flows["permanence"], council.flows["permanence-local"])
    steps = {c.key: c.change for c in d.changes if c.item == "step"}
    touched = {step_id(e) for c in d.changes if c.item == "timescale" for e in c.ends}
    lines = {tuple(c.ends): c.change for c in d.changes if c.item == "transition"}
    assert steps == {"local_pre_panel_meeting": "added", "panel_referral": "removed",
                     "matching_panel": "changed"}

    data = _data(council)
    marked = {n["id"]: n["diff"] for n in data["nodes"] if "diff" in n}
    # Every step the diff names, and both ends of every changed time limit; a removed
    # step is drawn where it was, as a ghost.
    assert marked == {**dict.fromkeys(touched, "changed"), **steps}
    edges = {(e["from"], e["to"]): e["diff"] for e in data["edges"] if "diff" in e}
    assert edges == lines
    assert edges[("matching_panel", "matching_decision")] == "changed"
    assert edges[("permanence_recommendation", "local_pre_panel_meeting")] == "added"
    assert edges[("panel_referral", "permanence_panel")] == "removed"
    # The lines the page draws carry the same marks as the edges.
    assert {p["diff"] for p in data["paths"] if p.get("diff")} == set(lines.values())
    assert sum(1 for p in data["paths"] if p.get("diff")) == len(lines)


def test_a_removed_step_is_a_ghost_not_a_step_of_the_variant(council: FlowSet) -> None:
    data = _data(council)
    ghost = next(n for n in data["nodes"] if n["id"] == "panel_referral")
    assert ghost["ghost"] and ghost["title"].split("\n")[1].startswith(
        CHANGE_BADGES["removed"])
    assert "panel_referral" not in {s["id"] for s in data["steps"]}
    assert data["total_steps"] == len(council.flows["permanence-local"].steps)
    assert data["summary"].startswith(f"{data['total_steps']} of {data['total_steps']} steps")


def test_what_was_removed_is_listed_beside_the_map(council: FlowSet) -> None:
    diff = _data(council)["diff"]
    assert diff["removed_steps"] == ["Permanence report and referral to the panel"]
    assert len(diff["removed_transitions"]) == 2
    assert all("_" not in x for x in diff["removed_transitions"])


def test_the_hover_says_what_was_added_and_what_changed(council: FlowSet) -> None:
    nodes = {n["id"]: n for n in _data(council)["nodes"]}
    new = nodes["local_pre_panel_meeting"]
    assert "Added in this local version" in new["title"].split("\n")[1]
    assert new["label"].startswith(CHANGE_BADGES["added"].split()[0])
    renamed = nodes["matching_panel"]["title"]
    assert "Changed: name Matching panel → Our matching panel" in renamed
    limit = "Changed: time limit within 28 days → within 21 days"
    touched = [n for n, v in nodes.items() if limit in v["title"]]
    assert len(touched) == 2
    assert all(limit in nodes[n]["details"] for n in touched)


def test_a_map_without_the_diff_marks_nothing(council: FlowSet) -> None:
    G = flow_graph(council, "permanence-local")
    data = map_data(G, council.flows, MapOptions())
    assert data["diff"] is None
    assert not any("diff" in n for n in data["nodes"])
    assert not any("diff" in p for p in data["paths"])


def test_the_legend_has_an_entry_for_each_mark_and_lists_the_removed(council: FlowSet
                                                                    ) -> None:
    marks = variant_marks(council.flows, council.flows["permanence-local"], council.sources)
    assert marks is not None
    text = legend_html([], marks)
    assert f"What differs from {council.flows['permanence'].title}" in text
    for badge in (CHANGE_BADGES["added"], CHANGE_BADGES["changed"]):
        assert badge in text
    assert "solid outline" in text and "dashed outline" in text
    assert "Permanence report and referral to the panel" in text
    assert "What differs" not in legend_html([])


def test_the_exported_page_carries_the_marks_and_their_legend(council: FlowSet) -> None:
    marks = variant_marks(council.flows, council.flows["permanence-local"], council.sources)
    page_html = map_html(flow_graph(council, "permanence-local"), council.flows,
                         MapOptions(diff=marks))
    assert "What differs from" in page_html and CHANGE_BADGES["added"] in page_html


def test_the_html_export_of_a_variant_marks_its_differences(council: FlowSet) -> None:
    from explorer.render.export import export_text

    assert "What differs from" in export_text(council, "permanence-local", "html")
    assert "What differs from" not in export_text(council, "permanence", "html")


def test_the_printed_map_of_a_variant_marks_and_keys_its_differences(council: FlowSet
                                                                      ) -> None:
    from explorer.render.printing import print_map
    from explorer.views.variants import declared_variant_marks

    marks = declared_variant_marks(council.flows, "permanence-local", council.sources)
    svg = print_map(council, "permanence-local", "svg", paper="a1", diff=marks).decode()
    for badge in CHANGE_BADGES.values():
        assert badge in svg  # on the boxes
    assert "NEW: added in this local version" in svg  # in the key
    assert "REMOVED: removed from the national flow" in svg
    plain = print_map(council, "permanence-local", "svg", paper="a1").decode()
    assert CHANGE_BADGES["added"] not in plain


def test_the_command_line_prints_a_variant_with_its_marks(council: FlowSet,
                                                          tmp_path: Path) -> None:
    from explorer.cli import main

    folder = Path(next(iter(council.documents.values())).path).parent
    out = tmp_path / "ours.svg"
    assert main(["export", "permanence-local", "--format", "svg", "--paper", "a1",
                 "--flows", str(folder), "--out", str(out)]) == 0
    assert CHANGE_BADGES["removed"] in out.read_text(encoding="utf-8")


def test_a_flow_compared_with_itself_has_no_marks(council: FlowSet) -> None:
    same = map_marks(diff_flows(council.flows["permanence"], council.flows["permanence"]),
                     "Permanence")
    assert same.empty


# -- the Map page ---------------------------------------------------------------------


@pytest.fixture
def council_dir(council: FlowSet, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = Path(next(iter(council.documents.values())).path).parent
    monkeypatch.setenv(FLOWS_DIR_ENV, str(folder))


def _steps_view(flow: str = "permanence-local") -> object:
    at = ok(page("explorer.ui.map_page").run())
    at.selectbox(key="map_flow").set_value(flow)
    ok(at.run())
    at.radio(key="map_view").set_value("Steps (map)")
    return ok(at.run())


@pytest.mark.usefixtures("council_dir")
def test_the_map_page_of_a_variant_offers_the_differences_on_by_default() -> None:
    at = _steps_view()
    toggle = at.toggle(key="map_diff")  # type: ignore[attr-defined]
    assert toggle.value is True
    assert toggle.label.startswith("Show what differs from ")
    legend = "\n".join(h.proto.body for h in at.get("html"))  # type: ignore[attr-defined]
    assert "What differs from" in legend and CHANGE_BADGES["added"] in legend
    assert "Permanence report and referral to the panel" in legend


@pytest.mark.usefixtures("council_dir")
def test_turning_the_differences_off_removes_their_legend() -> None:
    at = _steps_view()
    at.toggle(key="map_diff").set_value(False)  # type: ignore[attr-defined]
    ok(at.run())  # type: ignore[attr-defined]
    legend = "\n".join(h.proto.body for h in at.get("html"))  # type: ignore[attr-defined]
    assert "What differs from" not in legend


@pytest.mark.usefixtures("council_dir")
def test_a_national_flow_offers_no_differences() -> None:
    at = _steps_view("permanence")
    assert not [t for t in at.get("toggle") if t.key == "map_diff"]  # type: ignore[attr-defined]


@pytest.mark.usefixtures("council_dir")
def test_a_marked_step_s_details_say_what_changed() -> None:
    at = _steps_view()
    at.selectbox(key="map_step").set_value("matching_panel")  # type: ignore[attr-defined]
    ok(at.run())  # type: ignore[attr-defined]
    infos = [i.value.replace("\\", "") for i in at.info]  # type: ignore[attr-defined]
    assert any("Changed: name Matching panel → Our matching panel" in i for i in infos)


@pytest.mark.usefixtures("council_dir")
def test_the_variant_s_map_page_shows_no_internal_id(council: FlowSet) -> None:
    from tests.test_words import internal_ids, problems_in, shown

    at = _steps_view()
    at.selectbox(key="map_step").set_value("local_pre_panel_meeting")  # type: ignore[attr-defined]
    ok(at.run())  # type: ignore[attr-defined]
    texts = shown(at)  # type: ignore[arg-type]
    texts += [h.proto.body for h in at.get("html")]  # type: ignore[attr-defined]
    assert problems_in(texts, internal_ids(council)) == []

"""The pure helpers behind the Routes page (explorer.compare, explorer.render.charts)."""

from __future__ import annotations

import doctest
import importlib

import networkx as nx
import pandas as pd
import pytest

from explorer.analysis.routes import routes
from explorer.analysis.simulate import apply_overrides, calibration_table, simulate, what_if
from explorer.graph import flow_graph
from explorer.io.load import load_flows
from explorer.io.tabular import csv_bytes as table_csv
from explorer.model.flowset import FlowSet
from explorer.render.charts import histogram_chart, timeline_chart, timeline_frames
from explorer.views.route_tables import (
    LIMIT_CLASSES,
    LIMIT_GUIDANCE,
    LIMIT_MINIMUM,
    LIMIT_STATUTORY,
    calibration_frame,
    choice_steps,
    default_endpoints,
    forced_shares,
    normalise_shares,
    outcome_frame,
    outcome_options,
    published_labels,
    route_differences,
    route_graph,
    route_simulation,
    route_table,
    route_timeline,
    side_by_side,
    start_options,
    step_labels,
    time_histogram,
    timeline_frame,
    whatif_frame,
    whatif_presets,
)
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def system() -> FlowSet:
    return load_flows(FIXTURES / "system")


@pytest.mark.parametrize("name", ["explorer.views.route_tables", "explorer.render.charts"])
def test_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_default_endpoints(system: FlowSet) -> None:
    assert default_endpoints(flow_graph(system, "all")) == ("concern_raised", "adoption_order")
    assert default_endpoints(flow_graph(system, "permanence-lite")) == ("looked_after",
                                                                        "adoption_order")
    # No adoption here: the first start with an end it can reach.
    assert default_endpoints(flow_graph(system, "protection-lite"))[0] == "concern_raised"
    explorer = load_flows(FIXTURES / "explorer")
    assert default_endpoints(flow_graph(explorer, "all")) == ("looked_after", "adoption_order")
    assert default_endpoints(nx.DiGraph()) == (None, None)


def test_start_and_outcome_options(system: FlowSet) -> None:
    G = flow_graph(system, "all")
    starts = start_options(G)
    assert starts[:2] == ["concern_raised", "looked_after"]
    assert not {"adoption_order", "reunification"} & set(starts)
    ends = outcome_options(G, "looked_after")
    assert ends[:3] == sorted(ends[:3], key=ends.index)
    assert {"adoption_order", "po_granted", "reunification"} <= set(ends)
    assert "cp_nfa" not in ends and "looked_after" not in ends
    assert outcome_options(G, "no_such_step") == []


def test_route_graph_keeps_only_the_chosen_exit(system: FlowSet) -> None:
    G = flow_graph(system, "all")
    rs = routes(G, "concern_raised", "adoption_order")
    for r in rs.routes:
        H = route_graph(G, r)
        assert set(H) == set(r.steps)
        for u, v in r.choices:
            assert list(H.successors(u)) == [v]
        assert nx.is_directed_acyclic_graph(H)
    assert G.number_of_nodes() == 35  # the flow graph is left as it was


def test_route_table_and_differences(system: FlowSet) -> None:
    G = flow_graph(system, "all")
    rs = routes(G, "concern_raised", "adoption_order")
    names = step_labels(G)
    sims = [route_simulation(G, r, runs=300) for r in rs.routes]
    df = route_table(rs, names, {"sw": "Social work"}, sims)
    assert list(df["Route"]) == [1, 2, 3]
    r0 = rs.routes[0]
    assert df.loc[0, "Statutory floor days"] == round(r0.statutory_floor_days, 1)
    assert df.loc[0, "Unbounded steps"] == len(r0.unbounded_steps)
    assert df.loc[0, "Hearings"] == r0.hearings
    assert "Social work" in df.loc[0, "Decision makers"]
    assert df["Simulated median days"].notna().all()
    diffs = route_differences(rs.routes)
    assert all(diffs) and len(set(diffs)) == 3
    side = side_by_side([(1, rs.routes[0]), (3, rs.routes[2])], names, None,
                        {1: sims[0], 3: sims[2]})
    assert list(side.columns) == ["Figure", "Route 1", "Route 3"]
    last = side.iloc[-1]
    assert last["Figure"] == "Steps only on some of these routes"
    assert last["Route 1"] != last["Route 3"]


def test_route_simulation_forces_the_route(system: FlowSet) -> None:
    G = flow_graph(system, "all")
    rs = routes(G, "concern_raised", "adoption_order")
    shares = forced_shares(G, rs.routes[0])
    H = apply_overrides(G, shares=shares)
    for u, v in shares.items():
        exit_to = next(iter(v))
        assert H.edges[u, exit_to]["share"].value == 1.0
    stats = route_simulation(G, rs.routes[0], runs=500, seed=3)
    assert stats is not None and stats.share == 1.0
    assert stats.p10_days <= stats.median_days <= stats.p90_days
    # Same seed, same answer (the page caches on it).
    assert route_simulation(G, rs.routes[0], runs=500, seed=3) == stats


def test_timeline_limits_of_every_class(system: FlowSet) -> None:
    G = flow_graph(system, "permanence-lite")
    route = routes(G, "looked_after", "adoption_order").routes[0]
    tl = route_timeline(G, route)
    assert tl.steps[-1].step == "adoption_order"
    assert tl.steps[-1].likely_end_days == pytest.approx(tl.critical.likely_days)
    by_class = {li.limit_class: li for li in tl.limits}
    assert set(by_class) == set(LIMIT_CLASSES)
    minimum = by_class[LIMIT_MINIMUM]
    assert (minimum.from_step, minimum.to) == ("adoption_placement", "adoption_order")
    assert minimum.limit_days == pytest.approx(minimum.start_days + 91)
    assert minimum.met  # 13 weeks with the adopters pass long before the order
    guidance = by_class[LIMIT_GUIDANCE]
    assert guidance.to == "permanence_recommendation" and not guidance.met
    assert by_class[LIMIT_STATUTORY].met
    frame = timeline_frame(tl)
    assert set(frame["What"]) == {"Estimate (practice, not law)", *LIMIT_CLASSES}


def test_timeline_chart_draws_limits_by_shape_and_dash(system: FlowSet) -> None:
    G = flow_graph(system, "permanence-lite")
    tl = route_timeline(G, routes(G, "looked_after", "adoption_order").routes[0])
    spec = timeline_chart(tl).to_dict()
    clock, point = spec["layer"][2]["encoding"], spec["layer"][3]["encoding"]
    assert clock["strokeDash"]["scale"]["domain"] == list(LIMIT_CLASSES)
    assert len({tuple(d) for d in clock["strokeDash"]["scale"]["range"]}) == 3
    assert len(set(point["shape"]["scale"]["range"])) == 3
    assert spec["autosize"]["type"] == "fit-x"
    everything, _ = timeline_frames(tl, instant=True)
    fewer, limits = timeline_frames(tl, instant=False)
    assert len(fewer) < len(everything)
    assert set(limits["Step"]) <= set(fewer["Step"])


def test_histogram_and_outcome_tables(system: FlowSet) -> None:
    G = flow_graph(system, "permanence-lite")
    sim = simulate(G, "looked_after", runs=2000, seed=1)
    names = step_labels(G)
    hist = time_histogram(sim, list(sim.outcomes), names, bins=10)
    for label, part in hist.groupby("Outcome"):
        assert part["Share"].sum() == pytest.approx(1.0)
        assert "% of journeys)" in label
    assert "facet" in histogram_chart(hist).to_dict()
    table = outcome_frame(sim, names)
    assert table["Share of journeys"].sum() == pytest.approx(1.0, abs=1e-3)
    empty = time_histogram(sim, ["no_such"], names)
    assert empty.empty


def test_presets_and_whatif_table(system: FlowSet) -> None:
    G = flow_graph(system, "permanence-lite")
    presets = {p.id: p for p in whatif_presets(G)}
    assert set(presets) == {"panel_12_weeks"}
    panel = presets["panel_12_weeks"]
    assert panel.estimates == ((("permanence_recommendation", "permanence_panel"),
                                (("max", 84.0),)),)
    w = what_if(G, "looked_after", estimates={e: dict(v) for e, v in panel.estimates},
                runs=2000, seed=1)
    table = whatif_frame(w.changes, step_labels(G)).set_index("Outcome")
    assert table.loc["Adoption order", "Median change days"] < 0


def test_concurrency_preset_found_at_a_decision() -> None:
    G = nx.DiGraph(flow_id="x", timescales=[])
    G.add_node("review", kind="decision", name="Review")
    G.add_node("conc", kind="parallel", name="Concurrency planning")
    G.add_node("home", kind="event", name="Home")
    G.add_edge("review", "conc", repeat=False, estimate=None, share=None)
    G.add_edge("review", "home", repeat=False, estimate=None, share=None)
    [preset] = whatif_presets(G)
    assert preset.id == "concurrency_for_all"
    assert preset.shares == (("review", (("conc", 1.0),)),)


def test_choice_steps_and_normalised_shares(system: FlowSet) -> None:
    G = flow_graph(system, "permanence-lite")
    choices = choice_steps(G)
    assert list(choices) == ["final_decision"]
    assert sum(w for _, w in choices["final_decision"]) == pytest.approx(1.0)
    assert normalise_shares({"a": 1, "b": 1, "c": 2}) == {"a": 0.25, "b": 0.25, "c": 0.5}
    with pytest.raises(ValueError):
        normalise_shares({"a": 0, "b": 0})


def test_calibration_frame(system: FlowSet) -> None:
    rows = calibration_table(system, "permanence-lite", runs=2000, seed=1)
    names = step_labels(flow_graph(system, "permanence-lite"))
    frame = calibration_frame(rows, names)
    # Named by its steps without labels, never by its id.
    assert frame.loc[0, "Published figure"] == f"{names['looked_after']} to Adoption order"
    labelled = calibration_frame(rows, names, published_labels(system.flows.values(),
                                                               system.sources))
    assert not any("time_to" in x for x in labelled["Published figure"])
    assert all(": " in x for x in labelled["Published figure"])
    assert set(frame["Within tolerance"]) <= {"yes", "no"}
    assert frame.loc[0, "To"] == "Adoption order"


def test_step_labels_tell_equal_names_apart(system: FlowSet) -> None:
    labels = step_labels(flow_graph(system, "all"))
    assert len(set(labels.values())) == len(labels)


def test_table_csv_neutralises_formulas() -> None:
    frame = pd.DataFrame({"Step": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "plain"],
                          "Days": [1, -2, 3, 4, 5]})
    text = table_csv(frame).decode("utf-8")
    lines = text.splitlines()
    assert lines[1].startswith('"\'=') and lines[2].startswith("'+")
    assert lines[3].startswith("'-") and lines[4].startswith("'@")
    assert lines[5] == "plain,5"
    assert lines[2].endswith(",-2")  # numbers stay numbers

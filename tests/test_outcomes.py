"""Outcomes compared (the Routes page's first section): one row per outcome, three questions."""

from __future__ import annotations

import pandas as pd
import pytest

from explorer.analysis.simulate import simulate, what_if
from explorer.graph import flow_graph
from explorer.model.flowset import FlowSet
from explorer.views.outcomes import (
    OutcomeRow,
    change_arrow,
    drift_frame,
    explain_change,
    law_frame,
    outcome_rows,
    practice_frame,
    reachable_ends,
    route_names,
)
from explorer.views.route_tables import step_labels, whatif_presets

Rows = list[OutcomeRow]


@pytest.fixture(scope="module")
def rows(shipped: FlowSet) -> list[OutcomeRow]:
    G = flow_graph(shipped, "permanence")
    return outcome_rows(G, "looked_after", simulate(G, "looked_after", runs=2000, seed=1))


def test_one_row_per_outcome_reachable_from_the_start(shipped: FlowSet, rows: Rows) -> None:
    G = flow_graph(shipped, "permanence")
    assert sorted(r.outcome for r in rows) == sorted(reachable_ends(G, "looked_after"))
    assert {"adoption_order", "reunification"} <= {r.outcome for r in rows}


def test_rows_are_sorted_by_the_statutory_floor(rows: Rows) -> None:
    floors = [r.floor_days for r in rows]
    assert floors == sorted(floors)


def test_adoption_needs_at_least_the_13_weeks_with_the_adopters(rows: Rows) -> None:
    adoption = next(r for r in rows if r.outcome == "adoption_order")
    assert adoption.floor_days >= 13 * 7
    assert adoption.route_name.startswith("via ")


def test_tables_show_whole_days_and_name_every_outcome(rows: Rows) -> None:
    law = law_frame(rows)
    practice = practice_frame(rows)
    for frame, col in ((law, "Minimum by law (days)"), (practice, "Simulated median (days)")):
        assert all(isinstance(x, int) for x in frame[col].dropna())
    assert "_" not in "".join(law["Outcome"])


def test_drift_table_names_the_steps_with_no_time_limit(shipped: FlowSet, rows: Rows) -> None:
    names = step_labels(flow_graph(shipped, "permanence"))
    drift = drift_frame(rows, names)
    row = drift.set_index("Outcome").loc["Adoption order made"]
    assert row["Steps with no time limit"] == len(row["Which steps have no time limit"].split("; "))


def test_routes_are_named_by_the_choices_that_set_them_apart(shipped: FlowSet) -> None:
    from explorer.analysis.routes import routes

    G = flow_graph(shipped, "permanence")
    rs = routes(G, "looked_after", "adoption_order", limit=30).routes
    names = route_names(G, rs)
    assert len(set(names)) == len(names)
    assert all(n.startswith("via ") or n == "the most direct route" for n in names)
    assert not any("_" in n for n in names)


def test_a_change_that_rounds_to_zero_has_no_arrow() -> None:
    assert change_arrow(0.0) is None
    assert change_arrow(-0.04) is None
    assert change_arrow(4.1) == "+4.1"


def test_concurrency_for_all_explains_why_long_term_care_rises(shipped: FlowSet) -> None:
    G = flow_graph(shipped, "permanence")
    preset = next(p for p in whatif_presets(G) if p.id == "concurrency_for_all")
    shares = {s: dict(v) for s, v in preset.shares}
    w = what_if(G, "looked_after", shares=shares, runs=2000, seed=1)
    change = next(c for c in w.changes if c.outcome == "long_term_care_cso")
    assert change.share_change > 0
    why = " ".join(explain_change(G, shares, change))
    assert "more journeys end in Long-term care without legal permanence" in why
    assert G.nodes[next(iter(shares))]["name"] in why


def test_outcome_frames_have_one_row_each(rows: Rows) -> None:
    frames = [law_frame(rows), practice_frame(rows)]
    assert all(isinstance(f, pd.DataFrame) and len(f) == len(rows) for f in frames)

"""Process mining of an event log: transitions, variants, out-of-order entries, skipped
statutory steps and clocks missed, on hand-built logs with known answers."""

from __future__ import annotations

import datetime as dt

import pytest

from explorer.cases.eventgen import MISORDER_NOTE, generate_events
from explorer.cases.mining import (
    clocks_missed,
    mine,
    observed_map,
    step_ranks,
    transitions,
    variants,
)
from explorer.model.flowset import FlowSet
from tests.eventlogs import day, log

LA, PL, R1, R2 = "looked_after", "placement", "lac_review_1", "lac_review_2"


def test_transitions_count_children_and_time_between_consecutive_events() -> None:
    t = transitions(log(("A", LA, "2025-01-01"), ("A", PL, "2025-01-11"), ("A", R1, "2025-02-10"),
                        ("B", LA, "2025-01-01"), ("B", PL, "2025-01-21"),
                        ("C", LA, "2025-01-01"), ("C", R1, "2025-03-02")))
    rows = {(r["from"], r["to"]): r for r in t.to_dict("records")}
    assert set(rows) == {(LA, PL), (PL, R1), (LA, R1)}
    assert (rows[LA, PL]["children"], rows[LA, PL]["median_days"]) == (2, 15.0)
    assert (rows[PL, R1]["children"], rows[PL, R1]["median_days"]) == (1, 30.0)
    assert rows[LA, R1]["median_days"] == 60.0


def test_a_child_counts_once_however_often_they_repeat_a_transition() -> None:
    t = transitions(log(("A", "lac_review", "2025-01-01"), ("A", "permanence_panel", "2025-02-01"),
                        ("A", "lac_review", "2025-03-01"), ("A", "permanence_panel", "2025-04-01")))
    row = t[(t["from"] == "lac_review") & (t["to"] == "permanence_panel")].iloc[0]
    assert (row["children"], row["count"]) == (1, 2)


def test_the_p90_is_the_ninetieth_percentile_of_the_days() -> None:
    events = []
    for i in range(10):
        events += [(f"K{i}", LA, "2025-01-01"), (f"K{i}", PL, f"2025-01-{i + 2:02d}")]
    row = transitions(log(*events)).iloc[0]
    assert (row["median_days"], row["p90_days"]) == (5.5, 9.1)


def test_events_on_the_same_day_follow_the_flows_order(shipped: FlowSet) -> None:
    # Entered in reverse order on one day: the flow puts looked_after first.
    t = transitions(log(("A", PL, "2025-01-01"), ("A", LA, "2025-01-01")),
                    ranks=step_ranks(shipped))
    assert (t.iloc[0]["from"], t.iloc[0]["to"]) == (LA, PL)


def test_variants_give_each_route_with_its_share_of_children() -> None:
    v = variants(log(("A", LA, "2025-01-01"), ("A", PL, "2025-01-02"),
                     ("B", LA, "2025-01-01"), ("B", PL, "2025-01-05"),
                     ("C", LA, "2025-01-01")))
    assert [(r["steps"], r["children"], round(r["share"], 4)) for r in v.to_dict("records")] == [
        ((LA, PL), 2, 0.6667), ((LA,), 1, 0.3333)]


def test_a_step_dated_before_the_one_the_flow_puts_first_is_out_of_order(
        shipped: FlowSet) -> None:
    m = mine(log(("A", LA, "2025-03-01"), ("A", PL, "2025-02-01"), ("A", R1, "2025-04-01"),
                 ("B", LA, "2025-01-01"), ("B", PL, "2025-01-05")), shipped)
    rows = m.out_of_order.to_dict("records")
    assert [(r["case_id"], r["from"], r["to"]) for r in rows] == [("A", LA, PL)]
    assert (rows[0]["from_date"].date(), rows[0]["to_date"].date()) == (
        day("2025-03-01"), day("2025-02-01"))


def test_steps_on_parallel_tracks_in_any_order_are_not_out_of_order(
        shipped: FlowSet) -> None:
    m = mine(log(("A", "permanence_options_work", "2025-01-01"),
                 ("A", "return_home_work", "2025-02-01"),
                 ("B", "return_home_work", "2025-01-01"),
                 ("B", "permanence_options_work", "2025-02-01")), shipped)
    assert m.out_of_order.empty


def test_the_generators_keyed_slips_are_what_is_found_out_of_order(shipped: FlowSet) -> None:
    events = generate_events(shipped, children=400, seed=5, misorder_rate=0.2)
    found = set(mine(events, shipped).out_of_order["case_id"])
    slipped = set(events.loc[events["note"] == MISORDER_NOTE, "case_id"])
    assert found and found <= slipped


def test_a_statutory_step_missing_before_a_later_one_is_skipped(shipped: FlowSet) -> None:
    m = mine(log(("A", PL, "2025-01-01"), ("A", R1, "2025-02-01"), ("A", R2, "2025-04-01"),
                 ("B", PL, "2025-01-01"), ("B", R2, "2025-04-01")), shipped)
    skipped = {r["step"]: (r["children"], r["reached"]) for r in m.skipped.to_dict("records")}
    assert skipped == {R1: (1, 2)}


def test_a_step_the_log_never_records_is_a_records_gap_not_a_skip(shipped: FlowSet) -> None:
    m = mine(log(("A", PL, "2025-01-01"), ("A", R2, "2025-04-01")), shipped)
    assert R1 not in set(m.skipped["step"])
    assert R1 in m.skipped.attrs["never_recorded"]


def test_clocks_missed_count_the_late_steps_by_rule(shipped: FlowSet) -> None:
    # 6 weeks from placement to the first review: A in 31 days, B in 59 days.
    events = log(("A", PL, "2025-01-01"), ("A", R1, "2025-02-01"),
                 ("B", PL, "2025-01-01"), ("B", R1, "2025-03-01"))
    c = clocks_missed(events, shipped, as_of=day("2025-06-01"))
    six_weeks = c[(c["from"] == PL) & (c["to"] == R1) & (c["limit"] == 6)
                  & (c["unit"] == "weeks")].iloc[0]
    assert (six_weeks["met"], six_weeks["missed"]) == (1, 1)
    assert six_weeks["stage"] != ""


def test_mine_json_has_the_contract_fields(shipped: FlowSet) -> None:
    data = mine(log(("A", LA, "2025-03-01"), ("A", PL, "2025-02-01")), shipped).as_dict()
    assert {"from", "to", "children", "median_days", "p90_days"} <= set(data["transitions"][0])
    assert {"steps", "children", "share"} <= set(data["variants"][0])
    assert data["out_of_order"][0] == {**data["out_of_order"][0], "case_id": "A",
                                      "from": LA, "to": PL}


def test_suppressed_mining_hides_small_counts_and_every_case_id(shipped: FlowSet) -> None:
    data = mine(log(("A", LA, "2025-03-01"), ("A", PL, "2025-02-01")), shipped).as_dict(
        suppress=True)
    assert data["transitions"][0]["children"] == "<5"
    assert data["out_of_order"] == []


@pytest.mark.parametrize(("median", "expected"), [(20, "within"), (60, "over")])
def test_the_observed_map_colours_a_transition_by_its_median_against_the_limit(
        shipped: FlowSet, median: int, expected: str) -> None:
    end = (day("2025-01-01") + dt.timedelta(days=median)).isoformat()
    events = log(("A", PL, "2025-01-01"), ("A", R1, end))
    steps, edges = observed_map(shipped, "permanence", transitions(events))
    row = edges[(edges["from"] == PL) & (edges["to"] == R1)].iloc[0]
    assert row["against_limit"] == expected
    assert "6 weeks" in row["limit_text"]
    assert set(steps["step"]) >= {PL, R1}


def test_the_package_never_imports_pm4py() -> None:
    # pm4py is AGPL-3.0: a benchmark-only extra, never a runtime dependency.
    import ast
    from pathlib import Path

    import explorer

    root = Path(explorer.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "pm4py" or n.startswith("pm4py.") for n in names):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []

"""Each child's forecast: ordered, in the future, consistent with a direct simulation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from explorer.cases.forecast import Forecaster
from explorer.model.flowset import FlowSet
from tests.eventlogs import day, log

RUNS = 4000


@pytest.fixture(scope="module")
def forecaster(shipped: FlowSet) -> Forecaster:
    return Forecaster(shipped, runs=RUNS, seed=3)


def waiting_child() -> list[tuple[str, str, str]]:
    return [("X", "looked_after", "2025-01-01"), ("X", "placement", "2025-01-10"),
            ("X", "lac_review_1", "2025-02-15"), ("X", "lac_review_2", "2025-05-10")]


def test_p50_is_never_after_p80_and_both_are_after_the_as_of_date(
        forecaster: Forecaster) -> None:
    as_of = day("2025-06-01")
    fc = forecaster.forecast(log(*waiting_child()), "X", as_of=as_of)
    assert fc.current_step == "lac_review_2"
    assert fc.outcomes
    for o in fc.outcomes.values():
        assert as_of < o.p50_date <= o.p80_date
    assert abs(sum(o.probability for o in fc.outcomes.values()) - 1) < 0.01


def test_with_no_time_spent_the_forecast_is_a_direct_simulation_from_the_step(
        forecaster: Forecaster) -> None:
    as_of = day("2025-03-01")
    fc = forecaster.forecast(log(("Y", "permanence_recommendation", "2025-03-01")), "Y",
                             as_of=as_of)
    direct = forecaster.simulation("permanence_recommendation")
    for o, f in fc.outcomes.items():
        sim = direct.outcomes[o]
        assert abs(f.probability - sim.share) < 0.03, o
        if sim.share > 0.1:
            t = direct.times[o]
            # Both are samples: allow four standard errors of a sample quantile (the
            # forecast resamples the direct simulation, so its error adds once more).
            tol = 4 * np.sqrt(2) * 1.253 * float(t.std()) / np.sqrt(t.size) + 1
            assert abs(f.p50_days - float(np.percentile(t, 50))) <= tol, o
            assert abs(f.p80_days - float(np.percentile(t, 80))) <= tol, o


def test_time_already_spent_at_a_step_is_used_up(forecaster: Forecaster) -> None:
    events = log(("Y", "permanence_recommendation", "2025-01-01"))
    fresh = forecaster.forecast(events, "Y", as_of=day("2025-01-01"))
    later = forecaster.forecast(events, "Y", as_of=day("2025-02-15"))
    o = "adoption_order"
    assert later.outcomes[o].p50_days < fresh.outcomes[o].p50_days
    assert later.outcomes[o].p50_date >= fresh.outcomes[o].p50_date
    assert any("45 day(s) already spent" in a for a in later.assumptions)


def test_a_child_who_reached_an_outcome_has_it_with_certainty(forecaster: Forecaster) -> None:
    fc = forecaster.forecast(log(("Z", "looked_after", "2024-01-01"),
                                 ("Z", "reunification", "2024-09-01")), "Z",
                             as_of=day("2025-01-01"))
    assert fc.reached_outcome == "reunification"
    assert fc.outcomes["reunification"].probability == 1.0


def test_the_next_deadlines_come_from_the_childs_dates(forecaster: Forecaster) -> None:
    fc = forecaster.forecast(log(*waiting_child()), "X", as_of=day("2025-06-01"))
    nxt = {(d["from"], d["to"]): d for d in fc.next_deadlines}
    # The next review within 6 months of the second (reg 45(2)(c)).
    assert nxt["lac_review_2", "lac_review"]["due"] == "2025-11-10"
    assert "reg 45(2)(c)" in nxt["lac_review_2", "lac_review"]["rule"]


def test_the_gantt_shows_each_parallel_track_of_concurrency_planning(
        forecaster: Forecaster) -> None:
    events = log(*waiting_child(), ("X", "concurrency_planning", "2025-05-10"))
    fc = forecaster.forecast(events, "X", as_of=day("2025-06-01"))
    tracks = fc.gantt[fc.gantt["row"].str.startswith("track:")]
    assert tracks["row"].nunique() == 2
    assert (tracks["end"] > dt.date(2025, 6, 1)).all()


def test_the_forecast_json_has_the_contract_fields(forecaster: Forecaster) -> None:
    data = forecaster.forecast(log(*waiting_child()), "X", as_of=day("2025-06-01")).as_dict()
    assert {"case_id", "as_of", "current_step", "outcomes", "next_deadlines"} <= set(data)
    first = next(iter(data["outcomes"].values()))
    assert {"probability", "p50_date", "p80_date"} <= set(first)
    assert {"from", "to", "due", "rule"} <= set(data["next_deadlines"][0])


def test_the_same_seed_gives_the_same_forecast(shipped: FlowSet) -> None:
    a = Forecaster(shipped, runs=1000, seed=9).forecast(log(*waiting_child()), "X",
                                                        as_of=day("2025-06-01"))
    b = Forecaster(shipped, runs=1000, seed=9).forecast(log(*waiting_child()), "X",
                                                        as_of=day("2025-06-01"))
    assert a.as_dict() == b.as_dict()

"""The shipped care-and-protection flow: it validates, holds its milestones, and states the
key statutory and guidance timescales as the law sets them.

Each timescale test names its provision. The values were checked against primary text
(docs/verification-care-and-protection.md).
"""

from __future__ import annotations

import networkx as nx
import pytest

from explorer.graph import dag, flow_graph, timescales_between
from explorer.model import Flow, Timescale
from explorer.model.flowset import FlowSet
from explorer.model.milestones import MILESTONES

FLOW_ID = "care-and-protection"
FLOW_FILE = "care-and-protection.yaml"


@pytest.fixture(scope="module")
def flow(shipped: FlowSet) -> Flow:
    assert FLOW_ID in shipped.flows, [str(p) for p in shipped.problems]
    return shipped.flows[FLOW_ID]


@pytest.fixture(scope="module")
def graph(shipped: FlowSet) -> nx.DiGraph:
    return flow_graph(shipped, FLOW_ID)


def only_timescale(G: nx.DiGraph, a: str, b: str) -> Timescale:
    found = timescales_between(G, a, b)
    assert len(found) == 1, f"expected one current timescale {a} -> {b}, found {found}"
    return found[0]


def provisions(ts: Timescale) -> list[tuple[str, str]]:
    return [(lb.source, lb.provision) for lb in ts.legal_basis]


def test_flow_validates_without_problems(shipped: FlowSet) -> None:
    mine = [str(p) for p in shipped.problems if p.path.endswith(FLOW_FILE)]
    assert mine == []


def test_every_canonical_milestone_is_a_step(flow: Flow) -> None:
    ids = {s.id for s in flow.steps}
    missing = [m for m in MILESTONES[FLOW_ID] if m not in ids]
    assert missing == []


def test_second_working_day_hearing_is_on_the_second_working_day_chsa_s45(
        graph: nx.DiGraph) -> None:
    """CHSA 2011 s.45(3): the hearing is on the second working day after the day of removal."""
    ts = only_timescale(graph, "place_of_safety", "second_working_day_hearing")
    assert (ts.limit, ts.unit, ts.kind, ts.counting) == (
        2, "working_days", "statutory_fixed", "nth_day_after_event")
    assert ("chsa_2011", "s.45(3)") in provisions(ts)
    assert ts.confidence == "high"


def test_grounds_hearing_within_eight_working_days_of_removal_chsa_s54(
        graph: nx.DiGraph) -> None:
    """CHSA 2011 s.54(c), as amended by CYP(S)A 2014 s.83: 8 working days beginning on the
    day after removal, or the CPO ceases."""
    ts = only_timescale(graph, "place_of_safety", "grounds_hearing")
    assert (ts.limit, ts.unit, ts.kind, ts.counting) == (
        8, "working_days", "statutory_max", "beginning_day_after_event")
    assert ("chsa_2011", "s.54(c)") in provisions(ts)
    assert ("cypsa_2014", "s.83") in provisions(ts)
    assert "ceases" in (ts.consequence or "")
    assert ts.history and "as enacted" in ts.history.lower()


def test_sheriff_decides_cpo_application_within_three_working_days_chsa_s51(
        graph: nx.DiGraph) -> None:
    """CHSA 2011 s.51(3)-(4): within 3 working days after the day of the application, or the
    CPO ceases."""
    ts = only_timescale(graph, "cpo_sheriff_application", "cpo_sheriff_decision")
    assert (ts.limit, ts.unit, ts.kind, ts.counting) == (
        3, "working_days", "statutory_max", "beginning_day_after_event")
    assert ("chsa_2011", "s.51(3)-(4)") in provisions(ts)
    assert "ceases" in (ts.consequence or "")


def test_interim_order_lasts_at_most_22_days_chsa_s86_3(graph: nx.DiGraph) -> None:
    """CHSA 2011 s.86(3): an ICSO ends at the next hearing or after 22 days beginning on the
    day it is made."""
    ts = only_timescale(graph, "icso_made", "further_icso_hearing")
    assert (ts.limit, ts.unit, ts.kind, ts.counting) == (
        22, "days", "statutory_max", "beginning_with_event_day")
    assert ("chsa_2011", "s.86(3)") in provisions(ts)


def test_proof_hearing_within_28_days_of_lodging_chsa_s101(graph: nx.DiGraph) -> None:
    """CHSA 2011 s.101(2): heard not later than 28 days after the day the application is
    lodged."""
    ts = only_timescale(graph, "proof_application", "proof_hearing")
    assert (ts.limit, ts.unit, ts.kind, ts.counting) == (
        28, "days", "statutory_max", "beginning_day_after_event")
    assert ("chsa_2011", "s.101(2)") in provisions(ts)


def test_appeal_to_the_sheriff_within_21_days_chsa_s154(graph: nx.DiGraph) -> None:
    """CHSA 2011 s.154(5): 21 days beginning with the day of the decision."""
    ts = only_timescale(graph, "hearing_decision", "appeal_lodged")
    assert (ts.limit, ts.unit, ts.kind, ts.counting) == (
        21, "days", "statutory_max", "beginning_with_event_day")
    assert ("chsa_2011", "s.154(5)") in provisions(ts)


def test_compulsory_supervision_order_lasts_one_year_chsa_s83_7(graph: nx.DiGraph) -> None:
    """CHSA 2011 s.83(7): the order ends with the day one year after the day it is made."""
    ts = only_timescale(graph, "cso_made", "cso_review_hearing")
    assert (ts.limit, ts.unit, ts.kind) == (1, "years", "statutory_max")
    assert ("chsa_2011", "s.83(7)(a)") in provisions(ts)
    assert "lapses" in (ts.consequence or "")


def test_initial_cppm_within_28_days_national_guidance_appendix_d(graph: nx.DiGraph) -> None:
    """National Guidance 2021 (2023) Appendix D: a CPPM within 28 calendar days; the start
    point is not stated by the guidance and the flow says so."""
    ts = only_timescale(graph, "ird", "cppm")
    assert (ts.limit, ts.unit, ts.kind) == (28, "days", "guidance_target")
    assert ("ng_cp_2021", "Appendix D") in provisions(ts)
    assert "does not name the day" in (ts.applies_when or "")
    assert ts.history and "21 calendar days" in ts.history


def test_2014_cpcc_timescale_is_kept_only_as_superseded_history(graph: nx.DiGraph) -> None:
    """The 2014 guidance's 21-day case conference is a superseded rule, never current."""
    current = [t for t in timescales_between(graph, "concern_raised", "cppm")]
    every = timescales_between(graph, "concern_raised", "cppm", current_only=False)
    assert current == []
    assert [(t.limit, t.status) for t in every] == [(21, "superseded")]


def test_every_timescale_states_limit_or_wording_consequence_basis_and_confidence(
        flow: Flow) -> None:
    for ts in flow.timescales:
        assert ts.limit is not None or ts.wording, ts.id
        assert ts.consequence, ts.id
        assert ts.legal_basis, ts.id
        assert ts.counting, ts.id


def test_every_step_has_legal_basis_and_tags(flow: Flow) -> None:
    bare = [s.id for s in flow.steps if not s.legal_basis or not s.tags]
    assert bare == []


def test_every_decision_and_meeting_names_who_decides_and_who_attends(flow: Flow) -> None:
    bare = [s.id for s in flow.steps
            if s.kind in ("decision", "meeting") and (not s.decided_by or not s.attendees)]
    assert bare == []


def test_every_transition_has_a_practice_estimate(flow: Flow) -> None:
    missing = [f"{t.from_} -> {t.to}" for t in flow.transitions if t.estimate is None]
    assert missing == []


def test_looked_after_children_are_handed_to_the_permanence_flow(flow: Flow) -> None:
    """A CSO or s.25 accommodation makes the child looked after (C(S)A 1995 s.17(6)); links
    go only to permanence:looked_after."""
    links = sorted((t.from_, t.to) for t in flow.transitions if ":" in t.to)
    assert links == [("accommodation_s25_agreed", "permanence:looked_after"),
                     ("cso_route", "permanence:looked_after")]


def test_grounds_hearing_is_reached_from_concern_without_repeat_edges(
        graph: nx.DiGraph) -> None:
    D = dag(graph)
    assert nx.has_path(D, "concern_raised", "grounds_hearing")
    assert nx.has_path(D, "place_of_safety", "grounds_hearing")
    assert nx.has_path(D, "hearing_decision", "appeal_lodged")


def test_reporter_milestones_do_not_contradict_a_cpo_case_order(shipped: FlowSet) -> None:
    """CHSA 2011 s.43, s.66(1)(a)(i): in a CPO case the Reporter has notice of the order (the
    referral) before the second working day hearing. The general referral_to_reporter and
    reporter_decision milestones must not be drawn after (or before) the CPO route's steps,
    or a real case's dates would be flagged as contradicting the flow (legal review, 2026)."""
    from explorer.cases.tracking import order_pairs

    cpo_route = {"cpo_granted", "place_of_safety", "cpo_prevents_removal",
                 "second_working_day_hearing", "cpo_sheriff_application",
                 "cpo_sheriff_decision", "cpo_reporter_inquiry", "cpo_reporter_decision"}
    pairs = set(order_pairs(shipped))
    clashes = [(a, b) for a, b in pairs
               if {a, b} & {"referral_to_reporter", "reporter_decision"} and {a, b} & cpo_route]
    assert clashes == []


def test_s46_hearing_counts_from_an_order_preventing_removal(graph: nx.DiGraph) -> None:
    """CHSA 2011 s.46(3) applies only to an order preventing removal; where removal is
    authorised, s.45(3) counts from the day of removal, not from the order."""
    ts = only_timescale(graph, "cpo_prevents_removal", "second_working_day_hearing")
    assert (ts.limit, ts.unit, ts.kind) == (2, "working_days", "statutory_fixed")
    assert ("chsa_2011", "s.46(3)") in provisions(ts)
    assert timescales_between(graph, "cpo_granted", "second_working_day_hearing") == []

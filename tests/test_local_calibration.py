"""Local calibration: local figures replace national ones only with enough children."""

from __future__ import annotations

import numpy as np

from explorer.analysis.local_calibration import local_calibration
from explorer.analysis.simulate import simulate
from explorer.graph import flow_graph
from explorer.model.flowset import FlowSet


def test_an_estimate_is_replaced_only_with_at_least_the_stated_number_of_children(
        shipped: FlowSet) -> None:
    G = flow_graph(shipped, "permanence")
    obs = {("permanence_panel", "adm_decision"): np.full(19, 10.0),
           ("permanence_recommendation", "panel_referral"): np.arange(21.0)}
    H, rows = local_calibration(G, obs, min_children=20)
    assert H.edges["permanence_panel", "adm_decision"]["estimate"] == \
        G.edges["permanence_panel", "adm_decision"]["estimate"]
    new = H.edges["permanence_recommendation", "panel_referral"]["estimate"]
    assert (new.min, new.likely, new.max) == (1.0, 10.0, 19.0)
    assert {(r.from_, r.replaced) for r in rows if r.what == "estimate"} == {
        ("permanence_panel", False), ("permanence_recommendation", True)}


def test_the_national_graph_is_left_as_it_was(shipped: FlowSet) -> None:
    G = flow_graph(shipped, "permanence")
    before = G.edges["permanence_recommendation", "panel_referral"]["estimate"]
    local_calibration(G, {("permanence_recommendation", "panel_referral"): np.arange(50.0)})
    assert G.edges["permanence_recommendation", "panel_referral"]["estimate"] == before


def test_a_decisions_shares_come_from_the_step_that_leads_into_it(shipped: FlowSet) -> None:
    G = flow_graph(shipped, "permanence")
    # court decision: 30 permanence orders with authority to adopt, 10 refusals.
    counts = {("po_proof", "poaa_granted"): 30, ("po_proof", "po_refused"): 10}
    H, _ = local_calibration(G, {}, exits_observed=counts, min_children=20)
    assert H.edges["po_court_decision", "poaa_granted"]["share"].value == 0.75
    assert H.edges["po_court_decision", "po_granted"]["share"].value == 0.0
    sim = simulate(H, "po_court_decision", runs=4000)
    assert abs(sim.outcomes["long_term_care_cso"].share - 0.25) < 0.03

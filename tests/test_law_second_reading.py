"""The law, second reading (issue 14): each rule corrected or added after the independent
audit, with the value the primary text gives, quoted in the test.

Sources read (docs/verification-*.md says where and when): the revised texts on
legislation.gov.uk of the Children's Hearings (Scotland) Act 2011 (CHSA), the Looked After
Children (Scotland) Regulations 2009 (SSI 2009/210), the Secure Accommodation (Scotland)
Regulations 2013 (SSI 2013/205) and the Implementation of Secure Accommodation
Authorisation Regulations 2013 (SSI 2013/212).
"""

from __future__ import annotations

import networkx as nx
import pytest

from explorer.graph import flow_graph, timescales_between
from explorer.model import Flow, Timescale
from explorer.model.flowset import FlowSet


@pytest.fixture(scope="module")
def perm(shipped: FlowSet) -> Flow:
    return shipped.flows["permanence"]


@pytest.fixture(scope="module")
def perm_graph(shipped: FlowSet) -> nx.DiGraph:
    return flow_graph(shipped, "permanence")


def rule(G: nx.DiGraph, a: str, b: str, provision: str) -> Timescale:
    """The one current timescale a -> b citing ``provision``."""
    found = [t for t in timescales_between(G, a, b)
             if any(lb.provision == provision for lb in t.legal_basis)]
    assert len(found) == 1, f"{a} -> {b} {provision}: {timescales_between(G, a, b)}"
    return found[0]


def values(ts: Timescale, attribute: str) -> set[str]:
    assert ts.applies_when_case is not None, ts
    v = ts.applies_when_case[attribute]
    return {v} if isinstance(v, str) else set(v)


# ------------------------------------------------ LAC Regs reg 45(2) and 45(3): first review


def test_first_review_within_6_weeks_applies_to_kinship_foster_and_residential_placements(
        perm_graph: nx.DiGraph) -> None:
    """reg 45(2)(a): "a first review within 6 weeks of the placement"; reg 45(1): the
    regulation applies where a child is placed "(a) with a kinship carer in accordance with
    regulation 11; (b) with a foster carer in accordance with regulation 27; (c) by virtue of
    regulation 39(1); or (d) in a residential establishment"."""
    ts = rule(perm_graph, "placement", "lac_review_1", "reg 45(2)(a)")
    assert (ts.limit, ts.unit, ts.kind) == (6, "weeks", "statutory_max")
    assert values(ts, "placement_type") == {"kinship", "foster", "residential"}


def test_first_review_within_3_months_of_a_short_break_series_first_placement(
        perm_graph: nx.DiGraph) -> None:
    """reg 45(3)(a): "Where regulation 14 or 30 applies ... a first review within 3 months
    from, where regulation 14 or 30 applies, the date on which the placement was first
    made"."""
    ts = rule(perm_graph, "placement", "lac_review_1", "reg 45(3)(a)")
    assert (ts.limit, ts.unit, ts.kind) == (3, "months", "statutory_max")
    assert values(ts, "placement_type") == {"short_break_series"}


def test_first_review_of_an_extended_emergency_placement_runs_from_the_reg_39_3_review(
        perm_graph: nx.DiGraph) -> None:
    """reg 45(3)(a): "a first review within 3 months from ... where regulation 39(1)
    applies, the date of the review required by regulation 39(3)"."""
    ts = rule(perm_graph, "emergency_extension_review", "lac_review_1", "reg 45(3)(a)")
    assert (ts.limit, ts.unit, ts.kind) == (3, "months", "statutory_max")
    assert values(ts, "placement_type") == {"extended_emergency"}


def test_the_6_week_and_3_month_first_reviews_never_apply_to_the_same_case(
        perm_graph: nx.DiGraph) -> None:
    """reg 45(2) applies "Subject to paragraphs (3) and (4)": where (3) applies, (2) does
    not, so the two first-review rules are mutually exclusive on the kind of placement."""
    six_weeks = rule(perm_graph, "placement", "lac_review_1", "reg 45(2)(a)")
    three_months = [t for t in perm_graph.graph["timescales"]
                    if t.to == "lac_review_1" and t.status == "current"
                    and any(lb.provision == "reg 45(3)(a)" for lb in t.legal_basis)]
    assert len(three_months) == 2
    for ts in three_months:
        assert not values(ts, "placement_type") & values(six_weeks, "placement_type")


def test_second_review_3_months_after_the_first_only_under_reg_45_2(
        perm_graph: nx.DiGraph) -> None:
    """reg 45(2)(b): "a second review within 3 months from the date of the first review";
    reg 45(3)(b) (short-break series, extended emergency): "thereafter subsequent reviews
    within 6 months from the date of the previous review"."""
    three = rule(perm_graph, "lac_review_1", "lac_review_2", "reg 45(2)(b)")
    six = rule(perm_graph, "lac_review_1", "lac_review_2", "reg 45(3)(b)")
    assert (three.limit, three.unit) == (3, "months")
    assert (six.limit, six.unit) == (6, "months")
    assert values(three, "placement_type") == {"kinship", "foster", "residential"}
    assert values(six, "placement_type") == {"short_break_series", "extended_emergency"}


def test_extended_emergency_placement_is_reviewed_within_6_weeks(
        perm_graph: nx.DiGraph) -> None:
    """reg 39(3): "Before the expiry of 6 weeks beginning with the expiry of the period
    mentioned in regulation 36(1) the authority must carry out a review"."""
    ts = rule(perm_graph, "emergency_placement_review", "emergency_extension_review",
              "reg 39(3)")
    assert (ts.limit, ts.unit, ts.kind) == (6, "weeks", "statutory_max")
    assert values(ts, "placement_type") == {"extended_emergency"}
    # Counted from the reg 38 review, not from the end of the 3 working days: it says so.
    assert ts.applies_when is not None and "never later" in ts.applies_when


def test_placement_types_are_declared_with_the_regulations_that_define_them(
        perm: Flow) -> None:
    """reg 14(1): "a series of planned short-term placements with a kinship carer made in
    accordance with regulation 11 may be treated as a single placement"; reg 14(2): "(a) all
    the placements occur within a period which does not exceed 12 months; (b) no single
    placement is for a duration of more than 4 weeks; and (c) the total duration of the
    placements does not exceed 120 days"."""
    attr = next(a for a in perm.case_attributes if a.id == "placement_type")
    by_id = {v.id: v for v in attr.values}
    assert set(by_id) == {"kinship", "foster", "residential", "short_break_series",
                          "extended_emergency"}
    series = by_id["short_break_series"]
    assert series.description is not None
    assert all(w in series.description for w in ("12 months", "4 weeks", "120 days"))
    assert [lb.provision for lb in series.legal_basis] == ["regs 14, 30"]

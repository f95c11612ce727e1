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


@pytest.fixture(scope="module")
def cp(shipped: FlowSet) -> Flow:
    return shipped.flows["care-and-protection"]


@pytest.fixture(scope="module")
def cp_graph(shipped: FlowSet) -> nx.DiGraph:
    return flow_graph(shipped, "care-and-protection")


def limit(ts: Timescale) -> tuple[object, ...]:
    return (ts.limit, ts.unit, ts.kind, ts.counting)


def cited(flow: Flow, step: str, provision: str) -> bool:
    return any(lb.provision == provision for lb in flow.step(step).legal_basis)


# ------------------------------------------------ CHSA 2011: hearings by the 3rd day


def test_hearing_by_the_third_day_after_the_sheriff_puts_the_child_in_a_place_of_safety(
        cp_graph: nx.DiGraph) -> None:
    """s.109(7): "the children's hearing must be arranged to take place no later than the
    third day after the day on which the child begins to reside at the place of safety"."""
    ts = rule(cp_graph, "grounds_established", "subsequent_hearing", "s.109(7)")
    assert limit(ts) == (3, "days", "statutory_max", "beginning_day_after_event")
    assert values(ts, "sheriff_interim_order") == {"place_of_safety"}


def test_hearing_by_the_third_day_after_the_reporter_is_told_of_a_child_kept_after_arrest(
        cp_graph: nx.DiGraph) -> None:
    """s.69(3): "the children's hearing must be arranged to take place no later than the
    third day after the Principal Reporter receives the information" (information under
    s.53 of the Criminal Justice (Scotland) Act 2016, since 25 January 2018)."""
    ts = rule(cp_graph, "reporter_told_child_kept", "grounds_hearing", "s.69(3)")
    assert limit(ts) == (3, "days", "statutory_max", "beginning_day_after_event")
    assert ts.history is not None and "s.43(4)" in ts.history


# ------------------------------------------------ CHSA 2011: appeals ss.160-161


def test_relevant_person_appeal_within_7_days_and_disposed_of_within_3_days_beginning_with_it(
        cp_graph: nx.DiGraph) -> None:
    """s.160(6): "(a) made before the expiry of the period of 7 days beginning with the day on
    which the determination is made, (b) heard and disposed of before the expiry of the period
    of 3 days beginning with the day on which the appeal is made"."""
    lodge = rule(cp_graph, "pre_hearing_panel", "rp_appeal_lodged", "s.160(6)(a)")
    decide = rule(cp_graph, "rp_appeal_lodged", "rp_appeal_decided", "s.160(6)(b)")
    assert limit(lodge) == (7, "days", "statutory_max", "beginning_with_event_day")
    assert lodge.window
    assert limit(decide) == (3, "days", "statutory_max", "beginning_with_event_day")


def test_contact_appeal_within_21_days_and_disposed_of_within_3_days_beginning_with_it(
        cp_graph: nx.DiGraph) -> None:
    """s.161(6): "(a) made before the expiry of the period of 21 days beginning with the day
    on which the relevant decision is made, (b) heard and disposed of before the expiry of the
    period of 3 days beginning with the day on which the appeal is made"."""
    lodge = rule(cp_graph, "contact_direction_review", "contact_appeal_lodged", "s.161(6)(a)")
    decide = rule(cp_graph, "contact_appeal_lodged", "contact_appeal_decided", "s.161(6)(b)")
    assert limit(lodge) == (21, "days", "statutory_max", "beginning_with_event_day")
    assert limit(decide) == (3, "days", "statutory_max", "beginning_with_event_day")


def test_three_day_appeals_of_s157_still_begin_the_day_after(cp: Flow) -> None:
    """s.157(2): "3 days beginning the day after the day on which the appeal is made": one
    day more than ss.160-161, so the counting differs."""
    from explorer.graph import flow_timescales

    s157 = [t for t in flow_timescales(cp)
            if any(lb.provision == "s.157" for lb in t.legal_basis)]
    assert s157 and all(t.counting == "beginning_day_after_event" for t in s157)


# ------------------------------------------------ CHSA 2011: warrants, enforcement


def test_a_hearings_warrant_lasts_7_days_beginning_with_first_detention(
        cp_graph: nx.DiGraph) -> None:
    """s.88(4)(a): until "the expiry of the period of 7 days beginning with the day on which
    the child is first detained in pursuance of the warrant"."""
    ts = rule(cp_graph, "child_detained_on_warrant", "grounds_hearing", "s.88(4)(a)")
    assert limit(ts) == (7, "days", "statutory_max", "beginning_with_event_day")


def test_a_hearings_warrant_brings_the_hearing_on_the_first_working_day_after_detention(
        cp_graph: nx.DiGraph) -> None:
    """Hearings Rules 2013 r.17(2): "The Reporter must, wherever practicable, arrange the
    children's hearing to take place on the first working day after the child was first
    detained in pursuance of the warrant" (a hearing's s.123 warrant, r.17(1))."""
    ts = rule(cp_graph, "child_detained_on_warrant", "grounds_hearing", "r.17(1)-(2)")
    assert limit(ts) == (1, "working_days", "statutory_fixed", "nth_day_after_event")
    assert "wherever practicable" in (ts.wording or "")
    assert "s.123" in (ts.applies_when or "")


def test_enforcement_notice_gives_21_days_and_the_further_review_follows_28_days(
        cp_graph: nx.DiGraph) -> None:
    """s.146(3)(b): unless the authority performs its duty "before the expiry of the period of
    21 days beginning with the day on which the notice is given"; s.146(5): a further review
    "on or as soon as is reasonably practicable after the expiry of the period of 28 days
    beginning on the day on which the notice is given"."""
    apply = rule(cp_graph, "enforcement_notice", "enforcement_application", "ss.146(3), 147(3)")
    review = rule(cp_graph, "enforcement_notice", "enforcement_further_review", "s.146(5)")
    assert limit(apply) == (21, "days", "statutory_min", "beginning_with_event_day")
    assert limit(review) == (28, "days", "statutory_min", "beginning_with_event_day")


def test_enforcement_is_by_the_national_convener_before_the_sheriff_principal(cp: Flow) -> None:
    """s.146(2): the hearing "may direct the National Convener to give the authority notice";
    s.147(1): the National Convener must "apply to the relevant sheriff principal"."""
    assert cp.step("enforcement_notice").lane == "national_convener"
    assert "sheriff principal" in cp.step("enforcement_order").name.lower()
    assert "final" in cp.step("enforcement_order").description


# ------------------------------------------------------------------ secure accommodation


def test_chief_social_work_officer_decides_within_72_hours_or_is_deemed_to_refuse(
        cp_graph: nx.DiGraph) -> None:
    """SSI 2013/212 reg 5(1): "within 72 hours of receiving the decision"; reg 5(3): "the
    chief social work officer will be deemed to have made a decision not to implement"."""
    ts = rule(cp_graph, "cso_made", "secure_implementation_decision", "reg 5(1), (3)")
    assert limit(ts) == (72, "hours", "statutory_max", "from_event_time")
    assert ts.consequence is not None and "deemed" in ts.consequence
    assert values(ts, "secure_authorisation") == {"included"}


@pytest.mark.parametrize(("a", "b", "provision", "expected"), [
    # reg 6(3)(c): "within 48 hours of receiving notification of the chief social work
    # officer's decision"
    ("secure_implementation_decision", "head_of_unit_consent", "reg 6(3)(c)",
     (48, "hours", "statutory_max", "from_event_time")),
    # reg 8(3): "within 48 hours of receiving notification of the head of unit's decision"
    ("head_of_unit_consent", "secure_refusal_notice", "reg 8(3)",
     (48, "hours", "statutory_max", "from_event_time")),
    # reg 9(2): "no later than 3 working days after the notice referred to in regulation
    # 8(3) is received"
    ("secure_refusal_notice", "cso_review_hearing", "reg 9(2)",
     (3, "working_days", "statutory_max", "beginning_day_after_event")),
    # reg 10(2)(a): "a first review within 7 days of the placement"
    ("secure_placement", "secure_placement_review", "reg 10(2)(a)",
     (7, "days", "statutory_max", "not_stated")),
    # reg 10(2)(b)-(c): "within 1 month from the date of the first review ... within 1 month
    # from the date of the previous review"
    ("secure_review_outcome", "secure_placement_review", "reg 10(2)(b)-(c)",
     (1, "months", "statutory_max", "not_stated")),
    # reg 7(5): the request "within 72 hours of receiving the notice"
    ("secure_not_implemented", "secure_review_requested", "reg 7(5)",
     (72, "hours", "statutory_max", "from_event_time")),
    # reg 7(3): the review "within 72 hours of receiving the request"
    ("secure_review_requested", "secure_decision_review", "reg 7(3)",
     (72, "hours", "statutory_max", "from_event_time")),
    # reg 11(2)(a): "before the expiry of 21 days beginning with the day on which the decision
    # ... is made"
    ("secure_implementation_decision", "secure_appeal_lodged", "reg 11(2)(a)",
     (21, "days", "statutory_max", "beginning_with_event_day")),
    # reg 11(2)(b): "3 days beginning the day after the day on which the appeal is made"
    ("secure_appeal_lodged", "secure_appeal_decided", "reg 11(2)(b)",
     (3, "days", "statutory_max", "beginning_day_after_event")),
    # SSI 2013/205 reg 7(4)(b): "immediately and in any event not later than 24 hours from the
    # time of the placement" require a review
    ("emergency_secure_placement", "review_required_la", "reg 7(4)(b)",
     (24, "hours", "statutory_max", "from_event_time")),
    # SSI 2013/205 reg 7(5): "before the expiry of the period of 72 hours beginning with the
    # time of the placement"
    ("emergency_secure_placement", "cso_review_hearing", "reg 7(5)",
     (72, "hours", "statutory_max", "from_event_time")),
])
def test_secure_accommodation_periods_are_those_of_the_2013_regulations(
        cp_graph: nx.DiGraph, a: str, b: str, provision: str, expected: tuple) -> None:
    assert limit(rule(cp_graph, a, b, provision)) == expected


def test_the_questionable_3_month_secure_review_is_gone(cp: Flow) -> None:
    """SSI 2013/212 reg 10(2) reviews are at 7 days and then monthly; 3 months is only the
    criminal-procedure route of SSI 2013/205 reg 13."""
    assert "3-month review of secure" not in cp.step("cso_review_trigger").description


# ------------------------------------------------------------------ duties in steps


def test_hearings_must_consider_contact_with_relevant_persons_and_siblings(cp: Flow) -> None:
    """s.29A(3)-(4): the hearing or sheriff "must in particular consider the inclusion of a
    measure regulating contact between the child and any person mentioned in subsection (4)
    ... (a) a relevant person ..., (b) a sibling of the child"."""
    assert cited(cp, "cso_made", "s.29A")
    assert "s.29A" in cp.step("cso_made").description


def test_siblings_are_placed_together_or_near_each_other_where_appropriate(perm: Flow) -> None:
    """LAC Regs reg 5A(2): "place the child and the sibling of the child with the same carer
    or in the same residential establishment, or ... in homes which are near to each other"."""
    assert cited(perm, "placement", "reg 5A")
    assert "reg 5A" in perm.step("placement").description


def test_no_duty_to_tell_the_reporter_of_a_child_assessment_order(cp: Flow) -> None:
    """ss.35-36 set no duty to notify the Principal Reporter; s.43(1)(e) does, for a CPO."""
    text = cp.step("emergency_route").description
    assert "must be told of each" not in text
    assert "s.43(1)(e)" in text and "ss.35-36" in text


def test_who_is_a_child_keeps_under_16_for_hearings_and_the_2024_change_prospective(
        cp: Flow) -> None:
    """The 2024 Act s.1 (s.199: "for '16' substitute '18'"; (3)-(9) repealed) is in force only
    "for the purpose of its application to" sections of the Criminal Procedure (Scotland)
    Act 1995 (SSI 2024/211 reg 2(a); SSI 2025/115 reg 2(1)(a); SSI 2025/379 reg 2(2)(a)):
    for the hearings system a child is still under 16, with the s.199(3)-(9) extensions."""
    text = " ".join(cp.summary.split())
    assert '"child" is still a person under 16' in text
    assert "s.199(3)-(9)" in text
    assert "in force only for purposes of the Criminal Procedure (Scotland) Act 1995" in text
    assert "prospective" in text
    for ssi in ("SSI 2024/211", "SSI 2025/115", "SSI 2025/379"):
        assert ssi in text
    assert "means a person under 18" not in text


def test_named_person_and_childs_plan_are_policy_since_the_2014_act_repeal(
        shipped: FlowSet) -> None:
    """2024 Act s.32: Parts 4 and 5 of the 2014 Act "are repealed", in force 5 May 2025 (SSI
    2025/115 reg 2(1)(c))."""
    terms = {t.term: t for t in shipped.glossary}
    for term in ("Named person", "Child's plan"):
        assert "repealed on 5 May 2025" in terms[term].definition.replace("\n", " ")
        assert terms[term].source == "ccjsa_2024"


# ------------------------------------------------------------------ guidance


def test_a_pre_birth_review_within_3_months_is_allowed_not_required(
        cp_graph: nx.DiGraph) -> None:
    """National Guidance 2021 (2023), Part 3: "A review may be held within three months of the
    previous CPPM": a permission, so no deadline is set and the confidence is not high."""
    [ts] = [t for t in cp_graph.graph["timescales"]
            if t.id == "review_after_prebirth_within_3_months"]
    assert ts.limit is None and ts.wording is not None and "may be held" in ts.wording
    assert ts.confidence != "high"


def test_estimate_notes_give_the_cppm_28_days_no_start_day(cp: Flow) -> None:
    """Appendix D: a CPPM "within 28 calendar days"; the guidance names no start day."""
    notes = [t.estimate.note for t in cp.transitions
             if not isinstance(t.estimate, str) and t.estimate and t.estimate.note]
    assert not [n for n in notes if "28 days of the IRD" in n]


@pytest.mark.parametrize("fid", ["care-and-protection", "permanence"])
def test_every_working_day_rule_outside_the_2011_act_says_which_calendar_counts_it(
        shipped: FlowSet, fid: str) -> None:
    """CHSA s.202(1) defines "working day" for the 2011 Act; the guidance and the 2009 and 2013
    Regulations do not, so each such rule says that the s.202 calendar is used."""
    from explorer.graph import flow_timescales

    others = [t for t in flow_timescales(shipped.flows[fid])
              if t.unit == "working_days" and t.status == "current"
              and not any(lb.source == "chsa_2011" for lb in t.legal_basis)]
    assert others
    for t in others:
        assert t.applies_when is not None and "s.202" in t.applies_when, (t.from_, t.to)


# ------------------------------------------------------------------ court rules (permanence)


def test_curator_and_reporting_officer_report_within_4_weeks_of_appointment(
        perm_graph: nx.DiGraph) -> None:
    """Sheriff Court Adoption Rules 2009 r.44(4): the curator "must report in writing ... to
    the sheriff within 4 weeks from the date of the interlocutor appointing the curator, or
    within such other period as the sheriff in his discretion may allow"; r.44(1)(e) likewise
    for the reporting officer."""
    ts = rule(perm_graph, "po_application", "po_curator_reports", "r.44(1)(e), (4)")
    assert (ts.limit, ts.unit, ts.kind) == (4, "weeks", "statutory_max")


def test_amendment_to_add_adoption_authority_has_its_preliminary_hearing_6_to_8_weeks_on(
        perm_graph: nx.DiGraph, perm: Flow) -> None:
    """r.41(3)(a): "the sheriff clerk must fix a date for a preliminary hearing not less than
    6 and not more than 8 weeks after the date of lodging the application"."""
    ts = rule(perm_graph, "poaa_amendment_application", "poaa_amendment_decision",
              "r.41(3)(a)")
    assert (ts.limit, ts.unit, ts.kind) == (6, "weeks", "statutory_min")
    assert cited(perm, "poaa_amendment_application", "r.41")


# ------------------------------------------------------------------ prospective law


def test_secure_accommodation_in_a_cpo_is_prospective_and_no_journey_takes_it(cp: Flow) -> None:
    """2024 Act s.3 (new CHSA s.57A) has no commencement: recorded, never current."""
    step = cp.step("cpo_secure_authorisation")
    assert step.status == "prospective"
    assert step.commencement is not None and "s.38(3)" in step.commencement
    [into] = [t for t in cp.transitions if t.to == "cpo_secure_authorisation"]
    assert into.share is not None and into.share.value == 0

"""explorer.pathways on the shipped flows: decisions, outcomes, deadlines, advice."""

from __future__ import annotations

import networkx as nx
import pytest

from explorer.graph import flow_graph
from explorer.learning.pathways import decisions_after, default_step, hearing_steps, pathway
from explorer.model.flowset import FlowSet
from explorer.model.problems import FlowError


@pytest.fixture(scope="module")
def cp(shipped: FlowSet) -> nx.DiGraph:
    return flow_graph(shipped, "care-and-protection")


@pytest.fixture(scope="module")
def perm(shipped: FlowSet) -> nx.DiGraph:
    return flow_graph(shipped, "permanence")


def test_hearing_steps_are_tagged_meetings_and_decisions(cp: nx.DiGraph) -> None:
    hs = hearing_steps(cp)
    assert {"grounds_hearing", "cso_review_hearing", "second_working_day_hearing"} <= set(hs)
    assert all(cp.nodes[h]["kind"] in ("meeting", "decision") for h in hs)
    assert all("hearing" in cp.nodes[h]["step"].tags for h in hs)
    assert default_step(cp) == "grounds_hearing"


def test_grounds_hearing_decisions_cover_accepted_not_accepted_not_understood(
        shipped: FlowSet, cp: nx.DiGraph) -> None:
    p = pathway(shipped, cp, "grounds_hearing")
    steps = [d.step for d in p.decisions]
    assert steps[0] == "grounds_response"
    assert {"grounds_accepted_disposal", "grounds_not_accepted",
            "grounds_not_understood"} <= set(steps)
    labels = {o.label for o in p.decisions[0].options}
    assert {"Grounds accepted", "Grounds not accepted (s.93)",
            "Grounds not understood (s.94)"} <= labels
    shares = [o.share for o in p.decisions[0].options]
    assert all(s is not None for s in shares) and sum(shares) == pytest.approx(1.0)
    # The sub-decisions are reached through the response, and say who decides them.
    accepted = next(d for d in p.decisions if d.step == "grounds_accepted_disposal")
    assert accepted.via == ("grounds_response",)
    assert accepted.decided_by == "Children's hearing"


def test_each_option_says_what_follows_and_where_it_ends(shipped: FlowSet,
                                                         cp: nx.DiGraph) -> None:
    p = pathway(shipped, cp, "grounds_hearing")
    accepted = next(d for d in p.decisions if d.step == "grounds_accepted_disposal")
    made = next(o for o in accepted.options if o.step == "cso_made")
    assert made.then and made.outcomes
    assert sum(o.probability for o in made.outcomes) == pytest.approx(1.0)
    discharged = next(o for o in accepted.options if o.kind == "outcome")
    assert discharged.then == ()
    assert [(o.step, o.probability) for o in discharged.outcomes] == [(discharged.step, 1.0)]
    assert sum(o.probability for o in p.outcomes) == pytest.approx(1.0)
    # The ends are the whole system's: a grounds hearing can end in adoption.
    assert "adoption_order" in {o.step for o in p.outcomes}
    assert not any(o.external_flow for o in p.outcomes)


def test_place_of_safety_deadlines_include_eight_working_days_s54(shipped: FlowSet,
                                                                  cp: nx.DiGraph) -> None:
    p = pathway(shipped, cp, "place_of_safety")
    out = [d for d in p.deadlines if d.relation == "out of this step"]
    eight = next(d for d in out if d.to_step == "grounds_hearing")
    assert eight.rule == "within 8 working days"
    assert eight.kind == "statutory maximum"
    assert any(c.text.endswith("s.54(c)") and c.url and "section/54" in c.url
               for c in eight.citations)
    assert eight.consequence and not eight.unverified
    assert any(d.to_step == "second_working_day_hearing" for d in out)
    assert {d.relation for d in p.deadlines} >= {"into this step", "out of this step"}
    # Deadlines are listed once each, even when a timescale touches several steps.
    keys = [(d.timescale.from_, d.timescale.to, d.rule) for d in p.deadlines]
    assert len(keys) == len(set(keys))


def test_deadlines_at_the_steps_that_follow(shipped: FlowSet, cp: nx.DiGraph) -> None:
    p = pathway(shipped, cp, "grounds_hearing")
    follows = [d for d in p.deadlines if d.relation == "at a step that follows"]
    # A CSO made at the hearing must be reviewed within a year (s.83(7)).
    assert any(d.from_step == "cso_made" and d.to_step == "cso_review_hearing"
               and d.rule == "within 1 year" for d in follows)


def test_low_confidence_is_unverified(shipped: FlowSet, cp: nx.DiGraph) -> None:
    p = pathway(shipped, cp, "place_of_safety")
    d = p.deadlines[0]
    low = type(d)(**{**d.__dict__, "confidence": "low", "confidence_words": "unverified"})
    assert low.unverified and not d.unverified


def test_advice_hearing_explains_its_advice_from_the_flow(shipped: FlowSet,
                                                          perm: nx.DiGraph) -> None:
    p = pathway(shipped, perm, "advice_hearing")
    assert p.advice is not None
    text = " ".join(p.advice.sentences)
    assert "must have regard to the advice but need not follow it" in text
    assert all(s in perm.nodes["advice_hearing"]["step"].description
               for s in p.advice.sentences)
    assert any("s.141" in c.text for c in p.advice.citations)
    assert any("report" in name.lower() for name, _ in p.advice.then)
    assert p.decisions[0].step == "after_advice"
    assert p.attendees and p.child_and_family


def test_no_advice_where_the_flow_gives_none(shipped: FlowSet, cp: nx.DiGraph) -> None:
    assert pathway(shipped, cp, "grounds_hearing").advice is None


def test_decision_step_lists_itself_and_cso_review(shipped: FlowSet, cp: nx.DiGraph) -> None:
    assert decisions_after(cp, "review_hearing_decision")[0] == ("review_hearing_decision", ())
    p = pathway(shipped, cp, "cso_review_hearing")
    assert [d.step for d in p.decisions] == ["review_hearing_decision"]
    assert any(o.repeat for o in p.decisions[0].options)


def test_unknown_step_raises(shipped: FlowSet, cp: nx.DiGraph) -> None:
    with pytest.raises(FlowError, match="did you mean"):
        pathway(shipped, cp, "grounds_hearin")


def test_a_cso_review_does_not_end_in_termination_for_certain(shipped: FlowSet,
                                                              cp: nx.DiGraph) -> None:
    # The review's continue and vary exits go back round: they are followed, not dropped.
    p = pathway(shipped, cp, "cso_review_hearing")
    chances = {o.step: o.probability for o in p.outcomes}
    assert 0 < chances["cso_terminated"] < 0.9
    assert {"adoption_order", "reunification"} <= set(chances)
    assert sum(chances.values()) == pytest.approx(1.0)


def test_a_hearing_gives_the_family_its_appeal_rights_from_the_flows(shipped: FlowSet,
                                                                     cp: nx.DiGraph) -> None:
    import datetime as dt

    p = pathway(shipped, cp, "grounds_hearing")
    appeal = next(r for r in p.rights if r.to_step == "appeal_lodged")
    assert appeal.rule == "within 21 days"
    assert any("s.154" in c.text for c in appeal.citations)
    assert any("s.157" in c.text for r in p.rights for c in r.citations)
    review = next(r for r in p.rights if r.to_step == "review_required_child_rp")
    assert review.earliest and any("s.132" in c.text for c in review.citations)
    # 21 days beginning with the day of the decision: the decision day is day 1.
    assert appeal.deadline(dt.date(2026, 1, 5)) == dt.date(2026, 1, 25)
    # Not within 3 months beginning with the day the order is made.
    assert review.deadline(dt.date(2026, 1, 5)) > dt.date(2026, 4, 4)


def test_rights_take_their_numbers_from_the_flows_timescales(shipped: FlowSet,
                                                             cp: nx.DiGraph) -> None:
    ids = {ts.id for ts in cp.graph["timescales"]}
    p = pathway(shipped, cp, "cso_review_hearing")
    assert p.rights and all(r.timescale.id in ids for r in p.rights)


def test_the_advice_hearing_lists_what_the_hearing_itself_can_do(shipped: FlowSet) -> None:
    from explorer.graph import flow_graph

    p = pathway(shipped, flow_graph(shipped, "permanence"), "advice_hearing")
    assert any("terminate, vary or continue" in x for x in p.powers)

"""The law, third reading: unknowns settled from primary text, each value quoted in its test.

Sources read: the Act of Sederunt (Sheriff Appeal Court Rules) 2021 (SSI 2021/468) as made;
the Children (Care and Justice) (Scotland) Act 2024 commencement regulations SSI 2024/211,
SSI 2025/115 and SSI 2025/379; the Hearings Rules 2013 (SSI 2013/194) r.17 (its test is with
the other warrant rules in test_law_second_reading.py).
"""

from __future__ import annotations

import pytest

from explorer.model import Flow
from explorer.model.flowset import FlowSet


@pytest.fixture(scope="module")
def perm(shipped: FlowSet) -> Flow:
    return shipped.flows["permanence"]


def _text(s: str | None) -> str:
    return " ".join((s or "").split())


@pytest.mark.parametrize("step, timescale", [("po_granted", "po_appeal_28_days"),
                                             ("poaa_granted", "poaa_appeal_28_days")])
def test_an_appeal_against_a_permanence_order_runs_28_days_after_the_decision(
        perm: Flow, step: str, timescale: str) -> None:
    """SAC Rules 2021 r.6.3(1)(a): "within 28 days after the date on which the decision
    appealed against was given": the day of the decision is not counted."""
    (ts,) = [t for t in perm.timescales if t.id == timescale and t.from_ == step]
    assert (ts.limit, ts.unit, ts.kind, ts.counting) == (
        28, "days", "statutory_max", "beginning_day_after_event")
    # r.1.4 moves a period ending on a weekend or court holiday; the tool says it does not.
    assert "r.1.4" in _text(ts.consequence)


def test_a_kinship_care_order_says_when_an_appeal_must_be_made(perm: Flow) -> None:
    """A kinship care order is a s.11 order (CYPSA 2014 s.72): r.6.3(1)(a)'s 28 days apply, and
    r.6.7(5)(a): "the appellant must seek urgent disposal"."""
    step = perm.step("kinship_care_order")
    assert "within 28 days after the date of the decision" in _text(step.description)
    assert any(lb.source == "sac_rules_2021" and "r.6.7(5)(a)" in lb.provision
               for lb in step.legal_basis)


def test_an_adoption_order_appeal_runs_28_days_after_the_decision(perm: Flow) -> None:
    """r.6.3(1)(a), and r.6.7(5)(b) (an order "in relation to adoption": urgent disposal)."""
    text = _text(perm.step("adoption_order").description)
    assert "within 28 days after the date of the decision" in text
    assert "r.6.7(5)(b)" in text


def test_the_six_month_point_quotes_the_governments_summary_of_its_guidance(
        perm: Flow) -> None:
    """gov.scot: "where a child has been looked after away from home for six months and
    significant progress towards a return home has not been achieved, it should be considered
    whether a plan for permanence away from birth parents is required". Its paragraph in the
    guidance itself is not known, so none is given."""
    six = [t for t in perm.timescales if t.id.startswith("consider_permanence_6_months")]
    assert len(six) == 2 and {t.from_ for t in six} == {"looked_after"}
    for ts in six:
        (basis,) = ts.legal_basis
        assert "it should be considered whether a plan for permanence" in _text(basis.note)
        assert (ts.kind, ts.limit, ts.unit, ts.confidence) == (
            "guidance_target", 6, "months", "medium")

"""Canonical milestone ids: a contract with users' case-tracking spreadsheets.

These ids are column names in caseload CSV files, so they must exist as step ids in
their flows with these meanings. Add steps freely; never rename these.

>>> "grounds_hearing" in MILESTONES["care-and-protection"]
True
"""

from __future__ import annotations

MILESTONES: dict[str, tuple[str, ...]] = {
    "care-and-protection": (
        "concern_raised",
        "ird",
        "cppm",
        "prebirth_cppm",
        "core_group_first",
        "review_cppm",
        "cpo_granted",
        "place_of_safety",
        "second_working_day_hearing",
        "cpo_sheriff_application",
        "cpo_sheriff_decision",
        "referral_to_reporter",
        "reporter_decision",
        "grounds_hearing",
        "proof_application",
        "proof_hearing",
        "grounds_established",
        "icso_made",
        "cso_made",
        "cso_review_hearing",
        "hearing_decision",
        "appeal_lodged",
    ),
    "permanence": (
        "looked_after",
        "placement",
        "lac_review_1",
        "lac_review_2",
        "lac_review",
        "permanence_recommendation",
        "permanence_panel",
        "adm_decision",
        "advice_hearing",
        "po_application",
        "po_granted",
        "poaa_granted",
        "adoption_placement",
        "adoption_petition",
        "adoption_order",
        "kinship_care_order",
        "reunification",
    ),
}

ALL_MILESTONES: tuple[str, ...] = tuple(m for ids in MILESTONES.values() for m in ids)

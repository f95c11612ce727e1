"""The schema of a flow, as pydantic models.

A flow is one YAML file in ``flows/``: one process drawn as a directed graph of
steps (nodes) and transitions (edges), with timescales (legal clocks between any
two steps), lanes (who acts or decides) and legal bases that cite entries of the
shared bibliography ``flows/sources.yaml``. The glossary ``flows/glossary.yaml``
explains the terms.

Models are strict (a YAML ``no`` is not a string, ``1:30`` is not a string) and
forbid unknown keys, so a typo is an error rather than a silently ignored field.
This module imports nothing of ours.

Example
-------
>>> step = Step(id="grounds_hearing", name="Grounds hearing", kind="meeting",
...             lane="childrens_hearing", description="The hearing puts the grounds.")
>>> step.kind
'meeting'
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from explorer.model.kinds import STATUTORY_KINDS

#: A step id: snake_case, stable, used as a column name in case-tracking spreadsheets.
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
#: A reference to a step, optionally in another flow: ``step_id`` or ``flow-id:step_id``.
STEP_REF_PATTERN = r"^([a-z][a-z0-9-]*:)?[a-z][a-z0-9_]*$"
#: A flow id: kebab-case (it names the file).
FLOW_ID_PATTERN = r"^[a-z][a-z0-9-]*$"

Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=80)]
FlowId = Annotated[str, Field(pattern=FLOW_ID_PATTERN, min_length=1, max_length=80)]
StepRef = Annotated[str, Field(pattern=STEP_REF_PATTERN, min_length=1, max_length=160)]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
ShortText = Annotated[str, Field(min_length=1, max_length=300)]

StepKind = Literal[
    "start", "outcome", "event", "activity", "meeting", "decision", "parallel", "join"
]
Unit = Literal["hours", "days", "working_days", "weeks", "months", "years"]
TimescaleKind = Literal[
    "statutory_max",  # must happen within the limit (Act, regulations or court rules)
    "statutory_fixed",  # must happen on a set day ("on the second working day after")
    "statutory_min",  # must not happen before the limit (13 weeks with the adopters)
    "guidance_target",  # national guidance ("within 28 calendar days")
    "local_target",  # a local authority's or agency's own aim (PACE aims, SCRA KPIs)
]
Counting = Literal[
    "beginning_with_event_day",  # "N days beginning with the day of the decision"
    "beginning_day_after_event",  # "N working days beginning on the day after removal"
    "nth_day_after_event",  # "on the second working day after the day"
    "from_event_time",  # hours run from the moment of the event
    "not_stated",  # the source does not say; treated as the day after the event
]
Confidence = Literal["high", "medium", "low"]
#: ``prospective``: enacted but not yet in force (never shown as current law).
RuleStatus = Literal["current", "superseded", "expired_temporary", "prospective"]
StepStatus = Literal["current", "prospective"]
EstimateBasis = Literal["published", "calibrated", "illustrative"]
SourceKind = Literal["act", "regulations", "court_rules", "guidance", "research", "statistics",
                     "case_law", "other"]


#: Days in a unit, for summing limits of different units on a route. Working days are
#: counted as 7/5 calendar days and months as 365.25/12: a summary, not the legal count,
#: which ``explorer.calendar`` does exactly.
UNIT_DAYS: dict[str, float] = {
    "hours": 1 / 24,
    "days": 1.0,
    "working_days": 7 / 5,
    "weeks": 7.0,
    "months": 365.25 / 12,
    "years": 365.25,
}


class Strict(BaseModel):
    """Base: strict types, unknown keys forbidden, frozen after loading."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class LegalBasis(Strict):
    """One citation: an entry of the bibliography and the provision within it."""

    source: Id = Field(description="The id of an entry in flows/sources.yaml.")
    provision: ShortText = Field(
        description="Section, regulation, rule or paragraph, e.g. 's.54(c)' or 'reg 45(2)(a)'."
    )
    note: Text | None = Field(default=None, description="What the provision says, in brief.")
    url: Annotated[str, Field(pattern=r"^https://")] | None = Field(
        default=None, description="A direct link to the provision, where the source has one."
    )


class Lane(Strict):
    """An actor: who acts or decides (a swimlane on the map)."""

    id: Id
    name: ShortText
    description: Text | None = None


class Tag(Strict):
    """A word steps are tagged with (court, hearing, emergency...), and the name a reader
    sees for it: the map's filter, hovers and tables show the name, never the id."""

    id: Id
    name: ShortText
    description: Text | None = None


class Stage(Strict):
    """A named phase of the process, in order: the overview map and the print are drawn by
    stage, and stages never run backwards along a transition (repeat edges aside)."""

    id: Id
    name: ShortText
    summary: Text = Field(description="What happens in this stage, in plain English.")


#: A condition on a case attribute: the attribute's value, or any of several values.
CaseCondition = dict[Id, ShortText | list[ShortText]]


class CaseValue(Strict):
    """One value a case attribute may take, e.g. ``short_break_series``."""

    id: Id
    name: ShortText
    description: Text | None = None
    legal_basis: list[LegalBasis] = Field(default_factory=list)


class CaseAttribute(Strict):
    """A fact about a case that decides which rule applies (``applies_when_case``), e.g.
    the kind of placement, which decides whether the first looked-after review is due in 6
    weeks (reg 45(2)(a)) or 3 months (reg 45(3)). A caseload gives it as a column named by
    the id, holding one of the value ids."""

    id: Id
    name: ShortText
    description: Text
    values: list[CaseValue] = Field(min_length=2)


class Step(Strict):
    """A step of the process: a node of the flow graph."""

    id: Id
    name: ShortText
    kind: StepKind
    lane: Id = Field(description="Who acts (an id from this flow's lanes).")
    stage: Id | None = Field(default=None, description="The stage it belongs to (an id from "
                             "this flow's stages).")
    status: StepStatus = Field(default="current", description="'prospective' for a step "
                               "that law enacted but not yet in force would bring in.")
    commencement: Text | None = Field(default=None, description="For a prospective step: "
                                      "what brings it into force, as far as known.")
    description: Text = Field(
        description="Plain English for a trainee: what happens, who is there."
    )
    child_and_family: Text | None = Field(
        default=None,
        description="What the child and family can do at this step (rights, options).",
    )
    decided_by: Id | None = Field(
        default=None, description="For decisions and meetings: the lane that decides."
    )
    attendees: list[ShortText] = Field(
        default_factory=list, description="Who may attend (hearings, panels, meetings)."
    )
    legal_basis: list[LegalBasis] = Field(default_factory=list)
    tags: list[Id] = Field(default_factory=list, description="e.g. court, hearing, emergency: "
                           "each declared in the flow's tags, with its name.")
    confidence: Confidence = "high"
    next: list[Exit] = Field(default_factory=list, description="Where the step leads: its "
                             "transitions, written under it (the loader moves them into the "
                             "flow's transitions, so a loaded step has none here).")
    timescales: list[StepRule] = Field(default_factory=list, description="Rules (clocks) that "
                                       "start at this step (moved into the flow's timescales "
                                       "on loading).")


def _check_limit(limit: float | None, unit: str | None, wording: str | None) -> None:
    if limit is not None and unit is None:
        raise ValueError("a timescale with a limit needs a unit")
    if limit is None and wording is None:
        raise ValueError(
            "a timescale needs a limit and unit, or, where the source sets no number, "
            "its wording (an unknown number is never invented)"
        )


class Timescale(Strict):
    """A clock on the time from one step to another (the steps need not be adjacent).

    ``limit`` is a number where the source gives one; where the rule is in words only
    ("as soon as reasonably practicable") ``limit`` is left out and ``wording`` says it.
    """

    id: Id | None = Field(default=None, description="Optional; defaults to FROM__TO.")
    from_: StepRef = Field(alias="from")
    to: StepRef
    limit: Annotated[float, Field(gt=0, le=36_500)] | None = None
    unit: Unit | None = None
    kind: TimescaleKind
    counting: Counting = "not_stated"
    wording: Text | None = Field(default=None, description="The rule in the source's own words.")
    consequence: Text | None = Field(default=None, description="What follows if it is missed.")
    applies_when: Text | None = Field(default=None, description="Conditions on the rule.")
    applies_when_case: CaseCondition | None = Field(
        default=None, description="The rule applies only to a case with these attributes, "
        "e.g. {placement_type: short_break_series}; each attribute and value is declared in "
        "the flow's case_attributes, and a caseload may give each attribute as a column.")
    legal_basis: list[LegalBasis] = Field(default_factory=list)
    confidence: Confidence
    status: RuleStatus = "current"
    commencement: Text | None = Field(default=None, description="For a prospective rule: "
                                      "what brings it into force, as far as known.")
    history: Text | None = Field(default=None, description="Earlier values of this rule.")
    window: bool = Field(
        default=False,
        description="The TO step is a right that may never be used (an appeal, an "
        "application): the limit closes a window rather than setting a duty, so a window "
        "that passes unused is not overdue.",
    )

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _limit_needs_unit_or_wording(self) -> Timescale:
        _check_limit(self.limit, self.unit, self.wording)
        return self

    @property
    def statutory(self) -> bool:
        return self.kind in STATUTORY_KINDS

    @property
    def limit_days(self) -> float | None:
        """The limit in (approximate) calendar days, for summaries; None if no number."""
        if self.limit is None or self.unit is None:
            return None
        return self.limit * UNIT_DAYS[self.unit]


class Estimate(Strict):
    """How long a transition takes in practice, in calendar days. Not law."""

    min: Annotated[float, Field(ge=0, le=36_500)]
    likely: Annotated[float, Field(ge=0, le=36_500)]
    max: Annotated[float, Field(ge=0, le=36_500)]
    basis: EstimateBasis
    source: Id | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Estimate:
        if not (self.min <= self.likely <= self.max):
            raise ValueError(
                f"estimate needs min <= likely <= max, got {self.min} / {self.likely} / {self.max}"
            )
        if self.basis in ("published", "calibrated") and self.source is None:
            raise ValueError(f"a {self.basis} estimate needs a source")
        return self


class Share(Strict):
    """The proportion of cases that take a transition out of a decision."""

    value: Annotated[float, Field(ge=0, le=1)]
    basis: EstimateBasis
    source: Id | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _sourced(self) -> Share:
        if self.basis in ("published", "calibrated") and self.source is None:
            raise ValueError(f"a {self.basis} share needs a source")
        return self


class _RuleShorthand(Strict):
    """What a timescale written in shorthand says (on a transition, or under the step it
    starts from): a :class:`Timescale` without its ends."""

    id: Id | None = None
    limit: Annotated[float, Field(gt=0, le=36_500)] | None = None
    unit: Unit | None = None
    kind: TimescaleKind
    counting: Counting = "not_stated"
    wording: Text | None = None
    consequence: Text | None = None
    applies_when: Text | None = None
    applies_when_case: CaseCondition | None = None
    legal_basis: list[LegalBasis] = Field(default_factory=list)
    confidence: Confidence
    status: RuleStatus = "current"
    commencement: Text | None = None
    history: Text | None = None
    window: bool = False

    # The same rule as Timescale's: the graph turns this shorthand into a Timescale, and
    # a shorthand the schema let through must not fail there (with a raw pydantic error).
    @model_validator(mode="after")
    def _limit_needs_unit_or_wording(self) -> _RuleShorthand:
        _check_limit(self.limit, self.unit, self.wording)
        return self


class TransitionTimescale(_RuleShorthand):
    """A timescale written on a transition: shorthand for one between its two ends."""


class EstimateDraft(Strict):
    """An estimate as written under a step: ``basis`` and ``source`` may be left to the
    flow's ``estimate_defaults``."""

    min: Annotated[float, Field(ge=0, le=36_500)]
    likely: Annotated[float, Field(ge=0, le=36_500)]
    max: Annotated[float, Field(ge=0, le=36_500)]
    basis: EstimateBasis | None = None
    source: Id | None = None
    note: Text | None = None


class EstimateDefaults(Strict):
    """What an estimate that does not say takes: its basis and source."""

    basis: EstimateBasis
    source: Id | None = None


class Exit(Strict):
    """A transition written under its step (``next:``): a transition without ``from``."""

    to: StepRef = Field(description="A step id, or 'other-flow:step_id' to link flows.")
    label: ShortText | None = None
    estimate: EstimateDraft | Literal["unknown"] | None = None
    share: Share | None = None
    repeat: bool = False
    timescale: TransitionTimescale | None = None


class StepRule(_RuleShorthand):
    """A timescale written under the step it starts from: a timescale without ``from``."""

    to: StepRef


class Transition(Strict):
    """A transition (edge) from one step to another, possibly in another flow."""

    from_: Id = Field(alias="from")
    to: StepRef = Field(description="A step id, or 'other-flow:step_id' to link flows.")
    label: ShortText | None = Field(default=None, description="The condition or choice.")
    estimate: Estimate | Literal["unknown"] | None = None
    share: Share | None = None
    repeat: bool = Field(
        default=False, description="A cycle (recurring review, deferral); left out of the DAG."
    )
    timescale: TransitionTimescale | None = None

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)


class PublishedDuration(Strict):
    """A duration published by research or statistics, for calibration and comparison."""

    id: Id
    from_: StepRef = Field(alias="from")
    to: StepRef
    statistic: Literal["mean", "median", "range"]
    low_days: Annotated[float, Field(ge=0)]
    high_days: Annotated[float, Field(ge=0)]
    population: Text
    source: Id
    provision: ShortText | None = Field(default=None, description="Where in the source.")
    note: Text | None = None
    confidence: Confidence

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self) -> PublishedDuration:
        if self.low_days > self.high_days:
            raise ValueError("low_days must not exceed high_days")
        return self


class Flow(Strict):
    """One process: metadata, lanes, steps, transitions and timescales."""

    id: FlowId
    title: ShortText
    jurisdiction: ShortText
    as_of: dt.date = Field(description="The date the law in this flow was last checked.")
    summary: Text
    variant_of: FlowId | None = Field(default=None, description="For a local authority's "
                                      "version of a national flow: the national flow's id.")
    stages: list[Stage] = Field(default_factory=list, description="The phases, in order.")
    estimate_defaults: EstimateDefaults | None = Field(
        default=None, description="The basis and source of every estimate that does not give "
        "its own (e.g. illustrative, practice_estimate).")
    case_attributes: list[CaseAttribute] = Field(
        default_factory=list, description="Facts about a case that rules' applies_when_case "
        "conditions name, with the values each may take.")
    lanes: list[Lane] = Field(min_length=1)
    tags: list[Tag] = Field(default_factory=list, description="Every tag its steps use, "
                            "each with the name a reader sees.")
    steps: list[Step] = Field(min_length=1)
    transitions: list[Transition] = Field(default_factory=list)
    timescales: list[Timescale] = Field(default_factory=list)
    published_durations: list[PublishedDuration] = Field(default_factory=list)
    calibration: Text | None = Field(
        default=None, description="How the practice estimates were calibrated, and against what."
    )

    def tag_name(self, tag: str) -> str:
        """The name of a tag this flow declares (the id in words if it declares none).

        >>> Flow.model_construct(tags=[Tag(id="court", name="Court")]).tag_name("court")
        'Court'
        """
        for t in self.tags:
            if t.id == tag:
                return t.name
        return tag.replace("_", " ")

    def step(self, step_id: str) -> Step:
        """The step with this id (KeyError if none)."""
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)


class Source(Strict):
    """An entry of the bibliography."""

    id: Id
    title: Text
    short: ShortText = Field(description="A short citation, e.g. 'CHSA 2011'.")
    kind: SourceKind
    url: Annotated[str, Field(pattern=r"^https://")] | None = None
    publisher: ShortText | None = None
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    note: Text | None = None


class Sources(Strict):
    """``flows/sources.yaml``: the bibliography every legal basis cites."""

    sources: list[Source] = Field(min_length=1)


class Term(Strict):
    """A glossary entry."""

    term: ShortText
    abbreviation: Annotated[str, Field(min_length=2, max_length=20)] | None = None
    definition: Text
    see_also: list[ShortText] = Field(default_factory=list)
    source: Id | None = None

    @field_validator("abbreviation")
    @classmethod
    def _abbreviation_shape(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[A-Za-z0-9()&/\-]+", v):
            raise ValueError("an abbreviation is letters and digits, e.g. CSO or CH(S)A")
        return v


class Glossary(Strict):
    """``flows/glossary.yaml``: every term the flows use, explained for users."""

    terms: list[Term] = Field(min_length=1)

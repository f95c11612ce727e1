"""The model layer: what a flow is (the pydantic schema), a loaded set of flows, the kinds of
timescale and statuses of a deadline with their words, problems, and the canonical
milestones. It imports nothing else of ours; every other layer builds on it.
"""

from explorer.model.document import SourceDocument
from explorer.model.flowset import FlowSet
from explorer.model.kinds import (
    BOUNDING_KINDS,
    CONFIDENCE_WORDS,
    COUNTING_WORDS,
    GUIDANCE_KINDS,
    GUIDANCE_UPPER,
    KIND_WORDS,
    MAX_KINDS,
    MIN_KINDS,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUS_WORDS,
    STATUSES,
    STATUTORY_KINDS,
    STATUTORY_UPPER,
    UPPER_KINDS,
    WITHHELD,
)
from explorer.model.milestones import ALL_MILESTONES, MILESTONES
from explorer.model.problems import FlowError, Problem
from explorer.model.schema import (
    UNIT_DAYS,
    CaseAttribute,
    CaseValue,
    Estimate,
    Flow,
    Glossary,
    Lane,
    LegalBasis,
    PublishedDuration,
    Share,
    Source,
    Sources,
    Stage,
    Step,
    Tag,
    Term,
    Timescale,
    Transition,
    TransitionTimescale,
)

__all__ = [
    "ALL_MILESTONES", "BOUNDING_KINDS", "CONFIDENCE_WORDS", "COUNTING_WORDS", "GUIDANCE_KINDS",
    "GUIDANCE_UPPER",
    "KIND_WORDS", "MAX_KINDS", "MILESTONES", "MIN_KINDS", "STATUSES", "STATUS_COLOURS",
    "STATUS_LABELS", "STATUS_WORDS", "STATUTORY_KINDS", "STATUTORY_UPPER", "UNIT_DAYS",
    "UPPER_KINDS", "WITHHELD", "CaseAttribute", "CaseValue", "Estimate", "Flow", "FlowError",
    "FlowSet", "Glossary", "Lane", "LegalBasis", "Problem", "PublishedDuration", "Share",
    "Source", "SourceDocument", "Sources", "Stage", "Step", "Tag", "Term", "Timescale",
    "Transition", "TransitionTimescale",
]

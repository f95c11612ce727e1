"""Kinds of timescale and statuses of a deadline: one definition of each, with its words
and colours, shared by the analysis, the tracker, the maps and every page.

>>> "statutory_max" in UPPER_KINDS, "statutory_min" in UPPER_KINDS
(True, False)
>>> KIND_WORDS["guidance_target"]
'national guidance target'
>>> STATUS_LABELS["due_soon"]
'Due soon'
"""

from __future__ import annotations

#: Every kind of timescale (``Timescale.kind``).
STATUTORY_KINDS: frozenset[str] = frozenset({"statutory_max", "statutory_fixed", "statutory_min"})
GUIDANCE_KINDS: frozenset[str] = frozenset({"guidance_target", "local_target"})

#: Kinds that bound time from above: a deadline by law, or a target.
STATUTORY_UPPER: frozenset[str] = frozenset({"statutory_max", "statutory_fixed"})
GUIDANCE_UPPER: frozenset[str] = GUIDANCE_KINDS
UPPER_KINDS: frozenset[str] = STATUTORY_UPPER | GUIDANCE_UPPER
#: Kinds that bound time from below: "not before".
MIN_KINDS: frozenset[str] = frozenset({"statutory_min"})
#: Kinds that stop a step from drifting (a minimum does not hurry anyone); the same set
#: as the upper bounds.
BOUNDING_KINDS: frozenset[str] = UPPER_KINDS
#: Kinds a case can be late against ("by this day"); a fixed day can be early or late.
MAX_KINDS: frozenset[str] = frozenset({"statutory_max"}) | GUIDANCE_KINDS

KIND_WORDS: dict[str, str] = {
    "statutory_max": "statutory maximum",
    "statutory_fixed": "statutory fixed day",
    "statutory_min": "statutory minimum",
    "guidance_target": "national guidance target",
    "local_target": "local target",
}

#: How a period is counted, in words (the ``counting`` of a timescale).
COUNTING_WORDS: dict[str, str] = {
    "beginning_with_event_day": "counted beginning with the day of the event (that day is day 1)",
    "beginning_day_after_event": "counted from the day after the event",
    "nth_day_after_event": "a fixed day: the Nth day after the event",
    "from_event_time": "hours run from the time of the event",
    "not_stated": "counting not stated in the source (taken from the day after the event)",
}

CONFIDENCE_WORDS: dict[str, str] = {
    "high": "verified in primary or official text",
    "medium": "from a secondary or partial source",
    "low": "unverified",
}

#: Statuses of a deadline in a case (design.md section 5), in reporting order.
#: ``not_recorded``: the clock is running (its FROM date is known), but the sheet has no
#: column or event for its TO step, so whether it was met cannot be told; or the TO step
#: is dated and the sheet has no column for the FROM step. Never silent: it is counted.
STATUSES: tuple[str, ...] = ("met", "missed", "overdue", "due_soon", "pending", "too_early",
                             "not_recorded")
#: An item the tracker shows but does not count: a window passed unused, a step gone past.
WITHHELD = "withheld"

#: Plain words for each status, as tables and tiles show them.
STATUS_LABELS: dict[str, str] = {
    "met": "Met", "missed": "Missed (late)", "overdue": "Overdue", "due_soon": "Due soon",
    "pending": "Pending", "too_early": "Too early", "not_recorded": "Not in your sheet",
    WITHHELD: "Not counted",
}
#: The same with a symbol, so that no status is told by colour alone.
STATUS_WORDS: dict[str, str] = {
    "met": "✅ met", "missed": "❌ missed (late)", "overdue": "⚠️ overdue",
    "due_soon": "🔔 due soon", "pending": "⏳ pending", "too_early": "⛔ too early",
    "not_recorded": "❔ not in your sheet",
    WITHHELD: "· not counted",
}
#: One colour per status on every page and chart (each at least 3:1 against white).
STATUS_COLOURS: dict[str, str] = {
    "met": "#1a7f37", "missed": "#b42318", "overdue": "#b54708", "due_soon": "#8a6d00",
    "pending": "#475467", "too_early": "#6941c6", "not_recorded": "#0e6b8c",
    WITHHELD: "#6b6b6b",
}

#: Changes a local variant makes to its national flow (``explorer.analysis.diff``), in
#: the order tables list them.
CHANGES: tuple[str, ...] = ("added", "removed", "changed")
#: Plain words for each change, as tables show them.
CHANGE_LABELS: dict[str, str] = {"added": "Added", "removed": "Removed", "changed": "Changed"}
#: The map's text badge for each change, so that no mark is told by colour alone.
CHANGE_BADGES: dict[str, str] = {"added": "✚ NEW", "removed": "✖ REMOVED",
                                 "changed": "✎ CHANGED"}
#: What a marked step or line says on hover and in its details.
CHANGE_WORDS: dict[str, str] = {
    "added": "Added in this local version",
    "removed": "Removed from the national flow in this local version",
    "changed": "Changed in this local version",
}
#: One colour per change on the map (each at least 4.5:1 against white, so white badge
#: text on it is readable too); the outline's style tells them apart without colour.
CHANGE_COLOURS: dict[str, str] = {"added": "#1a7f37", "removed": "#b42318",
                                  "changed": "#6941c6"}

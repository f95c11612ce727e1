"""A local variant beside its national flow: which flow it varies, and the diff as a table.

>>> from explorer.io.load import load_flows
>>> from explorer.analysis.diff import diff_flows
>>> fs = load_flows()
>>> diff_frame(diff_flows(fs.flows["permanence"], fs.flows["permanence"])).empty
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from explorer.analysis.diff import Change, FlowDiff, diff_flows
from explorer.graph.build import step_id
from explorer.model import Flow
from explorer.model.kinds import CHANGE_BADGES, CHANGE_LABELS, CHANGE_WORDS

ITEM_WORDS = {"step": "Step", "transition": "Transition", "timescale": "Time limit"}
COLUMNS = ["Change", "What", "Item", "Field", "National flow", "This flow"]


def national_of(flows: Mapping[str, Flow], flow: Flow) -> Flow | None:
    """The national flow a flow varies: the one its ``variant_of`` names, else the one with
    its id (an uploaded copy replaces a shipped flow of the same id). None if neither."""
    if flow.variant_of and flow.variant_of in flows:
        return flows[flow.variant_of]
    other = flows.get(flow.id)
    return other if other is not None and other is not flow else None


def diff_frame(d: FlowDiff) -> pd.DataFrame:
    """One row per added or removed item, and one per changed field of a changed item."""
    rows = []
    for c in d.changes:
        base = {"Change": CHANGE_LABELS[c.change], "What": ITEM_WORDS[c.item], "Item": c.name}
        if c.fields:
            rows += [{**base, "Field": f.field, "National flow": f.a, "This flow": f.b}
                     for f in c.fields]
        else:
            rows.append({**base, "Field": "", "National flow": "", "This flow": ""})
    return pd.DataFrame(rows, columns=COLUMNS)


@dataclass(frozen=True)
class MapMarks:
    """What a map of a local variant marks as differing from its national flow.

    ``steps``: step id -> "added" or "changed" (a step is changed when one of its own
    fields, or a time limit from or to it, differs). ``edges``: (from, to) -> "added" or
    "changed". ``notes``: step id -> what a reader is told on hover and in its details.
    ``removed_steps`` and ``removed_transitions``: names of what the national flow has and
    this one has not (not on the map: it has no place there), listed beside it.
    """

    against: str
    steps: dict[str, str] = field(default_factory=dict)
    edges: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    removed_steps: tuple[str, ...] = ()
    removed_transitions: tuple[str, ...] = ()
    #: The same by id: the removed steps, and the (from, to) of the removed transitions.
    removed_step_ids: tuple[str, ...] = ()
    removed_edges: tuple[tuple[str, str], ...] = ()
    #: The national flow, so that a map can draw what was removed where it was (as pale
    #: "ghost" boxes and dotted lines); None: list it only.
    national: Flow | None = field(default=None, compare=False)

    def lines(self, step: str) -> list[str]:
        """What a step's hover and details say of it: its mark, then each difference."""
        mark = self.steps.get(step)
        notes = list(self.notes.get(step, ()))
        if mark is None:
            return notes
        return [f"{CHANGE_BADGES[mark]}: {CHANGE_WORDS[mark]}",
                *(x for x in notes if x != CHANGE_WORDS[mark])]

    @property
    def empty(self) -> bool:
        return not (self.steps or self.edges or self.removed_steps
                    or self.removed_transitions)


def _field_note(c: Change) -> str:
    # A long description is named, not quoted: the table beside the map gives it whole.
    parts = [f.field if f.field == "description" else
             f"{f.field} {f.a or '(none)'} → {f.b or '(none)'}" for f in c.fields]
    return "Changed: " + "; ".join(parts)


def map_marks(d: FlowDiff, against: str, national: Flow | None = None) -> MapMarks:
    """The marks a map of ``d.b`` carries, from the diff against the flow titled ``against``.

    >>> from explorer.io.load import load_flows
    >>> fs = load_flows()
    >>> map_marks(diff_flows(fs.flows["permanence"], fs.flows["permanence"]), "X").empty
    True
    """
    steps: dict[str, str] = {}
    edges: dict[tuple[str, str], str] = {}
    notes: dict[str, list[str]] = {}
    removed_steps: list[str] = []
    removed_edges: list[str] = []
    removed_ids: list[str] = []
    removed_ends: list[tuple[str, str]] = []

    def note(sid: str, text: str) -> None:
        notes.setdefault(sid, []).append(text)

    for c in d.changes:
        ends = tuple(step_id(e) for e in c.ends)
        if c.item == "step":
            if c.change == "removed":
                removed_steps.append(c.name)
                removed_ids.append(ends[0])
                continue
            steps[ends[0]] = c.change
            note(ends[0], CHANGE_WORDS[c.change] if c.change == "added" else _field_note(c))
        elif c.item == "transition":
            u, v = ends
            if c.change == "removed":
                removed_edges.append(c.name)
                removed_ends.append((u, v))
                note(u, f"{CHANGE_WORDS['removed']}: the line {c.name}")
                continue
            edges[(u, v)] = c.change
            if c.change == "added":
                note(u, f"{CHANGE_WORDS['added']}: the line {c.name}")
            else:
                note(u, f"{_field_note(c)} (the line {c.name})")
        else:  # a time limit: both its steps are marked as changed
            rule, between = c.name.split(": ", 1) if ": " in c.name else (c.name, "")
            if c.change == "changed":
                what = "; ".join(f"{f.a or '(none)'} → {f.b or '(none)'}" if f.field == "rule"
                                 else f"{f.field} {f.a or '(none)'} → {f.b or '(none)'}"
                                 for f in c.fields)
                text = f"Changed: time limit {what}"
            else:
                text = f"{CHANGE_WORDS[c.change]}: time limit {rule}"
            for sid in ends:
                steps.setdefault(sid, "changed")
                note(sid, f"{text} ({between})" if between else text)
    return MapMarks(against, steps, edges, {k: tuple(v) for k, v in notes.items()},
                    tuple(removed_steps), tuple(removed_edges), tuple(removed_ids),
                    tuple(removed_ends), national)


def variant_marks(flows: Mapping[str, Flow], flow: Flow,
                  sources: Mapping[str, object] | None = None) -> MapMarks | None:
    """The map marks of ``flow`` against its national flow in ``flows``; None if it varies
    none (see :func:`national_of`)."""
    national = national_of(flows, flow)
    if national is None:
        return None
    return map_marks(diff_flows(national, flow, sources), national.title, national)


def declared_variant_marks(flows: Mapping[str, Flow], flow_id: str,
                           sources: Mapping[str, object] | None = None) -> MapMarks | None:
    """The marks of ``flow_id`` if it declares ``variant_of`` a flow of ``flows`` (what an
    export or print of a variant carries); None otherwise."""
    flow = flows.get(flow_id)
    if flow is None or not flow.variant_of or flow.variant_of not in flows:
        return None
    return variant_marks(flows, flow, sources)

"""A semantic diff of two flows: steps, transitions and timescales added, removed or changed.

What a reader of a local variant asks: "what does our flow do differently from the
national one?". Items are matched by meaning, not by line: steps by id, transitions by
their two ends, timescales by id (else by their two ends and kind). A changed item lists
each field that differs, before and after, in words a reader can check (a limit as
"within 8 working days", an estimate as "1 / 3 / 5 days", legal basis as citations).

``diff_flows(a, b) -> FlowDiff`` (``b`` against ``a``); ``FlowDiff.as_dict()`` is the
``diff --json`` shape: ``{"a", "b", "counts": {...}, "changes": [{"item", "change", "key",
"name", "fields": [{"field", "a", "b"}]}]}``.

>>> from explorer.io.load import load_flows
>>> fs = load_flows()
>>> d = diff_flows(fs.flows["permanence"], fs.flows["permanence"])
>>> d.changes, d.counts["step"]
([], {'added': 0, 'removed': 0, 'changed': 0})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from explorer.graph.build import transition_timescale
from explorer.model import Flow, Step, Timescale, Transition
from explorer.model.kinds import KIND_WORDS
from explorer.model.wording import describe_limit

#: How a period is counted, in words (the ``counting`` field's values).
COUNTING_WORDS: dict[str, str] = {
    "beginning_with_event_day": "beginning with the day of the event",
    "beginning_day_after_event": "beginning the day after the event",
    "nth_day_after_event": "on the Nth day after the event",
    "from_event_time": "from the time of the event",
    "not_stated": "not stated",
}

ITEMS: tuple[str, ...] = ("step", "transition", "timescale")
CHANGES: tuple[str, ...] = ("added", "removed", "changed")


@dataclass(frozen=True)
class FieldChange:
    """One field of a matched item, in flow ``a`` and in flow ``b`` (as text)."""

    field: str
    a: str
    b: str


@dataclass(frozen=True)
class Change:
    """An item added in ``b``, removed from ``a``, or changed between them."""

    item: str
    change: str
    #: The item's identity: a step id, "from -> to", a timescale id.
    key: str
    #: The item as a reader names it: step names, never ids alone.
    name: str
    fields: tuple[FieldChange, ...] = ()
    #: A transition's or timescale's two steps (ids, as the flows write them); a step's
    #: own id for a step. What a map marks.
    ends: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"item": self.item, "change": self.change, "key": self.key, "name": self.name,
                "fields": [{"field": f.field, "a": f.a, "b": f.b} for f in self.fields]}


@dataclass(frozen=True)
class FlowDiff:
    a: str
    b: str
    changes: list[Change] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        return {i: {c: sum(1 for x in self.changes if x.item == i and x.change == c)
                    for c in CHANGES} for i in ITEMS}

    @property
    def same(self) -> bool:
        return not self.changes

    def as_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "counts": self.counts,
                "changes": [c.as_dict() for c in self.changes]}


def _basis(items: Iterable[Any], sources: Mapping[str, Any] | None = None) -> str:
    def short(src: str) -> str:
        found = (sources or {}).get(src)
        return str(getattr(found, "short", None) or src)

    return "; ".join(f"{short(lb.source)} {lb.provision}" for lb in items)


def _step_fields(s: Step, lanes: Mapping[str, str], sources: Mapping[str, Any] | None,
                 tags: Mapping[str, str]) -> dict[str, str]:
    decided = s.decided_by or ""
    return {"name": s.name, "kind": s.kind, "lane": lanes.get(s.lane, s.lane),
            "decided by": lanes.get(decided, decided),
            "legal basis": _basis(s.legal_basis, sources),
            "tags": ", ".join(sorted(tags.get(t, t) for t in s.tags)),
            "status": str(getattr(s, "status", "") or ""),
            "description": " ".join(s.description.split())}


def _estimate(t: Transition) -> str:
    e = t.estimate
    if e is None:
        return ""
    if isinstance(e, str):
        return e  # "unknown"
    return f"{e.min:g} / {e.likely:g} / {e.max:g} days"


def _transition_fields(t: Transition) -> dict[str, str]:
    share = t.share.value if t.share is not None else None
    ts = transition_timescale(t)
    return {"label": t.label or "", "repeat": "yes" if t.repeat else "no",
            "estimate (min / likely / max)": _estimate(t),
            "share": "" if share is None else f"{share:.0%}",
            "time limit": "" if ts is None else describe_limit(ts)}


def _timescale_fields(ts: Timescale, sources: Mapping[str, Any] | None,
                      names: Mapping[str, str]) -> dict[str, str]:
    return {"rule": describe_limit(ts), "kind": KIND_WORDS.get(ts.kind, ts.kind),
            "counting": COUNTING_WORDS.get(ts.counting, ts.counting),
            "status": ts.status, "confidence": ts.confidence,
            "legal basis": _basis(ts.legal_basis, sources),
            "applies when": ts.applies_when or "",
            "from": names.get(ts.from_, ts.from_), "to": names.get(ts.to, ts.to)}


def _ts_key(ts: Timescale) -> str:
    return ts.id or f"{ts.from_} -> {ts.to} ({ts.kind})"


def _compare(item: str, a: Mapping[str, dict[str, str]], b: Mapping[str, dict[str, str]],
             names: Mapping[str, str], ends: Mapping[str, tuple[str, ...]]) -> list[Change]:
    out: list[Change] = []
    for key in a:
        if key not in b:
            out.append(Change(item, "removed", key, names.get(key, key), (), ends[key]))
    for key in b:
        if key not in a:
            out.append(Change(item, "added", key, names.get(key, key), (), ends[key]))
        else:
            fields = tuple(FieldChange(f, a[key].get(f, ""), v) for f, v in b[key].items()
                           if a[key].get(f, "") != v)
            if fields:
                out.append(Change(item, "changed", key, names.get(key, key), fields,
                                  ends[key]))
    return out


def diff_flows(a: Flow, b: Flow, sources: Mapping[str, Any] | None = None) -> FlowDiff:
    """What ``b`` adds, removes and changes against ``a`` (steps, transitions, timescales).

    Transitions and timescales written on a transition are compared as transitions
    (their ``timescale`` is one more field); the flow's own timescales by id. Lanes are
    named by their names and, with ``sources`` (the bibliography), citations by the
    sources' short names.
    """
    step_names = {s.id: s.name for s in (*a.steps, *b.steps)}
    lanes = {li.id: li.name for li in (*a.lanes, *b.lanes)}
    tags = {t.id: t.name for t in (*a.tags, *b.tags)}

    def edge(t: Transition) -> str:
        return f"{t.from_} -> {t.to}"

    def edge_name(key: str) -> str:
        u, v = key.split(" -> ", 1)
        return f"{step_names.get(u, u)} → {step_names.get(v.split(' (')[0], v)}"

    changes = _compare("step", {s.id: _step_fields(s, lanes, sources, tags) for s in a.steps},
                       {s.id: _step_fields(s, lanes, sources, tags) for s in b.steps},
                       step_names,
                       {s.id: (s.id,) for s in (*a.steps, *b.steps)})
    ta = {edge(t): _transition_fields(t) for t in a.transitions}
    tb = {edge(t): _transition_fields(t) for t in b.transitions}
    changes += _compare("transition", ta, tb, {k: edge_name(k) for k in (*ta, *tb)},
                        {edge(t): (t.from_, t.to) for t in (*a.transitions, *b.transitions)})
    sa = {_ts_key(t): _timescale_fields(t, sources, step_names) for t in a.timescales}
    sb = {_ts_key(t): _timescale_fields(t, sources, step_names) for t in b.timescales}
    ts_names = {_ts_key(t): f"{describe_limit(t)}: {edge_name(f'{t.from_} -> {t.to}')}"
                for t in (*a.timescales, *b.timescales)}
    changes += _compare("timescale", sa, sb, ts_names,
                        {_ts_key(t): (t.from_, t.to) for t in (*a.timescales, *b.timescales)})
    return FlowDiff(a.id, b.id, changes)


def pair_flows(a: Mapping[str, Flow], b: Mapping[str, Flow]) -> list[tuple[Flow, Flow]]:
    """Flows of two folders matched for a diff: by id, else a variant to its national flow.

    >>> from explorer.io.load import load_flows
    >>> fs = load_flows()
    >>> [(x.id, y.id) for x, y in pair_flows(fs.flows, fs.flows)][:1]
    [('care-and-protection', 'care-and-protection')]
    """
    out = []
    used: set[str] = set()
    for fid in sorted(a):
        if fid in b:
            out.append((a[fid], b[fid]))
            used.add(fid)
    for fid in sorted(b):
        if fid in used:
            continue
        national = b[fid].variant_of
        if national and national in a:
            out.append((a[national], b[fid]))
    return out


def diff_text(d: FlowDiff, *, limit: int = 0) -> str:
    """The diff as lines a person reads (``diff`` without ``--json``)."""
    counts = d.counts
    head = f"{d.b} against {d.a}: " + "; ".join(
        f"{item}s " + ", ".join(f"{counts[item][c]} {c}" for c in CHANGES) for item in ITEMS)
    lines = [head]
    shown = d.changes[:limit] if limit else d.changes
    for c in shown:
        lines.append(f"  {c.change:<8} {c.item:<10} {c.name}")
        for f in c.fields:
            lines.append(f"           {f.field}: {f.a or '(none)'} -> {f.b or '(none)'}")
    if limit and len(d.changes) > limit:
        lines.append(f"  ... and {len(d.changes) - limit} more")
    if d.same:
        lines.append("  no differences in steps, transitions or timescales")
    return "\n".join(lines)

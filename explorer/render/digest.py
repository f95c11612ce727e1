"""A legal digest of a flow: Markdown a lawyer can review, stage by stage.

Each step is read whole: what it is, who acts and decides, its legal basis, where it leads,
and every rule (clock) that starts or ends there, each with its kind, counting, source and
confidence. Everything is in names (step, lane and source names, kinds in words), never in
the flow's internal ids. The digests are generated into ``docs/flows/<flow>.md`` and kept
current by a test.

>>> from explorer.io.load import load_flows
>>> text = flow_digest(load_flows(), "permanence")
>>> text.splitlines()[0]
'# Legal digest: Permanence for looked-after children: every route to a permanent home'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from explorer.graph import flow_of, flow_timescales, step_id
from explorer.model import CONFIDENCE_WORDS, COUNTING_WORDS, KIND_WORDS, Flow, Step, Timescale
from explorer.model.flowset import FlowSet
from explorer.model.problems import FlowError
from explorer.model.schema import LegalBasis
from explorer.model.wording import cite, describe_limit

#: What each kind of step is, in words.
STEP_KIND_WORDS: dict[str, str] = {
    "start": "where a journey begins",
    "event": "something happens at a point in time",
    "activity": "work that takes time",
    "meeting": "a hearing, panel, review or meeting",
    "decision": "a decision: exactly one way out is taken",
    "parallel": "parallel tracks begin: every way out is taken",
    "join": "parallel tracks join: waits for every track",
    "outcome": "where a journey ends",
}
STATUS_NOTES: dict[str, str] = {
    "superseded": "superseded: history only, not current law",
    "expired_temporary": "a temporary rule that has expired: history only",
    "prospective": "prospective: enacted but not in force, not current law",
}
#: Where the digests are written, relative to the repository.
DIGEST_DIR = Path("docs") / "flows"


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _citations(basis: Iterable[LegalBasis], fs: FlowSet) -> list[str]:
    out = []
    for lb in basis:
        line = cite(lb, fs.sources)
        if lb.note:
            line += f": {_one_line(lb.note)}"
        out.append(line)
    return out


class _Names:
    """Step, lane, source and case-attribute names for one flow set."""

    def __init__(self, fs: FlowSet, flow: Flow) -> None:
        self.fs = fs
        self.flow = flow
        self.lanes = {lane.id: lane.name for lane in flow.lanes}

    def step(self, ref: str) -> str:
        other = flow_of(ref)
        sid = step_id(ref)
        if other is None or other == self.flow.id:
            return self.flow.step(sid).name
        target = self.fs.flows.get(other)
        if target is None:
            return f"a step of another flow ({sid.replace('_', ' ')})"
        return f"{target.step(sid).name} (in: {target.title})"

    def condition(self, ts: Timescale) -> str | None:
        if not ts.applies_when_case:
            return None
        attrs = {a.id: a for a in self.flow.case_attributes}
        parts = []
        for key, wanted in ts.applies_when_case.items():
            attr = attrs.get(key)
            values = [wanted] if isinstance(wanted, str) else list(wanted)
            if attr is None:
                parts.append(f"{key} is {' or '.join(values)}")
                continue
            names = {v.id: v.name for v in attr.values}
            said = [names.get(v, v) for v in values]
            joined = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]
            parts.append(f"{attr.name}: {joined}")
        return "; ".join(parts)


def _rule_lines(ts: Timescale, names: _Names, fs: FlowSet, *, other_end: str) -> list[str]:
    head = f"- **{describe_limit(ts)}** {other_end}"
    if ts.status != "current":
        head += f" — *{STATUS_NOTES.get(ts.status, ts.status)}*"
    lines = [head]
    detail = [
        f"Kind: {KIND_WORDS.get(ts.kind, ts.kind)}.",
        f"Counting: {COUNTING_WORDS.get(ts.counting, ts.counting)}.",
        "Source: " + ("; ".join(_citations(ts.legal_basis, fs)) or "none cited").rstrip(".")
        + ".",
        f"Confidence: {ts.confidence} ({CONFIDENCE_WORDS.get(ts.confidence, ts.confidence)}).",
    ]
    if ts.window:
        detail.append("A right that may never be used: the period closes a window.")
    lines.append("  " + " ".join(detail))
    if ts.limit is not None and ts.wording:
        lines.append(f"  Wording: \u201c{_one_line(ts.wording)}\u201d")
    condition = names.condition(ts)
    if condition:
        lines.append(f"  Applies to cases where {condition}.")
    if ts.applies_when:
        lines.append(f"  Applies when: {_one_line(ts.applies_when)}")
    if ts.consequence:
        lines.append(f"  If missed: {_one_line(ts.consequence)}")
    if ts.commencement:
        lines.append(f"  Commencement: {_one_line(ts.commencement)}")
    if ts.history:
        lines.append(f"  History: {_one_line(ts.history)}")
    return lines


def _step_section(s: Step, names: _Names, fs: FlowSet, exits: list[str],
                  starting: list[Timescale], ending: list[Timescale]) -> list[str]:
    out = [f"### {s.name}", ""]
    facts = [f"*{STEP_KIND_WORDS.get(s.kind, s.kind).capitalize()}.*",
             f"Who acts: {names.lanes.get(s.lane, s.lane)}."]
    if s.decided_by:
        facts.append(f"Who decides: {names.lanes.get(s.decided_by, s.decided_by)}.")
    if s.confidence != "high":
        facts.append(f"Confidence: {s.confidence} ({CONFIDENCE_WORDS[s.confidence]}).")
    out += [" ".join(facts), ""]
    if s.status == "prospective":
        out += [f"**Not in force** ({STATUS_NOTES['prospective']}). "
                f"Commencement: {_one_line(s.commencement) or 'not known'}", ""]
    out += [_one_line(s.description), ""]
    if s.child_and_family:
        out += [f"*The child and family:* {_one_line(s.child_and_family)}", ""]
    if s.attendees:
        out += ["Who attends: " + ", ".join(s.attendees) + ".", ""]
    basis = _citations(s.legal_basis, fs)
    if basis:
        out += ["Legal basis:", *[f"- {b}" for b in basis], ""]
    if exits:
        out += ["Leads to:", *exits, ""]
    if starting:
        out.append("Rules that start here:")
        for ts in starting:
            out += _rule_lines(ts, names, fs, other_end=f"until *{names.step(ts.to)}*")
        out.append("")
    if ending:
        out.append("Rules that end here:")
        for ts in ending:
            out += _rule_lines(ts, names, fs, other_end=f"from *{names.step(ts.from_)}*")
        out.append("")
    return out


def flow_digest(fs: FlowSet, flow_id: str) -> str:
    """The legal digest of one flow as Markdown (deterministic: same flows, same text).

    Raises :class:`~explorer.model.problems.FlowError` for an unknown flow.
    """
    flow = fs.flows.get(flow_id)
    if flow is None:
        raise FlowError(f"unknown flow '{flow_id}'")
    names = _Names(fs, flow)
    local = {s.id for s in flow.steps}
    starting: dict[str, list[Timescale]] = defaultdict(list)
    ending: dict[str, list[Timescale]] = defaultdict(list)
    for ts in flow_timescales(flow):
        starting[step_id(ts.from_)].append(ts)
        if step_id(ts.to) in local and flow_of(ts.to) in (None, flow.id):
            ending[step_id(ts.to)].append(ts)
    exits: dict[str, list[str]] = defaultdict(list)
    for t in flow.transitions:
        label = f"{_one_line(t.label)}: " if t.label else ""
        again = " (again: a repeat)" if t.repeat else ""
        exits[t.from_].append(f"- {label}*{names.step(t.to)}*{again}")
    source_ids = sorted({lb.source for s in flow.steps for lb in s.legal_basis}
                        | {lb.source for ts in flow_timescales(flow) for lb in ts.legal_basis})
    n_rules = len(flow_timescales(flow))
    out = [f"# Legal digest: {flow.title}", "",
           f"Law as at {flow.as_of.isoformat()}. {len(flow.steps)} steps in "
           f"{len(flow.stages) or 1} stages, {n_rules} rules. Generated from the flow file by "
           "`permanence-explorer digest` (`make digest`); do not edit by hand.", "",
           _one_line(flow.summary), ""]
    stages = list(flow.stages)
    groups: dict[str | None, list[Step]] = defaultdict(list)
    for s in flow.steps:
        groups[s.stage if stages else None].append(s)
    if stages:
        out += ["## Stages", ""]
        out += [f"{i}. {st.name} ({len(groups[st.id])} "
                f"{'step' if len(groups[st.id]) == 1 else 'steps'})"
                for i, st in enumerate(stages, 1)]
        out.append("")
    sections: list[tuple[str, str, list[Step]]] = (
        [(f"Stage {i}: {st.name}", _one_line(st.summary), groups[st.id])
         for i, st in enumerate(stages, 1)] if stages else [("Steps", "", groups[None])])
    for title, summary, steps in sections:
        out += [f"## {title}", ""]
        if summary:
            out += [summary, ""]
        for s in steps:
            out += _step_section(s, names, fs, exits[s.id], starting[s.id], ending[s.id])
    if flow.case_attributes:
        out += ["## Case facts that decide which rule applies", ""]
        for attr in flow.case_attributes:
            out.append(f"- **{attr.name}**: {_one_line(attr.description)} Values: "
                       + "; ".join(v.name for v in attr.values) + ".")
        out.append("")
    out += ["## Sources cited", ""]
    for sid in source_ids:
        src = fs.sources.get(sid)
        if src is None:
            continue
        link = f" <{src.url}>" if src.url else ""
        out.append(f"- **{src.short}**: {_one_line(src.title)}.{link}")
    return "\n".join(out).rstrip() + "\n"


def write_digests(fs: FlowSet, folder: str | Path, flow_ids: Iterable[str] | None = None
                  ) -> list[Path]:
    """Write ``<folder>/<flow>.md`` for each flow (every flow by default); the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fid in sorted(flow_ids if flow_ids is not None else fs.flows):
        path = folder / f"{fid}.md"
        path.write_text(flow_digest(fs, fid), encoding="utf-8")
        written.append(path)
    return written

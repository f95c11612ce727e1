"""The glossary explains every abbreviation the flows use, wherever a user reads it."""

from __future__ import annotations

import re

from explorer.model.flowset import FlowSet

#: A token of two or more capitals (digits allowed), with an optional plural "s": CPO, ICSOs.
ABBREVIATION = re.compile(r"\b([A-Z][A-Z0-9]+)s?\b")


def test_every_abbreviation_in_any_flow_is_in_the_glossary(shipped: FlowSet) -> None:
    known = {t.abbreviation for t in shipped.glossary if t.abbreviation}
    missing: set[str] = set()
    for fid, flow in shipped.flows.items():
        texts = [("flow", flow.title), ("flow", flow.summary), ("flow", flow.calibration or "")]
        texts += [(lane.id, x) for lane in flow.lanes for x in (lane.name, lane.description or "")]
        texts += [(s.id, x) for s in flow.steps
                  for x in (s.name, s.description, s.child_and_family or "", *s.attendees)]
        texts += [(t.from_, t.label or "") for t in flow.transitions]
        for where, text in texts:
            missing |= {f"{fid}:{where}: {m.group(1)}" for m in ABBREVIATION.finditer(text)
                        if m.group(1) not in known}
    assert sorted(missing) == []

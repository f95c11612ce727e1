"""A flow whose every free-text field carries script payloads (for XSS tests)."""

from __future__ import annotations

import datetime
from typing import Any

import yaml

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HREF = 'href="javascript:alert(1)"'
#: Every text field holds all three, and markdown/Streamlit directive traps beside them.
PAYLOAD = f"{SCRIPT} {IMG} {HREF} [x](javascript:alert(1)) :red[boom] $x$"


#: Markdown that, rendered, would fetch from outside (an image) or make links.
MD_PAYLOAD = ("![i](https://evil.example/x.png) [l](https://evil.example) "
              "https://evil.example/bare www.evil.example <https://evil.example/auto>")
#: What must never appear unescaped in text Streamlit renders as Markdown.
MD_ACTIVE = ("![", "](", "https://", "www.evil", "<https")


def xss_flow(source: str = "chsa_2011", flow_id: str = "xss-flow",
             payload: str = PAYLOAD) -> dict[str, Any]:
    p = payload
    lb = [{"source": source, "provision": p, "note": p}]
    return {
        "id": flow_id, "title": p, "jurisdiction": p, "as_of": datetime.date(2026, 11, 22),
        "summary": p,
        "lanes": [{"id": "lane_a", "name": p, "description": p},
                  {"id": "lane_b", "name": p + " B"}],
        "tags": [{"id": "court", "name": p + " tag", "description": p}],
        "steps": [
            {"id": "start_here", "name": p, "kind": "start", "lane": "lane_a",
             "description": p, "child_and_family": p, "legal_basis": lb, "tags": ["court"],
             "attendees": [p]},
            {"id": "choose", "name": p + " 2", "kind": "decision", "lane": "lane_b",
             "description": p, "decided_by": "lane_b", "attendees": [p], "legal_basis": lb},
            {"id": "end_one", "name": p + " 3", "kind": "outcome", "lane": "lane_a",
             "description": p},
            {"id": "end_two", "name": p + " 4", "kind": "outcome", "lane": "lane_b",
             "description": p},
        ],
        "transitions": [
            {"from": "start_here", "to": "choose", "label": p,
             "timescale": {"limit": 5, "unit": "days", "kind": "statutory_max",
                           "confidence": "high", "wording": p, "consequence": p,
                           "applies_when": p, "legal_basis": lb}},
            {"from": "choose", "to": "end_one", "label": p},
            {"from": "choose", "to": "end_two", "label": p},
        ],
        "timescales": [
            {"from": "start_here", "to": "end_one", "limit": 3, "unit": "weeks",
             "kind": "guidance_target", "confidence": "low", "wording": p, "consequence": p,
             "legal_basis": lb},
        ],
    }


class _NoAliases(yaml.SafeDumper):
    # The loader refuses anchors and aliases; shared lists must be written out in full.
    def ignore_aliases(self, data: Any) -> bool:
        return True


def xss_flow_yaml(source: str = "chsa_2011", payload: str = PAYLOAD) -> bytes:
    return yaml.dump(xss_flow(source, payload=payload), Dumper=_NoAliases, sort_keys=False,
                     allow_unicode=True).encode()

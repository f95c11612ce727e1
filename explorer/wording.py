"""Plain-English wording of timescales and citations, shared by the CLI, maps and pages.

>>> from explorer.model import Timescale
>>> ts = Timescale.model_validate({"from": "a", "to": "b", "limit": 8, "unit": "working_days",
...     "kind": "statutory_max", "confidence": "high",
...     "legal_basis": [{"source": "chsa_2011", "provision": "s.54"}]})
>>> describe_limit(ts)
'within 8 working days'
>>> short_label(ts)
'within 8 working days, s.54'
"""

from __future__ import annotations

from explorer.model import LegalBasis, Source, Timescale

UNIT_WORDS = {
    "hours": ("hour", "hours"),
    "days": ("day", "days"),
    "working_days": ("working day", "working days"),
    "weeks": ("week", "weeks"),
    "months": ("month", "months"),
    "years": ("year", "years"),
}

KIND_WORDS = {
    "statutory_max": "statutory maximum",
    "statutory_fixed": "statutory fixed day",
    "statutory_min": "statutory minimum",
    "guidance_target": "national guidance target",
    "local_target": "local target",
}

CONFIDENCE_WORDS = {
    "high": "verified in primary or official text",
    "medium": "from a secondary or partial source",
    "low": "unverified",
}

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth",
             7: "seventh", 8: "eighth", 9: "ninth", 10: "tenth"}


def quantity(limit: float, unit: str) -> str:
    """``quantity(8, 'working_days')`` -> ``'8 working days'``; ``1`` takes the singular."""
    one, many = UNIT_WORDS[unit]
    number = f"{limit:g}"
    return f"{number} {one if limit == 1 else many}"


def describe_limit(ts: Timescale) -> str:
    """The rule in a few words: 'within 21 days', 'at least 13 weeks', 'on the 2nd working day'."""
    if ts.limit is None or ts.unit is None:
        return ts.wording or "no number set"
    amount = quantity(ts.limit, ts.unit)
    if ts.kind == "statutory_min":
        return f"not before {amount}"
    if ts.kind == "statutory_fixed":
        n = int(ts.limit)
        one, _ = UNIT_WORDS[ts.unit]
        return f"on the {_ORDINALS.get(n, f'{n}th')} {one} after"
    return f"within {amount}"


def provision_text(basis: list[LegalBasis]) -> str:
    """The provisions cited, joined: 's.54; r.29'."""
    return "; ".join(lb.provision for lb in basis)


def short_label(ts: Timescale) -> str:
    """An edge label for maps: the limit and the first provision."""
    label = describe_limit(ts)
    if ts.legal_basis:
        label += f", {ts.legal_basis[0].provision}"
    return label


def cite(lb: LegalBasis, sources: dict[str, Source]) -> str:
    """A citation a person can read: 'CHSA 2011 s.54'."""
    src = sources.get(lb.source)
    return f"{src.short if src else lb.source} {lb.provision}"


def citation_url(lb: LegalBasis, sources: dict[str, Source]) -> str | None:
    """The most specific link for a citation: its own url, else its source's."""
    if lb.url:
        return lb.url
    src = sources.get(lb.source)
    return src.url if src else None

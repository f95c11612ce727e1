"""Plain-English wording of timescales and citations, shared by the CLI, maps and pages.

>>> from explorer.model import Timescale
>>> ts = Timescale.model_validate({"from": "a", "to": "b", "limit": 8, "unit": "working_days",
...     "kind": "statutory_max", "confidence": "high",
...     "legal_basis": [{"source": "chsa_2011", "provision": "s.54"}]})
>>> describe_limit(ts)
'within 8 working days'
"""

from __future__ import annotations

from explorer.model.kinds import CONFIDENCE_WORDS, KIND_WORDS
from explorer.model.schema import LegalBasis, Source, Timescale

__all__ = ["CONFIDENCE_WORDS", "KIND_WORDS", "citation_url", "cite", "describe_limit",
           "ordinal", "provision_text", "quantity", "timescale_label",
           "timescale_phrase"]

UNIT_WORDS = {
    "hours": ("hour", "hours"),
    "days": ("day", "days"),
    "working_days": ("working day", "working days"),
    "weeks": ("week", "weeks"),
    "months": ("month", "months"),
    "years": ("year", "years"),
}


def ordinal(n: int) -> str:
    """``2`` -> ``'2nd'``.

    >>> [ordinal(i) for i in (1, 2, 3, 4, 11, 12, 13, 21)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st']
    """
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def quantity(limit: float, unit: str) -> str:
    """``quantity(8, 'working_days')`` -> ``'8 working days'``; ``1`` takes the singular."""
    one, many = UNIT_WORDS.get(unit, (unit, unit))
    number = str(int(limit)) if float(limit).is_integer() else f"{limit:g}"
    return f"{number} {one if limit == 1 else many}"


def describe_limit(ts: Timescale) -> str:
    """The rule in a few words, without its source.

    'within 21 days', 'at least 13 weeks', 'on the 2nd working day after',
    'guidance: within 28 days'; where the source sets no number, its own words.
    """
    if ts.limit is None or ts.unit is None:
        return ts.wording or "no set time"
    amount = quantity(ts.limit, ts.unit)
    if ts.kind == "statutory_max":
        return f"within {amount}"
    if ts.kind == "statutory_min":
        return f"at least {amount}"
    if ts.kind == "statutory_fixed":
        if float(ts.limit).is_integer():
            one = UNIT_WORDS.get(ts.unit, (ts.unit, ts.unit))[0]
            return f"on the {ordinal(int(ts.limit))} {one} after"
        return f"after {amount}"
    if ts.kind == "guidance_target":
        return f"guidance: within {amount}"
    return f"local target: within {amount}"


def provision_text(basis: list[LegalBasis]) -> str:
    """The provisions cited, joined: 's.54; r.29'."""
    return "; ".join(lb.provision for lb in basis)


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


def _shorten(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def timescale_phrase(ts: Timescale) -> str:
    """The rule in a few words, without its source: ``'within 8 working days'``.

    The wording of :func:`explorer.model.wording.describe_limit`, shortened where the source
    gives words instead of a number (a map label must stay short).

    >>> from explorer.model import Timescale
    >>> timescale_phrase(Timescale.model_validate({"from": "a", "to": "b", "limit": 8,
    ...     "unit": "working_days", "kind": "statutory_max", "confidence": "high"}))
    'within 8 working days'
    """
    if ts.limit is None or ts.unit is None:
        return _shorten(ts.wording or "no set time")
    return describe_limit(ts)


def timescale_label(ts: Timescale) -> str:
    """A map label: ``'within 8 working days, s.54'`` (the first provision cited)."""
    phrase = timescale_phrase(ts)
    if ts.legal_basis:
        return f"{phrase}, {ts.legal_basis[0].provision}"
    return phrase

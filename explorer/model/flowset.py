"""A folder of flows as loaded: the flows, the shared bibliography and glossary, and every
problem found in them.

>>> fs = FlowSet()
>>> fs.ok, fs.flows
(True, {})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from explorer.model.document import SourceDocument
from explorer.model.problems import Problem
from explorer.model.schema import Flow, Source, Term


@dataclass
class FlowSet:
    """Every flow of a folder, with the shared bibliography and glossary.

    ``problems`` holds everything wrong, from YAML syntax to semantic checks; a flow
    whose file failed the schema is absent from ``flows``.
    """

    flows: dict[str, Flow] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    glossary: list[Term] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Where each flow came from, and the marks of its values (for semantic problems).
    documents: dict[str, SourceDocument] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def tag_names(self) -> dict[str, str]:
        """Every declared tag's name, over all flows (the first flow to declare it names it).

        >>> FlowSet().tag_names
        {}
        """
        return tag_names(self.flows)


def tag_names(flows: Mapping[str, Flow]) -> dict[str, str]:
    """Tag id -> the name a reader sees, over ``flows`` (the first flow by id to declare
    a tag names it; the validator makes every used tag declared).

    >>> tag_names({})
    {}
    """
    out: dict[str, str] = {}
    for fid in sorted(flows):
        for t in flows[fid].tags:
            out.setdefault(t.id, t.name)
    return out

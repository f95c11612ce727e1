"""A document read from a file: its data and where each value came from.

The reader (:mod:`explorer.io.yamlsafe`) fills it; the checks use the marks to put each
problem at its line and column.

>>> d = SourceDocument("f.yaml", {"id": "x"}, marks={(): (1, 1), ("id",): (1, 5)})
>>> d.locate(("id",)), d.locate(("steps", 3))
((1, 5), (1, 1))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from explorer.model.problems import Problem

#: The path of a value inside a document: keys and list indexes, ``("steps", 3, "kind")``.
Path_ = tuple[str | int, ...]


@dataclass
class SourceDocument:
    """The data of one YAML file, with the (line, column) of every value by its path."""

    path: str
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    #: The (line, column) of each mapping key, by the path of its value.
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    #: Raw scalar text of values YAML 1.1 reads surprisingly (``no`` -> False, ``1:30`` -> 90).
    traps: dict[Path_, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: Where a path of the loaded (flattened) data was written in the file: a transition
    #: written under its step (``steps[3].next[0]``) is loaded as ``transitions[k]``.
    aliases: dict[Path_, Path_] = field(default_factory=dict)

    def resolve(self, loc: Path_) -> Path_:
        """The path in the file of a path of the loaded data (its longest aliased prefix
        replaced).

        >>> d = SourceDocument("f", {}, aliases={("transitions", 0): ("steps", 2, "next", 0)})
        >>> d.resolve(("transitions", 0, "to"))
        ('steps', 2, 'next', 0, 'to')
        """
        loc = tuple(loc)
        for n in range(len(loc), 0, -1):
            alias = self.aliases.get(loc[:n])
            if alias is not None:
                return alias + loc[n:]
        return loc

    def locate(self, loc: Path_) -> tuple[int, int]:
        """The mark of ``loc`` (a path of the loaded data, resolved to the file) or, failing
        that, of its nearest located ancestor."""
        loc = self.resolve(loc)
        while loc:
            if loc in self.marks:
                return self.marks[loc]
            loc = loc[:-1]
        return self.marks.get((), (1, 1))

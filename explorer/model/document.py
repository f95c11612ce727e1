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

    def locate(self, loc: Path_) -> tuple[int, int]:
        """The mark of ``loc`` or, failing that, of its nearest located ancestor."""
        loc = tuple(loc)
        while loc:
            if loc in self.marks:
                return self.marks[loc]
            loc = loc[:-1]
        return self.marks.get((), (1, 1))

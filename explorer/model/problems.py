"""Problems found in flow files, reported as ``path:line:column: message``."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file, located at a line and column (both 1-based).

    >>> str(Problem("flows/x.yaml", 3, 5, "unknown key 'nmae'", "did you mean 'name'?"))
    "flows/x.yaml:3:5: unknown key 'nmae' (hint: did you mean 'name'?)"
    """

    path: str
    line: int
    column: int
    message: str
    hint: str | None = None
    code: str = "invalid"

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class FlowError(Exception):
    """Raised where a caller asks for something the flows cannot give (unknown flow or step)."""

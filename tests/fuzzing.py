"""What the fuzzing harness shares: how many examples, the corpus, and the invariant.

The invariant for every entry point that reads outside input: it returns a result, or
the project's own error (a :class:`~explorer.model.problems.Problem` with a file, line
and column; an :class:`~explorer.cases.inputs.InputProblem` with a row, line or column,
or marked fatal for the whole file; a ``FlowError`` or usage error with exit status 2),
and never any other exception.

Under ``CI=true`` (``.ci/run`` sets it) every property runs :data:`CI_FACTOR` times as
many examples as on a laptop (hypothesis profile ``ci``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from hypothesis import HealthCheck, settings

CORPUS = Path(__file__).resolve().parent / "fuzz_corpus"
CI = os.environ.get("CI", "").lower() == "true"
#: How many times more examples a property runs in CI.
CI_FACTOR = 4

settings.register_profile("dev", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.function_scoped_fixture])
settings.register_profile("ci", deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.function_scoped_fixture])
settings.load_profile("ci" if CI else "dev")


def examples(n: int) -> int:
    """``n`` examples on a laptop, ``n * CI_FACTOR`` in CI."""
    return n * CI_FACTOR if CI else n


def corpus(entry: str) -> list[Path]:
    """The inputs that once crashed ``entry`` (a folder of tests/fuzz_corpus)."""
    return sorted(p for p in (CORPUS / entry).iterdir() if p.is_file()
                  and not p.name.startswith("."))


def assert_flow_problems_located(problems: Iterable[object]) -> None:
    for p in problems:
        assert p.line >= 1 and p.column >= 1 and p.message, p  # type: ignore[attr-defined]
        assert p.path, p  # type: ignore[attr-defined]


def assert_input_problems_located(problems: Iterable[object]) -> None:
    for p in problems:
        where = (p.row, p.line, p.column)  # type: ignore[attr-defined]
        assert p.message and (p.fatal or any(w is not None for w in where)), p  # type: ignore[attr-defined]

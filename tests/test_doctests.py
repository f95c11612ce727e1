"""Every example in the core modules' docstrings runs and gives what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import explorer

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(explorer.__path__, "explorer.")
    if not m.name.startswith("explorer.ui") and m.name != "explorer.__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_core_modules_are_all_covered() -> None:
    assert {"explorer.io.load", "explorer.cases.tracking", "explorer.model.wording"} <= set(MODULES)

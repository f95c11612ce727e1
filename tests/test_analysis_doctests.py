"""The examples in the analysis modules' docstrings run and give what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["explorer.analysis", "explorer.routes", "explorer.critical", "explorer.reach",
           "explorer.simulate", "explorer.synthetic", "explorer.pathways"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0

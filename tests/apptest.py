"""One page of the app run without a browser (AppTest) on the flows of
``PERMANENCE_FLOWS_DIR``, and the check every page test makes."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

TIMEOUT = 60


def _page(module: str) -> None:
    import importlib

    from explorer.ui.common import guarded
    from explorer.ui.data import shipped_flowset

    fs, _ = shipped_flowset()
    guarded(importlib.import_module(module).render, fs)


def page(module: str) -> AppTest:
    """The page of ``module`` (its ``render(fs)``), not yet run."""
    return AppTest.from_function(_page, args=(module,), default_timeout=TIMEOUT)


def ok(at: AppTest) -> AppTest:
    """``at`` after checking it shows no exception and no error message."""
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at

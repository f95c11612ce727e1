"""The core stays pure: nothing under explorer/ but explorer/ui imports Streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import explorer

CORE = Path(explorer.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_modules_import_no_streamlit() -> None:
    offenders = [
        str(p.relative_to(CORE))
        for p in CORE.rglob("*.py")
        if "ui" not in p.relative_to(CORE).parts
        and any(m == "streamlit" or m.startswith("streamlit.") for m in imported_modules(p))
    ]
    assert offenders == []


def test_model_imports_nothing_of_ours() -> None:
    assert not any(m.startswith("explorer") for m in imported_modules(CORE / "model.py"))

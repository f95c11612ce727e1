"""The layers of ``explorer/`` are packages, and imports point one way down the list.

model -> graph -> io -> analysis -> cases -> learning -> views -> render -> cli, ui

(The graph layer sits below io because the validator checks the flows' graphs.) A module
may import its own layer and the layers below it, never one above; nothing outside ``ui``
imports Streamlit; and no two modules import each other, directly or round a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

import explorer

CORE = Path(explorer.__file__).parent

#: The layers, lowest first. ``cli`` and ``ui`` share the top: neither imports the other.
LAYERS: tuple[str, ...] = ("model", "graph", "io", "analysis", "cases", "learning", "views",
                           "render", "cli", "ui")
RANK = {name: i for i, name in enumerate(LAYERS)}
RANK["ui"] = RANK["cli"]
#: The package's own top-level modules: the public API and ``python -m explorer``.
TOP_LEVEL = {"__init__", "__main__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(CORE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # ``from explorer.cli import analysis`` imports the module explorer.cli.analysis.
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(CORE.rglob("*.py"))}


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else None


def internal_imports() -> nx.DiGraph:
    known = modules()
    G = nx.DiGraph()
    G.add_nodes_from(known)
    for name, path in known.items():
        for m in imported_modules(path):
            if m in known and m != name:
                G.add_edge(name, m)
    return G


def test_every_module_lives_in_a_layer() -> None:
    stray = [m for m, p in modules().items()
             if layer_of(m) is None and p.stem not in TOP_LEVEL]
    assert stray == []


def test_every_layer_is_a_package() -> None:
    assert [name for name in LAYERS if not (CORE / name / "__init__.py").is_file()] == []


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_imports_only_itself_and_the_layers_below(layer: str) -> None:
    G = internal_imports()
    def above(b: str) -> bool:
        # The package's top (the public API) imports every layer: only cli and ui may use it.
        lb = layer_of(b)
        return RANK[lb] > RANK[layer] if lb is not None else RANK[layer] < RANK["cli"]

    upward = [(a, b) for a, b in G.edges if layer_of(a) == layer and above(b)]
    assert upward == []


def test_cli_and_ui_do_not_import_each_other() -> None:
    G = internal_imports()
    crossing = [(a, b) for a, b in G.edges
                if {layer_of(a), layer_of(b)} == {"cli", "ui"}]
    assert crossing == []


def test_there_is_no_import_cycle() -> None:
    G = internal_imports()
    # A package's __init__ re-exporting its own modules is not a cycle of layers, but a
    # module importing its package while the package imports it is: keep both out.
    assert list(nx.simple_cycles(G)) == []


def test_core_modules_import_no_streamlit() -> None:
    offenders = [
        m for m, p in modules().items()
        if layer_of(m) != "ui"
        and any(x == "streamlit" or x.startswith("streamlit.") for x in imported_modules(p))
    ]
    assert offenders == []


def test_the_model_imports_nothing_above_it() -> None:
    G = internal_imports()
    assert [(a, b) for a, b in G.edges
            if layer_of(a) == "model" and layer_of(b) != "model"] == []

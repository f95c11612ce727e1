"""Property: a randomly mutated flow is either loaded or reported, never a crash."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.io.load import DEFAULT_FLOWS_DIR, load_flows
from tests.fuzzing import examples

FLOW_FILES = sorted(p.name for p in DEFAULT_FLOWS_DIR.glob("*.yaml")
                    if p.name not in ("sources.yaml", "glossary.yaml"))

odd_values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.text(max_size=30), st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(["no", "off", "1:30", "012", "permanence:nowhere", "decision", "join",
                     "working_days", "statutory_max", "", "<script>alert(1)</script>"]),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _mutate(data: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    if not path:
        return value if action == "replace" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    if action == "replace":
        parent[key] = value
    elif action == "delete":
        del parent[key]
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))
    elif action == "rename" and isinstance(parent, dict):
        parent[f"{key}x"] = parent.pop(key)
    return data


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Per flow file: its parsed data and a folder holding all the other files."""
    out = {}
    for name in FLOW_FILES:
        folder = tmp_path_factory.mktemp("flows")
        for p in DEFAULT_FLOWS_DIR.glob("*.yaml"):
            if p.name != name:
                shutil.copy(p, folder / p.name)
        out[name] = (yaml.safe_load((DEFAULT_FLOWS_DIR / name).read_text()), folder)
    return out


@pytest.mark.skipif(not FLOW_FILES, reason="no shipped flows yet")
@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_flow_is_loaded_or_reported_never_crashes(base: dict[str, Any],
                                                          data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(FLOW_FILES))
    original, folder = base[name]
    doc = copy.deepcopy(original)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = data.draw(st.sampled_from(paths))
        action = data.draw(st.sampled_from(["replace", "delete", "duplicate", "rename"]))
        doc = _mutate(doc, path, action, data.draw(odd_values))
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    if data.draw(st.booleans()):
        cut = data.draw(st.integers(0, len(text)))
        text = text[:cut] + data.draw(st.sampled_from(["", ":", "- [", "\t", "&a x", "*b"]))
    fs = load_flows(Path(folder), extra={name: text.encode()})
    loaded = any(fs.documents[f].path == name for f in fs.documents)
    assert loaded or fs.problems
    for p in fs.problems:
        assert p.line >= 1 and p.column >= 1 and p.message


@pytest.mark.skipif(not FLOW_FILES, reason="no shipped flows yet")
@settings(max_examples=examples(40), deadline=None)
@given(raw=st.binary(max_size=400))
def test_random_bytes_are_reported_never_crash(raw: bytes) -> None:
    fs = load_flows(DEFAULT_FLOWS_DIR, extra={"upload.yaml": raw}, check=False)
    assert all(p.line >= 1 for p in fs.problems)

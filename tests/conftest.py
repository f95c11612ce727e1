"""Shared fixtures: the shipped flows, and copies of them to break on purpose."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import tests.fuzzing  # noqa: F401  (hypothesis profiles: more examples under CI=true)
from explorer.io.load import DEFAULT_FLOWS_DIR, load_flows
from explorer.model.flowset import FlowSet

FIXTURES = Path(__file__).parent / "fixtures"


class _NoAliasDumper(yaml.SafeDumper):
    """Writes shared objects out in full: the loader refuses anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


@pytest.fixture(scope="session")
def shipped() -> FlowSet:
    """The shipped flows, loaded once (read-only: never mutate what this returns)."""
    return load_flows(DEFAULT_FLOWS_DIR)


@dataclass
class FlowCopy:
    """A copy of the shipped flows in a temporary folder, one flow file to edit."""

    folder: Path
    path: Path

    def data(self) -> dict[str, Any]:
        return yaml.safe_load(self.path.read_text(encoding="utf-8"))

    def write_data(self, data: dict[str, Any]) -> None:
        self.path.write_text(yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False,
                                       allow_unicode=True, width=100), encoding="utf-8")

    def write_text(self, text: str) -> None:
        self.path.write_text(text, encoding="utf-8")

    @staticmethod
    def exits(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str, dict[str, Any]]]:
        """Every transition as written under its step: (path, from-step id, the mapping)."""
        return [(("steps", i, "next", j), s["id"], t)
                for i, s in enumerate(data["steps"]) for j, t in enumerate(s.get("next", []))]

    @staticmethod
    def rules(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str, dict[str, Any]]]:
        """Every timescale as written under its step: (path, from-step id, the mapping)."""
        return [(("steps", i, "timescales", j), s["id"], t)
                for i, s in enumerate(data["steps"])
                for j, t in enumerate(s.get("timescales", []))]

    def line_of(self, needle: str) -> int:
        """The 1-based line of the first line containing ``needle``."""
        for i, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                return i
        raise AssertionError(f"{needle!r} not in {self.path}")


@pytest.fixture
def flow_copy(tmp_path: Path) -> FlowCopy:
    """A copy of ``flows/`` with ``care-and-protection.yaml`` ready to be broken."""
    folder = tmp_path / "flows"
    shutil.copytree(DEFAULT_FLOWS_DIR, folder)
    return FlowCopy(folder, folder / "care-and-protection.yaml")

"""The Dockerfile runs the app the way ``make run`` does (nothing here can run Docker)."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()


def _cmd() -> list[str]:
    (line,) = [ln for ln in DOCKERFILE.splitlines() if ln.startswith("CMD ")]
    return list(json.loads(line[4:]))


def _make_run() -> list[str]:
    recipe = MAKEFILE.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    (line,) = [ln.strip() for ln in recipe.splitlines() if "explorer.ui.serve" in ln]
    return line.replace("$(BIN)/", "").split()


def _option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_the_container_runs_the_same_entry_point_as_make_run() -> None:
    assert _cmd()[:3] == _make_run()[:3] == ["python", "-m", "explorer.ui.serve"]


def test_the_container_serves_the_port_make_run_serves() -> None:
    port = _option(_make_run(), "--server.port")
    assert _option(_cmd(), "--server.port") == port
    assert f"EXPOSE {port}" in DOCKERFILE


def test_the_container_installs_the_package_without_test_extras() -> None:
    assert re.search(r"^RUN pip install \.$", DOCKERFILE, re.M)
    assert "[test]" not in DOCKERFILE


def test_every_file_the_container_copies_exists() -> None:
    copied = [ln.split()[1:-1] for ln in DOCKERFILE.splitlines() if ln.startswith("COPY ")]
    missing = [p for paths in copied for p in paths if not (ROOT / p).exists()]
    assert missing == []


def test_the_container_starts_from_a_slim_debian_base_and_runs_unprivileged() -> None:
    assert re.search(r"^FROM python:3\.11-slim-bookworm$", DOCKERFILE, re.M)
    assert re.search(r"^USER app$", DOCKERFILE, re.M)

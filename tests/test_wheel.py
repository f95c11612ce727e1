"""The library installs from its wheel: the flows ship inside it and the CLI works on them.

Builds the wheel offline (no build isolation: the build backend is already installed),
installs it without dependencies into a fresh virtual environment that sees this
environment's packages, and runs the command line from outside the checkout.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Build from a copy, so the checkout gets no build/ or egg-info folders.
    src = out / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis",
        "test-artifacts"))
    run = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                          "--outdir", str(out), str(src)], capture_output=True, text=True,
                         cwd=out)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    (found,) = out.glob("*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv")
    # Our dependencies come from this environment (system site packages of the venv's
    # base would not include them), so point the new venv at them with a .pth file.
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([str(python), "-c", purelib],
                          check=True, capture_output=True, text=True).stdout.strip()
    deps = [p for p in sys.path if p.endswith("site-packages")]
    Path(site, "deps.pth").write_text("\n".join(deps) + "\n")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    return python


def _clean_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return env


def test_the_wheel_carries_the_flows_and_their_schema(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"explorer/flows/permanence.yaml", "explorer/flows/care-and-protection.yaml",
            "explorer/flows/sources.yaml", "explorer/flows/glossary.yaml",
            "explorer/flows/schema/flow.schema.json"} <= names


def test_the_installed_library_loads_the_shipped_flows(installed: Path, tmp_path: Path) -> None:
    code = ("import explorer, pathlib; fs = explorer.load_flows(); "
            "print(fs.ok, sorted(fs.flows), pathlib.Path(explorer.__file__).parent)")
    out = subprocess.run([str(installed), "-c", code], check=True, capture_output=True,
                         text=True, cwd=tmp_path, env=_clean_env()).stdout
    assert out.startswith("True ['care-and-protection', 'permanence']")
    assert str(ROOT) not in out  # the installed copy, not the checkout


def test_the_installed_cli_lists_routes_on_the_shipped_flows(installed: Path,
                                                              tmp_path: Path) -> None:
    run = subprocess.run([str(installed), "-m", "explorer", "routes", "permanence",
                          "looked_after", "adoption_order", "--json"],
                         capture_output=True, text=True, cwd=tmp_path, env=_clean_env())
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["count"] > 0


def test_every_package_of_explorer_is_listed_for_the_wheel() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts)
               for p in (ROOT / "explorer").rglob("__init__.py")}
    assert on_disk <= listed


def test_the_console_script_points_at_the_cli() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, func = scripts["permanence-explorer"].partition(":")
    tree = ast.parse((ROOT / Path(*module.split("."), "__init__.py")).read_text())
    assert func in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}

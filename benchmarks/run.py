"""``make bench``: run every benchmark, print a table and write ``bench-results.json``.

Each ``benchmarks/bench_*.py`` module exposes ``run() -> dict[str, float]``; keys are
figures such as ``load_validate_ms``. Timings live here, never in unit tests.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
OUT = HERE.parent / "bench-results.json"


def main() -> int:
    results: dict[str, float] = {}
    only = set(sys.argv[1:])
    for path in sorted(HERE.glob("bench_*.py")):
        if only and path.stem not in only:
            continue
        module = importlib.import_module(path.stem)
        started = time.perf_counter()
        figures = module.run()
        print(f"# {path.stem}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        results.update(figures)
    width = max((len(k) for k in results), default=10)
    print(f"{'figure':<{width}}  value")
    for key, value in results.items():
        print(f"{key:<{width}}  {value:,.4g}")
    meta = {"python": platform.python_version(), "machine": platform.machine(),
            "when": time.strftime("%Y-%m-%dT%H:%M:%S")}
    merged: dict[str, object] = {}
    if only and OUT.exists():
        # A partial run (named benchmarks) updates its own figures and keeps the rest.
        try:
            merged = json.loads(OUT.read_text())
        except ValueError:
            merged = {}
    merged.update(results)
    merged["_meta"] = meta
    OUT.write_text(json.dumps(merged, indent=2) + "\n")
    print(f"wrote {OUT.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

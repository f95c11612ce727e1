"""Load: N sessions speaking Streamlit's own protocol (not browsers) against one server.

One server (``streamlit run streamlit_app.py``, as ``make run``) on a free localhost port.
Phase 1: ``SESSIONS`` sessions at once for ``DURATION_S`` seconds, each in a loop: open a
session, run the Map page, the Routes page, the Track page, upload the example caseload
into Track and run it again, close. Every page run's time (request to
``script_finished``) is a sample; an error is a refused or unfinished run or an
exception element on a page. Phase 2: 50 Track sessions one after another (open, upload,
track, close), to see whether memory comes back.

Figures: ``load_20_sessions_p95_s`` (95th percentile page run), ``..._median_s``,
``load_20_sessions_errors`` (goal 0), ``load_20_sessions_runs``; server memory (RSS, MB)
at start, peak and 2 minutes after phase 1 (``load_rss_*_mb``); and for phase 2 its start,
2 minutes after and the change in per cent (``track50_rss_*``; goal within 10%).

``BENCH_LOAD_QUICK=1`` shortens the phases (10 s, 5 sessions, 10 Track sessions, 10 s
waits) for a smoke run; ``BENCH_LOAD_SESSIONS``, ``BENCH_LOAD_SETTLE_S`` and
``BENCH_LOAD_TRACK`` set each on its own (figures are then named by the session count).
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import streamlit_server  # noqa: E402
from tests.wsclient import ProtocolError, Session, widget_id  # noqa: E402

QUICK = os.environ.get("BENCH_LOAD_QUICK") == "1"
SESSIONS = int(os.environ.get("BENCH_LOAD_SESSIONS", 5 if QUICK else 20))
DURATION_S = 10.0 if QUICK else 60.0
SETTLE_S = float(os.environ.get("BENCH_LOAD_SETTLE_S", 10 if QUICK else 120))
TRACK_SESSIONS = int(os.environ.get("BENCH_LOAD_TRACK", 10 if QUICK else 50))
CASELOAD = (ROOT / "examples" / "example-caseload.csv").read_bytes()


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class _Sampler(threading.Thread):
    """The server's peak RSS while it runs, sampled every quarter second."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, _rss_mb(self.pid))
            time.sleep(0.25)


def _journey(base: str, samples: list[float], errors: list[str]) -> None:
    """One user: Map, Routes, Track, an upload into Track."""
    with Session(base, timeout=120) as s:
        for page in ("map", "routes", "track"):
            run = s.run(page)
            samples.append(run.seconds)
            if run.exceptions():
                errors.append(f"{page}: {run.exceptions()[0][:100]}")
        s.upload(widget_id(run, ["file_uploader"], "track_upload"), "caseload.csv", CASELOAD)
        run = s.run("track")
        samples.append(run.seconds)
        if run.exceptions():
            errors.append(f"track upload: {run.exceptions()[0][:100]}")


def _worker(base: str, until: float, samples: list[float], errors: list[str]) -> None:
    while time.monotonic() < until:
        try:
            _journey(base, samples, errors)
        except (ProtocolError, OSError, Exception) as exc:  # every failure is a figure
            errors.append(f"{type(exc).__name__}: {str(exc)[:100]}")


def _track_session(base: str) -> None:
    with Session(base, timeout=120) as s:
        run = s.run("track")
        s.upload(widget_id(run, ["file_uploader"], "track_upload"), "caseload.csv", CASELOAD)
        run = s.run("track")
        if run.exceptions():
            raise ProtocolError(run.exceptions()[0])


def run() -> dict[str, float]:
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
           "--server.address", "localhost", "--server.headless", "true"]
    with streamlit_server(cmd) as server:
        proc, base = server.process, server.url
        _journey(base, [], [])  # warm the shared caches, as the first user would
        time.sleep(2)
        rss_start = _rss_mb(proc.pid)
        sampler = _Sampler(proc.pid)
        sampler.start()
        samples: list[float] = []
        errors: list[str] = []
        until = time.monotonic() + DURATION_S
        threads = [threading.Thread(target=_worker, args=(base, until, samples, errors))
                   for _ in range(SESSIONS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(SETTLE_S)
        rss_after = _rss_mb(proc.pid)
        sampler.stop.set()
        for e in errors[:5]:
            print(f"# load error: {e}", file=sys.stderr)

        track_start = _rss_mb(proc.pid)
        track_errors = 0
        for _ in range(TRACK_SESSIONS):
            try:
                _track_session(base)
            except Exception as exc:
                track_errors += 1
                print(f"# track error: {type(exc).__name__}: {exc}", file=sys.stderr)
        time.sleep(SETTLE_S)
        track_after = _rss_mb(proc.pid)
    ordered = sorted(samples) or [float("nan")]
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    name = f"load_{SESSIONS}_sessions"
    return {
        f"{name}_p95_s": p95,
        f"{name}_median_s": statistics.median(ordered),
        f"{name}_errors": float(len(errors)),
        f"{name}_runs": float(len(samples)),
        "load_rss_start_mb": rss_start,
        "load_rss_peak_mb": max(sampler.peak, rss_start),
        "load_rss_after_2min_mb": rss_after,
        f"track{TRACK_SESSIONS}_errors": float(track_errors),
        f"track{TRACK_SESSIONS}_rss_start_mb": track_start,
        f"track{TRACK_SESSIONS}_rss_after_2min_mb": track_after,
        f"track{TRACK_SESSIONS}_rss_change_pct": 100 * (track_after - track_start) / track_start,
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:<34} {value:,.3f}")

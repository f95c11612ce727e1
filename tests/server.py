"""Start a Streamlit server for a test or a benchmark, and stop it: the one way.

Used by the browser harness (``streamlit run`` for Chromium), the offline-server tests
(the server under an audit hook) and the load benchmark. The server gets a free
localhost port, is waited for until ``/_stcore/health`` answers, and is stopped by its own
process id afterwards (never by name).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    #: Where the server's output went (None: discarded).
    log: Path | None


@contextmanager
def streamlit_server(cmd: list[str], *, env: dict[str, str] | None = None,
                     log: Path | None = None, timeout: float = 60) -> Iterator[Server]:
    """Run ``cmd`` (a Streamlit server command) with ``--server.port`` and a free port
    appended, from the repository's root; yield once it is healthy.

    Output goes to ``log`` (or nowhere). If the server exits or is not healthy within
    ``timeout`` seconds, a ``RuntimeError`` carries its output.
    """
    port = free_port()
    full = [*cmd, "--server.port", str(port)]
    out = log.open("wb") if log is not None else None
    proc = subprocess.Popen(full, cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=out or subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    try:
        _wait_healthy(proc, url, log, timeout)
        yield Server(url, port, proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if out is not None:
            out.close()


def _wait_healthy(proc: subprocess.Popen[bytes], url: str, log: Path | None,
                  timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            said = log.read_text(errors="replace") if log is not None else ""
            raise RuntimeError(f"the server exited: {said}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not become healthy")
        time.sleep(0.2)

"""Issue 12, item 5: the server never contacts anything off this machine, refuses a
WebSocket from another site's page, and listens locally by default.

The server runs in its own process under a Python audit hook that records every socket
``connect``, ``sendto`` and ``getaddrinfo`` (the DNS look-up that precedes an HTTP
request): a foreign-origin WebSocket used to make Streamlit ask checkip.amazonaws.com
for the machine's address and connect a socket towards 8.8.8.8.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus, WebSocketException

from tests.browser.harness import free_port
from tests.wsclient import Session

ROOT = Path(__file__).resolve().parent.parent

_AUDITED = r"""
import json, os, sys
LOG = os.environ["NET_AUDIT_LOG"]
def hook(event, args):
    if event in ("socket.connect", "socket.sendto", "socket.getaddrinfo", "socket.bind"):
        where = args[1] if event != "socket.getaddrinfo" else args[0]
        if event == "socket.getaddrinfo":
            where = [args[0], args[1]]
        with open(LOG, "a") as f:
            f.write(json.dumps([event, repr(where)]) + "\n")
sys.addaudithook(hook)
import runpy
sys.argv = [sys.argv[0], *sys.argv[2:]] if sys.argv[1] == "--" else sys.argv
runpy.run_module(os.environ["NET_AUDIT_MODULE"], run_name="__main__", alter_sys=True)
"""

_LOCAL = ("127.", "'localhost'", "localhost", "::1", "'::1'", "None", "''", "0.0.0.0")


def _is_local(where: str) -> bool:
    # where is the repr of an address tuple, a path (a UNIX socket) or [host, port].
    text = where.strip("[]()")
    host = text.split(",", 1)[0].strip().strip("'\"")
    return host.startswith(_LOCAL) or host in ("localhost", "None", "", "::1") or \
        host.startswith("/")


@contextmanager
def audited_server(tmp_path: Path, module: str, *args: str) -> Iterator[tuple[str, Path]]:
    port = free_port()
    log = tmp_path / "net.log"
    log.touch()
    env = {**os.environ, "NET_AUDIT_LOG": str(log), "NET_AUDIT_MODULE": module}
    cmd = [sys.executable, "-c", _AUDITED, "--", *args, "--server.port", str(port),
           "--server.headless", "true"]
    out = (tmp_path / "server.out").open("wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError((tmp_path / "server.out").read_text(errors="replace"))
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        out.close()


def _outside(log: Path) -> list[list[str]]:
    events = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    return [e for e in events if e[0] != "socket.bind" and not _is_local(e[1])]


def _binds(log: Path) -> list[str]:
    return [e[1] for e in (json.loads(ln) for ln in log.read_text().splitlines() if ln)
            if e[0] == "socket.bind"]


def _foreign_websocket_refused(base: str) -> None:
    with pytest.raises((InvalidStatus, WebSocketException, ConnectionError, OSError)):
        s = Session(base, origin="https://evil.example", timeout=10)
        try:
            s.run("map")  # a refused socket fails here if the handshake got through
        finally:
            s.close()


def test_a_foreign_origin_websocket_is_refused_and_nothing_leaves_the_machine(
        tmp_path: Path) -> None:
    with audited_server(tmp_path, "explorer.ui.serve") as (base, log):
        _foreign_websocket_refused(base)
        with Session(base) as s:  # the app's own page still works
            assert s.run("map").elements
        _foreign_websocket_refused(base)
    assert _outside(log) == []


def test_streamlit_run_without_make_listens_locally_and_stays_offline(tmp_path: Path) -> None:
    with audited_server(tmp_path, "streamlit", "run", "streamlit_app.py") as (base, log):
        with Session(base) as s:
            assert s.run("map").elements
        _foreign_websocket_refused(base)
    assert _outside(log) == []
    binds = _binds(log)
    assert binds and all(b.strip("()").split(",")[0].strip("'") in ("127.0.0.1", "::1")
                         or b.startswith("('localhost'") for b in binds), binds


def test_config_sets_a_local_address_and_checks_origins() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "localhost"
    assert config["browser"]["serverAddress"] == "localhost"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableCORS"] is True
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"].get("corsAllowedOrigins", []) == []

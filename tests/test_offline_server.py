"""Issue 12, item 5: the server never contacts anything off this machine, refuses a
WebSocket from another site's page, and listens locally by default.

The server runs in its own process under a Python audit hook that records every socket
``connect``, ``sendto`` and ``getaddrinfo`` (the DNS look-up that precedes an HTTP
request): a foreign-origin WebSocket used to make Streamlit ask checkip.amazonaws.com
for the machine's address and connect a socket towards 8.8.8.8.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus, WebSocketException

from tests.server import streamlit_server
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
    """``module`` run as a server under the audit hook; yields its URL and the hook's log."""
    log = tmp_path / "net.log"
    log.touch()
    cmd = [sys.executable, "-c", _AUDITED, "--", *args, "--server.headless", "true"]
    with streamlit_server(cmd, env={"NET_AUDIT_LOG": str(log), "NET_AUDIT_MODULE": module},
                          log=tmp_path / "server.out") as server:
        yield server.url, log


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

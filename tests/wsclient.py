"""A minimal client of Streamlit's own protocol (WebSocket + protobuf), not a browser.

It does what the browser's frontend does to run a page: opens ``/_stcore/stream``, sends
a ``rerun_script`` BackMsg with the page's name and widget values, reads ForwardMsgs until
``script_finished``, and uploads files the way the frontend does (a ``file_urls_request``,
then an HTTP PUT with the XSRF token). Used by the load benchmark and by the tests that
check how the server treats a connection. Sessions are cheap: many run in threads of one
process while the server runs apart.


"""

from __future__ import annotations

import http.client
import re
import time
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import connect

XSRF_COOKIE = "_streamlit_xsrf"


class ProtocolError(RuntimeError):
    """The server refused, closed or did not finish a run."""


@dataclass
class Run:
    """What one script run sent: every ForwardMsg, and the elements by delta path."""

    messages: list[ForwardMsg] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def elements(self) -> list[Any]:
        return [m.delta.new_element for m in self.messages
                if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element"]

    def widgets(self, kind: str) -> list[Any]:
        return [getattr(e, kind) for e in self.elements if e.WhichOneof("type") == kind]

    def exceptions(self) -> list[str]:
        return [e.exception.message for e in self.elements if e.WhichOneof("type") == "exception"]


def element_texts(run: Run) -> list[str]:
    """Markdown, alert and heading bodies of a run."""
    out = []
    for e in run.elements:
        kind = e.WhichOneof("type")
        if kind in ("markdown", "alert", "heading"):
            out.append(getattr(e, kind).body)
    return out


class Session:
    """One browser-like session of the app at ``base_url`` (``http://localhost:PORT``)."""

    def __init__(self, base_url: str, *, origin: str | None = None, timeout: float = 120):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookie = _xsrf_cookie(self.base_url)
        parsed = urlparse(self.base_url)
        self._connection = connect(f"ws://{parsed.netloc}/_stcore/stream",
                          subprotocols=["streamlit"],  # type: ignore[list-item]
                          origin=origin or self.base_url,  # type: ignore[arg-type]
                          additional_headers={"Cookie": f"{XSRF_COOKIE}={self.cookie}"},
                          open_timeout=timeout, max_size=None, close_timeout=2)
        self.ws = self._connection.__enter__()
        self.session_id = ""
        self.widget_states: dict[str, WidgetState] = {}

    def close(self) -> None:
        self._connection.__exit__(None, None, None)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, page: str = "", query: str = "") -> Run:
        """Run ``page`` (its url path; "" for the default page) with the widget values set."""
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = query
        cs.page_name = page
        for ws in self.widget_states.values():
            cs.widget_states.widgets.append(ws)
        started = time.perf_counter()
        self.ws.send(msg.SerializeToString())
        run = Run()
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError("the run did not finish in time")
            try:
                raw = self.ws.recv(timeout=left)
            except TimeoutError as exc:
                raise ProtocolError("the run did not finish in time") from exc
            fm = ForwardMsg()
            fm.ParseFromString(raw)  # type: ignore[arg-type]
            run.messages.append(fm)
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                self.session_id = fm.new_session.initialize.session_id
            elif kind == "script_finished":
                if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                break
        run.seconds = time.perf_counter() - started
        return run

    def set_widget(self, widget_id: str, **value: Any) -> None:
        """Set a widget's value for the next run (``string_value="x"``, ``int_value=1``)."""
        ws = WidgetState(id=widget_id)
        for name, v in value.items():
            setattr(ws, name, v)
        self.widget_states[widget_id] = ws

    def upload(self, widget_id: str, name: str, data: bytes) -> None:
        """Upload ``data`` into the file uploader ``widget_id``, as the frontend does."""
        request_id = uuid.uuid4().hex
        msg = BackMsg()
        msg.file_urls_request.request_id = request_id
        msg.file_urls_request.file_names.append(name)
        msg.file_urls_request.session_id = self.session_id
        self.ws.send(msg.SerializeToString())
        deadline = time.monotonic() + self.timeout
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))  # type: ignore[arg-type]
            if fm.WhichOneof("type") == "file_urls_response" and \
                    fm.file_urls_response.response_id == request_id:
                break
        if fm.file_urls_response.error_msg:
            raise ProtocolError(fm.file_urls_response.error_msg)
        urls = fm.file_urls_response.file_urls[0]
        _put_file(self.base_url, urls.upload_url, name, data, self.cookie)
        ws = WidgetState(id=widget_id)
        info = ws.file_uploader_state_value.uploaded_file_info.add()
        info.name, info.size, info.file_id = name, len(data), urls.file_id
        info.file_urls.CopyFrom(urls)
        self.widget_states[widget_id] = ws


def widget_id(run: Run, kinds: Iterable[str], key: str) -> str:
    """The id of the widget made with ``key``, or with ``key`` and a number (``key_0``, as a
    page that renews a widget names it); Streamlit puts the user key at the id's end."""
    pattern = re.compile(rf"-{re.escape(key)}(_\d+)?$")
    for kind in kinds:
        for w in run.widgets(kind):
            if pattern.search(w.id):
                return str(w.id)
    raise ProtocolError(f"no widget with key {key!r}")


def _xsrf_cookie(base_url: str) -> str:
    with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=30) as r:
        for header in r.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == XSRF_COOKIE:
                return rest.split(";", 1)[0]
    return ""


def _put_file(base_url: str, url: str, name: str, data: bytes, cookie: str) -> None:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").encode() + data + \
        f"\r\n--{boundary}--\r\n".encode()
    parsed = urlparse(base_url)
    path = url if url.startswith("/") else urlparse(url).path
    conn = http.client.HTTPConnection(parsed.netloc, timeout=60)
    try:
        conn.request("PUT", path, body=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": cookie, "Cookie": f"{XSRF_COOKIE}={cookie}",
            "Origin": base_url})
        resp = conn.getresponse()
        resp.read()
        if resp.status >= 300:
            raise ProtocolError(f"upload refused: HTTP {resp.status}")
    finally:
        conn.close()

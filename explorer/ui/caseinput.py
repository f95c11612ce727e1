"""What the pages that read case data share: the upload box, the example, the boundary.

Track and Measures both take a file about children. The file is read in memory only;
the page keeps the file's server-side id (never its content) in its
:attr:`explorer.ui.state.PageState.case_data`, so that a file no longer on show, and every
file once the user leaves the page, is deleted from the server's memory at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

from explorer.cases.caseload import MAX_UPLOAD_BYTES
from explorer.model.flowset import FlowSet
from explorer.ui.common import md
from explorer.ui.state import PageState

MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // 1_048_576


def example_bytes(path: Path) -> bytes:
    """The fictional example file's bytes; empty when it cannot be read (its buttons are
    then disabled, the page still works)."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


def case_boundary(body: Callable[[FlowSet], None], fs: FlowSet, doing: str) -> None:
    """Run a case page's body; an unexpected error is a message naming what the page was
    ``doing`` ("tracking"), never a stack trace, and never any of the case data."""
    try:
        body(fs)
    except (StopException, RerunException):
        raise
    except Exception as exc:  # the page's boundary: a message, never a stack trace
        st.error(f"Something went wrong while {doing}: {type(exc).__name__}: "
                 f"{md(str(exc))[:300]}")


def case_upload(state: PageState, label: str, types: list[str], *parts: object,
                on_change: Callable[[], None] | None = None) -> Any:
    """The page's upload box for case data (key ``state.key("upload", *parts)``), and the
    file on show or None.

    The file's id is kept in the page's case data; every other file uploaded to the page
    (an earlier one, or the last one when the box is empty again) is deleted from the
    server's memory.
    """
    up = st.file_uploader(label, type=types, key=state.key("upload", *parts),
                          on_change=on_change, max_upload_size=MAX_UPLOAD_MB,
                          help=f"Up to {MAX_UPLOAD_MB} MB. Read in memory only.")
    if up is None:
        state.case_data.forget_files()  # back on the page after leaving it: the old file goes
    else:
        state.case_data.keep_file(up)
    return up

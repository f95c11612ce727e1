"""Loading flows for the app, cached by file content (never by path or time).

What is built from the shipped flows is cached once for every session
(``st.cache_resource``/``st.cache_data``, bounded). An uploaded flow and everything built
from it live in the uploading session only (:func:`explorer.ui.state.session_cached`):
another session can never see it, and it is freed with the session.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import streamlit as st

from explorer.cases.tracking import TrackingPlan, tracking_plan
from explorer.io.load import DEFAULT_FLOWS_DIR, load_flows
from explorer.io.yamlsafe import read_file_bytes
from explorer.model.flowset import FlowSet, tag_names
from explorer.render.common import LaneInfo

# The session's own cache is part of the pages' state (ui.state); named here as well.
from explorer.ui.state import SESSION_CACHE as SESSION_CACHE
from explorer.ui.state import SESSION_CACHE_ENTRIES as SESSION_CACHE_ENTRIES
from explorer.ui.state import session_cached as session_cached

#: Tests and local authorities point the app at another folder of flows with this.
FLOWS_DIR_ENV = "PERMANENCE_FLOWS_DIR"
#: A folder with no YAML in it: uploads are read from memory beside in-memory copies.
_EMPTY_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Snapshot:
    """The bytes of every YAML file of a folder, and their digest (the cache key)."""

    folder: str
    files: tuple[tuple[str, bytes], ...]
    digest: str


def flows_dir() -> Path:
    return Path(os.environ.get(FLOWS_DIR_ENV) or DEFAULT_FLOWS_DIR)


def snapshot(folder: Path | None = None) -> Snapshot:
    """Read the folder's YAML files (small) so that the cache is keyed on their content."""
    folder = folder or flows_dir()
    files: list[tuple[str, bytes]] = []
    if folder.is_dir():
        for p in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
            try:
                # Never a plain read: a FIFO or /dev/zero named *.yaml would hang it.
                files.append((p.name, read_file_bytes(p)))
            except OSError:
                continue  # load_flows reports an unreadable or odd file itself
    h = hashlib.sha256(str(folder).encode())
    for name, raw in files:
        h.update(name.encode() + b"\0" + hashlib.sha256(raw).digest())
    return Snapshot(str(folder), tuple(files), h.hexdigest())


@st.cache_resource(show_spinner=False, max_entries=8)
def _load_folder(folder: str, digest: str) -> FlowSet:
    # ``digest`` is the cache key: the folder is re-read when any file changes.
    return load_flows(folder)


def shipped_flowset() -> tuple[FlowSet, str]:
    """The flows of the app's folder and their digest."""
    snap = snapshot()
    return _load_folder(snap.folder, snap.digest), snap.digest


def _load_with_upload(_base: Snapshot, name: str, upload: bytes,
                      replace: tuple[str, ...]) -> FlowSet:
    # The uploaded bytes stay in memory: every shipped file is handed over as bytes
    # too, beside a folder with no YAML, so nothing is written anywhere.
    extra = {fname: raw for fname, raw in _base.files if fname not in replace}
    extra[name] = upload
    return load_flows(_EMPTY_DIR, extra=extra)


# -- what one session computes about its upload (never shared between sessions) ----------

def is_shared(digest: str) -> bool:
    """True for the shipped flows' digest: what is built from them may be shared by every
    session. An upload's digest (``base:upload``) is kept in its own session only."""
    return ":" not in digest


def safe_upload_name(name: str) -> str:
    """The uploaded file's base name, kept to a harmless shape (it is shown and used as a key)."""
    base = Path(name or "flow.yaml").name
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in base)[:80] or "flow"
    if not stem.endswith((".yaml", ".yml")):
        stem += ".yaml"
    # The prefix also stops an upload from posing as sources.yaml or glossary.yaml.
    return "uploaded-" + stem


def flowset_with_upload(name: str, raw: bytes) -> tuple[FlowSet, str]:
    """The shipped flows with one uploaded flow beside them (replacing one with its id).

    An uploaded flow with a shipped flow's id (a local authority's variant) replaces
    that flow, so links from the other flows reach the variant.
    """
    base = snapshot()
    shipped = _load_folder(base.folder, base.digest)
    up_digest = hashlib.sha256(raw).hexdigest()
    replace: list[str] = []
    uploaded_id = _peek_id(raw)
    if uploaded_id and uploaded_id in shipped.documents:
        replace.append(Path(shipped.documents[uploaded_id].path).name)
    digest = f"{base.digest}:{up_digest}"
    fs = session_cached("flows", (digest, name, tuple(replace)),
                        lambda: _load_with_upload(base, name, raw, tuple(replace)))
    return fs, digest


def _peek_id(raw: bytes) -> str | None:
    from explorer.io.yamlsafe import read_yaml_bytes

    doc = read_yaml_bytes(raw, "peek.yaml")
    if isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
        return doc.data["id"]
    return None


@dataclass(frozen=True)
class FlowView:
    """What every rerun of the explorer needs about one flow's graph, computed once.

    Shared between reruns and sessions (``st.cache_resource``): read it, never mutate
    ``G``; code that needs to change a graph copies it first.
    """

    G: nx.DiGraph
    lanes: tuple[LaneInfo, ...]
    #: Lanes that hold a step of this graph, id -> name, in lane order.
    lane_names: dict[str, str]
    #: Tags its steps use, by name (the ids; :attr:`tag_names` names them).
    tags: tuple[str, ...]
    #: Steps left to right (the outline's order).
    order: tuple[str, ...]
    names: dict[str, str]
    #: Steps by name, for pickers.
    by_name: tuple[str, ...]
    #: Tag id -> the name a reader sees.
    tag_names: dict[str, str]


def cached_view(digest: str, flow_id: str, fs: FlowSet) -> FlowView:
    """The graph of ``flow_id`` and its look-ups; keyed on the flows' digest, not the object.

    Building the whole-system graph, its lanes and its left-to-right order costs tens
    of milliseconds: once per content, not on every widget change. The shipped flows'
    views are shared by every session; an upload's stay in its own session.
    """
    if is_shared(digest):
        return _shared_view(digest, flow_id, fs)
    return session_cached("view", (digest, flow_id), lambda: _build_view(fs, flow_id))


@st.cache_resource(show_spinner=False, max_entries=32)
def _shared_view(digest: str, flow_id: str, _fs: FlowSet) -> FlowView:
    return _build_view(_fs, flow_id)


def _build_view(fs: FlowSet, flow_id: str) -> FlowView:
    from explorer.graph import flow_graph
    from explorer.render.common import graph_lanes
    from explorer.render.outline import step_order

    G = flow_graph(fs, flow_id)
    lanes = tuple(graph_lanes(G, fs.flows))
    used = {G.nodes[n]["lane"] for n in G}
    lane_names = {li.id: li.name for li in lanes if li.id in used}
    named = tag_names(fs.flows)
    tags = tuple(sorted({t for n in G for t in G.nodes[n]["step"].tags},
                        key=lambda t: str(named.get(t, t)).casefold()))
    order = tuple(step_order(G))
    names = {n: str(G.nodes[n]["name"]) for n in G}
    by_name = tuple(sorted(order, key=lambda n: names[n].casefold()))
    return FlowView(G, lanes, lane_names, tags, order, names, by_name,
                    {t: named.get(t, t) for t in tags})


def cached_outline(digest: str, flow_id: str, fs: FlowSet) -> str:
    """The outline of a flow as Markdown (text from the flows escaped)."""
    if is_shared(digest):
        return _shared_outline(digest, flow_id, fs)
    return session_cached("outline", (digest, flow_id),
                          lambda: _outline_md(digest, flow_id, fs))


@st.cache_data(show_spinner=False, max_entries=32)
def _shared_outline(digest: str, flow_id: str, _fs: FlowSet) -> str:
    return _outline_md(digest, flow_id, _fs)


def _outline_md(digest: str, flow_id: str, fs: FlowSet) -> str:
    from explorer.render.outline import outline
    from explorer.ui.common import md

    G = cached_view(digest, flow_id, fs).G
    return "\n".join(f"{i + 1}. {md(item.text())}" for i, item in enumerate(outline(G, fs.flows)))


def flows_key(fs: FlowSet) -> str:
    """A cache key for a flow set: the shipped flows' digest, else the object's identity."""
    shipped, digest = shipped_flowset()
    # Another flow set (an upload) has no digest of its own here: key it by identity.
    return digest if shipped is fs else f"object-{id(fs)}"


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_tracking_plan(key: str, _fs: FlowSet) -> TrackingPlan:
    """The flows' tracking rules and order checks, worked out once (no case data here)."""
    return tracking_plan(_fs)

"""The map inside the app: a components-v2 element that frames the offline map page.

The component's own script is small and trusted: it puts the map page (the data-free
shell of :mod:`explorer.render.vis`, vis-network inlined) into a sandboxed
``<iframe srcdoc>`` with a title, posts the map's data (JSON built and escaped in
Python) into it, and relays the page's "step clicked" message to Python as a trigger
value. The sandbox (scripts, but no same-origin access) means that even a mistake in
escaping could not reach the Streamlit page. The shell never changes, so it is sent
once a session and the frame loads once; a filter sends only new data, and the
selected step is a message too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from explorer.render.vis import CLICK_MESSAGE, DATA_MESSAGE, SELECT_MESSAGE, map_shell_html

COMPONENT_NAME = "permanence_explorer_map"

_JS = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const d = data || {};
  let frame = parentElement.querySelector("iframe");
  if (!frame && !d.shell) {
    // Python sends the shell once a session; a fresh mount without it asks again.
    setTriggerValue("need_shell", true);
    return () => {};
  }
  if (!frame) {
    frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "allow-scripts");
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.className = "map-frame";
    frame.addEventListener("load", () => {
      frame.__loaded = true;
      frame.__sent = null;
      send(frame);
    });
    parentElement.appendChild(frame);
  }
  frame.title = String(d.title || "Map of the flow");
  frame.style.height = String(Number(d.height) || 640) + "px";
  frame.__json = typeof d.json === "string" ? d.json : "";
  frame.__selected = typeof d.selected === "string" ? d.selected : "";
  if (d.shell && frame.__shell !== d.shell) {
    frame.__shell = d.shell;
    frame.__loaded = false;
    frame.srcdoc = String(d.shell || "");
  } else if (frame.__loaded) {
    send(frame);
  }
  const onMessage = (ev) => {
    if (ev.source !== frame.contentWindow) { return; }
    const m = ev.data;
    if (m && m.type === "__CLICK__" && typeof m.id === "string" && m.id.length < 200) {
      setTriggerValue("clicked", m.id);
    }
  };
  window.addEventListener("message", onMessage);
  return () => window.removeEventListener("message", onMessage);
}

function send(frame) {
  const win = frame.contentWindow;
  if (!win) { return; }
  // Only new data is posted: the page redraws on data, and keeps pan and zoom otherwise.
  if (frame.__sent !== frame.__json) {
    frame.__sent = frame.__json;
    win.postMessage({type: "__DATA__", json: frame.__json}, "*");
  }
  if (frame.__selected) {
    win.postMessage({type: "__SELECT__", id: frame.__selected}, "*");
  }
}
""".replace("__CLICK__", CLICK_MESSAGE).replace("__SELECT__", SELECT_MESSAGE).replace(
    "__DATA__", DATA_MESSAGE)

# A leading newline: a one-line CSS string containing "/" is taken for a file path.
_CSS = """
.map-frame { width: 100%; border: 1px solid #bbb; border-radius: 4px; display: block; }
"""

_component: Callable[..., Any] | None = None


def _get() -> Callable[..., Any]:
    global _component
    if _component is None:
        _component = st.components.v2.component(COMPONENT_NAME, js=_JS, css=_CSS)
    return _component


def flow_map(data_json: str, *, title: str, key: str, selected: str | None = None,
             height: int = 760, map_height: int = 560,
             on_click: Callable[[], None] | None = None) -> Any:
    """Mount the map; ``on_click`` runs (as a callback) when a step is clicked.

    ``data_json`` is :func:`explorer.render.vis.map_data_json` of the view to draw.
    """
    comp = _get()
    # The shell (~470 KB, vis-network inlined) never changes: it goes to the browser
    # once a session, and later reruns send only the map's data (tens of kilobytes for
    # a filtered view). The frame keeps it; a remounted component asks for it again.
    sent = _shell_key(key)
    shell = "" if st.session_state.get(sent) else map_shell_html(map_height)
    st.session_state[sent] = True
    return comp(
        key=key,
        data={"shell": shell, "json": data_json, "title": title,
              "selected": selected or "", "height": height},
        height=height + 4,
        on_clicked_change=on_click or (lambda: None),
        on_need_shell_change=lambda: _resend_shell(key),
    )


def _shell_key(key: str) -> str:
    return f"{key}__shell_sent"


def _resend_shell(key: str) -> None:
    st.session_state[_shell_key(key)] = False


def clicked_value(key: str) -> str | None:
    """The step id a click sent, read inside the ``on_click`` callback."""
    state = st.session_state.get(key)
    if state is None:
        return None
    value = state.get("clicked") if hasattr(state, "get") else getattr(state, "clicked", None)
    return value if isinstance(value, str) else None


OVERVIEW_NAME = "permanence_explorer_stages"

# Built with textContent only: the stage names and summaries come from YAML.
_OVERVIEW_JS = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const d = data || {};
  let root = parentElement.querySelector(".stages");
  if (!root) {
    root = document.createElement("div");
    root.className = "stages";
    parentElement.appendChild(root);
  }
  if (root.__json === d.json) { return () => {}; }
  root.__json = d.json;
  while (root.firstChild) { root.removeChild(root.firstChild); }
  const ov = JSON.parse(d.json || "{}");
  const list = document.createElement("ol");
  list.className = "grid";
  list.setAttribute("aria-label", "Stages of " + (ov.title || "the flow") + ", in order");
  (ov.stages || []).forEach((s, i) => {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.className = "stage";
    b.dataset.key = s.key;
    const h = document.createElement("span");
    h.className = "name";
    h.textContent = (i + 1) + ". " + s.name;
    b.appendChild(h);
    const p = document.createElement("span");
    p.className = "summary";
    p.textContent = s.summary;
    b.appendChild(p);
    s.facts.forEach((f) => {
      const q = document.createElement("span");
      q.className = "fact";
      q.textContent = f;
      b.appendChild(q);
    });
    b.title = s.tooltip;
    b.addEventListener("click", () => setTriggerValue("picked", s.key));
    li.appendChild(b);
    list.appendChild(li);
  });
  root.appendChild(list);
  const note = document.createElement("p");
  note.className = "note";
  note.textContent = ov.note || "";
  root.appendChild(note);
  return () => {};
}
"""

_OVERVIEW_CSS = """
.stages { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #111; }
.stages .grid { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px;
  grid-template-columns: repeat(auto-fill, minmax(205px, 1fr)); }
.stages .stage { width: 100%; height: 100%; min-height: 24px; text-align: left;
  background: #f4f6f8; color: #111; border: 1px solid #6b7280; border-radius: 6px;
  padding: 3px 7px; cursor: pointer; display: flex; flex-direction: column; gap: 1px;
  font: inherit; }
.stages .stage:hover { background: #e6eef7; border-color: #0b4f8a; }
.stages .stage:focus-visible { outline: 3px solid #0b4f8a; outline-offset: 2px; }
.stages .name { font-weight: 700; font-size: 13px; line-height: 1.2; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
.stages .summary { font-size: 12px; line-height: 1.25; display: -webkit-box;
  -webkit-line-clamp: 1; -webkit-box-orient: vertical; overflow: hidden; }
.stages .fact { font-size: 12px; line-height: 1.25; color: #1f2937; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
.stages .note { font-size: 12px; color: #1f2937; margin: 4px 0 0 0; }
"""

_overview: Callable[..., Any] | None = None


def stage_overview(overview_json: str, *, key: str,
                   on_pick: Callable[[], None] | None = None) -> Any:
    """The stage overview: one button a stage; ``on_pick`` runs when one is chosen.

    ``overview_json`` is :func:`explorer.render.overview.overview_json` of the graph.
    """
    global _overview
    if _overview is None:
        _overview = st.components.v2.component(OVERVIEW_NAME, js=_OVERVIEW_JS,
                                               css=_OVERVIEW_CSS)
    # As tall as its content: four cards a row at 1366 px, one a row on a phone.
    return _overview(key=key, data={"json": overview_json},
                     on_picked_change=on_pick or (lambda: None))


def picked_value(key: str) -> str | None:
    """The stage key a click on the overview sent, read inside ``on_pick``."""
    state = st.session_state.get(key)
    if state is None:
        return None
    value = state.get("picked") if hasattr(state, "get") else getattr(state, "picked", None)
    return value if isinstance(value, str) else None

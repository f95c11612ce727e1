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

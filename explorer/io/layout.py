"""The file layout of a flow and the loaded one.

In a file, a step carries where it leads (``next:``) and the rules that start there
(``timescales:``), and estimates may leave their basis and source to the flow's
``estimate_defaults``. The model holds the flow's transitions and timescales as flat
lists. :func:`flatten_flow_data` turns the one into the other and says where each moved
item was written, so that a problem is reported at its line.
"""

from __future__ import annotations

from typing import Any


def flatten_flow_data(data: dict[str, Any]) -> tuple[dict[str, Any], dict[Any, Any]]:
    """A flow's data with the transitions and timescales written under their steps
    (``next:``, ``timescales:``) moved into the flow's own lists, and the flow's
    ``estimate_defaults`` filled into estimates that leave them out; with the path in the
    file of each moved item, so that a problem is reported where it was written.

    >>> flat, where = flatten_flow_data({"steps": [{"id": "a", "next": [{"to": "b"}]}]})
    >>> flat["transitions"], where[("transitions", 0)]
    ([{'from': 'a', 'to': 'b'}], ('steps', 0, 'next', 0))
    """
    aliases: dict[Any, Any] = {}
    flat = dict(data)
    top_transitions = data.get("transitions")
    top_timescales = data.get("timescales")
    transitions = list(top_transitions) if isinstance(top_transitions, list) else None
    timescales = list(top_timescales) if isinstance(top_timescales, list) else None
    steps = data.get("steps")
    if isinstance(steps, list):
        new_steps = []
        for i, st in enumerate(steps):
            if not isinstance(st, dict):
                new_steps.append(st)
                continue
            st = dict(st)
            for key, section in (("next", "transitions"), ("timescales", "timescales")):
                items = st.get(key)
                if not isinstance(items, list):
                    continue  # a wrong type is left for the schema to report in place
                del st[key]
                target = transitions if section == "transitions" else timescales
                if target is None:
                    target = []
                    aliases[(section,)] = ("steps",)
                    if section == "transitions":
                        transitions = target
                    else:
                        timescales = target
                for j, item in enumerate(items):
                    k = len(target)
                    aliases[(section, k)] = ("steps", i, key, j)
                    aliases[(section, k, "from")] = ("steps", i, "id")
                    target.append({"from": st.get("id"), **item} if isinstance(item, dict)
                                  else item)
            new_steps.append(st)
        flat["steps"] = new_steps
    defaults = data.get("estimate_defaults")
    if transitions is not None:
        if isinstance(defaults, dict):
            transitions = [_with_defaults(t, defaults) for t in transitions]
        flat["transitions"] = transitions
    if timescales is not None:
        flat["timescales"] = timescales
    return flat, aliases


def _with_defaults(t: Any, defaults: dict[str, Any]) -> Any:
    if not isinstance(t, dict) or not isinstance(t.get("estimate"), dict):
        return t
    est = dict(t["estimate"])
    for key in ("basis", "source"):
        if key not in est and key in defaults:
            est[key] = defaults[key]
    return {**t, "estimate": est}

"""One YAML style for flow files, so a reviewer reads one step whole.

Each step carries, under it, where it leads (``next:``) and the rules that start there
(``timescales:``); estimates leave out the basis and source the flow declares once in
``estimate_defaults``. Long texts are folded block scalars, short ones plain; small
mappings of numbers (an estimate's ``min``, ``likely``, ``max``) and lists of short words
(tags) sit on one line. :func:`format_flow_text` rewrites a file in this style (keeping its
opening comment lines); the shipped flows are held to it by a test, and
``permanence-explorer format`` applies it.

>>> text = "id: x\\nsteps:\\n- {id: a, next: [{to: b}]}\\n"
>>> print(format_flow_text(text), end="")
id: x
steps:
  - id: a
    next:
      - to: b
"""

from __future__ import annotations

from typing import Any

import yaml

#: Top-level keys in the order a reader meets them.
FLOW_KEY_ORDER = ("id", "title", "jurisdiction", "as_of", "summary", "variant_of",
                  "estimate_defaults", "stages", "case_attributes", "lanes", "tags", "steps",
                  "transitions", "timescales", "published_durations", "calibration")
FOLD_OVER = 72
WIDTH = 100


class _Dumper(yaml.SafeDumper):
    """Block style, list items indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if (len(value) > FOLD_OVER and " " in value and "\n" not in value
            and value == value.strip()):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _short(v: Any) -> bool:
    return isinstance(v, (int, float, bool)) or (isinstance(v, str) and len(v) <= 40)


def _dict(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.Node:
    flow = bool(value) and len(value) <= 4 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=flow)


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    flow = bool(value) and all(isinstance(v, str) and _short(v) for v in value) and (
        sum(len(v) + 2 for v in value) <= 70)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(dict, _dict)
_Dumper.add_representer(list, _list)


def nest_flow_data(data: dict[str, Any]) -> dict[str, Any]:
    """A flow's data in the file layout: transitions and timescales under the step they
    start from, estimate basis and source left to ``estimate_defaults`` where they match,
    top-level keys in reading order. The inverse of :func:`explorer.io.load.flatten_flow_data`
    (items whose start is not a step of this flow stay at the top)."""
    data = dict(data)
    steps = [dict(s) if isinstance(s, dict) else s for s in data.get("steps") or []]
    by_id = {s.get("id"): s for s in steps if isinstance(s, dict)}
    defaults = data.get("estimate_defaults")
    left: dict[str, list[Any]] = {"transitions": [], "timescales": []}
    for section, key in (("transitions", "next"), ("timescales", "timescales")):
        for item in data.get(section) or []:
            owner = by_id.get(item.get("from")) if isinstance(item, dict) else None
            if owner is None:
                left[section].append(item)
                continue
            item = {k: v for k, v in item.items() if k != "from"}
            if section == "transitions" and isinstance(defaults, dict):
                item = _drop_defaults(item, defaults)
            owner.setdefault(key, []).append(item)
    for s in steps:
        if isinstance(s, dict):
            for key in ("next", "timescales"):
                if key in s:
                    s[key] = s.pop(key)  # last, so the step's own text comes first
    data["steps"] = steps
    for section in ("transitions", "timescales"):
        if left[section]:
            data[section] = left[section]
        else:
            data.pop(section, None)
    ordered = {k: data[k] for k in FLOW_KEY_ORDER if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    return ordered


def _drop_defaults(t: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    est = t.get("estimate")
    if not isinstance(est, dict):
        return t
    # Both or neither: an estimate that names only one would take the other from defaults.
    if all(est.get(k) == defaults.get(k) for k in ("basis", "source")):
        est = {k: v for k, v in est.items() if k not in ("basis", "source")}
    return {**t, "estimate": est}


def dump_flow_yaml(data: dict[str, Any]) -> str:
    """The flow's data as YAML text in the one style."""
    return yaml.dump(nest_flow_data(data), Dumper=_Dumper, sort_keys=False, width=WIDTH,
                     allow_unicode=True)


def format_flow_text(text: str) -> str:
    """A flow file's text in the one style, its opening comment lines kept."""
    lines = text.splitlines()
    head = []
    for line in lines:
        if line.startswith("#") or not line.strip():
            head.append(line)
        else:
            break
    while head and not head[-1].strip():
        head.pop()
    body = dump_flow_yaml(yaml.safe_load(text))
    return ("\n".join(head) + "\n" if head else "") + body

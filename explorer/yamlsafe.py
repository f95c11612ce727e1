"""Safe YAML reading that keeps where every value came from.

Flows come from authors and from uploads, so reading is defensive: only plain YAML
(no object tags such as ``!!python/object``), no anchors or aliases (so no
"billion laughs"), no duplicate keys, a size cap, UTF-8 only. Every value's line and
column are kept in a map keyed by its path (``("steps", 3, "kind")``), so that
schema errors can name the line.

>>> doc = read_yaml_text("id: x\\nsteps:\\n  - id: a\\n", "f.yaml")
>>> doc.data
{'id': 'x', 'steps': [{'id': 'a'}]}
>>> doc.marks[("steps", 0, "id")]
(3, 5)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from explorer.problems import Problem

#: Flows are a few hundred kilobytes at most; anything far larger is a mistake or an attack.
MAX_BYTES = 2 * 1024 * 1024

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9_]+$")
_YAML11_BOOL_WORDS = {"yes", "no", "on", "off", "y", "n"}

Path_ = tuple[str | int, ...]

# libyaml's parser is an order of magnitude faster than the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlDocument:
    """The data of one YAML file, with the (line, column) of every value by its path."""

    path: str
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    #: The (line, column) of each mapping key, by the path of its value.
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    #: Raw scalar text of values YAML 1.1 reads surprisingly (``no`` -> False, ``1:30`` -> 90).
    traps: dict[Path_, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def locate(self, loc: Path_) -> tuple[int, int]:
        """The mark of ``loc`` or, failing that, of its nearest located ancestor."""
        loc = tuple(loc)
        while loc:
            if loc in self.marks:
                return self.marks[loc]
            loc = loc[:-1]
        return self.marks.get((), (1, 1))


def read_yaml_file(path: str | Path) -> YamlDocument:
    """Read one YAML file safely; problems (never exceptions) say what is wrong and where."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        return _failed(name, 1, 1, f"cannot read file: {exc.strerror or exc}")
    if size > MAX_BYTES:
        return _failed(
            name, 1, 1,
            f"file is {size / 1_048_576:.1f} MB; a flow file may be at most "
            f"{MAX_BYTES // 1_048_576} MB",
            "split the process into several flows linked with 'other-flow:step_id'",
            code="too_large",
        )
    return read_yaml_bytes(p.read_bytes(), name)


def read_yaml_bytes(raw: bytes, name: str) -> YamlDocument:
    """Decode (UTF-8, an optional byte-order mark) and read YAML from bytes."""
    if len(raw) > MAX_BYTES:
        return _failed(
            name, 1, 1,
            f"file is {len(raw) / 1_048_576:.1f} MB; a flow file may be at most "
            f"{MAX_BYTES // 1_048_576} MB",
            code="too_large",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return _failed(
            name, line, column,
            f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be decoded)",
            "save the file as UTF-8 (most editors offer 'Save with encoding')",
            code="encoding",
        )
    return read_yaml_text(text, name)


def read_yaml_text(text: str, name: str) -> YamlDocument:
    """Read YAML text: plain YAML only, with marks kept for every value."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        return _failed(name, 1, 1, "file is empty", "a flow needs at least id, title, "
                       "jurisdiction, as_of, summary, lanes and steps", code="empty")
    problems = _scan_events(text, name)
    if problems:
        return YamlDocument(name, None, problems=problems)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return _failed_from_yaml_error(name, exc)
    except yaml.YAMLError as exc:
        return YamlDocument(name, None, problems=[_reader_problem(name, text, exc)])
    if node is None:
        return _failed(name, 1, 1, "file is empty", code="empty")
    doc = YamlDocument(name, None)
    doc.data = _construct(node, (), doc)
    return doc


def _failed(name: str, line: int, column: int, message: str, hint: str | None = None,
            code: str = "invalid") -> YamlDocument:
    return YamlDocument(name, None, problems=[Problem(name, line, column, message, hint, code)])


def _failed_from_yaml_error(name: str, exc: yaml.MarkedYAMLError) -> YamlDocument:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = exc.problem or "invalid YAML"
    if exc.context:
        what = f"{exc.context}, {what}"
    hint = "check indentation and that text containing ': ' or '#' is quoted"
    if "tab" in what:
        hint = "indent with spaces, not tabs"
    return _failed(name, line, column, f"invalid YAML: {what}", hint, code="syntax")


def _scan_events(text: str, name: str) -> list[Problem]:
    """Reject anchors, aliases, explicit non-standard tags and several documents.

    Scanning parser events is linear in the text, so an alias bomb is refused before
    anything is built from it.
    """
    problems: list[Problem] = []
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            mark = event.start_mark
            where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents == 2:
                    problems.append(Problem(name, *where, "file holds more than one YAML "
                                            "document", "one flow a file; remove the '---'",
                                            code="syntax"))
            if isinstance(event, yaml.AliasEvent):
                problems.append(Problem(name, *where, "YAML aliases (*name) are not allowed",
                                        "write the value out in full", code="alias"))
                return problems
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                problems.append(Problem(name, *where, f"YAML anchors (&{anchor}) are not "
                                        "allowed", "write the value out in full",
                                        code="alias"))
                return problems
            tag = getattr(event, "tag", None)
            if tag is not None and tag not in ("!",) and _expand(tag) not in _STANDARD_TAGS:
                shown = tag.replace("tag:yaml.org,2002:", "!!", 1)
                problems.append(Problem(name, *where, f"YAML tag '{shown}' is not allowed",
                                        "remove the tag: flows hold plain text, numbers, "
                                        "dates, lists and mappings only", code="tag"))
                return problems
    except yaml.MarkedYAMLError as exc:
        return _failed_from_yaml_error(name, exc).problems
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses
        return [_reader_problem(name, text, exc)]
    return problems


def _reader_problem(name: str, text: str, exc: yaml.YAMLError) -> Problem:
    position = getattr(exc, "position", None)
    line, column = 1, 1
    if isinstance(position, int):
        # libyaml counts bytes of UTF-8, PyYAML characters: both are close enough to find.
        before = text.encode("utf-8")[:position].decode("utf-8", "ignore")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
    reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
    return Problem(name, line, column, f"invalid YAML: {reason}",
                   "remove control characters; save the file as plain UTF-8 text",
                   code="syntax")


def _expand(tag: str) -> str:
    return "tag:yaml.org,2002:" + tag[2:] if tag.startswith("!!") else tag


def _construct(node: Node, path: Path_, doc: YamlDocument) -> Any:
    doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                doc.problems.append(Problem(doc.path, line, col, "a key must be plain text",
                                            code="syntax"))
                continue
            key = str(key_node.value)
            if key in result:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                doc.problems.append(Problem(doc.path, line, col, f"duplicate key '{key}'",
                                            "YAML keeps only the last; remove one",
                                            code="duplicate_key"))
            doc.key_marks[(*path, key)] = (key_node.start_mark.line + 1,
                                           key_node.start_mark.column + 1)
            result[key] = _construct(value_node, (*path, key), doc)
        return result
    if isinstance(node, SequenceNode):
        return [_construct(child, (*path, i), doc) for i, child in enumerate(node.value)]
    return _scalar(node, path, doc)


_SCALAR_BUILDER = yaml.SafeLoader("")


def _scalar(node: ScalarNode, path: Path_, doc: YamlDocument) -> Any:
    # Call the constructor directly: construct_object would cache every node for ever.
    value = yaml.SafeLoader.yaml_constructors[node.tag](_SCALAR_BUILDER, node)
    if not node.style:  # plain, unquoted (None in PyYAML, "" in libyaml): YAML 1.1 traps
        raw = node.value
        if isinstance(value, bool) and raw.lower() in _YAML11_BOOL_WORDS:
            doc.traps[path] = raw
        elif isinstance(value, int | float) and not isinstance(value, bool) and (
            _SEXAGESIMAL.match(raw) or _LEADING_ZERO.match(raw)
        ):
            doc.traps[path] = raw
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
            reading = "base-60 (sexagesimal)" if ":" in raw else "octal"
            doc.problems.append(Problem(
                doc.path, line, col,
                f"'{raw}' is read by YAML 1.1 as the {reading} number {value}",
                f"write the number plainly, or quote it ('{raw}') if it is text",
                code="yaml11_number",
            ))
    return value

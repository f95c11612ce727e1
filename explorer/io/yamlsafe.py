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
(3, 9)
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode

from explorer.model.document import Path_, SourceDocument
from explorer.model.problems import Problem

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


# libyaml's parser is an order of magnitude faster than the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class NotAFlowFile(OSError):
    """A path that is not a regular file (a pipe, a device, a folder) or is too large."""


def read_file_bytes(path: str | Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; never blocks, never reads more.

    A FIFO or a device such as ``/dev/zero`` named ``*.yaml`` would hang a plain read (or
    fill memory): it is opened without blocking and refused by its type. Raises
    :class:`NotAFlowFile` (an ``OSError``) for those and for a file above ``limit``, and
    ``OSError`` for a file that cannot be read.

    >>> read_file_bytes("/dev/zero")
    Traceback (most recent call last):
    ...
    explorer.io.yamlsafe.NotAFlowFile: not a regular file (a pipe, device or folder)
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFlowFile("not a regular file (a pipe, device or folder)")
        if info.st_size > limit:
            raise NotAFlowFile(_too_large(info.st_size))
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # grew while being read
            raise NotAFlowFile(_too_large(size))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _too_large(size: int) -> str:
    return (f"file is {size / 1_048_576:.1f} MB; a flow file may be at most "
            f"{MAX_BYTES // 1_048_576} MB")


def read_yaml_file(path: str | Path) -> SourceDocument:
    """Read one YAML file safely; problems (never exceptions) say what is wrong and where."""
    name = str(path)
    try:
        raw = read_file_bytes(path)
    except NotAFlowFile as exc:
        too_large = str(exc).startswith("file is")
        return _failed(name, 1, 1, str(exc),
                       "split the process into several flows linked with "
                       "'other-flow:step_id'" if too_large else
                       "only ordinary files belong in a folder of flows",
                       code="too_large" if too_large else "not_a_file")
    except OSError as exc:
        return _failed(name, 1, 1, f"cannot read file: {exc.strerror or exc}")
    return read_yaml_bytes(raw, name)


def read_yaml_bytes(raw: bytes, name: str) -> SourceDocument:
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


def read_yaml_text(text: str, name: str) -> SourceDocument:
    """Read YAML text: plain YAML only, with marks kept for every value."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        return _failed(name, 1, 1, "file is empty", "a flow needs at least id, title, "
                       "jurisdiction, as_of, summary, lanes and steps", code="empty")
    return _read_events(text, name)


def _failed(name: str, line: int, column: int, message: str, hint: str | None = None,
            code: str = "invalid") -> SourceDocument:
    return SourceDocument(name, None, problems=[Problem(name, line, column, message, hint, code)])


def _failed_from_yaml_error(name: str, exc: yaml.MarkedYAMLError) -> SourceDocument:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = exc.problem or "invalid YAML"
    if exc.context:
        what = f"{exc.context}, {what}"
    hint = "check indentation and that text containing ': ' or '#' is quoted"
    if "tab" in what:
        hint = "indent with spaces, not tabs"
    return _failed(name, line, column, f"invalid YAML: {what}", hint, code="syntax")


class _Frame:
    """One open mapping or sequence while events stream in."""

    __slots__ = ("container", "index", "key", "key_mark", "path")

    def __init__(self, container: Any, path: Path_) -> None:
        self.container = container  # a dict (mapping) or a list (sequence)
        self.path = path
        self.key: str | None = None  # a mapping's key waiting for its value
        self.key_mark: tuple[int, int] = (1, 1)
        self.index = 0  # a sequence's next index


_NOTHING = object()


def _read_events(text: str, name: str) -> SourceDocument:  # noqa: C901  (one state machine)
    """Parse once with libyaml, refusing and building from the same event stream.

    Anchors, aliases, explicit non-standard tags and several documents are refused as
    their events arrive, so an alias bomb is refused before anything is expanded (and
    in time linear in the text). Values are built straight from the events, with the
    (line, column) of each: no node tree is composed and walked a second time.
    """
    doc = SourceDocument(name, None)
    marks = doc.marks
    scan: list[Problem] = []  # problems that refuse the whole file
    documents = 0
    root: Any = _NOTHING
    stack: list[_Frame] = []
    # A key that is not plain text is reported and skipped with its value, like the
    # composing reader did: ``skip`` counts whole nodes still to drop, ``depth`` how
    # deep inside a dropped collection the events are.
    skip = 0
    depth = 0
    building = True
    failure: Problem | None = None
    parser = _Loader(text)
    try:
        while True:
            event = parser.get_event()
            if event is None:
                break
            cls = event.__class__
            if cls is ScalarEvent or cls is MappingStartEvent or cls is SequenceStartEvent:
                if event.anchor is not None:
                    where = _where(event)
                    scan.append(Problem(name, *where, f"YAML anchors (&{event.anchor}) are "
                                        "not allowed", "write the value out in full",
                                        code="alias"))
                    break
                tag = event.tag
                if tag is not None and tag != "!" and _expand(tag) not in _STANDARD_TAGS:
                    shown = tag.replace("tag:yaml.org,2002:", "!!", 1)
                    scan.append(Problem(name, *_where(event), f"YAML tag '{shown}' is not "
                                        "allowed", "remove the tag: flows hold plain text, "
                                        "numbers, dates, lists and mappings only",
                                        code="tag"))
                    break
                if not building:
                    continue
                is_scalar = cls is ScalarEvent
                if skip:
                    if is_scalar:
                        if depth == 0:
                            skip -= 1
                    else:
                        depth += 1
                    continue
                frame = stack[-1] if stack else None
                if frame is not None and frame.key is None and frame.index < 0:
                    # A mapping waiting for a key.
                    where = _where(event)
                    if not is_scalar:
                        doc.problems.append(Problem(name, *where, "a key must be plain text",
                                                    code="syntax"))
                        skip, depth = 2, 1  # this key and its value
                        continue
                    key = str(event.value)
                    if key in frame.container:
                        doc.problems.append(Problem(
                            name, *where, f"duplicate key '{key}'",
                            "YAML keeps only the last; remove one", code="duplicate_key"))
                    frame.key = key
                    frame.key_mark = where
                    continue
                if frame is None:
                    path: Path_ = ()
                elif frame.index < 0:
                    path = (*frame.path, frame.key)  # type: ignore[arg-type]
                    doc.key_marks[path] = frame.key_mark
                else:
                    path = (*frame.path, frame.index)
                mark = event.start_mark
                marks[path] = (mark.line + 1, mark.column + 1)
                if is_scalar:
                    try:
                        value = _scalar_event(event, path, doc)
                    except _BadScalar as exc:
                        # A value no constructor accepts (``!!int ''``, 2026-02-31) is
                        # reported at its line, unless a syntax error later in the file
                        # wins (as when composing first).
                        failure = exc.problem
                        building = False
                        continue
                else:
                    value = {} if cls is MappingStartEvent else []
                if frame is None:
                    root = value
                elif frame.index < 0:
                    frame.container[frame.key] = value
                    frame.key = None
                else:
                    frame.container.append(value)
                    frame.index += 1
                if not is_scalar:
                    new = _Frame(value, path)
                    if cls is MappingStartEvent:
                        new.index = -1  # marks a mapping
                    stack.append(new)
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                if not building:
                    continue
                if skip:
                    depth -= 1
                    if depth == 0:
                        skip -= 1
                    continue
                stack.pop()
            elif cls is AliasEvent:
                scan.append(Problem(name, *_where(event), "YAML aliases (*name) are not "
                                    "allowed", "write the value out in full", code="alias"))
                break
            elif cls is DocumentStartEvent:
                documents += 1
                if documents == 2:
                    scan.append(Problem(name, *_where(event), "file holds more than one "
                                        "YAML document", "one flow a file; remove the '---'",
                                        code="syntax"))
                    building = False  # keep scanning: a later alias still counts
    except yaml.MarkedYAMLError as exc:
        return _failed_from_yaml_error(name, exc)
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses
        return SourceDocument(name, None, problems=[_reader_problem(name, text, exc)])
    finally:
        parser.dispose()
    if scan:
        return SourceDocument(name, None, problems=scan)
    if failure is not None:
        return SourceDocument(name, None, problems=[failure])
    if root is _NOTHING:
        return _failed(name, 1, 1, "file is empty", code="empty")
    doc.data = root
    return doc


def _where(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


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


_SCALAR_BUILDER = yaml.SafeLoader("")
_CONSTRUCTORS = yaml.SafeLoader.yaml_constructors
_IMPLICIT = yaml.SafeLoader.yaml_implicit_resolvers
_STR = "tag:yaml.org,2002:str"


def _resolve(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag PyYAML's resolver gives an untagged scalar (SafeLoader has no path resolvers)."""
    if implicit[0]:
        # value[:1] is "" for the empty scalar, which is the key of the null resolver.
        for tag, regexp in _IMPLICIT.get(value[:1], ()):
            if regexp.match(value):
                return tag
    return _STR


#: What each standard tag is called in a message.
_TAG_WORDS = {"tag:yaml.org,2002:int": "a whole number", "tag:yaml.org,2002:float": "a number",
              "tag:yaml.org,2002:bool": "true or false",
              "tag:yaml.org,2002:timestamp": "a date", "tag:yaml.org,2002:null": "nothing"}


def _scalar_tag(event: ScalarEvent) -> str:
    tag = event.tag
    if tag is None or tag == "!":
        tag = _resolve(event.value, event.implicit)
    # ``=`` (the YAML 1.1 "value" key) and ``<<`` (merge) have no safe constructor: text.
    return tag if tag in _CONSTRUCTORS else _STR


class _BadScalar(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _bad_scalar(event: ScalarEvent, tag: str, exc: Exception, name: str) -> _BadScalar:
    """Dates that do not exist (2026-02-31), ``!!int ''``, ``!!bool maybe`` and integers
    longer than Python converts (4,300 digits) all raise inside PyYAML: say which value."""
    raw = event.value
    shown = raw if len(raw) <= 40 else raw[:40] + "..."
    what = _TAG_WORDS.get(tag, tag.replace("tag:yaml.org,2002:", "!!"))
    reason = str(exc).split(";")[0] if isinstance(exc, ValueError) and str(exc) else ""
    if tag == "tag:yaml.org,2002:timestamp":
        hint = "write a real date as YYYY-MM-DD, or quote the value if it is text"
    elif len(raw) > 1000:
        hint = "numbers in a flow are short; quote the value if it is text"
    else:
        hint = "correct the value, or quote it if it is text"
    return _BadScalar(Problem(name, *_where(event), f"'{shown}' cannot be read as {what}"
                              + (f" ({reason})" if reason else ""), hint, code="value"))


def _scalar_event(event: ScalarEvent, path: Path_, doc: SourceDocument) -> Any:
    tag = _scalar_tag(event)
    raw = event.value
    if tag == _STR:
        return raw  # what construct_yaml_str returns, without building a node
    node = ScalarNode(tag, raw, None, None, event.style)  # marks unused by constructors
    try:
        # Call the constructor directly: construct_object would cache every node for ever.
        value = _CONSTRUCTORS[tag](_SCALAR_BUILDER, node)
    except Exception as exc:  # any constructor failure is the author's value, not ours
        raise _bad_scalar(event, tag, exc, doc.path) from exc
    if not event.style:  # plain, unquoted (None in PyYAML, "" in libyaml): YAML 1.1 traps
        if isinstance(value, bool) and raw.lower() in _YAML11_BOOL_WORDS:
            doc.traps[path] = raw
        elif isinstance(value, int | float) and not isinstance(value, bool) and (
            _SEXAGESIMAL.match(raw) or _LEADING_ZERO.match(raw)
        ):
            doc.traps[path] = raw
            line, col = _where(event)
            reading = "base-60 (sexagesimal)" if ":" in raw else "octal"
            doc.problems.append(Problem(
                doc.path, line, col,
                f"'{raw}' is read by YAML 1.1 as the {reading} number {value}",
                f"write the number plainly, or quote it ('{raw}') if it is text",
                code="yaml11_number",
            ))
    return value

"""Read a folder of flows into models, and report every problem at once.

>>> fs = load_flows(DEFAULT_FLOWS_DIR)
>>> fs.ok, sorted(fs.flows)[:1]
(True, ['care-and-protection'])
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from explorer.io.layout import flatten_flow_data
from explorer.io.yamlsafe import read_yaml_bytes, read_yaml_file
from explorer.model.document import SourceDocument
from explorer.model.flowset import FlowSet
from explorer.model.problems import Problem
from explorer.model.schema import Flow, Glossary, Sources


def _shipped_dir(name: str) -> Path:
    """Where a shipped data folder is: inside the package when installed from a wheel
    (``explorer/flows``, package data mapped from the top-level ``flows/``), or at the top
    of the repository in a checkout."""
    package = Path(__file__).resolve().parent.parent
    installed = package / name
    return installed if installed.is_dir() else package.parent / name


#: The shipped flows.
DEFAULT_FLOWS_DIR = _shipped_dir("flows")
#: The shipped fictional examples (caseloads, event logs).
EXAMPLES_DIR = _shipped_dir("examples")
SOURCES_FILE = "sources.yaml"
GLOSSARY_FILE = "glossary.yaml"

M = TypeVar("M", bound=BaseModel)


def load_flows(folder: str | Path = DEFAULT_FLOWS_DIR, *, extra: dict[str, bytes] | None = None,
               check: bool = True) -> FlowSet:
    """Load every ``*.yaml`` flow in ``folder`` with ``sources.yaml`` and ``glossary.yaml``.

    ``extra`` adds files given as bytes by name (an uploaded flow): they are read
    beside the folder's flows and never written anywhere. With ``check`` the semantic
    checks of :mod:`explorer.io.checks` run too.
    """
    folder = Path(folder)
    fs = FlowSet()
    if not folder.is_dir():
        fs.problems.append(Problem(str(folder), 1, 1, "no such folder of flows",
                                   code="not_found"))
        return fs
    docs: list[SourceDocument] = []
    for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
        docs.append(read_yaml_file(path))
    for name, raw in (extra or {}).items():
        docs.append(read_yaml_bytes(raw, name))
    for doc in docs:
        try:
            _add_document(fs, doc, check)
        except Exception as exc:  # a bug of ours: that file is lost, never the others
            fs.problems.append(_internal(doc.path, exc))
    if check:
        from explorer.io.checks import check_flowset

        try:
            fs.problems.extend(check_flowset(fs, folder))
        except Exception as exc:  # the same: the flows stay usable, the failure is said
            fs.problems.append(_internal(str(folder), exc))
    fs.problems.sort(key=lambda p: (p.path, p.line, p.column, p.message))
    return fs


def _internal(path: str, exc: Exception) -> Problem:
    return Problem(path, 1, 1, f"could not be checked ({type(exc).__name__}: "
                   f"{str(exc)[:200]})", "this is a fault in Permanence Explorer, not "
                   "necessarily in the file: please report it", code="internal")


def _add_document(fs: FlowSet, doc: SourceDocument, check: bool = True) -> None:
    """Validate one read document and add what it holds to ``fs``."""
    fs.problems.extend(doc.problems)
    if doc.problems and _fatal(doc):
        return
    base = Path(doc.path).name
    if base == SOURCES_FILE:
        sources = _validate(Sources, doc, fs.problems)
        if sources is not None:
            fs.sources.update({s.id: s for s in sources.sources})
    elif base == GLOSSARY_FILE:
        glossary = _validate(Glossary, doc, fs.problems)
        if glossary is not None:
            fs.glossary.extend(glossary.terms)
    else:
        flow = _validate(Flow, doc, fs.problems)
        if flow is None:
            if check:  # every problem at once: a bad unit must not hide a misspelt step
                from explorer.io.checks import raw_reference_problems

                fs.problems.extend(raw_reference_problems(doc))
            return
        if flow.id in fs.flows:
            line, col = doc.locate(("id",))
            first = fs.documents[flow.id].path
            fs.problems.append(Problem(doc.path, line, col,
                                       f"duplicate flow id '{flow.id}' (also in {first})",
                                       "give each flow its own id", code="duplicate_id"))
            return
        fs.flows[flow.id] = flow
        fs.documents[flow.id] = doc


def load_flow_file(path: str | Path) -> tuple[Flow | None, list[Problem]]:
    """Load one flow file on its own, schema-checked only (no cross-file checks)."""
    doc = read_yaml_file(path)
    problems = list(doc.problems)
    if _fatal(doc):
        return None, problems
    flow = _validate(Flow, doc, problems)
    return flow, problems


def _fatal(doc: SourceDocument) -> bool:
    # A YAML 1.1 number trap or duplicate key still leaves usable data: validate on.
    return any(p.code not in ("yaml11_number", "duplicate_key") for p in doc.problems)


def _validate(model: type[M], doc: SourceDocument, out: list[Problem]) -> M | None:
    if not isinstance(doc.data, dict):
        out.append(Problem(doc.path, 1, 1, f"expected a mapping of keys at the top, found "
                           f"{_kind(doc.data)}", "start the file with 'id: ...'",
                           code="type"))
        return None
    data = doc.data
    if model is Flow:
        data, doc.aliases = flatten_flow_data(doc.data)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            out.append(_problem_from_error(doc, err, model, data))
        return None


def _kind(value: Any) -> str:
    return {list: "a list", str: "text", int: "a number", float: "a number",
            bool: "true/false", type(None): "nothing"}.get(type(value), type(value).__name__)


def _problem_from_error(doc: SourceDocument, err: Any, model: type[BaseModel],
                        data: Any = None) -> Problem:
    flat_loc = _data_loc(doc.data if data is None else data, tuple(err["loc"]))
    # Where it was written: a transition under its step is reported there.
    data_loc = doc.resolve(flat_loc)
    line, col = doc.locate(data_loc)
    where = _describe_loc(doc.data, data_loc)
    etype = err["type"]
    msg = err["msg"]
    hint: str | None = None
    value = err.get("input")
    last = str(data_loc[-1]) if data_loc else ""
    if etype == "extra_forbidden" and data_loc:
        line, col = doc.key_marks.get(data_loc, (line, col))
        allowed = _allowed_keys(model, data_loc if data_loc == flat_loc else flat_loc)
        if data_loc != flat_loc and data_loc[:1] == ("steps",):
            allowed = [k for k in allowed if k != "from"]
        close = difflib.get_close_matches(last, allowed, n=1)
        parent = _describe_loc(doc.data, data_loc[:-1])
        msg = f"unknown key '{last}'" + (f" in {parent}" if parent else "")
        hint = (f"did you mean '{close[0]}'?" if close else
                "allowed keys: " + ", ".join(sorted(allowed)) if allowed else None)
    elif etype == "missing" and data_loc:
        msg = f"missing required key '{last}'"
        parent = _describe_loc(doc.data, data_loc[:-1])
        if parent:
            msg += f" in {parent}"
    else:
        msg = f"{where}: {msg}" if where else msg
        trap = doc.traps.get(data_loc)
        if trap is not None:
            hint = f"YAML 1.1 reads unquoted '{trap}' as {value!r}; quote it: '{trap}'"
        elif isinstance(value, bool) and etype in ("string_type", "float_type", "int_type"):
            hint = "quote the value if it is text"
    return Problem(doc.path, line, col, msg, hint, code="schema")


def _is_union_tag(part: Any) -> bool:
    # pydantic names the union member it tried in the location (``Estimate``,
    # ``literal['unknown']``, ``function-after[...]``): not a key of the data.
    return isinstance(part, str) and (part[:1].isupper() or "[" in part or part in (
        "str", "float", "int", "bool", "date", "none"))


def _data_loc(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Map a pydantic location onto the data: union members dropped, aliases restored."""
    out: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict):
            key = part
            if key not in node and isinstance(key, str) and key.rstrip("_") in node:
                key = key.rstrip("_")
            if key in node:
                node = node[key]
                out.append(key)
            elif _is_union_tag(part):
                continue
            else:
                out.append(key)
                node = None
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            out.append(part)
        elif _is_union_tag(part):
            continue
        else:
            out.append(part)
            node = None
    return tuple(out)


def _describe_loc(data: Any, loc: tuple[Any, ...]) -> str:
    """``steps[3] (grounds_hearing).kind``: a location a person can find."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int):
            ident = ""
            if isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    ident = f" ({node['id']})"
                elif isinstance(node, dict) and "from" in node and "to" in node:
                    ident = f" ({node.get('from')} -> {node.get('to')})"
            parts.append(f"[{part}]{ident}")
        else:
            node = node.get(part) if isinstance(node, dict) else None
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at the mapping that holds ``loc[-1]``."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        fld = _field_by_name(current, part)
        if fld is None:
            return []
        current = _inner_model(fld.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _field_by_name(model: type[BaseModel], name: str) -> Any:
    for n, f in model.model_fields.items():
        if name in (n, f.alias):
            return f
    return None


def _inner_model(annotation: Any) -> Any:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None

"""Words: no internal id reaches a user, and every term the app uses is in the glossary.

Every page of the menu is rendered (AppTest, shipped flows) and everything it shows is
read: text, tables (cells and headings), widget labels and options, metrics, and the
charts' specs and data. None of it may carry a step id, a source id, a kind or status
id, a published figure's id, a chart legend titled "Bar" or a date with a time of day.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from explorer.io.load import DEFAULT_FLOWS_DIR
from explorer.model.flowset import FlowSet
from explorer.model.kinds import KIND_WORDS, STATUS_WORDS
from explorer.ui.data import FLOWS_DIR_ENV
from explorer.ui.pages import PAGES
from tests.apptest import ok, page

#: Pages whose own drawing another engineer owns are still scanned; the map's frame
#: (its vis-network data) is not Streamlit text and is checked by the map's own tests.
MODULES = sorted({p.render.__module__ for p in PAGES})
#: Terms the app's own pages use, each of which the glossary must explain.
APP_TERMS = ("Drift", "Statutory floor", "Bounded time", "Unbounded step",
             "Practice estimate", "Simulated journeys", "Local variant")


@pytest.fixture(autouse=True)
def flows_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FLOWS_DIR_ENV, str(DEFAULT_FLOWS_DIR))


def internal_ids(fs: FlowSet) -> set[str]:
    """Ids a user must never read: those with an underscore (plain words such as 'ird'
    are also English and cannot be told apart from text)."""
    ids: set[str] = set()
    for flow in fs.flows.values():
        ids |= {s.id for s in flow.steps}
        ids |= {t.id for t in flow.timescales if t.id}
        ids |= {p.id for p in flow.published_durations}
        ids |= {lane.id for lane in flow.lanes}
        ids |= {tag.id for tag in flow.tags} | {t for s in flow.steps for t in s.tags}
    ids |= set(fs.sources)
    ids |= set(KIND_WORDS) | set(STATUS_WORDS)
    return {i for i in ids if "_" in i}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def shown(at: AppTest) -> list[str]:
    """Everything a page shows as text, Markdown escapes removed."""
    out: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning",
                 "success", "error", "code", "button", "checkbox", "toggle", "expander",
                 "tab"):
        for e in at.get(kind):
            for attr in ("value", "label"):
                v = getattr(e, attr, None) if kind != "button" or attr == "label" else None
                if isinstance(v, str):
                    out.append(v)
    for kind in ("selectbox", "radio", "multiselect"):
        for w in at.get(kind):
            out.append(str(w.label))
            out.extend(str(o) for o in w.options)
    for m in at.metric:
        out.extend([str(m.label), str(m.value)])
    for d in at.dataframe:
        frame = d.value
        out.extend(map(str, frame.columns))
        for col in frame.columns:
            out.extend(str(x) for x in frame[col].tolist() if x is not None)
    for c in at.get("vega_lite_chart"):
        spec = json.loads(c.proto.spec)
        out.extend(_strings(spec))
        for ds in c.proto.datasets:
            frame = convert_arrow_bytes_to_pandas_df(ds.data.data)
            for col in frame.columns:
                out.extend(str(x) for x in frame[col].tolist() if isinstance(x, str))
    return [x.replace("\\", "") for x in out]


#: Text in backticks is a name the user must type (a spreadsheet column): meant literally.
_CODE = re.compile(r"`[^`]*`")


def problems_in(texts: list[str], ids: set[str]) -> list[str]:
    texts = [_CODE.sub("", t) for t in texts]
    found = []
    pattern = re.compile(r"(?<![\w/.#-])(" + "|".join(sorted(map(re.escape, ids), key=len,
                                                            reverse=True)) + r")(?![\w])")
    for t in texts:
        for m in pattern.finditer(t):
            found.append(f"id {m.group(1)!r} in {t[:120]!r}")
        if "00:00:00" in t:
            found.append(f"a time of day in {t[:120]!r}")
    return found


@pytest.mark.parametrize("module", MODULES)
def test_no_internal_id_reaches_a_user(module: str, shipped: FlowSet) -> None:
    at = ok(page(module).run())
    texts = shown(at)
    assert texts, "the page showed nothing"
    assert problems_in(texts, internal_ids(shipped)) == []


def test_the_step_map_with_a_step_open_names_tags_and_shows_no_id(shipped: FlowSet) -> None:
    # The Map page opens on the stage overview; its step view has the tag filter and a
    # step's details (the whole system: every tag and lane of both flows).
    at = ok(page("explorer.ui.map_page").run())
    at.radio(key="map_view").set_value("Steps (map)")
    ok(at.run())
    at.selectbox(key="map_step").set_value("looked_after")
    ok(at.run())
    texts = shown(at)
    tags = next(w for w in at.multiselect if w.key == "map_tags")
    assert "Looked after" in tags.options and "Child protection" in tags.options
    assert any(t.startswith("**Tags:** Looked after") for t in texts)
    assert problems_in(texts, internal_ids(shipped)) == []


#: Fields of a flow file that hold ids, codes or values, not prose a reader is shown.
_NOT_PROSE = frozenset({"id", "from", "to", "lane", "stage", "decided_by", "tags", "source",
                        "kind", "unit", "counting", "confidence", "status", "basis", "url",
                        "variant_of", "statistic", "applies_when_case"})


def _prose(value: Any, key: str | None = None) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in _NOT_PROSE:
                yield from _prose(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from _prose(v, key)
    elif isinstance(value, str) and key is not None:
        yield key, value


def test_no_prose_field_of_the_shipped_flows_names_an_id(shipped: FlowSet) -> None:
    import yaml

    found = []
    for name in ("permanence.yaml", "care-and-protection.yaml", "glossary.yaml",
                 "sources.yaml"):
        data = yaml.safe_load((DEFAULT_FLOWS_DIR / name).read_text(encoding="utf-8"))
        for key, text in _prose(data):
            found += [f"{name} {key}: {p}" for p in problems_in([text], internal_ids(shipped))]
    assert found == []


def test_the_prose_scan_catches_a_step_id_in_a_description(shipped: FlowSet) -> None:
    data = {"steps": [{"id": "grounds_hearing", "description": "See grounds_hearing."}]}
    assert [k for k, t in _prose(data) if problems_in([t], internal_ids(shipped))] == [
        "description"]


@pytest.mark.parametrize("module", MODULES)
def test_no_chart_legend_is_titled_bar(module: str) -> None:
    at = ok(page(module).run())
    for c in at.get("vega_lite_chart"):
        spec = json.dumps(json.loads(c.proto.spec))
        assert '"title": "Bar"' not in spec


def test_the_scan_catches_an_id_and_a_timestamp(shipped: FlowSet) -> None:
    ids = internal_ids(shipped)
    assert problems_in(["Go to grounds_hearing now"], ids)
    assert problems_in(["Due 2026-01-05 00:00:00"], ids)
    assert problems_in(["ng_cp_2021 says"], ids)
    assert not problems_in(["The grounds hearing sits"], ids)
    assert not problems_in(["a column `grounds_hearing` in the sheet"], ids)


@pytest.mark.parametrize("term", APP_TERMS)
def test_every_term_the_app_uses_is_in_the_glossary(term: str, shipped: FlowSet) -> None:
    assert term.casefold() in {t.term.casefold() for t in shipped.glossary}


def test_the_app_still_uses_every_listed_term() -> None:
    # The list is not padded: each term is used by a page or by the views it shows.
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "explorer"
    code = "\n".join(p.read_text(encoding="utf-8").casefold()
                     for p in [*(root / "ui").glob("*.py"), *(root / "views").glob("*.py")])
    for term in APP_TERMS:
        stem = term.casefold().split()[0][:5] if term != "Local variant" else "variant"
        assert stem in code, term

"""Fuzzing harness (issue 12): every entry point that reads outside input, fed random and
hostile input, gives a result or the project's own error with a location, never another
exception. Inputs that ever crashed one are kept in tests/fuzz_corpus/ and replayed.

Entry points: a flow file (the loader, then the graph and every export of what loaded),
a caseload (CSV and XLSX) and an event log through explorer.cases' public readers and
tracking, a page's query parameters, and the command line's arguments.
"""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.cases.events import read_events
from explorer.cases.tracking import track_caseload
from explorer.cli import main as cli_main
from explorer.graph import flow_graph
from explorer.io.load import DEFAULT_FLOWS_DIR, load_flows
from explorer.model.flowset import FlowSet
from explorer.model.problems import FlowError
from explorer.render.export import FORMATS, export_text
from tests.conftest import FIXTURES
from tests.fuzzing import (
    assert_flow_problems_located,
    assert_input_problems_located,
    corpus,
    examples,
)

ROOT = Path(__file__).resolve().parent.parent
MINI = FIXTURES / "mini"
AS_OF = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def shipped() -> FlowSet:
    return load_flows(DEFAULT_FLOWS_DIR)


# -- flow files -------------------------------------------------------------------------------


def check_flow_bytes(raw: bytes, name: str = "upload.yaml") -> None:
    """The loader reports or loads; what loads builds a graph and exports without error."""
    fs = load_flows(MINI, extra={name: raw})
    assert_flow_problems_located(fs.problems)
    for fid, doc in fs.documents.items():
        if doc.path != name:
            continue
        G = flow_graph(fs, fid)
        for fmt in FORMATS:
            text = export_text(fs, fid, fmt)
            if fmt == "graphml":
                ET.fromstring(text)  # well-formed XML whatever the names hold
        assert len(G) >= 1


_SCALARS = st.sampled_from([
    "2026-02-31", "2026-13-01", "0000-01-01", "9999-12-31", "!!int ''", "!!bool maybe",
    "!!float x", "!!timestamp 2026-02-30", "!!null x", "=", "<<", "~", "no", "012", "1:30",
    "9" * 4301, "-" + "9" * 5000, "1e999999", ".nan", "'quoted'", '"\\x07bell"',
    '"\\ud800"', "&a x", "*a", "!!python/object:os.system x", "[", "{", "- ", "? x",
    "|", ">", "%YAML 1.1", "---", "...", "\t", "@x", "`x`", "<script>", "\u202e",
])
_KEYS = st.sampled_from(["id", "title", "as_of", "summary", "lanes", "steps", "transitions",
                         "timescales", "name", "kind", "lane", "limit", "unit", "timescale",
                         "from", "to", "estimate", "repeat", "<<", "=", "? "])


@st.composite
def yaml_like(draw: st.DrawFn) -> bytes:
    """Text shaped like YAML: keys, odd scalars, nesting and indentation mistakes."""
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        indent = " " * draw(st.sampled_from([0, 0, 2, 4, 3, 1]))
        bullet = draw(st.sampled_from(["", "", "- "]))
        lines.append(f"{indent}{bullet}{draw(_KEYS)}: {draw(_SCALARS)}")
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@st.composite
def mutated_mini(draw: st.DrawFn) -> bytes:
    """The mini flow with one value or line replaced by something odd."""
    lines = (MINI / "mini.yaml").read_text().splitlines()
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["value", "drop", "dup", "indent"]))
        if action == "value" and ":" in lines[i]:
            head = lines[i].split(":", 1)[0]
            lines[i] = f"{head}: {draw(_SCALARS)}"
        elif action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        else:
            lines[i] = " " + lines[i]
        if not lines:
            break
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@settings(max_examples=examples(40))
@given(raw=st.one_of(st.binary(max_size=300), yaml_like(), mutated_mini()))
def test_any_flow_file_is_loaded_or_reported_with_a_location(raw: bytes) -> None:
    check_flow_bytes(raw)


@pytest.mark.parametrize("path", corpus("flow"), ids=lambda p: p.name)
def test_flow_corpus_is_loaded_or_reported_with_a_location(path: Path) -> None:
    check_flow_bytes(path.read_bytes(), path.name)


# -- caseloads and event logs -------------------------------------------------------------------

_CELLS = st.one_of(
    st.sampled_from(["2026-01-05", "05/01/2026", "2026-02-31", "31/02/2026", "n/a", "",
                     "1899-12-31", "2301-01-01", "=cmd()", '"', '""', "a,b", "\x00", "\r",
                     "\ufeff", "9" * 400, "  2026-01-05  ", "2026-1-5", "today"]),
    st.text(max_size=12))
_HEADERS = st.sampled_from(["case_id", "ird", "cppm", "looked_after", "place_of_safety",
                            "grounds_hearing", "date_of_birth", "step", "date", "note",
                            "Case ID", "", "case_id", "unknown_column", "=x"])


@st.composite
def csv_like(draw: st.DrawFn) -> bytes:
    sep = draw(st.sampled_from([",", ";", "\t"]))
    header = draw(st.lists(_HEADERS, min_size=1, max_size=6))
    rows = [sep.join(header)]
    for _ in range(draw(st.integers(0, 8))):
        rows.append(sep.join(draw(_CELLS) for _ in range(draw(st.integers(0, 7)))))
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(rows)
    enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(enc, "replace")


@st.composite
def xlsx_like(draw: st.DrawFn) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(draw(st.lists(_HEADERS, min_size=1, max_size=5)))
    for _ in range(draw(st.integers(0, 5))):
        cells: list[Any] = []
        for _ in range(draw(st.integers(0, 5))):
            cells.append(draw(st.one_of(
                _CELLS.filter(lambda c: "\x00" not in c and "\r" not in c),
                st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=False),
                st.dates(dt.date(1900, 1, 1), dt.date(2300, 12, 31)), st.none())))
        try:
            ws.append(cells)
        except Exception:  # openpyxl refuses some characters itself: not our input
            continue
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def check_caseload(fs: FlowSet, raw: bytes, filename: str) -> None:
    load, _ = track_caseload(fs, raw, as_of=AS_OF, filename=filename)
    assert_input_problems_located(load.problems)
    log = read_events(raw, filename=filename, fs=fs, as_of=AS_OF)
    assert_input_problems_located(log.problems)


@settings(max_examples=examples(40))
@given(raw=st.one_of(csv_like(), st.binary(max_size=200)))
def test_any_csv_caseload_or_event_log_is_read_or_reported(shipped: FlowSet,
                                                           raw: bytes) -> None:
    check_caseload(shipped, raw, "caseload.csv")


@settings(max_examples=examples(15))
@given(raw=st.one_of(xlsx_like(), st.binary(max_size=200)))
def test_any_xlsx_caseload_or_event_log_is_read_or_reported(shipped: FlowSet,
                                                            raw: bytes) -> None:
    check_caseload(shipped, raw, "caseload.xlsx")


@pytest.mark.parametrize("path", corpus("caseload") + corpus("events"), ids=lambda p: p.name)
def test_caseload_corpus_is_read_or_reported(shipped: FlowSet, path: Path) -> None:
    check_caseload(shipped, path.read_bytes(), path.name)


# -- query parameters ---------------------------------------------------------------------------

_PAGES = ["explorer.ui.map_page", "explorer.ui.routes_page", "explorer.ui.pathways_page",
          "explorer.ui.learn_page"]
_PARAM_VALUES = st.one_of(
    st.sampled_from(["all", "permanence", "care-and-protection", "concern_raised",
                     "adoption_order", "²", "1,²", "0", "-1", "99999999999999999999", "",
                     ",,,", "%00", "<script>", "a" * 500, "1,2,3,4,5,6", "looked_after"]),
    st.text(max_size=20))
_PARAM_NAMES = st.sampled_from(["flow", "step", "route", "from", "to", "compare", "stage",
                                "view", "date", "aim", "q"])


def check_query(module: str, params: dict[str, str]) -> None:
    from tests.apptest import page

    at = page(module)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, (module, params, at.exception)


@settings(max_examples=examples(6))
@given(module=st.sampled_from(_PAGES),
       params=st.dictionaries(_PARAM_NAMES, _PARAM_VALUES, max_size=4))
def test_any_query_parameters_draw_the_page(monkeypatch: pytest.MonkeyPatch, module: str,
                                            params: dict[str, str]) -> None:
    monkeypatch.setenv("PERMANENCE_FLOWS_DIR", str(DEFAULT_FLOWS_DIR))
    check_query(module, params)


@pytest.mark.parametrize("path", corpus("query"), ids=lambda p: p.name)
@pytest.mark.parametrize("module", _PAGES)
def test_query_corpus_draws_every_page(monkeypatch: pytest.MonkeyPatch, path: Path,
                                       module: str) -> None:
    from urllib.parse import parse_qsl

    monkeypatch.setenv("PERMANENCE_FLOWS_DIR", str(DEFAULT_FLOWS_DIR))
    check_query(module, dict(parse_qsl(path.read_text().strip(), keep_blank_values=True)))


# -- command-line arguments ---------------------------------------------------------------------

_WORDS = st.sampled_from([
    "validate", "timescale", "routes", "critical-path", "simulate", "export", "track",
    "schema", "measures", "mine", "forecast", "steps", "diff",
    "all", "permanence", "care-and-protection", "nope", "looked_after", "adoption_order",
    "concern_raised", "grounds_hearing", "place_of_safety", "--json", "--limit", "--unroll",
    "--runs", "--seed", "--max-repeats", "--as-of", "--due-soon-days", "--format", "--from",
    "--history", "--pert", "--case", "html", "graphml", "mermaid", "json", "0", "1", "5",
    "-1", "99999999999999999999", "2301-01-01", "2026-02-31", "31/12/1899", "²", "",
    "examples/example-caseload.csv", "/dev/null", "nonexistent.csv", "--flows",
    "tests/fixtures/mini", "tests/fuzz_corpus/flow"])


def check_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    if "--out" in argv:
        return  # never write files from a fuzzer
    try:
        code = cli_main(argv)
    except SystemExit as exc:  # argparse: --help, --version, or a usage error (2)
        code = exc.code if isinstance(exc.code, int) else 2
    except FlowError:
        pytest.fail("FlowError escaped main")
    out = capsys.readouterr()
    assert code in (0, 1, 2), (argv, code)
    assert "Traceback" not in out.err, (argv, out.err)


@settings(max_examples=examples(40))
@given(argv=st.lists(_WORDS, min_size=1, max_size=7))
def test_any_command_line_exits_cleanly(argv: list[str],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    check_cli(argv, capsys)


@pytest.mark.parametrize("path", corpus("cli"), ids=lambda p: p.name)
def test_cli_corpus_exits_cleanly(path: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    check_cli([ln for ln in path.read_text().splitlines()], capsys)

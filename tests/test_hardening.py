"""Issue 12: each way one user could crash the loader, hang a page or break the CLI,
reproduced. Every test here failed before its fix."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from explorer.analysis import routes as routes_module
from explorer.analysis.routes import count_routes, unroll_repeats
from explorer.graph import flow_graph
from explorer.io.load import DEFAULT_FLOWS_DIR, load_flows
from explorer.io.yamlsafe import read_yaml_text
from explorer.render.graphml import to_graphml
from tests.conftest import FlowCopy

ROOT = Path(__file__).resolve().parent.parent

# -- item 6: ordinary YAML mistakes are problems with a line, never a traceback ----------


@pytest.mark.parametrize(("text", "words"), [
    ("id: x\nas_of: 2026-02-31\n", "'2026-02-31' cannot be read as a date"),
    ("id: x\nn: !!int ''\n", "cannot be read as a whole number"),
    ("id: x\nflag: !!bool maybe\n", "'maybe' cannot be read as true or false"),
    ("id: x\nn: " + "9" * 4301 + "\n", "cannot be read as a whole number"),
])
def test_a_value_yaml_cannot_construct_is_a_problem_at_its_line(text: str, words: str) -> None:
    doc = read_yaml_text(text, "f.yaml")
    assert doc.data is None
    [p] = doc.problems
    assert words in p.message
    assert (p.line, p.path) == (2, "f.yaml")


def test_an_equals_sign_is_read_as_text() -> None:
    # '=' is YAML 1.1's "value" key, which no safe constructor builds: it is plain text.
    assert read_yaml_text("title: =\n", "f.yaml").data == {"title": "="}


def test_a_transition_timescale_without_limit_or_wording_is_a_schema_problem(
        flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    flow_copy.exits(data)[0][2]["timescale"] = {"kind": "statutory_max", "confidence": "high"}
    flow_copy.write_data(data)
    fs = load_flows(flow_copy.folder)
    mine = [p for p in fs.problems if p.path.endswith("care-and-protection.yaml")]
    assert any("needs a limit and unit, or" in p.message for p in mine)
    assert "care-and-protection" not in fs.flows
    flow_graph(fs, "all")  # the graph of what is left builds: no raw pydantic error


def test_one_broken_file_loses_only_itself(flow_copy: FlowCopy) -> None:
    flow_copy.write_text(flow_copy.path.read_text().replace("as_of: ", "as_of: 2026-02-31 #",
                                                            1))
    fs = load_flows(flow_copy.folder)
    assert "permanence" in fs.flows and "care-and-protection" not in fs.flows
    assert any("2026-02-31" in p.message and p.line > 1 for p in fs.problems)


# -- item 10: odd files in the flows folder ----------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_yaml_is_reported_not_waited_for(flow_copy: FlowCopy) -> None:
    os.mkfifo(flow_copy.folder / "pipe.yaml")
    (flow_copy.folder / "zero.yaml").symlink_to("/dev/zero")
    # Run apart: before the fix this blocked for ever on the FIFO.
    code = ("import sys; from explorer.io.load import load_flows; "
            f"fs = load_flows({str(flow_copy.folder)!r}); "
            "print(sorted(fs.flows)); print([p.path.rsplit('/', 1)[-1] for p in fs.problems])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=ROOT, check=True).stdout
    assert "'permanence'" in out and "'pipe.yaml'" in out and "'zero.yaml'" in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_the_apps_snapshot_skips_a_fifo(flow_copy: FlowCopy) -> None:
    os.mkfifo(flow_copy.folder / "pipe.yaml")
    code = ("from pathlib import Path; from explorer.ui.data import snapshot; "
            f"print([n for n, _ in snapshot(Path({str(flow_copy.folder)!r})).files])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=ROOT, check=True).stdout
    assert "permanence.yaml" in out and "pipe.yaml" not in out


# -- item 10: GraphML with control characters is still XML --------------------------------


def test_graphml_with_control_characters_in_names_is_valid_xml(flow_copy: FlowCopy) -> None:
    data = flow_copy.data()
    data["steps"][0]["name"] = "bell\x07 and \x1b escape"  # YAML writes "\a" and "\e"
    flow_copy.write_data(data)
    fs = load_flows(flow_copy.folder)
    assert "care-and-protection" in fs.flows, fs.problems[:3]
    root = ET.fromstring(to_graphml(flow_graph(fs, "care-and-protection")))
    assert root.tag.endswith("graphml")


# -- item 10: the command line ---------------------------------------------------------------


def _cli(*argv: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "explorer", *argv], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, **kw)  # type: ignore[call-overload]


def test_closed_stdout_gives_no_traceback() -> None:
    r = subprocess.run(f"{sys.executable} -m explorer routes permanence looked_after "
                       "adoption_order >&-", shell=True, capture_output=True, text=True,
                       timeout=120, cwd=ROOT)
    assert r.returncode == 0 and "Traceback" not in r.stderr


def test_piping_into_head_exits_quietly() -> None:
    r = subprocess.run(f"{sys.executable} -m explorer routes all concern_raised "
                       "adoption_order --limit 3000 | head -1", shell=True,
                       capture_output=True, text=True, timeout=120, cwd=ROOT,
                       executable="/bin/bash")
    assert "route(s)" in r.stdout and "error" not in r.stderr.lower()


def test_as_of_beyond_the_calendar_is_a_usage_error(tmp_path: Path) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text("case_id,place_of_safety\nA,2026-01-05\n")
    r = _cli("track", str(csv), "--as-of", "2301-01-01")
    assert r.returncode == 2
    assert "outside the years the calendar covers (1900 to 2300)" in r.stderr
    assert "Traceback" not in r.stderr


# -- item 10: unrolling nested repeat cycles grows linearly ---------------------------------


def _nested(k: int) -> nx.DiGraph:
    """k repeat cycles nested in each other, the innermost named first (unrolled first)."""
    G = nx.DiGraph(timescales=[])
    G.add_node("s", kind="start")
    G.add_node("z", kind="outcome")
    heads = [f"a{k - i:02d}" for i in range(k)]
    tails = [f"b{k - i:02d}" for i in range(k)]
    chain = ["s", *heads, *reversed(tails), "z"]
    for n in chain[1:-1]:
        G.add_node(n, kind="activity")
    for u, v in itertools.pairwise(chain):
        G.add_edge(u, v, repeat=False)
    for a, b in zip(heads, tails, strict=True):
        G.add_edge(b, a, repeat=True)
    return G


def test_unrolling_nested_repeat_cycles_grows_linearly_not_exponentially() -> None:
    G = _nested(6)
    H = unroll_repeats(G, 5)
    assert nx.is_directed_acyclic_graph(H)
    # At most every step copied 5 times per cycle (was 111,974 steps: 6^6 growth).
    assert len(H) <= len(G) * (1 + 5 * 6)
    assert count_routes(G, "s", "z", unroll=5) > 0


def test_an_unrolled_graph_above_the_limit_is_refused() -> None:
    from explorer.model.problems import FlowError

    G = nx.DiGraph(timescales=[])
    G.add_node("s", kind="start")
    G.add_node("z", kind="outcome")
    width = routes_module.MAX_UNROLLED_STEPS // 4
    for i in range(width):
        G.add_node(f"m{i}", kind="activity")
        G.add_edge("s", f"m{i}", repeat=False)
        G.add_edge(f"m{i}", "z", repeat=False)
    G.add_edge("z", "s", repeat=True)
    with pytest.raises(FlowError, match="unroll fewer times"):
        unroll_repeats(G, 5)


# -- item 10: a link with a superscript digit ------------------------------------------------


def test_routes_link_with_a_superscript_route_number_draws_the_page(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.apptest import ok, page

    monkeypatch.setenv("PERMANENCE_FLOWS_DIR", str(DEFAULT_FLOWS_DIR))
    at = page("explorer.ui.routes_page")
    at.query_params["route"] = "²"
    at.query_params["compare"] = "1,²,³"
    ok(at.run())
    assert at.dataframe

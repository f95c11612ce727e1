"""The legal digest of each flow (docs/flows/<flow>.md): generated from the flows, stage by
stage, each step with its rules, in names a reviewer reads; the checked-in copy is current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.graph import flow_timescales
from explorer.model import KIND_WORDS
from explorer.model.flowset import FlowSet
from explorer.model.problems import FlowError
from explorer.render.digest import DIGEST_DIR, flow_digest

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ["care-and-protection", "permanence"]


@pytest.mark.parametrize("fid", FLOWS)
def test_the_checked_in_digest_is_current(shipped: FlowSet, fid: str) -> None:
    path = ROOT / DIGEST_DIR / f"{fid}.md"
    assert path.exists(), "run `make digest`"
    assert path.read_text(encoding="utf-8") == flow_digest(shipped, fid), (
        f"{path} is stale: run `make digest` and commit the result")


@pytest.mark.parametrize("fid", FLOWS)
def test_the_digest_has_every_stage_in_order_and_every_step(shipped: FlowSet,
                                                            fid: str) -> None:
    flow = shipped.flows[fid]
    text = flow_digest(shipped, fid)
    headings = [ln[3:] for ln in text.splitlines() if ln.startswith("## Stage ")]
    assert headings == [f"Stage {i}: {st.name}" for i, st in enumerate(flow.stages, 1)]
    steps = [ln[4:] for ln in text.splitlines() if ln.startswith("### ")]
    by_stage = [s.name for st in flow.stages for s in flow.steps if s.stage == st.id]
    assert steps == by_stage


@pytest.mark.parametrize("fid", FLOWS)
def test_every_rule_is_listed_with_its_kind_counting_source_and_confidence(
        shipped: FlowSet, fid: str) -> None:
    text = flow_digest(shipped, fid)
    rules = flow_timescales(shipped.flows[fid])
    details = [ln for ln in text.splitlines() if ln.startswith("  Kind: ")]
    # Each rule is shown where it starts, and again where it ends (if that step is here).
    assert len(details) >= len(rules)
    for ln in details:
        assert "Counting: " in ln and "Source: " in ln and "Confidence: " in ln
    for kind in {ts.kind for ts in rules}:
        assert f"Kind: {KIND_WORDS[kind]}." in text


@pytest.mark.parametrize("fid", FLOWS)
def test_the_digest_uses_names_not_ids(shipped: FlowSet, fid: str) -> None:
    flow = shipped.flows[fid]
    text = flow_digest(shipped, fid)
    ids = {s.id for f in shipped.flows.values() for s in f.steps if "_" in s.id}
    ids |= {lane.id for lane in flow.lanes if "_" in lane.id}
    ids |= {sid for sid in shipped.sources if "_" in sid}
    ids |= {st.id for st in flow.stages if "_" in st.id}
    words = set(re.findall(r"[a-z][a-z0-9_]*_[a-z0-9_]+", text))
    assert sorted(words & ids) == []
    for kind in ("statutory_max", "guidance_target", "beginning_with_event_day"):
        assert kind not in text


def test_a_prospective_step_says_it_is_not_in_force(shipped: FlowSet) -> None:
    text = flow_digest(shipped, "care-and-protection")
    section = text.split("### Secure accommodation authorised in a child protection order")[1]
    assert section.split("###")[0].count("**Not in force**") == 1


def test_a_rule_conditional_on_the_case_names_the_fact_and_its_values(
        shipped: FlowSet) -> None:
    text = flow_digest(shipped, "permanence")
    assert ("Applies to cases where Kind of placement: A series of planned short-term "
            "placements.") in text


def test_an_unknown_flow_is_a_clear_error(shipped: FlowSet) -> None:
    with pytest.raises(FlowError, match="unknown flow 'nope'"):
        flow_digest(shipped, "nope")


def test_cli_digest_writes_one_file_per_flow(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{f}.md" for f in FLOWS]
    assert "wrote" in capsys.readouterr().out


def test_cli_digest_of_an_unknown_flow_exits_2_without_a_traceback(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown flow 'nope'" in err and "Traceback" not in err

"""Local variants: explored beside the national flow, compared with it, every problem at once."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from explorer.analysis.diff import diff_flows
from explorer.graph import flow_graph, system_flow_ids
from explorer.io.load import DEFAULT_FLOWS_DIR, load_flows
from explorer.model.flowset import FlowSet
from explorer.ui.data import FLOWS_DIR_ENV
from explorer.views.variants import diff_frame, national_of
from tests.apptest import ok, page


def variant_text(*, variant_of: bool = True, new_limit: int = 21) -> str:
    """The shipped permanence flow renamed as a council's own, one limit changed."""
    text = (DEFAULT_FLOWS_DIR / "permanence.yaml").read_text(encoding="utf-8")
    head = "id: permanence-local" + ("\nvariant_of: permanence" if variant_of else "")
    text = re.sub(r"^id: permanence\s*$", head, text, count=1, flags=re.M)
    text = re.sub(r"^title: .*$", "title: Permanence in our council", text, count=1,
                  flags=re.M)
    # The first 28-day statutory maximum written as a rule under its step (not on a
    # transition, which the diff counts as a transition change).
    rule = "\n        limit: {}\n        unit: days\n        kind: statutory_max"
    return text.replace(rule.format(28), rule.format(new_limit), 1)


@pytest.fixture
def with_variant(tmp_path: Path) -> FlowSet:
    folder = tmp_path / "flows"
    shutil.copytree(DEFAULT_FLOWS_DIR, folder, ignore=shutil.ignore_patterns("schema"))
    (folder / "permanence-local.yaml").write_text(variant_text(), encoding="utf-8")
    return load_flows(folder)


def test_a_variant_beside_its_national_flow_has_no_step_id_clash(with_variant: FlowSet) -> None:
    assert with_variant.problems == []
    assert {"permanence", "permanence-local"} <= set(with_variant.flows)


def test_a_renamed_copy_without_variant_of_still_clashes(tmp_path: Path) -> None:
    folder = tmp_path / "flows"
    shutil.copytree(DEFAULT_FLOWS_DIR, folder, ignore=shutil.ignore_patterns("schema"))
    (folder / "copy.yaml").write_text(variant_text(variant_of=False), encoding="utf-8")
    codes = {p.code for p in load_flows(folder).problems}
    assert "duplicate_id" in codes


def test_the_whole_system_leaves_the_variant_out_and_the_variant_has_its_own_map(
        with_variant: FlowSet) -> None:
    assert "permanence-local" not in system_flow_ids(with_variant.flows)
    whole = flow_graph(with_variant, "all")
    assert whole.nodes["adoption_order"]["flow"] == "permanence"
    own = flow_graph(with_variant, "permanence-local")
    assert own.nodes["adoption_order"]["flow"] == "permanence-local"


def test_the_diff_shows_the_changed_limit(with_variant: FlowSet) -> None:
    local = with_variant.flows["permanence-local"]
    national = national_of(with_variant.flows, local)
    assert national is not None and national.id == "permanence"
    frame = diff_frame(diff_flows(national, local, with_variant.sources))
    row = frame[frame["Field"] == "rule"].iloc[0]
    assert (row["Change"], row["What"]) == ("Changed", "Time limit")
    assert (row["National flow"], row["This flow"]) == ("within 28 days", "within 21 days")
    assert not any("_" in str(x) for x in frame["Item"])


def test_a_bad_unit_does_not_hide_a_misspelt_step(tmp_path: Path) -> None:
    folder = tmp_path / "flows"
    shutil.copytree(DEFAULT_FLOWS_DIR, folder, ignore=shutil.ignore_patterns("schema"))
    text = variant_text().replace("unit: days", "unit: fortnights", 1)
    text = text.replace("- to: looked_after_basis\n", "- to: lookd_after\n", 1)
    assert "lookd_after" in text
    (folder / "permanence-local.yaml").write_text(text, encoding="utf-8")
    mine = [p for p in load_flows(folder).problems if p.path.endswith("permanence-local.yaml")]
    messages = " ".join(p.message for p in mine)
    assert "fortnights" in messages or "unit" in messages
    assert "unknown step 'lookd_after'" in messages
    assert any("did you mean 'looked_after'" in (p.hint or "") for p in mine)


# -- the upload page --------------------------------------------------------------------


@pytest.fixture
def shipped_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FLOWS_DIR_ENV, str(DEFAULT_FLOWS_DIR))


@pytest.mark.usefixtures("shipped_dir")
def test_an_uploaded_variant_is_explored_and_its_changes_listed() -> None:
    at = ok(page("explorer.ui.upload_page").run())
    at.file_uploader(key="upload_file").upload("ours.yaml", variant_text().encode(),
                                               "application/x-yaml")
    ok(at.run())
    assert any("valid flow" in s.value for s in at.success)
    assert not at.warning, [w.value for w in at.warning]
    heads = [s.value.replace("\\", "") for s in at.subheader]
    assert any(h.startswith("What Permanence in our council changes") for h in heads)
    diff = next(d.value for d in at.dataframe if "National flow" in d.value.columns)
    assert "within 21 days" in set(diff["This flow"])


@pytest.mark.usefixtures("shipped_dir")
def test_a_broken_upload_is_never_reported_as_a_problem_of_the_shipped_flows() -> None:
    at = ok(page("explorer.ui.upload_page").run())
    # The council's own permanence flow (it replaces the shipped one) without the step the
    # care and protection flow hands over to: the problem is reported at the shipped
    # file's line, but it is the upload's doing.
    text = (DEFAULT_FLOWS_DIR / "permanence.yaml").read_text(encoding="utf-8")
    text = re.sub(r"\blooked_after\b", "becomes_looked_after", text)
    at.file_uploader(key="upload_file").upload("ours.yaml", text.encode(),
                                               "application/x-yaml")
    at.run()
    assert not at.exception
    assert any("problem(s) found" in e.value for e in at.error)
    assert not any("shipped flows it was checked against" in w.value for w in at.warning)
    code = "\n".join(c.value for c in at.code)
    assert "care-and-protection.yaml" in code and "because of ours.yaml" in code

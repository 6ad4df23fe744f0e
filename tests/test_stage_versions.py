"""A stage's version follows only what it reads: a change to one stage's code or data re-runs the
stages that read its output, not every stage below it in the run order; and a file that a stage
starts to set aside is dropped by the stages below even when their version did not change."""

import shutil
from functools import partial

import duckdb
import polars as pl

import orchestration.assets.staging as staging
from orchestration.resources import TRANSFORMS, code_version

from .conftest import build


def _versions(monkeypatch, root) -> dict[str, str]:
    monkeypatch.setattr(staging, "code_version", partial(code_version, root=root))
    return {name: staging.step_version(step) for name, step in staging.STEPS.items()}


def _changed_by_editing(tmp_path, monkeypatch, data_file: str, appended: str) -> set[str]:
    """The stages whose version changes when `appended` is added to a copy of transforms/data/`data_file`."""
    root = tmp_path / "transforms"
    shutil.copytree(TRANSFORMS, root, ignore=shutil.ignore_patterns("__pycache__"))
    before = _versions(monkeypatch, root)
    with (root / "data" / data_file).open("a", encoding="utf-8") as fh:
        fh.write(appended)
    after = _versions(monkeypatch, root)
    return {name for name in before if before[name] != after[name]}


def test_editing_unit_names_re_runs_metadata_only(tmp_path, monkeypatch):
    # sentences, mentions, facts, themes and signatures do not read it
    assert _changed_by_editing(tmp_path, monkeypatch, "unit_names.yaml", "\n# an analyst's edit\n") == {"metadata"}


def test_editing_the_catalogue_re_runs_facts_only(tmp_path, monkeypatch):
    # the text sketches (signatures) follow the normalized text; the key of a file's facts is written
    # with the facts, so re-classifying 100,000 reports does not sketch their texts again
    assert _changed_by_editing(tmp_path, monkeypatch, "indicators.csv", "\n") == {"facts"}


def test_a_file_newly_set_aside_upstream_leaves_the_warehouse(raw_copy, tmp_path, monkeypatch):
    warehouse = tmp_path / "wh" / "reports.duckdb"
    assert build(raw_copy, warehouse).success
    con = duckdb.connect(str(warehouse), read_only=True)
    victim = con.execute("select min(source_file) from marts.report_overview").fetchone()[0]
    sentences_before = con.execute("select source_file, version from stage.ledger where stage = 'sentences' "
                                   "order by 1").fetchall()
    con.close()

    # the metadata stage changes (a new version) and now sets the victim aside
    real_reasons, real_version = staging.quarantine_reasons, staging.step_version

    def stricter(out, docs, sections):
        return real_reasons(out, docs, sections).with_columns(
            reason=pl.when(pl.col("source_file") == victim).then(pl.lit("no unit named")).otherwise("reason"))

    monkeypatch.setattr(staging, "quarantine_reasons", stricter)
    monkeypatch.setattr(staging, "step_version",
                        lambda step: real_version(step) + ("x" if step.ledger == "metadata" else ""))
    result = build(raw_copy, warehouse)
    assert result.success
    con = duckdb.connect(str(warehouse), read_only=True)
    status = dict(con.execute("select source_file, status from marts.file_status").fetchall())
    assert status[victim] == "quarantined"
    assert victim not in {r[0] for r in con.execute("select source_file from marts.report_facts").fetchall()}
    # the stages below forgot it: none of them still says it passed
    assert con.execute("select stage from stage.ledger where source_file = ? and stage in "
                       "('sentences', 'mentions', 'facts', 'themes', 'signatures')", [victim]).fetchall() == []
    # the others were not re-split into sentences: that stage does not read metadata
    kept = [r for r in sentences_before if r[0] != victim]
    assert con.execute("select source_file, version from stage.ledger where stage = 'sentences' and source_file "
                       "<> ? order by 1", [victim]).fetchall() == kept

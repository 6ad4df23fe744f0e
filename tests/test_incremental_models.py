"""The core tables rebuilt for the files a run changed equal the same tables rebuilt whole
(orchestration/incremental.py): after files are added, copied, edited and taken away."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from tests.conftest import RAW, build
from tests.test_reliability import differences, snapshot


def _build_mode(result) -> str:
    """How model_changes said the core tables were built in this run (full or incremental)."""
    [mat] = [m for m in result.get_asset_materialization_events() if m.asset_key.path == ["model_changes"]]
    return mat.materialization.metadata["mode"].value


def _counts(warehouse: Path) -> tuple[int, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select (select count(*) from core.report_identity), "
                           "(select count(*) from core.report_identity where duplicate_of is not null)").fetchone()


def test_a_run_that_changes_a_few_files_rebuilds_core_tables_equal_to_a_whole_rebuild(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTS_REBUILD_SHARE", "1")  # five files: any change is most of them
    samples = sorted(RAW.iterdir())
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in samples[1:]:
        shutil.copy(path, raw)
    warehouse = tmp_path / "wh" / "reports.duckdb"
    first = build(raw, warehouse)
    assert first.success and _build_mode(first) == "full"

    # a new report, a copy of a loaded one (another encoding: other bytes, the same text) that joins
    # its unit and year, an edited file, and one taken out of the folder (it stays loaded)
    shutil.copy(samples[0], raw)
    text = next(p for p in samples[1:] if p.suffix == ".txt")
    (raw / f"copy_{text.stem}.txt").write_bytes(text.read_text(encoding="utf-8").encode("gb18030"))
    edited, removed = [p for p in sorted(raw.iterdir()) if p.name not in (text.name, samples[0].name)
                       and not p.name.startswith("copy_")][:2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n全年开展法治讲座3次。\n", encoding="utf-8")
    removed.unlink()
    second = build(raw, warehouse)
    assert second.success and _build_mode(second) == "incremental"
    files, copies = _counts(warehouse)
    assert copies >= 1  # the copy joined its report's unit and year
    incremental = snapshot(warehouse)

    # nothing changed since: every keyed table is rebuilt for no file, and stays as it was
    third = build(raw, warehouse)
    assert third.success and _build_mode(third) == "incremental"
    assert not differences(snapshot(warehouse), incremental)

    # the same warehouse with its core tables rebuilt whole (the reference forgotten, as on a first build)
    with duckdb.connect(str(warehouse.with_name(f".{warehouse.stem}.work.duckdb"))) as con:
        con.execute("delete from meta.model_inputs")
    whole = build(raw, warehouse)
    assert whole.success and _build_mode(whole) == "full"
    assert _counts(warehouse) == (files, copies)
    assert not differences(snapshot(warehouse), incremental), differences(snapshot(warehouse), incremental)

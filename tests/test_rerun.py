"""A run with nothing new starts no Dagster run at all; anything that could change the build — a new
file, a changed setting, a retraction — does. Real CLI calls, as the schedule or an operator makes them."""

from __future__ import annotations

import shutil

from tests.conftest import RAW
from tests.test_reliability import run_cli, snapshot


def test_nothing_new_starts_no_run_and_anything_new_does(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw, ignore=shutil.ignore_patterns("004*"))
    warehouse = tmp_path / "wh" / "reports.duckdb"
    first = run_cli(raw, warehouse)
    assert first.returncode == 0 and "nothing new" not in first.stdout, first.stderr[-2000:]
    built, before = warehouse.stat().st_mtime_ns, snapshot(warehouse)

    again = run_cli(raw, warehouse)
    assert again.returncode == 0 and again.stdout.startswith("nothing new"), again.stdout + again.stderr[-2000:]
    assert "reports_job" not in again.stderr and "loaded            4" in again.stdout  # no Dagster run
    assert warehouse.stat().st_mtime_ns == built

    budget = run_cli(raw, warehouse, REPORTS_MAX_TEXT_MB="3")  # a setting that decides what is read
    assert budget.returncode == 0 and "nothing new" not in budget.stdout
    assert snapshot(warehouse) == before

    for f in RAW.glob("004*"):
        shutil.copy(f, raw)
    grown = run_cli(raw, warehouse)
    assert grown.returncode == 0 and "nothing new" not in grown.stdout and "loaded            5" in grown.stdout

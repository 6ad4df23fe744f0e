"""Settings checked before any work: a run that cannot succeed says why in one line and stops.

A misspelled `REPORTS_RAW_DIR` used to republish an existing warehouse silently; a warehouse
path that is a folder failed only at publish, leaving its temp file behind. These checks run
first, in `make run` and in every Dagster run (the warehouse resource calls them).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb


def _published_reports(warehouse: Path) -> int:
    """Reports in a published warehouse (0 when it is missing or unreadable)."""
    if not warehouse.is_file():
        return 0
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return 0
    try:
        return int(con.execute("select count(*) from core.report").fetchone()[0])
    except duckdb.Error:
        return 0
    finally:
        con.close()


def _has_entries(folder: Path) -> bool:
    with os.scandir(folder) as it:
        return any(True for _ in it)


def preflight(raw: Path, warehouse: Path, allow_empty: bool = False) -> list[str]:
    """What stops a run before it starts, one line each (empty when all is well)."""
    if not raw.exists():
        return [f"the raw folder {raw} does not exist (check REPORTS_RAW_DIR)"]
    if not raw.is_dir():
        return [f"the raw folder {raw} is not a folder (check REPORTS_RAW_DIR)"]
    try:
        empty = not _has_entries(raw)
    except OSError as exc:
        return [f"the raw folder {raw} cannot be read ({exc.strerror or exc})"]
    if warehouse.is_dir():
        return [f"the warehouse path {warehouse} is a folder; REPORTS_WAREHOUSE must name a .duckdb file"]
    if warehouse.exists() and not warehouse.is_file():
        return [f"the warehouse path {warehouse} is not a regular file"]
    try:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=warehouse.parent, prefix=".write-test-"):
            pass
    except OSError as exc:
        return [f"the warehouse folder {warehouse.parent} cannot be written ({exc.strerror or exc})"]
    if empty and not allow_empty:
        loaded = _published_reports(warehouse)
        if loaded:
            return [f"the raw folder {raw} is empty, but {warehouse} holds {loaded} reports: not rebuilt or "
                    "republished (a wrong REPORTS_RAW_DIR or an unmounted disk?); set REPORTS_ALLOW_EMPTY_RAW=1 "
                    "to run anyway"]
        return [f"the raw folder {raw} is empty: nothing to load (put report files in it, or check REPORTS_RAW_DIR)"]
    return []


def remove_stale_files(warehouse: Path) -> list[Path]:
    """Temp files a killed publish left beside the warehouse (call while holding the run lock:
    then no other run can be writing one)."""
    removed = []
    for tmp in sorted(warehouse.parent.glob(f".{warehouse.name}.*.tmp")) + sorted(
            warehouse.parent.glob(f".{warehouse.name}.published.json.part")):
        try:
            tmp.unlink()
            removed.append(tmp)
        except OSError:
            continue
    return removed

"""Run settings, read from the environment with defaults relative to the repo."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO = Path(__file__).resolve().parent.parent
MB = 1 << 20


class Settings(BaseSettings):
    """Where the reports come from, where the warehouse goes, and the limits of one run.

    `REPORTS_RAW_DIR` and `REPORTS_WAREHOUSE` override the defaults; relative paths are
    taken from the repo root so `make run` and `dagster dev` agree wherever they start.
    The limits keep a run's memory within `REPORTS_MEMORY_BUDGET_MB` whatever lands in the
    folder: a stage holds at most `REPORTS_BATCH_FILES` files and `REPORTS_BATCH_MB` of them at
    once, and a file over `REPORTS_MAX_FILE_MB` (or whose text is over `REPORTS_MAX_TEXT_MB`) is
    quarantined as too large instead of being read.
    """

    model_config = SettingsConfigDict(env_prefix="REPORTS_", extra="ignore")

    raw_dir: Path = Field(default=Path("raw"))
    warehouse: Path = Field(default=Path("warehouse/reports.duckdb"))
    batch_files: int = Field(default=500, gt=0, description="files a stage processes at a time")
    memory_budget_mb: int = Field(default=2048, gt=0, description="peak memory a run is built to stay under")
    # unset, these follow the budget: the worst 4 MB text found (a number every 10 characters) peaked
    # at 1.6 GB for the whole run, a 4 MB ordinary report near 600 MB; the text limit keeps a 2x margin
    batch_mb: float | None = Field(default=None, gt=0, description="raw MB a stage holds at once (budget/128)")
    max_text_mb: float | None = Field(default=None, gt=0, description="a longer report is quarantined (budget/1024)")
    max_file_mb: float | None = Field(default=None, gt=0, description="a larger file is not read (budget/64)")
    lock_wait_seconds: float = Field(default=6 * 3600, ge=0,
                                     description="how long a run waits for another run holding the warehouse")
    shards: int = Field(default=2, ge=1, le=512,
                        description="workers a stage's files are spread over (by content hash); read when the "
                                    "definitions load")
    workers: int | None = Field(default=None, ge=1,
                                description="steps `make run` runs at once (default: the machine's cores)")
    parallel_files: int = Field(default=2000, ge=0,
                                description="from this many waiting files a run spreads its steps over processes")
    rebuild_share: float = Field(default=0.25, ge=0, le=1,
                                 description="from this share of changed files the core tables are rebuilt whole "
                                             "instead of for the changed files")
    alert_webhook: str = Field(default="", description="URL that failed runs are POSTed to, as JSON")
    allow_empty_raw: bool = Field(default=False,
                                  description="publish even when the raw folder of a loaded warehouse is empty")

    def resolved_raw_dir(self) -> Path:
        return self.raw_dir if self.raw_dir.is_absolute() else REPO / self.raw_dir

    def resolved_warehouse(self) -> Path:
        return self.warehouse if self.warehouse.is_absolute() else REPO / self.warehouse

    @property
    def max_workers(self) -> int:
        return self.workers or os.cpu_count() or 1

    @property
    def max_file_bytes(self) -> int:
        return int((self.max_file_mb or self.memory_budget_mb / 64) * MB)

    @property
    def max_text_bytes(self) -> int:
        return int((self.max_text_mb or self.memory_budget_mb / 1024) * MB)

    @property
    def batch_bytes(self) -> int:
        return int((self.batch_mb or self.memory_budget_mb / 128) * MB)

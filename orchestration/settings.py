"""Run settings, read from the environment with defaults relative to the repo."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Where the reports come from and where the warehouse goes.

    `REPORTS_RAW_DIR` and `REPORTS_WAREHOUSE` override the defaults; relative paths are
    taken from the repo root so `make run` and `dagster dev` agree wherever they start.
    `REPORTS_BATCH_FILES` sets how many files a stage holds in memory at once.
    """

    model_config = SettingsConfigDict(env_prefix="REPORTS_", extra="ignore")

    raw_dir: Path = Field(default=Path("raw"))
    warehouse: Path = Field(default=Path("warehouse/reports.duckdb"))
    batch_files: int = Field(default=500, gt=0, description="files a stage processes at a time")

    def resolved_raw_dir(self) -> Path:
        return self.raw_dir if self.raw_dir.is_absolute() else REPO / self.raw_dir

    def resolved_warehouse(self) -> Path:
        return self.warehouse if self.warehouse.is_absolute() else REPO / self.warehouse

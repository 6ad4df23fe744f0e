"""The Dagster code location: every asset from the raw files to the SQL models, with checks."""

from __future__ import annotations

import dagster as dg

from orchestration.assets.models import MODEL_ASSETS, catalogue_seeds, published_warehouse
from orchestration.assets.staging import STAGE_ASSETS
from orchestration.automation import alert_on_failure, daily_schedule, raw_folder_sensor, reports_job
from orchestration.checks import CHECKS
from orchestration.mart_checks import MART_CHECKS
from orchestration.resources import Warehouse

# one process: the working DuckDB file takes one writer at a time
defs = dg.Definitions(
    assets=[*STAGE_ASSETS, catalogue_seeds, *MODEL_ASSETS, published_warehouse],
    asset_checks=[*CHECKS, *MART_CHECKS],
    jobs=[reports_job],
    schedules=[daily_schedule],
    sensors=[raw_folder_sensor, alert_on_failure],
    resources={"warehouse": Warehouse()},
    executor=dg.in_process_executor,
)

"""The Dagster code location: every asset from the raw files to the SQL models, with checks."""

from __future__ import annotations

import dagster as dg

from orchestration.assets.models import MODEL_ASSETS, catalogue_seeds, model_changes, published_warehouse
from orchestration.assets.staging import STAGE_ASSETS
from orchestration.automation import alert_on_failure, daily_schedule, raw_folder_sensor, reports_job
from orchestration.checks import CHECKS
from orchestration.executor import warehouse_executor
from orchestration.mart_checks import MART_CHECKS
from orchestration.resources import Warehouse
from orchestration.step_outputs import quiet_fs_io_manager

# steps in processes of their own, the run lock held for the whole run (orchestration.executor);
# tests and the bench's in-process builds run the same graph in one process
defs = dg.Definitions(
    assets=[*STAGE_ASSETS, catalogue_seeds, model_changes, *MODEL_ASSETS, published_warehouse],
    asset_checks=[*CHECKS, *MART_CHECKS],
    jobs=[reports_job],
    schedules=[daily_schedule],
    sensors=[raw_folder_sensor, alert_on_failure],
    resources={"warehouse": Warehouse(), "io_manager": quiet_fs_io_manager},
    executor=warehouse_executor,
)


def reports_job_definition() -> dg.JobDefinition:
    """The job, by a module-level function: the executor's step processes rebuild it from here."""
    return defs.resolve_job_def("reports_job")

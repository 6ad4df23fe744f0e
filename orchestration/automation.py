"""The daily schedule and the raw-folder sensor; both run the same job."""


import hashlib

import dagster as dg

from orchestration.settings import Settings

reports_job = dg.define_asset_job(
    "reports_job", selection=dg.AssetSelection.all(),
    description="Load new or changed report files from the raw folder and publish the warehouse.",
)

daily_schedule = dg.ScheduleDefinition(
    name="daily_reports", job=reports_job, cron_schedule="0 6 * * *", execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def folder_fingerprint() -> str:
    """Names, sizes and modification times of the raw folder: cheap, and changes with any new file."""
    folder = Settings().resolved_raw_dir()
    digest = hashlib.sha256()
    for p in sorted(folder.rglob("*")) if folder.exists() else []:
        if p.is_file() and not p.name.startswith("."):
            st = p.stat()
            digest.update(f"{p.relative_to(folder)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@dg.sensor(job=reports_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED,
           description="Starts a run when files land in (or change in) the raw folder.")
def raw_folder_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    fingerprint = folder_fingerprint()
    if fingerprint == context.cursor:
        return dg.SkipReason("raw folder unchanged")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=fingerprint)], cursor=fingerprint)

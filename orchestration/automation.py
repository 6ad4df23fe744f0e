"""The daily schedule, the raw-folder sensor and the failure alert; the first two run the same job.

The sensor heals the daily loop: it compares the raw folder with what the last *successful* run
published (not with what it last asked for), so a run that failed (a locked work database, a
crash) is asked for again without any new file landing, after a back-off that grows with each
failure of the same folder state. A failed run also leaves a line in the alert log beside the
warehouse (and a webhook call when one is set).
"""

from __future__ import annotations

import time

import dagster as dg

from orchestration.alerts import send_alert
from orchestration.raw_folder import fingerprint
from orchestration.resources import Warehouse
from orchestration.settings import Settings

JOB = "reports_job"
FINGERPRINT_TAG = "reports/raw_fingerprint"
RETRY_AFTER_SECONDS = (60, 300, 900, 3600)  # after the 1st, 2nd, 3rd, later failures of one folder state

reports_job = dg.define_asset_job(
    JOB, selection=dg.AssetSelection.all(),
    description="Load new or changed report files from the raw folder and publish the warehouse.",
)

daily_schedule = dg.ScheduleDefinition(
    name="daily_reports", job=reports_job, cron_schedule="0 6 * * *", execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

IN_FLIGHT = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
             dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


def folder_fingerprint() -> str:
    """Names, sizes and modification times of every entry of the raw folder (no link followed)."""
    folder = Settings().resolved_raw_dir()
    return fingerprint(folder) if folder.is_dir() else ""


def decide(instance: dg.DagsterInstance | None, current: str, published: str | None,
           now: float) -> dg.RunRequest | dg.SkipReason:
    """Whether the raw folder in state `current` needs a run, given what was last published."""
    if not current:
        return dg.SkipReason("the raw folder is missing or not a folder")
    if current == published:
        return dg.SkipReason("raw folder unchanged since the last successful run")
    if instance is not None:
        running = instance.get_runs(dg.RunsFilter(job_name=JOB, statuses=IN_FLIGHT), limit=1)
        if running:
            return dg.SkipReason(f"run {running[0].run_id} is in progress; the folder is looked at again after it")
        failed = instance.get_run_records(
            dg.RunsFilter(job_name=JOB, tags={FINGERPRINT_TAG: current}, statuses=[dg.DagsterRunStatus.FAILURE]),
            limit=4 * len(RETRY_AFTER_SECONDS))
        # the instance's own retries of a run (dagster/parent_run_id) are one failure, not several
        failed = [r for r in failed if "dagster/parent_run_id" not in r.dagster_run.tags] or failed[:1]
        if failed:
            wait = RETRY_AFTER_SECONDS[min(len(failed), len(RETRY_AFTER_SECONDS)) - 1]
            ended = failed[0].end_time or failed[0].create_timestamp.timestamp()
            if now - ended < wait:
                return dg.SkipReason(f"{len(failed)} run(s) failed on this folder state; retrying "
                                     f"{wait - (now - ended):.0f} s from now")
    return dg.RunRequest(tags={FINGERPRINT_TAG: current})


@dg.sensor(job=reports_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED,
           description="Starts a run when the raw folder differs from what the last successful run published: "
                       "new or changed files, or files a failed run did not load (retried with a back-off).")
def raw_folder_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    current = folder_fingerprint()
    try:
        instance = context.instance
    except Exception:  # noqa: BLE001 - a context built in a test may have no instance
        instance = None
    decision = decide(instance, current, Warehouse().published_state().get("fingerprint"), time.time())
    if isinstance(decision, dg.SkipReason):
        return decision
    return dg.SensorResult(run_requests=[decision], cursor=current)


@dg.run_failure_sensor(monitored_jobs=[reports_job], default_status=dg.DefaultSensorStatus.RUNNING,
                       description="Writes every failed run to the alert log beside the warehouse "
                                   "(and to REPORTS_ALERT_WEBHOOK when set).")
def alert_on_failure(context: dg.RunFailureSensorContext) -> None:
    steps = [f"{e.step_key}: {last_line(e.dagster_event.step_failure_data.error)}"
             for e in context.instance.all_logs(context.dagster_run.run_id,
                                                of_type=dg.DagsterEventType.STEP_FAILURE)
             if e.dagster_event and e.dagster_event.step_failure_data]
    message = "; ".join(dict.fromkeys(steps)) or context.failure_event.message or "the run failed"
    send_alert(Warehouse().published_path, context.dagster_run.run_id, message, Settings().alert_webhook)


def last_line(error: object) -> str:
    """The innermost cause of a Dagster error, one line (the message a person can act on)."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    text = (getattr(error, "message", "") or "").strip()
    # DuckDB ends some errors with a link to its docs: the line before it says what went wrong
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("See also http")]
    return lines[-1] if lines else getattr(error, "cls_name", "error")

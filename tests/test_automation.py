"""The daily schedule and the raw-folder sensor start the same job, only when they should, and
the loop heals itself: a failed run is asked for again without any new file, and leaves an alert."""

import subprocess
import sys
import time

import dagster as dg
import duckdb

from orchestration.automation import (
    FINGERPRINT_TAG,
    alert_on_failure,
    daily_schedule,
    decide,
    raw_folder_sensor,
)
from orchestration.definitions import defs
from orchestration.raw_folder import fingerprint
from orchestration.resources import Warehouse


def test_schedule_runs_the_job_daily_at_six_in_shanghai():
    assert daily_schedule.cron_schedule == "0 6 * * *"
    assert daily_schedule.execution_timezone == "Asia/Shanghai"
    assert daily_schedule.job_name == "reports_job"
    assert raw_folder_sensor.job_name == "reports_job"


def test_sensor_fires_until_a_run_publishes_the_folder(raw_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTS_RAW_DIR", str(raw_copy))
    monkeypatch.setenv("REPORTS_WAREHOUSE", str(tmp_path / "wh" / "reports.duckdb"))
    first = raw_folder_sensor(dg.build_sensor_context())
    assert isinstance(first, dg.SensorResult) and len(first.run_requests) == 1
    # nothing published yet: the next tick asks again (a cursor alone never hides the folder)
    again = raw_folder_sensor(dg.build_sensor_context(cursor=first.cursor))
    assert isinstance(again, dg.SensorResult)
    result = defs.resolve_job_def("reports_job").execute_in_process(instance=dg.DagsterInstance.ephemeral())
    assert result.success
    quiet = raw_folder_sensor(dg.build_sensor_context(cursor=first.cursor))
    assert isinstance(quiet, dg.SkipReason) and "unchanged" in quiet.skip_message
    (raw_copy / "new_report.txt").write_text("某镇2025年度法治政府建设情况的报告", encoding="utf-8")
    after = raw_folder_sensor(dg.build_sensor_context(cursor=first.cursor))
    assert isinstance(after, dg.SensorResult) and after.cursor != first.cursor


def _hold_work_database(path) -> subprocess.Popen:
    """Another process holding the working DuckDB open for writing, as an analyst's CLI might."""
    proc = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys, time; c = duckdb.connect({str(path)!r}); "
                               "print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_failed_run_is_retried_without_a_new_file_and_leaves_an_alert(raw_copy, tmp_path, monkeypatch):
    warehouse = tmp_path / "wh" / "reports.duckdb"
    monkeypatch.setenv("REPORTS_RAW_DIR", str(raw_copy))
    monkeypatch.setenv("REPORTS_WAREHOUSE", str(warehouse))
    instance = dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def("reports_job")
    state = fingerprint(raw_copy)
    request = decide(instance, state, None, time.time())
    assert isinstance(request, dg.RunRequest)

    work = Warehouse().work_path
    work.parent.mkdir(parents=True)
    duckdb.connect(str(work)).close()
    holder = _hold_work_database(work)
    try:
        failed = job.execute_in_process(instance=instance, tags=request.tags, raise_on_error=False)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert not failed.success
    assert not warehouse.exists()

    # the failure sensor writes the alert an operator reads
    failure = next(e for e in failed.all_events if e.event_type_value == "PIPELINE_FAILURE")
    context = dg.build_run_status_sensor_context(sensor_name="alert_on_failure", dagster_event=failure,
                                                 dagster_instance=instance, dagster_run=failed.dagster_run)
    alert_on_failure(context.for_run_failure())
    alert = (warehouse.parent / "alerts.log").read_text(encoding="utf-8")
    assert failed.run_id in alert and "held open by another process" in alert

    # no new file: right after the failure the sensor backs off, a minute later it asks again
    soon = decide(instance, fingerprint(raw_copy), None, time.time())
    assert isinstance(soon, dg.SkipReason) and "retrying" in soon.skip_message
    later = decide(instance, fingerprint(raw_copy), Warehouse().published_state().get("fingerprint"),
                   time.time() + 61)
    assert isinstance(later, dg.RunRequest) and later.tags[FINGERPRINT_TAG] == state
    retried = job.execute_in_process(instance=instance, tags=later.tags)
    assert retried.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.file_status where status = 'loaded'").fetchone()[0] == 5
    done = decide(instance, fingerprint(raw_copy), Warehouse().published_state().get("fingerprint"), time.time())
    assert isinstance(done, dg.SkipReason) and "unchanged" in done.skip_message

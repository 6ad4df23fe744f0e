"""The daily schedule and the raw-folder sensor start the same job, and only when they should."""

import dagster as dg

from orchestration.automation import daily_schedule, raw_folder_sensor


def test_schedule_runs_the_job_daily_at_six_in_shanghai():
    assert daily_schedule.cron_schedule == "0 6 * * *"
    assert daily_schedule.execution_timezone == "Asia/Shanghai"
    assert daily_schedule.job_name == "reports_job"


def test_sensor_fires_on_new_files_and_not_again(raw_copy, monkeypatch):
    monkeypatch.setenv("REPORTS_RAW_DIR", str(raw_copy))
    first = raw_folder_sensor(dg.build_sensor_context())
    assert isinstance(first, dg.SensorResult) and len(first.run_requests) == 1
    again = raw_folder_sensor(dg.build_sensor_context(cursor=first.cursor))
    assert isinstance(again, dg.SkipReason)
    (raw_copy / "new_report.txt").write_text("某镇2025年度法治政府建设情况的报告", encoding="utf-8")
    after = raw_folder_sensor(dg.build_sensor_context(cursor=first.cursor))
    assert isinstance(after, dg.SensorResult) and after.cursor != first.cursor
    assert raw_folder_sensor.job_name == "reports_job"

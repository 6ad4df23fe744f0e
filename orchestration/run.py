"""`make run`: materialise every asset on the raw folder, then print what the warehouse holds.

Runs go to the Dagster instance in $DAGSTER_HOME when it is set (so they show in the UI),
else to an ephemeral one. Settings are checked before any work; a second run waits for the
one holding the warehouse. Exit status: 0 done, 1 the run failed (an alert is written beside
the warehouse), 2 a setting is wrong or the warehouse stayed busy (one line, nothing done).
"""

import os
import sys
from pathlib import Path

import dagster as dg

from orchestration.alerts import send_alert
from orchestration.automation import last_line
from orchestration.definitions import defs
from orchestration.preflight import preflight
from orchestration.resources import Warehouse, read_published
from orchestration.runlock import WarehouseBusy, run_lock
from orchestration.settings import Settings


def summary(path: str) -> str:
    with read_published(Path(path)) as con:
        status = dict(con.execute("select status, count(*) from marts.file_status group by all").fetchall())
        facts, classified = con.execute(
            "select count(*), count(*) filter (indicator_code <> 'unclassified') from marts.report_facts"
        ).fetchone()
        reasons = con.execute(
            "select status, source_file, reason from marts.file_status where status in ('quarantined', 'skipped') "
            "order by 1, 2"
        ).fetchall()
    seen = sum(status.values())
    lines = [
        "",
        f"entries seen      {seen}",
        f"loaded            {status.get('loaded', 0)}",
        f"quarantined       {status.get('quarantined', 0)}",
        *[f"    {name}: {why}" for kind, name, why in reasons if kind == "quarantined"],
        f"skipped (unread)  {status.get('skipped', 0)}",
        *[f"    {name}: {why}" for kind, name, why in reasons if kind == "skipped"],
        *([f"pending           {status['pending']}"] if status.get("pending") else []),
        *([f"retracted         {status['retracted']}"] if status.get("retracted") else []),
        f"facts             {facts} ({classified} classified)",
        f"warehouse         {path}",
        f"open it with      .venv/bin/duckdb -readonly {path}   (or: make sql)",
    ]
    return "\n".join(lines)


def failure_messages(result: dg.ExecuteInProcessResult) -> list[str]:
    """The errors of a failed run, one line each, for the alert and the terminal."""
    out = []
    for event in result.all_events:
        data = event.event_specific_data
        error = getattr(data, "error", None)
        failed = event.is_failure or event.event_type_value in ("RESOURCE_INIT_FAILURE", "RUN_FAILURE")
        if failed and error is not None:
            out.append(f"{event.step_key or 'run'}: {last_line(error)}")
    return list(dict.fromkeys(out)) or ["the run failed (see the log above)"]


def main() -> int:
    cfg = Settings()
    warehouse = Warehouse()
    problems = preflight(warehouse.raw_path, warehouse.published_path, cfg.allow_empty_raw)
    if problems:
        print(f"make run: {problems[0]}", file=sys.stderr)
        return 2
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def("reports_job")
    try:
        with run_lock(warehouse.published_path, cfg.lock_wait_seconds, say=lambda s: print(s, file=sys.stderr)):
            result = job.execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
            )
    except WarehouseBusy as exc:
        print(f"make run: {exc}", file=sys.stderr)
        return 2
    if not result.success:
        messages = failure_messages(result)
        log = send_alert(warehouse.published_path, result.run_id, "; ".join(messages), cfg.alert_webhook)
        print("\nthe run failed; the published warehouse is unchanged:", file=sys.stderr)
        for line in messages:
            print(f"    {line}", file=sys.stderr)
        print(f"(written to {log})", file=sys.stderr)
        return 1
    print(summary(str(warehouse.published_path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make run`: materialise every asset on the raw folder, then print what the warehouse holds.

Runs go to the Dagster instance in $DAGSTER_HOME when it is set (so they show in the UI),
else to an ephemeral one. Settings are checked before any work; a second run waits for the
one holding the warehouse. Exit status: 0 done, 1 the run failed (an alert is written beside
the warehouse), 2 a setting is wrong or the warehouse stayed busy (one line, nothing done).
"""

import atexit
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from orchestration.alerts import send_alert
from orchestration.assets.staging import STAGE_ASSETS, STAGE_OF, STEPS, downstream, step_version
from orchestration.automation import last_line
from orchestration.definitions import defs
from orchestration.executor import multiprocess_config
from orchestration.preflight import preflight
from orchestration.raw_folder import fingerprint, listing_taken, walk
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


def waiting_files(work_path: Path, raw_files: int) -> dict[str, int]:
    """About how many files each stage will put through in the next run: the files of the raw folder
    the ledger has not seen (they go through every stage), plus the files its upstream stage passed
    that it has not processed at its current version (its code or knowledge changed, or a run stopped
    half way). Cheap (no hashing, ~0.1 s at 100,000 files): it only picks the executor."""
    if not work_path.exists():
        return dict.fromkeys(STEPS, raw_files)
    try:
        con = duckdb.connect(str(work_path), read_only=True)
    except duckdb.Error:
        return dict.fromkeys(STEPS, raw_files)
    try:
        known = con.execute("select count(distinct source_file) from stage.ledger where stage = 'raw'").fetchone()[0]
        stale = {name: con.execute(
            """select count(*) from (select source_file from stage.ledger where stage = ? and status = 'ok')
               anti join (select source_file from stage.ledger where stage = ? and version = ?) using (source_file)""",
            [step.upstream, name, step_version(step)]).fetchone()[0] for name, step in STEPS.items()}
    except duckdb.Error:
        return dict.fromkeys(STEPS, raw_files)
    finally:
        con.close()
    return {name: max(raw_files - known, 0) + n for name, n in stale.items()}


def phases(work_path: Path, raw_files: int) -> list[tuple[list[dg.AssetKey] | None, dict]]:
    """The runs `make run` starts, each (asset selection, None for all; run config). From
    `REPORTS_PARALLEL_FILES` waiting files up (and more than one worker), the stages with work and the
    stages below them go with each step in a process of its own, after the stages with nothing to do
    in one process (a step process costs a second to start: a catalogue change re-classifies every
    file, and the eight stages above it would spend half a minute starting processes to find no
    work); then the SQL models, checks and publish in one process: they are many small steps.
    Otherwise one run in one process."""
    cfg = Settings()
    waiting = waiting_files(work_path, raw_files)
    if cfg.max_workers == 1 or max(waiting.values(), default=0) < cfg.parallel_files:
        return [(None, {"execution": {"config": {"in_process": {}}}})]
    busy = {name for name, n in waiting.items() if n}
    spread = busy | {below for name in busy for below in downstream(name)}
    stages = [key for asset in STAGE_ASSETS for key in asset.keys]
    wide = [key for key in stages if STAGE_OF.get(key) in spread]
    in_process = {"execution": {"config": {"in_process": {}}}}
    if not wide:
        return [(None, in_process)]
    rest = [key for asset in defs.assets for key in asset.keys if key not in stages]
    return [([key for key in stages if key not in wide], in_process),
            (wide, {"execution": {"config": multiprocess_config()}}),
            (rest, in_process)]


def failure_messages(result: Any) -> list[str]:
    """The errors of a failed run (in-process or `execute_job`'s result), one line each, for the alert
    and the terminal."""
    out = []
    for event in result.all_events:
        data = event.event_specific_data
        error = getattr(data, "error", None)
        failed = event.is_failure or event.event_type_value in ("RESOURCE_INIT_FAILURE", "RUN_FAILURE")
        if failed and error is not None:
            out.append(f"{event.step_key or 'run'}: {last_line(error)}")
    return list(dict.fromkeys(out)) or ["the run failed (see the log above)"]


@contextmanager
def _instance() -> Iterator[dg.DagsterInstance]:
    """The instance in $DAGSTER_HOME (the UI shows the run), else a temporary one: step processes
    need an instance on disk, an in-memory one cannot be shared with them."""
    if os.environ.get("DAGSTER_HOME"):
        yield dg.DagsterInstance.get()
        return
    with tempfile.TemporaryDirectory(prefix="reports-dagster-") as home, \
            dg.DagsterInstance.local_temp(tempdir=home) as instance:
        yield instance


def main() -> int:
    cfg = Settings()
    warehouse = Warehouse()
    problems = preflight(warehouse.raw_path, warehouse.published_path, cfg.allow_empty_raw)
    if problems:
        print(f"make run: {problems[0]}", file=sys.stderr)
        return 2
    try:
        with run_lock(warehouse.published_path, cfg.lock_wait_seconds, say=lambda s: print(s, file=sys.stderr)):
            listed = list(walk(warehouse.raw_path))
            if warehouse.up_to_date(fingerprint(warehouse.raw_path, listed)):
                print("nothing new: the raw folder, the code and the settings are as the last published build "
                      "had them; no run started")
                print(summary(str(warehouse.published_path)))
                return 0
            success, run_id, messages = True, "", []
            with _instance() as instance, listing_taken(warehouse.raw_path, listed):
                for selection, config in phases(warehouse.work_path, len(listed)):
                    with dg.execute_job(
                            dg.build_reconstructable_job("orchestration.definitions", "reports_job_definition"),
                            instance=instance,
                            raise_on_error=False,
                            asset_selection=selection,
                            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}, **config},
                    ) as result:
                        success, run_id = result.success, result.run_id
                        messages = [] if success else failure_messages(result)
                    if not success:
                        break
    except WarehouseBusy as exc:
        print(f"make run: {exc}", file=sys.stderr)
        return 2
    if not success:
        log = send_alert(warehouse.published_path, run_id, "; ".join(messages), cfg.alert_webhook)
        print("\nthe run failed; the published warehouse is unchanged:", file=sys.stderr)
        for line in messages:
            print(f"    {line}", file=sys.stderr)
        print(f"(written to {log})", file=sys.stderr)
        return 1
    print(summary(str(warehouse.published_path)))
    return 0


def leave(code: int) -> None:
    """Exit without the interpreter's teardown of Dagster, polars and DuckDB (~0.5 s a run, on a
    run of 17): the run's work is written and closed by then; what registered to run at exit runs
    first, and the output is flushed."""
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    leave(main())

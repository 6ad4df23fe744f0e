"""`make run`: materialise every asset on the raw folder, then print what the warehouse holds.

Runs go to the Dagster instance in $DAGSTER_HOME when it is set (so they show in the UI),
else to an ephemeral one. Exit status 1 when the run failed.
"""

import os
import sys
from pathlib import Path

import dagster as dg

from orchestration.definitions import defs
from orchestration.resources import Warehouse, read_published


def summary(path: str) -> str:
    with read_published(Path(path)) as con:
        status = dict(con.execute("select status, count(*) from marts.file_status group by all").fetchall())
        facts, classified = con.execute(
            "select count(*), count(*) filter (indicator_code <> 'unclassified') from marts.report_facts"
        ).fetchone()
        reasons = con.execute(
            "select source_file, reason from marts.file_status where status = 'quarantined' order by 1"
        ).fetchall()
    seen = sum(status.values())
    lines = [
        "",
        f"files seen        {seen}",
        f"loaded            {status.get('loaded', 0)}",
        f"quarantined       {status.get('quarantined', 0)}",
        *[f"    {name}: {why}" for name, why in reasons],
        f"facts             {facts} ({classified} classified)",
        f"warehouse         {path}",
        f"open it with      .venv/bin/duckdb -readonly {path}   (or: make sql)",
    ]
    return "\n".join(lines)


def main() -> int:
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def("reports_job")
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
    )
    if not result.success:
        print("the run failed; see the errors above", file=sys.stderr)
        return 1
    print(summary(str(Warehouse().published_path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

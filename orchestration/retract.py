"""`make retract FILE=<source_file> REASON="…"`: take a report back out of the warehouse.

Deleting a file from the raw folder keeps its rows (files that leave the folder are not
forgotten), so taking a report back is an act of its own: the file's rows leave every stage
table, `marts.file_status` shows it `retracted` with the reason, and the warehouse is rebuilt
and republished at once. The retraction holds for that content: a changed file (a corrected
report, new hash) loads again. `--undo` lifts it.
"""

from __future__ import annotations

import argparse
import os
import sys

import dagster as dg

from orchestration.assets.staging import STEPS
from orchestration.resources import Warehouse
from orchestration.runlock import WarehouseBusy, run_lock
from orchestration.settings import Settings


def retract(warehouse: Warehouse, source_file: str, reason: str, undo: bool = False) -> str:
    """Record (or lift) the retraction of `source_file` in the working database; returns what was done."""
    with warehouse.connect() as con:
        row = con.execute("select sha256 from stage.raw_files where source_file = ?", [source_file]).fetchone()
        if row is None:
            raise SystemExit(f"make retract: no file {source_file!r} in the warehouse "
                             "(see marts.file_status for the names)")
        sha = row[0]
        con.execute("begin")
        if undo:
            con.execute("delete from stage.retracted where source_file = ?", [source_file])
            con.execute("delete from stage.ledger where source_file = ?", [source_file])
            con.execute("delete from stage.crashes where source_file = ?", [source_file])
            con.execute("delete from stage.quarantine where source_file = ?", [source_file])
            done = f"cleared {source_file}'s retraction and history; it is read afresh on this run"
        else:
            con.execute("delete from stage.retracted where source_file = ?", [source_file])
            con.execute("insert into stage.retracted (source_file, sha256, reason) values (?, ?, ?)",
                        [source_file, sha, reason or "retracted by an operator"])
            tables = {table for step in STEPS.values() for table in step.writes}
            for table in sorted(tables):
                con.execute(f"delete from {table} where source_file = ?", [source_file])
            con.execute("delete from stage.quarantine where source_file = ?", [source_file])
            con.execute("delete from stage.ledger where source_file = ? and stage <> 'raw'", [source_file])
            # not 'ok' at the raw stage: no later stage picks this content up again
            con.execute("update stage.ledger set status = 'retracted' where source_file = ? and stage = 'raw'",
                        [source_file])
            done = f"retracted {source_file}: {reason or 'retracted by an operator'}"
        con.execute("commit")
    warehouse.forget_published_state()
    return done


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make retract", description=__doc__.splitlines()[0])
    parser.add_argument("source_file", help="the file's source_file, as marts.file_status shows it")
    parser.add_argument("--reason", default="", help="why, in words (shown in marts.file_status)")
    parser.add_argument("--undo", action="store_true",
                        help="lift an earlier retraction, or make a set-aside file be read afresh")
    args = parser.parse_args(argv)
    if not args.source_file:
        parser.error("name the file: make retract FILE=<source_file> REASON=\"why\"")
    warehouse = Warehouse()
    cfg = Settings()
    try:
        with run_lock(warehouse.published_path, cfg.lock_wait_seconds):
            print(retract(warehouse, args.source_file, args.reason, args.undo))
            from orchestration.definitions import defs

            instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
            result = defs.resolve_job_def("reports_job").execute_in_process(instance=instance, raise_on_error=False)
    except WarehouseBusy as exc:
        print(f"make retract: {exc}", file=sys.stderr)
        return 2
    print("warehouse republished" if result.success else "the rebuild failed; see the log above", file=sys.stderr)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

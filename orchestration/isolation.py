"""One file never stops the others: files in flight are written down before a batch starts,
so a run that dies (out of memory, killed) leaves a trace the next run reads.

The next run counts a crash against every file that was in flight, retries each of them alone
(so a crash names its file), and sets aside a file that crashed the pipeline twice. Nothing
ever needs deleting by hand: a file that loads, changes or is set aside clears its count.
"""

from __future__ import annotations

import os
import signal

import duckdb
import polars as pl

DDL = """
create table if not exists stage.inflight (
    stage varchar, source_file varchar, sha256 varchar, pid integer,
    started_at timestamp default current_timestamp
);
create table if not exists stage.crashes (
    stage varchar, source_file varchar, sha256 varchar, crashed_at timestamp default current_timestamp
);
"""

CRASHES_TO_QUARANTINE = 2


def crash_reason(stage: str) -> str:
    return (f"crashed the pipeline twice: the process died (out of memory, or killed) while the {stage} "
            "stage was handling this file, so it is set aside and the other files load; it is tried "
            "again when the file changes")


def collect_crashes(con: duckdb.DuckDBPyConnection, stage: str) -> pl.DataFrame:
    """Turn what a dead run left in flight at `stage` into crash counts; return the counts
    (source_file, sha256, crashes) of files that have any."""
    con.execute("begin")
    con.execute("""insert into stage.crashes (stage, source_file, sha256)
                   select stage, source_file, sha256 from stage.inflight where stage = ?""", [stage])
    con.execute("delete from stage.inflight where stage = ?", [stage])
    con.execute("commit")
    return con.execute("""select source_file, sha256, count(*)::integer as crashes from stage.crashes
                          where stage = ? group by all order by all""", [stage]).pl()


def mark_inflight(con: duckdb.DuckDBPyConnection, stage: str, batch: pl.DataFrame, pid: int) -> None:
    rows = batch.select("source_file", "sha256")  # noqa: F841 - read by DuckDB
    con.execute("insert into stage.inflight (stage, source_file, sha256, pid) "
                "select ?, source_file, sha256, ? from rows", [stage, pid])


def clear_inflight(con: duckdb.DuckDBPyConnection, stage: str, batch: pl.DataFrame, done: bool) -> None:
    """The batch is over: no longer in flight; when `done`, its files' crash counts are cleared."""
    rows = batch.select("source_file")  # noqa: F841 - read by DuckDB
    con.execute("delete from stage.inflight where stage = ? and source_file in (select source_file from rows)",
                [stage])
    if done:
        con.execute("delete from stage.crashes where stage = ? and source_file in (select source_file from rows)",
                    [stage])


def die_with_parent() -> None:
    """A step subprocess (of the multiprocess executor) dies with the run that started it, so a
    killed run leaves no orphan still writing the spool or the working database (Linux only; a
    step running in the run's own process is left alone)."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is None:
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if not parent.is_alive():  # the parent died before the signal was armed
        os.kill(os.getpid(), signal.SIGKILL)


def plan_batches(todo: pl.DataFrame, max_files: int, max_bytes: int, alone: set[str]) -> list[pl.DataFrame]:
    """Cut `todo` (source_file, sha256, size) into batches of at most `max_files` files and
    `max_bytes` bytes (a larger file goes alone); files in `alone` (they crashed a run) each get a
    batch of their own, so a second crash names its file."""
    batches: list[pl.DataFrame] = []
    current: list[int] = []
    size = 0
    rows = todo.with_row_index("_i")
    for i, name, nbytes in rows.select("_i", "source_file", "size").iter_rows():
        nbytes = int(nbytes or 0)
        if name in alone:
            batches.append(rows.slice(i, 1))
            continue
        if current and (len(current) >= max_files or size + nbytes > max_bytes):
            batches.append(rows[current])
            current, size = [], 0
        current.append(i)
        size += nbytes
    if current:
        batches.append(rows[current])
    return [b.drop("_i") for b in sorted(batches, key=lambda b: b["_i"][0])]


def inject_fault(stage: str, batch: pl.DataFrame, kind: str) -> None:
    """Fault injection for the reliability tests, unset in every real run: with
    REPORTS_FAULT_KILL=stage:text the process kills itself (SIGKILL, as the kernel's out-of-memory
    killer would), with REPORTS_FAULT_RAISE=stage:text the stage raises, when `stage` handles a
    file whose name contains `text`."""
    spec = os.environ.get(f"REPORTS_FAULT_{kind.upper()}", "")
    want, _, text = spec.partition(":")
    if not spec or want != stage or not any(text in name for name in batch["source_file"].to_list()):
        return
    if kind == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    raise RuntimeError(f"injected fault at {stage}")

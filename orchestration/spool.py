"""A stage's work in three steps, so its batches can run in parallel (on two cores, or as pods of a
cluster) without ever sharing the one DuckDB writer:

1. **plan** (writes DuckDB): the files pending for the stage, split into shards by content hash and
   into batches bounded in files and bytes; each batch's inputs exported to the stage's spool folder
   as Parquet.
2. **work** (one per shard, touches no database): read a batch's Parquet, run the stage's pure
   transform, write its output as Parquet. An exception splits the batch into single files; a
   single file that fails is set aside with why. A marker is written before each batch and one
   after it, so a worker the kernel kills leaves a trace: the next plan counts a crash against the
   files of its unfinished batch (see orchestration.isolation).
3. **load** (writes DuckDB): every shard's output replaces the rows of its files and the ledger in
   one transaction.

The output does not depend on the number of shards, the batch size or the order the workers
finish in: each file is transformed on its own, and the load is one statement per table.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from orchestration.isolation import inject_fault

BATCH_COLUMNS = ["source_file", "sha256", "_shard", "_batch"]
# a stage's inputs are written once and read once, on the same disk, within the run: writing them
# compressed cost more than it saved (the normalized text of 100,000 reports, 1.3 GB: 1.4 s to write
# uncompressed, 3.6-6 s with DuckDB's default snappy; a plan writes it for each of five stages). A
# cluster whose spool is object storage may want "zstd" here.
SPOOL_COMPRESSION = "uncompressed"
QUARANTINE = pl.Schema({"source_file": pl.String, "sha256": pl.String, "reason": pl.String})


def shard_of(sha256: pl.Expr, shards: int) -> pl.Expr:
    """The shard of a file, from its content hash: stable across runs and machines."""
    return (sha256.str.slice(0, 8).str.to_integer(base=16, strict=False).fill_null(0) % shards).cast(pl.Int32)


@dataclass(frozen=True)
class Plan:
    """What the plan step hands to the workers and the load (small: paths and counts only)."""

    stage: str
    folder: str  # the stage's spool folder
    raw: str  # the raw folder, for a stage that reads the files themselves
    version: str
    reads: tuple[str, ...] = ()  # the names of the stage's inputs
    batches: dict[int, list[int]] = field(default_factory=dict)  # shard -> its batch numbers


def batch_name(shard: int, batch: int) -> str:
    return f"{shard:03d}-{batch:05d}"


def _names() -> pl.Expr:
    """`batch_name` of each row of a batch plan."""
    return pl.format("{}-{}", pl.col("_shard").cast(pl.String).str.zfill(3),
                     pl.col("_batch").cast(pl.String).str.zfill(5))


def unfinished(folder: Path) -> pl.DataFrame:
    """Files of batches a worker started and never finished (it was killed): source_file, sha256."""
    todo = folder / "todo.parquet"
    if not todo.exists():
        return pl.DataFrame(schema={"source_file": pl.String, "sha256": pl.String})
    started = {p.stem for p in (folder / "started").glob("*.mark")}
    done = {p.stem for p in (folder / "done").glob("*.mark")}
    return pl.read_parquet(todo).filter(_names().is_in(list(started - done))).select("source_file", "sha256")


@contextmanager
def one_thread(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB on one thread for the block, its thread count as it was after."""
    threads = con.execute("select current_setting('threads')").fetchone()[0]
    con.execute("set threads = 1")
    try:
        yield
    finally:
        con.execute(f"set threads = {int(threads)}")


def export_inputs(con: duckdb.DuckDBPyConnection, reads: dict[str, str], keys_sql: str, todo: pl.DataFrame,
                  folder: Path) -> None:
    """Write the batch plan and each argument's inputs to `folder`, one Parquet file per batch: one
    scan of each table for the whole stage (a scan per batch grew with the square of the corpus),
    single-threaded so each file keeps the rows in the order the table holds them."""
    if folder.exists():
        shutil.rmtree(folder)
    for sub in ("in", "out", "started", "done"):
        (folder / sub).mkdir(parents=True)
    todo.write_parquet(folder / "todo.parquet")
    con.register("keys", todo.select("source_file", "_shard", "_batch"))
    try:
        with one_thread(con):
            # a partition holds at most 64 rows before they go to its file, and at most 50 files stay
            # open: DuckDB's defaults (524,288 rows, 100 files) held a whole 100,000-report stage in memory
            con.execute("set partitioned_write_flush_threshold = 64")
            con.execute("set partitioned_write_max_open_files = 50")
            for arg, sql in reads.items():
                query, out = sql.replace("{KEYS}", keys_sql), folder / "in" / arg
                con.execute(f"copy (select * from ({query}) limit 0) to '{out}.parquet' (format parquet)")
                if todo.height:
                    con.execute(f"""copy (select s.*, k._shard, k._batch
                                          from ({query}) s join keys k using (source_file))
                                    to '{out}' (format parquet, partition_by (_shard, _batch),
                                    compression {SPOOL_COMPRESSION})""")
    finally:
        con.unregister("keys")


def read_input(folder: Path, arg: str, shard: int, batch: int) -> pl.DataFrame:
    """One batch's rows of one argument (none: an empty frame of the argument's columns)."""
    # a partition closed to keep 50 files open goes on in data_1, data_2, …: read them in that order
    files = sorted((folder / "in" / arg / f"_shard={shard}" / f"_batch={batch}").glob("*.parquet"),
                   key=lambda p: int(p.stem.rsplit("_", 1)[-1]) if p.stem.rsplit("_", 1)[-1].isdigit() else -1)
    empty = pl.read_parquet(folder / "in" / f"{arg}.parquet")
    return pl.concat([pl.read_parquet(f) for f in files], how="vertical_relaxed") if files else empty


def run_shard(plan: Plan, shard: int, run: Callable[..., dict[str, pl.DataFrame]], writes: dict[str, pl.Schema],
              reads_folder: bool, failure_reason: Callable[[str, BaseException], str],
              log: Callable[[str], None] = lambda _: None) -> dict[str, int]:
    """Run the stage's transform on every batch of `shard`; write outputs beside the inputs."""
    folder = Path(plan.folder)
    todo = pl.read_parquet(folder / "todo.parquet").filter(pl.col("_shard") == shard)
    counts = {"files": 0, "rows": 0, "quarantined": 0}
    for batch in plan.batches.get(shard, []):
        name = batch_name(shard, batch)
        files = todo.filter(pl.col("_batch") == batch).select("source_file", "sha256")
        marker = folder / "started" / f"{name}.mark"
        marker.touch()
        try:
            inject_fault(plan.stage, files, "kill")
            inputs = {arg: read_input(folder, arg, shard, batch) for arg in plan.reads}
            extra = {"folder": Path(plan.raw)} if reads_folder else {}
            outputs, bad = _transform(plan.stage, run, writes, files, inputs, extra, failure_reason)
            out = folder / "out" / name
            out.mkdir(exist_ok=True)
            for table, frame in outputs.items():
                frame.select(writes[table].names()).write_parquet(out / f"{table}.parquet")
            bad.write_parquet(out / "quarantine.parquet")
        except BaseException:
            marker.unlink(missing_ok=True)  # interrupted or failed around the transform: no crash is counted
            raise
        (folder / "done" / f"{name}.mark").touch()
        counts["files"] += files.height
        counts["rows"] += outputs[next(iter(writes))].height
        counts["quarantined"] += bad.height
        log(f"{plan.stage} shard {shard}: batch {batch} done ({files.height} files)")
    return counts


def _transform(stage: str, run: Callable[..., dict[str, pl.DataFrame]], writes: dict[str, pl.Schema],
               files: pl.DataFrame, inputs: dict[str, pl.DataFrame], extra: dict,
               failure_reason: Callable[[str, BaseException], str]) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """One batch through the transform; on an exception each file alone, a failing one set aside."""
    from transforms import schemas

    try:
        inject_fault(stage, files, "raise")
        if next(iter(inputs.values())).height:
            outputs = dict(run(todo=files, **inputs, **extra))
        else:
            outputs = {table: schemas.empty(schema) for table, schema in writes.items()}
        bad = outputs.pop("quarantine", None)
        bad = pl.DataFrame(schema=QUARANTINE) if bad is None else bad.select(QUARANTINE.names())
        return {t: outputs[t] for t in writes}, bad
    except Exception as exc:  # noqa: BLE001 - any failure is one file's problem, never the run's
        if files.height > 1:
            results = []
            for name in files["source_file"].to_list():
                one = {arg: f.filter(pl.col("source_file") == name) for arg, f in inputs.items()}
                results.append(_transform(stage, run, writes, files.filter(pl.col("source_file") == name), one,
                                          extra, failure_reason))
            merged = {t: pl.concat([r[0][t] for r in results], how="diagonal_relaxed") for t in writes}
            return merged, pl.concat([r[1] for r in results])
        bad = files.select("source_file", "sha256", reason=pl.lit(failure_reason(stage, exc)))
        return {table: schemas.empty(schema) for table, schema in writes.items()}, bad


def load_outputs(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], files: list[str]) -> None:
    """Append the rows of a stage's output files to `table`, in batch order, on one thread. In
    parallel DuckDB keeps the order but leaves the row groups 78-96 % full (a cold build's stage.facts:
    16 row groups of 110,000-118,000 rows where 122,880 fit), and the first small append after that
    lets a checkpoint merge the table's last row groups: 0.5-0.85 s of the first daily run after a
    cold build, for stage.facts alone. On one thread the row groups are full; a cold build's loads
    take ~1.5 s longer in all (stage.facts' 2.2 s became 3.2, stage.sentences' 6.9 s stayed 6.8)."""
    names = ", ".join(f'"{c}"' for c in columns)
    with one_thread(con):
        con.execute(f"insert into {table} ({names}) select {names} from read_parquet(?)", [files])


def outputs_of(plan: Plan, table: str) -> list[str]:
    """The Parquet files holding `table`'s rows, in batch order (the load reads them in one scan)."""
    out = Path(plan.folder) / "out"
    return [str(p) for p in sorted(out.glob(f"*/{table}.parquet"))]


def finished(plan: Plan) -> pl.DataFrame:
    """The files of the batches every worker finished (source_file, sha256)."""
    folder = Path(plan.folder)
    done = {p.stem for p in (folder / "done").glob("*.mark")}
    return pl.read_parquet(folder / "todo.parquet").filter(_names().is_in(list(done))).select("source_file", "sha256")

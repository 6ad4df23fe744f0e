"""Stages spread over shards and step processes (the multiprocess executor) build the same warehouse
as one process with one shard; a worker process the kernel kills is handled like a killed run.

Each test runs the real CLI, as `make run` does, with `REPORTS_PARALLEL_FILES=0` so even the samples
go through the multiprocess executor."""

from __future__ import annotations

import shutil

import duckdb

from tests.conftest import RAW
from tests.test_reliability import differences, run_cli, snapshot


def test_parallel_build_equals_single_process_build(corpus, tmp_path):
    single = tmp_path / "single" / "reports.duckdb"
    wide = tmp_path / "wide" / "reports.duckdb"
    one = run_cli(corpus, single, REPORTS_SHARDS="1", REPORTS_WORKERS="1")
    assert one.returncode == 0, one.stderr[-3000:]
    assert "in subprocess" not in one.stderr
    many = run_cli(corpus, wide, REPORTS_SHARDS="3", REPORTS_WORKERS="2", REPORTS_PARALLEL_FILES="0",
                   REPORTS_BATCH_FILES="1")
    assert many.returncode == 0, many.stderr[-3000:]
    assert "in subprocess" in many.stderr and "indicator_facts__shard_2" in many.stderr
    assert not differences(snapshot(single), snapshot(wide)), differences(snapshot(single), snapshot(wide))
    assert one.stdout.splitlines()[1:] == many.stdout.replace(str(wide), str(single)).splitlines()[1:]


def test_a_worker_process_killed_on_a_file_is_retried_once_then_the_file_set_aside(tmp_path):
    """The worker of one shard dies (as the kernel's out-of-memory killer would kill it): the run
    fails and the published warehouse is untouched; the next run retries the files of the batch it
    was on, each alone, and dies on the culprit again; the third sets the culprit aside."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    warehouse = tmp_path / "wh" / "reports.duckdb"
    culprit = sorted(p.name for p in raw.iterdir())[2]
    env = {"REPORTS_PARALLEL_FILES": "0", "REPORTS_FAULT_KILL": f"mentions:{culprit}"}
    first = run_cli(raw, warehouse, **env)
    assert first.returncode == 1 and not warehouse.exists(), first.stderr[-2000:]
    assert "quantity_mentions.quantity_mentions__shard" in first.stderr
    runs = [run_cli(raw, warehouse, **env) for _ in range(2)]
    assert [r.returncode for r in runs] == [1, 0], [r.stderr[-2000:] for r in runs]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = dict(con.execute("select source_file, status from marts.file_status").fetchall())
        reason = con.execute("select reason from marts.file_status where source_file = ?", [culprit]).fetchone()[0]
    assert rows.pop(culprit) == "quarantined" and "crashed the pipeline twice" in reason
    assert set(rows.values()) == {"loaded"}


def test_a_batch_reads_back_its_rows_in_table_order_however_many_files_it_was_written_to(tmp_path):
    """The plan writes every batch of a stage in one scan, with at most 50 files open and 64 rows held
    per batch: a batch can land in several files (data_0, data_1, … data_11). Read back, each batch
    has exactly its rows, in the order the table holds them."""
    import duckdb
    import polars as pl

    from orchestration.spool import export_inputs, read_input

    con = duckdb.connect()
    rows = pl.DataFrame({"source_file": [f"f{i % 120:03d}" for i in range(6000)], "n": list(range(6000))})
    con.execute("create table t as select * from rows")
    files = sorted(set(rows["source_file"]))
    todo = pl.DataFrame({"source_file": files, "sha256": ["0" * 64] * len(files),
                         "_shard": [i % 2 for i in range(len(files))], "_batch": [i // 2 for i in range(len(files))]},
                        schema_overrides={"_shard": pl.Int32, "_batch": pl.Int32})
    export_inputs(con, {"t": "select * from t where {KEYS}"}, "source_file in (select source_file from keys)",
                  todo, tmp_path / "spool")
    written = list((tmp_path / "spool" / "in" / "t").rglob("data_*.parquet"))
    assert len(written) > len(files)  # some batches went to more than one file
    for shard, batch, names in todo.group_by("_shard", "_batch").agg("source_file").iter_rows():
        got = read_input(tmp_path / "spool", "t", shard, batch)
        want = rows.filter(pl.col("source_file").is_in(names))
        assert got.equals(want), (shard, batch)
    assert read_input(tmp_path / "spool", "t", 9, 9).columns == ["source_file", "n"]  # no rows: the columns


def test_only_the_stages_with_work_and_those_below_them_are_spread_over_processes(built, monkeypatch):
    """A catalogue change re-classifies every file in the facts stage alone: the stages above it, with
    nothing to do, run in one process first (each step in a process of its own costs a second to find
    no work); a new crop spreads every stage; nothing waiting is one run in one process."""
    from orchestration import run
    from orchestration.assets.staging import FACTS, STAGE_ASSETS
    from orchestration.resources import Warehouse

    _, warehouse, result = built
    assert result.success
    work = Warehouse(path=str(warehouse)).work_path
    monkeypatch.setenv("REPORTS_PARALLEL_FILES", "3")
    monkeypatch.setenv("REPORTS_WORKERS", "2")
    waiting = run.waiting_files(work, 5)  # the five samples, all loaded: no stage waits
    assert len(waiting) == len(STAGE_ASSETS) - 1 and set(waiting.values()) == {0}
    assert run.phases(work, 5) == [(None, {"execution": {"config": {"in_process": {}}}})]

    stage_version = run.step_version
    monkeypatch.setattr(run, "step_version", lambda step: "edited" if step is FACTS else stage_version(step))
    first, wide, rest = run.phases(work, 5)
    assert [k.path[-1] for k in wide[0]] == ["indicator_facts"] and "multiprocess" in wide[1]["execution"]["config"]
    assert len(first[0]) == len(STAGE_ASSETS) - 1 and "in_process" in first[1]["execution"]["config"]
    assert {"model_changes", "published_warehouse"} <= {k.path[-1] for k in rest[0]}

    many = run.phases(work, 5 + 10)  # ten files the ledger has not seen: every stage takes them
    assert [k.path[-1] for k in many[0][0]] == ["raw_report_files"] and len(many[1][0]) == len(STAGE_ASSETS) - 1


def test_a_load_of_many_batch_files_fills_every_row_group_but_the_last(tmp_path):
    """A stage's load appends ~40 batch files at a national crop's cold build. DuckDB in parallel left
    the row groups 78-96 % full, which the first daily run then paid to merge; the load runs on one
    thread (whatever the connection had, given back after) and the row groups come out full, the rows
    in batch order."""
    import duckdb
    import polars as pl

    from orchestration.spool import load_outputs

    files = []
    for batch in range(40):
        path = tmp_path / f"{batch:03d}.parquet"
        start = batch * 10_000
        pl.DataFrame({"source_file": [f"f{batch:03d}"] * 10_000, "n": range(start, start + 10_000)}).write_parquet(path)
        files.append(str(path))
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("set threads = 4")
    con.execute("create table t (source_file varchar, n bigint, extra varchar)")
    load_outputs(con, "t", ["source_file", "n"], files)
    con.execute("checkpoint")
    assert con.execute("select current_setting('threads')").fetchone()[0] == 4
    groups = [n for (n,) in con.execute("select max(count) from pragma_storage_info('t') where column_id = 0 "
                                        "group by row_group_id order by row_group_id").fetchall()]
    assert sum(groups) == 400_000
    assert groups[:-1] == [122_880] * (len(groups) - 1), groups
    assert con.execute("select bool_and(n = rowid) from t").fetchone()[0]

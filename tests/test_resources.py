"""The warehouse helpers: replacing a file's rows, the ledger, and a table that gains or loses a column."""

import duckdb
import polars as pl

from orchestration.resources import LEDGER_DDL, drop_removed_columns, pending, record, replace_rows

OLD = pl.Schema({"source_file": pl.String, "value": pl.Int64})
NEW = pl.Schema({"source_file": pl.String, "value": pl.Int64, "note": pl.String})


def test_replace_rows_swaps_a_files_rows_and_grows_new_columns(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute(LEDGER_DDL)
    replace_rows(con, "stage.t", OLD, pl.DataFrame({"source_file": ["a", "a", "b"], "value": [1, 2, 3]}), ["a", "b"])
    newer = pl.DataFrame({"source_file": ["a"], "value": [9], "note": ["changed"]})
    replace_rows(con, "stage.t", NEW, newer, ["a"])
    rows = sorted(con.execute("select source_file, value, note from stage.t").fetchall())
    assert rows == [("a", 9, "changed"), ("b", 3, None)]


def test_a_column_a_release_took_out_of_a_stage_leaves_its_table(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute(LEDGER_DDL)
    replace_rows(con, "stage.t", NEW, pl.DataFrame({"source_file": ["a"], "value": [1], "note": ["x"]}), ["a"])
    drop_removed_columns(con, "stage.t", OLD)
    assert con.execute("select * from stage.t").fetchall() == [("a", 1)]
    drop_removed_columns(con, "stage.t", OLD)  # nothing left to drop
    assert [r[0] for r in con.execute("describe stage.t").fetchall()] == ["source_file", "value"]


def test_pending_follows_hash_and_version_and_skips_quarantined(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute(LEDGER_DDL)
    files = pl.DataFrame({"source_file": ["a", "b"], "sha256": ["h1", "h2"]})
    bad = pl.DataFrame({"source_file": ["b"], "sha256": ["h2"], "reason": ["empty file"]})
    record(con, "raw", "", files, bad)
    assert pending(con, "docs", "raw", "v1")["source_file"].to_list() == ["a"]
    record(con, "docs", "v1", pending(con, "docs", "raw", "v1"))
    assert pending(con, "docs", "raw", "v1").height == 0
    assert pending(con, "docs", "raw", "v2")["source_file"].to_list() == ["a"]  # new code or catalogue
    record(con, "raw", "", pl.DataFrame({"source_file": ["a"], "sha256": ["h3"]}))  # the file changed
    assert pending(con, "docs", "raw", "v1")["source_file"].to_list() == ["a"]
    assert con.execute("select source_file, reason from stage.quarantine").fetchall() == [("b", "empty file")]


def test_a_published_file_held_read_write_is_read_from_a_snapshot(tmp_path):
    """An analyst's read-write CLI session holds an exclusive lock; the run summary still reads."""
    import subprocess
    import sys

    from orchestration.resources import read_published

    path = tmp_path / "reports.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table t as select 42 as answer")
    con.close()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(path)!r}); "
                               "print('held', flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with read_published(path) as reader:
            assert reader.execute("select answer from t").fetchone() == (42,)
    finally:
        holder.kill()


def test_stage_versions_follow_the_code_and_data_each_stage_reads(tmp_path):
    """A catalogue edit re-runs only the stages whose code names it; an upstream change re-runs all below."""
    from orchestration.resources import code_version

    root = tmp_path / "transforms"
    (root / "data").mkdir(parents=True)
    (root / "schemas.py").write_text("X = 1\n")
    (root / "normalize.py").write_text("from transforms.schemas import X\n")
    (root / "indicators.py").write_text('from transforms import schemas\nCAT = "indicators.csv"\n')
    (root / "data" / "indicators.csv").write_text("code,cues\na,调解\n")

    def versions():
        norm = code_version(["normalize"], "", root)
        return norm, code_version(["indicators"], norm, root)

    norm, facts = versions()
    (root / "data" / "indicators.csv").write_text("code,cues\na,调解 化解\n")
    assert versions() == (norm, versions()[1]) and versions()[1] != facts  # only the facts stage moves
    _, facts = versions()
    (root / "normalize.py").write_text("from transforms.schemas import X\nY = 2\n")
    assert versions()[0] != norm and versions()[1] != facts  # upstream change: both move
    norm, facts = versions()
    (root / "schemas.py").write_text("X = 2\n")
    assert versions()[0] != norm and versions()[1] != facts  # imported by both


def _opened_elsewhere(path) -> bool:
    """Whether another process can open the DuckDB file (it cannot while this one holds it)."""
    import subprocess
    import sys

    probe = f"import duckdb; duckdb.connect({str(path)!r}, read_only=True).close()"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode == 0


def test_a_run_holds_the_working_database_and_each_step_gets_a_clean_cursor(tmp_path):
    import dagster as dg
    import pytest

    from orchestration.resources import Warehouse

    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text("报告", encoding="utf-8")
    warehouse = Warehouse(raw_dir=str(tmp_path / "raw"), path=str(tmp_path / "wh" / "reports.duckdb"))
    with warehouse.yield_for_execution(dg.build_init_resource_context()) as held:
        with held.connect() as con:
            con.execute("create table stage.t (n integer)")
            con.execute("create temp table scratch as select 1 as n")
        assert not _opened_elsewhere(held.work_path)  # still open between the steps of the run
        with pytest.raises(duckdb.Error), held.connect() as con:
            con.execute("begin")
            con.execute("insert into stage.t values (1)")
            con.execute("select * from no_such_table")
        with held.connect() as con:  # the failed step's insert rolled back, the first step's temp table gone
            assert con.execute("select count(*) from stage.t").fetchone()[0] == 0
            assert con.execute("select count(*) from duckdb_tables() where table_name = 'scratch'").fetchone()[0] == 0
            con.execute("insert into stage.t values (2)")
        held.publish()  # closed to copy its file: another process may read it
        assert _opened_elsewhere(held.work_path)
        with held.connect() as con:
            assert con.execute("select n from stage.t").fetchall() == [(2,)]
    assert _opened_elsewhere(held.work_path)  # and closed when the run's resource is released
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        assert con.execute("select n from stage.t").fetchall() == [(2,)]


def test_each_step_of_a_run_gets_its_memory_limit_set_once(tmp_path, monkeypatch):
    """A streaming step's lower limit does not outlive the step; an unchanged limit is not set again
    (setting it after writes sweeps DuckDB's buffer pool), and a database opened afresh gets it."""
    import dagster as dg

    from orchestration.assets.staging import _streaming_limit
    from orchestration.resources import Warehouse

    monkeypatch.setenv("REPORTS_MEMORY_BUDGET_MB", "2000")
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text("报告", encoding="utf-8")
    warehouse = Warehouse(raw_dir=str(tmp_path / "raw"), path=str(tmp_path / "wh" / "reports.duckdb"))

    def limit(con: duckdb.DuckDBPyConnection) -> int:
        return con.execute("select current_setting('memory_limit')").fetchone()[0]

    with warehouse.yield_for_execution(dg.build_init_resource_context()) as held:
        with held.connect() as con:
            half = limit(con)
            _streaming_limit(held, con)
            quarter = limit(con)
        assert half != quarter
        sets: list[str] = []

        class Spy:  # a cursor that records the settings it is asked for
            def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
                self.con = con

            def execute(self, sql: str, *args):  # noqa: ANN202
                sets.append(sql)
                return self.con.execute(sql, *args)

        with held.connect() as con:
            assert limit(con) == half  # the next step has the run's limit back
            held.limit_memory(Spy(con), 700)
            held.limit_memory(Spy(con), 700)
            _streaming_limit(held, Spy(con))
        assert sets == ["set memory_limit = '700MB'", "set memory_limit = '500MB'"]
        held.release()  # opened afresh: the limit is set on the new database, not taken as known
        with held.connect() as con:
            assert limit(con) == half


def test_step_outputs_pass_between_steps_without_a_log_line_each(tmp_path):
    import dagster as dg

    from orchestration.step_outputs import quiet_fs_io_manager

    @dg.op
    def make() -> dict:
        return {"n": 3}

    @dg.op
    def use(x: dict) -> int:
        return x["n"] + 1

    @dg.job(resource_defs={"io_manager": quiet_fs_io_manager})
    def handed_on():
        use(make())

    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        result = handed_on.execute_in_process(instance=instance)
        assert result.success and result.output_for_node("use") == 4
        messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
        assert not [m for m in messages if "Writing file at" in m or "Loading file from" in m]
        assert (tmp_path / "storage" / result.run_id / "make" / "result").exists()  # on disk, for other processes

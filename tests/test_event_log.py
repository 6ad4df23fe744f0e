"""The instance deploy/dagster.yaml configures keeps every event Dagster writes, where Dagster's own
storage reads it, while writing it faster (orchestration/event_log.py)."""

import logging
import multiprocessing
import shutil
import threading
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.events import DagsterEventType
from dagster._core.events.log import EventLogEntry

from orchestration.event_log import QuickSqliteEventLogStorage

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "dagster.yaml"


@dg.asset
def little() -> int:
    return 1


@dg.asset_check(asset=little, blocking=True)
def little_is_one() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEPLOY, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def _entry(run_id: str, message: str) -> EventLogEntry:
    return EventLogEntry(error_info=None, level=logging.INFO, user_message=message, run_id=run_id,
                         timestamp=time.time(), step_key=None, job_name="little_job", dagster_event=None)


def _materialize(instance: dg.DagsterInstance) -> str:
    result = dg.materialize([little, little_is_one], instance=instance)
    assert result.success
    return result.run_id


def test_the_deployed_instance_keeps_runs_materializations_and_checks(home):
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, QuickSqliteEventLogStorage)
        run_id = _materialize(instance)
        kinds = {e.dagster_event.event_type for e in instance.all_logs(run_id) if e.dagster_event}
        assert {DagsterEventType.STEP_SUCCESS, DagsterEventType.ASSET_MATERIALIZATION,
                DagsterEventType.ASSET_CHECK_EVALUATION, DagsterEventType.RUN_SUCCESS} <= kinds
        assert instance.get_latest_materialization_event(little.key).run_id == run_id
        checks = instance.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(little.key, "little_is_one"), limit=1)
        assert checks and checks[0].run_id == run_id
        logged = len(instance.all_logs(run_id))
    assert (home / "history" / "runs" / f"{run_id}.db").exists()  # Dagster's own layout

    # Dagster's stock storage, on the same folder, reads all of it
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with dg.DagsterInstance.get() as stock:
        assert not isinstance(stock.event_log_storage, QuickSqliteEventLogStorage)
        assert [r.dagster_run.run_id for r in stock.get_run_records()] == [run_id]
        assert len(stock.all_logs(run_id)) == logged
        assert stock.get_latest_materialization_event(little.key).run_id == run_id
        again = _materialize(stock)
    # and back: what the stock storage wrote is read by the quick one
    shutil.copy(DEPLOY, home / "dagster.yaml")
    with dg.DagsterInstance.get() as instance:
        assert instance.get_latest_materialization_event(little.key).run_id == again


def test_a_run_file_is_written_unsynced_and_the_index_synced_at_checkpoints(home):
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        storage.store_event(_entry("run-a", "hello"))
        with storage.run_connection("run-a") as conn:
            assert conn.exec_driver_sql("pragma synchronous").scalar() == 0  # OFF
            assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"
        with storage.index_connection() as conn:
            assert conn.exec_driver_sql("pragma synchronous").scalar() == 1  # NORMAL
            assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"


def test_a_watcher_sees_each_event_as_it_is_written(home):
    """The UI follows a running run by watching its file: each write must still reach the file."""
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        storage.store_event(_entry("run-w", "before"))
        seen: list[str] = []
        arrived = threading.Event()

        def callback(entry, _cursor):  # noqa: ANN001, ANN202
            seen.append(entry.user_message)
            if entry.user_message == "third":
                arrived.set()

        storage.watch("run-w", None, callback)
        try:
            for message in ("first", "second", "third"):
                storage.store_event(_entry("run-w", message))
            assert arrived.wait(10), f"the watcher saw {seen}"
        finally:
            storage.end_watch("run-w", callback)
        assert seen[-3:] == ["first", "second", "third"]


def _write_in_child(storage: QuickSqliteEventLogStorage, run_id: str) -> None:
    """In a forked child, through the storage object the parent made (and its open connections)."""
    storage.store_event(_entry(run_id, "from the child"))
    with storage.index_connection() as conn:
        conn.exec_driver_sql("select count(*) from event_logs").scalar()


def test_a_forked_process_writes_through_its_own_connections(home):
    """The multiprocess executor's step processes, or any fork, must not share the parent's open
    index connection; the parent's goes on working after the child is gone."""
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        storage.store_event(_entry("run-f", "parent before"))
        with storage.index_connection() as conn:  # the index connection is open before the fork
            conn.exec_driver_sql("select 1")
        child = multiprocessing.get_context("fork").Process(target=_write_in_child, args=(storage, "run-f"))
        child.start()
        child.join(30)
        assert child.exitcode == 0
        storage.store_event(_entry("run-f", "parent after"))
        with storage.index_connection() as conn:
            assert conn.exec_driver_sql("pragma quick_check").scalar() == "ok"
        messages = [e.user_message for e in storage.get_logs_for_run("run-f")]
        assert messages == ["parent before", "from the child", "parent after"]

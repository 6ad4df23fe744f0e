"""Dagster's SQLite instance storage, with an event log that writes an event in ~1.6 ms, not ~4.5.

Dagster writes every event of a run (a step started, an output handled, a materialization, a check
evaluated: ~525 for a daily run of 100 files) to the run's own SQLite file, and the asset, check and
run-status events again to the instance's index file. The stock event log makes a new SQLAlchemy
engine for each write (so each write compiles its insert afresh) and opens and closes a connection
for it, which checkpoints and syncs the file to disk several times: 2.0-2.5 s of a daily run on a
national warehouse; 0.85 s with this one.

- A run's own file: an engine kept per file (the insert compiled once), written without waiting for
  the disk (`synchronous = OFF`). A connection is still opened and closed for each write, so that
  each write still reaches the file itself, which is what the UI watches to show a running run's
  events. A power cut (not a crash of the run) can lose or spoil the log of the run that was going
  on; never another run's, and never the warehouse, which is DuckDB's own file.
- The index file, which the UI, the daemon and every run read: one connection held open for the
  process's life (no checkpoint after each write), `synchronous = NORMAL` in its WAL mode (a power
  cut may lose the last events, never spoils the file).

Configured in deploy/dagster.yaml (`storage: custom:`). The files and their layout are Dagster's
own (under $DAGSTER_HOME), so an instance switches between this storage and the stock one freely.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage
from sqlalchemy.pool import NullPool, StaticPool

RUN_ENGINES_KEPT = 16  # a webserver reads many runs' files: the engines of the most recent ones are kept


class QuickSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log, with the index held open and a run's file written unsynced."""

    def __init__(self, base_dir: str, inst_data=None) -> None:  # noqa: ANN001 - Dagster's ConfigurableClassData
        super().__init__(base_dir, inst_data=inst_data)
        self._index: sa.Engine | None = None
        self._runs: OrderedDict[str, sa.Engine] = OrderedDict()
        self._pid = os.getpid()

    def _dispose_engines(self, close: bool) -> None:
        for engine in [self._index, *self._runs.values()]:
            if engine is not None:
                engine.dispose(close=close)
        self._index, self._runs = None, OrderedDict()

    def _engine(self, shard: str) -> sa.Engine:
        if self._pid != os.getpid():  # a forked process opens its own, and leaves its parent's alone
            self._dispose_engines(close=False)
            self._pid = os.getpid()
        url = self.conn_string_for_shard(shard)
        if shard == INDEX_SHARD_NAME:
            if self._index is None:  # one connection for the process's life: no checkpoint per write
                self._index = sa.create_engine(url, poolclass=StaticPool, connect_args={
                    "timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
                sa.event.listen(self._index, "connect", _synced_at_checkpoints)
            return self._index
        engine = self._runs.get(shard)
        if engine is None:
            engine = sa.create_engine(url, poolclass=NullPool, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
            sa.event.listen(engine, "connect", _unsynced)
            self._runs[shard] = engine
            while len(self._runs) > RUN_ENGINES_KEPT:
                self._runs.popitem(last=False)[1].dispose()
        self._runs.move_to_end(shard)
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[sa.Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            self._dispose_engines(close=self._pid == os.getpid())


def _unsynced(dbapi_connection, _record) -> None:  # noqa: ANN001 - sqlite3's connection, SQLAlchemy's record
    dbapi_connection.execute("PRAGMA synchronous = OFF")


def _synced_at_checkpoints(dbapi_connection, _record) -> None:  # noqa: ANN001
    # in WAL mode, safe against a power cut (a commit may be lost, the file is never spoiled)
    dbapi_connection.execute("PRAGMA synchronous = NORMAL")


class LocalStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (runs, events, schedules under base_dir) with the quick event log."""

    def __init__(self, base_dir: str, inst_data=None) -> None:  # noqa: ANN001
        super().__init__(base_dir, inst_data=inst_data)
        self._event_log_storage = QuickSqliteEventLogStorage(os.path.join(base_dir, "history", "runs", ""))

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> LocalStorage:  # noqa: ANN001
        return cls.from_local(inst_data=inst_data, **config_value)

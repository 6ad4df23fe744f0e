"""The warehouse resource: a working DuckDB only the pipeline opens, published atomically.

Readers (the DuckDB CLI, notebooks) open `warehouse/reports.duckdb`; the pipeline writes to a
working file beside it and, at the end of a good run, copies it next to the published file
(patching the file published before, `publishing`) and renames it over, so a reader never sees a
half-built warehouse and never blocks a run.

Incremental work rests on a ledger: each stage records which (file, content hash, stage
version) it has processed and whether the file went on or was quarantined. A stage's
pending work is what its upstream stage passed on and it has not yet seen; a changed file
(new hash) or a changed transform or knowledge file the stage reads (new version, see
`code_version`) makes it pending again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from orchestration import isolation
from orchestration.preflight import preflight, remove_stale_files
from orchestration.publishing import publish_file
from orchestration.runlock import file_lock, run_lock
from orchestration.settings import REPO, Settings
from transforms.schemas import empty

LEDGER_DDL = """
create schema if not exists stage;
create schema if not exists meta;
create table if not exists stage.ledger (
    stage varchar, source_file varchar, sha256 varchar, version varchar, status varchar,
    processed_at timestamp default current_timestamp
);
create table if not exists stage.quarantine (
    source_file varchar, sha256 varchar, stage varchar, reason varchar,
    quarantined_at timestamp default current_timestamp
);
create table if not exists meta.published (fingerprint varchar, published_at timestamp);
create table if not exists meta.scan (fingerprint varchar, scanned_at timestamp);
create table if not exists stage.retracted (
    source_file varchar, sha256 varchar, reason varchar, retracted_at timestamp default current_timestamp
);
create table if not exists stage.raw_entries (
    source_file varchar, path varchar, size bigint, sha256 varchar, reason varchar, first_seen timestamp
);
""" + isolation.DDL


class WorkDatabaseBusy(RuntimeError):
    """Another process holds the working database open for writing."""


# The working database a run keeps open between its steps (in one process: the whole run; a step in a
# process of its own: that step), by path: while a run's resource is held (`yield_for_execution`),
# `connect` hands out a cursor of one open database instead of opening the file each time. A daily
# run's ~70 steps each opened the 4 GB file of a national crop (~15 ms) and closed it with a
# checkpoint (~16 ms, more after a load). Opened on first use, under the lock file, both held until
# the run's resource is released; a cursor has its own transaction and temporary objects, as a
# connection of its own had.
@dataclass
class _Held:
    stack: ExitStack | None = None  # the lock file and the open database, closed together
    con: duckdb.DuckDBPyConnection | None = None
    memory_mb: int | None = None  # the memory limit last set on it (`limit_memory`)


_HELD: dict[str, _Held] = {}  # by the working database's path


TRANSFORMS = REPO / "transforms"
_IMPORT = re.compile(r"^\s*(?:from\s+transforms\.([\w.]+)\s+import|from\s+transforms\s+import\s+([\w, ]+)|"
                     r"import\s+transforms\.([\w.]+))", re.M)


def _sources_of(name: str, root: Path) -> list[Path]:
    """The files of a transforms module: `name.py`, or every module of the package `name/`
    (a package counts whole: its modules import each other and name its data files)."""
    top = name.split(".")[0]
    path, package = root / f"{top}.py", root / top
    if path.exists():
        return [path]
    return sorted(package.rglob("*.py")) if package.is_dir() else []


def module_closure(modules: Sequence[str], root: Path = TRANSFORMS) -> list[Path]:
    """The source files of `modules` and of every transforms module they import, transitively."""
    seen: dict[str, list[Path]] = {}
    todo = list(modules)
    while todo:
        name = todo.pop().split(".")[0]
        if name in seen:
            continue
        seen[name] = _sources_of(name, root)
        for path in seen[name]:
            for a, b, c in _IMPORT.findall(path.read_text(encoding="utf-8")):
                todo += [a] if a else [c] if c else [n.strip() for n in b.split(",")]
    return sorted(p for paths in seen.values() for p in paths)


def code_version(modules: Sequence[str], upstream: str = "", root: Path = TRANSFORMS) -> str:
    """Hash of a stage's code and knowledge: its modules, what they import, and every data file
    their source names (any module of a package naming it), chained with the upstream stage's
    version. A change to a catalogue re-runs only the stages that read it; a change upstream
    re-runs everything below it."""
    digest = hashlib.sha256(upstream.encode())
    sources = [(p.relative_to(root).as_posix(), p.read_bytes()) for p in module_closure(modules, root)]
    text = b"\n".join(src for _, src in sources).decode("utf-8")
    data = root / "data"
    files = sorted(p for p in data.iterdir() if p.is_file() and p.name in text) if data.exists() else []
    for name, blob in [*sources, *((f"data/{p.name}", p.read_bytes()) for p in files)]:
        digest.update(name.encode())
        digest.update(blob)
    return digest.hexdigest()[:16]


class Warehouse(dg.ConfigurableResource):
    """Paths come from `Settings` (the environment) unless given explicitly (tests)."""

    raw_dir: str = ""
    path: str = ""

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir) if self.raw_dir else Settings().resolved_raw_dir()

    @property
    def published_path(self) -> Path:
        return Path(self.path) if self.path else Settings().resolved_warehouse()

    @property
    def work_path(self) -> Path:
        pub = self.published_path
        return pub.with_name(f".{pub.stem}.work{pub.suffix}")

    @property
    def state_path(self) -> Path:
        """What the last good run published: the raw folder's fingerprint, when and which run."""
        pub = self.published_path
        return pub.with_name(f".{pub.name}.published.json")

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[Warehouse]:
        """For the whole run: settings checked before any work, then the warehouse's run lock
        (a second run waits, naming the first), then stale temp files of killed runs removed."""
        cfg = Settings()
        problems = preflight(self.raw_path, self.published_path, cfg.allow_empty_raw)
        if problems:
            raise dg.Failure(description=problems[0], allow_retries=False)
        log = context.log.info if context.log else print
        with run_lock(self.published_path, cfg.lock_wait_seconds, context.run_id or "", say=log):
            for removed in remove_stale_files(self.published_path):
                log(f"removed {removed}, left by a run that was killed while publishing")
            key = str(self.work_path)
            _HELD[key] = _Held()
            try:
                yield self
            finally:
                self.release()
                _HELD.pop(key, None)

    def release(self) -> None:
        """Close the working database a run holds open (it is opened again on the next `connect`):
        before its file is copied, after an error, at the end of the run."""
        held = _HELD.get(str(self.work_path))
        if held and held.stack is not None:
            stack = held.stack
            held.stack, held.con, held.memory_mb = None, None, None
            stack.close()

    @property
    def _lock_file(self) -> Path:
        """Beside the working database: the steps of a run that take turns on it hold it."""
        return self.work_path.with_name(f"{self.work_path.name}.lock")

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The working database, opened for writing. Steps of one run that the multiprocess
        executor runs side by side take turns on it (a lock file beside it), instead of failing
        on DuckDB's one-writer lock."""
        self.work_path.parent.mkdir(parents=True, exist_ok=True)
        held = _HELD.get(str(self.work_path))
        if held is None:
            with file_lock(self._lock_file), self._open() as con:
                yield con
            return
        if held.con is None:
            stack = ExitStack()
            try:
                stack.enter_context(file_lock(self._lock_file))
                held.con = stack.enter_context(self._open())
            except BaseException:
                stack.close()
                raise
            held.stack = stack
        con = held.con.cursor()
        try:
            self._configure(con)
            yield con
        except BaseException:
            con.close()  # its transaction, if one was open, rolled back
            self.release()  # and the database opened afresh for the next step, whatever the error left
            raise
        finally:
            con.close()

    @contextmanager
    def _open(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            con = duckdb.connect(str(self.work_path))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            raise WorkDatabaseBusy(
                f"the working database {self.work_path} is held open by another process "
                f"({str(exc).split('Conflicting lock is held in')[-1].strip() or exc}); close it and the run "
                "is retried") from None
        try:
            self._configure(con)
            con.execute(LEDGER_DDL)
            yield con
        finally:
            con.close()

    def _configure(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute("set enable_progress_bar = false")  # no bars in the run log
        # DuckDB would take 80 % of the machine; half the run's budget, spilling beside the file
        # (a step may set less for itself: the next connection sets this again)
        self.limit_memory(con, Settings().memory_budget_mb // 2)

    def limit_memory(self, con: duckdb.DuckDBPyConnection, mb: int) -> None:
        """DuckDB's memory limit for the working database, set only when it changes: it is one
        setting for the whole database, which a run's steps share, and setting it after a step's
        writes took 20-40 ms (DuckDB sweeps its buffer pool), ~0.3 s of a daily run."""
        held = _HELD.get(str(self.work_path))
        shared = held is not None and held.con is not None
        if shared and held.memory_mb == mb:
            return
        con.execute(f"set memory_limit = '{mb}MB'")
        if shared:
            held.memory_mb = mb

    def publish(self, run_id: str = "") -> tuple[Path, str]:
        """Checkpoint the working file, make a copy of it beside the published one (the last file
        published, patched where it differs, or a whole copy: `publishing`), rename it over; then
        record what was published (the sensor compares the raw folder with it). Returns the path and
        how the copy was made."""
        with self.connect() as con:
            row = con.execute("select fingerprint from meta.scan").fetchone()
            con.execute("delete from meta.published")
            con.execute("insert into meta.published values (?, current_timestamp)", [row[0] if row else None])
            con.execute("checkpoint")
        self.release()  # the file is copied closed, as every run before left it
        target = self.published_path
        how = publish_file(self.work_path, target)
        state = {"fingerprint": row[0] if row else None, "code": build_fingerprint(), "run_id": run_id,
                 "published_at": dt.datetime.now().isoformat(timespec="seconds")}
        part = self.state_path.with_name(self.state_path.name + ".part")
        part.write_text(json.dumps(state), encoding="utf-8")
        os.replace(part, self.state_path)
        return target, how

    def forget_published_state(self) -> None:
        """The working database changed outside a run (a retraction): the next run must not take
        the published warehouse for up to date."""
        self.state_path.unlink(missing_ok=True)

    def up_to_date(self, raw_fingerprint: str) -> bool:
        """True when the published warehouse was built from this raw folder state (names, sizes,
        times) by this code, knowledge and settings: a run would change nothing."""
        state = self.published_state()
        return (self.published_path.exists() and bool(raw_fingerprint)
                and state.get("fingerprint") == raw_fingerprint and state.get("code") == build_fingerprint())

    def published_state(self) -> dict:
        try:
            return json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}


# settings that cannot change what a build holds
_RUN_ONLY = {"workers", "shards", "parallel_files", "rebuild_share", "lock_wait_seconds", "alert_webhook", "raw_dir",
             "warehouse"}


def build_fingerprint() -> str:
    """One hash of everything besides the raw files that a build's content follows: the code and
    knowledge files of the pipeline and the SQL models, and the settings that decide what is read."""
    digest = hashlib.sha256(Settings().model_dump_json(exclude=_RUN_ONLY).encode())
    for folder in ("orchestration", "transforms", "sql"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(REPO).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def read_published(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a published warehouse read-only; when an analyst holds it open read-write in the CLI
    (an exclusive lock), read a private snapshot copy instead of failing."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException:
        with tempfile.TemporaryDirectory() as tmp:
            snapshot = Path(tmp) / path.name
            shutil.copyfile(path, snapshot)
            con = duckdb.connect(str(snapshot), read_only=True)
            try:
                yield con
            finally:
                con.close()
        return
    try:
        yield con
    finally:
        con.close()


# --- table helpers used by the stage assets -------------------------------------------------


def ensure_table(con: duckdb.DuckDBPyConnection, table: str, schema: pl.Schema) -> None:
    """Create `table` with the columns of `schema` (declared once in transforms.schemas)."""
    frame = empty(schema)  # noqa: F841 - read by DuckDB's replacement scan
    con.execute(f"create table if not exists {table} as select * from frame limit 0")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The column names `table` (schema.name) has in the database."""
    schema_name, table_name = table.split(".")
    return [r[0] for r in con.execute(
        "select column_name from duckdb_columns() where schema_name = ? and table_name = ?",
        [schema_name, table_name]).fetchall()]


def add_missing_columns(con: duckdb.DuckDBPyConnection, table: str, schema: pl.Schema) -> None:
    """A release that adds a column to a stage's frame adds it to the existing table too."""
    have = set(_columns(con, table))
    frame = empty(schema)  # noqa: F841 - read by DuckDB's replacement scan
    for name, sql_type in con.execute("select column_name, column_type from (describe select * from frame)").fetchall():
        if name not in have:
            con.execute(f'alter table {table} add column "{name}" {sql_type}')


def drop_removed_columns(con: duckdb.DuckDBPyConnection, table: str, schema: pl.Schema) -> None:
    """A release that takes a column out of a stage's frame takes it out of the table: its rows would
    keep old values no run writes again (stage.normalized's per-character offset_map, now runs)."""
    for name in _columns(con, table):
        if name not in schema:
            con.execute(f'alter table {table} drop column "{name}"')


def replace_rows(
    con: duckdb.DuckDBPyConnection, table: str, schema: pl.Schema, frame: pl.DataFrame, files: Sequence[str]
) -> int:
    """Delete the rows of `files` from `table` and insert `frame` in their place."""
    ensure_table(con, table, schema)
    add_missing_columns(con, table, schema)
    keys = pl.DataFrame({"source_file": list(files)}, schema={"source_file": pl.String})  # noqa: F841
    con.execute(f"delete from {table} where source_file in (select source_file from keys)")
    if frame.height:
        rows = frame.select(schema.names())  # noqa: F841
        con.execute(f"insert into {table} by name select * from rows")
    return frame.height


def read_table(con: duckdb.DuckDBPyConnection, sql: str, files: Sequence[str] | None = None) -> pl.DataFrame:
    """Run `sql` (which may filter with `source_file in (select source_file from keys)`)."""
    keys = pl.DataFrame({"source_file": list(files or [])}, schema={"source_file": pl.String})  # noqa: F841
    return con.execute(sql).pl()


def pending(con: duckdb.DuckDBPyConnection, stage: str, upstream: str, version: str) -> pl.DataFrame:
    """Files the upstream stage passed on (status ok) that `stage` has not processed at `version`."""
    return con.execute(
        """
        with up as (
            select source_file, sha256 from stage.ledger
            where stage = $upstream and status = 'ok'
            qualify row_number() over (partition by source_file order by processed_at desc) = 1
        )
        select up.source_file, up.sha256 from up
        anti join stage.ledger l
          on l.stage = $stage and l.source_file = up.source_file
         and l.sha256 = up.sha256 and l.version = $version
        order by up.source_file
        """,
        {"stage": stage, "upstream": upstream, "version": version},
    ).pl()


def record(
    con: duckdb.DuckDBPyConnection,
    stage: str,
    version: str,
    done: pl.DataFrame,
    quarantined: pl.DataFrame | None = None,
) -> None:
    """Write the ledger for `done` (source_file, sha256); quarantine rows carry a `reason`."""
    quarantined = quarantined if quarantined is not None else pl.DataFrame(
        schema={"source_file": pl.String, "sha256": pl.String, "reason": pl.String}
    )
    bad = set(quarantined["source_file"].to_list())
    ledger = done.select(  # noqa: F841
        pl.lit(stage).alias("stage"),
        "source_file",
        "sha256",
        pl.lit(version).alias("version"),
        pl.when(pl.col("source_file").is_in(list(bad))).then(pl.lit("quarantined")).otherwise(pl.lit("ok"))
        .alias("status"),
    )
    con.execute("delete from stage.ledger where stage = ? and source_file in (select source_file from ledger)",
                [stage])
    con.execute("insert into stage.ledger (stage, source_file, sha256, version, status) select * from ledger")
    # a file that is processed again leaves the quarantine of this and every later stage; set aside
    # again for the same reason, it keeps the time it was first set aside (so it is not 'new')
    before = con.execute("""select source_file, sha256, stage, reason, quarantined_at from stage.quarantine
                            where source_file in (select source_file from ledger)""").pl()
    con.execute("delete from stage.quarantine where source_file in (select source_file from ledger)")
    if quarantined.height:
        q = (quarantined.select("source_file", "sha256", pl.lit(stage).alias("stage"), "reason")  # noqa: F841
             .join(before, on=["source_file", "sha256", "stage", "reason"], how="left"))
        con.execute("""insert into stage.quarantine (source_file, sha256, stage, reason, quarantined_at)
                       select source_file, sha256, stage, reason, coalesce(quarantined_at, current_timestamp)
                       from q""")

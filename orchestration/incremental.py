"""The core tables rebuilt for the files a run changed, not for the whole corpus (issue 9).

A run that adds 100 files to a 100,000-report warehouse used to rebuild every core table from every
stage row. A core model whose data dictionary (`<name>.yml`) names an `incremental_key` is instead
rebuilt for the keys the run touched: its rows of those keys deleted, then its own SELECT, with the
stage tables it reads cut down to the files concerned, inserted for those keys. The SQL file stays
the one statement an analyst can run in the CLI; nothing of a model is written twice.

Which files are concerned (`plan`, once per run, before any core model):
  * changed: the files whose trace in the stage tables (raw scan, ledger rows of every stage,
    quarantine, retraction) differs from the last complete build's (`meta.model_inputs`);
  * their copies: a new file can be a copy of a loaded report, or outrank it as the canonical file,
    so every file of each unit and year a changed file belongs to, before or after the change, is
    concerned too (core.report_identity compares files only within a unit and year).
Keys: `source_file` → the concerned files; `unit_year_key` → their units and years; `unit_id` →
their units, before and after. A model without a key, a first build, a change of the SQL or of the
seeds, or a run that changed more than `REPORTS_REBUILD_SHARE` of the files (a quarter) rebuilds
whole. The inputs of this build become the next one's reference only when the run publishes
(`promote`), so a run that fails half way leaves a larger change set, never a smaller one.
`tests/test_incremental_models.py` checks that the tables come out identical to a whole rebuild.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import get_args

import duckdb

from orchestration.dictionary import IncrementalKey

KEYS = get_args(IncrementalKey)
IDENTITY = "core.report_identity"  # the model that groups files into reports: its keys decide the copies

_CREATE = re.compile(r"create\s+or\s+replace\s+(table|view)\s+([\w.]+)\s+as\s", re.IGNORECASE)
_REF = re.compile(r"\b(stage|core)\.([a-z_][a-z0-9_]*)\b")

DDL = """
create schema if not exists meta;
create table if not exists meta.model_inputs (source_file varchar, state varchar);
create table if not exists meta.model_build (run_id varchar, mode varchar, reason varchar, fingerprint varchar,
                                             changed integer, concerned integer);
create table if not exists meta.model_changes (source_file varchar, old_unit_year_key varchar, old_unit_id varchar,
                                               new_unit_year_key varchar);
create table if not exists meta.model_state (fingerprint varchar);
"""

# every trace a file leaves in the stage tables, as one value per file: a difference means its rows
# in some stage table may differ, so every core row it feeds may too. The sum of the parts' 64-bit
# hashes (in a 128-bit integer: equal parts do not cancel), not an md5 of the sorted parts joined:
# the same answer but for a chance of 2^-64 a file, at a quarter of the time (a million ledger rows
# at 100,000 reports: 0.12 against 0.5 s)
FILE_STATES = """
select source_file, sum(hash(part)::hugeint)::varchar as state
from (
    select source_file, 'raw:' || coalesce(sha256, '') || ':' || coalesce(path, '') as part from stage.raw_files
    union all
    select source_file, 'ledger:' || stage || ':' || coalesce(sha256, '') || ':' || coalesce(version, '') || ':'
           || coalesce(status, '') || ':' || coalesce(processed_at::varchar, '') from stage.ledger
    union all
    select source_file, 'quarantine:' || stage || ':' || coalesce(sha256, '') || ':' || coalesce(reason, '')
    from stage.quarantine
    union all
    select source_file, 'retracted:' || coalesce(sha256, '') || ':' || coalesce(retracted_at::varchar, '')
    from stage.retracted
)
group by source_file
"""


def model_statement(sql: str) -> tuple[str, str, str]:
    """A model file's `create or replace table|view <name> as <select>` → (kind, name, select)."""
    found = _CREATE.search(sql)
    if not found:
        raise ValueError("not a `create or replace table|view … as` model")
    return found.group(1).lower(), found.group(2), sql[found.end():].strip().rstrip(";")


def model_select(sql: str) -> tuple[str, str]:
    """A table model's (name, select)."""
    kind, name, select = model_statement(sql)
    if kind != "table":
        raise ValueError(f"{name} is a view: only a table is rebuilt for some keys")
    return name, select


def models_fingerprint(files: list[Path]) -> str:
    """What a core row follows besides the stage rows: the models' SQL and the seed files."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    return bool(con.execute("select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
                            [schema, name]).fetchone()[0])


def _restricted(con: duckdb.DuckDBPyConnection, select: str, schema: str, column: str, values: str) -> str:
    """`select` with every table of `schema` that has `column` cut down to the rows whose `column`
    is among `values` (a query of one column), through temporary views."""
    having = {name for (name,) in con.execute(
        "select table_name from duckdb_columns() where schema_name = ? and column_name = ?", [schema, column]
    ).fetchall()}
    for name in sorted({t for s, t in _REF.findall(select) if s == schema} & having):
        con.execute(f"create or replace temp view _inc_{schema}_{name} as "
                    f"select * from {schema}.{name} where {column} in ({values})")
    return _REF.sub(lambda m: f"_inc_{schema}_{m.group(2)}" if m.group(1) == schema and m.group(2) in having
                    else m.group(0), select)


def plan(con: duckdb.DuckDBPyConnection, run_id: str, fingerprint: str, identity_sql: str, share: float) -> dict:
    """Decide this run's way of building the core tables and, when incremental, the files concerned
    (meta.model_changes). Returns meta.model_build's row as a dict."""
    con.execute(DDL)
    con.execute("create or replace table meta.model_inputs_next as " + FILE_STATES)
    con.execute("delete from meta.model_changes")
    con.execute("""create or replace temp table _inc_changed as
                   select coalesce(n.source_file, o.source_file) as source_file
                   from meta.model_inputs_next as n
                   full join meta.model_inputs as o using (source_file)
                   where n.state is distinct from o.state""")
    changed = con.execute("select count(*) from _inc_changed").fetchone()[0]
    total = con.execute("select count(*) from meta.model_inputs_next").fetchone()[0]
    known = con.execute("select count(*) from meta.model_inputs").fetchone()[0]
    last = con.execute("select fingerprint from meta.model_state").fetchone()
    reason = ("first build" if not known or not _exists(con, IDENTITY)
              else "the SQL models or the seeds changed" if not last or last[0] != fingerprint
              else f"{changed} of {total} files changed (more than {share:.0%})" if changed > share * total
              else None)
    concerned = 0
    if reason is None:
        _, select = model_select(identity_sql)
        # the unit and year each changed file belongs to now: the identity model itself, on those files
        now = _restricted(con, select, "stage", "source_file", "select source_file from _inc_changed")
        con.execute(f"create or replace temp table _inc_now as select source_file, unit_year_key from ({now})")
        con.execute(f"""
            insert into meta.model_changes
            with groups as (
                select unit_year_key from _inc_now
                union select unit_year_key from {IDENTITY} where source_file in (select source_file from _inc_changed)
            ),
            concerned as (
                select source_file from _inc_changed
                union select source_file from {IDENTITY} where unit_year_key in (select unit_year_key from groups)
                union select source_file from _inc_now where unit_year_key in (select unit_year_key from groups)
            )
            select c.source_file, o.unit_year_key, o.unit_id, n.unit_year_key
            from concerned as c
            left join {IDENTITY} as o using (source_file)
            left join _inc_now as n using (source_file)""")
        concerned = con.execute("select count(*) from meta.model_changes").fetchone()[0]
    mode = "full" if reason else "incremental"
    con.execute("delete from meta.model_build")
    con.execute("insert into meta.model_build values (?, ?, ?, ?, ?, ?)",
                [run_id, mode, reason or f"{changed} of {total} files changed", fingerprint, changed, concerned])
    return {"mode": mode, "reason": reason or f"{changed} of {total} files changed", "changed": changed,
            "concerned": concerned}


def _key_values(key: str) -> str:
    """The values of `key` the concerned files had before this run or have now."""
    if key == "source_file":
        return "select source_file as k from meta.model_changes"
    if key == "unit_year_key":
        return ("select old_unit_year_key as k from meta.model_changes where old_unit_year_key is not null "
                "union select new_unit_year_key from meta.model_changes where new_unit_year_key is not null "
                f"union select unit_year_key from {IDENTITY} "
                "where source_file in (select source_file from meta.model_changes)")
    return ("select old_unit_id as k from meta.model_changes where old_unit_id is not null "
            f"union select unit_id from {IDENTITY} "
            "where unit_id is not null and source_file in (select source_file from meta.model_changes)")


def rebuild(con: duckdb.DuckDBPyConnection, sql: str, key: str | None, run_id: str) -> bool:
    """Rebuild one core model for this run's keys when the run is incremental and the model has a
    key (True), else leave it to the caller to run the whole statement (False)."""
    table, select = model_select(sql)
    con.execute(DDL)
    row = con.execute("select run_id, mode from meta.model_build").fetchone()
    if key is None or not row or row[0] != run_id or row[1] != "incremental" or not _exists(con, table):
        return False
    if key not in KEYS:
        raise ValueError(f"{table}: incremental_key must be one of {', '.join(KEYS)}, not {key}")
    # a source_file or unit_year_key model reads the stage rows of the files concerned; a unit model
    # the rows of the core tables (already rebuilt) of the units concerned
    con.execute(f"create or replace temp table _inc_keys as {_key_values(key)}")
    body = (_restricted(con, select, "core", "unit_id", "select k from _inc_keys") if key == "unit_id"
            else _restricted(con, select, "stage", "source_file", "select source_file from meta.model_changes"))
    con.execute("begin")
    try:
        con.execute(f"delete from {table} where {key} in (select k from _inc_keys)")
        con.execute(f"insert into {table} by name select * from ({body}) where {key} in (select k from _inc_keys)")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return True


def promote(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """This run built the core tables from `meta.model_inputs_next`: it becomes the reference the
    next run's changes are found against (only for the run that planned them)."""
    con.execute(DDL)
    row = con.execute("select run_id, fingerprint from meta.model_build").fetchone()
    if not row or row[0] != run_id or not _exists(con, "meta.model_inputs_next"):  # not planned, or promoted
        return
    con.execute("begin")
    # renamed, not copied (100,000 rows); the next plan makes model_inputs_next again
    con.execute("drop table meta.model_inputs")
    con.execute("alter table meta.model_inputs_next rename to model_inputs")
    con.execute("delete from meta.model_state")
    con.execute("insert into meta.model_state values (?)", [row[1]])
    con.execute("commit")

"""One asset per SQL model in `sql/models/<schema>/<name>.sql`; upstream deps come from the SQL.

A model's file is a single `create or replace table|view <schema>.<name> as …` statement,
runnable as it stands in the DuckDB CLI. Every `stage.x` / `core.x` / `marts.x` it names
becomes an edge in the asset graph, so the UI's lineage is the SQL's own.
"""


import re
from pathlib import Path

import dagster as dg
import polars as pl

from orchestration import incremental
from orchestration.assets.staging import STAGE_ASSETS, markdown_table
from orchestration.dictionary import apply_comments, load_doc, table_schema
from orchestration.resources import Warehouse
from orchestration.settings import REPO, Settings

SQL_DIR = REPO / "sql" / "models"
DATA_DIR = REPO / "transforms" / "data"
LAYERS = ("core", "marts")

# which asset writes each stage table (the ledger and the quarantine: every stage does)
STAGES = ("raw_report_files", "report_documents", "normalized_text", "report_sections", "report_metadata",
          "report_sentences", "quantity_mentions", "indicator_facts", "shortcoming_theme_clauses", "report_signatures")
STAGE_TABLES: dict[str, str | tuple[str, ...]] = {
    "raw_files": "raw_report_files",
    "raw_entries": "raw_report_files",
    "retracted": "raw_report_files",
    "documents": "report_documents",
    "normalized": "normalized_text",
    "sections": "report_sections",
    "section_spans": "report_sections",
    "reports": "report_metadata",
    "sentences": "report_sentences",
    "mentions": "quantity_mentions",
    "facts": "indicator_facts",
    "fact_keys": "indicator_facts",
    "theme_hits": "shortcoming_theme_clauses",
    "signatures": "report_signatures",
    "ledger": STAGES,
    "quarantine": STAGES,
    "seed_indicators": "catalogue_seeds",
    "seed_measures": "catalogue_seeds",
    "seed_themes": "catalogue_seeds",
}
SEEDS = {
    "stage.seed_indicators": "indicators.csv",
    "stage.seed_measures": "measures.csv",
    "stage.seed_themes": "shortcoming_themes.csv",
}
MODEL_CHANGES = dg.AssetKey("model_changes")  # what the core models are rebuilt for (incremental.py)
_REF = re.compile(r"\b(stage|core|marts)\.([a-z_][a-z0-9_]*)\b")


def model_files() -> list[Path]:
    return sorted(p for layer in LAYERS for p in (SQL_DIR / layer).glob("*.sql"))


def upstream_keys(sql: str, own: dg.AssetKey) -> list[dg.AssetKey]:
    """Asset keys of the tables a model's SQL reads (stage tables map to their stage asset)."""
    sql = re.sub(r"--[^\n]*", "", sql)
    keys: list[dg.AssetKey] = []
    for schema, table in _REF.findall(sql):
        names = STAGE_TABLES[table] if schema == "stage" else None
        found = ([dg.AssetKey(n) for n in ((names,) if isinstance(names, str) else names)] if names
                 else [dg.AssetKey([schema, table])])
        keys += [key for key in found if key != own and key not in keys]
    return keys


def _drop_other_kind(con, schema: str, name: str, sql: str) -> None:
    """A model that became a table (or a view) replaces the view (or table) an older build left:
    DuckDB's `create or replace` does not change an object's kind."""
    other = "view" if incremental.model_statement(sql)[0] == "table" else "table"
    listing = "duckdb_views() where view_name" if other == "view" else "duckdb_tables() where table_name"
    if con.execute(f"select count(*) from {listing} = ? and schema_name = ?", [name, schema]).fetchone()[0]:
        con.execute(f"drop {other} {schema}.{name} cascade")


def run_model(con, path: Path, run_id: str = "") -> tuple[int, pl.DataFrame] | None:
    """Build the model — for the files this run changed when it can (orchestration.incremental),
    else whole — then comment it and its columns from `<name>.yml` (the data dictionary).
    A table's row count and first rows for the UI; none for a view, which would be computed whole
    to count it (a comparison view over 100,000 reports: seconds a run, for a number in the UI)."""
    schema = path.parent.name
    con.execute(f"create schema if not exists {schema}")
    doc = load_doc(path)
    sql = path.read_text(encoding="utf-8")
    table = f"{schema}.{path.stem}"
    key = doc.incremental_key if doc else None
    if not (key and incremental.rebuild(con, sql, key, run_id)):
        # one transaction: a reader never sees the model without its comments, and the ~20 comment
        # statements of a model commit once instead of each on its own (~0.85 ms a commit)
        con.execute("begin")
        try:
            _drop_other_kind(con, schema, path.stem, sql)
            con.execute(sql)
            apply_comments(con, table, path)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    if con.execute("select count(*) from duckdb_views() where schema_name = ? and view_name = ?",
                   [schema, path.stem]).fetchone()[0]:
        return None
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    return int(rows), con.execute(f"select * from {table} limit 5").pl()


def _model_asset(path: Path) -> dg.AssetsDefinition:
    key = dg.AssetKey([path.parent.name, path.stem])
    sql = path.read_text(encoding="utf-8")
    doc = load_doc(path)  # the data dictionary beside the SQL; without it, the SQL's first line
    first = doc.description if doc else sql.strip().splitlines()[0].lstrip("- ").strip()
    table = f"{path.parent.name}.{path.stem}"

    deps = upstream_keys(sql, key) + ([MODEL_CHANGES] if path.parent.name == "core" else [])

    @dg.asset(key=key, deps=deps, group_name=path.parent.name, kinds={"duckdb", "sql"},
              description=first, metadata={
                  "sql_file": dg.MetadataValue.path(str(path.relative_to(REPO))),
                  "dagster/table_name": dg.MetadataValue.text(table),
                  "dagster/column_schema": dg.MetadataValue.table_schema(table_schema(doc)),
              })
    def _model(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            counted = run_model(con, path, context.run_id)
            types = dict(con.execute(
                "select column_name, data_type from duckdb_columns() where schema_name = ? and table_name = ? "
                "order by column_index", [path.parent.name, path.stem]).fetchall())
        metadata = {
            "dagster/table_name": dg.MetadataValue.text(table),
            "dagster/column_schema": dg.MetadataValue.table_schema(table_schema(doc, types)),
        }
        if counted:
            metadata["dagster/row_count"] = dg.MetadataValue.int(counted[0])
            metadata["preview"] = dg.MetadataValue.md(markdown_table(counted[1], 5, 40))
        else:
            metadata["kind"] = dg.MetadataValue.text("view: computed when queried")
        return dg.MaterializeResult(metadata=metadata)

    return _model


@dg.asset(group_name="seeds", kinds={"duckdb", "csv"},
          description="Knowledge files an analyst extends (indicator catalogue, measures, themes), "
                      "loaded as seed tables for the dimensions.")
def catalogue_seeds(warehouse: Warehouse) -> dg.MaterializeResult:
    counts = {}
    with warehouse.connect() as con:
        for table, name in SEEDS.items():
            path = DATA_DIR / name
            if not path.exists():
                continue
            frame = pl.read_csv(path, infer_schema=False)  # noqa: F841 - read by DuckDB
            con.execute(f"create or replace table {table} as select * from frame")
            counts[table] = dg.MetadataValue.int(frame.height)
    return dg.MaterializeResult(metadata=counts)


def models_fingerprint() -> str:
    """The SQL models with their dictionaries, the seeds, and the code that builds them."""
    here = Path(__file__)
    return incremental.models_fingerprint([*SQL_DIR.rglob("*.sql"), *SQL_DIR.rglob("*.yml"),
                                           *(DATA_DIR / name for name in SEEDS.values()),
                                           here, here.parent.parent / "incremental.py"])


@dg.asset(key=MODEL_CHANGES, group_name="core", kinds={"duckdb"},
          deps=[*(key for asset in STAGE_ASSETS for key in asset.keys), dg.AssetKey("catalogue_seeds")],
          description="Which files this run changed, and with them every file of the same unit and year: the "
                      "core tables are rebuilt for those only (or whole on a first build, a change of the SQL "
                      "or the seeds, or when most files changed). orchestration/incremental.py.")
def model_changes(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    identity = (SQL_DIR / "core" / "report_identity.sql").read_text(encoding="utf-8")
    with warehouse.connect() as con:
        got = incremental.plan(con, context.run_id, models_fingerprint(), identity, Settings().rebuild_share)
    context.log.info(f"core tables: {got['mode']} ({got['reason']}; {got['concerned']} files concerned)")
    return dg.MaterializeResult(metadata={
        "mode": dg.MetadataValue.text(got["mode"]),
        "reason": dg.MetadataValue.text(got["reason"]),
        "files changed": dg.MetadataValue.int(int(got["changed"])),
        "files concerned": dg.MetadataValue.int(int(got["concerned"])),
    })


MODEL_ASSETS = [_model_asset(p) for p in model_files()]


@dg.asset(group_name="publish", kinds={"duckdb"},
          deps=[a.key for a in MODEL_ASSETS if a.key.path[0] == "marts"],
          description="Copies the working warehouse beside warehouse/reports.duckdb (patching the file "
                      "published before where no reader holds it) and renames it over, so readers never see "
                      "a half-built file.")
def published_warehouse(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        incremental.promote(con, context.run_id)
    target, how = warehouse.publish(context.run_id)
    context.log.info(f"published by a copy of the working file: {how}")
    with warehouse.connect() as con:
        facts = con.execute("select count(*) from core.fact_indicator_value").fetchone()[0]
        reports = con.execute("select count(*) from core.report").fetchone()[0]
        quarantined = con.execute("select count(*) from core.quarantine").fetchone()[0]
    context.log.info(f"published {target}: {reports} reports, {facts} facts, {quarantined} quarantined")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(target)),
        "reports": dg.MetadataValue.int(int(reports)),
        "facts": dg.MetadataValue.int(int(facts)),
        "quarantined": dg.MetadataValue.int(int(quarantined)),
        "copied": dg.MetadataValue.text(how),
    })

"""One asset per SQL model in `sql/models/<schema>/<name>.sql`; upstream deps come from the SQL.

A model's file is a single `create or replace table|view <schema>.<name> as …` statement,
runnable as it stands in the DuckDB CLI. Every `stage.x` / `core.x` / `marts.x` it names
becomes an edge in the asset graph, so the UI's lineage is the SQL's own.
"""


import re
from pathlib import Path

import dagster as dg
import polars as pl

from orchestration.assets.staging import markdown_table
from orchestration.dictionary import apply_comments, load_doc, table_schema
from orchestration.resources import Warehouse
from orchestration.settings import REPO

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


def run_model(con, path: Path) -> tuple[int, pl.DataFrame]:
    """Build the model, then comment it and its columns from `<name>.yml` (the data dictionary)."""
    schema = path.parent.name
    con.execute(f"create schema if not exists {schema}")
    con.execute(path.read_text(encoding="utf-8"))
    table = f"{schema}.{path.stem}"
    apply_comments(con, table, path)
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    return int(rows), con.execute(f"select * from {table} limit 5").pl()


def _model_asset(path: Path) -> dg.AssetsDefinition:
    key = dg.AssetKey([path.parent.name, path.stem])
    sql = path.read_text(encoding="utf-8")
    doc = load_doc(path)  # the data dictionary beside the SQL; without it, the SQL's first line
    first = doc.description if doc else sql.strip().splitlines()[0].lstrip("- ").strip()
    table = f"{path.parent.name}.{path.stem}"

    @dg.asset(key=key, deps=upstream_keys(sql, key), group_name=path.parent.name, kinds={"duckdb", "sql"},
              description=first, metadata={
                  "sql_file": dg.MetadataValue.path(str(path.relative_to(REPO))),
                  "dagster/table_name": dg.MetadataValue.text(table),
                  "dagster/column_schema": dg.MetadataValue.table_schema(table_schema(doc)),
              })
    def _model(warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            rows, preview = run_model(con, path)
            types = dict(con.execute(
                "select column_name, data_type from duckdb_columns() where schema_name = ? and table_name = ? "
                "order by column_index", [path.parent.name, path.stem]).fetchall())
        return dg.MaterializeResult(metadata={
            "dagster/table_name": dg.MetadataValue.text(table),
            "dagster/column_schema": dg.MetadataValue.table_schema(table_schema(doc, types)),
            "dagster/row_count": dg.MetadataValue.int(rows),
            "preview": dg.MetadataValue.md(markdown_table(preview, 5, 40)),
        })

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


MODEL_ASSETS = [_model_asset(p) for p in model_files()]


@dg.asset(group_name="publish", kinds={"duckdb"},
          deps=[a.key for a in MODEL_ASSETS if a.key.path[0] == "marts"],
          description="Copies the working warehouse beside warehouse/reports.duckdb and renames it over, "
                      "so readers never see a half-built file.")
def published_warehouse(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    target = warehouse.publish(context.run_id)
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
    })

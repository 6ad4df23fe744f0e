"""The data dictionary: `sql/models/<schema>/<name>.yml` beside each model's SQL, declared once.

    description: One row per … (the grain first)
    columns:
      source_file: Base name of the raw file …
      value: {description: The number …, type: DOUBLE}   # type optional
    incremental_key: source_file    # core tables only, optional: see orchestration/incremental.py

The same words go to DuckDB (`COMMENT ON TABLE|VIEW|COLUMN`, applied when the model is built,
so the CLI shows them in `duckdb_columns()`) and to Dagster (the asset's description and its
`dagster/column_schema`). tests/test_dictionary.py fails when a public column has no words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import dagster as dg
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator


class ColumnDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = Field(min_length=1)
    type: str | None = None  # the DuckDB type; at run time the built table's own type is shown


# the keys a core table can be rebuilt by, for the files a run changed (orchestration/incremental.py)
IncrementalKey = Literal["source_file", "unit_year_key", "unit_id"]


class ModelDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = Field(min_length=1)
    columns: dict[str, ColumnDoc] = Field(default_factory=dict)
    # a core table rebuilt per key for the files a run changed (orchestration/incremental.py):
    # source_file, unit_year_key or unit_id; absent, the table is rebuilt whole every run
    incremental_key: IncrementalKey | None = None

    @field_validator("columns", mode="before")
    @classmethod
    def _plain_strings(cls, value: object) -> object:
        """`name: words` is short for `name: {description: words}`."""
        if isinstance(value, dict):
            return {k: {"description": v} if isinstance(v, str) else v for k, v in value.items()}
        return value


def doc_path(sql_path: Path) -> Path:
    return sql_path.with_suffix(".yml")


def load_doc(sql_path: Path) -> ModelDoc | None:
    """The model's dictionary entry, or None when it has no YAML file (a bad file raises)."""
    path = doc_path(sql_path)
    if not path.exists():
        return None
    try:
        return ModelDoc.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except Exception as exc:
        raise ValueError(f"{path}: {exc}") from exc


def _quote(text: str) -> str:
    return "'" + " ".join(text.split()).replace("'", "''") + "'"


def comment_statements(doc: ModelDoc, table: str, kind: str, columns: list[str]) -> list[str]:
    """COMMENT ON statements for `table` (`schema.name`, a `kind` 'table' or 'view'); only the
    built `columns` are commented, so a stale YAML entry never breaks a build (the test names it)."""
    out = [f"comment on {kind} {table} is {_quote(doc.description)}"]
    out += [f'comment on column {table}."{name}" is {_quote(doc.columns[name].description)}'
            for name in columns if name in doc.columns]
    return out


def apply_comments(con, table: str, sql_path: Path) -> list[str]:
    """Comment the freshly built `table` from its YAML; returns its columns that have no description."""
    schema, name = table.split(".")
    built = [r[0] for r in con.execute(
        "select column_name from duckdb_columns() where schema_name = ? and table_name = ? order by column_index",
        [schema, name]).fetchall()]
    doc = load_doc(sql_path)
    if doc is None:
        return built
    is_view = con.execute("select count(*) from duckdb_views() where schema_name = ? and view_name = ?",
                          [schema, name]).fetchone()[0]
    for statement in comment_statements(doc, table, "view" if is_view else "table", built):
        con.execute(statement)
    return [c for c in built if c not in doc.columns]


def table_schema(doc: ModelDoc | None, types: dict[str, str] | None = None) -> dg.TableSchema:
    """The Dagster column schema: the YAML's columns at definition time (type from the YAML when
    given), or with `types` (column -> DuckDB type, in table order) the built table's columns."""
    docs = doc.columns if doc else {}
    if types is None:
        return dg.TableSchema(columns=[dg.TableColumn(n, c.type or "", c.description) for n, c in docs.items()])
    return dg.TableSchema(columns=[
        dg.TableColumn(n, t.lower(), docs[n].description if n in docs else None) for n, t in types.items()
    ])

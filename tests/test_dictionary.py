"""The data dictionary: every public table, view and column is described, in DuckDB and in Dagster.

The words live in `sql/models/<schema>/<name>.yml` beside each model (see orchestration/dictionary.py).
A model that gains a column must say what it means there; these tests name what is missing.
"""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from orchestration.assets.models import model_files
from orchestration.dictionary import ModelDoc, comment_statements, doc_path, load_doc, table_schema

PUBLIC = ("core", "marts")
HOW = "describe it in sql/models/<schema>/<name>.yml (columns: <name>: <what it means>)"


@pytest.fixture(scope="module")
def con(built):
    _, warehouse, result = built
    assert result.success
    with duckdb.connect(str(warehouse), read_only=True) as c:  # the published copy: comments survive it
        yield c


def test_every_model_has_a_dictionary_file():
    missing = [str(doc_path(p).relative_to(p.parents[2])) for p in model_files() if load_doc(p) is None]
    assert not missing, f"models without a data dictionary file: {missing}"


def test_every_public_column_has_a_comment(con):
    missing = [".".join(r) for r in con.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where schema_name in ('core', 'marts') and (comment is null or comment = '') "
        "order by schema_name, table_name, column_index").fetchall()]
    assert not missing, f"{len(missing)} public columns have no description ({HOW}):\n" + "\n".join(missing)


def test_every_public_table_and_view_has_a_comment(con):
    missing = [".".join(r) for r in con.execute(
        "select schema_name, table_name from duckdb_tables() where schema_name in ('core', 'marts') "
        "and coalesce(comment, '') = '' union all "
        "select schema_name, view_name from duckdb_views() where schema_name in ('core', 'marts') "
        "and coalesce(comment, '') = '' order by 1, 2").fetchall()]
    assert not missing, f"public tables/views without a description ({HOW}): {missing}"


def test_no_stale_dictionary_entries(con):
    built = {r[0] for r in con.execute("select schema_name || '.' || table_name || '.' || column_name "
                                       "from duckdb_columns() where schema_name in ('core', 'marts')").fetchall()}
    stale = [f"{p.parent.name}.{p.stem}.{c}" for p in model_files() for c in (load_doc(p) or ModelDoc(
        description="-")).columns if f"{p.parent.name}.{p.stem}.{c}" not in built]
    assert not stale, "the data dictionary describes columns the models no longer build (remove them):\n" + \
        "\n".join(stale)


def test_dagster_assets_carry_the_dictionary():
    from orchestration.definitions import defs

    problems = []
    for path in model_files():
        key = dg.AssetKey([path.parent.name, path.stem])
        spec = defs.resolve_assets_def(key).specs_by_key[key]
        schema = spec.metadata.get("dagster/column_schema")
        columns = schema.schema.columns if schema is not None else []
        if not spec.description or load_doc(path) and spec.description != load_doc(path).description:
            problems.append(f"{'.'.join(key.path)}: no description from its YAML")
        if spec.metadata.get("dagster/table_name") != dg.MetadataValue.text(".".join(key.path)):
            problems.append(f"{'.'.join(key.path)}: no dagster/table_name")
        if not columns:
            problems.append(f"{'.'.join(key.path)}: no dagster/column_schema")
        problems += [f"{'.'.join(key.path)}.{c.name}: no description" for c in columns if not c.description]
    assert not problems, "\n".join(problems)


def test_materializations_carry_the_built_schema(built):
    _, _, result = built
    mats = [e.step_materialization_data.materialization for e in result.get_asset_materialization_events()]
    mat = next(m for m in mats if m.asset_key == dg.AssetKey(["marts", "report_facts"]))
    columns = {c.name: c for c in mat.metadata["dagster/column_schema"].schema.columns}
    assert columns["value"].type == "double" and columns["value"].description
    assert mat.metadata["dagster/table_name"].text == "marts.report_facts"


def test_comments_escape_quotes_and_reach_views():
    doc = ModelDoc.model_validate({"description": "the unit's view", "columns": {"a": "it's 'a'", "b": {
        "description": "b", "type": "INTEGER"}}})
    with duckdb.connect() as c:
        c.execute("create schema m; create view m.v as select 1 as a, 2 as b")
        for statement in comment_statements(doc, "m.v", "view", ["a", "b"]):
            c.execute(statement)
        assert c.execute("select comment from duckdb_views() where view_name = 'v'").fetchone()[0] == "the unit's view"
        assert c.execute("select list(comment order by column_index) from duckdb_columns() "
                         "where table_name = 'v'").fetchone()[0] == ["it's 'a'", "b"]
    assert [(col.name, col.type) for col in table_schema(doc).columns] == [("a", ""), ("b", "INTEGER")]

"""`make export`: every mart of a built warehouse in one workbook (the dictionary first) and as
Parquet files, written next to the warehouse; the workbook is read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

from orchestration.export import DICTIONARY_SHEET, cell, sheet_names, write_export

REPO = Path(__file__).resolve().parent.parent


def mart_counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()]
        return {n: con.execute(f'select count(*) from marts."{n}"').fetchone()[0] for n in names}


@pytest.fixture(scope="module")
def exported(built, tmp_path_factory: pytest.TempPathFactory):
    _, warehouse, _ = built
    out = tmp_path_factory.mktemp("export")
    book, parquet, _ = write_export(warehouse, out)
    return warehouse, book, parquet


def test_the_workbook_has_the_dictionary_first_and_a_sheet_per_mart(exported):
    warehouse, book, _ = exported
    counts = mart_counts(warehouse)
    assert {"report_facts", "indicator_latest", "indicator_comparison", "report_overview"} <= set(counts)
    wb = openpyxl.load_workbook(book, read_only=True)
    assert wb.sheetnames[0] == DICTIONARY_SHEET
    assert set(wb.sheetnames[1:]) == set(counts)
    for name, n in counts.items():
        rows = list(wb[name].iter_rows(values_only=True))
        assert len(rows) - 1 == n, name  # the header row, then one row per mart row
    dictionary = list(wb[DICTIONARY_SHEET].iter_rows(values_only=True))
    assert dictionary[0][:4] == ("table", "column", "type", "description")
    listed = {(r[0], r[1]) for r in dictionary[1:]}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = con.execute("select table_name, column_name, comment from duckdb_columns() "
                              "where schema_name = 'marts'").fetchall()
    assert {(f"marts.{t}", c) for t, c, _ in columns} <= listed
    described = {(r[0], r[1]): r[3] for r in dictionary[1:]}
    for table, column, comment in columns:  # the warehouse's own comments, where it has them
        assert (described[(f"marts.{table}", column)] or None) == (comment or None)


def test_lists_dates_and_text_read_sensibly(exported):
    warehouse, book, _ = exported
    wb = openpyxl.load_workbook(book, read_only=True)
    rows = list(wb["report_overview"].iter_rows(values_only=True))
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert isinstance(first["unit_name"], str)
    assert first["report_date"] is None or isinstance(first["report_date"], dt.datetime)
    assert all(r[header.index("report_date")] is None or isinstance(r[header.index("report_date")], dt.datetime)
               for r in rows[1:])
    facts = list(wb["report_facts"].iter_rows(values_only=True))
    flags = facts[0].index("flags")
    assert all(r[flags] is None or isinstance(r[flags], str) for r in facts[1:])  # a list is one joined cell


def test_parquet_has_every_mart_with_its_rows(exported):
    warehouse, _, parquet = exported
    counts = mart_counts(warehouse)
    assert {p.stem for p in parquet.glob("*.parquet")} == set(counts)
    with duckdb.connect() as con:
        for name, n in counts.items():
            assert con.execute("select count(*) from read_parquet(?)", [str(parquet / f"{name}.parquet")]
                               ).fetchone()[0] == n, name
        types = dict(con.execute("select column_name, column_type from (describe select * from read_parquet(?))",
                                 [str(parquet / "report_facts.parquet")]).fetchall())
    assert types["flags"] == "VARCHAR[]"  # Parquet keeps the types


def test_cells_and_sheet_names():
    assert cell(["a", "b", None]) == "a、b、"
    assert cell(float("nan")) is None
    assert len(cell("x" * 40_000)) == 32_767
    names = sheet_names(["a" * 40, "a" * 40 + "b", "dictionary", "x:y"])
    assert all(len(n) <= 31 for n in names) and len({n.lower() for n in names}) == 4
    assert "dictionary" not in names and names[3] == "x_y"


def test_comments_become_descriptions_and_the_command_writes_next_to_the_warehouse(tmp_path: Path):
    warehouse = tmp_path / "wh" / "small.duckdb"
    warehouse.parent.mkdir()
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.things as select 1 as n, ['x', 'y'] as tags, date '2024-03-01' as d, "
                    "'=1+1' as text")
        con.execute("comment on table marts.things is 'one row per thing'")
        con.execute("comment on column marts.things.n is '件数'")
    env = {**os.environ, "REPORTS_WAREHOUSE": str(warehouse)}
    run = subprocess.run([sys.executable, "-m", "orchestration.export"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    book = warehouse.parent / "export" / "reports.xlsx"
    assert (warehouse.parent / "export" / "parquet" / "things.parquet").exists()
    wb = openpyxl.load_workbook(book)
    dictionary = list(wb[DICTIONARY_SHEET].iter_rows(values_only=True))
    assert dictionary[1][:5] == ("marts.things", "", "table", "one row per thing", 1)
    assert dictionary[2][:4] == ("marts.things", "n", "INTEGER", "件数")
    rows = list(wb["things"].iter_rows(values_only=True))
    assert rows[1] == (1, "x、y", dt.datetime(2024, 3, 1), "=1+1")
    assert wb["things"]["D2"].data_type == "s"  # text, never a formula
    missing = subprocess.run([sys.executable, "-m", "orchestration.export", "--warehouse",
                              str(tmp_path / "absent.duckdb")], cwd=REPO, capture_output=True, text=True,
                             timeout=120, check=False)
    assert missing.returncode == 1 and "make run" in missing.stderr

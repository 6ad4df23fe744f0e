"""`make export`: every mart of the published warehouse as one Excel workbook and as Parquet files.

Written next to the warehouse it reads (`<warehouse dir>/export/`):

    reports.xlsx               sheet 1 `dictionary` (table, column, type, description, rows), then a
                               sheet per mart (every table and view in schema marts), its rows as they are
    parquet/<mart>.parquet     one file per mart, types kept (lists stay lists, dates stay dates)

In the workbook a list (VARCHAR[]) is joined with '、', dates and timestamps are Excel dates, and
text is always text (a value starting with '=' is never a formula). Descriptions come from the
warehouse's own comments (`COMMENT ON`, read from duckdb_columns() and duckdb_views()/duckdb_tables()).

    python -m orchestration.export [--warehouse warehouse/reports.duckdb] [--out <warehouse dir>/export]
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import math
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import xlsxwriter

from orchestration.resources import read_published
from orchestration.settings import Settings

SCHEMA = "marts"
WORKBOOK = "reports.xlsx"
DICTIONARY_SHEET = "dictionary"
EXCEL_ROWS = 1_048_576  # a sheet's limit, the header row included
EXCEL_TEXT = 32_767  # a cell's limit in characters
LIST_JOIN = "、"


@dataclass
class Mart:
    name: str
    kind: str  # table | view
    comment: str | None
    rows: int
    columns: list[tuple[str, str, str | None]]  # name, type, comment
    sheet: str = ""


def marts(con: duckdb.DuckDBPyConnection) -> list[Mart]:
    """Every table and view in schema marts, with its columns and the warehouse's comments."""
    found = con.execute("""
        select table_name, 'table' as kind, comment from duckdb_tables() where schema_name = ? and not temporary
        union all
        select view_name, 'view', comment from duckdb_views() where schema_name = ? and not temporary and not internal
        order by 1
    """, [SCHEMA, SCHEMA]).fetchall()
    columns: dict[str, list[tuple[str, str, str | None]]] = {}
    for table, column, data_type, comment in con.execute("""
        select table_name, column_name, data_type, comment from duckdb_columns()
        where schema_name = ? order by table_name, column_index
    """, [SCHEMA]).fetchall():
        columns.setdefault(table, []).append((column, data_type, comment))
    out = []
    for name, kind, comment in found:
        rows = con.execute(f'select count(*) from {SCHEMA}."{name}"').fetchone()[0]
        out.append(Mart(name, kind, comment or None, rows, columns.get(name, [])))
    return out


def sheet_names(names: list[str]) -> list[str]:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case, not 'dictionary'."""
    taken = {DICTIONARY_SHEET.lower()}
    out = []
    for name in names:
        base = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "sheet"
        candidate, n = base, 1
        while candidate.lower() in taken:
            n += 1
            suffix = f"~{n}"
            candidate = base[: 31 - len(suffix)] + suffix
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def cell(value: Any) -> Any:
    """A DuckDB value as Excel can hold it: lists joined, structs as text, long text cut."""
    if isinstance(value, list | tuple):
        return LIST_JOIN.join("" if v is None else str(cell(v)) for v in value)
    if isinstance(value, dict):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, str) and len(value) > EXCEL_TEXT:
        return value[: EXCEL_TEXT - 1] + "…"
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dt.timedelta):
        return str(value)
    return value


class Sheets:
    """Cell writers for one workbook: text stays text, dates are dates, lists are joined."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.head = book.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})

    def write(self, sheet, row: int, col: int, value: Any) -> None:
        value = cell(value)
        if value is None:
            return
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value)
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(row, col, value, self.stamp)
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), self.date)
        else:
            sheet.write_string(row, col, str(value))

    def header(self, sheet, names: list[str], widths: list[int]) -> None:
        for col, (name, width) in enumerate(zip(names, widths, strict=True)):
            sheet.write_string(0, col, name, self.head)
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)


def _width(name: str, data_type: str) -> int:
    if data_type.endswith("[]") or name in {"evidence", "reason", "target_evidence", "units"}:
        return 48
    if data_type in {"DOUBLE", "INTEGER", "BIGINT", "BOOLEAN", "FLOAT", "HUGEINT"} or data_type.startswith("DECIMAL"):
        return max(10, min(len(name) + 2, 24))
    return max(14, min(len(name) + 4, 32))


def write_workbook(con: duckdb.DuckDBPyConnection, found: list[Mart], path: Path) -> Path:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False,
                                          "strings_to_urls": False, "strings_to_numbers": False})
    try:
        sheets = Sheets(book)
        dictionary = book.add_worksheet(DICTIONARY_SHEET)
        names = ["table", "column", "type", "description", "rows", "sheet"]
        sheets.header(dictionary, names, [24, 26, 16, 90, 10, 24])
        row = 1
        for mart in found:
            shown = min(mart.rows, EXCEL_ROWS - 1)
            note = mart.comment or ""
            if shown < mart.rows:
                note = f"{note} (the sheet: the first {shown:,} of {mart.rows:,} rows; Parquet: all)".strip()
            for col, value in enumerate([f"{SCHEMA}.{mart.name}", "", mart.kind, note, mart.rows, mart.sheet]):
                sheets.write(dictionary, row, col, value)
            row += 1
            for column, data_type, comment in mart.columns:
                for col, value in enumerate([f"{SCHEMA}.{mart.name}", column, data_type, comment or "", None, None]):
                    sheets.write(dictionary, row, col, value)
                row += 1
        dictionary.autofilter(0, 0, max(row - 1, 1), len(names) - 1)
        for mart in found:
            sheet = book.add_worksheet(mart.sheet)
            columns = [c[0] for c in mart.columns]
            sheets.header(sheet, columns, [_width(name, data_type) for name, data_type, _ in mart.columns])
            cursor = con.execute(f'select * from {SCHEMA}."{mart.name}" limit {EXCEL_ROWS - 1}')
            row = 1
            while batch := cursor.fetchmany(2048):
                for values in batch:
                    for col, value in enumerate(values):
                        sheets.write(sheet, row, col, value)
                    row += 1
            if columns:
                sheet.autofilter(0, 0, max(row - 1, 1), len(columns) - 1)
    finally:
        book.close()
    os.replace(tmp, path)
    return path


def write_parquet(con: duckdb.DuckDBPyConnection, found: list[Mart], folder: Path) -> Path:
    """One file per mart; the folder is replaced whole, so a mart dropped since leaves no stale file."""
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for mart in found:
        target = str(tmp / f"{mart.name}.parquet").replace("'", "''")
        con.execute(f"copy (select * from {SCHEMA}.\"{mart.name}\") to '{target}' (format parquet, compression zstd)")
    old = folder.with_name(f".{folder.name}.{os.getpid()}.old")
    if folder.exists():
        os.replace(folder, old)
    os.replace(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)
    return folder


def default_out(warehouse: Path) -> Path:
    return warehouse.parent / "export"


def write_export(warehouse: Path, out: Path | None = None) -> tuple[Path, Path, list[Mart]]:
    """Read the published warehouse read-only; write `out/reports.xlsx` and `out/parquet/`."""
    out = out or default_out(warehouse)
    out.mkdir(parents=True, exist_ok=True)
    with read_published(warehouse) as con:
        found = marts(con)
        for mart, name in zip(found, sheet_names([m.name for m in found]), strict=True):
            mart.sheet = name
        book = write_workbook(con, found, out / WORKBOOK)
        parquet = write_parquet(con, found, out / "parquet")
    return book, parquet, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Export every mart to one Excel workbook and to Parquet files.")
    parser.add_argument("--warehouse", type=Path, default=None,
                        help="the published DuckDB file (default: $REPORTS_WAREHOUSE or warehouse/reports.duckdb)")
    parser.add_argument("--out", type=Path, default=None, help="the folder to write (default: <warehouse dir>/export)")
    args = parser.parse_args(argv)
    warehouse = args.warehouse or Settings().resolved_warehouse()
    if not warehouse.exists():
        print(f"no warehouse at {warehouse}; run `make run` first", file=sys.stderr)
        return 1
    book, parquet, found = write_export(warehouse, args.out)
    print(f"workbook          {book}   ({len(found)} marts, the dictionary first)")
    print(f"parquet           {parquet}/<mart>.parquet")
    return 0


if __name__ == "__main__":
    sys.exit(main())

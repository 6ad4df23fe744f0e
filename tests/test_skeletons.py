"""Sections and metadata over report skeletons written for the purpose (tests/fixtures/skeletons).

The skeletons reach the later parts real page openings rarely show: shortcomings, next year's
plan, other matters, the signature (落款) with Arabic or Chinese-numeral dates, a 抄送 / 印发 footer
after it, and a 文号 under a red-header government document. Gold sits beside them in the
score_gold.py layout (reports.csv, sections.csv).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from transforms.metadata import extract_metadata
from transforms.normalize import normalize_documents
from transforms.sections import split_sections

HERE = Path(__file__).resolve().parent / "fixtures" / "skeletons"
FIELDS = ("unit_name", "unit_full_name", "unit_level", "parent_name", "doc_number")


def _gold(name: str) -> list[dict]:
    with (HERE / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def built() -> tuple[pl.DataFrame, dict[str, dict]]:
    raw = [(f.name, f.read_text(encoding="utf-8")) for f in sorted(HERE.glob("*.txt"))]
    source = pl.DataFrame(raw, schema={"source_file": pl.String, "source_text": pl.String}, orient="row")
    docs = normalize_documents(source).select("source_file", "text")
    docs = docs.with_columns(page_title=pl.lit(None, pl.String), page_published_on=pl.lit(None, pl.Date))
    sections, _ = split_sections(docs)
    meta = {r["source_file"]: r for r in extract_metadata(docs, sections).iter_rows(named=True)}
    return sections, meta


def test_every_skeleton_has_gold():
    files = {f.name for f in HERE.glob("*.txt")}
    assert files == {g["file"] for g in _gold("reports.csv")}
    assert files == {g["file"] for g in _gold("sections.csv")}


@pytest.mark.parametrize("g", _gold("sections.csv"), ids=lambda g: f"{g['file'][:3]}-{g['section']}")
def test_sections(built, g):
    sections, _ = built
    present = set(zip(sections["source_file"], sections["section"], strict=True))
    assert ((g["file"], g["section"]) in present) == (g["present"] == "1")


@pytest.mark.parametrize("g", _gold("reports.csv"), ids=lambda g: g["file"][:3])
def test_metadata(built, g):
    m = built[1][g["file"]]
    got = {f: m[f] for f in FIELDS} | {"report_year": m["report_year"], "report_date": m["report_date"]}
    want = {f: g[f] or None for f in FIELDS} | {
        "report_year": int(g["report_year"]),
        "report_date": dt.date.fromisoformat(g["report_date"]) if g["report_date"] else None,
    }
    assert got == want

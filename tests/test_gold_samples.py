"""The five sample reports against tests/gold, in-process and exact: every fact, mention,
qualifier, metadata field, section and shortcoming theme (transforms.rulebook.gold_diff), then
sections and metadata field by field."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from transforms import rulebook
from transforms.metadata import extract_metadata
from transforms.normalize import normalize_documents
from transforms.sections import split_sections

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
GOLD = ROOT / "tests" / "gold"


@pytest.fixture(scope="module")
def docs() -> pl.DataFrame:
    files = sorted(RAW.glob("*.txt"))
    if not files:
        pytest.skip("no raw samples")
    source = pl.DataFrame([(f.name, f.read_text(encoding="utf-8")) for f in files],
                          schema={"source_file": pl.String, "source_text": pl.String}, orient="row")
    frame = normalize_documents(source).select("source_file", "text")
    return frame.with_columns(page_title=pl.lit(None, pl.String), page_published_on=pl.lit(None, pl.Date))


def _gold(name: str) -> list[dict]:
    with (GOLD / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_samples_match_their_gold_exactly():
    """No fact, mention, qualifier, metadata field, section or theme differs (the diff is the message)."""
    diff = rulebook.gold_diff()
    assert diff == [], "\n".join(diff)


def test_gold_diff_sees_a_lost_fact(tmp_path):
    """The exact check is not blind: a gold fact the extractor does not give shows as a miss."""
    import shutil

    gold = tmp_path / "gold"
    shutil.copytree(GOLD, gold)
    with (gold / "facts.csv").open("a", encoding="utf-8") as fh:
        fh.write("000_dcb9594d9dfb0db2.txt,study.sessions,actual,987,,event,次,exact,0,invented\n")
    assert any("missed study.sessions actual 987" in line for line in rulebook.gold_diff(gold=gold))


def test_sections_presence_matches_gold(docs):
    sections, spans = split_sections(docs)
    present = set(zip(sections["source_file"], sections["section"], strict=True))
    for g in _gold("sections.csv"):
        assert ((g["file"], g["section"]) in present) == (g["present"] == "1"), g
    lengths = dict(zip(docs["source_file"], docs["text"].str.len_chars(), strict=True))
    for (f,), s in spans.partition_by("source_file", as_dict=True).items():
        assert s["span_start"][0] == 0 and s["span_end"][-1] == lengths[f]
        assert s["span_end"].to_list()[:-1] == s["span_start"].to_list()[1:]


def test_metadata_matches_gold(docs):
    sections, _ = split_sections(docs)
    meta = {r["source_file"]: r for r in extract_metadata(docs, sections).iter_rows(named=True)}
    for g in _gold("reports.csv"):
        m = meta[g["file"]]
        for field in ("unit_name", "unit_full_name", "unit_level", "parent_name", "doc_number"):
            assert m[field] == (g[field] or None), (g["file"], field)
        assert m["report_year"] == int(g["report_year"]), g["file"]
        for field in ("report_date", "published_on"):
            want = dt.date.fromisoformat(g[field]) if g[field] else None
            assert m[field] == want, (g["file"], field)


def test_published_on_from_header_table(docs):
    meta = extract_metadata(docs.filter(pl.col("source_file").str.starts_with("003")))
    assert meta["published_on"][0] == dt.date(2023, 3, 6)

"""One report, many files: copies of a report (its page, its PDF and DOCX, a re-post with another
header and footer) are one report; a corrected version of it stays a second report.

The end-to-end test builds the samples plus, for one sample, the same report as a saved .html
page, a .pdf, a re-post with a changed header and footer and a corrected version (two numbers
changed), and checks that the comparisons and compliance count the report once, that the copies
name their canonical file in `duplicate_of`, and that the correction is a report of its own
flagged `same_unit_year`. The unit tests check the signatures and the similarity estimate.
"""

from __future__ import annotations

import importlib.util
import random
import re
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from transforms.duplicates import (
    SEED,
    SHINGLE,
    SIGNATURES,
    THRESHOLD,
    K,
    clean_text,
    file_signatures,
    similarity,
    text_sketches,
)

from .conftest import RAW, build
from .test_variants import docx_bytes, html_bytes, pdf_bytes

SAMPLES = sorted(RAW.glob("*.txt"))
SAMPLE = SAMPLES[2]  # a sample with many classified facts
# two numbers of the sample a correction changes (both are counted facts)
CORRECTIONS = (("治安巡逻 26 次", "治安巡逻 28 次"), ("累计宣讲 12 ", "累计宣讲 15 "))


def repost(text: str) -> str:
    """The report re-posted by another portal: its own header above and footer below."""
    header = ("首页 > 信息公开 > 法定主动公开内容 > 法治政府建设\n"
              "来源：市司法局　发布时间：2025-02-18 09:30　浏览次数：1362　字号：大 中 小\n"
              "本文转载自湛江市人民政府门户网站，转载请注明出处\n\n")
    footer = ("\n\n责任编辑：李明　审核：王芳　校对：张华\n【打印本页】【关闭窗口】\n"
              "主办单位：湛江市人民政府办公室　承办：湛江市政务服务数据管理局\n"
              "网站标识码：4408000001　粤ICP备05031302号　粤公网安备 44080202000123号\n")
    return header + text + footer


def corrected(text: str) -> str:
    for old, new in CORRECTIONS:
        assert old in text
        text = text.replace(old, new)
    return text


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# --------------------------------------------------------------------------- unit tests


def test_signatures_tell_copies_from_other_reports() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    other = SAMPLES[0].read_text(encoding="utf-8")
    # the same text with other whitespace and punctuation widths, as a page or a PDF gives it
    reflowed = text.replace("\n", "\n\n  ").replace("，", ",").replace("。", ". ")
    docs = pl.DataFrame({"source_file": ["a.txt", "b.html", "c.txt", "d.txt", "e.txt"],
                         "text": [text, reflowed, repost(text), other, "短"]})
    facts = pl.DataFrame({"source_file": ["a.txt", "a.txt", "b.html", "b.html", "c.txt", "c.txt", "d.txt"],
                          "indicator_code": ["x", "unclassified", "unclassified", "x", "x", "unclassified", "x"],
                          "kind": ["actual"] * 7, "value": [1.0, 2.0, 2.0, 1.0, 1.0, 3.0, 1.0],
                          "value_high": [None] * 7, "measure_code": ["item"] * 7, "qualifier": [None] * 7,
                          "target_year": [None] * 7},
                         schema_overrides={"value_high": pl.Float64, "qualifier": pl.String, "target_year": pl.Int32})
    out = file_signatures(docs, facts)
    assert out.schema == SIGNATURES
    assert out["source_file"].to_list() == ["a.txt", "b.html", "c.txt", "d.txt", "e.txt"]
    sig = {r["source_file"]: r for r in out.iter_rows(named=True)}
    # whitespace and punctuation do not count: the reflowed text is the same text
    assert sig["a.txt"]["sketch"] == sig["b.html"]["sketch"] and len(sig["a.txt"]["sketch"]) == K
    assert similarity(sig["a.txt"]["sketch"], sig["c.txt"]["sketch"]) >= 0.9
    assert similarity(sig["a.txt"]["sketch"], sig["d.txt"]["sketch"]) < 0.1
    # facts: the same multiset in any order gives the same key; a changed number, even one no
    # catalogue rule classified, or a missing one gives another
    assert sig["a.txt"]["facts_key"] == sig["b.html"]["facts_key"] and sig["a.txt"]["facts_counted"] == 2
    assert sig["c.txt"]["facts_key"] != sig["a.txt"]["facts_key"]
    assert len({sig[f]["facts_key"] for f in ("a.txt", "d.txt", "e.txt")}) == 3 and sig["e.txt"]["facts_counted"] == 0
    # a text shorter than one shingle has an empty sketch, never an error
    assert sig["e.txt"]["sketch"] == [] and sig["e.txt"]["shingles"] == 0


def test_sketches_are_deterministic_and_order_free() -> None:
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    docs = pl.DataFrame({"source_file": [p.name for p in SAMPLES], "text": texts})
    once = text_sketches(docs).sort("source_file")
    order = list(range(len(SAMPLES)))
    random.Random(7).shuffle(order)
    again = text_sketches(docs[order]).sort("source_file")
    assert once.equals(again)
    # fixed values: the hash never depends on the machine or the polars version
    assert once["sketch"][0][:2].to_list() == text_sketches(docs.head(1))["sketch"][0][:2].to_list()


def _sketch_by_definition(text: str) -> tuple[int, list[int]]:
    """A text's shingle count and sketch one 5-gram at a time in plain Python: each character's value
    is the integer of its UTF-8 bytes, the 5-gram's polynomial is mixed by splitmix64's finalizer."""
    m64, poly = (1 << 64) - 1, 0x100_0000_01B3
    hashes = set()
    for i in range(len(text) - SHINGLE + 1):
        x = SEED & m64
        for ch in text[i:i + SHINGLE]:
            x = (x * poly + int.from_bytes(ch.encode("utf-8"), "big")) & m64
        x ^= x >> 30
        x = (x * 0xBF58476D1CE4E5B9) & m64
        x ^= x >> 27
        x = (x * 0x94D049BB133111EB) & m64
        hashes.add(x ^ (x >> 31))
    return len(hashes), sorted(hashes)[:K]


def test_sketches_follow_their_definition_for_every_width_of_character() -> None:
    """One, two, three and four UTF-8 bytes (a, é, 中, 𠮷), texts shorter than a shingle, an empty
    and a missing text, side by side in one frame (the 5-grams never cross from one text into the
    next), and a sample."""
    texts = ["abcdefgh", "éèêëēė", "中文报告第二部分", "𠮷野家𠮷野家𠮷", "a中é𠮷b中", "四个字", "", None,
             SAMPLES[0].read_text(encoding="utf-8")]
    docs = pl.DataFrame({"source_file": [f"f{i}" for i in range(len(texts))], "text": texts})
    got = {r["source_file"]: (r["shingles"], r["sketch"]) for r in text_sketches(docs).iter_rows(named=True)}
    cleaned = docs.select("source_file", clean_text(pl.col("text")).alias("t"))
    for name, text in cleaned.iter_rows():
        assert got[name] == _sketch_by_definition(text or ""), name


def test_similarity_estimate_is_close_to_the_jaccard() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    half = text[: len(text) // 2]
    docs = pl.DataFrame({"source_file": ["a", "b"], "text": [text, half]})
    a, b = text_sketches(docs).sort("source_file")["sketch"].to_list()
    grams = lambda t: {t[i:i + 5] for i in range(len(t) - 4)}  # noqa: E731
    clean = lambda t: "".join(ch for ch in t if ch.isalnum())  # noqa: E731
    exact = len(grams(clean(half)) & grams(clean(text))) / len(grams(clean(half)) | grams(clean(text)))
    assert abs(similarity(a, b) - exact) < 0.1
    assert similarity(a, a) == 1.0 and exact < THRESHOLD


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The samples plus copies of SAMPLE (page, PDF, re-post) and a corrected version, built."""
    root = tmp_path_factory.mktemp("duplicates")
    raw = root / "raw"
    shutil.copytree(RAW, raw)
    text = SAMPLE.read_text(encoding="utf-8")
    stem = SAMPLE.stem
    names = {"page": f"{stem}.page.html", "repost": f"{stem}.repost.txt", "corrected": f"{stem}.corrected.txt"}
    (raw / names["page"]).write_bytes(html_bytes(text))
    if importlib.util.find_spec("reportlab") is not None:
        names["pdf"] = f"{stem}.pdf"
        (raw / names["pdf"]).write_bytes(pdf_bytes(text))
    (raw / names["repost"]).write_text(repost(text), encoding="utf-8")
    (raw / names["corrected"]).write_text(corrected(text), encoding="utf-8")
    warehouse = root / "wh" / "reports.duckdb"
    result = build(raw, warehouse)
    assert result.success
    checks = result.get_asset_check_evaluations()
    assert all(c.passed for c in checks), [c.check_name for c in checks if not c.passed]
    return warehouse, names


def test_copies_are_one_report(copies) -> None:
    warehouse, names = copies
    unit_year = """unit_name, parent_name, unit_level, report_year) in (
        select unit_name, parent_name, unit_level, report_year from marts.report_overview where source_file = '{}')"""
    where = "(" + unit_year.format(SAMPLE.name)
    overview = {r[0]: r[1:] for r in query(
        warehouse, f"select source_file, duplicate_of, same_unit_year, copies from marts.report_overview "
                   f"where {where}")}
    dupes = [names[k] for k in ("page", "pdf", "repost") if k in names]
    assert set(overview) == {SAMPLE.name, names["corrected"], *dupes}
    # the .txt is the canonical file: as complete as its copies, the plain text is preferred
    assert overview[SAMPLE.name] == (None, True, len(dupes) + 1)
    for name in dupes:
        assert overview[name] == (SAMPLE.name, True, len(dupes) + 1), name
    # the correction states other numbers: a report of its own, beside the original
    assert overview[names["corrected"]] == (None, True, 1)
    status = dict(query(warehouse, "select source_file, duplicate_of from marts.file_status where status = 'loaded'"))
    assert {name: status[name] for name in overview} == {name: row[0] for name, row in overview.items()}
    # every other sample is untouched: one file, one report, no copies
    others = [r for r in query(warehouse, "select source_file, duplicate_of, same_unit_year, copies "
                                          "from marts.report_overview") if r[0] not in overview]
    assert sorted(others) == [(p.name, None, False, 1) for p in SAMPLES if p != SAMPLE]


def test_copies_count_once(copies) -> None:
    warehouse, names = copies
    reports = {r[0] for r in query(warehouse, "select source_file from core.report")}
    assert reports == {p.name for p in SAMPLES} | {names["corrected"]}
    compliance = query(warehouse, "select source_file from marts.section_compliance")
    assert sorted(r[0] for r in compliance) == sorted(reports)
    facts = {r[0] for r in query(warehouse, "select distinct source_file from marts.report_facts")}
    assert facts <= reports and SAMPLE.name in facts
    # the comparisons: only the canonical file and the correction stand behind the sample's unit
    for table in ("core.unit_indicator_value", "marts.indicator_latest"):
        files = {r[0] for r in query(warehouse, f"select distinct source_file from {table}")}
        assert files <= reports, table
    scorecard = query(warehouse, """select reports, source_files from marts.unit_scorecard
                                    where list_contains(source_files, ?)""".replace("?", f"'{SAMPLE.name}'"))
    assert scorecard == [(2, sorted([SAMPLE.name, names["corrected"]]))]
    # fact counts: the unit's facts are the original's and the correction's, once each
    per_file = dict(query(warehouse, "select source_file, fact_count from marts.report_overview"))
    unit_facts = query(warehouse, f"select facts from marts.unit_scorecard where list_contains(source_files, "
                                  f"'{SAMPLE.name}')")[0][0]
    assert unit_facts == per_file[SAMPLE.name] + per_file[names["corrected"]]
    dim = query(warehouse, f"""select report_count from core.dim_unit where unit_id =
                               (select unit_id from core.report where source_file = '{SAMPLE.name}')""")
    assert dim == [(2,)]
    # the correction's two changed numbers are its own; the original's stay the original's
    values = dict(query(warehouse, f"""select source_file, list(value order by value) from marts.report_facts
                                       where evidence like '%治安巡逻%' and source_file in
                                       ('{SAMPLE.name}', '{names["corrected"]}') group by source_file"""))
    assert values[SAMPLE.name] != values[names["corrected"]]


def test_docx_copy_and_any_order(tmp_path) -> None:
    """A DOCX copy joins the report too, and files landing in two runs give the same warehouse
    as one run (the signatures are per file; the grouping is rebuilt from all of them)."""
    text = SAMPLE.read_text(encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE, raw / SAMPLE.name)
    (raw / "copy.docx").write_bytes(docx_bytes(text))
    first = tmp_path / "a" / "reports.duckdb"
    assert build(raw, first).success
    mirror = f"{SAMPLE.stem}(1).txt"
    (raw / mirror).write_text(repost(text), encoding="utf-8")
    assert build(raw, first).success  # incremental: only the new file is read
    fresh = tmp_path / "b" / "reports.duckdb"
    assert build(raw, fresh).success
    sql = "select source_file, duplicate_of, same_unit_year, copies from marts.report_overview order by 1"
    assert query(first, sql) == query(fresh, sql) == [
        (f"{SAMPLE.stem}(1).txt", SAMPLE.name, False, 3), (SAMPLE.name, None, False, 3),
        ("copy.docx", SAMPLE.name, False, 3)]


def second_version(text: str, other: str) -> str:
    """`text` with its long paragraphs rewritten (another sample's paragraphs, without numbers):
    the same unit, year and parts, the same (no) facts, a different text."""
    donors = [re.sub(r"[0-9０-９]", "", line) for line in other.splitlines() if len(line) > 60]
    lines, k = [], 0
    for line in text.splitlines():
        if len(line) > 60 and not re.search(r"[0-9]", line) and k < len(donors):
            line, k = donors[k], k + 1
        lines.append(line)
    return "\n".join(lines)


def test_texts_with_the_same_facts_stay_two_reports(tmp_path) -> None:
    """Two different texts of one unit and year that state the same numbers (here: none) are
    two reports; a copy of the second joins the second, not the first."""
    sample, donor = SAMPLES[1], SAMPLES[0]
    text = sample.read_text(encoding="utf-8")
    second = second_version(text, donor.read_text(encoding="utf-8"))
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(sample, raw / sample.name)
    (raw / "second.txt").write_text(second, encoding="utf-8")
    (raw / "second.docx").write_bytes(docx_bytes(second))
    warehouse = tmp_path / "wh" / "reports.duckdb"
    assert build(raw, warehouse).success
    rows = query(warehouse, "select source_file, unit_name, report_year, fact_count, duplicate_of, same_unit_year "
                            "from marts.report_overview order by 1")
    unit = rows[0][1:4]
    assert [r[1:4] for r in rows] == [unit] * 3
    assert [(r[0], r[4], r[5]) for r in rows] == [
        (sample.name, None, True), ("second.docx", "second.txt", True), ("second.txt", None, True)]
    assert sorted(r[0] for r in query(warehouse, "select source_file from marts.section_compliance")) == [
        sample.name, "second.txt"]

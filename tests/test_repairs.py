"""Repair before quarantine: a report that can be read is repaired, loaded and flagged (`repairs`).

Every damaged file is made here from the sample reports in raw/ (no binaries in git): a stray NUL
or control byte, a few corrupt bytes, a file cut short inside its last character, zero-width
characters sprinkled through the text and its numbers, a page nested 20,000 elements deep. Each
must load with its repair named in plain words and read as the clean original does; binary junk
must still be refused. Then the PDF cases: a number cut by a line wrap reads whole, and the
development zone's report read from a PDF names the same unit as its text.
"""

from __future__ import annotations

import io
import random
import re
import sys

import duckdb
import polars as pl
import pytest

from transforms.decode import DecodeError, decode_report
from transforms.formats import extract_html, extract_pdf, read_documents, rejoin_lines
from transforms.metadata import extract_metadata
from transforms.normalize import normalize_documents, normalize_text
from transforms.schemas import DOCUMENTS, RAW_FILES
from transforms.sections import split_sections

from .conftest import RAW, build
from .test_formats import make_pdf
from .test_variants import html_bytes, pdf_bytes, warehouse_rows

SAMPLES = sorted(RAW.glob("*.txt"))
TEXTS = [p.read_text(encoding="utf-8") for p in SAMPLES]
DEV_ZONE = next(k for k, t in enumerate(TEXTS) if "陽(yáng)新經(jīng)濟(jì)開(kāi)發(fā)區(qū)" in t)
NUMERAL = re.compile(r"[\d一二三四五六七八九十百千万两〇零]")
HEADING = re.compile(r"\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．])")


def raw_frame(rows: list[tuple[str, bytes]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"source_file": name, "path": f"/raw/{name}", "ext": name.rsplit(".", 1)[1], "size": len(data),
          "sha256": f"sha-{i}", "content": data} for i, (name, data) in enumerate(rows)],
        schema=RAW_FILES,
    )


def read_one(name: str, data: bytes) -> dict:
    docs = read_documents(raw_frame([(name, data)]))
    assert docs.schema == DOCUMENTS
    return docs.row(0, named=True)


def normalized(text: str) -> str:
    return normalize_text(text)[0].text


def quiet_chars(text: str, n: int, seed: int = 3) -> list[int]:
    """`n` positions of hanzi that no fact, heading or title depends on: in a sentence without any
    numeral, on a line that is not a heading, after the first lines (title, header table)."""
    start = sum(len(line) + 1 for line in text.split("\n")[:8])
    spots = []
    for m in re.finditer(r"[^。！？\n]+", text[start:]):
        sentence, at = m.group(0), start + m.start()
        line_start = text.rfind("\n", 0, at) + 1
        if NUMERAL.search(sentence) or HEADING.match(text, line_start) or len(sentence) < 12:
            continue
        spots += [at + i for i, c in enumerate(sentence) if "\u4e00" <= c <= "\u9fff"][3:-3:2]  # never adjacent
    assert len(spots) >= 2 * n
    return sorted(random.Random(seed).sample(spots, n))


def with_stray_bytes(text: str, codec: str, stray: bytes) -> bytes:
    """The text with `stray` put between two characters in the middle of a line."""
    mid = text.index("。", len(text) // 2)
    return text[:mid].encode(codec) + stray + text[mid:].encode(codec)


def corrupt(text: str, codec: str, spots: list[int]) -> bytes:
    """The text with one byte of each character at `spots` overwritten by 0xFF (never valid in either
    codec): the lead byte in UTF-8, the trail byte in GB18030."""
    out = bytearray()
    for i, ch in enumerate(text):
        b = bytearray(ch.encode(codec))
        if i in spots:
            b[0 if codec == "utf-8" else -1] = 0xFF
        out += b
    return bytes(out)


def sprinkle(text: str, seed: int = 5) -> tuple[str, int]:
    """Zero-width characters inside numbers (1\u200b2件), words and between lines; how many."""
    rng = random.Random(seed)
    out, n = [], 0
    marks = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
    for i, ch in enumerate(text):
        out.append(ch)
        nxt = text[i + 1 : i + 2]
        if (ch.isdigit() and nxt.isdigit()) or ("\u4e00" <= ch <= "\u9fff" and rng.random() < 0.01):
            out.append(marks[n % len(marks)])
            n += 1
    return "".join(out), n


# --------------------------------------------------------------------------- 1. NUL / control bytes


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
@pytest.mark.parametrize(("stray", "said"), [(b"\x00", "removed 1 NUL/control byte"),
                                             (b"\x01\x7f\x0b", "removed 3 NUL/control bytes")])
def test_stray_nul_and_control_bytes_are_removed(codec: str, stray: bytes, said: str) -> None:
    for k in (0, DEV_ZONE):
        text = TEXTS[k]
        row = read_one("a.txt", with_stray_bytes(text, codec, stray))
        assert row["error"] is None
        assert row["repairs"] == [said]
        assert row["encoding"] == codec
        assert row["source_text"] == text


def test_a_nul_in_utf16_text_is_removed() -> None:
    text = TEXTS[0]
    data = text.encode("utf-16")
    mid = 2 * (len(text) // 2)
    row = read_one("a.txt", data[:mid] + b"\x00\x00" + data[mid:])
    assert (row["error"], row["repairs"], row["source_text"]) == (None, ["removed 1 NUL/control byte"], text)


# --------------------------------------------------------------------------- 2. a few undecodable bytes


@pytest.mark.parametrize(("codec", "per_char"), [("utf-8", 3), ("gb18030", 2)])
def test_a_few_corrupt_bytes_become_replacement_characters(codec: str, per_char: int) -> None:
    for k in (0, 1, DEV_ZONE):
        text = TEXTS[k]
        spots = quiet_chars(text, 11)
        row = read_one("a.txt", corrupt(text, codec, spots))
        assert row["error"] is None, row["error"]
        assert row["encoding"] == codec
        assert row["repairs"] == [f"replaced {11 * per_char} undecodable bytes with \ufffd"]
        want = "".join("\ufffd" if i in spots else c for i, c in enumerate(text))
        assert row["source_text"] == want  # one U+FFFD per broken character, nothing else moved


# --------------------------------------------------------------------------- 3. cut short


def _ends_in_hanzi(text: str) -> str:
    text = text.rstrip()
    return text if "\u4e00" <= text[-1] <= "\u9fff" else text + "特此报告"


@pytest.mark.parametrize(("codec", "encoding"), [("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"),
                                                 ("utf-16-be", "utf-16-be"), ("utf-8", "utf-8"),
                                                 ("gb18030", "gb18030")])
def test_a_file_cut_inside_its_last_character_loses_only_that_character(codec: str, encoding: str) -> None:
    for k in (0, 2):
        text = _ends_in_hanzi(TEXTS[k])
        row = read_one("a.txt", text.encode(codec)[:-1])
        assert row["error"] is None, row["error"]
        assert row["encoding"] == encoding
        assert row["repairs"] == ["dropped a truncated last character (the file was cut short)"]
        assert row["source_text"] == text[:-1]


def test_utf16_cut_inside_a_surrogate_pair() -> None:
    text = TEXTS[0].rstrip() + "𠀀"  # four bytes in UTF-16: cut after two of them
    got = decode_report(text.encode("utf-16-le")[:-2])
    assert (got.text, dict(got.repairs)) == (text[:-1], {"truncated": 1})


# --------------------------------------------------------------------------- 4. zero-width characters


def test_zero_width_characters_are_removed_even_inside_numbers() -> None:
    for k in range(len(TEXTS)):
        text = TEXTS[k]
        dirty, n = sprinkle(text)
        assert n > 30
        row = read_one("a.txt", dirty.encode("utf-8"))
        assert row["error"] is None
        assert row["repairs"] == [f"removed {n} zero-width characters (\u200b, soft hyphen and the like)"]
        assert row["source_text"] == text
        if k == 0:  # also in a GB18030 file (the detectors see through them)
            gb = read_one("b.txt", dirty.encode("gb18030"))
            assert (gb["encoding"], gb["source_text"], gb["repairs"]) == ("gb18030", text, row["repairs"])


def test_zero_width_entities_of_a_web_page_are_removed() -> None:
    page = html_bytes(TEXTS[4]).decode("utf-8")
    start, end = page.index('<div class="article"'), page.index('<div class="bdsharebuttonbox">')
    dirty, _ = sprinkle(page[start:end])
    n = len(re.findall("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", re.sub(r"<[^>]*>", "", dirty)))  # not in tags
    entity = {"\u200b": "&#8203;", "\u00ad": "&shy;", "\u2060": "&#x2060;", "\u200c": "&zwnj;", "\u200d": "&zwj;",
              "\ufeff": "&#xfeff;"}
    dirty = "".join(entity.get(c, c) for c in dirty)
    row = read_one("a.html", (page[:start] + dirty + page[end:]).encode("utf-8"))
    assert row["error"] is None and row["source_text"] == extract_html(page.encode("utf-8")).text
    assert row["repairs"] == [f"removed {n} zero-width characters (\u200b, soft hyphen and the like)"]


def test_normalize_reads_numbers_through_zero_width_characters() -> None:
    doc, _ = normalize_text("全年调解纠纷1\u200b2件，成功率9\u00ad8.\u20605%。")
    assert doc.text == "全年调解纠纷12件，成功率98.5%。"
    assert [doc.offsets[doc.text.index("12")], doc.offsets[doc.text.index("12") + 1]] == [6, 8]


# --------------------------------------------------------------------------- 5. deeply nested HTML


def test_a_page_nested_20000_deep_reads_as_the_flat_page() -> None:
    assert sys.getrecursionlimit() <= 1000 or pytest.skip("needs the default recursion limit")
    flat = html_bytes(TEXTS[0]).decode("utf-8")
    deep = flat.replace('<div class="article" id="zoom">', '<div class="article" id="zoom">' + "<div>" * 20000, 1)
    deep = deep.replace('<div class="bdsharebuttonbox">', "</div>" * 20000 + '<div class="bdsharebuttonbox">', 1)
    row = read_one("a.html", deep.encode("utf-8"))
    assert row["error"] is None, row["error"]
    assert row["source_text"] == extract_html(flat.encode("utf-8")).text
    assert row["repairs"] == []


# --------------------------------------------------------------------------- junk is still refused


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 20, "NUL bytes"),
        (TEXTS[0].encode("utf-8").replace("。".encode(), b"\x00" * 3), "NUL bytes"),  # far too many to be strays
        (random.Random(7).randbytes(4000), "undecodable"),
        (bytes(b if i % 5 else 0xFF for i, b in enumerate(TEXTS[0].encode("utf-8"))), "undecodable"),
        (("正文\x01\x02\x03\x04" * 50).encode("utf-8"), "control characters"),
        (b"\xff\xfe" + random.Random(3).randbytes(3001), "undecodable"),  # a UTF-16 BOM on junk
    ],
)
def test_junk_is_still_refused(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode_report(data)
    assert read_one("a.txt", data)["error"]


def test_unexpected_failures_become_a_plain_reason_not_an_exception(monkeypatch) -> None:
    import transforms.formats as formats

    def boom(data: bytes) -> None:
        raise AttributeError("'NoneType' object has no attribute 'overrides'")

    monkeypatch.setitem(formats._EXTRACTORS, "docx", boom)
    row = read_one("a.docx", b"PK\x03\x04")
    assert row["error"].startswith("could not be read: the docx reader failed on this file, which is probably "
                                   "damaged (AttributeError")
    assert row["repairs"] == [] and row["source_text"] is None


# --------------------------------------------------------------------------- PDF: numbers cut by a wrap

BODY = "全年办理行政复议案件十二件，纠错率为零，行政诉讼败诉率为零。"  # 30 glyphs at 12 pt: 50..410


def _line(text: str, width: int = 30) -> str:
    """`text` padded with prose to `width` glyphs (a full line)."""
    return BODY[: width - len(text)] + text


def test_pdf_a_number_cut_by_a_line_wrap_reads_whole() -> None:
    page = [(74, 700, 12, _line("全年共投入法治建设经费达到1", 28)),
            (50, 680, 12, "00万元，" + _line("案件办结率达到10", 26)),
            (50, 660, 12, "0%，" + _line("民商事纠纷调解成功率98.", 27)),
            (50, 640, 12, "5%。")]
    text = extract_pdf(make_pdf([page])).text
    assert "达到100万元，" in text and "达到100%，" in text
    assert text.endswith("调解成功率98.5%。")
    assert "1 00" not in text and "10 0" not in text


def test_rejoin_lines_joins_a_cut_number_but_keeps_the_space_between_english_words() -> None:
    assert rejoin_lines(["全年共投入法治建设经费达到1", "00万元，其中专项经费3,0", "00元。"]) == \
        "全年共投入法治建设经费达到100万元，其中专项经费3,000元。"
    assert rejoin_lines(["The county handled 12 cases in 2023", "100 people took part in the training."]) == \
        "The county handled 12 cases in 2023 100 people took part in the training."
    # a pinyin gloss or an index number cut by the wrap is one token again
    title = rejoin_lines(["名称：陽(yáng)新經(jīn", "g)濟開發區管委會2022年度法治建設報告"])
    assert title.startswith("名称：陽(yáng)新經(jīng)濟")
    # a list number on the next line is never glued on
    listed = rejoin_lines(["全年开展普法活动12场，覆盖群众3000余人次，", "2.推行执法全过程记录"])
    assert listed.endswith("\n2.推行执法全过程记录")


def test_pdf_a_justified_line_spreads_its_digits_but_they_stay_one_number() -> None:
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    for y, spacing, line in ((700, 4.0, "全年共投入法治建设经费100万元，"), (680, 0.0, "办结率达到100%。")):
        obj = pdf.beginText(72, y)
        obj.setFont("STSong-Light", 12)
        obj.setCharSpace(spacing)  # a third of an em between every pair of characters
        obj.textOut(line)
        pdf.drawText(obj)
    pdf.showPage()
    pdf.save()
    text = extract_pdf(buf.getvalue()).text
    assert "经费100万元" in text and "1 0" not in text


# --------------------------------------------------------------------------- PDF: the development zone


def metadata_of(name: str, data: bytes) -> dict:
    """read_documents → normalize_documents → split_sections → extract_metadata, as the stages chain."""
    docs = read_documents(raw_frame([(name, data)]))
    assert docs["error"][0] is None, docs["error"][0]
    norm = normalize_documents(docs)
    sections, _ = split_sections(norm.select("source_file", "text"))
    meta = extract_metadata(norm.join(docs.select("source_file", "page_title", "page_published_on"),
                                      on="source_file"), sections)
    return meta.drop("source_file").row(0, named=True)


UNIT = ("unit_full_name", "unit_name", "unit_level", "parent_name", "report_year", "report_date")


def test_the_development_zone_read_from_a_pdf_names_the_same_unit() -> None:
    pytest.importorskip("reportlab")
    text = TEXTS[DEV_ZONE]
    want = metadata_of("a.txt", text.encode("utf-8"))
    assert want["unit_name"] == "阳新经济开发区"
    for block in (False, True):  # printed: paragraphs indented, or flush left and spaced apart
        assert metadata_of("a.pdf", pdf_bytes(text, block=block)) == want
    for width in (20, 25, 28, 33):  # lines broken anywhere, inside a pinyin gloss, a name or a number
        lines = [piece[i : i + width] for piece in map(str.strip, text.splitlines())
                 for i in range(0, len(piece), width)]
        got = metadata_of("b.pdf", make_pdf([lines[i : i + 50] for i in range(0, len(lines), 50)]))
        assert {k: got[k] for k in UNIT} == {k: want[k] for k in UNIT}, width


# --------------------------------------------------------------------------- through the warehouse


def test_repaired_reports_load_with_the_facts_of_the_originals(built, tmp_path) -> None:
    """Each repaired sample, built into a warehouse, has the unit, parts and facts of its original, and
    marts.report_overview says what was repaired."""
    raw = tmp_path / "raw"
    raw.mkdir()
    cases = {}
    for k in (0, DEV_ZONE):
        text, stem = TEXTS[k], SAMPLES[k].stem
        dirty, n_zw = sprinkle(text)
        variants = {
            "nul.txt": (with_stray_bytes(text, "gb18030", b"\x00"), ["removed 1 NUL/control byte"]),
            "bad.txt": (corrupt(text, "utf-8", quiet_chars(text, 11)), ["replaced 33 undecodable bytes with \ufffd"]),
            "cut.txt": ((text.rstrip() + "\n").encode("utf-16-le")[:-1],  # loses its last line break
                        ["dropped a truncated last character (the file was cut short)"]),
            "zw.txt": (dirty.encode("utf-8"),
                       [f"removed {n_zw} zero-width characters (\u200b, soft hyphen and the like)"]),
        }
        for suffix, (data, repairs) in variants.items():
            name = f"{stem}.{suffix}"
            (raw / name).write_bytes(data)
            cases[name] = (SAMPLES[k].name, repairs)
    assert build(raw, tmp_path / "wh.duckdb").success
    got, want = warehouse_rows(tmp_path / "wh.duckdb"), warehouse_rows(built[1])
    con = duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True)
    try:
        repairs = dict(con.execute("select source_file, repairs from marts.report_overview").fetchall())
    finally:
        con.close()
    for name, (original, said) in cases.items():
        assert "status" not in got[name], got[name]
        drop = {"encoding"}
        assert {k: v for k, v in got[name].items() if k not in drop} == \
            {k: v for k, v in want[original].items() if k not in drop}, name
        assert repairs[name] == said, name

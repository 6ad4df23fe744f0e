"""Per-format extraction and the read_documents frame contract (fixtures built in the tests)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import polars as pl
import pytest

from transforms.formats import (
    ExtractError,
    ends_sentence,
    extract,
    extract_docx,
    extract_html,
    extract_pdf,
    read_documents,
    rejoin_lines,
)
from transforms.schemas import DOCUMENTS, RAW_FILES

PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>东湖镇2023年度法治政府建设工作报告_政务公开_某县人民政府网</title>
<meta name="PubDate" content="2024-01-20 09:30">
<script>var tracker = "不应出现";</script><style>.x{color:red}</style>
</head><body>
<div class="top-bar"><a href="/">设为首页</a> <a href="/fav">加入收藏</a></div>
<nav><a href="/">首页</a><a href="/zwgk">政务公开</a><a href="/hd">互动交流</a></nav>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 通知公告</div>
<table class="xxgk">
<tr><td>索引号：</td><td>11420000/2024-00012</td><td>发布机构：</td><td>东湖镇人民政府</td></tr>
<tr><td>发布日期：</td><td>2024-01-18</td><td>文号：</td><td>东政发〔2024〕3号</td></tr>
</table>
<h1>东湖镇2023年度法治政府建设工作报告</h1>
<div id="zoom">
<p>2023年，东湖镇坚持以法治思维推进基层治理，全年开展普法宣传活动<b>26</b>次。</p>
<p>一、主要工作</p>
<p>（一）加强组织领导。镇党委专题研究法治建设4次。</p>
</div>
<div class="bdsharebuttonbox">分享到：<a>微信</a><a>微博</a></div>
<div><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
<div>扫一扫在手机打开当前页</div>
<div>相关稿件</div>
<ul><li><a href="/1">西湖镇2023年度法治政府建设工作报告</a></li><li><a href="/2">南湖镇年度报告</a></li></ul>
<footer>版权所有：某县人民政府 主办单位：某县人民政府办公室 鄂ICP备12345678号</footer>
<p>网站标识码：4200000001 联系我们</p>
</body></html>"""


def test_html_article_title_date_and_header_table() -> None:
    got = extract_html(PAGE.encode("gbk"))
    assert got.encoding == "gb18030"
    assert got.page_title == "东湖镇2023年度法治政府建设工作报告"
    assert got.page_published_on == dt.date(2024, 1, 18)  # the stated 发布日期 beats the meta tag
    lines = got.text.split("\n")
    assert "索引号：\t11420000/2024-00012\t发布机构：\t东湖镇人民政府" in lines
    assert "发布日期：\t2024-01-18\t文号：\t东政发〔2024〕3号" in lines
    assert "2023年，东湖镇坚持以法治思维推进基层治理，全年开展普法宣传活动26次。" in lines
    assert lines[-1] == "（一）加强组织领导。镇党委专题研究法治建设4次。"
    for chrome in ("不应出现", "设为首页", "当前位置", "互动交流", "分享到", "打印本页", "扫一扫",
                   "相关稿件", "西湖镇", "版权所有", "ICP备", "网站标识码", "color"):
        assert chrome not in got.text


def test_html_meta_date_and_title_tag_fallback() -> None:
    page = ("<html><head><meta charset='utf-8'><title>城关镇法治建设情况报告 - 某市政府</title>"
            "<meta property='article:published_time' content='2023-03-06T08:00:00+08:00'></head>"
            "<body><p>城关镇全年办理行政复议案件3件，无败诉案件。</p></body></html>")
    got = extract_html(page.encode("utf-8"))
    assert got.page_title == "城关镇法治建设情况报告"
    assert got.page_published_on == dt.date(2023, 3, 6)
    assert got.text == "城关镇全年办理行政复议案件3件，无败诉案件。"


def test_html_bare_time_label_in_a_print_bar_dates_the_page() -> None:
    page = ("<html><head><meta charset='utf-8'><title>河口乡法治政府建设报告</title></head><body>"
            "<h1>河口乡法治政府建设报告</h1><div>时间:2024-02-05 10:12　【打印】【关闭】</div>"
            "<p>河口乡全年组织干部学法6次。</p><p>成文时间：2024-01-30</p></body></html>")
    got = extract_html(page.encode("utf-8"))
    assert got.page_published_on == dt.date(2024, 2, 5)
    assert "打印" not in got.text


def test_html_lying_charset_falls_back_to_detection() -> None:
    page = PAGE.replace("charset=gb2312", "charset=utf-8")
    got = extract_html(page.encode("gb18030"))
    assert got.encoding == "gb18030" and "东湖镇坚持以法治思维" in got.text


def _docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_tables_in_order() -> None:
    def build(d: docx.Document) -> None:
        d.add_paragraph("某街道2022年法治政府建设情况报告")
        table = d.add_table(rows=2, cols=3)
        for r, row in enumerate([["指标", "数量", "单位"], ["普法活动", "18", "场"]]):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        merged = d.add_table(rows=1, cols=3)
        merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并单元格"
        merged.cell(0, 2).text = "备注"
        d.add_paragraph("二、存在的不足，基层执法力量仍然薄弱。")

    got = extract_docx(_docx_bytes(build))
    assert got.text.split("\n") == [
        "某街道2022年法治政府建设情况报告",
        "指标\t数量\t单位",
        "普法活动\t18\t场",
        "合并单元格\t备注",
        "二、存在的不足，基层执法力量仍然薄弱。",
    ]
    assert got.encoding == "utf-8"


def make_pdf(pages: list[list[str | tuple[int, int, int, str]]]) -> bytes:
    """A minimal text PDF (Adobe-GB1 CID font, UCS-2 codes) written by hand, one line per Tj:
    a string goes below the line before, a tuple (x, y, size, text) where it says."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    objs[3] = (b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
               b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
               b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>] >>")
    kids, n = [], 4
    for lines in pages:
        ops = [b"BT /F1 12 Tf 14 TL 50 780 Td"]
        for ln in lines:
            if isinstance(ln, str):
                ops.append(b"<" + ln.encode("utf-16-be").hex().encode() + b"> Tj T*")
            else:  # (x, y, size, text) placed on the page, every glyph one em wide
                x, y, size, text = ln
                ops.append(b"ET BT /F1 %d Tf %d %d Td <%s> Tj" % (size, x, y, text.encode("utf-16-be").hex().encode()))
        stream = b"\n".join([*ops, b"ET"])
        objs[n] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        objs[n + 1] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % n)
        kids.append(n + 1)
        n += 2
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for i in sorted(objs):
        offsets[i] = len(out)
        out += b"%d 0 obj\n" % i + objs[i] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % offsets[i] for i in sorted(objs))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_pdf_rejoins_wrapped_lines_and_drops_page_furniture() -> None:
    pdf = make_pdf([
        ["某县人民政府文件", "某县2023年法治政府建设年度报告", "一、主要工作",
         "全年共开展法治宣传活动26次，覆盖群众", "3000余人次，法治意识明显提升。", "- 1 -"],
        ["某县人民政府文件", "二、存在问题和不足", "部分干部运用法治思维解决问题的能力", "仍需提高。", "第 2 页"],
    ])
    got = extract_pdf(pdf)
    assert got.text.split("\n") == [
        "某县2023年法治政府建设年度报告",
        "一、主要工作",
        "全年共开展法治宣传活动26次，覆盖群众3000余人次，法治意识明显提升。",
        "二、存在问题和不足",
        "部分干部运用法治思维解决问题的能力仍需提高。",
    ]


def test_pdf_lines_rejoin_by_their_place_on_the_page() -> None:
    """Indented paragraphs run on past a full line ending a sentence; a short line ends one; a
    wide title line set larger runs on; cells far apart are a table row; the running header and
    the page numbers go, and a paragraph runs on across the page break."""
    body = "全年办理行政复议案件十二件，纠错率为零，行政诉讼败诉率为零。"  # 30 glyphs: 50..410
    title = "某县人民政府关于二〇二三年度法治政府建设工作情况的"  # 25 glyphs at 16 pt: 30..430
    page1 = [(230, 800, 9, "某县人民政府"), (30, 760, 16, title), (214, 736, 16, "报告"),
             (50, 700, 9, "索引号"), (200, 700, 9, "001/2024-01"),
             (74, 670, 12, body[:28]), (50, 650, 12, body[28:] + body[:28]), (50, 630, 12, body[28:]),
             (74, 610, 12, "（一）严格规范执法行为"), (74, 590, 12, body[:28]), (50, 570, 12, body[:30]),
             (290, 40, 9, "- 1 -")]
    page2 = [(230, 800, 9, "某县人民政府"), (50, 780, 12, "仍需提高。"), (74, 760, 12, "二、存在问题"),
             (290, 40, 9, "- 2 -")]
    got = extract_pdf(make_pdf([page1, page2]))
    assert got.text.split("\n") == [
        title + "报告",
        "索引号\t001/2024-01",
        body + body,
        "（一）严格规范执法行为",
        body[:28] + body[:30] + "仍需提高。",
        "二、存在问题",
    ]


def test_pdf_block_paragraphs_run_on_after_a_sentence_end() -> None:
    """Paragraphs set flush left and spaced apart: a full line ending a sentence runs on at the
    normal line pitch; a line ending in a quoted term (“三项制度”) does not end a sentence."""
    body = "全年办理行政复议案件十二件，纠错率为零，行政诉讼败诉率为零。"  # 30 glyphs: 50..410
    quoted = "全年开展普法活动十二场，覆盖群众三千余人，落实“三项制度”"  # 30 glyphs
    page = [(50, 700, 12, body), (50, 680, 12, body), (50, 660, 12, "仍需提高。"),
            (50, 630, 12, quoted), (50, 610, 12, "工作。"), (50, 580, 12, "二、存在问题")]
    got = extract_pdf(make_pdf([page])).text.split("\n")
    assert got == [body + body + "仍需提高。", quoted + "工作。", "二、存在问题"]


@pytest.mark.parametrize(
    ("line", "ends"),
    [("报告如下：", True), ("提升。", True), ("他说：“依法行政。”", True), ("全年共", False),
     ("落实“三项制度”", False), ("纠纷不出村”", False)],
)
def test_ends_sentence(line: str, ends: bool) -> None:
    assert ends_sentence(line) is ends


def test_rejoin_lines_keeps_headings_and_sentence_ends() -> None:
    lines = ["全年办理行政复议案件12件，纠错", "率为零。", "（二）严格规范执法行为", "1.推行执法全过程记录"]
    assert rejoin_lines(lines) == "全年办理行政复议案件12件，纠错率为零。\n（二）严格规范执法行为\n1.推行执法全过程记录"


def test_pdf_without_text_layer() -> None:
    with pytest.raises(ExtractError, match=r"^PDF has no text layer \(a scan\?\): nothing to read$"):
        extract_pdf(make_pdf([[]]))


@pytest.mark.parametrize(
    ("ext", "data", "reason"),
    [
        ("xls", b"\xd0\xcf\x11\xe0", r"^unsupported format: \.xls \(only "),
        ("txt", b"", "empty file"),
        ("txt", b"\x00\x01\x02\x03binary\x00" * 30, "undecodable"),
        ("docx", b"PK\x03\x04 not really a zip", r"^corrupt DOCX: not a valid Word document, the file is damaged"),
        ("docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, r"^not a DOCX: this is an old Word \.doc"),
        ("docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), r"^encrypted DOCX"),
        ("pdf", b"%PDF-1.4\n garbage without objects",
         r"^corrupt PDF: the file is damaged or is not a PDF \(pdfminer could not parse it: PDFSyntaxError"),
        ("pdf", b"<html>not a pdf</html>", r"^corrupt PDF: the file is not a PDF"),
    ],
)
def test_error_reasons(ext: str, data: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        extract(ext, data)


def test_docx_zip_without_document_is_corrupt() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(ExtractError, match="^corrupt DOCX: not a valid Word document, its parts are missing") as info:
        extract("docx", buf.getvalue())
    assert str(info.value).endswith("object has no attribute 'overrides')")  # python-docx's words: detail only


def _raw(rows: list[tuple[str, str, bytes | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"source_file": name, "path": f"/raw/{name}", "ext": ext, "size": len(data or b""),
          "sha256": f"sha-{i}", "content": data} for i, (name, ext, data) in enumerate(rows)],
        schema=RAW_FILES,
    )


def test_read_documents_one_row_per_file_never_raises() -> None:
    md = "# 某镇2023年度法治政府建设报告\n\n**一、主要工作**\n\n全年开展普法活动12次。\n".encode()
    raw = _raw([
        ("a.txt", "txt", "某镇2023年法治政府建设年度报告，全年开展普法活动12次。".encode("gbk")),
        ("b.md", "md", md),
        ("c.html", "html", PAGE.encode("gbk")),
        ("d.pdf", "pdf", make_pdf([["某县2023年法治政府建设年度报告。"]])),
        ("e.xls", "xls", b"\xd0\xcf\x11\xe0"),
        ("f.txt", "txt", b""),
        ("g.docx", "docx", b"not a zip"),
        ("h.txt", "txt", None),
    ])
    docs = read_documents(raw)
    assert docs.schema == DOCUMENTS
    assert docs["source_file"].to_list() == raw["source_file"].to_list()
    assert docs["sha256"].to_list() == raw["sha256"].to_list()
    assert docs["format"].to_list() == ["text", "markdown", "html", "pdf", "xls", "text", "docx", "text"]
    assert docs["encoding"].to_list()[:4] == ["gb18030", "utf-8", "gb18030", "pdf"]
    assert docs["source_text"][1] == md.decode()  # markdown syntax is normalize's job
    assert docs["page_title"][2] == "东湖镇2023年度法治政府建设工作报告"
    assert docs["page_published_on"][2] == dt.date(2024, 1, 18)
    errors = docs["error"].to_list()
    assert errors[:4] == [None] * 4
    assert errors[4].startswith("unsupported format: .xls")
    assert errors[5] == "empty file" and errors[7] == "empty file"
    assert errors[6].startswith("corrupt DOCX: not a valid Word document")
    assert docs["repairs"].to_list() == [[]] * 8
    assert docs.filter(pl.col("error").is_not_null())["source_text"].null_count() == 4


def test_read_documents_on_the_samples() -> None:
    paths = sorted(Path(__file__).parents[1].joinpath("raw").glob("*.txt"))
    docs = read_documents(_raw([(p.name, "txt", p.read_bytes()) for p in paths]))
    assert docs["error"].null_count() == len(paths)
    assert docs["encoding"].unique().to_list() == ["utf-8"]


def test_pdf_an_unnumbered_heading_after_a_full_line_ending_a_sentence_stays_a_line() -> None:
    """In a report of indented paragraphs a flush-left line after a full line ending a sentence
    continues it, unless it is short and ends no sentence: then it is a heading of its own."""
    body = "全年办理行政复议案件十二件，纠错率为零，行政诉讼败诉率为零。"  # 30 glyphs: 50..410
    page = [(74, 700, 12, body[:28]), (50, 680, 12, body[28:] + body[:28]), (50, 660, 12, body[28:]),
            (74, 640, 12, body[:28]), (50, 620, 12, body), (50, 600, 12, "2024年工作安排"),
            (74, 580, 12, body[:28]), (50, 560, 12, body[28:])]
    got = extract_pdf(make_pdf([page])).text.split("\n")
    assert got == [body + body, body[:28] + body, "2024年工作安排", body]


def test_a_docx_that_unpacks_to_far_more_than_a_report_is_refused_unread():
    """A zip bomb (a few hundred KB unpacking to 100 MB of XML) is quarantined before any XML is parsed."""
    import zipfile

    from transforms.formats import ExtractError, extract_docx

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<w:document>" + b" " * (100 * 2**20) + b"</w:document>")
    assert len(buf.getvalue()) < 2**20
    with pytest.raises(ExtractError, match="too large: the Word document unpacks to 100 MB"):
        extract_docx(buf.getvalue())


def test_the_native_chrome_precheck_finds_every_chrome_line_python_finds():
    """normalize skips texts where the chrome patterns, compiled together by polars' Rust engine,
    match nowhere: each drop/cut pattern must mean the same there as in Python's re, or a chrome
    line of a page saved as text would stay. Each DOC-CHROME example line, as a text page, is found
    by both and dropped by normalize."""
    import re as _re

    import polars as pl

    from transforms.formats import chrome
    from transforms.normalize import normalize_text
    from transforms.rules import table

    cfg = chrome()
    native = "(?m)" + "|".join(f"(?:{p.pattern})" for p, _ in cfg.drop_line + cfg.cut_rest)
    lines = []
    for row in table("formats_chrome.csv"):
        if row["action"] != "drop_line":
            continue
        found = _re.search(r"<p>甲乙丙丁戊己庚辛</p><p>(.*?)</p>", row["example"])
        if found:
            lines.append(found.group(1))
    assert len(lines) >= 8
    for line in lines:
        page = f"某镇2024年度法治政府建设情况报告\n{line}\n全年开展普法宣传活动十二场，调解矛盾纠纷三十件。"
        assert any(p.search(line) for p, _ in cfg.drop_line), line
        assert pl.Series([page]).str.contains(native).item(), line
        doc, _ = normalize_text(page)
        assert line.strip() not in doc.text, line

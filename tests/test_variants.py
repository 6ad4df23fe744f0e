"""The five samples re-saved as other encodings and formats give the same warehouse rows.

Each sample is written in tmp_path as GB18030, UTF-16 (with a BOM; one little-endian without),
Big5 (converted to traditional first), a government web page with its site chrome (and that
page saved as text by a browser), a DOCX, and a PDF with justified lines wrapped at the page
width, a running header, page numbers and a signature set flush right. All are built into one
warehouse and compared, per sample, with the originals' build (the `built` fixture): unit,
level, parent, year, signing date, document number, which sections exist, and the multiset of
facts (indicator, kind, value, measure, qualifier).

Test dependency: reportlab (writes the PDF with its built-in CID font STSong-Light).
"""

from __future__ import annotations

import html
import importlib.util
import io
import re
import unicodedata
from collections import Counter
from pathlib import Path

import duckdb
import opencc
import pytest

from .conftest import RAW, build

SAMPLES = sorted(RAW.glob("*.txt"))
FORMATS = ("gb18030", "utf16", "big5", "html", "page", "docx", "pdf")
META = ("unit_name", "unit_level", "parent_name", "report_year", "report_date", "doc_number",
        "has_achievements", "has_shortcomings", "has_leadership_duty", "has_next_year_plan", "has_other")
ENCODING = {"gb18030": {"gb18030"}, "utf16": {"utf-16", "utf-16-le"}, "big5": {"big5"}}
# the page of a sample declares GBK (as many government sites still do) / sets paragraphs with <br>
HTML_GBK = {1, 3}
HTML_BR = {2}
HTML_OLD_CMS = {3, 4}  # title and article in layout-table cells
PDF_BLOCK = {1, 3}  # the PDF of a sample sets its paragraphs flush left with spacing between them

# --------------------------------------------------------------------------- the samples as blocks

# lines of a web page that the samples kept when they were saved as text (not report content)
SAVED_CHROME = re.compile(r"^\s*(?:•|当前页面|当前位置|扫一扫|掃一掃|相关稿件)")
BREADCRUMB = re.compile(r"^\s*(?:当前页面|当前位置)\s*[:：]\s*(.*)$")
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d{1,2}[、.．])")
MD_HEADING = re.compile(r"^#{1,6}\s*(.+)$")
MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


def blocks(text: str) -> list[tuple[str, object]]:
    """The sample as (kind, content) blocks: 'chrome', 'heading', 'para' (may hold **bold**), 'row'."""
    out: list[tuple[str, object]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or MD_RULE.match(line):
            continue
        if SAVED_CHROME.match(line):
            out.append(("chrome", line))
        elif line.count("|") >= 2:
            cells = [c.strip() for c in line.strip("|").split("|")]
            while cells and not cells[-1]:
                cells.pop()
            out.append(("row", cells))
        elif m := MD_HEADING.match(line):
            out.append(("heading", m.group(1)))
        elif line.startswith("**") and line.endswith("**") and line.count("**") == 2:
            out.append(("heading", line[2:-2]))
        elif HEADING.match(line) and len(line) <= 40 and "。" not in line[:-1]:
            out.append(("heading", line))
        else:
            out.append(("para", line))
    return out


def title_of(parts: list[tuple[str, object]]) -> str:
    """The report's title: the first heading or paragraph naming a report, else a table's 名称 cell."""
    for kind, content in parts:
        if kind in {"heading", "para"} and re.search("报告|報告", str(content)) and len(str(content)) < 80:
            return str(content)
    for kind, content in parts:
        if kind == "row" and len(content) > 1 and re.sub(r"\(.*?\)", "", content[0]) in {"名称", "名稱"}:
            return content[1]
    raise AssertionError("sample without a title")


def plain(text: str) -> str:
    return text.replace("**", "")


# --------------------------------------------------------------------------- encodings

_S2T = opencc.OpenCC("s2t")
_T2TW = opencc.OpenCC("t2tw")


def big5_bytes(text: str) -> bytes:
    """Traditional text in Big5 (cp950): a character Big5 lacks becomes its Taiwan variant
    (爲 -> 為, 羣 -> 群), else loses its tone mark (pinyin ā -> a), else a space or '?'."""
    out = []
    for ch in _S2T.convert(text):
        for cand in (ch, _T2TW.convert(ch), "".join(c for c in unicodedata.normalize("NFKD", ch)
                                                     if not unicodedata.combining(c))):
            try:
                out.append(cand.encode("cp950"))
                break
            except UnicodeEncodeError:
                continue
        else:
            out.append(b" " if ch.isspace() else b"?")
    return b"".join(out)


# --------------------------------------------------------------------------- html

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}-某某区人民政府网</title>
<meta name="keywords" content="法治政府建设,年度报告">
<link rel="stylesheet" href="/css/common.css">
<script src="/js/jquery-1.12.4.min.js"></script>
<script>var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); }})();</script>
</head>
<body>
<div class="site-top"><div class="w1200"><span class="today">今天是：{today}</span>
<span class="welcome">欢迎访问某某区人民政府网站！</span>
<a href="javascript:void(0)" onclick="SetHome(this)">设为首页</a> | <a href="javascript:void(0)">加入收藏</a> |
<a href="/wza/">无障碍阅读</a> | <a href="/zzb/">长者版</a> | <a href="/fanti/">繁體</a></div></div>
<div class="header"><a href="/"><img src="/images/logo.png" alt="某某区人民政府"></a>
<form class="search-box" action="/search"><input type="text" name="q" placeholder="请输入关键字">
<button>搜索</button></form></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zjmm/">走进某某</a></li>
<li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li>
<li><a href="/ztzl/">专题专栏</a></li></ul></div>
<div class="main w1200">
<div class="position">{crumb}</div>
<div class="detail">
{table}
{heading}
<div class="article-info"><span>发布日期：{published}</span><span>来源：某某区司法局</span>
<span>浏览次数：<em id="hits">1024</em></span><span>字号：[<a>大</a> <a>中</a> <a>小</a>]</span></div>
{article}
<div class="bdsharebuttonbox">分享到：<a class="bds_weixin">微信</a><a class="bds_tsina">微博</a>
<a class="bds_qzone">QQ空间</a></div>
<div class="print-bar"><a href="javascript:window.print()">【打印本页】</a>
<a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="prev-next"><p>上一篇：<a href="/a/1.html">关于开展2024年“民法典宣传月”活动的通知</a></p>
<p>下一篇：<a href="/a/3.html">某某区司法局2023年度政府信息公开工作年度报告</a></p></div>
<div class="xgwz"><div class="xgwz-title">相关链接</div><ul>
<li><a href="/a/7.html">某某区2022年法治政府建设年度报告</a></li>
<li><a href="/a/8.html">某某区人民政府关于2021年度法治政府建设情况的报告</a></li></ul></div>
</div></div>
<div class="footer"><div class="w1200">
<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/jc/">网站纠错</a></p>
<p>主办单位：某某区人民政府办公室　承办单位：某某区政务服务和大数据管理局</p>
<p>版权所有：某某区人民政府　网站标识码：4202040001　<a href="https://beian.miit.gov.cn/">鄂ICP备05003321号</a></p>
<p><img src="/images/ga.png">鄂公网安备 42020402000123号　建议使用1920×1080分辨率浏览本网站</p>
</div></div>
</body>
</html>
"""


def inline_html(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text, quote=False))


def html_bytes(text: str, charset: str = "utf-8", br: bool = False, old_cms: bool = False) -> bytes:
    """The sample as an article page; `br`: paragraphs as lines of one block split by <br>;
    `old_cms`: the title in a <td class="title"> and the article in a layout table's cell."""
    parts = blocks(text)
    title = title_of(parts)
    crumbs = [m.group(1) for kind, c in parts if kind == "chrome" and (m := BREADCRUMB.match(str(c)))]
    crumb = "当前位置：" + html.escape(crumbs[0] if crumbs else "首页 > 政务公开 > 法治政府建设 > 正文")
    rows = [c for kind, c in parts if kind == "row"]
    table = ""
    if rows:  # the 信息公开 header of the page as a table
        table = '<table class="xxgk-table" cellspacing="0">\n' + "\n".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows) + "\n</table>"
    article, seen_title = [], False
    for kind, content in parts:
        if kind in {"chrome", "row"}:
            continue
        if not seen_title and plain(str(content)) == plain(title):
            seen_title = True  # shown in the <h1>
            continue
        body = inline_html(str(content))
        if br:
            article.append(f"&nbsp;&nbsp;&nbsp;&nbsp;{body}<br>")
        else:
            article.append(f"<p><strong>{body}</strong></p>" if kind == "heading" else
                           f'<p style="text-indent:2em;"><span style="font-family:仿宋_GB2312">{body}</span></p>')
    year = int(re.search(r"20\d\d", title).group(0)) + 1 if re.search(r"20\d\d", title) else 2024
    if old_cms:
        heading = (f'<table width="100%"><tr><td class="title" align="center">{html.escape(plain(title))}</td></tr>'
                   "</table>")
        body = ('<table width="100%" cellpadding="0"><tr><td class="bt_content" id="zoom">\n' + "\n".join(article)
                + '\n</td></tr><tr><td align="right">【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>'
                "</table>")
    else:
        heading = f'<h1 class="article-title">{html.escape(plain(title))}</h1>'
        body = '<div class="article" id="zoom">\n' + "\n".join(article) + "\n</div>"
    page = PAGE.format(title=html.escape(plain(title)), crumb=crumb, table=table, published=f"{year}-03-15",
                       heading=heading, article=body, charset=charset, today=f"{year}年3月18日 星期一")
    return page.encode(charset, errors="xmlcharrefreplace")


def page_text(page: str) -> str:
    """A page saved as text by a browser: every block on its own line, scripts and styles gone."""
    page = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", "", page)
    page = re.sub(r"(?i)<(?:br|/p|/div|/li|/h\d|/tr|/ul|/table)\b[^>]*>", "\n", page)
    page = re.sub(r"(?i)</t[dh]>", "\t", page)
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"


# --------------------------------------------------------------------------- docx


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    parts = blocks(text)
    title = title_of(parts)
    rows = [c for kind, c in parts if kind == "row"]
    if rows:
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
    for kind, content in parts:
        if kind in {"chrome", "row"}:
            continue
        content = str(content)
        if plain(content) == plain(title):
            document.add_heading(plain(content), level=1)
        elif kind == "heading":
            document.add_heading(plain(content), level=2)
        else:
            paragraph = document.add_paragraph()
            for k, piece in enumerate(content.split("**")):
                if piece:
                    paragraph.add_run(piece).bold = bool(k % 2)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- pdf

NO_LINE_START = "，。、；：？！）》」』”’%％,.;:)"
_TOKEN = re.compile(r"[A-Za-z0-9.%/_\-]+|.", re.S)


def wrap(text: str, width: float, size: float, font: str, indent: float = 0) -> list[str]:
    """Break at the page width like a word processor: by character, Latin/number runs kept
    whole, closing punctuation never starts a line (it hangs at the end of the line before)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line, used = [], "", indent
    for tok in _TOKEN.findall(text):
        w = stringWidth(tok, font, size)
        if line and used + w > width and tok[0] not in NO_LINE_START:
            lines.append(line)
            line, used = "", 0.0
        line += tok
        used += w
    if line:
        lines.append(line)
    return lines


def pdf_bytes(text: str, block: bool = False) -> bytes:
    """The sample as a printed PDF; paragraphs start indented by two characters, or with `block`
    flush left after extra spacing (and pages numbered 第 n 页 instead of — n —)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    parts = blocks(text)
    title = plain(title_of(parts))
    page_w, page_h = A4
    left, right, top, bottom, size, lead = 72, 72, 90, 80, 12, 20
    width = page_w - left - right
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    state = {"page": 1, "y": page_h - top}

    def furniture() -> None:
        pdf.setFont(font, 9)
        pdf.drawCentredString(page_w / 2, page_h - 50, title)  # the running header
        pdf.line(left, page_h - 56, page_w - right, page_h - 56)
        pdf.drawCentredString(page_w / 2, 40, f"第 {state['page']} 页" if block else f"— {state['page']} —")

    def new_page() -> None:
        pdf.showPage()
        state["page"] += 1
        state["y"] = page_h - top
        furniture()

    def put(line: str, x: float, font_size: float = size, align: str = "left") -> None:
        """One line; 'justify' spreads its characters to the right margin like a word processor."""
        if state["y"] < bottom:
            new_page()
        pdf.setFont(font, font_size)
        if align == "centre":
            pdf.drawCentredString(page_w / 2, state["y"], line)
        elif align == "right":
            pdf.drawRightString(page_w - right - 2 * size, state["y"], line)
        else:
            text_obj = pdf.beginText(x, state["y"])
            text_obj.setFont(font, font_size)
            spare = page_w - right - x - pdfmetrics.stringWidth(line, font, font_size)
            if align == "justify" and len(line) > 1:
                text_obj.setCharSpace(max(0.0, spare / (len(line) - 1)))
            text_obj.textOut(line)
            pdf.drawText(text_obj)
        state["y"] -= lead if font_size <= size else lead + 8

    furniture()
    rows = [c for kind, c in parts if kind == "row"]
    for row in rows:  # a header table: cells spread over the line
        x = left
        for cell in row:
            pdf.setFont(font, 9)
            pdf.drawString(x, state["y"], cell)
            x += pdfmetrics.stringWidth(cell, font, 9) + 24
        state["y"] -= lead
    body = [(kind, plain(str(c)).replace("·", "・")) for kind, c in parts if kind not in {"chrome", "row"}]
    # the closing signature (unit, date) is set flush right
    signature = 2 if body and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", body[-1][1]) and len(body[-2][1]) <= 20 else 0
    for n, (kind, content) in enumerate(body):  # (the CID font has no U+00B7; ・ reads back as it)
        if content == title:
            for line in wrap(content, width - 48, 16, font):
                put(line, left, 16, align="centre")
            continue
        if n >= len(body) - signature:
            put(content, left, align="right")
            continue
        indent = 0 if kind == "heading" or block else 2 * size
        if block and n:
            state["y"] -= 8
        lines = wrap(content, width, size, font, indent)
        for k, line in enumerate(lines):
            put(line, left + (indent if k == 0 else 0), align="justify" if k < len(lines) - 1 else "left")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


# --------------------------------------------------------------------------- variants


NAMES = {"gb18030": "{}.gb18030.txt", "utf16": "{}.utf16.txt", "big5": "{}.big5.txt", "html": "{}.html",
         "page": "{}.page.txt", "docx": "{}.docx", "pdf": "{}.pdf"}


def variant(fmt: str, sample: Path) -> bytes:
    text = sample.read_text(encoding="utf-8")
    if fmt == "gb18030":
        return text.encode("gb18030")
    if fmt == "utf16":  # one without a BOM
        return text.encode("utf-16-le" if sample == SAMPLES[1] else "utf-16")
    if fmt == "big5":
        return big5_bytes(text)
    k = SAMPLES.index(sample)
    if fmt == "html":
        return html_bytes(text, "gbk" if k in HTML_GBK else "utf-8", br=k in HTML_BR, old_cms=k in HTML_OLD_CMS)
    if fmt == "page":  # the web page saved as text (select all, copy, paste)
        return page_text(html_bytes(text).decode("utf-8")).encode("utf-8")
    if fmt == "pdf":
        return pdf_bytes(text, block=k in PDF_BLOCK)
    return docx_bytes(text)


def warehouse_rows(warehouse: Path) -> dict[str, dict]:
    """Per file: its metadata, section presence, script, encoding and fact multiset (or status)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cols = ", ".join(META)
        out: dict[str, dict] = {}
        for row in con.execute(f"select source_file, source_script, encoding, {cols} from marts.report_overview")\
                .fetchall():
            out[row[0]] = {"script": row[1], "encoding": row[2], **dict(zip(META, row[3:], strict=True)),
                           "facts": Counter()}
        # every loaded file's own facts: the variants of a sample are copies of one report, whose facts
        # count once in marts.report_facts (its canonical file's); stage.facts keeps each file's
        for source_file, *fact in con.execute(
                "select source_file, indicator_code, kind, value, measure_code, qualifier from stage.facts "
                "where source_file in (select source_file from marts.report_overview)").fetchall():
            out[source_file]["facts"][tuple(fact)] += 1
        status = dict(con.execute("select source_file, status || coalesce(': ' || reason, '') from marts.file_status")
                      .fetchall())
    finally:
        con.close()
    for name, state in status.items():
        out.setdefault(name, {"status": state})
    return out


@pytest.fixture(scope="module")
def originals(built) -> dict[str, dict]:
    return warehouse_rows(built[1])


@pytest.fixture(scope="module")
def variant_rows(tmp_path_factory) -> dict[str, dict]:
    """Every variant of every sample built into one warehouse (one build keeps the suite quick;
    rows are compared per file, so the variants do not meet)."""
    root = tmp_path_factory.mktemp("variants")
    raw = root / "raw"
    raw.mkdir()
    for sample in SAMPLES:
        for fmt in FORMATS:
            if fmt == "pdf" and importlib.util.find_spec("reportlab") is None:
                continue
            (raw / NAMES[fmt].format(sample.stem)).write_bytes(variant(fmt, sample))
    assert build(raw, root / "wh" / "reports.duckdb").success
    return warehouse_rows(root / "wh" / "reports.duckdb")


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("fmt", FORMATS)
def test_variant_gives_the_same_rows(fmt: str, sample: Path, originals, variant_rows) -> None:
    if fmt == "pdf":
        pytest.importorskip("reportlab")
    want = originals[sample.name]
    got = variant_rows.get(NAMES[fmt].format(sample.stem))
    assert got is not None and "status" not in got, got
    assert {k: got[k] for k in META} == {k: want[k] for k in META}
    missing, extra = want["facts"] - got["facts"], got["facts"] - want["facts"]
    assert (sorted(missing, key=str), sorted(extra, key=str)) == ([], [])
    assert got["script"] == ("traditional" if fmt == "big5" else want["script"])
    if fmt in ENCODING:
        assert got["encoding"] in ENCODING[fmt]

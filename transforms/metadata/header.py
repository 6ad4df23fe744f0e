"""The head of a report: the lines before its body, the field rows a portal prints there
(名称 / 发布机构 / 发布日期 / 文号 …) and the report's own title line.

The field keys, the mark closing a key, breadcrumbs and title shapes are rules in
data/metadata_rules.csv (META-FIELD-*, META-CRUMB, META-TITLE-END, META-GLUED-TITLE).
"""

from __future__ import annotations

import re

from transforms import lexicon, rules
from transforms.metadata.patterns import GLUED_TITLE_SPAN, NEVER, limit, pattern, rx, words
from transforms.metadata.signature import date_re
from transforms.metadata.units import Unit, government_issuer, name_rules, parse_unit
from transforms.metadata.years import year_re

PUNCT_RE = re.compile(lexicon.NAME_PUNCT)
_BODY_PUNCT = re.compile(r"[，,；;。]")  # a line with these is a paragraph of prose


def lines_of(text: str) -> list[str]:
    """Stripped lines; a tab-separated table row reads like a "|" row."""
    return [ln.strip().strip("#*").strip() for ln in text.replace("\t", " | ").split("\n")]  # one replace a text


@rules.rule(id="META-FIELD-SPACED", stage="metadata",
            effect="a field key may be spaced out to a table cell's width (文       号, 发 布 日 期)",
            example="某某镇2023年法治政府建设工作报告\\n发 布 日 期：2024-02-01\\n2023年，本镇坚持依法行政，取得成效。",
            expect="published_on=2024-02-01",
            why="portals justify a short key to the width of four characters in their table cells")
def _key_joiner() -> str:
    return r"\s{0,8}" if rules.enabled("META-FIELD-SPACED") else ""


@rules.cached
def field_re() -> re.Pattern[str]:
    """A field key and the mark closing it ("|", ":", "] :"); a bare key (日期) only where no hanzi
    stands before it, so 发文日期 is not read as 日期."""
    joiner, mark = _key_joiner(), pattern("META-FIELD-MARK")
    keys = [joiner.join(k) for k in sorted(words("META-FIELD-KEYS"), key=len, reverse=True)]
    keys += [r"(?<![\u4e00-\u9fff])" + joiner.join(k) for k in words("META-FIELD-BARE-KEYS")]
    return re.compile(rf"({'|'.join(keys)}){mark}") if keys and mark else NEVER


@rules.rule(id="META-FIELD-KEY-DATE", stage="metadata",
            effect="a key of four characters or more after other fields of a row may run into its date with no mark",
            example="某某县2023年度法治政府建设工作报告\\n来源:某某县司法局 作者: 发布时间 2025年09月05日 点击数:\\n"
                    "2023年，本县坚持依法行政，取得成效。",
            expect="published_on=2025-09-05",
            counter_example="某某县2023年度法治政府建设工作报告\\n来源:某某县司法局 作者: 时间 2025年09月05日\\n"
                            "2023年，本县坚持依法行政，取得成效。",
            counter_expect="published_on=2025-09-05",
            why="a portal's source row (来源:… 作者: 发布时间 2025年09月05日) may part 发布时间 from its date "
                "by a space that normalizing drops; a date must follow at once, no hanzi stand before the key, and a "
                "two-character key (时间) run into a date is too often prose")
@rules.cached
def field_key_date_re() -> re.Pattern[str]:
    date = pattern("META-DATE-FIELD")
    if not rules.enabled("META-FIELD-KEY-DATE") or not date:
        return NEVER
    long_keys = sorted((k for k in words("META-FIELD-KEYS") if len(k) >= 4), key=len, reverse=True)
    return re.compile(r"(?<![\u4e00-\u9fff])(" + "|".join(long_keys) + rf")\s*(?={date})") if long_keys else NEVER


def header_lines(lines: list[str]) -> list[str]:
    """Lines before the first body paragraph (a punctuated or very long line that is no table row).

    A paragraph among the first lines that a title line follows closely is page chrome (a site's
    slogan banner above the article), not the body: the header goes on past it.
    """
    out: list[str] = []
    long_line, prose_line = limit("META-HEADER-BODY-LEN"), limit("META-HEADER-PROSE-LEN")
    for i, ln in enumerate(lines):
        if "|" not in ln and (len(ln) >= long_line or (len(ln) >= prose_line and _BODY_PUNCT.search(ln))):
            ahead = [a for a in lines[i + 1 : i + 6] if a]
            if len([o for o in out if o]) < 3 and any(is_title(a) and not PUNCT_RE.search(a) for a in ahead):
                out.append(ln)
                continue
            break
        out.append(ln)
    return out[: limit("META-HEADER-MAX-LINES")]


def is_title(ln: str) -> bool:
    """A title line: the report's cue and 报告, or a short unpunctuated line ending 情况 / 总结 with a year."""
    cue = name_rules()["title"]
    if not cue.search(ln) or len(ln) > limit("META-TITLE-MAX-LEN"):
        return False
    if "报告" in ln:
        return True
    return (bool(year_re().search(ln)) and not PUNCT_RE.search(ln)
            and len(ln) <= limit("META-TITLE-NO-REPORT-MAX-LEN")
            and bool(rx("META-TITLE-END").search(ln)))


def find_title(header: list[str]) -> str | None:
    """The report's own title line; a title broken over two lines is joined.

    Breadcrumbs ("首页>…>法治政府建设报告") and header field rows are no title.
    """
    cue, crumb, field, year = name_rules()["title"], rx("META-CRUMB"), field_re(), year_re()
    rows = [ln for ln in header if ln and "|" not in ln and not crumb.search(ln) and not field.search(ln)]
    for i, ln in enumerate(rows):
        nxt = rows[i + 1] if i + 1 < len(rows) else ""
        if is_title(ln):
            return ln
        if nxt.startswith("关于") and "报告" in nxt and government_issuer(ln):
            return ln + nxt
        after = rows[i + 2] if i + 2 < len(rows) else ""
        if nxt.startswith("关于") and after.endswith("报告") and government_issuer(ln):  # 关于…2022年度 / …的报告
            return ln + nxt + after
        if government_issuer(ln) and year.match(nxt) and is_title(nxt):  # 通城镇人民政府 / 2025年法治政府建设情况
            return ln + nxt
        joined = len(ln + nxt) <= limit("META-TITLE-MAX-LEN")
        if cue.search(ln) and not PUNCT_RE.search(ln) and nxt.endswith("报告") and joined:
            return ln + nxt
    return None


def issuer_under_title(header: list[str], title: str | None) -> Unit | None:
    """A title that names no unit with the issuer on a line of its own just under it
    ("2022年度法治政府建设情况报告" / "某某县人民政府"), a date or field line between them allowed."""
    if not title:
        return None
    rows = [ln.strip() for ln in header if ln.strip()]
    at = next((i for i, ln in enumerate(rows) if ln in title), None)
    for ln in rows[at + 1 : at + 1 + limit("META-ISSUER-UNDER-TITLE-LINES")] if at is not None else ():
        if field_re().search(ln) or date_re().search(ln) or rx("META-DATE-FIELD").search(ln):
            continue
        if len(ln) > limit("META-ISSUER-UNDER-TITLE-LEN") or PUNCT_RE.search(ln) or name_rules()["party"].search(ln):
            return None
        return parse_unit(ln)
    return None


def glued_title(text: str) -> str | None:
    """A title run into the body with no line break (PDF or copied text): 某某人民政府关于2023年度…的报告2023年，…"""
    span = text[: GLUED_TITLE_SPAN]
    head = re.sub(r"《[^》]*》", lambda t: "□" * len(t.group(0)), span)  # a cited 《…通知》 is no title
    m = rx("META-GLUED-TITLE").search(head)
    return m.group(1) if m and name_rules()["title"].search(m.group(1)) else None


_BODY12 = "\\n".join(["全年办理案件12件，各项任务基本完成。"] * 12)  # a body past the 落款's tail window


@rules.rule(id="META-FIELD-NEXT-LINE", stage="metadata",
            effect="a line holding only a bracketed field key ([ 成文日期 ]) takes the next line as its value",
            example="某某镇2023年法治政府建设工作报告\\n[ 成文日期 ]\\n2024-02-01\\n" + _BODY12,
            expect="report_date=2024-02-01",
            counter_example="某某镇2023年法治政府建设工作报告\\n[ 成文日期 ]\\n[ 发布日期 ]\\n2024-02-01\\n" + _BODY12,
            counter_expect="report_date=2024-02-01",
            why="a portal's field list copied from a page with bullets puts each key and its value on lines of "
                "their own; a key line followed by another key line has lost its value")
def _key_line_joined(header: list[str]) -> list[str]:
    """Header lines with a lone key line and the value line under it written as one line."""
    if not rules.enabled("META-FIELD-NEXT-LINE"):
        return header
    alone = field_key_line_re()
    out: list[str] = []
    i = 0
    while i < len(header):
        ln = header[i]
        if alone.fullmatch(ln) and i + 1 < len(header) and header[i + 1] and not alone.fullmatch(header[i + 1]):
            out.append(f"{ln} {header[i + 1]}")
            i += 2
            continue
        out.append(ln)
        i += 1
    return out


@rules.cached
def field_key_line_re() -> re.Pattern[str]:
    """A line that is a bracketed field key and nothing else ("[ 成文日期 ]", "【发布机构】")."""
    keys = [_key_joiner().join(k) for k in sorted(words("META-FIELD-KEYS"), key=len, reverse=True)]
    return re.compile(rf"[\[【]\s*(?:{'|'.join(keys)})\s*[\]】]\s*[:：]?") if keys else NEVER


def header_fields(header: list[str]) -> dict[str, str]:
    """Header fields "key | value |" or "key: value key2: value2"; a value ends at "|" or the next key."""
    fields: dict[str, str] = {}
    field, dated = field_re(), field_key_date_re()
    for ln in _key_line_joined(header):
        keys = sorted([*field.finditer(ln), *dated.finditer(ln)], key=lambda k: k.start())
        for i, k in enumerate(keys):
            stop = keys[i + 1].start() if i + 1 < len(keys) else len(ln)
            value = re.split(r"[|\[【]", ln[k.end() : stop])[0].strip()
            key = re.sub(r"\s+", "", k.group(1))
            if value and key not in fields:
                fields[key] = value
    return fields

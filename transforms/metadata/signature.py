"""Dates and the 落款: the signing date and unit closing a report (or its covering letter), and the
dates a page states in its fields or as a time stamp under the title.

A date is written 2025年1月16日, 二〇二五年一月十六日 or 2025.1.16 (META-DATE-ARABIC / -CN / -DOTTED).
A distribution footer under the 落款 (抄送… / …印发) closes the document but dates its printing,
and page chrome after the text (扫一扫, 相关稿件) is no body: both are looked past.
"""

from __future__ import annotations

import datetime as dt
import re

from transforms import numerals, rules
from transforms.metadata.patterns import limit, pattern, rx
from transforms.metadata.units import Unit, name_rules, parse_unit

# a date's digits (transforms.numerals), and the look-alikes typed for 〇 in a year (二○二五, 二O二五)
_CN_DIGIT = {c: numerals.CN_DIGIT[c] for c in numerals.ZERO + numerals.SPOKEN_ZERO + numerals.PLAIN_DIGITS}
_CN_DIGIT |= {"○": 0, "O": 0}
DATE_RULES = ("META-DATE-ARABIC", "META-DATE-CN", "META-DATE-DOTTED")


@rules.cached
def date_re() -> re.Pattern[str]:
    """A written date, in each form whose rule is on."""
    return re.compile("|".join(p for r in DATE_RULES if (p := pattern(r))) or "(?!)")


def to_date(m: re.Match) -> dt.date | None:
    """A match of the date pattern as a date; None when it is no calendar day."""
    g = m.groupdict()
    try:
        if g.get("y"):
            return dt.date(int(g["y"]), int(g["m"]), int(g["d"]))
        if g.get("ny"):
            return dt.date(int(g["ny"]), int(g["nm"]), int(g["nd"]))
        year = int("".join(str(_CN_DIGIT[c]) for c in g["cy"]))
        return dt.date(year, _cn_small(g["cm"]), _cn_small(g["cd"]))
    except (ValueError, KeyError, TypeError):
        return None


def _cn_small(s: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十一 → 21."""
    if "十" not in s:
        return _CN_DIGIT[s]
    tens, _, ones = s.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def parse_date(s: str | None) -> dt.date | None:
    """The date in a field's value (2026-01-27, 2026年1月27日, 2026/1/27)."""
    if not s:
        return None
    m = rx("META-DATE-FIELD").search(s)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def find_signature(lines: list[str]) -> tuple[Unit | None, dt.date | None]:
    """The closing 落款: a date alone on a line (or after the unit), the unit just above it."""
    date_rx, footer, junk, seal = date_re(), rx("META-FOOTER"), rx("META-JUNK-TAIL"), rx("META-SEAL")
    party = name_rules()["party"]
    tail = [ln for ln in lines if ln][-limit("META-SIGNATURE-TAIL-LINES") :]
    body_len, above_n = limit("META-SIGNATURE-BODY-LEN"), limit("META-SIGNATURE-UNIT-ABOVE")
    for i in range(len(tail) - 1, -1, -1):
        ln = tail[i]
        after = tail[i + 1 :]
        if footer.search(ln):
            continue
        if any(len(a) >= body_len and not junk.search(a) and not footer.search(a) for a in after):
            break
        m = date_rx.search(ln)
        rest = ln[m.end() :] if m else ""
        if m and not re.search(r"发布|时间|日期|来源", ln) and (not rest.strip() or seal.match(rest)):
            date = to_date(m)
            unit = parse_unit(ln[: m.start()]) if ln[: m.start()].strip() else None
            for above in reversed(tail[max(0, i - above_n) : i]):
                if unit is not None:
                    break
                u = parse_unit(above)
                if u is not None and not party.search(above):
                    unit = u
            return unit, date
        body_after = [a for a in after if not junk.search(a) and not footer.search(a)]
        if len(body_after) < 2 and not junk.search(ln):
            u = parse_unit(ln)
            if u is not None and not party.search(ln):
                return u, None
    return None, None


def cover_signature(lines: list[str]) -> tuple[Unit | None, dt.date | None]:
    """The 落款 of a covering letter before the report's first part ("…请审阅。/ 某某委 / 2024年3月8日"):
    a date alone on a line right under a line that names a unit (no party organ)."""
    front = []
    for ln in lines[: limit("META-COVER-LINES")]:
        if rx("META-COVER-END").match(ln):
            break
        if ln:
            front.append(ln)
    for above, ln in zip(front, front[1:], strict=False):
        m = date_re().fullmatch(ln.strip())
        u = parse_unit(above) if m else None
        if u is not None and not name_rules()["party"].search(above):
            return u, to_date(m)
    return None, None


def header_stamp(header: list[str]) -> str | None:
    """A date alone on a header line: a time stamp ("• 2023年03月30日 09时24分") or a dashed date
    under the title ("2026-01-27"), or a dashed date in brackets closing the title's line
    ("…报告 (2026-01-27)"): the page's date, since a signing date is written 2026年1月27日
    and stands at the end."""
    stamp, bare, bracketed = rx("META-STAMP"), rx("META-STAMP-BARE"), rx("META-STAMP-BRACKETED")
    rows = header[: limit("META-STAMP-HEADER-LINES")]
    return next(
        (m.group(1) for ln in rows if (m := stamp.match(ln) or bare.match(ln) or bracketed.match(ln))), None
    )

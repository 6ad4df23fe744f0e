"""The year a report covers: stated in its title, a part heading, its opening sentence, the page
title, named most often in its body, or, last, implied by its signing or publication date.
Which source wins is data (metadata_trust_<field>.csv); each source's pattern is a rule (META-YEAR*)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from transforms import rules
from transforms.metadata.patterns import rx


@rules.cached
def year_re() -> re.Pattern[str]:
    """A year as a report states it: 2023年, 2023年度, 2025度."""
    return rx("META-YEAR")


def year_of(s: str | None) -> int | None:
    if not s:
        return None
    m = year_re().search(s)
    return int(m.group(1)) if m else None


def heading_year(headings: list[tuple[str, str]]) -> int | None:
    """A part heading's year; a plan's heading names the year after the report's (…2025年工作计划)."""
    span = rx("META-YEAR-HEADING-SPAN")
    for section, heading in headings:
        y = year_of(span.sub("", heading))
        if y is not None:
            return y - 1 if section == "next_year_plan" and rules.enabled("META-YEAR-PLAN-NEXT") else y
    return None


rules.rule(id="META-YEAR-PLAN-NEXT", stage="metadata",
           effect="a year read from the next year's plan heading is one after the report's",
           example="某某镇法治政府建设情况报告\\n本镇坚持依法行政，各项工作取得成效，群众满意度提高。\\n一、2025年工作计划\\n继续推进依法行政。",
           expect="report_year=2024",
           why="the plan part of a 2024 report is headed 2025年工作计划")(heading_year)


def opening_year(opening: str) -> int | None:
    """"2023年，…", and "2023来，…" / "2023以来" where the writer dropped the 年."""
    m = rx("META-YEAR-OPENING").match(opening)
    return int(m.group(1)) if m else None


def page_year(page: list[str], title_cue: re.Pattern[str]) -> int | None:
    """The year of a page title or 名称 field that carries the report's title cue."""
    for s in page:
        if (y := year_of(s)) is not None and title_cue.search(s):
            return y
    return None


def year_in_body(text: str) -> int | None:
    """A report with no title, year heading or dated opening: the year its text names most often.

    Spans (2021—2025年), bases (2020年以来) and whole dates (a signature's 2024年2月6日) are no report
    year; years inside a 《title》 count only when the text names none outside one
    (《2021年某某区重点工作责任清单》). Ties go to the earlier year: a report names its plan's year less
    often than its own.
    """
    plain = rx("META-YEAR-NOT-DAY").sub("", rx("META-YEAR-NOT-SPAN").sub("", text))
    body = rx("META-YEAR-BODY")
    for source in (re.sub("《[^》]*》", "", plain), plain):
        years = Counter(int(m.group(1)) for m in body.finditer(source))
        if years:
            top = max(years.values())
            return min(y for y, n in years.items() if n == top)
    return None


def year_from_dates(*dates: dt.date | None) -> int | None:
    """The year a report signed or published on a date covers: the year before, for a date in the first
    half (reports are due by 1 April), else that year (a year-end report signed in December)."""
    date = next((d for d in dates if d is not None), None)
    if date is None:
        return None
    return date.year - 1 if date.month <= 6 else date.year

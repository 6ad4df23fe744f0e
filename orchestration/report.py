"""`make report`: a static HTML report of the published warehouse, one file that opens offline.

It reads the analysis marts read-only and writes `report.html` next to the warehouse it reads
(`warehouse/report.html` for the default warehouse): the compliance matrix, a bar chart and a
ranking table per commonly reported indicator (units' latest years), a panel per unit (its
reports, the parts present, every fact with its evidence sentence, the number marked, and its
source file, and a trend per indicator it reports for several years), the scorecard, plans
against results, year-over-year changes and the shortcoming themes. Every ranked value links to
the fact behind it. CSS, SVG charts and a small script (sorting and filtering the tables; the page
reads fine without it) are inline; nothing is fetched from the network.

    python -m orchestration.report [--warehouse warehouse/reports.duckdb] [--out <warehouse dir>/report.html]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from orchestration.resources import read_published
from orchestration.settings import Settings

TEMPLATES = Path(__file__).resolve().parent / "templates"
REPORT_NAME = "report.html"  # written next to the warehouse it reads
MAX_INDICATORS = 16  # charts in the report; the rest is one query away in the marts
PARTS = [
    ("achievements", "举措和成效"),
    ("shortcomings", "不足和原因"),
    ("leadership_duty", "第一责任人职责"),
    ("next_year_plan", "下一年度安排"),
    ("other", "其他事项"),
]
SECTION_NAMES = dict(PARTS) | {"preamble": "开头", "unknown": "未分部分"}
QUALIFIER_MARKS = {"more_than": "＞", "at_least": "≥", "at_most": "≤", "approx": "约"}
# a measure's word when the warehouse has no core.dim_measure (its base_unit wins when it has)
MEASURE_WORDS = {"item": "件", "event": "次", "person": "人", "person_time": "人次", "percent": "%",
                 "cny": "元", "hour": "小时", "day": "天"}
MONEY_SCALE = {"万元": 10_000, "亿元": 100_000_000, "千元": 1_000}
KINDS = {"actual": "实际", "target": "目标"}


def default_out(warehouse: Path) -> Path:
    return warehouse.parent / REPORT_NAME


def number(value: float | None) -> str:
    """12 not 12.0; 98.5 stays; large counts get thousands separators."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def stated(value: float | None, qualifier: str | None = None, high: float | None = None, measure: str = "",
           word: str | None = None) -> str:
    """A value as a reader would say it, with its measure word: ＞100件, ≥98%, 1–2个, 100万元."""
    if value is None:
        return "—"
    suffix = "%" if measure == "percent" else (word if word is not None else MEASURE_WORDS.get(measure, ""))
    scale = MONEY_SCALE.get(suffix, 1) if measure == "cny" else 1
    value, high = value / scale, (high / scale if high is not None else None)
    if qualifier == "range" and high is not None:
        return f"{number(value)}–{number(high)}{suffix}"
    return f"{QUALIFIER_MARKS.get(qualifier or '', '')}{number(value)}{suffix}"


NUMBER = re.compile(r"\d+(?:[,，]\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿]+")
NONE_WORDS = re.compile(r"未发生|未出现|零|没有|无|未")
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}


def _parse_number(text: str) -> float | None:
    if text[0].isdigit():
        return float(text.replace(",", "").replace("，", ""))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in ("万", "亿"):
            total += (section + (digit or 0)) * CN_UNITS[ch]
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
    return float(total + section + (digit or 0))


def mark_span(evidence: str, value: float | None, high: float | None = None, word: str | None = None,
              surface: str | None = None) -> tuple[int, int] | None:
    """Where the fact's number stands in its evidence sentence: the mention as the warehouse read
    it when known, else the first number equal to the value (or the range's top), else for a zero
    the word that says none; with a following 余/多 and measure word when they are there."""
    if not evidence:
        return None
    if surface and surface in evidence:
        start = evidence.index(surface)
        return start, start + len(surface)
    scale = MONEY_SCALE.get(word or "", 1)
    wanted = {v / scale for v in (value, high) if v is not None} | {v for v in (value, high) if v is not None}
    for m in NUMBER.finditer(evidence):
        try:
            parsed = _parse_number(m.group())
        except (KeyError, ValueError):
            continue
        if any(math.isclose(parsed, w, rel_tol=1e-9, abs_tol=1e-9) for w in wanted):
            end = m.end()
            tail = re.match(r"(?:余|多|来)?" + re.escape(word or "\x00"), evidence[end:])
            return m.start(), end + (tail.end() if tail else 0)
    if value == 0 and (m := NONE_WORDS.search(evidence)):
        return m.start(), m.end()
    return None


def highlighted(evidence: str | None, span: tuple[int, int] | None) -> Markup:
    if not evidence:
        return Markup("")
    if span is None:
        return escape(evidence)
    a, b = span
    return escape(evidence[:a]) + Markup("<mark>") + escape(evidence[a:b]) + Markup("</mark>") + escape(evidence[b:])


@dataclass
class Bar:
    label: str
    sub: str
    value: float
    text: str
    highlight: bool = False
    href: str | None = None


def bar_chart(bars: list[Bar], *, percent: bool, title: str, label_w: int = 150, value_w: int = 80,
              plot_w: int = 330) -> Markup:
    """A horizontal bar chart as inline SVG: one bar per unit, its label left, its value right."""
    row_h, top = 26, 8
    width = label_w + plot_w + value_w
    height = top * 2 + row_h * max(len(bars), 1)
    top_value = 100.0 if percent else max([b.value for b in bars] + [0.0])
    scale = plot_w / top_value if top_value > 0 else 0.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bars" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f'<line x1="{label_w}" y1="{top - 2}" x2="{label_w}" y2="{height - top + 2}" class="axis"/>',
    ]
    for i, bar in enumerate(bars):
        y = top + i * row_h
        w = max(bar.value * scale, 1.5 if bar.value > 0 else 0)
        css = "bar hi" if bar.highlight else "bar"
        parts.append(
            (f'<a href="{escape(bar.href)}">' if bar.href else "") +
            f'<g class="row"><title>{escape(bar.label)} {escape(bar.sub)}: {escape(bar.text)}</title>'
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 5}" class="label" text-anchor="end">'
            f'{escape(bar.label)} <tspan class="sub">{escape(bar.sub)}</tspan></text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" class="{css}" rx="2"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + row_h / 2 + 5}" class="value">{escape(bar.text)}</text></g>' +
            ("</a>" if bar.href else "")
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    """Rows as dicts; an absent mart (an older warehouse) gives no rows rather than no report."""
    try:
        cursor = con.execute(sql)
    except duckdb.CatalogException:
        return []
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def measure_words(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """measure_code -> its word in Chinese (件, 次, 人次, %, 元 …), from core.dim_measure when present."""
    words = dict(MEASURE_WORDS)
    for r in _rows(con, "select measure_code, base_unit from core.dim_measure"):
        if r["base_unit"]:
            words[r["measure_code"]] = r["base_unit"]
    return words


def fact_links(con: duckdb.DuckDBPyConnection) -> dict[tuple, str]:
    """(unit_id, indicator, measure, kind, fact_year) -> the fact_id that stood for the unit's value."""
    return {(r["unit_id"], r["indicator_code"], r["measure_code"], r["kind"], r["fact_year"]): r["fact_id"]
            for r in _rows(con, """select unit_id, indicator_code, measure_code, kind, fact_year, fact_id
                                   from core.unit_indicator_value where fact_id is not null""")}


def fact_anchor(fact_id: str | None) -> str | None:
    return f"#fact-{fact_id}" if fact_id else None


def unit_anchor(unit_id: str | None) -> str:
    return f"#unit-{unit_id}"


def indicator_sections(con: duckdb.DuckDBPyConnection, words: dict[str, str],
                       links: dict[tuple, str]) -> list[dict[str, Any]]:
    """Commonly reported indicators (most units first), each with its ranking and a chart; each
    value links to the fact behind it in its unit's panel."""
    groups = _rows(con, f"""
        select indicator_code, indicator_name, measure_code, max(peer_count) as units,
               any_value(peer_years) as years, any_value(better) as better
        from marts.indicator_latest
        where peer_scope = 'all'
        group by indicator_code, indicator_name, measure_code
        order by units desc, indicator_code, measure_code
        limit {MAX_INDICATORS}
    """)
    common = [g for g in groups if g["units"] >= 2] or groups
    rows = _rows(con, """
        select * from marts.indicator_latest where peer_scope = 'all'
        order by indicator_code, measure_code, rank, unit_name
    """)
    level_ranks = {
        (r["indicator_code"], r["measure_code"], r["unit_id"]): r
        for r in _rows(con, "select * from marts.indicator_latest where peer_scope = 'unit_level'")
    }
    sections = []
    for g in common:
        members = [r for r in rows if (r["indicator_code"], r["measure_code"]) == (g["indicator_code"],
                                                                                  g["measure_code"])]
        percent = g["measure_code"] == "percent"
        word = words.get(g["measure_code"], g["measure_code"])
        for r in members:
            r["shown"] = stated(r["value"], r["qualifier"], r["value_high"], r["measure_code"], word)
            level = level_ranks.get((r["indicator_code"], r["measure_code"], r["unit_id"]))
            r["level_rank"] = f"{level['rank']}/{level['peer_count']}" if level else "—"
            r["fact_href"] = fact_anchor(links.get((r["unit_id"], r["indicator_code"], r["measure_code"], "actual",
                                                    r["fact_year"])))
            r["unit_href"] = unit_anchor(r["unit_id"])
        values = [float(r["value"]) for r in members]
        best = min(values) if g["better"] == "lower" else max(values)
        bars = [Bar(r["unit_name"], str(r["fact_year"]), float(r["value"]), r["shown"], float(r["value"]) == best,
                    r["fact_href"]) for r in members]
        title = f"{g['indicator_name'] or g['indicator_code']}（{word}）"
        sections.append({**g, "title": title, "word": word, "rows": members,
                         "chart": bar_chart(bars, percent=percent, title=title)})
    return sections


def trend_chart(points: list[tuple[int, float, str]], *, title: str, percent: bool) -> Markup:
    """A small line over the years as inline SVG: one dot per year, its value above it."""
    width, height, pad_x, top, bottom = 300, 110, 30, 22, 22
    years = [p[0] for p in points]
    values = [p[1] for p in points]
    low = 0.0 if not percent or min(values) < 50 else min(values) - 5
    high = 100.0 if percent else max(values)
    span_y = (high - low) or 1.0
    span_x = (max(years) - min(years)) or 1

    def xy(year: int, value: float) -> tuple[float, float]:
        x = pad_x + (year - min(years)) * (width - 2 * pad_x) / span_x
        y = top + (1 - (value - low) / span_y) * (height - top - bottom)
        return x, y

    coords = [xy(y, v) for y, v, _ in points]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f'<line x1="{pad_x - 10}" y1="{height - bottom}" x2="{width - pad_x + 10}" y2="{height - bottom}" '
        'class="axis"/>',
        '<polyline class="line" fill="none" points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>',
    ]
    for (year, _, text), (x, y) in zip(points, coords, strict=True):
        parts.append(f'<g><title>{year}: {escape(text)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="dot"/>'
                     f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" class="value">{escape(text)}</text>'
                     f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" class="year">{year}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def unit_panels(con: duckdb.DuckDBPyConnection, words: dict[str, str],
                compliance: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A panel per unit: its reports (the parts present, on time, a duplicate noted), a trend per
    indicator it reports for several years, and every fact with its evidence, the number marked."""
    reports = _rows(con, "select * from marts.report_overview order by unit_name, report_year, source_file")
    on_time = {c["source_file"]: c for c in compliance if c.get("source_file")}
    names = {r["indicator_code"]: r["name_zh"] for r in _rows(con, "select indicator_code, name_zh "
                                                                    "from core.dim_indicator")}
    surfaces = {(r["source_file"], r["char_start"], r["char_end"]): r["surface"]
                for r in _rows(con, "select source_file, char_start, char_end, surface from stage.mentions")}
    facts = _rows(con, """
        select * from marts.report_facts
        order by unit_name, report_year, fact_year, coalesce(char_start, 0), indicator_code
    """)
    trends = _rows(con, """
        select unit_id, indicator_code, indicator_name, measure_code, fact_year, value, value_high, qualifier
        from marts.indicator_comparison
        where kind = 'actual' and peer_scope = 'all'
        order by unit_id, indicator_code, measure_code, fact_year
    """)
    units: dict[str, dict[str, Any]] = {}

    def unit(unit_id: str, name: str) -> dict[str, Any]:
        return units.setdefault(unit_id, {"unit_id": unit_id, "unit_name": name, "href": unit_anchor(unit_id),
                                          "anchor": f"unit-{unit_id}", "reports": [], "facts": [], "trends": [],
                                          "level": None, "place": ""})

    for r in reports:
        u = unit(r["unit_id"], r["unit_name"])
        u["level"] = u["level"] or r.get("unit_level")
        u["place"] = u["place"] or "".join(p for p in (r.get("place_province"), r.get("place_prefecture"),
                                                        r.get("place_county")) if p)
        c = on_time.get(r["source_file"], {})
        notes = []
        if r.get("duplicate_of"):
            notes.append(f"与 {r['duplicate_of']} 重复")
        if r.get("same_unit_year") and not r.get("duplicate_of"):
            notes.append("同一单位同一年度另有报告")
        u["reports"].append({**r, "parts": [(code, name, r.get(f"has_{code}")) for code, name in PARTS],
                             "parts_present": sum(bool(r.get(f"has_{code}")) for code, _ in PARTS),
                             "dated_on": c.get("dated_on"), "on_time": c.get("on_time"),
                             "days_late": c.get("days_late"), "notes": "；".join(notes)})
    for f in facts:
        u = unit(f["unit_id"], f["unit_name"])
        word = f.get("measure_word") or words.get(f["measure_code"], "")
        span = mark_span(f["evidence"], f["value"], f["value_high"], word,
                         surfaces.get((f["source_file"], f.get("char_start"), f.get("char_end"))))
        u["facts"].append({**f, "anchor": f"fact-{f['fact_id']}",
                           "indicator_name": names.get(f["indicator_code"]) or f["indicator_code"],
                           "section_name": SECTION_NAMES.get(f["section"] or "", f["section"] or "—"),
                           "kind_name": KINDS.get(f["kind"], f["kind"]),
                           "shown": stated(f["value"], f["qualifier"], f["value_high"], f["measure_code"], word),
                           "evidence_html": highlighted(f["evidence"], span), "marked": span is not None,
                           "flagged": bool(f.get("flags"))})
    series: dict[tuple, list[dict[str, Any]]] = {}
    for t in trends:
        series.setdefault((t["unit_id"], t["indicator_code"], t["measure_code"]), []).append(t)
    for (unit_id, code, measure), points in series.items():
        if unit_id not in units or len({p["fact_year"] for p in points}) < 2:
            continue
        word = words.get(measure, measure)
        title = f"{points[0]['indicator_name'] or code}（{word}）"
        shown = [(p["fact_year"], float(p["value"]), stated(p["value"], p["qualifier"], p["value_high"], measure, word))
                 for p in points]
        units[unit_id]["trends"].append({"title": title, "code": code,
                                         "chart": trend_chart(shown, title=title, percent=measure == "percent")})
    return sorted(units.values(), key=lambda u: u["unit_name"] or "")


def theme_chart(themes: list[dict[str, Any]]) -> Markup:
    bars = [Bar(t["theme_name"], "", float(t["units_admitting"]),
                f"{t['units_admitting']} 个单位 · {number(t['pct_units_admitting'])}%", t["theme_rank"] == 1)
            for t in themes]
    return bar_chart(bars, percent=False, title="各类不足被多少单位提及", label_w=130, value_w=130)


def collect(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    words = measure_words(con)
    links = fact_links(con)
    totals = _rows(con, """
        select (select count(*) from core.report) as reports,
               (select count(*) from core.dim_unit) as units,
               (select count(*) from core.fact_indicator_value) as facts,
               (select count(*) from core.fact_indicator_value where indicator_code <> 'unclassified') as classified,
               (select min(report_year) from core.report) as first_year,
               (select max(report_year) from core.report) as last_year
    """)
    compliance = _rows(con, "select * from marts.section_compliance order by unit_name, report_year")
    for c in compliance:
        c["parts"] = [(code, name, c[f"has_{code}"]) for code, name in PARTS]
        c["unit_href"] = unit_anchor(c.get("unit_id"))
    themes = _rows(con, """
        select theme, any_value(theme_name) as theme_name, any_value(units_admitting) as units_admitting,
               any_value(pct_units_admitting) as pct_units_admitting, any_value(theme_rank) as theme_rank,
               string_agg(distinct unit_name, '、' order by unit_name) as units
        from marts.shortcoming_themes
        group by theme
        order by units_admitting desc, theme
    """)
    report_themes = _rows(con, """
        select unit_name, report_year, theme, theme_name, evidence
        from marts.shortcoming_themes
        order by unit_name, report_year, theme_rank, theme
    """)
    plans = _rows(con, """
        select * from marts.plan_vs_actual
        order by case status when 'not met' then 0 when 'met' then 1 else 2 end, unit_name, indicator_code
    """)
    for p in plans:
        word = words.get(p["measure_code"], "")
        p["target_shown"] = stated(p["target_value"], p["target_qualifier"], p["target_value_high"], p["measure_code"],
                                   word)
        p["actual_shown"] = stated(p["actual_value"], p["actual_qualifier"], None, p["measure_code"], word)
        p["target_href"] = fact_anchor(links.get((p["unit_id"], p["indicator_code"], p["measure_code"], "target",
                                                  p["target_year"])))
        p["actual_href"] = fact_anchor(links.get((p["unit_id"], p["indicator_code"], p["measure_code"], "actual",
                                                  p["target_year"])))
        p["unit_href"] = unit_anchor(p["unit_id"])
        p["why"] = None if p["actual_value"] is not None else (
            f"无{p['target_year']}年报告" if (p["no_data_reason"] or "").startswith("no report")
            else f"{p['target_year']}年报告未提及")
    changes = _rows(con, "select * from marts.year_over_year order by unit_name, indicator_code, year")
    for y in changes:
        word = words.get(y["measure_code"], "")
        unit = "个百分点" if y["change_unit"] == "pp" else ("" if y["measure_code"] == "percent" else word)
        y["change_shown"] = ("+" if (y["change"] or 0) > 0 else "") + number(y["change"]) + unit
        y["prev_shown"] = stated(y["prev_value"], None, None, y["measure_code"], word)
        y["value_shown"] = stated(y["value"], None, None, y["measure_code"], word)
        y["word"] = word
        y["unit_href"] = unit_anchor(y.get("unit_id"))
        y["href"] = fact_anchor(links.get((y.get("unit_id"), y["indicator_code"], y["measure_code"], "actual",
                                           y["year"])))
    scorecard = _rows(con, "select * from marts.unit_scorecard order by unit_name, year")
    for sc in scorecard:
        sc["unit_href"] = unit_anchor(sc.get("unit_id"))
    score_columns = [
        ("disputes_resolved", "化解纠纷"), ("dispute_rate", "化解率%"), ("lawsuits", "行政诉讼"),
        ("lawsuits_lost", "败诉"), ("court_appearance_rate", "出庭率%"), ("reconsiderations", "行政复议"),
        ("petitions_resolved", "信访解决"), ("publicity_events", "普法活动"), ("study_sessions", "学法次数"),
        ("exam_pass_rate", "考试通过率%"), ("legal_reviews", "合法性审查"), ("enforcement_cases", "执法案件"),
    ]
    shown = [(col, name) for col, name in score_columns if any(s.get(col) is not None for s in scorecard)]
    return {
        "totals": totals[0] if totals else {},
        "compliance": compliance,
        "parts": PARTS,
        "indicators": indicator_sections(con, words, links),
        "units": unit_panels(con, words, compliance),
        "themes": themes,
        "theme_chart": theme_chart(themes) if themes else Markup(""),
        "report_themes": report_themes,
        "plans": plans,
        "changes": changes,
        "scorecard": scorecard,
        "score_columns": shown,
    }


def write_report(duckdb_path: Path, out: Path | None = None) -> Path:
    """Read the published warehouse read-only and write one self-contained HTML file to `out`
    (default: report.html next to the warehouse)."""
    out = out or default_out(duckdb_path)
    with read_published(duckdb_path) as con:
        data = collect(con)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = number
    html = env.get_template("report.html.j2").render(
        **data,
        warehouse=duckdb_path.name,
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the static HTML report of the published warehouse.")
    parser.add_argument("--warehouse", type=Path, default=None,
                        help="the published DuckDB file (default: $REPORTS_WAREHOUSE or warehouse/reports.duckdb)")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write (default: report.html next to the warehouse)")
    args = parser.parse_args(argv)
    warehouse = args.warehouse or Settings().resolved_warehouse()
    if not warehouse.exists():
        print(f"no warehouse at {warehouse}; run `make run` first", file=sys.stderr)
        return 1
    out = write_report(warehouse, args.out)
    print(f"report            {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

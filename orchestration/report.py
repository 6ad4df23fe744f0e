"""`make report`: a static HTML report of the published warehouse, one file that opens offline.

It reads the analysis marts read-only and writes `warehouse/report.html`: the compliance matrix,
a bar chart and a ranking table per commonly reported indicator (units' latest years), the
scorecard, plans against results, year-over-year changes and the shortcoming themes. CSS and the
SVG charts are inline; there is no JavaScript and nothing is fetched from the network.

    python -m orchestration.report [--warehouse warehouse/reports.duckdb] [--out warehouse/report.html]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from orchestration.resources import read_published
from orchestration.settings import REPO, Settings

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_OUT = REPO / "warehouse" / "report.html"
MAX_INDICATORS = 16  # charts in the report; the rest is one query away in the marts
PARTS = [
    ("achievements", "举措和成效"),
    ("shortcomings", "不足和原因"),
    ("leadership_duty", "第一责任人职责"),
    ("next_year_plan", "下一年度安排"),
    ("other", "其他事项"),
]
QUALIFIER_MARKS = {"more_than": "＞", "at_least": "≥", "at_most": "≤", "approx": "约"}


def number(value: float | None) -> str:
    """12 not 12.0; 98.5 stays; large counts get thousands separators."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def stated(value: float | None, qualifier: str | None = None, high: float | None = None, measure: str = "") -> str:
    """A value as a reader would say it: ＞100, ≥98%, 1–2."""
    suffix = "%" if measure == "percent" else ""
    if value is None:
        return "—"
    if qualifier == "range" and high is not None:
        return f"{number(value)}–{number(high)}{suffix}"
    return f"{QUALIFIER_MARKS.get(qualifier or '', '')}{number(value)}{suffix}"


@dataclass
class Bar:
    label: str
    sub: str
    value: float
    text: str
    highlight: bool = False


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
            f'<g class="row"><title>{escape(bar.label)} {escape(bar.sub)}: {escape(bar.text)}</title>'
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 5}" class="label" text-anchor="end">'
            f'{escape(bar.label)} <tspan class="sub">{escape(bar.sub)}</tspan></text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" class="{css}" rx="2"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + row_h / 2 + 5}" class="value">{escape(bar.text)}</text></g>'
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


def indicator_sections(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Commonly reported indicators (most units first), each with its ranking and a chart."""
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
        for r in members:
            r["shown"] = stated(r["value"], r["qualifier"], r["value_high"], r["measure_code"])
            level = level_ranks.get((r["indicator_code"], r["measure_code"], r["unit_id"]))
            r["level_rank"] = f"{level['rank']}/{level['peer_count']}" if level else "—"
        values = [float(r["value"]) for r in members]
        best = min(values) if g["better"] == "lower" else max(values)
        bars = [Bar(r["unit_name"], str(r["fact_year"]), float(r["value"]), r["shown"], float(r["value"]) == best)
                for r in members]
        title = f"{g['indicator_name'] or g['indicator_code']} ({g['measure_code']})"
        sections.append({**g, "title": title, "rows": members,
                         "chart": bar_chart(bars, percent=percent, title=title)})
    return sections


def theme_chart(themes: list[dict[str, Any]]) -> Markup:
    bars = [Bar(t["theme_name"], "", float(t["units_admitting"]),
                f"{t['units_admitting']} 个单位 · {number(t['pct_units_admitting'])}%", t["theme_rank"] == 1)
            for t in themes]
    return bar_chart(bars, percent=False, title="各类不足被多少单位提及", label_w=130, value_w=130)


def collect(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
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
        p["target_shown"] = stated(p["target_value"], p["target_qualifier"], p["target_value_high"], p["measure_code"])
        p["actual_shown"] = stated(p["actual_value"], p["actual_qualifier"], None, p["measure_code"])
        p["why"] = None if p["actual_value"] is not None else (
            f"无{p['target_year']}年报告" if (p["no_data_reason"] or "").startswith("no report")
            else f"{p['target_year']}年报告未提及")
    changes = _rows(con, "select * from marts.year_over_year order by unit_name, indicator_code, year")
    for y in changes:
        unit = "pp" if y["change_unit"] == "pp" else ""
        y["change_shown"] = ("+" if (y["change"] or 0) > 0 else "") + number(y["change"]) + unit
    scorecard = _rows(con, "select * from marts.unit_scorecard order by unit_name, year")
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
        "indicators": indicator_sections(con),
        "themes": themes,
        "theme_chart": theme_chart(themes) if themes else Markup(""),
        "report_themes": report_themes,
        "plans": plans,
        "changes": changes,
        "scorecard": scorecard,
        "score_columns": shown,
    }


def write_report(duckdb_path: Path, out: Path) -> Path:
    """Read the published warehouse read-only and write one self-contained HTML file to `out`."""
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
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write (default: warehouse/report.html)")
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

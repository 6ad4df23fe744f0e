"""The static HTML report: written from a fixture warehouse, rendered in headless Chromium, and
checked for what a person would see (the compliance matrix, a chart and ranking per common
indicator, a panel per unit with every fact and its evidence, plans, changes, themes), for what it
must not need (external scripts, the network) and for fitting a phone's width."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from orchestration.assets.models import run_model
from orchestration.report import write_report
from tests.test_marts import build_fixture_warehouse, models_in_order

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
UNITS = ["城关镇", "河西街道", "青山街道", "高新区"]


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp / 'profile'}", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report")
    warehouse = build_fixture_warehouse(root / "reports.duckdb")
    return write_report(warehouse, root / "out" / "report.html")


@pytest.fixture(scope="module")
def rendered(report: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[HTMLParser, Path]:
    """The DOM as Chromium built it, and a screenshot of the first 2000 pixels."""
    if not CHROMIUM.exists():
        pytest.skip("headless rendering needs /usr/bin/chromium (apt-get install chromium)")
    tmp = tmp_path_factory.mktemp("chromium")
    url = report.as_uri()
    dom = chromium(tmp, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    shot = tmp / "shot.png"
    run = chromium(tmp, f"--screenshot={shot}", "--window-size=1280,2000", url)
    assert run.returncode == 0, run.stderr[-2000:]
    return HTMLParser(dom.stdout), shot


def texts(tree: HTMLParser, selector: str) -> list[str]:
    return [node.text(strip=True) for node in tree.css(selector)]


def test_the_file_stands_alone(report: Path):
    html = report.read_text(encoding="utf-8")
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", html, re.I)  # inline script only (sorting, filtering)
    assert not re.search(r"\b(fetch|XMLHttpRequest|import)\s*\(|WebSocket|EventSource", html)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"\b(src|href)\s*=\s*\"(https?:)?//", html, re.I)
    assert not re.search(r"url\(", html, re.I)
    external = set(re.findall(r"https?://[^\s\"'<>)]+", html)) - {"http://www.w3.org/2000/svg"}
    assert external == set()


def test_compliance_matrix(rendered):
    tree, _ = rendered
    rows = tree.css("#compliance table.compliance tbody tr")
    assert len(rows) == 5
    by_unit = {}
    for row in rows:
        cells = [c.text(strip=True) for c in row.css("td")]
        by_unit[(cells[0], cells[1])] = cells
    assert by_unit[("城关镇", "2024")][2:7] == ["✓"] * 5 and by_unit[("城关镇", "2024")][7] == "5/5"
    assert by_unit[("河西街道", "2024")][2:7] == ["✓", "✗", "✓", "✓", "✗"]
    assert by_unit[("河西街道", "2024")][-1] == "未知"
    assert by_unit[("城关镇", "2024")][-1] == "逾期 14 天"
    assert by_unit[("青山街道", "2024")][-1] == "按时"


def test_a_chart_and_ranking_per_common_indicator(rendered):
    tree, _ = rendered
    blocks = {node.attributes["data-indicator"]: node for node in tree.css("#indicators .indicator")}
    assert {"dispute.resolution_rate", "dispute.resolved", "litigation.admin_cases", "study.sessions"} <= set(blocks)
    rate = blocks["dispute.resolution_rate"]
    assert len(rate.css("svg.bars rect.bar")) == 4
    labels = " ".join(texts(rate, "svg.bars text.label"))
    assert all(unit in labels for unit in UNITS)
    ranking = [[c.text(strip=True) for c in row.css("td")] for row in rate.css("table.ranking tbody tr")]
    assert [r[1] for r in ranking][0] == "高新区" and ranking[0][0] == "1/4"
    assert ranking[-1][1] == "河西街道" and ranking[-1][4] == "97.9%"
    # the same indicator in another measure is a chart of its own, never mixed in
    assert all("300" not in t for t in texts(blocks["dispute.resolved"], "svg.bars text.value"))


def test_plans_changes_themes_and_scorecard(rendered):
    tree, _ = rendered
    statuses = texts(tree, "#plans .status")
    assert {"达到", "未达到", "无数据"} <= set(statuses)
    changes = " ".join(texts(tree, "#changes tbody tr"))
    assert "城关镇" in changes and "+20" in changes and "2023→2024" in changes
    themes = {row.css_first("span.code").text(strip=True): row.css("td")[1].text(strip=True)
              for row in tree.css("#themes table.themes tbody tr")}
    assert themes["publicity"] == "3" and themes["legacy_issues"] == "1"
    assert "普法宣传" in " ".join(texts(tree, "#themes svg.bars text.label"))
    assert len(tree.css("#themes svg.bars rect.bar")) == len(themes)
    scorecard = texts(tree, "#scorecard tbody tr td:first-child")
    assert sorted(set(scorecard)) == sorted(UNITS)


def test_screenshot_shows_a_page(rendered):
    _, shot = rendered
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 50_000  # a blank or error page compresses to a few kilobytes
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(shot) as image:
        assert image.size == (1280, 2000)
        small = image.convert("RGB").resize((128, 200))
        colours = small.getcolors(maxcolors=1 << 16) or []
        assert len(colours) > 50
        non_white = sum(n for n, rgb in colours if sum(rgb) < 720)
        assert non_white > 0.05 * 128 * 200


def test_command_line_writes_where_the_settings_say(tmp_path: Path):
    warehouse = build_fixture_warehouse(tmp_path / "reports.duckdb")
    out = tmp_path / "custom.html"
    env = {**os.environ, "REPORTS_WAREHOUSE": str(warehouse)}
    run = subprocess.run([sys.executable, "-m", "orchestration.report", "--out", str(out)], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert out.exists() and "城关镇" in out.read_text(encoding="utf-8")
    missing = subprocess.run([sys.executable, "-m", "orchestration.report", "--warehouse",
                              str(tmp_path / "absent.duckdb"), "--out", str(out)], cwd=REPO,
                             capture_output=True, text=True, timeout=120, check=False)
    assert missing.returncode == 1 and "make run" in missing.stderr


def test_chromium_is_not_required_to_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", "")
    warehouse = build_fixture_warehouse(tmp_path / "reports.duckdb")
    out = write_report(warehouse, tmp_path / "r.html")
    assert out.stat().st_size > 10_000
    assert shutil.which("chromium") is None


def facts_of(warehouse: Path) -> list[dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute("select * from marts.report_facts")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_default_output_is_next_to_the_warehouse(tmp_path: Path):
    (tmp_path / "elsewhere").mkdir()
    warehouse = build_fixture_warehouse(tmp_path / "elsewhere" / "x.duckdb")
    env = {**os.environ, "REPORTS_WAREHOUSE": str(warehouse)}
    run = subprocess.run([sys.executable, "-m", "orchestration.report"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "elsewhere" / "report.html").exists()
    assert str(tmp_path / "elsewhere" / "report.html") in run.stdout
    assert write_report(warehouse) == tmp_path / "elsewhere" / "report.html"


def test_a_panel_per_unit_with_every_fact_its_evidence_marked(report: Path):
    tree = HTMLParser(report.read_text(encoding="utf-8"))
    warehouse = report.parent.parent / "reports.duckdb"
    panels = {node.attributes["data-unit"]: node for node in tree.css("#units section.unit")}
    assert set(UNITS) <= set(panels)
    facts = facts_of(warehouse)
    assert facts
    for fact in facts:
        row = tree.css_first(f"tr#fact-{fact['fact_id']}")
        assert row is not None, fact
        panel = panels[fact["unit_name"]]
        assert row in panel.css("table.facts tbody tr")
        cells = [c.text(strip=True) for c in row.css("td")]
        assert fact["evidence"] in cells  # the sentence, whole
        assert fact["source_file"] in cells
        mark = row.css_first("td.evidence mark")
        assert mark is not None, fact
        marked = mark.text(strip=True)
        none_words = {"未发生", "未", "无", "零", "没有"}
        assert re.search(r"\d", marked) or (fact["value"] == 0 and marked in none_words), marked
    # the reports of each unit with the parts present
    reports = panels["城关镇"].css("table.unit-reports tbody tr")
    assert len(reports) == 2 and all(len(r.css("td.yes, td.no")) >= 5 for r in reports)


def test_measure_words_in_chinese(report: Path):
    tree = HTMLParser(report.read_text(encoding="utf-8"))
    titles = texts(tree, "#indicators .indicator h3")
    assert titles and not any(re.search(r"\((item|event|person|person_time|percent|cny)\)", t) for t in titles)
    assert all(any(f"（{word}）" in t for t in titles) for word in ("件", "%", "次"))
    resolved = tree.css_first('#indicators .indicator[data-indicator="dispute.resolved"] table.ranking')
    assert "120件" in resolved.text() or "200件" in resolved.text()
    values = texts(tree, "table.facts tbody td:nth-child(5)")
    assert "86件" in values and "300人次" in values and "12次" in values


def test_a_ranked_number_leads_to_its_evidence_in_one_click(report: Path):
    tree = HTMLParser(report.read_text(encoding="utf-8"))
    links = tree.css("#indicators table.ranking tbody td a[href^='#fact-']")
    assert links and len(links) == len(tree.css("#indicators table.ranking tbody tr"))
    for link in links:
        target = tree.css_first(link.attributes["href"])
        assert target is not None and target.css_first("td.evidence mark") is not None
    bars = tree.css("#indicators svg.bars a[href^='#fact-']")
    assert bars  # a bar in a chart links there too


def test_trend_over_years_where_a_unit_has_several(report: Path):
    tree = HTMLParser(report.read_text(encoding="utf-8"))
    panel = next(n for n in tree.css("#units section.unit") if n.attributes["data-unit"] == "城关镇")
    trends = {f.attributes["data-indicator"]: f for f in panel.css(".trends figure")}
    assert "dispute.resolved" in trends
    years = texts(trends["dispute.resolved"], "svg.trend text.year")
    assert years == ["2023", "2024"]
    single = next(n for n in tree.css("#units section.unit") if n.attributes["data-unit"] == "河西街道")
    assert not single.css(".trends figure")


def test_tied_units_share_rank_and_percentile(tmp_path: Path):
    warehouse = build_fixture_warehouse(tmp_path / "tie.duckdb")
    with duckdb.connect(str(warehouse)) as con:  # 河西街道 joins 高新区 at the top of the 2024 rates
        con.execute("""update core.unit_indicator_value set value = 100.0
                       where unit_name = '河西街道' and indicator_code = 'dispute.resolution_rate'
                         and measure_code = 'percent' and kind = 'actual'""")
        for model in models_in_order():  # the comparison marts' ranks are tables: built again
            if model.stem in ("peer_rank", "latest_peer_rank"):
                run_model(con, model)
    out = write_report(warehouse, tmp_path / "r.html")
    tree = HTMLParser(out.read_text(encoding="utf-8"))
    block = tree.css_first('#indicators .indicator[data-indicator="dispute.resolution_rate"]')
    rows = {r[1]: r for r in ([c.text(strip=True) for c in tr.css("td")]
                              for tr in block.css("table.ranking tbody tr"))}
    assert rows["高新区"][0] == rows["河西街道"][0] == "1/4"
    assert rows["高新区"][6] == rows["河西街道"][6] == "100"  # never 百分位 0 beside rank 1
    assert rows["城关镇"][0] == rows["青山街道"][0] == "2/4"
    # the share of the other three not above them: each other (1 of 3)
    assert rows["城关镇"][6] == rows["青山街道"][6] == "33.3"


def overflow(report: Path, tmp: Path, width: int) -> tuple[int, int]:
    """The page's scrollWidth and innerWidth in a frame `width` pixels wide (Chromium's own
    window is at least 500 wide, so narrower widths are measured in a frame)."""
    frame = report.parent / f"frame-{width}.html"
    frame.write_text(
        f'<!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="{report.name}" '
        f'style="border:0;width:{width}px;height:1500px"></iframe><script>'
        'window.addEventListener("load", function () { var f = document.getElementById("f");'
        'var d = f.contentDocument; document.body.setAttribute("data-measure", d ?'
        ' d.documentElement.scrollWidth + "/" + f.contentWindow.innerWidth : "blocked"); });'
        "</script></body></html>", encoding="utf-8")
    run = chromium(tmp, "--allow-file-access-from-files", f"--window-size={width + 100},1600", "--dump-dom",
                   frame.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    found = re.search(r'data-measure="(\d+)/(\d+)"', run.stdout)
    assert found, run.stdout[-2000:]
    shot = tmp / f"shot-{width}.png"
    chromium(tmp, "--allow-file-access-from-files", f"--window-size={max(width + 100, 500)},2400",
             f"--screenshot={shot}", frame.as_uri())
    return int(found.group(1)), int(found.group(2))


@pytest.mark.parametrize("width", [1600, 420])
def test_no_page_wide_horizontal_overflow(report: Path, tmp_path: Path, width: int):
    if not CHROMIUM.exists():
        pytest.skip("headless rendering needs /usr/bin/chromium (apt-get install chromium)")
    scroll, inner = overflow(report, tmp_path, width)
    assert inner == width
    assert scroll <= inner, f"the page is {scroll}px wide in a {inner}px window"

"""The static HTML report: written from a fixture warehouse, rendered in headless Chromium, and
checked for what a person would see (the compliance matrix, a chart and ranking per common
indicator, plans, changes, themes) and for what it must not need (scripts, the network)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from orchestration.report import write_report
from tests.test_marts import build_fixture_warehouse

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
    assert "<script" not in html.lower()
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

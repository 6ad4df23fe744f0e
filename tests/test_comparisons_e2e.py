"""Fixture reports written for this test, run through the whole pipeline, answering the issue's
questions: peer ranking, year over year, plan against actual, compliance."""

from pathlib import Path

import duckdb
import pytest

from .conftest import build

# the same town over two years (a promise in 2023, its outcome in 2024), and three more units in 2024
REPORTS = {
    "qinghe_2023.txt": """清河县清河镇人民政府关于2023年度法治政府建设情况的报告
一、2023年度推进法治政府建设的主要举措和成效
全年排查矛盾纠纷200件，成功化解190件，化解率达95%。开展普法宣传活动30场。
二、存在的不足和原因
部分干部法治意识不强，普法宣传形式单一。
三、党政主要负责人履行推进法治建设第一责任人职责情况
镇党委书记主持召开法治建设专题会议3次。
四、2024年度推进法治政府建设的主要安排
力争矛盾纠纷化解率达到98%以上，计划开展普法宣传活动40场以上。
清河县清河镇人民政府
2024年2月20日
""",
    "qinghe_2024.txt": """清河县清河镇人民政府关于2024年度法治政府建设情况的报告
一、2024年度推进法治政府建设的主要举措和成效
全年排查矛盾纠纷220件，成功化解216件，化解率达98.2%。开展普法宣传活动36场。
二、存在的不足和原因
基层法治人才队伍力量薄弱，经费保障不足。
三、党政主要负责人履行推进法治建设第一责任人职责情况
镇党委书记主持召开法治建设专题会议4次。
四、2025年度推进法治政府建设的主要安排
持续深化矛盾纠纷多元化解。
五、其他需要报告的情况
无。
清河县清河镇人民政府
2025年3月10日
""",
    "baishui_2024.txt": """清河县白水镇人民政府关于2024年度法治政府建设情况的报告
一、2024年度推进法治政府建设的主要举措和成效
全年排查矛盾纠纷150件，成功化解141件，化解率达94%。开展普法宣传活动52场。
二、存在的不足和原因
执法人员数量不足。
三、2025年度推进法治政府建设的主要安排
加强执法队伍建设。
清河县白水镇人民政府
2025年5月6日
""",
    "donghu_2024.txt": """清河县东湖街道办事处关于2024年度法治政府建设情况的报告
一、2024年度推进法治政府建设的主要举措和成效
全年排查矛盾纠纷90件，成功化解89件，化解率达98.9%。开展普法宣传活动12场。
二、存在的不足和原因
普法宣传的针对性有待增强。
三、党政主要负责人履行推进法治建设第一责任人职责情况
街道党工委书记带头学法。
四、2025年度推进法治政府建设的主要安排
深化法治街道建设。
""",
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("comparisons")
    raw = root / "raw"
    raw.mkdir()
    for name, text in REPORTS.items():
        (raw / name).write_text(text, encoding="utf-8")
    wh = root / "wh" / "reports.duckdb"
    assert build(raw, wh).success
    return wh


def rows(wh: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_latest_resolution_rates_ranked_across_units(warehouse):
    got = rows(warehouse, """select unit_name, fact_year, value, rank, peer_count from marts.indicator_latest
                             where indicator_code = 'dispute.resolution_rate' and peer_scope = 'all'
                             order by rank""")
    assert got == [("东湖街道", 2024, 98.9, 1, 3), ("清河镇", 2024, 98.2, 2, 3), ("白水镇", 2024, 94.0, 3, 3)]


def test_peer_groups_by_level(warehouse):
    got = rows(warehouse, """select unit_name, peer_group, rank, peer_count from marts.indicator_latest
                             where indicator_code = 'dispute.resolution_rate' and peer_scope = 'unit_level'
                             order by peer_group, rank""")
    assert got == [("东湖街道", "街道", 1, 1), ("清河镇", "镇", 1, 2), ("白水镇", "镇", 2, 2)]


def test_year_over_year_for_the_unit_reporting_twice(warehouse):
    got = dict(((ind, measure), (prev, cur)) for ind, measure, prev, cur in rows(
        warehouse, """select indicator_code, measure_code, prev_value, value from marts.year_over_year
                      where unit_name = '清河镇'"""))
    assert got[("dispute.resolution_rate", "percent")] == (95.0, 98.2)
    assert got[("publicity.events", "event")] == (30.0, 36.0)


def test_plan_against_actual(warehouse):
    got = dict(((ind, year), status) for ind, year, status in rows(
        warehouse, """select indicator_code, target_year, status from marts.plan_vs_actual
                      where unit_name = '清河镇'"""))
    assert got[("dispute.resolution_rate", 2024)] == "met"  # promised ≥98%, reached 98.2%
    assert got[("publicity.events", 2024)] == "not met"  # promised ≥40, held 36


def test_compliance_and_timeliness(warehouse):
    got = {name: (parts, on_time) for name, parts, on_time in rows(
        warehouse, "select source_file, parts_present, on_time from marts.section_compliance")}
    assert got["qinghe_2024.txt"] == (5, True)  # signed 2025-03-10
    assert got["baishui_2024.txt"][1] is False  # signed 2025-05-06, after 1 April
    assert got["donghu_2024.txt"][1] is None  # no date known
    assert got["baishui_2024.txt"][0] == 3


def test_units_keep_one_identity_across_years(warehouse):
    got = rows(warehouse, "select unit_name, parent_name, report_count from core.dim_unit order by unit_name")
    assert ("清河镇", "清河县", 2) in got and len(got) == 3

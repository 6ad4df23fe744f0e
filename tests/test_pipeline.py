"""The whole graph, materialised in-process into a warehouse in a tmp folder."""

import shutil
import subprocess
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.definitions import defs

from .conftest import REPO, build


def counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [f"{s}.{t}" for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in ('core', 'stage')").fetchall()]
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in sorted(tables)}
    finally:
        con.close()


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"raw_report_files", "indicator_facts", "core/fact_indicator_value", "marts/report_facts",
            "published_warehouse"} <= keys


def test_all_assets_and_checks_succeed(built):
    _, warehouse, result = built
    assert result.success
    checks = result.get_asset_check_evaluations()
    assert checks and all(c.passed for c in checks), [c.check_name for c in checks if not c.passed]
    assert warehouse.exists()


def test_every_file_is_accounted_for(built):
    raw, warehouse, _ = built
    con = duckdb.connect(str(warehouse), read_only=True)
    status = dict(con.execute("select source_file, status from marts.file_status").fetchall())
    con.close()
    assert set(status) == {p.name for p in raw.iterdir()}
    assert set(status.values()) == {"loaded"}


def test_second_run_changes_nothing(built):
    raw, warehouse, _ = built
    before = counts(warehouse)
    assert build(raw, warehouse).success
    assert counts(warehouse) == before


def test_changed_and_bad_files(built, tmp_path):
    raw, warehouse, _ = built
    # a private warehouse so the module's build stays as it was
    wh = tmp_path / "wh" / "reports.duckdb"
    wh.parent.mkdir()
    shutil.copy(warehouse, wh)
    shutil.copy(warehouse.with_name(".reports.work.duckdb"), wh.with_name(".reports.work.duckdb"))
    folder = tmp_path / "raw"
    shutil.copytree(raw, folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.pdf").write_bytes(b"\x00\x01\x02 not a pdf at all" * 50)
    notice = "关于端午节放假的通知\n各单位：端午节放假一天，请做好值班安排。\n"
    (folder / "notice.txt").write_text(notice, encoding="utf-8")
    (folder / "2024").mkdir()
    shutil.copy(folder / "000_dcb9594d9dfb0db2.txt", folder / "2024" / "000_dcb9594d9dfb0db2.txt")
    first = (folder / "004_c32572a125d082e8.txt")
    first.write_text(first.read_text(encoding="utf-8").replace("成功化解372件", "成功化解371件"), encoding="utf-8")
    result = build(folder, wh)
    assert result.success
    shown = result.asset_materializations_for_node("report_documents")[0].metadata
    assert shown["files_quarantined"].value == 2
    assert "junk.pdf" in shown["quarantined"].value and "empty.txt" in shown["quarantined"].value
    con = duckdb.connect(str(wh), read_only=True)
    status = dict(con.execute("select source_file, status || coalesce(': ' || reason, '') from marts.file_status")
                  .fetchall())
    values = [v for (v,) in con.execute(
        "select value from marts.report_facts where source_file like '004%' and value in (371, 372)").fetchall()]
    con.close()
    assert len(status) == 9
    assert status["2024/000_dcb9594d9dfb0db2.txt"] == "loaded"  # same name in a subfolder: its own report
    assert status["empty.txt"].startswith("quarantined: ") and "empty" in status["empty.txt"]
    assert status["junk.pdf"].startswith("quarantined: ")
    assert status["notice.txt"].startswith("quarantined: ")
    assert values == [371]


def test_duckdb_cli_reads_the_published_file(built):
    _, warehouse, _ = built
    cli = REPO / ".venv" / "bin" / "duckdb"
    out = subprocess.run([str(cli), "-readonly", str(warehouse), "-csv", "-c",
                          "select count(*) > 0 from marts.report_facts"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "true"


def test_cli_reads_while_the_pipeline_writes(built, tmp_path):
    """A reader holding the published file open does not block a run, and keeps its snapshot."""
    raw, warehouse, _ = built
    reader = duckdb.connect(str(warehouse), read_only=True)
    try:
        before = reader.execute("select count(*) from marts.report_overview").fetchone()[0]
        assert build(raw, warehouse).success
        assert reader.execute("select count(*) from marts.report_overview").fetchone()[0] == before
    finally:
        reader.close()


def test_a_report_that_never_names_its_unit_is_loaded_without_one(tmp_path):
    """Only 我局 and no title or signature: kept with a NULL unit (never a guess), facts and all,
    listed by the unit check and left out of the cross-unit comparisons."""
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "anon.txt").write_text(
        "2024年度法治政府建设情况报告\n"
        "一、主要举措和成效\n我局全年办理行政复议案件12件，开展普法宣传活动8场。\n"
        "二、存在的不足和原因\n部分执法人员法治意识不强。\n"
        "三、下一年度工作安排\n继续加强执法队伍建设。\n",
        encoding="utf-8",
    )
    wh = tmp_path / "wh" / "reports.duckdb"
    result = build(folder, wh)
    assert result.success
    unit_check = [c for c in result.get_asset_check_evaluations() if c.check_name == "reports_have_unit"]
    assert unit_check and not unit_check[0].passed
    con = duckdb.connect(str(wh), read_only=True)
    overview = con.execute("select unit_name, report_year, has_achievements from marts.report_overview").fetchall()
    facts = con.execute("select count(*) from marts.report_facts where source_file = 'anon.txt'").fetchone()[0]
    compared = con.execute("select count(*) from marts.indicator_comparison").fetchone()[0]
    status = con.execute("select status from marts.file_status").fetchall()
    con.close()
    assert overview == [(None, 2024, True)]
    assert facts >= 2 and compared == 0 and status == [("loaded",)]


def test_small_batches_build_the_same_warehouse(built, tmp_path, monkeypatch):
    """Stages work through pending files in batches; the result does not depend on the batch size."""
    raw, warehouse, _ = built
    monkeypatch.setenv("REPORTS_BATCH_FILES", "2")
    wh = tmp_path / "wh" / "reports.duckdb"
    result = build(raw, wh)
    assert result.success
    shown = result.asset_materializations_for_node("normalized_text")[0].metadata
    assert shown["files_processed"].value == 5 and shown["rows_written"].value == 5
    assert counts(wh) == counts(warehouse)


def test_a_target_is_for_the_year_it_names(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "plan.txt").write_text(
        "青石镇2024年度法治政府建设情况报告\n"
        "一、主要举措和成效\n全年开展普法宣传活动15场。\n"
        "二、存在的不足和原因\n普法宣传形式单一。\n"
        "三、2025年工作安排\n计划开展普法宣传活动20场以上。到2026年底，力争法治宣传阵地覆盖率达到100%。\n",
        encoding="utf-8",
    )
    wh = tmp_path / "wh" / "reports.duckdb"
    assert build(folder, wh).success
    con = duckdb.connect(str(wh), read_only=True)
    rows = con.execute("select kind, value, fact_year from marts.report_facts order by kind, value").fetchall()
    con.close()
    assert rows == [("actual", 15.0, 2024), ("target", 20.0, 2025), ("target", 100.0, 2026)]

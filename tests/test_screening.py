import polars as pl

from transforms.screening import quarantine_reasons, report_cue_pattern


def _run(unit, year, text, parts=("achievements",)):
    reports = pl.DataFrame({"source_file": ["f"], "unit_name": [unit], "report_year": [year]},
                           schema={"source_file": pl.String, "unit_name": pl.String, "report_year": pl.Int32})
    docs = pl.DataFrame({"source_file": ["f"], "text": [text], "page_title": [None]},
                        schema={"source_file": pl.String, "text": pl.String, "page_title": pl.String})
    sections = pl.DataFrame({"source_file": ["f"] * len(parts), "section": list(parts)},
                            schema={"source_file": pl.String, "section": pl.String})
    return quarantine_reasons(reports, docs, sections)["reason"][0]


def test_a_report_with_unit_year_and_parts_passes():
    assert _run("清河镇", 2024, "清河镇2024年度法治政府建设情况报告\n一、主要举措和成效") is None


def test_a_report_without_parts_passes_on_its_wording():
    assert _run("清河镇", 2024, "清河镇2024年依法行政工作总结\n全年办理行政许可200件。", parts=()) is None


def test_a_notice_is_not_a_report():
    reason = _run("清河镇", 2024, "关于做好2024年端午节放假安排的通知\n各村、社区：端午节放假一天。", parts=())
    assert reason.startswith("not a report: none of the five standard parts")


def test_a_report_that_never_names_its_unit_is_kept():
    assert _run(None, 2024, "2024年度法治政府建设情况报告\n一、主要举措和成效\n我局全年办理案件12件。") is None


def test_missing_year_is_named():
    assert _run("清河镇", None, "清河镇法治政府建设情况报告") == "no report year found"
    assert _run(None, None, "法治政府建设情况报告").startswith("not a report: no reporting unit and no report year")


def test_cue_file_loads():
    assert "法治政府" in report_cue_pattern().split("|")

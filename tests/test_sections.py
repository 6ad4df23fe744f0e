"""Heading recognition on small texts written for the purpose (no report prose copied)."""

from __future__ import annotations

import polars as pl

from transforms.sections import split_sections


def run(text: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    return split_sections(pl.DataFrame({"source_file": ["t.txt"], "text": [text]}))


def found(text: str) -> dict[str, int]:
    sections, _ = run(text)
    return dict(zip(sections["section"], sections["level"], strict=True))


def check_spans(text: str, spans: pl.DataFrame) -> None:
    starts, ends = spans["span_start"].to_list(), spans["span_end"].to_list()
    assert starts[0] == 0 and ends[-1] == len(text)
    assert all(a == b for a, b in zip(ends, starts[1:], strict=False))


BODY = "本单位全年组织干部学习法律知识若干次，群众满意度有所提升。\n"


def test_chinese_numerals_all_five_parts():
    text = (
        "某镇人民政府关于2023年度法治政府建设情况的报告\n"
        + BODY
        + "一、2023年度推进法治政府建设的主要举措和成效\n"
        + BODY
        + "二、存在的不足和原因\n"
        + BODY
        + "三、党政主要负责人履行推进法治建设第一责任人职责情况\n"
        + BODY
        + "四、2024年度推进法治政府建设的主要安排\n"
        + BODY
        + "五、其他需要报告的情况\n"
        + BODY
    )
    assert found(text) == {
        "achievements": 1,
        "shortcomings": 1,
        "leadership_duty": 1,
        "next_year_plan": 1,
        "other": 1,
    }
    sections, spans = run(text)
    check_spans(text, spans)
    assert spans["section"].to_list() == [
        "preamble",
        "achievements",
        "shortcomings",
        "leadership_duty",
        "next_year_plan",
        "other",
    ]
    assert sections["heading"][0] == "一、2023年度推进法治政府建设的主要举措和成效"


def test_arabic_and_paren_numbering_and_part_words():
    text = "1.主要工作及成效\n" + BODY + "2、存在问题和不足\n" + BODY + "3.下一步工作打算\n" + BODY
    assert found(text) == {"achievements": 1, "shortcomings": 1, "next_year_plan": 1}
    text = "第一部分 工作开展情况\n" + BODY + "第二部分 存在的问题\n" + BODY + "第三部分 2024年工作计划\n" + BODY
    assert found(text) == {"achievements": 1, "shortcomings": 1, "next_year_plan": 1}
    text = "(一)主要措施\n" + BODY + "(二)存在的困难和问题\n" + BODY + "(三)下一年度工作安排\n" + BODY
    assert found(text) == {"achievements": 1, "shortcomings": 1, "next_year_plan": 1}


def test_unnumbered_heading_lines():
    text = "2023年法治建设主要工作及成效\n" + BODY + "存在的问题\n" + BODY + "2024年法治建设工作安排\n" + BODY
    assert found(text) == {"achievements": 1, "shortcomings": 1, "next_year_plan": 1}


def test_damaged_numerals():
    text = (
        "2023年法治建设主要工作及成效\n"
        + BODY
        + "(一)加强组织领导\n"
        + BODY
        + ")全面推行政务公开,打造阳光政府\n"
        + BODY
        + "、主要负责人履行职责情况\n"
        + BODY
        + "、存在的问题\n"
        + BODY
        + "2024年法治建设工作安排\n"
        + BODY
        + "()创新普法形式,增强教育实效\n"
        + BODY
    )
    sections, spans = run(text)
    assert dict(zip(sections["section"], sections["level"], strict=True)) == {
        "achievements": 1,
        "leadership_duty": 1,
        "shortcomings": 1,
        "next_year_plan": 1,
    }
    check_spans(text, spans)
    plan_start = text.index("2024年法治建设工作安排")
    assert spans.filter(pl.col("span_start") == plan_start)["span_end"][0] == len(text)


def test_sub_heading_inside_a_part_returns_to_parent():
    text = (
        "一、主要措施\n"
        "(一)深入学习法治理论\n"
        + BODY
        + "(二)党政主要负责人履行推进法治建设第一责任人职责\n"
        + BODY
        + "1.带头学法。"
        + BODY
        + "(三)完善重大决策程序\n"
        + BODY
        + "二、存在问题和不足\n"
        + BODY
    )
    sections, spans = run(text)
    lead = sections.filter(pl.col("section") == "leadership_duty").row(0, named=True)
    assert lead["level"] == 2
    assert lead["char_start"] == text.index("(二)")
    assert lead["char_end"] == text.index("(三)")
    assert spans["section"].to_list() == ["achievements", "leadership_duty", "achievements", "shortcomings"]
    check_spans(text, spans)


def test_reordered_parts_keep_document_order():
    text = (
        "一、2022年度党政主要负责人履行推进法治政府建设第一责任人职责,加强法治政府建设的有关情况。\n"
        + BODY
        + "二、2022年度推进法治政府建设的主要举措和成效。\n"
        + BODY
        + "三、2022年度推进法治政府建设存在的不足。\n"
        + BODY
        + "四、2023年度改进措施及工作计划\n"
        + BODY
    )
    sections, _ = run(text)
    assert sections["section"].to_list() == ["leadership_duty", "achievements", "shortcomings", "next_year_plan"]
    assert sections["section_no"].to_list() == [1, 2, 3, 4]


def test_cue_inside_body_sentence_is_no_heading():
    text = (
        "一、主要举措和成效\n"
        "全年认真落实党政主要负责人履行推进法治建设第一责任人职责，存在的问题及时整改。\n"
        "2.健全学法制度。按照年度工作计划组织学法，并落实党政主要负责人履行推进法治建设第一责任人职责。\n"
    )
    assert found(text) == {"achievements": 1}


def test_title_and_generic_sub_items_are_no_parts():
    text = (
        "某街道办事处关于2024年度法治政府建设情况的报告\n"
        + BODY
        + "一、工作开展情况\n(一)推进政务公开情况\n"
        + BODY
        + "(二)制定年度普法工作计划\n"
        + BODY
    )
    sections, spans = run(text)
    assert sections["section"].to_list() == ["achievements"]
    assert spans["section"].to_list() == ["preamble", "achievements"]


def test_combined_heading_counts_both_parts():
    text = "一、主要做法\n" + BODY + "二、存在的问题及下一步工作打算\n" + BODY
    assert set(found(text)) == {"achievements", "shortcomings", "next_year_plan"}


def test_no_heading_is_all_preamble_and_several_documents():
    docs = pl.DataFrame({"source_file": ["a", "b"], "text": [BODY * 2, "一、存在的问题\n" + BODY]})
    sections, spans = split_sections(docs)
    assert sections["source_file"].to_list() == ["b"]
    assert spans.filter(pl.col("source_file") == "a")["section"].to_list() == ["preamble"]
    assert spans.filter(pl.col("source_file") == "b")["section"].to_list() == ["shortcomings"]


def test_thematic_top_headings_report_the_achievements():
    text = (
        "某镇人民政府关于2022年度法治政府建设情况的报告\n"
        + BODY
        + "一、筑牢思想根基，凝聚依法行政共识\n"
        + BODY
        + "（一）健全学法机制\n"
        + BODY
        + "二、规范执法行为，提升基层治理水平\n"
        + BODY
        + "三、存在的问题\n"
        + BODY
    )
    sections, spans = run(text)
    assert sections["section"].to_list() == ["achievements", "shortcomings"]
    assert sections["heading"][0] == "一、筑牢思想根基，凝聚依法行政共识"
    check_spans(text, spans)
    # the thematic part runs to the next top-level heading, as any top part does
    assert spans["section"].to_list() == ["preamble", "achievements", "shortcomings"]


def test_thematic_fallback_only_when_no_heading_names_achievements():
    named = "一、主要举措和成效\n" + BODY + "二、抓好队伍建设，提升执法水平\n" + BODY
    assert found(named) == {"achievements": 1}
    # a thematic heading after the shortcomings or plan parts is no achievements part
    late = "一、存在的问题\n" + BODY + "二、聚焦重点任务，持续发力\n" + BODY
    assert found(late) == {"shortcomings": 1}
    # unnumbered lines never open it, nor do sub-items below the top numbering
    assert found("坚持依法行政\n" + BODY) == {}
    assert found("一、党政主要负责人履行第一责任人职责情况\n" + BODY + "（一）带头学法\n" + BODY) == {
        "leadership_duty": 1
    }


def test_more_wordings_of_shortcomings_plans_and_other():
    assert set(found("一、问题不足及改进措施\n" + BODY)) == {"shortcomings", "next_year_plan"}
    assert found("二、问题与不足\n" + BODY) == {"shortcomings": 1}
    assert found("二、面临的困难和挑战\n" + BODY) == {"shortcomings": 1}
    assert set(found("三、存在问题及整改措施\n" + BODY)) == {"shortcomings", "next_year_plan"}
    assert found("五、需要报告的其他情况\n" + BODY) == {"other": 1}
    assert found("三、下步工作思路\n" + BODY) == {"next_year_plan": 1}
    # helping people with their difficulties is no shortcoming
    assert found("一、主要举措和成效\n" + BODY + "（二）解决群众困难和问题\n" + BODY) == {"achievements": 1}


def test_one_heading_for_results_and_shortcomings():
    got = found("一、本年度推进法治政府建设主要举措、成效和不足\n" + BODY + "二、下一步工作打算\n" + BODY)
    assert {"achievements", "shortcomings", "next_year_plan"} <= set(got)
    # a shortcomings heading that names results only in passing keeps achievements out
    got = found("一、工作开展情况\n" + BODY + "二、存在的问题及取得成效的差距\n" + BODY)
    assert got.get("achievements") == 1 and "shortcomings" in got


def test_a_run_in_item_on_its_own_line_is_a_heading_by_its_first_sentence():
    duty = "一是主要领导高度重视，切实履行法治建设第一责任人职责。党委会定期研究法治工作，年内专题部署三次。\n"
    text = "某县2019年法治政府建设情况报告\n" + BODY + "一、工作成效\n" + duty + "二是深化改革。" + BODY
    assert found(text).get("leadership_duty") == 2
    # the item's own words name something else: a duty named later in the paragraph is no heading
    other = "一是坚持政治引领。认真落实党政主要负责人履行推进法治建设第一责任人职责，按期完成任务。\n"
    assert "leadership_duty" not in found(text.replace(duty, other))


def test_shortcomings_named_as_what_the_work_fell_short_in():
    text = "一、工作开展情况\n" + BODY + "二、工作中的不足\n" + BODY + "三、2024年工作计划\n" + BODY
    assert found(text) == {"achievements": 1, "shortcomings": 1, "next_year_plan": 1}


def test_a_paragraph_opening_with_a_short_sentence_is_a_run_in_heading():
    text = (
        "一、主要举措和成效\n（一）夯实法治基础\n"
        "压实法治建设第一责任人职责。街道主任带头讲法治课，年内主持专题会议研究法治工作。\n" + BODY
    )
    assert found(text) == {"achievements": 1, "leadership_duty": 2}
    # a long opening sentence, or one with a comma, is a body paragraph: no heading names the duty
    body = "街道党政主要负责人认真履行推进法治建设第一责任人职责并亲自部署重要工作。其余从略。\n"
    assert found("一、主要举措和成效\n" + body + BODY) == {"achievements": 1}
    assert found("一、主要举措和成效\n全年工作中，履行第一责任人职责。其余从略。\n") == {"achievements": 1}


def test_a_part_number_with_a_doubled_mark():
    text = "一,、法治建设第一责任人履职情况\n" + BODY + "二,、存在的问题\n" + BODY
    assert found(text) == {"leadership_duty": 1, "shortcomings": 1}


def test_a_run_in_item_inside_a_paragraph_is_a_heading_like_one_opening_its_line():
    text = (
        "一、主要举措和成效\n（一）加强组织领导。一是健全工作机制，成立领导小组。"
        "二是切实履行法治建设第一责任人职责。市长带头学法，主持研究法治工作。\n" + BODY
    )
    assert found(text) == {"achievements": 1, "leadership_duty": 2}
    # the duty named in an item's body, not its lead clause, is still no heading
    body = text.replace("二是切实履行法治建设第一责任人职责。", "二是坚持学法。落实第一责任人职责。")
    assert found(body) == {"achievements": 1}


def test_a_body_paragraph_on_the_leaders_duty_is_no_part_of_its_own():
    """Only a heading (or a run-in item's lead) names the leadership_duty part: a paragraph of the
    achievements whose first clause has the leaders doing their duty stays in the achievements."""
    head = "一、扛牢主体责任，夯实法治建设根基\n"
    duty = "局党政主要负责人严格履行法治建设第一责任人职责，将法治建设纳入全局重点工作。\n"
    assert found(head + duty + BODY + "二、存在的问题\n" + BODY) == {"achievements": 1, "shortcomings": 1}
    county = "县主要领导带头履行法治建设第一责任人职责，主持专题会议。\n"
    assert "leadership_duty" not in found(head + county + BODY)


def test_report_on_law_names_the_part_only_at_the_top():
    """述法 as a part of its own is the leaders' duty; an item on it under another part is not."""
    assert found("一、主要工作\n" + BODY + "二、领导干部述法工作\n" + BODY) == {
        "achievements": 1, "leadership_duty": 1}
    item = "一、主要工作\n（一）加强学法用法\n全年开展培训3次。四是打好“述法”基础牌。把第一责任人纳入述法对象。\n"
    assert found(item + BODY) == {"achievements": 1}


def test_what_needs_improving_names_the_shortcomings():
    assert found("一、主要做法\n" + BODY + "二、需要改进的方面\n" + BODY) == {"achievements": 1, "shortcomings": 1}

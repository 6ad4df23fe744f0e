"""Metadata fields on small texts written for the purpose, including every NULL case."""

from __future__ import annotations

import datetime as dt

import polars as pl

from transforms.metadata import extract_metadata, parse_unit

PARA = "本年度围绕依法行政开展了多项工作，干部群众的法治意识明显增强，各项任务基本完成。\n"


def meta(text: str, page_title: str | None = None, published: dt.date | None = None, sections=None) -> dict:
    docs = pl.DataFrame(
        {"source_file": ["t.txt"], "text": [text], "page_title": [page_title], "page_published_on": [published]},
        schema_overrides={"page_title": pl.String, "page_published_on": pl.Date},
    )
    return extract_metadata(docs, sections).row(0, named=True)


def test_title_line_gives_unit_parent_and_year():
    m = meta("吴川市某某街道办事处关于2024年度法治政府建设情况的报告\n2024年，" + PARA)
    assert m["unit_full_name"] == "吴川市某某街道办事处"
    assert m["unit_name"] == "某某街道"
    assert m["unit_level"] == "街道"
    assert m["parent_name"] == "吴川市"
    assert m["report_year"] == 2024


def test_two_issuers_take_the_government():
    m = meta("中共新县某某街道工作委员会 新县某某街道办事处 关于2022年度法治政府建设工作情况的报告\n" + PARA)
    assert m["unit_full_name"] == "新县某某街道办事处"
    assert m["parent_name"] == "新县"


def test_unit_before_year_and_odd_year_forms():
    m = meta("某某镇2023年法治政府建设工作报告\n" + PARA)
    assert (m["unit_full_name"], m["unit_name"], m["unit_level"], m["parent_name"]) == ("某某镇", "某某镇", "镇", None)
    assert m["report_year"] == 2023
    m = meta("某某山街道办事处2025度法治政府建设年度报告\n" + PARA)
    assert (m["unit_full_name"], m["unit_name"], m["report_year"]) == ("某某山街道办事处", "某某山街道", 2025)


def test_signature_gives_unit_and_date_when_no_title():
    text = (
        "2022年，" + PARA + "一、主要举措和成效\n" + PARA + "阳新县经济开发区管委会\n2023年3月2日\n扫一扫在手机上查看\n"
    )
    m = meta(text)
    assert m["unit_full_name"] == "阳新县经济开发区管委会"
    assert m["unit_name"] == "阳新经济开发区"
    assert m["unit_level"] == "开发区"
    assert m["parent_name"] == "阳新县"
    assert m["report_date"] == dt.date(2023, 3, 2)
    assert m["report_year"] == 2022  # the opening sentence, never the signature or publication year


def test_chinese_numeral_signature_date():
    m = meta("某某乡人民政府关于2022年度法治政府建设的报告\n" + PARA + "某某乡人民政府\n二〇二三年三月二日\n")
    assert m["report_date"] == dt.date(2023, 3, 2)
    assert m["unit_name"] == "某某乡"
    assert m["unit_level"] == "乡"


def test_no_signature_date_is_null():
    m = meta("某某镇2023年法治政府建设工作报告\n" + PARA + "扫一扫在手机打开当前页\n相关稿件\n")
    assert m["report_date"] is None
    assert m["published_on"] is None
    assert m["doc_number"] is None


def test_page_header_fields():
    text = (
        "名称 | 某某经济开发区管委会法治建设年度报告 | |\n"
        "索引号 | 0000/2023-00008 | 发布日期 | 2023-03-06 | 发布机构 | 县经济开发区管委会 |\n"
        "文号 | 文件分类 | 其他 |\n"
        "2022年，" + PARA
    )
    m = meta(text)
    assert m["published_on"] == dt.date(2023, 3, 6)
    assert m["doc_number"] is None  # the 文号 field is empty
    assert m["unit_full_name"] == "某某经济开发区管委会"
    assert m["unit_level"] == "开发区"
    assert m["report_year"] == 2022


def test_page_published_on_wins_and_page_title_is_last_resort():
    text = "2023年，我镇" + PARA
    m = meta(text, page_title="某某镇2023年法治政府建设情况报告_某县人民政府网", published=dt.date(2024, 2, 1))
    assert m["published_on"] == dt.date(2024, 2, 1)
    assert m["unit_full_name"] == "某某镇"
    assert m["report_year"] == 2023


def test_nothing_names_the_unit_is_null():
    m = meta("2023年，我局" + PARA + "一、主要工作\n" + PARA)
    assert m["unit_full_name"] is None and m["unit_name"] is None and m["unit_level"] is None
    assert m["parent_name"] is None
    assert m["place_candidates"] == 0


def test_doc_number_brackets_are_normalised():
    m = meta("中共某某街道工作委员会文件\n某文[2023]5号\n某某街道办事处关于2022年度法治政府建设工作情况的报告\n" + PARA)
    assert m["doc_number"] == "某文〔2023〕5号"
    m = meta("某文〔2024〕12号\n某某镇人民政府关于2023年度法治政府建设情况的报告\n" + PARA)
    assert m["doc_number"] == "某文〔2024〕12号"


def test_year_from_headings_when_title_has_none():
    sections = pl.DataFrame(
        {
            "source_file": ["t.txt"],
            "section_no": [1],
            "section": ["next_year_plan"],
            "heading": ["三、2025年工作计划"],
            "level": [1],
            "char_start": [0],
            "char_end": [1],
        }
    )
    m = meta("某某镇法治政府建设情况报告\n本镇" + PARA, sections=sections)
    assert m["report_year"] == 2024


def test_unit_names_and_levels():
    assert parse_unit("区司法局").short == "司法局"
    assert parse_unit("区司法局").level == "部门"
    assert parse_unit("黄石市教育局").parents == ("黄石市",)
    assert parse_unit("天津市静海区人民政府").short == "静海区"
    assert parse_unit("天津市静海区人民政府").level == "区"
    assert parse_unit("某某县人民政府").level == "县"
    assert parse_unit("湖南省人民政府").level == "省"
    assert parse_unit("我镇全年开展了工作") is None


def test_inline_header_fields_give_publication_date_and_parent():
    text = "某某乡2024年法治政府建设情况报告\n发布时间:2025-04-11 16:33 信息来源:辰溪县某某乡\n2024年，" + PARA
    m = meta(text)
    assert m["published_on"] == dt.date(2025, 4, 11)
    assert (m["unit_name"], m["parent_name"]) == ("某某乡", "辰溪县")
    assert m["report_year"] == 2024


def test_tab_separated_header_and_title_glued_to_a_header_line():
    text = "名称\t某某开发区管委会法治建设年度报告\n索引号\t0001\t发布日期\t2023-03-06\n2022年，" + PARA
    assert meta(text)["published_on"] == dt.date(2023, 3, 6)
    text = "签发人：张三 李四中共某某镇委员会 某某镇人民政府 关于2022年度法治政府建设工作情况的报告\n" + PARA
    m = meta(text)
    assert (m["unit_full_name"], m["unit_level"], m["report_year"]) == ("某某镇人民政府", "镇", 2022)

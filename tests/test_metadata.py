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
    assert m["unit_full_name"] is None and m["unit_name"] is None
    assert m["parent_name"] is None
    assert m["place_candidates"] == 0
    # the level it calls itself by is still known: 我局 is a department
    assert m["unit_level"] == "部门"
    assert meta("2022年，" + PARA + "现我乡2022年法治政府建设情况报告如下。全乡干部参加学法。\n")["unit_level"] == "乡"
    assert meta("2023年，" + PARA)["unit_level"] is None


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


def test_a_date_key_run_into_its_date_after_other_fields_of_the_row():
    for row in ("来源：某某县司法局 作者：发布时间2025年09月05日 点击数：",
                "来源:某某县司法局 作者: 发布时间 2025年09月05日 点击数:"):
        m = meta("某某县2023年度法治政府建设工作报告\n" + row + "\n2023年，" + PARA)
        assert m["published_on"] == dt.date(2025, 9, 5)
    # a short key run into a date, or a key with hanzi before it, is no field
    for row in ("来源：某某县司法局 作者：时间2025年09月05日", "来源：某某县司法局 本次发布时间2025年09月05日"):
        assert meta("某某县2023年度法治政府建设工作报告\n" + row + "\n2023年，" + PARA)["published_on"] is None


def test_tab_separated_header_and_title_glued_to_a_header_line():
    text = "名称\t某某开发区管委会法治建设年度报告\n索引号\t0001\t发布日期\t2023-03-06\n2022年，" + PARA
    assert meta(text)["published_on"] == dt.date(2023, 3, 6)
    text = "签发人：张三 李四中共某某镇委员会 某某镇人民政府 关于2022年度法治政府建设工作情况的报告\n" + PARA
    m = meta(text)
    assert (m["unit_full_name"], m["unit_level"], m["report_year"]) == ("某某镇人民政府", "镇", 2022)


def test_bracketed_and_spaced_header_keys():
    text = (
        "[ 索引号 ] 000/2026-00001 [ 发文字号 ]\n"
        "[ 发布机构 ] 新县某某乡人民政府 [ 有效性 ]\n"
        "[ 成文日期 ] 2026-01-20 [ 发布日期 ] 2026-02-11\n"
        "文  号：\n"
        "2025年，" + PARA
    )
    m = meta(text)
    assert m["published_on"] == dt.date(2026, 2, 11)  # never the 成文日期
    assert m["doc_number"] is None
    assert (m["unit_name"], m["unit_level"], m["parent_name"]) == ("某某乡", "乡", "新县")


def test_other_publication_labels_and_an_unlabelled_stamp():
    m = meta("某某市人民政府关于2019年度法治政府建设情况的报告\n时间:2020-04-02  浏览次数:\n2019年，" + PARA)
    assert m["published_on"] == dt.date(2020, 4, 2)
    m = meta("某某开发区管委会2021年度法治政府建设工作报告\n发布于:2022-01-09 10:11:12\n2021年，" + PARA)
    assert m["published_on"] == dt.date(2022, 1, 9)
    m = meta("某某区2018年法治政府建设情况报告\n文章来源:某局更新时间:2019/03/20 08:00:00\n2018年，" + PARA)
    assert m["published_on"] == dt.date(2019, 3, 20)
    m = meta("某某省人民政府2022年度法治政府建设工作情况\n  • 2023年04月01日 10时05分\n  • 来源: 某厅\n" + PARA)
    assert m["published_on"] == dt.date(2023, 4, 1)
    m = meta("今天是:2019年10月31日 星期三\n某某区2018年法治政府建设情况报告\n2018年，" + PARA)
    assert m["published_on"] is None  # a clock on the page is no publication date


def test_breadcrumbs_and_field_rows_are_no_title():
    text = "您当前所在位置：首页>政务公开>法治政府建设报告>乡镇\n新县某某乡人民政府2025年法治政府建设情况报告\n" + PARA
    m = meta(text)
    assert (m["unit_name"], m["parent_name"], m["report_year"]) == ("某某乡", "新县", 2025)
    text = "索引号：0001 公开目录：法治政府情况报告 发布机构：某某州人民政府办公室\n"
    text += "某某州2021年度法治政府建设情况报告\n" + PARA
    m = meta(text)
    assert (m["unit_name"], m["unit_level"], m["report_year"]) == ("某某州", "市", 2021)


def test_titles_without_the_word_report():
    m = meta("某某省人民政府2022年度法治政府建设工作情况\n" + PARA)
    assert (m["unit_name"], m["unit_level"], m["report_year"]) == ("某某省", "省", 2022)
    m = meta("某某镇人民政府\n2025年法治政府建设情况\n" + PARA)
    assert (m["unit_full_name"], m["unit_name"], m["report_year"]) == ("某某镇人民政府", "某某镇", 2025)


def test_title_glued_to_the_body():
    text = "某某网每日更新www.example.com某某省人民政府关于2023年度法治政府建设情况的报告2023年，省政府" + PARA.strip()
    m = meta(text)
    assert (m["unit_name"], m["unit_level"], m["report_year"]) == ("某某省", "省", 2023)


def test_opening_sentence_names_the_unit_as_last_resort():
    m = meta("县委、县政府：\n2025年，某某乡法治政府建设工作在县委的领导下稳步推进，" + PARA)
    assert (m["unit_name"], m["unit_level"]) == ("某某乡", "乡")
    m = meta("2024年，黄石市司法局坚持依法行政，" + PARA)
    assert (m["unit_full_name"], m["unit_name"], m["unit_level"], m["parent_name"]) == (
        "黄石市司法局",
        "司法局",
        "部门",
        "黄石市",
    )
    m = meta("2021年度，在区委、区政府的领导下，某某街道深入推进依法行政，" + PARA)
    assert (m["unit_name"], m["unit_level"]) == ("某某街道", "街道")
    m = meta("2023年，市市场监管局在市委市政府领导下，" + PARA)
    assert (m["unit_name"], m["unit_level"]) == ("市场监管局", "部门")


def test_opening_sentence_without_a_name_stays_null():
    openings = ("2023年，我局坚持依法行政，", "2021年来，街道按照上级要求，", "2022年，县委县政府坚持依法行政，")
    openings += ("2022年，全县法治建设稳步推进，", "2023年，省政府坚持依法行政，")
    openings += ("2022年，在县委领导下，我镇坚持依法行政，",)
    for opening in openings:
        m = meta(opening + PARA)
        assert m["unit_name"] is None, opening


def test_parent_from_addressee_and_from_a_header_line():
    m = meta("中共吴川市委、吴川市人民政府：\n2024年，大山江街道坚持依法行政，" + PARA)
    assert (m["unit_name"], m["parent_name"]) == ("大山江街道", "吴川市")
    m = meta("吴川市人民政府：\n2024年，市司法局坚持依法行政，" + PARA)
    assert (m["unit_name"], m["parent_name"]) == ("司法局", "吴川市")
    m = meta("新县人民政府：\n2024年，大山江街道坚持依法行政，" + PARA)
    assert m["parent_name"] is None  # no 大山江街道 under 新县: the addressee is no parent
    m = meta("天津市静海区人民政府 2019年12月3日星期二\n静海区2023年度法治政府建设情况报告\n2023年，" + PARA)
    assert (m["unit_name"], m["parent_name"]) == ("静海区", "天津市")


def test_opening_keeps_adverbial_clauses_whole_and_accepts_one_character_counties():
    m = meta("2023年，在区委、区政府的领导和区司法局的指导下，黄石市教育局深入推进依法行政，" + PARA)
    assert (m["unit_name"], m["parent_name"]) == ("教育局", "黄石市")  # never 政府的领导和区司法局
    m = meta("2024年，在市委、市政府和县委的领导下，新县人民政府坚持依法行政，" + PARA)
    assert (m["unit_full_name"], m["unit_name"], m["unit_level"]) == ("新县人民政府", "新县", "县")


def test_a_bare_level_word_is_no_unit():
    assert parse_unit("街道") is None and parse_unit("镇政府") is None and parse_unit("办事处") is None
    m = meta("2024年，在区委领导下，某某街道深入推进依法行政，" + PARA + "（三）加强\n街道\n")
    assert m["unit_name"] == "某某街道"


def test_widely_spaced_keys_a_bare_date_label_and_a_listed_doc_number():
    text = (
        "文       号：\n"
        "发文机构：中共某某市某某区委全面依法治区委员会办公室\n"
        "发文日期：2025-03-02\n"
        "名       称：某某区人民政府关于2024年度法治政府建设情况的报告\n"
        "某某区人民政府关于2024年度法治政府建设情况的报告\n"
        "日期：2025-03-09 10:20 来源：区司法局\n"
        "2024年，" + PARA
    )
    m = meta(text)
    assert (m["unit_name"], m["unit_level"]) == ("某某区", "区")  # the 名称 field is no title line
    assert m["published_on"] == dt.date(2025, 3, 9)  # 日期 alone, never the 发文日期 before it
    assert m["doc_number"] is None
    listed = "- [ 索引号 ] 0001/2026-00002\n- [ 发文字号 ] 某委文〔2026〕7号\n某某乡2025年法治政府建设情况报告\n" + PARA
    assert meta(listed)["doc_number"] == "某委文〔2026〕7号"


def test_party_prefix_before_the_parent_of_a_header_line():
    text = (
        "发文机构：中共武汉市某某区委依法治区办公室\n某某区人民政府关于2024年度法治政府建设情况的报告\n2024年，" + PARA
    )
    assert meta(text)["parent_name"] == "武汉市"


def test_a_party_group_of_a_department_reports_for_it():
    m = meta("中共青岛市某某局党组\n2022年度法治政府建设报告\n2022年，" + PARA)
    assert (m["unit_full_name"], m["unit_name"], m["unit_level"], m["parent_name"]) == (
        "青岛市某某局",
        "某某局",
        "部门",
        "青岛市",
    )


def test_government_of_the_parent_and_a_zone_before_the_unit():
    u = parse_unit("鲤城区人民政府某某街道办事处")
    assert (u.short, u.level, u.parents) == ("某某街道", "街道", ("鲤城区",))
    u = parse_unit("高新区某某局")
    assert (u.full, u.short, u.level) == ("高新区某某局", "某某局", "部门")
    assert parse_unit("经开区财政局").short == "财政局"


def test_covering_letter_signature_dates_the_report():
    text = (
        "某某省某某委关于2023年度法治政府建设情况的报告\n某卫〔2024〕3号\n省委、省政府：\n"
        "根据有关规定，现呈送我委2023年度法治政府建设情况报告，请审阅。\n"
        "某某省某某委\n2024年3月8日\n"
        "某某省某某委2023年度法治政府建设情况报告\n" + PARA + "一、主要情况\n" + PARA
    )
    m = meta(text)
    assert m["report_date"] == dt.date(2024, 3, 8)
    assert m["doc_number"] == "某卫〔2024〕3号"
    # a date in the body before the first part is no signature
    assert meta("某某镇2023年法治政府建设报告\n" + PARA + "2024年1月5日\n一、主要举措\n" + PARA)["report_date"] is None


def test_opening_subject_outranks_the_page_publisher():
    # a justice department's portal carries the province's report; the title names no unit
    text = (
        "发布机构 | 某某省司法厅 | 发布日期 | 2020-04-10\n"
        "关于2019年度全省法治政府建设工作情况的报告\n"
        "2019年，湖南省坚持依法行政，统筹推进各项改革，较好完成了年度法治政府建设任务。\n"
        "一、工作成效\n" + PARA
    )
    m = meta(text)
    assert (m["unit_name"], m["unit_level"], m["report_year"]) == ("湖南省", "省", 2019)
    assert m["published_on"] == dt.date(2020, 4, 10)
    # the publisher still stands when the opening names no unit ("我局")
    mine = text.replace("湖南省坚持", "我厅坚持").replace("某某省司法厅", "湖南省司法厅")
    assert meta(mine)["unit_name"] == "司法厅"


def test_a_report_that_only_says_we_is_the_division_it_keeps_naming():
    text = (
        "省政府、市委：\n2019年，我市紧紧围绕中心工作推进依法行政，各项工作取得新进展。\n"
        "一、依法全面履行政府职能\n市政府印发了《岳阳市行政审批改革方案》，又制定《岳阳市权责清单管理办法》，"
        "对照湖南省的要求逐项落实。\n"
    )
    m = meta(text)
    assert (m["unit_name"], m["unit_level"]) == ("岳阳市", "市")
    # named once is enough when nothing else of that level is named; two named equally often: no unit
    assert meta(text.replace("又制定《岳阳市", "又制定《"))["unit_name"] == "岳阳市"
    assert meta(text.replace("又制定《岳阳市", "又制定《常德市"))["unit_name"] is None
    # the government as a sentence's subject is a self-reference too
    own = text.replace("我市紧紧", "市政府紧紧")
    assert (meta(own)["unit_name"], meta(own)["unit_level"]) == ("岳阳市", "市")
    assert meta("2024年，省政府坚持依法行政，建成湖南省法治人才库。\n" + PARA)["unit_name"] == "湖南省"
    # without any self-reference ("我市", "市委、市政府") the names stay mere mentions
    assert meta(text.replace("我市", "各地"))["unit_name"] is None


def test_county_of_an_autonomous_prefecture_under_their_short_names():
    text = (
        "中共楚雄州委、楚雄州人民政府：\n"
        "2024年，县委、县政府坚持依法行政，扎实推进法治政府建设，现将有关情况报告如下。\n"
        "一、主要做法和成效\n印发《武定县法治政府建设工作要点》《武定县行政执法监督办法》等文件。\n"
    )
    m = meta(text)
    assert (m["unit_name"], m["unit_level"], m["parent_name"]) == ("武定县", "县", "楚雄州")


def test_a_banner_above_the_title_is_page_chrome():
    text = (
        "坚持以人民为中心，奋力谱写新时代高质量发展新篇章，为建设现代化城市而不懈奋斗。\n"
        "工作动态\n"
        "某某市人民政府关于2025年法治政府建设情况的报告\n"
        "时间：2026-03-02　来源：市司法局\n"
        "2025年，某某市坚持依法行政，推进法治政府建设取得新成效。\n一、主要举措\n" + PARA
    )
    m = meta(text)
    assert m["published_on"] == dt.date(2026, 3, 2)
    assert m["report_year"] == 2025


def test_a_new_area_is_a_zone_unless_it_is_a_district():
    assert parse_unit("东莞滨海湾新区").level == "开发区"
    assert (parse_unit("东莞滨海湾新区").short, parse_unit("东莞滨海湾新区").parents) == ("滨海湾新区", ("东莞市",))
    assert parse_unit("上海市浦东新区").level == "区"


def test_a_distribution_footer_under_the_signature_is_no_signature():
    text = (
        "2023年度法治政府建设工作报告\n" + PARA * 3 + "\n青山镇人民政府\n二〇二四年二月六日\n（此件公开发布）\n"
        "抄送：县委办公室，县人大常委会办公室，县政府办公室，县政协办公室，县委依法治县办，县司法局。\n"
        "青山镇党政综合办公室　　　　2024年2月7日印发\n"
    )
    m = meta(text)
    assert (m["unit_name"], m["report_date"]) == ("青山镇", dt.date(2024, 2, 6))


def test_a_town_that_only_says_we_is_the_town_it_keeps_naming():
    text = (
        "2023年法治政府建设工作总结\n今年以来，我镇认真落实上级部署，推进依法行政。\n"
        "黄桥乡司法所协助我镇审查合同。我镇干部参加培训。\n大瑶镇综治中心运行良好，大瑶镇各村完成村规民约修订。\n"
    )
    assert (meta(text)["unit_name"], meta(text)["unit_level"]) == ("大瑶镇", "镇")
    # a town named once is still the town; two towns named once each tie: no unit
    assert meta(text.replace("大瑶镇各村", "各村"))["unit_name"] == "大瑶镇"
    assert meta(text.replace("大瑶镇各村", "青山镇各村"))["unit_name"] is None
    # 本镇 and 全镇 are self-references as much as 我镇
    assert meta(text.replace("我镇", "本镇"))["unit_name"] == "大瑶镇"
    assert meta(text.replace("我镇", "全镇"))["unit_name"] == "大瑶镇"


def test_the_parent_a_town_report_names_anywhere():
    text = (
        "2023年法治政府建设工作总结\n2023年，我镇按照浏阳市法治政府建设的要求，推进依法行政。\n"
        "大瑶镇综治中心运行良好，全镇各村完成村规民约修订。\n"
    )
    m = meta(text)
    assert (m["unit_name"], m["parent_name"]) == ("大瑶镇", "浏阳市")
    # a county that holds no town of that name is no parent
    assert meta(text.replace("浏阳市", "仪征市"))["parent_name"] is None


def test_a_year_the_opening_writes_without_nian():
    opening = "我镇在县委、县政府的坚强领导下坚持依法行政，扎实推进法治建设。\n"
    assert meta("2023来，" + opening + "一、所做工作\n" + PARA)["report_year"] == 2023
    assert meta("2023以来，" + opening + PARA)["report_year"] == 2023


def test_a_report_with_no_dated_title_or_opening_takes_the_year_its_text_names_most():
    body = (
        "一、工作开展情况\n党工委把法治建设列入年度要点，2021年召开学法会12次，全年审查合同30件。\n"
        "按照《法治政府建设实施纲要（2021—2025年）》，2021年完成权责清单调整。\n二、下一步打算\n2022年继续推进。\n"
    )
    assert meta(body)["report_year"] == 2021
    # years only inside a 《title》 count when nothing else names one
    assert meta("一、工作开展情况\n纳入《2021年某某区重点工作责任清单》统筹推进。\n" + PARA)["report_year"] == 2021
    # no year at all: the signing date says which year was reported on
    signed = "一、工作开展情况\n" + PARA * 3 + "\n某某镇人民政府\n2024年2月6日\n"
    assert meta(signed)["report_year"] == 2023
    assert meta(signed.replace("2024年2月6日", "2024年12月6日"))["report_year"] == 2024


def test_a_portals_date_of_writing_is_the_signing_date():
    text = (
        "名  称：某某区2021年法治政府建设报告\n发布机构：某某区人民政府\n主题分类：综合政务，政务公开\n"
        "成文日期：2022-04-02\n发文日期：2022-04-24\n2021年，某某区坚持依法行政。\n" + PARA
    )
    m = meta(text)
    assert (m["report_date"], m["published_on"], m["report_year"]) == (dt.date(2022, 4, 2), None, 2021)


def test_a_dashed_date_alone_under_the_title_dates_the_page():
    text = "长河街道2024年法治政府建设年度报告\n2025-01-09\n" + PARA * 2 + "\n长河街道办事处\n2025年1月6日\n"
    m = meta(text)
    assert (m["published_on"], m["report_date"]) == (dt.date(2025, 1, 9), dt.date(2025, 1, 6))


def test_the_opening_subject_may_stand_in_the_second_sentence():
    text = "2024年是推进基层治理的关键之年。长河街道始终坚持依法行政，扎实推进各项工作。\n" + PARA
    assert meta(text)["unit_name"] == "长河街道"
    assert meta("2024年是关键之年。街道坚持依法行政。\n" + PARA)["unit_name"] is None


def test_the_issuer_on_its_own_line_under_a_title_that_names_no_unit():
    body = "2022年，县政府坚持依法行政，全面落实实施纲要，统筹推进各项工作取得新成效。\n一、主要举措\n" + PARA
    title = "2022年度法治政府建设情况报告\n"
    for head in (title + "赵县人民政府\n", title + "发布时间：2023-03-15\n赵县人民政府\n"):
        assert (meta(head + body)["unit_name"], meta(head + body)["unit_level"]) == ("赵县", "县")
    # an addressee line is no issuer
    assert meta(title + "县委、县政府：\n" + body)["unit_name"] is None


def test_streets_written_without_dao_and_places_that_only_look_like_units():
    assert (parse_unit("广州市白云区鹤龙街").short, parse_unit("广州市白云区鹤龙街").level) == ("鹤龙街", "街道")
    assert parse_unit("中山路步行街") is None and parse_unit("解放大街") is None


def test_a_key_run_into_its_value_and_the_publishers_parent():
    text = (
        "新华乡2025年法治政府建设情况报告\n发布日期2026-01-27\n发布机构屏边县新华乡人民政府\n"
        "2025年，新华乡坚持依法行政，扎实推进法治政府建设，各项工作取得新成效。\n一、主要举措\n" + PARA
    )
    m = meta(text)
    assert (m["unit_name"], m["parent_name"], m["published_on"]) == ("新华乡", "屏边县", dt.date(2026, 1, 27))


def test_a_bureau_that_says_we_and_the_whole_city_is_not_the_city():
    text = (
        "一、2023年总体情况\n2023年，我局坚持依法行政，全市生态环境质量持续改善，某某市成功入选试点城市。\n"
        "局党组专题研究法治工作，我局全年办理行政处罚案件。\n"
    )
    assert meta(text)["unit_name"] is None


def test_signature_dates_written_with_dots_dashes_or_a_seal_note_and_a_footer_publication_date():
    head = "2024年度法治政府建设工作报告\n2024年，" + PARA * 3
    for tail, date in (
        ("某某县交通运输局\n2025.1.16\n", dt.date(2025, 1, 16)),
        ("某某乡人民政府\n2024-01-06\n", dt.date(2024, 1, 6)),
        ("某某街道办事处\n2025年1月8日（盖章）\n", dt.date(2025, 1, 8)),
    ):
        assert meta(head + tail)["report_date"] == date
    footer = "某某县人民政府\n2025年1月20日\n来源：某某县司法局    发布日期：2025年2月12日\n"
    m = meta(head + footer)
    assert (m["report_date"], m["published_on"]) == (dt.date(2025, 1, 20), dt.date(2025, 2, 12))


def test_zones_named_by_the_generic_word_alone_and_experimental_zones():
    text = "经济开发区2024年度法治政府建设情况报告\n2024年宁河经济开发区在区委、区政府的领导下，坚持依法行政。\n" + PARA
    assert (meta(text)["unit_name"], meta(text)["unit_level"]) == ("宁河经济开发区", "开发区")
    assert parse_unit("郑州航空港经济综合实验区管委会").level == "开发区"


def test_a_title_over_three_lines_and_the_parent_of_a_county_level_city():
    text = (
        "中共某某区工作委员会\n郑州航空港经济综合实验区管委会\n关于航空港经济综合实验区2022年度\n法治政府建设情况的报告\n"
        "中共河南省委：\n2022年，实验区坚持依法行政。\n" + PARA
    )
    assert (meta(text)["unit_level"], meta(text)["report_year"]) == ("开发区", 2022)
    city = "2022年，文山市在州委、州政府的领导下，落实中共文山州委的部署，坚持依法行政，推进法治建设。\n" + PARA
    assert (meta(city)["unit_name"], meta(city)["parent_name"]) == ("文山市", "文山州")


def test_the_metadata_package_counts_whole_in_its_stage_version(tmp_path):
    """Every module of the package is in the stage's closure, and the data files any of them names
    (unit_names.yaml) move the metadata stage's version and not the normalize stage's."""
    import shutil

    from orchestration.resources import TRANSFORMS, code_version, module_closure

    closure = {p.relative_to(TRANSFORMS).as_posix() for p in module_closure(["metadata"])}
    package = {p.relative_to(TRANSFORMS).as_posix() for p in (TRANSFORMS / "metadata").glob("*.py")}
    assert package <= closure and "places.py" in closure and "rules.py" in closure
    root = tmp_path / "transforms"
    shutil.copytree(TRANSFORMS, root, ignore=shutil.ignore_patterns("__pycache__"))

    def versions() -> tuple[str, str]:
        return code_version(["normalize"], "", root), code_version(["metadata", "screening"], "", root)

    norm, meta = versions()
    with (root / "data" / "unit_names.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n# an analyst's edit\n")
    assert versions()[0] == norm and versions()[1] != meta
    _, meta = versions()
    (root / "data" / "metadata_trust_unit.csv").write_text("rule_id,source,priority\n", encoding="utf-8")
    assert versions()[0] == norm and versions()[1] != meta
    _, meta = versions()
    (root / "metadata" / "years.py").write_text("# edited\n", encoding="utf-8")
    assert versions()[0] == norm and versions()[1] != meta


def test_self_named_unit_finds_the_longest_division_names():
    """The look-back for a division name before its level word is the table's longest name, a bound:
    镇沅彝族哈尼族拉祜族自治县 (13 characters) was cut off by the old window of 12."""
    from transforms.metadata.subjects import self_named_unit

    text = ("一、主要工作\n我县坚持依法行政，全县干部群众法治意识增强。"
            "落实《镇沅彝族哈尼族拉祜族自治县法治政府建设实施方案》。")
    unit = self_named_unit(text)
    assert unit is not None and unit.short == "镇沅彝族哈尼族拉祜族自治县"


def test_unit_with_a_second_name_in_brackets_keeps_both():
    # one government under two names (a zone run together with a district): the bracket is part of the name
    m = meta("经开区(东城区)人民政府2024年法治政府建设工作报告\n2024年，" + PARA)
    assert m["unit_name"] == "经开区(东城区)"
    assert m["unit_level"] == "区"
    # a bracket holding no unit name of the same level is no second name
    assert parse_unit("某某县(试行)人民政府") is None


def test_a_zone_saying_we_and_a_department_opening_with_to():
    """A report saying only 我区 that cites plans as <stem>经开区 is that zone (META-SELF-NAMED-ZONE; the stem may be
    shared by a city and a county); a department opening its report with 对 is the subject (META-OPENING-FOLLOW)."""
    zone = ("2022年以来，我区坚持依法行政，扎实推进各项工作。\n一、主要工作\n"
            "制定《南昌经开区法治政府建设实施方案》，经开区干部法治意识明显增强。\n" + PARA)
    assert (meta(zone)["unit_name"], meta(zone)["unit_level"]) == ("南昌经开区", "开发区")
    district = zone.replace("南昌经开区", "法治政府建设")
    assert meta(district)["unit_name"] is None
    dept = ("按照市委依法治市办相关工作安排，市发展改革委对2022年推进法治政府建设进展情况进行了认真总结。\n"
            "一、主要工作\n" + PARA)
    assert (meta(dept)["unit_name"], meta(dept)["unit_level"]) == ("发展改革委", "部门")

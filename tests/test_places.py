"""Place resolution against the national division table."""

from __future__ import annotations

from transforms.places import admin_stem, admin_stems, divisions, resolve_place, split_parents


def test_table_reaches_towns():
    table = divisions()
    assert table.filter(table["level"] == 4).height > 30000


def test_unambiguous_town():
    p = resolve_place("大山江街道", "街道", [])
    assert p["place_candidates"] == 1
    assert (p["place_province"], p["place_prefecture"], p["place_county"]) == ("广东省", "湛江市", "吴川市")
    assert p["division_code"] == "440883003"


def test_ambiguous_town_stays_unresolved_with_count():
    p = resolve_place("松江镇", "镇", [], text="本镇今年开展普法活动。")
    assert p["division_code"] is None
    assert p["place_candidates"] == 4


def test_parent_or_text_disambiguates():
    p = resolve_place("松江镇", "镇", ["安图县"])
    assert p["place_candidates"] == 1 and p["place_county"] == "安图县"
    p = resolve_place("松江镇", "镇", [], text="在衡南县委县政府领导下，本镇开展普法活动。")
    assert p["place_candidates"] == 1 and p["place_prefecture"] == "衡阳市"


def test_zone_and_department_are_placed_at_their_parent():
    p = resolve_place("阳新经济开发区", "开发区", ["阳新县"])
    assert (p["place_county"], p["division_code"]) == ("阳新县", "420222")
    assert resolve_place("司法局", "部门", [])["place_candidates"] == 0


def test_county_level_unit_and_unknown_name():
    p = resolve_place("静海区", "区", ["天津市"])
    assert p["place_province"] == "天津市" and p["place_county"] == "静海区"
    assert resolve_place("不存在的镇", "镇", [])["place_candidates"] == 0


def test_split_parents():
    assert split_parents("湖北省黄石市阳新县经济开发区") == (["湖北省", "黄石市", "阳新县"], "经济开发区")
    assert split_parents("东方山街道") == ([], "东方山街道")


def test_stems_stand_for_their_division_only_when_unambiguous():
    assert admin_stems()["阳新"] == "阳新县"
    assert admin_stems()["河北"] == "河北省"  # a province's stem wins over 天津市河北区
    assert "中山" not in admin_stems()  # 中山市 and 中山区
    assert admin_stem("广西壮族自治区") == "广西" and admin_stem("恩施土家族苗族自治州") == "恩施"


def test_split_parents_by_stems():
    assert split_parents("河北唐山某某经济开发区管委会") == (["河北省", "唐山市"], "某某经济开发区管委会")
    assert split_parents("黄石某某局") == (["黄石市"], "某某局")
    # a name of its own stays whole: the rest would be a bare level word, or the stem is the division's own name
    assert split_parents("东城街道") == ([], "东城街道")
    assert split_parents("丹东街道办事处") == ([], "丹东街道办事处")
    assert split_parents("新疆维吾尔自治区") == ([], "新疆维吾尔自治区")
    # a stem must lie inside the division peeled before it (滨海县 is in Jiangsu, not Tianjin)
    assert split_parents("天津滨海某某区") == (["天津市"], "滨海某某区")


def test_text_disambiguates_by_stem():
    p = resolve_place("松江镇", "镇", [], text="在衡南县委领导下，本镇开展普法活动。")
    assert p["place_candidates"] == 1
    p = resolve_place("松江镇", "镇", [], text="衡南各乡镇之中，本镇开展普法活动。")
    assert p["place_candidates"] == 1 and p["place_county"] == "衡南县"


def test_autonomous_divisions_under_their_short_forms():
    from transforms.places import division_forms, short_forms

    assert short_forms()["楚雄州"] == "楚雄彝族自治州"
    assert division_forms()["红河州"] == "红河哈尼族彝族自治州"
    assert division_forms()["金平县"] == "金平苗族瑶族傣族自治县"
    # a stem shared by two autonomous divisions, or a division's own name, stands for none
    assert "红河县" not in short_forms()


def test_a_named_parent_that_holds_no_candidate_leaves_the_unit_unplaced():
    # the only 大山江街道 lies in 吴川市: a report naming another parent is not placed there
    assert resolve_place("大山江街道", "街道", ["阳新县"])["division_code"] is None
    # a parent written in its short form still fits (屏边县 for 屏边苗族自治县)
    assert resolve_place("新华乡", "乡", ["屏边县"])["place_county"] == "屏边苗族自治县"


def test_a_short_form_is_peeled_off_as_written():
    assert split_parents("屏边县新华乡") == (["屏边县"], "新华乡")


def test_place_rules_are_data_and_stop_acting_when_off():
    """The level words, stems and unit-level → division-level map come from place_rules.csv; a row
    switched off really stops acting (here: streets are no longer looked for among streets)."""
    from transforms import rules
    from transforms.places import levels_of

    assert levels_of()["市"] == (2, 3) and levels_of()["街道"] == (4,)
    with rules.switched_off("META-PLACE-LEVEL-STREET"):
        assert resolve_place("大山江街道", "街道", [])["place_candidates"] == 0
    with rules.switched_off("META-PLACE-LEVEL-WORDS"):
        assert split_parents("东城街道") == (["东城区"], "街道")
    assert split_parents("东城街道") == ([], "东城街道")


def test_metadata_rendering_shows_the_place_and_reads_page_prefixes():
    """The harness renders a resolved place and takes a page's <title> and date from a prefix."""
    from transforms import rulebook

    body = "本年度围绕依法行政开展了多项工作，干部群众的法治意识明显增强，各项任务基本完成。"
    got = rulebook.render("metadata", "大山江街道2024年法治政府建设情况报告\\n" + body).split("\n")
    assert "place=广东省/湛江市/吴川市" in got
    page = "[page_title=青石镇2024年法治政府建设情况报告_某县人民政府网] [page_published_on=2025-02-03] 一、主要工作\\n"
    got = rulebook.render("metadata", page + body).split("\n")
    assert "unit_name=青石镇" in got and "published_on=2025-02-03" in got and "report_year=2024" in got


def test_name_bounds_are_the_tables_longest_names():
    """LONGEST_NAME / LONGEST_STEM / SHORTEST_NAME are bounds, not rules: they must hold every name
    of the table (a window as wide finds every name, a wider one nothing more)."""
    from transforms.places import LONGEST_NAME, LONGEST_STEM, SHORTEST_NAME, division_forms

    names = divisions()["name"].to_list()
    assert max(map(len, names)) == LONGEST_NAME
    assert max(map(len, division_forms())) <= LONGEST_NAME
    assert max(map(len, admin_stems())) == LONGEST_STEM
    assert min(map(len, names)) >= SHORTEST_NAME


def test_the_longest_autonomous_counties_are_peeled_off():
    # 镇沅彝族哈尼族拉祜族自治县 has 13 characters, 积石山保安族东乡族撒拉族自治县 15: a window of 12 missed them
    assert split_parents("镇沅彝族哈尼族拉祜族自治县司法局") == (["镇沅彝族哈尼族拉祜族自治县"], "司法局")
    assert split_parents("积石山保安族东乡族撒拉族自治县司法局") == (["积石山保安族东乡族撒拉族自治县"], "司法局")

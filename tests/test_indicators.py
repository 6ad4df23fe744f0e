"""Indicator classification, kind and consistency flags, on sentences written for the tests."""

from __future__ import annotations

import polars as pl
import pytest

from transforms import rules
from transforms.indicators import classify_facts, load_catalogue, unclassified_cues
from transforms.quantities import extract_mentions
from transforms.schemas import FACTS


def sentences(*texts: str, section: str = "achievements") -> pl.DataFrame:
    rows, start = [], 0
    for no, text in enumerate(texts, 1):
        rows.append(
            {
                "source_file": "t.txt",
                "sentence_no": no,
                "section": section,
                "sent_start": start,
                "sent_end": start + len(text),
                "sentence": text,
            }
        )
        start += len(text) + 1
    return pl.DataFrame(rows).cast({"sentence_no": pl.Int32, "sent_start": pl.Int32, "sent_end": pl.Int32})


def facts(*texts: str, section: str = "achievements", catalogue: pl.DataFrame | None = None) -> pl.DataFrame:
    s = sentences(*texts, section=section)
    return classify_facts(extract_mentions(s), s, catalogue)


def codes(*texts: str, **kw) -> list[str]:
    return facts(*texts, **kw)["indicator_code"].to_list()


def test_output_keeps_the_contract():
    out = facts("全年开展普法宣传活动26场。")
    assert out.select(FACTS.names()).schema == FACTS
    row = out.row(0, named=True)
    assert (row["indicator_code"], row["cue"], row["kind"], row["flags"]) == (
        "publicity.events",
        "宣传活动",
        "actual",
        [],
    )
    assert row["evidence"] == "全年开展普法宣传活动26场"


def test_counts_and_rate_of_one_subject():
    assert codes("全年摸排矛盾纠纷56件，化解54件，化解率96.4%") == [
        "dispute.screened",
        "dispute.resolved",
        "dispute.resolution_rate",
    ]


def test_subject_is_carried_into_a_bare_clause():
    assert codes("组织普法文艺演出进村居，累计12场") == ["publicity.events"]


def test_but_not_into_a_clause_that_names_something_else_or_a_change():
    assert codes("组织普法文艺演出进村居12场，新建村级图书室8个") == ["publicity.events", "unclassified"]
    assert codes("办理法律援助案件40件，同比增长25%") == ["legal_aid.cases", "unclassified"]


def test_a_cue_after_the_number_counts_within_its_clause():
    assert codes("年内召开3次依法治区委员会会议") == ["meeting.rule_of_law"]


def test_measure_must_fit_the_indicator():
    # mediation cases are the disputes mediated (the catalogue's 调解 cue), not an indicator of their own
    assert codes("新聘人民调解员12名，调解案件30件") == ["mediation.mediators", "dispute.resolved"]


def test_the_sentence_decides_between_indicators_sharing_a_cue():
    assert codes("承办12345热线工单320件，按期办结率99%") == ["hotline.cases_closed", "hotline.ontime_rate"]
    assert codes("受理群众信访事项18件，按期办结率100%") == ["petition.resolved", "petition.ontime_rate"]


def test_listed_rates_each_get_their_indicator():
    assert codes("年度学法考试通过率、优秀率均为100%") == ["exam.pass_rate", "exam.excellence_rate"]


def test_stated_zero_is_classified_by_its_subject():
    out = facts("本年度无一起行政诉讼案件")
    assert out.select("indicator_code", "value").row(0) == ("litigation.admin_cases", 0)


def test_unclassified_keeps_its_cue_phrase():
    out = facts("全年新建智慧停车位300个")
    assert out["indicator_code"].to_list() == ["unclassified"]
    assert out["cue"][0].endswith("新建智慧停车位")


@pytest.mark.parametrize(
    ("text", "section", "kind"),
    [
        ("开展法治培训4次", "next_year_plan", "target"),
        ("上一年度开展法治培训4次", "next_year_plan", "actual"),
        ("力争全年开展法治培训4次", "achievements", "target"),
        ("确保矛盾纠纷化解率达到98%", "achievements", "target"),
        ("将法治建设纳入年度考核，开展法治培训4次", "achievements", "actual"),
        ("计划开展法治培训4次", "other", "target"),
        ("把依法行政列入年度目标责任考核，分值占比调到12%", "achievements", "actual"),
    ],
)
def test_kind(text, section, kind):
    assert facts(text, section=section)["kind"].to_list() == [kind]


def test_consistency_flags():
    out = facts("全年排查纠纷50件，化解60件，化解率80%", "法治讲座满意率达105%")
    flags = dict(zip(out["indicator_code"], out["flags"].to_list(), strict=True))
    assert flags["dispute.resolved"] == ["resolved_above_screened"]
    assert flags["dispute.resolution_rate"] == ["rate_contradicts_counts"]
    assert flags["hotline.satisfaction_rate"] == ["rate_over_100"]
    ok = facts("全年排查纠纷380余件，化解372件，化解率达97.9%")
    assert all(f == [] for f in ok["flags"].to_list())


def test_rates_are_checked_against_counts_elsewhere_in_the_document():
    out = facts("全年排查纠纷200件，成功化解150件。", "矛盾纠纷化解率达99%。")
    rate = out.filter(pl.col("indicator_code") == "dispute.resolution_rate")
    assert rate["flags"].to_list() == [["rate_contradicts_counts"]]


def test_a_new_catalogue_row_makes_a_new_classification():
    text = "全年新建智慧停车位300个"
    catalogue = load_catalogue()
    assert codes(text, catalogue=catalogue) == ["unclassified"]
    row = pl.DataFrame(
        {
            "indicator": ["traffic.parking_spaces"],
            "theme": ["public_services"],
            "name_zh": ["新建停车位数"],
            "name_en": ["parking spaces built"],
            "measure": ["item"],
            "cues": ["停车位"],
            "also_measures": [""],
            "sections": [""],
            "better": ["higher"],
        }
    )
    extended = pl.concat([catalogue.drop("order"), row], how="diagonal")  # a new row need not fill every column
    assert codes(text, catalogue=extended) == ["traffic.parking_spaces"]


def test_mentions_read_back_without_extra_columns_classify_the_same():
    s = sentences("年度学法考试通过率、优秀率均为100%", "全年无一起行政诉讼案件")
    m = extract_mentions(s)
    assert classify_facts(m.drop("subject", "context_end"), s).equals(classify_facts(m, s))


def test_unclassified_cues_counts_cue_phrases():
    out = facts("全年新建智慧停车位300个", "今年新建智慧停车位120个", "开展普法宣传活动26场")
    view = unclassified_cues(out)
    assert view.columns == ["cue", "measure_code", "count", "example"]
    assert view.row(0)[:3] == ("新建智慧停车位", "item", 2)


def test_catalogue_loads_and_is_consistent():
    catalogue = load_catalogue()
    measures = set(pl.read_csv("transforms/data/measures.csv")["measure"])
    assert catalogue["indicator"].is_unique().all()
    assert set(catalogue["measure"]) <= measures
    extra = {m for cell in catalogue["also_measures"] for m in cell.split()}
    assert extra <= measures
    assert (catalogue["cues"].str.len_chars() > 0).all()
    assert set(catalogue["better"]) <= {"higher", "lower"}


def test_audience_and_head_tables_load_and_name_catalogue_indicators():
    from transforms.indicators import audiences, phrase_heads

    codes_known = set(load_catalogue()["indicator"])
    table = audiences()
    assert set(table["audience"]) == {"cadres", "public"}
    assert set(table["indicator"]) <= codes_known
    assert set(table["speaks"]) <= {"0", "1"}
    assert table["word"].is_unique().all()  # a word names one audience
    assert set(phrase_heads()["indicator"]) <= codes_known


def test_a_cue_reaches_the_one_sibling_that_takes_the_measure():
    assert codes("组织专题培训，培训网格员260人次") == ["training.participants"]
    assert codes("落实文件备案审查，备案审查率100%") == ["unclassified"]


def test_a_cue_inside_a_title_names_the_document_not_the_work():
    assert codes("组织干部学习《信访工作条例》《行政复议法》等法律法规6次") == ["study.sessions"]
    assert codes("围绕《法律援助法》开展普法宣传活动9场") == ["publicity.events"]


def test_a_bare_clause_with_only_when_and_how_often_still_carries():
    assert codes("每月组织机关干部开展宪法集中学习，全年累计开展11次") == ["study.sessions"]
    assert codes("每月组织机关干部开展宪法集中学习，全年新建农家书屋2个") == ["unclassified"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("经由基层立法联系点报送立法修改意见37条", "legislation.opinions"),
        ("全镇聘用公职律师5名", "lawyers.count"),
        ("为各村配齐村居法律顾问，共选派律师14名", "lawyers.count"),
        ("推动实质性化解行政争议21件", "litigation.disputes_resolved"),
        ("政务大厅全年办件量8.3万件", "approval.cases"),
        ("办理商事登记2400件次", "approval.cases"),
        ("审批事项按时办结率达99.5%", "approval.ontime_rate"),
        ("依申请政务服务事项网上可办率达到98%", "approval.online_rate"),
        ("动态调整权责清单，保留行政权力事项960项", "power_list.items"),
        ("召开法治工作专题会3次", "meeting.rule_of_law"),
        ("党组会落实“第一议题”学习16次", "study.sessions"),
        ("组织党员干部“轮流讲法治”活动8场", "leadership.lectures"),
        ("开展送法进校园活动，覆盖师生900余人次", "publicity.reach"),
        ("对镇政府拟签协议开展合法性审查9次", "legal_review.count"),
        ("审查会议纪要、合作协议等涉法事务31件", "legal_review.count"),
        ("办理8890平台转办诉求120件", "hotline.cases_closed"),
        ("市民热线工单办结率99%", "hotline.ontime_rate"),
        ("镇公共法律服务站全年为群众提供服务260人次", "legal_aid.consultations"),
        ("排查发现并督促整改消防安全问题42个", "enforcement.issues_rectified"),
        ("召开依法治镇专题部署会议2次", "meeting.rule_of_law"),
        ("走访企业解决涉企诉求15件", "business.legal_requests_resolved"),
        ("全年培养农村法律明白人126名", "community.legal_literates"),
        ("确保每个村（社区）至少有1名法律明白人", "community.legal_literates"),
        ("重大行政决策合法性审查率达到100%", "legal_review.coverage_rate"),
        ("全年部门负责人出庭率保持在95%", "litigation.appearance_rate"),
        ("以县政府为被告的案件开庭审理15件", "litigation.admin_cases"),
        ("动员全镇412名干部参加年度学法考试", "exam.participants"),
        ("围绕新修订法律组织专题研讨6次", "study.sessions"),
        ("举办法治大讲堂5期", "training.sessions"),
        ("参加学习人员860人次", "study.participants"),
        ("为群众解答法律咨询120余人", "legal_aid.consultations"),
        ("全年办理“一业一证”许可34件", "approval.cases"),
        ("局务会扩大会议暨依法行政工作会议召开3次", "meeting.rule_of_law"),
        ("年内召开推进法治政府工作会议2次", "meeting.rule_of_law"),
        ("邀请律师为村干部专题授课5期", "training.sessions"),
        ("巡回法治宣讲受教育群众1800余人次", "publicity.reach"),
        ("全局执法人员持证上岗率达到96%", "enforcement.certified_rate"),
        ("合同合法性审查通过率达98%", "legal_review.pass_rate"),
        ("回访群众满意度为97.6%", "hotline.satisfaction_rate"),
        ("今年共有9名干部取得行政执法资格", "enforcement.certified_staff"),
        ("依法查处违法占地行为14起", "enforcement.cases"),
        ("机关支部开展集体学习18次", "study.sessions"),
        ("会同交通、市场监管部门开展联合检查7次", "enforcement.joint_operations"),
        ("便民服务中心全年办理社保医保等民生事项3200余件", "approval.cases"),
        ("受理食品经营许可、药品零售许可等各类业务860件", "approval.cases"),
        ("安排全体职工86人参加网上法律知识测试", "exam.participants"),
        ("全年开展执法案卷评查3次", "enforcement.file_reviews"),
    ],
)
def test_grown_catalogue_vocabulary(text, code):
    assert codes(text) == [code]


def test_lawyers_count_takes_people_only_not_event_or_item_siblings():
    assert codes("开展法治讲座3场，参加群众200人") == ["publicity.events", "unclassified"]
    assert codes("为8个村聘请法律顾问") == ["legal_adviser.coverage"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "排查、化解矛盾纠纷分别为53件、51件，化解率96%",
            ["dispute.screened", "dispute.resolved", "dispute.resolution_rate"],
        ),
        ("行政复议、行政诉讼案件分别是2件与1件", ["review.admin_cases", "litigation.admin_cases"]),
        # a listed verb with no noun of its own borrows the noun the list shares
        ("全年受理、办结行政复议案件分别为12件、10件", ["review.admin_cases", "review.admin_cases"]),
        ("调处纠纷和成功化解分别为45件和43件", ["dispute.resolved", "dispute.resolved"]),
        # names before 分别 + verb are who was trained: the shared cue after 分别 decides
        ("对执法人员和村干部分别开展培训3期、5期", ["training.sessions", "training.sessions"]),
    ],
)
def test_paired_lists_give_each_number_the_subject_in_its_place(text, expected):
    assert codes(text) == expected


def test_consistency_flags_read_paired_lists():
    out = facts("摸排、化解矛盾纠纷分别为40件、45件")
    assert out["flags"].to_list() == [[], ["resolved_above_screened"]]
    out = facts("摸排、化解矛盾纠纷分别为50件、40件，调解成功率96%")
    assert out["flags"].to_list() == [[], [], ["rate_contradicts_counts"]]
    out = facts("摸排、化解矛盾纠纷分别为50件、48件，化解率96%")
    assert out["flags"].to_list() == [[], [], []]


def test_a_bare_sentence_takes_the_subject_of_the_sentence_before():
    assert codes("开展“法律进乡村”宣传活动。", "全年共计12场。") == ["publicity.events"]
    assert codes("组织干部集中学习宪法和民法典。", "累计开展9次。") == ["study.sessions"]


@pytest.mark.parametrize(
    "texts",
    [
        ("（一）加强普法宣传", "全年共计12场。"),  # a heading hands nothing on
        ("（一）加强普法宣传。", "全年共计12场。"),
        ("开展“法律进乡村”宣传活动。", "全年新建农家书屋12个。"),  # the sentence has words of its own
        ("开展“法律进乡村”宣传活动。", "其中，入户走访12场。"),  # a breakdown starts a new subject
    ],
)
def test_but_not_across_a_heading_or_into_a_sentence_with_its_own_words(texts):
    assert codes(*texts)[-1] == "unclassified"


def test_no_subject_crosses_a_section():
    s = sentences("开展“法律进乡村”宣传活动。", "全年共计12场。")
    s = s.with_columns(section=pl.Series(["achievements", "next_year_plan"]))
    assert classify_facts(extract_mentions(s), s)["indicator_code"].to_list() == ["unclassified"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("聘请专业法律顾问全程参与重大项目论证、合同审核等工作50余次", "legal_adviser.activities"),
        ("村法律顾问列席村民议事会18次", "legal_adviser.activities"),
        ("法律顾问积极参加信访接待24次", "legal_adviser.activities"),
        # the measure must fit the actor: contracts reviewed are still counted as reviews
        ("法律顾问参与审查合同45件", "legal_review.count"),
        # an actor that is not a cue leaves the object to decide
        ("组织网格员参与排查矛盾纠纷31件", "dispute.screened"),
    ],
)
def test_an_actor_taking_part_is_what_the_count_of_times_is_about(text, code):
    assert codes(text) == [code]


@pytest.mark.parametrize(
    ("text", "section", "kind", "year"),
    [
        ("到2026年底，全镇法律明白人培养数达到200名", "next_year_plan", "target", 2026),
        ("2025年，力争行政复议纠错率控制在3%以内", "next_year_plan", "target", 2025),
        ("确保重大行政决策合法性审查率达到100%", "achievements", "target", None),
        ("计划开展普法活动20场以上", "achievements", "target", None),
        ("在2024年基础上，力争开展普法活动20场以上", "next_year_plan", "target", None),
        ("落实《2021-2025年普法规划》，开展法治培训4次", "next_year_plan", "target", None),
        ("已完成法治文化角建设3个", "next_year_plan", "actual", None),
        ("2024年已开展法治培训4次", "next_year_plan", "actual", None),  # only a target has a target year
    ],
)
def test_targets_and_the_year_they_state(text, section, kind, year):
    out = facts(text, section=section)
    assert out.select("kind", "target_year").rows() == [(kind, year)]


def test_target_year_is_in_the_output_even_when_empty():
    s = sentences("加强组织领导。")
    assert "target_year" in classify_facts(extract_mentions(s), s).columns


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("“掌上可办”率提升到92%", "approval.online_rate"),  # closing mark inside the cue
        ("全年开展“双随机”抽查18次", "enforcement.joint_operations"),
        ("落实“第一议题”学习9次", "study.sessions"),
        ("组织“专题”学法3次", "study.sessions"),  # a pair of marks inside the cue
    ],
)
def test_a_cue_reads_across_quotation_marks(text, code):
    assert codes(text) == [code]


def test_a_quoted_cue_keeps_its_place_for_the_nearest_rule():
    out = facts("召开推进会2次，推动“一网通办”率达到97%")
    assert out["indicator_code"].to_list() == ["meeting.rule_of_law", "approval.online_rate"]
    assert out["cue"].to_list() == ["推进会", "一网通办率"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("举办执法人员业务培训4期，覆盖执法人员260人次", "training.participants"),
        ("开展集中学法6次，覆盖干部职工430人次", "study.participants"),
        ("组织法治文艺汇演9场，惠及群众3000余人次", "publicity.reach"),
        ("覆盖辖区居民1200人次", "publicity.reach"),  # nothing named before: the word itself decides
    ],
)
def test_a_coverage_word_yields_to_the_activity_named_before(text, code):
    assert codes(text)[-1] == code


def test_listed_forms_stand_equally_near_and_the_family_with_more_of_them_wins():
    # the last item alone (讲座) would say legal-adviser activity; two of three items are study
    assert codes("组织班子成员开展集体学法、专题研讨、法治讲座9次") == ["study.sessions"]


def test_a_cue_outside_the_list_keeps_its_own_distance():
    # 普法 is not a listed item (a long stretch stands before its 、), so the nearer 宣讲 decides
    assert codes("组织普法志愿者队伍深入村组开展宣讲、义诊活动14场") == ["publicity.events"]


def test_a_cue_only_a_rate_takes_does_not_stand_for_the_family_counts():
    # 变更 names the reconsideration correction rate; a licence change counted in 件 is no review case
    assert codes("全年受理户籍信息变更登记45件") == ["unclassified"]
    assert codes("行政复议决定被撤销、变更的纠错率为3%") == ["review.correction_rate"]


def test_a_noun_after_the_last_listed_number_names_them_all():
    assert codes("本年度新增12项、调整权限8项、下放3项行政权力事项。") == ["power_list.items"] * 3
    # a list item with a cue of its own keeps it
    assert codes("开展普法宣传6场、法治讲座4场等活动。") == ["publicity.events", "publicity.events"]


def test_objects_listed_before_deng_yield_to_the_verb_at_the_clause_head():
    assert codes("全年专题研究法律顾问聘任、信访积案化解等重要事项4次。") == ["meeting.leadership_agenda"]
    # with no cue at the head, the listed forms still name what is counted
    assert codes("开展法律咨询、讲座等活动共15场次。") == ["legal_adviser.activities"]


def test_a_cue_after_fei_is_negated():
    assert codes("窗口办理审批事项210件，非许可事项98件。") == ["approval.cases", "approval.cases"]
    assert codes("梳理许可事项98项。") == ["power_list.items"]


def test_a_clause_of_generic_words_takes_the_subject_of_the_clause_before():
    assert codes("依托12345热线平台，及时跟进处理案件30余件。") == ["hotline.cases_closed"]


def test_a_rate_name_with_yu_inside_is_one_listed_item():
    assert codes("组织执法人员参加考试，参与率和合格率均为100%。") == ["exam.participation_rate", "exam.pass_rate"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("开展“普法进校园”活动6次。", "publicity.events"),
        ("开展学习教育20次。", "study.sessions"),
        ("开设依法行政课程8场次。", "training.sessions"),
        ("为镇政府出具法律意见书3次。", "legal_review.opinions"),
    ],
)
def test_vocabulary_of_blind_set_g(text, code):
    assert codes(text) == [code]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("组织开展任前考法2场、86人次。", "exam.participants"),
        ("举办法治培训班5期，参加人员1.2万余人次。", "study.participants"),
        ("党组会集体研究决定重大事项46件。", "decision.major_decisions"),
        ("全局行政执法人员100%持证执法。", "enforcement.certified_rate"),
        ("为机关干部举办专题讲座4场。", "training.sessions"),
    ],
)
def test_vocabulary_of_blind_set_i(text, code):
    assert codes(text)[-1] == code  # 考法2场 counts exam sittings, which the catalogue has no row for


def test_each_of_a_listed_pair_of_meetings_is_a_fact():
    found = facts("召开依法治镇委员会会议、办公室会议各2次。")
    assert found["indicator_code"].to_list() == ["meeting.rule_of_law", "meeting.rule_of_law"]
    assert found["value"].to_list() == [2.0, 2.0]


@pytest.mark.parametrize(
    ("text", "section", "kind"),
    [
        ("确保全镇行政执法人员100%持证上岗。", "achievements", "actual"),
        ("确保全镇行政执法人员100%持证上岗。", "next_year_plan", "target"),
        ("确保矛盾纠纷调处成功率稳定在96%以上。", "achievements", "target"),
        ("实现年度目标任务完成率100%。", "achievements", "actual"),
    ],
)
def test_ensure_states_a_target_only_in_the_plan_or_before_a_level_to_reach(text, section, kind):
    assert facts(text, section=section)["kind"].to_list() == [kind]


@pytest.mark.parametrize(
    ("text", "codes_"),
    [
        ("建成3个省级、2个市级、5个县级普法基地。", ["publicity.venues"] * 3),
        ("对全镇12个行政村、2个社区法律顾问全覆盖。", ["legal_adviser.coverage"] * 2),
        ("开展交通运输、食品安全等专项整治行动9次。", ["enforcement.joint_operations"]),
        ("审查合同45份，提出修改意见12条。", ["legal_review.count", "legal_review.opinions"]),
        ("组织会前学法8次12件。", ["study.sessions", "unclassified"]),
        ("2024年，未制定出台规范性文件。", ["normative_docs.count"]),
    ],
)
def test_blind_set_i_lists_gaps_and_zeros(text, codes_):
    assert codes(text) == codes_


def test_a_quoted_slogan_of_the_leading_cadres_is_no_count():
    assert codes("坚持抓好两个“关键少数”，以上率下推动学法。") == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("12345热线工单办结1862件。", "hotline.cases_closed"),  # 办结 is weak: the hotline names the work
        ("全年办结群众来信12件。", "petition.cases_closed"),  # …and still names it when nothing else does
        ("讲授法治专题党课2次。", "leadership.lectures"),
        ("查处超限超载、非法营运等违法案件412起。", "enforcement.cases"),
        ("抽查执法案卷600份。", "enforcement.file_reviews"),
        ("排查整改安全隐患217处。", "enforcement.issues_rectified"),
        ("建成法治文化广场2处。", "publicity.venues"),
        ("审核重大行政决策、行政规范性文件和合同协议共317件。", "legal_review.count"),
        ("执法案卷合格率95%。", "enforcement.file_pass_rate"),  # not the exam pass rate
        ("清理行政规范性文件44件，其中继续有效23件。", "normative_docs.count"),  # the breakdown's count
        ("常态化开展宣传教育30余次。", "publicity.events"),
        ("区政府党组学习习近平法治思想8次。", "study.sessions"),
        ("召开4次法治专题党委会。", "meeting.rule_of_law"),
        ("运用法治思维解决项目推进、重大纠纷等4个实际难题。", "leadership.issues_resolved"),
        ("区领导带头宣讲23人次。", "leadership.lectures"),
        ("对局机关作出的12件重大执法决定逐件把关。", "legal_review.count"),
    ],
)
def test_vocabulary_and_rules_of_blind_sets_k_and_l(text, code):
    assert codes(text)[-1] == code


def test_a_breakdown_in_the_next_sentence_still_starts_a_new_subject():
    assert codes("开展“法律进乡村”宣传活动。", "其中，入户走访12场。") == ["unclassified"]


@pytest.mark.parametrize(
    ("text", "codes_"),
    [
        ("审查行政规范性文件3件、各类合同87份。", ["normative_docs.count", "legal_review.count"]),
        ("办理12345政务服务热线转办件1.86万件，按时办结率98%。", ["hotline.cases_closed", "hotline.ontime_rate"]),
        ("办理行政许可560件，按时办结率100%。", ["approval.cases", "approval.ontime_rate"]),
        ("整治散乱污企业37家。", ["enforcement.issues_rectified"]),  # 企业 is weak: the verb decides
        ("为辖区企业解决法治诉求12件。", ["business.legal_requests_resolved"]),
        ("受理信访事项75件。", ["petition.received"]),
        ("建成村（社区）法治文化长廊6条。", ["publicity.venues"]),
        ("组织法律援助进村活动4场。", ["legal_aid.events"]),
        ("围绕《法律援助法》开展普法宣传活动9场。", ["publicity.events"]),  # a split cue starting in a title
    ],
)
def test_blind_sets_o_and_p(text, codes_):
    assert codes(text) == codes_


@pytest.mark.parametrize(
    ("text", "codes_"),
    [
        ("综合执法局共办理简易案件8048起、一般案件519起。", ["enforcement.cases"] * 2),
        ("查处占道经营2500余起。", ["enforcement.cases"]),  # 查处 is weak, but alone it decides
        ("清理乱张贴乱涂写3200余处。", ["enforcement.issues_rectified"]),
        ("清理规范性文件12件。", ["normative_docs.count"]),  # …and yields to a strong cue
        ("参学干部累计达到360人次。", ["study.participants"]),
        ("执法案卷评查合格率达到100%。", ["enforcement.file_pass_rate"]),
        ("全年未发生因行政许可引发的行政复议案件。", ["review.admin_cases"]),
        ("我局共有执法人员11人，执法人员全部持证上岗。", ["enforcement.certified_staff"]),  # a clause referring back
        # a weak cue (律师 of 律师事务所) names its own clause only
        ("联合司法所、律师事务所等单位开展法治宣传活动9次，惠及师生近千人。", ["publicity.events", "publicity.reach"]),
    ],
)
def test_blind_sets_q_to_t(text, codes_):
    assert codes(text) == codes_


def test_ni_before_a_modifier_is_no_plan_outside_the_plan_part():
    text = "对县政府拟出台的规范性文件及重大合同开展合法性审查156件。"
    assert facts(text)["kind"].to_list() == ["actual"]
    assert facts("拟开展培训3次。", section="next_year_plan")["kind"].to_list() == ["target"]


@pytest.mark.parametrize(
    ("text", "section", "expected"),
    [
        ("开展“法律进村社”活动30场以上。", "next_year_plan", [("publicity.events", "target")]),
        ("建设3至5个法治文化示范点。", "next_year_plan", [("publicity.venues", "target")]),
        ("行政争议实质性化解率达到百分之八十五。", "achievements", [("litigation.dispute_resolution_rate", "actual")]),
        (
            "接待群众来访34批次，解决群众合理诉求30件。",
            "achievements",
            [("petition.received", "actual"), ("petition.resolved", "actual")],
        ),
        # a comparison with last year is no statement about last year
        ("确保涉企行政检查次数较上年减少10%以上。", "next_year_plan", [("unclassified", "target")]),
        ("全区298名领导干部，参加全省学法用法考试。", "achievements", [("exam.participants", "actual")]),
        ("为全区领导干部作专题辅导报告2次。", "achievements", [("study.sessions", "actual")]),
        ("区政府常务会议部门主要负责人讲法4次。", "achievements", [("leadership.lectures", "actual")]),
    ],
)
def test_blind_sets_u_to_x(text, section, expected):
    assert facts(text, section=section).select("indicator_code", "kind").rows() == expected


# --- back-off by phrase head: numbers no catalogue cue names ---------------------------------


def cue_of(*texts: str, **kw) -> list[tuple[str, str | None]]:
    return facts(*texts, **kw).select("indicator_code", "cue").rows()


def test_a_number_no_cue_names_takes_the_family_of_its_phrase_head():
    assert cue_of("组织开展民法典相关学习7次") == [("study.sessions", "backoff:学习")]
    assert cue_of("县依法治县委员会办公室共召开会议6次") == [("meeting.rule_of_law", "backoff:会议")]
    assert cue_of("组织干部参加庭审旁听3次") == [("court.hearing_attendance", "backoff:旁听")]


def test_the_longest_head_wins_and_a_parenthesis_is_read_through():
    assert cue_of("全年召开党工委（扩大）会议18次") == [("meeting.leadership_agenda", "backoff:党工委会议")]


def test_a_head_after_the_number_closes_its_clause():
    assert cue_of("全年召开9次党组会议") == [("meeting.leadership_agenda", "backoff:党组会议")]
    assert cue_of("组织20名机关干部参与法治理论考试") == [("exam.participants", "backoff:考试")]


def test_the_measure_must_fit_the_heads_indicator():
    # 5 bodies are no meeting count; the meetings they held are
    assert cue_of("5个工作专班共召开会议11次") == [
        ("unclassified", "工作专班共召开会议"),
        ("meeting.rule_of_law", "backoff:会议"),
    ]


def test_a_catalogue_cue_still_decides_before_any_head():
    assert cue_of("全年组织集中学习11次") == [("study.sessions", "集中学习")]


def test_mediations_counted_in_occurrences_are_dispute_work_only_by_their_head():
    # head_measures: dispute.resolved takes 次 from the head 调解, never from its cues (化解 in a listed object)
    assert cue_of("参加现场调解6次") == [("dispute.resolved", "backoff:调解")]
    assert codes("全年专题研究法律顾问聘任、信访积案化解等重要事项4次。") == ["meeting.leadership_agenda"]


def test_a_clause_with_a_count_of_its_own_does_not_refer_back():
    assert codes("开展民法典专题培训会2次，参加现场调解6次，参加专题研讨会1次") == [
        "training.sessions",
        "dispute.resolved",
        "study.sessions",
    ]
    # a clause without a count still goes on about the one before (执法人员…，全部持证上岗)
    assert codes("全局执法人员共56人，全部持证上岗") == ["enforcement.certified_staff"]


def test_a_head_after_the_number_reads_through_a_parenthesis_or_quotes():
    # IND-BACKOFF-AFTER-ASIDES: the aside is read through after the number as it is before it
    assert cue_of("年内召开4次党工委（扩大）会议") == [("meeting.leadership_agenda", "backoff:党工委会议")]
    assert cue_of("年内召开4次“党工委会议”") == [("meeting.leadership_agenda", "backoff:党工委会议")]


def test_the_window_after_a_number_stops_at_the_next_list_item():
    # IND-AFTER-LIST-SEP: 审核 names the 7 contracts, not the 3 meetings before the 、
    assert cue_of("召开党组会议3次、审核合同7份") == [
        ("meeting.leadership_agenda", "backoff:党组会议"),
        ("legal_review.count", "审核"),
    ]
    # a cue of the number's own item after it still decides (召开2次专题会议、…)
    assert cue_of("召开2次专题会议、听取汇报3次")[0] == ("meeting.rule_of_law", "专题会议")


def test_a_list_member_with_a_head_of_its_own_keeps_it():
    # IND-LIST-OWN-HEAD and the head 党组会: the 15 are meetings, the 9 study sessions
    assert cue_of("全年召开15次党组会、9次中心组理论学习") == [
        ("meeting.leadership_agenda", "backoff:党组会"),
        ("study.sessions", "理论学习"),
    ]
    # a member whose word names nothing still shares the last noun (IND-NUMBER-LISTS)
    assert codes("全年新增3个市级、5个县级法治宣传教育基地") == ["publicity.venues", "publicity.venues"]


def test_a_cue_after_a_cancelling_word_is_not_that_cue():
    # IND-CUE-CANCEL: 人大常委会 is the legislature reported to, not a leadership meeting
    assert codes("向县人大常委会专题报告法治政府建设工作3次") == ["unclassified"]
    assert codes("向区人大及其常委会报告工作1次") == ["unclassified"]
    assert codes("区委常委会会议专题研究法治工作3次") == ["meeting.leadership_agenda"]
    # the bare word 人大 cancels nothing (人大立法建议 are still legislative opinions)
    assert codes("向市人大提出立法建议6条") == ["legislation.opinions"]


def test_a_weak_cue_that_only_qualifies_a_noun_of_its_own_does_not_decide():
    # IND-WEAK-MODIFIER with IND-WEAK-TRAIL-MAX = 2: three characters after the weak word are a noun of its own
    assert codes("设立8家企业法律服务站") == ["unclassified"]
    assert codes("设立8家企业联络站") == ["unclassified"]
    assert codes("服务8家企业客户") == ["business.legal_requests_resolved"]
    assert codes("审核8份合同文本") == ["legal_review.count"]
    # a weak cue before the number is untouched (办结 names what it ends)
    assert codes("全年办结来信8件") == ["petition.cases_closed"]


def test_correction_decisions_are_reconsideration_cases():
    # 纠错决定 (review.admin_cases) is nearer than a listed 确认违法 (litigation.admin_lost)
    assert cue_of("全年作出变更、确认违法等直接纠错决定6件") == [("review.admin_cases", "纠错决定")]
    # a judgment in a lawsuit stays a lawsuit lost
    assert codes("行政诉讼案件中被法院判决确认违法3件") == ["litigation.admin_lost"]


def test_an_adjacent_phrase_head_outranks_a_far_catalogue_cue():
    # IND-HEAD-OVER-FAR-CUE: 信访 is a topic of the meetings, 党工委会议 right before the number what is counted
    assert cue_of("就信访法治化、法治政府建设、行政应诉等重点工作召开党工委会议4次") == [
        ("meeting.leadership_agenda", "backoff:党工委会议")
    ]
    # a head after the number too (召开22次党组会), over a cue of the clause before
    assert cue_of("严格落实第一议题制度，召开22次党组会、18次中心组理论学习") == [
        ("meeting.leadership_agenda", "backoff:党组会"),
        ("study.sessions", "理论学习"),
    ]
    # IND-HEAD-FAR-CUE-MIN = 4: a cue four characters from the head still decides, five do not
    assert codes("开展集中学法，并召开会议12次") == ["study.sessions"]
    assert codes("开展集中学法，组织召开会议12次") == ["meeting.rule_of_law"]
    # a cue next to the head (集中学法会议) or naming the number itself is untouched
    assert codes("组织集中学法会议12次") == ["study.sessions"]
    assert codes("全年组织集中学法12次") == ["study.sessions"]


def test_facts_are_classified_with_every_consistency_rule_switched_off():
    """The consistency flags are a list of rules (consistency.csv): with none left, the facts still come,
    flagged only for a rate over 100 (a concat of no findings used to raise)."""
    ids = [r["rule_id"] for r in rules.table("consistency.csv")]
    sentences = pl.DataFrame({"source_file": ["a.txt"], "sentence_no": [1], "section": ["achievements"],
                              "sent_start": [0], "sentence": ["全年化解矛盾纠纷12件，化解率为120%。"]})
    with rules.switched_off(*ids):
        facts = classify_facts(extract_mentions(sentences), sentences)
    assert sorted(facts["value"].to_list()) == [12.0, 120.0]
    assert facts.filter(pl.col("value") == 120)["flags"].to_list() == [["rate_over_100"]]


def test_sub_counts_after_a_total_take_its_class():
    """路政方面案件122件 after 办理行政处罚案件1301件 is a part of the total (IND-SUB-COUNTS); a phrase with a verb of
    its own (移送…案件) or another head noun (…文件) is not."""
    text = "共办理行政处罚案件1301件，路政方面案件122件、道路运输案件1058件、水上交通案件45件"
    assert codes(text) == ["enforcement.cases"] * 4
    assert codes("共办理行政处罚案件1301件，移送公安机关案件12件")[1] == "unclassified"
    assert codes("共办理行政处罚案件1301件，制定配套工作文件12件")[1] == "unclassified"
    with rules.switched_off("IND-SUB-COUNTS"):
        assert codes(text)[1:] == ["unclassified"] * 3


def test_problems_counted_before_their_noun_are_rectified_only_where_the_part_says_so():
    assert codes("针对督察反馈的18个共性问题，逐项细化整改措施") == ["enforcement.issues_rectified"]
    assert codes("针对督察反馈的18个共性问题，召开会议研究") == ["unclassified"]


def test_instructions_a_leader_writes_are_no_meetings():
    """作出批示34次 after the meetings of its sentence has a verb head of its own (IND-BLOCK-PISHI)."""
    text = "市长召开市政府党组会议10次、常务会议18次，专题研究部署法治政府建设工作，作出批示34次"
    assert codes(text) == ["meeting.leadership_agenda", "meeting.leadership_agenda", "unclassified"]

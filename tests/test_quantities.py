"""The quantity grammar, piece by piece, on sentences written for the tests."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.numerals import cn_number, quantity_value
from transforms.quantities import extract_mentions
from transforms.schemas import MENTIONS


def sentences(*texts: str, section: str = "achievements") -> pl.DataFrame:
    """A SENTENCES frame: one document, the texts one after another."""
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


def mentions(*texts: str) -> list[dict]:
    return extract_mentions(sentences(*texts)).to_dicts()


def one(text: str) -> dict:
    found = mentions(text)
    assert len(found) == 1, found
    return found[0]


def test_output_keeps_the_contract_and_offsets():
    frame = sentences("本年度共受理复议申请8件。", "组织法治讲座3场，受众约400人次。")
    out = extract_mentions(frame)
    assert out.select(MENTIONS.names()).schema == MENTIONS
    assert {"subject", "context_end"} <= set(out.columns)
    text = "\n".join(frame["sentence"])
    for row in out.iter_rows(named=True):
        assert text[row["char_start"] : row["char_end"]] == row["surface"]
    assert out["mention_no"].to_list() == [1, 1, 2]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("一百二十", 120),
        ("三千五百", 3500),
        ("两万", 20000),
        ("一百零五", 105),
        ("一万二千", 12000),
        # a 万 section after 亿 adds to it, not multiplies the whole (cases from cn2an's suite)
        ("一亿一千一百一十一万一千一百一十一", 111_111_111),
        ("十亿零一万零一", 1_000_010_001),
        ("一亿零一", 100_000_001),
        ("两亿三千万", 230_000_000),
        # financial numerals
        ("壹", 1),
        ("拾壹", 11),
        ("壹佰壹拾壹", 111),
        ("叁仟伍佰", 3500),
        ("贰万零伍拾", 20050),
    ],
)
def test_chinese_numerals(text, value):
    assert cn_number(text) == value


@pytest.mark.parametrize("text", ["十四五", "三八", "二〇二四"])
def test_digit_runs_are_names_not_numbers(text):
    """cn2an's normal mode reads 三八 as 38; a mention's numeral never is (NUM-DIGIT-RUN)."""
    assert quantity_value(text) is None


@pytest.mark.parametrize(
    ("text", "value", "code", "word", "qualifier"),
    [
        ("全年召开党组会专题研究法治工作两次。", 2, "event", "次", "exact"),
        ("开展送法下乡活动十余场", 10, "event", "场", "more_than"),
        ("线上答题惠及群众两万余人次", 20000, "person_time", "人次", "more_than"),
        ("普法短视频播放17.8万余人次", 178000, "person_time", "人次", "more_than"),
        ("全年办理行政许可1,200件", 1200, "item", "件", "exact"),
        ("帮助农民工追回欠薪35.6万元", 356000, "cny", "万元", "exact"),
        ("投入法治文化建设资金1.2亿元", 1.2e8, "cny", "亿元", "exact"),
        ("发放奖励3千元", 3000, "cny", "千元", "exact"),
        ("首次出庭应诉率达百分之九十八", 98, "percent", "百分之", "exact"),
        ("行政机关负责人出庭率95.5%", 95.5, "percent", "%", "exact"),
    ],
)
def test_numerals_scales_and_words(text, value, code, word, qualifier):
    m = one(text)
    assert (m["value"], m["measure_code"], m["measure_word"], m["qualifier"]) == (value, code, word, qualifier)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("受理8件", "item"),
        ("调处纠纷9起", "item"),
        ("办理3宗", "item"),
        ("走访企业12家", "item"),
        ("入户45户", "item"),
        ("制作展板20块", "item"),
        ("开展4次", "event"),
        ("举办讲座6场", "event"),
        ("演出10场次", "event"),
        ("培训2期", "event"),
        ("授课3堂", "event"),
        ("参训干部80人", "person"),
        ("选聘调解员15名", "person"),
        ("参训120人次", "person_time"),
        ("志愿服务60小时", "hour"),
        ("累计学习16学时", "hour"),
        ("办结时限压缩至5个工作日", "day"),
        ("连续值守3天", "day"),
        ("提高3个百分点", "percent"),
    ],
)
def test_each_measure_word_maps_to_its_code(text, code):
    assert one(text)["measure_code"] == code


def test_longest_measure_word_wins():
    assert one("培训执法人员300人次")["measure_word"] == "人次"
    assert one("送戏下乡5场次")["measure_word"] == "场次"
    assert one("挽回损失50万元")["measure_word"] == "万元"
    assert one("值班24个小时")["measure_word"] == "个小时"


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("受理咨询300余件", "more_than"),
        ("开展巡查40多次", "more_than"),
        ("服务超过600小时", "more_than"),
        ("惠及群众逾万人次", "more_than"),
        ("调解成功率98%以上", "at_least"),
        ("每月不少于2次", "at_least"),
        ("知晓率不低于90%", "at_least"),
        ("每村配备至少2名", "at_least"),
        ("控制在5件以内", "at_most"),
        ("败诉率不超过5%", "at_most"),
        ("纠错率10%以下", "at_most"),
        ("覆盖近3000人", "approx"),
        ("约20场", "approx"),
        ("参与群众500人左右", "approx"),
        ("将近80名", "approx"),
        ("办结12件", "exact"),
        ("3至5场", "range"),
    ],
)
def test_each_qualifier(text, qualifier):
    assert one(text)["qualifier"] == qualifier


def test_a_number_with_yu_is_more_than_even_when_odd():
    m = one("审核合同57余件")
    assert (m["value"], m["qualifier"]) == (57, "more_than")


@pytest.mark.parametrize(
    ("text", "low", "high", "word"),
    [
        ("每个村配备1-2名", 1, 2, "名"),
        ("开展3至5场", 3, 5, "场"),
        ("组织三到五次", 3, 5, "次"),
        ("安排专项经费2-3万元", 20000, 30000, "万元"),
    ],
)
def test_ranges(text, low, high, word):
    m = one(text)
    assert (m["value"], m["value_high"], m["qualifier"], m["measure_word"]) == (low, high, "range", word)


def test_distributive_lists_give_one_mention_per_listed_rate():
    found = mentions("群众知晓率、满意率均为100%")
    assert [(m["value"], m["subject"]) for m in found] == [(100, "群众知晓率"), (100, "满意率")]
    found = mentions("确保应学率、参学率和合格率实现三个100%")
    assert [m["subject"] for m in found] == ["确保应学率", "参学率", "合格率"]
    assert len({m["char_start"] for m in found}) == 1
    assert len(mentions("调处成功率均达96%")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "2023年5月12日召开推进会",  # date
        "发布时间：2024-03-01　浏览次数：356次　字号：大 中 小",  # a page's view counter
        "坚持抓好两个“关键少数”",  # a slogan, quoted
        "全面落实两个成为，做细做实三个转型",  # slogans of a numeral before a verb
        "会议于12月4日举行",
        "于2022年3月印发",
        "落实《法治政府建设实施纲要(2021-2025年)》",  # year range, law name
        "2023年度工作要点",
        "印发〔2024〕12号文件",  # document number
        "(一)加强组织领导",  # numbering
        "1.健全制度",
        "2、完善机制",
        "一是强化学习",
        "第一次全体会议",  # ordinal
        "担任第一责任人",
        "筑牢第一道防线",
        "拨打12345热线反映",  # hotline
        "建党100周年",  # anniversary
        "增强“四个意识”、坚定“四个自信”、做到“两个维护”",  # slogans
        "落实行政执法三项制度",
        "严守中央八项规定",
        "统筹推进五位一体总体布局",
        "编制十四五规划",
        "推行“一村一法律顾问”",
        "建立一户一档",
        "开展“12·4”国家宪法日宣传",  # holiday
        "结合“3·15”开展宣传",
        "提供一站式服务",
        "开展一对一帮扶",
        "一把手亲自抓",
        "走进千家万户",
        "培养一批法律明白人",  # an article, not a count
        "作为一项重要工作",
        "统一部署",
        "实行“五老四员”参与调解",
        "用3个月时间开展整治",
        "从三个方面推进",
        "开展“三所联动”",
        "普法“六进”活动",
    ],
)
def test_noise_is_never_a_mention(text):
    assert mentions(text) == []


def test_a_bare_one_counts_only_as_a_closing_event_count():
    assert one("召开专题会议一次，")["value"] == 1
    assert mentions("实现一次性告知") == []


@pytest.mark.parametrize(
    ("text", "word", "code"),
    [
        ("全年无一起行政诉讼案件", "起", "item"),
        ("本年度未发生行政复议案件", "件", "item"),
        ("实现行政诉讼零败诉", "件", "item"),
        ("行政诉讼败诉率为0", "%", "percent"),
    ],
)
def test_stated_zeros(text, word, code):
    m = one(text)
    assert (m["value"], m["measure_word"], m["measure_code"]) == (0, word, code)


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        ("本年度未发生行政复议、行政诉讼案件", ["行政复议", "行政诉讼"]),
        ("全镇无行政复议案件和行政诉讼败诉案件", ["行政复议", "行政诉讼败诉"]),
        # the separator may come after the first subject's own words (复议撤销…案件和…)
        ("全年无行政复议被撤销、变更的案件和行政诉讼败诉类案件发生", ["行政复议", "行政诉讼败诉"]),
        # a number, a blocker or a new negator ends the list
        ("无行政复议案件和2起行政诉讼案件", ["行政复议"]),
        ("未发生行政诉讼案件和重大行政复议案件", ["行政诉讼案"]),
        ("无行政复议案件，行政诉讼案件3件", ["行政复议案"]),
    ],
)
def test_one_negator_zeroes_every_listed_subject(text, subjects):
    zeros = [m for m in mentions(text) if m["value"] == 0]
    assert len(zeros) == len(subjects), zeros
    assert all(m["subject"].startswith(want) for m, want in zip(zeros, subjects, strict=True))
    assert all(m["measure_code"] == "item" for m in zeros)
    for m in zeros:  # offsets point at the subject's words
        assert text[m["char_start"] : m["char_end"]].endswith(m["subject"])


@pytest.mark.parametrize(
    "text",
    ["全年未发生重大行政诉讼案件", "全年无安全生产事故发生", "未发生严重行政复议纠错", "无法进入诉讼程序"],
)
def test_no_zero_without_a_countable_subject(text):
    assert mentions(text) == []


def test_noise_catalogue_is_data():
    table = pl.read_csv("transforms/data/quantity_noise.csv")
    assert set(table["rule"]) == {
        "phrase",
        "pattern",
        "before",
        "after",
        "after_pattern",
        "enumeration",
        "enumeration_lead",
        "enumeration_class",
        "gap_blocker",
    }
    assert set(table["numerals"]) <= {"any", "chinese"}


@pytest.mark.parametrize(
    "text",
    [
        "会议传达了县委九届二次、三次全会精神",
        "认真学习十九届五中、六中全会精神",
        "组织学习市第七次党代会报告",
    ],
)
def test_numbered_sessions_are_ordinals_not_counts(text):
    assert mentions(text) == []


def test_a_count_beside_a_numbered_session_survives():
    found = mentions("围绕二十届三中全会精神组织专题学法6次")
    assert [(m["value"], m["measure_word"]) for m in found] == [(6.0, "次")]


def test_jian_ci_is_one_item_word_not_jian_then_a_stray_ci():
    m = one("窗口全年受理登记业务1200件次")
    assert (m["value"], m["measure_code"], m["measure_word"]) == (1200.0, "item", "件次")


def test_a_hotline_number_before_a_count_is_a_name():
    found = mentions("受理8890平台诉求300件")
    assert [(m["value"], m["measure_word"]) for m in found] == [(300.0, "件")]


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        ("全年受理、办结行政复议案件分别为12件、10件", ["全年受理", "办结行政复议案件"]),
        ("调解纠纷和成功化解分别为45件和43件", ["调解纠纷", "成功化解"]),
        ("镇村两级排查、化解、上报矛盾纠纷分别为60件、57件、3件", ["镇村两级排查", "化解", "上报矛盾纠纷"]),
        ("行政复议、行政诉讼案件分别是2件与1件", ["行政复议", "行政诉讼案件"]),
    ],
)
def test_a_subject_list_is_zipped_with_a_number_list(text, subjects):
    found = mentions(text)
    assert [m["subject"] for m in found] == subjects
    for m in found:  # each number's cue search stops at the end of its own subject
        assert text[: m["context_end"]].endswith(m["subject"])


def test_paired_lists_need_fen_bie_and_matching_lengths():
    # a verb after 分别: the names before it are who was trained, not what is counted
    assert [m["subject"] for m in mentions("对执法人员和村干部分别开展培训3期、5期")] == [None, None]
    # three subjects, two numbers: nothing to zip
    assert [m["subject"] for m in mentions("受理、调处、办结信访件分别为8件、7件")] == [None, None]
    # numbers in a list but no 分别
    assert [m["subject"] for m in mentions("开展普法讲座6场、法律咨询9场")] == [None, None]


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("每个村至少配备2名专职调解员", "at_least"),
        ("确保每个村（社区）至少有1名法律明白人", "at_least"),
        ("每季度至少召开1次专题会议", "at_least"),
        ("力争群众满意率不低于95%", "at_least"),
        ("行政复议纠错率不超过2%", "at_most"),
        ("每年至多安排2次集中检查", "at_most"),
        ("办结时限压缩至3个工作日内", "at_most"),
        ("平均办理时间缩短至2天之内", "at_most"),
        ("至少开展了一轮排查，共排查隐患12处", "exact"),  # the bound word stands in another clause
        ("不超过规定时限办结12件", "exact"),  # the bound is on the time limit, not the count
    ],
)
def test_a_bound_word_a_few_words_before_the_number(text, qualifier):
    assert mentions(text)[-1]["qualifier"] == qualifier


@pytest.mark.parametrize(
    "text",
    [
        "对群众来信做到15日内答复",
        "承诺件在3个工作日内办结",
        "接到报警后24小时内响应",
        "限期30日以内整改到位",
    ],
)
def test_a_time_limit_before_the_act_is_a_rule_not_a_fact(text):
    assert mentions(text) == []


def test_a_time_limit_beside_a_count_leaves_the_count():
    found = mentions("对7日内未办结的12件诉求逐件督办")
    assert [(m["value"], m["measure_word"]) for m in found] == [(12.0, "件")]


@pytest.mark.parametrize(
    "text",
    [
        "全面推进政务、财务、事务三类公开",
        "建立健全矛盾排查、纠纷调处、风险预警三项机制",
        "聚焦执法、司法两个领域开展监督",
        "把村务档案分为政务、财务、事务三类",
        "围绕宣传、调解、援助三项服务开展活动",
        "推进政务、财务等五类公开",
        "提出健全制度、强化监督、严格考核3条建议",
        "梳理普法责任清单、任务清单两张清单",
    ],
)
def test_a_numeral_restating_a_list_of_names_is_structure(text):
    assert mentions(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("专题研究营商环境优化、规范性文件清理等10余项重要涉法事项", 10.0),
        ("协调解决项目推进、重大纠纷等4个实际难题", 4.0),
    ],
)
def test_a_larger_number_after_deng_is_a_total_not_the_list(text, value):
    assert [m["value"] for m in mentions(text)] == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("年内新建法治广场、法治长廊两个。", 2),  # a count at the clause end
        ("走访企业、商户共3家", 3),
        ("建立矛盾排查、纠纷调处机制5项", 5),  # the number is not the list's length
        ("新增12项、调整权限8项、下放3项行政权力事项", 3),  # a list of numbers, not of names
    ],
)
def test_a_list_followed_by_a_count_stays_a_count(text, value):
    assert mentions(text)[-1]["value"] == value


def test_an_amount_that_sorts_things_is_a_threshold_not_an_amount():
    found = mentions("对五十万元以上的工程合同逐一备案，共备案9份")
    assert [(m["value"], m["measure_code"]) for m in found] == [(9.0, "item")]
    assert mentions("投资3000万元以下项目实行承诺制") == []


def test_an_amount_with_a_bound_at_the_clause_end_stays_an_amount():
    m = one("为农民工追回欠薪80万元以上，")
    assert (m["value"], m["qualifier"]) == (800000.0, "at_least")


def test_once_per_period_is_a_frequency_not_a_count():
    found = mentions("全年开展检查4次(每个季度进行一次)")
    assert [(m["value"], m["measure_word"]) for m in found] == [(4.0, "次")]


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [("受众超3100人次", "more_than"), ("占比不足8%", "at_most"), ("不到5人", "at_most"), ("不低于95%", "at_least")],
)
def test_short_bound_words(text, qualifier):
    assert [m["qualifier"] for m in mentions(text)] == [qualifier]


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("案卷合格率达到百分之九十七点五", 97.5, "exact"),
        ("考试合格率百分之百", 100.0, "exact"),
        ("纠错率约为13%", 13.0, "approx"),
        ("修订完善村规民约、居民公约23份", 23.0, "exact"),  # the 约 of 公约 bounds nothing
    ],
)
def test_chinese_decimals_whole_percent_and_words_ending_in_a_bound(text, value, qualifier):
    assert [(m["value"], m["qualifier"]) for m in mentions(text)] == [(value, qualifier)]


def test_scaled_amounts_are_rounded():
    assert [m["value"] for m in mentions("罚没款共计1.36万元")] == [13600.0]


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [("优秀率达九成以上", 90.0, "at_least"), ("检查频次减少约三成", 30.0, "approx"), ("六成左右", 60.0, "approx")],
)
def test_tenths_are_percent(text, value, qualifier):
    found = mentions(text)
    assert [(m["value"], m["measure_code"], m["qualifier"]) for m in found] == [(value, "percent", qualifier)]
    assert mentions("做到一成不变") == [] and mentions("每一成员单位") == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("开展“收件即受理”“首席事务代表制”“容缺受理”三项改革", []),  # three quoted names, 三项 restates them
        ("开展“收件即受理”“首席事务代表制”三项改革", ["三项"]),  # two names, three reforms: a real count
        ("打造“法治夜市”1个品牌", ["1个"]),  # one quoted name is no list
        ("培育“法律明白人”两名", ["两名"]),  # 名 is no enumeration word
        ("按照三个“一号工程”部署", []),  # a numbered slogan
        ("创建两个“枫桥式”司法所", ["两个"]),  # the quote holds no numeral: a count
    ],
)
def test_quoted_lists_and_numbered_slogans(text, kept):
    """QTY-ENUM-QUOTED needs at least two quoted names, as many as the number says; the numbered-slogan
    pattern needs a numeral opening the quote."""
    assert [m["surface"] for m in mentions(text)] == kept


SPEED_CASES = (
    "全年办理行政复议案件12件、行政诉讼案件1,234件，筹集资金1.36万元，1亿五千万元到位",
    "群众满意率达百分之九十七点五，知晓率98.5%，受理投诉3-5起，组织培训十二次",
    "全年未发生因行政许可引发的行政复议案件，未发生行政诉讼案件，败诉率为零",
    "召开第3次会议，参会40余人，惠及群众近万人，开展“法律进社区”活动三次",
    "",
)


@pytest.mark.parametrize("which", ["number", "zero"])
def test_lazy_pre_pieces_read_the_groups_as_the_whole_pattern_does(which: str) -> None:
    """The fast reading of a `(?s)(?P<pre>.*?)X` pattern (groups off the piece's end) gives the same
    rows and columns as reading the groups with the whole pattern: X must keep no anchor or look-around."""
    from transforms import quantities as q

    s = sentences(*SPEED_CASES).with_columns(masked=pl.col("sentence"))
    z = q.zero_cues()
    pattern = q._quantity_pattern() if which == "number" else q._zero_count_pattern(
        lambda role: z.filter(pl.col("role") == role)["word"].to_list())
    assert pattern.startswith(q._LAZY_PRE)
    generic = (
        s.with_columns(piece=pl.col("masked").str.extract_all(pattern))
        .explode("piece")
        .drop_nulls("piece")
        .with_columns(pl.col("piece").str.extract_groups(pattern).alias("g"), plen=pl.col("piece").str.len_chars())
        .unnest("g")
        .with_columns(stop=pl.col("plen").cum_sum().over(q.KEYS))
        .with_columns(pos=(pl.col("stop") - pl.col("plen") + pl.col("pre").str.len_chars()).cast(pl.Int32))
    )
    fast = q._pieces(s, pattern)
    assert generic.height >= 2
    assert fast.equals(generic)


def test_a_bare_one_after_a_staffing_verb_is_a_head_count():
    """配备一名…、一名执业律师 says how many were engaged (QTY-BARE-ONE-STAFFED); 作为一名 is still the article."""
    found = mentions("配备一名具有法律背景的工作人员、一名执业律师作为政府兼职法律顾问")
    assert [(m["surface"], m["value"], m["measure_code"]) for m in found] == [("一名", 1, "person")] * 2
    assert mentions("作为一名执业律师参与调解") == []

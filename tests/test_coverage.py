"""Classification of real-report wording the catalogue first missed (issue 11).

Each sentence is written for this test in the style of the dev sets (evaluation/sets/2026-12-06-a/-b)
and of reports read in the pages corpus; none is copied. A case names the number it is about and the
indicator it must get, or `unclassified` where no catalogue code fits and a guess would be a wrong class.
"""

from __future__ import annotations

import polars as pl
import pytest

from transforms import rulebook
from transforms.indicators import classify_facts
from transforms.quantities import extract_mentions


def _facts(text: str, section: str = "achievements") -> pl.DataFrame:
    """One sentence as a whole report body in `section`."""
    s = pl.DataFrame(
        [
            {
                "source_file": "t.txt",
                "sentence_no": 1,
                "section": section,
                "sent_start": 0,
                "sent_end": len(text),
                "sentence": text,
            }
        ]
    ).cast({"sentence_no": pl.Int32, "sent_start": pl.Int32, "sent_end": pl.Int32})
    return classify_facts(extract_mentions(s), s)


def _code(text: str, value: float) -> str:
    """The indicator of the fact whose value is `value` (exactly one such fact)."""
    hit = _facts(text).filter(pl.col("value") == value)
    assert hit.height == 1, f"{text}: {hit.height} facts of value {value}"
    return hit["indicator_code"].item()


CASES = [
    # people counted before a verb of attending are the attendance of the activity named before (IND-ATTENDEES)
    ("举办依法行政专题培训班，各科室负责人和执法骨干80余人参加", 80, "training.participants"),
    ("开展宪法宣传周广场活动，周边居民300余人次参与", 300, "publicity.reach"),
    # a 、 listing whom one count covers does not cut off the clause's verb (IND-LIST-SEP-NEXT-ITEM)
    ("全县9个乡镇党委书记、县直部门主要负责人现场述法", 9, "leadership.law_reporting"),
    # 督察 is the spelling rule-of-law inspections use; cases of a file review; a unit's 行政案件 in 宗
    ("年内开展法治政府建设专项督察2次", 2, "supervision.inspections"),
    ("组织开展行政执法案卷交叉评查，抽查案件60件", 60, "enforcement.file_reviews"),
    ("全年本局收到行政案件3宗", 3, "litigation.admin_cases"),
    # 涉及 names no subject: the problems are those of the rectification before
    ("推进督察反馈问题整改，共涉及三个方面15个问题", 15, "enforcement.issues_rectified"),
    # a noun phrase pointing back (有关活动, 此类活动) carries the activity named before
    ("组织开展宪法主题法治宣传活动，全镇共开展相关活动15场", 15, "publicity.events"),
    # review and hearing heads; materials given away
    ("全年组织行政执法评查4次", 4, "enforcement.file_reviews"),
    ("组织新任职干部观摩庭审3次", 3, "court.hearing_attendance"),
    ("宪法宣传周期间赠送普法读物600余册", 600, "publicity.materials"),
    # the object of 对: the noun right after it names it, people acted on are counted by the act (IND-TARGET-OBJECT)
    ("对45份执法案卷进行集中评查", 45, "enforcement.file_reviews"),
    ("对86名新招录执法人员进行岗前培训", 86, "training.participants"),
    # attendees of an activity only a head names; a title between the verb and the number is read through
    ("组织全镇干部开展法律知识考试，42名机关干部参加", 42, "exam.participants"),
    ("组织党员干部学习《行政复议法》3次", 3, "study.sessions"),
    # 研究…法治 / 研究…依法: a leadership body taking up rule-of-law work; 普法讲座 is publicity; 行政检查
    ("镇党委会议研究部署法治政府建设工作5次", 5, "meeting.leadership_agenda"),
    ("开展进社区普法讲座14场", 14, "publicity.events"),
    ("全年开展涉企行政检查260次", 260, "enforcement.joint_operations"),
    # 办结 after the items received names a stage of those items (IND-STAGE-YIELDS)
    ("今年收到行政复议申请28件，已办结25件", 25, "review.admin_cases"),
    ("全年受理法律援助案件46件，办结41件", 41, "legal_aid.cases"),
    # people counted before the test they sat
    ("组织120名机关干部进行法律知识测试", 120, "exam.participants"),
    # 述法 counted by the units (个) whose heads reported: the count stands for the heads
    ("3个村党组织书记年内全部完成述法", 3, "leadership.law_reporting"),
    ("组织6个部门主要负责人开展现场述法", 6, "leadership.law_reporting"),
    ("全年12名村干部参加述职述法", 12, "leadership.law_reporting"),
    # a lecture for cadres on law counted in 期 is a training, not legal-adviser work
    ("镇里为村干部举办专题法律讲座3期", 3, "training.sessions"),
    ("组织开展专题法治讲座4期", 4, "training.sessions"),
    ("机关举办法治素养系列讲座8期", 8, "training.sessions"),
    # a standing committee's meetings named after the number
    ("年内召开3次常委会研究法治工作", 3, "meeting.leadership_agenda"),
    ("全年召开4次常委会(扩大)", 4, "meeting.leadership_agenda"),
    # inspection tasks counted in 项 are enforcement inspections
    ("全年完成检查任务15项", 15, "enforcement.joint_operations"),
    ("按计划开展随机抽查,完成“双随机”检查任务6项", 6, "enforcement.joint_operations"),
    # licences granted are licensing cases, not legality reviews
    ("全年准予行政许可35件,均按程序审核办理", 35, "approval.cases"),
    # sitting an enforcement exam: the people are exam participants, not certified staff
    ("为提高持证率,组织9名新进人员参加行政执法考试", 9, "exam.participants"),
    # people received at a petition desk counted in 人
    ("全年接待来访群众180人", 180, "petition.received"),
    # posters, banners and leaflets put up or handed out are publicity materials
    ("在村口张贴宣传海报300余份", 300, "publicity.materials"),
    ("悬挂宣传横幅25条", 25, "publicity.materials"),
    ("赶集日散发传单1500余份", 1500, "publicity.materials"),
    ("在集市散发宣传材料800余份", 800, "publicity.materials"),
    # who listens decides a lecture: cadres are trained, a school or villagers are informed; both named: the cue
    ("举办机关干部法治讲座3次", 3, "training.sessions"),
    ("深入学校为师生开展法治授课2场", 2, "publicity.events"),
    ("为社区干部和居民开展法治讲座3场", 3, "publicity.events"),
    ("局领导带头为全体干部开展法治讲座2次", 2, "publicity.events"),
    ("组织党员干部深入村组开展政策宣讲20场次", 20, "publicity.events"),
    ("为村（社区）干部举办法治讲座2期", 2, "training.sessions"),
    # a list written number first: the words after a number are its own, not the next one's
    ("组织5次中心组学习、7次专题研究法治工作", 7, "meeting.leadership_agenda"),
    ("召开6次党组会议、4次集中学法", 4, "study.sessions"),
    # lessons taught (堂次) in a party school's class train cadres
    ("县委党校主体班讲授民法典9堂次", 9, "training.sessions"),
    # the executive's office meetings and joint meetings are leadership meetings; routine meetings and
    # symposia of the work are meetings, as 会议 is
    ("全年召开镇长办公会12次", 12, "meeting.leadership_agenda"),
    ("召开党政联席会议6次", 6, "meeting.leadership_agenda"),
    ("全年召开法治工作例会4次", 4, "meeting.rule_of_law"),
    ("组织开展依法行政座谈会3次", 3, "meeting.rule_of_law"),
    # enforcement inspections are enforcement operations; law reporting counted in 人次 stays law reporting
    ("全年开展执法检查86次", 86, "enforcement.joint_operations"),
    ("领导干部年度述法21人次", 21, "leadership.law_reporting"),
    # a campaign's publicity activity, quizzes and shows on law are publicity events
    ("开展民法典宣传月活动9场", 9, "publicity.events"),
    ("组织法律知识竞赛3次", 3, "publicity.events"),
    ("开展法治文艺演出4场", 4, "publicity.events"),
    ("开展执法监督检查5次", 5, "supervision.inspections"),
    ("受理法律援助申请31件", 31, "legal_aid.cases"),
    # a lecture at a school is publicity even when 讲座 alone would make it legal-adviser work
    ("组织法治副校长进校园讲座6场", 6, "publicity.events"),
    # 述法 done so many times is law reporting, not a lecture; 审核率 is the share put through review
    ("主要负责人带头讲法治课2次，带头述法1次", 1, "leadership.law_reporting"),
    ("审核各类合同22份，审核率100%", 100, "legal_review.coverage_rate"),
    # the topic before a meeting noun names no count: the meetings are counted (a study held as one stays study)
    ("召开普法工作会议2次", 2, "meeting.rule_of_law"),
    ("全年召开3次信访工作会议", 3, "meeting.rule_of_law"),
    ("召开信访联席会议4次", 4, "meeting.leadership_agenda"),
    ("召开中心组学习会议5次", 5, "study.sessions"),
    ("张贴宣传标语60余条", 60, "publicity.materials"),
    # the object of 召开/列席 counts the meetings held when nothing nearer names the number
    ("召开党委会议听取司法所工作汇报2次", 2, "meeting.leadership_agenda"),
    ("组织召开村两委联席会议讨论村规民约修订7次", 7, "meeting.leadership_agenda"),
    ("召开镇长办公会部署依法治理工作3次", 3, "meeting.leadership_agenda"),
    # people a bare coverage word counts are the reach of what was counted just before them
    ("组织机关干部开展宪法学习4次，覆盖160人次", 160, "study.participants"),
    # a family with no indicator of people keeps the coverage word's class (disputes); hearings count attendees in
    # 人次 (court.hearing_attendance takes person_time), so cadres a hearing covered are its attendance
    ("组织调解纠纷12件，覆盖群众300人次", 300, "publicity.reach"),
    ("组织旁听庭审2次，覆盖干部80人次", 80, "court.hearing_attendance"),
    # a quoted name of an activity is read through: the word closing the name is its head (党课, 课堂)
    ("年内为村党员上“民法典”党课2次", 2, "leadership.lectures"),
    ("在4个社区开展“普法小课堂”9场", 9, "publicity.events"),
    # people before 参加 with the activity after it (IND-ATTENDED-HEAD-AFTER)
    ("组织全镇300余名干部参加宪法网络专题学习", 300, "study.participants"),
    # hearings attended counted per attendee (人次) are still hearing attendance
    ("组织执法人员旁听行政诉讼庭审210人次", 210, "court.hearing_attendance"),
]

# a bare sentence whose number stands next to a noun of its own does not borrow the sentence before; one
# naming nothing does (the whole paragraph goes through the stages, so sentences are split as in a report)
CARRIED = [
    ("组织干部集中学法。全年召开会议7次。", "7次|meeting.rule_of_law|actual|backoff:会议"),
    ("开展主任办公会前学法2次。已召开12期周例会。", "12期|meeting.rule_of_law|actual|backoff:例会"),
    ("组织干部集中学习宪法和民法典。累计开展9次。", "9次|study.sessions|actual|集中学习"),
]

# a count after 各 gives each listed body one count: the noun closing the list names them all
DISTRIBUTED = [
    ("全年召开镇党委、镇政府会议各3次", 3, ["meeting.rule_of_law", "meeting.rule_of_law"]),
    ("召开区委依法治区委、区委依法治区办会议各2次", 2, ["meeting.rule_of_law", "meeting.rule_of_law"]),
]

STAY_UNCLASSIFIED = [
    # a count that is whom a clause acts on (对…) keeps its window at the list's 、: towns are no cases
    ("对8个镇(街道)、县直部门开展执法检查和案件评查", 8),
    # people who attend with no activity named before them, and sittings of a test
    ("各村党支部书记30余人参加", 30),
    ("先后组织法律知识测试2次", 2),
    # a count of rules written, of topics studied, or of requests for disclosure: no catalogue code
    ("修订完善考勤、值班等内部制度12个", 12),
    ("全年办理依申请公开信息7件", 7),
    # reports made to the party committee are not meetings of its own
    ("向县委报告重大事项及请示报告9次", 9),
    # a held meeting's noun does not name a count its measure does not fit (tasks are no meetings)
    ("召开镇党委会议部署依法治镇工作，推动落实重点任务4项", 4),
]


@pytest.mark.parametrize(("text", "value", "code"), CASES, ids=[c[0] for c in CASES])
def test_real_wording_is_classified(text: str, value: float, code: str) -> None:
    assert _code(text, value) == code


@pytest.mark.parametrize(("text", "value"), STAY_UNCLASSIFIED, ids=[c[0] for c in STAY_UNCLASSIFIED])
def test_wording_no_code_fits_stays_unclassified(text: str, value: float) -> None:
    assert _code(text, value) == "unclassified"


@pytest.mark.parametrize(("text", "value", "codes"), DISTRIBUTED, ids=[c[0] for c in DISTRIBUTED])
def test_distributed_count_takes_the_lists_noun(text: str, value: float, codes: list[str]) -> None:
    hit = _facts(text).filter(pl.col("value") == value)
    assert hit["indicator_code"].to_list() == codes


@pytest.mark.parametrize(("text", "line"), CARRIED, ids=[c[0] for c in CARRIED])
def test_bare_sentence_carries_only_without_a_head(text: str, line: str) -> None:
    assert line in rulebook.render("indicators", text).splitlines()

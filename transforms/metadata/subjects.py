"""Where a report names its own unit: its title, its opening sentence, "现将某某…报告如下", the page
title, or (a report that only says 我市 / 我镇) the one division of that level its text names most.
Which of these is trusted first is data (metadata_trust_<field>.csv), applied in transforms.metadata."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container
from functools import lru_cache

from transforms import lexicon, rules
from transforms.metadata.patterns import limit, rx, words
from transforms.metadata.units import Unit, government_issuer, name_rules, parse_unit, suffix_rule
from transforms.places import LONGEST_NAME, LONGEST_STEM, admin_names, admin_stems, all_stems, division_forms

_SENTENCE_END = f"[{re.escape(lexicon.HARD_END)}]"


def unit_from_title(title: str | None) -> Unit | None:
    """吴川市大山江街道办事处关于2024年度… → that unit; 2020年静海区法治… → 静海区."""
    if not title:
        return None
    t = re.sub(r"[《》\"“”*#]", "", title).strip()
    if "关于" in t:
        return government_issuer(t[: t.index("关于")])
    cue = name_rules()["title"]
    m = re.match(rf"^\s*{lexicon.YEAR}\s*(?:年度|年|度)?(.+?)(?:{cue.pattern})", t)
    if m:
        return government_issuer(m.group(1))
    head = re.split(rf"{lexicon.YEAR}\s*(?:年度|年|度)|{cue.pattern}|年度报告", t)[0]
    return government_issuer(head)


def unit_from_opening(opening: str) -> Unit | None:
    """The unit the first sentence (else the second) names as its subject: "2023年，某某镇坚持…" → 某某镇.

    Only a clause-initial name directly followed by a predicate (opening_follow) counts, never a
    pronoun or collective (我局, 全县), a bare level word (街道, 县委县政府) or a party organ.
    """
    names = name_rules()
    opening = rx("META-OPENING-ALIAS").sub("", opening)  # 某某开发区（以下简称“某某”）坚持…
    sentences = re.split(_SENTENCE_END, opening, maxsplit=2)[:2]  # "2024年是…之年。某某街道始终坚持…"
    clauses = [c for sentence in sentences for c in re.split(r"[，,:：]", sentence)[: limit("META-OPENING-CLAUSES")]]
    for clause in clauses:  # 、 joins a clause: 在区委、区政府…领导下
        c = re.sub(rf"^\s*{lexicon.YEAR}\s*(?:年度|年)?(?:以来|来)?\s*", "", clause).strip()
        if zone := bare_zone_subject(c):  # before the skip words: 经开区 opens with 经 (经批准)
            return zone
        if len(c) < 3 or names["skip"].match(c) or c[0] in names["generic"]:
            continue
        for k in range(2, min(len(c), limit("META-OPENING-NAME-MAX-LEN"))):
            u = parse_unit(c[:k])
            if u is None or not names["follow"].match(c[k:]) or names["party"].search(u.full):
                continue
            # a level word opening the clause (镇党委…, 县政府…), unless it opens a division's name (镇宁自治县)
            bare_level = (u.full[0] in words("META-OPENING-BARE-LEVEL") and u.level != "部门"
                          and u.short not in division_forms())
            rule = suffix_rule(u.full)
            named = (len(u.full) - len(rule["suffix"]) >= 2 or u.short in admin_names()  # 息县, 新县
                     or rx("META-OPENING-PAIRED-ORGANS").match(c[k:]) is not None)  # 巴州党委、政府坚持…
            if bare_level or "的" in u.full or not named or (u.level == "部门" and len(u.short) < 3):
                continue
            if u.level == "省" and u.short not in admin_names():  # 建成湖南省…: a verb before a province
                continue
            return u
    return None


@rules.rule(id="META-OPENING-BARE-ZONE", stage="metadata",
            effect="a development zone's short kind (META-OPENING-BARE-ZONE-WORDS: 高新区, 经开区) as the opening "
                   "sentence's subject is the reporting unit, named by its kind",
            example="2023年，高新区坚持依法行政，法治政府建设取得新成效。\\n一、主要工作\\n"
                    "本年度围绕依法行政开展了多项工作，各项任务基本完成。",
            expect="unit_name=高新区\\nunit_full_name=高新区\\nunit_level=开发区",
            counter_example="2023年，高新区企业法治体检工作取得新成效。\\n一、主要工作\\n"
                            "本年度围绕依法行政开展了多项工作，各项任务基本完成。",
            counter_expect="unit_name=高新区",
            why="a zone's own report often names itself only as 高新区 or 经开区 (its city has one); as the subject "
                "of the opening, right before a predicate (高新区坚持…), it is the unit. A title's bare 高新区 is "
                "still no name (META-SUFFIX-ZONE-HIGH-TECH), nor is one that only qualifies a noun (高新区企业…)")
def bare_zone_subject(clause: str) -> Unit | None:
    """The zone a clause opens with when it is a word of META-OPENING-BARE-ZONE-WORDS followed by a predicate."""
    if not rules.enabled("META-OPENING-BARE-ZONE"):
        return None
    levels = dict(w.partition(":")[::2] for w in words("META-OPENING-BARE-ZONE-WORDS"))
    zone = next((z for z in levels if clause.startswith(z)), None)
    if zone is None or not name_rules()["follow"].match(clause[len(zone):]):
        return None
    return Unit(full=zone, short=zone, level=levels[zone] or None, parents=())


@rules.rule(id="META-OPENING-YEAR-LINE", stage="metadata",
            effect="when the first body line names no unit, the first line before the first part heading "
                   "that opens with the year (2023年，…) is the opening sentence",
            example="当前浏览器版本过低，可能会有安全风险且无法正常显示，建议您升级或使用其他浏览器。\\n"
                    "2023年，青石经济开发区坚持依法行政，全市法治政府建设工作任务全面完成，《重庆市法治政府建设实施方案》落实。\\n"
                    "一、主要工作\\n本年度围绕依法行政开展了多项工作，各项任务基本完成。",
            expect="unit_name=青石经济开发区",
            counter_example="当前浏览器版本过低，可能会有安全风险且无法正常显示，建议您升级或使用其他浏览器。\\n"
                            "一、主要工作\\n2023年，青石经济开发区坚持依法行政，全市法治政府建设工作任务全面完成，"
                            "《重庆市法治政府建设实施方案》落实。",
            counter_expect="unit_name=青石经济开发区",
            why="a scraped page may keep a browser notice or banner above the report; its opening sentence "
                "still starts with the year, and a zone it names as subject beats the city its cited plans name")
def year_led_opening(body: list[str]) -> str | None:
    """The first body line before the first part heading (META-COVER-END) opening with a year."""
    if not rules.enabled("META-OPENING-YEAR-LINE"):
        return None
    end, year = rx("META-COVER-END"), rx("META-YEAR-OPENING")
    for ln in body:
        if end.match(ln):
            return None
        if year.match(ln):
            return ln
    return None


def unit_reported_on(text: str) -> Unit | None:
    """"现将某某市2022年法治政府建设情况报告如下": the unit the report says it reports on."""
    m = rx("META-REPORT-AS").search(re.sub(r"《[^》]*》", "", text[: limit("META-REPORTED-ON-SPAN")]))
    return parse_unit(m.group(1)) if m else None


def page_title_unit(page_title: str | None) -> tuple[str | None, Unit | None]:
    """The part of a page's <title> that is the report's title, and the unit it names."""
    if not page_title:
        return None, None
    for part in re.split(r"\s*[_|｜—-]\s*", page_title):
        if name_rules()["title"].search(part):
            return part, unit_from_title(part)
    return None, None


@lru_cache(maxsize=1)
def _town_names() -> frozenset[str]:
    from transforms.places import divisions

    return frozenset(divisions().filter(divisions()["level"] == 4)["name"].to_list())


def self_named_unit(text: str) -> Unit | None:
    """A report that calls itself only "我市" / "县委、县政府" / "我镇" is the one division of that level it
    names most ("《某某市…实施方案》", "某某镇综治中心"), once being enough when it is the only one; none when
    two names tie. A town or street counts only under a name the division table has at that level.
    A report that says what only a department says of itself (我局, 局党组) is never that division: it is
    the department it names, or none (META-SELF-DEPARTMENT-FIELD).
    """
    levels = Counter(next(g for g in m.groups() if g) for m in rx("META-SELF-DIVISION").finditer(text))
    times = levels.most_common(1)[0][1] if levels else 0
    department = name_rules()["self_levels"].get("部门")  # a bureau saying 我局 and 全市: the city is its field
    if department is not None and (said := len(department.findall(text))) and said >= times:
        return self_named_department(text)
    if not levels:
        return None
    tail = levels.most_common(1)[0][0]
    forms = _town_names() if tail in ("镇", "乡", "街道") else division_forms()
    seen: Counter[str] = Counter()
    back = LONGEST_NAME - 1  # a bound: any division name ending at the level word fits
    for i in range(len(text)):
        if not text.startswith(tail, i):
            continue
        end = i + len(tail)
        name = next((text[j:end] for j in range(max(0, i - back), i - 1) if text[j:end] in forms), None)
        name = name or one_char_stem(text, i, end, forms)
        if name and not name.endswith("自治区"):
            seen[name] += 1
    top = seen.most_common(2) or stem_in_frame(text, tail).most_common(2) or zones_named(text, tail).most_common(2)
    # named once is enough when no other division of that level is named at all
    if not top or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    if department is not None and department.search(text) and (bureau := sector_bureau(text)):
        return parse_unit(top[0][0] + bureau)
    if name_rules()["department_self"].search(text):  # 我局 once, 我县 twice: the county is its field
        return self_named_department(text)
    return parse_unit(top[0][0])


@rules.rule(id="META-SELF-NAMED-ZONE", stage="metadata",
            effect="a report saying only 我区 that names no district is the zone it writes as <place stem> + a "
                   "zone's short kind (META-OPENING-BARE-ZONE-WORDS: 南昌经开区)",
            example="2022年以来，我区坚持依法行政，扎实推进各项工作。\\n一、主要工作\\n"
                    "制定《南昌经开区法治政府建设实施方案》，经开区干部法治意识明显增强。",
            expect="unit_name=南昌经开区\\nunit_full_name=南昌经开区\\nunit_level=开发区",
            counter_example="2022年以来，我区坚持依法行政，扎实推进各项工作。\\n一、主要工作\\n"
                            "制定《法治政府建设实施方案》，经开区干部法治意识明显增强。",
            counter_expect="unit_name=",
            why="a zone's report says 我区 like a district's, but the name it cites its own plans under is the "
                "city's stem and 经开区 / 高新区; the stem may be shared by a city and a county (南昌), it only "
                "says where the zone is")
def zones_named(text: str, tail: str) -> Counter[str]:
    """How often the text writes each <stem><zone kind> (南昌经开区), for a report saying 我区 (`tail` 区)."""
    if not rules.enabled("META-SELF-NAMED-ZONE") or tail != "区":
        return Counter()
    stems = all_stems()
    seen: Counter[str] = Counter()
    for zone in (w.partition(":")[0] for w in words("META-OPENING-BARE-ZONE-WORDS")):
        for m in re.finditer(re.escape(zone), text):
            head = text[max(0, m.start() - LONGEST_STEM) : m.start()]
            place = next((head[-k:] for k in range(len(head), 1, -1) if head[-k:] in stems), None)
            if place:
                seen[place + zone] += 1
    return seen


@rules.rule(id="META-SELF-NAMED-ONE-CHAR", stage="metadata",
            effect="a division whose name is one character and its level word (房县, 沛县) counts for a report "
                   "saying only 我县 where it stands after no other Chinese character (《房县…》, a line's start)",
            example="2022年，我县坚持依法行政，全县法治政府建设取得新成效。\\n一、主要工作\\n"
                    "印发《房县法治政府建设实施方案》，全县干部法治意识明显增强。",
            expect="unit_full_name=房县",
            counter_example="2022年，我县坚持依法行政，全县法治政府建设取得新成效。\\n一、主要工作\\n"
                            "推进创新县域治理，全县干部法治意识明显增强。",
            counter_expect="unit_full_name=",
            why="a report that lost its title names its county only in the plans it cites; a two-character name "
                "is also a piece of words (创新县域 holds 新县), so it counts only where no character runs into it")
def one_char_stem(text: str, i: int, end: int, forms: Container[str]) -> str | None:
    """The two-character division ending at `end` (its level word at `i`) when no Chinese character stands before it."""
    if not rules.enabled("META-SELF-NAMED-ONE-CHAR") or i < 1:
        return None
    name = text[i - 1:end]
    if name not in forms or (i >= 2 and "\u4e00" <= text[i - 2] <= "\u9fff"):
        return None
    return name


@rules.rule(id="META-SELF-NAMED-STEM", stage="metadata",
            effect="a report saying only 我市 that never writes a city's full name is the city whose stem it "
                   "writes in a name's frame (法治天水, 天水广播电视台)",
            example="2022年，我市坚持依法行政，全市法治政府建设取得新成效。\n一、主要工作\n"
                    "市政府领导带头宣讲，《法治天水》栏目推出专题，全市干部法治意识明显增强。",
            expect="unit_full_name=天水市",
            counter_example="2022年，我市坚持依法行政，全市法治政府建设取得新成效。\n一、主要工作\n"
                            "市政府领导带头宣讲，天水栏目推出专题，全市干部法治意识明显增强。",
            counter_expect="unit_full_name=天水市",
            why="a page that lost its title keeps the city only in its slogans (法治X, 平安X) and media "
                "(X广播电视台, X日报), which use the stem; a stem elsewhere may be a plain word (长治久安)")
def stem_in_frame(text: str, tail: str) -> Counter[str]:
    """Divisions ending in `tail` whose stem stands right after a frame's prefix word or right
    before its suffix word (META-STEM-FRAME), counted by their full name."""
    seen: Counter[str] = Counter()
    if not rules.enabled("META-SELF-NAMED-STEM"):
        return seen
    stems = admin_stems()
    for m in rx("META-STEM-FRAME").finditer(text):
        spans = ((m.end(), m.end() + k) if m.group("pre") else (m.start() - k, m.start())
                 for k in range(LONGEST_STEM, 1, -1))
        full = next((f for a, b in spans if a >= 0 and (f := stems.get(text[a:b])) and f.endswith(tail)), None)
        if full:
            seen[full] += 1
    return seen


@rules.rule(id="META-SELF-NAMED-SECTOR", stage="metadata",
            effect="a report saying 我局 whose text leads 全市<sector>系统 is that sector's bureau of the division "
                   "it names (全市司法行政系统 + 遂宁市 → 遂宁市司法局)",
            example="2022年，全市司法行政系统坚持依法行政，贯彻《青州市法治政府建设实施方案》。\n一、主要工作\n"
                    "我局坚持依法行政，全市法治意识明显增强，本年度各项任务基本完成。",
            expect="unit_full_name=青州市司法局",
            counter_example="2022年，全市司法行政系统坚持依法行政，贯彻《青州市法治政府建设实施方案》。\n一、主要工作\n"
                            "我市坚持依法行政，全市法治意识明显增强，本年度各项任务基本完成。",
            counter_expect="unit_full_name=青州市司法局",
            why="a bureau reports for the system it leads across its division (全市司法行政系统) and calls "
                "itself only 我局; the sector names the bureau, the division it serves is its parent")
def sector_bureau(text: str) -> str | None:
    """The bureau of the first sector system the text names (全县应急管理系统 → 应急管理局)."""
    if not rules.enabled("META-SELF-NAMED-SECTOR"):
        return None
    bureaus = dict(w.split(":", 1) for w in words("META-SECTOR-BUREAUS"))
    return next((bureaus[m.group(1)] for m in rx("META-SECTOR-SYSTEM").finditer(text) if m.group(1) in bureaus), None)


@rules.rule(id="META-SELF-NAMED-DEPARTMENT", stage="metadata",
            effect="a report saying only 我局 is the department its text names most with its division in front",
            example="一、主要工作\\n现将我局法治政府建设工作开展情况总结如下：制定《2024年度青阳县应急管理局学法计划》，"
                    "我局坚持依法行政，本年度围绕依法行政开展了多项工作，各项任务基本完成。",
            expect="unit_name=应急管理局",
            counter_example="一、主要工作\\n现将我局法治政府建设工作开展情况总结如下：制定《2024年度学法计划》，"
                            "我局坚持依法行政，全县干部群众的法治意识明显增强，应急管理局各项任务基本完成。",
            counter_expect="unit_name=",
            why="a bureau's report never names itself in its opening but cites its own plans "
                "(《某某县某某局学法计划》); "
                "the 全县 it serves is its parent, not its name")
def self_named_department(text: str) -> Unit | None:
    """The department a report saying 我局 names most as <division><department> (霍邱县应急管理局),
    a name that begins with a division it was written under; none when two tie."""
    if not rules.enabled("META-SELF-NAMED-DEPARTMENT"):
        return None
    forms = division_forms()
    seen: Counter[Unit] = Counter()
    for m in rx("META-DEPARTMENT-NAMED").finditer(text):
        name = m.group(0)
        for j in range(len(name) - 3):  # the longest tail that reads as a department under a division
            u = parse_unit(name[j:])
            if u is not None and u.level == "部门" and u.parents and u.parents[0] in forms:
                seen[u] += 1
                break
    top = seen.most_common(2)
    if not top or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    return top[0][0]


@rules.rule(id="META-ZONE-IN-TEXT", stage="metadata",
            effect="a zone named by the generic word alone takes the place the text writes before it most",
            example="经济开发区2024年度法治政府建设情况报告\\n2024年，宁河经济开发区坚持依法行政，宁河经济开发区各项工作取得成效。",
            expect="unit_name=宁河经济开发区",
            counter_example="经济开发区2024年度法治政府建设情况报告\\n2024年，本区坚持依法行政，各项工作取得成效。",
            counter_expect="unit_name=宁河",
            why="a zone's own site titles its report 经济开发区…报告; the body says which zone it is")
def zone_named_in_text(text: str, unit: Unit) -> Unit | None:
    """A zone that calls itself by the generic word alone ("经济开发区2024年度…报告") is the one
    "<place>+word" the text names most (2024年宁河经济开发区…), the place a division name or stem."""
    if not rules.enabled("META-ZONE-IN-TEXT"):
        return None
    if unit.level != "开发区" or unit.short not in name_rules()["zones"] or unit.parents:
        return None
    forms, stems = division_forms(), admin_stems()
    seen: Counter[str] = Counter()
    for m in re.finditer(re.escape(unit.short), text):
        back = LONGEST_NAME  # a bound: any division name or stem before the zone's word fits
        head = text[max(0, m.start() - back) : m.start()]
        tails = (head[-k:] for k in range(min(back, len(head)), 1, -1))
        place = next((t for t in tails if t in forms or t in stems), None)
        if place:
            seen[place + unit.short] += 1
    return parse_unit(seen.most_common(1)[0][0]) if seen else None


def level_of_self_reference(text: str) -> str | None:
    """The level a report implies when it never names itself (我局 → 部门, 我乡 → 乡): most hits wins, except
    that what only a department says of itself (我局, 局党组) makes it a department's at once."""
    if name_rules()["department_self"].search(text):
        return "部门"
    hits = Counter({level: len(p.findall(text)) for level, p in name_rules()["self_levels"].items()})
    top = hits.most_common(2)
    if not top or top[0][1] == 0 or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    return top[0][0]

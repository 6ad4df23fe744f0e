"""Who reported, about which year, signed and published when: one REPORTS row per document.

Every field is read from what the report states, in a fixed order of trust: the report's own
title line, then its signature (落款: unit and date closing the text), then the page header
(名称 / 发布机构 / 发布日期 / 文号 fields) and page title. A field nothing states is NULL: "我镇"
names no unit and the publication year is no report year. The name cues (issuer suffixes,
department words, zone names) live in data/unit_names.yaml.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl
import yaml

from transforms.places import (
    PLACE_COLUMNS,
    admin_names,
    admin_stems,
    division_forms,
    resolve_places,
    short_forms,
    split_parents,
)
from transforms.schemas import REPORTS, conform

NAMES_PATH = Path(__file__).parent / "data" / "unit_names.yaml"

_CN_DIGIT = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_YEAR = "[〇○零O一二三四五六七八九]{4}"
_CN_SMALL = "[一二三四五六七八九十]{1,3}"
DATE_RE = re.compile(
    rf"(?P<y>\d{{4}})\s*年\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*日"
    rf"|(?P<cy>{_CN_YEAR})\s*年\s*(?P<cm>{_CN_SMALL})\s*月\s*(?P<cd>{_CN_SMALL})\s*日"
    # a signature written 2025.1.16 or 2025-01-16
    rf"|(?<!\d)(?P<ny>20\d{{2}})(?P<sep>[.\-/])(?P<nm>\d{{1,2}})(?P=sep)(?P<nd>\d{{1,2}})(?!\d)"
)
SEAL_RE = re.compile(r"^\s*[(（【\[]?\s*(?:盖章|印章|公章|章)\s*[)）】\]]?\s*$")  # 2025年1月8日（盖章）
ISO_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
DOCNO = r"[\u4e00-\u9fff]{1,12}\s*[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*第?\s*\d{1,4}\s*号"
DOCNO_LINE_RE = re.compile(rf"^\s*(?:(?:文号|发文字号|字号)\s*[|:：]?\s*)?({DOCNO})")
_KEYS = ("名称", "标题", "发布机构", "发文机关", "发文机构", "发文单位", "发布单位", "信息来源", "文章来源", "来源")
_KEYS += ("所属机构", "发布日期", "发布时间", "发布于", "更新时间", "时间")
_KEYS += ("成文日期", "成文时间", "发文字号", "文号", "索引号")
# keys that are a tail of longer words (发文日期, 成文日期): a key only where no hanzi stands before them
_BARE_KEYS = ("日期",)
# a key may be spaced out ("标 题", "文       号": table cells justify a two-character key to the width of
# four) and closed by "|", ":" or a bracket ("[ 发布日期 ] 2026-02-10")
FIELD_KEYS = "|".join(
    [r"\s{0,8}".join(k) for k in sorted(_KEYS, key=len, reverse=True)]
    + [r"(?<![\u4e00-\u9fff])" + r"\s{0,8}".join(k) for k in _BARE_KEYS]
)
FIELD_RE = re.compile(rf"({FIELD_KEYS})\s*(?:[|:：]|[\]】]\s*[:：]?)\s*")
# a long key opening a line may run into its value with no mark ("发布日期2026-01-27", "发布机构某某县…")
FIELD_GLUED_RE = re.compile(
    r"^\s*(" + "|".join(sorted((k for k in _KEYS if len(k) >= 4), key=len, reverse=True)) + r")\s*(?=[\u4e00-\u9fff\d])"
)
SIGNED_KEYS = ("成文日期", "成文时间")
PUBLISHED_KEYS = ("发布日期", "发布时间", "发布于", "时间", "更新时间", "日期")  # in order of trust
# an unlabelled time stamp alone on a header line ("• 2023年03月30日 09时24分") dates the page
STAMP_RE = re.compile(r"^[•·\s]*(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)\s*\d{1,2}\s*[:时]\s*\d{2}")
# a dashed date alone on a header line under the title ("2026-01-27") is the page's date too: a signing
# date is written 2026年1月27日 and stands at the end
BARE_STAMP_RE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})$")
YEAR_RE = re.compile(r"(20\d{2}|19\d{2})\s*(?:年度|年|度)")
JUNK_TAIL_RE = re.compile(r"扫一扫|相关稿件|打印|关闭|分享|责任编辑|浏览|版权|主办|网站|附件|当前页")
# a document's distribution footer under the 落款 ("抄送：…", "某某办公室 2023年3月3日印发", "（此件公开发布）"):
# it closes the document, but its date is the printing date, never the signature's
FOOTER_RE = re.compile(r"^\s*(?:抄送|抄报|主送|分送|发送)\s*[:：]|印发\s*$|^[(（]?此件[^)）]{0,8}[)）]?$")
CRUMB_RE = re.compile(r">|＞|»|当前位置|所在位置|您的位置")
TITLE_END_RE = re.compile(r"(情况|总结|工作)$")
GLUED_TITLE_RE = re.compile(r"([\u4e00-\u9fff]{2,30}关于[\u4e00-\u9fff\d]{2,40}?报告)")
PUNCT_RE = re.compile(r"[。，,；;！!？?“”\"《》()（）、:：]")


@dataclass(frozen=True)
class Unit:
    full: str  # as written
    short: str  # canonical short name
    level: str
    parents: tuple[str, ...]  # division names peeled off the front, outermost first


@lru_cache(maxsize=2)
def name_rules(path: Path = NAMES_PATH) -> dict:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    suffixes = [dict(s) for s in raw["issuer_suffixes"]]
    suffixes += [{"suffix": w, "drop": "", "add": "", "level": "部门"} for w in raw["department_words"]]
    suffixes.sort(key=lambda s: -len(s["suffix"]))
    return {
        "suffixes": suffixes,
        "zones": frozenset(raw["zone_names"]),
        "zones_longest": tuple(sorted(raw["zone_names"], key=len, reverse=True)),
        "parent_government": tuple(raw["parent_government"]),
        "party": re.compile(raw["party_issuer"]),
        "party_prefix": re.compile(raw["party_prefix"]),
        "party_of_unit": re.compile(raw["party_of_unit"]),
        "title": re.compile(raw["title_cues"]),
        "not_units": re.compile(raw.get("not_unit_names") or "(?!)"),
        "self_levels": {level: re.compile(rx) for level, rx in (raw.get("self_levels") or {}).items()},
        "follow": re.compile(raw["opening_follow"]),
        "skip": re.compile(raw["opening_skip"]),
        "generic": raw["opening_generic"],
    }


def _stem(parent: str) -> str:
    """阳新县 → 阳新: a zone's canonical name keeps the county stem, not its level word."""
    for tail in ("自治县", "县", "市", "区", "旗"):
        if parent.endswith(tail) and len(parent) - len(tail) >= 2:
            return parent[: -len(tail)]
    return parent


def parse_unit(name: str | None) -> Unit | None:
    """Read a unit name; None when the string does not end like a unit (so it is no name)."""
    if not name:
        return None
    full = re.sub(r"\s+", "", name).strip("#*·•:：,，、")
    if not 2 <= len(full) <= 40 or PUNCT_RE.search(full) or re.search(r"\d", full):
        return None
    rules = name_rules()
    rule = next((s for s in rules["suffixes"] if full.endswith(s["suffix"])), None)
    if rule is None or full == rule["suffix"] or rules["not_units"].search(full):  # a bare level word names no unit
        return None
    core = full[: len(full) - len(rule["drop"])] if rule["drop"] else full
    core += rule["add"]
    chain, short = split_parents(core)
    if chain:  # 某某区人民政府某某街道办事处: the government of the parent division, then the unit
        gov = next((g for g in rules["parent_government"] if short.startswith(g) and len(short) - len(g) >= 2), "")
        short = short[len(gov) :]
    if not chain and len(short) > 2 and short[0] in "省市县区" and rule["level"] in ("部门", "开发区"):
        short = short[1:]  # 区司法局, 县经济开发区: a bare level word stands for the parent
    if rule["level"] == "部门":  # 高新区综治局: the zone a department belongs to is its parent, not its name
        zone = next((z for z in rules["zones_longest"] if short.startswith(z) and len(short) - len(z) >= 2), "")
        short = short[len(zone) :]
    if rule["level"] == "开发区" and short in rules["zones"] and chain:
        short = _stem(chain[-1]) + short
    if len(short) < 2:
        return None
    level = rule["level"]
    if level == "开发区" and short.endswith("区") and short in admin_names():  # 浦东新区 is a district
        level = "区"
    return Unit(full=full, short=short, level=level, parents=tuple(chain))


def government_issuer(head: str) -> Unit | None:
    """From "中共X工作委员会 X办事处" take the government: the last issuer that is no party organ."""
    party = name_rules()["party"]
    head = head.strip()
    parts = [p for p in re.split(r"[\s、]+", head) if p]
    if len(parts) == 1 and re.match(r"^(中共|中国共产党)", parts[0]):
        m = re.match(r"^(.+?(?:委员会|党工委|党委))(.+)$", parts[0])
        if m:
            parts = [m.group(1), m.group(2)]
    units = [(p, parse_unit(p)) for p in parts]
    gov = [u for p, u in units if u is not None and not party.search(p)]
    if gov:
        return gov[-1]
    if len(parts) > 1:
        return parse_unit("".join(parts))
    own = name_rules()["party_of_unit"].match(parts[0]) if parts else None  # 中共某某市某某局党组
    return parse_unit(own.group("unit")) if own else None


def unit_from_title(title: str | None) -> Unit | None:
    """吴川市大山江街道办事处关于2024年度… → that unit; 2020年静海区法治… → 静海区."""
    if not title:
        return None
    t = re.sub(r"[《》\"“”*#]", "", title).strip()
    if "关于" in t:
        return government_issuer(t[: t.index("关于")])
    cue = name_rules()["title"]
    m = re.match(rf"^\s*(?:20\d{{2}}|19\d{{2}})\s*(?:年度|年|度)?(.+?)(?:{cue.pattern})", t)
    if m:
        return government_issuer(m.group(1))
    head = re.split(rf"(?:20\d{{2}}|19\d{{2}})\s*(?:年度|年|度)|{cue.pattern}|年度报告", t)[0]
    return government_issuer(head)


def unit_from_opening(opening: str) -> Unit | None:
    """The unit the first sentence (else the second) names as its subject: "2023年，某某镇坚持…" → 某某镇.

    Only a clause-initial name directly followed by a predicate (opening_follow) counts, never a
    pronoun or collective (我局, 全县), a bare level word (街道, 县委县政府) or a party organ.
    """
    rules = name_rules()
    sentences = re.split(r"[。；;！!？?]", opening, maxsplit=2)[:2]  # "2024年是…之年。某某街道始终坚持…"
    clauses = [c for sentence in sentences for c in re.split(r"[，,:：]", sentence)[:4]]
    for clause in clauses:  # 、 joins a clause: 在区委、区政府…领导下
        c = re.sub(r"^\s*(?:20\d{2}|19\d{2})\s*(?:年度|年)?(?:以来|来)?\s*", "", clause).strip()
        if len(c) < 3 or rules["skip"].match(c) or c[0] in rules["generic"]:
            continue
        for k in range(2, min(len(c), 24)):
            u = parse_unit(c[:k])
            if u is None or not rules["follow"].match(c[k:]) or rules["party"].search(u.full):
                continue
            # a level word opening the clause (镇党委…, 县政府…), unless it opens a division's name (镇宁自治县)
            bare_level = u.full[0] in "省市县区乡镇" and u.level != "部门" and u.short not in division_forms()
            rule = next(r for r in rules["suffixes"] if u.full.endswith(r["suffix"]))
            named = len(u.full) - len(rule["suffix"]) >= 2 or u.short in admin_names()  # 息县, 新县
            if bare_level or "的" in u.full or not named or (u.level == "部门" and len(u.short) < 3):
                continue
            if u.level == "省" and u.short not in admin_names():  # 建成湖南省…: a verb before a province
                continue
            return u
    return None


SELF_RE = re.compile(
    r"[我本](市|县|区|州|旗|镇|乡|街道)|全(市|县|州|旗|镇|乡|街道)(?!办)|(市|县|区|州|旗)委、\3?政府"
    # the government as the subject of a sentence ("市政府坚持…", "现将省政府2024年度…报告如下")
    r"|(?:^|[\n。；，])(?:现将)?(省|市|县|区|州|旗)(?:人民)?政府(?=坚持|深入|认真|始终|全面|紧紧|着力|扎实|持续|高度|积极|大力|\d)"
)



@lru_cache(maxsize=1)
def _town_names() -> frozenset[str]:
    from transforms.places import divisions

    return frozenset(divisions().filter(divisions()["level"] == 4)["name"].to_list())


def self_named_unit(text: str) -> Unit | None:
    """A report that calls itself only "我市" / "县委、县政府" / "我镇" is the one division of that level it
    names most ("《某某市…实施方案》", "某某镇综治中心"), once being enough when it is the only one; none when
    two names tie. A town or street counts only under a name the division table has at that level.
    """
    levels = Counter(next(g for g in m.groups() if g) for m in SELF_RE.finditer(text))
    if not levels:
        return None
    tail, times = levels.most_common(1)[0]
    department = name_rules()["self_levels"].get("部门")  # a bureau saying 我局 and 全市: the city is its field
    if department is not None and len(department.findall(text)) >= times:
        return None
    forms = _town_names() if tail in ("镇", "乡", "街道") else division_forms()
    seen: Counter[str] = Counter()
    for i in range(len(text)):
        if not text.startswith(tail, i):
            continue
        end = i + len(tail)
        name = next((text[j:end] for j in range(max(0, i - 11), i - 1) if text[j:end] in forms), None)
        if name and not name.endswith("自治区"):
            seen[name] += 1
    top = seen.most_common(2)
    # named once is enough when no other division of that level is named at all
    if not top or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    return parse_unit(top[0][0])


ADDRESSEE_RE = re.compile(r"([\u4e00-\u9fff]{2,12}?(?:省|市|县|区|州|旗|盟))(?:委员会|委|人民政府|政府)")


def addressed_parent(header: list[str], unit: Unit) -> str | None:
    """The superior the report is addressed to ("中共某某市委、某某市人民政府：") as the unit's parent.

    Taken only for a unit below the addressee's level, and for a town or street only when the
    division table has a unit of that name under it.
    """
    from transforms.places import divisions

    rank = {"省": 1, "市": 2, "区": 3, "县": 3, "街道": 4, "镇": 4, "乡": 4, "开发区": 4, "部门": 4}
    for ln in header[:12]:
        if not re.search(r"[:：]$", ln) or len(ln) > 40:
            continue
        forms = division_forms()  # 红河州 is written for 红河哈尼族彝族自治州
        names = [n for n in ADDRESSEE_RE.findall(ln) if n in forms]
        if not names:
            continue
        parent = names[-1]
        level = divisions().filter(divisions()["name"] == forms[parent])["level"].min()
        if level is None or rank.get(unit.level, 0) <= level:
            return None
        if unit.level in ("街道", "镇", "乡"):
            t = divisions()
            kids = t.filter((t["name"] == unit.short) & (t["level"] == 4))
            rows = kids.iter_rows(named=True)
            if not any(forms[parent] in (r["province"], r["prefecture"], r["county"]) for r in rows):
                return None
        return parent
    return None


def zone_named_in_text(text: str, unit: Unit) -> Unit | None:
    """A zone that calls itself by the generic word alone ("经济开发区2024年度…报告") is the one
    "<place>+word" the text names most (2024年宁河经济开发区…), the place a division name or stem."""
    if unit.level != "开发区" or unit.short not in name_rules()["zones"] or unit.parents:
        return None
    forms, stems = division_forms(), admin_stems()
    seen: Counter[str] = Counter()
    for m in re.finditer(re.escape(unit.short), text):
        head = text[max(0, m.start() - 6) : m.start()]
        tails = (head[-k:] for k in range(min(6, len(head)), 1, -1))
        place = next((t for t in tails if t in forms or t in stems), None)
        if place:
            seen[place + unit.short] += 1
    return parse_unit(seen.most_common(1)[0][0]) if seen else None


def level_of_self_reference(text: str) -> str | None:
    """The level a report implies when it never names itself (我局 → 部门, 我乡 → 乡): most hits wins."""
    hits = Counter({level: len(rx.findall(text)) for level, rx in name_rules()["self_levels"].items()})
    top = hits.most_common(2)
    if not top or top[0][1] == 0 or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    return top[0][0]


def parent_named_in_text(text: str, unit: Unit) -> str | None:
    """The direct parent division the text names anywhere ("根据某某旗…要求" in a report of a town of
    that 旗): only a county (for a town or street) or a prefecture (for a county or district) that
    the division table says holds a unit of this name, and only when exactly one such is named."""
    from transforms.places import divisions

    level = {"街道": 4, "镇": 4, "乡": 4, "县": 3, "区": 3, "市": 3}.get(unit.level or "")
    if level is None:
        return None
    t = divisions()
    above = "county" if level == 4 else "prefecture"  # a 市 here is a county-level city (文山市 under 文山州)
    official = division_forms().get(unit.short, unit.short)
    parents = t.filter((t["name"] == official) & (t["level"] == level))[above].drop_nulls().unique().to_list()
    rest = text.replace(unit.short, "")
    written = {p: [f for f in _written_forms(p) if f in rest] for p in parents}
    named = [max(forms, key=len) for forms in written.values() if forms]
    return named[0] if len(named) == 1 else None


def _written_forms(official: str) -> tuple[str, ...]:
    """A division's name as the table has it and its short forms (文山州 for 文山壮族苗族自治州)."""
    return (official, *_short_forms_by_official().get(official, ()))


@lru_cache(maxsize=1)
def _short_forms_by_official() -> dict[str, tuple[str, ...]]:
    by: dict[str, list[str]] = {}
    for form, official in short_forms().items():
        by.setdefault(official, []).append(form)
    return {official: tuple(forms) for official, forms in by.items()}


def parents_in_lines(lines: list[str], unit: Unit) -> tuple[str, ...]:
    """The unit's short name written with division names in front on a header line (天津市静海区人民政府)."""
    for ln in lines:
        for m in re.finditer(re.escape(unit.short), ln):
            head = re.findall(r"[\u4e00-\u9fff]+$", ln[: m.start()])
            if head:
                chain, rest = split_parents(name_rules()["party_prefix"].sub("", head[0]) + unit.short)
                if chain and rest == unit.short:
                    return tuple(chain)
    return ()


def _to_date(m: re.Match) -> dt.date | None:
    try:
        if m.group("y"):
            return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if m.group("ny"):
            return dt.date(int(m.group("ny")), int(m.group("nm")), int(m.group("nd")))
        year = int("".join(str(_CN_DIGIT[c]) for c in m.group("cy")))
        return dt.date(year, _cn_small(m.group("cm")), _cn_small(m.group("cd")))
    except (ValueError, KeyError):
        return None


def _cn_small(s: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十一 → 21."""
    if "十" not in s:
        return _CN_DIGIT[s]
    tens, _, ones = s.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def _lines(text: str) -> list[str]:
    """Stripped lines; a tab-separated table row reads like a "|" row."""
    return [ln.replace("\t", " | ").strip().strip("#*").strip() for ln in text.split("\n")]


def header_lines(lines: list[str]) -> list[str]:
    """Lines before the first body paragraph (a punctuated or very long line that is no table row).

    A paragraph among the first lines that a title line follows closely is page chrome (a site's
    slogan banner above the article), not the body: the header goes on past it.
    """
    out: list[str] = []
    for i, ln in enumerate(lines):
        if "|" not in ln and (len(ln) >= 100 or (len(ln) >= 25 and re.search(r"[，,；;。]", ln))):
            ahead = [a for a in lines[i + 1 : i + 6] if a]
            if len([o for o in out if o]) < 3 and any(_is_title(a) and not PUNCT_RE.search(a) for a in ahead):
                out.append(ln)
                continue
            break
        out.append(ln)
    return out[:40]


def _is_title(ln: str) -> bool:
    """A title line: the report's cue and 报告, or a short unpunctuated line ending 情况 / 总结 with a year."""
    cue = name_rules()["title"]
    if not cue.search(ln) or len(ln) > 80:
        return False
    if "报告" in ln:
        return True
    return bool(YEAR_RE.search(ln)) and not PUNCT_RE.search(ln) and len(ln) <= 60 and bool(TITLE_END_RE.search(ln))


def find_title(header: list[str]) -> str | None:
    """The report's own title line; a title broken over two lines is joined.

    Breadcrumbs ("首页>…>法治政府建设报告") and header field rows are no title.
    """
    cue = name_rules()["title"]
    rows = [ln for ln in header if ln and "|" not in ln and not CRUMB_RE.search(ln) and not FIELD_RE.search(ln)]
    for i, ln in enumerate(rows):
        nxt = rows[i + 1] if i + 1 < len(rows) else ""
        if _is_title(ln):
            return ln
        if nxt.startswith("关于") and "报告" in nxt and government_issuer(ln):
            return ln + nxt
        after = rows[i + 2] if i + 2 < len(rows) else ""
        if nxt.startswith("关于") and after.endswith("报告") and government_issuer(ln):  # 关于…2022年度 / …的报告
            return ln + nxt + after
        if government_issuer(ln) and YEAR_RE.match(nxt) and _is_title(nxt):  # 通城镇人民政府 / 2025年法治政府建设情况
            return ln + nxt
        if cue.search(ln) and not PUNCT_RE.search(ln) and nxt.endswith("报告") and len(ln + nxt) <= 80:
            return ln + nxt
    return None


def issuer_under_title(header: list[str], title: str | None) -> Unit | None:
    """A title that names no unit with the issuer on a line of its own just under it
    ("2022年度法治政府建设情况报告" / "某某县人民政府"), a date or field line between them allowed."""
    if not title:
        return None
    rows = [ln.strip() for ln in header if ln.strip()]
    at = next((i for i, ln in enumerate(rows) if ln in title), None)
    for ln in rows[at + 1 : at + 4] if at is not None else ():
        if FIELD_RE.search(ln) or DATE_RE.search(ln) or ISO_DATE_RE.search(ln):
            continue
        if len(ln) > 30 or PUNCT_RE.search(ln) or name_rules()["party"].search(ln):
            return None
        return parse_unit(ln)
    return None


def glued_title(text: str) -> str | None:
    """A title run into the body with no line break (PDF or copied text): 某某人民政府关于2023年度…的报告2023年，…"""
    head = re.sub(r"《[^》]*》", lambda t: "□" * len(t.group(0)), text[:400])  # a cited 《…通知》 is no title
    m = GLUED_TITLE_RE.search(head)
    return m.group(1) if m and name_rules()["title"].search(m.group(1)) else None


REPORT_AS_RE = re.compile(r"现将(?![我本全])([\u4e00-\u9fff]{2,24}?)(?:20\d{2}|19\d{2})年度?[^。]{0,30}?报告如下")


def unit_reported_on(text: str) -> Unit | None:
    """"现将某某市2022年法治政府建设情况报告如下": the unit the report says it reports on."""
    m = REPORT_AS_RE.search(re.sub(r"《[^》]*》", "", text[:1500]))
    return parse_unit(m.group(1)) if m else None


def find_signature(lines: list[str]) -> tuple[Unit | None, dt.date | None]:
    """The closing 落款: a date alone on a line (or after the unit), the unit just above it."""
    tail = [ln for ln in lines if ln][-12:]
    for i in range(len(tail) - 1, -1, -1):
        ln = tail[i]
        after = tail[i + 1 :]
        if FOOTER_RE.search(ln):
            continue
        if any(len(a) >= 40 and not JUNK_TAIL_RE.search(a) and not FOOTER_RE.search(a) for a in after):
            break
        m = DATE_RE.search(ln)
        rest = ln[m.end() :] if m else ""
        if m and not re.search(r"发布|时间|日期|来源", ln) and (not rest.strip() or SEAL_RE.match(rest)):
            date = _to_date(m)
            unit = parse_unit(ln[: m.start()]) if ln[: m.start()].strip() else None
            for above in reversed(tail[max(0, i - 3) : i]):
                if unit is not None:
                    break
                u = parse_unit(above)
                if u is not None and not name_rules()["party"].search(above):
                    unit = u
            return unit, date
        body_after = [a for a in after if not JUNK_TAIL_RE.search(a) and not FOOTER_RE.search(a)]
        if len(body_after) < 2 and not JUNK_TAIL_RE.search(ln):
            u = parse_unit(ln)
            if u is not None and not name_rules()["party"].search(ln):
                return u, None
    return None, None


PART_HEADING_RE = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]{1,3}\s*[、.．])")


def cover_signature(lines: list[str]) -> tuple[Unit | None, dt.date | None]:
    """The 落款 of a covering letter before the report's first part ("…请审阅。/ 某某委 / 2024年3月8日"):
    a date alone on a line right under a line that names a unit (no party organ)."""
    front = []
    for ln in lines[:60]:
        if PART_HEADING_RE.match(ln):
            break
        if ln:
            front.append(ln)
    for above, ln in zip(front, front[1:], strict=False):
        m = DATE_RE.fullmatch(ln.strip())
        u = parse_unit(above) if m else None
        if u is not None and not name_rules()["party"].search(above):
            return u, _to_date(m)
    return None, None


def header_fields(header: list[str]) -> dict[str, str]:
    """Header fields "key | value |" or "key: value key2: value2"; a value ends at "|" or the next key."""
    fields: dict[str, str] = {}
    for ln in header:
        keys = list(FIELD_RE.finditer(ln)) or list(FIELD_GLUED_RE.finditer(ln))
        for i, k in enumerate(keys):
            stop = keys[i + 1].start() if i + 1 < len(keys) else len(ln)
            value = re.split(r"[|\[【]", ln[k.end() : stop])[0].strip()
            key = re.sub(r"\s+", "", k.group(1))
            if value and key not in fields:
                fields[key] = value
    return fields


def find_doc_number(header: list[str], fields: dict[str, str] | None = None) -> str | None:
    """文号 on a header line of its own or after its key; else the value of a 发文字号 / 文号 field
    however the key is written ("- [ 发文字号 ] 某委文〔2026〕3号")."""
    found = [
        m.group(1)
        for ln in header
        if (m := DOCNO_LINE_RE.search(ln) or re.search(rf"(?:文号|发文字号)\s*[|:：]\s*({DOCNO})", ln))
    ]
    found += [m.group(0) for k in ("发文字号", "文号") if (m := re.match(DOCNO, (fields or {}).get(k, "")))]
    if not found:
        return None
    no = re.sub(r"\s+", "", found[0])
    return re.sub(r"[\[［(（【]", "〔", re.sub(r"[\]］)）】]", "〕", no))


def _year(s: str | None) -> int | None:
    if not s:
        return None
    m = YEAR_RE.search(s)
    return int(m.group(1)) if m else None


def report_year(title: str | None, headings: list[tuple[str, str]], opening: str, page: list[str]) -> int | None:
    """Title year, else a part heading's year (a plan's year minus one), else the opening sentence's."""
    if (y := _year(title)) is not None:
        return y
    for section, heading in headings:
        y = _year(re.sub(r"\d{4}\s*[-—–至]\s*\d{4}", "", heading))
        if y is not None:
            return y - 1 if section == "next_year_plan" else y
    # "2023年，…", and "2023来，…" / "2023以来" where the writer dropped the 年
    m = re.match(r"^\D{0,12}?(20\d{2})\s*(?:年度|年|度|(?=以来|来))(?!\s*[-—–至])", opening)
    if m:
        return int(m.group(1))
    for s in page:
        if (y := _year(s)) is not None and name_rules()["title"].search(s):
            return y
    return None


DAY_RE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")  # a signing or printing date
SPAN_RE = re.compile(r"(?:19|20)\d{2}\s*(?:年\s*)?[-—–~～至到]\s*(?:19|20)?\d{2}\s*年?")


def year_in_body(text: str) -> int | None:
    """A report with no title, year heading or dated opening: the year its text names most often.

    Spans (2021—2025年), bases (2020年以来) and whole dates (a signature's 2024年2月6日) are no report
    year; years inside a 《title》 count only when the text names none outside one
    (《2021年某某区重点工作责任清单》). Ties go to the earlier year: a report names its plan's year less
    often than its own.
    """
    plain = DAY_RE.sub("", SPAN_RE.sub("", text))
    for source in (re.sub("《[^》]*》", "", plain), plain):
        years = Counter(int(m.group(1)) for m in re.finditer(r"((?:19|20)\d{2})\s*(?:年度|年)(?!\s*以来)", source))
        if years:
            top = max(years.values())
            return min(y for y, n in years.items() if n == top)
    return None


def year_from_dates(*dates: dt.date | None) -> int | None:
    """The year a report signed or published on a date covers: the year before, for a date in the first
    half (reports are due by 1 April), else that year (a year-end report signed in December)."""
    date = next((d for d in dates if d is not None), None)
    if date is None:
        return None
    return date.year - 1 if date.month <= 6 else date.year


def _parse_date(s: str | None) -> dt.date | None:
    if not s:
        return None
    m = ISO_DATE_RE.search(s)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _page_title_unit(page_title: str | None) -> tuple[str | None, Unit | None]:
    if not page_title:
        return None, None
    for part in re.split(r"\s*[_|｜—-]\s*", page_title):
        if name_rules()["title"].search(part):
            return part, unit_from_title(part)
    return None, None


def metadata_row(row: dict, headings: list[tuple[str, str]]) -> dict:
    """All REPORTS fields (plus parent_chain) of one document."""
    text = row.get("text") or ""
    lines = _lines(text)
    header = header_lines(lines)
    fields = header_fields(header)
    title = find_title(header) or (glued_title(lines[0]) if lines and not header else None)
    sig_unit, sig_date = find_signature(lines)
    if sig_date is None:
        cover_unit, sig_date = cover_signature(lines)
        sig_unit = sig_unit or cover_unit
    if sig_date is None:  # a portal's 成文日期 is the date the document was signed
        sig_date = next((d for k in SIGNED_KEYS if (d := _parse_date(fields.get(k)))), None)
    field_title = fields.get("名称") or fields.get("标题")
    page_title, page_unit = _page_title_unit(row.get("page_title"))
    publisher = next(
        (parse_unit(fields[k]) for k in ("发布机构", "发文机关", "发文机构", "发文单位", "发布单位") if k in fields),
        None,
    )
    opening = next((ln for ln in lines[len(header) :] if ln), "") if len(header) < len(lines) else ""
    # the unit the opening sentence names as its subject outranks the page's publisher: a justice
    # bureau's site publishes the government's report ("2018年，某某省坚持…" under 发布机构 某某省司法厅)
    candidates = [
        unit_from_title(title) or issuer_under_title(header, title),
        sig_unit,
        unit_from_title(field_title),
        page_unit,
        unit_from_opening(opening),
        unit_reported_on(text),
        publisher,
    ]
    unit = next((u for u in candidates if u is not None), None) or self_named_unit(text)
    if unit is not None:
        unit = zone_named_in_text(text, unit) or unit
    parents: tuple[str, ...] = unit.parents if unit else ()
    if unit and not parents:  # the same unit written elsewhere with its parent in front
        mentions = [*candidates, parse_unit(fields.get("信息来源") or fields.get("来源"))]
        other = next((u for u in mentions if u and u.short == unit.short and u.parents), None)
        parents = other.parents if other else parents_in_lines(header, unit)
    if unit and not parents and (addressee := addressed_parent(header, unit)):
        parents = (addressee,)
    if unit and not parents and (named := parent_named_in_text(text, unit)):
        parents = (named,)
    # the page's date stated in its header, else in a source line under the article (来源：… 发布日期：…)
    footer = header_fields([ln for ln in lines[-6:] if len(ln) <= 80])
    stated = next((fields[k] for k in PUBLISHED_KEYS if _parse_date(fields.get(k))), None) or next(
        (footer[k] for k in ("发布日期", "发布时间") if _parse_date(footer.get(k))), None
    )
    stamp = next((m.group(1) for ln in header[:12] if (m := STAMP_RE.match(ln) or BARE_STAMP_RE.match(ln))), None)
    published = row.get("page_published_on") or _parse_date(stated) or _parse_date(stamp)
    return {
        "source_file": row["source_file"],
        "unit_full_name": unit.full if unit else None,
        "unit_name": unit.short if unit else None,
        "unit_level": unit.level if unit else level_of_self_reference(text),
        "parent_name": parents[-1] if parents else None,
        "report_year": report_year(title, headings, opening, [t for t in (field_title, page_title) if t])
        or year_in_body(text)
        or year_from_dates(sig_date, published),
        "report_date": sig_date,
        "published_on": published,
        "doc_number": find_doc_number(header, fields),
        "parent_chain": list(parents),
    }


def extract_metadata(docs: pl.DataFrame, sections: pl.DataFrame | None = None) -> pl.DataFrame:
    """REPORTS columns plus place_* columns (see places.py) and parent_chain, one row per document.

    `docs` needs source_file and text; page_title and page_published_on are used when present.
    `sections` (from transforms.sections) lends its headings' years when the title gives none.
    """
    headings: dict[str, list[tuple[str, str]]] = {}
    if sections is not None and sections.height:
        ordered = sections.sort("source_file", pl.col("section") == "next_year_plan", "section_no")
        for f, s, h in ordered.select("source_file", "section", "heading").iter_rows():
            headings.setdefault(f, []).append((s, h))
    cols = [c for c in ("source_file", "text", "page_title", "page_published_on") if c in docs.columns]
    rows = [metadata_row(r, headings.get(r["source_file"], [])) for r in docs.select(cols).iter_rows(named=True)]
    schema = dict(REPORTS) | {"parent_chain": pl.List(pl.String)}
    meta = pl.DataFrame(rows, schema=schema)
    with_text = meta.join(docs.select("source_file", "text"), on="source_file", how="left", maintain_order="left")
    placed = resolve_places(with_text).drop("text")
    return conform(placed, pl.Schema(schema | dict(PLACE_COLUMNS)))

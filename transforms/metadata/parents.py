"""The division a unit belongs to when its name is written without it: the same unit written
elsewhere with its parent in front, the superior the report is addressed to, or the one parent
division of that name the text mentions."""

from __future__ import annotations

import re

from transforms import rules
from transforms.metadata.patterns import limit, ranks, rx
from transforms.metadata.units import Unit, name_rules
from transforms.places import division_forms, divisions_named, short_forms, split_parents


def addressed_parent(header: list[str], unit: Unit) -> str | None:
    """The superior the report is addressed to ("中共某某市委、某某市人民政府：") as the unit's parent.

    Taken only for a unit below the addressee's level, and for a town or street only when the
    division table has a unit of that name under it.
    """
    for ln in header[: limit("META-ADDRESSEE-HEADER-LINES")]:
        if not re.search(r"[:：]$", ln) or len(ln) > limit("META-ADDRESSEE-MAX-LEN"):
            continue
        forms = division_forms()  # 红河州 is written for 红河哈尼族彝族自治州
        names = [n for n in rx("META-ADDRESSEE").findall(ln) if n in forms]
        if not names:
            continue
        parent = names[-1]
        level = min((r["level"] for r in divisions_named(forms[parent])), default=None)
        # the level a unit stands at against its addressee's division level (1 province … 4 town)
        if level is None or ranks("META-UNIT-RANK").get(unit.level, 0) <= level:
            return None
        if unit.level in ("街道", "镇", "乡"):
            rows = [r for r in divisions_named(unit.short) if r["level"] == 4]
            if not any(forms[parent] in (r["province"], r["prefecture"], r["county"]) for r in rows):
                return None
        return parent
    return None


def parent_named_in_text(text: str, unit: Unit) -> str | None:
    """The direct parent division the text names anywhere ("根据某某旗…要求" in a report of a town of
    that 旗): only a county (for a town or street) or a prefecture (for a county or district) that
    the division table says holds a unit of this name, and only when exactly one such is named."""
    level = ranks("META-PARENT-TEXT-LEVELS").get(unit.level or "")  # the division level a unit sits at
    if level is None:
        return None
    above = "county" if level == 4 else "prefecture"  # a 市 here is a county-level city (文山市 under 文山州)
    official = division_forms().get(unit.short, unit.short)
    rows = [r for r in divisions_named(official) if r["level"] == level]
    column = [r[above] for r in rows]
    if above == "prefecture" and _municipality_parent():  # 两江新区, 静海区: the municipality is the parent
        column = [r["province"] if c is None else c for c, r in zip(column, rows, strict=True)]
    parents = list(dict.fromkeys(c for c in column if c is not None))
    rest = text.replace(unit.short, "")
    written = {p: [f for f in _written_forms(p) if f in rest] for p in parents}
    named = [max(forms, key=len) for forms in written.values() if forms]
    return named[0] if len(named) == 1 else None


@rules.rule(id="META-PARENT-MUNICIPALITY", stage="metadata",
            effect="a district of a municipality (no prefecture above it) has the municipality as the parent "
                   "the text names",
            example="两江新区2023年法治政府建设情况报告\\n一、主要工作\\n贯彻《重庆市法治政府建设实施方案》，"
                    "本年度围绕依法行政开展了多项工作，各项任务基本完成。",
            expect="parent_name=重庆市",
            counter_example="两江新区2023年法治政府建设情况报告\\n一、主要工作\\n本年度围绕依法行政开展了多项工作，"
                            "各项任务基本完成。",
            counter_expect="parent_name=",
            why="Beijing, Tianjin, Shanghai and Chongqing hold their districts directly: the province column "
                "is the parent")
def _municipality_parent() -> bool:
    return rules.enabled("META-PARENT-MUNICIPALITY")


def _written_forms(official: str) -> tuple[str, ...]:
    """A division's name as the table has it and its short forms (文山州 for 文山壮族苗族自治州)."""
    return (official, *_short_forms_by_official().get(official, ()))


@rules.cached
def _short_forms_by_official() -> dict[str, tuple[str, ...]]:
    by: dict[str, list[str]] = {}
    for form, official in short_forms().items():
        by.setdefault(official, []).append(form)
    return {official: tuple(forms) for official, forms in by.items()}


def parents_in_lines(lines: list[str], unit: Unit) -> tuple[str, ...]:
    """The unit's short name written with division names in front on a header line (天津市静海区人民政府)."""
    for ln in lines:
        for start in _occurrences(ln, unit.short):
            head = re.findall(r"[\u4e00-\u9fff]+$", ln[:start])
            if head:
                chain, rest = split_parents(name_rules()["party_prefix"].sub("", head[0]) + unit.short)
                if chain and rest == unit.short:
                    return tuple(chain)
    return ()


def _occurrences(text: str, word: str) -> list[int]:
    """Where `word` starts in `text`, left to right without overlaps, as re.finditer finds it, without
    compiling a pattern per unit name (there are more names than re's cache holds)."""
    if not word:  # the empty word is found at every position, the end included
        return list(range(len(text) + 1))
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + len(word))
    return out


@rules.rule(id="META-PARENT-BARE-LEVEL", stage="metadata",
            effect="a department written with a bare level word (县司法局) belongs to the one division of that "
                   "level the text names",
            example="2023年以来，县司法局在县委、县政府的坚强领导下，依法行政取得成效。\\n一、主要工作\\n全年在阳新县办理案件12件，各项任务基本完成。",
            expect="parent_name=阳新县",
            counter_example="2023年以来，县司法局在县委、县政府的坚强领导下，依法行政取得成效。\\n一、主要工作\\n全年在阳新县、黄梅县办理案件12件，"
                            "各项任务基本完成。",
            counter_expect="parent_name=",
            why="县 in 县司法局 stands for the county the report is about; only one county of the text can be it "
                "(two named: no parent is taken)")
def parent_of_bare_level(text: str, unit: Unit) -> str | None:
    """The one division ending in the department's bare level word (县, 区, 市, 旗) that the text names."""
    if not rules.enabled("META-PARENT-BARE-LEVEL") or unit.level != "部门" or unit.parents:
        return None
    word = unit.full[:1]
    if word not in name_rules()["bare_level"] or unit.full[1:] != unit.short:
        return None
    forms = division_forms()
    named: set[str] = set()
    for m in re.finditer(re.escape(word), text):
        for n in range(limit("META-PARENT-BARE-LEVEL-MAX-NAME"), 1, -1):
            name = text[max(0, m.end() - n) : m.end()]
            if len(name) == n and name in forms:
                named.add(forms[name])
                break
    return named.pop() if len(named) == 1 else None

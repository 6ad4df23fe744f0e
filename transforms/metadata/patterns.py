"""The metadata stage's patterns and word lists, read from data/metadata_rules.csv by rule id.

Each row is one rule: a regex (kind=pattern), a space-separated word list (kind=vocabulary;
`level:rank` pairs where a word has a number) or a length threshold (kind=threshold, its `value`),
with the cases that prove it. A pattern may name a shared class of transforms.lexicon in braces
({YEAR}, {YEAR_20}, {CN_SMALL}, {NAME_PUNCT}, {HARD_END}) so the data keeps no copy of it. A rule
switched off (the ablation) matches nothing and lists no words, so the code that reads it really
stops acting on it.
"""

from __future__ import annotations

import re

from transforms import lexicon, rules

NEVER = re.compile("(?!)")
_SHARED = {"YEAR": lexicon.YEAR, "YEAR_20": lexicon.YEAR_20, "CN_SMALL": lexicon.CN_SMALL,
           "NAME_PUNCT": lexicon.NAME_PUNCT, "HARD_END": lexicon.HARD_END}
_PLACEHOLDER = re.compile(r"\{(" + "|".join(_SHARED) + r")\}")


# Lengths and windows not yet rows of metadata_rules.csv: each still needs a case on each side of
# its boundary (so ±1, ×0.5 and ×2 fail one) before it can become a threshold row; until then they
# are named here, one per purpose, so a reader finds them in one place.
GLUED_TITLE_SPAN = 400  # first characters searched for a title run into the body
ADDRESSEE_HEADER_LINES = 12  # first header lines searched for the addressee (某某市人民政府：)
ADDRESSEE_MAX_LEN = 40  # longest addressee line
STAMP_HEADER_LINES = 12  # first header lines searched for the page's time stamp
SIGNATURE_BODY_LEN = 40  # a line this long below a date is body: that date is no 落款
OPENING_CLAUSES = 4  # first clauses of each opening sentence searched for its subject
OPENING_NAME_MAX_LEN = 24  # a unit named in the opening is shorter than this
REPORTED_ON_SPAN = 1500  # first characters searched for 现将…情况报告如下
SELF_NAMED_LOOKBACK = 11  # characters looked back for a division name before its level word
ZONE_LOOKBACK = 6  # characters looked back for the place before a zone's generic name
FOOTER_LINES = 6  # last lines searched for a page footer's date field
FOOTER_LINE_LEN = 80  # longest footer line


@rules.cached
def _rows() -> dict[str, str]:
    """rule id -> its pattern (shared classes filled in), for the rules that are on."""
    return {r["rule_id"]: _PLACEHOLDER.sub(lambda m: _SHARED[m.group(1)], r["pattern"])
            for r in rules.table("metadata_rules.csv")}


def pattern(rule_id: str) -> str | None:
    """The regex source of a pattern rule; None while it is switched off."""
    return _rows().get(rule_id)


@rules.cached
def rx(rule_id: str) -> re.Pattern[str]:
    """The compiled pattern of a rule; one that matches nothing while the rule is off."""
    src = pattern(rule_id)
    return NEVER if src is None else re.compile(src)


@rules.cached
def words(rule_id: str) -> tuple[str, ...]:
    """The words of a vocabulary rule in the order written (an order of trust where the rule
    says so); empty while the rule is off."""
    return tuple((pattern(rule_id) or "").split())


@rules.cached
def limit(rule_id: str) -> int:
    """A length or count threshold of the stage (kind=threshold, its `value`)."""
    return rules.number("metadata_rules.csv", rule_id)


@rules.cached
def ranks(rule_id: str) -> dict[str, int]:
    """A vocabulary of `word:number` pairs (a unit level and its rank) as a mapping; empty while off."""
    return {w: int(n) for w, _, n in (item.partition(":") for item in words(rule_id))}


def alternation(words_: tuple[str, ...], joiner: str = "") -> str:
    """Words as a regex alternation, longest first (so 发布日期 is tried before 日期); each word's
    characters joined by `joiner` (a key spaced out to a table cell's width)."""
    ordered = sorted(words_, key=len, reverse=True)
    return "|".join(joiner.join(map(re.escape, w)) if joiner else re.escape(w) for w in ordered) or "(?!)"

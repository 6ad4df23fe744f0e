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


# A bound, not a rule: the first characters of the first line searched for a title run into the
# body. META-GLUED-TITLE itself spans at most 30 + 2 + 40 + 2 characters (issuer, 关于, subject,
# 报告), and a title opens the text, so a window of 400 holds any match the pattern can make near
# the start; it only spares a regex search through a whole report printed as one line.
GLUED_TITLE_SPAN = 400


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

"""One home for the small vocabularies every stage shares: punctuation classes, the year pattern,
the small Chinese numerals of headings and dates. Numerals with values (counts, money) live in
transforms.numerals. Change a class here and every stage that reads it follows."""

import re
from collections.abc import Iterable

# sentence and clause ends (full- and half-width)
HARD_END = "；;。！？!?"  # ends a statement: a cue never reads across it
SENT_END = "。！？!?；;"  # same characters, in the order the sentence splitter lists them
CLAUSE_END = "，,；;：:。！？!?"  # ends a clause
QUOTES = "“”"  # quotation marks a cue may read across
# punctuation that never stands inside a unit's name or a title line
NAME_PUNCT = r"[。，,；;！!？?“”\"《》()（）、:：]"

# small Chinese numerals as written in headings (一、 （二） 第三部分) and in dates written out
CN_SMALL_DIGITS = "一二三四五六七八九十"
CN_SMALL = f"[{CN_SMALL_DIGITS}]"

# a calendar year of these reports: 19xx or 20xx (a report of 2025 cites plans back to the 1990s)
YEAR = r"(?:19|20)\d{2}"
# a year of this century only: targets and report years (到2026年底)
YEAR_20 = r"20\d{2}"


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first (今年以来 before 今年, 人次 before 人), so the
    longest word wins where several start; '' for no words (callers choose what none means)."""
    return "|".join(re.escape(w) for w in sorted({w for w in words if w}, key=lambda w: (-len(w), w)))

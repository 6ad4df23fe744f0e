"""The one home of Chinese numerals: digit and unit tables, the numeral regex pieces the grammar
of quantities is built from, and `cn_number`, which reads a numeral to cn2an's standard.

`cn_number(text, mode)` gives the value cn2an.cn2an(text, mode) gives for mode `strict` (the
written standard: 一百零五, 壹佰壹拾壹, 十亿零一万零一) and `normal` (also 两 and 〇, runs of
digits 一七二零, spoken shortenings 三万五 / 两千六), and None where cn2an raises: it is tested
on every case of cn2an's own suites and on sampled numerals 0..10^9 against the library itself
(tests/test_numerals.py). The library is a test dependency only: its `transform` rewrites prose,
and a numeral found by our grammar is a short span we read here.

`quantity_value` is how a mention's numeral is read: cn2an's normal mode with two rules of our
own (NUM-DIGIT-RUN, NUM-LONE-UNIT) that a count in prose needs.

Other stages keep small heading numerals in transforms.lexicon (CN_SMALL_DIGITS); a stage that
needs a numeral's value imports it from here.
"""

from __future__ import annotations

import re
from functools import cache

from transforms import rules

# digits in their plain, financial (大写) and spoken forms; 两/〇/幺 are not the written standard
PLAIN_DIGITS = "一二三四五六七八九"
FIN_DIGITS = "壹贰叁肆伍陆柒捌玖"
ZERO = "零"
SPOKEN_ZERO = "〇"
SPOKEN_DIGITS = {"两": 2, "幺": 1}
CN_DIGIT: dict[str, int] = {
    ZERO: 0, SPOKEN_ZERO: 0, **{c: i for i, c in enumerate(PLAIN_DIGITS, 1)},
    **{c: i for i, c in enumerate(FIN_DIGITS, 1)}, **SPOKEN_DIGITS,
}
# units within a section (十百千, financial 拾佰仟) and the section closers 万 and 亿
CN_UNIT: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
FIN_UNIT: dict[str, int] = {"拾": 10, "佰": 100, "仟": 1000}
CN_BIG: dict[str, int] = {"万": 10_000, "亿": 100_000_000}
# traditional forms a text not yet converted may hold (兩千六 is 2600)
TRADITIONAL = {"兩": "两", "貳": "贰", "萬": "万", "億": "亿", "陸": "陆"}
SMALL_NUMERAL_CHARS = ZERO + SPOKEN_ZERO + PLAIN_DIGITS + "两" + "".join(CN_UNIT) + "".join(CN_BIG)
FIN_CHARS = FIN_DIGITS + "".join(FIN_UNIT)
# every character of a numeral the quantity grammar reads
CN_CHARS = SMALL_NUMERAL_CHARS + FIN_CHARS
# unit characters: a financial numeral holding one is a number, not a surname (伍佰 yes, 伍某 no)
UNIT_CHARS = "".join(CN_UNIT) + "".join(FIN_UNIT) + "".join(CN_BIG)

# the numeral regex pieces of the quantity grammar: Arabic numbers with thousands separators and
# decimals; a Chinese numeral starts with a digit or a unit below 亿 (十五, 百分之百)
ARABIC_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CN_FIRST = f"{ZERO}{SPOKEN_ZERO}{PLAIN_DIGITS}两{''.join(CN_UNIT)}万"
CN_REST = CN_FIRST + "亿"
# scale words after a number (3.5万元, 1.2亿元, 3千元) and measure words that scale (九成 is 90 %)
SCALE: dict[str, float] = {"万": 1e4, "亿": 1e8, "千": 1e3}
TENTHS: dict[str, float] = {"成": 10.0}


def cn_num_pattern(financial: bool = True) -> str:
    """The regex of a Chinese numeral in running text, with the financial characters or without."""
    fin = FIN_CHARS if financial else ""
    return f"[{CN_FIRST}{fin}][{CN_REST}{fin}]*"


MODES = ("strict", "normal")


@cache
def _grammar(mode: str) -> re.Pattern[str]:
    """The well-formed integer numerals of a mode, section by section (below 万, then 万, then 亿).

    A section is 千/百/十 units in falling order, a 零 standing for each skipped unit; after 百
    or 千 the tens keep their digit (一百一十, not 一百十), at the head they may drop it (十五).
    """
    d = f"[{PLAIN_DIGITS}{FIN_DIGITS}{'两幺' if mode == 'normal' else ''}]"
    z = f"[{ZERO}{SPOKEN_ZERO if mode == 'normal' else ''}]"
    ten, hundred, thousand = "[十拾]", "[百佰]", "[千仟]"
    tens_head = f"{d}?{ten}{d}?"  # 十, 十五, 二十五
    tens = f"{d}{ten}{d}?"  # 一十五 after a higher unit
    to99 = f"(?:{tens_head}|{d})"
    hundreds = f"(?:{d}{hundred}(?:{z}{d})?|{d}{hundred}{tens})"
    to999 = f"(?:{hundreds}|{to99})"
    thousands = f"(?:{d}{thousand}(?:{z}{to99})?|{d}{thousand}{hundreds})"
    to9999 = f"(?:{thousands}|{to999})"
    wans = f"(?:{to9999}万(?:{z}{to999})?|{to9999}万{thousands})"
    to_yi = f"(?:{wans}|{to9999})"
    yis = f"(?:{to_yi}亿(?:{z}{to_yi})?|{to_yi}亿{wans})"
    return re.compile(f"(?:{z}|{yis}|{to_yi})")


_DIGIT_CLASS = f"{ZERO}{SPOKEN_ZERO}{PLAIN_DIGITS}{FIN_DIGITS}两幺"
_ANY_UNIT = f"{''.join(CN_UNIT)}{''.join(FIN_UNIT)}{''.join(CN_BIG)}"
# 元角分: 壹拾壹元壹角壹分 is 11.11
_YUAN_JIAO_FEN = re.compile(f"^.*?[元圆][{_DIGIT_CLASS}]角(?:[{_DIGIT_CLASS}]分)?$")
# spoken shortenings: 三万五 is 三万五千, 一百二 is 一百二十
_SPOKEN = re.compile(f"^(?:[{_DIGIT_CLASS}]{{0,2}}[{_ANY_UNIT}])+[{_DIGIT_CLASS}]$")
_SPOKEN_LAST_UNIT = re.compile(f"([{_ANY_UNIT}])[{_DIGIT_CLASS}]{{0,2}}[{_DIGIT_CLASS}]$")
_LOWER_UNIT = {"拾": None, "十": None, "百": "十", "佰": "拾", "千": "百", "仟": "佰", "万": "千", "亿": None}
# normal mode mends omitted zeros and ones before reading (一万二十 is 一万零二十, 一百十一 is 一百一十一)
_MENDS = (
    (re.compile(f"(万)零(?=[{_DIGIT_CLASS}][千仟])"), r"\1"),
    (re.compile(f"([万亿])([{_DIGIT_CLASS}][十拾百佰])"), r"\1零\2"),
    (re.compile(f"([千仟])([{_DIGIT_CLASS}]?[十拾])"), r"\1零\2"),
    (re.compile("([百佰])([十拾])"), r"\1一\2"),
)


def _integer(text: str) -> int:
    """The value of a well-formed integer numeral: 亿 closes everything before it, 万 closes only
    what stands since the last 亿 (一亿一千万 is 1 亿 + 1000 万), a unit multiplies its digit."""
    yi, wan, section, digit = 0, 0, 0, None
    units = {**CN_UNIT, **FIN_UNIT}
    for ch in text:
        if ch in CN_DIGIT:
            digit = CN_DIGIT[ch]
        elif ch in units:
            section += (1 if digit is None else digit) * units[ch]
            digit = None
        elif ch == "万":
            wan = (wan + section + (digit or 0)) * CN_BIG[ch]
            section, digit = 0, None
        else:  # 亿
            yi = (yi + wan + section + (digit or 0)) * CN_BIG[ch]
            wan, section, digit = 0, 0, None
    return yi + wan + section + (digit or 0)


def _digits(text: str) -> int:
    """A run of digits read one by one: 一七二零 is 1720."""
    return int("".join(str(CN_DIGIT[c]) for c in text)) if text else 0


def _fraction(text: str) -> float:
    return round(sum(CN_DIGIT[c] * 10 ** -(i + 1) for i, c in enumerate(text[:16])), min(len(text), 16))


def cn_number(text: str, mode: str = "normal") -> float | None:
    """The value of a Chinese numeral as cn2an.cn2an(text, mode) reads it; None where cn2an
    raises (not a numeral of that mode: 十四五, 一一 in strict mode, 零点点)."""
    if mode not in MODES:
        raise ValueError(f"mode is one of {MODES}")
    s = "".join(TRADITIONAL.get(c, c) for c in text).replace("廿", "二十")
    for tail in ("元整", "圆整", "元正", "圆正"):
        if s.endswith(tail):
            s = s[:-2]
    if mode == "normal":
        for tail in ("圆", "元"):
            if s.endswith(tail):
                s = s[:-1]
    if _YUAN_JIAO_FEN.match(s):
        s = s.replace("元", "点").replace("圆", "点").replace("角", "").replace("分", "")
    s = s.replace("零十", "零一十").replace("零百", "零一百")
    sign = -1 if s.startswith("负") else 1
    s = s[1:] if sign < 0 else s
    if not s or s.count("点") > 1:
        return None
    whole, dot, frac = s.partition("点")
    dec_digits = f"[{ZERO}{PLAIN_DIGITS}{FIN_DIGITS}" + ("〇两幺]" if mode == "normal" else "]")
    if dot:
        nonzero = dec_digits.replace(ZERO, "").replace(SPOKEN_ZERO, "")
        ok = re.fullmatch(f"{dec_digits}{{0,16}}" if mode == "normal" else f"{dec_digits}{{0,15}}{nonzero}", frac)
        if not ok:
            return None
    value = _whole(whole, mode)
    if value is None:
        return None
    if dot:
        return sign * round(value + _fraction(frac), len(frac))
    return float(sign * value)


def _whole(s: str, mode: str) -> int | None:
    if mode == "normal":
        for pattern, repl in _MENDS:
            s = pattern.sub(repl, s)
        s = s.replace("零十", "零一十").replace("零拾", "零一拾")
    grammar = _grammar(mode)
    if grammar.fullmatch(s):
        return _integer(s)
    if mode == "strict":
        return None
    if re.fullmatch(f"[{_DIGIT_CLASS}]+", s):
        return _digits(s)
    if len(s) >= 3 and _SPOKEN.fullmatch(s):
        lower = _LOWER_UNIT[_SPOKEN_LAST_UNIT.search(s).group(1)]  # type: ignore[union-attr]
        if lower is not None and grammar.fullmatch(s + lower):
            return _integer(s + lower)
    return None


@rules.rule(
    id="NUM-DIGIT-RUN", stage="quantities",
    effect="a run of two or more bare digits (三八, 二〇二四, 一一) is a name or a year, not a count",
    example="八一节慰问退役军人50人", expect="50人|50|person|exact",
    counter_example="八一节慰问退役军人", counter_expect="八一节|81",
    why="cn2an's normal mode reads 三八 as 38; in a report a digit run names a holiday or a year",
)
def _is_digit_run(text: str) -> bool:
    return rules.enabled("NUM-DIGIT-RUN") and len(text) > 1 and all(c in CN_DIGIT for c in text)


@rules.rule(
    id="NUM-LONE-UNIT", stage="quantities",
    effect="a unit alone is one of it: 近万人 is about 10000, 百分之百 is 100",
    example="覆盖群众近万人", expect="万人|10000|person|approx",
    why="cn2an reads no lone 万 or 百; a report writes 近万人 and 百分之百 often",
)
def _lone_unit(text: str) -> float | None:
    if rules.enabled("NUM-LONE-UNIT") and len(text) == 1 and text in UNIT_CHARS:
        return float({**CN_UNIT, **FIN_UNIT, **CN_BIG}[text])
    return None


def quantity_value(text: str) -> float | None:
    """A mention's Chinese numeral read for its value (cn2an's normal mode, a lone unit its own
    value, a digit run no count), with the decimal 点 of 百分之九十七点五."""
    whole, _, _ = text.partition("点")
    if _is_digit_run(whole):
        return None
    lone = _lone_unit(text)
    return lone if lone is not None else cn_number(text, "normal")

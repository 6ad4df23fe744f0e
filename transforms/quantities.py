"""Find every stated quantity in the sentences: number, scale, measure word, qualifier.

The grammar is data-driven and every rule has an id and a case (transforms.rules): measure
words come from `data/measures.csv`, qualifier cues from `data/qualifiers.csv` (their order of
precedence from `data/qualifier_precedence.csv`), noise (slogans, ordinals, dates, lists) from
`data/quantity_noise.csv`, the stated-zero vocabulary from `data/zero_cues.csv`, thresholds and
word lists from `data/quantity_rules.csv`; rules clearer as code are the `@rules.rule` functions
below (QTY-*, NUM-*), each acting only while it is on. Numerals are read by transforms.numerals.

Everything runs as polars expressions over all sentences at once. Match positions come
from one trick: the pattern is prefixed with a lazy `.*?`, so `extract_all` returns pieces
that tile the sentence up to each match and cumulative piece lengths are offsets. The
Rust regex engine has no look-around, so the context tests (what stands just before or
after a number) are columns cut with `str.slice` and filtered as expressions.

Two columns beyond MENTIONS are returned: `subject` (the listed rate of a distributive
statement, or the negated noun of a stated zero) and `context_end` (text offset where
the indicator cue search must stop: the number, or the end of `subject`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from transforms import rules
from transforms.lexicon import CLAUSE_END, alternation
from transforms.numerals import (
    ARABIC_NUM,
    CN_CHARS,
    FIN_CHARS,
    FIN_DIGITS,
    PLAIN_DIGITS,
    SCALE,
    TENTHS,
    cn_num_pattern,
    quantity_value,
)
from transforms.schemas import MENTIONS, conform

KEYS = ["source_file", "sentence_no"]
NEVER = "[^\\s\\S]"  # a regex that matches nothing: the place of a word list switched off


def _n(rule_id: str) -> int:
    """A threshold of quantity_rules.csv."""
    return rules.number("quantity_rules.csv", rule_id)


def _vocab(rule_id: str) -> list[str]:
    """A word list of quantity_rules.csv; empty when off."""
    return rules.words("quantity_rules.csv", rule_id)


def _alt(rule_id: str) -> str:
    """A word list as a regex alternation (matching nothing when the list is off or empty)."""
    words = _vocab(rule_id)
    return alternation(words) if words else NEVER


def _opt(rule_id: str) -> str:
    """A word list as an optional regex group."""
    words = _vocab(rule_id)
    return f"(?:{alternation(words)})?" if words else ""


def _words(cell: str | None) -> list[str]:
    return (cell or "").split()


@rules.cached
def measure_words() -> dict[str, str]:
    """Measure word → measure_code, from measures.csv (one rule per measure)."""
    out: dict[str, str] = {}
    for row in rules.table("measures.csv"):
        for word in _words(row["words"]):
            out[word] = row["measure"]
    return out


@rules.cached
def qualifier_cues() -> dict[str, dict[str, str]]:
    """Position (prefix, infix, suffix, gapped, duration_suffix) → cue word → qualifier code.

    `gapped` cues still bound a number with a few words between them (至少配备2名);
    `duration_suffix` cues bound only a duration (3个工作日内); `prefix_inside` lists words that end
    in a prefix cue without being one (最近, 公约). One rule per qualifier (qualifiers.csv).
    """
    out: dict[str, dict[str, str]] = {
        "prefix": {},
        "infix": {},
        "suffix": {},
        "gapped": {},
        "duration_suffix": {},
        "prefix_inside": {},
    }
    for row in rules.table("qualifiers.csv"):
        for pos in out:
            for word in _words(row.get(pos)):
                out[pos][word] = row["qualifier"]
    return out


@rules.cached
def noise_rules() -> pl.DataFrame:
    """The rows of quantity_noise.csv that are on (each row a rule)."""
    rows = rules.table("quantity_noise.csv")
    cols = ["rule", "text", "numerals", "measures"]
    return pl.DataFrame([{c: r.get(c) or None for c in cols} for r in rows], schema={c: pl.String for c in cols})


@rules.cached
def zero_cues() -> pl.DataFrame:
    """The rows of zero_cues.csv that are on (each row a rule)."""
    rows = rules.table("zero_cues.csv")
    cols = ["role", "word", "measure_word"]
    return pl.DataFrame([{c: r.get(c) or None for c in cols} for r in rows], schema={c: pl.String for c in cols})


def _noise(rule: str, numerals: str | None = None) -> list[str]:
    t = noise_rules().filter(pl.col("rule") == rule)
    if numerals:
        t = t.filter(pl.col("numerals") == numerals)
    return t["text"].to_list()


def _after_patterns() -> pl.Expr:
    """`after_pattern` rules: a regex on the text right after the measure word, for some measures only."""
    hit = pl.lit(False)
    rows = noise_rules().filter(pl.col("rule") == "after_pattern")
    for row in rows.iter_rows(named=True):
        cond = pl.col("right").str.contains(row["text"])
        if row.get("measures"):
            cond = cond & pl.col("measure_code").is_in(row["measures"].split())
        if row["numerals"] == "chinese":
            cond = cond & pl.col("chinese")
        hit = hit | cond
    return hit


def _list_sep() -> str:
    return f"(?:{_alt('QTY-LIST-SEP')})"


def _split_list(expr: pl.Expr) -> pl.Expr:
    """A listed phrase split into its items at the list separators (QTY-LIST-SEP: 、/和/及/与/以及),
    the words of QTY-JOINED-WORDS (参与, 及时) kept whole."""
    seps = _vocab("QTY-LIST-SEP")
    others = [w for w in seps if w != "、"]
    chars = sorted({c for w in others for c in w})
    marks = {c: chr(1 + i) for i, c in enumerate(chars)}
    keep = [w for w in _vocab("QTY-JOINED-WORDS") if any(c in marks for c in w)]
    if keep:
        expr = expr.str.replace_many(keep, ["".join(marks.get(c, c) for c in w) for w in keep])
    if others:
        expr = expr.str.replace_all(alternation(others), "、")
    if keep:
        expr = expr.str.replace_many(list(marks.values()), list(marks))
    return expr.str.split("、")


@rules.rule(
    id="QTY-ENUMERATION", stage="quantities",
    effect="a number that restates the length of the list of names before it is no count (三类公开)",
    example="推进政务、财务、事务三类公开，公开信息120条", expect="120条|120|item|exact",
    counter_example="推进政务、财务、事务三类公开", counter_expect="三类|3|item",
    why="政务、财务、事务三类公开 names three kinds of disclosure; it counts nothing done",
)
def _enumeration() -> pl.Expr:
    """政务、财务、事务三类公开: a number that restates the length of the list of names before it.

    The list is the clause before the number split at the list separators; the number equals its
    length (or, for an `enumeration_class` word such as 类, exceeds it after 等), the measure word
    is an `enumeration` word, and either a noun follows (三项机制: a Han character that is not one
    of QTY-ENUM-NOT-NOUN) or a classifying verb (`enumeration_lead`: 分为, 包括) opens the clause. A
    clause-final count (新建法治广场、法治长廊两个) stays a count, and so does a number after a list
    of numbers (新增12项、调整8项、下放3项事项).
    """
    words, leads = _noise("enumeration"), _noise("enumeration_lead")
    if not words or not rules.enabled("QTY-ENUMERATION"):
        return pl.lit(False)
    clause = pl.col("clause")
    k = _split_list(clause).list.len()
    etc = clause.str.ends_with("等")
    lead = clause.str.contains(alternation(leads)) if leads else pl.lit(False)
    noun_after = pl.col("right").str.contains(r"^\p{Han}") & ~pl.col("right").str.contains(
        f"^(?:{_alt('QTY-ENUM-NOT-NOUN')})")
    listed = (
        pl.col("mw").is_in(words)
        & pl.col("dash").is_null()
        & clause.str.contains("、")
        & ~clause.str.contains(r"\d")  # 新增12项、调整8项、下放3项事项 lists numbers, not names
        # after 等 the names are examples: a larger number is a real total (…改革等10余项涉法事项, 等4个难题),
        # except a number of classes (政务、财务等五类公开)
        & ((pl.col("base") == k) | (etc & (pl.col("base") > k) & pl.col("mw").is_in(_noise("enumeration_class"))))
        & (noun_after | lead)
    )
    return listed | (pl.col("mw").is_in(words) & pl.col("dash").is_null() & _quoted_list(clause) & noun_after)


@rules.rule(
    id="QTY-ENUM-QUOTED", stage="quantities",
    effect="quoted names set side by side (“甲”“乙”) are a list: a number right after them equal to their count "
           "restates it",
    example="开展“收件即受理”“首席事务代表制”两项改革，办结案件12件", expect="12件|12|item|exact",
    counter_example="开展“收件即受理”“首席事务代表制”两项改革", counter_expect="两项|2|item",
    why="“甲”“乙”“丙”三项改革 names the reforms just quoted, with no 、 between them; a single quoted name "
        "(培育“法律明白人”两名) or a count that differs from the names is a real count",
)
def _quoted_list(clause: pl.Expr) -> pl.Expr:
    """The clause ends with two or more quoted names side by side, as many as the number says."""
    if not rules.enabled("QTY-ENUM-QUOTED"):
        return pl.lit(False)
    k = clause.str.extract("((?:“[^“”]*”)+)$").str.count_matches("“")
    return ((k >= 2) & (pl.col("base") == k)).fill_null(False)


def _scaled_words() -> list[str]:
    """Measure words the grammar reads as a number's parts: 百分之 before it, 万元 as 万 + 元."""
    words = measure_words()
    return [w for w in words if w == "百分之" or (w[0] in SCALE and w[1:] in words)]


def _quantity_pattern() -> str:
    words = [w for w in measure_words() if w not in _scaled_words()]
    infix = alternation(list(qualifier_cues()["infix"]))
    num = ARABIC_NUM + "|" + cn_num_pattern(financial=_financial_on())
    pct = num + f"(?:点[零〇{PLAIN_DIGITS}]+)?"  # 百分之九十七点五; elsewhere 点 is too often a word (一点一滴)
    scale = "|".join(SCALE)
    return (
        rf"(?s)(?P<pre>.*?)(?:百分之(?P<pnum>{pct})"
        rf"|(?P<num>{num})(?:(?P<dash>{_alt('QTY-RANGE-SEP')})(?P<num2>{num}))?"
        rf"(?P<inf1>{infix})?(?P<scale>{scale})?(?P<inf2>{infix})?(?P<mw>{alternation(words)}))"
    )


@rules.rule(
    id="NUM-FINANCIAL", stage="quantities",
    effect="financial numerals (壹贰叁…拾佰仟) are read as numbers: 壹佰贰拾件 is 120",
    example="受理群众来信壹佰贰拾件", expect="壹佰贰拾件|120|item|exact",
    why="formal amounts and counts are written in 大写 numerals in some reports and tables",
)
def _financial_on() -> bool:
    return rules.enabled("NUM-FINANCIAL")


@rules.rule(
    id="QTY-MASK", stage="quantities",
    effect="noise phrases and patterns of quantity_noise.csv are blanked before the grammar reads a sentence",
    example="全面落实三项制度，办结案件12件", expect="12件|12|item|exact",
    counter_example="全面落实三项制度", counter_expect="三项|3|item",
    why="a numeral inside a fixed phrase (三项制度, 五老四员) names something; it counts nothing",
)
def _masked(sentences: pl.DataFrame) -> pl.DataFrame:
    """Blank noise phrases (same length, so offsets hold) before the grammar reads the text.

    `phrase` rules are literal; `pattern` rules are regexes (十九届四中、五中全会): their
    matches in a sentence become literal phrases of that sentence, so one replace masks both.
    A sentence's phrases are its own: what another report of the batch says never masks it.
    """
    if not rules.enabled("QTY-MASK"):
        return sentences.with_columns(masked=pl.col("sentence"))
    literal, patterns = _noise("phrase"), _noise("pattern")
    hits = pl.concat_list(
        [pl.col("sentence").str.extract_all(rx) for rx in patterns] or [pl.lit([], pl.List(pl.String))]
    ).list.eval(pl.element().filter(pl.element() != "")).list.unique().list.sort()
    # the list work is done only on the few sentences a pattern matches at all
    # one scan for all patterns where that is one regex (no group name two patterns could share)
    if patterns and not any("(?P<" in rx or "(?<" in rx for rx in patterns):
        matched = pl.col("sentence").str.contains("|".join(f"(?:{rx})" for rx in patterns))
    else:
        matched = pl.any_horizontal([pl.col("sentence").str.contains(rx) for rx in patterns] or [pl.lit(False)])
    s = sentences.with_row_index("_row")
    s = s.filter(matched).with_columns(_hits=hits).filter(pl.col("_hits").list.len() > 0)
    plain = sentences.filter(~pl.int_range(pl.len()).is_in(s["_row"]))
    if patterns:  # a sentence that is null has no list of matches either way: it is left out
        plain = plain.filter(pl.col("sentence").is_not_null())
    parts = [_mask_rows(plain, literal)]
    # sentences that match a pattern are few: one replace per distinct set of matches
    for (found,), group in s.drop("_row").group_by(pl.col("_hits").list.join("\x00"), maintain_order=True):
        parts.append(group.drop("_hits").with_columns(
            masked=_mask(pl.col("sentence"), [*literal, *found.split("\x00")])))
    return pl.concat(parts).sort(KEYS, maintain_order=True)


def _mask_rows(frame: pl.DataFrame, phrases: list[str]) -> pl.DataFrame:
    """`frame` with masked = `_mask(sentence, phrases)`, replacing only in the few sentences that hold
    a phrase (finding them is a tenth of the cost of rewriting every sentence)."""
    if not phrases:
        return frame.with_columns(masked=pl.col("sentence"))
    rows = frame.select(pl.arg_where(pl.col("sentence").str.contains(alternation(phrases)))).to_series()
    blanked = frame[rows].select(_mask(pl.col("sentence"), phrases)).to_series()
    return frame.with_columns(frame["sentence"].clone().scatter(rows, blanked).alias("masked"))


def _mask(expr: pl.Expr, phrases: list[str]) -> pl.Expr:
    """`phrases` in `expr` blanked with □ of the same length, the longest first."""
    if not phrases:
        return expr
    phrases = sorted(set(phrases), key=lambda p: (-len(p), p))
    return expr.str.replace_many(phrases, ["□" * len(p) for p in phrases])


_LAZY_PRE = "(?s)(?P<pre>.*?)"


def _pieces(frame: pl.DataFrame, pattern: str) -> pl.DataFrame:
    """One row per regex match with its groups and its offset in the sentence (`pos`, `end`)."""
    if pattern.startswith(_LAZY_PRE):
        return _lazy_pre_pieces(frame, pattern)
    return (
        frame.with_columns(piece=pl.col("masked").str.extract_all(pattern))
        .explode("piece")
        .drop_nulls("piece")
        .with_columns(pl.col("piece").str.extract_groups(pattern).alias("g"), plen=pl.col("piece").str.len_chars())
        .unnest("g")
        .with_columns(stop=pl.col("plen").cum_sum().over(KEYS))
        .with_columns(pos=(pl.col("stop") - pl.col("plen") + pl.col("pre").str.len_chars()).cast(pl.Int32))
    )


def _lazy_pre_pieces(frame: pl.DataFrame, pattern: str) -> pl.DataFrame:
    """`_pieces` of a pattern that opens with a lazy `pre` (`(?s)(?P<pre>.*?)X`), the same rows and columns.

    Reading the groups with the whole pattern made the capturing engine walk each piece's `pre`
    again (two thirds of the stage's time). A piece ends with its match of X, and X anchored at
    the piece's end matches there the same way: no match of X starts before it (the lazy `pre`
    stopped at the first place X matches), and X's preferred way from there is the one that ended
    the piece. An end-anchored pattern is searched backwards from the end, so the capturing
    engine reads only the match; `pre` is the piece less it.
    """
    body = pattern[len(_LAZY_PRE):]
    out = (
        frame.with_columns(piece=pl.col("masked").str.extract_all(pattern))
        .explode("piece")
        .drop_nulls("piece")
        .with_columns(
            pl.col("piece").str.extract_groups(f"(?s)(?P<_match>{body})$").alias("g"),
            plen=pl.col("piece").str.len_chars(),
        )
    )
    groups = [f.name for f in out.schema["g"].fields if f.name != "_match"]  # type: ignore[union-attr]
    return (
        out.unnest("g")
        .with_columns(pre=pl.col("piece").str.slice(0, pl.col("plen") - pl.col("_match").str.len_chars()))
        .select(*frame.columns, "piece", "pre", *groups, "plen")
        .with_columns(stop=pl.col("plen").cum_sum().over(KEYS))
        .with_columns(pos=(pl.col("stop") - pl.col("plen") + pl.col("pre").str.len_chars()).cast(pl.Int32))
    )


def _cn_values(values: pl.Series) -> dict[str, float | None]:
    return {v: quantity_value(v) for v in values.drop_nulls().unique().to_list() if not v[0].isdigit()}


def _value(col: str, mapping: dict[str, float | None]) -> pl.Expr:
    arabic = pl.col(col).str.replace_all(",", "").cast(pl.Float64, strict=False)
    chinese = pl.col(col).replace_strict(mapping, default=None, return_dtype=pl.Float64)
    return pl.coalesce(arabic, chinese)


def _ends_with_any(expr: pl.Expr, words: list[str]) -> pl.Expr:
    if not words:
        return pl.lit(False)
    return expr.str.contains(f"(?:{alternation(words)})$")


def _starts_with_any(expr: pl.Expr, words: list[str]) -> pl.Expr:
    if not words:
        return pl.lit(False)
    return expr.str.contains(f"^(?:{alternation(words)})")


def _inside(before: pl.Expr, opening: str, closing: str) -> pl.Expr:
    return before.str.count_matches(opening, literal=True) > before.str.count_matches(closing, literal=True)


@dataclass(frozen=True)
class _Ctx:
    """The expressions the noise rules of a number read (built once per batch)."""

    prefix: pl.Expr  # the prefix qualifier cue right before the number, if any
    is_pct: pl.Expr  # a 百分之 rate
    bare_one: pl.Expr  # a plain 一 with no range, infix or scale
    clause_ends: pl.Expr  # the measure word ends the clause


# the noise rules written as code: rule id -> the condition that drops a number
_NOISE: dict[str, Callable[[_Ctx], pl.Expr]] = {}


def _noise_rule(id: str, **case: str) -> Callable[[Callable[[_Ctx], pl.Expr]], Callable[[_Ctx], pl.Expr]]:
    """Register a noise condition as a rule of this stage (it acts only while the rule is on)."""
    def deco(fn: Callable[[_Ctx], pl.Expr]) -> Callable[[_Ctx], pl.Expr]:
        _NOISE[id] = fn
        return rules.rule(id=id, stage="quantities", kind="noise", **case)(fn)
    return deco


@_noise_rule(
    "QTY-GLUED-CODE", effect="a number glued to a digit, a decimal mark or a Latin letter is part of a code",
    example="发放宣传册3000本", expect="3000本|3000|item|exact",
    counter_example="办理A3类案件", counter_expect="3类|3|item",
    why="A3类, G7个 and 1.5.2条 are names and section numbers, not counts",
)
def _glued_code(c: _Ctx) -> pl.Expr:
    return pl.col("left").str.contains(r"(?:\d|\d[.,]|[A-Za-z])$")


@_noise_rule(
    "QTY-AFTER-NUMERAL", effect="a Chinese numeral right after another numeral character is the tail of a longer one",
    example="全年开展培训十二次", expect="十二次|12|event|exact",
    counter_example="筹集资金1亿五千万元", counter_expect="五千万元|5e+07|cny",
    why="the grammar starts a Chinese numeral after 亿 (1亿五千万元 is 1.5亿, not 5000万)",
)
def _after_numeral(c: _Ctx) -> pl.Expr:
    chars = CN_CHARS if _financial_on() else CN_CHARS.translate({ord(ch): None for ch in FIN_CHARS})
    return pl.col("chinese") & pl.col("left").str.contains(f"[{re.escape(chars)}]$")


@_noise_rule(
    "QTY-NOISE-BEFORE",
    effect="the `before` words of quantity_noise.csv (第, 周, 初) make the number an ordinal or a date",
    example="召开第3次会议，参会40人", expect="40人|40|person|exact",
    counter_example="召开第3次会议", counter_expect="3次|3|event",
    why="第三次 is an ordinal, 周六日 a weekday, 初五日 a date",
)
def _before_words(c: _Ctx) -> pl.Expr:
    return _ends_with_any(pl.col("left"), _noise("before", "any")) | (
        pl.col("chinese") & _ends_with_any(pl.col("left"), _noise("before", "chinese")))


@_noise_rule(
    "QTY-NOISE-AFTER",
    effect="the `after` words of quantity_noise.csv (意识, 方面, 月) make the number a slogan or a span",
    example="全年调解纠纷3个月内办结40件", expect="40件|40|item|exact",
    counter_example="历时3个月", counter_expect="3个|3|item",
    why="3个月 counts months, not a measure we keep; 四个意识 is a slogan",
)
def _after_words(c: _Ctx) -> pl.Expr:
    return _starts_with_any(pl.col("right"), _noise("after", "any")) | (
        pl.col("chinese") & _starts_with_any(pl.col("right"), _noise("after", "chinese")))


@_noise_rule(
    "QTY-COUNT-OF-RATES", effect="the count before a rate (三个100%) is the distributive's multiplier, not a count",
    example="学法19次26件", expect="19次|19|event|exact\n26件|26|item|exact",
    counter_example="实现三个100%", counter_expect="三个|3|item",
    why="实现三个100% states three rates of 100%; 学法19次26件 states two counts back to back",
)
def _count_of_rates(c: _Ctx) -> pl.Expr:
    return pl.col("right").str.contains(r"^(?:\d+(?:\.\d+)?\s*[%％]|百分之)")


@_noise_rule(
    "QTY-REPEATED-NUMERAL",
    effect="a Chinese numeral that repeats the one two characters before is a pattern (一人一档)",
    example="为三名群众办理案件三件", expect="三件|3|item|exact",
    counter_example="村级配强两长两员", counter_expect="两员|2|person",
    why="一村一个, 一人一档 and 一案一卷 name a scheme: one per something",
)
def _repeated_numeral(c: _Ctx) -> pl.Expr:
    return pl.col("chinese") & (pl.col("left").str.slice(-2, 1) == pl.col("numtxt"))


@_noise_rule(
    "QTY-BARE-ONE-ARTICLE",
    effect="a bare 一 is an article (一批, 一项工作) unless it counts an event that ends the clause",
    example="全年召开专题会议一次。", expect="一次|1|event|exact",
    counter_example="解决了一批群众反映的问题", counter_expect="一批|1|item",
    why="一 before a measure word is mostly the indefinite article",
)
def _bare_one_article(c: _Ctx) -> pl.Expr:
    return c.bare_one & ((pl.col("measure_code") != "event") | ~c.clause_ends) & ~_staffed_one()


@rules.rule(
    id="QTY-BARE-ONE-STAFFED", stage="quantities",
    effect="a bare 一 counting people in a clause that opens with a staffing verb (QTY-STAFF-VERBS: 配备, 聘请) "
           "is a head count, not an article",
    example="配备一名执业律师作为政府兼职法律顾问", expect="一名|1|person|exact",
    counter_example="作为一名执业律师参与调解", counter_expect="一名|1|person",
    why="配备一名…、一名执业律师 says how many were engaged, one each; elsewhere 一名 is mostly the article "
        "(作为一名党员)",
)
def _staffed_one() -> pl.Expr:
    """Whether a bare 一 counts people engaged by the staffing verb its clause opens with."""
    if not rules.enabled("QTY-BARE-ONE-STAFFED"):
        return pl.lit(False)
    return (pl.col("measure_code") == "person") & pl.col("clause").str.contains(f"^(?:{_alt('QTY-STAFF-VERBS')})")


@_noise_rule(
    "QTY-BARE-ONE-RATE", effect="a bare 一 in a clause with 每 is a rate (每季度进行一次), not a count",
    example="全年召开专题会议一次。", expect="一次|1|event|exact",
    counter_example="每季度召开一次", counter_expect="一次|1|event",
    why="每季度一次 states a frequency; the year's count is elsewhere",
)
def _bare_one_rate(c: _Ctx) -> pl.Expr:
    return c.bare_one & pl.col("clause").str.contains("每")


@_noise_rule(
    "QTY-DATE-DAY", effect="a day after 月 is a date (12月4日), not a duration",
    example="连续值守3日", expect="3日|3|day|exact",
    counter_example="会议于12月4日举行", counter_expect="4日|4|day",
    why="日 is both a day count and the day of a date",
)
def _date_day(c: _Ctx) -> pl.Expr:
    return (pl.col("measure_code") == "day") & pl.col("left").str.contains("月$")


@_noise_rule(
    "QTY-IN-TITLE", effect="a number inside a title 《…》 is part of the title",
    example="学习《民法典》3次", expect="3次|3|event|exact",
    counter_example="学习《关于加强100个基层法治阵地建设的意见》", counter_expect="100个|100|item",
    why="a document's title may hold numbers that the report did not do",
)
def _in_title(c: _Ctx) -> pl.Expr:
    return _inside(pl.col("before"), "《", "》")


@_noise_rule(
    "QTY-IN-QUOTES", effect="a Chinese numeral inside quotation marks is part of a name (“三个一”)",
    example="开展“法律进社区”活动三次", expect="三次|3|event|exact",
    counter_example="推行“一村一个顾问、三个到位”机制", counter_expect="三个|3|item",
    why="a quoted phrase with a Chinese numeral names a scheme; Arabic numbers in quotes stay counts",
)
def _in_quotes(c: _Ctx) -> pl.Expr:
    return pl.col("chinese") & (_inside(pl.col("before"), "“", "”") | _inside(pl.col("before"), "「", "」"))


@_noise_rule(
    "QTY-LONE-UNIT-NAME", effect="a unit alone (百人, 千场) names a size unless a bound word stands before it (近万人)",
    example="惠及群众近万人", expect="万人|10000|person|approx",
    counter_example="组建百人宣讲团", counter_expect="百人|100|person",
    why="百人宣讲团 and 千场宣讲 name a campaign; 近万人 counts",
)
def _lone_unit_name(c: _Ctx) -> pl.Expr:
    return pl.col("numtxt").is_in(_vocab("QTY-NAMING-UNITS")) & c.prefix.is_null() & ~c.is_pct


@_noise_rule(
    "NUM-FIN-LONE-DIGIT",
    effect="a lone financial digit (伍, 陆) counts only before a measure word that ends the clause",
    example="受理投诉陆件。", expect="陆件|6|item|exact",
    counter_example="走访陆家嘴社区", counter_expect="陆家|6|item",
    why="伍 and 陆 are surnames and place names (陆家嘴); a numeral of two financial characters or with a unit "
        "(壹佰贰拾) is a number",
)
def _fin_lone_digit(c: _Ctx) -> pl.Expr:
    return pl.col("numtxt").is_in(list(FIN_DIGITS)) & ~c.clause_ends


def _with_enumerations(p: pl.DataFrame) -> pl.DataFrame:
    """`_enum`: the number restates the length of a list (QTY-ENUMERATION), worked out only on the
    numbers that can: an enumeration word, no range, and a clause holding a list mark (、) or a
    quoted name (”) before it. Its splitting of lists cost more than all the other noise rules."""
    words = _noise("enumeration")
    can = pl.col("mw").is_in(words) & pl.col("dash").is_null() & pl.col("clause").str.contains("[、”]")
    found = p.with_row_index("_i").filter(can).filter(_enumeration())["_i"]
    return p.with_columns(_enum=pl.int_range(pl.len(), dtype=pl.UInt32).is_in(found))


def _noise_expr(c: _Ctx) -> pl.Expr:
    """A number is noise when any rule that is on says so (or its numeral cannot be read)."""
    out = pl.col("base").is_null() | _after_patterns() | pl.col("_enum")
    for rule_id, fn in _NOISE.items():
        if rules.enabled(rule_id):
            out = out | fn(c)
    return out


def _left_span() -> int:
    """Characters before a number the left-hand tests read: the longest word any of them needs
    (prefix cues, words a prefix cue ends, `before` noise words), and two for 一人一档."""
    q = qualifier_cues()
    words = [*q["prefix"], *q["prefix_inside"], *_noise("before")]
    return max([2, *(len(w) for w in words)])


def _qualifier(prefix: pl.Expr, suffix: pl.Expr, gapped: pl.Expr, duration_suffix: pl.Expr) -> pl.Expr:
    """The qualifier of a number: the first cue that applies, in the order qualifier_precedence.csv declares."""
    q = qualifier_cues()
    infix = pl.coalesce("inf1", "inf2")
    duration = pl.col("measure_code").is_in(["day", "hour"])
    branches = {
        "QTY-QUAL-RANGE": (pl.col("dash").is_not_null(), pl.lit("range")),
        "QTY-QUAL-INFIX": (infix.is_not_null(), infix.replace_strict(q["infix"], default="exact")),
        "QTY-QUAL-PREFIX": (prefix.is_not_null(), prefix.replace_strict(q["prefix"], default="exact")),
        "QTY-QUAL-SUFFIX": (suffix.is_not_null(), suffix.replace_strict(q["suffix"], default="exact")),
        "QTY-QUAL-GAPPED": (gapped.is_not_null(), gapped.replace_strict(q["gapped"], default="exact")),
        "QTY-QUAL-DURATION": (duration & duration_suffix.is_not_null(),
                              duration_suffix.replace_strict(q["duration_suffix"], default="exact")),
    }
    chain = None
    for rule_id in rules.order("qualifier_precedence.csv"):
        cond, value = branches[rule_id]
        chain = pl.when(cond).then(value) if chain is None else chain.when(cond).then(value)
    return pl.lit("exact") if chain is None else chain.otherwise(pl.lit("exact"))


def _number_mentions(s: pl.DataFrame) -> pl.DataFrame:
    pattern = _quantity_pattern()
    p = _pieces(s, pattern)
    if p.is_empty():
        return p
    mapping = _cn_values(pl.concat([p["num"], p["num2"], p["pnum"]]))
    mw = measure_words()
    q = qualifier_cues()
    span = _left_span()
    is_pct = pl.col("pnum").is_not_null()
    p = p.with_columns(
        numtxt=pl.coalesce("pnum", "num"),
        mw=pl.when(is_pct).then(pl.lit("百分之")).otherwise("mw"),
        end=(pl.col("stop")).cast(pl.Int32),
    ).with_columns(
        chinese=~pl.col("numtxt").str.contains(r"^\d"),
        left=pl.col("masked").str.slice(pl.max_horizontal(pl.col("pos") - span, 0),
                                        pl.min_horizontal(pl.col("pos"), span)),
        # the rest of the sentence: every right-hand test is anchored at its start
        right=pl.col("masked").str.slice(pl.col("end")),
        before=pl.col("sentence").str.slice(0, pl.col("pos")),
        base=_value("numtxt", mapping),
        high=_value("num2", mapping),
        mult=pl.col("scale").replace_strict(SCALE, default=1.0, return_dtype=pl.Float64),
        measure_code=pl.col("mw").replace_strict(mw, default=None, return_dtype=pl.String),
    ).with_columns(
        # the clause up to the number, which several rules read: cut once, not once per rule
        clause=pl.col("before").str.extract(f"([^{CLAUSE_END}]*)$"),
    )
    suffix = pl.col("right").str.extract(f"^({alternation(list(q['suffix'])) or NEVER})")
    prefix = pl.col("left").str.extract(f"({alternation(list(q['prefix'])) or NEVER})$")
    # a prefix cue that ends another word (最近, 公约, 条约) bounds nothing
    inside = list(q["prefix_inside"])
    if inside:
        prefix = pl.when(_ends_with_any(pl.col("left"), inside)).then(None).otherwise(prefix)
    plain = pl.col("dash").is_null() & pl.col("inf1").is_null() & pl.col("inf2").is_null()
    ctx = _Ctx(
        prefix=prefix,
        is_pct=is_pct,
        bare_one=(pl.col("numtxt") == "一") & plain,
        clause_ends=pl.col("right").str.contains(f"^(?:$|[{CLAUSE_END}、）)])"),
    )
    p = _with_enumerations(p)
    noise = _noise_expr(ctx)
    # a bound word a few words before the number (至少配备2名, 确保每村至少有1名)
    gap_max = _n("QTY-GAP-QUALIFIER-MAX")
    gapped_cues = list(q["gapped"])
    cue_len = max((len(w) for w in gapped_cues), default=0)
    gapped = (
        pl.col("masked")
        .str.slice(
            pl.max_horizontal(pl.col("pos") - cue_len - gap_max, 0),
            pl.min_horizontal(pl.col("pos"), cue_len + gap_max),
        )
        .str.extract(f"((?:{alternation(gapped_cues) or NEVER})[^{CLAUSE_END}的\\d%]{{1,{gap_max}}})$")
    )
    blockers = _noise("gap_blocker")
    if blockers:
        gapped = pl.when(~gapped.str.contains(alternation(blockers))).then(gapped)
    gapped = gapped.str.extract(f"^({alternation(gapped_cues) or NEVER})")
    duration_suffix = pl.col("right").str.extract(f"^({alternation(list(q['duration_suffix'])) or NEVER})")
    qualifier = _qualifier(prefix, suffix, gapped, duration_suffix)
    tenths = pl.col("mw").replace_strict(TENTHS, default=1.0, return_dtype=pl.Float64)  # 九成以上 is 90% or more
    money_word = pl.when(pl.col("scale").is_not_null()).then(pl.col("scale") + pl.col("mw"))
    cn_scaled = pl.col("numtxt").str.contains(f"[{''.join(SCALE)}]$")
    money_word = money_word.when(cn_scaled).then(pl.col("numtxt").str.slice(-1) + pl.col("mw"))
    return p.filter(~noise).with_columns(
        # rounded: 1.36万元 is 13600, not 13600.000000000002
        value=(pl.col("base") * pl.col("mult") * tenths).round(6),
        value_high=(pl.col("high") * pl.col("mult") * tenths).round(6),
        qualifier=qualifier,
        measure_word=pl.when(pl.col("mw") == "元").then(money_word.otherwise(pl.col("mw"))).otherwise(pl.col("mw")),
        surface=pl.col("masked").str.slice(pl.col("pos"), pl.col("end") - pl.col("pos")),
    )


@rules.rule(
    id="QTY-PAIR", stage="indicators",
    effect="a list of subjects zipped with a list of numbers after 分别: the i-th number gets the i-th subject",
    example="全年行政复议案件、行政诉讼案件分别为12件、10件", expect="12件|review.admin_cases",
    why="行政复议案件、行政诉讼案件分别为12件、10件 states 12 reviews and 10 lawsuits",
)
def _pair(m: pl.DataFrame) -> pl.DataFrame:
    """Zip a list of subjects with a list of numbers: 受理、办结行政复议案件分别为12件、10件.

    Numbers joined only by a list separator (12件、10件, 45件和43件) form a run; when the clause
    before the run's first number ends in 分别 (and a verb of QTY-PAIR-VERBS) and lists as many
    subjects, the i-th number gets the i-th subject (`pair_subject`) and its cue search stops at
    that subject's end (`pair_context`). 对干部和群众分别开展培训3期、5期 keeps its shared cue: a
    verb stands between 分别 and the numbers, so the listed names are not what is counted.
    """
    if not rules.enabled("QTY-PAIR"):
        return m.with_columns(pair_subject=pl.lit(None, pl.String), pair_context=pl.lit(None, pl.Int64))
    cue = f"分别{_opt('QTY-PAIR-VERBS')}"
    clause = pl.col("clause")
    listed = clause.str.extract(f"^(.+?){cue}$")
    # only sentences with a 分别 list are worth the window work
    heads = m.filter(pl.col("before").str.contains(f"{cue}$")).select(KEYS).unique()
    sub = m.join(heads, on=KEYS, how="semi").sort([*KEYS, "pos"])
    same = (pl.col("source_file") == pl.col("source_file").shift(1)) & (
        pl.col("sentence_no") == pl.col("sentence_no").shift(1)
    )
    prev_end = pl.when(same).then(pl.col("end").shift(1))
    gap = pl.col("masked").str.slice(prev_end.fill_null(0), (pl.col("pos") - prev_end.fill_null(0)).clip(0))
    joined = prev_end.is_not_null() & (pl.col("pos") > prev_end) & gap.str.contains(f"^{_list_sep()}$")
    sub = sub.with_columns(_run=(~joined).cast(pl.Int32).cum_sum())
    sub = sub.with_columns(
        _items=_split_list(listed).first().over("_run"),
        _start=(pl.col("pos") - clause.str.len_chars()).first().over("_run"),
        _rank=pl.int_range(pl.len()).over("_run"),
        _n=pl.len().over("_run"),
    )
    ok = (pl.col("_n") > 1) & (pl.col("_items").list.len() == pl.col("_n"))
    item_end = pl.col("_items").list.eval((pl.element().str.len_chars() + 1).cum_sum() - 1)
    paired = sub.select(
        *KEYS,
        "pos",
        pair_subject=pl.when(ok).then(pl.col("_items").list.get(pl.col("_rank"), null_on_oob=True)),
        pair_context=pl.when(ok).then(pl.col("_start") + item_end.list.get(pl.col("_rank"), null_on_oob=True)),
    )
    return m.join(paired, on=[*KEYS, "pos"], how="left", maintain_order="left")


@rules.rule(
    id="QTY-DISTRIBUTE", stage="quantities",
    effect="one mention per listed subject: 知晓率、满意率均为100% states two rates",
    example="群众知晓率、满意率均为100%", expect="100%|100|percent|exact\n100%|100|percent|exact",
    why="a number after 均/都/各 holds for each subject listed before it",
)
def _distributed_list(clause: pl.Expr) -> pl.Expr:
    if not rules.enabled("QTY-DISTRIBUTE"):
        return pl.lit(None, pl.String)
    listed = clause.str.extract(f"^(.+?)(?:{_alt('QTY-DIST-ADVERBS')}){_opt('QTY-DIST-VERBS')}$")
    return pl.coalesce(listed, _rate_list(clause))


@rules.rule(
    id="QTY-DISTRIBUTE-RATES", stage="quantities",
    effect="a list of rates (X率、Y率、Z率) closed by a distributive adverb gives its number to each rate, whatever "
           "short predicate (at most QTY-DIST-RATE-GAP characters) stands between the adverb and the number",
    example="参学率、参考率、通过率均到达100%", expect="100%|100|percent|exact\n100%|100|percent|exact\n"
                                                   "100%|100|percent|exact",
    why="a list whose every item ends in 率 is a list of rates: 均/都 after it shares the one percentage out, "
        "and the verb before the number (到达, 保持, 稳定在) need not be one QTY-DIST-VERBS knows",
)
def _rate_list(clause: pl.Expr) -> pl.Expr:
    """The listed rates of a clause `X率、Y率均<short predicate>` (null when the items are not all rates)."""
    if not rules.enabled("QTY-DISTRIBUTE-RATES"):
        return pl.lit(None, pl.String)
    gap = _n("QTY-DIST-RATE-GAP")
    listed = clause.str.extract(f"^(.+?率)(?:{_alt('QTY-DIST-ADVERBS')})[^{CLAUSE_END}\\d率]{{0,{gap}}}$")
    rates = _split_list(listed).list.eval(pl.element().str.ends_with("率")).list.all()
    return pl.when(rates & (_split_list(listed).list.len() > 1)).then(listed)


@rules.rule(
    id="QTY-DISTRIBUTE-TIMES", stage="quantities",
    effect="N个 before a rate repeats it N times: 三项率达到三个100%",
    example="应学率、参学率和合格率达到三个100%",
    expect="100%|100|percent|exact\n100%|100|percent|exact\n100%|100|percent|exact",
    why="三个100% states three rates of 100%, one per listed rate",
)
def _times(clause: pl.Expr) -> pl.Expr:
    if not rules.enabled("QTY-DISTRIBUTE-TIMES"):
        return pl.lit(None, pl.String)
    return clause.str.extract(f"([{PLAIN_DIGITS}两十\\d]+)个$")


def _distribute(m: pl.DataFrame) -> pl.DataFrame:
    """One mention per listed subject: 通过率、学分达标率均为100%, 专题会、推进会各1次 and 三项率达到三个100%."""
    times = _times(pl.col("clause"))
    listed = (
        pl.when(times.is_not_null())
        .then(pl.col("clause").str.extract(
            f"^(.*?)(?:{_alt('QTY-DIST-ADVERBS')})?{_opt('QTY-DIST-VERBS')}[{PLAIN_DIGITS}两十\\d]+个$"))
        .otherwise(_distributed_list(pl.col("clause")))
    )
    m = _pair(m).with_columns(times=times, items=_split_list(listed))
    mapping = _cn_values(m["times"])
    m = m.with_columns(
        times=_value("times", mapping).cast(pl.Int32),
        k=pl.col("items").list.len().fill_null(0).cast(pl.Int32),
        clause_start=(pl.col("pos") - pl.col("clause").str.len_chars()).cast(pl.Int32),
        item_end=pl.col("items").list.eval((pl.element().str.len_chars() + 1).cum_sum() - 1),
    ).with_columns(
        mult=pl.coalesce("times", pl.when(pl.col("k") > 1).then("k"), pl.lit(1))
        .clip(1, _n("QTY-DISTRIBUTE-MAX")).cast(pl.Int32),
    )
    paired = (pl.col("k") == pl.col("mult")) & (pl.col("mult") > 1)
    return (
        m.with_columns(rep=pl.int_ranges(0, pl.col("mult")))
        .explode("rep")
        .with_columns(
            subject=pl.when(paired)
            .then(pl.col("items").list.get(pl.col("rep"), null_on_oob=True))
            .when(pl.col("mult") > 1)
            .then(pl.col("items").list.join("、"))
            .otherwise(pl.col("pair_subject")),
            context=pl.when(paired)
            .then(pl.col("clause_start") + pl.col("item_end").list.get(pl.col("rep"), null_on_oob=True))
            .when(pl.col("pair_context").is_not_null())
            .then(pl.col("pair_context"))
            .otherwise(pl.col("pos"))
            .cast(pl.Int64),
        )
    )


@rules.rule(
    id="QTY-ZERO-LIST", stage="quantities",
    effect="a negator covers further listed subjects: 未发生行政复议、行政诉讼案件 states two zeros",
    example="未发生行政复议、行政诉讼案件", expect="行政诉讼案|0|item|exact",
    why="one 未发生 before a list negates every subject of it",
)
def _zero_list(counts: pl.DataFrame, words: Callable[[str], list[str]], default_mw: dict) -> pl.DataFrame:
    """More subjects one negator covers: 未发生行政复议、行政诉讼案件 states two zeros.

    After a stated zero, each further subject in the same clause that a list separator
    introduces, within QTY-ZERO-LIST-GAP characters of it, is zero too, unless a number, a
    blocker (重大) or a negator of its own stands in between.
    """
    if counts.is_empty() or not rules.enabled("QTY-ZERO-LIST"):
        return counts.clear()
    pattern = (
        rf"(?s)(?P<lead>.*?){_list_sep()}(?P<gap>[^{CLAUSE_END}的\d]{{0,{_n('QTY-ZERO-LIST-GAP')}}}?)"
        rf"(?P<subj2>{alternation(words('subject')) or NEVER})"
    )
    stop_words = alternation(words("blocker") + words("negator")) or NEVER
    rest = (
        counts.with_row_index("_zid")
        .with_columns(rest=pl.col("masked").str.slice(pl.col("end")).str.extract(f"^([^{CLAUSE_END}]*)"))
        .with_columns(piece=pl.col("rest").str.extract_all(pattern))
        .explode("piece")
        .drop_nulls("piece")
        .with_columns(pl.col("piece").str.extract_groups(pattern).alias("g"), plen=pl.col("piece").str.len_chars())
        .unnest("g")
        .with_columns(stop2=pl.col("end") + pl.col("plen").cum_sum().over("_zid"))
        # the list ends at the first piece whose lead says something else
        .with_columns(
            broken=(pl.col("lead").str.contains(r"\d") | pl.concat_str("lead", "gap").str.contains(stop_words))
            .cum_max()
            .over("_zid")
        )
        .filter(~pl.col("broken"))
    )
    return rest.select(
        counts.columns,
    ).with_columns(
        pos=(rest["stop2"] - rest["subj2"].str.len_chars()).cast(pl.Int32),
        end=rest["stop2"].cast(pl.Int32),
        subject=rest["subj2"],
        measure_word=rest["subj2"].replace_strict(default_mw, default=None),
    )


def _zero_count_pattern(words: Callable[[str], list[str]]) -> str:
    """A negator, perhaps an article and a few words, then a countable subject (QTY-ZERO)."""
    return (
        rf"(?s)(?P<pre>.*?)(?P<neg>{alternation(words('negator'))})(?P<art>{alternation(words('article')) or NEVER})?"
        # a cause may qualify the subject: 未发生因行政许可引发的行政复议案件
        rf"(?P<mid>(?:因[^{CLAUSE_END}]{{1,{_n('QTY-ZERO-CAUSE-MAX')}}}?(?:{_alt('QTY-ZERO-CAUSE-VERBS')})的)?"
        rf"[^{CLAUSE_END}的]{{0,{_n('QTY-ZERO-MID-MAX')}}}?)"
        rf"(?P<subj>{alternation(words('subject'))})"
    )


@rules.rule(
    id="QTY-ZERO", stage="quantities",
    effect="a negator before a countable subject states a zero: 未发生行政诉讼案件 is 0 cases",
    example="全年未发生行政诉讼案件", expect="未发生行政诉讼案|0|item|exact",
    why="reports state the absence of lawsuits and reviews in words; the zero is a fact",
)
def _zero_counts(s: pl.DataFrame, words: Callable[[str], list[str]], default_mw: dict) -> pl.DataFrame:
    negators, subjects = words("negator"), words("subject")
    if not rules.enabled("QTY-ZERO") or not negators or not subjects:
        return s.clear().with_columns(pos=pl.lit(0, pl.Int32), end=pl.lit(0, pl.Int32), subject=pl.lit(""),
                                      measure_word=pl.lit(""), measure_code=pl.lit(""))
    # a sentence with no negator states no zero: the pattern is run on the others only
    p = _pieces(s.filter(pl.col("masked").str.contains(alternation(negators))), _zero_count_pattern(words))
    counts = p.filter(~pl.col("mid").str.contains(alternation(words("blocker")) or NEVER)).with_columns(
        end=pl.col("stop").cast(pl.Int32),
        subject=pl.col("subj"),
        measure_word=pl.coalesce(
            pl.col("art").replace_strict(default_mw, default=None),
            pl.col("subj").replace_strict(default_mw, default=None),
        ),
        measure_code=pl.lit("item"),
    )
    return pl.concat([counts, _zero_list(counts, words, default_mw)], how="diagonal_relaxed")


@rules.rule(
    id="QTY-ZERO-RATE", stage="quantities",
    effect="a rate stated as zero (败诉率为零, 纠错率为0) is a 0 % fact",
    example="行政诉讼败诉率为零", expect="零|0|percent|exact",
    counter_example="行政诉讼败诉率为0.5%", counter_expect="0|0|percent",
    why="a rate of zero has no % sign to be found by the grammar",
)
def _zero_rates(s: pl.DataFrame) -> pl.DataFrame:
    if not rules.enabled("QTY-ZERO-RATE"):
        return s.clear().with_columns(pos=pl.lit(0, pl.Int32), end=pl.lit(0, pl.Int32), subject=pl.lit(""),
                                      measure_word=pl.lit(""), measure_code=pl.lit(""))
    rate_pattern = rf"(?s)(?P<pre>.*?率){_opt('QTY-ZERO-RATE-VERBS')}(?P<zero>0|零)"
    # only a sentence holding the pattern's tail (率为零) can match it: the lazy head is slow to scan
    s = s.filter(pl.col("masked").str.contains(rf"(?s)率{_opt('QTY-ZERO-RATE-VERBS')}(?:0|零)"))
    r = _pieces(s, rate_pattern)
    return r.with_columns(
        pos=(pl.col("stop") - 1).cast(pl.Int32),
        end=pl.col("stop").cast(pl.Int32),
        right=pl.col("masked").str.slice(pl.col("stop"), 1),
        subject=pl.lit(None, pl.String),
        measure_word=pl.lit("%"),
        measure_code=pl.lit("percent"),
    ).filter(~pl.col("right").str.contains(r"^[\d.%％]"))


def _zero_mentions(s: pl.DataFrame) -> pl.DataFrame:
    """Stated zeros: 无一起行政诉讼案, 未发生行政复议案件, 败诉率为零."""
    z = zero_cues()

    def words(role: str) -> list[str]:
        return z.filter(pl.col("role") == role)["word"].to_list()

    default_mw = dict(z.filter(pl.col("role").is_in(["article", "subject"])).select("word", "measure_word").iter_rows())
    cols = [*s.columns, "pos", "end", "subject", "measure_word", "measure_code"]
    counts = _zero_counts(s, words, default_mw)
    out = pl.concat([counts.select(cols), _zero_rates(s).select(cols)], how="vertical_relaxed")
    return out.with_columns(
        value=pl.lit(0.0),
        value_high=pl.lit(None, pl.Float64),
        qualifier=pl.lit("exact"),
        context=pl.col("end").cast(pl.Int64),
        surface=pl.col("masked").str.slice(pl.col("pos"), pl.col("end") - pl.col("pos")),
    )


def extract_mentions(sentences: pl.DataFrame) -> pl.DataFrame:
    """SENTENCES → MENTIONS (+ subject, context_end): every quantity a sentence states."""
    s = _masked(sentences.select(*KEYS, "sent_start", "sentence"))
    cols = [
        *KEYS,
        "sent_start",
        "pos",
        "end",
        "surface",
        "value",
        "value_high",
        "measure_code",
        "measure_word",
        "qualifier",
        "subject",
        "context",
    ]
    parts = []
    numbers = _number_mentions(s)
    if not numbers.is_empty():
        parts.append(_distribute(numbers).select(cols))
    zeros = _zero_mentions(s)
    if not zeros.is_empty():
        parts.append(zeros.select(cols))
    if not parts:
        return pl.DataFrame(schema=MENTIONS)
    m = (
        pl.concat(parts)
        # stable, so the copies one distributive number makes (and a zero beside a number) keep their order
        .sort([*KEYS, "pos", "context"], maintain_order=True)
        .with_columns(
            mention_no=(pl.int_range(pl.len()).over(KEYS) + 1),
            char_start=pl.col("sent_start") + pl.col("pos"),
            char_end=pl.col("sent_start") + pl.col("end"),
            context_end=pl.col("sent_start") + pl.col("context"),
        )
    )
    return conform(m, MENTIONS)

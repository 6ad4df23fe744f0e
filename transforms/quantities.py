"""Find every stated quantity in the sentences: number, scale, measure word, qualifier.

The grammar is data-driven: measure words come from `data/measures.csv`, qualifier cues
from `data/qualifiers.csv`, noise (slogans, hotlines, holidays, ordinals) from
`data/quantity_noise.csv` and the stated-zero vocabulary from `data/zero_cues.csv`, so
an analyst widens it without touching code.

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
from functools import cache
from pathlib import Path

import polars as pl

from transforms.schemas import MENTIONS, conform

DATA = Path(__file__).with_name("data")
KEYS = ["source_file", "sentence_no"]

CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNIT = {"十": 10, "百": 100, "千": 1000}
# financial numerals (大写数字) read for their value; not yet found as mentions (伍 and 陆 are surnames too)
FIN_DIGIT = {"壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
FIN_UNIT = {"拾": 10, "佰": 100, "仟": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_CHARS = "".join(CN_DIGIT) + "".join(CN_UNIT) + "".join(CN_BIG)
SCALE = {"万": 1e4, "亿": 1e8, "千": 1e3}
CN_NUM = "[零〇一二两三四五六七八九十百千万][零〇一二两三四五六七八九十百千万亿]*"
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|" + CN_NUM
# after 百分之 a Chinese numeral may carry a decimal (百分之九十七点五); elsewhere 点 is too often a word (一点一滴)
PCT_NUM = NUM + "(?:点[零〇一二三四五六七八九]+)?"
CLAUSE_END = "，,；;：:。！？!?"
# a list of subjects zipped with a list of numbers: 受理、办结案件分别为12件、10件
PAIR_CUE = "分别(?:为|是|达到|达|有|计)?"
LIST_SEP = "(?:、|和|及|与|以及)"
# words with 和/及/与 inside that are no list separator: 参与率和合格率 lists two rates, not three
JOINED_WORDS = ["参与", "及时", "涉及", "普及", "和解", "和谐", "与会", "给与"]
# a stated zero covers further listed subjects up to this many characters after a separator
ZERO_LIST_GAP = 12
# a bound word may stand a few words before its number (至少配备2名): at most this many characters between
GAP_QUALIFIER_MAX = 6


def cn_number(text: str) -> float | None:
    """Value of a Chinese numeral (十余 → 10, 两万 → 20000); None for digit runs like 十四五."""
    if "点" in text:  # 九十七点五: the digits after 点 are read one by one
        whole, _, frac = text.partition("点")
        head = cn_number(whole) if whole else None
        if head is None or not frac or any(c not in CN_DIGIT for c in frac):
            return None
        return head + float("0." + "".join(str(CN_DIGIT[c]) for c in frac))
    if re.search(r"[一二两三四五六七八九壹贰叁肆伍陆柒捌玖]{2}", text):
        return None
    digits, units = {**CN_DIGIT, **FIN_DIGIT}, {**CN_UNIT, **FIN_UNIT}
    # 亿 closes everything before it; 万 closes only what stands since the last 亿
    # (一亿一千一百一十一万… is 1 亿 + 1111 万 + …, not (1 亿 + 1111) × 万)
    yi, wan, section, digit = 0, 0, 0, None
    for ch in text:
        if ch in digits:
            digit = digits[ch]
        elif ch in units:
            section += (1 if digit is None else digit) * units[ch]
            digit = None
        elif ch == "万":
            wan = (wan + section + (digit or 0)) * CN_BIG[ch]
            section, digit = 0, None
        elif ch == "亿":
            yi = (yi + wan + section + (digit or 0)) * CN_BIG[ch]
            wan, section, digit = 0, 0, None
        else:
            return None
    return float(yi + wan + section + (digit or 0))


def _words(cell: str | None) -> list[str]:
    return (cell or "").split()


def _alternation(words: list[str]) -> str:
    """Regex alternation with the longest word first, so 人次 wins over 人."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@cache
def measure_words() -> dict[str, str]:
    """Measure word → measure_code, from measures.csv."""
    table = pl.read_csv(DATA / "measures.csv")
    out: dict[str, str] = {}
    for row in table.iter_rows(named=True):
        for word in _words(row["words"]):
            out[word] = row["measure"]
    return out


@cache
def qualifier_cues() -> dict[str, dict[str, str]]:
    """Position (prefix, infix, suffix, gapped, duration_suffix) → cue word → qualifier code.

    `gapped` cues still bound a number with a few words between them (至少配备2名);
    `duration_suffix` cues bound only a duration (3个工作日内); `prefix_inside` lists words that end
    in a prefix cue without being one (最近, 公约).
    """
    table = pl.read_csv(DATA / "qualifiers.csv")
    out: dict[str, dict[str, str]] = {
        "prefix": {},
        "infix": {},
        "suffix": {},
        "gapped": {},
        "duration_suffix": {},
        "prefix_inside": {},
    }
    for row in table.iter_rows(named=True):
        for pos in out:
            for word in _words(row.get(pos)):
                out[pos][word] = row["qualifier"]
    return out


@cache
def noise_rules() -> pl.DataFrame:
    return pl.read_csv(DATA / "quantity_noise.csv")


@cache
def zero_cues() -> pl.DataFrame:
    return pl.read_csv(DATA / "zero_cues.csv")


def _noise(rule: str, numerals: str | None = None) -> list[str]:
    t = noise_rules().filter(pl.col("rule") == rule)
    if numerals:
        t = t.filter(pl.col("numerals") == numerals)
    return t["text"].to_list()


def _after_patterns() -> pl.Expr:
    """`after_pattern` rules: a regex on the text right after the measure word, for some measures only."""
    hit = pl.lit(False)
    rules = noise_rules().filter(pl.col("rule") == "after_pattern")
    for row in rules.iter_rows(named=True):
        cond = pl.col("right").str.contains(row["text"])
        if row.get("measures"):
            cond = cond & pl.col("measure_code").is_in(row["measures"].split())
        if row["numerals"] == "chinese":
            cond = cond & pl.col("chinese")
        hit = hit | cond
    return hit


def _split_list(expr: pl.Expr) -> pl.Expr:
    """A listed phrase split into its items at 、/和/及/与/以及, words like 参与 and 及时 kept whole."""
    keep = JOINED_WORDS
    marks = [w.replace("和", "\x01").replace("及", "\x02").replace("与", "\x03") for w in keep]
    return (
        expr.str.replace_many(keep, marks)
        .str.replace_all("以及|[和及与]", "、")
        .str.replace_many(["\x01", "\x02", "\x03"], ["和", "及", "与"])
        .str.split("、")
    )


def _enumeration() -> pl.Expr:
    """政务、财务、事务三类公开: a number that restates the length of the list of names before it.

    The list is the clause before the number split at 、/和/及/与; the number equals its length
    (or, for an `enumeration_class` word such as 类, exceeds it after 等), the measure word is an
    `enumeration` word, and either a noun
    follows (三项机制) or a classifying verb (分为, 包括) opens the clause. A clause-final
    count (新建法治广场、法治长廊两个) stays a count, and so does a number after a list of numbers
    (新增12项、调整8项、下放3项事项).
    """
    words, leads = _noise("enumeration"), _noise("enumeration_lead")
    if not words:
        return pl.lit(False)
    clause = pl.col("before").str.extract(f"([^{CLAUSE_END}]*)$")
    k = _split_list(clause).list.len()
    etc = clause.str.ends_with("等")
    lead = clause.str.contains(_alternation(leads)) if leads else pl.lit(False)
    noun_after = pl.col("right").str.contains(r"^\p{Han}") & ~pl.col("right").str.contains("^[并均已全共都和及与或]")
    return (
        pl.col("mw").is_in(words)
        & pl.col("dash").is_null()
        & clause.str.contains("、")
        & ~clause.str.contains(r"\d")  # 新增12项、调整8项、下放3项事项 lists numbers, not names
        # after 等 the names are examples: a larger number is a real total (…改革等10余项涉法事项, 等4个难题),
        # except a number of classes (政务、财务等五类公开)
        & ((pl.col("base") == k) | (etc & (pl.col("base") > k) & pl.col("mw").is_in(_noise("enumeration_class"))))
        & (noun_after | lead)
    )


def _quantity_pattern() -> str:
    words = [w for w in measure_words() if w not in ("百分之", "万元", "亿元", "千元")]
    infix = _alternation(list(qualifier_cues()["infix"]))
    return (
        rf"(?s)(?P<pre>.*?)(?:百分之(?P<pnum>{PCT_NUM})"
        rf"|(?P<num>{NUM})(?:(?P<dash>-|~|～|—|–|至|到)(?P<num2>{NUM}))?"
        rf"(?P<inf1>{infix})?(?P<scale>万|亿|千)?(?P<inf2>{infix})?(?P<mw>{_alternation(words)}))"
    )


def _masked(sentences: pl.DataFrame) -> pl.DataFrame:
    """Blank noise phrases (same length, so offsets hold) before the grammar reads the text.

    `phrase` rules are literal; `pattern` rules are regexes (十九届四中、五中全会): their
    matches in a sentence become literal phrases of that sentence, so one replace masks both.
    A sentence's phrases are its own: what another report of the batch says never masks it.
    """
    literal = _noise("phrase")
    hits = pl.concat_list(
        [pl.col("sentence").str.extract_all(rx) for rx in _noise("pattern")] or [pl.lit([], pl.List(pl.String))]
    ).list.eval(pl.element().filter(pl.element() != "")).list.unique().list.sort()
    s = sentences.with_columns(_hits=hits)
    plain = s.filter(pl.col("_hits").list.len() == 0)
    parts = [plain.with_columns(masked=_mask(pl.col("sentence"), literal))]
    # sentences that match a pattern are few: one replace per distinct set of matches
    for (found,), group in s.filter(pl.col("_hits").list.len() > 0).group_by(
        pl.col("_hits").list.join("\x00"), maintain_order=True
    ):
        parts.append(group.with_columns(masked=_mask(pl.col("sentence"), [*literal, *found.split("\x00")])))
    return pl.concat(parts).drop("_hits").sort(KEYS, maintain_order=True)


def _mask(expr: pl.Expr, phrases: list[str]) -> pl.Expr:
    """`phrases` in `expr` blanked with □ of the same length, the longest first."""
    phrases = sorted(set(phrases), key=lambda p: (-len(p), p))
    return expr.str.replace_many(phrases, ["□" * len(p) for p in phrases])


def _pieces(frame: pl.DataFrame, pattern: str) -> pl.DataFrame:
    """One row per regex match with its groups and its offset in the sentence (`pos`, `end`)."""
    return (
        frame.with_columns(piece=pl.col("masked").str.extract_all(pattern))
        .explode("piece")
        .drop_nulls("piece")
        .with_columns(pl.col("piece").str.extract_groups(pattern).alias("g"), plen=pl.col("piece").str.len_chars())
        .unnest("g")
        .with_columns(stop=pl.col("plen").cum_sum().over(KEYS))
        .with_columns(pos=(pl.col("stop") - pl.col("plen") + pl.col("pre").str.len_chars()).cast(pl.Int32))
    )


def _cn_values(values: pl.Series) -> dict[str, float | None]:
    return {v: cn_number(v) for v in values.drop_nulls().unique().to_list() if not v[0].isdigit()}


def _value(col: str, mapping: dict[str, float | None]) -> pl.Expr:
    arabic = pl.col(col).str.replace_all(",", "").cast(pl.Float64, strict=False)
    chinese = pl.col(col).replace_strict(mapping, default=None, return_dtype=pl.Float64)
    return pl.coalesce(arabic, chinese)


def _ends_with_any(expr: pl.Expr, words: list[str]) -> pl.Expr:
    if not words:
        return pl.lit(False)
    return expr.str.contains(f"(?:{_alternation(words)})$")


def _starts_with_any(expr: pl.Expr, words: list[str]) -> pl.Expr:
    if not words:
        return pl.lit(False)
    return expr.str.contains(f"^(?:{_alternation(words)})")


def _inside(before: pl.Expr, opening: str, closing: str) -> pl.Expr:
    return before.str.count_matches(opening, literal=True) > before.str.count_matches(closing, literal=True)


def _number_mentions(s: pl.DataFrame) -> pl.DataFrame:
    pattern = _quantity_pattern()
    p = _pieces(s, pattern)
    if p.is_empty():
        return p
    mapping = _cn_values(pl.concat([p["num"], p["num2"], p["pnum"]]))
    mw = measure_words()
    q = qualifier_cues()
    is_pct = pl.col("pnum").is_not_null()
    p = p.with_columns(
        numtxt=pl.coalesce("pnum", "num"),
        mw=pl.when(is_pct).then(pl.lit("百分之")).otherwise("mw"),
        end=(pl.col("stop")).cast(pl.Int32),
    ).with_columns(
        chinese=~pl.col("numtxt").str.contains(r"^\d"),
        left=pl.col("masked").str.slice(pl.max_horizontal(pl.col("pos") - 4, 0), pl.min_horizontal(pl.col("pos"), 4)),
        right=pl.col("masked").str.slice(pl.col("end"), 6),
        before=pl.col("sentence").str.slice(0, pl.col("pos")),
        base=_value("numtxt", mapping),
        high=_value("num2", mapping),
        mult=pl.col("scale").replace_strict(SCALE, default=1.0, return_dtype=pl.Float64),
        measure_code=pl.col("mw").replace_strict(mw, default=None, return_dtype=pl.String),
    )
    suffix = pl.col("right").str.extract(f"^({_alternation(list(q['suffix']))})")
    prefix = pl.col("left").str.extract(f"({_alternation(list(q['prefix']))})$")
    # a prefix cue that ends another word (最近, 公约, 条约) bounds nothing
    inside = list(q["prefix_inside"])
    if inside:
        prefix = pl.when(_ends_with_any(pl.col("left"), inside)).then(None).otherwise(prefix)
    plain = pl.col("dash").is_null() & pl.col("inf1").is_null() & pl.col("inf2").is_null()
    bare_one = (pl.col("numtxt") == "一") & plain
    clause_ends = pl.col("right").str.contains(f"^(?:$|[{CLAUSE_END}、）)])")
    noise = (
        pl.col("left").str.contains(r"(?:\d|\d[.,]|[A-Za-z])$")
        | (pl.col("chinese") & pl.col("left").str.contains(f"[{CN_CHARS}]$"))
        | _ends_with_any(pl.col("left"), _noise("before", "any"))
        | (pl.col("chinese") & _ends_with_any(pl.col("left"), _noise("before", "chinese")))
        | _starts_with_any(pl.col("right"), _noise("after", "any"))
        | (pl.col("chinese") & _starts_with_any(pl.col("right"), _noise("after", "chinese")))
        # 三个100%: the count of a distributive (but 学法19次26件 states two counts back to back)
        | pl.col("right").str.contains(r"^(?:\d+(?:\.\d+)?\s*[%％]|百分之)")
        | (pl.col("chinese") & (pl.col("left").str.slice(-2, 1) == pl.col("numtxt")))  # 一人一档
        | (bare_one & ((pl.col("measure_code") != "event") | ~clause_ends))  # 一批, 一项工作: an article
        | (bare_one & pl.col("before").str.extract(f"([^{CLAUSE_END}]*)$").str.contains("每"))  # 每季度进行一次: a rate
        | ((pl.col("measure_code") == "day") & pl.col("left").str.contains("月$"))  # 12月4日 is a date
        | _inside(pl.col("before"), "《", "》")
        | (pl.col("chinese") & (_inside(pl.col("before"), "“", "”") | _inside(pl.col("before"), "「", "」")))
        | pl.col("base").is_null()
        # 近万人 counts, 百人宣讲团 names (but 百分之百 is a rate)
        | (pl.col("numtxt").is_in(["百", "千", "万"]) & prefix.is_null() & ~is_pct)
        | _after_patterns()  # 3个工作日内办结 is a time limit
        | _enumeration()  # 三类公开 restates a list
    )
    # a bound word a few words before the number (至少配备2名, 确保每村至少有1名)
    gapped = (
        pl.col("masked")
        .str.slice(
            pl.max_horizontal(pl.col("pos") - 3 - GAP_QUALIFIER_MAX, 0),
            pl.min_horizontal(pl.col("pos"), 3 + GAP_QUALIFIER_MAX),
        )
        .str.extract(f"((?:{_alternation(list(q['gapped']))})[^{CLAUSE_END}的\\d%]{{1,{GAP_QUALIFIER_MAX}}})$")
    )
    blockers = _noise("gap_blocker")
    if blockers:
        gapped = pl.when(~gapped.str.contains(_alternation(blockers))).then(gapped)
    gapped = gapped.str.extract(f"^({_alternation(list(q['gapped']))})")
    duration = pl.col("measure_code").is_in(["day", "hour"])
    duration_suffix = pl.col("right").str.extract(f"^({_alternation(list(q['duration_suffix']))})")
    qualifier = (
        pl.when(pl.col("dash").is_not_null())
        .then(pl.lit("range"))
        .when(pl.coalesce("inf1", "inf2").is_not_null())
        .then(pl.coalesce("inf1", "inf2").replace_strict(q["infix"], default="exact"))
        .when(prefix.is_not_null())
        .then(prefix.replace_strict(q["prefix"], default="exact"))
        .when(suffix.is_not_null())
        .then(suffix.replace_strict(q["suffix"], default="exact"))
        .when(gapped.is_not_null())
        .then(gapped.replace_strict(q["gapped"], default="exact"))
        .when(duration & duration_suffix.is_not_null())
        .then(duration_suffix.replace_strict(q["duration_suffix"], default="exact"))
        .otherwise(pl.lit("exact"))
    )
    tenths = pl.when(pl.col("mw") == "成").then(10.0).otherwise(1.0)  # 九成以上 is 90% or more
    money_word = pl.when(pl.col("scale").is_not_null()).then(pl.col("scale") + pl.col("mw"))
    cn_scaled = pl.col("numtxt").str.contains("[万亿]$")
    money_word = money_word.when(cn_scaled).then(pl.col("numtxt").str.slice(-1) + pl.col("mw"))
    return p.filter(~noise).with_columns(
        # rounded: 1.36万元 is 13600, not 13600.000000000002
        value=(pl.col("base") * pl.col("mult") * tenths).round(6),
        value_high=(pl.col("high") * pl.col("mult") * tenths).round(6),
        qualifier=qualifier,
        measure_word=pl.when(pl.col("mw") == "元").then(money_word.otherwise(pl.col("mw"))).otherwise(pl.col("mw")),
        surface=pl.col("masked").str.slice(pl.col("pos"), pl.col("end") - pl.col("pos")),
    )


def _pair(m: pl.DataFrame) -> pl.DataFrame:
    """Zip a list of subjects with a list of numbers: 受理、办结行政复议案件分别为12件、10件.

    Numbers joined only by a list separator (12件、10件, 45件和43件) form a run; when the clause
    before the run's first number ends in 分别(为) and lists as many subjects, the i-th number
    gets the i-th subject (`pair_subject`) and its cue search stops at that subject's end
    (`pair_context`). 对干部和群众分别开展培训3期、5期 keeps its shared cue: a verb stands
    between 分别 and the numbers, so the listed names are not what is counted.
    """
    clause = pl.col("before").str.extract(f"([^{CLAUSE_END}]*)$")
    listed = clause.str.extract(f"^(.+?){PAIR_CUE}$")
    # only sentences with a 分别 list are worth the window work
    heads = m.filter(pl.col("before").str.contains(f"{PAIR_CUE}$")).select(KEYS).unique()
    sub = m.join(heads, on=KEYS, how="semi").sort([*KEYS, "pos"])
    same = (pl.col("source_file") == pl.col("source_file").shift(1)) & (
        pl.col("sentence_no") == pl.col("sentence_no").shift(1)
    )
    prev_end = pl.when(same).then(pl.col("end").shift(1))
    gap = pl.col("masked").str.slice(prev_end.fill_null(0), (pl.col("pos") - prev_end.fill_null(0)).clip(0))
    joined = prev_end.is_not_null() & (pl.col("pos") > prev_end) & gap.str.contains(f"^{LIST_SEP}$")
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


def _distribute(m: pl.DataFrame) -> pl.DataFrame:
    """One mention per listed subject: 通过率、学分达标率均为100%, 专题会、推进会各1次 and 三项率达到三个100%."""
    clause = pl.col("before").str.extract(f"([^{CLAUSE_END}]*)$")
    times = pl.col("clause").str.extract(r"([一二两三四五六七八九十\d]+)个$")
    listed = (
        pl.when(times.is_not_null())
        .then(pl.col("clause").str.extract(r"^(.*?)(?:均|都|全部)?(?:达到|达|为|实现)?[一二两三四五六七八九十\d]+个$"))
        .otherwise(pl.col("clause").str.extract(r"^(.+?)(?:均|都|全部|各)(?:为|是|达到|达|在|有)?$"))
    )
    m = _pair(m).with_columns(clause=clause).with_columns(times=times, items=_split_list(listed))
    mapping = _cn_values(m["times"])
    m = m.with_columns(
        times=_value("times", mapping).cast(pl.Int32),
        k=pl.col("items").list.len().fill_null(0).cast(pl.Int32),
        clause_start=(pl.col("pos") - pl.col("clause").str.len_chars()).cast(pl.Int32),
        item_end=pl.col("items").list.eval((pl.element().str.len_chars() + 1).cum_sum() - 1),
    ).with_columns(
        mult=pl.coalesce("times", pl.when(pl.col("k") > 1).then("k"), pl.lit(1)).clip(1, 12).cast(pl.Int32),
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


def _zero_list(counts: pl.DataFrame, words, default_mw: dict) -> pl.DataFrame:
    """More subjects one negator covers: 未发生行政复议、行政诉讼案件 states two zeros.

    After a stated zero, each further subject in the same clause that a list separator
    (、/和/及/与/或) introduces, within ZERO_LIST_GAP characters of it, is zero too, unless
    a number, a blocker (重大) or a negator of its own stands in between.
    """
    if counts.is_empty():
        return counts.clear()
    pattern = (
        rf"(?s)(?P<lead>.*?){LIST_SEP}(?P<gap>[^{CLAUSE_END}的\d]{{0,{ZERO_LIST_GAP}}}?)"
        rf"(?P<subj2>{_alternation(words('subject'))})"
    )
    stop_words = _alternation(words("blocker") + words("negator"))
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


def _zero_mentions(s: pl.DataFrame) -> pl.DataFrame:
    """Stated zeros: 无一起行政诉讼案, 未发生行政复议案件, 败诉率为零."""
    z = zero_cues()

    def words(role: str) -> list[str]:
        return z.filter(pl.col("role") == role)["word"].to_list()

    default_mw = dict(z.filter(pl.col("role").is_in(["article", "subject"])).select("word", "measure_word").iter_rows())
    pattern = (
        rf"(?s)(?P<pre>.*?)(?P<neg>{_alternation(words('negator'))})(?P<art>{_alternation(words('article'))})?"
        # a cause may qualify the subject: 未发生因行政许可引发的行政复议案件
        rf"(?P<mid>(?:因[^{CLAUSE_END}]{{1,16}}?(?:引发|导致|造成|产生)的)?[^{CLAUSE_END}的]{{0,10}}?)"
        rf"(?P<subj>{_alternation(words('subject'))})"
    )
    p = _pieces(s, pattern)
    counts = p.filter(~pl.col("mid").str.contains(_alternation(words("blocker")))).with_columns(
        end=pl.col("stop").cast(pl.Int32),
        subject=pl.col("subj"),
        measure_word=pl.coalesce(
            pl.col("art").replace_strict(default_mw, default=None),
            pl.col("subj").replace_strict(default_mw, default=None),
        ),
        measure_code=pl.lit("item"),
    )
    counts = pl.concat([counts, _zero_list(counts, words, default_mw)], how="diagonal_relaxed")
    rate_pattern = r"(?s)(?P<pre>.*?率)(?:为|是|保持|保持在|控制在)?(?P<zero>0|零)"
    r = _pieces(s, rate_pattern)
    rates = r.with_columns(
        pos=(pl.col("stop") - 1).cast(pl.Int32),
        end=pl.col("stop").cast(pl.Int32),
        right=pl.col("masked").str.slice(pl.col("stop"), 1),
        subject=pl.lit(None, pl.String),
        measure_word=pl.lit("%"),
        measure_code=pl.lit("percent"),
    ).filter(~pl.col("right").str.contains(r"^[\d.%％]"))
    cols = [*s.columns, "pos", "end", "subject", "measure_word", "measure_code"]
    out = pl.concat([counts.select(cols), rates.select(cols)])
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

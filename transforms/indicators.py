"""Classify quantity mentions to catalogue indicators, decide actual or target, flag conflicts.

The catalogue (`data/indicators.csv`) is the only place indicators are defined: each row
has cue words, a base measure and optional extra measures. A mention takes the indicator
whose cue stands nearest before it in its own clause; failing that, a cue right after it
in the clause (召开2次专题会议); failing that, the nearest cue earlier in the same
semicolon-delimited part of the sentence (the subject carried over: 排查纠纷380件，成功
化解372件，化解率97.9%). The measure must fit, so a cue never turns 3人 into a count of
meetings. Ties go to the longer cue, then to the indicator whose family (the code before
the dot) has more cues in the sentence, then to the section the catalogue prefers.

Cue search runs in byte offsets, because polars' Aho-Corasick search (`find_many`) reports
bytes; mention offsets are turned into bytes the same way, so comparisons stay exact.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import polars as pl

from transforms import rules
from transforms.lexicon import CLAUSE_END, CN_SMALL, CN_SMALL_DIGITS, HARD_END, QUOTES, SENT_END, YEAR_20, alternation
from transforms.schemas import FACTS, conform

DATA = Path(__file__).with_name("data")
KEYS = ["source_file", "sentence_no"]
GAP = "…"
# thresholds and word lists are rules of indicator_rules.csv (IND-GAP-MAX, IND-CARRY-FILLER, …), read with
# rules.number and _words; the precedence of a cue choice is declared there too (IND-PREC-*)
# a list of numbers whose last one a noun follows (新增17项、扩大权限37项、移交1项行政权力事项): the noun names all
# a short word may stand before the separator: 2个省级、4个县级…基地, 16个村、1个社区…法律顾问全覆盖
NUMBER_LIST_SEP = r"^\p{Han}{0,3}(?:、|和|及|与|以及)"
PEOPLE = ["person", "person_time"]  # the measures that count people
WEAK = "~"  # a catalogue cue ending with it is weak: 办结~ names the work only when nothing else does
# a sentence that opens a part (（一）加强组织领导。) hands no subject to the next one
HEADING = rf"^(?:[（(][{CN_SMALL_DIGITS}\d]+[)）]|{CN_SMALL}+[、是]|\d+[.、．])[^\d]*$"
# a year the promise is for: 到2026年底, 2025年，力争… (not 2024年以来, 2023年基础上, 2024年的)
TARGET_YEAR = rf"({YEAR_20})年(?:以来|基础|水平|同期|的)?"


def load_catalogue(path: Path | str | None = None) -> pl.DataFrame:
    """The indicator catalogue, one row per indicator; optional columns get empty defaults.

    Each row is a rule (`IND-CAT-<indicator>`): a row switched off is left out, as if not written.
    """
    table = pl.read_csv(path or DATA / "indicators.csv", infer_schema=False)
    if path is None and "rule_id" in table.columns:
        on = [r["rule_id"] for r in rules.table("indicators.csv")]
        table = table.filter(pl.col("rule_id").is_in(on))
    optional = ("also_measures", "head_measures", "sections")
    for col in optional:
        if col not in table.columns:
            table = table.with_columns(pl.lit("").alias(col))
    return table.with_columns(pl.col(c).fill_null("") for c in ("cues", *optional)).with_columns(
        order=pl.int_range(pl.len()).cast(pl.Int32)
    )


def _cue_table(catalogue: pl.DataFrame) -> pl.DataFrame:
    """One row per (indicator, cue, measure it accepts).

    A cue also stands for its family (the code before the dot): when the measure does not
    fit the cue's own indicator, the one sibling indicator that takes that measure gets it
    (培训 names training.sessions; 培训…480人次 is training.participants). `sibling` marks
    those rows so a direct match at the same place wins. Rates never come from a sibling:
    a rate is named by its own cue (备案审查率 is not a pass rate).
    """
    direct = (
        catalogue.select(
            "indicator",
            "order",
            "sections",
            family=pl.col("indicator").str.split(".").list.first(),
            cue=pl.col("cues").str.split(" "),
            accepts=pl.concat_list(pl.col("measure"), pl.col("also_measures").str.split(" ")),
        )
        .explode("cue")
        .explode("accepts")
        .filter((pl.col("cue") != "") & (pl.col("accepts") != ""))
        # a weak cue (办结~) yields to any other cue of the same clause, however near it stands
        .with_columns(weak=pl.col("cue").str.ends_with(WEAK).cast(pl.Int32), cue=pl.col("cue").str.strip_suffix(WEAK))
        .unique(maintain_order=True)
        .with_columns(sibling=pl.lit(0))
    )
    takers = (
        direct.select("family", "accepts", "indicator", "order", "sections")
        .unique(maintain_order=True)
        .with_columns(weak=pl.lit(0, pl.Int32))
        .filter((pl.len().over("family", "accepts") == 1) & (pl.col("accepts") != "percent"))
    )
    # a cue only a rate takes (撤销, 变更 for the correction rate) names the rate, not the family's counts
    rate_only = direct.group_by("cue").agg(only=(pl.col("accepts") == "percent").all()).filter("only")
    siblings = (
        direct.join(rate_only, on="cue", how="anti")
        .select("family", "cue")
        .unique(maintain_order=True)
        .join(takers, on="family", maintain_order="left_right")
        .join(direct.select("cue", "accepts").unique(), on=["cue", "accepts"], how="anti", maintain_order="left")
        .join(direct.group_by("cue").agg(pl.col("weak").max().alias("cue_weak")), on="cue", maintain_order="left")
        .with_columns(sibling=pl.lit(1), weak=pl.col("cue_weak"))
        .drop("cue_weak")
    )
    return pl.concat([direct, siblings.select(direct.columns)])


def _rule_rows(table: pl.DataFrame, on: list[dict[str, str]]) -> pl.DataFrame:
    """The rows of a rule table whose rules are on (`on`: rules.table of the same file)."""
    if "rule_id" not in table.columns:
        return table
    return table.filter(pl.col("rule_id").is_in([r["rule_id"] for r in on]))


@rules.cached
def kind_cues() -> pl.DataFrame:
    """Words that state a target or a past fact (IND-KIND-*), one rule a row."""
    return _rule_rows(pl.read_csv(DATA / "kind_cues.csv"), rules.table("kind_cues.csv"))


@rules.cached
def cue_blockers(in_sentence: bool = False) -> list[str]:
    """Words that stop a subject carrying: into the next sentence (all), or within one (`in_sentence`)."""
    table = _rule_rows(pl.read_csv(DATA / "cue_blockers.csv"), rules.table("cue_blockers.csv"))
    return (table.filter(pl.col("in_sentence") == 1) if in_sentence else table)["word"].to_list()


@rules.cached
def sentence_fillers() -> list[str]:
    """Words that say when or how often, not what (IND-CARRY-FILLER: 全年累计开展20余次 is still a bare
    clause), with the blockers of cue_blockers.csv that act only across sentences (其中): inside one
    they go on about the count before them (清理…44件，其中继续有效23件)."""
    return [*rules.words("indicator_rules.csv", "IND-CARRY-FILLER"), *_across_only()]


@rules.cached
def _across_only() -> list[str]:
    """The blockers of cue_blockers.csv with in_sentence=0: across sentences only (其中)."""
    table = _rule_rows(pl.read_csv(DATA / "cue_blockers.csv"), rules.table("cue_blockers.csv"))
    return table.filter(pl.col("in_sentence") == 0)["word"].to_list()


@rules.rule(
    id="IND-REFER-BACK-CLAUSE", stage="indicators",
    effect="a clause opening with a refer-back word (全员, 全部…) goes on about the count before it: its cue names it",
    example="执法人员11人，全员持证上岗", expect="11人|enforcement.certified_staff",
    why="执法人员11人 alone names no work; 全员持证上岗 says what the 11 are counted as. A clause with a count "
        "of its own is a second subject (参加现场调解6次), not a continuation",
)
def _refer_back() -> str | None:
    """Words opening a clause that goes on about the count before it (执法人员11人，全部持证上岗): those
    of IND-REFER-BACK-NOUN after the count's noun repeated (up to IND-REFER-NOUN-MAX characters),
    those of IND-REFER-BACK right at the clause start."""
    after_noun = alternation(rules.words("indicator_rules.csv", "IND-REFER-BACK-NOUN")) or None
    at_start = alternation(rules.words("indicator_rules.csv", "IND-REFER-BACK")) or None
    noun_max = rules.number("indicator_rules.csv", "IND-REFER-NOUN-MAX")
    parts = [f"\\p{{Han}}{{0,{noun_max}}}?(?:{after_noun})" if after_noun else None, at_start]
    return "|".join(x for x in parts if x) or None


@rules.rule(
    id="IND-ATTENDEES", stage="indicators",
    effect="people counted right before a verb of attending (90余人参加) are the attendance of the activity named "
           "earlier in their sentence part: their clause carries that subject whatever words it holds",
    example="召开中心组学习会暨法治专题培训会议，区四家班子领导、各乡镇、区直部门领导90余人参加",
    expect="90余人|training.participants|actual|专题培训",
    counter_example="各部门领导90余人参加，召开中心组学习会暨法治专题培训会议",
    counter_expect="|training.participants|",
    why="区四家班子领导、各乡镇、区直部门领导90余人参加 lists who came, not what they came to: the activity "
        "(a study, a training, a publicity event) stands earlier in the part, and its family counts the people "
        "(training.participants, publicity.reach). Only people (人, 人次) and only where the verb follows the number",
)
def _attendees() -> pl.Expr:
    """Whether the mention counts people (person, person_time) and the words right after it open with a verb of
    attending (IND-ATTENDEE-VERBS), after a noun of up to IND-ATTENDEE-NOUN-MAX characters saying who (90余人参加,
    35名执法人员参加): then its clause carries the subject before it (False when the rule is off)."""
    verbs = rules.words("indicator_rules.csv", "IND-ATTENDEE-VERBS")
    if not rules.enabled("IND-ATTENDEES") or not verbs:
        return pl.lit(False)
    noun_max = rules.number("indicator_rules.csv", "IND-ATTENDEE-NOUN-MAX")
    after = pl.col("sentence").str.slice(pl.col("endc"), (pl.col("after_c") - pl.col("endc")).clip(0))
    return pl.col("measure_code").is_in(PEOPLE) & after.str.replace_all(ASIDES, "").str.contains(
        f"^\\p{{Han}}{{0,{noun_max}}}?(?:{alternation(verbs)})"
    ).fill_null(False)


def _has_any(text: pl.Expr, words: list[str]) -> pl.Expr:
    """Whether `text` holds one of the literal `words` (False for none)."""
    pattern = alternation(words) or None
    return text.str.contains(pattern) if pattern else pl.lit(False)


def _drop_words(text: pl.Expr, words: list[str]) -> pl.Expr:
    """`text` without every occurrence of the literal `words`."""
    pattern = alternation(words) or None
    return text.str.replace_all(pattern, "") if pattern else text


@rules.cached
def consistency_rules() -> pl.DataFrame:
    """Rate = numerator / denominator checks (IND-CONS-*), one rule a row."""
    return _rule_rows(pl.read_csv(DATA / "consistency.csv"), rules.table("consistency.csv"))


def _bytes_to(col: str, chars: pl.Expr) -> pl.Expr:
    return pl.col(col).str.slice(0, chars).str.len_bytes().cast(pl.Int64)


def _occurrences(sentences: pl.DataFrame, words: list[str]) -> pl.DataFrame:
    """Every occurrence (overlapping) of the literal `words` in each sentence: word, start, end (bytes)."""
    words = sorted({w for w in words if w and GAP not in w})
    if not words:
        return sentences.select(KEYS).clear().with_columns(word=pl.lit(None, pl.String), start=pl.lit(None, pl.Int64))
    return (
        sentences.select(
            *KEYS,
            word=pl.col("sentence").str.extract_many(words, overlapping=True),
            start=pl.col("sentence").str.find_many(words, overlapping=True),
        )
        .explode("word", "start")
        .drop_nulls("word")
        .with_columns(pl.col("start").cast(pl.Int64))
    )


# the word lists the cue choice looks for besides the cues (negations, cancelling phrases, verbs of taking part,
# list closers) and the list separator: found in one search, each reader taking its own words (_hits)
MARK_LISTS = ("IND-NEGATION", "IND-CUE-CANCEL", "IND-ACTOR-VERBS", "IND-LIST-CLOSERS")
LIST_SEP = "、"


def _marks(sentences: pl.DataFrame) -> pl.DataFrame:
    """Every occurrence of the words of MARK_LISTS and of LIST_SEP in `sentences`: KEYS, word, start (bytes)."""
    return _occurrences(sentences, [LIST_SEP, *(w for n in MARK_LISTS for w in rules.words("indicator_rules.csv", n))])


def _hits(marks: pl.DataFrame, words: list[str]) -> pl.DataFrame:
    """The occurrences of the literal `words` among `marks` (an overlapping search finds every occurrence of every
    word, so these are what a search for `words` alone finds)."""
    return marks.filter(pl.col("word").is_in(sorted({w for w in words if w and GAP not in w})))


def _gap_occurrences(sentences: pl.DataFrame, cues: list[str]) -> pl.DataFrame:
    """Occurrences of cues with a gap (解决…问题: 解决 then, within a clause, 问题).

    Only sentences holding both parts of a cue can match it: one literal search for every part finds those
    (sentence, cue) pairs, and each pair's regex (the cue's own, a column) runs in one call over all of them,
    in the order of a search cue by cue (cues sorted, then sentences, then matches).
    """
    split = sorted({c for c in cues if GAP in c})
    if not split:
        return pl.DataFrame()
    gap_max = rules.number("indicator_rules.csv", "IND-GAP-MAX")
    table = pl.DataFrame(
        [
            (cue, head, tail, f"(?s)(?P<pre>.*?)(?P<hit>{head}[^{CLAUSE_END}]{{0,{gap_max}}}?{tail})",
             f"{head}[^{CLAUSE_END}]*{tail}$")
            for cue, (head, tail) in ((c, c.split(GAP, 1)) for c in split)
        ],
        schema=["word", "head", "tail", "pattern", "hit"],
        orient="row",
    )
    parts = sorted({*table["head"], *table["tail"]})
    indexed = sentences.select(*KEYS, "sentence").with_row_index("_row")
    held = (
        indexed.select("_row", part=pl.col("sentence").str.extract_many(parts, overlapping=True))
        .explode("part")
        .drop_nulls("part")
        .unique()
    )
    pairs = (
        held.join(table, left_on="part", right_on="head")
        .join(held, left_on=["_row", "tail"], right_on=["_row", "part"], how="semi")
        .join(indexed, on="_row")
        .sort("word", "_row")
    )
    return (
        pairs.select(*KEYS, "word", "hit", piece=pl.col("sentence").str.extract_all(pl.col("pattern")))
        .with_columns(stop=pl.col("piece").list.eval(pl.element().str.len_bytes().cum_sum()))
        .explode("piece", "stop")
        .drop_nulls("piece")
        .with_columns(pl.col("stop").cast(pl.Int64))
        # the cue as it ends the piece, from its leftmost start (extract_all: a pattern per row is compiled once
        # per distinct pattern there, where extract compiles it per row; the one match ends at the end)
        .with_columns(length=pl.col("piece").str.extract_all(pl.col("hit")).list.first().str.len_bytes()
                      .cast(pl.Int64))
        .select(*KEYS, "word", start=pl.col("stop") - pl.col("length"), length="length")
    )


def _title_spans(sentences: pl.DataFrame) -> pl.DataFrame:
    """Byte spans of every 《…》 title in each sentence: title_start, title_end."""
    pattern = "(?s).*?《[^》]*》"
    title = pl.col("piece").str.extract("(《[^》]*》)$").str.len_bytes().cast(pl.Int64)
    return (
        sentences.select(*KEYS, piece=pl.col("sentence").str.extract_all(pattern))
        # each title's end: the running byte length of the pieces of its sentence, within each row's list
        .with_columns(title_end=pl.col("piece").list.eval(pl.element().str.len_bytes().cum_sum()))
        .explode("piece", "title_end")
        .drop_nulls("piece")
        .with_columns(pl.col("title_end").cast(pl.Int64))
        .select(*KEYS, "title_end", title_start=pl.col("title_end") - title)
    )


def _ensure_context(mentions: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """Mentions read back from storage may lack `subject`/`context_end`: recompute them."""
    if {"subject", "context_end"} <= set(mentions.columns):
        return mentions
    from transforms.quantities import extract_mentions

    fresh = extract_mentions(sentences.join(mentions.select(KEYS).unique(), on=KEYS, how="semi"))
    return mentions.join(
        fresh.select(*KEYS, "mention_no", "subject", "context_end"), on=[*KEYS, "mention_no"], how="left"
    ).with_columns(pl.col("context_end").fill_null(pl.col("char_start")))


def _frame(mentions: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """Mentions with their sentence and the byte windows the cue search reads."""
    sent = sentences.select(*KEYS, "section", "sent_start", "sentence")
    # lazy, so that an expression two columns name (the text before the number, …) is evaluated once
    m = mentions.join(sent, on=KEYS, how="left").sort([*KEYS, "mention_no"]).lazy()
    rel = pl.col("char_start") - pl.col("sent_start")
    ctx = pl.col("context_end") - pl.col("sent_start")
    end = pl.col("char_end") - pl.col("sent_start")
    # the rows stand in sentence order, so the number before (after) in the sentence is the row before (after)
    # in the same run of KEYS: a shift, not a window per sentence, and a column once (several rules read it)
    same = pl.struct(KEYS).rle_id()
    m = m.with_columns(_run=same, rel=rel, ctx=ctx, endc=end).with_columns(
        _prev_end=pl.when(pl.col("_run").shift(1) == pl.col("_run")).then(pl.col("endc").shift(1)).fill_null(0),
        _next=pl.when(pl.col("_run").shift(-1) == pl.col("_run")).then(pl.col("rel").shift(-1)),
    )
    ctx, end, prev_end = pl.col("ctx"), pl.col("endc"), pl.col("_prev_end")
    before = pl.col("sentence").str.slice(0, ctx)
    m = m.with_columns(
        # the part's start: after the last hard end before the number (one greedy anchored match; the search for a
        # run ending at the text's end tried every start, 2x slower)
        scope_c=ctx - before.str.replace(f"(?s)^.*[{HARD_END}]", "").str.len_chars(),
        scope_end_c=ctx + pl.col("sentence").str.slice(ctx).str.extract(f"^([^{HARD_END}]*)").str.len_chars(),
        clause_c=ctx - before.str.extract(f"([^{CLAUSE_END}]*)$").str.len_chars(),
        after_c=end + pl.col("sentence").str.slice(end).str.extract(f"^([^{CLAUSE_END}]*)").str.len_chars(),
        prev_c=pl.when(prev_end <= ctx).then(prev_end).otherwise(0),
        subj_c=pl.when(pl.col("subject").is_not_null()).then(ctx - pl.col("subject").str.len_chars()),
    )
    # a clause that refers back to the count (执法人员11人，全部持证上岗) is part of what follows it
    # (unless it states a count of its own: 参加现场调解6次，参加专题研讨会1次 are two subjects)
    refer = _refer_back() if rules.enabled("IND-REFER-BACK-CLAUSE") else None
    back = (
        pl.col("sentence").str.slice(pl.col("after_c") + 1).str.extract(f"^((?:{refer})[^{CLAUSE_END}]*)")
        if refer
        else pl.lit(None, pl.String)
    )
    next_start = pl.col("_next")
    back_end = pl.col("after_c") + (back.str.len_chars() + 1).fill_null(0)
    own_count = next_start.is_not_null() & (next_start > pl.col("after_c")) & (next_start < back_end)
    m = m.with_columns(after_c=pl.when(own_count).then("after_c").otherwise(back_end))
    post = pl.when(next_start > pl.col("endc")).then(pl.min_horizontal(next_start, "after_c")).otherwise("after_c")
    m = m.with_columns(
        win_c=pl.max_horizontal("clause_c", "prev_c", pl.col("subj_c").fill_null(0), _prev_item_end()),
        post_c=pl.min_horizontal(post, _list_sep_stop(next_start)) if rules.enabled("IND-AFTER-LIST-SEP") else post,
    )
    m = _number_lists(m, next_start)
    carry_max = rules.number("indicator_rules.csv", "IND-CARRY-MAX")
    window = pl.col("sentence").str.slice(pl.col("win_c"), (pl.col("ctx") - pl.col("win_c")).clip(0))
    # a listed subject with no cue of its own borrows the shared rest of its list (受理、办结…案件)
    list_end = alternation(rules.words("indicator_rules.csv", "IND-LIST-END")) or None
    rest = (
        pl.col("sentence").str.slice(pl.col("ctx")).str.extract(f"^([^{CLAUSE_END}]*?)(?:{list_end})")
        if list_end
        else pl.lit(None, pl.String)
    )
    fillers = sentence_fillers()
    coverage = rules.words("indicator_rules.csv", "IND-COVERAGE-CUES")
    # 有关活动, 此类活动: a noun phrase pointing back at the activity named before names no subject of its own
    anaphora = rules.words("indicator_rules.csv", "IND-ANAPHORA")
    m = m.with_columns(
        tail_c=pl.when(pl.col("subject").is_not_null()).then(pl.col("ctx") + rest.str.len_chars()),
        window=window,
        # a clause with its own words (受理矛盾纠纷) or a change (同比上升) does not inherit a subject;
        # a coverage word is not a word of its own (覆盖执法人员260人次 still continues the part)
        may_carry=(
            _drop_words(window, [*fillers, *rules.words("indicator_rules.csv", "IND-GENERIC-WORDS"), *coverage,
                                 *anaphora])
            .str.count_matches(r"[\u4e00-\u9fff]")
            <= carry_max
        )
        & ~_has_any(window, cue_blockers(in_sentence=True))
        | _attendees(),
    )
    m = _target_object(m)
    return m.with_columns(
        ctx_b=_bytes_to("sentence", pl.col("ctx")),
        end_b=_bytes_to("sentence", pl.col("endc")),
        win_b=_bytes_to("sentence", pl.col("win_c")),
        scope_b=_bytes_to("sentence", pl.col("scope_c")),
        scope_end_b=_bytes_to("sentence", pl.col("scope_end_c")),
        post_b=_bytes_to("sentence", pl.col("post_c")),
        clause_b=_bytes_to("sentence", pl.col("clause_c")),
        tail_b=pl.when(pl.col("tail_c").is_not_null()).then(_bytes_to("sentence", pl.col("tail_c"))),
        share_b=pl.when(pl.col("share_c").is_not_null()).then(_bytes_to("sentence", pl.col("share_c"))),
        share_end_b=pl.when(pl.col("share_c").is_not_null()).then(_bytes_to("sentence", pl.col("share_end_c"))),
    ).drop("_run", "_prev_end", "_next").collect()


@rules.rule(
    id="IND-TARGET-OBJECT", stage="indicators",
    effect="a count (not of people) after a word of IND-TARGET-MARKERS (对8个镇开展…) is what the clause acts on: "
           "the words after it that the back-off and the cue search read end at the first verb of IND-TARGET-VERBS",
    example="对8个镇开展执法检查和案件评查", expect="8个|unclassified",
    counter_example="对120名执法人员进行业务培训", counter_expect="120名|unclassified",
    why="对8个镇开展执法检查 counts the towns inspected, not inspections or cases: the act after 开展 is done to "
        "them. The noun right after the count still names it (对30份案卷进行评查: 30 case files), and people "
        "acted on are counted by the act (对120名执法人员进行业务培训: the training's participants)",
)
def _target_object(m: pl.DataFrame) -> pl.DataFrame:
    """`m` with the after-window (`post_c`) and the list's shared rest (`tail_c`) of a count that follows a
    target marker ended at the first verb of acting after it (unchanged when the rule is off)."""
    markers = alternation(rules.words("indicator_rules.csv", "IND-TARGET-MARKERS")) or None
    verbs = alternation(rules.words("indicator_rules.csv", "IND-TARGET-VERBS")) or None
    if not rules.enabled("IND-TARGET-OBJECT") or not markers or not verbs:
        return m
    before = pl.col("sentence").str.slice(pl.col("clause_c"), (pl.col("ctx") - pl.col("clause_c")).clip(0))
    # the verb is looked for in the clause only (a verb past the clause end leaves the windows as they are)
    lead = pl.col("sentence").str.slice(pl.col("endc"), (pl.col("after_c") - pl.col("endc")).clip(0)).str.extract(
        f"^(.*?)(?:{verbs})"
    )
    # people acted on are counted by the act (对120名执法人员进行培训: training participants): only other counts
    target = before.str.contains(f"(?:{markers})$").fill_null(False) & ~pl.col("measure_code").is_in(PEOPLE)
    stop = pl.when(target).then(pl.col("endc") + lead.str.len_chars())
    return m.with_columns(
        post_c=pl.min_horizontal("post_c", stop.fill_null(pl.col("post_c"))).cast(m.collect_schema()["post_c"]),
        tail_c=pl.min_horizontal("tail_c", stop).cast(m.collect_schema()["tail_c"]),
    )


@rules.rule(
    id="IND-AFTER-LIST-SEP", stage="indicators",
    effect="the window after a number ends at the first 、: the next list item is not what the number counts",
    example="组织干部线上自学9次、审核合同5份", expect="9次|study.sessions|actual|backoff:自学",
    counter_example="组织干部线上自学9次、审核合同5份", counter_expect="9次|legal_review.count",
    why="a 、 after a count opens the next item of a list (…会议9次、审核合同5份): a cue there names that "
        "item's count, not this one",
)
@rules.rule(
    id="IND-LIST-SEP-NEXT-ITEM", stage="indicators",
    effect="the 、 stops the window after a number only when another number follows in its clause: a 、 between "
           "nouns lists who or what the number counts, and the clause's closing words still name it",
    example="11个县委书记、6大行业部门负责同志逐一述法述职", expect="11个|leadership.law_reporting|actual|述法",
    counter_example="组织干部线上自学9次、审核合同5份", counter_expect="9次|legal_review.count",
    why="组织干部线上自学9次、审核合同5份 lists counts, each with its own noun; 11个县委书记、6大行业部门负责同志"
        "逐一述法 lists the people the one count covers (6大 is no count), and 述法 at the clause end is what they "
        "did. A count after a word of IND-TARGET-MARKERS (对18个县（市、区）…开展检查) is whom the clause acts on: "
        "its 、 still stops",
)
def _list_sep_stop(next_start: pl.Expr) -> pl.Expr:
    """Where the first 、 after the number stands (characters into the sentence; the sentence end if none); with
    IND-LIST-SEP-NEXT-ITEM, only when the next number (`next_start`) stands in the clause, else the clause end."""
    end = pl.col("endc")
    sep = end + pl.col("sentence").str.slice(end).str.extract("^([^、]*)").str.len_chars()
    if not rules.enabled("IND-LIST-SEP-NEXT-ITEM"):
        return sep
    item = next_start.is_not_null() & (next_start < pl.col("after_c"))
    # a count that is the object of 对/向/为 (对18个县（市、区）开展…检查) names whom the clause acts on, not the act
    markers = alternation(rules.words("indicator_rules.csv", "IND-TARGET-MARKERS")) or None
    if markers:
        before = pl.col("sentence").str.slice(pl.col("clause_c"), (pl.col("ctx") - pl.col("clause_c")).clip(0))
        item = item | before.str.contains(f"(?:{markers})$").fill_null(False) & ~pl.col("measure_code").is_in(PEOPLE)
    return pl.when(item).then(sep).otherwise(pl.max_horizontal(sep, pl.col("after_c")))


@rules.rule(
    id="IND-BEFORE-LIST-SEP", stage="indicators",
    effect="the window before a number starts after the last 、 that follows the number before it in its clause: "
           "the noun between them is that number's",
    example="组织2次理论学习中心组学习、8次集中学法、3次专题研究法治工作",
    expect="3次|meeting.leadership_agenda|actual|专题研究",
    counter_example="组织2次理论学习中心组学习、8次集中学法、3次专题研究法治工作", counter_expect="3次|study.sessions",
    why="in a list written number first (8次集中学法、3次专题研究…) the noun after a number names it: the words "
        "before the next item's 、 are not the next number's subject, the words after its number are",
)
def _prev_item_end() -> pl.Expr:
    """Where the window before a number starts when the number before it in the clause is followed by its own
    words and a 、 (8次集中学法、3次…): right after that 、; 0 (no bound) otherwise or when the rule is off."""
    if not rules.enabled("IND-BEFORE-LIST-SEP"):
        return pl.lit(0)
    between = pl.col("sentence").str.slice(pl.col("prev_c"), (pl.col("ctx") - pl.col("prev_c")).clip(0))
    upto = between.str.extract("^(.*、)").str.len_chars()
    same_clause = (pl.col("prev_c") > 0) & (pl.col("prev_c") >= pl.col("clause_c"))
    return pl.when(same_clause & upto.is_not_null()).then(pl.col("prev_c") + upto).otherwise(0)


@rules.rule(
    id="IND-LIST-OWN-HEAD", stage="indicators",
    effect="a number whose own word before the list separator is a phrase head does not borrow the list's noun",
    example="全年召开22次党组会、18次中心组理论学习", expect="22次|meeting.leadership_agenda|actual|backoff:党组会",
    counter_example="全年召开22次党组会、18次中心组理论学习", counter_expect="22次|study.sessions",
    why="2个省级、4个县级…基地 share the last noun because 省级 names nothing; 党组会 names what the 22 are",
)
def _own_head(between: pl.Expr) -> pl.Expr:
    """Whether a list member's own short word before the separator (`between`: the text up to the next
    number) is a phrase head of phrase_heads.csv: then it names its own count."""
    heads = phrase_heads()["head"].to_list()
    if not heads or not rules.enabled("IND-LIST-OWN-HEAD"):
        return pl.lit(False)
    return between.str.extract(r"^(\p{Han}{1,3})(?:、|和|及|与|以及)").is_in(heads).fill_null(False)


@rules.rule(
    id="IND-NUMBER-LISTS", stage="indicators",
    effect="a noun after the last number of a list of numbers names every number of it",
    example="本年度新增12项、调整权限8项、下放3项行政权力事项。", expect="12项|power_list.items",
    why="新增17项、扩大权限37项、移交1项行政权力事项: the noun at the end names all the listed counts",
)
def _number_lists(m: pl.DataFrame, next_start: pl.Expr) -> pl.DataFrame:
    """A noun after the last number of a list names every number of it (新增17项、扩大权限37项、移交1项行政权力事项).

    Numbers of one clause joined by a list separator (、/和/及) form a list; each earlier member of
    the measure the last one has may read a cue in the last one's after-window (`share_c`…`share_end_c`).
    """
    if not rules.enabled("IND-NUMBER-LISTS"):
        none = pl.lit(None).cast(m.collect_schema()["endc"])
        return m.with_columns(share_c=none, share_end_c=none)
    between = pl.col("sentence").str.slice(pl.col("endc"), (next_start - pl.col("endc")).clip(0))
    joined = (
        (next_start > pl.col("endc")) & between.str.contains(NUMBER_LIST_SEP) & ~between.str.contains(f"[{CLAUSE_END}]")
    )
    # a member whose own short word is a phrase head (召开22次党组会、18次…学习) names itself
    joined = joined & ~_own_head(between)
    m = m.with_columns(_joined=joined.fill_null(False))
    # a member not joined to the next closes a list: a member's list closes at the first row from it on that is
    # not joined (the rows stand in sentence order, and a sentence's last number is joined to none)
    m = m.with_columns(_close=pl.when(~pl.col("_joined")).then(pl.int_range(pl.len())).backward_fill())
    close = pl.col("_close")
    member = pl.col("_joined") & (pl.col("measure_code") == pl.col("measure_code").gather(close))
    return m.with_columns(
        share_c=pl.when(member).then(pl.col("endc").gather(close)),
        share_end_c=pl.when(member).then(pl.col("post_c").gather(close)),
    ).drop("_joined", "_close")


def _quoted_variants(cues: list[str]) -> dict[str, str]:
    """Each cue with quotation marks set inside it (“一网通办”率, 开展“双随机”抽查) → the cue.

    Reports quote the names of systems and campaigns, so a cue often reads across a quotation
    mark; one opening or closing mark, or a pair, anywhere inside the cue.
    """
    # sorted: a variant two cues could spell maps to the same one every run
    return _variants_of(tuple(sorted({c for c in cues if c and GAP not in c})))


@functools.lru_cache(maxsize=4)
def _variants_of(cues: tuple[str, ...]) -> dict[str, str]:
    """The quoted variants of `cues` (see _quoted_variants): a function of the words alone, so kept for the next
    call (each chunk and each carried search asks for the same ones). Callers read it, never change it."""
    out: dict[str, str] = {}
    for cue in cues:
        n = len(cue)
        for i in range(1, n):
            for q in QUOTES:
                out[cue[:i] + q + cue[i:]] = cue
            for j in range(i + 1, n):
                out[cue[:i] + QUOTES[0] + cue[i:j] + QUOTES[1] + cue[j:]] = cue
    return out


def _cue_occurrences(sentences: pl.DataFrame, cues: pl.DataFrame, marks: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every catalogue cue in `sentences` (bytes: start, stop, length), cues inside a 《title》 left out.

    A cue read across quotation marks (“一网通办”率) is found as the cue it spells; its length is
    the bytes it covers in the sentence.
    """
    words = cues["cue"].to_list()
    quoted = _quoted_variants(words) if sentences["sentence"].str.contains(f"[{QUOTES}]").any() else {}
    occ = _occurrences(sentences, [*words, *quoted]).with_columns(length=pl.col("word").str.len_bytes().cast(pl.Int64))
    if quoted:
        occ = occ.with_columns(pl.col("word").replace(quoted))
    gaps = _gap_occurrences(sentences, cues["cue"].to_list())
    if not gaps.is_empty():
        occ = pl.concat([occ, gaps.select(occ.columns)])
    occ = _gap_yields_nested(occ.with_columns(stop=pl.col("start") + pl.col("length")))
    # a cue right after a negation word (非许可事项) is not that cue
    marks = _marks(sentences) if marks is None else marks
    negated = _hits(marks, rules.words("indicator_rules.csv", "IND-NEGATION")).select(
        *KEYS, start=pl.col("start") + pl.col("word").str.len_bytes().cast(pl.Int64)
    )
    occ = occ.join(negated, on=[*KEYS, "start"], how="anti")
    occ = occ.join(_cancelled(marks, occ), on=[*KEYS, "word", "start"], how="anti")
    # a cue inside a title (《信访工作条例》), or a split cue starting in one (《法律援助法》…活动), names
    # the document studied, not the work done
    inside = occ.join(_title_spans(sentences), on=KEYS).filter(
        (pl.col("start") >= pl.col("title_start")) & (pl.col("start") < pl.col("title_end"))
    )
    return occ.join(inside.select(*KEYS, "word", "start").unique(), on=[*KEYS, "word", "start"], how="anti")


@rules.rule(
    id="IND-GAP-YIELDS-NESTED", stage="indicators",
    effect="a split cue (办理…事项) is not read where a whole cue ends where it ends and reaches into its gap "
           "(信访事项 in 办理信访事项): the whole cue names the thing counted",
    example="全年共办理信访事项35件", expect="35件|petition.resolved|actual|信访事项",
    counter_example="全年共办理信访事项35件", counter_expect="办理…事项",
    why="a split cue stands for a verb and a generic noun with anything between them (办理…事项: matters handled, "
        "i.e. approvals); when what stands between them makes with the noun a cue of its own (信访事项, a petition), "
        "the gap is not filler but the very thing the catalogue names, and the split reading would class petitions "
        "as approvals. A whole cue that only repeats the split cue's ending (整改问题 over 整改…问题) is "
        "IND-PREC-GAPPED",
)
def _gap_yields_nested(occ: pl.DataFrame) -> pl.DataFrame:
    """`occ` without split-cue occurrences that a literal cue ending at the same byte and starting inside the
    split cue's gap covers (more than the split cue's tail)."""
    split = pl.col("word").str.contains(GAP, literal=True)
    if not rules.enabled("IND-GAP-YIELDS-NESTED") or occ.is_empty() or not occ.select(split.any()).item():
        return occ
    whole = occ.filter(~split).select(*KEYS, w_start="start", w_stop="stop")
    tail = pl.col("word").str.split(GAP).list.last().str.len_bytes().cast(pl.Int64)
    covered = (
        occ.filter(split)
        .join(whole, on=KEYS)
        .filter((pl.col("w_stop") == pl.col("stop")) & (pl.col("w_start") > pl.col("start"))
                & (pl.col("w_stop") - pl.col("w_start") > tail))
        .select(*KEYS, "word", "start")
        .unique()
    )
    return occ.join(covered, on=[*KEYS, "word", "start"], how="anti")


def _cancelled(marks: pl.DataFrame, occ: pl.DataFrame) -> pl.DataFrame:
    """Cue occurrences that start inside a cancelling phrase (人大常委 cancels 常委会, 常委会会议): word, start.

    The people's congress standing committee is the legislature a government reports to, not a
    leadership meeting of the unit. A phrase of IND-CUE-CANCEL (a word list like IND-NEGATION) is
    written as the cancelling word followed by the start of the cue it cancels, so a word cancels
    only the cues it stands right before (人大 is harmless before 立法建议).
    """
    words = rules.words("indicator_rules.csv", "IND-CUE-CANCEL")
    phrases = _hits(marks, words)
    if phrases.is_empty() or occ.is_empty():
        return occ.select(*KEYS, "word", "start").clear()
    return (
        occ.select(*KEYS, "word", "start")
        .join(phrases.select(*KEYS, p_start="start", p_stop=pl.col("start") + pl.col("word").str.len_bytes()), on=KEYS)
        .filter((pl.col("start") > pl.col("p_start")) & (pl.col("start") < pl.col("p_stop")))
        .select(*KEYS, "word", "start")
        .unique()
    )


@rules.rule(
    id="IND-ACTOR", stage="indicators",
    effect="a cue followed by a verb of taking part (法律顾问参与…) is an actor: the count is of its part-takings",
    example="法律顾问参与法治讲座18次", expect="18次|legal_adviser.activities|actual|法律顾问",
    counter_example="法律顾问参与审查合同45件", counter_expect="45件|legal_adviser.activities",
    why="the adviser took part 18 times; the lectures are what it took part in. The measure must still fit "
        "the actor's indicator: 45件 of contracts reviewed stay contracts",
)
def _actors(cand: pl.DataFrame, used: pl.DataFrame, marks: pl.DataFrame) -> pl.DataFrame:
    """Cues that name who takes part (法律顾问全程参与…工作50余次): the count is of their part-takings.

    An actor is a direct cue (not a family sibling) in the number's clause followed, within one
    adverb, by a verb of taking part before the number. The measure must fit the actor's
    indicator, so 法律顾问参与审查合同45件 still counts contracts reviewed.
    """
    if not rules.enabled("IND-ACTOR"):
        return cand.select(*KEYS, "mention_no", "start").clear().with_columns(actor=pl.lit(True))
    verbs = _hits(marks, rules.words("indicator_rules.csv", "IND-ACTOR-VERBS")).select(*KEYS, verb_b="start")
    gap_max = rules.number("indicator_rules.csv", "IND-ACTOR-GAP-MAX")
    # the gap in characters (byte offsets sit on character bounds, so the bytes between decode whole)
    gap = (
        pl.col("sentence").cast(pl.Binary).bin.slice(pl.col("stop"), pl.col("verb_b") - pl.col("stop"))
        .cast(pl.String).str.len_chars()
    )
    return (
        cand.filter((pl.col("sibling") == 0) & (pl.col("start") >= pl.col("clause_b")))
        .select(*KEYS, "mention_no", "start", "stop", "ctx_b")
        .unique()
        .join(verbs, on=KEYS)
        .filter((pl.col("verb_b") >= pl.col("stop")) & (pl.col("verb_b") < pl.col("ctx_b")))
        .join(used.select(*KEYS, "sentence"), on=KEYS)
        .filter(gap <= gap_max)
        .select(*KEYS, "mention_no", "start", actor=pl.lit(True))
        .unique()
    )


@rules.rule(
    id="IND-WEAK-MODIFIER", stage="indicators",
    effect="a weak cue after the number followed by a noun of its own (企业服务…联络点) does not decide",
    example="成立15家企业服务法律联络点", expect="15家|unclassified",
    counter_example="成立15家企业服务法律联络点", counter_expect="15家|business.legal_requests_resolved",
    why="in 15家企业服务法律联络点 企业 only qualifies the noun that ends the phrase: the 15 are liaison points. "
        "A weak cue is generic; it names the count only when it ends the phrase (帮扶12家企业) or nearly "
        "(审核15份合同文本: IND-WEAK-TRAIL-MAX characters may follow it)",
)
def _weak_modifiers(cand: pl.DataFrame, used: pl.DataFrame) -> pl.DataFrame:
    """`cand` without the weak cues after the number that more than IND-WEAK-TRAIL-MAX Han characters
    follow in the after-window: there the weak word modifies a noun of its own."""
    if not rules.enabled("IND-WEAK-MODIFIER"):
        return cand
    trail_max = rules.number("indicator_rules.csv", "IND-WEAK-TRAIL-MAX")
    # the characters after the cue up to the window's end (byte offsets sit on character bounds)
    trail = (
        pl.col("sentence").cast(pl.Binary).bin.slice(pl.col("stop"), (pl.col("post_b") - pl.col("stop")).clip(0))
        .cast(pl.String).str.count_matches(r"\p{Han}")
    )
    modifier = (
        cand.filter((pl.col("weak") == 1) & (pl.col("place") == "after"))
        .select(*KEYS, "mention_no", "word", "start", "stop", "post_b")
        .unique()
        .join(used.select(*KEYS, "sentence"), on=KEYS)
        .filter(trail > trail_max)
        .select(*KEYS, "mention_no", "word", "start")
    )
    return cand.join(modifier, on=[*KEYS, "mention_no", "word", "start"], how="anti")


@rules.rule(
    id="IND-LISTED-ALIKE", stage="indicators",
    effect="cues listed with 、 before the number stand equally near it (the nearest of them's distance)",
    example="开展领导班子学法、研讨、主题党课、各类讲座12余次", expect="12余次|study.sessions|actual|学法",
    why="the number counts all the listed forms, so the last item is no nearer the truth than the first: "
        "length and family support decide among them",
)
def _listed_alike(cand: pl.DataFrame, used: pl.DataFrame, marks: pl.DataFrame) -> pl.DataFrame:
    """Cues that are items of one 、-list before the number stand equally near it.

    开展领导班子学法、研讨、主题党课、各类讲座12余次 counts all the listed forms, so the last item
    is no nearer the truth than the first: listed cues of the number's clause share the distance
    of the nearest of them, and the tie goes on to cue length and family support. A cue is listed
    when a 、 stands right after it or right before it (within IND-LIST-ITEM-SLACK characters: 各类讲座).
    """
    seps = _hits(marks, [LIST_SEP]).select(*KEYS, sep="start")
    slack = rules.number("indicator_rules.csv", "IND-LIST-ITEM-SLACK")
    own = cand.filter(pl.col("place") == "own").select(*KEYS, "mention_no", "start", "stop", "win_b", "ctx_b").unique()
    sep_len = len("、".encode())

    def chars(start: pl.Expr, stop: pl.Expr) -> pl.Expr:
        """Characters between two byte offsets (they sit on character bounds, so the bytes decode whole)."""
        return (
            pl.col("sentence").cast(pl.Binary).bin.slice(start, (stop - start).clip(0))
            .cast(pl.String).str.len_chars()
        )

    # a character is at most 4 bytes: pairs farther apart in bytes cannot be within the slack, and are left
    # out before each pair is given its sentence to count characters in
    near = (
        (pl.col("sep") >= pl.col("stop")) & (pl.col("sep") - pl.col("stop") <= 4 * slack)
        & (pl.col("sep") < pl.col("ctx_b"))
        | (pl.col("sep") < pl.col("start")) & (pl.col("start") - pl.col("sep") - sep_len <= 4 * slack)
        & (pl.col("sep") >= pl.col("win_b"))
    )
    item = (
        own.join(seps, on=KEYS)
        .filter(near)
        .join(used.select(*KEYS, "sentence"), on=KEYS)
        .filter(
            (pl.col("sep") >= pl.col("stop"))
            & (chars(pl.col("stop"), pl.col("sep")) <= slack)
            & (pl.col("sep") < pl.col("ctx_b"))
            | (pl.col("sep") < pl.col("start"))
            & (chars(pl.col("sep") + sep_len, pl.col("start")) <= slack)
            & (pl.col("sep") >= pl.col("win_b"))
        )
        .select(*KEYS, "mention_no", "start", listed=pl.lit(True))
        .unique()
    )
    on = rules.enabled("IND-LISTED-ALIKE")
    cand = cand.join(item, on=[*KEYS, "mention_no", "start"], how="left").with_columns(
        listed=pl.col("listed").fill_null(False) & (pl.col("place") == "own") & on
    )
    shared = pl.col("dist").filter(pl.col("listed")).min().over(*KEYS, "mention_no")
    cand = cand.with_columns(dist=pl.when(pl.col("listed")).then(shared).otherwise("dist"))
    return _etc_objects(cand, marks).drop("listed")


@rules.rule(
    id="IND-ETC-OBJECTS", stage="indicators",
    effect="listed cues closed by 等 after a verb cue at the clause head are its objects: the verb is counted",
    example="全年专题研究法律顾问聘任、信访积案化解等重要事项4次。",
    expect="4次|meeting.leadership_agenda|actual|专题研究",
    counter_example="开展法律咨询、法治讲座等活动30场次", counter_expect="|专题研究",
    why="the studies are counted, not legal-adviser activity; with no head cue the listed forms still name the count",
)
def _etc_objects(cand: pl.DataFrame, marks: pl.DataFrame) -> pl.DataFrame:
    """Listed cues closed by 等 are the objects of a verb cue at the clause head: the verb is counted.

    专题研究规范性文件清理、法律顾问选聘等关键事项2次 counts the studies, not legal-adviser activity.
    A listed cue of the number's clause with a 等 between it and the number ranks after every
    other cue of the clause when a cue outside the list stands before it; with no head cue
    (开展法律咨询、讲座等活动30场次) the listed forms still name what is counted.
    """
    if not rules.enabled("IND-ETC-OBJECTS"):
        return cand.with_columns(etc_object=pl.lit(False))
    etc = _hits(marks, rules.words("indicator_rules.csv", "IND-LIST-CLOSERS")).select(*KEYS, etc="start")
    obj = (
        cand.filter(pl.col("listed"))
        .select(*KEYS, "mention_no", "start", "stop", "ctx_b")
        .unique()
        .join(etc, on=KEYS)
        .filter((pl.col("etc") >= pl.col("stop")) & (pl.col("etc") < pl.col("ctx_b")))
        .select(*KEYS, "mention_no", "start", etc_obj=pl.lit(True))
        .unique()
    )
    # per mention with objects (a few), whether a cue of its own clause outside the list ends by the first of
    # them: grouped over those mentions, not windows over every candidate
    mention = [*KEYS, "mention_no"]
    first = obj.group_by(mention).agg(first_obj=pl.col("start").min())
    headed = (
        cand.filter((pl.col("place") == "own") & ~pl.col("listed"))
        .select(*mention, "stop")
        .join(first, on=mention)
        .filter(pl.col("stop") <= pl.col("first_obj"))
        .select(mention)
        .unique()
    )
    # `etc_object` is a feature of the declared precedence (IND-PREC-ETC-OBJECT, ranked before the distance)
    flagged = obj.join(headed, on=mention, how="semi").select(*mention, "start", etc_object="etc_obj")
    return cand.join(flagged, on=[*mention, "start"], how="left").with_columns(
        pl.col("etc_object").fill_null(False)
    )


def _bare() -> pl.Expr:
    """Whether the whole sentence up to the number says only when or how often (累计开展9次): it then continues the
    one before. Asked of the numbers no cue of their own sentence classifies only (a few), not of every number."""
    carry_max = rules.number("indicator_rules.csv", "IND-CARRY-MAX")
    prefix = pl.col("sentence").str.slice(0, pl.col("ctx"))
    words = [*sentence_fillers(), *rules.words("indicator_rules.csv", "IND-ANAPHORA")]
    return (_drop_words(prefix, words).str.count_matches(r"[\u4e00-\u9fff]") <= carry_max) & ~_has_any(
        prefix, cue_blockers()
    )


@rules.rule(
    id="IND-CARRIED", stage="indicators",
    effect="a bare sentence (累计开展9次。) takes the subject of the sentence right before it in its section",
    example="组织干部集中学习宪法和民法典。累计开展9次。", expect="9次|study.sessions|actual|集中学习",
    counter_example="（一）组织干部集中学习宪法和民法典。累计开展9次。", counter_expect="9次|study.sessions",
    why="a sentence saying only when or how often continues the one before; a heading hands on no subject",
)
def _carried(m: pl.DataFrame, sentences: pl.DataFrame, cues: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """A bare sentence (累计12场。) takes the subject of the sentence right before it.

    Only for a mention no cue of its own sentence classifies, whose sentence up to the number
    says nothing but when or how often, and only from the previous sentence of the same section
    that ends as a sentence does and is not a heading (（一）加强组织领导。). The cue nearest that
    sentence's end that fits the measure decides.
    """
    if not rules.enabled("IND-CARRIED"):
        return chosen.clear()
    open_ = (
        m.join(chosen.select(*KEYS, "mention_no"), on=[*KEYS, "mention_no"], how="anti")
        .filter(_bare())
        .select(*KEYS, "mention_no", "measure_code", "section", prev_no=pl.col("sentence_no") - 1)
    )
    if open_.is_empty():
        return chosen.clear()
    prev = (
        sentences.join(open_.select("source_file", sentence_no="prev_no").unique(), on=KEYS, how="semi")
        .filter(pl.col("sentence").str.contains(f"[{SENT_END}]$") & ~pl.col("sentence").str.contains(HEADING))
        .select(*KEYS, "section", "sentence")
    )
    occ = _cue_occurrences(prev, cues).join(
        prev.select(*KEYS, prev_section="section", prev_len=pl.col("sentence").str.len_bytes().cast(pl.Int64)), on=KEYS
    )
    return (
        open_.join(occ.rename({"sentence_no": "prev_no"}), on=["source_file", "prev_no"])
        .filter(pl.col("section") == pl.col("prev_section"))
        # a carried cue has no tier, weak mark, list or family support: the declared order over the rest
        .join(cues.drop("weak"), left_on=["word", "measure_code"], right_on=["cue", "accepts"])
        .with_columns(dist=pl.col("prev_len") - pl.col("stop"), gapped=pl.col("word").str.contains(GAP, literal=True))
        .pipe(_ranked)
        .group_by(*KEYS, "mention_no", maintain_order=True)
        .first()
        .select(*KEYS, "mention_no", indicator_code="indicator", chosen_cue="word")
    )


@rules.rule(
    id="IND-STAGE-YIELDS", stage="indicators",
    effect="a weak cue of IND-STAGE-WORDS (办结) in the number's bare clause ranks in the place of a subject carried "
           "from the clause before, when one of another family stands there: it then yields to that subject",
    example="共受理行政复议案件15件，办结13件", expect="13件|review.admin_cases|actual|复议案件",
    counter_example="受理信访事项42件，办结40件", counter_expect="40件|petition.received",
    why="办结 says only that the items of the clause before reached their end: 受理行政复议案件15件，办结13件 "
        "closed 13 reconsideration cases, not petitions. Within the petition family itself (受理信访事项…，办结…) "
        "办结 keeps its own class: closed is not received",
)
def _stage_yields(cand: pl.DataFrame) -> pl.DataFrame:
    """`cand` with the weak stage cues of a number's own clause given the tier of the earlier place where an
    earlier candidate of another family stands (the declared precedence then prefers that strong cue)."""
    words = rules.words("indicator_rules.csv", "IND-STAGE-WORDS")
    tiers = _tiers()
    if not rules.enabled("IND-STAGE-YIELDS") or not words or "earlier" not in tiers or cand.is_empty():
        return cand
    mention = [*KEYS, "mention_no"]
    earlier = pl.col("place") == "earlier"
    others = earlier.sum().over(mention) - earlier.sum().over(*mention, "family")
    stage = (pl.col("weak") == 1) & (pl.col("place") == "own") & pl.col("word").is_in(words) & (others > 0)
    return cand.with_columns(tier=pl.when(stage).then(pl.lit(tiers.index("earlier"), pl.Int32)).otherwise("tier"))


PAIR_BUDGET = 200_000  # mention × mention pairs (a proxy of mention × cue pairs) one _choose call may hold


def _sentence_chunks(m: pl.DataFrame, budget: int = PAIR_BUDGET) -> list[pl.DataFrame]:
    """Cut the mentions into runs of whole sentences whose pair count stays within `budget`.

    A cue is chosen by joining each mention to every cue of its sentence, so the work is mentions ×
    cues per sentence: nothing for a report (a few numbers a sentence), but a text dense with numbers
    (调解纠纷1件调解纠纷2件… for megabytes) held gigabytes at once. The choice reads only the mention's
    own sentence (and the one before, from `sentences`), so cutting at sentence bounds changes nothing.
    """
    per = m.group_by(KEYS, maintain_order=True).agg(n=pl.len()).with_columns(w=pl.col("n") * (pl.col("n") + 8))
    if per["w"].sum() <= budget:
        return [m]
    part = (pl.col("w").cum_sum() // budget).alias("_part")
    keyed = m.join(per.with_columns(part).select(*KEYS, "_part"), on=KEYS, how="left", maintain_order="left")
    return [chunk.drop("_part") for chunk in keyed.partition_by("_part", maintain_order=True)]


@rules.cached
def _precedence() -> list[tuple[str, bool]]:
    """The cue choice's sort keys in declared order (IND-PREC-* rows of indicator_rules.csv): the
    feature each row ranks by (its `value`) and whether more of it wins (`direction` desc)."""
    rows = {r["rule_id"]: r for r in rules.table("indicator_rules.csv")}
    return [(rows[i]["value"], rows[i]["direction"] == "desc") for i in rules.order("indicator_rules.csv")]


@rules.cached
def _tiers() -> list[str]:
    """The places a cue may stand, best first (IND-TIER-* rows of indicator_tiers.csv)."""
    rows = {r["rule_id"]: r for r in rules.table("indicator_tiers.csv")}
    return [rows[i]["place"] for i in rules.order("indicator_tiers.csv")]


def _ranked(cand: pl.DataFrame) -> pl.DataFrame:
    """`cand` sorted by the declared precedence, restricted to the features it has."""
    keys = [(k, desc) for k, desc in _precedence() if k in cand.columns]
    if not keys:
        return cand
    return cand.sort([k for k, _ in keys], descending=[d for _, d in keys], maintain_order=True)


def _choose(m: pl.DataFrame, sentences: pl.DataFrame, cues: pl.DataFrame) -> pl.DataFrame:
    """Pick, per mention, the catalogue cue that decides its indicator.

    Each cue is given the best of the places it stands in, in the order indicator_tiers.csv
    declares (an actor taking part, the number's own clause, after it in the clause, the shared
    rest of its list, earlier in the sentence part when the clause is bare, a bare coverage word);
    candidates are then ranked by the IND-PREC-* rows of indicator_rules.csv (the place first).
    A bare sentence with no cue of its own takes the subject of the sentence before (`_carried`).
    """
    used = sentences.join(m.select(KEYS).unique(), on=KEYS, how="semi")
    marks = _marks(used)
    occ = _cue_occurrences(used, cues, marks)
    cand = (
        m.select(
            *KEYS,
            "mention_no",
            "measure_code",
            "section",
            "ctx_b",
            "end_b",
            "win_b",
            "scope_b",
            "post_b",
            "clause_b",
            "tail_b",
            "share_b",
            "share_end_b",
            "may_carry",
        )
        .join(occ, on=KEYS)
        .join(cues, left_on=["word", "measure_code"], right_on=["cue", "accepts"])
    )
    in_clause = (pl.col("start") >= pl.col("win_b")) & (pl.col("stop") <= pl.col("ctx_b"))
    after = (pl.col("start") >= pl.col("end_b")) & (pl.col("stop") <= pl.col("post_b"))
    tail = (pl.col("start") >= pl.col("ctx_b")) & (pl.col("stop") <= pl.col("tail_b"))
    shared = (pl.col("start") >= pl.col("share_b")) & (pl.col("stop") <= pl.col("share_end_b"))
    earlier = (pl.col("start") >= pl.col("scope_b")) & (pl.col("stop") <= pl.col("ctx_b")) & pl.col("may_carry")
    coverage = pl.col("word").is_in(rules.words("indicator_rules.csv", "IND-COVERAGE-CUES"))
    # where a cue stands (IND-TIER-* of indicator_tiers.csv name these places; a cue of the number's own
    # clause is never "earlier", a bare coverage word of it is a place of its own)
    places = {
        "actor": pl.col("actor"),
        "own": in_clause & ~coverage,
        "after": after,
        "rest": tail | shared,
        "earlier": earlier & ~in_clause,
        "coverage": in_clause & coverage,
    }
    cand = cand.with_columns(
        dist=pl.when(after)
        .then(pl.col("start") - pl.col("end_b"))
        .when(tail)
        .then(pl.col("tail_b") - pl.col("stop"))
        .when(shared)
        .then(pl.col("start") - pl.col("share_b"))
        .otherwise(pl.col("ctx_b") - pl.col("stop")),
        prefers=pl.col("sections").str.contains(pl.col("section").fill_null("-"), literal=True)
        & (pl.col("sections") != ""),
    ).filter(pl.any_horizontal(*(v for k, v in places.items() if k != "actor")).fill_null(False))
    cand = cand.join(_actors(cand, used, marks), on=[*KEYS, "mention_no", "start"], how="left").with_columns(
        pl.col("actor").fill_null(False)
    )
    # the first place in declared order (indicator_tiers.csv) that holds the cue is its tier
    tier, place = pl.lit(None, pl.Int32), pl.lit(None, pl.String)
    for rank, name in reversed(list(enumerate(_tiers()))):
        tier = pl.when(places[name].fill_null(False)).then(pl.lit(rank, pl.Int32)).otherwise(tier)
        place = pl.when(places[name].fill_null(False)).then(pl.lit(name)).otherwise(place)
    cand = _stage_yields(cand.with_columns(tier=tier, place=place).drop_nulls("tier"))
    # a weak cue names only its own clause: it is too generic to carry into the next (律师事务所…，惠及…)
    cand = cand.filter(~((pl.col("weak") == 1) & pl.col("place").is_in(["rest", "earlier"])))
    cand = _weak_modifiers(cand, used)
    cand = _listed_alike(cand, used, marks)
    # family support: how many cues of the same family stand in the same part of the sentence; a cue
    # inside a longer one (办结 in 按时办结率) is not a second word of support
    whole = occ.select(*KEYS, "start", "stop")
    nested = (
        occ.join(whole.rename({"start": "o_start", "stop": "o_stop"}), on=KEYS)
        .filter(
            (pl.col("o_start") <= pl.col("start"))
            & (pl.col("o_stop") >= pl.col("stop"))
            & ((pl.col("o_stop") - pl.col("o_start")) > (pl.col("stop") - pl.col("start")))
        )
        .select(*KEYS, "word", "start")
        .unique()
    )
    fam = (
        occ.join(nested, on=[*KEYS, "word", "start"], how="anti")
        .join(cues.select("cue", "family").unique(), left_on="word", right_on="cue")
        .join(m.select(*KEYS, "mention_no", "scope_b", "scope_end_b"), on=KEYS)
        .filter((pl.col("start") >= pl.col("scope_b")) & (pl.col("start") < pl.col("scope_end_b")))
        .group_by(*KEYS, "mention_no", "family")
        .agg(support=pl.len())
    )
    cand = cand.join(fam, on=[*KEYS, "mention_no", "family"], how="left").with_columns(pl.col("support").fill_null(0))
    # the declared precedence (IND-PREC-* rows of indicator_rules.csv): its last keys only break ties, so
    # the same input always picks the same cue (整改问题 over 整改…问题, then the cue text and its offset)
    chosen = (
        _ranked(cand.with_columns(gapped=pl.col("word").str.contains(GAP, literal=True)))
        .group_by(*KEYS, "mention_no", maintain_order=True)
        .first()
        .select(*KEYS, "mention_no", "place", indicator_code="indicator", chosen_cue="word")
    )
    carried = _carried(m, sentences, cues, chosen.drop("place")).with_columns(place=pl.lit("carried"))
    return pl.concat([chosen, carried.select(chosen.columns)])


@rules.rule(
    id="IND-KIND-PLAN-TARGET", stage="indicators",
    effect="a number of the next year's plan is a target unless a kind cue says it is past; elsewhere actual",
    example="[next_year_plan] 组织集中学法12次", expect="12次|study.sessions|target",
    counter_example="组织集中学法12次", counter_expect="|target|",
    why="the plan part states what is to be done: its numbers are promises even with no 力争 or 计划",
)
def _kind(m: pl.DataFrame) -> pl.Expr:
    """target for plans and promises, actual otherwise; the nearest kind cue before the number wins.

    A `plan_only` cue counts only in the next_year_plan part (where it can only confirm the default,
    but still hides an earlier 已完成), elsewhere only with an `elsewhere_with` word before the number.
    """
    cues = kind_cues().with_columns(pl.col("plan_only").fill_null(0), pl.col("elsewhere_with").fill_null(""))
    scope = pl.col("sentence").str.slice(pl.col("scope_c"), pl.col("ctx") - pl.col("scope_c"))

    # a plan-only cue (确保) counts in the other parts only with one of its `elsewhere_with` words
    # between it and the number (确保…达到98%)
    elsewhere = [
        f"(?:{row['cue']})[^{CLAUSE_END}]*?(?:{alternation(row['elsewhere_with'].split())})[^{CLAUSE_END}]*$"
        for row in cues.filter((pl.col("plan_only") == 1) & (pl.col("elsewhere_with") != "")).iter_rows(named=True)
    ]
    reached = scope.str.contains("|".join(elsewhere)) if elsewhere else pl.lit(False)
    everywhere = cues.filter(pl.col("plan_only") == 0)["cue"].to_list()
    last = (
        pl.when(pl.col("section") == "next_year_plan")
        .then(scope.str.extract_all(alternation(cues["cue"].to_list())).list.last())
        .otherwise(scope.str.extract_all(alternation(everywhere)).list.last())
    )
    stated = last.replace_strict(dict(cues.select("cue", "kind").iter_rows()), default=None)
    stated = pl.when((pl.col("section") != "next_year_plan") & reached).then(pl.lit("target")).otherwise(stated)
    plan = (pl.col("section") == "next_year_plan") & rules.enabled("IND-KIND-PLAN-TARGET")
    default = pl.when(plan).then(pl.lit("target")).otherwise(pl.lit("actual"))
    return pl.coalesce(stated, default)


@rules.rule(
    id="IND-TARGET-YEAR", stage="indicators",
    effect="a target takes the year its sentence states before the number (到2026年底) as its target year",
    example="[next_year_plan] 到2026年底，全镇法律明白人培养数达到200名", expect="|target_year=2026",
    counter_example="[next_year_plan] 在2024年基础上，力争开展普法活动20场以上", counter_expect="target_year=",
    why="a promise is for a year; a year marking a base or a span (2024年基础上, 2024年以来) is no target year",
)
def _stated_year() -> pl.Expr:
    """The year a sentence states before the number (到2026年底, 2025年，力争…), else null.

    Years inside a 《title》 and years that mark a base or a span (2023年基础上, 2024年以来) are skipped;
    the last year standing before the number wins.
    """
    before = pl.col("sentence").str.slice(0, pl.col("ctx")).str.replace_all("《[^》]*》", "")
    years = before.str.extract_all(TARGET_YEAR).list.eval(pl.element().filter(pl.element().str.ends_with("年")))
    return years.list.last().str.slice(0, 4).cast(pl.Int32, strict=False)


def _single_all(facts: pl.DataFrame, scope: list[str]) -> pl.DataFrame:
    """Per code, the one fact of it in each scope (scopes holding several are skipped as ambiguous): scope,
    indicator_code, _value, _sentence_no, _mention_no; every code in one grouping."""
    return (
        facts.group_by(*scope, "indicator_code")
        .agg(pl.col("value", "sentence_no", "mention_no").first().name.prefix("_"), n=pl.len())
        .filter(pl.col("n") == 1)
        .drop("n")
    )


def _role(table: pl.DataFrame, single: pl.DataFrame, scope: list[str], col: str, name: str) -> pl.DataFrame:
    """Per consistency rule (`_rule` of `table`), the one fact of its `col` code in each scope of `single`
    (_single_all): _rule, scope, `name` (its value), `name`sentence_no, `name`mention_no."""
    return table.select("_rule", code=col).join(single, left_on="code", right_on="indicator_code").select(
        "_rule", *scope, **{name: "_value", f"{name}sentence_no": "_sentence_no", f"{name}mention_no": "_mention_no"}
    )


@rules.rule(
    id="IND-FLAG-RATE-OVER-100", stage="indicators",
    effect="a rate above 100% is flagged rate_over_100",
    example="法治讲座满意率达105%", expect="|rate_over_100",
    counter_example="法治讲座满意率达100%", counter_expect="rate_over_100",
    why="no share exceeds the whole: a rate over 100 is a typo or a misread number for an analyst to check",
)
def _flags(facts: pl.DataFrame) -> pl.DataFrame:
    """Consistency findings: rates over 100, rates that contradict their counts, resolved > screened.

    A rate is checked against counts in the same sentence first, then in the whole document
    when each of the three is stated once there.
    """
    over_100 = (pl.col("measure_code") == "percent") & (pl.col("value") > 100) & rules.enabled("IND-FLAG-RATE-OVER-100")
    over = pl.when(over_100).then(pl.lit(["rate_over_100"]))
    facts = facts.with_columns(flags=over.otherwise(pl.lit([], pl.List(pl.String))))
    found = []
    table = consistency_rules().select("rate", "numerator", "denominator").with_row_index("_rule")
    # every rule's three facts per scope from one grouping of the facts of all their codes (not one per code)
    codes = sorted({c for col in ("rate", "numerator", "denominator") for c in table[col].to_list()})
    pool = facts.filter(pl.col("indicator_code").is_in(codes)) if table.height else facts.clear()
    for scope in ([*KEYS, "kind"], ["source_file", "kind"]) if table.height else ():
        single = _single_all(pool, scope)
        num, den, rate = (_role(table, single, scope, col, name)
                          for col, name in (("numerator", "num"), ("denominator", "den"), ("rate", "rate")))
        pair = num.join(den, on=["_rule", *scope])
        found.append(
            pair.filter(pl.col("num") > pl.col("den")).select(
                "source_file",
                sentence_no="numsentence_no",
                mention_no="nummention_no",
                flag=pl.lit("resolved_above_screened"),
            )
        )
        off = (pl.col("rate") - 100 * pl.col("num") / pl.col("den")).abs() > 1
        found.append(
            pair.join(rate, on=["_rule", *scope])
            .filter((pl.col("den") > 0) & off)
            .select(
                "source_file",
                sentence_no="ratesentence_no",
                mention_no="ratemention_no",
                flag=pl.lit("rate_contradicts_counts"),
            )
        )
    if not found:  # every consistency rule switched off: the rate flag alone
        return facts
    keys = ["source_file", "sentence_no", "mention_no"]
    extra = pl.concat(found).unique().group_by(keys).agg(more=pl.col("flag").sort())
    return (
        facts.join(extra, on=keys, how="left")
        .with_columns(flags=pl.concat_list("flags", pl.col("more").fill_null(pl.lit([], pl.List(pl.String)))))
        .drop("more")
    )


def classify_facts(
    mentions: pl.DataFrame, sentences: pl.DataFrame, catalogue: pl.DataFrame | None = None
) -> pl.DataFrame:
    """MENTIONS and SENTENCES → FACTS (`target_year`: the year a target's sentence states, else null)."""
    catalogue = load_catalogue() if catalogue is None else catalogue
    if "order" not in catalogue.columns:
        catalogue = catalogue.with_row_index("order")
    if mentions.is_empty():
        return pl.DataFrame(schema=FACTS)
    mentions = _ensure_context(mentions, sentences)
    m = _frame(mentions, sentences)
    cues = _cue_table(catalogue.with_columns(pl.col("order").cast(pl.Int32)))
    # a cue is chosen from the number's own sentence and the one before it (IND-CARRIED): only those rows are
    # read, so each chunk's choice semi-joins them, not every sentence of the input
    near = sentences.join(
        pl.concat([m.select(KEYS), m.select("source_file", sentence_no=pl.col("sentence_no") - 1)]).unique(),
        on=KEYS, how="semi",
    )
    chosen = _unconfirmed(m, pl.concat([_choose(part, near, cues) for part in _sentence_chunks(m)]))
    chosen = _audience(m, _head_over_far_cue(m, catalogue, chosen).drop("place"))
    chosen = _meeting_did(m, catalogue, pl.concat([chosen, _backoff(m, catalogue, chosen)]))
    if rules.enabled("IND-DECISION-PROCEDURE"):
        chosen = pl.concat([chosen, _procedure_items(m, chosen)])
    chosen = _sub_counts(m, _coverage_of_previous(m, cues, chosen))
    after = pl.col("sentence").str.slice(pl.col("endc"), (pl.col("post_c") - pl.col("endc")).clip(0))
    nearest = pl.when(pl.col("window").str.contains(r"[\u4e00-\u9fff]")).then("window").otherwise(after)
    nearest = nearest.str.replace_all(r"[\d.,%、\s()（）“”\"]+", " ").str.strip_chars().str.split(" ").list.last()
    filler = alternation([*rules.words("indicator_rules.csv", "IND-CUE-FILLER"), *_across_only()]) or None
    if filler:
        nearest = nearest.str.replace(f"^(?:{filler})+", "")
    evidence = pl.col("sentence").str.slice(pl.col("clause_c"), pl.col("after_c") - pl.col("clause_c"))
    # lazy, so that the nearest words and the evidence, each named twice, are evaluated once
    facts = m.join(chosen, on=[*KEYS, "mention_no"], how="left").lazy().with_columns(
        indicator_code=pl.col("indicator_code").fill_null("unclassified"),
        cue=pl.coalesce("chosen_cue", pl.when(nearest != "").then(nearest.str.slice(-12))),
        kind=_kind(m),
        evidence=pl.when(evidence.str.len_chars() > 0).then(evidence).otherwise(pl.col("sentence")),
    ).collect()
    year = _stated_year() if rules.enabled("IND-TARGET-YEAR") else pl.lit(None, pl.Int32)
    facts = facts.with_columns(target_year=pl.when(pl.col("kind") == "target").then(year))
    # the flags read the facts' own columns: their joins need not copy the sentence and its windows
    facts = _flags(facts.select(c for c in FACTS.names() if c != "flags"))
    # joins give no row order: one total order, so identical input is identical output
    return conform(facts, FACTS).sort([*KEYS, "mention_no"], maintain_order=True)


def _overridden(chosen: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """`chosen` with the class and cue of the mentions in `new` (KEYS, mention_no, new_code, new_cue) replaced:
    how a later rule overrides an earlier rule's pick."""
    if new.is_empty():
        return chosen
    return (
        chosen.join(new, on=[*KEYS, "mention_no"], how="left")
        .with_columns(indicator_code=pl.coalesce("new_code", "indicator_code"),
                      chosen_cue=pl.coalesce("new_cue", "chosen_cue"))
        .drop("new_code", "new_cue")
    )


@rules.rule(
    id="IND-COVERAGE-PREVIOUS", stage="indicators",
    effect="people a bare coverage word counts (覆盖200人次) are the reach of the number right before them in the "
           "sentence: its family's indicator that takes their measure",
    example="组织全镇干部开展民法典学习3次，覆盖200人次", expect="200人次|study.participants|actual|backoff:学习",
    counter_example="组织全镇干部开展民法典学习3次，覆盖200人次", counter_expect="200人次|publicity.reach",
    why="覆盖 says only that a count reached people; whom it reached is told by what was counted just before "
        "(a study, a training): IND-TIER-EARLIER does this when that was named by a catalogue cue, this rule "
        "when it was named by a head or a cue of another clause. A family with no indicator of people "
        "(disputes) leaves the coverage word's own class",
)
def _coverage_of_previous(m: pl.DataFrame, cues: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """`chosen` with the facts decided by a bare coverage word (IND-COVERAGE-CUES) given to the indicator of
    the family of the mention right before them in the sentence that takes their measure (the one such
    indicator; none: unchanged). The cue becomes the one that decided that previous mention."""
    coverage = rules.words("indicator_rules.csv", "IND-COVERAGE-CUES")
    if not rules.enabled("IND-COVERAGE-PREVIOUS") or not coverage or chosen.is_empty():
        return chosen
    takers = (
        cues.filter(pl.col("sibling") == 0)
        .select("family", "accepts", "indicator")
        .unique()
        .filter(pl.len().over("family", "accepts") == 1)
    )
    prev = chosen.select(*KEYS, mention_no=pl.col("mention_no") + 1, prev_code="indicator_code",
                         prev_cue="chosen_cue")
    moved = (
        chosen.filter(pl.col("chosen_cue").is_in(coverage))
        .join(m.select(*KEYS, "mention_no", "measure_code"), on=[*KEYS, "mention_no"])
        .join(prev, on=[*KEYS, "mention_no"])
        .with_columns(family=pl.col("prev_code").str.split(".").list.first())
        .join(takers, left_on=["family", "measure_code"], right_on=["family", "accepts"])
        .filter(pl.col("indicator") != pl.col("indicator_code"))
        .select(*KEYS, "mention_no", new_code="indicator", new_cue="prev_cue")
    )
    return _overridden(chosen, moved)


@rules.rule(
    id="IND-SUB-COUNTS", stage="indicators",
    effect="numbers listed right after a classified total of their sentence part, each named by a short phrase that "
           "ends with the total cue's head noun (the last IND-SUB-HEAD-LEN characters) and says no verb of "
           "IND-SUB-VERBS, take the total's class: they are its parts",
    example="共办理行政处罚案件1301件，路政方面案件122件、道路运输案件1058件",
    expect="1058件|enforcement.cases|actual|行政处罚案件",
    counter_example="共办理行政处罚案件1301件，移送公安机关案件12件", counter_expect="12件|enforcement.cases",
    why="路政方面案件122件 after 办理行政处罚案件1301件 breaks the total down by field: the same head noun (案件) with "
        "a field before it and no act of its own is a part of the cases counted. A phrase with a verb (移送…案件) "
        "counts another act on the cases and is left alone",
)
def _sub_counts(m: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """`chosen` with the unclassified mentions that follow a classified one in their sentence part, through a run of
    such items only, given that mention's class where their phrase ends with its cue's head noun."""
    if not rules.enabled("IND-SUB-COUNTS") or chosen.is_empty():
        return chosen
    head_len = rules.number("indicator_rules.csv", "IND-SUB-HEAD-LEN")
    most = rules.number("indicator_rules.csv", "IND-SUB-MAX")
    verbs = alternation(rules.words("indicator_rules.csv", "IND-SUB-VERBS")) or None
    lead = alternation(_across_only()) or None
    phrase = pl.col("window").str.replace(f"^[{CLAUSE_END}、和及与]+", "")
    if lead:
        phrase = phrase.str.replace(f"^(?:{lead})", "")
    open_ = pl.col("indicator_code").is_null()
    item = (
        open_
        & (phrase.str.count_matches(r"[\u4e00-\u9fff]") <= most)
        & (phrase.str.len_chars() > 0)
        & (~phrase.str.contains(verbs) if verbs else pl.lit(True))
    )
    frame = (
        m.select(*KEYS, "mention_no", "measure_code", "scope_c", "window")
        .join(chosen.select(*KEYS, "mention_no", "indicator_code", "chosen_cue"), on=[*KEYS, "mention_no"],
              how="left")
        .sort([*KEYS, "mention_no"])
        .with_columns(item=item, phrase=phrase)
        # a run of items hangs on the mention before it: the first row of its segment
        .with_columns(seg=(~pl.col("item")).cum_sum().over(KEYS))
        .with_columns(
            a_code=pl.col("indicator_code").first().over(*KEYS, "seg"),
            a_cue=pl.col("chosen_cue").first().over(*KEYS, "seg"),
            a_measure=pl.col("measure_code").first().over(*KEYS, "seg"),
            a_scope=pl.col("scope_c").first().over(*KEYS, "seg"),
            a_item=pl.col("item").first().over(*KEYS, "seg"),
        )
    )
    head = pl.col("a_cue").str.replace(r"^backoff:", "").str.slice(-head_len)
    parts = frame.filter(
        pl.col("item") & ~pl.col("a_item") & pl.col("a_code").is_not_null()
        & (pl.col("a_measure") == pl.col("measure_code")) & (pl.col("a_scope") == pl.col("scope_c"))
        & (head.str.len_chars() == head_len) & pl.col("phrase").str.ends_with(head)
    ).select(*KEYS, "mention_no", indicator_code="a_code", chosen_cue="a_cue")
    if parts.is_empty():
        return chosen
    return pl.concat([chosen, parts], how="diagonal_relaxed")


@rules.cached
def phrase_heads() -> pl.DataFrame:
    """The back-off's head words (phrase_heads.csv rows switched on): head → the family's default indicator."""
    rows = rules.table("phrase_heads.csv")
    return pl.DataFrame(rows, schema={"head": pl.String, "indicator": pl.String}) if rows else pl.DataFrame(
        schema={"head": pl.String, "indicator": pl.String}
    )


# a parenthesis or a quotation mark the back-off reads through, before the number or after it
ASIDES = r"[（(][^）)]*[）)]|[“”\"]"
# a title (《民法典》): what was studied or handed out, read through before the number (IND-BACKOFF-THROUGH-TITLES)
TITLE = r"《[^》]*》"


@rules.rule(
    id="IND-BACKOFF-THROUGH-TITLES", stage="indicators",
    effect="the back-off reads a head before the number through a 《title》 standing between them",
    example="组织镇村干部学习《民法典》6次", expect="6次|study.sessions|actual|backoff:学习",
    counter_example="组织镇村干部学习《民法典》6次", counter_expect="6次|unclassified",
    why="学习《民法典》6次 counts the studies of the code: the title names what was studied, the verb before it "
        "what is counted, as a parenthesis or quotes are read through",
)
def _title_rule() -> None:
    """Declared for its id and cases: `_phrase_heads` drops 《titles》 from the window before the number."""


@rules.rule(
    id="IND-BACKOFF-AFTER-ASIDES", stage="indicators",
    effect="the back-off reads a head after the number through a parenthesis or quotation marks",
    example="全年召开5次党工委（扩大）会议", expect="5次|meeting.leadership_agenda|actual|backoff:党工委会议",
    counter_example="全年召开5次党工委（扩大）会议", counter_expect="backoff:会议",
    why="（扩大） or quotes inside the name of a meeting do not change what is held: before the number they "
        "are read through already (召开党工委（扩大）会议26次), after it they must be too",
)
def _backoff(m: pl.DataFrame, catalogue: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """Numbers no catalogue cue names, classified by the head of their phrase (…学习4次, 召开…会议5次).

    The head is the word that ends the phrase right before the number in its clause (a parenthesis
    such as （扩大） and the summing words of IND-BACKOFF-FILLER read through), or, failing that, the
    word that ends the rest of its clause after the measure word (召开4次党工委会议). The longest head
    of phrase_heads.csv that ends the phrase wins; it gives its indicator only when that indicator
    takes the number's measure. The cue is `backoff:<head>`, so analysts can tell these facts apart.
    """
    open_ = m.join(chosen.select(*KEYS, "mention_no"), on=[*KEYS, "mention_no"], how="anti")
    heads = _phrase_heads(open_, catalogue, held=True)
    if heads is None:
        return chosen.clear()
    found = heads.select(
        *KEYS, "mention_no", indicator_code="indicator", chosen_cue=pl.lit("backoff:") + pl.col("head")
    )
    rest = open_.join(found.select(*KEYS, "mention_no"), on=[*KEYS, "mention_no"], how="anti")
    return pl.concat([found, _attended_heads(rest, catalogue).select(found.columns)])


@rules.rule(
    id="IND-ATTENDED-HEAD", stage="indicators",
    effect="people counted before a verb of attending (IND-ATTENDEES) that no cue names take the head closing the "
           "clause before theirs, in its family's indicator of their measure",
    example="开展行政执法人员资格考试，35名执法人员参加", expect="35名|exam.participants|actual|backoff:考试",
    counter_example="开展行政执法人员资格考试，35名执法人员", counter_expect="backoff:考试",
    why="the 35 attended what the clause before names (资格考试); a head no catalogue cue spells still says the "
        "activity, and its family counts the people (an exam's participants, a study's participants). Without the "
        "verb of attending the people are no attendance",
)
@rules.rule(
    id="IND-ATTENDED-HEAD-AFTER", stage="indicators",
    effect="people counted before a verb of attending whose clause before names no head take the head closing "
           "their own clause after the verb (人参加…学习), in its family's indicator of their measure",
    example="组织全县2600人参加民法典网络专题班学习", expect="2600人|study.participants|actual|backoff:学习",
    counter_example="组织全县2600人参加民法典网络专题班学习", counter_expect="2600人|unclassified",
    why="the order 人参加<activity> names the activity after the verb, not before it as 开展…考试，35名执法人员参加 "
        "does: 参加…学习 says the 2600 are a study's participants. The activity before the count still wins "
        "where there is one",
)
def _attended_heads(frame: pl.DataFrame, catalogue: pl.DataFrame) -> pl.DataFrame:
    """Facts for the attendee counts of `frame` (IND-ATTENDEES) from the phrase head that ends the clause before
    theirs in the sentence part (failing that, with IND-ATTENDED-HEAD-AFTER, the head closing their own clause after
    the verb: 人参加…学习): the head's indicator if it takes the measure, else the one indicator of its family that
    does. Columns: KEYS, mention_no, indicator_code, chosen_cue."""
    empty = frame.select(*KEYS, "mention_no").clear().with_columns(
        indicator_code=pl.lit(None, pl.String), chosen_cue=pl.lit(None, pl.String))
    parts = _head_parts()
    if not rules.enabled("IND-ATTENDED-HEAD") or parts is None or frame.is_empty():
        return empty
    alternation, filler = parts
    prior = (
        pl.col("sentence").str.slice(pl.col("scope_c"), (pl.col("clause_c") - pl.col("scope_c")).clip(0))
        .str.replace(f"[{CLAUSE_END}]+$", "").str.replace_all(ASIDES, "").str.replace_all(TITLE, "")
    )
    if filler:
        prior = prior.str.replace(f"(?:{filler})+$", "")
    head = prior.str.extract(f"({alternation})$")
    if rules.enabled("IND-ATTENDED-HEAD-AFTER"):
        # 1.19万人参加…专题班学习: the people's own clause names what they attended, after the verb
        following = (
            pl.col("sentence").str.slice(pl.col("endc"), (pl.col("post_c") - pl.col("endc")).clip(0))
            .str.replace_all(ASIDES, "").str.replace_all(TITLE, "")
        )
        head = pl.coalesce(head, following.str.extract(f"({alternation})$"))
    accepts = catalogue.select(
        "indicator", accepts=pl.concat_list(pl.col("measure"), pl.col("also_measures").fill_null("").str.split(" "))
    ).explode("accepts").filter(pl.col("accepts") != "")
    family = pl.col("indicator").str.split(".").list.first()
    takers = (
        accepts.with_columns(family=family).filter(pl.len().over("family", "accepts") == 1)
        .select("family", "accepts", taker="indicator")
    )
    picked = (
        frame.filter(_attendees())
        .select(*KEYS, "mention_no", "measure_code", head=head)
        .drop_nulls("head")
        .join(phrase_heads(), on="head")
        .with_columns(family=family)
        .join(takers, left_on=["family", "measure_code"], right_on=["family", "accepts"])
    )
    if picked.is_empty():
        return empty
    return picked.select(*KEYS, "mention_no", indicator_code="taker", chosen_cue=pl.lit("backoff:") + pl.col("head"))


def _head_parts() -> tuple[str, str] | None:
    """The regex alternations of the phrase heads (longest first) and of the back-off's filler words."""
    heads = phrase_heads()
    if heads.is_empty():
        return None
    fillers = rules.words("indicator_rules.csv", "IND-BACKOFF-FILLER")
    return alternation(heads["head"]), "|".join(re.escape(w) for w in fillers)


def _phrase_heads(
    frame: pl.DataFrame, catalogue: pl.DataFrame, extra: tuple[str, ...] = (), held: bool = False
) -> pl.DataFrame | None:
    """Per mention of `frame`, the phrase head adjacent to its number (see _backoff) and its indicator,
    when that indicator takes the number's measure; `side` says whether the head stands before it.
    With `held`, failing an adjacent head, the head that closes the object of a verb of holding in the
    number's clause (IND-BACKOFF-HELD). None when no head is declared or `frame` is empty. `extra`
    columns of `frame` are kept."""
    parts = _head_parts()
    if parts is None or frame.is_empty():
        return None
    alternation, filler = parts
    before = (
        pl.col("sentence")
        .str.slice(pl.col("win_c"), (pl.col("ctx") - pl.col("win_c")).clip(0))
        .str.replace_all(ASIDES, "")
    )
    if rules.enabled("IND-BACKOFF-THROUGH-TITLES"):
        before = before.str.replace_all(TITLE, "")
    if filler:
        before = before.str.replace(f"(?:{filler})+$", "")
    after = (
        pl.col("sentence")
        .str.slice(pl.col("endc"), (pl.col("post_c") - pl.col("endc")).clip(0))
        .str.extract(f"^([^{CLAUSE_END}、]*)")
    )
    if rules.enabled("IND-BACKOFF-AFTER-ASIDES"):
        after = after.str.replace_all(ASIDES, "")
    # an indicator's `head_measures` it takes only from a head: 调解6次 is dispute work, while the cue 化解 in
    # 信访积案化解等事项4次 must not take a count of meetings
    head_only = pl.col("head_measures").fill_null("") if "head_measures" in catalogue.columns else pl.lit("")
    accepts = catalogue.select(
        "indicator",
        accepts=pl.concat_list(
            pl.col("measure"), pl.col("also_measures").fill_null("").str.split(" "), head_only.str.split(" ")
        ),
    ).explode("accepts")
    ahead = before.str.extract(f"({alternation})$")
    behind = after.str.extract(f"({alternation})$")
    shared = _list_rest_head(alternation) if "tail_c" in frame.columns else pl.lit(None, pl.String)
    object_head = _held_head(before, alternation, after) if held else pl.lit(None, pl.String)
    over = _head_over_object(before) if held else pl.lit(None, pl.String)
    # lazy, so that each head search (a long alternation), named twice, runs once
    return (
        frame.lazy().select(
            *KEYS,
            "mention_no",
            "measure_code",
            *extra,
            side=pl.when(ahead.is_not_null()).then(pl.lit("before"))
            .when(behind.is_not_null()).then(pl.lit("after"))
            .when(shared.is_not_null()).then(pl.lit("rest"))
            .when(over.is_not_null()).then(pl.lit("object")).otherwise(pl.lit("held")),
            head=pl.coalesce(ahead, behind, shared, over, object_head),
        )
        .collect()
        .drop_nulls("head")
        .join(phrase_heads(), on="head")
        .join(accepts, left_on=["indicator", "measure_code"], right_on=["indicator", "accepts"], how="semi")
        .unique([*KEYS, "mention_no"], keep="first", maintain_order=True)
    )


@rules.rule(
    id="IND-BACKOFF-OVER-OBJECT", stage="indicators",
    effect="a number no cue or adjacent head names, counted in a measure of IND-BACKOFF-OBJECT-MEASURES, takes a "
           "verb head of IND-BACKOFF-OBJECT-HEADS separated from it by a short object (at most "
           "IND-BACKOFF-OBJECT-MAX characters)",
    example="组织干部职工学习相关内容10余次", expect="10余次|study.sessions|actual|backoff:学习",
    counter_example="组织干部职工学习相关内容10余篇", counter_expect="backoff:学习",
    why="学习相关内容10余次 counts the studies: the verb heads the phrase and its object (相关内容) only says what "
        "was studied. Only verbs (a noun head such as 会议 before 会议精神 names no act) and only counts of times "
        "(10篇 of material is no study session)",
)
def _head_over_object(before: pl.Expr) -> pl.Expr:
    """The verb head (IND-BACKOFF-OBJECT-HEADS) ending `before` but for a short object, only for a number in a
    measure of IND-BACKOFF-OBJECT-MEASURES; null where there is none or the rule is off."""
    verbs = rules.words("indicator_rules.csv", "IND-BACKOFF-OBJECT-HEADS")
    measures = rules.words("indicator_rules.csv", "IND-BACKOFF-OBJECT-MEASURES")
    if not rules.enabled("IND-BACKOFF-OVER-OBJECT") or not verbs or not measures:
        return pl.lit(None, pl.String)
    most = rules.number("indicator_rules.csv", "IND-BACKOFF-OBJECT-MAX")
    head = before.str.extract(f"({alternation(verbs)})[^{CLAUSE_END}、\\d]{{1,{most}}}$")
    return pl.when(pl.col("measure_code").is_in(measures)).then(head)


@rules.rule(
    id="IND-BACKOFF-LIST-REST", stage="indicators",
    effect="a listed subject with no head of its own takes the head that ends its list's shared rest (…会议各2次)",
    example="全年召开区委依法治区委、区委依法治区办会议各2次",
    expect="2次|meeting.rule_of_law|actual|backoff:会议\n2次|meeting.rule_of_law|actual|backoff:会议",
    why="各/均 after a list gives each listed body the count; the noun closing the list (会议) is what each "
        "held, so the first body (区委依法治区委) is counted in meetings as the last one is",
)
def _list_rest_head(heads: str) -> pl.Expr:
    """The phrase head (of the alternation `heads`) that ends a listed subject's shared rest (`ctx`…`tail_c`,
    asides read through); null where there is none or the rule is off."""
    if not rules.enabled("IND-BACKOFF-LIST-REST"):
        return pl.lit(None, pl.String)
    rest = pl.col("sentence").str.slice(pl.col("ctx"), (pl.col("tail_c") - pl.col("ctx")).clip(0))
    return rest.str.replace_all(ASIDES, "").str.extract(f"({heads})$")


@rules.rule(
    id="IND-HEAD-OVER-FAR-CUE", stage="indicators",
    effect="a phrase head adjacent to the number outranks a catalogue cue standing farther than "
           "IND-HEAD-FAR-CUE-MIN characters from it",
    example="就信访法治化、法治政府建设等重点工作召开党工委会议4次",
    expect="4次|meeting.leadership_agenda|actual|backoff:党工委会议",
    counter_example="就信访法治化、法治政府建设等重点工作召开党工委会议4次", counter_expect="|信访",
    why="the noun the number counts stands next to it (召开党工委会议4次, 召开22次党组会): a cue far before it "
        "names a topic of the meetings, not what is counted; the head decides, no catalogue cue does, so the "
        "cue reads backoff:<head> as for any fact a head classifies",
)
@rules.rule(
    id="IND-BACKOFF-HELD", stage="indicators",
    effect="a number no cue or adjacent head names takes the head closing the object of a verb of holding "
           "(IND-BACKOFF-HELD-VERBS: 召开, 举行) in its clause",
    example="召开镇党委会议部署依法治镇工作4次", expect="4次|meeting.leadership_agenda|actual|backoff:党委会议",
    counter_example="召开镇党委会议部署依法治镇工作，推动落实重点任务4项", counter_expect="backoff:",
    why="召开镇党委会议部署…工作4次 counts the meetings held, whatever they did; the object of 召开 is what "
        "occurred so many times. Only as a last resort, and only where the head's class takes the measure "
        "(4项 of tasks is no meeting)",
)
def _held_head(before: pl.Expr, heads: str, after: pl.Expr) -> pl.Expr:
    """The first phrase head (of the alternation `heads`) after a verb of holding in `before` (the window
    before the number, asides read through), failing that (IND-BACKOFF-HELD-AFTER) after such a verb right after
    the number (`after`: 先后5次召开党组会议…); null where there is none or the rule is off."""
    verbs = rules.words("indicator_rules.csv", "IND-BACKOFF-HELD-VERBS")
    if not rules.enabled("IND-BACKOFF-HELD") or not verbs:
        return pl.lit(None, pl.String)
    held = before.str.extract(f"(?:{alternation(verbs)})[^{CLAUSE_END}]*?({heads})")
    if not rules.enabled("IND-BACKOFF-HELD-AFTER"):
        return held
    return pl.coalesce(held, after.str.extract(f"^(?:{alternation(verbs)})[^{CLAUSE_END}]*?({heads})"))


@rules.rule(
    id="IND-BACKOFF-HELD-AFTER", stage="indicators",
    effect="a number no cue or head names, followed right away by a verb of holding (IND-BACKOFF-HELD-VERBS), takes "
           "the head closing that verb's object (先后5次召开党组会议…)",
    example="先后5次召开党组会议对法治政府建设进行专题部署",
    expect="5次|meeting.leadership_agenda|actual|backoff:党组会议",
    counter_example="先后5次深入基层召开党组会议研究部署", counter_expect="backoff:党组会议",
    why="N次召开…会议 puts the count before what was held: the meetings are what occurred N times, as in "
        "召开…会议N次. Only a verb of holding right after the number, so a count of something else stays open",
)
def _held_after_rule() -> None:
    """Declared for its id and cases: `_held_head` reads the verb of holding right after the number."""


@rules.rule(
    id="IND-HEAD-MEETING-TOPIC", stage="indicators",
    effect="a meeting head next to the number outranks a cue, however near, of a family that is no meeting or "
           "study (IND-HEAD-MEETING-KEEPS): that cue names the meeting's topic",
    example="全年召开信访工作会议4次", expect="4次|meeting.rule_of_law|actual|backoff:会议",
    counter_example="全年召开中心组学习会议5次", counter_expect="5次|meeting.rule_of_law",
    why="召开普法工作会议2次 counts meetings on publicity, 召开4次信访联席会议 meetings on petitions: the topic before "
        "the meeting noun names no count of its own. A study cue (学习会, 学法会) keeps it: a study held as a "
        "meeting is a study session",
)
def _meeting_topic() -> pl.Expr:
    """Whether the head (`indicator`) is a meeting and the chosen cue's family (`indicator_code`) is none of
    IND-HEAD-MEETING-KEEPS: then the cue is the meeting's topic."""
    keeps = rules.words("indicator_rules.csv", "IND-HEAD-MEETING-KEEPS")
    family = pl.col("indicator_code").str.split(".").list.first()
    return pl.col("indicator").str.starts_with("meeting.") & ~family.is_in(keeps)


@rules.rule(
    id="IND-HEAD-OVER-CARRIED", stage="indicators",
    effect="a phrase head adjacent to the number outranks the cue a bare sentence carries from the sentence before",
    example="开展主任办公会前学法2次。已召开51期周例会。", expect="51期|meeting.rule_of_law|actual|backoff:例会",
    counter_example="开展主任办公会前学法2次。已召开51期周例会。", counter_expect="51期|study.sessions",
    why="IND-CARRIED lends a bare sentence the subject before it because it names nothing; a sentence whose "
        "number stands next to a noun of its own (51期周例会) names what it counts",
)
def _head_over_far_cue(m: pl.DataFrame, catalogue: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """`chosen` with the facts whose catalogue cue stands before the number (its own clause or a part
    carried over) farther than IND-HEAD-FAR-CUE-MIN characters from an adjacent phrase head given
    to that head instead. The distance is counted in the text between the cue's end and the head's
    start (a head before the number) or the number (a head after it), asides and the back-off's
    fillers left out; a cue not found in that text as written (a split or a quoted cue) stays."""
    if not rules.enabled("IND-HEAD-OVER-FAR-CUE"):
        return chosen
    far = rules.number("indicator_rules.csv", "IND-HEAD-FAR-CUE-MIN")
    parts = _head_parts()
    topic = rules.enabled("IND-HEAD-MEETING-TOPIC")
    places = ["own", "earlier", *(["carried"] if rules.enabled("IND-HEAD-OVER-CARRIED") else []),
              *(["after"] if topic else [])]
    # only the columns _phrase_heads reads (m is wide: joining all of it copied every text column)
    read = [*KEYS, "mention_no", "measure_code", "sentence", "win_c", "ctx", "endc", "post_c", "tail_c"]
    pool = chosen.filter(pl.col("place").is_in(places) & (pl.col("indicator_code") != "")).join(
        m.select(c for c in m.columns if c in read), on=[*KEYS, "mention_no"]
    )
    if parts is None or pool.is_empty():
        return chosen
    heads = _phrase_heads(pool, catalogue, extra=("chosen_cue", "indicator_code", "sentence", "ctx", "place"))
    if heads is None or heads.is_empty():
        return chosen
    alternation, filler = parts
    tail = pl.col("chosen_cue").str.split(GAP).list.last()
    pieces = pl.col("sentence").str.slice(0, pl.col("ctx")).str.split(tail)
    gap = pieces.list.last().str.replace_all(ASIDES, "")
    if filler:
        gap = gap.str.replace(f"(?:{filler})+$", "")
    gap = pl.when(pl.col("side") == "before").then(gap.str.replace(f"(?:{alternation})$", "")).otherwise(gap)
    # a cue carried from the sentence before is farther than any of its own sentence (IND-HEAD-OVER-CARRIED)
    far_cue = (pieces.list.len() > 1) & (gap.str.len_chars() > far) & (pl.col("place") != "after") | (
        pl.col("place") == "carried"
    )
    if topic:
        far_cue = far_cue | _meeting_topic()
    won = heads.filter((pl.col("indicator") != pl.col("indicator_code")) & far_cue).select(
        *KEYS, "mention_no", new_code="indicator", new_cue=pl.lit("backoff:") + pl.col("head")
    )
    return _overridden(chosen, won)


@rules.rule(
    id="IND-MEETING-DID", stage="indicators",
    effect="a count of meetings whose clause goes on to say what they did (进行/开展 + a head of another family, "
           "IND-MEETING-DID-VERBS) takes that activity's head: the meetings were the activity's sessions",
    example="市政府常务会议先后4次对《信访工作条例》等法律法规进行专题学习",
    expect="4次|study.sessions|actual|backoff:学习",
    counter_example="市政府常务会议先后4次研究部署法治政府建设工作", counter_expect="4次|study.sessions",
    why="常务会议4次对…进行专题学习 counts studies held at the meetings: the activity the clause names after the "
        "number is what the analyst counts (as 召开会议学习…3次 is a study); a meeting that studied nothing, that "
        "heard or decided (研究部署, 听取), stays a meeting",
)
def _meeting_did(m: pl.DataFrame, catalogue: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """`chosen` with the meeting facts (a `meeting.` code) whose clause after the number has a verb of
    IND-MEETING-DID-VERBS followed, within IND-MEETING-DID-GAP characters (titles read through), by a phrase
    head of a family that is no meeting and takes the number's measure: given to that head's indicator."""
    verbs = rules.words("indicator_rules.csv", "IND-MEETING-DID-VERBS")
    parts = _head_parts()
    if not rules.enabled("IND-MEETING-DID") or not verbs or parts is None or chosen.is_empty():
        return chosen
    gap = rules.number("indicator_rules.csv", "IND-MEETING-DID-GAP")
    pool = chosen.filter(pl.col("indicator_code").str.starts_with("meeting."))
    if pool.is_empty():
        return chosen
    after = (
        pl.col("sentence").str.slice(pl.col("endc"), (pl.col("after_c") - pl.col("endc")).clip(0))
        .str.replace_all(TITLE, "").str.replace_all(ASIDES, "")
    )
    head = after.str.extract(f"(?:{alternation(verbs)})[^{CLAUSE_END}]{{0,{gap}}}?({parts[0]})")
    accepts = catalogue.select(
        "indicator", accepts=pl.concat_list(pl.col("measure"), pl.col("also_measures").fill_null("").str.split(" "))
    ).explode("accepts")
    did = (
        pool.select(*KEYS, "mention_no")
        .join(m.select(*KEYS, "mention_no", "measure_code", "sentence", "endc", "after_c"), on=[*KEYS, "mention_no"])
        .select(*KEYS, "mention_no", "measure_code", head=head)
        .drop_nulls("head")
        .join(phrase_heads(), on="head")
        .filter(~pl.col("indicator").str.starts_with("meeting."))
        .join(accepts, left_on=["indicator", "measure_code"], right_on=["indicator", "accepts"], how="semi")
        .select(*KEYS, "mention_no", new_code="indicator", new_cue=pl.lit("backoff:") + pl.col("head"))
    )
    return _overridden(chosen, did)


@rules.rule(
    id="IND-CUE-NEEDS", stage="indicators",
    effect="a cue of IND-CUE-NEEDS-WORDS (隐患:整改) names its indicator only where its sentence part also says one "
           "of the words it needs; elsewhere the number it decided is left to the back-off, else unclassified",
    example="排查安全隐患32处，已全部整改", expect="32处|enforcement.issues_rectified|actual|隐患",
    counter_example="排查安全隐患32处", counter_expect="32处|enforcement.issues_rectified",
    why="hazards found (排查隐患32处) are no problems rectified: only where the part says they were put right "
        "(整改, 消除) are they the catalogue's rectified problems. The cue still stands nearest the number, so no "
        "farther cue (排查, a dispute screening) takes it instead: no class is better than a wrong one",
)
def _unconfirmed(m: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """`chosen` without the facts whose cue (a key of IND-CUE-NEEDS-WORDS) has none of its needed words in the
    number's sentence part."""
    pairs = [w.split(":", 1) for w in rules.words("indicator_rules.csv", "IND-CUE-NEEDS-WORDS") if ":" in w]
    if not rules.enabled("IND-CUE-NEEDS") or not pairs or chosen.is_empty():
        return chosen
    needs = pl.DataFrame(pairs, schema={"chosen_cue": pl.String, "needed": pl.String}, orient="row")
    pool = chosen.select(*KEYS, "mention_no", "chosen_cue").join(needs, on="chosen_cue")
    if pool.is_empty():
        return chosen
    part = pl.col("sentence").str.slice(pl.col("scope_c"), (pl.col("scope_end_c") - pl.col("scope_c")).clip(0))
    unsaid = (
        pool.join(m.select(*KEYS, "mention_no", "sentence", "scope_c", "scope_end_c"), on=[*KEYS, "mention_no"])
        .group_by(*KEYS, "mention_no")
        .agg(said=part.first().str.contains(pl.col("needed"), literal=True).any())
        .filter(~pl.col("said"))
    )
    return chosen.join(unsaid.select(*KEYS, "mention_no"), on=[*KEYS, "mention_no"], how="anti")


@rules.cached
def audiences() -> pl.DataFrame:
    """The audiences of a lecture (audiences.csv rows switched on): audience, word, the indicator it makes,
    and `speaks` ("1": people of this audience may be the lecture's givers, see IND-AUDIENCE-SPEAKERS)."""
    cols = ("audience", "words", "indicator", "speaks", "sections")
    rows = [{k: r.get(k) or "" for k in cols} for r in rules.table("audiences.csv")]
    frame = pl.DataFrame(rows, schema={k: pl.String for k in cols}, orient="row")
    return frame.select("audience", "indicator", "speaks", "sections", word=pl.col("words").str.split(" ")).explode(
        "word").filter(pl.col("word") != "")


@rules.rule(
    id="IND-AUDIENCE", stage="indicators",
    effect="a lecture cue (IND-AUDIENCE-LECTURES) is classed by the one audience its clause names (audiences.csv): "
           "cadres make it a training session, the public a publicity event",
    example="为机关党员开展法治讲座4场", expect="4场|training.sessions|actual|audience:党员",
    counter_example="走进学校开展专题讲座3场", counter_expect="3场|training.sessions",
    why="讲座, 授课 and 宣讲 name the form, not the purpose: who listens does. A clause naming both audiences "
        "(为社区干部和居民…) or cadres who speak (带头, 主讲) leaves the cue's own class; the cue reads "
        "audience:<word> where the audience changed it",
)
@rules.rule(
    id="IND-AUDIENCE-REACHED", stage="indicators",
    effect="a lecture's audience is also read in the clause right after it when that clause opens with a coverage "
           "word (IND-COVERAGE-CUES: 覆盖, 惠及): the people it says were reached are the lecture's listeners",
    example="开展法律知识讲座8场，覆盖群众500人次", expect="8场|publicity.events|actual|audience:群众",
    counter_example="开展法律知识讲座8场，发放资料500份", counter_expect="8场|publicity.events",
    why="讲座8场，覆盖群众500人次 names its audience one clause later: the lecture informed the public. Only a clause "
        "saying whom the count reached (any other clause is about something else), and only when it names no cadres "
        "(基层宣讲2场，覆盖机关干部…: a leader's talk to colleagues is no training session)",
)
def _audience(m: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """`chosen` with lecture counts (a chosen cue ending with a word of IND-AUDIENCE-LECTURES, counted in
    events, classed as one of IND-AUDIENCE-CLASSES) given to the indicator of the one audience their
    own clause names; a speaker word (IND-AUDIENCE-SPEAKERS) makes the people of an audience that may speak
    (cadres) its givers, no audience."""
    lectures = rules.words("indicator_rules.csv", "IND-AUDIENCE-LECTURES")
    table = audiences()
    if not rules.enabled("IND-AUDIENCE") or not lectures or table.is_empty() or chosen.is_empty():
        return chosen
    speakers = rules.words("indicator_rules.csv", "IND-AUDIENCE-SPEAKERS")
    pool = (
        chosen.filter(
            pl.col("chosen_cue").str.contains(f"(?:{alternation(lectures)})$")
            & pl.col("indicator_code").is_in(rules.words("indicator_rules.csv", "IND-AUDIENCE-CLASSES"))
        )
        .join(m.select(*KEYS, "mention_no", "measure_code", "sentence", "section", "clause_c", "after_c"),
              on=[*KEYS, "mention_no"])
        .filter(pl.col("measure_code") == "event")
    )
    if pool.is_empty():
        return chosen
    clause = pl.col("sentence").str.slice(pl.col("clause_c"), (pl.col("after_c") - pl.col("clause_c")).clip(0))
    coverage = rules.words("indicator_rules.csv", "IND-COVERAGE-CUES")
    if coverage and rules.enabled("IND-AUDIENCE-REACHED"):
        # 开展法律知识讲座8场，覆盖群众500人次: the people the next clause says were reached heard the lecture
        reached = pl.col("sentence").str.slice(pl.col("after_c") + 1).str.extract(
            f"^((?:{alternation(coverage)})[^{CLAUSE_END}]*)")
        # only the public: cadres reached by a 宣讲 may be a leader's audience of colleagues (IND-AUDIENCE-SPEAKERS)
        cadres = alternation(table.filter(pl.col("speaks") == "1")["word"].to_list())
        if cadres:
            reached = pl.when(reached.str.contains(cadres)).then(None).otherwise(reached)
        clause = pl.concat_str(clause, reached.fill_null(""), separator="，")
    # a word of one audience right before a word of another only qualifies it: 社区干部, 村（社区）干部 are cadres
    words = alternation(table["word"].to_list())
    clause = clause.str.replace_all(f"(?:{words})[）)]?((?:{words}))", "${1}")
    pool = pool.with_columns(clause=clause, spoken=_has_any(clause, speakers))
    heard = (
        pool.select(*KEYS, "mention_no", "indicator_code", "clause", "spoken")
        .join(table, how="cross")
        .filter(pl.col("clause").str.contains(pl.col("word"), literal=True))
        # cadres who go out to speak (带头, 深入…) give the lecture: they are no audience
        .filter(~(pl.col("spoken") & (pl.col("speaks") == "1")))
        .group_by(*KEYS, "mention_no", maintain_order=True)
        .agg(pl.col("indicator_code").first(), n=pl.col("audience").n_unique(), new_code=pl.col("indicator").first(),
             word=pl.col("word").first())
        .filter((pl.col("n") == 1) & (pl.col("new_code") != pl.col("indicator_code")))
        .select(*KEYS, "mention_no", "new_code", new_cue=pl.lit("audience:") + pl.col("word"))
    )
    heard = pl.concat([heard, _section_audience(pool, table, heard)])
    return _overridden(chosen, heard)


@rules.rule(
    id="IND-AUDIENCE-SECTION", stage="indicators",
    effect="a lecture whose clause names no audience and no speaker takes the audience that audiences.csv gives "
           "its section (`sections`): in the principal leader's duty part the listeners are the unit's cadres",
    example="[leadership_duty] 2024年开展法治讲座4场", expect="4场|training.sessions|actual|audience:leadership_duty",
    counter_example="[leadership_duty] 深入社区开展法治讲座4场", counter_expect="4场|training.sessions",
    why="the part on the first person responsible (第一责任人履职) reports how the leader makes the cadres learn law: "
        "a lecture it counts without naming who listens is the cadres' learning, not law publicity for the public. A "
        "clause naming the public (社区, 群众) or a cadre who speaks (带头) keeps the other rules' class",
)
def _section_audience(pool: pl.DataFrame, table: pl.DataFrame, heard: pl.DataFrame) -> pl.DataFrame:
    """Re-classes for the lectures of `pool` (see _audience) whose clause names no audience word and no speaker,
    in a section an audience row lists in `sections`: that audience's indicator, cue audience:<section>."""
    empty = heard.clear()
    if not rules.enabled("IND-AUDIENCE-SECTION"):
        return empty
    by_section = (
        table.filter(pl.col("sections") != "")
        .select("indicator", section=pl.col("sections").str.split(" "))
        .explode("section").unique().unique("section", keep="none")
    )
    if by_section.is_empty():
        return empty
    named = pool.select(*KEYS, "mention_no", "clause").join(table.select("word"), how="cross").filter(
        pl.col("clause").str.contains(pl.col("word"), literal=True))
    public = alternation(rules.words("indicator_rules.csv", "IND-AUDIENCE-SECTION-PUBLIC-CUES"))
    own_purpose = pl.col("chosen_cue").str.contains(public) if public else pl.lit(False)
    return (
        pool.filter(~pl.col("spoken") & ~own_purpose)
        .join(named.select(*KEYS, "mention_no"), on=[*KEYS, "mention_no"], how="anti")
        .join(by_section, on="section")
        .filter(pl.col("indicator") != pl.col("indicator_code"))
        .select(*KEYS, "mention_no", new_code="indicator", new_cue=pl.lit("audience:") + pl.col("section"))
    )


@rules.rule(
    id="IND-DECISION-PROCEDURE", stage="indicators",
    effect="a count of 事项 no cue names, in a sentence naming two steps of the statutory decision procedure, "
           "counts major administrative decisions",
    example="对涉及社会管理、生态环境保护等4项重点事项，严格落实公众参与、专家论证、风险评估、合法性审查程序",
    expect="4项|decision.major_decisions|actual|procedure:事项",
    counter_example="梳理年度重点事项4项，逐项明确责任单位和完成时限",
    counter_expect="decision.major_decisions",
    why="公众参与、专家论证、风险评估、合法性审查、集体讨论决定 are the five steps a major decision must pass: "
        "the items put through them are major decisions, whatever the report calls them (重点事项, 重要事项); "
        "a 事项 without those steps is any task",
)
def _procedure_items(m: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """Open counts of 事项 (in the measure major decisions take) in a sentence that names at least
    IND-DECISION-STEPS-MIN steps of IND-DECISION-STEPS: the items the decision procedure applies to."""
    steps = rules.words("indicator_rules.csv", "IND-DECISION-STEPS")
    least = rules.number("indicator_rules.csv", "IND-DECISION-STEPS-MIN")
    if not steps:
        return chosen.clear()
    clause = pl.col("sentence").str.slice(pl.col("clause_c"), (pl.col("after_c") - pl.col("clause_c")).clip(0))
    named = pl.sum_horizontal(pl.col("sentence").str.contains(w, literal=True).cast(pl.Int32) for w in steps)
    return (
        m.join(chosen.select(*KEYS, "mention_no"), on=[*KEYS, "mention_no"], how="anti")
        .filter((pl.col("measure_code") == "item") & clause.str.contains("事项", literal=True) & (named >= least))
        .select(*KEYS, "mention_no", indicator_code=pl.lit("decision.major_decisions"),
                chosen_cue=pl.lit("procedure:事项"))
        .unique([*KEYS, "mention_no"], keep="first", maintain_order=True)
    )


def unclassified_cues(facts: pl.DataFrame) -> pl.DataFrame:
    """The most frequent cue phrases of unclassified facts: where the catalogue should grow next."""
    return (
        facts.filter(pl.col("indicator_code") == "unclassified")
        .group_by(pl.col("cue").fill_null(""), "measure_code")
        .agg(count=pl.len(), example=pl.col("evidence").sort_by(*KEYS, "mention_no").first())
        .sort(["count", "cue", "measure_code"], descending=[True, False, False], nulls_last=True)
    )

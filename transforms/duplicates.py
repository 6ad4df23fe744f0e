"""Per-file signatures that tell copies of one report apart from different reports.

A government posts its report as a page and again as a PDF attachment, portals mirror each other,
and a re-post changes the footer or the page chrome: each is a file, but it is one report. This
stage writes, per file, what `core.report_identity` needs to group the copies (in SQL, comparing a
file only with the files of the same unit and year: a hash join on that key, never all pairs):

* `sketch` — a bottom-k MinHash sketch (one hash function with a fixed seed, the K smallest
  distinct hashes) of the set of character 5-grams of the normalized text (stage.normalized.text:
  simplified, half-width) after dropping whitespace, punctuation and symbols, so the line breaks,
  indentation and full-/half-width punctuation a page, a PDF or a DOCX adds or drops do not count.
  The Jaccard similarity of two files is estimated as |S(A ∪ B) ∩ S(A) ∩ S(B)| / |S(A ∪ B)|, where
  S(A ∪ B) is the K smallest of the two sketches together (exact when a text has fewer than K
  shingles). K = 256 gives a standard error of at most sqrt(J(1-J)/K) ≈ 0.03.
* `facts_key` — md5 of the sorted multiset of the file's facts (indicator, kind, value, range
  high end, measure, qualifier, target year): every quantity the report states.

The shingle hash is computed in polars with wrapping 64-bit arithmetic only (the UTF-8 bytes of
each character as an integer, a polynomial over the five characters, the splitmix64 finalizer),
so it is the same on every machine and every polars version: no per-character Python loop, and
no `Series.hash`, whose values may change between polars versions.

Two files are copies of one report (core.report_identity) when they have the same unit and year
(unit_name, parent_name, unit_level, report_year), an estimated similarity of at least
`THRESHOLD` and the same `facts_key`. Measured on the five samples, each built beside its
variants (tests/test_variants.py makes the page, PDF and DOCX; tests/test_duplicates.py the
re-post and the correction): the bottom-k estimate, and the exact Jaccard in brackets.

  =======================================================  ===============  ===============
  pair (per sample, min–max over the five)                 estimate         exact
  =======================================================  ===============  ===============
  sample vs its saved .html page (site chrome around it)   1.000            0.994–1.000
  sample vs its .pdf (running header, page numbers)        1.000            1.000
  sample vs its .docx                                      1.000            1.000
  sample vs a re-post with another header and footer       0.980–0.992      0.986–0.992
  sample vs a corrected version (two numbers changed)      0.988–1.000      0.992–0.995
  two different samples (10 pairs)                         0.004–0.020      0.012–0.024
  =======================================================  ===============  ===============

(The formats stage and normalisation already take most page and PDF chrome away, hence 1.000.)
The threshold 0.8 sits far from both sides: at J = 0.8 the estimate's standard error is 0.025,
so a copy at 0.98 falls under it in no realistic draw and two different reports (0.02) never
reach it; it still admits a copy whose unremoved chrome is a fifth of the report. A corrected
version is as similar as a re-post (0.99 against 0.98–0.99): no threshold on the text can tell
them apart, so a correction is told by its numbers — two files are one report only when their
facts are equal as a multiset as well. Two texts of one unit and year that state a different
number (a correction, a second version) stay two reports, flagged `same_unit_year`; a re-post
whose numbers are all the same is a copy, and counting only one of them loses no fact.
"""

from __future__ import annotations

import hashlib

import polars as pl
import pyarrow as pa

K = 256  # sketch size: the K smallest distinct shingle hashes
SHINGLE = 5  # characters per shingle
SEED = 0x5EED_D0C5_2024_0001  # the fixed seed of the shingle hash
THRESHOLD = 0.8  # estimated Jaccard similarity from which two files of one unit and year may be copies
DROP = r"[\s\p{P}\p{S}\p{Cc}\p{Cf}]"  # whitespace, punctuation, symbols, control and format characters

SIGNATURES = pl.Schema({
    "source_file": pl.String,
    "text_chars": pl.Int32,  # characters of the text left after dropping whitespace and punctuation
    "shingles": pl.Int32,  # distinct 5-grams of that text
    "sketch": pl.List(pl.UInt64),  # the K smallest distinct shingle hashes, ascending
    "facts_key": pl.String,  # md5 of the sorted multiset of facts
    "facts_counted": pl.Int32,  # how many facts the key covers
})

# the pipeline keeps the two halves apart: the sketch follows the text only (stage.signatures), the
# key follows the facts (stage.fact_keys, written by the facts stage), so re-classifying every fact
# does not sketch every text again
TEXT_SIGNATURES = pl.Schema({k: v for k, v in SIGNATURES.items() if k not in ("facts_key", "facts_counted")})
FACT_KEYS = pl.Schema({"source_file": pl.String, "facts_key": pl.String, "facts_counted": pl.Int32})

_M64 = 0xFFFF_FFFF_FFFF_FFFF
_POLY = 0x100_0000_01B3  # FNV-1a 64-bit prime, the base of the 5-gram polynomial


def _u64(value: int) -> pl.Expr:
    return pl.lit(value & _M64, dtype=pl.UInt64)


def _mix(frame: pl.LazyFrame, column: str) -> pl.LazyFrame:
    """splitmix64's finalizer on `column`: every input bit reaches every output bit (wrapping u64
    arithmetic). One column per step: an expression that names its input twice (x ^ (x // 2**30)),
    nested five deep, is a tree of 2**3 copies of the polynomial, evaluated as many times (10x)."""
    x = pl.col(column)
    for shift, factor in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
        frame = frame.with_columns(x ^ (x // _u64(1 << shift))).with_columns(x * _u64(factor))
    return frame.with_columns(x ^ (x // _u64(1 << 31)))


def clean_text(text: pl.Expr) -> pl.Expr:
    """The text the shingles are cut from: no whitespace, punctuation or symbols."""
    return text.str.replace_all(DROP, "")


def _utf8_value(c: pl.Expr) -> pl.Expr:
    """A code point -> the integer its UTF-8 bytes make, read big-endian (the shingles' character
    values since the first sketches: 中 is E4 B8 AD → 0xE4B8AD)."""
    def cont(shift: int) -> pl.Expr:  # a continuation byte: 10xxxxxx
        return _u64(0x80) | ((c // _u64(1 << shift)) % _u64(64))

    return (pl.when(c < 0x80).then(c)
            .when(c < 0x800).then((_u64(0xC0) | (c // _u64(64))) * _u64(1 << 8) + cont(0))
            .when(c < 0x10000).then((_u64(0xE0) | (c // _u64(1 << 12))) * _u64(1 << 16) + cont(6) * _u64(1 << 8)
                                    + cont(0))
            .otherwise((_u64(0xF0) | (c // _u64(1 << 18))) * _u64(1 << 24) + cont(12) * _u64(1 << 16)
                       + cont(6) * _u64(1 << 8) + cont(0)))


def _code_points(texts: pl.Series) -> pl.Series:
    """Every character of every text, in order, as its code point: the texts' UTF-32 bytes read as
    one array (splitting each text into one-character strings cost a fifth of the stage)."""
    encoded = [t.encode("utf-32-le") for t in texts.fill_null("").to_list()]
    buffer = pa.py_buffer(b"".join(encoded))
    return pl.Series("c", pa.Array.from_buffers(pa.uint32(), len(buffer) // 4, [None, buffer])).cast(pl.UInt64)


def text_sketches(docs: pl.DataFrame) -> pl.DataFrame:
    """(source_file, text_chars, shingles, sketch) of each (source_file, text) of `docs`."""
    docs = docs.select("source_file", clean_text(pl.col("text")).alias("t")).with_row_index("fid")
    lengths = docs["t"].str.len_chars().fill_null(0).cast(pl.UInt32)
    chars = pl.LazyFrame({"fid": docs["fid"].repeat_by(lengths).explode().drop_nulls(),
                          "c": _code_points(docs["t"])}).with_columns(_utf8_value(pl.col("c")).alias("c"))
    # a file's characters are contiguous rows: the polynomial of the characters at shifts 0..4 of one
    # global column, kept where the fifth character is of the same file (then all five are); a window
    # shift per file gave the same, at 30 times the cost
    gram = _u64(SEED)
    for i in range(SHINGLE):  # x = (((seed * P + c0) * P + c1) * P + …), wrapping
        gram = gram * _u64(_POLY) + pl.col("c").shift(-i)
    grams = chars.select("fid", pl.when(pl.col("fid").shift(-(SHINGLE - 1)) == pl.col("fid")).then(gram).alias("h"))
    shingles = (_mix(grams.filter(pl.col("h").is_not_null()), "h")
                .group_by("fid")
                .agg(pl.col("h").n_unique().cast(pl.Int32).alias("shingles"),
                     pl.col("h").unique().bottom_k(K).sort().alias("sketch"))
                .collect())
    return (docs.select("fid", "source_file", pl.col("t").str.len_chars().cast(pl.Int32).alias("text_chars"))
            .join(shingles, on="fid", how="left")
            .drop("fid")
            .with_columns(pl.col("shingles").fill_null(0),
                          pl.col("sketch").fill_null(pl.lit([], dtype=pl.List(pl.UInt64)))))


def facts_keys(facts: pl.DataFrame) -> pl.DataFrame:
    """(source_file, facts_key, facts_counted): the md5 of each file's facts, sorted.

    A fact is (indicator, kind, value, range high end, measure, qualifier, target year), classified
    or not: every quantity the report states (numbers of page chrome — dates, hotlines, numbering —
    are noise the quantities stage leaves out, and every format of a report gives the same facts:
    tests/test_variants.py). Two files with the same key lose nothing from marts.report_facts
    when only one of them counts.
    """
    row = pl.concat_str([pl.col("indicator_code").fill_null("~"), pl.col("kind").fill_null("~"),
                         pl.col("value").cast(pl.String).fill_null("~"),
                         pl.col("value_high").cast(pl.String).fill_null("~"),
                         pl.col("measure_code").fill_null("~"), pl.col("qualifier").fill_null("~"),
                         pl.col("target_year").cast(pl.String).fill_null("~")], separator="|")
    return (facts.select("source_file", row.alias("row"))
            .group_by("source_file")
            .agg(pl.col("row").sort().str.join("\n").alias("rows"), pl.len().cast(pl.Int32).alias("facts_counted"))
            .select("source_file", pl.col("rows").map_elements(_md5, return_dtype=pl.String).alias("facts_key"),
                    "facts_counted"))


def _md5(rows: str) -> str:
    return hashlib.md5(rows.encode("utf-8")).hexdigest()


NO_FACTS_KEY = _md5("")  # the key of a file without facts


def file_signatures(docs: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """One row per file of `docs` (source_file, text): its sketch and the key of its counted facts
    (`facts` may hold none of a file's rows: it then has the key of no facts)."""
    empty_key = NO_FACTS_KEY
    out = (text_sketches(docs)
           .join(facts_keys(facts.filter(pl.col("source_file").is_in(docs["source_file"].implode()))),
                 on="source_file", how="left")
           .with_columns(pl.col("facts_key").fill_null(empty_key), pl.col("facts_counted").fill_null(0)))
    return out.select([pl.col(n).cast(t) for n, t in SIGNATURES.items()]).sort("source_file")


def similarity(a: list[int], b: list[int], k: int = K) -> float:
    """The bottom-k estimate of the Jaccard similarity of two sketches (what core.report_identity
    computes in SQL; here for tests and measurements)."""
    union = sorted(set(a) | set(b))[:k]
    if not union:
        return 1.0
    cut = union[-1]
    both = set(a) & set(b)
    return sum(1 for h in both if h <= cut) / len(union)

"""Split normalized text into sentences that keep their offsets and section.

A sentence ends at 。！？ or a line break; semicolons stay inside (a clause boundary the
quantity grammar reads itself). A run of text with no sentence end (a file on one line, a table
flattened into one paragraph) is no sentence: past SENT-MAX-LEN characters (data/sentence_rules.csv)
it is cut after a clause mark, or hard where a clause is that long itself, because the later stages read each number's
sentence around it, and a megabyte-long "sentence" would make that quadratic. The pieces are
found with one regex over all documents at once and their offsets come from cumulative lengths,
so the split stays vectorised and every sentence points back into `text`.
"""

from __future__ import annotations

import polars as pl

from transforms import rules
from transforms.schemas import SENTENCES, conform

# a sentence ends at these (semicolons stay inside: a clause boundary the quantity grammar reads)
_END = "。！？!?"
_TRIM = "\n \t\u3000"
# clauses tile a piece too: each ends after its clause marks (or at the piece's end)
_CLAUSE = r"[^，,；;：:、]*[，,；;：:、]+|[^，,；;：:、]+$"
# the cap as the table has it (for readers that bound a sentence's length); the stage reads it per call
MAX_SENTENCE = rules.number("sentence_rules.csv", "SENT-MAX-LEN")


@rules.rule(
    id="SENT-LINE-BREAK", stage="sentences", effect="a line break ends a sentence",
    example="一、主要工作\\n全年办理案件12件。", expect="achievements\t一、主要工作\nachievements\t全年办理案件12件。",
    why="a heading or a list line without a full stop is no part of the paragraph below it",
)
def _piece_pattern() -> str:
    """Pieces tile the text (every character in exactly one), so cumulative lengths are offsets."""
    ends = _END + ("\n" if rules.enabled("SENT-LINE-BREAK") else "")
    return f"[^{ends}]*[{ends}]+|[^{ends}]+$"


@rules.rule(
    id="SENT-CUT-AT-CLAUSE", stage="sentences", effect="an over-long sentence is cut after a clause mark",
    example="全年依法办理许可事项，" * 50 + "均已办结。", expect="事项，\\nachievements\\t全年",
    why="cut hard every SENT-MAX-LEN characters, a number would lose its measure word or its cue; cut after a "
    "clause mark (clauses packed by where they start) a clause stays whole",
)
def _cut_long(pieces: pl.LazyFrame) -> pl.LazyFrame:
    """Pieces over SENT-MAX-LEN characters cut into chunks: clauses are packed by where they start
    (chunk = offset // max), a clause longer than that is cut hard first. Order is kept by
    (`_piece`, `_sub`); short pieces pass through as one chunk."""
    max_len = rules.number("sentence_rules.csv", "SENT-MAX-LEN")
    by_clause = rules.enabled("SENT-CUT-AT-CLAUSE")
    clauses = pl.col("piece").str.extract_all(_CLAUSE) if by_clause else pl.concat_list("piece")
    short = pieces.filter(pl.col("piece").str.len_chars() <= max_len).with_columns(_sub=pl.lit(0, pl.Int64))
    long = (
        pieces.filter(pl.col("piece").str.len_chars() > max_len)
        .with_columns(part=clauses)
        .explode("part")
        # a regex, not str.slice at growing offsets: each slice would count characters from the start
        .with_columns(part=pl.col("part").str.extract_all(f"(?s).{{1,{max_len}}}"))
        .explode("part")
        .with_columns(_len=pl.col("part").str.len_chars().cast(pl.Int64))
        .with_columns(_sub=((pl.col("_len").cum_sum() - pl.col("_len")).over("source_file", "_piece")) // max_len)
        .group_by("source_file", "_piece", "_sub", maintain_order=True)
        .agg(piece=pl.col("part").str.join(""))
    )
    return pl.concat([short, long.select(short.collect_schema().names())]).sort(
        "source_file", "_piece", "_sub", maintain_order=True
    )


def split_sentences(docs: pl.DataFrame, spans: pl.DataFrame) -> pl.DataFrame:
    """Sentences of `docs` (source_file, text), each labelled with the section span it starts in."""
    pieces = (
        docs.lazy()
        .select("source_file", pl.col("text").str.extract_all(_piece_pattern()).alias("piece"))
        .explode("piece")
        .drop_nulls("piece")
        .with_columns(_piece=pl.int_range(pl.len()).over("source_file"))
        .pipe(_cut_long)
        .with_columns(pl.col("piece").str.len_chars().cast(pl.Int32).alias("piece_len"))
        .with_columns(
            (pl.col("piece_len").cum_sum().over("source_file") - pl.col("piece_len")).alias("piece_start")
        )
        .with_columns(
            lead=pl.col("piece").str.len_chars() - pl.col("piece").str.strip_chars_start(_TRIM).str.len_chars(),
            sentence=pl.col("piece").str.strip_chars(_TRIM),
        )
        .filter(pl.col("sentence").str.len_chars() > 0)
        .with_columns(
            sent_start=(pl.col("piece_start") + pl.col("lead")).cast(pl.Int32),
        )
        .with_columns(sent_end=(pl.col("sent_start") + pl.col("sentence").str.len_chars()).cast(pl.Int32))
        .with_columns(sentence_no=(pl.int_range(pl.len()).over("source_file") + 1).cast(pl.Int32))
        .sort("source_file", "sent_start")
    )
    labelled = pieces.join_asof(
        spans.lazy()
        .select("source_file", pl.col("span_start").cast(pl.Int32), "section")
        .sort("source_file", "span_start"),
        left_on="sent_start",
        right_on="span_start",
        by="source_file",
        strategy="backward",
    ).with_columns(pl.col("section").fill_null("preamble"))
    return conform(labelled.collect(), SENTENCES)

"""Split normalized text into sentences that keep their offsets and section.

A sentence ends at 。！？ or a line break; semicolons stay inside (a clause boundary the
quantity grammar reads itself). A run of text with no sentence end (a file on one line, a table
flattened into one paragraph) is no sentence: past MAX_SENTENCE characters it is cut after a clause
mark, or hard where a clause is that long itself, because the later stages read each number's
sentence around it, and a megabyte-long "sentence" would make that quadratic. The pieces are
found with one regex over all documents at once and their offsets come from cumulative lengths,
so the split stays vectorised and every sentence points back into `text`.
"""

from __future__ import annotations

import polars as pl

from transforms.schemas import SENTENCES, conform

# every character of the text falls in exactly one piece, so cumulative lengths are offsets
_PIECE = r"[^。！？!?\n]*[。！？!?\n]+|[^。！？!?\n]+$"
_TRIM = "\n \t\u3000"
MAX_SENTENCE = 500  # characters; the samples' longest sentence has 270
# clauses tile a piece too: each ends after its clause marks (or at the piece's end)
_CLAUSE = r"[^，,；;：:、]*[，,；;：:、]+|[^，,；;：:、]+$"


def _cut_long(pieces: pl.LazyFrame) -> pl.LazyFrame:
    """Pieces over MAX_SENTENCE characters cut into chunks: clauses are packed by where they start
    (chunk = offset // MAX_SENTENCE), a clause longer than that is cut hard first. Order is kept by
    (`_piece`, `_sub`); short pieces pass through as one chunk."""
    short = pieces.filter(pl.col("piece").str.len_chars() <= MAX_SENTENCE).with_columns(_sub=pl.lit(0, pl.Int64))
    long = (
        pieces.filter(pl.col("piece").str.len_chars() > MAX_SENTENCE)
        .with_columns(part=pl.col("piece").str.extract_all(_CLAUSE))
        .explode("part")
        # a regex, not str.slice at growing offsets: each slice would count characters from the start
        .with_columns(part=pl.col("part").str.extract_all(f"(?s).{{1,{MAX_SENTENCE}}}"))
        .explode("part")
        .with_columns(_len=pl.col("part").str.len_chars().cast(pl.Int64))
        .with_columns(_sub=((pl.col("_len").cum_sum() - pl.col("_len")).over("source_file", "_piece")) // MAX_SENTENCE)
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
        .select("source_file", pl.col("text").str.extract_all(_PIECE).alias("piece"))
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

"""Carry a fact's offsets in normalized text back to the source text through the offset map."""

from __future__ import annotations

import polars as pl


def _runs(maps: pl.DataFrame) -> pl.DataFrame:
    """Each file's runs laid out with the normalized offset each starts at, sorted by it."""
    return (
        maps.select("source_file", "run_starts", "run_lengths")
        .unique("source_file", keep="first", maintain_order=True)
        .explode("run_starts", "run_lengths")
        .filter(pl.col("run_lengths") > 0)  # an empty or null map explodes to a null row; a 0-run maps nothing
        .with_columns(at=(pl.col("run_lengths").cum_sum() - pl.col("run_lengths")).over("source_file").cast(pl.Int64))
        .sort("at")
    )


def _source_index(points: pl.DataFrame, runs: pl.DataFrame) -> pl.DataFrame:
    """(_row, src): for each point (_row, source_file, p) the source index of normalized character p,
    null when the file has no map or p is outside its text. A point takes the run starting at or
    before it (an as-of join): linear in points + runs, never a copy of a map per point."""
    found = points.sort("p").join_asof(runs, left_on="p", right_on="at", by="source_file", strategy="backward",
                                       check_sortedness=False)  # both sorted by the key
    inside = (pl.col("p") >= 0) & (pl.col("p") < pl.col("at") + pl.col("run_lengths"))
    return found.select("_row", src=pl.when(inside).then(pl.col("run_starts") + (pl.col("p") - pl.col("at"))))


def add_source_offsets(facts: pl.DataFrame, maps: pl.DataFrame) -> pl.DataFrame:
    """Add source_start / source_end to `facts` from `maps` (source_file, run_starts, run_lengths:
    NORMALIZED's offset map as runs).

    Normalized character i stood at source index map[i], so a span [char_start, char_end) came
    from [map[char_start], map[char_end - 1] + 1). A file without a map, or a span past its text,
    gets null.
    """
    if not facts.height:
        return facts.with_columns(source_start=pl.lit(None, pl.Int32), source_end=pl.lit(None, pl.Int32))
    indexed = facts.with_row_index("_row")
    runs = _runs(maps)  # laid out once for both ends
    start = _source_index(indexed.select("_row", "source_file", p=pl.col("char_start").cast(pl.Int64)), runs)
    last = _source_index(indexed.select("_row", "source_file", p=(pl.col("char_end") - 1).cast(pl.Int64)), runs)
    return (
        indexed.join(start.rename({"src": "_src_start"}), on="_row", how="left")
        .join(last.rename({"src": "_src_last"}), on="_row", how="left")
        .sort("_row")
        .with_columns(
            source_start=pl.col("_src_start").cast(pl.Int32),
            source_end=(pl.col("_src_last") + 1).cast(pl.Int32),
        )
        .drop("_row", "_src_start", "_src_last")
    )

"""Carry a fact's offsets in normalized text back to the source text through the offset map."""

from __future__ import annotations

import polars as pl


def add_source_offsets(facts: pl.DataFrame, maps: pl.DataFrame) -> pl.DataFrame:
    """Add source_start / source_end to `facts` from `maps` (source_file, offset_map).

    `offset_map[i]` is where normalized character i stood in the source, so a span
    [char_start, char_end) came from [map[char_start], map[char_end - 1] + 1).
    """
    joined = facts.join(maps.select("source_file", "offset_map"), on="source_file", how="left")
    at = lambda col: pl.col("offset_map").list.get(col, null_on_oob=True)  # noqa: E731
    return joined.with_columns(
        source_start=at(pl.col("char_start")).cast(pl.Int32),
        source_end=(at(pl.col("char_end") - 1) + 1).cast(pl.Int32),
    ).drop("offset_map")

"""Carry a fact's offsets in normalized text back to the source text through the offset map."""

from __future__ import annotations

import polars as pl


def add_source_offsets(facts: pl.DataFrame, maps: pl.DataFrame) -> pl.DataFrame:
    """Add source_start / source_end to `facts` from `maps` (source_file, offset_map).

    `offset_map[i]` is where normalized character i stood in the source, so a span
    [char_start, char_end) came from [map[char_start], map[char_end - 1] + 1).

    Each file's map is joined once to the list of its facts' offsets and gathered from, so the
    work and memory are linear in facts + characters; joining the map to every fact would copy
    the whole map per fact (a 1 MB report with a thousand numbers needed gigabytes).
    """
    if not facts.height:
        return facts.with_columns(source_start=pl.lit(None, pl.Int32), source_end=pl.lit(None, pl.Int32))
    indexed = facts.with_row_index("_row")
    wanted = indexed.group_by("source_file", maintain_order=True).agg(
        "_row",
        _start=pl.col("char_start"),
        _last=pl.col("char_end") - 1,
    )
    maps = maps.select("source_file", "offset_map").unique("source_file", keep="first", maintain_order=True)
    # a file without a map gathers from an empty one; an index past the map gives null
    gathered = (
        wanted.join(maps, on="source_file", how="left")
        .with_columns(pl.col("offset_map").fill_null(pl.lit([], pl.List(pl.Int32))))
        .with_columns(
            _src_start=pl.col("offset_map").list.gather(pl.col("_start"), null_on_oob=True),
            _src_last=pl.col("offset_map").list.gather(pl.col("_last"), null_on_oob=True),
        )
        .select("_row", "_src_start", "_src_last")
        .explode("_row", "_src_start", "_src_last")
    )
    return (
        indexed.join(gathered, on="_row", how="left")
        .sort("_row")
        .with_columns(
            source_start=pl.col("_src_start").cast(pl.Int32),
            source_end=(pl.col("_src_last") + 1).cast(pl.Int32),
        )
        .drop("_row", "_src_start", "_src_last")
    )

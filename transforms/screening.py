"""Which documents are reports we can load, and why the others are set aside.

A file gets through when the report year is known and it looks like a rule-of-law report: one
of the five standard parts, or report wording (`data/report_cues.csv`) near the top. A report
whose unit the text never names (only 我局/我镇, no title or signature) still gets through with
a NULL unit rather than a guess: its year, parts and facts are real, it just cannot be compared
with other units. Everything else is quarantined with a reason an analyst can read; nothing is
dropped silently.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from transforms import rules


def report_cue_pattern(path: Path | None = None) -> str:
    """One alternation of the report cues that are on (`kind=cue` rows of report_cues.csv)."""
    if path is not None:
        cues = pl.read_csv(path, infer_schema=False)["cue"].drop_nulls().to_list()
    else:
        cues = [r["cue"] for r in rules.table("report_cues.csv") if r["kind"] == "cue"]
    return "|".join(c.strip() for c in cues if c and c.strip()) or r"[^\s\S]"  # none on: no match


def quarantine_reasons(reports: pl.DataFrame, docs: pl.DataFrame, sections: pl.DataFrame) -> pl.DataFrame:
    """source_file and `reason` for each document that is not a loadable report (null when it is).

    `reports`: source_file, unit_name, report_year; `docs`: source_file, text (and page_title);
    `sections`: the SECTIONS rows found in them.
    """
    with_parts = sections.select("source_file").unique().with_columns(has_parts=pl.lit(True))
    # the title and opening paragraph: report wording deeper in is no sign of a report
    head = pl.col("text").str.slice(0, rules.number("report_cues.csv", "SCREEN-HEAD-CHARS"))
    if "page_title" in docs.columns:
        head = pl.concat_str([pl.col("page_title").fill_null(""), head], separator="\n")
    looks = docs.select("source_file", report_wording=head.str.contains(report_cue_pattern()))
    frame = (
        reports.select("source_file", "unit_name", "report_year")
        .join(looks, on="source_file", how="left", maintain_order="left")
        .join(with_parts, on="source_file", how="left", maintain_order="left")
        .with_columns(pl.col("has_parts").fill_null(False), pl.col("report_wording").fill_null(False))
    )
    no_unit, no_year = pl.col("unit_name").is_null(), pl.col("report_year").is_null()
    reason = (
        pl.when(~pl.col("has_parts") & ~pl.col("report_wording"))
        .then(pl.lit("not a report: none of the five standard parts and no rule-of-law report wording"))
        .when(no_unit & no_year).then(pl.lit("not a report: no reporting unit and no report year found"))
        .when(no_year).then(pl.lit("no report year found"))
    )
    return frame.select("source_file", reason.alias("reason"))

"""The weaknesses a report admits: theme cues matched in the clauses of its shortcomings part.

Cues are data (`data/shortcoming_themes.csv`: one rule a theme, with its id, name_zh,
space-separated regexes and a case that needs one of them; a theme switched off is left out).
All of a theme's cues are joined into one alternation and tested once per clause with a
constant pattern, one vectorised pass per theme (a per-row pattern would be compiled for every
row).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from transforms import rules
from transforms.lexicon import HARD_END

# a theme is read clause by clause: a statement ends at a hard end or a line break
_CLAUSE_END = f"[{HARD_END}\n]"

THEME_HITS = pl.Schema(
    {
        "source_file": pl.String,
        "section_no": pl.Int32,
        "clause_no": pl.Int32,
        "clause": pl.String,
        "theme": pl.String,
        "name_zh": pl.String,
        "cues": pl.List(pl.String),  # the words that matched, sorted
    }
)


def load_themes(path: Path | None = None) -> pl.DataFrame:
    """theme, name_zh and one alternation `pattern` per theme."""
    if path is not None:
        themes = pl.read_csv(path, infer_schema=False)
    else:
        rows = rules.table("shortcoming_themes.csv")
        themes = pl.DataFrame(rows, schema=dict.fromkeys(rows[0] if rows else ("theme", "name_zh", "cues"), pl.String))
    return themes.filter(pl.col("cues").is_not_null()).select(
        "theme",
        "name_zh",
        pattern=pl.col("cues").str.strip_chars().str.split(" ").list.eval(pl.element().filter(pl.element() != ""))
        .list.join("|"),
    ).filter(pl.col("pattern") != "")


def shortcoming_clauses(docs: pl.DataFrame, sections: pl.DataFrame) -> pl.DataFrame:
    """Clauses (source_file, section_no, clause_no, clause) of every shortcomings part."""
    parts = sections.filter((pl.col("section") == "shortcomings") & (pl.col("char_end") > pl.col("char_start")))
    return (
        parts.join(docs.select("source_file", "text"), on="source_file")
        .select(
            "source_file",
            pl.col("section_no").cast(pl.Int32),
            clause=pl.col("text").str.slice(pl.col("char_start"), pl.col("char_end") - pl.col("char_start"))
            .str.replace_all(_CLAUSE_END, "\u0000").str.split("\u0000"),
        )
        .with_columns(clause_no=pl.int_ranges(1, pl.col("clause").list.len() + 1, dtype=pl.Int32))
        .explode("clause", "clause_no")
        .with_columns(pl.col("clause").str.strip_chars())
        .filter(pl.col("clause") != "")
    )


def shortcoming_theme_hits(docs: pl.DataFrame, sections: pl.DataFrame, themes: pl.DataFrame | None = None
                           ) -> pl.DataFrame:
    """One row per report, theme and shortcomings clause a theme cue matches (THEME_HITS)."""
    themes = load_themes() if themes is None else themes
    clauses = shortcoming_clauses(docs, sections)
    hits = [
        clauses.with_columns(
            theme=pl.lit(t["theme"]),
            name_zh=pl.lit(t["name_zh"]),
            cues=pl.col("clause").str.extract_all(t["pattern"]).list.unique().list.sort(),
        ).filter(pl.col("cues").list.len() > 0)
        for t in themes.iter_rows(named=True)  # a dozen themes: one vectorised pass each
    ]
    if not hits:
        return pl.DataFrame(schema=THEME_HITS)
    return pl.concat(hits).select(THEME_HITS.names()).cast(THEME_HITS).sort("source_file", "section_no", "clause_no",
                                                                            "theme")

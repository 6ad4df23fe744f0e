"""The frames that flow between stages, declared once as data.

Every stage in `transforms/` takes and returns polars frames with these columns; the
orchestration layer checks them at the boundaries (`conform`) and the warehouse DDL in
`sql/` mirrors the loaded ones. Adding a column here is the one place to add it.

Offsets: `source_text` is the text as extracted from the file (decoded, format markup
removed); `text` is the normalized simplified text every later stage reads. Offsets named
`char_*` point into `text`; offsets named `source_*` point into `source_text`.
"""

from __future__ import annotations

import polars as pl

# raw files as found on disk (orchestration reads the bytes; nothing is parsed yet)
RAW_FILES = pl.Schema(
    {
        "source_file": pl.String,  # base name, unique key of a report
        "path": pl.String,
        "ext": pl.String,  # lower-case suffix without the dot: txt md html htm docx pdf
        "size": pl.Int64,
        "sha256": pl.String,
        "content": pl.Binary,
    }
)

# decoded and format-stripped text (transforms.decode / transforms.formats)
DOCUMENTS = pl.Schema(
    {
        "source_file": pl.String,
        "sha256": pl.String,
        "format": pl.String,  # text markdown html docx pdf
        "encoding": pl.String,  # utf-8, gb18030, big5, utf-16, ... (binary formats: the container's)
        "source_text": pl.String,  # null when the file could not be read
        "page_title": pl.String,  # an HTML page's own title, else null
        "page_published_on": pl.Date,  # a page's stated publication date (发布日期), else null
        "error": pl.String,  # why the file cannot be used (quarantine reason), else null
        # what was repaired to read the file, in plain words ("removed 1 NUL/control byte"); empty if nothing
        "repairs": pl.List(pl.String),
    }
)

# normalized text (transforms.normalize)
NORMALIZED = pl.Schema(
    {
        "source_file": pl.String,
        "text": pl.String,  # simplified, half-width digits/latin, no pinyin, no markdown
        "source_script": pl.String,  # simplified | traditional
        # where each character of text stood in source_text, as runs of neighbours: run k covers the
        # next run_lengths[k] characters of text, which stood at source_text[run_starts[k]:][:run_lengths[k]]
        "run_starts": pl.List(pl.Int32),
        "run_lengths": pl.List(pl.Int32),
    }
)

# headings found in the text (transforms.sections)
SECTIONS = pl.Schema(
    {
        "source_file": pl.String,
        "section_no": pl.Int32,  # order of the heading in the document
        "section": pl.String,  # achievements shortcomings leadership_duty next_year_plan other
        "heading": pl.String,
        "level": pl.Int32,  # 1 top-level part, 2 a sub-heading inside a part
        "char_start": pl.Int32,  # heading start
        "char_end": pl.Int32,  # end of the part (exclusive)
    }
)

# each character of `text` belongs to exactly one span (transforms.sections)
SECTION_SPANS = pl.Schema(
    {
        "source_file": pl.String,
        "span_start": pl.Int32,
        "span_end": pl.Int32,
        "section": pl.String,  # a section code, or preamble
    }
)

# one row per report (transforms.metadata)
REPORTS = pl.Schema(
    {
        "source_file": pl.String,
        "unit_full_name": pl.String,
        "unit_name": pl.String,
        "unit_level": pl.String,
        "parent_name": pl.String,
        "report_year": pl.Int32,
        "report_date": pl.Date,
        "published_on": pl.Date,
        "doc_number": pl.String,
    }
)

# sentences (transforms.sentences)
SENTENCES = pl.Schema(
    {
        "source_file": pl.String,
        "sentence_no": pl.Int32,
        "section": pl.String,
        "sent_start": pl.Int32,
        "sent_end": pl.Int32,
        "sentence": pl.String,
    }
)

# quantity mentions: every number with its measure (transforms.quantities)
MENTIONS = pl.Schema(
    {
        "source_file": pl.String,
        "sentence_no": pl.Int32,
        "mention_no": pl.Int32,  # order within the sentence
        "char_start": pl.Int32,  # number + measure word, in `text`
        "char_end": pl.Int32,
        "surface": pl.String,  # the matched text as written
        "value": pl.Float64,  # scaled to the measure's base unit
        "value_high": pl.Float64,
        "measure_code": pl.String,
        "measure_word": pl.String,
        "qualifier": pl.String,
        "subject": pl.String,  # the listed rate of a distributive statement, or the negated noun of a zero
        "context_end": pl.Int32,  # where the search for the indicator's cue stops, in `text`
    }
)

# classified facts (transforms.indicators)
FACTS = pl.Schema(
    {
        "source_file": pl.String,
        "sentence_no": pl.Int32,
        "mention_no": pl.Int32,
        "char_start": pl.Int32,
        "char_end": pl.Int32,
        "value": pl.Float64,
        "value_high": pl.Float64,
        "measure_code": pl.String,
        "measure_word": pl.String,
        "qualifier": pl.String,
        "indicator_code": pl.String,  # a catalogue code or 'unclassified'
        "cue": pl.String,  # the cue phrase that decided the indicator (or the nearest phrase)
        "kind": pl.String,  # actual | target
        "evidence": pl.String,  # the clause the number was read from
        "flags": pl.List(pl.String),  # consistency findings, e.g. rate_over_100
        "subject": pl.String,
        "target_year": pl.Int32,  # the year a target names (到2026年底…), else null
    }
)


def conform(frame: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """Select and cast `frame` to `schema`, failing loudly on a missing column."""
    missing = [c for c in schema.names() if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks columns {missing} of its schema")
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])


def empty(schema: pl.Schema) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)

"""Stage assets: raw files → documents → normalized text → sections / metadata → sentences →
quantity mentions → indicator facts. Each calls one pure function of `transforms/` on the
files pending for it and replaces their rows in its `stage.*` table."""


import hashlib
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from orchestration.resources import Warehouse, pending, pipeline_version, read_table, record, replace_rows
from transforms import schemas
from transforms.formats import read_documents
from transforms.indicators import classify_facts, load_catalogue
from transforms.metadata import extract_metadata
from transforms.normalize import normalize_documents
from transforms.provenance import add_source_offsets
from transforms.quantities import extract_mentions
from transforms.screening import quarantine_reasons
from transforms.sections import split_sections
from transforms.sentences import split_sentences
from transforms.themes import THEME_HITS, shortcoming_theme_hits

GROUP = "staging"
KEYS = "source_file in (select source_file from keys)"
SUFFIXES = {"txt", "md", "markdown", "html", "htm", "docx", "pdf", "doc", "xls", "xlsx", "rtf", "wps"}


def _preview(frame: pl.DataFrame, columns: list[str], rows: int = 5) -> dg.MetadataValue:
    return dg.MetadataValue.md(markdown_table(frame.select([c for c in columns if c in frame.columns]), rows))


def markdown_table(frame: pl.DataFrame, rows: int = 5, width: int = 60) -> str:
    """A small markdown table for the UI's metadata panel (cells cut to `width` characters)."""
    if not frame.height:
        return "_no rows_"
    cell = lambda v: "" if v is None else str(v).replace("|", "/").replace("\n", " ")[:width]  # noqa: E731
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * frame.width]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.head(rows).iter_rows()]
    return "\n".join(lines)


def _result(context: dg.AssetExecutionContext, con: duckdb.DuckDBPyConnection, table: str, todo: pl.DataFrame,
            out: pl.DataFrame, columns: list[str], bad: pl.DataFrame | None = None) -> dg.MaterializeResult:
    """Row counts, a preview and the files this step quarantined (with why) for the UI."""
    total = con.execute(f"select count(*) from {table}").fetchone()[0]
    quarantined = 0 if bad is None else bad.height
    if todo.height:
        context.log.info(f"{context.asset_key.to_user_string()}: {todo.height} files -> {out.height} rows"
                         + (f", {quarantined} quarantined" if quarantined else ""))
    for r in bad.iter_rows(named=True) if quarantined else []:
        context.log.warning(f"quarantined {r['source_file']}: {r['reason']}")
    metadata = {
        "dagster/row_count": dg.MetadataValue.int(int(total)),
        "files_processed": dg.MetadataValue.int(todo.height),
        "rows_written": dg.MetadataValue.int(out.height),
        "files_quarantined": dg.MetadataValue.int(quarantined),
        "table": dg.MetadataValue.text(table),
        "preview": _preview(out, columns),
    }
    if quarantined:
        metadata["quarantined"] = dg.MetadataValue.md(markdown_table(bad.select("source_file", "reason"), 50, 120))
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(group_name="raw", kinds={"python", "duckdb"},
          description="Every file in the raw folder: path, size, sha256. New or changed files go on.")
def raw_report_files(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    folder = warehouse.raw_path
    paths = sorted(p for p in folder.rglob("*")
                   if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    rows = []
    for i, p in enumerate(paths, 1):
        # the base name for files at the top of the folder (the contract's source_file), the relative
        # path for files in subfolders, so two reports of the same name never collide
        rows.append({"source_file": p.relative_to(folder).as_posix(), "path": str(p),
                     "ext": p.suffix.lower().lstrip("."), "size": p.stat().st_size,
                     "sha256": hashlib.sha256(p.read_bytes()).hexdigest()})
        if i % 500 == 0:
            context.log.info(f"hashed {i}/{len(paths)} files")
    files = pl.DataFrame(rows, schema={k: v for k, v in schemas.RAW_FILES.items() if k != "content"})
    with warehouse.connect() as con:
        replace_rows(con, "stage.raw_files", files.schema, files, files["source_file"].to_list())
        fresh = read_table(
            con,
            """select f.source_file, f.sha256 from keys k join stage.raw_files f using (source_file)
               anti join stage.ledger l on l.stage = 'raw' and l.source_file = f.source_file
                                        and l.sha256 = f.sha256""",
            files["source_file"].to_list(),
        )
        record(con, "raw", "", fresh)
        context.log.info(f"{files.height} files in {folder}; {fresh.height} new or changed")
        return _result(context, con, "stage.raw_files", fresh, files.filter(
            pl.col("source_file").is_in(fresh["source_file"].to_list())), ["source_file", "ext", "size", "sha256"])


def _with_content(files: pl.DataFrame) -> pl.DataFrame:
    """Read the bytes of `files`; a file that changed since it was hashed waits for the next run."""
    contents = []
    for path in files["path"].to_list():
        try:
            contents.append(Path(path).read_bytes())
        except OSError:
            contents.append(None)
    out = files.with_columns(pl.Series("content", contents, dtype=pl.Binary))
    same = out["content"].map_elements(lambda b: hashlib.sha256(b).hexdigest(), return_dtype=pl.String)
    return out.filter(same == out["sha256"]).select(schemas.RAW_FILES.names())


@dg.asset(group_name=GROUP, kinds={"polars", "duckdb"}, deps=[raw_report_files],
          description="Decoded text of each file (encoding detected, HTML/DOCX/PDF reduced to text).")
def report_documents(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    version = pipeline_version()
    with warehouse.connect() as con:
        todo = pending(con, "documents", "raw", version)
        files = read_table(con, f"select * from stage.raw_files where {KEYS}", todo["source_file"].to_list())
        raw = _with_content(files.join(todo, on=["source_file", "sha256"]))
        docs = read_documents(raw) if raw.height else schemas.empty(schemas.DOCUMENTS)
        bad = docs.filter(pl.col("error").is_not_null()).select(
            "source_file", "sha256", pl.col("error").alias("reason"))
        good = docs.filter(pl.col("error").is_null())
        replace_rows(con, "stage.documents", schemas.DOCUMENTS, good, todo["source_file"].to_list())
        record(con, "documents", version, todo, bad)
        return _result(context, con, "stage.documents", todo, good, ["source_file", "format", "encoding", "page_title"],
                       bad)


@dg.asset(group_name=GROUP, kinds={"polars", "duckdb"}, deps=[report_documents],
          description="Normalized simplified text with a map back to source offsets.")
def normalized_text(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    version = pipeline_version()
    with warehouse.connect() as con:
        todo = pending(con, "normalized", "documents", version)
        docs = read_table(con, f"select * from stage.documents where {KEYS}", todo["source_file"].to_list())
        out = normalize_documents(docs) if docs.height else schemas.empty(schemas.NORMALIZED)
        replace_rows(con, "stage.normalized", schemas.NORMALIZED, out, todo["source_file"].to_list())
        record(con, "normalized", version, todo)
        return _result(context, con, "stage.normalized", todo, out, ["source_file", "source_script", "text"])


@dg.asset(group_name=GROUP, kinds={"polars", "duckdb"}, deps=[normalized_text],
          description="The five standard parts of each report: headings, levels, offsets, spans.")
def report_sections(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    version = pipeline_version()
    with warehouse.connect() as con:
        todo = pending(con, "sections", "normalized", version)
        docs = read_table(con, f"select source_file, text from stage.normalized where {KEYS}",
                          todo["source_file"].to_list())
        if docs.height:
            sections, spans = split_sections(docs)
        else:
            sections, spans = schemas.empty(schemas.SECTIONS), schemas.empty(schemas.SECTION_SPANS)
        replace_rows(con, "stage.sections", schemas.SECTIONS, sections, todo["source_file"].to_list())
        replace_rows(con, "stage.section_spans", schemas.SECTION_SPANS, spans, todo["source_file"].to_list())
        record(con, "sections", version, todo)
        return _result(context, con, "stage.sections", todo, sections, ["source_file", "section", "level", "heading"])


@dg.asset(group_name=GROUP, kinds={"polars", "duckdb"}, deps=[report_sections],
          description="Unit, level, parent, year, dates and document number of each report; a file with "
                      "no unit, no year or nothing of a rule-of-law report is quarantined with its reason.")
def report_metadata(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    version = pipeline_version()
    with warehouse.connect() as con:
        todo = pending(con, "metadata", "sections", version)
        keys = todo["source_file"].to_list()
        docs = read_table(con, f"""select n.source_file, n.text, n.source_script, d.page_title, d.page_published_on
                                   from stage.normalized n join stage.documents d using (source_file)
                                   where n.{KEYS}""", keys)
        sections = read_table(con, f"select * from stage.sections where {KEYS}", keys)
        out = extract_metadata(docs, sections) if docs.height else schemas.empty(schemas.REPORTS)
        out = out.join(docs.select("source_file", "source_script"), on="source_file", how="left")
        bad = (quarantine_reasons(out, docs, sections).filter(pl.col("reason").is_not_null())
               .join(todo, on="source_file").select("source_file", "sha256", "reason"))
        good = out.filter(~pl.col("source_file").is_in(bad["source_file"].to_list()))
        ensure_cols = schemas.REPORTS.names() + [c for c in good.columns if c not in schemas.REPORTS.names()]
        replace_rows(con, "stage.reports", good.select(ensure_cols).schema, good.select(ensure_cols), keys)
        record(con, "metadata", version, todo, bad)
        return _result(context, con, "stage.reports", todo, good,
                       ["source_file", "unit_name", "unit_level", "report_year", "report_date"], bad)


@dg.asset(group_name=GROUP, kinds={"polars", "duckdb"}, deps=[report_metadata],
          description="Sentences with offsets and the section each stands in.")
def report_sentences(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    version = pipeline_version()
    with warehouse.connect() as con:
        todo = pending(con, "sentences", "metadata", version)
        keys = todo["source_file"].to_list()
        docs = read_table(con, f"select source_file, text from stage.normalized where {KEYS}", keys)
        spans = read_table(con, f"select * from stage.section_spans where {KEYS}", keys)
        out = split_sentences(docs, spans) if docs.height else schemas.empty(schemas.SENTENCES)
        replace_rows(con, "stage.sentences", schemas.SENTENCES, out, keys)
        record(con, "sentences", version, todo)
        return _result(context, con, "stage.sentences", todo, out,
                       ["source_file", "sentence_no", "section", "sentence"])


@dg.asset(group_name=GROUP, kinds={"polars", "duckdb"}, deps=[report_sentences],
          description="Every number with its measure word and qualifier; noise (dates, numbering, "
                      "slogans, hotlines) left out.")
def quantity_mentions(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    version = pipeline_version()
    with warehouse.connect() as con:
        todo = pending(con, "mentions", "sentences", version)
        keys = todo["source_file"].to_list()
        sentences = read_table(con, f"select * from stage.sentences where {KEYS}", keys)
        out = extract_mentions(sentences) if sentences.height else schemas.empty(schemas.MENTIONS)
        replace_rows(con, "stage.mentions", schemas.MENTIONS, out, keys)
        record(con, "mentions", version, todo)
        return _result(context, con, "stage.mentions", todo, out,
                       ["source_file", "surface", "value", "measure_code", "qualifier"])


FACT_SCHEMA = pl.Schema({**schemas.FACTS, "source_start": pl.Int32, "source_end": pl.Int32})


@dg.asset(group_name=GROUP, kinds={"polars", "duckdb"}, deps=[quantity_mentions],
          description="Mentions classified to catalogue indicators (or 'unclassified'), kind, "
                      "consistency flags and offsets in the source text.")
def indicator_facts(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    version = pipeline_version()
    with warehouse.connect() as con:
        todo = pending(con, "facts", "mentions", version)
        keys = todo["source_file"].to_list()
        mentions = read_table(con, f"select * from stage.mentions where {KEYS}", keys)
        sentences = read_table(con, f"select * from stage.sentences where {KEYS}", keys)
        maps = read_table(con, f"select source_file, offset_map from stage.normalized where {KEYS}", keys)
        facts = classify_facts(mentions, sentences, load_catalogue()) if mentions.height else schemas.empty(
            schemas.FACTS)
        out = add_source_offsets(facts, maps)
        replace_rows(con, "stage.facts", FACT_SCHEMA, out, keys)
        record(con, "facts", version, todo)
        return _result(context, con, "stage.facts", todo, out,
                       ["source_file", "indicator_code", "kind", "value", "measure_code", "evidence"])


@dg.asset(group_name=GROUP, kinds={"polars", "duckdb"}, deps=[report_metadata],
          description="Clauses of each shortcomings part that a theme cue (shortcoming_themes.csv) matches.")
def shortcoming_theme_clauses(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    version = pipeline_version()
    with warehouse.connect() as con:
        todo = pending(con, "themes", "metadata", version)
        keys = todo["source_file"].to_list()
        docs = read_table(con, f"select source_file, text from stage.normalized where {KEYS}", keys)
        sections = read_table(con, f"select * from stage.sections where {KEYS}", keys)
        out = shortcoming_theme_hits(docs, sections) if docs.height else schemas.empty(THEME_HITS)
        replace_rows(con, "stage.theme_hits", THEME_HITS, out, keys)
        record(con, "themes", version, todo)
        return _result(context, con, "stage.theme_hits", todo, out, ["source_file", "theme", "cues", "clause"])


STAGE_ASSETS = [raw_report_files, report_documents, normalized_text, report_sections, report_metadata,
                report_sentences, quantity_mentions, indicator_facts, shortcoming_theme_clauses]


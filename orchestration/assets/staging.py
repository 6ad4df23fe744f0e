"""Stage assets: raw files → documents → normalized text → sections / metadata → sentences →
quantity mentions → indicator facts. Each calls one pure function of `transforms/` on the
files pending for it and replaces their rows in its `stage.*` table."""


import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from orchestration.resources import Warehouse, code_version, pending, read_table, record, replace_rows
from orchestration.settings import Settings
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
            out: pl.DataFrame, columns: list[str], bad: pl.DataFrame | None = None,
            written: int | None = None) -> dg.MaterializeResult:
    """Row counts, a preview (`out`) and the files this step quarantined (with why) for the UI."""
    total = con.execute(f"select count(*) from {table}").fetchone()[0]
    quarantined = 0 if bad is None else bad.height
    written = out.height if written is None else written
    if todo.height:
        context.log.info(f"{context.asset_key.to_user_string()}: {todo.height} files -> {written} rows"
                         + (f", {quarantined} quarantined" if quarantined else ""))
    for r in bad.iter_rows(named=True) if quarantined else []:
        context.log.warning(f"quarantined {r['source_file']}: {r['reason']}")
    metadata = {
        "dagster/row_count": dg.MetadataValue.int(int(total)),
        "files_processed": dg.MetadataValue.int(todo.height),
        "rows_written": dg.MetadataValue.int(written),
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
    """Read the bytes of `files`; content is null for a file that vanished or changed since it was hashed."""
    contents = []
    for path, sha in files.select("path", "sha256").iter_rows():
        try:
            data = Path(path).read_bytes()
        except OSError:
            data = None
        contents.append(data if data is not None and hashlib.sha256(data).hexdigest() == sha else None)
    return files.with_columns(pl.Series("content", contents, dtype=pl.Binary)).select(schemas.RAW_FILES.names())


@dataclass(frozen=True)
class Step:
    """What one stage reads (SQL per argument, filtered to its pending files), runs and writes.

    `run` gets the pending files (`todo`: source_file, sha256) and the frames read, and returns a
    frame per table written, plus optionally `quarantine` (source_file, sha256, reason).
    """

    ledger: str
    upstream: str
    reads: dict[str, str]
    run: Callable[..., dict[str, pl.DataFrame]]
    writes: dict[str, pl.Schema]
    preview: list[str]
    modules: tuple[str, ...]  # the transforms modules `run` calls: their code and data version the stage


def step_version(step: Step) -> str:
    """The stage's own code version chained with its upstream stage's."""
    upstream = STEPS.get(step.upstream)
    return code_version(step.modules, step_version(upstream) if upstream else "")


def run_step(context: dg.AssetExecutionContext, warehouse: Warehouse, step: Step) -> dg.MaterializeResult:
    """Process the files pending for `step` in batches: replace their rows, write the ledger."""
    version = step_version(step)
    with warehouse.connect() as con:
        todo = pending(con, step.ledger, step.upstream, version)
        outs: list[pl.DataFrame] = []
        bads: list[pl.DataFrame] = []
        written = 0
        size = Settings().batch_files  # bounds memory, shows progress, keeps finished batches on a crash
        for start in range(0, todo.height, size):
            batch = todo.slice(start, size)
            keys = batch["source_file"].to_list()
            inputs = {arg: read_table(con, sql.replace("{KEYS}", KEYS), keys) for arg, sql in step.reads.items()}
            if next(iter(inputs.values())).height:
                outputs = step.run(todo=batch, **inputs)
            else:
                outputs = {table: schemas.empty(schema) for table, schema in step.writes.items()}
            bad = outputs.pop("quarantine", None)
            for table, schema in step.writes.items():
                replace_rows(con, table, schema, outputs[table], keys)
            record(con, step.ledger, version, batch, bad)
            written += outputs[next(iter(step.writes))].height
            outs.append(outputs[next(iter(step.writes))].head(5))
            bads.append(bad if bad is not None else pl.DataFrame(schema=QUARANTINE))
            if todo.height > size:
                context.log.info(f"{context.asset_key.to_user_string()}: {min(start + size, todo.height)}"
                                 f"/{todo.height} files")
        first = next(iter(step.writes))
        shown = pl.concat(outs) if outs else schemas.empty(step.writes[first])
        bad_all = pl.concat(bads) if bads else None
        return _result(context, con, first, todo, shown, step.preview, bad_all, written)


QUARANTINE = pl.Schema({"source_file": pl.String, "sha256": pl.String, "reason": pl.String})


def _documents(todo: pl.DataFrame, files: pl.DataFrame) -> dict[str, pl.DataFrame]:
    raw = _with_content(files.join(todo, on=["source_file", "sha256"]))
    gone = raw.filter(pl.col("content").is_null()).select(
        "source_file", "sha256", reason=pl.lit("file vanished or changed while being read; a changed file is read "
                                               "again on the next run"))
    docs = read_documents(raw.filter(pl.col("content").is_not_null()))
    bad = docs.filter(pl.col("error").is_not_null()).select("source_file", "sha256", pl.col("error").alias("reason"))
    return {"stage.documents": docs.filter(pl.col("error").is_null()), "quarantine": pl.concat([gone, bad])}


def _sections(todo: pl.DataFrame, docs: pl.DataFrame) -> dict[str, pl.DataFrame]:
    sections, spans = split_sections(docs)
    return {"stage.sections": sections, "stage.section_spans": spans}


def _metadata(todo: pl.DataFrame, docs: pl.DataFrame, sections: pl.DataFrame) -> dict[str, pl.DataFrame]:
    out = extract_metadata(docs, sections).join(docs.select("source_file", "source_script"), on="source_file",
                                                how="left")
    bad = (quarantine_reasons(out, docs, sections).filter(pl.col("reason").is_not_null())
           .join(todo, on="source_file").select("source_file", "sha256", "reason"))
    return {"stage.reports": out.filter(~pl.col("source_file").is_in(bad["source_file"].to_list())),
            "quarantine": bad}


def _facts(todo: pl.DataFrame, mentions: pl.DataFrame, sentences: pl.DataFrame, maps: pl.DataFrame
           ) -> dict[str, pl.DataFrame]:
    return {"stage.facts": add_source_offsets(classify_facts(mentions, sentences, load_catalogue()), maps)}


FACT_SCHEMA = pl.Schema({**schemas.FACTS, "source_start": pl.Int32, "source_end": pl.Int32})
REPORT_SCHEMA = pl.Schema({**schemas.REPORTS, "source_script": pl.String, "parent_chain": pl.List(pl.String),
                           "place_province": pl.String, "place_prefecture": pl.String, "place_county": pl.String,
                           "division_code": pl.String, "place_candidates": pl.Int32})
TEXT = "select source_file, text from stage.normalized where {KEYS}"

DOCUMENTS = Step("documents", "raw", {"files": "select * from stage.raw_files where {KEYS}"}, _documents,
                 {"stage.documents": schemas.DOCUMENTS}, ["source_file", "format", "encoding", "page_title"],
                 ("formats",))
NORMALIZED = Step("normalized", "documents", {"docs": "select * from stage.documents where {KEYS}"},
                  lambda todo, docs: {"stage.normalized": normalize_documents(docs)},
                  {"stage.normalized": schemas.NORMALIZED}, ["source_file", "source_script", "text"], ("normalize",))
SECTIONS = Step("sections", "normalized", {"docs": TEXT}, _sections,
                {"stage.sections": schemas.SECTIONS, "stage.section_spans": schemas.SECTION_SPANS},
                ["source_file", "section", "level", "heading"], ("sections",))
METADATA = Step("metadata", "sections",
                {"docs": """select n.source_file, n.text, n.source_script, d.page_title, d.page_published_on
                            from stage.normalized n join stage.documents d using (source_file)
                            where n.{KEYS}""",
                 "sections": "select * from stage.sections where {KEYS}"},
                _metadata, {"stage.reports": REPORT_SCHEMA},
                ["source_file", "unit_name", "unit_level", "report_year", "report_date"], ("metadata", "screening"))
SENTENCES = Step("sentences", "metadata",
                 {"docs": TEXT, "spans": "select * from stage.section_spans where {KEYS}"},
                 lambda todo, docs, spans: {"stage.sentences": split_sentences(docs, spans)},
                 {"stage.sentences": schemas.SENTENCES}, ["source_file", "sentence_no", "section", "sentence"],
                 ("sentences",))
MENTIONS = Step("mentions", "sentences", {"sentences": "select * from stage.sentences where {KEYS}"},
                lambda todo, sentences: {"stage.mentions": extract_mentions(sentences)},
                {"stage.mentions": schemas.MENTIONS}, ["source_file", "surface", "value", "measure_code", "qualifier"],
                ("quantities",))
FACTS = Step("facts", "mentions",
             {"mentions": "select * from stage.mentions where {KEYS}",
              "sentences": "select * from stage.sentences where {KEYS}",
              "maps": "select source_file, offset_map from stage.normalized where {KEYS}"},
             _facts, {"stage.facts": FACT_SCHEMA},
             ["source_file", "indicator_code", "kind", "value", "measure_code", "evidence"],
             ("indicators", "provenance"))
THEMES = Step("themes", "metadata", {"docs": TEXT, "sections": "select * from stage.sections where {KEYS}"},
              lambda todo, docs, sections: {"stage.theme_hits": shortcoming_theme_hits(docs, sections)},
              {"stage.theme_hits": THEME_HITS}, ["source_file", "theme", "cues", "clause"], ("themes",))


STEPS = {step.ledger: step for step in (DOCUMENTS, NORMALIZED, SECTIONS, METADATA, SENTENCES, MENTIONS, FACTS, THEMES)}


def _stage_asset(step: Step, name: str, deps: list, description: str) -> dg.AssetsDefinition:
    @dg.asset(name=name, group_name=GROUP, kinds={"polars", "duckdb"}, deps=deps, description=description)
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        return run_step(context, warehouse, step)

    return _asset


report_documents = _stage_asset(DOCUMENTS, "report_documents", [raw_report_files],
                                "Decoded text of each file (encoding detected, HTML/DOCX/PDF reduced to text); "
                                "empty, junk, undecodable or unsupported files are quarantined with their reason.")
normalized_text = _stage_asset(NORMALIZED, "normalized_text", [report_documents],
                               "Normalized simplified text with a map back to source offsets.")
report_sections = _stage_asset(SECTIONS, "report_sections", [normalized_text],
                               "The five standard parts of each report: headings, levels, offsets, spans.")
report_metadata = _stage_asset(METADATA, "report_metadata", [report_sections],
                               "Unit, level, parent, place, year, dates and document number of each report; a "
                               "file with no unit, no year or nothing of a rule-of-law report is quarantined.")
report_sentences = _stage_asset(SENTENCES, "report_sentences", [report_metadata],
                                "Sentences with offsets and the section each stands in.")
quantity_mentions = _stage_asset(MENTIONS, "quantity_mentions", [report_sentences],
                                 "Every number with its measure word and qualifier; noise (dates, numbering, "
                                 "slogans, hotlines) left out.")
indicator_facts = _stage_asset(FACTS, "indicator_facts", [quantity_mentions],
                               "Mentions classified to catalogue indicators (or 'unclassified'), kind, "
                               "consistency flags and offsets in the source text.")
shortcoming_theme_clauses = _stage_asset(THEMES, "shortcoming_theme_clauses", [report_metadata],
                                         "Clauses of each shortcomings part that a theme cue "
                                         "(shortcoming_themes.csv) matches.")


STAGE_ASSETS = [raw_report_files, report_documents, normalized_text, report_sections, report_metadata,
                report_sentences, quantity_mentions, indicator_facts, shortcoming_theme_clauses]


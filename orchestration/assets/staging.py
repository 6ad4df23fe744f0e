"""Stage assets: raw files → documents → normalized text → sections / metadata → sentences →
quantity mentions → indicator facts. Each calls one pure function of `transforms/` on the
files pending for it and replaces their rows in its `stage.*` table."""


import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from orchestration.isolation import (
    CRASHES_TO_QUARANTINE,
    clear_inflight,
    collect_crashes,
    crash_reason,
    die_with_parent,
    mark_inflight,
    plan_batches,
)
from orchestration.raw_folder import Entry, fingerprint, listing, read_inside, reason_for, sha256_of, walk
from orchestration.resources import (
    Warehouse,
    add_missing_columns,
    code_version,
    drop_removed_columns,
    ensure_table,
    pending,
    read_table,
    record,
    replace_rows,
)
from orchestration.settings import MB, Settings
from orchestration.spool import (
    QUARANTINE,
    Plan,
    export_inputs,
    finished,
    load_outputs,
    outputs_of,
    run_shard,
    shard_of,
    unfinished,
)
from transforms import schemas
from transforms.duplicates import FACT_KEYS, NO_FACTS_KEY, TEXT_SIGNATURES, facts_keys, text_sketches
from transforms.formats import FORMATS, read_documents
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
# how many workers a stage's files are spread over (a setting read when the definitions load: a
# cluster sets it to its number of pods); the output does not depend on it
SHARDS = Settings().shards
# formats whose text is at least as large as the file (a page's markup or a PDF's layout is not)
TEXT_FORMATS = {ext for ext, kind in FORMATS.items() if kind in ("text", "markdown")}


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


RAW_FILE_ROWS = pl.Schema({**{k: v for k, v in schemas.RAW_FILES.items() if k != "content"}, "os_path": pl.Binary,
                           "stamp": pl.String})
RAW_ENTRIES = pl.Schema({"source_file": pl.String, "path": pl.String, "size": pl.Int64, "sha256": pl.String,
                         "reason": pl.String})


def scan_raw_folder(folder: Path, log: Callable[[str], None] = lambda _: None,
                    listed: list[Entry] | None = None,
                    known: dict[str, tuple[str, str]] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every entry of the raw folder (`listed`, when the caller already walked it): (files to read
    with their hash, every entry with why it is not read, if it is not). Nothing outside the folder
    is opened; a file that cannot be read is an entry with its reason, never an error that stops
    the run. A file whose stamp is as the last scan saw it (`known`: source_file -> (stamp,
    sha256)) keeps its hash without being read: a run over 100,000 unchanged files hashes none."""
    listed = list(walk(folder)) if listed is None else listed
    known = known or {}
    # one Python pass over the entries for what needs a call per file (the hash of a new file, an
    # error in words); the frames are built column by column (100,000 entries: 0.2 s, not 0.5)
    hashes: list[str | None] = []
    reasons: list[str | None] = []
    hashed = 0
    for i, e in enumerate(listed, 1):
        reason, sha = e.reason, None
        if reason is None:
            before = known.get(e.source_file)
            try:
                if before and e.stamp and before[0] == e.stamp:
                    sha = before[1]
                else:
                    sha, hashed = sha256_of(e.os_path, folder), hashed + 1
                    if hashed % 500 == 0:  # a line per 500 files read, not per 500 seen: each is an event
                        log(f"hashed {hashed} files ({i}/{len(listed)} entries seen)")
            except OSError as exc:
                reason = reason_for(exc)
        hashes.append(sha)
        reasons.append(reason)
    prefix = str(folder / "x")[:-1]  # a name joined to the folder as `folder / name` joins it
    names = [e.source_file for e in listed]
    entries = pl.DataFrame({"source_file": names, "path": [prefix + n for n in names],
                            "size": [e.size for e in listed], "sha256": hashes, "reason": reasons},
                           schema=RAW_ENTRIES)
    # the base name for files at the top of the folder (the contract's source_file), the relative
    # path for files in subfolders, so two reports of the same name never collide
    read = entries["reason"].is_null()
    files = entries.filter(read).select(
        "source_file", "path",
        pl.Series("ext", [e.ext for e in listed], pl.String).filter(read),
        "size", "sha256",
        pl.Series("os_path", [e.os_path for e in listed], pl.Binary).filter(read),
        pl.Series("stamp", [e.stamp for e in listed], pl.String).filter(read),
    )
    return files.select(pl.col(name).cast(dtype) for name, dtype in RAW_FILE_ROWS.items()), entries


@dg.asset(group_name="raw", kinds={"python", "duckdb"},
          description="Every entry of the raw folder: files with path, size, sha256 (new or changed ones go on); "
                      "links out of the folder, hidden files, pipes and unreadable files listed with why they "
                      "are not read.")
def raw_report_files(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    folder = warehouse.raw_path
    listed = listing(folder)
    seen = fingerprint(folder, listed)  # of the listing: a file landing after it makes the next sensor tick differ
    with warehouse.connect() as con:
        ensure_table(con, "stage.raw_files", RAW_FILE_ROWS)
        add_missing_columns(con, "stage.raw_files", RAW_FILE_ROWS)
        stored = con.execute("select source_file, path, stamp, sha256 from stage.raw_files").pl()
    known = {name: (stamp, sha) for name, stamp, sha in
             stored.filter(pl.col("stamp").is_not_null()).select("source_file", "stamp", "sha256").iter_rows()}
    files, entries = scan_raw_folder(folder, context.log.info, listed, known)
    skipped = entries.filter(pl.col("reason").is_not_null())
    with warehouse.connect() as con:
        for step in STEPS.values():  # every stage table exists, even before the first file arrives
            for table, schema in step.writes.items():
                ensure_table(con, table, schema)
                add_missing_columns(con, table, schema)
                drop_removed_columns(con, table, schema)
        con.execute("begin")
        con.execute("delete from meta.scan")
        con.execute("insert into meta.scan values (?, current_timestamp)", [seen])
        # only the rows that differ are rewritten: a daily run over 100,000 files changes a handful
        # (a file that left the folder keeps its row: it stays loaded until it is retracted)
        changed = files.join(stored, on=["source_file", "path", "stamp", "sha256"], how="anti", nulls_equal=True)
        replace_rows(con, "stage.raw_files", RAW_FILE_ROWS, changed, changed["source_file"].to_list())
        # an entry keeps the time it was first seen as it is (the quarantine check warns on new ones)
        before = con.execute("select source_file, path, size, sha256, reason, first_seen from stage.raw_entries").pl()
        kept = entries.join(before.select("source_file", "sha256", "reason", "first_seen"),
                            on=["source_file", "sha256", "reason"], how="left", nulls_equal=True)
        new = kept.join(before, on=kept.columns, how="anti", nulls_equal=True)  # noqa: F841 - read by DuckDB
        gone = pl.concat([new.select("source_file"),  # noqa: F841 - read by DuckDB
                          before.join(kept, on="source_file", how="anti").select("source_file")])
        con.execute("delete from stage.raw_entries where source_file in (select source_file from gone)")
        con.execute("insert into stage.raw_entries by name select * exclude (first_seen), "
                    "coalesce(first_seen, current_timestamp) as first_seen from new")
        con.execute("commit")
        fresh = read_table(
            con,
            """select f.source_file, f.sha256 from keys k join stage.raw_files f using (source_file)
               anti join stage.ledger l on l.stage = 'raw' and l.source_file = f.source_file
                                        and l.sha256 = f.sha256
               order by f.source_file""",
            files["source_file"].to_list(),
        )
        record(con, "raw", "", fresh)
        context.log.info(f"{entries.height} entries in {folder}: {files.height} files, {fresh.height} new or "
                         f"changed, {skipped.height} not read")
        for name, why in skipped.select("source_file", "reason").iter_rows():
            context.log.warning(f"not read {name}: {why}")
        result = _result(context, con, "stage.raw_files", fresh, files.filter(
            pl.col("source_file").is_in(fresh["source_file"].to_list())), ["source_file", "ext", "size", "sha256"])
        result.metadata["entries_not_read"] = dg.MetadataValue.int(skipped.height)
        if skipped.height:
            result.metadata["not_read"] = dg.MetadataValue.md(markdown_table(skipped.select("source_file", "reason"),
                                                                             50, 120))
        return result


def _too_large(size: int, limit: int, what: str, setting: str) -> str:
    mb = lambda n: f"{n / MB:.1f} MB"  # noqa: E731
    return f"too large: {what} {mb(size)}, over the limit of {mb(limit)} ({setting}); not read"


def _with_content(files: pl.DataFrame, folder: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read the bytes of `files` from inside `folder`: (files with content, files set aside with a
    reason: too large to read, unreadable, changed or gone since they were hashed)."""
    cfg = Settings()
    contents, bad = [], []
    for name, os_path, ext, size, sha in files.select("source_file", "os_path", "ext", "size", "sha256").iter_rows():
        data, why = None, None
        if size > cfg.max_file_bytes:
            why = _too_large(size, cfg.max_file_bytes, "the file is", "REPORTS_MAX_FILE_MB")
        elif ext in TEXT_FORMATS and size > cfg.max_text_bytes:
            why = _too_large(size, cfg.max_text_bytes, "its text is", "REPORTS_MAX_TEXT_MB")
        else:
            try:
                data = read_inside(os_path, folder, cfg.max_file_bytes)
            except OSError as exc:
                why = reason_for(exc)
            if data is not None and hashlib.sha256(data).hexdigest() != sha:
                data, why = None, "changed while being read; it is read again on the next run"
        contents.append(data)
        if why:
            bad.append({"source_file": name, "sha256": sha, "reason": why})
    raw = files.with_columns(pl.Series("content", contents, dtype=pl.Binary)).select(schemas.RAW_FILES.names())
    return raw.filter(pl.col("content").is_not_null()), pl.DataFrame(bad, schema=QUARANTINE)


@dataclass(frozen=True)
class Step:
    """What one stage reads (SQL per argument, filtered to its pending files), runs and writes.

    `run` gets the pending files (`todo`: source_file, sha256) and the frames read (and the raw
    `folder` when `reads_folder`), and returns a frame per table written, plus optionally
    `quarantine` (source_file, sha256, reason).
    """

    ledger: str
    upstream: str
    reads: dict[str, str]
    run: Callable[..., dict[str, pl.DataFrame]]
    writes: dict[str, pl.Schema]
    preview: list[str]
    modules: tuple[str, ...]  # the transforms modules `run` calls: their code and data version the stage
    reads_folder: bool = False
    # the stages whose output `run` reads, when not just `upstream` (which then only gates: a file
    # goes on only once `upstream` passed it): the version chains through these alone, so a change
    # to a stage re-runs only the stages that read what it writes
    reads_from: tuple[str, ...] | None = None


def step_version(step: Step) -> str:
    """The stage's own code version chained with the versions of the stages it reads."""
    chained = "".join(step_version(STEPS[s]) for s in (step.reads_from or (step.upstream,)) if s in STEPS)
    return code_version(step.modules, chained)


def downstream(stage: str) -> list[str]:
    """The stages a file passes through after `stage` (by the gate of each)."""
    below = [s.ledger for s in STEPS.values() if s.upstream == stage]
    return below + [d for s in below for d in downstream(s)]


def _forget_downstream(con: duckdb.DuckDBPyConnection, stage: str, bad: pl.DataFrame) -> None:
    """A file set aside at `stage` is no longer passed on: the stages below forget it, so a stage
    whose version did not change (it does not read this one) cannot keep it loaded."""
    below = downstream(stage)
    if bad.height and below:
        con.execute(f"delete from stage.ledger where stage in ({', '.join('?' * len(below))}) "
                    "and source_file in (select source_file from bad)", below)


def failure_reason(stage: str, exc: BaseException) -> str:
    """An exception that escaped a stage on one file, in words an analyst can act on."""
    if isinstance(exc, MemoryError):
        what = "ran out of memory on it"
    elif isinstance(exc, RecursionError):
        what = "found it nested too deeply to read"
    else:
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        what = f"could not handle it ({type(exc).__name__}{': ' + detail if detail else ''})"
    return f"the {stage} stage {what}; the file is set aside and the other files went on"


def spool_folder(warehouse: Warehouse, stage: str) -> Path:
    """Where a stage's batches wait between plan, work and load (beside the working database)."""
    work = warehouse.work_path
    return work.with_name(f"{work.name}.spool") / stage


def _streaming_limit(warehouse: Warehouse, con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB's memory for a plan's export or a load: both stream (Parquet out, Parquet in) and the
    buffer only caches, so a quarter of the run's budget runs as fast as half. At half, the load of
    100,000 texts (1.5 GiB) and then a plan's export (1.2 GiB) were the run's largest process."""
    warehouse.limit_memory(con, Settings().memory_budget_mb // 4)


def plan_step(context: dg.OpExecutionContext, warehouse: Warehouse, step: Step) -> Plan:
    """The files pending for `step`, in shards by content hash and batches bounded in files and
    bytes, their inputs exported for the workers. Files a killed worker left unfinished count a
    crash and go alone; files that crashed it twice are set aside (see orchestration.isolation)."""
    version = step_version(step)
    cfg = Settings()
    folder = spool_folder(warehouse, step.ledger)
    with warehouse.connect() as con:
        _streaming_limit(warehouse, con)
        left = unfinished(folder)
        if left.height:
            mark_inflight(con, step.ledger, left, os.getpid())
        todo = pending(con, step.ledger, step.upstream, version)
        crashes = collect_crashes(con, step.ledger).join(todo, on=["source_file", "sha256"], how="semi")
        twice = crashes.filter(pl.col("crashes") >= CRASHES_TO_QUARANTINE)
        if twice.height:
            bad = twice.select("source_file", "sha256", reason=pl.lit(crash_reason(step.ledger)))
            record(con, step.ledger, version, bad.select("source_file", "sha256"), bad)
            _forget_downstream(con, step.ledger, bad)
            clear_inflight(con, step.ledger, bad, done=True)
            for name in bad["source_file"].to_list():
                context.log.warning(f"quarantined {name}: {crash_reason(step.ledger)}")
            todo = todo.join(twice, on="source_file", how="anti")
        sized = todo.join(read_table(con, f"select source_file, sha256, size from stage.raw_files where {KEYS}",
                                     todo["source_file"].to_list()),
                          on=["source_file", "sha256"], how="left").with_columns(_shard=shard_of(pl.col("sha256"),
                                                                                                  SHARDS))
        alone = set(crashes["source_file"].to_list())
        parts = []
        for shard in range(SHARDS):
            mine = sized.filter(pl.col("_shard") == shard)
            for number, batch in enumerate(plan_batches(mine, cfg.batch_files, cfg.batch_bytes, alone)):
                parts.append(batch.select("source_file", "sha256", "_shard", _batch=pl.lit(number, pl.Int32)))
        planned = pl.concat(parts) if parts else pl.DataFrame(
            schema={"source_file": pl.String, "sha256": pl.String, "_shard": pl.Int32, "_batch": pl.Int32})
        export_inputs(con, step.reads, KEYS, planned, folder)
    batches = {int(k): sorted(set(v)) for k, v in planned.group_by("_shard").agg("_batch").iter_rows()}
    if todo.height:
        context.log.info(f"{step.ledger}: {todo.height} files in {sum(map(len, batches.values()))} batches over "
                         f"{len(batches)} of {SHARDS} shards")
    return Plan(step.ledger, str(folder), str(warehouse.raw_path), version, tuple(step.reads), batches)


def load_step(context: dg.OpExecutionContext, warehouse: Warehouse, step: Step, plan: Plan) -> dg.Output:
    """Every shard's output in place of its files' rows, the ledger with it, in one transaction."""
    done = finished(plan)
    first = next(iter(step.writes))
    with warehouse.connect() as con:
        _streaming_limit(warehouse, con)
        bad_files = outputs_of(plan, "quarantine")
        bad = pl.read_parquet(bad_files) if bad_files else pl.DataFrame(schema=QUARANTINE)
        con.execute("begin")
        try:
            for table, schema in step.writes.items():
                ensure_table(con, table, schema)
                add_missing_columns(con, table, schema)
                con.register("keys", done.select("source_file"))
                con.execute(f"delete from {table} where {KEYS}")
                con.unregister("keys")
                files = outputs_of(plan, table)
                if files:
                    load_outputs(con, table, schema.names(), files)
            record(con, step.ledger, plan.version, done, bad)
            _forget_downstream(con, step.ledger, bad)
            clear_inflight(con, step.ledger, done, done=True)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        files = outputs_of(plan, first)
        written = pl.scan_parquet(files).select(pl.len()).collect().item() if files else 0
        shown = pl.scan_parquet(files).head(5).collect() if files else schemas.empty(step.writes[first])
        result = _result(context, con, first, done, shown, step.preview, bad, written)
    shutil.rmtree(plan.folder, ignore_errors=True)  # loaded: the spool is not needed again
    return dg.Output(None, metadata=result.metadata)


def _documents(todo: pl.DataFrame, files: pl.DataFrame, folder: Path) -> dict[str, pl.DataFrame]:
    raw, unread = _with_content(files.join(todo.select("source_file", "sha256"), on=["source_file", "sha256"]),
                                folder)
    docs = read_documents(raw)
    limit = Settings().max_text_bytes
    too_long = pl.col("source_text").str.len_bytes() > limit
    docs = docs.with_columns(
        error=pl.when(pl.col("error").is_null() & too_long)
        .then(pl.lit("too large: its text is ") + (pl.col("source_text").str.len_bytes() / MB).round(1).cast(pl.String)
              + pl.lit(f" MB, over the limit of {limit / MB:.1f} MB for one report (REPORTS_MAX_TEXT_MB); "
                       "a real annual report is well under 1 MB"))
        .otherwise(pl.col("error")))
    bad = docs.filter(pl.col("error").is_not_null()).select("source_file", "sha256", pl.col("error").alias("reason"))
    return {"stage.documents": docs.filter(pl.col("error").is_null()), "quarantine": pl.concat([unread, bad])}


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
    """The facts, and per file the key of its facts (core.report_identity groups copies by it); a
    file without facts gets the key of none."""
    facts = add_source_offsets(classify_facts(mentions, sentences, load_catalogue()), maps)
    keys = (todo.select("source_file").join(facts_keys(facts), on="source_file", how="left")
            .with_columns(pl.col("facts_key").fill_null(NO_FACTS_KEY), pl.col("facts_counted").fill_null(0)))
    return {"stage.facts": facts, "stage.fact_keys": keys.select([pl.col(n).cast(t) for n, t in FACT_KEYS.items()])}


FACT_SCHEMA = pl.Schema({**schemas.FACTS, "source_start": pl.Int32, "source_end": pl.Int32})
REPORT_SCHEMA = pl.Schema({**schemas.REPORTS, "source_script": pl.String, "parent_chain": pl.List(pl.String),
                           "place_province": pl.String, "place_prefecture": pl.String, "place_county": pl.String,
                           "division_code": pl.String, "place_candidates": pl.Int32})
TEXT = "select source_file, text from stage.normalized where {KEYS}"

DOCUMENTS = Step("documents", "raw", {"files": "select * from stage.raw_files where {KEYS}"}, _documents,
                 {"stage.documents": schemas.DOCUMENTS}, ["source_file", "format", "encoding", "page_title"],
                 ("formats",), reads_folder=True)
NORMALIZED = Step("normalized", "documents", {"docs": "select * from stage.documents where {KEYS}"},
                  lambda todo, docs: {"stage.normalized": normalize_documents(docs)},
                  {"stage.normalized": schemas.NORMALIZED}, ["source_file", "source_script", "text"], ("normalize",))
SECTIONS = Step("sections", "normalized", {"docs": TEXT}, _sections,
                {"stage.sections": schemas.SECTIONS, "stage.section_spans": schemas.SECTION_SPANS},
                ["source_file", "section", "level", "heading"], ("sections",))
METADATA = Step("metadata", "sections",
                # the page's title and date joined to the text, not the text to them: DuckDB then builds
                # its hash table of the small side (an inner join built it of 1.3 GB of text at
                # 100,000 reports); every normalized text has its document
                {"docs": """select n.source_file, n.text, n.source_script, d.page_title, d.page_published_on
                            from stage.normalized n
                            left join (select source_file, page_title, page_published_on from stage.documents) d
                                using (source_file)
                            where n.{KEYS}""",
                 "sections": "select * from stage.sections where {KEYS}"},
                _metadata, {"stage.reports": REPORT_SCHEMA},
                ["source_file", "unit_name", "unit_level", "report_year", "report_date"], ("metadata", "screening"))
SENTENCES = Step("sentences", "metadata",
                 {"docs": TEXT, "spans": "select * from stage.section_spans where {KEYS}"},
                 lambda todo, docs, spans: {"stage.sentences": split_sentences(docs, spans)},
                 {"stage.sentences": schemas.SENTENCES}, ["source_file", "sentence_no", "section", "sentence"],
                 ("sentences",), reads_from=("sections",))
MENTIONS = Step("mentions", "sentences", {"sentences": "select * from stage.sentences where {KEYS}"},
                lambda todo, sentences: {"stage.mentions": extract_mentions(sentences)},
                {"stage.mentions": schemas.MENTIONS}, ["source_file", "surface", "value", "measure_code", "qualifier"],
                ("quantities",))
FACTS = Step("facts", "mentions",
             # the offset maps first: every file has one, so a batch of files without a number still
             # runs (and gets the key of no facts)
             {"maps": "select source_file, run_starts, run_lengths from stage.normalized where {KEYS}",
              "mentions": "select * from stage.mentions where {KEYS}",
              "sentences": "select * from stage.sentences where {KEYS}"},
             _facts, {"stage.facts": FACT_SCHEMA, "stage.fact_keys": FACT_KEYS},
             ["source_file", "indicator_code", "kind", "value", "measure_code", "evidence"],
             ("indicators", "provenance"))
THEMES = Step("themes", "metadata", {"docs": TEXT, "sections": "select * from stage.sections where {KEYS}"},
              lambda todo, docs, sections: {"stage.theme_hits": shortcoming_theme_hits(docs, sections)},
              {"stage.theme_hits": THEME_HITS}, ["source_file", "theme", "cues", "clause"], ("themes",),
              reads_from=("sections",))
SIGNATURES_STEP = Step("signatures", "metadata", {"docs": TEXT},
                       lambda todo, docs: {"stage.signatures": text_sketches(docs).select(
                           [pl.col(n).cast(t) for n, t in TEXT_SIGNATURES.items()])},
                       {"stage.signatures": TEXT_SIGNATURES}, ["source_file", "text_chars", "shingles"],
                       ("duplicates",), reads_from=("normalized",))


STEPS = {step.ledger: step for step in (DOCUMENTS, NORMALIZED, SECTIONS, METADATA, SENTENCES, MENTIONS, FACTS, THEMES,
                                        SIGNATURES_STEP)}


def _stage_asset(step: Step, name: str, upstream: dg.AssetsDefinition, description: str) -> dg.AssetsDefinition:
    """A graph of plan -> one worker per shard -> load: the multiprocess executor runs the workers
    side by side, a cluster executor as pods; in-process they run one after the other."""

    @dg.op(name=f"{name}__plan", ins={"after": dg.In(dg.Nothing)})
    def plan(context: dg.OpExecutionContext, warehouse: Warehouse) -> Plan:
        return plan_step(context, warehouse, step)

    def worker(shard: int) -> dg.OpDefinition:
        @dg.op(name=f"{name}__shard_{shard}")
        def work(context: dg.OpExecutionContext, plan: Plan) -> dict:
            die_with_parent()
            return run_shard(plan, shard, step.run, step.writes, step.reads_folder, failure_reason,
                             context.log.info)

        return work

    workers = [worker(k) for k in range(SHARDS)]

    @dg.op(name=f"{name}__load")
    def load(context: dg.OpExecutionContext, warehouse: Warehouse, plan: Plan, shards: list[dict]) -> dg.Output:
        return load_step(context, warehouse, step, plan)

    @dg.graph_asset(name=name, group_name=GROUP, kinds={"polars", "duckdb"}, description=description,
                    ins={"upstream": dg.AssetIn(key=upstream.key, dagster_type=dg.Nothing)})
    def _asset(upstream):
        planned = plan(upstream)
        return load(planned, [w(planned) for w in workers])

    return _asset


report_documents = _stage_asset(DOCUMENTS, "report_documents", raw_report_files,
                                "Decoded text of each file (encoding detected, HTML/DOCX/PDF reduced to text); "
                                "empty, junk, undecodable or unsupported files are quarantined with their reason.")
normalized_text = _stage_asset(NORMALIZED, "normalized_text", report_documents,
                               "Normalized simplified text with a map back to source offsets.")
report_sections = _stage_asset(SECTIONS, "report_sections", normalized_text,
                               "The five standard parts of each report: headings, levels, offsets, spans.")
report_metadata = _stage_asset(METADATA, "report_metadata", report_sections,
                               "Unit, level, parent, place, year, dates and document number of each report; a "
                               "file with no unit, no year or nothing of a rule-of-law report is quarantined.")
report_sentences = _stage_asset(SENTENCES, "report_sentences", report_metadata,
                                "Sentences with offsets and the section each stands in.")
quantity_mentions = _stage_asset(MENTIONS, "quantity_mentions", report_sentences,
                                 "Every number with its measure word and qualifier; noise (dates, numbering, "
                                 "slogans, hotlines) left out.")
indicator_facts = _stage_asset(FACTS, "indicator_facts", quantity_mentions,
                               "Mentions classified to catalogue indicators (or 'unclassified'), kind, "
                               "consistency flags and offsets in the source text.")
shortcoming_theme_clauses = _stage_asset(THEMES, "shortcoming_theme_clauses", report_metadata,
                                         "Clauses of each shortcomings part that a theme cue "
                                         "(shortcoming_themes.csv) matches.")
report_signatures = _stage_asset(SIGNATURES_STEP, "report_signatures", report_metadata,
                                 "Per file, a MinHash sketch of its text's character 5-grams: core.report_identity "
                                 "groups the copies of one report with it and the key of their facts "
                                 "(stage.fact_keys, written with the facts, so a catalogue change does not "
                                 "sketch every text again).")


STAGE_ASSETS = [raw_report_files, report_documents, normalized_text, report_sections, report_metadata,
                report_sentences, quantity_mentions, indicator_facts, shortcoming_theme_clauses, report_signatures]
# the stage each asset runs (orchestration.run picks the assets a run spreads over processes by it)
STAGE_OF = {report_documents.key: DOCUMENTS.ledger, normalized_text.key: NORMALIZED.ledger,
            report_sections.key: SECTIONS.ledger, report_metadata.key: METADATA.ledger,
            report_sentences.key: SENTENCES.ledger, quantity_mentions.key: MENTIONS.ledger,
            indicator_facts.key: FACTS.ledger, shortcoming_theme_clauses.key: THEMES.ledger,
            report_signatures.key: SIGNATURES_STEP.ledger}


"""The rule harness: every rule's cases run through the real stages, and the samples' gold.

A rule's example is rendered by the stage it belongs to as plain lines (the contract every
rule's `expect` is written against):

    documents   the file's text as read (`[html] ` a page: then `page_title=…`, `page_published_on=…`;
                `[lines] ` printed lines as the PDF reader re-joins them), or `error: <reason>`
    normalize   the normalized text
    sections    `<section_code>\\t<heading>` per section found
    metadata    `field=value` per non-null field (unit_name, unit_full_name, unit_level,
                parent_name, report_year, report_date, published_on, doc_number; dates YYYY-MM-DD),
                then `place=<province>/<prefecture>/<county>` when the place is resolved
    sentences   `<section>\\t<sentence>` per sentence
    quantities  `<surface>|<value %g>|<measure_code>|<qualifier>` per mention
    indicators  `<surface>|<indicator_code>|<kind>|<cue>` per fact, then `|<flag>,<flag>` when it
                has flags and `|target_year=<year>` when a target states its year
    themes      `<theme>\\t<clause>` per hit
    screening   the quarantine reason, or `ok`

normalize, sections, metadata and screening read an example as a whole (short) document; the
metadata rendering adds `place=<province>/<prefecture>/<county>` when the unit's division is
resolved (transforms.places). A document example may start with `[page_title=…]` and/or
`[page_published_on=YYYY-MM-DD]`: what a web page states beside its text (its <title>, its date).
sentences, quantities, indicators and themes read it as one paragraph that is the whole body of
a report, in the section `achievements`, or in the section named by a `[code] ` prefix. A literal
`\\n` (`\\t`) in a case becomes a line break (a tab), so a CSV cell can hold a small document.

Many texts are rendered in one call of each stage (`Run`), and a `Run` keeps each stage's output,
so the ablation (tests/rule_ablation.py) and the mutation check (tests/mutations.py) redo only
the stages a switched rule can reach (`steps_reached`).
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import datetime as dt
import importlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import polars as pl

from transforms import rules
from transforms.rules import Rule

ROOT = Path(__file__).resolve().parents[1]
TRANSFORMS = Path(__file__).resolve().parent
RAW = ROOT / "raw"
GOLD = ROOT / "tests" / "gold"

DOCUMENT_STAGES = ("documents", "normalize", "sections", "metadata", "screening")
PARAGRAPH_STAGES = ("sentences", "quantities", "indicators", "themes")
STAGES = DOCUMENT_STAGES + PARAGRAPH_STAGES
PREFIX_STAGE = {"DOC": "documents", "NORM": "normalize", "SEC": "sections", "META": "metadata", "SENT": "sentences",
                "QTY": "quantities", "NUM": "quantities", "IND": "indicators", "THEME": "themes",
                "SCREEN": "screening"}
ID_FORM = re.compile(r"^(?:DOC|NORM|SEC|META|SENT|QTY|NUM|IND|THEME|SCREEN)-(?:[A-Z0-9][A-Z0-9-]*"
                     r"|CAT-[A-Za-z0-9_.-]+)$")
DEFAULT_SECTION = "achievements"
_SECTION_PREFIX = re.compile(r"^\[([a-z_]+)\] ?")
_PAGE_PREFIX = re.compile(r"^\[(page_title|page_published_on)=([^\]\n]*)\] ?")

# the steps a Run computes, the step each stage's rules act in, and what each step reads
STEP_OF_STAGE = {"documents": "normalized", "normalize": "normalized", "sections": "sections", "metadata": "metadata",
                 "screening": "screening", "sentences": "sentences", "quantities": "mentions",
                 "indicators": "facts", "themes": "themes"}
STEP_INPUTS: dict[str, tuple[str, ...]] = {
    "normalized": (), "sections": ("normalized",), "metadata": ("normalized", "sections"),
    "screening": ("normalized", "sections", "metadata"), "sentences": ("normalized", "sections"),
    "mentions": ("sentences",), "facts": ("sentences", "mentions"), "themes": ("normalized", "sections")}
STEP_MODULE = {"normalized": "normalize", "sections": "sections", "metadata": "metadata",
               "screening": "screening", "sentences": "sentences", "mentions": "quantities",
               "facts": "indicators", "themes": "themes"}
META_FIELDS = ("unit_name", "unit_full_name", "unit_level", "parent_name", "report_year", "report_date",
               "published_on", "doc_number")
PLACE_FIELDS = ("place_province", "place_prefecture", "place_county")


def unescape(s: str) -> str:
    """A case as written in a CSV cell: `\\n` is a line break, `\\t` a tab."""
    return (s or "").replace("\\n", "\n").replace("\\t", "\t")


# ---------------------------------------------------------------------------------------------
# running the stages on many texts at once


def _stage_fn(module: str, name: str) -> Callable:
    return getattr(importlib.import_module(f"transforms.{module}"), name)


class Run:
    """The stages on a set of documents, each step computed once on all of them and kept.

    `docs`: source_file, source_text (page_title / page_published_on optional). With `sections`
    (source_file -> section code) each document is one paragraph in that section: no heading is
    looked for, the whole normalized text is one span of it.
    """

    def __init__(self, docs: pl.DataFrame, sections: dict[str, str] | None = None) -> None:
        for col, dtype in (("page_title", pl.String), ("page_published_on", pl.Date)):
            if col not in docs.columns:
                docs = docs.with_columns(pl.lit(None, dtype).alias(col))
        self.docs = docs
        self.paragraph_sections = sections
        self.out: dict[str, object] = {}

    def fork(self, redo: Iterable[str]) -> Run:
        """A Run sharing this one's outputs except `redo` and every step downstream of it."""
        drop = downstream(set(redo))
        other = Run(self.docs, self.paragraph_sections)
        other.out = {k: v for k, v in self.out.items() if k not in drop}
        return other

    def __getitem__(self, step: str) -> object:
        if step not in self.out:
            self.out[step] = getattr(self, f"_{step}")()
        return self.out[step]

    def text(self) -> pl.DataFrame:
        """source_file, text and the page columns metadata and screening read."""
        norm = self["normalized"]
        return norm.select("source_file", "text").join(  # type: ignore[union-attr]
            self.docs.select("source_file", "page_title", "page_published_on"), on="source_file", how="left")

    def _normalized(self) -> pl.DataFrame:
        return _stage_fn("normalize", "normalize_documents")(self.docs.select("source_file", "source_text"))

    def _sections(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        docs = self.text()
        if self.paragraph_sections is None:
            return _stage_fn("sections", "split_sections")(docs)
        from transforms import schemas

        frame = docs.select("source_file", n=pl.col("text").fill_null("").str.len_chars().cast(pl.Int32)).with_columns(
            section=pl.col("source_file").replace_strict(self.paragraph_sections, default=DEFAULT_SECTION))
        sections = frame.select("source_file", section_no=pl.lit(1, pl.Int32), section="section",
                                heading=pl.lit(""), level=pl.lit(1, pl.Int32), char_start=pl.lit(0, pl.Int32),
                                char_end="n")
        spans = frame.select("source_file", span_start=pl.lit(0, pl.Int32), span_end="n", section="section")
        return sections.cast(schemas.SECTIONS), spans.cast(schemas.SECTION_SPANS)  # type: ignore[arg-type]

    def _metadata(self) -> pl.DataFrame:
        return _stage_fn("metadata", "extract_metadata")(self.text(), self["sections"][0])  # type: ignore[index]

    def _screening(self) -> pl.DataFrame:
        return _stage_fn("screening", "quarantine_reasons")(self["metadata"], self.text(),
                                                            self["sections"][0])  # type: ignore[index]

    def _sentences(self) -> pl.DataFrame:
        return _stage_fn("sentences", "split_sentences")(self.text().select("source_file", "text"),
                                                         self["sections"][1])  # type: ignore[index]

    def _mentions(self) -> pl.DataFrame:
        return _stage_fn("quantities", "extract_mentions")(self["sentences"])

    def _facts(self) -> pl.DataFrame:
        load = _stage_fn("indicators", "load_catalogue")
        return _stage_fn("indicators", "classify_facts")(self["mentions"], self["sentences"], load())

    def _themes(self) -> pl.DataFrame:
        return _stage_fn("themes", "shortcoming_theme_hits")(self.text().select("source_file", "text"),
                                                             self["sections"][0])  # type: ignore[index]


def downstream(steps: set[str]) -> set[str]:
    """`steps` and every step that reads one of them, directly or not."""
    out = set(steps)
    grew = True
    while grew:
        more = {s for s, ins in STEP_INPUTS.items() if s not in out and out.intersection(ins)}
        out |= more
        grew = bool(more)
    return out


def _g(v: float | None) -> str:
    return "" if v is None else f"{v:g}"


def _lines_by_file(frame: pl.DataFrame, line: pl.Expr) -> dict[str, str]:
    if frame.is_empty():
        return {}
    grouped = frame.select("source_file", line.alias("line")).group_by("source_file", maintain_order=True).agg("line")
    return {f: "\n".join(lines) for f, lines in grouped.iter_rows()}


def _render_normalize(run: Run) -> dict[str, str]:
    return {f: t or "" for f, t in run["normalized"].select("source_file", "text").iter_rows()}  # type: ignore


def _render_sections(run: Run) -> dict[str, str]:
    sections = run["sections"][0].sort("source_file", "section_no")  # type: ignore[index]
    return _lines_by_file(sections, pl.concat_str("section", pl.lit("\t"), pl.col("heading").fill_null("")))


def _render_metadata(run: Run) -> dict[str, str]:
    out = {}
    for row in run["metadata"].iter_rows(named=True):  # type: ignore[union-attr]
        lines = []
        for field in META_FIELDS:
            v = row.get(field)
            if v is None:
                continue
            lines.append(f"{field}={v.isoformat() if isinstance(v, dt.date) else v}")
        if row.get("place_candidates") == 1:
            lines.append("place=" + "/".join(row.get(c) or "" for c in PLACE_FIELDS))
        out[row["source_file"]] = "\n".join(lines)
    return out


def _render_screening(run: Run) -> dict[str, str]:
    frame = run["screening"]
    return {f: r or "ok" for f, r in frame.select("source_file", "reason").iter_rows()}  # type: ignore[union-attr]


def _render_sentences(run: Run) -> dict[str, str]:
    s = run["sentences"].sort("source_file", "sentence_no")  # type: ignore[union-attr]
    return _lines_by_file(s, pl.concat_str(pl.col("section").fill_null(""), pl.lit("\t"), "sentence"))


def _render_quantities(run: Run) -> dict[str, str]:
    m = run["mentions"].sort("source_file", "sentence_no", "mention_no")  # type: ignore[union-attr]
    if m.is_empty():
        return {}
    m = m.with_columns(v=pl.col("value").map_elements(_g, return_dtype=pl.String))
    return _lines_by_file(m, pl.concat_str(*(pl.col(c).cast(pl.String).fill_null("") for c in (
        "surface", "v", "measure_code", "qualifier")), separator="|"))


def _render_indicators(run: Run) -> dict[str, str]:
    facts = run["facts"]
    if facts.is_empty():  # type: ignore[union-attr]
        return {}
    keys = ["source_file", "sentence_no", "mention_no"]
    m = run["mentions"].select(*keys, "surface")  # type: ignore[union-attr]
    f = facts.join(m, on=keys, how="left").sort(keys)  # type: ignore[union-attr]
    line = pl.concat_str(*(pl.col(c).cast(pl.String).fill_null("") for c in (
        "surface", "indicator_code", "kind", "cue")), separator="|")
    # what a fact has beyond these only when it has it: its flags, a target's year
    flags = pl.when(pl.col("flags").list.len() > 0).then(
        pl.lit("|") + pl.col("flags").list.join(",")).otherwise(pl.lit(""))
    year = pl.when(pl.col("target_year").is_not_null()).then(
        pl.lit("|target_year=") + pl.col("target_year").cast(pl.String)).otherwise(pl.lit(""))
    return _lines_by_file(f, pl.concat_str(line, flags, year))


def _render_themes(run: Run) -> dict[str, str]:
    hits = run["themes"].sort("source_file", "section_no", "clause_no", "theme")  # type: ignore[union-attr]
    return _lines_by_file(hits, pl.concat_str("theme", pl.lit("\t"), "clause"))


_FILE_PREFIX = re.compile(r"^\[(html|lines)\] ?")


def _render_documents(run: Run) -> dict[str, str]:
    """A documents example is a file's content: `[html] <html>…` a page (its text, then
    `page_title=…` and `page_published_on=…` when the page gives them), `[lines] a\nb` the lines of
    a printed page as the PDF reader re-joins them (without positions), else a text file. A file
    the stage sets aside renders as `error: <reason>`."""
    from transforms import formats

    out = {}
    for name, text in run.docs.select("source_file", "source_text").iter_rows():
        m = _FILE_PREFIX.match(text or "")
        kind, body = (m.group(1), text[m.end():]) if m else ("text", text or "")
        try:
            if kind == "lines":
                out[name] = formats.rejoin_lines(body.split("\n"))
                continue
            got = (formats.extract_html if kind == "html" else formats.extract_text)(body.encode("utf-8"))
        except (formats.ExtractError, formats.DecodeError) as exc:
            out[name] = f"error: {exc}"
            continue
        page = [f"page_title={got.page_title}"] if got.page_title else []
        page += [f"page_published_on={got.page_published_on.isoformat()}"] if got.page_published_on else []
        out[name] = "\n".join([got.text, *page])
    return out


RENDERERS: dict[str, Callable[[Run], dict[str, str]]] = {
    "documents": _render_documents, "normalize": _render_normalize, "sections": _render_sections,
    "metadata": _render_metadata, "screening": _render_screening, "sentences": _render_sentences,
    "quantities": _render_quantities, "indicators": _render_indicators, "themes": _render_themes}


def split_prefix(text: str) -> tuple[str, str]:
    """(section code, paragraph) of a paragraph example: `[shortcomings] …` or the default."""
    m = _SECTION_PREFIX.match(text)
    return (m.group(1), text[m.end():]) if m else (DEFAULT_SECTION, text)


def split_page(text: str) -> tuple[dict[str, str], str]:
    """(page columns, document) of a document example: `[page_title=…] [page_published_on=…] …`."""
    page: dict[str, str] = {}
    while m := _PAGE_PREFIX.match(text):
        page[m.group(1)] = m.group(2)
        text = text[m.end():]
    return page, text


def case_runs(texts: Iterable[tuple[str, str]]) -> tuple[dict[tuple[str, str], str], Run, Run]:
    """One document Run and one paragraph Run for (stage, text) pairs: (key -> source_file, runs)."""
    keys: dict[tuple[str, str], str] = {}
    doc_rows: dict[str, str] = {}
    para_rows: dict[str, tuple[str, str]] = {}
    for stage, text in texts:
        text = unescape(text)
        if stage in DOCUMENT_STAGES:
            name = doc_rows.setdefault(text, f"d{len(doc_rows)}")
        else:
            name = para_rows.setdefault(split_prefix(text), f"p{len(para_rows)}")
        keys[(stage, text)] = name
    schema = {"source_file": pl.String, "source_text": pl.String}
    pages = [(n, *split_page(t)) for t, n in doc_rows.items()]
    doc = Run(pl.DataFrame([(n, b, p.get("page_title"), p.get("page_published_on")) for n, p, b in pages],
                           schema=schema | {"page_title": pl.String, "page_published_on": pl.String}, orient="row")
              .with_columns(pl.col("page_published_on").str.to_date("%Y-%m-%d", strict=False)))
    para = Run(pl.DataFrame([(n, b) for (_, b), n in para_rows.items()], schema=schema, orient="row"),
               {n: s for (s, _), n in para_rows.items()})
    return keys, doc, para


def render_all(texts: Iterable[tuple[str, str]], doc: Run | None = None, para: Run | None = None,
               keys: dict[tuple[str, str], str] | None = None) -> dict[tuple[str, str], str]:
    """The rendering of every (stage, text): each stage run once on all texts of its kind.

    A stage that raises on the batch is rendered text by text, a text that makes it raise
    rendering as `error: …` (so one bad example cannot hide the others' results)."""
    texts = list(texts)
    if keys is None or doc is None or para is None:
        keys, doc, para = case_runs(texts)
    out: dict[tuple[str, str], str] = {}
    by_stage: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for stage, text in texts:
        by_stage[stage].append((stage, text))
    for stage, items in by_stage.items():
        if stage not in RENDERERS:
            out.update({k: f"error: no renderer for stage {stage!r}" for k in items})
            continue
        run = doc if stage in DOCUMENT_STAGES else para
        try:
            got = RENDERERS[stage](run)
        except Exception as exc:  # noqa: BLE001 - fall back to one text at a time to find the culprit
            error = f"error: {type(exc).__name__}: {exc}"
            ends = {render(stage, items[0][1]), render(stage, items[-1][1])}
            if ends == {error}:  # the stage is broken whatever it reads: no need to try every text
                out.update({k: error for k in items})
            else:
                out.update({k: render(stage, k[1]) for k in items})
            continue
        for k in items:
            out[k] = got.get(keys[(k[0], unescape(k[1]))], "")
    return out


def render(stage: str, text: str) -> str:
    """The stage's rendering of one example (see the module docstring)."""
    if stage not in RENDERERS:
        return f"error: no renderer for stage {stage!r}"
    keys, doc, para = case_runs([(stage, text)])
    run = doc if stage in DOCUMENT_STAGES else para
    try:
        return RENDERERS[stage](run).get(keys[(stage, unescape(text))], "")
    except Exception as exc:  # noqa: BLE001 - a case that breaks the stage is the case's failure
        return f"error: {type(exc).__name__}: {exc}"


# ---------------------------------------------------------------------------------------------
# the rules and their cases


def import_stages() -> None:
    """Import the stage modules (and so all they import), so their @rules.rule registrations run:
    a rule in a module no stage imports acts nowhere."""
    for module in dict.fromkeys(STEP_MODULE.values()):
        importlib.import_module(f"transforms.{module}")


def stage_of(rule_id: str) -> str:
    return PREFIX_STAGE.get(rule_id.split("-", 1)[0], "")


# more cases for rules that have one already: a cue word added to a catalogue row, a word added to
# a list, gets its own example row here (rule_id + the case columns), beside the row's own case
EXTRA_CASES = "rule_cases.csv"


@cache
def extra_cases() -> dict[str, tuple[dict[str, str], ...]]:
    """The rows of rule_cases.csv by rule id."""
    path = TRANSFORMS / "data" / EXTRA_CASES
    if not path.exists():
        return {}
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out[row["rule_id"]].append(row)
    return {k: tuple(v) for k, v in out.items()}


def rule_tables() -> list[str]:
    """The CSV files of transforms/data/ that hold rules (a `rule_id` column; rule_cases.csv holds
    cases of rules kept elsewhere)."""
    out = []
    for p in sorted((TRANSFORMS / "data").glob("*.csv")):
        if p.name == EXTRA_CASES:
            continue
        with p.open(encoding="utf-8", newline="") as f:
            header = next(csv.reader(f), [])
        if "rule_id" in header:
            out.append(p.name)
    return out


def _yaml_entries(node: object) -> Iterable[dict]:
    """Every mapping with a `rule_id` anywhere in a YAML document."""
    if isinstance(node, dict):
        if "rule_id" in node:
            yield node
        for v in node.values():
            yield from _yaml_entries(v)
    elif isinstance(node, list):
        for v in node:
            yield from _yaml_entries(v)


def yaml_rules(name: str) -> list[Rule]:
    """The rules of a YAML knowledge file: each mapping with a `rule_id` (its `pattern`, `cue` or
    `words` is the effect; the case fields as in a rule table)."""
    import yaml

    doc = yaml.safe_load((TRANSFORMS / "data" / name).read_text(encoding="utf-8"))
    out = []
    for m in _yaml_entries(doc):
        rid = str(m["rule_id"])
        effect = m.get("effect") or m.get("pattern") or m.get("cue") or m.get("words") or ""
        out.append(Rule(
            id=rid, stage=str(m.get("stage") or stage_of(rid)), kind=str(m.get("kind") or "pattern"),
            effect=str(effect), source=f"transforms/data/{name}",
            priority=int(float(m["priority"])) if m.get("priority") not in (None, "") else None,
            value=str(m["value"]) if m.get("value") not in (None, "") else None,
            **{k: str(m.get(k) or "") for k in rules.CASE_FIELDS}))
    return out


def all_rules() -> list[Rule]:
    """Every rule: the registered functions, each rule table's rows (CSV with a `rule_id` column)
    and each YAML entry with a `rule_id`. The same rule met twice (same id and cases, e.g. a YAML
    entry a stage also registers) counts once; other duplicates are kept for `duplicate_ids`."""
    import_stages()
    out = list(rules.registered().values())
    for name in rule_tables():
        with (TRANSFORMS / "data" / name).open(encoding="utf-8", newline="") as f:
            has_stage = "stage" in (next(csv.reader(f), []))
        for r in rules.table_rules(name, stage=""):
            out.append(r if has_stage and r.stage else dataclasses.replace(r, stage=stage_of(r.id)))
    for p in sorted((TRANSFORMS / "data").glob("*.y*ml")):
        out += yaml_rules(p.name)
    seen: set[tuple[str, ...]] = set()
    unique = []
    for r in out:
        key = (r.id, r.stage, r.example, r.expect, r.counter_example, r.counter_expect)
        if key not in seen:
            seen.add(key)
            unique.append(r)
    return unique


def duplicate_ids(rule_list: list[Rule]) -> list[str]:
    seen: dict[str, int] = defaultdict(int)
    for r in rule_list:
        seen[r.id] += 1
    return sorted(i for i, n in seen.items() if n > 1)


def cases(rule: Rule) -> list[tuple[str, str, str, bool]]:
    """(stage, text, needle, must_appear) of a rule: its example and its counter-example, then
    those of its rows in rule_cases.csv."""
    out = []
    for case in ({f: getattr(rule, f) for f in rules.CASE_FIELDS}, *extra_cases().get(rule.id, ())):
        if case["example"] and case["expect"]:
            out.append((rule.stage, case["example"], unescape(case["expect"]), True))
        if case["counter_example"]:
            out.append((rule.stage, case["counter_example"],
                        unescape(case["counter_expect"] or case["expect"]), False))
    return out


def _cut(s: str, n: int = 80) -> str:
    return s if len(s) <= n else f"{s[:n]}…(+{len(s) - n})"


def _case_key(failure: str) -> str:
    """A failure without its rendering: the same case failing another way is the same failure."""
    return failure.split("; rendered ", 1)[0]


def case_failures(rule: Rule, rendered: dict[tuple[str, str], str]) -> list[str]:
    """The failures of one rule's cases given the renderings of (stage, text)."""
    fails = []
    if not rule.example or not rule.expect:
        fails.append(f"{rule.id}: no example/expect")
    for stage, text, needle, must in cases(rule):
        got = rendered.get((stage, text), "")
        if (needle in got) != must:
            what = "example" if must else "counter-example"
            verb = "lacks" if must else "has"
            fails.append(f"{rule.id}: {what} {_cut(text)!r} {verb} {needle!r}; rendered {stage}: {_cut(got, 300)!r}")
    return fails


def check(rule: Rule) -> list[str]:
    """The failures of one rule's own cases (empty: it passes)."""
    if rule.stage not in RENDERERS:
        return [f"{rule.id}: stage {rule.stage!r} has no renderer (one of {', '.join(STAGES)})"]
    texts = [(s, t) for s, t, _, _ in cases(rule)]
    return case_failures(rule, render_all(texts))


def check_all(rule_list: list[Rule], doc: Run | None = None, para: Run | None = None,
              keys: dict[tuple[str, str], str] | None = None) -> dict[str, list[str]]:
    """rule id -> failures of its cases, every case rendered in one batch per stage."""
    texts = [(s, t) for r in rule_list for s, t, _, _ in cases(r)]
    rendered = render_all(texts, doc, para, keys)
    return {r.id: case_failures(r, rendered) for r in rule_list}


# ---------------------------------------------------------------------------------------------
# which steps a rule can reach (so the ablation redoes no more than it must)


def _module_file(name: str) -> list[Path]:
    rel = name.removeprefix("transforms.").replace(".", "/")
    f, pkg = TRANSFORMS / f"{rel}.py", TRANSFORMS / rel
    if f.exists():
        return [f]
    return sorted(pkg.rglob("*.py")) if pkg.is_dir() else []


def _imports(path: Path) -> set[str]:
    """The transforms modules a source file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = "transforms." + ".".join(path.relative_to(TRANSFORMS).with_suffix("").parts[:-1])
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("transforms.")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = here.rstrip(".").split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            if base == "transforms" or base.startswith("transforms."):
                out.add(base)
                out |= {f"{base}.{a.name}" for a in node.names}
    return {m for m in out if _module_file(m)}


@cache
def module_closure(module: str) -> frozenset[Path]:
    """The source files of a transforms module and of everything it imports from transforms."""
    todo, seen = [f"transforms.{module}"], set()
    files: set[Path] = set()
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        for f in _module_file(m):
            files.add(f)
            todo.extend(_imports(f))
    return frozenset(files)


def home_files(rule: Rule) -> set[Path]:
    """The source files that apply a rule: its function's module, or those naming its table."""
    if rule.source.startswith("transforms/data/"):
        name = Path(rule.source).name
        return {f for f in TRANSFORMS.rglob("*.py") if name in f.read_text(encoding="utf-8")}
    module = rule.source.split(":", 1)[0]
    return set(_module_file(module))


def steps_reached(rule: Rule) -> set[str]:
    """The steps a rule can change: its own stage's and every step whose code reaches the files
    that apply it, with everything downstream of those."""
    homes = home_files(rule)
    steps = {STEP_OF_STAGE[rule.stage]} if rule.stage in STEP_OF_STAGE else set()
    steps |= {s for s, m in STEP_MODULE.items() if module_closure(m) & homes}
    if not homes and not steps:
        steps = set(STEP_INPUTS)
    return downstream(steps)


# ---------------------------------------------------------------------------------------------
# the samples against their gold, in-process (no Dagster, no warehouse)


def sample_run(raw: Path = RAW) -> Run:
    """A document Run of the sample reports, read as the documents stage reads them."""
    import hashlib

    from transforms.formats import read_documents

    files = sorted(p for p in raw.iterdir() if p.is_file() and not p.name.startswith("."))
    blobs = [p.read_bytes() for p in files]
    frame = pl.DataFrame({"source_file": [p.name for p in files], "path": [str(p) for p in files],
                          "ext": [p.suffix.lstrip(".").lower() for p in files],
                          "size": [len(b) for b in blobs], "sha256": [hashlib.sha256(b).hexdigest() for b in blobs],
                          "content": blobs}, schema={"source_file": pl.String, "path": pl.String, "ext": pl.String,
                                                      "size": pl.Int64, "sha256": pl.String, "content": pl.Binary})
    docs = read_documents(frame).filter(pl.col("error").is_null())
    return Run(docs.select("source_file", "source_text", "page_title", "page_published_on"))


def warehouse_rows(run: Run) -> tuple[list[dict], list[dict]]:
    """(report_facts, report_overview) rows as the marts would hold them for the scorer."""
    meta = run["metadata"]
    script = run["normalized"].select("source_file", "source_script")  # type: ignore[union-attr]
    sections = run["sections"][0]  # type: ignore[index]
    reasons = run["screening"]
    loaded = reasons.filter(pl.col("reason").is_null())["source_file"]  # type: ignore[union-attr]
    overview = []
    present = defaultdict(set)
    for f, s in sections.select("source_file", "section").iter_rows():  # type: ignore[union-attr]
        present[f].add(s)
    for row in meta.join(script, on="source_file", how="left").filter(  # type: ignore[union-attr]
            pl.col("source_file").is_in(loaded)).iter_rows(named=True):
        for s in ("achievements", "shortcomings", "leadership_duty", "next_year_plan", "other"):
            row[f"has_{s}"] = s in present[row["source_file"]]
        overview.append(row)
    facts = run["facts"].filter(pl.col("source_file").is_in(loaded)).to_dicts()  # type: ignore[union-attr]
    return facts, overview


def _score():
    import importlib.util

    spec = importlib.util.spec_from_file_location("score_gold", ROOT / "tests" / "score_gold.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def gold_diff(run: Run | None = None, gold: Path = GOLD) -> list[str]:
    """Every way the samples differ from their gold (facts, mentions, qualifiers, metadata,
    sections, themes): empty when they match exactly."""
    run = sample_run() if run is None else run
    facts, overview = warehouse_rows(run)
    sg = _score()
    res = sg.score(gold, facts, overview)
    out = [f"not loaded: {f}" for f in res["missing_reports"]]
    gold_facts = sg.read_csv(gold / "facts.csv")
    for f, r in res["files"].items():
        out += [f"{f}: {m}" for m in r["misses"] + r["meta_wrong"]]
        m = r["mention"]
        if m["fp"] or m["fn"]:
            need: dict[tuple, int] = defaultdict(int)
            opt: dict[tuple, int] = defaultdict(int)
            for g in gold_facts:
                if sg.stem(g["file"]) == f:
                    (opt if g["optional"] == "1" else need)[(sg.num(g["value"]), g["measure"])] += 1
            got: dict[tuple, int] = defaultdict(int)
            for x in facts:
                if sg.stem(x["source_file"]) == f and x.get("value") is not None:
                    got[(sg.num(x["value"]), x.get("measure_code"))] += 1
            for k in sorted(set(need) | set(got), key=str):
                if got[k] < need[k]:
                    out.append(f"{f}: mention missed {k[0]:g} {k[1]} x{need[k] - got[k]}")
                elif got[k] > need[k] + opt[k]:
                    out.append(f"{f}: mention extra {k[0]:g} {k[1]} x{got[k] - need[k] - opt[k]}")
        if r["fact"]["qualifier_ok"] != r["fact"]["tp"]:
            out.append(f"{f}: {r['fact']['tp'] - r['fact']['qualifier_ok']} facts with the wrong qualifier")
    out += theme_diff(run, gold)
    return out


def theme_diff(run: Run, gold: Path = GOLD) -> list[str]:
    """The samples' shortcoming themes against tests/gold/themes.csv (theme per file)."""
    path = gold / "themes.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        want = {(r["file"], r["theme"]) for r in csv.DictReader(f)}
    files = {f for f, _ in want}
    hits = run["themes"]
    have = {(f, t) for f, t in hits.select("source_file", "theme").iter_rows() if f in files}  # type: ignore
    return ([f"{f}: theme missed {t}" for f, t in sorted(want - have)]
            + [f"{f}: theme extra {t}" for f, t in sorted(have - want)])


# ---------------------------------------------------------------------------------------------
# the fast check the ablation and the mutation check run: every rule's cases and the exact gold


class Harness:
    """Every rule's cases and the samples, run once with every rule as written (the baseline);
    `failures` then reruns only the steps a switched rule or a changed value can reach and
    returns what newly fails."""

    def __init__(self, rule_list: list[Rule] | None = None, samples: bool = True) -> None:
        self.rules = all_rules() if rule_list is None else rule_list
        self.texts = list(dict.fromkeys((s, t) for r in self.rules for s, t, _, _ in cases(r) if s in RENDERERS))
        self.keys, self.doc, self.para = case_runs(self.texts)
        self.sample = sample_run() if samples else None
        self.rendered = render_all(self.texts, self.doc, self.para, self.keys)
        self.base_cases = {_case_key(f) for r in self.rules for f in case_failures(r, self.rendered)}
        self.base_gold = set(self._gold(self.sample)) if self.sample is not None else set()

    @staticmethod
    def _gold(run: Run) -> list[str]:
        try:
            return gold_diff(run)
        except Exception as exc:  # noqa: BLE001 - a stage that breaks on the samples fails the check
            return [f"error: {type(exc).__name__}: {str(exc)[:300]}"]

    def failures(self, steps: set[str]) -> list[str]:
        """Case failures and gold differences that the baseline does not have, with the rules as
        switched now, redoing `steps` (see `steps_reached`) and everything downstream of them."""
        steps = downstream(steps)
        stages = {st for st, step in STEP_OF_STAGE.items() if step in steps}
        texts = [k for k in self.texts if k[0] in stages]
        rendered = dict(self.rendered)
        rendered.update(render_all(texts, self.doc.fork(steps), self.para.fork(steps), self.keys))
        new = [f for r in self.rules if r.stage in stages for f in case_failures(r, rendered)
               if _case_key(f) not in self.base_cases]
        if self.sample is not None and steps:
            gold = self._gold(self.sample.fork(steps))
            new += [f"gold: {g}" for g in gold if g not in self.base_gold]
        return new


# ---------------------------------------------------------------------------------------------
# mutations of thresholds and precedence (tests/mutations.py; thresholds in the ablation too)

THRESHOLD_KINDS = ("threshold", "weight")
_ORDER_CALL = re.compile(r"""\border\(\s*["']([\w.-]+\.csv)["']""")


@dataclasses.dataclass(frozen=True)
class Mutation:
    """One changed value (a threshold, or a precedence table in another order)."""

    name: str
    target: str  # the rule id or the table changed
    overrides: tuple[tuple[str, str], ...]
    steps: frozenset[str]


def mutated_values(value: str) -> list[str]:
    """A threshold's neighbours: ×0.5 and ×2, and ±1 for an integer (none below zero)."""
    try:
        v = float(value)
    except ValueError:
        return []
    if v.is_integer() and "." not in value:
        n = int(v)
        out = [n // 2 if n > 1 else None, n * 2 if n else 1, n + 1, n - 1 if n > 0 else None]
        return [str(x) for x in dict.fromkeys(x for x in out if x is not None and x != n)]
    return [f"{x:g}" for x in dict.fromkeys((v / 2, v * 2)) if x != v]


def order_tables() -> list[str]:
    """The rule tables a stage reads as a precedence order (`rules.order("x.csv")` in its source)."""
    names: set[str] = set()
    for f in TRANSFORMS.rglob("*.py"):
        if f.name != "rules.py":
            names |= set(_ORDER_CALL.findall(f.read_text(encoding="utf-8")))
    return sorted(n for n in names if (TRANSFORMS / "data" / n).exists())


def mutations(rule_list: list[Rule]) -> list[Mutation]:
    """Every threshold ×0.5, ×2, ±1 and every adjacent pair of every precedence table swapped."""
    out = []
    for r in rule_list:
        if r.kind in THRESHOLD_KINDS and r.value is not None:
            steps = frozenset(steps_reached(r))
            out += [Mutation(f"{r.id} {r.value} -> {v}", r.id, ((r.id, v),), steps) for v in mutated_values(r.value)]
    by_source: dict[str, list[Rule]] = defaultdict(list)
    for r in rule_list:
        by_source[r.source].append(r)
    for name in order_tables():
        rows = [r for r in by_source.get(f"transforms/data/{name}", []) if r.priority is not None]
        ids = [r.id for r in sorted(rows, key=lambda r: r.priority)]  # type: ignore[arg-type, return-value]
        steps = frozenset(set().union(*(steps_reached(r) for r in rows))) if rows else frozenset()
        for i in range(len(ids) - 1):
            swapped = ids[:i] + [ids[i + 1], ids[i]] + ids[i + 2:]
            out.append(Mutation(f"{name}: {ids[i + 1]} before {ids[i]}", name, ((name, ",".join(swapped)),), steps))
    return out

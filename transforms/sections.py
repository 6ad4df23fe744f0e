"""Find the five standard parts of a report and label every character with its part.

Reports number their parts every way (一、 (一) 1. 第一部分, none, or a numeral lost in conversion) and
order them freely, so a heading is recognised by its *wording* (cues in data/section_cues.yaml)
on a heading-like line, never by position. Only the heading clause of a line is read, so a cue
inside a body sentence is no heading. Lines, numbering and cue matches are found with polars over
all documents at once; levels and part ends need the order of a document's few headings and are
worked out per document in Python.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from transforms import rules
from transforms.lexicon import CN_SMALL_DIGITS
from transforms.schemas import SECTION_SPANS, SECTIONS, conform

CUES_PATH = Path(__file__).parent / "data" / "section_cues.yaml"
SECTION_CODES = ("achievements", "shortcomings", "leadership_duty", "next_year_plan", "other")

_CN = CN_SMALL_DIGITS
LEAD_JUNK = r"^[\s#*•·▪■◆●>\u3000]+"
CLAUSE_STOP = r"[。；;：:！!？?]"


@rules.cached
def numbering() -> tuple[tuple[str, str, int, str], ...]:
    """(rule_id, style, rank, pattern of the numbering at the start of a stripped line), in the
    table's order (section_rules.csv, kind=numbering; `{CN}` stands for the small numerals). Rank
    orders the outline: 第一部分 > 一、 > (一) > 1. > (1) > ①; a numeral lost in conversion leaves
    "、" or ")" / "()". The styles never overlap, so their order decides nothing."""
    return tuple(
        (r["rule_id"], r["style"], int(r["rank"]), r["pattern"].replace("{CN}", _CN))
        for r in rules.table("section_rules.csv")
        if r["kind"] == "numbering"
    )


def _limit(rule_id: str) -> int:
    return rules.number("section_rules.csv", rule_id)


@dataclass(frozen=True)
class SectionCues:
    code: str
    cues: tuple[str, ...]
    top_cues: tuple[str, ...]
    exclude: tuple[str, ...]
    fallback: bool


_KINDS = {"global_exclude": "noise", "cues": "cue", "top_cues": "cue", "exclude": "noise"}


@lru_cache(maxsize=4)
def _cue_file(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _patterns(entries: list[Any] | None) -> tuple[str, ...]:
    """The patterns of a cue list whose rules are on (an entry is a pattern or a rule mapping)."""
    out = []
    for e in entries or ():
        if isinstance(e, str):
            out.append(e)
        elif rules.enabled(e["rule_id"]):
            out.append(e["pattern"])
    return tuple(out)


def section_rules(path: Path = CUES_PATH) -> list[rules.Rule]:
    """Every cue of the cue file as a rule with its cases, for the rule harness (transforms.rulebook)."""
    raw = _cue_file(path)
    lists = [("global_exclude", "", raw.get("global_exclude"))]
    lists += [(key, code, spec.get(key)) for code, spec in raw["sections"].items() for key in list(_KINDS)[1:]]
    out = []
    for key, code, entries in lists:
        for e in entries or ():
            if isinstance(e, dict):
                out.append(rules.Rule(
                    id=e["rule_id"], stage="sections", kind=_KINDS[key], source=f"transforms/data/{path.name}",
                    effect=f"{key} of {code}: {e['pattern']}" if code else f"never a heading: {e['pattern']}",
                    **{k: str(e.get(k) or "") for k in rules.CASE_FIELDS}))
    return out


@rules.cached
def load_cues(path: Path = CUES_PATH) -> tuple[tuple[str, ...], tuple[SectionCues, ...]]:
    """Read the analyst-editable cue file: (global exclusions, per-section cues), the rules that are on."""
    raw = _cue_file(path)
    sections = tuple(
        SectionCues(
            code=code,
            cues=_patterns(spec.get("cues")),
            top_cues=_patterns(spec.get("top_cues")),
            exclude=_patterns(spec.get("exclude")),
            fallback=bool(spec.get("fallback", False)),
        )
        for code, spec in raw["sections"].items()
    )
    unknown = {s.code for s in sections} - set(SECTION_CODES)
    if unknown:
        raise ValueError(f"{path} names unknown sections {sorted(unknown)}")
    return _patterns(raw.get("global_exclude")), sections


def _any(patterns: tuple[str, ...], col: str = "clause") -> pl.Expr:
    if not patterns:
        return pl.lit(False)
    return pl.col(col).str.contains("|".join(f"(?:{p})" for p in patterns))


def _first_pos(patterns: tuple[str, ...]) -> pl.Expr:
    """Char position of the earliest cue match in the clause (null when none)."""
    if not patterns:
        return pl.lit(None, dtype=pl.Int64)
    hit = pl.col("clause").str.extract("(" + "|".join(f"(?:{p})" for p in patterns) + ")", 1)
    return pl.col("clause").str.find(hit, literal=True).cast(pl.Int64)


ITEM_BREAK = "\x00"
# a run-in item after a sentence end inside a paragraph ("…培训班。二是切实履行…第一责任人职责。") starts a
# line of its own for the heading finder, as it would opening its own line
_MID_ITEM = rf"。([{_CN[1:]}]{{1,2}}是)"


@rules.rule(
    id="SEC-MID-ITEM", stage="sections", effect="a run-in item (二是…) after a sentence end starts a line",
    example="一、主要工作\\n全年开展培训3次。二是切实履行法治建设第一责任人职责。县长带头学法。",
    expect="leadership_duty\t二是切实履行法治建设第一责任人职责。",
    why="items 一是/二是 run on inside one paragraph; the item naming the leaders' duty is that part's heading",
)
def split_lines(docs: pl.DataFrame) -> pl.DataFrame:
    """One row per line: source_file, line_no, line_start (offset in text), line.

    Lines are the text's own, and the run-in items (二是…) inside a paragraph begin lines too.
    """
    marked = pl.col("text").fill_null("")
    if rules.enabled("SEC-MID-ITEM"):
        marked = marked.str.replace_all(_MID_ITEM, f"。{ITEM_BREAK}$1")
    return (
        docs.select("source_file", marked.str.split("\n").alias("line"))
        .explode("line")
        .with_columns(_row=pl.int_range(pl.len()).over("source_file"), line=pl.col("line").str.split(ITEM_BREAK))
        .explode("line")
        .with_columns(
            line_no=pl.int_range(pl.len()).over("source_file"),
            # a text line's last piece is followed by its "\n"; an item piece by nothing
            _n=pl.col("line").str.len_chars()
            + (pl.col("_row") != pl.col("_row").shift(-1).over("source_file")).fill_null(True).cast(pl.Int64),
        )
        .with_columns(line_start=(pl.col("_n").cum_sum() - pl.col("_n")).over("source_file"))
        .drop("_n", "_row")
    )


@rules.rule(
    id="SEC-RUN-IN", stage="sections", effect="an unnumbered paragraph opening with a short sentence is a sub-heading",
    example="一、主要工作\\n全面落实法治建设第一责任人职责。县党政主要负责人带头学法。",
    expect="leadership_duty\t全面落实法治建设第一责任人职责。",
    why="reports without numbered sub-headings open a paragraph with its topic as a sentence of its own",
)
@rules.rule(
    id="SEC-LEAD-JUNK", stage="sections", effect="bullets and marks before a heading are not part of it",
    example="■一、存在的问题\\n全年办理案件12件。", expect="shortcomings\t一、存在的问题",
    why="a bullet (■ ◆ ● ▪) left from a page hides the numbering; the heading starts after it",
)
def heading_lines(docs: pl.DataFrame) -> pl.DataFrame:
    """Every line with its numbering style/rank and heading clause (vectorised over documents)."""
    lines = split_lines(docs).with_columns(
        lead=pl.col("line").str.extract(f"({LEAD_JUNK})", 1).str.len_chars().fill_null(0)
        if rules.enabled("SEC-LEAD-JUNK") else pl.lit(0),
    )
    lines = lines.with_columns(body=pl.col("line").str.slice(pl.col("lead")).str.strip_chars_end())
    # each numbering style's match once, as a column: the chains below name each several times, and an
    # expression named twice is evaluated twice (a nested chain of them, many times: 9x this stage's time)
    styles = list(reversed(numbering()))
    hits = {}
    for k, (rule_id, _, _, pattern) in enumerate(styles):
        hit = pl.col("body").str.contains(pattern)
        if rule_id == "SEC-NUM-DIGIT-DOT":  # "1.x" only when x is no digit (1.5倍 is a number)
            hit = hit & ~pl.col("body").str.contains(r"^\d{1,2}\s*\.\d")
        hits[f"_hit{k}"] = hit
    style, rank, prefix = pl.lit(None, pl.String), pl.lit(None, pl.Int32), pl.lit(None, pl.String)
    for k, (_, name, r, pattern) in enumerate(styles):
        hit = pl.col(f"_hit{k}")
        style = pl.when(hit).then(pl.lit(name)).otherwise(style)
        rank = pl.when(hit).then(pl.lit(r, pl.Int32)).otherwise(rank)
        prefix = pl.when(hit).then(pl.col("body").str.extract(f"({pattern})", 1)).otherwise(prefix)
    lines = lines.with_columns(**hits).with_columns(style=style, rank=rank, _prefix=prefix).drop(*hits)
    # a run-in heading: an unnumbered paragraph opening with a short sentence of its own
    # ("全面落实法治建设第一责任人职责。某某街道党政主要负责人…") reads like a sub-heading
    lo, hi = _limit("SEC-RUN-IN-MIN"), _limit("SEC-RUN-IN-MAX")
    run_in = pl.col("style").is_null() & pl.col("body").str.contains(f"^[^，,、{CLAUSE_STOP[1:-1]}]{{{lo},{hi}}}。.")
    if not rules.enabled("SEC-RUN-IN"):
        run_in = pl.lit(False)
    lines = lines.with_columns(_run_in=run_in).with_columns(
        style=pl.when("_run_in").then(pl.lit("run_in")).otherwise("style"),
        rank=pl.when("_run_in").then(pl.lit(6, pl.Int32)).otherwise("rank"),
        prefix_len=pl.col("_prefix").str.len_chars().fill_null(0),
    ).drop("_run_in", "_prefix")
    lines = lines.with_columns(
        clause=pl.col("body")
        .str.slice(pl.col("prefix_len"))
        .str.replace(f"{CLAUSE_STOP}.*$", "")
        .str.strip_chars(" \t\u3000，,、")
    )
    numbered = pl.col("style").is_not_null()
    bare_ok = (
        pl.col("style").is_null()
        & (pl.col("body").str.strip_chars_end("。").str.len_chars() <= _limit("SEC-MAX-BARE"))
        & ~pl.col("body").str.strip_chars_end("。").str.contains(f"{CLAUSE_STOP}|[，,]")
    )
    ok = (pl.col("clause").str.len_chars() >= 2) & (
        (numbered & (pl.col("clause").str.len_chars() <= _limit("SEC-MAX-CLAUSE"))) | bare_ok
    )
    return lines.with_columns(candidate=ok)


_MATCH_SCHEMA = {
    "source_file": pl.String,
    "line_no": pl.Int64,
    "section": pl.String,
    "fallback": pl.Boolean,
    "top_only": pl.Boolean,
    "cue_pos": pl.Int64,
}


def _match_cues(lines: pl.DataFrame) -> pl.DataFrame:
    """Long frame of (line, section, cue position, top_only) for every heading-like line a cue fits."""
    global_exclude, sections = load_cues()
    cand = lines.filter(pl.col("candidate") & ~_any(global_exclude))
    frames = []
    for s in sections:
        excluded = _any(s.exclude)
        frames.append(
            cand.with_columns(
                section=pl.lit(s.code),
                fallback=pl.lit(s.fallback),
                any_pos=_first_pos(s.cues),
                top_pos=_first_pos(s.top_cues),
            )
            .filter(~excluded & (pl.col("any_pos").is_not_null() | pl.col("top_pos").is_not_null()))
            .with_columns(
                top_only=pl.col("any_pos").is_null(),
                cue_pos=pl.coalesce("any_pos", "top_pos"),
            )
        )
    cols = ["source_file", "line_no", "section", "fallback", "top_only", "cue_pos"]
    if not frames:
        return pl.DataFrame(schema=_MATCH_SCHEMA)
    return pl.concat([f.select(cols) for f in frames])


@dataclass
class _Heading:
    line_no: int
    start: int
    rank: int | None
    sections: list[str]
    top_only: dict[str, bool]
    heading: str
    level: int = 1
    end: int = 0
    cue_pos: dict[str, int] | None = None


@rules.rule(
    id="SEC-FALLBACK", stage="sections", effect="achievements only when no specific part is named first",
    example="一、存在的不足和工作成效\\n全年办理案件12件。", expect="shortcomings\t一、存在的不足和工作成效",
    counter_example="一、存在的不足和工作成效\\n全年办理案件12件。", counter_expect="achievements",
    why="工作成效 after 存在的不足 describes the shortcomings; a fallback part (achievements) is taken only when "
    "nothing more specific matched, or when it is named first (主要举措、成效和不足)",
)
@rules.rule(
    id="SEC-TOP-ONLY", stage="sections", effect="top_cues name a part only on a top-level heading",
    example="四、重点任务\\n全年办理案件12件。", expect="next_year_plan\t四、重点任务",
    counter_example="一、主要工作\\n（一）重点任务\\n全年办理案件12件。", counter_expect="next_year_plan",
    why="generic wording (重点任务, 其他事项) as a sub-heading means something else than the part",
)
@rules.rule(
    id="SEC-SUBPART-SAME", stage="sections", effect="a sub-heading of its own part is no second row",
    example="二、存在的问题\\n（一）存在的问题较多\\n全年办理案件12件。", expect="shortcomings\t二、存在的问题",
    counter_example="二、存在的问题\\n（一）存在的问题较多\\n全年办理案件12件。", counter_expect="(一)存在的问题较多",
    why="a sub-heading inside the part it names adds nothing: the part already covers it",
)
@rules.rule(
    id="SEC-TOP-NUMBERED", stage="sections",
    effect="where the parts are numbered (一、), top_cues name none on an unnumbered line",
    example="四、其他\\n全年办理案件12件。", expect="other\t四、其他",
    counter_example="[ 体裁分类 ]\\n其他\\n一、主要工作\\n全年办理案件12件。", counter_expect="other",
    why="a generic word alone on an unnumbered line (其他 as a portal field's value) names no part where the "
    "report numbers its parts: the part it would name is numbered like its neighbours",
)
def _doc_sections(
    info: dict[int, dict[str, Any]], matches: list[dict[str, Any]], fallbacks: set[str], text_len: int
) -> list[tuple[str, str, int, int, int]]:
    """Levels and ends of one document's standard headings: (section, heading, level, start, end).
    `info`: the document's lines by line_no; `matches`: its cue matches by line_no and cue_pos (a
    stable order: sections a line matches at one position keep the cue file's order); `fallbacks`:
    the sections that are a fallback."""
    heads: dict[int, _Heading] = {}
    for m in matches:
        r = info[m["line_no"]]
        h = heads.get(m["line_no"])
        if h is None:
            body = r["body"]
            cut = body.find("。", r["prefix_len"])
            heading = body if cut < 0 or cut == len(body) - 1 else body[: cut + 1]
            h = _Heading(m["line_no"], r["line_start"] + r["lead"], r["rank"], [], {}, heading)
            heads[m["line_no"]] = h
        h.sections.append(m["section"])
        h.top_only[m["section"]] = m["top_only"]
        h.cue_pos = (h.cue_pos or {}) | {m["section"]: m["cue_pos"]}
    # a fallback section (achievements) only when nothing more specific matched the line, or when the
    # line names it first ("主要举措、成效和不足": one part for results and shortcomings)
    for h in heads.values() if rules.enabled("SEC-FALLBACK") else ():
        specific = [s for s in h.sections if s not in fallbacks]
        if specific:
            first = min(h.cue_pos[s] for s in specific)
            h.sections = [s for s in h.sections if s not in fallbacks or h.cue_pos[s] < first]

    # a run-in heading is never the top of the outline (paragraphs that open with a short sentence)
    numbered = [r["rank"] for r in info.values() if r["rank"] is not None and r["candidate"] and r["style"] != "run_in"]
    has_bare = any(h.rank is None for h in heads.values())
    top = min(numbered, default=1)
    if has_bare:
        top = min(top, 1)
    # 一、 or 第一部分 number the parts (a lost numeral, 、 alone, says the numbering is damaged)
    numbers_parts = any(r["style"] in ("cn", "part") and r["candidate"] for r in info.values())
    for h in heads.values():
        h.level = 1 if h.rank is None or h.rank <= top else 2
        if rules.enabled("SEC-TOP-ONLY"):
            h.sections = [s for s in h.sections if h.level == 1 or not h.top_only[s]]
        if rules.enabled("SEC-TOP-NUMBERED") and numbers_parts:
            h.sections = [s for s in h.sections if h.rank is not None or not h.top_only[s]]
    ordered = sorted((h for h in heads.values() if h.sections), key=lambda h: h.start)
    thematic = _thematic_achievements(info, heads, ordered, top, text_len)
    if thematic is not None:
        ordered = sorted([*ordered, thematic], key=lambda h: h.start)

    # ends: a top part runs to the next top part; a sub-part to the next line of its rank or above
    # (found by bisection: a long report has thousands of headings and outline lines)
    tops = [h for h in ordered if h.level == 1]
    top_starts = [t.start for t in tops]
    outline = sorted((r["line_start"] + r["lead"], r["rank"]) for r in info.values() if r["rank"] is not None)
    outline_at = {rank: [s for s, rk in outline if rk <= rank] for rank in {rk for _, rk in outline}}
    rows: list[tuple[str, str, int, int, int]] = []
    same_part = rules.enabled("SEC-SUBPART-SAME")
    for h in ordered:
        i = bisect_right(top_starts, h.start)
        nxt_top = top_starts[i] if i < len(top_starts) else text_len
        if h.level == 1:
            h.end = nxt_top
        else:
            starts = outline_at.get(h.rank, []) if h.rank is not None else []
            if h.rank is not None and h.rank not in outline_at:  # a rank no outline line has: the ones above it
                starts = sorted(s for s, rk in outline if rk <= h.rank)
            j = bisect_right(starts, h.start)
            h.end = min(nxt_top, starts[j] if j < len(starts) else text_len)
        k = bisect_left(top_starts, h.start)
        parent = tops[k - 1] if h.level == 2 and k > 0 else None
        for s in h.sections:
            if parent is not None and s in parent.sections and parent.end >= h.end and same_part:
                continue  # a sub-heading of its own part adds nothing
            rows.append((s, h.heading, h.level, h.start, h.end))
    return rows


def _heading_text(body: str, prefix_len: int) -> str:
    cut = body.find("。", prefix_len)
    return body if cut < 0 or cut == len(body) - 1 else body[: cut + 1]


@rules.rule(
    id="SEC-THEMATIC-ACHIEVEMENTS", stage="sections",
    effect="the first thematic top-level heading opens the achievements part when none names it",
    example="一、坚持党的领导\\n全年办理案件12件。\\n二、存在的问题\\n部分干部法治意识不强。",
    expect="achievements\t一、坚持党的领导",
    counter_example="一、存在的问题\\n部分干部法治意识不强。\\n二、坚持党的领导\\n全年办理案件12件。",
    counter_expect="achievements",
    why="many reports tell what was done under thematic headings (一、坚持党的领导，…) and never name the part; "
    "a thematic heading after the shortcomings or the plan is no achievement",
)
def _thematic_achievements(
    info: dict[int, dict], heads: dict[int, _Heading], ordered: list[_Heading], top: int, text_len: int
) -> _Heading | None:
    """Measures and results told under thematic top-level headings ("一、坚持党的领导，…").

    When no heading names the achievements part, the first numbered top-level heading that names
    no standard part, standing before any shortcomings / plan / other part, opens it: such parts
    report what was done. Unnumbered lines never count (too many are titles or address lines).
    """
    if not rules.enabled("SEC-THEMATIC-ACHIEVEMENTS") or any("achievements" in h.sections for h in ordered):
        return None
    later = ("shortcomings", "next_year_plan", "other")
    stop = min((h.start for h in ordered if h.level == 1 and set(h.sections) & set(later)), default=text_len)
    excluded = load_cues()[0]
    rows = sorted(
        (
            r
            for r in info.values()
            if r["candidate"]
            and r["rank"] is not None
            and r["rank"] <= top
            and r["line_no"] not in heads
            and r["line_start"] + r["lead"] < stop
            and not any(re.search(p, r["clause"]) for p in excluded)
        ),
        key=lambda r: r["line_start"],
    )
    if not rows:
        return None
    r = rows[0]
    heading = _heading_text(r["body"], r["prefix_len"])
    return _Heading(
        r["line_no"], r["line_start"] + r["lead"], r["rank"], ["achievements"], {"achievements": False}, heading
    )


def spans_from_sections(parts: list[tuple[str, int, int]], text_len: int) -> list[tuple[int, int, str]]:
    """Cover [0, text_len) with spans labelled by the innermost open part (latest start wins; of two
    starting together, the first listed). One sweep with a heap of the open parts: linear-log in parts."""
    cuts = sorted({0, text_len, *(p[1] for p in parts), *(p[2] for p in parts)})
    cuts = [c for c in cuts if 0 <= c <= text_len]
    by_start = sorted((i for i in range(len(parts)) if parts[i][1] >= 0), key=lambda i: (parts[i][1], i))
    open_: list[tuple[int, int]] = []  # (-start, index): the latest start, then the first listed, on top
    nxt = 0
    spans: list[tuple[int, int, str]] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a >= b:
            continue
        while nxt < len(by_start) and parts[by_start[nxt]][1] <= a:
            i = by_start[nxt]
            heapq.heappush(open_, (-parts[i][1], i))
            nxt += 1
        while open_ and parts[open_[0][1]][2] < b:  # ended before this span does: closed for good
            heapq.heappop(open_)
        label = parts[open_[0][1]][0] if open_ else "preamble"
        if spans and spans[-1][2] == label and spans[-1][1] == a:
            spans[-1] = (spans[-1][0], b, label)
        else:
            spans.append((a, b, label))
    return spans


def split_sections(docs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(SECTIONS, SECTION_SPANS) for documents with columns source_file, text."""
    lines = heading_lines(docs)
    matches = _match_cues(lines)
    lengths = dict(docs.select("source_file", pl.col("text").fill_null("").str.len_chars()).iter_rows())
    sec_rows: list[dict] = []
    span_rows: list[dict] = []
    # every document's lines and matches as Python rows in one pass each (a polars call per
    # document cost more than the rest of the stage)
    by_doc_lines: dict[str, dict[int, dict[str, Any]]] = {}
    for r in lines.iter_rows(named=True):
        by_doc_lines.setdefault(r["source_file"], {})[r["line_no"]] = r
    by_doc_matches: dict[str, list[dict[str, Any]]] = {}
    for m in matches.sort("source_file", "line_no", "cue_pos", maintain_order=True).iter_rows(named=True):
        by_doc_matches.setdefault(m["source_file"], []).append(m)
    fallbacks = set(matches.filter("fallback")["section"].unique().to_list())
    for source_file, info in by_doc_lines.items():
        n = int(lengths[source_file])
        found = _doc_sections(info, by_doc_matches.get(source_file, []), fallbacks, n)  # none: thematic parts only
        for i, (code, heading, level, start, end) in enumerate(found, start=1):
            sec_rows.append(
                {
                    "source_file": source_file,
                    "section_no": i,
                    "section": code,
                    "heading": heading,
                    "level": level,
                    "char_start": start,
                    "char_end": end,
                }
            )
        parts = [(code, start, end) for code, _, _, start, end in found]
        for a, b, label in spans_from_sections(parts, n):
            span_rows.append({"source_file": source_file, "span_start": a, "span_end": b, "section": label})
    # documents come out in name order, whatever order they came in
    sections = conform(pl.DataFrame(sec_rows, schema=SECTIONS), SECTIONS).sort("source_file", "section_no")
    spans = conform(pl.DataFrame(span_rows, schema=SECTION_SPANS), SECTION_SPANS).sort("source_file", "span_start")
    return sections, spans


def section_presence(sections: pl.DataFrame, source_files: pl.Series) -> pl.DataFrame:
    """One row per document with has_<section> booleans (for the report overview)."""
    base = pl.DataFrame({"source_file": source_files})
    found = sections.select("source_file", "section").unique()
    return base.with_columns(
        [
            pl.col("source_file")
            .is_in(found.filter(pl.col("section") == code)["source_file"].implode())
            .alias(f"has_{code}")
            for code in SECTION_CODES
        ]
    )

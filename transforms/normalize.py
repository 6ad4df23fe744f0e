"""source_text -> normalized simplified `text`, with an offset map back to source_text.

Every step is a pure function `Mapped -> Mapped`; a `Mapped` is a string plus its map, where
offsets[i] is the index in the ORIGINAL source_text of character i, held as runs of neighbours
(source start, length). Steps rewrite text only through `rewrite()` / `splice()`, which copy
untouched stretches of the map as runs, so provenance survives every edit, no per-character
Python loop runs on the hot path, and the map is stored as its runs (run_columns).
Steps that are one table or one automaton (script detection, t2s, width and ASCII marks) and the
pre-checks that spare a regex pass (_source_scan, _break_flags, _NATIVE_TRIGGER) run natively over
all texts of a batch at once; a pre-check is a necessary condition of its step's match, so a text it
does not flag is one the step leaves as it is.

Order: zero-width characters -> markdown -> pinyin glosses -> mojibake -> traditional to simplified -> web chrome lines
(navigation/share/footer lines of pages saved as text; cues in data/formats_chrome.csv)
-> full/half width and ASCII punctuation -> page breaks and layout whitespace -> part headings run
into one long line (text that lost every break).

Script conversion uses OpenCC `tw2s` (opencc-python-reimplemented): on 著重, 於, 發布, 過於單一,
乾淨, 後來, 範圍 it matches `t2s`/`hk2s` except that it also turns 著重/著力 into 着重/着力
(t2s and hk2s leave 著); none of the three fixes 過於 (the pure-Python segmenter meets the
name entry 於單 first), so `data/normalize_rules.csv` (kind=t2s) maps 於 -> 于 beforehand.
Only text detected as traditional is converted: simplified input is never touched. The tw2s
dictionaries are applied natively (transforms/opencc_fast.py: polars Aho-Corasick, ~35 MB/s against
~1 MB/s), with output identical to OpenCC's `convert` (tests/test_t2s_speed.py).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate
from pathlib import Path

import opencc
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from transforms import opencc_fast, rules
from transforms.decode import ZERO_WIDTH, plausible_re
from transforms.formats import chrome, drop_chrome_lines, heading_start
from transforms.lexicon import CN_SMALL, alternation
from transforms.schemas import NORMALIZED, conform

DATA = Path(__file__).parent / "data"
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
Repl = str | tuple[str, list[int]] | None


Run = tuple[int, int]  # (index in source_text, length): characters that stood next to each other there


@dataclass(frozen=True)
class Mapped:
    """A text and, per character, its index in the original source_text, held as runs.

    Most characters keep their neighbours through every step, so the map is a few maximal runs
    (source start, length) rather than one Python int per character (building and copying those
    cost more than all the rewrites); `offsets` spells the map out."""

    text: str
    runs: list[Run]

    @classmethod
    def of(cls, text: str) -> Mapped:
        return cls(text, [(0, len(text))] if text else [])

    @property
    def offsets(self) -> list[int]:
        """offsets[i] is the index in source_text of character i."""
        return [s + k for s, n in self.runs for k in range(n)]


Edit = tuple[int, int, str, list[int] | None]


class _Runs:
    """Builds the runs of a new map from stretches of an old one (appending merges contiguous runs,
    so equal maps have equal runs)."""

    def __init__(self, runs: list[Run]) -> None:
        self.old = runs
        self.starts = list(accumulate((n for _, n in runs), initial=0))  # where each old run starts
        self.out: list[Run] = []

    def add(self, src: int, n: int) -> None:
        out = self.out
        if out and out[-1][0] + out[-1][1] == src:
            out[-1] = (out[-1][0], out[-1][1] + n)
        else:
            out.append((src, n))

    def copy(self, a: int, b: int) -> None:
        """Characters a..b-1 of the old text."""
        if a >= b:
            return
        old, starts = self.old, self.starts
        i = bisect_right(starts, a) - 1
        while a < b:
            src, n = old[i]
            off = a - starts[i]
            take = min(n - off, b - a)
            self.add(src + off, take)
            a += take
            i += 1

    def indices(self, idx: list[int]) -> None:
        """Old characters at these indices, in this order (consecutive ones copied as one stretch)."""
        k = 0
        while k < len(idx):
            j = k + 1
            while j < len(idx) and idx[j] == idx[j - 1] + 1:
                j += 1
            self.copy(idx[k], idx[j - 1] + 1)
            k = j


def splice(doc: Mapped, edits: list[Edit]) -> Mapped:
    """Apply non-overlapping, ordered edits (start, end, new text, rel) to `doc`.

    `rel[k]` is the index, relative to `start`, of the character that new character k comes
    from; without it a same-length replacement maps 1:1 and any other maps each new
    character to the replaced character at the same position (clamped). A new character whose
    index falls past the text maps to where the edit starts (the last character, at the end).
    Untouched stretches of the map are copied as runs.
    """
    if not edits:
        return doc
    text = doc.text
    size = len(text)
    old = doc.runs
    parts: list[str] = []
    out: list[Run] = []
    lookup: _Runs | None = None  # for the rare new characters taken from elsewhere (a bisect each)
    i = at = 0  # the old run under the cursor and where it starts: edits come in order, so it only moves on
    last = 0
    for s, e, new, rel in [*edits, (size, size, "", None)]:
        parts.append(text[last:s])
        same = bool(new) and rel is None and len(new) == e - s
        if same:
            s = e  # a same-length replacement keeps its stretch of the map
        a = last
        while a < s:  # copy the map of characters a..s-1
            src, n = old[i]
            if at + n <= a:
                at += n
                i += 1
                continue
            off = a - at
            take = n - off if n - off < s - a else s - a
            src += off
            if out and out[-1][0] + out[-1][1] == src:
                out[-1] = (out[-1][0], out[-1][1] + take)
            else:
                out.append((src, take))
            a += take
        if new and not same:
            if lookup is None:
                lookup = _Runs(old)
            lookup.out = out
            if rel is None:
                hi = max(e - s - 1, 0)
                rel = [min(k, hi) for k in range(len(new))]
            if size:
                anchor = min(s, size - 1)
                lookup.indices([s + r if s + r < size else anchor for r in rel])
            else:
                for _ in rel:
                    lookup.add(0, 1)
        parts.append(new)
        last = e
    return Mapped("".join(parts), out)


def cut(doc: Mapped, start: int, end: int) -> Mapped:
    """Characters start..end-1 of `doc`, with their map."""
    runs = _Runs(doc.runs)
    runs.copy(start, end)
    return Mapped(doc.text[start:end], runs.out)


def rewrite(doc: Mapped, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], Repl]) -> Mapped:
    """Replace matches of `pattern`; `repl` returns None (keep), a string, or (string, rel)."""
    edits: list[Edit] = []
    for m in pattern.finditer(doc.text):
        out = repl(m)
        if out is not None:
            new, rel = out if isinstance(out, tuple) else (out, None)
            edits.append((m.start(), m.end(), new, rel))
    return splice(doc, edits)


def rewrite_at(doc: Mapped, starts: re.Pattern[str] | Callable[[str], Iterable[int]], pattern: re.Pattern[str],
               repl: Callable[[re.Match[str]], Repl]) -> Mapped:
    """`rewrite(doc, pattern, repl)` for a pattern that opens with a look-behind (the engine tries it at
    every position, ~40 MB/s): it is tried only where `starts` matches (a literal the engine scans for),
    or at the positions `starts(text)` gives, in order. Only for patterns whose every match starts at
    such a place or right where the previous match ends (a place inside it is tried there, where the
    engine goes on)."""
    edits: list[Edit] = []
    text = doc.text
    end = 0
    places = (c.start() for c in starts.finditer(text)) if isinstance(starts, re.Pattern) else starts(text)
    for at in places:
        m = pattern.match(text, max(at, end))  # a look-behind still sees the text before
        if m is not None:
            end = m.end()
            out = repl(m)
            if out is not None:
                new, rel = out if isinstance(out, tuple) else (out, None)
                edits.append((m.start(), end, new, rel))
    return splice(doc, edits)


def _before_marks(text: str) -> Iterator[int]:
    """The start of the spaces and tabs before each ASCII , ; : (where an _ASCII_PUNCT match can start)."""
    for m in _ASCII_PUNCT_TRIGGER.finditer(text):
        p = m.start()
        while p and text[p - 1] in " \t":
            p -= 1
        yield p


def _line_edges(text: str) -> Iterator[int]:
    """Each line's start and the start of the spaces and tabs that end it, in order (where an
    _EDGE_SPACE match can start)."""
    yield 0
    for p in _before_breaks(text):
        yield p
        yield text.index("\n", p) + 1
    p = len(text)
    while p and text[p - 1] in " \t":
        p -= 1
    yield p


def _before_breaks(text: str) -> Iterator[int]:
    """The start of the spaces and tabs before each line break (where a _BREAK match can start)."""
    find = text.find
    q = find("\n")
    while q >= 0:
        p = q
        while p and text[p - 1] in " \t":
            p -= 1
        yield p
        q = find("\n", q + 1)


def keep_groups(m: re.Match[str], *groups: int | str) -> tuple[str, list[int]]:
    """Replacement made of some groups of the match, mapped to where they were."""
    text, rel = [], []
    for g in groups:
        if m.group(g) is None:
            continue
        s, e = m.span(g)
        text.append(m.group(g))
        rel += range(s - m.start(), e - m.start())
    return "".join(text), rel


@rules.cached  # read once a run: _join asks for each line break
def _number(rule_id: str) -> int:
    return rules.number("normalize_rules.csv", rule_id)


_SWITCHES: ContextVar[dict[str, bool] | None] = ContextVar("normalize_switches", default=None)


def _on(rule_id: str) -> bool:
    """rules.enabled, read once a batch inside normalize_texts (it reads the environment on each
    call, and the steps ask per document and per match)."""
    switches = _SWITCHES.get()
    if switches is None:
        return rules.enabled(rule_id)
    got = switches.get(rule_id)
    if got is None:
        got = switches[rule_id] = rules.enabled(rule_id)
    return got


# --------------------------------------------------------------------------- web chrome


def drop_chrome(doc: Mapped) -> Mapped:
    """Drop navigation/share/footer lines of web pages saved as text (cues: formats_chrome.csv)."""
    lines = doc.text.split("\n")
    keep = drop_chrome_lines(lines)
    if all(keep):
        return doc
    edits: list[Edit] = []
    pos = 0
    for line, k in zip(lines, keep, strict=True):
        if not k:
            edits.append((pos, min(pos + len(line) + 1, len(doc.text)), "", None))
        pos += len(line) + 1
    out = splice(doc, edits)
    if not doc.text.endswith("\n") and out.text.endswith("\n"):
        return cut(out, 0, len(out.text) - 1)
    if doc.text.endswith("\n") and keep[-1]:
        # the kept empty last line brings a line break of its own (repair_breaks strips it again)
        runs = _Runs([])
        runs.out = list(out.runs)
        runs.add(out.runs[-1][0] + out.runs[-1][1] - 1 if out.runs else 0, 1)
        return Mapped(out.text + "\n", runs.out)
    return out


def drop_chrome_many(docs: list[Mapped]) -> list[Mapped]:
    """`drop_chrome` of each document, skipping those where no chrome pattern matches anywhere
    (found natively for all at once: most reports have no chrome line, and the line by line test
    costs a Python call per line and pattern)."""
    cfg = chrome()
    patterns = [p.pattern for p, _ in cfg.drop_line + cfg.cut_rest]
    if not docs or not patterns:
        return docs
    texts = pl.Series([d.text for d in docs], dtype=pl.String)
    try:  # a line's match is a match in the text (line anchors hold at each line with (?m))
        maybe = texts.str.contains("(?m)" + "|".join(f"(?:{p})" for p in patterns)).to_list()
    except pl.exceptions.PolarsError:  # a pattern the native engine does not read: every text
        maybe = [True] * len(docs)
    return [drop_chrome(d) if m else d for d, m in zip(docs, maybe, strict=True)]


# --------------------------------------------------------------------------- (a) markdown

_MD_RULE = re.compile(r"(?m)^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*(?:\n|$)")
_MD_HR = re.compile(r"(?m)^[ \t]*(?:\*[ \t]*){3,}(?:\n|$)")
_MD_TABLE_ROW = re.compile(r"(?m)^[^\n|]*\|[^\n]*$")
_MD_CELL = re.compile(r"[^|]+")
_MD_LINE_START = re.compile(r"(?m)^[ \t]*(?:#{1,6}[ \t]*|>[ \t]?|[-*+•·●][ \t]+(?!\d{1,4}[ \t]*[-—–][ \t]*$))")
_MD_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_MD_EM = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_MD_STRAY = re.compile(r"\*\*")
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_MD_CODE = re.compile(r"`([^`\n]+)`")
_MD_BULLET = re.compile(r"\n[ \t]*[#>\-*+•·●]")


def _md_line_start(text: str) -> bool:
    """A line may open with #, > or a bullet (the only way _MD_LINE_START matches)."""
    return text.lstrip(" \t")[:1] in ("#", ">", "-", "*", "+", "•", "·", "●") or bool(_MD_BULLET.search(text))


# A cheap necessary condition per rewrite: a text without it has no match (most texts have no markdown),
# so the regex, which the engine tries at every position, is not run at all.
_MD_TRIGGER: dict[str, Callable[[str], bool]] = {
    "NORM-MD-TABLE-RULE": lambda t: "---" in t,
    "NORM-MD-HR": lambda t: "*" in t,
    "NORM-MD-TABLE-ROW": lambda t: "|" in t,
    "NORM-MD-LINE-START": _md_line_start,
    "NORM-MD-IMAGE": lambda t: "![" in t,
    "NORM-MD-LINK": lambda t: "](" in t,
    "NORM-MD-CODE": lambda t: "`" in t,
    "NORM-MD-BOLD": lambda t: "**" in t or "__" in t,
    "NORM-MD-EM": lambda t: "*" in t,
    "NORM-MD-STRAY": lambda t: "**" in t,
}


def _table_row(m: re.Match[str]) -> Repl:
    line = m.group(0)
    if line.count("|") < 2 and not line.lstrip().startswith("|"):
        return None
    text, rel = [], []
    for cell in _MD_CELL.finditer(line):
        raw = cell.group(0)
        stripped = raw.strip()
        if not stripped:
            continue
        start = cell.start() + raw.index(stripped)
        if text:
            text.append("\t")
            rel.append(start - 1)
        text.append(stripped)
        rel += range(start, start + len(stripped))
    return "".join(text), rel


@rules.rule(
    id="NORM-MD-TABLE-RULE", stage="normalize", effect="markdown table rule lines are dropped",
    example='| 项目 | 数量 |\\n| --- | --- |\\n| 案件 | 12 |', expect='项目\t数量\n案件\t12',
    why="a table's --- line is layout, not text",
)
@rules.rule(
    id="NORM-MD-HR", stage="normalize", effect="markdown horizontal rules are dropped",
    example='全年办理案件12件。\\n***\\n完成培训3次。', expect='12件。\n完成培训',
    why="a *** line is layout, not text",
)
@rules.rule(
    id="NORM-MD-TABLE-ROW", stage="normalize", effect="a markdown table row becomes its cells joined by tabs",
    example='| 案件 | 12 |', expect='案件\t12',
    why="the quantity grammar reads a row's cells, not its pipes",
)
@rules.rule(
    id="NORM-MD-LINE-START", stage="normalize", effect="markdown #, > and bullets at a line start are dropped",
    example='全年办理案件12件。\\n## 一、主要工作', expect='。\n一、主要工作',
    why="a heading marked ## must start with its numbering for the section finder",
)
@rules.rule(
    id="NORM-MD-IMAGE", stage="normalize", effect="markdown images are dropped",
    example='办理案件![图](a.png)12件', expect='办理案件12件',
    why="an image's caption and address are no text of the report",
)
@rules.rule(
    id="NORM-MD-LINK", stage="normalize", effect="a markdown link keeps its text",
    example='详见[通知](http://x.cn)全文', expect='详见通知全文',
    why="a link's address is no text of the report",
)
@rules.rule(
    id="NORM-MD-CODE", stage="normalize", effect="markdown code marks are dropped",
    example='共`12`件', expect='共12件',
    why="backticks would split a number from its measure word",
)
@rules.rule(
    id="NORM-MD-BOLD", stage="normalize", effect="markdown bold marks are dropped",
    example='全年__办理__案件', expect='全年办理案件',
    why="bold marks would split a cue",
)
@rules.rule(
    id="NORM-MD-EM", stage="normalize", effect="markdown emphasis marks are dropped",
    example='要求：*依法行政*。', expect='要求：依法行政。',
    why="emphasis marks would split a cue",
)
@rules.rule(
    id="NORM-MD-STRAY", stage="normalize", effect="stray ** left by broken markdown are dropped",
    example='全年办理**案件12件', expect='全年办理案件12件',
    why="an unpaired ** is layout, not text",
)
def strip_markdown(doc: Mapped) -> Mapped:
    """Remove markdown syntax: table rules and pipes (cells -> tabs), #, >, bullets, **bold**, links."""
    steps: list[tuple[str, re.Pattern[str], Callable[[re.Match[str]], Repl]]] = [
        ("NORM-MD-TABLE-RULE", _MD_RULE, lambda m: ""),
        ("NORM-MD-HR", _MD_HR, lambda m: ""),
        ("NORM-MD-TABLE-ROW", _MD_TABLE_ROW, _table_row),
        ("NORM-MD-LINE-START", _MD_LINE_START, lambda m: ""),
        ("NORM-MD-IMAGE", _MD_IMAGE, lambda m: ""),
        ("NORM-MD-LINK", _MD_LINK, lambda m: keep_groups(m, 1)),
        ("NORM-MD-CODE", _MD_CODE, lambda m: keep_groups(m, 1)),
        ("NORM-MD-BOLD", _MD_BOLD, lambda m: keep_groups(m, 1, 2)),
        ("NORM-MD-EM", _MD_EM, lambda m: keep_groups(m, 1)),
        ("NORM-MD-STRAY", _MD_STRAY, lambda m: ""),
    ]
    for rule_id, pattern, repl in steps:
        if _on(rule_id) and _MD_TRIGGER[rule_id](doc.text):
            doc = rewrite(doc, pattern, repl)
    return doc


# --------------------------------------------------------------------------- (b) pinyin

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN_GLOSS = re.compile(rf"(?<=[{CJK}])[(（][ \t]*([a-z{_TONED}]+[1-5]?(?:[ \t]+[a-z{_TONED}]+[1-5]?)?)[ \t]*[)）]")
# a gloss opens with a bracket and a Latin letter: the pattern itself starts with a look-behind,
# which the engine tries at every position, this one with a bracket it scans for
_PINYIN_TRIGGER = re.compile(rf"[(（][ \t]*[a-z{_TONED}]")
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn|"
    r"ia|ie|iu|ua|uo|ui|ve|ue|er|a|o|e|i|u|v)[1-5]?"
)


@cache  # glosses repeat (the same few syllables): one check each a run
def is_pinyin(gloss: str) -> bool:
    """Each space-separated token is one pinyin syllable (tone marks or digits optional)."""
    plain = unicodedata.normalize("NFD", gloss.replace("ü", "v"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return all(_SYLLABLE.fullmatch(tok) for tok in plain.split())


@rules.rule(
    id="NORM-PINYIN-GLOSS", stage="normalize", effect="pinyin glosses after hanzi are dropped",
    example='阳(yáng)光政务', expect='阳光政务',
    why="a gloss would split a cue; (社区), (1), (WTO) are kept",
)
def strip_pinyin(doc: Mapped) -> Mapped:
    """`陽(yáng)` -> `陽`; keeps `(社區)`, `(1)`, `(WTO)`, `(2021-2025年)`, `(app)`."""
    if not _on("NORM-PINYIN-GLOSS") or not _PINYIN_TRIGGER.search(doc.text):
        return doc
    return rewrite(doc, _PINYIN_GLOSS, lambda m: "" if is_pinyin(m.group(1)) else None)


# --------------------------------------------------------------------------- (c) mojibake


@cache
def _suspicious_run(loose: bool) -> re.Pattern[str]:
    """Runs of 2+ implausible characters; strict: joined by single hanzi, loose: by any 1-2
    non-space characters (Latin-1 mojibake mixes in ASCII)."""
    good = plausible_re().pattern[1:-2]  # the character class body of the plausible characters
    bad = f"[^{good}]"
    gap = r"[^\s]{1,2}|\xa0" if loose else f"[{CJK}]"
    return re.compile(f"{bad}(?:{bad}|(?:{gap})(?={bad}))+")


def _readings(run: str) -> list[tuple[bytes, tuple[str, ...]]]:
    """Byte readings of a run: UTF-8 shown as GBK or Latin-1, or GBK read one byte off."""
    out = []
    for codec, targets in (("gbk", ("utf-8", "gb18030")), ("cp1252", ("utf-8",)), ("latin-1", ("utf-8",))):
        try:
            out.append((run.encode(codec), targets))
        except UnicodeEncodeError:
            continue
    return out


@lru_cache(maxsize=1 << 16)  # traditional text repeats its runs of rare characters (與, 機關 ...): one try each
def _try_repair(run: str, weak_ok: bool = True) -> tuple[str, int] | None:
    """The repaired text and how many orphan bytes it dropped, or None (`weak_ok`: also try
    the GBK re-read one byte off)."""
    good = plausible_re()
    best: tuple[str, int] | None = None
    for data, targets in _readings(run):
        for target in targets:
            for cut in ((0, 0), (1, 0), (0, 1), (1, 1)):
                if target == "gb18030" and (cut == (0, 0) or not weak_ok):
                    continue  # that is the text we already have
                try:
                    fixed = data[cut[0] : len(data) - cut[1]].decode(target)
                except UnicodeDecodeError:
                    continue
                cjk = len(re.findall(f"[{CJK}]", fixed))
                # strict UTF-8 is strong evidence: 2 hanzi (1 from 3+ non-hanzi); a GBK re-read
                # one byte off is weak evidence: 3 hanzi
                if target == "utf-8":
                    enough = cjk >= 2 or (cjk == 1 and len(run) >= 3 and not re.search(f"[{CJK}]", run))
                else:
                    enough = cjk >= 3
                ok = enough and "\ufffd" not in fixed and good.fullmatch(fixed)
                if ok and (best is None or sum(cut) < best[1]):
                    best = (fixed, sum(cut))
    return best


def _fix_run(text: str, start: int, end: int, floor: int) -> Edit | None:
    """Best repair of text[start:end], possibly widened by up to 2 neighbours each side (a
    mis-read stretch often has plausible-looking chars or ASCII trail bytes at its edges):
    fewest orphan bytes dropped first, then the narrowest stretch."""
    best: tuple[int, int, int, int, str] | None = None
    for lx in range(3):
        for rx in range(3):
            s, e = start - lx, end + rx
            if s < floor or e > len(text) or any(c.isspace() for c in text[s:start] + text[end:e]):
                continue
            # a re-read one byte off may only widen over ASCII (a trail byte), never over hanzi
            got = _try_repair(text[s:e], weak_ok=(text[s:start] + text[end:e]).isascii())
            if got and (best is None or (got[1], lx + rx) < (best[0], best[1])):
                best = (got[1], lx + rx, s, e, got[0])
    if best is None:
        return None
    _, _, s, e, fixed = best
    n = e - s
    return s, e, fixed, [min(k * n // len(fixed), n - 1) for k in range(len(fixed))]


@rules.rule(
    id="NORM-MOJIBAKE", stage="normalize", effect="runs of mis-decoded bytes are re-read",
    example="全年" + "依法行政".encode().decode("latin-1") + "工作", expect='全年依法行政工作',
    why="a page saved with the wrong encoding shows UTF-8 as Latin-1 or GBK; a repair is kept only if it is all "
    "common characters",
)
def repair_mojibake(doc: Mapped, starts: list[int] | None = None) -> Mapped:
    """Re-read runs of rare characters as mis-decoded bytes; keep a repair only if it is all
    common characters (never a replacement character); otherwise leave the run alone.
    `starts`: where a run may start, in order, if known (_source_scan: every run opens with two
    implausible characters at most two apart), so the engine need not step through the whole text."""
    for loose in (False, True) if _on("NORM-MOJIBAKE") else ():
        edits: list[Edit] = []
        pattern = _suspicious_run(loose)
        runs = pattern.finditer(doc.text) if starts is None else _matches_at(pattern, doc.text, starts)
        for m in runs:
            edit = _fix_run(doc.text, m.start(), m.end(), edits[-1][1] if edits else 0)
            if edit:
                edits.append(edit)
        if edits:
            starts = None  # the text changes: the next pass looks everywhere
        doc = splice(doc, edits)
    return doc


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern whose every match starts at one of `starts` (in order):
    tried at each of them not inside the previous match."""
    end = 0
    for at in starts:
        if at >= end and (m := pattern.match(text, at)) is not None:
            end = m.end()
            yield m


# --------------------------------------------------------------------------- (d) script


def _dictionary(name: str) -> dict[str, str]:
    path = Path(opencc.__file__).parent / "dictionary" / name
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        first = values.split(" ")[0] if values else ""
        if len(key) == 1 and len(first) == 1 and first != key:
            out[key] = first
    return out


@cache
def _script_sets() -> tuple[frozenset[str], frozenset[str]]:
    """Characters only traditional text uses, and characters only simplified text uses."""
    def encodable(c: str, codec: str) -> bool:
        try:
            c.encode(codec)
        except UnicodeEncodeError:
            return False
        return True

    # 著, 乾, 後 ... are also standard simplified characters (GB2312): they prove nothing
    trad = {c for c in _dictionary("TSCharacters.txt") if not encodable(c, "gb2312")}
    simp = {c for c in _dictionary("STCharacters.txt") if not encodable(c, "cp950")}
    return frozenset(trad - simp), frozenset(simp - trad)


def detect_script(text: str, threshold: float | None = None) -> str:
    """'traditional' when more than `threshold` (NORM-TRAD-SHARE) of the script-specific characters
    are traditional."""
    if threshold is None:
        threshold = float(rules.value("normalize_rules.csv", "NORM-TRAD-SHARE"))
    only_trad, only_simp = _script_sets()
    counts = Counter(text)  # counted in C; then one look-up per distinct character
    trad = sum(n for c, n in counts.items() if c in only_trad)
    simp = sum(n for c, n in counts.items() if c in only_simp)
    return "traditional" if trad and trad / (trad + simp) > threshold else "simplified"


@cache
def _script_table() -> pl.Series:
    """Code point -> 1 for a character only traditional text uses, 2**32 for one only simplified uses."""
    only_trad, only_simp = _script_sets()
    pairs = {ord(c): 1 for c in only_trad} | {ord(c): 1 << 32 for c in only_simp}
    return pl.repeat(0, 0x110000, dtype=pl.Int64, eager=True).scatter(list(pairs), list(pairs.values()))


def detect_scripts(texts: list[str]) -> list[str]:
    """`detect_script` of each text, counted natively over all texts at once (Counter costs ~25 ms a
    MB): every code unit through a table, summed per text (the values cut into one list per text,
    without a copy; a running sum over all of them took twice as long)."""
    if not texts:
        return []
    threshold = float(rules.value("normalize_rules.csv", "NORM-TRAD-SHARE"))
    values = _script_table().gather(pl.from_arrow(opencc_fast.code_units("".join(texts)))).to_arrow()
    offsets = pa.array(list(accumulate(map(len, texts), initial=0)), pa.int64())
    counts = pl.Series(pa.LargeListArray.from_arrays(offsets, values)).list.sum().to_list()
    out = []
    for n in counts:
        trad, simp = n & 0xFFFFFFFF, n >> 32
        out.append("traditional" if trad and trad / (trad + simp) > threshold else "simplified")
    return out


@rules.cached
def _converter() -> tuple[re.Pattern[str], dict[str, str], dict[str, str]]:
    """Same-length fixes applied before tw2s (normalize_rules.csv, kind=t2s), the character table."""
    rows = rules.table("normalize_rules.csv")
    pairs = {r["pattern"]: r["value"] for r in rows if r["kind"] == "t2s" and len(r["pattern"]) == len(r["value"])}
    pattern = re.compile(alternation(pairs) or r"(?!)")
    return pattern, pairs, _dictionary("TSCharacters.txt")


@rules.rule(
    id="NORM-T2S", stage="normalize", effect="text detected as traditional is converted to simplified (OpenCC tw2s)",
    example='依法行政，全年辦理案件12件。', expect='办理案件',
    why="cues, catalogue and measure words are written in simplified; Taiwan- and Hong Kong-style pages are "
    "traditional",
)
def to_simplified(doc: Mapped) -> Mapped:
    """Traditional -> simplified, line by line, exactly as OpenCC tw2s converts (natively: see
    transforms/opencc_fast.py). Every tw2s entry keeps its key's length (tests/test_t2s_speed.py),
    so the offset map is unchanged; a line whose length would still change falls back to
    character-by-character conversion, so the map stays 1:1."""
    return to_simplified_many([doc])[0]


def to_simplified_many(docs: list[Mapped]) -> list[Mapped]:
    """`to_simplified` of each document, all lines of all documents in one native pass: building the
    Aho-Corasick automata of the ~4,500 keys costs ~20 ms, once a batch instead of once a document."""
    if not docs:
        return []
    override, pairs, chars = _converter()
    if all(len(k) == 1 for k in pairs) and not set(pairs.values()) & set(pairs):
        # single characters, none turned into another key: one native replace each (於 is frequent in
        # traditional text, and the regex called back into Python at every one)
        texts = []
        for doc in docs:
            text = doc.text
            for key, value in pairs.items():
                text = text.replace(key, value)
            texts.append(text)
    else:
        texts = [override.sub(lambda m: pairs[m.group(0)], doc.text) for doc in docs]
    if opencc_fast.lengths_kept("tw2s"):
        return [Mapped(t, d.runs) for t, d in zip(opencc_fast.convert_texts(texts, "tw2s"), docs, strict=True)]
    lines = [text.split("\n") for text in texts]
    out = opencc_fast.convert_lines([x for split in lines for x in split], "tw2s")
    out = [c if len(c) == len(x) else "".join(map(chars.get, x, x))
           for c, x in zip(out, [x for split in lines for x in split], strict=True)]
    result, pos = [], 0
    for doc, split in zip(docs, lines, strict=True):
        result.append(Mapped("\n".join(out[pos : pos + len(split)]), doc.runs))
        pos += len(split)
    return result


# --------------------------------------------------------------------------- (e) width

_WIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)},
     **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
     **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
     "％": "%", "（": "(", "）": ")", "＋": "+", "－": "-", "．": ".", "／": "/", "＝": "=", "＜": "<", "＞": ">",
     "\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " "}
)
_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]")


@cache
def _width_table() -> pa.Array:
    """_WIDTH as a code-point table (every entry is one character for one)."""
    return opencc_fast.code_table({chr(k): v for k, v in _WIDTH.items()})
_ASCII_PUNCT = re.compile(r"[ \t]*([,;:])[ \t]*")
_ASCII_PUNCT_TRIGGER = re.compile(r"[,;:]")
_PUNCT_SPACED = re.compile(r"[ \t][,;:]|[,;:][ \t]")
_CLOSERS = "”’）)》」』】%"


def _cjkish(c: str) -> bool:
    return bool(c) and ("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or c in "“”‘’《》「」『』【】")


_CJKISH = "[\u3400-\u9fff\uf900-\ufaff“”‘’《》「」『』【】]"
# _punct's decisions as patterns led by the mark (see _punct_same_length)
# (only a mark without a space or tab beside it: its match is the mark alone)
_COMMA = re.compile(rf",(?<![ \t],)(?![ \t])(?:(?<={_CJKISH[:-1]}{re.escape(_CLOSERS)}],)|(?<=^,)|(?={_CJKISH}))")
_SEMICOLON = re.compile(r";(?<![ \t];)(?![ \t])(?:(?<![A-Za-z0-9];)|(?![A-Za-z0-9]))")
_COLON = re.compile(rf":(?<![ \t]:)(?![ \t])(?<={_CJKISH}:)")


def _punct_same_length(text: str) -> str:
    """`_punct` of the marks without a space or tab beside them, as three substitutions without a
    Python call per mark (reports written with ASCII commas have tens of thousands). Such a
    mark's match is the mark alone and its replacement one character, so the map is unchanged.
    The cases are _punct's: a `,` after a CJK character, a closer or at the very start, or before a
    CJK character (1,234: no digit is CJK or a closer); a `;` unless between two ASCII letters or
    digits; a `:` after a CJK character. No decision reads a mark another one rewrites."""
    if "," in text:
        text = _COMMA.sub("，", text)
    if ";" in text:
        text = _SEMICOLON.sub("；", text)
    if ":" in text:
        text = _COLON.sub("：", text)
    return text


def _ascii_punct(doc: Mapped, spaced: bool | None = None, marked: bool = False) -> Mapped:
    """NORM-ASCII-PUNCT on one text: the marks alone natively, then `rewrite` for those with spaces
    beside them (rare). A mark with no space beside it is a match of its own, never part of another;
    and no decision differs between a neighbour mark written , ; : or ，；：, so the order is free.
    `spaced`: whether the text has a mark with a space or tab beside it, if known (the marks alone
    are never beside one, so rewriting them changes no such pair)."""
    if spaced is None and not _ASCII_PUNCT_TRIGGER.search(doc.text):
        return doc
    if not marked:  # `marked`: the marks alone are rewritten already (_marks_many)
        doc = Mapped(_punct_same_length(doc.text), doc.runs)
    if spaced is None:
        spaced = bool(_PUNCT_SPACED.search(doc.text))
    return rewrite_at(doc, _before_marks, _ASCII_PUNCT, _punct) if spaced else doc


def _punct(m: re.Match[str]) -> Repl:
    text, s, e = m.string, m.start(), m.end()
    prev, nxt = text[s - 1 : s], text[e : e + 1]
    mark = m.group(1)
    if mark == ",":
        ok = (_cjkish(prev) or _cjkish(nxt) or prev in _CLOSERS) and not (prev.isdigit() and nxt.isdigit())
        new = "，"
    elif mark == ";":
        ok = not (prev.isascii() and prev.isalnum() and nxt.isascii() and nxt.isalnum())
        new = "；"
    else:
        ok = _cjkish(prev)
        new = "："
    if not ok:
        return None
    return new, [m.start(1) - s]


@rules.rule(
    id="NORM-WIDTH", stage="normalize", effect="full-width digits, latin and ％（） become ASCII",
    example='办理案件１２件', expect='12件',
    why="the number grammar reads ASCII digits",
)
@rules.rule(
    id="NORM-ASCII-PUNCT", stage="normalize", effect="ASCII , ; : used as Chinese punctuation become full-width",
    example='全年办理案件12件,完成培训3次', expect='12件，完成',
    why="clause and sentence splitting read full-width marks; 1,234 and 97.9 are never touched",
)
def unify_width(doc: Mapped) -> Mapped:
    """Full-width digits/latin/％（）→ ASCII (the number grammar reads ASCII); Chinese sentence
    punctuation stays full-width and ASCII , ; : used as Chinese punctuation become ，；：.
    A `,` inside 1,234 or a `.` inside 97.9 is never touched."""
    return unify_width_many([doc])[0]


def unify_width_many(docs: list[Mapped]) -> list[Mapped]:
    """`unify_width` of each document; the character table natively over all of them at once
    (every entry is one character for one, so the offset maps stay as they are)."""
    if not docs:
        return docs
    width, punct = _on("NORM-WIDTH"), _on("NORM-ASCII-PUNCT")
    if not punct:
        if width:
            texts = opencc_fast.translate_all([d.text for d in docs], _width_table())
            docs = [Mapped(t, d.runs) for t, d in zip(texts, docs, strict=True)]
        return docs
    texts, spaced = _marks_many([d.text for d in docs], width)
    return [_ascii_punct(Mapped(t, d.runs), sp, marked=True) if sp else Mapped(t, d.runs)
            for t, d, sp in zip(texts, docs, spaced, strict=True)]


_BLANK, _CJK_BIT, _CLOSER_BIT, _ALNUM = 1, 2, 4, 8


@cache
def _mark_classes() -> pl.Series:
    """Code point -> what the ASCII-mark decisions read of a neighbour, as bits: a space or tab,
    a _CJKISH character, a closer (_CLOSERS), an ASCII letter or digit."""
    bits: dict[int, int] = {}
    cjkish = [*range(0x3400, 0xA000), *range(0xF900, 0xFB00), *map(ord, "“”‘’《》「」『』【】")]
    for codes, bit in ((map(ord, " \t"), _BLANK), (cjkish, _CJK_BIT), (map(ord, _CLOSERS), _CLOSER_BIT),
                       (map(ord, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"), _ALNUM)):
        for c in codes:
            bits[c] = bits.get(c, 0) | bit
    return pl.repeat(0, 0x110000, dtype=pl.UInt8, eager=True).scatter(list(bits), list(bits.values()))


def _marks_many(texts: list[str], width: bool) -> tuple[list[str], list[bool]]:
    """Each text through the width table (if `width`) and `_punct_same_length`, natively for all
    texts at once, and whether it has a mark with a space or tab beside it (`_PUNCT_SPACED`, read
    before the marks are rewritten). The texts are joined by line breaks, which no decision reads
    differently from a text's edge, except a `,` that opens a text (`^,`): mended per text.
    `_punct_same_length`'s decisions are per mark, from its two neighbours only."""
    codes = opencc_fast.code_units("\n".join(texts))
    if width:
        codes = pc.take(_width_table(), codes)
    units = pl.from_arrow(codes)
    assert isinstance(units, pl.Series)
    # the marks (few) with the classes of their neighbours; none before the first or after the last
    at = ((units == ord(",")) | (units == ord(";")) | (units == ord(":"))).arg_true().cast(pl.Int64)
    last = len(units) - 1
    classes = _mark_classes()
    marks = pl.DataFrame({
        "at": at,
        "c": units.gather(at),
        "prev": classes.gather(units.gather((at - 1).clip(0, last))),
        "next": classes.gather(units.gather((at + 1).clip(0, last))),
    })
    prev = pl.when(pl.col("at") > 0).then(pl.col("prev")).otherwise(0)
    nxt = pl.when(pl.col("at") < last).then(pl.col("next")).otherwise(0)
    alone = ((prev | nxt) & _BLANK) == 0
    marks = marks.select(
        "at",
        c=pl.when(alone & (pl.col("c") == ord(",")) & ((prev & (_CJK_BIT | _CLOSER_BIT) != 0) | (nxt & _CJK_BIT != 0)))
        .then(ord("，"))
        .when(alone & (pl.col("c") == ord(";")) & ((prev & _ALNUM == 0) | (nxt & _ALNUM == 0)))
        .then(ord("；"))
        .when(alone & (pl.col("c") == ord(":")) & (prev & _CJK_BIT != 0))
        .then(ord("："))
        .otherwise(pl.col("c"))
        .cast(pl.UInt32),
        spaced=~alone,
    )
    if marks.height:
        units = units.scatter(marks["at"], marks["c"])
    joined = opencc_fast._text(units.to_arrow())
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    spaced = [False] * len(texts)
    at = marks.filter("spaced")["at"]
    if len(at):
        for i in pl.Series(starts).search_sorted(at, side="right").to_list():
            spaced[i - 1] = True
    result = []
    for text, s in zip(texts, starts, strict=True):
        new = joined[s : s + len(text)]
        if new[:1] == "," and new[1:2] not in (" ", "\t"):  # a `,` that opens the text (`^,`)
            new = "，" + new[1:]
        result.append(new)
    return result, spaced


# --------------------------------------------------------------------------- (f) breaks, spaces

_EDGE_SPACE = re.compile(r"(?m)^[ \t]+|[ \t]+$")
# question marks opening a line where a full-width indent was lost in a lossy save ("??一、…", "??2020年，…")
_LOST_INDENT = re.compile(r"(?m)^[ \t]*[?？]{1,4}(?=[\u4e00-\u9fff\d(（])")
_PAGE_NO_LINE = re.compile(
    r"(?m)^[ \t]*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?)[ \t]*(?:\n|$)"
)
_BARE_PAGE_NO = re.compile(r"\n[ \t]*\n[ \t]*\d{1,3}[ \t]*(?=\n[ \t]*\n)")
_BREAK = re.compile(rf"(?<=[{CJK}])[ \t]*\n(?:[ \t]*\n)*[ \t]*(?=[{CJK}\d])")
_PROSE_PUNCT = re.compile(r"[，。；！？]")
_CN_NUM = f"{CN_SMALL}+"  # a heading's small numeral (一、 (二) 第三部分)
_TOP_MARKER = re.compile(rf"\s*(?:{_CN_NUM}、|[(（]{_CN_NUM}[)）]|第{_CN_NUM}部分)")
_BLANKS = re.compile(r"\n(?:[ \t]*\n)+")
_FIELD_LINE = re.compile(r"[ \t]*[\u4e00-\u9fff](?:[ \t]*[\u4e00-\u9fff]){1,5}[ \t]*[:：]")
_LAYOUT_SPACE = re.compile(
    rf"(?<=[{CJK}，。、；：！？“”）)]) +(?=[{CJK}“”（(])|(?<=[{CJK}]) +(?=\d)|(?<=\d) +(?=[{CJK}])"
)
# every _LAYOUT_SPACE match is a whole run of spaces (no look-around accepts a space), so it starts
# where a run does: the runs, found by their literal, are where to try it (rewrite_at)
_SPACE_RUN = re.compile(" +")


def _space_runs(text: str) -> Iterator[int]:
    """Where each run of spaces starts, in order (`_SPACE_RUN.finditer`'s starts: str.find skips to
    the next space natively, where the engine steps through every character)."""
    find, run = text.find, _SPACE_RUN.match
    p = find(" ")
    while p >= 0:
        yield p
        end = run(text, p).end()  # type: ignore[union-attr]  # a space stands at p
        p = find(" ", end)


def _edge_space(text: str) -> bool:
    """A space or tab at a line's edge (the only way _EDGE_SPACE matches)."""
    return (text[:1] in (" ", "\t") or text[-1:] in (" ", "\t") or " \n" in text or "\t\n" in text
            or "\n " in text or "\n\t" in text)


# A cheap necessary condition per rewrite (see _MD_TRIGGER): the patterns that open with a
# look-behind or an optional run are tried at every position; most texts lack what they need.
_BREAK_TRIGGER: dict[str, Callable[[str], bool]] = {
    "NORM-EDGE-SPACE": _edge_space,
    "NORM-LOST-INDENT": lambda t: "?" in t or "？" in t,
    "NORM-PAGE-NO-LINE": lambda t: "页" in t or "-" in t or "—" in t or "–" in t,
    "NORM-BARE-PAGE-NO": lambda t: "\n\n" in t or bool(re.search(r"\n[ \t]+\n", t)),
    "NORM-JOIN-BREAK": lambda t: "\n" in t,
    "NORM-BLANK-LINES": lambda t: "\n\n" in t or bool(re.search(r"\n[ \t]+\n", t)),
}


def _joined_units(texts: list[str]) -> tuple[pl.Series, pl.Series]:
    """The code units of `texts` joined by line breaks (a batch read natively at once), and where each
    text starts in them."""
    units = pl.from_arrow(opencc_fast.code_units("\n".join(texts)))
    assert isinstance(units, pl.Series)
    starts = pl.Series(list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0)), dtype=pl.Int64)
    return units, starts


def _flags_per_text(hits: pl.DataFrame, rule_ids: tuple[str, ...], n: int) -> list[frozenset[str]]:
    """For each of `n` texts, the rules among `rule_ids` (boolean columns of `hits`, a row per place with its
    text's index `doc`) that hold at one of its places at least."""
    flags = [frozenset[str]()] * n
    for row in hits.group_by("doc").agg(pl.col(r).any() for r in rule_ids).iter_rows():
        flags[row[0]] = frozenset(r for r, hit in zip(rule_ids, row[1:], strict=True) if hit)
    return flags


# _BREAK_TRIGGER's that _break_flags answers natively for all texts at once, from the text that enters
# repair_breaks. The steps before each only delete spaces and tabs at a line's edges, then ? ？ (and
# blanks) that open a line before a lost indent: a lost indent opens with ? or ？ after a line break, a
# blank or the text's start, and it did so on entry; a page-number line opens with - — – or 第 after a
# line break, a blank or the text's start, and on entry one of those, a ? or a ？ stood before it.
# Edge spaces are the first step: their flag is _edge_space itself.
_BREAK_NATIVE = ("NORM-EDGE-SPACE", "NORM-LOST-INDENT", "NORM-PAGE-NO-LINE")


def _break_flags(texts: list[str]) -> list[frozenset[str]]:
    """For each text, the rules of _BREAK_NATIVE whose match it may hold (a space or tab at a line's
    edge: _edge_space; a ? or ？ after a line break, blank or the start; - — – or 第 after one of those
    or a ? or ？), natively over all texts joined by line breaks (a text's edges then stand beside a
    line break, as _edge_space reads them)."""
    units, starts = _joined_units(texts)
    blank = (units == ord(" ")) | (units == ord("\t"))
    brk = units == ord("\n")
    before = (blank | brk).shift(1, fill_value=True)  # a line break, a blank or the text's start before
    question = (units == ord("?")) | (units == ord("？"))
    kinds = pl.DataFrame({
        "NORM-EDGE-SPACE": blank & (brk.shift(1, fill_value=True) | brk.shift(-1, fill_value=True)),
        "NORM-LOST-INDENT": question & before,
        "NORM-PAGE-NO-LINE": units.is_in([ord(c) for c in "-—–第"]) & (before | question.shift(1, fill_value=False)),
    }).with_row_index("at").filter(pl.any_horizontal(_BREAK_NATIVE))
    hits = kinds.with_columns(doc=starts.search_sorted(kinds["at"].cast(pl.Int64), side="right") - 1)
    return _flags_per_text(hits, _BREAK_NATIVE, len(texts))


def _after_hanzi_breaks(text: str) -> Iterator[int]:
    """_before_breaks' places that follow a CJK character (_BREAK's look-behind): at any other the
    match fails, and so it does where a place inside the previous match sends rewrite_at on to that
    match's end (a blank or a line break stands before it)."""
    for p in _before_breaks(text):
        if p and ("\u4e00" <= text[p - 1] <= "\u9fff" or "\u3400" <= text[p - 1] <= "\u4dbf"
                  or "\uf900" <= text[p - 1] <= "\ufaff"):
            yield p


# where the matches of a pattern can start, for those the engine would try at every position
# (rewrite_at): _BREAK's after a hanzi at the spaces before a line break, _EDGE_SPACE's at a line's edges
_BREAK_STARTS: dict[str, Callable[[str], Iterable[int]]] = {
    "NORM-JOIN-BREAK": _after_hanzi_breaks,
    "NORM-EDGE-SPACE": _line_edges,
}


def _join(m: re.Match[str]) -> Repl:
    text = m.string
    line_start = text.rfind("\n", 0, m.start()) + 1
    prev = text[line_start : m.start()]
    heading = heading_start()
    if heading.match(text, m.end()) and _on("NORM-JOIN-NOT-HEADING"):
        return None  # the next line starts a heading or list item
    if _on("NORM-JOIN-FIELDS") and _FIELD_LINE.match(prev) and _FIELD_LINE.match(text, m.end()):
        return None  # two "key：value" lines of a page's info table (主题分类：… / 成文日期：…)
    marker = heading.match(prev)
    body = prev[marker.end() :] if marker else prev
    # a part heading numbered 一、/（一）/第一部分 may run long (年度…第一责任人职责，…有关情况)
    limit = _number("NORM-TOP-HEADING-LINE-MAX" if marker and _TOP_MARKER.match(prev) else "NORM-HEADING-LINE-MAX")
    if marker and len(prev) < limit and not re.search(r"[。；！？]", body):
        return None  # the previous line is a heading (not a heading run into its paragraph)
    if not _PROSE_PUNCT.search(body):
        return None  # a title or a list line, not a sentence running on
    return ""


def _layout_space(m: re.Match[str]) -> Repl:
    text = m.string
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.end())
    line = text[start : end if end >= 0 else len(text)]
    before, after = text[m.start() - 1], text[m.end()]
    between_hanzi = not (before.isdigit() or after.isdigit() or before in "，。、；：！？)）")
    if between_hanzi and not re.search(r"[，。；]", line) and _on("NORM-LAYOUT-NAMES"):
        return None  # names or title parts separated by a space, not prose
    return ""


@rules.rule(
    id="NORM-EDGE-SPACE", stage="normalize", effect="spaces at line edges are dropped",
    example='全年办理案件12件。\\n   完成培训3次。', expect='。\n完成培训',
    why="an indent is layout; a heading must start with its numbering",
)
@rules.rule(
    id="NORM-LOST-INDENT", stage="normalize", effect="question marks left of a lost full-width indent are dropped",
    example='全年办理案件12件。\\n??一、主要工作', expect='。\n一、主要工作',
    why="a lossy save turns the full-width indent into ??",
)
@rules.rule(
    id="NORM-PAGE-NO-LINE", stage="normalize", effect="page-number lines (- 3 -, 第3页) are dropped",
    example='全年办理案件12件，完成\\n- 3 -\\n培训3次。', expect='完成培训3次',
    why="a page number between two halves of a sentence is no text",
)
@rules.rule(
    id="NORM-BARE-PAGE-NO", stage="normalize", effect="a bare number between blank lines is a page number",
    example='全年办理案件12件，完成\\n\\n12\\n\\n培训3次。', expect='完成培训3次',
    why="a page number of a PDF copied as text stands alone between blank lines",
)
@rules.rule(
    id="NORM-JOIN-BREAK", stage="normalize", effect="a line break inside a sentence is joined",
    example='全年办理案件12件，完成\\n培训3次。', expect='完成培训3次',
    why="page and width breaks split sentences, numbers and cues",
)
@rules.rule(
    id="NORM-JOIN-NOT-HEADING", stage="normalize", effect="a heading or list line is not joined to the line before",
    example='全年开展培训，覆盖干部\\n一、存在的问题', expect='覆盖干部\n一、存在的问题',
    why="the heading starts (heading_starts.csv) open a line of their own",
)
@rules.rule(
    id="NORM-JOIN-FIELDS", stage="normalize", effect="two key：value lines of a page's info table are not joined",
    example='发布机构：县司法局，县政府\\n成文日期：2024年', expect='县政府\n成文日期',
    why="主题分类：… / 成文日期：… are fields, not a sentence running on",
)
@rules.rule(
    id="NORM-BLANK-LINES", stage="normalize", effect="runs of blank lines collapse to one break",
    example='全年办理案件12件。\\n\\n\\n完成培训3次。', expect='。\n完成',
    why="blank lines are layout",
)
@rules.rule(
    id="NORM-LAYOUT-SPACE", stage="normalize", effect="spaces of layout inside prose are dropped",
    example='全年巡逻 26 次，', expect='巡逻26次',
    why="巡逻 26 次 must read as 巡逻26次",
)
@rules.rule(
    id="NORM-LAYOUT-NAMES", stage="normalize", effect="spaces between names on a line without prose marks stay",
    example='县司法局 县公安局', expect='县司法局 县公安局',
    why="a list of names is no prose: its spaces separate the names",
)
def repair_breaks(doc: Mapped, maybe: frozenset[str] | None = None) -> Mapped:
    """Join lines split inside a sentence (page or width breaks), drop page-number lines,
    collapse blank lines, strip edge spaces, lost indents (`??一、`) and layout spaces (`巡逻 26 次` -> `巡逻26次`).
    `maybe`: the rules of _BREAK_NATIVE whose pre-check the text passes, if known (_break_flags)."""
    steps: list[tuple[str, re.Pattern[str], Callable[[re.Match[str]], Repl]]] = [
        ("NORM-EDGE-SPACE", _EDGE_SPACE, lambda m: ""),
        ("NORM-LOST-INDENT", _LOST_INDENT, lambda m: ""),
        ("NORM-PAGE-NO-LINE", _PAGE_NO_LINE, lambda m: ""),
        ("NORM-BARE-PAGE-NO", _BARE_PAGE_NO, lambda m: ""),
        ("NORM-JOIN-BREAK", _BREAK, _join),
        ("NORM-BLANK-LINES", _BLANKS, lambda m: "\n"),
    ]
    for rule_id, pattern, repl in steps:
        if (_on(rule_id) and (maybe is None or rule_id in maybe or rule_id not in _BREAK_NATIVE)
                and _BREAK_TRIGGER[rule_id](doc.text)):
            starts = _BREAK_STARTS.get(rule_id)
            doc = rewrite_at(doc, starts, pattern, repl) if starts else rewrite(doc, pattern, repl)
    if _on("NORM-LAYOUT-SPACE") and " " in doc.text:
        doc = rewrite_at(doc, _space_runs, _LAYOUT_SPACE, _layout_space)
    lead = len(doc.text) - len(doc.text.lstrip("\n"))
    trail = len(doc.text.rstrip("\n"))
    return cut(doc, lead, trail) if (lead, trail) != (0, len(doc.text)) else doc


_GLUED_HEADING = re.compile(rf"(?<=[。！？])(?={_CN_NUM}、|\({_CN_NUM}\)|第{_CN_NUM}部分)")
# the same places found from the sentence end (a character the engine scans for), to skip the
# texts without one
_GLUED_TRIGGER = re.compile(rf"[。！？](?={_CN_NUM}、|\({_CN_NUM}\)|第{_CN_NUM}部分)")
@rules.rule(
    id="NORM-GLUED-HEADING", stage="normalize", effect="a very long line is broken before each part heading",
    example="全年办理案件12件。" * 30 + "二、存在的问题。", expect='。\n二、存在的问题',
    why="text copied with every line break lost runs its parts on one line",
)
def split_glued_headings(doc: Mapped) -> Mapped:
    """Break a very long line before each part heading (一、 (一) 第一部分) that follows a sentence end:
    text copied from a page or PDF with every line break lost (…法治保障。一、坚持党的领导…)."""

    def repl(m: re.Match[str]) -> Repl:
        text = m.string
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        return "\n" if (end if end >= 0 else len(text)) - start >= min_line else None

    if not _on("NORM-GLUED-HEADING") or not _GLUED_TRIGGER.search(doc.text):
        return doc
    min_line = _number("NORM-GLUED-LINE-MIN")  # a line this long that runs numbered parts together
    return rewrite(doc, _GLUED_HEADING, repl)


# --------------------------------------------------------------------------- composition


# A necessary condition of a step, tried natively on all texts at once (the engine's own search
# costs ~20 ms a batch each): a sentence end before a part heading (_GLUED_TRIGGER without its
# look-ahead). The steps before script detection are flagged by _source_scan.
_NATIVE_TRIGGER = {
    "NORM-GLUED-HEADING": rf"[。！？](?:{_CN_NUM}、|\({_CN_NUM}\)|第{_CN_NUM}部分)",
}


def _where(docs: list[Mapped], pattern: str, step: Callable[[Mapped], Mapped]) -> list[Mapped]:
    """`step` of the documents whose text has a match of `pattern` (natively), the others as they are."""
    if not docs:
        return docs
    has = pl.Series([d.text for d in docs], dtype=pl.String).str.contains(pattern).to_list()
    return [step(d) if h else d for d, h in zip(docs, has, strict=True)]


_STAR, _PIPE, _TICK, _BANG, _LBRACKET, _RBRACKET, _LPAREN, _UNDER, _DASH = (1 << k for k in range(9))
_LINE_MARK, _ZW, _BAD, _SPACE_OR_BREAK, _OPEN, _GLOSS = (1 << k for k in range(9, 15))
_LEADS = _STAR | _PIPE | _TICK | _BANG | _RBRACKET | _UNDER | _DASH | _LINE_MARK | _ZW | _BAD | _OPEN


@cache
def _source_classes() -> pl.Series:
    """Code point -> the bits _source_scan reads: the characters the markdown triggers look for,
    a line-start mark of _MD_LINE_START, a zero-width character, one outside plausible_re (a
    mojibake run's), a blank or line break, a bracket that opens a pinyin gloss and what may follow it."""
    good_re = re.compile(plausible_re().pattern[:-1])  # the class without its +
    candidates = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000) + _common_beyond_bmp()
    good = {ord(m.group()) for m in good_re.finditer(candidates)}
    bits: dict[int, int] = dict.fromkeys(good, 0)  # every other code point is _BAD
    for chars, bit in (("*", _STAR), ("|", _PIPE), ("`", _TICK), ("!", _BANG), ("[", _LBRACKET), ("]", _RBRACKET),
                       ("(", _LPAREN), ("_", _UNDER), ("-", _DASH), ("#>-*+•·●", _LINE_MARK), (ZERO_WIDTH, _ZW),
                       (" \t\n", _SPACE_OR_BREAK), ("(（", _OPEN), (" \tabcdefghijklmnopqrstuvwxyz" + _TONED, _GLOSS)):
        for c in map(ord, chars):
            bits[c] = bits.get(c, _BAD) | bit
    return pl.repeat(_BAD, 0x110000, dtype=pl.UInt16, eager=True).scatter(list(bits), list(bits.values()))


def _common_beyond_bmp() -> str:
    from transforms.decode import common_hanzi

    return "".join(c for c in common_hanzi() if ord(c) > 0xFFFF)


def _source_flags(texts: list[str]) -> list[frozenset[str]]:
    """_source_scan's flags."""
    return _source_scan(texts)[0]


def _source_scan(texts: list[str]) -> tuple[list[frozenset[str]], list[list[int] | None]]:
    """For each text, the steps before script detection whose pre-check it may pass, natively over all
    texts joined by line breaks: NORM-ZERO-WIDTH (a zero-width character), NORM-MD (a character or pair
    one of _MD_TRIGGER looks for: * | ` --- ![ ]( __, or a line-start mark after a blank, a line break
    or the text's start), NORM-PINYIN-GLOSS (( or （ before a blank or a gloss letter: _PINYIN_TRIGGER)
    and NORM-MOJIBAKE (two characters outside plausible_re at most two apart: every suspicious run,
    strict or loose, opens with such a pair). A text without a step's flag has no match of that step.
    Also, for each text, where such pairs open (where repair_mojibake's runs may start)."""
    units, starts = _joined_units(texts)
    classes = _source_classes()
    bits = classes.gather(units)
    at = (bits & _LEADS != 0).arg_true().cast(pl.Int64)  # the few characters that can open a match
    last = len(units) - 1

    def near(k: int) -> pl.Series:  # the bits k characters away (none past either end; a line break before)
        got = bits.gather((at + k).clip(0, last))
        return got.zip_with((at + k >= 0) & (at + k <= last),
                            pl.repeat(_SPACE_OR_BREAK if k < 0 else 0, len(at), dtype=pl.UInt16, eager=True))

    frame = pl.DataFrame({"at": at, "b": bits.gather(at), "p": near(-1), "n1": near(1), "n2": near(2), "n3": near(3)})
    b, n1, n2 = pl.col("b"), pl.col("n1"), pl.col("n2")

    def has(col: pl.Expr, bit: int) -> pl.Expr:
        return (col & bit) != 0

    doc = starts.search_sorted(frame["at"], side="right") - 1
    hits = frame.select(
        doc=doc,
        **{"NORM-ZERO-WIDTH": has(b, _ZW),
           "NORM-MD": has(b, _STAR | _PIPE | _TICK) | (has(b, _DASH) & has(n1, _DASH) & has(n2, _DASH))
           | (has(b, _BANG) & has(n1, _LBRACKET)) | (has(b, _RBRACKET) & has(n1, _LPAREN))
           | (has(b, _UNDER) & has(n1, _UNDER)) | (has(b, _LINE_MARK) & has(pl.col("p"), _SPACE_OR_BREAK)),
           "NORM-PINYIN-GLOSS": has(b, _OPEN) & has(n1, _GLOSS),
           "NORM-MOJIBAKE": has(b, _BAD) & has(n1 | n2 | pl.col("n3"), _BAD)},
        at=pl.col("at") - starts.gather(doc),  # in its own text
    )
    flags = _flags_per_text(hits, _SOURCE_STEPS, len(texts))
    runs: list[list[int] | None] = [None] * len(texts)
    pairs = hits.filter("NORM-MOJIBAKE").group_by("doc").agg(pl.col("at").sort())
    for doc, at in pairs.iter_rows():
        runs[doc] = at
    return flags, runs


_SOURCE_STEPS = ("NORM-ZERO-WIDTH", "NORM-MD", "NORM-PINYIN-GLOSS", "NORM-MOJIBAKE")


@rules.rule(
    id="NORM-ZERO-WIDTH", stage="normalize", effect="zero-width characters are dropped",
    example='全年办理案件1\u200b2件。', expect='12件',
    why="1\u200b2件 is 12件",
)
def normalize_texts(source_texts: list[str]) -> list[tuple[Mapped, str]]:
    """`normalize_text` of each text. Step by step over all texts, so the steps that are one
    native pass (script detection, t2s, width) run once a batch, not once a document; the rules'
    switches are read once a batch."""
    token = _SWITCHES.set({})
    try:
        return _normalize_texts(source_texts)
    finally:
        _SWITCHES.reset(token)


def _normalize_texts(source_texts: list[str]) -> list[tuple[Mapped, str]]:
    docs = [Mapped.of(t.replace("\r\n", " \n").replace("\r", "\n")) for t in source_texts]
    # the steps up to script detection rarely change a text: each runs where the text as it came has
    # its flag (_source_flags), or where an earlier step changed it (the flags read the text as it came)
    first = list(docs)
    flags, run_starts = _source_scan([d.text for d in docs])

    def step(rule_id: str, fn: Callable[[Mapped], Mapped]) -> list[Mapped]:
        return [fn(d) if rule_id in f or d is not o else d for d, o, f in zip(docs, first, flags, strict=True)]

    # zero-width characters (1\u200b2件 is 12件): read_documents removes them from source_text already
    # (and says so in `repairs`); a text that reaches here with them still reads as if they were not there
    if _on("NORM-ZERO-WIDTH"):
        docs = step("NORM-ZERO-WIDTH", lambda d: rewrite(d, _ZERO_WIDTH, lambda m: ""))
    docs = step("NORM-MD", strip_markdown)
    docs = step("NORM-PINYIN-GLOSS", strip_pinyin)
    docs = [(repair_mojibake(d, at) if "NORM-MOJIBAKE" in f else d) if d is o else repair_mojibake(d)
            for d, o, f, at in zip(docs, first, flags, run_starts, strict=True)]
    scripts = detect_scripts([d.text for d in docs])
    if _on("NORM-T2S"):
        trad = [i for i, s in enumerate(scripts) if s == "traditional"]
        for i, doc in zip(trad, to_simplified_many([docs[i] for i in trad]), strict=True):
            docs[i] = doc
    docs = drop_chrome_many(docs)  # after conversion: the cues are written in simplified
    docs = unify_width_many(docs)
    docs = [repair_breaks(d, maybe) for d, maybe in zip(docs, _break_flags([d.text for d in docs]), strict=True)]
    docs = _where(docs, _NATIVE_TRIGGER["NORM-GLUED-HEADING"], split_glued_headings)
    return list(zip(docs, scripts, strict=True))


def normalize_text(source_text: str) -> tuple[Mapped, str]:
    """Run all steps; return the normalized text with its offset map, and the source script."""
    return normalize_texts([source_text])[0]


def run_columns(maps: list[list[Run] | None]) -> tuple[pl.Series, pl.Series]:
    """The maps as two List(Int32) columns, run_starts and run_lengths (a null map is a null row). A
    map kept per character (a list of every source index) was 4 bytes a character: most of
    stage.normalized, most of loading it, and most of the facts stage's input."""
    starts = pl.Series("run_starts", [[s for s, _ in runs] if runs is not None else None for runs in maps],
                       dtype=pl.List(pl.Int32))
    lengths = pl.Series("run_lengths", [[n for _, n in runs] if runs is not None else None for runs in maps],
                        dtype=pl.List(pl.Int32))
    return starts, lengths


def normalize_documents(docs: pl.DataFrame) -> pl.DataFrame:
    """DOCUMENTS -> NORMALIZED; rows without source_text pass through with nulls."""
    files = docs["source_file"].to_list()
    sources = docs["source_text"].to_list()
    present = [i for i, t in enumerate(sources) if t is not None]
    text: list[str | None] = [None] * len(files)
    script: list[str | None] = [None] * len(files)
    maps: list[list[Run] | None] = [None] * len(files)
    for i, (doc, s) in zip(present, normalize_texts([sources[i] for i in present]), strict=True):
        text[i], script[i], maps[i] = doc.text, s, doc.runs
    frame = pl.DataFrame(
        {
            "source_file": pl.Series(files, dtype=pl.String),
            "text": pl.Series(text, dtype=pl.String),
            "source_script": pl.Series(script, dtype=pl.String),
            **dict(zip(("run_starts", "run_lengths"), run_columns(maps), strict=True)),
        }
    )
    return conform(frame, NORMALIZED)

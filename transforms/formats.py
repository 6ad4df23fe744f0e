"""Per-format text extraction: file bytes -> plain text (+ an HTML page's title and date).

Libraries: selectolax (Lexbor engine) parses the messy, often mis-declared HTML of
government portals fast and tolerantly and is actively maintained; python-docx is the
maintained reference reader for OOXML and exposes paragraphs and tables in body order;
pdfplumber (on pdfminer.six) gives text with line structure and handles the CID/CJK fonts
of Chinese PDFs, pure Python, no system binaries. Encoding detection lives in
`transforms.decode` (charset-normalizer + chardet as proposers, our own plausibility score).

Page-chrome cues (breadcrumbs, share bars, footers, related links, date labels) are data in
`transforms/data/formats_chrome.csv` so an analyst can extend them without touching code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from transforms.decode import DecodeError, canonical_encoding, check_text, decode_bytes
from transforms.schemas import DOCUMENTS, conform

DATA = Path(__file__).parent / "data"
FORMATS = {"txt": "text", "md": "markdown", "html": "html", "htm": "html", "docx": "docx", "pdf": "pdf"}
SENTENCE_END = "。！？；：…”’」』!?;:"


@dataclass(frozen=True)
class Extracted:
    text: str
    encoding: str
    page_title: str | None = None
    page_published_on: dt.date | None = None


class ExtractError(ValueError):
    """A file cannot be used; the message is the quarantine reason."""


# --------------------------------------------------------------------------- data files


@dataclass(frozen=True)
class Chrome:
    skip_element: tuple[re.Pattern[str], ...]
    drop_line: tuple[tuple[re.Pattern[str], int], ...]
    cut_rest: tuple[tuple[re.Pattern[str], int], ...]
    date_meta: re.Pattern[str]
    title_meta: re.Pattern[str]
    date_labels: tuple[str, ...]


@cache
def chrome() -> Chrome:
    rows = list(csv.DictReader((DATA / "formats_chrome.csv").open(encoding="utf-8")))

    def lines(action: str) -> tuple[tuple[re.Pattern[str], int], ...]:
        return tuple((re.compile(r["pattern"]), int(r["max_len"] or 10**6)) for r in rows if r["action"] == action)

    meta = {r["kind"]: r["pattern"] for r in rows if r["action"] == "meta"}
    return Chrome(
        skip_element=tuple(re.compile(r["pattern"]) for r in rows if r["action"] == "skip_element"),
        drop_line=lines("drop_line"),
        cut_rest=lines("cut_rest"),
        date_meta=re.compile(meta["date_meta"]),
        title_meta=re.compile(meta["title_meta"]),
        date_labels=tuple(x for r in rows if r["action"] == "label" for x in r["pattern"].split("|")),
    )


@cache
def heading_start() -> re.Pattern[str]:
    """Start of a heading or list item (data/normalize_heading_starts.txt)."""
    rows = (DATA / "normalize_heading_starts.txt").read_text(encoding="utf-8").splitlines()
    pats = [r.strip() for r in rows if r.strip() and not r.startswith("#")]
    return re.compile(r"\s*(?:" + "|".join(pats) + ")")


def drop_chrome_lines(lines: list[str]) -> list[bool]:
    """Which lines to keep: drop short chrome lines; cut at a related-links line late in the page."""
    cfg = chrome()
    keep = [True] * len(lines)
    total = sum(len(x) for x in lines)
    seen = 0
    for i, line in enumerate(lines):
        seen += len(line)
        n = len(line.strip())
        if any(n <= m and p.search(line) for p, m in cfg.drop_line):
            keep[i] = False
        elif seen > total / 2 and any(n <= m and p.search(line) for p, m in cfg.cut_rest):
            keep[i:] = [False] * (len(lines) - i)
            break
    return keep


# --------------------------------------------------------------------------- plain text


def extract_text(data: bytes) -> Extracted:
    text, enc = decode_bytes(data)
    return Extracted(text.replace("\r\n", "\n").replace("\r", "\n"), enc)


# --------------------------------------------------------------------------- html

_BLOCK = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table",
    "ul", "ol", "dl", "dd", "dt", "blockquote", "pre", "center", "form", "main", "hr", "tbody", "thead",
}
_SKIP = {"script", "style", "noscript", "nav", "header", "footer", "iframe", "select", "button", "input",
         "svg", "template", "head", "object", "textarea", "option"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"


def _decode_html(data: bytes) -> tuple[str, str]:
    m = _META_CHARSET.search(data[:4096])
    declared = canonical_encoding(m.group(1).decode("ascii", "ignore")) if m else None
    if declared:
        codec = {"gb18030": "gb18030", "big5": "cp950"}.get(declared, declared)
        try:
            return check_text(data.decode(codec), declared, 0)
        except (UnicodeDecodeError, LookupError):
            pass  # the declaration lies: fall back to detection
    return decode_bytes(data, min_cjk=0)


def _html_lines(root: object) -> list[str]:
    """Walk the DOM: block elements break lines, cells are tab-separated, chrome is skipped.

    A line made almost entirely of link text (menus, related-article lists) is dropped.
    """
    skip_attr = chrome().skip_element
    lines: list[tuple[list[str], int]] = [([], 0)]

    def newline() -> None:
        if lines[-1][0]:
            lines.append(([], 0))

    def walk(node: object, in_link: bool) -> None:
        child = node.child  # type: ignore[attr-defined]
        while child is not None:
            tag = child.tag
            if tag == "-text":
                s = child.text_content or ""
                if s.strip() or lines[-1][0]:
                    parts, links = lines[-1]
                    parts.append(s)
                    lines[-1] = (parts, links + (len(s.strip()) if in_link else 0))
            elif tag not in _SKIP and not tag.startswith("-"):
                attrs = child.attributes
                tokens = f"{attrs.get('id') or ''} {attrs.get('class') or ''}".split()
                if not any(p.fullmatch(t) for p in skip_attr for t in tokens):
                    if tag in _BLOCK:
                        newline()
                    walk(child, in_link or tag == "a")
                    if tag in _BLOCK:
                        newline()
                    elif tag in {"td", "th"}:
                        lines[-1][0].append("\t")
            child = child.next

    walk(root, False)
    out = []
    for parts, links in lines:
        line = re.sub(r"[ \u00a0\u3000]*\t[\t \u00a0\u3000]*", "\t", "".join(parts))
        line = re.sub(r"[ \u00a0]{2,}", " ", line.replace("\n", " ")).strip(" \t\u00a0")
        if not line:
            continue
        if links >= 0.8 * len(line.replace(" ", "").replace("\t", "")) and len(line) < 60:
            continue
        out.append(line)
    return out


def _parse_date(text: str) -> dt.date | None:
    m = re.search(_DATE, text)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _page_title(tree: object, lines: list[str]) -> str | None:
    cfg = chrome()
    candidates: list[str] = []
    for meta in tree.css("meta"):  # type: ignore[attr-defined]
        name = meta.attributes.get("name") or meta.attributes.get("property") or ""
        if cfg.title_meta.match(name) and (meta.attributes.get("content") or "").strip():
            candidates.append(meta.attributes["content"].strip())
    for sel in ("h1", "h2", "[class*=title]", "[id*=title]", "h3"):
        candidates += [n.text(strip=True) for n in tree.css(sel) if n.text(strip=True)]  # type: ignore[attr-defined]
    title_node = tree.css_first("title")  # type: ignore[attr-defined]
    from_tag = None
    if title_node is not None and title_node.text(strip=True):
        parts = [p.strip() for p in re.split(r"\s*[-_|—–]+\s*|\s{2,}", title_node.text(strip=True)) if p.strip()]
        from_tag = parts[0] if parts and len(parts[0]) >= 4 else max(parts, key=len, default=None)
    body = "\n".join(lines)
    for cand in candidates:
        if from_tag and (from_tag in cand or cand in from_tag) and len(cand) >= 4:
            return cand
    for cand in candidates:
        if "报告" in cand and cand in body:
            return cand
    return from_tag or (candidates[0] if candidates else None)


def _published_on(tree: object, lines: list[str]) -> dt.date | None:
    cfg = chrome()
    for label in cfg.date_labels:  # the date the page states wins over its meta tags
        for line in lines:
            m = re.search(r"(?<![\u4e00-\u9fff])" + re.escape(label) + r"\s*[:：]?\s*" + _DATE, line)
            if m:
                found = _parse_date(m.group(0)[m.start(1) - m.start(0):])
                if found:
                    return found
    for meta in tree.css("meta"):  # type: ignore[attr-defined]
        name = meta.attributes.get("name") or meta.attributes.get("property") or ""
        if cfg.date_meta.match(name):
            found = _parse_date(meta.attributes.get("content") or "")
            if found:
                return found
    return None


def extract_html(data: bytes) -> Extracted:
    from selectolax.lexbor import LexborHTMLParser

    html, enc = _decode_html(data)
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        raise ExtractError("html has no body")
    lines = _html_lines(root)
    keep = drop_chrome_lines(lines)
    kept = [line for line, k in zip(lines, keep, strict=True) if k]
    text = "\n".join(kept)
    check_text(text, enc, 0.2)
    return Extracted(text, enc, _page_title(tree, kept), _published_on(tree, lines))


# --------------------------------------------------------------------------- docx


def extract_docx(data: bytes) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors ...
        raise ExtractError(f"corrupt docx: {type(exc).__name__}: {exc}") from exc
    out: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                cells, seen = [], set()
                for cell in row.cells:  # merged cells repeat: keep each once
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(cell.text.strip().replace("\n", " "))
                if any(cells):
                    out.append("\t".join(cells))
    text = "\n".join(out).strip("\n")
    if not text.strip():
        raise ExtractError("docx has no text")
    check_text(text, "utf-8", 0.2)
    return Extracted(text, "utf-8")


# --------------------------------------------------------------------------- pdf

_PAGE_NO = re.compile(r"\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
                      r"\d{1,4}\s*/\s*\d{1,4}|\d{1,4})\s*")


def _strip_running(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers and lines repeated at the top or bottom of most pages."""
    pages = [[ln for ln in p if ln.strip()] for p in pages]
    for p in pages:
        for idx in (-1, 0, -1, 0):
            if p and _PAGE_NO.fullmatch(p[idx]):
                p.pop(idx)
    if len(pages) >= 2:
        for idx in (0, -1):
            keys = Counter(re.sub(r"\d+", "#", p[idx].strip()) for p in pages if p)
            for key, n in keys.items():
                if n >= max(2, 0.6 * len(pages)):
                    for p in pages:
                        if p and re.sub(r"\d+", "#", p[idx].strip()) == key:
                            p.pop(idx)
    return pages


def rejoin_lines(lines: list[str]) -> str:
    """Re-join lines wrapped at the page width (see module docs of normalize for the rule)."""
    if not lines:
        return ""
    width = statistics.median(len(ln) for ln in lines)
    heading = heading_start()
    out = [lines[0]]
    for prev, line in zip(lines, lines[1:], strict=False):
        wrapped = (
            prev.rstrip()[-1:] not in SENTENCE_END
            and len(prev) >= 0.7 * width
            and not heading.match(line)
        )
        if wrapped:
            sep = " " if prev[-1:].isascii() and line[:1].isascii() and line[:1].isalnum() else ""
            out[-1] = out[-1].rstrip() + sep + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


def extract_pdf(data: bytes) -> Extracted:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [(page.extract_text() or "").splitlines() for page in pdf.pages]
    except Exception as exc:  # pdfminer raises a zoo of types on broken files
        raise ExtractError(f"corrupt pdf: {type(exc).__name__}: {exc}".rstrip(": ")) from exc
    lines = [ln.strip() for p in _strip_running(pages) for ln in p]
    text = rejoin_lines([ln for ln in lines if ln])
    if not text.strip():
        raise ExtractError("pdf has no text layer (scanned?)")
    check_text(text, "pdf", 0.2)
    return Extracted(text, "pdf")


# --------------------------------------------------------------------------- frame

_EXTRACTORS = {"text": extract_text, "markdown": extract_text, "html": extract_html,
               "docx": extract_docx, "pdf": extract_pdf}


def extract(ext: str, data: bytes | None) -> Extracted:
    """Extract one file; raises ExtractError/DecodeError with the quarantine reason."""
    fmt = FORMATS.get(ext)
    if fmt is None:
        raise ExtractError(f"unsupported format: .{ext}")
    if not data:
        raise ExtractError("empty file")
    return _EXTRACTORS[fmt](data)


def read_documents(raw: pl.DataFrame) -> pl.DataFrame:
    """RAW_FILES -> DOCUMENTS, one row per input row; a failing file gets `error`, never raises."""
    rows = []
    for rec in raw.iter_rows(named=True):
        ext = (rec.get("ext") or "").lower().lstrip(".")
        row = {"source_file": rec["source_file"], "sha256": rec["sha256"], "format": FORMATS.get(ext, ext),
               "encoding": None, "source_text": None, "page_title": None, "page_published_on": None,
               "error": None}
        try:
            got = extract(ext, rec["content"])
            row.update(encoding=got.encoding, source_text=got.text, page_title=got.page_title,
                       page_published_on=got.page_published_on)
        except (ExtractError, DecodeError) as exc:
            row["error"] = str(exc)
        except Exception as exc:  # never let one file sink the batch
            row["error"] = f"extraction failed: {type(exc).__name__}: {exc}"
        rows.append(row)
    return conform(pl.DataFrame(rows, schema=DOCUMENTS), DOCUMENTS)

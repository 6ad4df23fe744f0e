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

import dataclasses
import datetime as dt
import io
import re
import statistics
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from pathlib import Path

import polars as pl

from transforms import rules
from transforms.decode import (
    STRICT_MAX_REPLACED,
    DecodeError,
    canonical_encoding,
    check_text,
    decode_report,
    describe_repairs,
    remove_strays,
)
from transforms.schemas import DOCUMENTS, conform

DATA = Path(__file__).parent / "data"
FORMATS = {"txt": "text", "md": "markdown", "html": "html", "htm": "html", "docx": "docx", "pdf": "pdf"}
SENTENCE_END = "。！？；：…”’」』!?;:"
_CLOSING_QUOTES = "”’」』"


def ends_sentence(line: str) -> bool:
    """The line ends a sentence: 。！？；：… or a closing quote right after one (not 落实“三项制度”)."""
    tail = line.rstrip()
    if tail[-1:] in _CLOSING_QUOTES:
        return tail[-2:-1] in "。！？!?…"
    return tail[-1:] in SENTENCE_END


@dataclass(frozen=True)
class Extracted:
    text: str
    encoding: str
    page_title: str | None = None
    page_published_on: dt.date | None = None
    repairs: Counter[str] = field(default_factory=Counter)  # what was repaired (transforms.decode kinds)


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


@rules.cached
def chrome() -> Chrome:
    """The page-chrome rules of formats_chrome.csv (DOC-CHROME-*), those switched off left out."""
    rows = rules.table("formats_chrome.csv")

    def lines(action: str) -> tuple[tuple[re.Pattern[str], int], ...]:
        return tuple((re.compile(r["pattern"]), int(r["max_len"] or 10**6)) for r in rows if r["action"] == action)

    meta = {r["kind"]: r["pattern"] for r in rows if r["action"] == "meta"}
    return Chrome(
        skip_element=tuple(re.compile(r["pattern"]) for r in rows if r["action"] == "skip_element"),
        drop_line=lines("drop_line"),
        cut_rest=lines("cut_rest"),
        date_meta=re.compile(meta.get("date_meta", r"(?!)")),  # a rule switched off matches nothing
        title_meta=re.compile(meta.get("title_meta", r"(?!)")),
        date_labels=tuple(x for r in rows if r["action"] == "label" for x in r["pattern"].split("|")),
    )


@rules.cached
def heading_start() -> re.Pattern[str]:
    """Start of a heading or list item (heading_starts.csv, DOC-HEADING-*): a line opening with one
    is never joined to the line before it (PDF line re-joining, page-break repair in normalize)."""
    pats = [r["pattern"] for r in rules.table("heading_starts.csv")]
    return re.compile(r"\s*(?:" + "|".join(pats) + ")") if pats else re.compile(r"(?!)")


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
    got = decode_report(data)
    return Extracted(got.text.replace("\r\n", "\n").replace("\r", "\n"), got.encoding, repairs=got.repairs)


# --------------------------------------------------------------------------- html

_BLOCK = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table",
    "ul", "ol", "dl", "dd", "dt", "blockquote", "pre", "center", "form", "main", "hr", "tbody", "thead",
}
_SKIP = {"script", "style", "noscript", "nav", "header", "footer", "iframe", "select", "button", "input",
         "svg", "template", "head", "object", "textarea", "option"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"


def _decode_html(data: bytes) -> tuple[str, str, Counter[str]]:
    """The page's text in its declared charset if that decodes, else as detected (the declaration lies)."""
    m = _META_CHARSET.search(data[:4096])
    declared = canonical_encoding(m.group(1).decode("ascii", "ignore")) if m else None
    got = decode_report(data, min_cjk=0, declared=declared)
    return got.text, got.encoding, got.repairs


def _html_lines(root: object) -> list[str]:
    """Walk the DOM: block elements break lines, cells are tab-separated, chrome is skipped.

    A line made almost entirely of link text (menus, related-article lists) is dropped.
    """
    skip_attr = chrome().skip_element
    lines: list[tuple[list[str], int]] = [([], 0)]

    def newline() -> None:
        if lines[-1][0]:
            lines.append(([], 0))

    # an explicit stack, not recursion: a page may nest thousands of elements deep. Each entry is the
    # next sibling to visit, whether it sits inside a link, and the tag of the parent whose children
    # these are (when they run out, the parent's block ends: a line break, or a tab after a cell)
    stack: list[tuple[object | None, bool, str | None]] = [(root.child, False, None)]  # type: ignore[attr-defined]
    while stack:
        child, in_link, parent = stack.pop()
        if child is None:
            if parent in _BLOCK:
                newline()
            elif parent in {"td", "th"}:
                lines[-1][0].append("\t")
            continue
        stack.append((child.next, in_link, parent))  # type: ignore[attr-defined]
        tag = child.tag  # type: ignore[attr-defined]
        if tag == "-text":
            s = child.text_content or ""  # type: ignore[attr-defined]
            if s.strip() or lines[-1][0]:
                parts, links = lines[-1]
                parts.append(s)
                lines[-1] = (parts, links + (len(s.strip()) if in_link else 0))
        elif tag not in _SKIP and not tag.startswith("-"):
            attrs = child.attributes  # type: ignore[attr-defined]
            tokens = f"{attrs.get('id') or ''} {attrs.get('class') or ''}".split()
            if not any(p.fullmatch(t) for p in skip_attr for t in tokens):
                if tag in _BLOCK:
                    newline()
                stack.append((child.child, in_link or tag == "a", tag))  # type: ignore[attr-defined]

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

    html, enc, repairs = _decode_html(data)
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        raise ExtractError("HTML page has no body: nothing to read")
    lines = _html_lines(root)
    keep = drop_chrome_lines(lines)
    kept = [line for line, k in zip(lines, keep, strict=True) if k]
    text = remove_strays("\n".join(kept), repairs)  # entities (&#8203; &shy;) become characters only now
    check_text(text, enc, 0.2, STRICT_MAX_REPLACED)  # a lenient decode was already checked on the page
    return Extracted(text, enc, _page_title(tree, kept), _published_on(tree, lines), repairs)


# --------------------------------------------------------------------------- docx


DOCX_MAX_UNPACKED = 64 * 2**20  # a 60 KB report's XML is well under 1 MB; lxml needs ~10x what it parses


def _docx_unpacked_size(data: bytes) -> int:
    """What the DOCX's parts declare they unpack to (0 when it is no zip: python-docx says why)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0


def extract_docx(data: bytes) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if data.startswith(_OLE2):
        raise ExtractError(_ole2_reason(data))
    unpacked = _docx_unpacked_size(data)
    if unpacked > DOCX_MAX_UNPACKED:
        raise ExtractError(f"too large: the Word document unpacks to {unpacked / 2**20:.0f} MB of XML, over the "
                           f"{DOCX_MAX_UNPACKED / 2**20:.0f} MB a report could need (a zip bomb, or not a report)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors ...
        raise ExtractError(_docx_reason(exc)) from exc
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
    repairs: Counter[str] = Counter()
    text = remove_strays("\n".join(out).strip("\n"), repairs)
    if not text.strip():
        raise ExtractError("DOCX has no text: the Word document is empty")
    check_text(text, "utf-8", 0.2, STRICT_MAX_REPLACED)
    return Extracted(text, "utf-8", repairs=repairs)


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file: old .doc, or an encrypted OOXML


def _ole2_reason(data: bytes) -> str:
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted DOCX: the Word document is password-protected, so it cannot be read"
    return "not a DOCX: this is an old Word .doc file (binary format), which is not supported; save it as .docx"


def _docx_reason(exc: Exception) -> str:
    """Why python-docx could not open a file, in plain words (the technical detail in parentheses)."""
    if isinstance(exc, zipfile.BadZipFile):
        why = "the file is damaged or is not a Word document at all"
    elif isinstance(exc, KeyError):
        why = "a part the document needs is missing from the package"
    else:
        why = "its parts are missing or damaged"
    return f"corrupt DOCX: not a valid Word document, {why} ({type(exc).__name__}: {exc})"


# --------------------------------------------------------------------------- pdf

_PAGE_NO = re.compile(r"\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
                      r"\d{1,4}\s*/\s*\d{1,4}|\d{1,4})\s*")


@dataclass(frozen=True)
class PdfLine:
    """One printed line: its text and, when known (size > 0), where it sits on its page."""

    text: str
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    size: float = 0.0
    page: int = 0


_Glyph = tuple[str, float, float, float, float]  # a printed character: text, x0, x1, top, size


def _line_text(glyphs: list[_Glyph]) -> str:
    """Characters of one line -> text: a gap of 1.5 em or more is a column or table-cell break
    (a tab), one of a fifth of an em a space; space characters themselves are left to the gaps.
    Gaps count beyond the line's usual gap between characters: a justified line spreads every
    character apart (1 0 0 is 100), and only a wider gap than that is a space."""
    glyphs = sorted((g for g in glyphs if not g[0].isspace()), key=itemgetter(1))
    if not glyphs:
        return ""
    gaps = [b[1] - a[2] for a, b in zip(glyphs, glyphs[1:], strict=False)]  # x0 after the x1 before
    base = max(0.0, statistics.median(gaps)) if len(gaps) >= 4 else 0.0
    out = [glyphs[0][0]]
    for prev, g, gap in zip(glyphs, glyphs[1:], gaps, strict=False):
        em = max(prev[4], g[4], 1.0)
        beyond = gap - (base if base < em else em)
        if beyond >= 1.5 * em:
            out.append("\t")
        elif beyond >= 0.2 * em:
            out.append(" ")
        out.append(g[0])
    return "".join(out)


def _pdf_line(glyphs: list[_Glyph], number: int) -> PdfLine:
    _, x0, x1, top, size = zip(*glyphs, strict=True)
    return PdfLine(_line_text(glyphs), min(x0), max(x1), min(top), statistics.median(size), number)


def _page_lines(page: object, number: int) -> list[PdfLine]:
    """pdfplumber's lines of one page (the fallback reader)."""
    out = []
    for line in page.extract_text_lines(return_chars=True):  # type: ignore[attr-defined]
        glyphs = [(c["text"], c["x0"], c["x1"], c["top"], c["size"]) for c in line["chars"]
                  if not c["text"].isspace()]
        if glyphs:
            out.append(_pdf_line(glyphs, number))
    return out


LINE_TOLERANCE = 3.0  # pdfplumber's x and y tolerance (pt): chars this close are one word, tops this close one line


def _chain(values: list[float]) -> dict[float, int]:
    """Cluster numbers: sorted, each within LINE_TOLERANCE of the one before joins its cluster
    (pdfplumber's cluster_list); value -> cluster number in ascending order."""
    out: dict[float, int] = {}
    k, last = 0, None
    for v in sorted(set(values)):
        if last is not None and v > last + LINE_TOLERANCE:
            k += 1
        out[v] = k
        last = v
    return out


def _group_lines(glyphs: list[_Glyph], number: int) -> list[PdfLine]:
    """A page's characters (in content order) -> its lines, top to bottom, as pdfplumber's
    extract_text_lines groups them: characters clustered by top and ordered by x0, cut into words
    (a jump back, a gap over the tolerance, or another top), the words' tops clustered again into
    lines. The content order is the order a PDF draws in (a running footer may come first): the
    clustering is what puts the lines in reading order."""
    if not glyphs:
        return []
    row = _chain([g[3] for g in glyphs])
    ordered = sorted(glyphs, key=lambda g: (row[g[3]], g[1]))
    words: list[list[_Glyph]] = [[ordered[0]]]
    for g in ordered[1:]:
        p = words[-1][-1]
        if g[1] < p[1] or g[1] > p[2] + LINE_TOLERANCE or abs(g[3] - p[3]) > LINE_TOLERANCE:
            words.append([g])
        else:
            words[-1].append(g)
    tops = [min(g[3] for g in w) for w in words]
    line_of = _chain(tops)
    out: list[PdfLine] = []
    current: list[_Glyph] = []
    prev_line = None
    for w, top in zip(words, tops, strict=True):
        if current and line_of[top] != prev_line:
            out.append(_pdf_line(current, number))
            current = []
        current += w
        prev_line = line_of[top]
    out.append(_pdf_line(current, number))
    return out


def _box_font() -> bytes:
    """A TrueType font whose every character (U+0020 and up, cmap format 13) is one glyph, a filled
    1-em box from the descent to the ascent: pdfium needs a glyph with a box to keep a text object
    (an empty box drops a one-character object), and this one costs nothing to outline."""
    import struct

    em, up, down = 1000, 880, -120
    glyph = struct.pack(">hhhhhHH4B", 1, 0, down, em, up, 3, 0, 1, 1, 1, 1)
    glyph += struct.pack(">8h", 0, 0, em, 0, down, up - down, 0, down - up)
    glyph += b"\0" * (-len(glyph) % 4)
    tables = {
        b"cmap": struct.pack(">HHHHIHHIIIIII", 0, 1, 3, 10, 12, 13, 0, 28, 0, 1, 0x20, 0x10FFFF, 1),
        b"glyf": glyph * 2,
        b"head": struct.pack(">IIIIHHqqhhhhHHhhh", 0x10000, 0x10000, 0, 0x5F0F3CF5, 0, em, 0, 0, 0, down, em, up,
                             0, 8, 2, 0, 0),
        b"hhea": struct.pack(">IhhhHhhhhhhhhhhhH", 0x10000, up, down, 0, em, 0, 0, em, 1, 0, 0, 0, 0, 0, 0, 0, 2),
        b"hmtx": struct.pack(">HhHh", em, 0, em, 0),
        b"loca": struct.pack(">HHH", 0, len(glyph) // 2, len(glyph)),
        b"maxp": struct.pack(">IHHHHHHHHHHHHHH", 0x10000, 2, 4, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0),
        b"post": struct.pack(">IIhhIIIII", 0x30000, 0, 0, 0, 0, 0, 0, 0, 0),
    }
    out = struct.pack(">IHHHH", 0x10000, len(tables), 128, 3, 16 * len(tables) - 128)
    body, offset = b"", 12 + 16 * len(tables)
    for tag, data in sorted(tables.items()):
        out += struct.pack(">4sIII", tag, 0, offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    return out + body


@cache
def _pdfium_with_box_font() -> object:
    """Give pdfium one font for every font a PDF does not embed (once per process).

    Otherwise pdfium substitutes one from the machine's fonts: for Chinese a CJK one (Noto CJK,
    26 MB of CFF) whose every glyph it then interprets, twice, to box it; that was 80 % of the time.
    Text extraction needs only the PDF's own code→Unicode maps and widths (positions come from
    those), so a box per glyph will do: ~6x faster, and the text no longer depends on which fonts
    a machine has. Nothing in this project renders PDFs. The returned struct and callbacks must
    stay alive as long as pdfium may call them."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    font, face = _box_font(), b"box\0"

    def copy(blob: bytes, buf: object, size: int) -> int:
        if buf and size >= len(blob):
            ctypes.memmove(buf, blob, len(blob))
        return len(blob)

    kinds = dict(pdfium_c.FPDF_SYSFONTINFO._fields_)
    info = pdfium_c.FPDF_SYSFONTINFO()
    info.version = 1
    callbacks = {
        "Release": lambda this: None, "EnumFonts": lambda this, mapper: None,
        "MapFont": lambda *args: 1, "GetFont": lambda this, name: 1,
        "GetFontData": lambda this, handle, table, buf, size: copy(font, buf, size) if table == 0 else 0,
        "GetFaceName": lambda this, handle, buf, size: copy(face, buf, size),
        "GetFontCharset": lambda *args: 1, "DeleteFont": lambda *args: None,
    }
    keep = {}
    for name, fn in callbacks.items():
        keep[name] = kinds[name](fn)
        setattr(info, name, keep[name])
    pdfium_c.FPDF_SetSystemFontInfo(ctypes.byref(info))
    return info, keep


class _Damaged(Exception):
    """pdfium read the file only by repairing it: leave it to pdfplumber, which says why it is broken."""


@cache
def _per_character_calls() -> tuple[Callable[..., int], Callable[..., int | None], Callable[..., int]]:
    """FPDFText_GetCharOrigin, _GetTextObject and _HasUnicodeMapError at their addresses in pdfium,
    taking and giving plain addresses: pypdfium2's bindings wrap every pointer in a ctypes object,
    which costs more than pdfium's own work on a character (they run once per character of a PDF)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    def plain(func: object, restype: type, *argtypes: type) -> Callable[..., int]:
        return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(func, ctypes.c_void_p).value)

    address, index = ctypes.c_void_p, ctypes.c_int
    return (plain(pdfium_c.FPDFText_GetCharOrigin, ctypes.c_int, address, index, address, address),
            plain(pdfium_c.FPDFText_GetTextObject, address, address, index),
            plain(pdfium_c.FPDFText_HasUnicodeMapError, ctypes.c_int, address, index))


def _pdfium_pages(data: bytes) -> list[list[PdfLine]]:
    """Each page's lines, read by pdfium (native code): per character its text, origin, font size
    times the text matrix's scale (pdfplumber's size) and advance width from the PDF's own widths
    (FPDFFont_GetGlyphWidth: pdfplumber's boxes are advance-width boxes; pdfium's loose box takes
    Latin widths of a non-embedded CJK font from its substitute instead). Size, scale and font are
    looked up once per text object, widths once per object and character. Generated characters
    (pdfium's own spaces and line breaks) and spaces are skipped: the gaps decide spaces, as before.
    A character its font maps to no Unicode reads as (cid:N), as pdfminer writes it, for the
    quarantine check. Each page is closed before the next is loaded: memory follows one page."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    _pdfium_with_box_font()
    origin, text_object, unmapped = _per_character_calls()
    glyph_width = pdfium_c.FPDFFont_GetGlyphWidth
    x, y, width, box, matrix = (ctypes.c_double(), ctypes.c_double(), ctypes.c_float(), pdfium_c.FS_RECTF(),
                                pdfium_c.FS_MATRIX())
    at_x, at_y = ctypes.addressof(x), ctypes.addressof(y)
    pdf = pdfium.PdfDocument(data)
    try:
        if not pdfium_c.FPDF_DocumentHasValidCrossReferenceTable(pdf.raw):
            raise _Damaged
        pages = []
        for number in range(len(pdf)):
            page = pdf[number]
            text_page = page.get_textpage()
            try:
                height, tp = page.get_height(), text_page.raw
                handle = ctypes.cast(tp, ctypes.c_void_p).value  # the per-character calls take plain addresses
                n = text_page.count_chars()
                text = text_page.get_text_range(0, n) if n else ""
                if len(text) != n:  # a character outside the BMP (two UTF-16 units): one at a time
                    text = "".join(chr(pdfium_c.FPDFText_GetUnicode(tp, i)) for i in range(n))
                objects: dict[int, tuple[object, float, float, float]] = {}
                widths: dict[tuple[int, str], float] = {}
                glyphs: list[_Glyph] = []
                for i, ch in enumerate(text):
                    if ch.isspace():
                        continue
                    key = text_object(handle, i)
                    if not key:
                        continue
                    known = objects.get(key)
                    if known is None:
                        pdfium_c.FPDFText_GetMatrix(tp, i, matrix)
                        known = objects[key] = (pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(tp, i)),
                                                pdfium_c.FPDFText_GetFontSize(tp, i), matrix.a, abs(matrix.d))
                    font, tf, scale_x, scale_y = known
                    if unmapped(handle, i):
                        ch = f"(cid:{ord(ch)})"
                    origin(handle, i, at_x, at_y)
                    advance = widths.get((key, ch))
                    if advance is None:
                        if len(ch) == 1 and glyph_width(font, ord(ch), tf, width):
                            advance = width.value * scale_x
                        else:  # no width to be had for the code: the box pdfium drew
                            pdfium_c.FPDFText_GetLooseCharBox(tp, i, box)
                            advance = box.right - box.left
                        widths[(key, ch)] = advance
                    size = tf * scale_y
                    glyphs.append((ch, x.value, x.value + advance, height - y.value - size, size))
            finally:
                text_page.close()
                page.close()
            pages.append(_group_lines(glyphs, number))
        return pages
    finally:
        pdf.close()


def _strip_running(pages: list[list[PdfLine]]) -> list[list[PdfLine]]:
    """Drop page numbers and lines repeated at the top or bottom of most pages."""
    pages = [[ln for ln in p if ln.text.strip()] for p in pages]
    for p in pages:
        for idx in (-1, 0, -1, 0):
            if p and _PAGE_NO.fullmatch(p[idx].text):
                p.pop(idx)
    if len(pages) >= 2:
        for idx in (0, -1):
            keys = Counter(re.sub(r"\d+", "#", p[idx].text.strip()) for p in pages if p)
            for key, n in keys.items():
                if n >= max(2, 0.6 * len(pages)):
                    for p in pages:
                        if p and re.sub(r"\d+", "#", p[idx].text.strip()) == key:
                            p.pop(idx)
    return pages


@dataclass(frozen=True)
class _Layout:
    """The body text's font size, left and right edges, line pitch, and whether its paragraphs
    start indented or are set apart by extra spacing (then a line ending a sentence at the right
    edge still runs on)."""

    size: float
    left: float
    right: float
    pitch: float
    indented: bool
    spaced: bool


def _layout(lines: list[PdfLine]) -> _Layout | None:
    if not lines or any(ln.size <= 0 for ln in lines):
        return None
    weight: Counter[float] = Counter()  # the size most characters are set in
    for ln in lines:
        weight[round(ln.size, 1)] += len(ln.text)
    size = weight.most_common(1)[0][0]
    body = [ln for ln in lines if abs(ln.size - size) < 0.5]
    # the left edge: the leftmost start shared by a few lines (not the commonest: in a report of
    # one-line indented paragraphs most lines start indented)
    starts = Counter(round(ln.x0) for ln in body)
    left = min((x for x, n in starts.items() if n >= max(2, 0.05 * len(body))), default=min(starts))
    rights = sorted(ln.x1 for ln in body)
    right = rights[int(0.9 * (len(rights) - 1))]
    pitches = [b.top - a.top for a, b in zip(body, body[1:], strict=False) if a.page == b.page and b.top > a.top]
    pitch = statistics.median(pitches) if pitches else 1.2 * size
    indents = sum(left + 1.5 * size <= ln.x0 <= left + 2.5 * size for ln in body)
    spaced = sum(p > 1.3 * pitch for p in pitches)
    return _Layout(size, left, right, pitch, indents >= 2, spaced >= 2)


def _runs_on(prev: PdfLine, line: PdfLine, geo: _Layout) -> bool:
    """Whether `line` continues the text of `prev` on the page (wrapped at the right edge)."""
    if abs(prev.size - line.size) >= 0.5:
        return False
    close = line.page != prev.page or line.top - prev.top <= 1.3 * (geo.pitch if abs(line.size - geo.size) < 0.5
                                                                     else 1.5 * line.size)
    if not close:
        return False
    ends = ends_sentence(prev.text)
    if line.size > geo.size + 0.5:  # a title set larger, wrapped (often centred): a wide first line
        return not ends and prev.x1 - prev.x0 >= 0.75 * (geo.right - geo.left) and prev.text != line.text
    full = prev.x1 >= geo.right - 1.5 * prev.size
    flush = line.x0 <= geo.left + 0.5 * line.size
    # after a sentence end, a short line that ends no sentence is an unnumbered heading, not the tail of
    # a paragraph (…未发生行政诉讼案件。/ 2024年工作安排)
    if ends and line.x1 < geo.right - 1.5 * line.size and not ends_sentence(line.text):
        return False
    return full and flush and (not ends or geo.indented or geo.spaced)


_WORD_TAIL = re.compile(r"(.?)[A-Za-z0-9]+$")
_WORD_HEAD = re.compile(r"[A-Za-z0-9]+(.?)")


def _wrap_space(a: str, b: str) -> str:
    """What goes between a wrapped line `a` and the line `b` running on from it: nothing, except a space
    between two words of English (…report of the / county government…). A number or a Latin run the
    wrap cut in two is joined whole: 达到1 / 00万元 is 100万元, 10 / 0% is 100%, a pinyin gloss 經(jīn / g)
    is 經(jīng), an index number …yx_kf / q/2023… is one token."""
    if not (a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum()):
        return ""
    before = _WORD_TAIL.search(a).group(1)  # type: ignore[union-attr]
    after = _WORD_HEAD.match(b).group(1)  # type: ignore[union-attr]
    return " " if before in {"", " "} and (after in {"", " "} or after in ",.;:!?)'\"") else ""


def rejoin_lines(lines: list[str] | list[PdfLine]) -> str:
    """Re-join lines wrapped at the page width.

    With the lines' positions (a PDF): a line runs on from the one before when that one reaches
    the right edge of the body text and this one starts flush at the left edge, in the same font
    size, without a paragraph's extra spacing; after a sentence end only when the paragraphs
    of the document start indented or are spaced apart. Larger type (a title) runs on until a sentence end. A line
    starting a heading or list item, and a table row (a tab), never runs on. Without positions:
    the line before does not end a sentence and is at least 0.7 of the median line length.
    A title set larger runs on when the line before spans most of the body width and ends no sentence.
    """
    if not lines:
        return ""
    items = [ln if isinstance(ln, PdfLine) else PdfLine(ln) for ln in lines]
    geo = _layout(items)
    width = statistics.median(len(ln.text) for ln in items)
    heading = heading_start()
    out = [items[0].text]
    for prev, line in zip(items, items[1:], strict=False):
        if "\t" in prev.text or "\t" in line.text or heading.match(line.text):
            wrapped = False
        elif geo is not None:
            wrapped = _runs_on(prev, line, geo)
        else:
            wrapped = not ends_sentence(prev.text) and len(prev.text) >= 0.7 * width
        if wrapped:
            a, b = out[-1].rstrip(), line.text.lstrip()
            out[-1] = a + _wrap_space(a, b) + b
        else:
            out.append(line.text)
    return "\n".join(out)


def _plumber_pages(data: bytes) -> list[list[PdfLine]]:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = []
            for k, page in enumerate(pdf.pages):
                pages.append(_page_lines(page, k))
                page.close()  # drop the page's parsed objects: memory follows one page, not the document
            return pages
    except Exception as exc:  # pdfminer raises a zoo of types on broken files
        raise ExtractError(_pdf_reason(data, exc)) from exc


def extract_pdf(data: bytes) -> Extracted:
    """The PDF's text: pdfium (native, ~10x faster than pdfminer) reads it; a file pdfium cannot open,
    or opens only by repairing it, goes to pdfplumber, which reads it the way it always did or names
    what is wrong with it (encrypted, truncated, not a PDF) in the words the quarantine uses."""
    try:
        pages = [[dataclasses.replace(ln, text=ln.text.translate(_PDFIUM_FOLD)) if "\u30fb" in ln.text else ln
                  for ln in p] for p in _pdfium_pages(data)]
    except Exception:  # pypdfium2's PdfiumError, _Damaged: the fallback gives the reason
        pages = _plumber_pages(data)
    lines = [ln for p in _strip_running(pages) for ln in p if ln.text.strip()]
    repairs: Counter[str] = Counter()
    text = remove_strays(rejoin_lines(lines), repairs)
    if not text.strip():
        raise ExtractError("PDF has no text layer (a scan?): nothing to read")
    if 9 * len(_CID.findall(text)) > 0.2 * len(text):  # (cid:123) codes are a fifth of the text or more
        raise ExtractError("PDF text cannot be read: its fonts give no characters, only glyph numbers "
                           "((cid:…) codes: no Unicode mapping)")
    check_text(text, "pdf", 0.2)
    return Extracted(text, "pdf", repairs=repairs)


_CID = re.compile(r"\(cid:\d+\)")
# the Chinese CID fonts' middle dot (12·4, 国家宪法日) decodes to katakana ・ through pdfium's
# ToUnicode and to · through pdfminer's character collection: the text keeps the · it always had
_PDFIUM_FOLD = str.maketrans({"\u30fb": "\u00b7"})


def _pdf_reason(data: bytes, exc: Exception) -> str:
    """Why pdfplumber/pdfminer could not open a file, in plain words (the technical detail in parentheses)."""
    cause = exc.args[0] if type(exc).__name__ == "PdfminerException" and exc.args else exc
    name = type(cause).__name__ if isinstance(cause, BaseException) else type(exc).__name__
    detail = f"{name}: {cause}".rstrip(": ") if str(cause) else name
    if "Password" in name or "Encrypt" in name or "encrypt" in str(cause).lower():
        return f"encrypted PDF: password-protected, so its text cannot be read ({detail})"
    if not data.lstrip()[:5].startswith(b"%PDF"):
        return f"corrupt PDF: the file is not a PDF (it does not start with %PDF; {detail})"
    return f"corrupt PDF: the file is damaged or is not a PDF (pdfminer could not parse it: {detail})"


# --------------------------------------------------------------------------- frame

_EXTRACTORS = {"text": extract_text, "markdown": extract_text, "html": extract_html,
               "docx": extract_docx, "pdf": extract_pdf}


def extract(ext: str, data: bytes | None) -> Extracted:
    """Extract one file; raises ExtractError/DecodeError with the quarantine reason."""
    fmt = FORMATS.get(ext)
    if fmt is None:
        raise ExtractError(f"unsupported format: .{ext} (only {', '.join('.' + e for e in FORMATS)} files are read)")
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
               "repairs": [], "error": None}
        try:
            got = extract(ext, rec["content"])
            row.update(encoding=got.encoding, source_text=got.text, page_title=got.page_title,
                       page_published_on=got.page_published_on, repairs=describe_repairs(got.repairs))
        except (ExtractError, DecodeError) as exc:
            row["error"] = str(exc)
        except RecursionError:
            row["error"] = f"could not be read: the {row['format']} file is nested too deeply to take apart"
        except Exception as exc:  # never let one file sink the batch
            row["error"] = (f"could not be read: the {row['format']} reader failed on this file, which is probably "
                            f"damaged ({type(exc).__name__}: {exc})")
        rows.append(row)
    return conform(pl.DataFrame(rows, schema=DOCUMENTS), DOCUMENTS)

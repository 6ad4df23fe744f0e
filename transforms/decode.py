"""Bytes -> text for report files whose encoding nobody wrote down.

Order of trust: a BOM, then strict UTF-8 (most files), then UTF-16 without a BOM, then the
detectors (charset-normalizer, chardet) as *proposers*: every candidate is decoded and scored
by the share of characters a Chinese report plausibly contains (common hanzi in either script,
ASCII, CJK punctuation), because GBK and Big5 bytes both decode "successfully" as the other.
The GB family is always decoded as gb18030 (its superset). Text that is not sensibly a
Chinese report raises `DecodeError` with a reason the quarantine table can show.

Repair before quarantine: a readable file with a few flaws is repaired and the repair is
recorded (`Decoded.repairs`, shown to analysts by `describe_repairs`): stray NUL/control bytes
and zero-width characters are removed, a few undecodable bytes become U+FFFD, a character cut
off at the end of the file (UTF-16 of odd length, UTF-8 cut inside a character) is dropped.
Only what stays within the limits below is repaired; binary junk is still refused.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import chardet
import charset_normalizer
import opencc

GB_FAMILY = {"gb2312", "gbk", "cp936", "gb18030", "hz", "euc-cn", "x-gbk", "ms936"}
BIG5_FAMILY = {"big5", "big5hkscs", "cp950", "big5-hkscs", "x-big5"}
# codec used to decode each reported encoding (cp950 is Big5 with the Microsoft additions)
_DECODER = {"gb18030": "gb18030", "big5": "cp950", "utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be"}

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CTRL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CTRL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# invisible characters that only get in the way of reading (1\u200b2件 is 12件): zero-width space,
# non-joiner, joiner, word joiner, zero-width no-break space (a BOM inside the text), soft hyphen
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH}]")
_MARK = "\udc80"  # stands for an undecodable byte while decoding (a lone surrogate: no file decodes to it)
_MARKS_RE = re.compile(f"{_MARK}+")
_PUNCT = "。，、；：？！“”‘’（）《》〈〉〔〕【】「」『』—…·％＋－．／０-９Ａ-Ｚａ-ｚ　\u00a0•●■□①-⑳"
_PINYIN = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ"


def _mark_bad_bytes(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return _MARK * (exc.end - exc.start), exc.end


codecs.register_error("reports_warehouse.mark", _mark_bad_bytes)


def stray_limit(n: int) -> float:
    """How many NUL/control characters a text of `n` characters may hold and still be repaired."""
    return max(2, 0.01 * n)


_REPAIR_WORDS = {
    "control": "removed {n} NUL/control {unit}",
    "undecodable": "replaced {n} undecodable {unit} with \ufffd",
    "zero_width": "removed {n} zero-width {unit} (\u200b, soft hyphen and the like)",
}
_REPAIR_UNIT = {"control": "byte", "undecodable": "byte", "zero_width": "character"}


def describe_repairs(counts: Mapping[str, int]) -> list[str]:
    """Repairs in plain words, for analysts: 'removed 1 NUL/control byte', 'dropped a truncated
    last character (the file was cut short)', ... (`counts`: repair kind -> how many)."""
    out = []
    for kind in ("control", "undecodable", "truncated", "zero_width"):
        n = counts.get(kind, 0)
        if not n:
            continue
        if kind == "truncated":
            out.append("dropped a truncated last character (the file was cut short)")
        else:
            unit = _REPAIR_UNIT[kind] + ("s" if n > 1 else "")
            out.append(_REPAIR_WORDS[kind].format(n=n, unit=unit))
    return out


@dataclass
class Decoded:
    """Decoded text, the encoding it was read in, and what was repaired (kind -> count)."""

    text: str
    encoding: str
    repairs: Counter[str] = field(default_factory=Counter)


def remove_strays(text: str, repairs: Counter[str]) -> str:
    """Remove zero-width characters, and stray NUL/control characters when there are few enough to be
    strays (more are left for `check_text` to refuse as binary); count what was removed in `repairs`."""
    n = len(_ZERO_WIDTH_RE.findall(text))
    if n:
        text = _ZERO_WIDTH_RE.sub("", text)
        repairs["zero_width"] += n
    n = len(_CTRL_RE.findall(text))
    if n and n <= stray_limit(len(text)):
        text = _CTRL_RE.sub("", text)
        repairs["control"] += n
    return text


class DecodeError(ValueError):
    """The bytes are not a text document we can use; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@cache
def common_hanzi() -> str:
    """GB2312 level-1 hanzi (the 3,755 most used) plus their traditional forms per OpenCC.

    A cheap stand-in for a frequency list: mojibake and wrong-codec output land mostly
    outside it, real report prose lands almost entirely inside it.
    """
    simplified = []
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                simplified.append(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    chars = set(simplified)
    folder = Path(opencc.__file__).parent / "dictionary"
    base = frozenset(chars)
    for line in (folder / "STCharacters.txt").read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key in base:
            chars.update(values.split())
    for line in (folder / "TSCharacters.txt").read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if base.intersection(values.split()):
            chars.add(key)
    return "".join(sorted(chars))


@cache
def plausible_re() -> re.Pattern[str]:
    return re.compile(f"[{re.escape(common_hanzi())}{_PUNCT}{_PINYIN}\\x20-\\x7e\\t\\r\\n]+")


def plausibility(text: str, sample: int = 20_000) -> float:
    """Share of characters (of a leading sample) that a Chinese report plausibly contains."""
    head = text[:sample]
    if not head:
        return 0.0
    bad = len(plausible_re().sub("", head))
    return 1.0 - bad / len(head)


def _read(data: bytes, codec: str, repairs: Counter[str], lenient: bool = False) -> str:
    """Decode `data`; a character cut short at the very end (a truncated file) is dropped and counted.
    Strict (raises UnicodeDecodeError) unless `lenient`: then each run of undecodable bytes becomes one
    U+FFFD and the bytes are counted in `repairs`."""
    dec = codecs.getincrementaldecoder(codec)("reports_warehouse.mark" if lenient else "strict")
    text = dec.decode(data, final=False)
    if dec.getstate()[0]:
        repairs["truncated"] = 1
    if lenient and _MARK in text:
        repairs["undecodable"] += text.count(_MARK)
        text = _MARKS_RE.sub("\ufffd", text)  # one per broken character, as a reader shows it
    return text


def _few_bad(bad: int, text: str) -> bool:
    """Few enough undecodable bytes to replace them rather than refuse the file."""
    return bad <= max(2, 0.01 * len(text))


def _bom(data: bytes, repairs: Counter[str]) -> tuple[str, str] | None:
    for bom, enc, codec in (
        (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
    ):
        if data.startswith(bom):
            if enc != "utf-8" and len(data) % (4 if enc == "utf-32" else 2):
                data = data[: len(data) - len(data) % (4 if enc == "utf-32" else 2)]
                repairs["truncated"] = 1
            try:
                return _read(data, codec, repairs), enc
            except UnicodeDecodeError as exc:
                got: Counter[str] = Counter()
                text = _read(data, codec, got, lenient=True)
                if not _few_bad(got["undecodable"], text):
                    raise DecodeError(f"undecodable: invalid {enc} after its BOM ({exc.reason})") from exc
                repairs.update(got)
                return text, enc
    return None


def canonical_encoding(name: str | None) -> str | None:
    if not name:
        return None
    name = name.lower().replace("_", "-")
    if name in GB_FAMILY:
        return "gb18030"
    if name in BIG5_FAMILY:
        return "big5"
    if name in {"utf-16le", "utf-16-le"}:
        return "utf-16-le"
    if name in {"utf-16be", "utf-16-be"}:
        return "utf-16-be"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _utf16_guess(data: bytes, repairs: Counter[str]) -> tuple[str, str] | None:
    """UTF-16 without a BOM: decodes strictly and reads as plausible Chinese text (a file of odd
    length lost its last byte: the character it belonged to is dropped)."""
    body = data[: len(data) - len(data) % 2]
    best: tuple[float, str, str, Counter[str]] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        got: Counter[str] = Counter()
        try:
            text = _read(body, enc, got)
        except UnicodeDecodeError:
            continue
        score = plausibility(_ZERO_WIDTH_RE.sub("", text))
        if score > 0.9 and (best is None or score > best[0]):
            best = (score, text, enc, got)
    if best is None:
        return None
    if len(data) % 2:
        best[3]["truncated"] = 1
    repairs.update(best[3])
    return best[1], best[2]


def _candidates(data: bytes, declared: str | None = None) -> list[str]:
    """Encodings to try, best first: UTF-8 read leniently (a UTF-8 file with a few corrupt bytes), the
    page's declared charset, the detectors' guesses, then gb18030 and big5."""
    names: list[str] = ["utf-8", declared or ""]
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is not None:
        names.append(best.encoding)
    names.append(chardet.detect(data[:200_000]).get("encoding") or "")
    names += ["gb18030", "big5"]
    out: list[str] = []
    for name in names:
        enc = canonical_encoding(name)
        if enc and enc not in out and enc != "ascii":
            out.append(enc)
    return out


STRICT_MAX_REPLACED = 0.1  # a strictly decoded file may hold this share of U+FFFD of its own


def check_text(text: str, encoding: str, min_cjk: float, max_replaced: float = 0.01) -> tuple[str, str]:
    """The decoded text if it is usable. `max_replaced`: the share of U+FFFD tolerated; a strict decode
    may pass more, since its replacement characters are the file's own (a saved page's garbled
    stretches), while a lenient decode's are bytes the guessed encoding could not read."""
    if not text.strip():
        raise DecodeError("empty file")
    if "\x00" in text:
        raise DecodeError("undecodable: binary data, not text (NUL bytes)")
    n = len(text)
    if len(_CTRL_RE.findall(text)) > max(2, 0.01 * n):
        raise DecodeError("undecodable: too many control characters (binary?)")
    if text.count("\ufffd") > max(2, max_replaced * n):
        raise DecodeError("undecodable: too many unreadable characters (U+FFFD)")
    if min_cjk > 0:
        visible = len(re.sub(r"\s+", "", text))
        cjk = len(CJK_RE.findall(text))
        if cjk < max(1.0, min_cjk * visible):
            raise DecodeError(f"undecodable: too little Chinese text ({cjk} of {visible} characters)")
    return text, encoding


def _checked(text: str, encoding: str, min_cjk: float, max_replaced: float, repairs: Counter[str]) -> Decoded:
    text = remove_strays(text, repairs)
    check_text(text, encoding, min_cjk, max_replaced)
    return Decoded(text, encoding, repairs)


def decode_report(data: bytes, min_cjk: float = 0.2, declared: str | None = None) -> Decoded:
    """Decode a report file, repairing small flaws; raises DecodeError when it cannot be read.

    `min_cjk` is the least share of CJK among visible characters; pass 0 for markup (HTML)
    whose Chinese share is checked after the markup is removed. `declared`: the encoding the
    file says it is in (an HTML page's charset), tried first and trusted only if it decodes.
    """
    if not data or not data.strip():
        raise DecodeError("empty file")
    repairs: Counter[str] = Counter()
    found = _bom(data, repairs)
    if found:
        return _checked(*found, min_cjk, STRICT_MAX_REPLACED, repairs)
    if b"\x00" in data:
        found = _utf16_guess(data, repairs)
        if found:
            return _checked(*found, min_cjk, 0.01, repairs)
        strays = len(_CTRL_BYTES.findall(data))
        if strays > stray_limit(len(data)):
            raise DecodeError("undecodable: binary data, not text (NUL bytes)")
        data = _CTRL_BYTES.sub(b"", data)  # stray NUL/control bytes: never part of a character here
        repairs["control"] += strays
    for enc in ([declared] if declared and declared != "utf-8" else []) + ["utf-8"]:
        try:
            return _checked(_read(data, _DECODER.get(enc, enc), repairs), enc, min_cjk, STRICT_MAX_REPLACED,
                            repairs)
        except (UnicodeDecodeError, LookupError):
            repairs.pop("truncated", None)
    found = _utf16_guess(data, repairs)
    if found:
        return _checked(*found, min_cjk, 0.01, repairs)
    high = len(data.translate(None, bytes(range(0x80))))  # non-ASCII bytes
    scored: list[tuple[float, int, str, str, Counter[str]]] = []
    for rank, enc in enumerate(_candidates(data, declared)):
        got: Counter[str] = Counter()
        try:
            text = _read(data, _DECODER.get(enc, enc), got, lenient=True)
        except LookupError:
            continue
        if enc == "utf-8" and got["undecodable"] > 0.02 * high:
            continue  # not UTF-8 with a few corrupt bytes: most of its non-ASCII bytes are not UTF-8
        shown = _ZERO_WIDTH_RE.sub("", text)
        penalty = shown.count("\ufffd") / max(1, len(shown))
        scored.append((plausibility(shown) - 5 * penalty, -rank, text, enc, got))
    if not scored:
        raise DecodeError("undecodable: no candidate encoding")
    score, _, text, enc, got = max(scored, key=lambda s: s[:2])
    if score < 0.8:
        raise DecodeError(f"undecodable: reads as noise in every encoding tried (best guess {enc}, "
                          f"plausibility {score:.2f})")
    repairs.update(got)
    return _checked(text, enc, min_cjk, 0.01, repairs)


def decode_bytes(data: bytes, min_cjk: float = 0.2) -> tuple[str, str]:
    """Decode a report file; return (text, encoding name) (`decode_report` without the repairs)."""
    got = decode_report(data, min_cjk)
    return got.text, got.encoding

"""Bytes -> text for report files whose encoding nobody wrote down.

Order of trust: a BOM, then strict UTF-8 (most files), then UTF-16 without a BOM, then the
detectors (charset-normalizer, chardet) as *proposers*: every candidate is decoded and scored
by the share of characters a Chinese report plausibly contains (common hanzi in either script,
ASCII, CJK punctuation), because GBK and Big5 bytes both decode "successfully" as the other.
The GB family is always decoded as gb18030 (its superset). Text that is not sensibly a
Chinese report raises `DecodeError` with a reason the quarantine table can show.
"""

from __future__ import annotations

import codecs
import re
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
_PUNCT = "。，、；：？！“”‘’（）《》〈〉〔〕【】「」『』—…·％＋－．／０-９Ａ-Ｚａ-ｚ　\u00a0•●■□①-⑳"
_PINYIN = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ"


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


def _bom(data: bytes) -> tuple[str, str] | None:
    for bom, enc, codec in (
        (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), enc
            except UnicodeDecodeError as exc:
                raise DecodeError(f"undecodable: invalid {enc} after its BOM ({exc.reason})") from exc
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


def _utf16_guess(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: decodes strictly and reads as plausible Chinese text."""
    if len(data) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = plausibility(text)
        if score > 0.9 and (best is None or score > best[0]):
            best = (score, text, enc)
    return (best[1], best[2]) if best else None


def _candidates(data: bytes) -> list[str]:
    names: list[str] = []
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is not None:
        names.append(best.encoding)
    names.append(chardet.detect(data[:200_000]).get("encoding") or "")
    names += ["gb18030", "big5"]
    out: list[str] = []
    for name in names:
        enc = canonical_encoding(name)
        if enc and enc not in out and enc not in {"ascii", "utf-8"}:
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
        raise DecodeError("undecodable: binary data (NUL bytes)")
    n = len(text)
    if len(_CTRL_RE.findall(text)) > max(2, 0.01 * n):
        raise DecodeError("undecodable: too many control characters (binary?)")
    if text.count("\ufffd") > max(2, max_replaced * n):
        raise DecodeError("undecodable: too many replacement characters")
    if min_cjk > 0:
        visible = len(re.sub(r"\s+", "", text))
        cjk = len(CJK_RE.findall(text))
        if cjk < max(1.0, min_cjk * visible):
            raise DecodeError(f"undecodable: too little Chinese text ({cjk} of {visible} characters)")
    return text, encoding


def decode_bytes(data: bytes, min_cjk: float = 0.2) -> tuple[str, str]:
    """Decode a report file; return (text, encoding name).

    `min_cjk` is the least share of CJK among visible characters; pass 0 for markup (HTML)
    whose Chinese share is checked after the markup is removed.
    """
    if not data or not data.strip():
        raise DecodeError("empty file")
    found = _bom(data)
    if found:
        return check_text(*found, min_cjk, STRICT_MAX_REPLACED)
    if b"\x00" in data:
        found = _utf16_guess(data)
        if found is None:
            raise DecodeError("undecodable: binary data (NUL bytes)")
        return check_text(*found, min_cjk)
    try:
        return check_text(data.decode("utf-8"), "utf-8", min_cjk, STRICT_MAX_REPLACED)
    except UnicodeDecodeError:
        pass
    found = _utf16_guess(data)
    if found:
        return check_text(*found, min_cjk)
    scored: list[tuple[float, int, str, str]] = []
    for rank, enc in enumerate(_candidates(data)):
        try:
            text = data.decode(_DECODER.get(enc, enc), errors="replace")
        except LookupError:
            continue
        penalty = text.count("\ufffd") / max(1, len(text))
        scored.append((plausibility(text) - 5 * penalty, -rank, text, enc))
    if not scored:
        raise DecodeError("undecodable: no candidate encoding")
    score, _, text, enc = max(scored)
    if score < 0.8:
        raise DecodeError(f"undecodable: best guess {enc} reads as noise (plausibility {score:.2f})")
    return check_text(text, enc, min_cjk)

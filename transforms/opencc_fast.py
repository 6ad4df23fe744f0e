"""OpenCC conversion with opencc-python-reimplemented's own dictionaries and semantics, at native speed.

opencc-python-reimplemented (`OpenCC(config).convert`) splits text at separators (spaces and
punctuation; no dictionary key contains one), then applies each group of its conversion chain
in turn (tw2s: [TWVariantsRevPhrases, TWVariantsRev], then [TSPhrases, TSCharacters]). Within a
group the first dictionary is matched *longest anywhere first*: in a piece of text it replaces
the longest key found (the leftmost of that length), then does the same in the pieces to its
left and right; the next dictionaries of the group (single characters) only touch what no
earlier dictionary matched; a key with several values takes the first.

Here each group is one Aho-Corasick pass of polars `str.replace_many(leftmost=True)` over all
keys of the group, longest first: leftmost-longest matching. The two agree whenever no two key
occurrences in a line cross (one starts inside the other and ends after it): with only nested
or disjoint occurrences both pick exactly the occurrences not inside a longer one. A crossing
is found natively (`contains_any` on every string two crossing keys spell together, e.g.
閔凶 + 凶兆 -> 閔凶兆); such a line (rare in real text) is converted by OpenCC itself, so the
output is identical to `OpenCC(config).convert` line by line, on every input.

A group's single characters need no automaton: a phrase match starting at a position beats the
character key there (it is longer), and a character match covers only its own position, so the
leftmost-longest phrases are the same with or without the character keys. So all lines, joined
into one string, are run through each group as code units (UTF-32, pyarrow `take` for a table):
the text is first reduced (every character of a phrase key to a short stand-in below U+0800,
a line break to itself, any other character to U+0001, which no key holds), the phrases alone
(~300 keys) are replaced in that short text with values written as plane-16 private-use
stand-ins, and a stand-in then gives its character while every other position goes through
the group's character table. The reduced text is a third of the bytes and has no false starts,
so the automaton runs several times faster than over the text with all ~4,400 keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import opencc
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class Group:
    """One group of the conversion chain as a single leftmost-longest replacement."""

    keys: list[str]  # every key of the group, longest first
    values: list[str]  # the (first) value of each key, from the first dictionary that has it
    crossings: list[str]  # strings where two keys of the group's phrase dictionary cross
    lengths_kept: bool  # every value has its key's length
    reduce: pa.Array  # code -> code: a phrase-key character to its short stand-in, \n to itself, else U+0001
    phrases: list[str]  # the keys of two characters or more, longest first, in short stand-ins
    marked: list[str]  # their values, each character written as its plane-16 stand-in
    short_crossings: list[str]  # the crossings in short stand-ins
    table: pa.Array  # code -> code: the single-character keys to their values, plane-16 stand-ins back


def _crossings(keys: list[str]) -> list[str]:
    """Every string a + b[k:] where a suffix of key a (k characters) is a proper prefix of key b."""
    by_prefix: dict[str, list[str]] = {}
    for b in keys:
        for k in range(1, len(b)):
            by_prefix.setdefault(b[:k], []).append(b)
    out = set()
    for a in keys:
        for k in range(1, len(a)):
            for b in by_prefix.get(a[-k:], ()):
                out.add(a + b[k:])
    return sorted(out)


@cache
def tables(config: str) -> tuple[opencc.OpenCC, tuple[Group, ...]]:
    """OpenCC's converter for `config` and its chain as replacement groups (built once a run)."""
    cc = opencc.OpenCC(config)
    groups = []
    for group in cc._dict_chain_data:  # [(max key length, min key length, {key: values})], as convert uses them
        if any(max_len > 1 for max_len, _, _ in group[1:]):
            raise ValueError(f"{config}: only the first dictionary of a group may hold phrases")
        mapping: dict[str, str] = {}
        for _, _, table in reversed(group):  # an earlier dictionary of the group wins
            mapping.update({k: v.split(" ")[0] for k, v in table.items()})
        keys = sorted(mapping, key=len, reverse=True)
        phrases = [k for k in keys if len(k) > 1]
        crossings = _crossings(list(group[0][2]))
        short = {c: chr(SHORT + i) for i, c in enumerate(sorted({c for k in phrases + crossings for c in k}))}
        marks = {c: chr(PLANE16 + i) for i, c in enumerate(sorted({c for k in phrases for c in mapping[k]}))}
        if SHORT + len(short) > 0x800 or len(marks) > 0xFFFE:
            raise ValueError(f"{config}: too many phrase characters for the stand-ins")
        groups.append(
            Group(
                keys=keys,
                values=[mapping[k] for k in keys],
                crossings=crossings,
                lengths_kept=all(len(k) == len(v) for k, v in mapping.items()),
                reduce=code_table({"\n": "\n"} | short, default=1),
                phrases=["".join(short[c] for c in k) for k in phrases],
                marked=["".join(marks[c] for c in mapping[k]) for k in phrases],
                short_crossings=["".join(short[c] for c in k) for k in crossings],
                table=code_table({k: v for k, v in mapping.items() if len(k) == 1 and len(v) == 1}
                                  | {m: c for c, m in marks.items()}),
            )
        )
    return cc, tuple(groups)


PLANE16 = 0x100000  # supplementary private use area B: stand-ins for the characters of phrase values
SHORT = 0x80  # stand-ins for the characters of phrase keys: two bytes of UTF-8 each


def code_table(pairs: dict[str, str], default: int | None = None) -> pa.Array:
    """uint32 code -> code for every code point: `pairs`, everything else to itself (or `default`)."""
    if default is None:
        codes = pl.int_range(0, 0x110000, dtype=pl.UInt32, eager=True)
    else:
        codes = pl.repeat(default, 0x110000, dtype=pl.UInt32, eager=True)
    return codes.scatter([ord(k) for k in pairs], [ord(v) for v in pairs.values()]).to_arrow()


def code_units(text: str) -> pa.Array:
    """The UTF-32 code units of `text` as a uint32 array (no copy beyond the encoding)."""
    data = text.encode("utf-32-le")
    return pa.Array.from_buffers(pa.uint32(), len(data) // 4, [None, pa.py_buffer(data)])


def translate_all(texts: list[str], table: pa.Array) -> list[str]:
    """Each character of each text through `table` (uint32 code -> code), natively for all at once."""
    joined = _text(pc.take(table, code_units("".join(texts))))
    out, at = [], 0
    for text in texts:
        out.append(joined[at : at + len(text)])
        at += len(text)
    return out


def _text(codes: pa.Array) -> str:
    data = codes.buffers()[1]
    return data[4 * codes.offset : 4 * (codes.offset + len(codes))].to_pybytes().decode("utf-32-le")


NATIVE_FROM = 2000  # characters: below this OpenCC itself is faster than building the automata (~8 ms)


def convert_lines(lines: list[str], config: str = "tw2s", native_from: int = NATIVE_FROM) -> list[str]:
    """`[OpenCC(config).convert(line) for line in lines]`, natively but for lines where keys cross
    (and for texts shorter than `native_from` characters, where OpenCC is faster)."""
    if not lines:
        return []
    cc, groups = tables(config)
    if sum(map(len, lines)) < native_from:
        return [cc.convert(line) for line in lines]
    return _convert_joined("\n".join(lines), cc, groups).split("\n")


def convert_texts(texts: list[str], config: str = "tw2s", native_from: int = NATIVE_FROM) -> list[str]:
    """`[convert(text) for text in texts]`: all texts joined by line breaks in one native pass, cut
    back by their lengths (every replacement keeps its key's length: `lengths_kept`)."""
    if not lengths_kept(config):
        raise ValueError(f"{config}: a replacement changes the length; convert line by line")
    cc, groups = tables(config)
    if sum(map(len, texts)) < native_from:
        return [convert(text, config) for text in texts]
    joined = _convert_joined("\n".join(texts), cc, groups)
    out, at = [], 0
    for text in texts:
        out.append(joined[at : at + len(text)])
        at += len(text) + 1
    return out


def _convert_joined(text: str, cc: opencc.OpenCC, groups: tuple[Group, ...]) -> str:
    """The lines of `text` converted natively, those where keys cross by OpenCC itself."""
    codes = code_units(text)
    crossed: pl.Series | None = None
    for group in groups:
        reduced = pl.Series([_text(pc.take(group.reduce, codes))], dtype=pl.String)
        if group.short_crossings and reduced.str.contains_any(group.short_crossings).item():
            here = pl.Series(reduced.item().split("\n")).str.contains_any(group.short_crossings)
            crossed = here if crossed is None else crossed | here
        marked = code_units(reduced.str.replace_many(group.phrases, group.marked, leftmost=True).item())
        # a stand-in where a phrase matched, else the character itself: then all through the table
        pick = pl.DataFrame({"m": pl.from_arrow(marked), "c": pl.from_arrow(codes)}).select(
            pl.when(pl.col("m") >= PLANE16).then(pl.col("m")).otherwise(pl.col("c"))
        )
        codes = pc.take(group.table, pick.to_series().to_arrow())
    out = _text(codes)
    if crossed is None or not crossed.any():
        return out
    lines, source = out.split("\n"), text.split("\n")
    for i in crossed.arg_true().to_list():
        lines[i] = cc.convert(source[i])
    return "\n".join(lines)


def convert(text: str, config: str = "tw2s") -> str:
    """`OpenCC(config).convert(text)`: no key or separator spans a line break, so line by line."""
    return "\n".join(convert_lines(text.split("\n"), config))


def lengths_kept(config: str = "tw2s") -> bool:
    """Every replacement of the chain keeps its key's length, so no conversion changes a line's length."""
    return all(group.lengths_kept for group in tables(config)[1])

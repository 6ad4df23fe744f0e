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
or disjoint occurrences both pick exactly the occurrences not inside a longer one. The same
pass carries every string two crossing keys spell together (閔凶 + 凶兆 -> 閔凶兆; those that are
no key) as patterns of their own, replaced by CROSSED; a line where the automaton picks one
(rare in real text) is converted by OpenCC itself, so the output is identical to
`OpenCC(config).convert` line by line, on every input. Where the automaton picks no crossing,
every key it picks is one OpenCC picks: OpenCC's first pick z (a longest occurrence in the
piece) is picked, for a picked key w that started before z and reached into it would cross z or
hold it, and crossing z, w + z's tail (a crossing) starts where w does and is longer, so the
automaton would have picked that; no picked key reaches over z, so the automaton's picks left
and right of z are its picks in those pieces alone, and the same holds there, piece by piece.
A crossing a key hides (inside a longer key the automaton picks) needs no check: the key is
picked by both.

A group's single characters need no automaton: a phrase match starting at a position beats the
character key there (it is longer), and a character match covers only its own position, so the
leftmost-longest phrases are the same with or without the character keys. So all lines, joined
into one string, are run through each group as code units (UTF-32; pyarrow `take` for a table)
without ever becoming a Python string: each character becomes a pair of ASCII bytes (a character
of a phrase key its own pair from one set of bytes, a line break \n\n, any other character
\x01\x01, which no key holds), the phrases alone (~300 keys, as pairs) are replaced in that
ASCII text by their values as pairs from a second set of bytes, and the output, read back as one
uint16 per character, gives a value character where a phrase matched while every other position
goes through the group's character table. The first bytes of a pair never stand second, so a
key can only match whole pairs; the automaton scans 2 bytes a character with no false starts.
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
    pairs: pa.Array  # code -> uint16: a phrase-key character's byte pair, \n\n for \n, else \x01\x01
    phrases: list[str]  # the keys of two characters or more, longest first, as byte pairs
    marked: list[str]  # their values as byte pairs of the second set
    pair_crossings: list[str]  # the crossings as byte pairs
    patterns: list[str]  # the phrases and the crossings that are no key, longest first, as byte pairs
    replacements: list[str]  # a phrase's value as `marked`, a crossing's CROSSED pair for each of its characters
    back: pa.Array  # uint16 pair -> the value character it stands for (0: no value pair)
    table: pa.Array  # code -> code: the single-character keys to their values


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
        # leftmost=True takes the pattern listed first at a place: longest first is leftmost-longest
        # (a crossing that is a key is matched as the key)
        both = sorted(phrases + [k for k in crossings if k not in mapping], key=len, reverse=True)
        keyed = sorted({c for k in phrases + crossings for c in k})
        valued = sorted({c for k in phrases for c in mapping[k]})
        if len(keyed) > 31 * 32 or len(valued) > 31 * 21:
            raise ValueError(f"{config}: too many phrase characters for the byte pairs")
        key_pair = {c: chr(0x21 + i % 31) + chr(0x40 + i // 31) for i, c in enumerate(keyed)}
        value_pair = {c: chr(0x60 + i % 31) + chr(0x0B + i // 31) for i, c in enumerate(valued)}
        groups.append(
            Group(
                keys=keys,
                values=[mapping[k] for k in keys],
                crossings=crossings,
                lengths_kept=all(len(k) == len(v) for k, v in mapping.items()),
                pairs=_pair_table(key_pair),
                phrases=["".join(key_pair[c] for c in k) for k in phrases],
                marked=["".join(value_pair[c] for c in mapping[k]) for k in phrases],
                pair_crossings=["".join(key_pair[c] for c in k) for k in crossings],
                patterns=["".join(key_pair[c] for c in k) for k in both],
                replacements=["".join(value_pair[c] for c in mapping[k]) if k in mapping else CROSSED * len(k)
                              for k in both],
                back=pl.repeat(0, 0x10000, dtype=pl.UInt32, eager=True).scatter(
                    [_pair_value(p) for p in value_pair.values()], [ord(c) for c in value_pair]).to_arrow(),
                table=code_table({k: v for k, v in mapping.items() if len(k) == 1 and len(v) == 1}),
            )
        )
    return cc, tuple(groups)


def _pair_value(pair: str) -> int:
    """Two ASCII bytes read as one little-endian uint16."""
    return ord(pair[0]) | ord(pair[1]) << 8


def _pair_table(key_pair: dict[str, str]) -> pa.Array:
    """code -> uint16 byte pair: the keyed characters their own, \n \n\n, anything else \x01\x01."""
    pairs = {ord(c): _pair_value(p) for c, p in key_pair.items()} | {ord("\n"): _pair_value("\n\n")}
    table = pl.repeat(_pair_value("\x01\x01"), 0x110000, dtype=pl.UInt16, eager=True)
    return table.scatter(list(pairs), list(pairs.values())).to_arrow()


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


OTHER = 0x0101  # the pair of a character no phrase key holds (\x01\x01)
CROSSED = "\x02\x02"  # the pair a picked crossing leaves (no key or value pair; `back` reads it as none)
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
    """The lines of `text` converted natively, those where the automaton picks a crossing by OpenCC itself.

    The automaton reads each run of characters outside every phrase key as one \x01\x01 pair (no key
    holds one, so a run of them only separates, however long): 14 % of the pairs for the first group
    on traditional text, 40 % for the second. The value characters it writes go back to their places."""
    codes = code_units(text)
    crossed: pl.Series | None = None
    for group in groups:
        pairs = pl.from_arrow(pc.take(group.pairs, codes))
        assert isinstance(pairs, pl.Series)
        other = pairs == OTHER
        kept = (~other | ~other.shift(1, fill_value=False)).arg_true()  # a run's first \x01\x01 stands for it
        ascii_pairs = _as_string(pairs.gather(kept).to_arrow())
        replaced = ascii_pairs.str.replace_many(group.patterns, group.replacements, leftmost=True)
        if group.pair_crossings and replaced.str.contains(CROSSED, literal=True).item():
            lines = pl.Series(replaced.item().split("\n\n")).str.contains(CROSSED, literal=True)  # every \n kept
            crossed = lines if crossed is None else crossed | lines
        values = pl.from_arrow(pc.take(group.back, _as_pairs(replaced, len(kept))))
        assert isinstance(values, pl.Series)
        picked = values > 0
        # every character through the table, then the value character where a phrase matched
        out = pl.from_arrow(pc.take(group.table, codes))
        assert isinstance(out, pl.Series)
        codes = out.scatter(kept.filter(picked), values.filter(picked)).to_arrow()
    out_text = _text(codes)
    if crossed is None or not crossed.any():
        return out_text
    lines, source = out_text.split("\n"), text.split("\n")
    for i in crossed.arg_true().to_list():
        lines[i] = cc.convert(source[i])
    return "\n".join(lines)


def _as_string(pairs: pa.Array) -> pl.Series:
    """A uint16 array's bytes as one ASCII string (no Python string made)."""
    data = pairs.buffers()[1][2 * pairs.offset : 2 * (pairs.offset + len(pairs))]
    offsets = pa.array([0, len(data)], pa.int64()).buffers()[1]
    return pl.Series(pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, data]))


def _as_pairs(ascii_pairs: pl.Series, n: int) -> pa.Array:
    """One ASCII string of n byte pairs read back as n uint16 (the replacements keep every length)."""
    array = ascii_pairs.to_arrow(compat_level=pl.CompatLevel.oldest())
    offsets = pa.Array.from_buffers(pa.int64(), 2, [None, array.buffers()[1]], offset=array.offset)
    start, end = offsets[0].as_py(), offsets[1].as_py()
    if end - start != 2 * n:
        raise ValueError("a replacement changed the length")
    return pa.Array.from_buffers(pa.uint16(), n, [None, array.buffers()[2][start:end]])


def convert(text: str, config: str = "tw2s") -> str:
    """`OpenCC(config).convert(text)`: no key or separator spans a line break, so line by line."""
    return "\n".join(convert_lines(text.split("\n"), config))


def lengths_kept(config: str = "tw2s") -> bool:
    """Every replacement of the chain keeps its key's length, so no conversion changes a line's length."""
    return all(group.lengths_kept for group in tables(config)[1])

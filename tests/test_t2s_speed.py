"""Traditional -> simplified natively (transforms/opencc_fast.py): output identical to OpenCC's own
`convert` and to the pure-Python path normalize.py used before, at native speed."""

from __future__ import annotations

import random
import re
import statistics
import time
from functools import cache
from pathlib import Path

import opencc
import polars as pl
import pytest

from transforms import normalize, opencc_fast
from transforms.normalize import Mapped, normalize_text, to_simplified

RAW = sorted((Path(__file__).parents[1] / "raw").glob("*.txt"))

# Real traditional-script text, written for this test (Taiwan standard forms, report style), with
# the characters and phrases whose conversion depends on context: 著/着, 於/于, 乾/干, 覆/复, 藉/借,
# 吃/喫, 凶, 裡, 麵, 鍊, 瞭, 徵, 彷彿, 乾隆年間 ...
CORPUS = """\
臺北市政府一一二年度法治政府建設年度報告
一、著力推進依法行政，著重發揮法治保障作用
本府於年初發布《法治政府建設實施方案》，明確各機關主要負責人履行推進法治建設第一責任人職責。
全年召開常務會議二十四次，審議重大行政決策事項十一件，全部經過合法性審查。
市民對行政機關回覆信件的滿意度達百分之九十六，較上年提高三個百分點。
（一）完善行政決策程序。嚴格執行重大行政決策公眾參與、專家論證、風險評估、合法性審查和集體討論決定程序。
（二）深化「放管服」改革。推動一百二十項審批事項「一網通辦」，辦理時限平均壓縮百分之四十。
二、嚴格規範公正文明執法
全年開展普法活動二十六次，受眾群眾三千餘人次，發放宣傳資料一萬兩千份。
對群眾反覆投訴的油煙擾民問題，執法隊憑藉網格化管理逐一核查，做到件件有回覆。
部分攤商以各種藉口拒不整改，執法人員耐心說明後均已簽署承諾書。
廚房裡的麵粉、乾貨須離地存放，倉庫保持乾淨整潔，防止鼠害。
街道乾乾淨淨，市容明顯改觀；夜市攤位統一裝設拉鍊式防雨棚。
三、強化行政權力制約和監督
自覺接受人大監督、政協民主監督，辦理人大代表建議一百一十二件、政協提案八十五件，辦復率百分之百。
行政復議機關受理案件三十七件，審結三十五件，糾錯率百分之十一點四。
發揮審計監督作用，完成審計項目十九個，查出問題金額兩千三百萬元，已全部整改。
四、依法有效化解社會矛盾糾紛
人民調解組織調解糾紛一千零二十件，調解成功率百分之九十八點二。
對一家三口因宅基地發生的糾紛，調解員多次上門，最終促成雙方和解。
有的當事人口吃，調解員放慢語速，耐心傾聽，讓大家都能把話說清楚。
五、存在的不足和下一步打算
一是部分工作人員法治意識不強，依法辦事能力有待提高；二是基層執法力量較為薄弱，過於單一。
下一步，我們將以著名法學家的著作為參考，加強學習培訓，確保各項工作於法有據。
據瞭解，乾隆年間本地即有鄉約之制，這一傳統值得我們繼承和發揚。
徵收補償工作嚴格依法進行，做到程序公開、標準統一，彷彿一面鏡子照見政府的公信力。
逢凶化吉靠的不是運氣，而是制度；吉凶禍福，繫於法治。
"""

# Pairs of keys that cross (one starts inside the other and ends after it): here OpenCC's
# longest-match-anywhere-first and a leftmost-longest scan differ, so opencc_fast hands these
# lines to OpenCC itself. 回覆 + 覆盆子: OpenCC takes 覆盆子 (the longer), leftmost-longest 回覆.
CROSSING = ["回覆盆子", "康乾乾淨淨", "傷亡枕藉寇兵齎盜糧", "凌藉藉無名", "一家三口吃飯", "吃口吃"]


@cache
def _cc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _before(text: str) -> str:
    """normalize.to_simplified as it was: the override map, then OpenCC tw2s line by line in pure
    Python (a line whose length changed fell back to character by character)."""
    override, pairs, chars = normalize._converter()
    text = override.sub(lambda m: pairs[m.group(0)], text)
    out = []
    for line in text.split("\n"):
        conv = _cc("tw2s").convert(line)
        out.append(conv if len(conv) == len(line) else "".join(chars.get(c, c) for c in line))
    return "\n".join(out)


def _before_many(docs: list[Mapped]) -> list[Mapped]:
    """normalize.to_simplified_many with the old path in place of the native one."""
    return [Mapped(_before(d.text), d.runs) for d in docs]


def _native(lines: list[str]) -> list[str]:
    return opencc_fast.convert_lines(lines, "tw2s", native_from=0)


def _chain() -> list[list[tuple[int, int, dict[str, str]]]]:
    return opencc_fast.tables("tw2s")[0]._dict_chain_data


def _keys() -> list[str]:
    return sorted({k for group in _chain() for _, _, table in group for k in table})


def _traditional(text: str) -> str:
    return _cc("s2tw").convert(text)


# --------------------------------------------------------------------------- the dictionaries


def test_tw2s_chain_is_the_one_opencc_reads() -> None:
    # TWVariantsRevPhrases+TWVariantsRev, then TSPhrases+TSCharacters (config/tw2s.json)
    sizes = [[len(table) for _, _, table in group] for group in _chain()]
    assert sizes == [[68, 39], [277, 4113]]
    assert [[max_len for max_len, _, _ in group] for group in _chain()] == [[4, 1], [14, 1]]


def test_every_entry_keeps_its_length() -> None:
    """Every key of every dictionary tw2s uses has a first value of the same length (and every
    other value too), so t->s never moves a character: the offset map passes through unchanged."""
    for group in _chain():
        for _, _, table in group:
            for key, values in table.items():
                assert values and all(len(v) == len(key) for v in values.split(" ")), (key, values)
    assert opencc_fast.lengths_kept("tw2s")


def test_no_key_holds_a_separator_or_line_break() -> None:
    """OpenCC converts between separators; no key spans one, so matching whole lines is the same."""
    separators = _cc("tw2s").split_chars_re
    assert not [k for k in _keys() if separators.search(k) or "\n" in k]


def test_polars_replace_many_leftmost_is_leftmost_first() -> None:
    s = pl.Series(["abcd", "xabcx", "abc"])
    # leftmost=True: the leftmost match, ties to the pattern listed first (hence keys longest first)
    assert s.str.replace_many(["abc", "ab", "b"], ["3", "2", "1"], leftmost=True).to_list() == ["3d", "x3x", "3"]
    assert s.str.replace_many(["ab", "abc"], ["2", "3"], leftmost=True).to_list() == ["2cd", "x2cx", "2c"]
    # without it the first match to END wins: not what OpenCC does
    assert s.str.replace_many(["abc", "b"], ["3", "1"]).to_list() == ["a1cd", "xa1cx", "a1c"]


def test_crossings_are_where_leftmost_longest_differs() -> None:
    cc, groups = opencc_fast.tables("tw2s")
    plain = pl.Series(["回覆盆子"]).str.replace_many(groups[1].keys, groups[1].values, leftmost=True)
    assert plain.to_list() == ["回复盆子"]  # leftmost-longest: 回覆, then 盆子
    assert cc.convert("回覆盆子") == "回覆盆子"  # OpenCC: 覆盆子 first, the longest anywhere
    assert "回覆盆子" in groups[1].crossings
    assert _native(CROSSING) == [cc.convert(x) for x in CROSSING]


# --------------------------------------------------------------------------- identical output


@pytest.mark.parametrize("path", RAW, ids=lambda p: p.name[:3])
def test_samples_in_traditional_convert_and_normalize_as_before(path: Path, monkeypatch) -> None:
    trad = _traditional(path.read_text(encoding="utf-8"))
    assert to_simplified(Mapped.of(trad)).text == _before(trad)
    assert _native(trad.split("\n")) == [_cc("tw2s").convert(line) for line in trad.split("\n")]
    doc, script = normalize_text(trad)
    assert script == "traditional"
    monkeypatch.setattr(normalize, "to_simplified_many", _before_many)
    old, _ = normalize_text(trad)
    assert (doc.text, doc.offsets) == (old.text, old.offsets)


def test_every_key_alone_converts_as_opencc() -> None:
    keys = _keys()
    assert _native(keys) == [_cc("tw2s").convert(k) for k in keys]


def test_runs_of_keys_convert_as_opencc() -> None:
    """Keys run together (in order, shuffled, with and without separators) make every crossing
    and nesting of dictionary entries the chain can meet."""
    keys = _keys()
    phrases = [k for k in keys if len(k) > 1]
    rng = random.Random(20240601)
    lines = ["".join(keys[i : i + 40]) for i in range(0, len(keys), 40)]
    for _ in range(3):
        shuffled = phrases * 2
        rng.shuffle(shuffled)
        lines += ["".join(shuffled[i : i + 25]) for i in range(0, len(shuffled), 25)]
        lines += ["，".join(shuffled[i : i + 25]) for i in range(0, len(shuffled), 25)]
    # phrases cut at random points and glued: the tail of one key meets the head of another
    for _ in range(2000):
        a, b = rng.choice(phrases), rng.choice(phrases)
        lines.append(a[: rng.randint(1, len(a))] + b[rng.randint(0, len(b) - 1) :] + rng.choice(phrases))
    got = _native(lines)
    want = [_cc("tw2s").convert(line) for line in lines]
    assert [i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w] == []
    assert sum(g != line for g, line in zip(got, lines, strict=True)) > len(lines) // 2  # it did convert


def test_crossings_glued_to_keys_convert_as_opencc() -> None:
    """The automaton carries the crossings as patterns of their own and sends a line to OpenCC only
    where it picks one: lines of crossings, keys and cut keys glued together (crossings inside
    longer keys, crossings that cross each other) convert as OpenCC converts them."""
    cc, groups = opencc_fast.tables("tw2s")
    keys = _keys()
    phrases = [k for k in keys if len(k) > 1]
    crossings = sorted({c for group in groups for c in group.crossings})
    rng = random.Random(20261207)
    lines = []
    for _ in range(6000):
        parts = []
        for _ in range(rng.randint(1, 5)):
            pick = rng.random()
            if pick < 0.4:
                a = rng.choice(phrases)
                parts.append(a[rng.randint(0, len(a) - 1) :] if rng.random() < 0.5 else a[: rng.randint(1, len(a))])
            else:
                parts.append(rng.choice(crossings if pick < 0.8 else keys))
        lines.append("".join(parts))
    got = _native(lines)
    assert [x for x, g in zip(lines, got, strict=True) if g != cc.convert(x)] == []


def test_real_traditional_corpus_converts_and_normalizes_as_before(monkeypatch) -> None:
    lines = CORPUS.split("\n")
    assert _native(lines) == [_cc("tw2s").convert(line) for line in lines]
    assert to_simplified(Mapped.of(CORPUS)).text == _before(CORPUS)
    new, script = normalize_text(CORPUS)
    assert script == "traditional"
    assert "着力推进依法行政，着重发挥法治保障作用" in new.text
    assert "过于单一" in new.text and "干净整洁" in new.text and "乾隆年间" in new.text
    monkeypatch.setattr(normalize, "to_simplified_many", _before_many)
    old, _ = normalize_text(CORPUS)
    assert (new.text, new.offsets) == (old.text, old.offsets)


def test_short_texts_go_through_opencc_itself() -> None:
    cc = _cc("tw2s")
    assert opencc_fast.convert_lines(CROSSING) == [cc.convert(x) for x in CROSSING]
    assert opencc_fast.convert(CORPUS) == "\n".join(cc.convert(x) for x in CORPUS.split("\n"))
    assert opencc_fast.convert_lines([]) == []


def test_whole_texts_convert_as_their_lines() -> None:
    """convert_texts (all texts joined, cut back by length) gives each text's lines as OpenCC does,
    crossing lines, empty texts and texts that end in a line break included."""
    cc = _cc("tw2s")
    texts = [CORPUS, "\n".join(CROSSING), "", "\n", CORPUS + "\n回覆盆子\n", "臺北"]
    want = ["\n".join(cc.convert(x) for x in t.split("\n")) for t in texts]
    assert opencc_fast.convert_texts(texts, native_from=0) == want
    assert opencc_fast.convert_texts(texts) == want


# --------------------------------------------------------------------------- speed


def test_traditional_to_simplified_runs_at_native_speed() -> None:
    """~5 MB of traditional text (the samples in s2tw, the corpus) through to_simplified, median of 3:
    ~35 MB/s on an idle 2-core machine, ~22 MB/s under a load of 3 (OpenCC in pure Python: ~1 MB/s).
    The assert leaves room for a busy machine: 10 MB/s is still ten times the pure-Python path."""
    base = "\n".join([_traditional(p.read_text(encoding="utf-8")) for p in RAW] + [CORPUS])
    size = len(base.encode("utf-8")) + 1
    text = (base + "\n") * (5_000_000 // size + 1)
    assert len(re.findall("[著於發後乾]", text)) > 10_000
    doc = Mapped.of(text)
    to_simplified(Mapped.of(base))  # the tables are built once a run (functools.cache)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        out = to_simplified(doc)
        times.append(time.perf_counter() - start)
    mb_per_s = len(text.encode("utf-8")) / 1e6 / statistics.median(times)
    assert len(out.text) == len(text)
    assert mb_per_s >= 10, f"{mb_per_s:.1f} MB/s"

"""Normalization steps, the offset map, the frame contract and encoding round trips."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import opencc
import polars as pl
import pytest

from transforms.decode import decode_bytes
from transforms.normalize import (
    Mapped,
    detect_script,
    drop_chrome,
    normalize_documents,
    normalize_text,
    repair_breaks,
    repair_mojibake,
    strip_markdown,
    strip_pinyin,
    to_simplified,
    unify_width,
)
from transforms.schemas import DOCUMENTS, NORMALIZED

RAW = sorted((Path(__file__).parents[1] / "raw").glob("*.txt"))
T2S = opencc.OpenCC("t2s")


def run(step, text: str) -> str:
    out = step(Mapped.of(text))
    assert len(out.text) == len(out.offsets)
    return out.text


# --------------------------------------------------------------------------- (a) markdown


def test_markdown_headings_bold_bullets_quotes_links() -> None:
    md = (
        "## 某区2023年度法治政府建设情况报告\n"
        "**一、主要举措**\n"
        "- 开展**专题**学法4次\n"
        "* 组织旁听庭审1次\n"
        "> 引用的上级要求\n"
        "详见[附件](http://example.org/a.pdf)![图](x.png)与`代码`"
    )
    assert run(strip_markdown, md) == (
        "某区2023年度法治政府建设情况报告\n一、主要举措\n开展专题学法4次\n组织旁听庭审1次\n引用的上级要求\n详见附件与代码"
    )


def test_markdown_tables_become_tab_separated() -> None:
    md = (
        "名称 | 某街道法治建设年度报告 | ||||\n---|---|---|\n"
        "索引号 | 0001/2023-1 | 发布日期 | 2023-03-06 |\n正文第一段。"
    )
    assert run(strip_markdown, md) == (
        "名称\t某街道法治建设年度报告\n索引号\t0001/2023-1\t发布日期\t2023-03-06\n正文第一段。"
    )


def test_markdown_keeps_ordinary_text() -> None:
    text = "增长率为-3.5%，评分2*3项，1. 第一项"
    assert run(strip_markdown, text) == text


# --------------------------------------------------------------------------- (b) pinyin


def test_pinyin_glosses_are_removed() -> None:
    assert run(strip_pinyin, "組(zǔ)織(zhī)開(kāi)展普法(fǎ)") == "組織開展普法"
    assert run(strip_pinyin, "縣(xian4)委和們(men)") == "縣委和們"
    assert run(strip_pinyin, "區（qū）域") == "區域"


@pytest.mark.parametrize(
    "text",
    ["12個村(社區)", "措施(1)落實", "加入(WTO)後", "規劃(2021-2025年)", "平台(app)上線", "部門(kfq)"],
)
def test_other_parentheses_stay(text: str) -> None:
    assert run(strip_pinyin, text) == text


# --------------------------------------------------------------------------- (c) mojibake


def test_utf8_read_as_gbk_is_repaired() -> None:
    broken = "依法行政".encode().decode("gbk")  # 渚濇硶琛屾斂
    assert run(repair_mojibake, f"全面推进{broken}工作。") == "全面推进依法行政工作。"


def test_utf8_read_as_latin1_is_repaired() -> None:
    broken = "开展法治培训".encode().decode("latin-1")
    assert run(repair_mojibake, f"今年{broken}3次。") == "今年开展法治培训3次。"


def test_gbk_read_one_byte_off_is_repaired() -> None:
    # GBK bytes of 宣傳、依法辦事 read from their second byte, an ASCII byte borrowed at the end:
    # the lead byte of 宣 is lost for good, the rest reads back
    shifted = ("宣傳、依法辦事".encode("gbk")[1:] + b"k").decode("gbk")
    assert shifted == "麄鳌⒁婪ㄞk事k"
    out = run(repair_mojibake, f"他們{shifted}的")
    assert out.startswith("他們傳、依法辦事")
    # a weak (one byte off) reading never swallows plausible hanzi around a short run
    assert run(repair_mojibake, "坚持婪ㄖ卫怼，推进") == "坚持婪ㄖ卫怼，推进"


def test_unrecoverable_and_legit_rare_text_is_left_alone() -> None:
    data = "法治宣传教育工作".encode()
    lossy = (data[:7] + data[9:]).decode("gbk", errors="replace")  # bytes lost mid-stretch
    out = run(repair_mojibake, lossy)
    assert out.count("\ufffd") == lossy.count("\ufffd")
    assert out[-3:] == lossy[-3:]
    for text in ("砥砺前行，踔厉奋发", "邢台市饕餮纹鼎", "序号⒁至⒇"):
        assert run(repair_mojibake, text) == text


# --------------------------------------------------------------------------- (d) script


def test_script_detection() -> None:
    assert detect_script("著重推進依法行政，發揮法治保障作用") == "traditional"
    assert detect_script("着重推进依法行政，著名的显著成效，乾隆年间") == "simplified"
    assert detect_script("法治建设") == "simplified"  # nothing script-specific


@pytest.mark.parametrize(
    ("trad", "simp"),
    [("著重", "着重"), ("於", "于"), ("發布", "发布"), ("過於單一", "过于单一"), ("乾淨", "干净"),
     ("後來", "后来"), ("範圍", "范围")],
)
def test_traditional_to_simplified(trad: str, simp: str) -> None:
    assert run(to_simplified, trad) == simp


def test_simplified_input_is_never_converted() -> None:
    text = "著重推进依法行政，过於单一的宣传方式有待改进。"
    doc, script = normalize_text(text)
    assert script == "simplified"
    assert doc.text == text


# --------------------------------------------------------------------------- (e) width


def test_full_width_to_ascii_but_chinese_punctuation_stays() -> None:
    assert run(unify_width, "全年办理１２３件，占比９７．９％（同比增长）；ＡＢＣ类：") == (
        "全年办理123件，占比97.9%(同比增长)；ABC类："
    )


def test_ascii_punctuation_used_as_chinese() -> None:
    text = "2022年,在县委领导下,办理1,234件;占比97.9%,其中:重大案件3起。时间10:30,网址http://a.b"
    assert run(unify_width, text) == (
        "2022年，在县委领导下，办理1,234件；占比97.9%，其中：重大案件3起。时间10:30，网址http://a.b"
    )


# --------------------------------------------------------------------------- (f) breaks


def test_page_break_inside_a_sentence_is_joined() -> None:
    text = "调整街道法治建设领导小组，由党委书记任组\n\n- 3 -\n\n长，副书记任副组长。\n"
    assert run(repair_breaks, text) == "调整街道法治建设领导小组，由党委书记任组长，副书记任副组长。"
    text = "(三)法治意识仍待加强。社区工作人员在法治工作\n\n5\n\n的专业能力上存在短板。"
    assert run(repair_breaks, text) == "(三)法治意识仍待加强。社区工作人员在法治工作的专业能力上存在短板。"


def test_headings_titles_and_items_are_not_joined() -> None:
    text = (
        "某镇2023年法治政府建设工作报告\n\n\n"
        "一、主要工作\n"
        "(一)深入学习贯彻党的二十大精神\n"
        "党委理论学习中心组专题学法4次，覆盖干部\n"
        "2.推行行政执法公示制度\n"
        "签发人：张某某 李某某\n"
        "县委、县政府：\n"
    )
    assert run(repair_breaks, text) == (
        "某镇2023年法治政府建设工作报告\n一、主要工作\n(一)深入学习贯彻党的二十大精神\n"
        "党委理论学习中心组专题学法4次，覆盖干部\n2.推行行政执法公示制度\n签发人：张某某 李某某\n县委、县政府："
    )


def test_layout_spaces() -> None:
    assert run(repair_breaks, "开展治安巡逻 26 次，排查隐患 12 处。  \n  五、 其他情况") == (
        "开展治安巡逻26次，排查隐患12处。\n五、其他情况"
    )
    assert run(repair_breaks, "组织干部 学法 用法，效果良好。") == "组织干部学法用法，效果良好。"
    assert run(repair_breaks, "签发人：张某某 李某某") == "签发人：张某某 李某某"


def test_chrome_lines_of_saved_pages() -> None:
    text = "• 设为首页\n当前位置: 首页 > 政务公开\n某镇报告\n正文内容。\n扫一扫在手机打开当前页\n相关稿件"
    assert run(drop_chrome, text) == "• 某镇报告\n正文内容。".replace("• ", "")


def test_top_bar_menu_and_share_lines_of_a_page_saved_as_text() -> None:
    text = ("今天是：2024年3月18日 星期一\n欢迎访问某某区人民政府网站！\n首页\n走进某某\n政务公开\n互动交流\n"
            "某镇2023年法治政府建设年度报告\n一、政务公开\n全年主动公开政府信息120条。\n分享到：\n微信\nQQ空间\n"
            "某镇人民政府\n2024年3月1日")
    assert run(drop_chrome, text) == (
        "某镇2023年法治政府建设年度报告\n一、政务公开\n全年主动公开政府信息120条。\n某镇人民政府\n2024年3月1日"
    )


# --------------------------------------------------------------------------- offset map


def _same_origin(c: str, orig: str) -> bool:
    if c == orig or T2S.convert(orig) == c or unicodedata.normalize("NFKC", orig) == c:
        return True
    return (orig, c) in {(",", "，"), (";", "；"), (":", "："), ("|", "\t"), (" ", "\t"), ("於", "于")}


def test_offset_map_points_at_the_source_character() -> None:
    source = (
        "## 東湖鎮2023年度法治政府建設報(bào)告\n"
        "名稱 | 東湖鎮報告 | 發布日期 | 2023-03-06 |\n---|---|---|---|\n"
        "**一、主要舉措**\n"
        "全年開(kāi)展普法活動２６次,受眾群眾3,000餘人次,占比９７．９％。黨委書記擔任組\n\n- 2 -\n\n"
        "長,過於單一的問題得到改善。  \n"
    )
    doc, script = normalize_text(source)
    assert script == "traditional"
    assert "全年开展普法活动26次，受众群众3,000余人次，占比97.9%。党委书记担任组长，过于单一" in doc.text
    assert len(doc.offsets) == len(doc.text)
    assert doc.offsets == sorted(doc.offsets)
    for i, c in enumerate(doc.text):
        assert _same_origin(c, source[doc.offsets[i]]), (i, c, source[doc.offsets[i]])


@pytest.mark.parametrize("path", RAW, ids=lambda p: p.name[:3])
def test_offset_map_on_samples(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    doc, _ = normalize_text(source)
    bad = [i for i, c in enumerate(doc.text) if not _same_origin(c, source[doc.offsets[i]])]
    # only characters rebuilt from mojibake bytes may differ from what they point at
    assert len(bad) <= 20


def test_sample_003_is_traditional_and_clean() -> None:
    doc, script = normalize_text(RAW[3].read_text(encoding="utf-8"))
    assert script == "traditional"
    assert doc.text.startswith("名称\t阳新经济开发区管委会法制建设年度报告\n索引号\t000014349yx_kfq/2023-00008")
    assert "(yáng)" not in doc.text and "|" not in doc.text and "---" not in doc.text
    assert "普法宣传、依法办事、依法调处矛盾" in doc.text
    assert "扫一扫" not in doc.text


# --------------------------------------------------------------------------- frame


def test_normalize_documents_contract_and_null_passthrough() -> None:
    docs = pl.DataFrame(
        [
            {"source_file": "a.txt", "sha256": "1", "format": "text", "encoding": "utf-8",
             "source_text": "某鎮報告\n全年開展普法活動12次。", "page_title": None, "page_published_on": None,
             "error": None},
            {"source_file": "b.pdf", "sha256": "2", "format": "pdf", "encoding": None, "source_text": None,
             "page_title": None, "page_published_on": None, "error": "pdf has no text layer (scanned?)"},
        ],
        schema=DOCUMENTS,
    )
    out = normalize_documents(docs)
    assert out.schema == NORMALIZED
    assert out.rows() == [
        ("a.txt", "某镇报告\n全年开展普法活动12次。", "traditional", [0], [17]),  # one run: every character in place
        ("b.pdf", None, None, None, None),
    ]


# --------------------------------------------------------------------------- round trips


def _big5_safe(text: str) -> str:
    out = []
    for c in opencc.OpenCC("s2tw").convert(text):
        try:
            c.encode("cp950")
            out.append(c)
        except UnicodeEncodeError:
            continue
    return "".join(out)


@pytest.mark.parametrize("path", RAW, ids=lambda p: p.name[:3])
def test_encodings_round_trip_to_the_same_text(path: Path, tmp_path: Path) -> None:
    original = path.read_text(encoding="utf-8")
    expected = normalize_text(original)[0].text
    for codec in ("gb18030", "utf-16", "utf-16-le"):
        variant = tmp_path / f"{path.stem}.{codec}.txt"
        variant.write_bytes(original.encode(codec))
        text, _ = decode_bytes(variant.read_bytes())
        assert normalize_text(text)[0].text == expected, codec
    traditional = _big5_safe(original)
    variant = tmp_path / f"{path.stem}.big5.txt"
    variant.write_bytes(traditional.encode("cp950"))
    text, enc = decode_bytes(variant.read_bytes())
    assert enc == "big5"
    assert normalize_text(text)[0].text == normalize_text(traditional)[0].text


def test_a_long_numbered_part_heading_is_not_run_into_its_paragraph():
    heading = "三、2024年度党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况"
    body = "镇党委书记全年主持召开专题会议3次，研究部署法治建设工作。"
    assert normalize_text(heading + "\n" + body)[0].text.split("\n") == [heading, body]


def test_a_sentence_broken_by_the_page_still_joins_after_a_long_heading_rule():
    text = "全镇调整法治建设领导小组，由党委书记任组\n\n长，明确分管领导。"
    assert normalize_text(text)[0].text == "全镇调整法治建设领导小组，由党委书记任组长，明确分管领导。"


def test_part_headings_run_into_one_long_line_get_their_own_lines():
    filler = "本年度持续推进依法行政，干部群众法治意识不断增强" * 8
    src = (
        f"某县2023年度法治政府建设情况报告2023年，{filler}。"
        f"一、坚持党的领导，压实责任。（一）强化学习。{filler}。二、存在的不足。"
    )
    doc, _ = normalize_text(src)
    lines = doc.text.split("\n")
    assert [ln[:2] for ln in lines[1:]] == ["一、", "(一", "二、"]
    assert len(doc.offsets) == len(doc.text)
    assert all(src[doc.offsets[i]] == c for i, c in enumerate(doc.text) if c not in "\n()")
    # a short line keeps an inline list as it is
    assert normalize_text("要点：一、学法。二、用法。")[0].text == "要点：一、学法。二、用法。"


def test_info_table_lines_of_a_page_are_not_joined() -> None:
    text = "主题分类：综合政务，政务公开\n成文日期：2022-04-02\n发布机构：某某区人民政府\n"
    assert run(repair_breaks, text) == text.strip()


# --------------------------------------------------------------------------- native paths = the plain ones


def _texts() -> list[str]:
    """The samples, their traditional versions and texts that reach every fast path's edge."""
    samples = [p.read_text(encoding="utf-8") for p in RAW]
    s2tw = opencc.OpenCC("s2tw")
    return samples + [s2tw.convert(t) for t in samples] + [
        "全年办理案件1,234件,其中行政案件12件;结案率97.9%:良好。",
        ",开头的逗号 , 前后有空格 ,, 连续 , ,两个;a;b 1;2 中:文 12:30",
        "县司法局 县公安局\n巡逻 26 次，覆盖  3 个村。\n（一）完善制度。二、存在问题",
        "依法行政，全年辦理案件12件。\r\n陽(yáng)光政務",
        "",
    ]


def test_batch_equals_one_text_at_a_time() -> None:
    from transforms.normalize import normalize_texts

    texts = _texts()
    batch = normalize_texts(texts)
    for text, (doc, script) in zip(texts, batch, strict=True):
        alone, alone_script = normalize_text(text)
        assert (doc.text, doc.offsets, script) == (alone.text, alone.offsets, alone_script)


def test_detect_scripts_counts_as_detect_script() -> None:
    from transforms.normalize import detect_scripts

    texts = _texts()
    assert detect_scripts(texts) == [detect_script(t) for t in texts]
    assert "traditional" in detect_scripts(texts) and "simplified" in detect_scripts(texts)


def test_triggers_and_fast_paths_change_nothing(monkeypatch) -> None:
    """With every pre-check answering yes and the plain rewrites in place of the fast ones, the
    output is the same: the pre-checks are necessary conditions, the fast paths the same rules."""
    import re

    from transforms import normalize

    texts = _texts()
    fast = [(d.text, d.offsets) for d, _ in normalize.normalize_texts(texts)]
    always = re.compile("")
    monkeypatch.setattr(normalize, "_MD_TRIGGER", {k: lambda t: True for k in normalize._MD_TRIGGER})
    monkeypatch.setattr(normalize, "_BREAK_TRIGGER", {k: lambda t: True for k in normalize._BREAK_TRIGGER})
    monkeypatch.setattr(normalize, "_break_flags", lambda texts: [frozenset(normalize._BREAK_NATIVE)] * len(texts))
    monkeypatch.setattr(normalize, "_source_scan", lambda texts: ([frozenset(normalize._SOURCE_STEPS)] * len(texts),
                                                                   [None] * len(texts)))
    monkeypatch.setattr(normalize, "_PINYIN_TRIGGER", always)
    monkeypatch.setattr(normalize, "_GLUED_TRIGGER", always)
    monkeypatch.setattr(normalize, "_NATIVE_TRIGGER", {k: "" for k in normalize._NATIVE_TRIGGER})
    monkeypatch.setattr(normalize, "_marks_many", lambda texts, width: (
        [t.translate(normalize._WIDTH) if width else t for t in texts], [True] * len(texts)))
    monkeypatch.setattr(normalize, "_ascii_punct", lambda d, spaced=None, marked=False: normalize.rewrite(
        d, normalize._ASCII_PUNCT, normalize._punct))
    monkeypatch.setattr(normalize, "rewrite_at", lambda d, starts, p, r: normalize.rewrite(d, p, r))
    plain = [(d.text, d.offsets) for d, _ in normalize.normalize_texts(texts)]
    assert fast == plain


def test_fast_punctuation_and_layout_spaces_on_random_text() -> None:
    """Every arrangement of marks, spaces, digits, CJK and closers up to 8 characters long."""
    import random

    from transforms import normalize

    rng = random.Random(9)
    alpha = list(",;:,;:  \taZ09中”’）)》」%“《-.²٣\n") + ["\u3400", "\ufaff", "。", "（", "("]
    for _ in range(30_000):
        doc = Mapped.of("".join(rng.choice(alpha) for _ in range(rng.randint(0, 8))))
        want = normalize.rewrite(doc, normalize._ASCII_PUNCT, normalize._punct)
        got = normalize._ascii_punct(doc)
        assert (got.text, got.offsets) == (want.text, want.offsets), doc.text
        want = normalize.rewrite(doc, normalize._LAYOUT_SPACE, normalize._layout_space)
        got = normalize.rewrite_at(doc, normalize._SPACE_RUN, normalize._LAYOUT_SPACE, normalize._layout_space)
        assert (got.text, got.offsets) == (want.text, want.offsets), doc.text
        assert list(normalize._space_runs(doc.text)) == [m.start() for m in normalize._SPACE_RUN.finditer(doc.text)]


def test_break_and_edge_space_starts_on_random_text() -> None:
    """Trying _BREAK and _EDGE_SPACE only where their matches can start (rewrite_at) finds what the
    engine finds trying every position, on every arrangement of breaks, spaces, tabs, hanzi and digits."""
    import random

    from transforms import normalize

    rng = random.Random(10)
    alpha = list("\n\n \t中文1。，a") + ["\u4dc0", "\uf900", "\u3400", "\u4dbf", "\u9fff", "\ua000", "\ufaff", "\ufb00"]
    for _ in range(30_000):
        doc = Mapped.of("".join(rng.choice(alpha) for _ in range(rng.randint(0, 10))))
        for rule_id, pattern, repl in (("NORM-JOIN-BREAK", normalize._BREAK, lambda m: ""),
                                       ("NORM-EDGE-SPACE", normalize._EDGE_SPACE, lambda m: "")):
            want = normalize.rewrite(doc, pattern, repl)
            got = normalize.rewrite_at(doc, normalize._BREAK_STARTS[rule_id], pattern, repl)
            assert (got.text, got.offsets) == (want.text, want.offsets), (rule_id, doc.text)


def test_native_marks_on_random_text() -> None:
    """_marks_many (width table and the marks alone, natively over a batch of texts joined by line
    breaks) equals the width table, `_punct_same_length` and `_PUNCT_SPACED` text by text, on every
    arrangement of marks, blanks, digits, letters, CJK, closers and full-width forms up to 8
    characters, texts that open or close with a mark included."""
    import random

    from transforms import normalize

    rng = random.Random(11)
    alpha = list(",;:,;:  \taZ09中”’）)》」%“《-.²٣\n１Ａ％（\u3000") + ["\u3400", "\ufaff", "\u9fff", "。", "("]
    texts = ["".join(rng.choice(alpha) for _ in range(rng.randint(0, 8))) for _ in range(30_000)]
    for width in (True, False):
        got, spaced = normalize._marks_many(texts, width)
        wide = [t.translate(normalize._WIDTH) if width else t for t in texts]
        assert got == [normalize._punct_same_length(t) for t in wide]
        assert spaced == [bool(normalize._PUNCT_SPACED.search(t)) for t in wide]
    assert normalize._marks_many([""], True) == ([""], [False])


def test_native_break_flags_on_random_text() -> None:
    """_break_flags over a batch equals, text by text, _edge_space, a ? or ？ after a line break,
    blank or the start, and - — – or 第 after one of those or a ? or ？; and repair_breaks with the
    flags equals repair_breaks without them (every step tried where its Python trigger says so), on
    every arrangement of breaks, blanks, question marks, dashes, 第, 页, digits and hanzi."""
    import random
    import re

    from transforms import normalize

    rng = random.Random(12)
    alpha = list("\n\n  \t中文1。?？页-—–第a")
    texts = ["".join(rng.choice(alpha) for _ in range(rng.randint(0, 10))) for _ in range(30_000)]
    want = [frozenset(r for r, hit in (("NORM-EDGE-SPACE", normalize._edge_space(t)),
                                       ("NORM-LOST-INDENT", bool(re.search(r"(?:^|[\n \t])[?？]", t))),
                                       ("NORM-PAGE-NO-LINE", bool(re.search(r"(?:^|[\n \t?？])[-—–第]", t))))
                      if hit) for t in texts]
    flags = normalize._break_flags(texts)
    assert flags == want
    assert normalize._break_flags([]) == []
    for text, maybe in zip(texts, flags, strict=True):
        doc = Mapped.of(text)
        got, plain = normalize.repair_breaks(doc, maybe), normalize.repair_breaks(doc)
        assert (got.text, got.offsets) == (plain.text, plain.offsets), text


def test_source_flags_hold_every_trigger_on_random_text() -> None:
    """_source_flags (natively over a batch joined by line breaks) flags every text where a markdown
    trigger, the pinyin trigger or a suspicious run (strict or loose) matches, and exactly those with a
    zero-width character: the steps it lets skip a text have no match there."""
    import random

    from transforms import normalize

    rng = random.Random(13)
    alpha = list("*|`![]()（_-#>+•·●  \t\n\n中文aü1。") + ["\u200b", "\u00ad", "\u0080", "Ã", "\xa0", "æ", "\u4e42",
                                                          "\U00020000", "yáng"]
    texts = ["".join(rng.choice(alpha) for _ in range(rng.randint(0, 9))) for _ in range(30_000)]
    flags = normalize._source_flags(texts)
    for text, got in zip(texts, flags, strict=True):
        want = {
            "NORM-ZERO-WIDTH": bool(normalize._ZERO_WIDTH.search(text)),
            "NORM-MD": any(trigger(text) for trigger in normalize._MD_TRIGGER.values()),
            "NORM-PINYIN-GLOSS": bool(normalize._PINYIN_TRIGGER.search(text)),
            "NORM-MOJIBAKE": any(normalize._suspicious_run(loose).search(text) for loose in (False, True)),
        }
        assert ("NORM-ZERO-WIDTH" in got) == want["NORM-ZERO-WIDTH"], text
        assert not [k for k, hit in want.items() if hit and k not in got], text
    assert sum("NORM-MOJIBAKE" in f for f in flags) > 1000 and sum("NORM-MD" not in f for f in flags) > 1000
    assert normalize._source_flags([]) == []
    # where runs may start: every suspicious run's start is one, and repairing from them is repairing
    _, starts = normalize._source_scan(texts)
    for text, at in zip(texts, starts, strict=True):
        for loose in (False, True):
            assert {m.start() for m in normalize._suspicious_run(loose).finditer(text)} <= set(at or ()), text
    mojibake = ["全年" + "依法行政".encode().decode("latin-1") + "工作",
                "县" + "司法局".encode().decode("gbk", "replace") + "年度", "\u0080Ã" * 3 + " 中文 " + "æ\u4e42" * 2]
    for text, at in zip(mojibake, normalize._source_scan(mojibake)[1], strict=True):
        doc = Mapped.of(text)
        got, plain = normalize.repair_mojibake(doc, at), normalize.repair_mojibake(doc)
        assert (got.text, got.offsets) == (plain.text, plain.offsets)
    assert normalize.repair_mojibake(Mapped.of(mojibake[0]), normalize._source_scan(mojibake)[1][0]).text == (
        "全年依法行政工作")

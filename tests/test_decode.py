"""decode_bytes: BOMs, strict UTF-8, UTF-16 without BOM, GB/Big5 detection, junk rejection."""

from __future__ import annotations

import codecs
import random

import pytest

from transforms.decode import DecodeError, check_text, decode_bytes

SIMPLIFIED = (
    "某镇2023年法治政府建设年度报告\n"
    "一、主要工作\n"
    "全年共开展普法宣传活动26次，受众群众3000余人次，行政复议纠错率为0。"
    "镇党委坚持把法治建设纳入全镇发展总体规划，同部署、同推进、同督促、同考核。\n"
)
TRADITIONAL = (
    "某區2022年法治政府建設工作報告\n"
    "全年辦理行政復議案件12件，調解矛盾糾紛85起，調解成功率達到97.6%。"
    "區委區政府堅持運用法治思維和法治方式推動發展，確保各項工作在法治軌道上運行。\n"
)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8"),
        (SIMPLIFIED.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16"),
        (SIMPLIFIED.encode("utf-32"), "utf-32"),
    ],
)
def test_bom_wins(data: bytes, encoding: str) -> None:
    assert decode_bytes(data) == (SIMPLIFIED, encoding)


def test_strict_utf8() -> None:
    assert decode_bytes(SIMPLIFIED.encode("utf-8")) == (SIMPLIFIED, "utf-8")


@pytest.mark.parametrize("codec", ["gb2312", "gbk", "gb18030"])
def test_gb_family_is_gb18030(codec: str) -> None:
    assert decode_bytes(SIMPLIFIED.encode(codec)) == (SIMPLIFIED, "gb18030")


def test_gb18030_only_characters() -> None:
    text = SIMPLIFIED + "涉及䶮字和𠀀字的特殊情况。\n"
    assert decode_bytes(text.encode("gb18030")) == (text, "gb18030")


def test_big5_traditional() -> None:
    assert decode_bytes(TRADITIONAL.encode("big5")) == (TRADITIONAL, "big5")


def test_gbk_traditional_is_not_taken_for_big5() -> None:
    assert decode_bytes(TRADITIONAL.encode("gbk")) == (TRADITIONAL, "gb18030")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec: str) -> None:
    assert decode_bytes(SIMPLIFIED.encode(codec)) == (SIMPLIFIED, codec)


def test_utf16_without_bom_and_without_ascii() -> None:
    text = "法治政府建设年度报告依法行政深入推进" * 5
    assert decode_bytes(text.encode("utf-16-le")) == (text, "utf-16-le")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\r\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 20, "NUL bytes"),
        (random.Random(7).randbytes(4000), "undecodable"),
        (random.Random(7).randbytes(4000).replace(b"\x00", b"\x01"), "undecodable"),
        (("正文\x01\x02\x03\x04" * 50).encode("utf-8"), "control characters"),
        (b"This annual report is written in English only, without any Chinese at all.", "too little Chinese"),
    ],
)
def test_junk_is_rejected(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(data)
    assert reason in info.value.reason


def test_markup_may_skip_the_cjk_check() -> None:
    html = b"<html><body><p>" + "报告".encode() + b"</p>" + b"<div>x</div>" * 200 + b"</body></html>"
    text, enc = decode_bytes(html, min_cjk=0)
    assert enc == "utf-8" and "报告" in text


def test_a_strictly_decoded_file_with_a_garbled_stretch_of_its_own_still_loads():
    body = "全年开展普法宣传活动26场，覆盖群众3000余人次。" * 4
    text = "某某镇2024年法治政府建设情况报告\n" + body + "\ufffd" * 6 + "。\n"
    assert decode_bytes(text.encode("utf-8"))[0] == text
    # a lenient guess full of replacement characters is still refused
    with pytest.raises(DecodeError):
        check_text("报告" + "\ufffd" * 20 + "内容" * 200, "gbk", 0.2)

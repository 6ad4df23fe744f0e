"""transforms.numerals: cn_number reads Chinese numerals to cn2an's standard.

The cases of cn2an's own suite (cn2an/cn2an_test.py, strict and normal modes) are written here as
our data (inputs and values are facts); where the library is installed (a dev dependency) every
case, sampled numerals 0..10^9 in plain and financial forms and random strings are checked
against it too.
"""

from __future__ import annotations

import random

import pytest

from tests.test_quantities import mentions
from transforms.numerals import cn_number, quantity_value

STRICT = [
    ('零', 0),
    ('一', 1),
    ('十', 10),
    ('十一', 11),
    ('一十一', 11),
    ('二十', 20),
    ('二十一', 21),
    ('一百', 100),
    ('一百零一', 101),
    ('一百一十', 110),
    ('一百一十一', 111),
    ('一千', 1000),
    ('一千一百', 1100),
    ('一千一百一十', 1110),
    ('一千一百一十一', 1111),
    ('一千零一十', 1010),
    ('一千零十', 1010),
    ('一千零十一', 1011),
    ('一千零一十一', 1011),
    ('一千零一', 1001),
    ('一千一百零一', 1101),
    ('一万一千一百一十一', 11111),
    ('一十一万一千一百一十一', 111111),
    ('一百一十一万一千一百一十一', 1111111),
    ('一千一百一十一万一千一百一十一', 11111111),
    ('一亿一千一百一十一万一千一百一十一', 111111111),
    ('一十一亿一千一百一十一万一千一百一十一', 1111111111),
    ('一百一十一亿一千一百一十一万一千一百一十一', 11111111111),
    ('一千一百一十一亿一千一百一十一万一千一百一十一', 111111111111),
    ('一千一百一十一万一千一百一十一亿一千一百一十一万一千一百一十一', 1111111111111111),
    ('壹', 1),
    ('拾', 10),
    ('拾壹', 11),
    ('壹拾壹', 11),
    ('壹佰壹拾壹', 111),
    ('壹仟壹佰壹拾壹', 1111),
    ('壹万壹仟壹佰壹拾壹', 11111),
    ('壹拾壹万壹仟壹佰壹拾壹', 111111),
    ('壹佰壹拾壹万壹仟壹佰壹拾壹', 1111111),
    ('壹仟壹佰壹拾壹万壹仟壹佰壹拾壹', 11111111),
    ('壹亿壹仟壹佰壹拾壹万壹仟壹佰壹拾壹', 111111111),
    ('壹拾壹亿壹仟壹佰壹拾壹万壹仟壹佰壹拾壹', 1111111111),
    ('壹佰壹拾壹亿壹仟壹佰壹拾壹万壹仟壹佰壹拾壹', 11111111111),
    ('壹仟壹佰壹拾壹亿壹仟壹佰壹拾壹万壹仟壹佰壹拾壹', 111111111111),
    ('壹拾壹元整', 11),
    ('壹佰壹拾壹圆整', 111),
    ('壹拾壹元正', 11),
    ('壹拾壹圆正', 11),
    ('壹拾壹元壹角', 11.1),
    ('壹拾壹元壹角壹分', 11.11),
    ('十万', 100000),
    ('十万零一', 100001),
    ('一万零一', 10001),
    ('一万零一十一', 10011),
    ('一万零一百一十一', 10111),
    ('一万零百一十一', 10111),
    ('一十万零一', 100001),
    ('一百万零一', 1000001),
    ('一千万零一', 10000001),
    ('一千零一万一千零一', 10011001),
    ('一千零一万零一', 10010001),
    ('一亿零一', 100000001),
    ('一十亿零一', 1000000001),
    ('一百亿零一', 10000000001),
    ('一千零一亿一千零一万一千零一', 100110011001),
    ('一千亿一千万一千零一', 100010001001),
    ('一千亿零一', 100000000001),
    ('玖仟陆佰陆拾伍圆壹角捌分', 9665.18),
    ('壹佰捌拾壹圆柒角', 181.7),
    ('零点零零零零零零零零零零零零零零一', 1e-15),
    ('零点零零零零零零零零零零零零零一', 1e-14),
    ('零点零零零零零零零零零零零零一', 1e-13),
    ('零点零零零零零零零零零零零一', 1e-12),
    ('零点零零零零零零零零零零一', 1e-11),
    ('零点零零零零零零零零零一', 1e-10),
    ('零点零零零零零零零零一', 1e-09),
    ('零点零零零零零零零一', 1e-08),
    ('零点零零零零零零一', 1e-07),
    ('零点零零零零零一', 1e-06),
    ('零点零零零零一', 1e-05),
    ('零点零零零一', 0.0001),
    ('零点零零一', 0.001),
    ('零点零一', 0.01),
    ('零点一', 0.1),
    ('负一', -1),
    ('负二', -2),
    ('负十', -10),
    ('负十一', -11),
    ('负一十一', -11),
    ('廿二', 22),
]
# normal mode reads everything strict does, and spoken forms, digit runs and 两/〇 besides
NORMAL_ONLY = [
    ('一一', 11),
    ('一一一', 111),
    ('壹壹', 11),
    ('壹壹壹', 111),
    ('零点零', 0),
    ('零点零零', 0),
    ('一七二零', 1720),
    ('一七二零点一', 1720.1),
    ('一七二零点一三四', 1720.134),
    ('一二三', 123),
    ('负零点一零', -0.1),
    ('负一七二零', -1720),
    ('负一七二零点一', -1720.1),
    ('三万五', 35000),
    ('十三万五', 135000),
    ('两千六', 2600),
    ('一百二', 120),
    ('一百十一', 111),
    ('一百十六', 116),
    ('一千一十', 1010),
    ('一百二十万三', 1203000),
    ('十万零一千', 101000),
    ('一百九十万零三千九百七十一', 1903971),
    ('一亿五千万零六千三百五十五', 150006355),
    ('兩千六', 2600),
    ('壹拾壹元', 11),
    ('壹佰壹拾壹圆', 111),
    ('壹拾壹圆', 11),
    ('壹拾万零叁仟肆佰伍拾叁', 103453),
    ('〇', 0),
]
# not a numeral in strict mode (cn2an raises ValueError; we give None)
STRICT_ERRORS = [
    '一一', '壹壹', '零点', '点零', '点一', '百十一', '十一十二', '负十一十二',
    '十七十八', '', '元整', '圆', '负', '零点点', '零点零大', '10.1万零100',
    '10..1万', '100万', '100万三千', '200亿零四千230', '一百点123',
    '10.1万', '-10.1万', '16.4亿', '35.1亿', '1百01', '1万600',
    '10.1', '-10.1', '一一一', '壹壹壹', '零点零', '零点零零', '一七二零',
    '一七二零点一', '一七二零点一三四', '一二三', '负零点一零', '负一七二零',
    '负一七二零点一', '三万五', '十三万五', '两千六', '一百二', '一百十一', '一百十六',
    '一千一十', '一百二十万三', '十万零一千', '一百九十万零三千九百七十一',
    '一亿五千万零六千三百五十五', '兩千六', '壹拾壹元', '壹佰壹拾壹圆', '壹拾壹圆',
    '壹拾万零叁仟肆佰伍拾叁', '〇',
]
NORMAL_ERRORS = [
    '零点点', '零点零大', '元整', '负', '点零', '', '10.1万零100',
    '10..1万', '100万', '100万三千', '200亿零四千230', '一百点123',
    '10.1万', '-10.1万', '16.4亿', '35.1亿', '1百01', '1万600',
    '10.1', '-10.1',
]

PLAIN = "零一二三四五六七八九"
FIN = "零壹贰叁肆伍陆柒捌玖"


def write(n: int, financial: bool = False) -> str:
    """A whole number below 10^12 in the written standard (一百零五, 十亿零一万零一), our own writer."""
    digits = FIN if financial else PLAIN
    units = ("", "拾", "佰", "仟") if financial else ("", "十", "百", "千")

    def section(x: int, head: bool) -> str:
        """Below 10^4: a 零 for each run of zeros between digits; 十五 only at the very head."""
        out, gap = "", False
        for i in (3, 2, 1, 0):
            d = x // 10**i % 10
            if d == 0:
                gap = bool(out)
                continue
            out += digits[0] if gap else ""
            gap = False
            out += ("" if (d == 1 and i == 1 and not out and head) else digits[d]) + units[i]
        return out

    if n == 0:
        return digits[0]
    out, skipped = "", False
    for x, big in ((n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")):
        if x == 0:
            skipped = bool(out)
            continue
        if out and (x < 1000 or skipped):
            out += digits[0]
        out += section(x, head=not out) + big
        skipped = False
    return out


@pytest.mark.parametrize(("text", "value"), STRICT)
def test_strict_suite(text, value):
    assert cn_number(text, "strict") == value
    assert cn_number(text, "normal") == value


@pytest.mark.parametrize(("text", "value"), NORMAL_ONLY)
def test_normal_suite(text, value):
    assert cn_number(text, "normal") == value


@pytest.mark.parametrize("text", STRICT_ERRORS)
def test_strict_errors(text):
    assert cn_number(text, "strict") is None


@pytest.mark.parametrize("text", NORMAL_ERRORS)
def test_normal_errors(text):
    assert cn_number(text, "normal") is None


def test_written_numerals_read_back():
    rng = random.Random(11)
    for n in [*range(0, 2001), *(rng.randrange(10**9) for _ in range(3000))]:
        for financial in (False, True):
            text = write(n, financial)
            assert cn_number(text, "strict") == n, text
            assert cn_number(text, "normal") == n, text


def _lib(text: str, mode: str):
    cn2an = pytest.importorskip("cn2an")
    try:
        return cn2an.cn2an(text, mode)
    except Exception:  # noqa: BLE001 - ValueError, and KeyError/IndexError on some malformed input
        return None


@pytest.mark.parametrize("mode", ["strict", "normal"])
def test_every_suite_case_as_the_library_reads_it(mode):
    texts = [t for t, _ in STRICT] + [t for t, _ in NORMAL_ONLY] + STRICT_ERRORS + NORMAL_ERRORS
    assert [(t, cn_number(t, mode)) for t in texts] == [(t, _lib(t, mode)) for t in texts]


def test_sampled_numerals_as_the_library_reads_them():
    rng = random.Random(7)
    for n in [0, 10, 10**8, 10**9, *(rng.randrange(10**9 + 1) for _ in range(2000))]:
        for financial in (False, True):
            text = write(n, financial)
            assert cn_number(text, "strict") == _lib(text, "strict") == n, text
            assert cn_number(text, "normal") == _lib(text, "normal") == n, text


def test_random_strings_we_read_the_library_reads_alike():
    """On any string of numeral characters: where we give a value, cn2an gives the same one (we
    refuse some garbage cn2an reads, such as 八五仟八)."""
    rng = random.Random(3)
    alphabet = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点负元角分圆整廿"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7)))
        for mode in ("strict", "normal"):
            ours = cn_number(text, mode)
            if ours is not None:
                assert ours == _lib(text, mode), (text, mode)


def test_traditional_forms():
    assert cn_number("兩千六") == 2600
    assert cn_number("貳萬") == 20000


@pytest.mark.parametrize(("text", "value"), [("万", 10000), ("百", 100), ("十", 10), ("三八", None),
                                             ("二〇二四", None), ("一百二", 120), ("三千五", 3500)])
def test_a_mention_numeral(text, value):
    """quantity_value: cn2an's normal mode, a lone unit its own value, a digit run no count."""
    assert quantity_value(text) == value


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [("受理群众来信壹佰贰拾件", "壹佰贰拾件", 120), ("发放补助叁万元", "叁万元", 30000),
     ("办结拾壹件", "拾壹件", 11), ("调解纠纷贰拾件", "贰拾件", 20), ("受理投诉陆件。", "陆件", 6)],
)
def test_financial_numerals_are_mentions(text, surface, value):
    found = mentions(text)
    assert [(m["surface"], m["value"]) for m in found] == [(surface, value)]


@pytest.mark.parametrize("text", ["伍某参加调解", "陆某某等3人参加培训", "走访陆家嘴社区", "伍家岭街道开展普法"])
def test_surnames_and_places_are_not_financial_numerals(text):
    assert all(not m["surface"].startswith(("伍", "陆")) for m in mentions(text))

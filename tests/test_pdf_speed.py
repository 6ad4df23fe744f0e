"""The native PDF reader (pdfium) gives the same lines as pdfplumber, its fallback, on generated PDFs.

Not a timed test: the speed is in the commit message; this pins the behaviour both paths share."""

from __future__ import annotations

import pytest

from transforms.formats import _pdfium_pages, _plumber_pages, extract_pdf

from .test_formats import make_pdf

BODY = "全年办理行政复议案件十二件，纠错率为零，行政诉讼败诉率为零。"


def _texts(pages):
    return [[ln.text for ln in p] for p in pages]


def test_both_readers_give_the_same_lines_on_a_hand_made_pdf() -> None:
    pdf = make_pdf([[(230, 800, 9, "某县人民政府"), (74, 700, 12, BODY[:28]), (50, 680, 12, BODY),
                     (214, 660, 16, "告"), (50, 640, 9, "索引号"), (200, 640, 9, "001/2024-01"),
                     (290, 40, 9, "- 1 -")]])
    assert _texts(_pdfium_pages(pdf)) == _texts(_plumber_pages(pdf))


def test_a_one_character_line_is_kept() -> None:
    """pdfium drops a text object whose glyphs have no box: the box font must give every glyph one."""
    assert "告" in _texts(_pdfium_pages(make_pdf([[(214, 660, 16, "告")]])))[0]


def test_both_readers_agree_on_a_sample_printed_by_reportlab() -> None:
    pytest.importorskip("reportlab")
    from .test_variants import SAMPLES, pdf_bytes

    pdf = pdf_bytes(SAMPLES[0].read_text(encoding="utf-8"))
    # the one difference of the raw lines: a UCS-2 CMap's U+30FB reads as itself in pdfium, U+00B7 in
    # pdfminer; extract_pdf folds it, so the text is the one pdfplumber gave
    native = [[t.replace("\u30fb", "\u00b7") for t in p] for p in _texts(_pdfium_pages(pdf))]
    assert native == _texts(_plumber_pages(pdf))
    text = extract_pdf(pdf).text
    assert text and "\u30fb" not in text

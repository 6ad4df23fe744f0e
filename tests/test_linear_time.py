"""Time and memory stay linear in a report's length.

A single-line file of 1件2件3件… once made one sentence of the whole file, and the mention and fact
stages read each number's sentence around it: quadratic, minutes and gigabytes for one megabyte.
These tests bound the work (sentence length), compare the stage chain on 1× and 2× input (medians,
a generous ratio), and run a ~2 MB report in a fresh process under a memory bound.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import polars as pl
import pytest

from transforms.indicators import classify_facts, load_catalogue
from transforms.metadata import extract_metadata
from transforms.quantities import extract_mentions
from transforms.sections import split_sections
from transforms.sentences import MAX_SENTENCE, split_sentences
from transforms.themes import shortcoming_theme_hits

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "raw" / "003_7fd64a31cf2fad1d.txt"


def _counted(n_bytes: int) -> str:
    """1件2件3件… of about `n_bytes` UTF-8 bytes, on one line."""
    out, size, i = [], 0, 1
    while size < n_bytes:
        piece = f"{i}件"
        out.append(piece)
        size += len(piece.encode())
        i += 1
    return "".join(out)


def _repeated(n_bytes: int, one_line: bool = False) -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    if one_line:
        text = text.replace("\n", "")
    return (text * (n_bytes // len(text.encode()) + 1)).encode()[:n_bytes].decode(errors="ignore")


def _docs(text: str) -> pl.DataFrame:
    return pl.DataFrame({"source_file": ["big.txt"], "text": [text]})


def _chain(docs: pl.DataFrame) -> int:
    """Every stage from sections to facts and themes; returns the facts' row count."""
    sections, spans = split_sections(docs)
    extract_metadata(docs, sections)
    shortcoming_theme_hits(docs, sections)
    sentences = split_sentences(docs, spans)
    mentions = extract_mentions(sentences)
    return classify_facts(mentions, sentences, load_catalogue()).height


def _median_seconds(docs: pl.DataFrame, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        _chain(docs)
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


@pytest.mark.parametrize("text", [_counted(300_000), "法治政府建设" * 60_000, _repeated(300_000, one_line=True)],
                         ids=["counted", "unpunctuated", "one_line"])
def test_no_sentence_grows_with_the_file(text: str) -> None:
    """A run with no sentence end is cut: every sentence is at most two MAX_SENTENCE long."""
    docs = _docs(text)
    spans = pl.DataFrame({"source_file": ["big.txt"], "span_start": [0], "span_end": [len(text)],
                          "section": ["preamble"]})
    sentences = split_sentences(docs, spans)
    assert MAX_SENTENCE <= 1000
    assert sentences["sentence"].str.len_chars().max() <= 2 * MAX_SENTENCE
    # offsets still point into the text
    for start, end, sentence in sentences.sample(20, seed=1, with_replacement=True).select(
            "sent_start", "sent_end", "sentence").iter_rows():
        assert text[start:end] == sentence


def test_mentions_per_sentence_are_bounded() -> None:
    """The facts stage's work is mentions × their sentence's length: bounded per sentence."""
    docs = _docs(_counted(200_000))
    spans = pl.DataFrame({"source_file": ["big.txt"], "span_start": [0], "span_end": [400_000],
                          "section": ["preamble"]})
    sentences = split_sentences(docs, spans)
    mentions = extract_mentions(sentences)
    work = mentions.join(sentences, on=["source_file", "sentence_no"]).select(
        pl.col("sentence").str.len_chars().sum()).item()
    assert work <= mentions.height * 2 * MAX_SENTENCE
    assert sentences.height >= 200_000 / 4 / (2 * MAX_SENTENCE)


@pytest.mark.parametrize(("make", "size"), [(_counted, 30_000), (_repeated, 300_000)], ids=["counted", "report"])
def test_twice_the_text_takes_about_twice_the_time(make, size: int) -> None:
    one = _median_seconds(_docs(make(size)))
    two = _median_seconds(_docs(make(2 * size)))
    assert two < 3 * one + 0.2, f"{size} bytes: {one:.2f}s, twice that: {two:.2f}s"


def test_a_two_megabyte_report_stays_in_bounded_memory() -> None:
    """A ~2 MB report (a real one repeated), 1 MB of it on one line and 100 kB of 1件2件… in a fresh process."""
    script = textwrap.dedent(
        f"""
        import resource, sys
        sys.path.insert(0, {str(REPO)!r})
        from tests.test_linear_time import _chain, _docs, _repeated, _counted
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        _chain(_docs(_repeated(2_000_000)))
        _chain(_docs(_repeated(1_000_000, one_line=True)))
        _chain(_docs(_counted(100_000)))
        print("peak_mib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, base // 1024)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert out.returncode == 0, out.stderr[-2000:]
    peak, base = map(int, re.search(r"peak_mib (\d+) (\d+)", out.stdout).groups())
    assert peak - base < 800, f"peak RSS {peak} MiB (imports {base} MiB)"

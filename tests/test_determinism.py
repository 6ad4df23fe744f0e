"""Identical input gives identical output: every call, every copy, any batch, any row order.

A cue tie once went one way or the other by the hash order of a join (整改…问题 or 整改问题 on copies
of one report); these tests run the real stage chain on many copies of each sample and on shuffled
and regrouped input, and compare outputs byte for byte. Normalisation (slow, not under test here)
runs once per sample; its output is copied under new names.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from transforms import schemas
from transforms.formats import read_documents
from transforms.indicators import classify_facts, load_catalogue
from transforms.metadata import extract_metadata
from transforms.normalize import normalize_documents
from transforms.quantities import extract_mentions
from transforms.screening import quarantine_reasons
from transforms.sections import split_sections
from transforms.sentences import split_sentences
from transforms.themes import shortcoming_theme_hits

RAW = Path(__file__).resolve().parent.parent / "raw"
COPIES = 300
CALLS = 5


def _copy_name(name: str, i: int) -> str:
    return f"{Path(name).stem}__{i:04d}.txt"


def _original(col: str = "source_file") -> pl.Expr:
    return pl.col(col).str.replace(r"__\d{4}\.txt$", ".txt")


def _stages(docs: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Every stage from sections on, as orchestration/assets/staging.py chains them."""
    sections, spans = split_sections(docs.select("source_file", "text"))
    meta = extract_metadata(docs, sections)
    sentences = split_sentences(docs.select("source_file", "text"), spans)
    mentions = extract_mentions(sentences)
    return {
        "sections": sections,
        "spans": spans,
        "metadata": meta,
        "quarantine": quarantine_reasons(meta, docs, sections),
        "sentences": sentences,
        "mentions": mentions,
        "facts": classify_facts(mentions, sentences, load_catalogue()),
        "themes": shortcoming_theme_hits(docs.select("source_file", "text"), sections),
    }


@pytest.fixture(scope="module")
def normalized() -> pl.DataFrame:
    """The five samples read and normalised once: source_file, text, page_title, page_published_on."""
    rows = []
    for p in sorted(RAW.iterdir()):
        data = p.read_bytes()
        rows.append({"source_file": p.name, "path": str(p), "ext": p.suffix.lstrip("."), "size": len(data),
                     "sha256": hashlib.sha256(data).hexdigest(), "content": data})
    docs = read_documents(pl.DataFrame(rows, schema=schemas.RAW_FILES))
    text = normalize_documents(docs).select("source_file", "text")
    return text.join(docs.select("source_file", "page_title", "page_published_on"), on="source_file")


@pytest.fixture(scope="module")
def copies(normalized: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """COPIES renamed copies of each sample, interleaved, run through the upstream stages once."""
    docs = pl.concat(
        [normalized.with_columns(source_file=pl.col("source_file").map_elements(lambda s, i=i: _copy_name(s, i),
                                                                                return_dtype=pl.String))
         for i in range(COPIES)]
    )
    sections, spans = split_sections(docs.select("source_file", "text"))
    sentences = split_sentences(docs.select("source_file", "text"), spans)
    return {"sentences": sentences, "mentions": extract_mentions(sentences)}


def _per_file(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    return {k[0]: v.drop("source_file") for k, v in frame.partition_by("source_file", as_dict=True).items()}


def _same_per_file(a: pl.DataFrame, b: pl.DataFrame, what: str) -> None:
    left, right = _per_file(a), _per_file(b)
    assert left.keys() == right.keys(), what
    for name, frame in left.items():
        assert frame.equals(right[name]), f"{what}: {name} differs"


def test_classify_facts_same_every_call(copies: dict[str, pl.DataFrame]) -> None:
    catalogue = load_catalogue()
    first = classify_facts(copies["mentions"], copies["sentences"], catalogue)
    for _ in range(CALLS - 1):
        again = classify_facts(copies["mentions"], copies["sentences"], catalogue)
        assert again.equals(first), "classify_facts gave a different frame on the same input"


def test_every_copy_has_the_same_facts(copies: dict[str, pl.DataFrame]) -> None:
    facts = classify_facts(copies["mentions"], copies["sentences"], load_catalogue())
    keys = ["source_file", "sentence_no", "mention_no"]
    facts = facts.with_columns(original=_original()).sort(keys)
    for original, group in facts.group_by("original"):
        per_copy = group.partition_by("source_file", as_dict=True)
        assert len(per_copy) == COPIES, original
        frames = [f.drop("source_file") for f in per_copy.values()]
        reference = frames[0]
        differing = sum(not f.equals(reference) for f in frames[1:])
        assert differing == 0, f"{original}: {differing} of {COPIES} copies classified differently"


def test_mentions_same_for_every_copy(copies: dict[str, pl.DataFrame]) -> None:
    mentions = copies["mentions"].with_columns(original=_original())
    for original, group in mentions.group_by("original"):
        frames = [f.drop("source_file") for f in group.partition_by("source_file", as_dict=True).values()]
        assert all(f.equals(frames[0]) for f in frames[1:]), original


@pytest.mark.parametrize("seed", [1, 2])
def test_row_order_and_batch_do_not_matter(normalized: pl.DataFrame, seed: int) -> None:
    """Each file's rows of every stage are the same alone, in a shuffled batch, and in a batch in order."""
    docs = pl.concat([normalized.with_columns(source_file=pl.col("source_file").str.replace(r"\.txt$", f"_{i}.txt"))
                      for i in range(3)])
    in_order = _stages(docs)
    shuffled = _stages(docs.sample(fraction=1.0, shuffle=True, seed=seed))
    alone = {name: _stages(docs.filter(pl.col("source_file") == name))
             for name in docs["source_file"].sample(2, seed=seed).to_list()}
    for stage, frame in in_order.items():
        assert frame.equals(shuffled[stage]) or stage == "metadata" or stage == "quarantine", stage
        _same_per_file(frame, shuffled[stage], f"{stage} (shuffled batch)")
        for name, out in alone.items():
            _same_per_file(frame.filter(pl.col("source_file") == name), out[stage], f"{stage} ({name} alone)")


def test_downstream_stages_ignore_input_row_order(copies: dict[str, pl.DataFrame], normalized: pl.DataFrame) -> None:
    """Shuffled sentences and mentions give the same mentions and facts, row for row."""
    sentences = copies["sentences"].filter(_original().is_in(normalized["source_file"].to_list()) &
                                           pl.col("source_file").str.contains("__000[0-4]"))
    mentions = extract_mentions(sentences)
    facts = classify_facts(mentions, sentences, load_catalogue())
    for seed in (3, 4):
        s = sentences.sample(fraction=1.0, shuffle=True, seed=seed)
        m = extract_mentions(s)
        assert m.equals(mentions)
        assert classify_facts(m.sample(fraction=1.0, shuffle=True, seed=seed), s, load_catalogue()).equals(facts)

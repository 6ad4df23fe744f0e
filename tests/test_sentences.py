import polars as pl

from transforms.schemas import SENTENCES
from transforms.sentences import split_sentences


def _docs() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source_file": ["a.txt", "b.txt"],
            "text": [
                "一、主要举措和成效\n全年调解纠纷12件。开展普法宣传3场！\n\n  二、存在的不足\n人员不足",
                "本镇全年无行政诉讼案件",
            ],
        }
    )


def _spans() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source_file": ["a.txt", "a.txt", "b.txt"],
            "span_start": [0, 33, 0],
            "span_end": [33, 44, 11],
            "section": ["achievements", "shortcomings", "preamble"],
        }
    )


def test_offsets_point_back_into_the_text():
    docs = _docs()
    out = split_sentences(docs, _spans())
    assert out.schema == SENTENCES
    texts = dict(docs.iter_rows())
    for row in out.iter_rows(named=True):
        assert texts[row["source_file"]][row["sent_start"] : row["sent_end"]] == row["sentence"]


def test_splits_on_sentence_ends_and_lines_and_labels_sections():
    out = split_sentences(_docs(), _spans()).filter(pl.col("source_file") == "a.txt")
    assert out["sentence"].to_list() == [
        "一、主要举措和成效",
        "全年调解纠纷12件。",
        "开展普法宣传3场！",
        "二、存在的不足",
        "人员不足",
    ]
    assert out["section"].to_list() == ["achievements"] * 3 + ["shortcomings"] * 2
    assert out["sentence_no"].to_list() == [1, 2, 3, 4, 5]


def test_text_without_a_final_stop_is_one_sentence():
    out = split_sentences(_docs(), _spans()).filter(pl.col("source_file") == "b.txt")
    assert out["sentence"].to_list() == ["本镇全年无行政诉讼案件"]
    assert out["section"].to_list() == ["preamble"]

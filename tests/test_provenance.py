import polars as pl

from transforms.provenance import add_source_offsets


def test_offsets_follow_the_map_back_to_the_source():
    source = "開(kāi)展普法活動(dòng)12場(chǎng)"
    text = "开展普法活动12场"
    # each kept character's position in the source
    offset_map = [0, 6, 7, 8, 9, 10, 17, 18, 19]
    assert len(offset_map) == len(text)
    facts = pl.DataFrame({"source_file": ["x.txt"], "char_start": [6], "char_end": [9]})
    maps = pl.DataFrame({"source_file": ["x.txt"], "offset_map": [offset_map]},
                        schema={"source_file": pl.String, "offset_map": pl.List(pl.Int32)})
    out = add_source_offsets(facts, maps).row(0, named=True)
    assert source[out["source_start"] : out["source_end"]] == "12場"
    assert text[6:9] == "12场"


def test_a_file_without_a_map_keeps_null_source_offsets():
    facts = pl.DataFrame({"source_file": ["y.txt"], "char_start": [0], "char_end": [2]})
    maps = pl.DataFrame(schema={"source_file": pl.String, "offset_map": pl.List(pl.Int32)})
    out = add_source_offsets(facts, maps).row(0, named=True)
    assert out["source_start"] is None and out["source_end"] is None

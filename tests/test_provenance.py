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


def test_offsets_are_linear_in_facts_plus_characters():
    """A long report with many numbers: each file's map is gathered from once, never copied per fact
    (joining the map to every fact took 1,000 copies of a 500,000-entry map here)."""
    import resource

    n, k = 500_000, 1_000
    maps = pl.DataFrame({"source_file": ["big.txt"], "offset_map": [list(range(0, 2 * n, 2))]},
                        schema={"source_file": pl.String, "offset_map": pl.List(pl.Int32)})
    starts = list(range(0, n - 10, (n - 10) // k))[:k]
    facts = pl.DataFrame({"source_file": ["big.txt"] * k, "char_start": starts, "char_end": [s + 3 for s in starts]})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = add_source_offsets(facts, maps)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert out["source_start"].to_list() == [2 * s for s in starts]
    assert out["source_end"].to_list() == [2 * (s + 2) + 1 for s in starts]
    assert grown_mb < 200, f"offsets grew the process by {grown_mb:.0f} MB"

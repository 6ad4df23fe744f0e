import polars as pl

from transforms.provenance import add_source_offsets
from transforms.schemas import NORMALIZED


def _maps(runs: dict[str, list[tuple[int, int]]]) -> pl.DataFrame:
    """NORMALIZED's map columns for each file's runs (source start, length)."""
    return pl.DataFrame(
        {"source_file": list(runs), "run_starts": [[s for s, _ in r] for r in runs.values()],
         "run_lengths": [[n for _, n in r] for r in runs.values()]},
        schema={k: NORMALIZED[k] for k in ("source_file", "run_starts", "run_lengths")},
    )


def test_offsets_follow_the_map_back_to_the_source():
    source = "開(kāi)展普法活動(dòng)12場(chǎng)"
    text = "开展普法活动12场"
    # each kept character's position in the source: 0, then 6..10, then 17..19, as runs
    maps = _maps({"x.txt": [(0, 1), (6, 5), (17, 3)]})
    facts = pl.DataFrame({"source_file": ["x.txt"] * 3, "char_start": [6, 0, 8], "char_end": [9, 2, 9]})
    out = add_source_offsets(facts, maps).rows(named=True)
    assert [source[r["source_start"] : r["source_end"]] for r in out] == ["12場", "開(kāi)展", "場"]
    assert text[6:9] == "12场"


def test_offsets_past_the_text_are_null():
    maps = _maps({"x.txt": [(0, 3), (5, 0), (9, 2)]})  # 5 characters; an empty run maps nothing
    facts = pl.DataFrame({"source_file": ["x.txt"] * 4, "char_start": [3, 4, 4, 5], "char_end": [4, 5, 6, 6]})
    out = add_source_offsets(facts, maps)
    assert out["source_start"].to_list() == [9, 10, 10, None]
    assert out["source_end"].to_list() == [10, 11, None, None]


def test_a_file_without_a_map_keeps_null_source_offsets():
    facts = pl.DataFrame({"source_file": ["y.txt"], "char_start": [0], "char_end": [2]})
    maps = _maps({})
    out = add_source_offsets(facts, maps).row(0, named=True)
    assert out["source_start"] is None and out["source_end"] is None


def test_offsets_are_linear_in_facts_plus_characters():
    """A long report with many numbers: each file's map is read once, never copied per fact (joining
    the map to every fact took 1,000 copies of a 500,000-entry map here). Every other source character
    kept: 500,000 runs of one."""
    import resource

    n, k = 500_000, 1_000
    maps = _maps({"big.txt": [(s, 1) for s in range(0, 2 * n, 2)]})
    starts = list(range(0, n - 10, (n - 10) // k))[:k]
    facts = pl.DataFrame({"source_file": ["big.txt"] * k, "char_start": starts, "char_end": [s + 3 for s in starts]})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = add_source_offsets(facts, maps)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert out["source_start"].to_list() == [2 * s for s in starts]
    assert out["source_end"].to_list() == [2 * (s + 2) + 1 for s in starts]
    assert grown_mb < 200, f"offsets grew the process by {grown_mb:.0f} MB"

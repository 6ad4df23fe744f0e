"""Old vs new normalization: identical output and MB/s (issue 9).

    .venv/bin/python tests/bench_normalize.py [--old REV] [--runs 5] PARQUET...

Each PARQUET holds a `source_text` column (e.g. stage.documents of a built warehouse, or
read_documents of tests/bench_corpus.py's files). `--old` is a git revision whose
transforms/normalize.py (with its transforms/opencc_fast.py) is the reference (default HEAD).
Prints, per file, whether text, source_script and offset map (run_starts, run_lengths) are
identical, and the median MB/s of normalize_documents over `--runs` runs, old and new alternated
(the machine may be shared: read the ratio).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import polars as pl

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from transforms import normalize  # noqa: E402


def _load(rev: str, name: str, replace: tuple[str, str] | None = None) -> ModuleType:
    """transforms/<name>.py as it is at `rev`, imported as <name>_old."""
    source = subprocess.run(["git", "show", f"{rev}:transforms/{name}.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    if replace:
        source = source.replace(*replace)
    path = Path(tempfile.mkdtemp()) / f"{name}_old.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"{name}_old", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"{name}_old"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def old_module(rev: str) -> ModuleType:
    """transforms/normalize.py as it is at `rev`, imported under another name, with transforms/opencc_fast.py
    as it is at `rev` too where it has one (else the old normalization would time today's conversion)."""
    imports = "from transforms import opencc_fast, rules"
    has_fast = subprocess.run(["git", "cat-file", "-e", f"{rev}:transforms/opencc_fast.py"], cwd=ROOT).returncode == 0
    if not has_fast:
        return _load(rev, "normalize")
    _load(rev, "opencc_fast")  # importable as opencc_fast_old
    return _load(rev, "normalize", (imports, "import opencc_fast_old as opencc_fast\nfrom transforms import rules"))


def _spelled_out(frame: pl.DataFrame) -> pl.DataFrame:
    """source_file, text, source_script and the map per character, from either way a commit stores it
    (offset_map before the map was kept as runs)."""
    if "offset_map" in frame.columns:
        return frame.select("source_file", "text", "source_script", "offset_map")
    offsets = [None if s is None else [a + k for a, n in zip(s, n_, strict=True) for k in range(n)]
               for s, n_ in zip(frame["run_starts"].to_list(), frame["run_lengths"].to_list(), strict=True)]
    return frame.select("source_file", "text", "source_script").with_columns(
        offset_map=pl.Series(offsets, dtype=pl.List(pl.Int32)))


def compare(old: ModuleType, docs: pl.DataFrame) -> list[str]:
    """The source_files whose normalized row differs between old and new."""
    a = _spelled_out(old.normalize_documents(docs))
    b = _spelled_out(normalize.normalize_documents(docs))
    diff = a.with_row_index().join(b.with_row_index(), on="index", suffix="_new")
    return [r["source_file"] for r in diff.iter_rows(named=True)
            if (r["text"], r["source_script"], r["offset_map"]) != (r["text_new"], r["source_script_new"],
                                                                     r["offset_map_new"])]


def speed(old: ModuleType, docs: pl.DataFrame, runs: int) -> tuple[float, float]:
    """Median MB/s of old and new, alternated."""
    size = docs["source_text"].str.len_bytes().sum() / 1e6
    times: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(runs):
        for name, fn in (("old", old.normalize_documents), ("new", normalize.normalize_documents)):
            start = time.perf_counter()
            fn(docs)
            times[name].append(time.perf_counter() - start)
    return size / statistics.median(times["old"]), size / statistics.median(times["new"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", default="HEAD")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("parquet", nargs="+")
    args = ap.parse_args()
    old = old_module(args.old)
    for path in args.parquet:
        docs = pl.read_parquet(path).select("source_file", "source_text")
        differ = compare(old, docs)
        line = f"{path}: {docs.height} docs, {docs['source_text'].str.len_bytes().sum() / 1e6:.1f} MB, " \
               f"{len(differ)} differ {differ[:5]}"
        if not args.no_speed:
            o, n = speed(old, docs, args.runs)
            line += f"; old {o:.1f} MB/s, new {n:.1f} MB/s ({n / o:.1f}x)"
        print(line, flush=True)


if __name__ == "__main__":
    main()

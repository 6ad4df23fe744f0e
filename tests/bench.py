"""`make bench`: time and memory of a cold build and of a re-run with nothing new.

The sample reports are copied N times (default 500, `BENCH_COPIES`) with a line appended to
each copy so every file hashes differently, into a folder under /tmp; the whole job runs
in-process and the numbers go to stdout. Not a test: pytest does not collect it.
"""

import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import build  # noqa: E402


def make_corpus(folder: Path, copies: int) -> int:
    samples = sorted((REPO / "raw").iterdir())
    total = 0
    for i in range(copies):
        for s in samples:
            data = s.read_bytes() + f"\n（副本{i}）\n".encode()
            (folder / f"{s.stem}_{i:05d}{s.suffix}").write_bytes(data)
            total += len(data)
    return total


def main() -> int:
    copies = int(os.environ.get("BENCH_COPIES", "500"))
    root = Path(tempfile.mkdtemp(prefix="reports-bench-"))
    raw, wh = root / "raw", root / "wh" / "reports.duckdb"
    raw.mkdir()
    size = make_corpus(raw, copies)
    files = len(list(raw.iterdir()))
    t0 = time.perf_counter()
    assert build(raw, wh).success
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    assert build(raw, wh).success
    warm = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"files {files} ({size / 1e6:.1f} MB)")
    print(f"cold build   {cold:8.1f} s   {files / cold:8.1f} files/s")
    print(f"re-run       {warm:8.1f} s   (nothing new)")
    print(f"peak RSS     {peak:8.0f} MiB")
    shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())

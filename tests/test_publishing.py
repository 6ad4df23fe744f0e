"""Publishing by patching the file published before: byte-identical, never under a reader."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb

from orchestration import publishing
from orchestration.publishing import publish_file, spare_path


def _db(path, rows: int, text: str) -> None:
    con = duckdb.connect(str(path))
    con.execute(f"create or replace table t as select i, '{text}' || i as s from range({rows}) r(i)")
    con.execute("checkpoint")
    con.close()


def test_the_second_publish_patches_the_file_the_first_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(publishing, "CHUNK", 4096)
    work, target = tmp_path / ".r.work.duckdb", tmp_path / "r.duckdb"
    _db(work, 50_000, "a")
    assert publish_file(work, target) == "copied whole: the first publish (a spare made for the next)"
    assert target.read_bytes() == work.read_bytes() == spare_path(target).read_bytes()
    first = work.read_bytes()

    _db(work, 60_000, "b")
    assert publish_file(work, target).startswith("patched ")  # the spare made by the first publish
    assert target.read_bytes() == work.read_bytes()
    assert spare_path(target).read_bytes() == first  # the first publish's file, kept as the spare
    assert first != work.read_bytes()

    con = duckdb.connect(str(work))
    con.execute("insert into t values (7, 'new')")
    con.execute("checkpoint")
    con.close()
    how = publish_file(work, target)
    changed, chunks = map(int, how.removeprefix("patched ").removesuffix(" chunks").split(" of "))
    assert 0 < changed < chunks == -(-work.stat().st_size // 4096)
    assert target.read_bytes() == work.read_bytes()
    con = duckdb.connect(str(target), read_only=True)
    got = con.execute("select count(*), max(s) filter (where i = 7 and s = 'new') from t").fetchone()
    assert got == (60_001, "new")
    con.close()
    assert not list(tmp_path.glob("*.tmp"))


def test_a_spare_longer_than_the_working_file_is_cut_to_its_length(tmp_path):
    work, target = tmp_path / ".r.work.duckdb", tmp_path / "r.duckdb"
    target.write_bytes(b"x" * 10)
    spare_path(target).write_bytes(b"y" * (3 * publishing.CHUNK + 5))
    work.write_bytes(b"z" * (publishing.CHUNK + 1))
    assert publish_file(work, target) == "patched 2 of 2 chunks"
    assert target.read_bytes() == work.read_bytes()
    assert spare_path(target).read_bytes() == b"x" * 10


def test_a_spare_a_reader_still_holds_is_left_alone_and_the_file_copied_whole(tmp_path):
    """A CLI session opened the warehouse before the last publish: its file is now the spare. The
    publish must not write under it; it copies, and the reader still reads what it opened."""
    work, target = tmp_path / ".r.work.duckdb", tmp_path / "r.duckdb"
    _db(work, 1000, "old")
    publish_file(work, target)
    reader = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(target)!r}, read_only=True); "
         "print('open', flush=True); sys.stdin.readline(); "
         "print(c.execute(\"select count(*), min(s) from t\").fetchone(), flush=True)"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "open"
        _db(work, 2000, "new")
        publish_file(work, target)  # the reader's file becomes the spare
        _db(work, 3000, "newer")
        assert publish_file(work, target) == "copied whole: the spare is open in another process"
        assert target.read_bytes() == work.read_bytes()
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "(1000, 'old0')"
    finally:
        reader.kill()
        reader.wait()
    # the reader gone, the next publish patches again
    _db(work, 3000, "newest")
    assert publish_file(work, target).startswith("patched ")
    assert target.read_bytes() == work.read_bytes()


def test_without_hard_links_there_is_no_spare_and_publishing_still_works(tmp_path, monkeypatch):
    work, target = tmp_path / ".r.work.duckdb", tmp_path / "r.duckdb"
    _db(work, 100, "a")
    publish_file(work, target)

    def no_link(*args, **kwargs):
        raise OSError(1, "hard links not supported")

    monkeypatch.setattr(os, "link", no_link)
    _db(work, 200, "b")
    assert publish_file(work, target).startswith("patched ")  # the spare the first publish made
    assert target.read_bytes() == work.read_bytes() and not spare_path(target).exists()
    _db(work, 300, "c")
    assert publish_file(work, target) == "copied whole: no spare yet"
    assert target.read_bytes() == work.read_bytes() and not spare_path(target).exists()


def test_a_file_is_on_disk_before_it_is_renamed_into_view(tmp_path, monkeypatch):
    """After a power cut the published name holds one whole publish: whether it was copied whole or
    patched, the file is synced before the rename, and the folder after it."""
    monkeypatch.setattr(publishing, "CHUNK", 4096)
    work, target = tmp_path / ".r.work.duckdb", tmp_path / "r.duckdb"
    events: list[tuple[str, str]] = []
    fsync, replace = os.fsync, os.replace

    def spy_fsync(fd: int) -> None:
        events.append(("sync", os.readlink(f"/proc/self/fd/{fd}")))
        fsync(fd)

    def spy_replace(src, dst) -> None:  # noqa: ANN001
        events.append(("rename", f"{src} -> {dst}"))
        replace(src, dst)

    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(os, "replace", spy_replace)
    for rows, text, how in ((50_000, "a", "copied whole"), (60_000, "b", "patched")):
        _db(work, rows, text)
        events.clear()
        assert publish_file(work, target).startswith(how)
        into_view = [i for i, (op, what) in enumerate(events) if op == "rename" and what.endswith(f"-> {target}")]
        assert len(into_view) == 1, events
        moved = events[into_view[0]][1].split(" -> ")[0]
        assert ("sync", moved) in events[:into_view[0]], events  # the file itself, before
        assert ("sync", str(tmp_path)) in events[into_view[0]:], events  # the folder's entry, after
        if how == "copied whole":  # the spare made for the next publish is written out too
            assert any(op == "sync" and what.endswith(".spare.tmp") for op, what in events), events
    assert target.read_bytes() == work.read_bytes()

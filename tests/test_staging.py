"""Stage glue that is not a transform: reading the bytes of pending files, within the limits."""

import hashlib
import os

import pytest

from orchestration.assets.staging import _documents, scan_raw_folder

REPORT = "清河镇2024年度法治政府建设情况报告\n一、主要举措和成效\n全年开展普法宣传活动12场，调解矛盾纠纷30件。"


def _files(folder):
    files, _ = scan_raw_folder(folder)
    return files


def test_a_file_that_changed_since_hashing_is_quarantined_not_lost(tmp_path):
    (tmp_path / "kept.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "changed.txt").write_text(REPORT, encoding="utf-8")
    files = _files(tmp_path)
    (tmp_path / "changed.txt").write_text(REPORT + "\n补充说明。", encoding="utf-8")
    out = _documents(files.select("source_file", "sha256"), files, tmp_path)
    assert out["stage.documents"]["source_file"].to_list() == ["kept.txt"]
    assert out["quarantine"]["source_file"].to_list() == ["changed.txt"]
    assert "changed while being read" in out["quarantine"]["reason"][0]


def test_files_over_the_limits_are_set_aside_unread_with_the_limit_named(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTS_MAX_FILE_MB", "0.5")
    monkeypatch.setenv("REPORTS_MAX_TEXT_MB", "0.1")
    (tmp_path / "ok.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "long.txt").write_text(REPORT * 2000, encoding="utf-8")  # ~0.25 MB of text
    with open(tmp_path / "huge.pdf", "wb") as fh:  # sparse: 0.6 MB that is never read
        fh.truncate(600_000)
    (tmp_path / "page.html").write_text(f"<html><body><p>{REPORT * 1500}</p></body></html>", encoding="utf-8")
    files = _files(tmp_path)
    out = _documents(files.select("source_file", "sha256"), files, tmp_path)
    assert out["stage.documents"]["source_file"].to_list() == ["ok.txt"]
    reasons = dict(out["quarantine"].select("source_file", "reason").iter_rows())
    assert set(reasons) == {"long.txt", "huge.pdf", "page.html"}
    assert all(why.startswith("too large") for why in reasons.values())
    assert "REPORTS_MAX_FILE_MB" in reasons["huge.pdf"] and "REPORTS_MAX_TEXT_MB" in reasons["long.txt"]
    assert "REPORTS_MAX_TEXT_MB" in reasons["page.html"]  # the page is small enough; its text is not


def test_a_file_swapped_for_a_link_after_the_scan_is_not_read(tmp_path):
    raw, outside = tmp_path / "raw", tmp_path / "outside"
    raw.mkdir()
    outside.mkdir()
    (raw / "a.txt").write_text(REPORT, encoding="utf-8")
    (outside / "secret.txt").write_text(REPORT, encoding="utf-8")
    files = _files(raw)
    (raw / "a.txt").unlink()
    os.symlink(outside / "secret.txt", raw / "a.txt")
    out = _documents(files.select("source_file", "sha256"), files, raw)
    assert out["stage.documents"].height == 0
    assert "link" in out["quarantine"]["reason"][0]
    assert hashlib.sha256(REPORT.encode()).hexdigest() == files["sha256"][0]


def test_an_unchanged_file_is_not_hashed_again_and_a_changed_one_is(tmp_path):
    """A run over a big folder hashes only what changed: a file whose size, times and inode are as
    the last scan saw them keeps the hash the ledger has; a rewritten file is read again."""
    from orchestration.raw_folder import walk

    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "a.txt").write_text("青石镇2024年法治政府建设报告", encoding="utf-8")
    (folder / "b.txt").write_text("白沙镇2024年法治政府建设报告", encoding="utf-8")
    first, _ = scan_raw_folder(folder)
    stamps = dict(first.select("source_file", "stamp").iter_rows())
    known = {name: (stamps[name], "0" * 64) for name in stamps}  # a hash only the ledger could know
    again, _ = scan_raw_folder(folder, known=known)
    assert dict(again.select("source_file", "sha256").iter_rows()) == {"a.txt": "0" * 64, "b.txt": "0" * 64}

    st = os.stat(folder / "b.txt")
    (folder / "b.txt").write_text("白沙镇2025年法治政府建设报告", encoding="utf-8")
    os.utime(folder / "b.txt", ns=(st.st_atime_ns, st.st_mtime_ns))  # same size and mtime: ctime still moves
    changed, _ = scan_raw_folder(folder, listed=list(walk(folder)), known=known)
    hashes = dict(changed.select("source_file", "sha256").iter_rows())
    assert hashes["a.txt"] == "0" * 64 and hashes["b.txt"] != "0" * 64


def test_the_raw_folders_real_path_follows_a_repointed_folder_link(tmp_path):
    """The folder's real path is resolved once per folder, not per file; a raw folder that is a link
    re-pointed between two reads is resolved again: a file is read only inside where it points now."""
    from orchestration.raw_folder import OutsideError, read_inside

    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        folder.mkdir()
        (folder / "a.txt").write_text(folder.name, encoding="utf-8")
    raw = tmp_path / "raw"
    os.symlink(first, raw)
    assert read_inside(os.fsencode(raw / "a.txt"), raw) == b"first"
    raw.unlink()
    os.symlink(second, raw)
    assert read_inside(os.fsencode(raw / "a.txt"), raw) == b"second"
    # a file of the folder it pointed to before is outside the folder now
    with pytest.raises(OutsideError):
        read_inside(os.fsencode(first / "a.txt"), raw)


def test_a_run_scans_the_listing_it_started_from(tmp_path):
    from orchestration.raw_folder import listing, listing_taken, walk

    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "a.txt").write_text("一", encoding="utf-8")
    started = list(walk(folder))
    with listing_taken(folder, started):
        (folder / "b.txt").write_text("二", encoding="utf-8")  # lands while the run goes on: the next run's
        assert [e.source_file for e in listing(folder)] == ["a.txt"]
        files, _ = scan_raw_folder(folder, listed=listing(folder))
        assert files["source_file"].to_list() == ["a.txt"]
    assert [e.source_file for e in listing(folder)] == ["a.txt", "b.txt"]

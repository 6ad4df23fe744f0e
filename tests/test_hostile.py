"""The daily run survives whatever lands in the raw folder (tests/hostile_corpus.py).

One corpus of more than 80 entries (good reports in every format and encoding, damaged ones,
junk, hostile names, links in and out of the folder, fifos, sockets, devices, hidden files,
files over the size limits) is built twice in-process. From the published warehouse:

- the run succeeds;
- every expectation of the corpus holds (all mismatches are listed in one table);
- every entry of the raw folder (os.scandir, links not followed, hidden ones included) has a row
  in marts.file_status, and no row stands for something that is not an entry;
- nothing outside the raw folder is read: no fact is the sentinel 777, no file of outside/ (nor
  /etc/passwd) is hashed into stage.raw_files, and no Python-level open() (seen by an audit hook)
  reaches a path that resolves outside the folder or to a fifo, socket or device; a watchdog on
  the fifo records (and unblocks) any reader, so a regression fails instead of hanging;
- a second run changes nothing in marts.file_status.

REPORTS_MAX_FILE_MB / REPORTS_MAX_TEXT_MB are set to 1 so the big entries stay small;
REPORTS_HOSTILE_HUGE=1 also runs a 33 MB sparse file against the default limit.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from .conftest import RAW, build
from .hostile_corpus import MAX_FILE_MB, MAX_TEXT_MB, SENTINEL, Expect, make_corpus, make_huge

STATUSES = {"loaded", "quarantined", "skipped", "pending", "retracted"}
EXCEPTION_NAME = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Warning|Exit)\b")

# --------------------------------------------------------------------------- what the run opens

_WATCHED: list[str] = []  # path prefixes whose opens are recorded while a run is watched
_OPENED: list[str] = []
_HOOKED = False


def _audit(event: str, args: tuple) -> None:
    if event != "open" or not _WATCHED or threading.current_thread().name == "fifo-watch":
        return
    try:
        path = args[0]
        if isinstance(path, (bytes, os.PathLike)):
            path = os.fsdecode(path)
        if isinstance(path, str) and (path.startswith(tuple(_WATCHED)) or path == "/etc/passwd"):
            _OPENED.append(path)
    except Exception:  # an audit hook must never break the code it watches
        pass


class FifoWatch(threading.Thread):
    """Opens each fifo for writing, non-blocking, every 20 ms: that succeeds only while someone
    holds it open for reading. The open is recorded and closed at once, so the reader sees EOF
    instead of blocking the run forever."""

    def __init__(self, fifos: list[Path]):
        super().__init__(name="fifo-watch", daemon=True)
        self.fifos, self.opened, self.halt = fifos, set(), threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            for fifo in self.fifos:
                try:
                    fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                except OSError:
                    continue
                self.opened.add(str(fifo))
                os.close(fd)
            self.halt.wait(0.02)


def shown_name(rel: str) -> str:
    """source_file as the contract shows it: bytes that are not UTF-8 as \\xNN."""
    return os.fsencode(rel).decode("utf-8", errors="backslashreplace")


def raw_entries(raw: Path) -> tuple[list[str], list[str]]:
    """Every entry below `raw` (links not followed, hidden ones included) as shown names, but
    not the folders that are walked into; and the hidden folders (not walked into)."""
    entries, hidden_dirs = [], []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as it:
            for e in it:
                rel = prefix + e.name
                if e.is_dir(follow_symlinks=False):
                    if e.name.startswith("."):
                        entries.append(shown_name(rel))
                        hidden_dirs.append(shown_name(rel))
                    else:
                        walk(e.path, rel + "/")
                else:
                    entries.append(shown_name(rel))

    walk(str(raw), "")
    return entries, hidden_dirs


# --------------------------------------------------------------------------- reading the warehouse


def _columns(con: duckdb.DuckDBPyConnection, view: str) -> dict[str, str]:
    return {name: type_ for name, type_, *_ in con.execute(f"describe {view}").fetchall()}


def file_status(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    cols = _columns(con, "marts.file_status")
    rows = con.execute("select * from marts.file_status").fetchall()
    out: dict[str, dict] = {}
    for row in rows:
        rec = dict(zip(cols, row, strict=True))
        name = rec["source_file"]
        assert name not in out, f"two rows in marts.file_status for {name!r}"
        out[name] = rec
    return out


@dataclass
class Snapshot:
    columns: dict[str, str] = field(default_factory=dict)
    overview_columns: dict[str, str] = field(default_factory=dict)
    status: dict[str, dict] = field(default_factory=dict)
    units: dict[str, str | None] = field(default_factory=dict)
    facts: dict[str, list[float]] = field(default_factory=dict)
    sentinel_facts: list[tuple] = field(default_factory=list)
    sentinel_texts: list[str] = field(default_factory=list)
    hashes: set[str] = field(default_factory=set)


def snapshot(warehouse: Path) -> Snapshot:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        snap = Snapshot(columns=_columns(con, "marts.file_status"),
                        overview_columns=_columns(con, "marts.report_overview"), status=file_status(con))
        snap.units = dict(con.execute("select source_file, unit_name from marts.report_overview").fetchall())
        for name, value in con.execute("select source_file, value from marts.report_facts").fetchall():
            snap.facts.setdefault(name, []).append(value)
        # a copy of a report (marts.report_overview.duplicate_of) has the same facts as its canonical
        # file, where they count once (core.report_identity): its expectations read those
        for name, canonical in con.execute("select source_file, duplicate_of from marts.report_overview "
                                           "where duplicate_of is not null").fetchall():
            snap.facts[name] = snap.facts.get(canonical, [])
        snap.sentinel_facts = con.execute(
            "select source_file, value, evidence from marts.report_facts where ? in (value, value_high)",
            [SENTINEL]).fetchall()
        snap.sentinel_texts = [n for (n,) in con.execute(
            "select source_file from stage.documents where source_text like ?", [f"%{SENTINEL}场%"]).fetchall()]
        snap.hashes = {h for (h,) in con.execute("select sha256 from stage.raw_files").fetchall()}
    finally:
        con.close()
    return snap


def comparable(status: dict[str, dict], columns: dict[str, str]) -> dict[str, tuple]:
    """file_status without clock columns, for comparing two runs."""
    keep = [c for c, t in columns.items() if "TIMESTAMP" not in t.upper() and "DATE" not in t.upper()]
    return {name: tuple((c, str(rec[c])) for c in keep) for name, rec in status.items()}


# --------------------------------------------------------------------------- the run


@dataclass
class Run:
    root: Path
    expects: list[Expect]
    error: str | None
    success: bool
    seconds: float
    first: Snapshot | None
    second: Snapshot | None
    second_error: str | None
    opened: list[str]
    fifos_opened: set[str]
    generate_seconds: float


def _build(raw: Path, warehouse: Path) -> tuple[bool, str | None]:
    try:
        return bool(build(raw, warehouse).success), None
    except Exception:
        return False, traceback.format_exc(limit=-8)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_audit)
        _HOOKED = True
    root = tmp_path_factory.mktemp("hostile")
    start = time.perf_counter()
    expects = make_corpus(root)
    generated = time.perf_counter() - start
    raw, warehouse = root / "raw", root / "wh" / "reports.duckdb"
    fifos = [Path(p) for p in (os.path.join(d, f) for d, _, fs in os.walk(raw) for f in fs)
             if stat.S_ISFIFO(os.lstat(p).st_mode)]
    watch = FifoWatch(fifos)
    watch.start()
    _OPENED.clear()
    _WATCHED[:] = [str(raw), str(root / "outside"), os.path.realpath(raw), os.path.realpath(root / "outside")]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REPORTS_MAX_FILE_MB", str(MAX_FILE_MB))
        mp.setenv("REPORTS_MAX_TEXT_MB", str(MAX_TEXT_MB))
        try:
            start = time.perf_counter()
            success, error = _build(raw, warehouse)
            seconds = time.perf_counter() - start
            first = snapshot(warehouse) if warehouse.exists() else None
            second_ok, second_error = _build(raw, warehouse)
            if not second_ok and second_error is None:
                second_error = "the second run did not succeed"
            second = snapshot(warehouse) if warehouse.exists() else None
        finally:
            _WATCHED.clear()
            watch.halt.set()
            watch.join()
    return Run(root, expects, error, success, seconds, first, second, second_error, list(_OPENED), watch.opened,
               generated)


def plain_part(reason: str) -> str:
    """The reason without its parenthesised details: a technical detail such as
    '(KeyError: ...)' may follow the plain words, but may not stand in for them."""
    while (shorter := re.sub(r"\([^()]*\)", "", reason)) != reason:
        reason = shorter
    return reason


def _table(rows: list[tuple[str, ...]], head: tuple[str, ...]) -> str:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def _got(rec: dict | None) -> str:
    if rec is None:
        return "(no row)"
    text = str(rec.get("status"))
    if rec.get("reason"):
        text += f": {rec['reason']}"
    if rec.get("repairs"):
        text += f" repairs={list(rec['repairs'])}"
    return text[:160]


# --------------------------------------------------------------------------- the tests


def test_the_corpus_is_big_and_quick(run: Run) -> None:
    assert len(run.expects) > 80
    assert run.generate_seconds < 5, f"generating the corpus took {run.generate_seconds:.1f} s"


def test_the_run_succeeds(run: Run) -> None:
    assert run.error is None, f"the run crashed:\n{run.error}"
    assert run.success, "the run did not succeed"
    assert run.first is not None, "no published warehouse"


def test_every_expectation_holds(run: Run) -> None:
    assert run.first is not None, f"no published warehouse:\n{run.error}"
    snap = run.first
    bad: list[tuple[str, ...]] = []
    if "repairs" not in snap.columns:
        bad.append(("(marts.file_status)", "", "a repairs column", "none"))
    if "in_folder" not in snap.columns:
        bad.append(("(marts.file_status)", "", "an in_folder column", "none"))
    if "repairs" not in snap.overview_columns:
        bad.append(("(marts.report_overview)", "", "a repairs column", "none"))
    for e in run.expects:
        want = e.status + (f" /{e.reason}/" if e.reason else "")
        if e.folder:
            recs = [r for n, r in snap.status.items() if n == e.source_file or n.startswith(e.source_file + "/")]
        else:
            recs = [snap.status[e.source_file]] if e.source_file in snap.status else []
        if not recs:
            bad.append((repr(e.source_file), e.kind, want, "(no row)"))
            continue
        for rec in recs:
            name = repr(rec["source_file"])
            if rec["status"] != e.status or (e.reason and not re.search(e.reason, rec.get("reason") or "")):
                bad.append((name, e.kind, want, _got(rec)))
                continue
            if e.repairs is not None and "repairs" in snap.columns and bool(rec["repairs"]) != e.repairs:
                bad.append((name, e.kind, "repairs listed" if e.repairs else "no repairs", _got(rec)))
            if e.status != "loaded":
                continue
            if e.unit_name is not None and snap.units.get(e.source_file) != e.unit_name:
                bad.append((name, e.kind, f"unit {e.unit_name}", f"unit {snap.units.get(e.source_file, '(none)')}"))
            if e.fact is not None and not any(abs(v - e.fact) < 1e-9 for v in snap.facts.get(e.source_file, [])):
                bad.append((name, e.kind, f"a fact of {e.fact:g}", f"{len(snap.facts.get(e.source_file, []))} facts, "
                                                                     "none of that value"))
    assert not bad, f"{len(bad)} of {len(run.expects)} expectations fail:\n" + _table(
        bad, ("source_file", "kind", "expected", "got"))


def test_every_row_keeps_the_contract(run: Run) -> None:
    assert run.first is not None, f"no published warehouse:\n{run.error}"
    bad = []
    for name, rec in run.first.status.items():
        status, reason = rec["status"], rec.get("reason")
        if status not in STATUSES:
            bad.append((repr(name), f"status in {sorted(STATUSES)}", _got(rec)))
        if status in {"quarantined", "skipped"} and not (reason or "").strip():
            bad.append((repr(name), "a reason", _got(rec)))
        if status == "quarantined" and not rec.get("quarantined_at_stage"):
            bad.append((repr(name), "the stage that quarantined it", _got(rec)))
        if reason and EXCEPTION_NAME.search(plain_part(reason)):
            bad.append((repr(name), "a reason in plain words", _got(rec)))
        if "in_folder" in rec and rec["in_folder"] is not True:
            bad.append((repr(name), "in_folder true", f"in_folder {rec['in_folder']}"))
    assert not bad, "\n" + _table(bad, ("source_file", "expected", "got"))


def test_every_entry_has_a_row(run: Run) -> None:
    assert run.first is not None, f"no published warehouse:\n{run.error}"
    entries, hidden_dirs = raw_entries(run.root / "raw")
    rows = set(run.first.status)
    missing = [n for n in entries if n not in rows and not (n in hidden_dirs and any(
        r.startswith(n + "/") for r in rows))]
    under_hidden = lambda r: any(r.startswith(h + "/") for h in hidden_dirs)  # noqa: E731
    stray = sorted(r for r in rows if r not in entries and not under_hidden(r))
    assert (missing, stray) == ([], []), (f"{len(missing)} entries without a row: {missing}\n"
                                          f"{len(stray)} rows that are no entry (a link followed?): {stray}")


def test_nothing_outside_the_folder_is_read(run: Run) -> None:
    assert run.first is not None, f"no published warehouse:\n{run.error}"
    raw_real = os.path.realpath(run.root / "raw")
    outside = [p for p in (run.root / "outside").rglob("*") if p.is_file()] + [Path("/etc/passwd")]
    leaked = {str(p): h for p in outside if (h := hashlib.sha256(p.read_bytes()).hexdigest()) in run.first.hashes}
    opened_outside, opened_special = set(), set()
    for path in run.opened:
        real = os.path.realpath(path)
        if real != raw_real and not real.startswith(raw_real + os.sep):
            opened_outside.add(f"{path} -> {real}")
            continue
        try:
            mode = os.lstat(real).st_mode
        except OSError:
            continue
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            opened_special.add(path)
    problems = {
        f"facts of {SENTINEL}": run.first.sentinel_facts,
        f"texts stating {SENTINEL}场": run.first.sentinel_texts,
        "files outside hashed into stage.raw_files": leaked,
        "opened outside the folder": sorted(opened_outside),
        "opened a fifo, socket or device": sorted(opened_special | run.fifos_opened),
    }
    assert not any(problems.values()), "\n".join(f"{k}: {v}" for k, v in problems.items() if v)


def test_a_second_run_changes_nothing(run: Run) -> None:
    assert run.first is not None and run.second is not None, f"no published warehouse:\n{run.error}"
    assert run.second_error is None, f"the second run failed:\n{run.second_error}"
    before = comparable(run.first.status, run.first.columns)
    after = comparable(run.second.status, run.second.columns)
    changed = sorted(n for n in set(before) | set(after) if before.get(n) != after.get(n))
    assert not changed, "\n".join(f"{n!r}: {before.get(n)} -> {after.get(n)}" for n in changed)


@pytest.mark.skipif(os.environ.get("REPORTS_HOSTILE_HUGE") != "1",
                    reason="set REPORTS_HOSTILE_HUGE=1 to run a 33 MB (sparse) file against the default limit")
def test_a_file_over_the_default_limit_is_quarantined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPORTS_MAX_FILE_MB", raising=False)
    monkeypatch.delenv("REPORTS_MAX_TEXT_MB", raising=False)
    raw = tmp_path / "raw"
    raw.mkdir()
    sample = sorted(RAW.glob("*.txt"))[0]
    (raw / sample.name).write_bytes(sample.read_bytes())
    expect = make_huge(raw)
    ok, error = _build(raw, tmp_path / "wh" / "reports.duckdb")
    assert ok, error
    con = duckdb.connect(str(tmp_path / "wh" / "reports.duckdb"), read_only=True)
    status = file_status(con)
    con.close()
    assert status[sample.name]["status"] == "loaded"
    rec = status.get(expect.source_file)
    assert rec is not None and rec["status"] == "quarantined" and re.search(expect.reason, rec["reason"] or ""), \
        _got(rec)

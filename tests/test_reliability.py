"""The daily run left alone: killed at any moment, started twice, fed a file that kills it, held to a
memory budget, given wrong settings. Each test runs the real CLI (`python -m orchestration.run`)
in a subprocess on a private raw folder and warehouse, as the schedule or an operator would."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import RAW

REPO = Path(__file__).resolve().parent.parent


def run_cli(raw: Path, warehouse: Path, timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "REPORTS_RAW_DIR": str(raw), "REPORTS_WAREHOUSE": str(warehouse), **env}
    environ.pop("DAGSTER_HOME", None)
    return subprocess.run([sys.executable, "-m", "orchestration.run"], cwd=REPO, env=environ, text=True,
                          capture_output=True, timeout=timeout)


def start_cli(raw: Path, warehouse: Path, **env: str) -> subprocess.Popen:
    environ = {**os.environ, "REPORTS_RAW_DIR": str(raw), "REPORTS_WAREHOUSE": str(warehouse), **env}
    environ.pop("DAGSTER_HOME", None)
    return subprocess.Popen([sys.executable, "-m", "orchestration.run"], cwd=REPO, env=environ, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every row of every core.* and marts.* table and view, in a fixed order; a file's absolute
    `path` left out, since the builds compared read copies of one folder from different places."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = con.execute("""select schema_name || '.' || table_name, list(column_name order by column_index)
                                 from duckdb_columns() where schema_name in ('core', 'marts')
                                 and column_name <> 'path' group by 1 order by 1""").fetchall()
        return {t: con.execute(f"select {', '.join(cols)} from {t} order by all").fetchall() for t, cols in columns}


def differences(a: dict, b: dict) -> list[str]:
    out = [f"{t}: only in one build" for t in sorted(set(a) ^ set(b))]
    out += [f"{t}: {len(a[t])} vs {len(b[t])} rows, first difference "
            f"{next((x, y) for x, y in zip(a[t] + [None], b[t] + [None], strict=False) if x != y)}"
            for t in sorted(set(a) & set(b)) if a[t] != b[t]]
    return out


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    warehouse = tmp_path_factory.mktemp("reference") / "reports.duckdb"
    done = run_cli(corpus, warehouse)
    assert done.returncode == 0, done.stderr[-2000:]
    return snapshot(warehouse)


def test_kill_9_at_any_moment_keeps_the_published_warehouse_and_the_rerun_matches(corpus, reference, tmp_path):
    """Three kills at random moments of a build (fresh, then after new files landed): the published
    warehouse is always the previous good one and readable, and the re-run equals an uninterrupted
    build to the row, `cue` included."""
    rng = random.Random(20261206)
    raw = tmp_path / "raw"
    shutil.copytree(corpus, raw, ignore=shutil.ignore_patterns("gbk_copy.txt", "004*"))
    warehouse = tmp_path / "wh" / "reports.duckdb"
    previous: dict | None = None
    for trial in range(3):
        if trial == 1:  # new files land between the runs: the kill hits an incremental build
            shutil.copy(corpus / "gbk_copy.txt", raw)
            for f in corpus.glob("004*"):
                shutil.copy(f, raw)
        proc = start_cli(raw, warehouse)
        time.sleep(rng.uniform(1.5, 7.0))
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        if warehouse.exists():  # the published file is whole: the previous build, or this one if it finished
            now = snapshot(warehouse)
            assert now == previous or not differences(now, reference) or (previous is None and now), \
                f"trial {trial}: a half-built warehouse was published"
        else:
            assert previous is None
        done = run_cli(raw, warehouse)
        assert done.returncode == 0, done.stderr[-3000:]
        previous = snapshot(warehouse)
    assert not differences(previous, reference), differences(previous, reference)
    assert not list(warehouse.parent.glob("*.tmp"))


def test_two_runs_at_once_one_waits_for_the_other(corpus, reference, tmp_path):
    warehouse = tmp_path / "wh" / "reports.duckdb"
    first = start_cli(corpus, warehouse)
    time.sleep(1.0)
    second = start_cli(corpus, warehouse)
    out1, err1 = first.communicate(timeout=300)
    out2, err2 = second.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, err1[-2000:] + err2[-2000:]
    waited = [err for err in (err1, err2) if "waiting for it to finish" in err]
    assert len(waited) == 1, "exactly one run says once that it waits"
    assert waited[0].count("waiting for it to finish") == 1
    assert "Traceback" not in err1 + err2
    assert not differences(snapshot(warehouse), reference)


def test_a_busy_warehouse_refuses_in_one_line_after_the_wait(corpus, tmp_path):
    from orchestration.runlock import run_lock

    warehouse = tmp_path / "wh" / "reports.duckdb"
    with run_lock(warehouse, 0, run_id="held-by-test"):
        done = run_cli(corpus, warehouse, REPORTS_LOCK_WAIT_SECONDS="1")
    assert done.returncode == 2
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert lines[-1].startswith("make run: ") and "held-by-test" in lines[-1]
    assert "Traceback" not in done.stderr and not warehouse.exists()


def test_a_file_that_kills_the_run_is_retried_once_then_set_aside(corpus, tmp_path):
    """The kernel's out-of-memory killer, played by fault injection: the first run dies, the second
    retries each file in flight alone and dies on the culprit, the third sets it aside and loads
    the rest; nothing needs deleting by hand."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    warehouse = tmp_path / "wh" / "reports.duckdb"
    culprit = sorted(p.name for p in raw.iterdir())[2]
    runs = [run_cli(raw, warehouse, REPORTS_FAULT_KILL=f"mentions:{culprit}") for _ in range(3)]
    assert [r.returncode for r in runs] == [-signal.SIGKILL, -signal.SIGKILL, 0]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = dict(con.execute("select source_file, status from marts.file_status").fetchall())
        reason = con.execute("select reason from marts.file_status where source_file = ?", [culprit]).fetchone()[0]
    assert rows.pop(culprit) == "quarantined" and "crashed the pipeline twice" in reason
    assert set(rows.values()) == {"loaded"}
    again = run_cli(raw, warehouse)  # no fault now: the verdict stands for this content, the run is quiet
    assert again.returncode == 0 and "crashed the pipeline twice" in again.stdout


def test_an_exception_on_one_file_quarantines_that_file_only(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    warehouse = tmp_path / "wh" / "reports.duckdb"
    culprit = sorted(p.name for p in raw.iterdir())[1]
    done = run_cli(raw, warehouse, REPORTS_FAULT_RAISE=f"sections:{culprit}")
    assert done.returncode == 0, done.stderr[-2000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select source_file, status, quarantined_at_stage, reason from marts.file_status "
                           "order by 1").fetchall()
    bad = [r for r in rows if r[0] == culprit][0]
    assert bad[1:3] == ("quarantined", "sections") and "other files went on" in bad[3]
    assert sum(r[1] == "loaded" for r in rows) == len(rows) - 1


def test_fresh_incremental_and_batched_builds_are_identical(corpus, reference, tmp_path):
    """Same files, any order of arrival and any batch size: the same core and marts, every time."""
    raw = tmp_path / "raw"
    raw.mkdir()
    warehouse = tmp_path / "wh" / "reports.duckdb"
    names = sorted(p.name for p in corpus.iterdir())
    random.Random(7).shuffle(names)
    for part in (names[:3], names[3:]):  # files arrive in two drops, processed one at a time
        for name in part:
            shutil.copy(corpus / name, raw / name)
        done = run_cli(raw, warehouse, REPORTS_BATCH_FILES="1")
        assert done.returncode == 0, done.stderr[-2000:]
    assert not differences(snapshot(warehouse), reference), differences(snapshot(warehouse), reference)


def test_memory_stays_within_a_small_budget_whatever_the_input(tmp_path):
    """REPORTS_MEMORY_BUDGET_MB=1024 (half the default): a report just under the text limit it implies (1 MB), one over
    it, a long single line, a text dense with numbers and a folder of ordinary reports; the whole
    run's peak RSS stays under."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    text = max(RAW.glob("*.txt"), key=lambda p: p.stat().st_size).read_text(encoding="utf-8")
    limit = 1024 / 1024 * 2**20
    (raw / "long_report.txt").write_text(text * int(0.95 * limit / len(text.encode())), encoding="utf-8")
    (raw / "too_long.txt").write_text(text * int(1.5 * limit / len(text.encode())), encoding="utf-8")
    (raw / "one_line.txt").write_text((text * int(0.9 * limit / len(text.encode()))).replace("\n", ""),
                                      encoding="utf-8")
    dense = "".join(f"调解纠纷{i}件" for i in range(200_000)).encode()[: int(0.9 * limit)].decode("utf-8", "ignore")
    (raw / "dense_numbers.txt").write_text(text[:3000] + dense, encoding="utf-8")
    for i in range(30):
        shutil.copy(sorted(RAW.glob("*.txt"))[i % 5], raw / f"copy_{i:02d}.txt")
    probe = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024); sys.exit(p.returncode)")
    environ = {**os.environ, "REPORTS_RAW_DIR": str(raw), "REPORTS_WAREHOUSE": str(tmp_path / "wh" / "r.duckdb"),
               "REPORTS_MEMORY_BUDGET_MB": "1024"}
    environ.pop("DAGSTER_HOME", None)
    done = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "orchestration.run"], cwd=REPO,
                          env=environ, text=True, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    peak_mb = int(done.stdout.strip().splitlines()[-1])
    assert "too_long.txt: too large" in done.stdout
    print(f"peak RSS {peak_mb} MB under a 1024 MB budget")
    assert peak_mb < 1024, f"peak RSS {peak_mb} MB over the 1024 MB budget"


@pytest.mark.parametrize("case", ["missing", "a_file", "warehouse_is_folder", "empty_new", "empty_loaded"])
def test_wrong_settings_stop_before_any_work_in_one_line(case, corpus, tmp_path):
    raw, warehouse = tmp_path / "raw", tmp_path / "wh" / "reports.duckdb"
    expect = {"missing": "does not exist", "a_file": "is not a folder", "warehouse_is_folder": "is a folder",
              "empty_new": "is empty: nothing to load", "empty_loaded": "not rebuilt or republished"}[case]
    if case == "a_file":
        raw.write_text("x")
    elif case == "warehouse_is_folder":
        shutil.copytree(RAW, raw)
        warehouse.mkdir(parents=True)
    elif case.startswith("empty"):
        raw.mkdir()
        if case == "empty_loaded":
            shutil.copytree(RAW, tmp_path / "full")
            assert run_cli(tmp_path / "full", warehouse).returncode == 0
    before = warehouse.stat().st_mtime_ns if warehouse.is_file() else None
    done = run_cli(raw, warehouse)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and expect in done.stderr, done.stderr
    assert "dagster" not in done.stdout + done.stderr  # stopped before any asset ran
    assert (warehouse.stat().st_mtime_ns if warehouse.is_file() else None) == before


def test_a_set_aside_file_can_be_read_afresh_and_a_report_retracted(tmp_path):
    """An operator's two tools: retract a report (its rows leave every table, file_status says why),
    and have a file that crashed the pipeline twice read afresh without deleting any state by hand."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    warehouse = tmp_path / "wh" / "reports.duckdb"
    names = sorted(p.name for p in raw.iterdir())
    for _ in range(3):
        run_cli(raw, warehouse, REPORTS_FAULT_KILL=f"facts:{names[0]}")
    environ = {**os.environ, "REPORTS_RAW_DIR": str(raw), "REPORTS_WAREHOUSE": str(warehouse)}
    environ.pop("DAGSTER_HOME", None)

    def retract(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "orchestration.retract", *args], cwd=REPO, env=environ,
                              text=True, capture_output=True, timeout=300)

    assert retract(names[0], "--undo").returncode == 0
    assert retract(names[1], "--reason", "posted by mistake").returncode == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        status = {r[0]: r[1:] for r in con.execute("select source_file, status, reason from marts.file_status")
                  .fetchall()}
        overview = {r[0] for r in con.execute("select source_file from marts.report_overview").fetchall()}
        facts = {r[0] for r in con.execute("select distinct source_file from marts.report_facts").fetchall()}
    assert status[names[0]] == ("loaded", None)
    assert status[names[1]] == ("retracted", "posted by mistake")
    assert names[1] not in overview and names[1] not in facts and names[0] in overview

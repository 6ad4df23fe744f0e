"""One run at a time per warehouse: an advisory lock file beside it, holding who has it.

The scheduled run, the sensor's runs and a manual `make run` may start together; DuckDB lets
one process write the working file, so the second run would die on its lock. Instead the
second waits for the first (saying so once, naming it) or, past `REPORTS_LOCK_WAIT_SECONDS`,
gives up in one line. The kernel drops the lock when its process dies, so a killed run never
leaves it behind.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_HELD: dict[str, tuple[int, int]] = {}  # lock path -> (fd, depth): re-entrant within a process


class WarehouseBusy(RuntimeError):
    """Another run held the warehouse for longer than we were willing to wait."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}.lock")


def holder(warehouse: Path) -> str:
    """Who holds the warehouse, in words (from what the holder wrote into the lock file)."""
    try:
        info = json.loads(lock_path(warehouse).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return "another run"
    run = f"run {info['run_id']} " if info.get("run_id") else "a run "
    return f"{run}(pid {info.get('pid')}, {info.get('command', '?')}, started {info.get('started', '?')})"


def _ancestors() -> set[int]:
    """The pids of this process's parents, up to init (from /proc; empty where there is none)."""
    out, pid = set(), os.getpid()
    while pid > 1:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            break
        pid = int(stat.rsplit(")", 1)[1].split()[1])
        out.add(pid)
    return out


def held_by_ancestor(warehouse: Path) -> bool:
    """True when this is a step process (started by multiprocessing: the multiprocess executor's
    workers) and the run lock is held by a process it descends from: it goes on under the lock of
    the run that started it. Any other process, even a child of the holder, waits its turn."""
    import multiprocessing

    if multiprocessing.parent_process() is None:  # not a step process: a run of its own
        return False
    try:
        pid = json.loads(lock_path(warehouse).read_text(encoding="utf-8") or "{}").get("pid")
    except (OSError, ValueError):
        return False
    if not pid or pid not in _ancestors():
        return False
    fd = os.open(lock_path(warehouse), os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True  # held, and by the ancestor that wrote its pid
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


@contextmanager
def _again(key: str) -> Iterator[None]:
    """A lock this process already holds, taken once more (re-entrant: released by its first holder)."""
    fd, depth = _HELD[key]
    _HELD[key] = (fd, depth + 1)
    try:
        yield
    finally:
        fd, depth = _HELD[key]
        _HELD[key] = (fd, depth - 1)


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` for the block, waited for; re-entrant within a process."""
    key = str(path.resolve())
    if key in _HELD:
        with _again(key):
            yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _HELD[key] = (fd, 1)
        try:
            yield
        finally:
            del _HELD[key]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def run_lock(warehouse: Path, wait_seconds: float, run_id: str = "",
             say: Callable[[str], None] = lambda line: print(line, file=sys.stderr)) -> Iterator[None]:
    """Hold the warehouse's run lock for the duration of the block."""
    path = lock_path(warehouse)
    key = str(path.resolve())
    if key in _HELD:
        with _again(key):
            yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if held_by_ancestor(warehouse):
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"{warehouse} is being built by {holder(warehouse)}; waiting for it to finish")
            deadline = time.monotonic() + wait_seconds
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WarehouseBusy(f"{warehouse} is still being built by {holder(warehouse)} after "
                                            f"{wait_seconds:.0f} s of waiting; this run did nothing") from None
                    time.sleep(0.5)
        info = {"pid": os.getpid(), "run_id": run_id, "command": " ".join(os.path.basename(a) for a in sys.argv[:3]),
                "started": dt.datetime.now().isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        _HELD[key] = (fd, 1)
        try:
            yield
        finally:
            del _HELD[key]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)

"""The raw folder, read safely: every entry listed, nothing outside it ever opened.

Government sites and people drop anything into the raw folder: links to elsewhere, hidden
editor files, named pipes, files the process may not read, names that are not UTF-8. The walk
never follows a link out of the folder nor into a folder, lists every entry it does not read
with the reason in words, and opens files only through `open_inside`, which refuses anything
that is not a regular file inside the folder at the moment it is opened (so a file swapped for
a link between listing and reading is refused too).
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20


class OutsideError(OSError):
    """The path resolves to something the pipeline must not read."""


@dataclass(frozen=True)
class Entry:
    """One entry of the raw folder: a file to read (`reason` None) or one left alone, and why."""

    source_file: str  # path relative to the folder, POSIX; bytes that are not UTF-8 shown as \\xNN
    os_path: bytes  # the path to open (a link inside the folder: its target's real path)
    size: int | None
    reason: str | None = None  # why it is not read; None for a file to read
    # size, modification and change times and inode: the same stamp as the last scan means the same
    # bytes (as rsync's quick check assumes), so the file is not hashed again
    stamp: str | None = None

    @property
    def ext(self) -> str:
        name = self.source_file.rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[-1].lower() if "." in name.lstrip(".") else ""


def display(rel: bytes) -> str:
    """A relative path as text: UTF-8, with any other byte written \\xNN (never a lone surrogate,
    which neither DuckDB nor the UI can store)."""
    return rel.decode("utf-8", "backslashreplace")


def _inside(real: bytes, root: bytes) -> bool:
    return real == root or real.startswith(root.rstrip(b"/") + b"/")


def _kind(mode: int) -> str | None:
    if stat.S_ISFIFO(mode):
        return "a named pipe (fifo): not a file, not read"
    if stat.S_ISSOCK(mode):
        return "a socket: not a file, not read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device: not a file, not read"
    return None


def _link(full: bytes, root: bytes, rel: bytes) -> Entry:
    """A symbolic link: read only when it ends at a regular file inside the folder."""
    target = os.readlink(full)
    shown = display(target)
    try:
        st = os.stat(full)
    except OSError as exc:
        what = "a loop of links" if exc.errno == errno.ELOOP else f"{shown}, which does not exist"
        return Entry(display(rel), full, None, f"broken link: it points to {what}; not read")
    real = os.path.realpath(full)
    if not _inside(real, root):
        return Entry(display(rel), full, None, f"a link to {shown}, outside the raw folder: not read")
    if stat.S_ISDIR(st.st_mode):
        return Entry(display(rel), full, None,
                     "a link to a folder inside the raw folder: not followed (its files are read where they stand)")
    if (why := _kind(st.st_mode)) is not None:
        return Entry(display(rel), full, None, f"a link to {why.split(':')[0]}: not read")
    return Entry(display(rel), real, st.st_size, stamp=_stamp(st))


def _stamp(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def walk(folder: Path) -> Iterator[Entry]:
    """Every entry below `folder`, sorted by path; folders themselves are descended, not listed
    (except hidden folders and links to folders, which are listed and not entered)."""
    root = os.path.realpath(os.fsencode(folder))

    def visit(directory: bytes, prefix: bytes) -> Iterator[Entry]:
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Entry(display(prefix.rstrip(b"/")) or ".", directory, None,
                        f"a folder that cannot be listed ({exc.strerror or exc}): its files were not read")
            return
        for e in entries:
            rel = prefix + e.name
            full = e.path  # directory joined to the name, as os.path.join would
            if e.name.startswith(b"."):
                kind = "folder" if e.is_dir(follow_symlinks=False) else "file"
                yield Entry(display(rel), full, None,
                            f"a hidden {kind} (its name starts with a dot): not read")
            elif e.is_symlink():
                yield _link(full, root, rel)
            elif e.is_dir(follow_symlinks=False):
                yield from visit(full, rel + b"/")
            else:
                try:
                    st = e.stat(follow_symlinks=False)
                except OSError as exc:
                    yield Entry(display(rel), full, None, f"cannot be read ({exc.strerror or exc})")
                    continue
                why = _kind(st.st_mode)
                yield Entry(display(rel), full, None if why else st.st_size, why, None if why else _stamp(st))

    yield from visit(root, b"")


# The listing `make run` took to decide that a run was needed, for that run's raw scan when it runs in
# the same process (a daily run): the run reads the folder as it was when it started, walked once, not
# twice (0.75 s at 100,000 files). A file landing after it is the next run's, as one landing after the
# scan always was. A scan in a process of its own, or a run started elsewhere (the UI), walks the folder.
_TAKEN: dict[bytes, list[Entry]] = {}


@contextmanager
def listing_taken(folder: Path, listed: list[Entry]) -> Iterator[None]:
    """While the block runs, `listing(folder)` in this process is `listed`."""
    key = os.path.realpath(os.fsencode(folder))
    _TAKEN[key] = listed
    try:
        yield
    finally:
        _TAKEN.pop(key, None)


def listing(folder: Path) -> list[Entry]:
    """The folder's listing: the one this process's run started from (`listing_taken`), else a walk."""
    taken = _TAKEN.get(os.path.realpath(os.fsencode(folder)))
    return list(taken) if taken is not None else list(walk(folder))


def _real_folder(folder: Path) -> bytes:
    """The folder's real path, resolved again only when the folder itself changes (another inode
    under its name): resolving it per file cost a readlink per path component, 2 s of a 100,000-file
    scan's 10."""
    st = os.stat(folder)
    return _resolve(os.fsencode(folder), st.st_dev, st.st_ino)


@functools.lru_cache(maxsize=16)
def _resolve(folder: bytes, dev: int, ino: int) -> bytes:
    return os.path.realpath(folder)


def open_inside(os_path: bytes, folder: Path) -> int:
    """Open a regular file for reading, refusing links, fifos, devices and anything whose real
    path (as the kernel sees the open file) is outside `folder`. Returns a file descriptor."""
    fd = os.open(os_path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OutsideError(errno.EINVAL, "not a regular file")
        proc = f"/proc/self/fd/{fd}"
        if os.path.exists(proc):
            real = os.readlink(os.fsencode(proc))
            if not _inside(real, _real_folder(folder)):
                raise OutsideError(errno.EACCES, "outside the raw folder")
        return fd
    except BaseException:
        os.close(fd)
        raise


def sha256_of(os_path: bytes, folder: Path) -> str:
    """Hash a file in chunks: memory stays flat whatever its size."""
    fd = open_inside(os_path, folder)
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_inside(os_path: bytes, folder: Path, limit: int | None = None) -> bytes:
    """The bytes of a file inside `folder` (at most `limit`+1 bytes, so a caller sees it is over)."""
    fd = open_inside(os_path, folder)
    with os.fdopen(fd, "rb") as fh:
        return fh.read() if limit is None else fh.read(limit + 1)


def fingerprint_lines(entries: Iterable[Entry]) -> Iterator[str]:
    """Name, size and modification time of each entry, without following any link: what the
    sensor compares to see whether anything landed."""
    for entry in entries:
        if entry.stamp is not None:  # a file to read: the walk's own stat (size:mtime:ctime:inode)
            size, mtime, _ = entry.stamp.split(":", 2)
            yield f"{entry.source_file}|{size}|{mtime}|"
            continue
        try:
            st = os.lstat(entry.os_path) if entry.reason else os.stat(entry.os_path)
            yield f"{entry.source_file}|{st.st_size}|{st.st_mtime_ns}|{entry.reason or ''}"
        except OSError:
            yield f"{entry.source_file}|?|?|{entry.reason or ''}"


def fingerprint(folder: Path, entries: Iterable[Entry] | None = None) -> str:
    """One hash of every entry's name, size and modification time (`entries`: the folder's
    listing when the caller already walked it)."""
    digest = hashlib.sha256()
    for line in fingerprint_lines(walk(folder) if entries is None else entries):
        digest.update(line.encode("utf-8", "backslashreplace") + b"\n")
    return digest.hexdigest()


def reason_for(exc: OSError) -> str:
    """An OS error while reading, in words."""
    if isinstance(exc, OutsideError):
        return f"not read: it is {exc.strerror} (it changed into a link or special file after it was listed)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read (permission denied); it is tried again on the next run"
    if exc.errno == errno.ELOOP:
        return "not read: it became a link after it was listed"
    if exc.errno == errno.ENOENT:
        return "vanished while being read; it is read again if it comes back"
    return f"cannot be read ({exc.strerror or exc}); it is tried again on the next run"

"""`make ui`: the Dagster UI and daemon (`dg dev`) that stop promptly when asked.

Started from a script in the background, a process inherits SIGINT *ignored*; `dg dev` then
never installs its Ctrl-C handler and its webserver and daemon ignore the SIGINT it sends them
on shutdown, so stopping took minutes. This wrapper starts `dg dev` in its own process group
with SIGINT restored, turns SIGINT/SIGTERM (and the death of its parent, e.g. `make` killed)
into an orderly stop of the whole group, and kills what is left after a grace period.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE_SECONDS = 20


def _restore_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.setpgrp()


def main(argv: list[str]) -> int:
    dg = Path(sys.executable).with_name("dg")
    cmd = [str(dg), "dev", *argv] if dg.exists() else [sys.executable, "-m", "dagster", "dev", *argv]
    child = subprocess.Popen(cmd, preexec_fn=_restore_signals)  # noqa: PLW1509 - only resets signals
    stopping: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    parent = os.getppid()
    while child.poll() is None and not stopping:
        if os.getppid() != parent:  # whoever started us is gone: stop rather than linger
            stopping.append(signal.SIGTERM)
            break
        time.sleep(0.5)
    if child.poll() is None:
        print("stopping the Dagster UI and daemon ...", file=sys.stderr)
        os.killpg(child.pid, signal.SIGINT)
        try:
            child.wait(GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    with contextlib.suppress(ProcessLookupError):  # the webserver and daemon are in its group: none outlives it
        os.killpg(child.pid, signal.SIGKILL)
    return 0 if stopping else child.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

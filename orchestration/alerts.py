"""Where a failed run leaves word for an operator: a log file beside the warehouse, and a
webhook when `REPORTS_ALERT_WEBHOOK` is set. Nobody watches the 06:00 run; this is what they read."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from pathlib import Path


def alert_log(warehouse: Path) -> Path:
    return warehouse.with_name("alerts.log")


def send_alert(warehouse: Path, run_id: str, message: str, webhook: str = "", kind: str = "run failed") -> Path:
    """Append one line to the alert log (and POST it as JSON to `webhook`); returns the log's path.
    A webhook that cannot be reached is noted in the log, never raised."""
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    one_line = " ".join(message.split())
    lines = [f"{now}\t{kind}\trun {run_id or '-'}\t{warehouse}\t{one_line}"]
    if webhook:
        body = json.dumps({"time": now, "kind": kind, "run_id": run_id, "warehouse": str(warehouse),
                           "message": one_line}).encode()
        request = urllib.request.Request(webhook, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5):
                pass
        except Exception as exc:  # noqa: BLE001 - the alert log must be written whatever the webhook does
            lines.append(f"{now}\twebhook failed\trun {run_id or '-'}\t{webhook}\t{type(exc).__name__}: {exc}")
    path = alert_log(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path

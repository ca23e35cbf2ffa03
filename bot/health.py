"""Is the bot alive? One answer for `routeboek health`, `GET /healthz` and Docker's HEALTHCHECK.

The running bot writes `heartbeat.json` in its data folder every minute from its job queue (in
polling and webhook mode alike): a fresh heartbeat proves the event loop runs, not only that the
process exists. The report adds what an operator checks after an upgrade (the version, the
schema of the database, which content is loaded) and when the Bot API last answered. Both the
command and the endpoint build the report with `report()`, so they cannot disagree.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

HEARTBEAT_FILE = "heartbeat.json"
HEARTBEAT_EVERY = 60  # seconds
STALE_AFTER = 3 * HEARTBEAT_EVERY  # three missed beats: the bot is stuck or gone


class ApiTracker:
    """When the Bot API last answered a call successfully (set by bot/http_request.py)."""

    def __init__(self) -> None:
        self.last_ok: float | None = None

    def ok(self) -> None:
        self.last_ok = time.time()


API = ApiTracker()


def content_version(root: Path) -> str:
    """A short fingerprint of the content files: tells which content a bot runs after a region
    changed its routeboek, without naming anything in it."""
    digest = hashlib.sha256()
    for folder in ("knowledge", "flows"):
        for path in sorted((root / folder).glob("*.yaml")):
            digest.update(f"{folder}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def write_heartbeat(folder: Path, info: dict[str, Any], now: float | None = None) -> None:
    """Replace the heartbeat file in one rename: a reader never sees half a file."""
    data = {**info, "time": time.time() if now is None else now, "last_api_ok": API.last_ok, "pid": os.getpid()}
    partial = folder / f".{HEARTBEAT_FILE}.{os.getpid()}"
    partial.write_text(json.dumps(data), encoding="utf-8")
    os.replace(partial, folder / HEARTBEAT_FILE)


def remove_heartbeat(folder: Path) -> None:
    """A bot that stopped cleanly says so by leaving no heartbeat (a killed one leaves a stale one)."""
    with contextlib.suppress(FileNotFoundError):
        (folder / HEARTBEAT_FILE).unlink()


def schema_version(db_path: Path) -> str:
    """The newest migration applied to the database, read without changing anything; raises
    sqlite3.Error or FileNotFoundError when the database does not open."""
    from bot.storage import migrations

    if not db_path.is_file():
        raise FileNotFoundError(str(db_path))
    conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute(
            f"SELECT name FROM [{migrations.migrations_table}] WHERE migration_set = ? ORDER BY rowid DESC LIMIT 1",
            [migrations.name],
        ).fetchone()
    finally:
        conn.close()
    return str(row[0]) if row else "none"


def _age(then: Any, now: float) -> float | None:
    return round(now - then, 1) if isinstance(then, int | float) else None


def report(folder: Path, now: float | None = None) -> dict[str, Any]:
    """The health of the bot on `folder`: `status` is "ok" only when the database opens and the
    heartbeat is at most STALE_AFTER seconds old."""
    now = time.time() if now is None else now
    problems: list[str] = []
    try:
        schema: str | None = schema_version(folder / "routeboek.db")
    except (sqlite3.Error, OSError) as exc:
        schema = None
        problems.append(f"database does not open: {type(exc).__name__}")
    beat: dict[str, Any] = {}
    try:
        beat = json.loads((folder / HEARTBEAT_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append("no heartbeat: the bot is not running")
    except (OSError, ValueError):
        problems.append("heartbeat unreadable")
    age = _age(beat.get("time"), now)
    if beat and (age is None or age > STALE_AFTER):
        problems.append(f"heartbeat is {age} s old (more than {STALE_AFTER} s)")
    return {
        "status": "ok" if not problems else "fail",
        "problems": problems,
        "heartbeat_age": age,
        "last_api_ok_age": _age(beat.get("last_api_ok"), now),
        "version": beat.get("version"),
        "mode": beat.get("mode"),
        "content_version": beat.get("content_version"),
        "schema_version": schema,
    }

"""`routeboek backup PATH`: a consistent copy of the database while the bot keeps running.

SQLite's online backup API (in the standard library) copies a snapshot from one read
transaction: in WAL mode the bot's writes go on meanwhile and land after the snapshot, never
half in it. A file copy (`cp`) of a live database can catch a write halfway, or miss what is
still in the -wal file. The copy is written beside its target under a temporary name, checked
with `PRAGMA integrity_check`, and only then renamed into place, so a failed backup never
leaves a file that looks like a good one.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path

from bot.restore import inspect

BACKUP_DIR = "backups"  # the bot's own backups, inside the data folder


class BackupFailed(Exception):
    """Why no backup was made, for the operator."""


def target_path(target: Path, now: float | None = None) -> Path:
    """A folder gets a dated file name inside it; anything else is the file itself."""
    if target.is_dir():
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
        return target / f"routeboek-{stamp}.db"
    return target


def backup(db_path: Path, target: Path) -> Path:
    """Copy the live database at `db_path` to `target` (a file that must not exist yet, or a
    folder); returns the file written. Never touches the database itself."""
    if not db_path.is_file():
        raise BackupFailed(f"Er is geen database {db_path} om te back-uppen (ROUTEBOEK_DATA_DIR goed?).")
    final = target_path(target)
    if final.exists():
        raise BackupFailed(f"{final} bestaat al; kies een andere naam (een back-up overschrijft niets).")
    if not final.parent.is_dir():
        raise BackupFailed(f"De map {final.parent} bestaat niet.")
    partial = final.with_name(f".{final.name}.partial-{os.getpid()}")
    try:
        source = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True, timeout=30)
        try:
            dest = sqlite3.connect(partial)
            try:
                source.backup(dest)  # one step: one read transaction, one snapshot
                dest.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            finally:
                dest.close()
        finally:
            source.close()
        copy = inspect(partial, thorough=True)
        if copy.problem:
            raise BackupFailed(f"De back-up is niet in orde ({copy.problem}); de database zelf is niet aangeraakt.")
        os.replace(partial, final)
    except sqlite3.Error as exc:
        raise BackupFailed(f"Back-up mislukt: {exc}") from exc
    except OSError as exc:
        raise BackupFailed(f"Back-up mislukt: {exc.filename or final}: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return final

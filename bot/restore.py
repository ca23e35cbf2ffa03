"""`routeboek restore`: put a set-aside copy of the database back, safely.

A database that could not be read at start-up is set aside as `routeboek.db.corrupt-<time>`
and the bot starts empty (bot/storage.py). Often the copy is healthy after all (earlier versions
set a merely locked file aside) or was repaired by hand; this puts it back. Nothing is ever
deleted: the database being replaced is set aside as `routeboek.db.replaced-<time>`, and the copy
stays where it is. It refuses while a bot runs on the folder or anything else has the file open.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.locks import RUN_LOCK, FolderLock, holder_pid, try_lock
from bot.storage import KNOWN_MIGRATIONS, free_name, migrations

SET_ASIDE = "corrupt"
REPLACED = "replaced"
KIND_NAMES = {SET_ASIDE: "apart gezet bij een storing", REPLACED: "vervangen bij terugzetten"}


class RestoreRefused(Exception):
    """Why a restore did not happen, for the operator; `code` is the exit status (2: try again
    later, 1: not with this copy or not without --force)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Copy:
    path: Path
    kind: str  # SET_ASIDE | REPLACED | "" (a file named by the operator)
    stamp: int  # unix time in the name; 0 when the name has none
    problem: str | None  # None: a healthy SQLite database this version can use
    profiles: int = 0
    cases: int = 0

    def describe(self) -> str:
        """One line per copy: enough to choose which one to put back."""
        when = datetime.fromtimestamp(self.stamp).strftime("%d-%m-%Y %H:%M") if self.stamp else "?"
        state = f"beschadigd ({self.problem})" if self.problem else "in orde"
        counts = (
            f", {self.profiles} profiel{'en' if self.profiles != 1 else ''}, {self.cases} casus{'sen' if self.cases != 1 else ''}"
            if not self.problem
            else ""
        )
        return f"{self.path}  [{KIND_NAMES.get(self.kind, 'kopie')} op {when}; {state}{counts}]"


def _count(conn: sqlite3.Connection, table: str) -> int:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone():
        return 0
    return int(conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])


def inspect(path: Path, thorough: bool = False) -> Copy:
    """What a copy holds and whether it can be used: integrity and schema version are checked
    before anything is replaced, so a restore never swaps a working database for a broken one.
    `thorough` runs the full integrity_check (indexes too) instead of the quicker quick_check:
    for the copy about to be restored or a backup just made, where time matters less."""
    name = path.name
    kind, stamp = "", 0
    for k in (SET_ASIDE, REPLACED):
        marker = f".{k}-"
        if marker in name and name.rsplit(marker, 1)[1].isdigit():
            kind, stamp = k, int(name.rsplit(marker, 1)[1])
    copy = Copy(path, kind, stamp, None)
    if not path.is_file():
        copy.problem = "bestand niet gevonden"
        return copy
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        copy.problem = str(exc)
        return copy
    try:
        pragma = "integrity_check" if thorough else "quick_check"
        check = [row[0] for row in conn.execute(f"PRAGMA {pragma}").fetchall()]
        if check != ["ok"]:
            copy.problem = "; ".join(map(str, check[:2]))
            return copy
        if _count(conn, migrations.migrations_table):
            names = [
                row[0]
                for row in conn.execute(
                    f"SELECT name FROM [{migrations.migrations_table}] WHERE migration_set = ?", [migrations.name]
                )
            ]
            unknown = [n for n in names if n not in KNOWN_MIGRATIONS]
            if unknown:
                # Counted all the same: a newer version's data is real data (restore wants --force).
                copy.problem = f"van een nieuwere versie: {', '.join(unknown)}"
        copy.profiles, copy.cases = _count(conn, "users"), _count(conn, "cases")
    except sqlite3.Error as exc:
        copy.problem = copy.problem or str(exc)
    finally:
        conn.close()
    return copy


def copies(db_path: Path) -> list[Copy]:
    """The copies next to the database, newest first."""
    found = []
    for path in db_path.parent.glob(f"{db_path.name}.*-*"):
        if path.name.endswith(("-wal", "-shm", "-journal")):
            continue
        copy = inspect(path)
        if copy.kind:
            found.append(copy)
    return sorted(found, key=lambda c: c.stamp, reverse=True)


def _exclusive(db_path: Path) -> FolderLock:
    """Both locks, or RestoreRefused saying who holds one: a bot (the run lock) or another
    program with the database open (the store lock)."""
    folder = db_path.parent
    run = try_lock(folder / RUN_LOCK)
    if run is None:
        raise RestoreRefused(
            f"Er draait een bot op de datamap {folder} (proces {holder_pid(folder / RUN_LOCK)}). "
            "Stop de bot eerst; zet daarna terug en start hem opnieuw.",
            code=2,
        )
    run.release()  # the store lock below keeps a bot from opening the database meanwhile
    store = try_lock(db_path.with_name(db_path.name + ".lock"))
    if store is None:
        raise RestoreRefused(
            f"Een ander programma (de console-chat?) heeft {db_path} open. Sluit het eerst.", code=2
        )
    return store


def _move(path: Path, target: Path) -> None:
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        extra = Path(str(path) + suffix)
        if extra.exists():
            extra.rename(Path(str(target) + suffix))


def restore(db_path: Path, source: Path, force: bool = False) -> str:
    """Put `source` back as the database; returns what was done, for the operator."""
    lock = _exclusive(db_path)
    try:
        copy = inspect(source, thorough=True)
        if copy.problem:
            raise RestoreRefused(
                f"De kopie {source} is niet terug te zetten: {copy.problem}. Een beschadigde kopie "
                f"is soms te redden met: sqlite3 {source} .recover | sqlite3 gered.db, "
                "en daarna: routeboek restore gered.db"
            )
        replaced = ""
        if db_path.exists():
            current = inspect(db_path)
            if (current.profiles or current.cases) and not force:
                raise RestoreRefused(
                    f"De huidige database {db_path} heeft al {current.profiles} profiel(en) en "
                    f"{current.cases} casus(sen). Terugzetten zet die apart (ze "
                    "gaan niet verloren, maar de bot gebruikt ze niet meer). Zeker? Gebruik --force."
                )
            target = free_name(db_path, REPLACED)
            _move(db_path, target)
            replaced = f" De database die er stond, staat nu apart als {target}."
        src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
        dst = sqlite3.connect(db_path)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        return f"Teruggezet: {source} -> {db_path} ({copy.profiles} profiel(en), {copy.cases} casus(sen)).{replaced}"
    finally:
        lock.release()

"""What the bot remembers about a user, in SQLite through sqlite-utils.

Only a profile (role, gemeente, sector) and the dialogue state are stored, keyed by an opaque
user key: no names, no message text. Dialogue state lives here rather than in the process so a
restart in the middle of a walk-through resumes where the user was.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError, Table
from sqlite_utils.migrations import Migrations

from bot import __version__
from bot.locks import try_lock

log = logging.getLogger(__name__)

migrations = Migrations("routeboek")
CASE_COLUMNS = "id, user, pseudonym, gemeente, sector, start, reminders, reached"  # as in m005: never change
CASE_FIELDS = CASE_COLUMNS + ", closed"  # what a Case is read from now
# Names of the migrations this version knows, oldest first: a database with any other name was
# migrated by a newer version (see Store._check_schema).
KNOWN_MIGRATIONS: list[str] = []

MigrationFn = TypeVar("MigrationFn", bound=Callable[[Database], None])


def migration(fn: MigrationFn) -> MigrationFn:
    """Register a migration and remember its name, so a database from a newer version is
    recognised by the names it has and this version lacks."""
    KNOWN_MIGRATIONS.append(fn.__name__)
    registered: MigrationFn = migrations()(fn)
    return registered


@migration
def m001_users_and_dialogue(db: Database) -> None:
    Table(db, "users").create(
        {"user": str, "role": str, "gemeente": str, "sector": str, "created": float, "updated": float},
        pk="user",
    )
    Table(db, "dialogue").create({"user": str, "state": str, "updated": float}, pk="user")


@migration
def m002_cases_and_reminders(db: Database) -> None:
    # A case is a pseudonym, a gemeente and sector, and the first day of the absence: enough to
    # compute its deadlines, nothing that identifies the child.
    Table(db, "cases").create(
        {
            "id": int,
            "user": str,
            "pseudonym": str,
            "gemeente": str,
            "sector": str,
            "start": str,
            "reminders": int,
            "created": float,
        },
        pk="id",
    )
    Table(db, "cases").create_index(["user"])
    Table(db, "reminders_sent").create(
        {"case_id": int, "user": str, "step": str, "kind": str, "due": str, "sent": float},
        pk=("case_id", "step", "kind", "due"),
    )


@migration
def m003_case_progress(db: Database) -> None:
    # The last escalation step the user marked as taken: no reminders up to it any more.
    Table(db, "cases").add_column("reached", str)


@migration
def m004_set_aside_notices(db: Database) -> None:
    # When a corrupt database was set aside, and to which users that was said: who was in the
    # lost file cannot be read from it, so every user hears it once, at their first message.
    db.execute(
        "CREATE TABLE set_aside (id INTEGER PRIMARY KEY AUTOINCREMENT, at FLOAT, copy TEXT, reason TEXT)"
    )
    Table(db, "storage_notices").create({"user": str, "event": int, "shown": float}, pk=("user", "event"))


@migration
def m005_case_ids_never_reused(db: Database) -> None:
    # A plain INTEGER PRIMARY KEY hands the number of the newest deleted case to the next one, so
    # a leftover reminders_sent row (or an old button) of a deleted case reached the new one.
    # SQLite cannot add AUTOINCREMENT to a table: copy into a new one, numbers kept.
    db.execute(
        "CREATE TABLE cases_new (id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT, pseudonym TEXT, "
        "gemeente TEXT, sector TEXT, start TEXT, reminders INTEGER, created FLOAT, reached TEXT)"
    )
    db.execute(f"INSERT INTO cases_new ({CASE_COLUMNS}, created) SELECT {CASE_COLUMNS}, created FROM cases")
    # Numbers already seen anywhere are never handed out again, then records of deleted cases go.
    db.execute("DELETE FROM sqlite_sequence WHERE name = 'cases_new'")
    db.execute(
        "INSERT INTO sqlite_sequence (name, seq) SELECT 'cases_new', max(coalesce((SELECT max(id) FROM cases), 0),"
        " coalesce((SELECT max(case_id) FROM reminders_sent), 0))"
    )
    db.execute("DELETE FROM reminders_sent WHERE case_id NOT IN (SELECT id FROM cases)")
    db.execute("DROP TABLE cases")
    db.execute("ALTER TABLE cases_new RENAME TO cases")
    db.execute("CREATE INDEX idx_cases_user ON cases (user)")


@migration
def m006_case_follow_up(db: Database) -> None:
    # The day a case was closed (reminders stop, it stays visible); the day each step was
    # actually taken (later deadlines count from it); reminders put off by the user; per-user
    # choices about pushed messages, and which of those went out. Dates and flags only.
    Table(db, "cases").add_column("closed", str)
    Table(db, "steps_done").create(
        {"case_id": int, "user": str, "step": str, "done": str}, pk=("case_id", "step")
    )
    Table(db, "snoozes").create({"case_id": int, "user": str, "step": str, "until": str}, pk=("case_id", "step"))
    Table(db, "prefs").create(
        {"user": str, "digest": int, "fixed_dates": int, "inactive": float}, pk="user", defaults={"digest": 1, "fixed_dates": 0}
    )
    Table(db, "pushes_sent").create({"user": str, "kind": str, "key": str, "sent": float}, pk=("user", "kind", "key"))


@migration
def m007_admins_and_feedback(db: Database) -> None:
    # Anonymous counts for /stats and thumbs per answer: no user column, nothing to trace back.
    Table(db, "stats").create({"week": str, "feature": str, "gemeente": str, "n": int}, pk=("week", "feature", "gemeente"))
    Table(db, "votes").create({"week": str, "target": str, "up": int, "down": int}, pk=("week", "target"))
    # Questions their writers chose to pass on, after the personal-data guard: no user column.
    db.execute(
        "CREATE TABLE passed_on (id INTEGER PRIMARY KEY AUTOINCREMENT, question TEXT, gemeente TEXT, "
        "day TEXT, section TEXT)"
    )
    # Who asked for no messages about changes, and which broadcast reached whom (never twice).
    Table(db, "updates_optout").create({"user": str, "since": float}, pk="user")
    db.execute(
        "CREATE TABLE broadcasts (id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT, gemeente TEXT, "
        "created FLOAT, started FLOAT, finished FLOAT)"
    )
    Table(db, "broadcast_sent").create({"broadcast": int, "user": str, "sent": float}, pk=("broadcast", "user"))




@dataclass
class Case:
    id: int
    user: str
    pseudonym: str
    gemeente: str
    sector: str
    start: str  # ISO date
    reminders: bool
    reached: str | None = None  # label of the last step taken, e.g. "2" or "3a"
    closed: str | None = None  # ISO date the case was closed; None while it runs
    done: dict[str, str] = field(default_factory=dict)  # step label -> ISO date it was taken
    snoozed: dict[str, str] = field(default_factory=dict)  # step label -> ISO date to remind again

    @classmethod
    def from_row(cls, r: tuple[Any, ...]) -> Case:
        return cls(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8])


@dataclass
class Prefs:
    """What a user chose about messages the bot sends unasked."""

    digest: bool = True  # the Monday overview of open cases
    fixed_dates: bool = False  # a week before the region's fixed dates
    inactive: float | None = None  # when a send failed because the user blocked the bot


@dataclass
class Profile:
    user: str
    role: str | None = None
    gemeente: str | None = None
    sector: str | None = None

    @property
    def complete(self) -> bool:
        return bool(self.role and self.gemeente and self.sector)


# What the onboarding asks now; "change": a part of the profile is being changed in /instellingen.
OnboardingStep = Literal["role", "gemeente", "sector", "change"]
# Typed input the conversation waits for: the first day of a timeline or of a new case, or the
# day a case step was taken.
Awaiting = Literal["timeline-start", "case-start", "step-date"]


@dataclass
class Dialogue:
    """Where the user is in the conversation. Serialised as JSON; unknown keys are dropped, and
    so is a value a field cannot hold (state written by another version)."""

    onboarding: OnboardingStep | None = None
    flow: str | None = None
    node: str | None = None
    history: list[str] = field(default_factory=list)
    epoch: int = 0  # bumps on every step, so buttons of older messages are recognised as stale
    awaiting: Awaiting | None = None
    # The gemeente and sector of a date we wait for: a timeline, or a new case being registered.
    for_gemeente: str | None = None
    for_sector: str | None = None
    # The chat the onboarding or `awaiting` prompt was sent in (None: the private chat with the
    # bot). Only text in that chat answers it: a date typed in a group never creates a case.
    prompt_chat: str | None = None
    # The chat of the event being handled; set by the engine, never stored.
    chat: str | None = field(default=None, compare=False, repr=False)
    # A case step whose date we wait for ("step-date"), or a future first day to confirm.
    for_case: int | None = None
    for_step: int | None = None
    for_date: str | None = None
    # A deep link's /start payload (bot/deeplinks.py), kept until the onboarding it waits for is
    # finished; a content id such as "route-ziekteverzuim", never typed text.
    opens: str | None = None

    @classmethod
    def from_json(cls, text: str | None) -> Dialogue:
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "chat"}
        if known.get("onboarding") not in (None, *get_args(OnboardingStep)):
            known["onboarding"] = None
        if known.get("awaiting") not in (None, *get_args(Awaiting)):
            known["awaiting"] = None
        try:
            return cls(**known)
        except TypeError:
            return cls()

    def to_json(self) -> str:
        data = asdict(self)
        del data["chat"]
        return json.dumps(data, ensure_ascii=False)

    def ask(self, onboarding: OnboardingStep | None = None, awaiting: Awaiting | None = None) -> None:
        """Wait for an onboarding answer or for typed input, in the chat the prompt goes to."""
        if onboarding is not None:
            self.onboarding = onboarding
        if awaiting is not None:
            self.awaiting = awaiting
        self.prompt_chat = self.chat

    @property
    def prompted_here(self) -> bool:
        """Whether the waiting prompt was sent in the chat of the event being handled."""
        return self.prompt_chat == self.chat


def data_dir() -> Path:
    """ROUTEBOEK_DATA_DIR (default ./data): the database, the locks and the heartbeat live there."""
    from bot.settings import current

    return current().routeboek_data_dir


NOTICE_DAYS = 90  # how long after a set-aside a user's first message is told about it


def free_name(path: Path, kind: str) -> Path:
    """`routeboek.db.<kind>-<unix time>`, not taken yet: a rename onto an existing copy would
    silently destroy it."""
    stamp = int(time.time())
    candidate = path.with_name(f"{path.name}.{kind}-{stamp}")
    while candidate.exists():
        stamp += 1
        candidate = path.with_name(f"{path.name}.{kind}-{stamp}")
    return candidate


BUSY_TIMEOUT = 5.0  # seconds SQLite waits for a lock before it gives up, per attempt
OPEN_ATTEMPTS = 6  # a backup or the console chat writing holds the lock for moments, not minutes


def _pause(seconds: float) -> None:
    """Wait between attempts to open a locked database (a seam for tests, which must not sleep)."""
    time.sleep(seconds)


class StorageError(Exception):
    """A database the bot cannot use as it is. The message is for the operator: what is wrong,
    where, and what to do; the CLI prints it and exits 2 instead of showing a traceback."""


class StoreLocked(StorageError):
    """Another program kept the database locked for longer than the bot waited: its data is
    fine, so the file is left alone."""


class StoreUnwritable(StorageError):
    """The data folder or the file may not be written (permissions, a read-only disk)."""


class SchemaTooNew(StorageError):
    """The database was written by a newer version: using it could break both versions' data."""


class _Corrupt(Exception):
    """Internal: the file is not a (healthy) SQLite database. Only this sets a file aside."""


_LOCKED = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_CORRUPT = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_UNWRITABLE = {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM}


def _error_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code of an error; sqlite3 raises the same DatabaseError class for a
    lock as for corruption, so the code is what tells them apart."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _unwritable(path: Path, detail: str) -> StoreUnwritable:
    return StoreUnwritable(
        f"De bot mag niet schrijven in de datamap {path.parent} ({path}: {detail}). "
        "Geef de gebruiker van de bot schrijfrechten op die map, of kies met ROUTEBOEK_DATA_DIR "
        "een andere map."
    )


class Store:
    """Serialised access to one SQLite file (safe from the event loop and worker threads)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path else data_dir() / "routeboek.db"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _unwritable(self.path, exc.strerror or str(exc)) from exc
        self._lock = threading.RLock()
        self._touched: dict[str, int] = {}  # user -> day of the last touch(), see touch()
        # Shared with every other program that has this database open; `routeboek restore` needs
        # it exclusively, so it never swaps the file under a running bot or console.
        try:
            folder_lock = try_lock(self.path.with_name(self.path.name + ".lock"), shared=True)
        except OSError as exc:
            raise _unwritable(self.path, exc.strerror or str(exc)) from exc
        if folder_lock is None:
            raise StoreLocked(f"De database {self.path} wordt nu teruggezet (routeboek restore). Probeer het zo opnieuw.")
        self._folder_lock = folder_lock
        self._set_aside_at: tuple[int, float] | None = None  # the latest set-aside users hear of
        try:
            self.db = self._open()
        except BaseException:
            folder_lock.release()
            raise
        self._set_aside_at = self._recent_set_aside()

    def _open(self) -> Database:
        try:
            return self._connect_waiting()
        except _Corrupt as exc:
            # A corrupt file is kept for recovery, never overwritten; the bot starts afresh, and
            # the new file remembers it so returning users are told (see storage_notice).
            aside = self._set_aside()
            log.error(
                "database %s unreadable (%s); moved to %s. The bot starts with an empty database; "
                "`routeboek restore` lists and restores set-aside copies",
                self.path,
                exc,
                aside,
            )
            try:
                db = self._connect_waiting()
            except _Corrupt as again:  # a fresh file cannot be corrupt; the disk itself may be
                raise StorageError(f"De database {self.path} is na apart zetten nog onleesbaar ({again}).") from again
            db.execute(
                "INSERT INTO set_aside (at, copy, reason) VALUES (?, ?, ?)", [time.time(), str(aside), str(exc)]
            )
            return db

    def _set_aside(self) -> Path:
        aside = free_name(self.path, "corrupt")
        try:
            self.path.rename(aside)
            for suffix in ("-wal", "-shm"):
                extra = Path(str(self.path) + suffix)
                if extra.exists():
                    extra.rename(Path(str(aside) + suffix))
        except OSError as exc:
            raise _unwritable(self.path, f"apart zetten als {aside.name} mislukt: {exc.strerror or exc}") from exc
        return aside

    def _connect_waiting(self) -> Database:
        """Connect, waiting out a lock a few times: a lock is another program at work, not a
        broken file, so it must never lead to setting the database aside."""
        for attempt in range(1, OPEN_ATTEMPTS + 1):
            try:
                return self._connect()
            except StoreLocked as exc:
                if attempt == OPEN_ATTEMPTS:
                    raise
                log.warning("database %s is locked (%s); attempt %d of %d", self.path, exc, attempt, OPEN_ATTEMPTS)
                _pause(BUSY_TIMEOUT)
        raise AssertionError("unreachable")

    def _connect(self) -> Database:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, check_same_thread=False, isolation_level=None)
        try:
            db = Database(conn)
            check = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
            if check != ["ok"]:
                raise _Corrupt("; ".join(str(c) for c in check[:3]))
            self._check_schema(db)
            db.enable_wal()
            migrations.apply(db)
            # A file the bot may only read (its mode, its owner) opens without complaint; find out
            # now, not at every user's message ("Opslaan lukt nu niet" while the bot seems fine).
            db.execute("DELETE FROM set_aside WHERE 0")
            return db
        except BaseException as exc:
            conn.close()
            if isinstance(exc, sqlite3.Error):
                raise self._classify(exc) from exc
            raise

    def _classify(self, exc: sqlite3.Error) -> Exception:
        code = _error_code(exc)
        text = str(exc)
        if code in _LOCKED or "locked" in text:
            return StoreLocked(
                f"De database {self.path} is bezet ({text}): een ander programma (een back-up, de "
                f"console-chat) hield hem langer dan {OPEN_ATTEMPTS} x {BUSY_TIMEOUT:g} s vast. De "
                "gegevens zijn niet aangeraakt. Probeer het opnieuw als dat programma klaar is."
            )
        if code in _CORRUPT:
            return _Corrupt(text)
        if code in _UNWRITABLE:
            return _unwritable(self.path, text)
        return StorageError(f"De database {self.path} is nu niet te gebruiken ({text}).")

    def _check_schema(self, db: Database) -> None:
        """Refuse a database that a newer version migrated: its tables may hold columns and rules
        this version does not know, and writing to them could break it for both versions."""
        if not db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [migrations.migrations_table]
        ).fetchone():
            return
        applied = [
            row[0]
            for row in db.execute(
                f"SELECT name FROM [{migrations.migrations_table}] WHERE migration_set = ? ORDER BY rowid",
                [migrations.name],
            ).fetchall()
        ]
        unknown = [name for name in applied if name not in KNOWN_MIGRATIONS]
        if unknown:
            raise SchemaTooNew(
                f"De database {self.path} komt van een nieuwere versie van routeboek-bot: hij heeft "
                f"migratie(s) {', '.join(unknown)}, deze versie ({__version__}) kent t/m "
                f"{KNOWN_MIGRATIONS[-1]}. Installeer de nieuwere versie, of zet een back-up terug."
            )

    def close(self) -> None:
        with self._lock:
            self.db.close()
            self._folder_lock.release()

    # --- after a set-aside ----------------------------------------------------------------
    def _recent_set_aside(self) -> tuple[int, float] | None:
        row = self.db.execute("SELECT id, at FROM set_aside ORDER BY id DESC LIMIT 1").fetchone()
        if row is None or row[1] < time.time() - NOTICE_DAYS * 86400:
            return None
        return int(row[0]), float(row[1])

    def storage_notice(self, user: str) -> float | None:
        """When the database was set aside, the first time this user writes after it; else None.

        Users of the lost file cannot be read from it, so every user hears it once, for
        NOTICE_DAYS: after that a new user would only be puzzled by it. Costs nothing when there
        was no set-aside (the usual case)."""
        if self._set_aside_at is None:
            return None
        event, at = self._set_aside_at
        with self._lock:
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO storage_notices (user, event, shown) VALUES (?, ?, ?)",
                [user, event, time.time()],
            )
        return at if cursor.rowcount else None

    # --- profile --------------------------------------------------------------------------
    def _row(self, sql: str, user: str) -> tuple[Any, ...] | None:
        # Plain SQL for the two lookups every message makes: sqlite-utils' Table.get first
        # asks SQLite for the table's columns and keys, which took most of the time.
        with self._lock:
            row: tuple[Any, ...] | None = self.db.execute(sql, [user]).fetchone()
        return row

    def profile(self, user: str) -> Profile:
        row = self._row("SELECT role, gemeente, sector FROM users WHERE user = ?", user)
        return Profile(user, *row) if row else Profile(user)

    def save_profile(self, profile: Profile) -> None:
        now = time.time()
        with self._lock:
            table = Table(self.db, "users")
            try:
                created = table.get(profile.user)["created"]
            except NotFoundError:
                created = now
            table.upsert(
                {
                    "user": profile.user,
                    "role": profile.role,
                    "gemeente": profile.gemeente,
                    "sector": profile.sector,
                    "created": created,
                    "updated": now,
                },
                pk="user",
            )

    # --- dialogue -------------------------------------------------------------------------
    def dialogue(self, user: str) -> Dialogue:
        row = self._row("SELECT state FROM dialogue WHERE user = ?", user)
        return Dialogue.from_json(row[0] if row else None)

    def save_dialogue(self, user: str, state: Dialogue) -> None:
        with self._lock:
            Table(self.db, "dialogue").upsert(
                {"user": user, "state": state.to_json(), "updated": time.time()}, pk="user"
            )

    # --- cases ----------------------------------------------------------------------------
    def add_case(self, user: str, pseudonym: str, gemeente: str, sector: str, start: str) -> Case:
        row = {
            "user": user,
            "pseudonym": pseudonym,
            "gemeente": gemeente,
            "sector": sector,
            "start": start,
            "reminders": 1,
            "created": time.time(),
        }
        with self._lock:
            cursor = self.db.execute(
                "INSERT INTO cases (user, pseudonym, gemeente, sector, start, reminders, created)"
                " VALUES (:user, :pseudonym, :gemeente, :sector, :start, :reminders, :created)",
                row,
            )
            case_id = int(cursor.lastrowid or 0)
        return Case(case_id, user, pseudonym, gemeente, sector, start, True)

    def cases(self, user: str | None = None) -> list[Case]:
        """The user's cases, oldest first; all cases with `user=None` (for the reminder run)."""
        sql = f"SELECT {CASE_FIELDS} FROM cases"
        params: list[Any] = []
        if user is not None:
            sql += " WHERE user = ?"
            params.append(user)
        with self._lock:
            rows = self.db.execute(sql + " ORDER BY id", params).fetchall()
            cases = [Case.from_row(r) for r in rows]
            self._fill(cases, user)
        return cases

    def case(self, user: str, case_id: int) -> Case | None:
        """One case, only if it is this user's (ids come from buttons, which can be forged)."""
        with self._lock:
            r = self.db.execute(
                f"SELECT {CASE_FIELDS} FROM cases WHERE id = ? AND user = ?",
                [case_id, user],
            ).fetchone()
            if r is None:
                return None
            case = Case.from_row(r)
            self._fill([case], user)
        return case

    def _fill(self, cases: list[Case], user: str | None) -> None:
        """The steps taken and the reminders put off, in one query each for all the cases."""
        by_id = {case.id: case for case in cases}
        where, params = ("WHERE user = ?", [user]) if user is not None else ("", [])
        for case_id, step, day in self.db.execute(f"SELECT case_id, step, done FROM steps_done {where}", params):
            if case_id in by_id:
                by_id[case_id].done[step] = day
        for case_id, step, day in self.db.execute(f"SELECT case_id, step, until FROM snoozes {where}", params):
            if case_id in by_id:
                by_id[case_id].snoozed[step] = day

    def set_reminders(self, case: Case, on: bool) -> None:
        with self._lock:
            self.db.execute("UPDATE cases SET reminders = ? WHERE id = ?", [int(on), case.id])

    def set_reached(self, case: Case, step: str | None) -> None:
        with self._lock:
            self.db.execute("UPDATE cases SET reached = ? WHERE id = ?", [step, case.id])

    def set_step_done(self, case: Case, step: str, day: str | None) -> None:
        """The day a step was taken; None forgets it (the step was taken back)."""
        with self._lock:
            if day is None:
                self.db.execute("DELETE FROM steps_done WHERE case_id = ? AND step = ?", [case.id, step])
            else:
                self.db.execute(
                    "INSERT OR REPLACE INTO steps_done (case_id, user, step, done) SELECT ?, ?, ?, ?"
                    " WHERE EXISTS (SELECT 1 FROM cases WHERE id = ? AND user = ?)",
                    [case.id, case.user, step, day, case.id, case.user],
                )

    def set_closed(self, case: Case, day: str | None) -> None:
        """Close a case on `day` (its reminders stop, it stays listed) or reopen it (None)."""
        with self._lock:
            self.db.execute("UPDATE cases SET closed = ? WHERE id = ?", [day, case.id])

    def snooze(self, case: Case, step: str, until: str) -> None:
        """Remind of this step again on `until` (one snooze per step: a new one replaces it)."""
        with self._lock:
            self.db.execute(
                "INSERT OR REPLACE INTO snoozes (case_id, user, step, until) SELECT ?, ?, ?, ?"
                " WHERE EXISTS (SELECT 1 FROM cases WHERE id = ? AND user = ?)",
                [case.id, case.user, step, until, case.id, case.user],
            )

    def delete_case(self, case: Case) -> None:
        with self._lock, self.db.atomic():
            for table in ("reminders_sent", "steps_done", "snoozes"):
                self.db.execute(f"DELETE FROM {table} WHERE case_id = ?", [case.id])
            self.db.execute("DELETE FROM cases WHERE id = ?", [case.id])

    # --- pushed messages ------------------------------------------------------------------
    def prefs(self, user: str) -> Prefs:
        """The user's choices about pushed messages; the defaults for a user without a row."""
        row = self._row("SELECT digest, fixed_dates, inactive FROM prefs WHERE user = ?", user)
        return Prefs(bool(row[0]), bool(row[1]), row[2]) if row else Prefs()

    def save_prefs(self, user: str, prefs: Prefs) -> None:
        """Store the choices; a row in `prefs` is only made once a user chose something."""
        with self._lock:
            Table(self.db, "prefs").upsert(
                {"user": user, "digest": int(prefs.digest), "fixed_dates": int(prefs.fixed_dates), "inactive": prefs.inactive},
                pk="user",
            )

    def set_inactive(self, user: str, inactive: bool) -> None:
        """A user who blocked the bot is not sent anything until they write again."""
        prefs = self.prefs(user)
        if (prefs.inactive is not None) != inactive:
            prefs.inactive = time.time() if inactive else None
            self.save_prefs(user, prefs)

    def inactive_users(self) -> set[str]:
        """Users who blocked the bot: one query per run instead of one per case."""
        with self._lock:
            return {row[0] for row in self.db.execute("SELECT user FROM prefs WHERE inactive IS NOT NULL")}

    def fixed_date_users(self, user: str | None = None) -> list[str]:
        """Users who asked for reminders of their region's fixed dates (or just `user`)."""
        sql, params = "SELECT user FROM prefs WHERE fixed_dates = 1", []
        if user is not None:
            sql, params = sql + " AND user = ?", [user]
        with self._lock:
            return [row[0] for row in self.db.execute(sql, params)]

    def push_sent(self, user: str, kind: str, key: str) -> bool:
        """Whether this digest (week) or fixed-date reminder (date) already went out."""
        with self._lock:
            row = self.db.execute(
                "SELECT 1 FROM pushes_sent WHERE user = ? AND kind = ? AND key = ?", [user, kind, key]
            ).fetchone()
        return row is not None

    def mark_push_sent(self, user: str, kind: str, key: str) -> None:
        """Record a pushed message after it was delivered, so no later run sends it again."""
        with self._lock:
            self.db.execute(
                "INSERT OR REPLACE INTO pushes_sent (user, kind, key, sent) VALUES (?, ?, ?, ?)",
                [user, kind, key, time.time()],
            )

    def reminder_still_due(self, case: Case, step: str, kind: str, due: str) -> bool:
        """Whether a reminder the run listed may still go out: the case may have been deleted,
        its reminders switched off or the reminder sent since (by /vergeet in the middle of a
        burst, or by another run)."""
        with self._lock:
            row = self.db.execute(
                "SELECT 1 FROM cases WHERE id = ? AND user = ? AND reminders = 1 AND closed IS NULL AND NOT EXISTS ("
                "SELECT 1 FROM reminders_sent WHERE case_id = ? AND step = ? AND kind = ? AND due = ?)",
                [case.id, case.user, case.id, step, kind, due],
            ).fetchone()
        return row is not None

    def reminder_sent(self, case: Case, step: str, kind: str, due: str) -> bool:
        with self._lock:
            row = self.db.execute(
                "SELECT 1 FROM reminders_sent WHERE case_id = ? AND step = ? AND kind = ? AND due = ?",
                [case.id, step, kind, due],
            ).fetchone()
        return row is not None

    def mark_reminder_sent(self, case: Case, step: str, kind: str, due: str, sent: bool = True) -> None:
        """Record a sent reminder, but only while its case exists: one statement, so a /vergeet
        or a deletion that came first leaves no record behind. `sent=False` records one that is
        never to be sent (its deadline was shown already) with no time of sending."""
        with self._lock:
            self.db.execute(
                "INSERT OR REPLACE INTO reminders_sent (case_id, user, step, kind, due, sent)"
                " SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM cases WHERE id = ? AND user = ?)",
                [case.id, case.user, step, kind, due, time.time() if sent else None, case.id, case.user],
            )

    # --- privacy --------------------------------------------------------------------------
    def export(self, user: str) -> dict[str, Any]:
        """Everything stored about this user, for /mijngegevens."""
        with self._lock:
            result: dict[str, Any] = {}
            for name in self.user_tables():
                rows = list(Table(self.db, name).rows_where("user = ?", [user]))
                if rows:
                    result[name] = rows
            return result

    def forget(self, user: str) -> int:
        """Delete every row about this user in one transaction; returns the number deleted."""
        with self._lock, self.db.atomic():
            count = 0
            for name in self.user_tables():
                cursor = self.db.execute(f"DELETE FROM [{name}] WHERE user = ?", [user])
                count += cursor.rowcount
            return count

    # --- retention (bot/retention.py) -------------------------------------------------------
    def touch(self, user: str, now: float | None = None) -> None:
        """Record that the user used the bot (their profile's `updated`), at most once a day per
        user: retention deletes who has been away for a long time, never who only asks questions."""
        now = time.time() if now is None else now
        day = int(now // 86_400)
        if self._touched.get(user) == day:
            return
        with self._lock:
            self.db.execute("UPDATE users SET updated = ? WHERE user = ?", [now, user])
        self._touched[user] = day
        if len(self._touched) > 100_000:
            self._touched.clear()

    def last_activity(self) -> dict[str, float]:
        """Every user's latest sign of use: profile, dialogue, a case created, a notice shown."""
        sql = (
            "SELECT user, max(t) FROM ("
            " SELECT user, max(coalesce(updated, 0), coalesce(created, 0)) AS t FROM users"
            " UNION ALL SELECT user, coalesce(updated, 0) FROM dialogue"
            " UNION ALL SELECT user, coalesce(created, 0) FROM cases"
            " UNION ALL SELECT user, coalesce(shown, 0) FROM storage_notices"
            ") GROUP BY user"
        )
        with self._lock:
            return {str(user): float(t) for user, t in self.db.execute(sql).fetchall()}

    def user_tables(self) -> list[str]:
        """Every table with a `user` column: new tables are covered by export and forget."""
        return [
            name
            for name in self.db.table_names()
            if not name.startswith("_") and "user" in Table(self.db, name).columns_dict
        ]

    # --- admins: counts, passed-on questions, broadcasts ------------------------------------
    def add_stats(self, counts: dict[tuple[str, str, str], int], votes: dict[tuple[str, str, bool], int]) -> None:
        """Add a flush of in-memory counts in one transaction (bot/stats.py)."""
        with self._lock, self.db.atomic():
            for (week, feature, gemeente), n in counts.items():
                self.db.execute(
                    "INSERT INTO stats (week, feature, gemeente, n) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (week, feature, gemeente) DO UPDATE SET n = n + excluded.n",
                    [week, feature, gemeente, n],
                )
            for (week, target, up), n in votes.items():
                self.db.execute(
                    "INSERT INTO votes (week, target, up, down) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (week, target) DO UPDATE SET up = up + excluded.up, down = down + excluded.down",
                    [week, target, n if up else 0, 0 if up else n],
                )

    def stats_rows(self) -> dict[tuple[str, str, str], int]:
        """Every stored count by (week, feature, gemeente), for /stats."""
        with self._lock:
            rows = self.db.execute("SELECT week, feature, gemeente, n FROM stats").fetchall()
        return {(r[0], r[1], r[2]): int(r[3]) for r in rows}

    def vote_rows(self) -> dict[str, tuple[int, int]]:
        """(👍, 👎) per answer target over all weeks, for /stats and /feedback."""
        with self._lock:
            rows = self.db.execute("SELECT target, sum(up), sum(down) FROM votes GROUP BY target").fetchall()
        return {r[0]: (int(r[1]), int(r[2])) for r in rows}

    def pass_on(self, question: str, gemeente: str | None, day: str, section: str | None) -> None:
        """Keep a question its writer chose to pass on: no user key, by design."""
        with self._lock:
            self.db.execute(
                "INSERT INTO passed_on (question, gemeente, day, section) VALUES (?, ?, ?, ?)",
                [question, gemeente, day, section],
            )

    def passed_on(self) -> list[tuple[str, str | None, str, str | None]]:
        """(question, gemeente, day, section) of every kept question, oldest first."""
        with self._lock:
            rows = self.db.execute("SELECT question, gemeente, day, section FROM passed_on ORDER BY id").fetchall()
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def purge_passed_on(self, before: str) -> int:
        """Delete passed-on questions older than the retention period (ISO day)."""
        with self._lock:
            return int(self.db.execute("DELETE FROM passed_on WHERE day < ?", [before]).rowcount)

    def updates_optout(self, user: str) -> bool:
        """Whether the user asked for no messages about changes (shown in /instellingen)."""
        return self._row("SELECT 1 FROM updates_optout WHERE user = ?", user) is not None

    def set_updates_optout(self, user: str, out: bool) -> None:
        """A row while opted out, none otherwise: /mijngegevens shows it, /vergeet deletes it."""
        with self._lock:
            if out:
                self.db.execute("INSERT OR IGNORE INTO updates_optout (user, since) VALUES (?, ?)", [user, time.time()])
            else:
                self.db.execute("DELETE FROM updates_optout WHERE user = ?", [user])

    def add_broadcast(self, text: str, gemeente: str | None) -> int:
        """A prepared broadcast (not started until the admin confirms); its id for the button."""
        with self._lock:
            cursor = self.db.execute(
                "INSERT INTO broadcasts (text, gemeente, created) VALUES (?, ?, ?)", [text, gemeente, time.time()]
            )
        return int(cursor.lastrowid or 0)

    def open_broadcasts(self) -> list[tuple[int, str, str | None]]:
        """(id, text, gemeente) of broadcasts not finished, oldest first: a restart resumes them."""
        with self._lock:
            rows = self.db.execute("SELECT id, text, gemeente FROM broadcasts WHERE started IS NOT NULL AND finished IS NULL ORDER BY id").fetchall()
        return [(int(r[0]), r[1], r[2]) for r in rows]

    def broadcast_audience(
        self, gemeente: str | None, broadcast: int | None = None, limit: int = -1, prefix: str = ""
    ) -> list[str]:
        """Users with a profile (in `gemeente`, or anywhere) who did not opt out and did not block
        the bot; with `broadcast`: only those it has not reached yet; with `prefix`: only the
        users of one adapter ("tg:"), as only it can reach them."""
        sql = (
            "SELECT u.user FROM users u WHERE u.role IS NOT NULL AND u.gemeente IS NOT NULL"
            " AND substr(u.user, 1, length(:prefix)) = :prefix"
            " AND u.user NOT IN (SELECT user FROM updates_optout)"
            " AND u.user NOT IN (SELECT user FROM prefs WHERE inactive IS NOT NULL)"
        )
        params: dict[str, Any] = {"prefix": prefix, "limit": limit, "gemeente": gemeente, "broadcast": broadcast}
        if gemeente is not None:
            sql += " AND u.gemeente = :gemeente"
        if broadcast is not None:
            sql += " AND u.user NOT IN (SELECT user FROM broadcast_sent WHERE broadcast = :broadcast)"
        with self._lock:
            rows = self.db.execute(sql + " ORDER BY u.user LIMIT :limit", params).fetchall()
        return [r[0] for r in rows]

    def claim_broadcast(self, broadcast: int, user: str) -> bool:
        """Mark a broadcast as sent to a user before sending: False when it already was, so no
        user ever gets it twice, not even after a crash in the middle of a send."""
        with self._lock:
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO broadcast_sent (broadcast, user, sent) VALUES (?, ?, ?)",
                [broadcast, user, time.time()],
            )
        return bool(cursor.rowcount)

    def unclaim_broadcast(self, broadcast: int, user: str) -> None:
        """A send that failed for a passing reason: try this user again at the next run."""
        with self._lock:
            self.db.execute("DELETE FROM broadcast_sent WHERE broadcast = ? AND user = ?", [broadcast, user])

    def broadcast(self, broadcast: int) -> tuple[str, str | None, bool] | None:
        """(text, gemeente, started) of one broadcast; None for an unknown id."""
        with self._lock:
            r = self.db.execute("SELECT text, gemeente, started FROM broadcasts WHERE id = ?", [broadcast]).fetchone()
        return None if r is None else (r[0], r[1], r[2] is not None)

    def start_broadcast(self, broadcast: int) -> bool:
        """The admin confirmed: from now on the send job works through it. False when it was
        already started (a second press of "Versturen")."""
        with self._lock:
            cursor = self.db.execute(
                "UPDATE broadcasts SET started = ? WHERE id = ? AND started IS NULL", [time.time(), broadcast]
            )
        return bool(cursor.rowcount)

    def finish_broadcast(self, broadcast: int) -> None:
        """Everybody in the audience was reached: the send job stops looking at it."""
        with self._lock:
            self.db.execute("UPDATE broadcasts SET finished = ? WHERE id = ?", [time.time(), broadcast])

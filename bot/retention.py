"""Retention: what nobody uses any more is deleted, on a schedule the privacy officer can read.

Run once a day by the job queue, after the day's backup into <data>/backups/ (`daily`), with
the periods from the settings (ROUTEBOEK_RETAIN_*):
- a closed case, `closed_case_days` after the day it was closed;
- an open case, once its last deadline lies `open_case_days` behind us and its user has not
  used the bot in that time either;
- everything about a user who has not used the bot for `user_days`;
- set-aside and replaced database copies, and the backups in the data folder's backups/, after
  `copies_days`.
An open case with a step still ahead (a deadline today or later) is never deleted, nor is its
user: a reminder is still due. A closed case gets no reminders, so its own period applies.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.backup import BACKUP_DIR, BackupFailed, backup
from bot.knowledge import Knowledge
from bot.restore import copies
from bot.settings import Settings
from bot.storage import Case, Store
from bot.timeline import build_timeline, deadline

log = logging.getLogger(__name__)

DAY = 86_400.0
RUN_EVERY = DAY
FIRST_RUN = 600  # seconds after start: not in the middle of a restart's catch-up


@dataclass(frozen=True)
class Periods:
    open_case_days: int = 180
    user_days: int = 365
    copies_days: int = 365
    closed_case_days: int = 30

    @classmethod
    def from_settings(cls, settings: Settings) -> Periods:
        return cls(
            settings.routeboek_retain_open_case_days,
            settings.routeboek_retain_user_days,
            settings.routeboek_retain_copies_days,
            settings.routeboek_retain_closed_case_days,
        )


@dataclass
class Purged:
    cases: int = 0
    users: int = 0
    files: int = 0


def last_deadline(kb: Knowledge, case: Case) -> date | None:
    """The latest deadline of the case's escalation steps; None when it has no dated step (or
    its gemeente is no longer in the content), and then only the user rule applies."""
    try:
        start = date.fromisoformat(case.start)
    except ValueError:
        return None
    timeline = build_timeline(kb, case.gemeente, case.sector, start)
    if timeline is None:
        return None
    dated = [deadline(step) for step in timeline.steps if step.due is not None]
    return max(dated) if dated else None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def purge(kb: Knowledge, store: Store, periods: Periods, now: datetime, folder: Path | None = None) -> Purged:
    """Delete what the periods say is no longer needed; returns the counts (logged, no ids)."""
    done = Purged()
    today = now.date()
    stamp = now.timestamp()
    activity = store.last_activity()
    step_ahead: set[str] = set()
    for case in store.cases():
        if case.closed:
            closed = _day(case.closed)
            if closed is not None and today - closed > timedelta(days=periods.closed_case_days):
                store.delete_case(case)
                done.cases += 1
            continue
        last = last_deadline(kb, case)
        if last is None:
            continue
        if last >= today:
            step_ahead.add(case.user)
            continue
        seen = activity.get(case.user, 0.0)
        quiet_since = max(last, datetime.fromtimestamp(seen, now.tzinfo).date()) if seen else last
        if today - quiet_since > timedelta(days=periods.open_case_days):
            store.delete_case(case)
            done.cases += 1
    for user, seen in activity.items():
        if user not in step_ahead and stamp - seen > periods.user_days * DAY:
            store.forget(user)
            done.users += 1
    if folder is not None:
        done.files = purge_files(folder, store.path, periods.copies_days, stamp)
    log.info("retention: %d case(s), %d user(s), %d file(s) deleted", done.cases, done.users, done.files)
    return done


def daily(kb: Knowledge, store: Store, periods: Periods, now: datetime, folder: Path) -> Purged:
    """The bot's daily care: a backup in <data>/backups/ (a way back after a mistake, kept for
    `copies_days`), then the purge. A failed backup is logged and does not stop the purge."""
    backups = folder / BACKUP_DIR
    try:
        backups.mkdir(exist_ok=True)
        backup(store.path, backups)
    except (BackupFailed, OSError) as exc:
        log.warning("daily backup not made (%s)", type(exc).__name__)
    return purge(kb, store, periods, now, folder)


def purge_files(folder: Path, db_path: Path, days: int, now: float | None = None) -> int:
    """Set-aside and replaced copies of the database (by the time in their name) and backups in
    backups/ (by their file time) older than `days`."""
    now = time.time() if now is None else now
    limit = now - days * DAY
    old: list[Path] = [copy.path for copy in copies(db_path) if copy.stamp and copy.stamp < limit]
    backups = folder / BACKUP_DIR
    if backups.is_dir():
        old += [path for path in backups.glob("*.db") if path.stat().st_mtime < limit]
    for path in old:
        for extra in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            with contextlib.suppress(FileNotFoundError):
                extra.unlink()
    return len(old)


def privacy_text(periods: Periods) -> str:
    """The retention periods in the words of /privacy (B1), from the settings that apply."""
    return (
        f"Wat niet meer gebruikt wordt, wis ik vanzelf: een afgesloten casus {periods.closed_case_days} "
        f"dagen na het afsluiten, een open casus {periods.open_case_days} dagen na de laatste termijn "
        f"als je de bot in die tijd niet gebruikte, en alles over jou na {periods.user_days} dagen "
        "zonder gebruik. Een open casus met een stap die nog komt, wis ik niet."
    )

"""Retention: what nobody uses any more is deleted, on a schedule the privacy officer can read.

Run once a day by the job queue (and on demand with `run_retention`), with the periods from the
settings (ROUTEBOEK_RETAIN_*):
- an open case, once its last deadline lies `open_case_days` behind us and its user has not
  used the bot in that time either;
- everything about a user who has not used the bot for `user_days`;
- set-aside and replaced database copies, and the backups in the data folder's backups/, after
  `copies_days`.
A case with a step still ahead (a deadline today or later) is never deleted, nor is its user:
a reminder is still due. Cases have no closed state in this version, so there is no separate
period for closed cases.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.backup import BACKUP_DIR
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

    @classmethod
    def from_settings(cls, settings: Settings) -> Periods:
        return cls(
            settings.routeboek_retain_open_case_days,
            settings.routeboek_retain_user_days,
            settings.routeboek_retain_copies_days,
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


def purge(kb: Knowledge, store: Store, periods: Periods, now: datetime, folder: Path | None = None) -> Purged:
    """Delete what the periods say is no longer needed; returns the counts (logged, no ids)."""
    done = Purged()
    today = now.date()
    stamp = now.timestamp()
    activity = store.last_activity()
    step_ahead: set[str] = set()
    for case in store.cases():
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
        f"Wat niet meer gebruikt wordt, wis ik vanzelf: een casus {periods.open_case_days} dagen na "
        f"de laatste termijn, als je de bot in die tijd niet gebruikte, en alles over jou na "
        f"{periods.user_days} dagen zonder gebruik. Een casus met een stap die nog komt, wis ik niet."
    )

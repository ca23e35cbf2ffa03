"""Retention with the shipped content: what is deleted when, and what never is."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.content import load_content
from bot.engine import LOCAL_TIME, Engine, TextIn
from bot.knowledge import Knowledge
from bot.retention import Periods, last_deadline, purge, purge_files
from bot.storage import Case, Profile, Store

DAY = 86_400


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_content()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "routeboek.db")


def user_with_case(store: Store, user: str, start: str, seen: float) -> Case:
    """A user with one case, last active at `seen` (unix time)."""
    store.save_profile(Profile(user, "ib", "Den Haag", "vo"))
    case = store.add_case(user, "K1", "Den Haag", "vo", start)
    store.db.execute("UPDATE users SET created = ?, updated = ? WHERE user = ?", [seen, seen, user])
    store.db.execute("UPDATE dialogue SET updated = ? WHERE user = ?", [seen, user])
    store.db.execute("UPDATE cases SET created = ? WHERE user = ?", [seen, user])
    return case


def at(day: datetime) -> datetime:
    return day.replace(hour=12, tzinfo=LOCAL_TIME)


def test_an_open_case_goes_180_days_after_its_last_deadline_without_activity(kb: Knowledge, store: Store) -> None:
    case = user_with_case(store, "tg:1", "2024-09-02", seen=0)
    last = last_deadline(kb, case)
    assert last is not None
    base = at(datetime.combine(last, datetime.min.time()))
    # Keep the user itself (its own period is longer) so only the case rule is tested.
    periods = Periods(open_case_days=180, user_days=100_000)
    store.db.execute("UPDATE users SET updated = ? WHERE user = 'tg:1'", [(base - timedelta(days=1)).timestamp()])
    assert purge(kb, store, periods, base + timedelta(days=179)).cases == 0
    assert store.cases("tg:1")
    assert purge(kb, store, periods, base + timedelta(days=181)).cases == 1
    assert store.cases("tg:1") == [] and store.profile("tg:1").gemeente == "Den Haag"


def test_activity_after_the_last_deadline_keeps_the_case(kb: Knowledge, store: Store) -> None:
    case = user_with_case(store, "tg:1", "2024-09-02", seen=0)
    last = last_deadline(kb, case)
    assert last is not None
    base = at(datetime.combine(last, datetime.min.time()))
    store.touch("tg:1", now=(base + timedelta(days=100)).timestamp())
    assert purge(kb, store, Periods(180, 100_000), base + timedelta(days=200)).cases == 0
    assert purge(kb, store, Periods(180, 100_000), base + timedelta(days=281)).cases == 1


def test_a_user_away_for_12_months_is_forgotten_entirely(kb: Knowledge, store: Store) -> None:
    now = at(datetime(2026, 6, 1))
    for user, days_away in (("tg:away", 366), ("tg:recent", 364)):
        store.save_profile(Profile(user, "mentor", "Rijswijk", "po"))
        seen = (now - timedelta(days=days_away)).timestamp()
        store.db.execute("UPDATE users SET created = ?, updated = ? WHERE user = ?", [seen, seen, user])
        store.db.execute("UPDATE dialogue SET updated = ? WHERE user = ?", [seen, user])
    assert purge(kb, store, Periods(), now).users == 1
    assert store.export("tg:away") == {}
    assert store.profile("tg:recent").gemeente == "Rijswijk"


def test_a_case_with_a_step_ahead_is_never_purged_nor_its_user(kb: Knowledge, store: Store) -> None:
    now = at(datetime(2026, 1, 26))
    # Started last week: every deadline is ahead; the user was "away" for years (clock skew, a
    # restore): a reminder is still due, so nothing goes.
    user_with_case(store, "tg:1", "2026-01-19", seen=0)
    done = purge(kb, store, Periods(open_case_days=1, user_days=1), now)
    assert (done.cases, done.users) == (0, 0)
    assert len(store.cases("tg:1")) == 1


def test_set_aside_copies_and_backups_go_after_their_period(tmp_path: Path, store: Store) -> None:
    now = time.time()
    old = tmp_path / f"routeboek.db.corrupt-{int(now - 400 * DAY)}"
    new = tmp_path / f"routeboek.db.replaced-{int(now - 10 * DAY)}"
    for path in (old, new, Path(f"{old}-wal")):
        path.write_bytes(b"x")
    backups = tmp_path / "backups"
    backups.mkdir()
    old_backup, new_backup = backups / "routeboek-2024.db", backups / "routeboek-2026.db"
    for path in (old_backup, new_backup):
        path.write_bytes(b"x")
    os.utime(old_backup, (now - 400 * DAY, now - 400 * DAY))
    assert purge_files(tmp_path, store.path, 365, now) == 2
    assert not old.exists() and not Path(f"{old}-wal").exists() and not old_backup.exists()
    assert new.exists() and new_backup.exists() and store.path.exists()


def test_using_the_bot_counts_as_activity(kb: Knowledge, store: Store) -> None:
    engine = Engine(kb, store)
    store.save_profile(Profile("tg:1", "ib", "Den Haag", "vo"))
    long_ago = time.time() - 400 * DAY
    store.db.execute("UPDATE users SET created = ?, updated = ?", [long_ago, long_ago])
    store.db.execute("UPDATE dialogue SET updated = ?", [long_ago])
    engine.handle("tg:1", TextIn("wat doet een leerplichtambtenaar?"))
    assert purge(kb, store, Periods(), datetime.now(LOCAL_TIME)).users == 0
    assert store.profile("tg:1").gemeente == "Den Haag"


def test_privacy_names_the_periods_that_apply(kb: Knowledge, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.engine import Command

    monkeypatch.setenv("ROUTEBOEK_RETAIN_USER_DAYS", "200")
    monkeypatch.setenv("ROUTEBOEK_RETAIN_OPEN_CASE_DAYS", "90")
    (reply,) = Engine(kb, store).handle("tg:1", Command("privacy", ""))
    assert "90 dagen na de laatste termijn" in reply.text and "200 dagen zonder gebruik" in reply.text


async def test_the_bot_schedules_retention_daily(kb: Knowledge, store: Store, tmp_path: Path) -> None:
    from test_telegram_handlers import OfflineRequest

    from bot.telegram_app import build_application, install_retention

    engine = Engine(kb, store, clock=lambda: at(datetime(2026, 6, 1)))
    store.save_profile(Profile("tg:away", "mentor", "Rijswijk", "po"))
    store.db.execute("UPDATE users SET created = 0, updated = 0")
    app = build_application(engine, "1:TEST", rate_limit=False, request=OfflineRequest())
    install_retention(app, engine, tmp_path, Periods())
    assert app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name("retention")
    assert job.job.trigger.interval == timedelta(days=1)
    await job.callback(None)  # type: ignore[arg-type]
    assert store.export("tg:away") == {}

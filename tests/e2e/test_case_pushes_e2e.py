"""Messages the bot sends unasked, through the real adapter and the emulator on a controlled
clock: fixed-date reminders, late reminders after downtime, reminders moved out of a school
holiday, and a user who blocked the bot (the emulator answers 403 Forbidden)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest

from bot.content import load_content
from bot.engine import LOCAL_TIME, Engine
from bot.reminders import LATE_NOTE
from bot.storage import Profile, Store

INTERVAL = 0.1  # seconds between the reminder job's runs


class Clock:
    """A clock the test moves while the bot runs."""

    def __init__(self, *when: int) -> None:
        self.now = datetime(*when, tzinfo=LOCAL_TIME)  # type: ignore[misc]

    def set(self, *when: int) -> None:
        self.now = datetime(*when, tzinfo=LOCAL_TIME)  # type: ignore[misc]


@pytest.fixture(autouse=True)
def _fast_reminders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTEBOEK_REMINDER_INTERVAL", str(INTERVAL))


def shipped(path: Path, clock: Clock) -> Engine:
    return Engine(load_content(), Store(path), clock=lambda: clock.now)


async def some_runs() -> None:
    """Long enough for the reminder job to run a few times."""
    await asyncio.sleep(5 * INTERVAL)


async def test_a_fixed_date_reminder_comes_a_week_before_once_after_opting_in(start_bot, tmp_path: Path) -> None:
    clock = Clock(2026, 12, 1, 10)  # a Tuesday, two weeks before 15 December
    engine = shipped(tmp_path / "db.sqlite", clock)
    engine.store.save_profile(Profile("tg:1001", "ib", "Apeldoorn", "po"))
    async with start_bot(engine) as user:
        await user.send_command("/casus")
        overview = await user.reply()
        await user.press(overview.button("Vaste data: herinner mij"), overview)
        on = await user.reply()
        assert on.text and "een week voor elke vaste datum" in on.text
        await some_runs()
        assert await user.updates_for_user() == []  # not yet a week before
        clock.set(2026, 12, 8, 9)
        reminder = await user.reply()
        assert reminder.text and "Vaste datum: Telling thuiszitters" in reminder.text
        assert "Over 7 dagen, op 15-12-2026." in reminder.text and "Thuiszittersprotocol gemeente Apeldoorn" in reminder.text
        await some_runs()
        assert await user.updates_for_user() == []  # once
        await user.press(reminder.button("Vaste data: geen herinnering meer"), reminder)
        await user.reply()
    assert not engine.store.prefs("tg:1001").fixed_dates


async def test_after_downtime_the_newest_reminder_per_step_comes_late_and_out_of_the_holiday(
    start_bot, tmp_path: Path
) -> None:
    clock = Clock(2026, 11, 16, 9)  # a Monday: step 1's week reminder and the digest
    db = tmp_path / "db.sqlite"
    engine = shipped(db, clock)
    engine.store.save_profile(Profile("tg:1001", "ib", "Den Haag", "vo"))
    engine.store.add_case("tg:1001", "K7MX", "Den Haag", "vo", "2026-10-26")  # steps 1 and 2 end 21-12
    async with start_bot(engine) as user:
        first = await user.wait_for_messages(2)
        assert sum(bool(m.text and "Herinnering casus K7MX" in m.text) for m in first) == 1
    # Down from 17 November to 18 December (the Friday before the kerstvakantie): step 2's week
    # reminder (due from 14 December) was missed; its deadline reminder is due today.
    clock.set(2026, 12, 18, 9)
    async with start_bot(shipped(db, clock)) as user:
        messages = await user.wait_for_messages(2)
        await some_runs()
        messages += await user.updates_for_user()
    texts = [m.text or "" for m in messages]
    assert len(texts) == 2 and all("Herinnering casus K7MX" in t for t in texts)
    step1 = next(t for t in texts if "voor stap 1:" in t)
    step2 = next(t for t in texts if "voor stap 2:" in t)
    assert LATE_NOTE in step2 and LATE_NOTE not in step1
    for text in (step1, step2):  # sent on the last school day before the holiday, naming the day
        assert "Op 21-12-2026 (kerstvakantie) is de uiterste termijn" in text
        assert "Die dag valt in de kerstvakantie: daarom herinner ik je er nu al aan." in text


async def test_a_week_reminder_in_a_holiday_comes_on_the_last_school_day_before_it(
    start_bot, tmp_path: Path
) -> None:
    clock = Clock(2026, 12, 18, 9)  # Apeldoorn's step 2 ends 4-1-2027; a week before is in the holiday
    engine = shipped(tmp_path / "db.sqlite", clock)
    engine.store.save_profile(Profile("tg:1001", "ib", "Apeldoorn", "po"))
    engine.store.add_case("tg:1001", "P3RT", "Apeldoorn", "po", "2026-11-02")
    async with start_bot(engine) as user:
        reminder = await user.reply()
    assert reminder.text and "Over 17 dagen, op 4-1-2027, is stap 2: Het kernteam aan zet aan de beurt" in reminder.text
    assert "Een week vooraf valt in de kerstvakantie" in reminder.text and LATE_NOTE not in reminder.text


async def test_a_user_who_blocked_the_bot_is_marked_inactive_and_not_retried_until_they_write(
    start_bot, make_engine
) -> None:
    engine = make_engine(clock=lambda: datetime(2026, 11, 16, 9, 0, tzinfo=LOCAL_TIME))
    engine.store.save_profile(Profile("tg:1001", "ib", "Den Haag", "vo"))
    engine.store.add_case("tg:1001", "K7MX", "Den Haag", "vo", "2026-10-26")  # step 1 opens 23-11
    async with start_bot(engine) as user:
        await user.block()
        await user.wait_for_call("sendMessage")
        await some_runs()
        assert len(await user.calls("sendMessage")) == 1  # tried once, then left alone
        assert engine.store.prefs("tg:1001").inactive is not None
        await user.send_command("/casus")  # the user is back
        messages = await user.wait_for_messages(3)  # the answer, the reminder, the digest
        assert engine.store.prefs("tg:1001").inactive is None
        assert any(m.text and "Herinnering casus K7MX" in m.text for m in messages)


async def test_morgen_weer_brings_the_reminder_back_the_next_school_day_and_the_digest_turns_off(
    start_bot, tmp_path: Path
) -> None:
    clock = Clock(2026, 11, 16, 9)  # a Monday: step 1's week reminder and the digest
    engine = shipped(tmp_path / "db.sqlite", clock)
    engine.store.save_profile(Profile("tg:1001", "ib", "Den Haag", "vo"))
    engine.store.add_case("tg:1001", "K7MX", "Den Haag", "vo", "2026-10-26")
    async with start_bot(engine) as user:
        messages = await user.wait_for_messages(2)
        reminder = next(m for m in messages if m.text and "Herinnering casus K7MX" in m.text)
        digest = next(m for m in messages if m.text and "Weekoverzicht casussen, maandag 16-11-2026" in m.text)
        await user.press(digest.button("Weekoverzicht uit"), digest)
        off = await user.reply()
        assert off.text and "geen weekoverzicht meer" in off.text
        await user.press(reminder.button("Morgen weer"), reminder)
        put_off = await user.reply()
        assert put_off.text and "Op 17-11-2026 herinner ik je weer aan stap 1" in put_off.text
        await some_runs()
        assert await user.updates_for_user() == []  # not today
        clock.set(2026, 11, 17, 9)
        again = await user.reply()
        assert again.text and "Je vroeg me om je hier nog eens aan te herinneren" in again.text
        clock.set(2026, 11, 23, 9)  # the next Monday: no digest, it was turned off
        await some_runs()
        assert await user.updates_for_user() == []
    assert not engine.store.prefs("tg:1001").digest

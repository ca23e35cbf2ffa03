"""Following a case through the real Telegram adapter and the emulator, on the shipped content
and a fixed clock: the other sector of one's own gemeente in one press, a step taken on a typed
day moving every later deadline that counts from it (both of Apeldoorn's branches), closing and
reopening, a count past the school calendar named instead of guessed, and the Monday digest
with overdue cases first."""

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
        self.set(*when)

    def set(self, *when: int) -> None:
        self.now = datetime(*when, tzinfo=LOCAL_TIME)  # type: ignore[misc]


@pytest.fixture(autouse=True)
def _fast_reminders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTEBOEK_REMINDER_INTERVAL", str(INTERVAL))


async def some_runs() -> None:
    """Long enough for the reminder job to run a few times."""
    await asyncio.sleep(5 * INTERVAL)


def shipped(path: Path, clock: Clock) -> Engine:
    return Engine(load_content(), Store(path), clock=lambda: clock.now)


def due_line(card: str, step: str) -> str:
    """The 'Uiterlijk: ...' line under one step of a case card."""
    lines = card.splitlines()
    title = next(i for i, line in enumerate(lines) if line.startswith(f"<b>Stap {step}:"))
    return lines[title + 1]


async def test_a_typed_step_date_moves_both_branches_and_the_reminders_then_close_and_reopen(
    start_bot, tmp_path: Path
) -> None:
    clock = Clock(2026, 11, 20, 10)  # a Friday
    engine = shipped(tmp_path / "db.sqlite", clock)
    engine.store.save_profile(Profile("tg:1001", "ib", "Apeldoorn", "po"))
    async with start_bot(engine) as user:
        await user.send_command("/casus")
        overview = await user.reply()
        await user.press(overview.button("Nieuwe casus"), overview)
        question = await user.reply()
        assert question.text and "<b>Nieuwe casus</b> in Apeldoorn (PO)" in question.text
        await user.press(question.button("Apeldoorn VO"), question)  # the other sector: one press
        other = await user.reply()
        assert other.text and "<b>Nieuwe casus</b> in Apeldoorn (VO)" in other.text
        await user.send_message("5-10-2026")
        _, created = await user.wait_for_messages(2)  # the table's picture, then the case
        card = created.text or ""
        assert "Apeldoorn (VO)" in card and engine.store.cases("tg:1001")[0].sector == "vo"
        assert due_line(card, "2") == "Uiterlijk: 30-11-2026 ← volgende"
        assert due_line(card, "3a") == due_line(card, "3b") == "Uiterlijk: 11-1-2027"
        # Step 1 was taken a week after its deadline: the steps that count from it move, and
        # the card shows the planned and the actual date.
        await user.press(created.button("Stap 1 gezet"), created)
        when = await user.reply()
        assert when.text and "Wanneer is stap 1" in when.text
        await user.send_message("9-11-2026")
        _, taken = await user.wait_for_messages(2)
        card = taken.text or ""
        assert due_line(card, "1") == "Uiterlijk: 2-11-2026 (gezet op 9-11-2026)"
        assert due_line(card, "2") == "Uiterlijk: 7-12-2026 ← volgende"
        assert "(gerekend vanaf stap 1, gezet op 9-11-2026)" in card
        assert due_line(card, "3a") == due_line(card, "3b") == "Uiterlijk: 18-1-2027"
        # Closing stops the reminders; the case stays, and Heropenen brings them back.
        await user.press(taken.button("Afsluiten"), taken)
        _, closed = await user.wait_for_messages(2)
        assert closed.text and "Afgesloten op 20-11-2026: ik stuur geen herinneringen meer." in closed.text
        clock.set(2026, 11, 30, 9)  # a Monday, a week before step 2's moved deadline
        await some_runs()
        assert await user.updates_for_user() == []  # closed: no reminder, no digest
        await user.press(closed.button("Heropenen"), closed)
        # The picture and the reopened case, then (in a race with them) the week reminder for
        # the moved step 2 and the Monday digest.
        messages = await user.wait_for_messages(4)
        texts = [m.text or "" for m in messages]
        (reopened,) = [t for t in texts if t.startswith("<b>Casus ")]
        assert "Herinneringen: aan" in reopened and "Afgesloten" not in reopened
        (reminder,) = [t for t in texts if "Herinnering casus" in t]
        assert any("Weekoverzicht casussen, maandag 30-11-2026" in t for t in texts)
        assert "Over 7 dagen, op 7-12-2026, is stap 2: Het kernteam aan zet aan de beurt" in reminder
        assert LATE_NOTE not in reminder


async def test_a_count_past_the_school_calendar_is_named_not_guessed(start_bot, tmp_path: Path) -> None:
    clock = Clock(2027, 6, 25, 10)  # regio Midden's calendar ends on 29-8-2027
    engine = shipped(tmp_path / "db.sqlite", clock)
    engine.store.save_profile(Profile("tg:1001", "ib", "Apeldoorn", "po"))
    async with start_bot(engine) as user:
        await user.send_command("/casus")
        overview = await user.reply()
        await user.press(overview.button("Nieuwe casus"), overview)
        await user.reply()
        await user.send_message("1-6-2027")
        _, created = await user.wait_for_messages(2)
        card = created.text or ""
        assert due_line(card, "1") == "Uiterlijk: 22-6-2027 (voorbij)"
        assert due_line(card, "2") == "Uiterlijk: niet te berekenen"
        assert "Stap 2 telt schoolweken na het einde van de schoolkalender" in card
        await user.send_command("/casus")
        mine = await user.reply()
        assert mine.text and "niet te berekenen: de schoolkalender loopt tot 29-8-2027" in mine.text
        await some_runs()
        assert await user.updates_for_user() == []  # no date, so no reminder: never a guessed one


async def test_the_monday_digest_lists_open_cases_overdue_first(start_bot, tmp_path: Path) -> None:
    clock = Clock(2026, 11, 9, 7, 30)  # a Monday, before 8:00
    engine = shipped(tmp_path / "db.sqlite", clock)
    engine.store.save_profile(Profile("tg:1001", "ib", "Den Haag", "vo"))
    engine.store.add_case("tg:1001", "A2CD", "Den Haag", "vo", "2026-10-26")  # step 1 ends 21-12
    engine.store.add_case("tg:1001", "B3EF", "Den Haag", "vo", "2026-09-07")  # step 1 ended 2-11
    engine.store.set_closed(engine.store.add_case("tg:1001", "C4GH", "Den Haag", "vo", "2026-09-07"), "2026-11-02")
    async with start_bot(engine) as user:
        await some_runs()
        assert await user.updates_for_user() == []  # not before 8:00
        clock.set(2026, 11, 9, 8)
        pushed: list[str] = []
        while not any("Weekoverzicht" in t for t in pushed):  # a late reminder may come first
            pushed += [m.text or "" for m in await user.wait_for_messages(1)]
        await some_runs()
        pushed += [m.text or "" for m in await user.updates_for_user()]
        (text,) = [t for t in pushed if "Weekoverzicht" in t]
        assert "Weekoverzicht casussen, maandag 9-11-2026" in text
        assert text.index("Termijn voorbij") < text.index("Casus B3EF") < text.index("Volgende termijnen")
        assert text.index("Volgende termijnen") < text.index("Casus A2CD") and "C4GH" not in text
        assert "uiterlijk 21-12-2026 (kerstvakantie)" in text
        clock.set(2026, 11, 9, 12)
        await some_runs()
        assert await user.updates_for_user() == []  # once a week

"""Cases through the real Telegram adapter and the local Bot API emulator: a step taken with
its date, and the agenda file sent as a document whose events keep their UIDs."""

from __future__ import annotations

from datetime import datetime

import pytest
from icalendar import Calendar

from bot.engine import LOCAL_TIME
from bot.storage import Profile


def _uids(ics: str) -> dict[str, str]:
    return {str(e["uid"]): str(e["summary"]) for e in Calendar.from_ical(ics).walk("VEVENT")}


async def test_a_step_taken_today_and_the_agenda_file(start_bot, make_engine, steps) -> None:
    async with start_bot(make_engine()) as user:
        await steps.onboard(user)
        _, _, created = await steps.new_case_today(user)
        await user.press(created.button("Zet in agenda"), created)
        text, document = await user.wait_for_messages(2)
        assert text.text and "agendabestand" in text.text
        assert document.raw["document"]["file_name"].endswith(".ics")
        (sent,) = await user.calls("sendDocument")
        before = _uids(sent.params["document"]["text"])
        assert before and all("uiterste termijn stap" in s for s in before.values())
        # 'Stap 1 gezet' asks when; 'Vandaag' takes it; the new file moves the same events.
        await user.press(created.button("Stap 1 gezet"), created)
        when = await user.reply()
        assert when.text and "Wanneer is stap 1" in when.text
        await user.press(when.button("Vandaag"), when)
        _, taken = await user.wait_for_messages(2)
        assert taken.text and "(gezet op " in taken.text
        await user.press(taken.button("Zet in agenda"), taken)
        await user.wait_for_messages(2)
        after = _uids((await user.calls("sendDocument"))[1].params["document"]["text"])
        assert set(after) == set(before) and any("gezet op" in s for s in after.values())


async def test_a_pushed_reminder_is_put_off_and_the_case_closed(
    start_bot, make_engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROUTEBOEK_REMINDER_INTERVAL", "0.2")
    monday = datetime(2026, 11, 16, 9, 0, tzinfo=LOCAL_TIME)
    engine = make_engine(clock=lambda: monday)
    engine.store.save_profile(Profile("tg:1001", "ib", "Den Haag", "vo"))
    engine.store.add_case("tg:1001", "K7MX", "Den Haag", "vo", "2026-10-26")  # step 1 opens 23-11
    async with start_bot(engine) as user:
        messages = await user.wait_for_messages(2)  # the reminder, then the Monday digest
        reminder = next(m for m in messages if m.text and "Herinnering casus K7MX" in m.text)
        assert any(m.text and "Weekoverzicht casussen" in m.text for m in messages)
        labels = [label for label, _ in reminder.buttons]
        assert labels[:3] == ["Stap 1 gezet", "Morgen weer", "Over een week"]
        await user.press(reminder.button("Over een week"), reminder)
        put_off = await user.reply()
        assert put_off.text and "Op 23-11-2026 herinner ik je weer aan stap 1" in put_off.text
        await user.press(put_off.button("Bekijk casus"), put_off)
        _, shown = await user.wait_for_messages(2)
        await user.press(shown.button("Afsluiten"), shown)
        _, closed = await user.wait_for_messages(2)
        assert closed.text and "Afgesloten op 16-11-2026" in closed.text
        assert [label for label, _ in closed.buttons][:2] == ["Heropenen", "Verwijderen"]
    assert engine.due_reminders() == []

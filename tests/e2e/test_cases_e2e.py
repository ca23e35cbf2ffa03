"""Cases through the real Telegram adapter and the local Bot API emulator: a step taken with
its date, and the agenda file sent as a document whose events keep their UIDs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.content import load_content
from bot.engine import LOCAL_TIME, Engine
from bot.storage import Profile, Store


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
    assert engine.outbox.due_reminders() == []


async def test_a_typed_step_date_a_holiday_deadline_the_other_sector_and_deleting(
    start_bot, tmp_path: Path
) -> None:
    """On the shipped content and a fixed clock: Den Haag PO has no table, so VO is one press; a
    first day in the future is asked about; a deadline in the kerstvakantie says so; a step
    taken on a typed day moves the clock; Verwijderen removes the case at once."""
    friday = datetime(2026, 11, 20, 10, 0, tzinfo=LOCAL_TIME)
    engine = Engine(load_content(), Store(tmp_path / "db.sqlite"), clock=lambda: friday)
    engine.store.save_profile(Profile("tg:1001", "ib", "Den Haag", "po"))
    async with start_bot(engine) as user:
        await user.send_command("/casus")
        overview = await user.reply()
        await user.press(overview.button("Nieuwe casus"), overview)
        refused = await user.reply()
        assert refused.text and "Voor Den Haag (PO) staat geen opschalingstabel" in refused.text
        await user.press(refused.button("Den Haag VO"), refused)
        question = await user.reply()
        assert question.text and "<b>Nieuwe casus</b> in Den Haag (VO)" in question.text
        await user.send_message("1-12-2026")
        future = await user.reply()
        assert future.text and "1-12-2026 ligt in de toekomst" in future.text and engine.store.cases("tg:1001") == []
        assert "Ja, klopt" in [label for label, _ in future.buttons]
        await user.send_message("26-10-2026")
        _, created = await user.wait_for_messages(2)
        assert created.text and "23-11-2026 tot 21-12-2026 (kerstvakantie)" in created.text
        await user.press(created.button("Stap 1 gezet"), created)
        when = await user.reply()
        assert when.text and "Wanneer is stap 1" in when.text
        await user.send_message("10-11-2026")
        _, taken = await user.wait_for_messages(2)
        assert taken.text and "(gezet op 10-11-2026)" in taken.text
        assert engine.store.cases("tg:1001")[0].done == {"1": "2026-11-10"}
        await user.press(taken.button("Verwijderen"), taken)
        confirm = await user.reply()
        await user.press(confirm.button("Ja, verwijder"), confirm)
        deleted = await user.reply()
        assert deleted.text and "is verwijderd" in deleted.text
    assert engine.store.cases("tg:1001") == []

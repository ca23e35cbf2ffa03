"""Cases through the real Telegram adapter and the local Bot API emulator: a step taken with
its date, and the agenda file sent as a document whose events keep their UIDs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from emulator import Emulator
from icalendar import Calendar
from test_bot_e2e import button, emu, make_engine, onboard, reply, running

from bot.content import load_content
from bot.engine import LOCAL_TIME, Engine
from bot.storage import Profile, Store

__all__ = ["emu", "make_engine"]  # the fixtures, shared with the other end-to-end tests


def _uids(ics: str) -> dict[str, str]:
    return {str(e["uid"]): str(e["summary"]) for e in Calendar.from_ical(ics).walk("VEVENT")}


async def test_a_step_taken_today_and_the_agenda_file(emu: Emulator, make_engine) -> None:  # type: ignore[no-untyped-def]
    async with running(emu, make_engine()) as user:
        await onboard(user)
        await user.send_command("/casus")
        overview = await reply(user)
        await user.press(button(overview, "Nieuwe casus"), overview)
        question = await reply(user)
        await user.press(button(question, "Vandaag"), question)
        _, created = await user.wait_for_messages(2)
        await user.press(button(created, "Zet in agenda"), created)
        text, document = await user.wait_for_messages(2)
        assert text.text and "agendabestand" in text.text
        assert document.raw["document"]["file_name"].endswith(".ics")
        (sent,) = await user.calls("sendDocument")
        before = _uids(sent.params["document"]["text"])
        assert before and all("uiterste termijn stap" in s for s in before.values())
        # 'Stap 1 gezet' asks when; 'Vandaag' takes it; the new file moves the same events.
        await user.press(button(created, "Stap 1 gezet"), created)
        when = await reply(user)
        assert when.text and "Wanneer is stap 1" in when.text
        await user.press(button(when, "Vandaag"), when)
        _, taken = await user.wait_for_messages(2)
        assert taken.text and "(gezet op " in taken.text
        await user.press(button(taken, "Zet in agenda"), taken)
        await user.wait_for_messages(2)
        after = _uids((await user.calls("sendDocument"))[1].params["document"]["text"])
        assert set(after) == set(before) and any("gezet op" in s for s in after.values())


async def test_a_pushed_reminder_is_put_off_and_the_case_closed(
    emu: Emulator, content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROUTEBOEK_REMINDER_INTERVAL", "0.2")
    monday = datetime(2026, 11, 16, 9, 0, tzinfo=LOCAL_TIME)
    engine = Engine(load_content(content_dir), Store(tmp_path / "db.sqlite"), clock=lambda: monday)
    engine.store.save_profile(Profile("tg:1001", "ib", "Den Haag", "vo"))
    engine.store.add_case("tg:1001", "K7MX", "Den Haag", "vo", "2026-10-26")  # step 1 opens 23-11
    async with running(emu, engine) as user:
        messages = await user.wait_for_messages(2)  # the reminder, then the Monday digest
        reminder = next(m for m in messages if m.text and "Herinnering casus K7MX" in m.text)
        assert any(m.text and "Weekoverzicht casussen" in m.text for m in messages)
        labels = [label for label, _ in reminder.buttons]
        assert labels[:3] == ["Stap 1 gezet", "Morgen weer", "Over een week"]
        await user.press(button(reminder, "Over een week"), reminder)
        put_off = await reply(user)
        assert put_off.text and "Op 23-11-2026 herinner ik je weer aan stap 1" in put_off.text
        await user.press(button(put_off, "Bekijk casus"), put_off)
        _, shown = await user.wait_for_messages(2)
        await user.press(button(shown, "Afsluiten"), shown)
        _, closed = await user.wait_for_messages(2)
        assert closed.text and "Afgesloten op 16-11-2026" in closed.text
        assert [label for label, _ in closed.buttons][:2] == ["Heropenen", "Verwijderen"]
    assert engine.due_reminders() == []


async def test_a_typed_step_date_a_holiday_deadline_the_other_sector_and_deleting(
    emu: Emulator, tmp_path: Path
) -> None:
    """On the shipped content and a fixed clock: Den Haag PO has no table, so VO is one press; a
    first day in the future is asked about; a deadline in the kerstvakantie says so; a step
    taken on a typed day moves the clock; Verwijderen removes the case at once."""
    friday = datetime(2026, 11, 20, 10, 0, tzinfo=LOCAL_TIME)
    engine = Engine(load_content(), Store(tmp_path / "db.sqlite"), clock=lambda: friday)
    engine.store.save_profile(Profile("tg:1001", "ib", "Den Haag", "po"))
    async with running(emu, engine) as user:
        await user.send_command("/casus")
        overview = await reply(user)
        await user.press(button(overview, "Nieuwe casus"), overview)
        refused = await reply(user)
        assert refused.text and "Voor Den Haag (PO) staat geen opschalingstabel" in refused.text
        await user.press(button(refused, "Den Haag VO"), refused)
        question = await reply(user)
        assert question.text and "<b>Nieuwe casus</b> in Den Haag (VO)" in question.text
        await user.send_message("1-12-2026")
        future = await reply(user)
        assert future.text and "1-12-2026 ligt in de toekomst" in future.text and engine.store.cases("tg:1001") == []
        assert "Ja, klopt" in [label for label, _ in future.buttons]
        await user.send_message("26-10-2026")
        _, created = await user.wait_for_messages(2)
        assert created.text and "23-11-2026 tot 21-12-2026 (kerstvakantie)" in created.text
        await user.press(button(created, "Stap 1 gezet"), created)
        when = await reply(user)
        assert when.text and "Wanneer is stap 1" in when.text
        await user.send_message("10-11-2026")
        _, taken = await user.wait_for_messages(2)
        assert taken.text and "(gezet op 10-11-2026)" in taken.text
        assert engine.store.cases("tg:1001")[0].done == {"1": "2026-11-10"}
        await user.press(button(taken, "Verwijderen"), taken)
        confirm = await reply(user)
        await user.press(button(confirm, "Ja, verwijder"), confirm)
        deleted = await reply(user)
        assert deleted.text and "is verwijderd" in deleted.text
    assert engine.store.cases("tg:1001") == []

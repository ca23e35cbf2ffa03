"""Cases through the real Telegram adapter and the local Bot API emulator: a step taken with
its date, and the agenda file sent as a document whose events keep their UIDs."""

from __future__ import annotations

from emulator import Emulator
from icalendar import Calendar
from test_bot_e2e import button, emu, make_engine, onboard, reply, running

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

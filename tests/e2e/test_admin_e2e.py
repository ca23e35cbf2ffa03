"""Admins through the real Telegram adapter and the Bot API emulator: the admin's own menu,
/stats as text and chart, a non-admin's "unknown command", and a broadcast that reaches a user
once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from emulator import BotMessage, Emulator, polling, unavailable_reason

from bot.content import load_content
from bot.engine import Engine
from bot.storage import Store
from bot.telegram_app import build_application

_reason = unavailable_reason()
if _reason:
    pytest.skip(f"Telegram emulator not available: {_reason}", allow_module_level=True)

ADMIN_ID = 2001
USER_ID = 1001


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


def button(message: BotMessage, label: str) -> str:
    for text, data in message.buttons:
        if text == label and data:
            return data
    raise AssertionError(f"no button {label!r} in {message.buttons}")


async def test_admin_stats_and_broadcast_and_a_non_admin_sees_an_unknown_command(
    emu: Emulator, content_dir: Path, tmp_path: Path
) -> None:
    engine = Engine(load_content(content_dir), Store(tmp_path / "routeboek.db"), admins=frozenset({f"tg:{ADMIN_ID}"}))
    token = emu.new_token()
    async with polling(build_application(engine, token, api_url=emu.base_url)):
        user = emu.client(token, user_id=USER_ID)
        admin = emu.client(token, user_id=ADMIN_ID, first_name="Beheer", username="beheer")
        # The admin's chat has a menu of its own with the admin commands; the general one has none.
        menus = await user.calls("setMyCommands")
        own = [c for c in menus if c.params["scope"] == {"type": "chat", "chat_id": ADMIN_ID}]
        assert own and "stats" in [c["command"] for c in own[0].params["commands"]]
        general = [c["command"] for c in menus[0].params["commands"]]
        assert not {"stats", "reload", "broadcast", "feedback"} & set(general)

        # A user: onboarding, a question, then /stats is unknown to them, word for word.
        await user.send_command("/start")
        role = (await user.wait_for_messages(1))[-1]
        await user.press(button(role, "Mentor of leerkracht"), role)
        gemeente = (await user.wait_for_messages(1))[-1]
        await user.press(button(gemeente, "Den Haag"), gemeente)
        await user.wait_for_messages(1)
        await user.send_message("wie voert het gesprek met ouders over het verzuim?")
        answer = (await user.wait_for_messages(1))[-1]
        assert ("👍", button(answer, "👍")) in answer.buttons
        await user.send_command("/stats")
        unknown = (await user.wait_for_messages(1))[-1]
        assert unknown.text and unknown.text.startswith("Het commando /stats ken ik niet.")
        await user.send_command("/bestaatniet")
        other = (await user.wait_for_messages(1))[-1]
        assert other.text == unknown.text.replace("/stats", "/bestaatniet")

        # The admin: /stats as a chart picture and as text.
        await admin.send_command("/stats")
        stats = await admin.wait_for_messages(2)
        assert stats[-2].has_photo
        assert stats[-1].text and "Vragen beantwoord: 1" in stats[-1].text and "Den Haag 1" in stats[-1].text

        # A broadcast: previewed, confirmed, delivered to the one user, once.
        await admin.send_command("/broadcast alle: Het loket is verhuisd.")
        preview = (await admin.wait_for_messages(1))[-1]
        await admin.press(button(preview, "Versturen aan 1"), preview)
        await admin.wait_for_messages(1)
        update = (await user.wait_for_messages(1, timeout=15))[-1]
        assert update.text and "Het loket is verhuisd." in update.text
        assert ("Geen berichten over wijzigingen", button(update, "Geen berichten over wijzigingen")) in update.buttons
        assert await user.updates_for_user(wait=3) == []  # never twice

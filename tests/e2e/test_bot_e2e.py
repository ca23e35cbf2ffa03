"""The real Telegram adapter (our Application, not a mock) against the local Bot API emulator."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from emulator import BotMessage, Client, Emulator, polling, unavailable_reason

from bot.content import load_content
from bot.engine import Engine
from bot.storage import Store
from bot.telegram_app import build_application

_reason = unavailable_reason()
if _reason:
    pytest.skip(f"Telegram emulator not available: {_reason}", allow_module_level=True)


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def make_engine(content_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    db = tmp_path / "routeboek.db"

    def make() -> Engine:
        return Engine(load_content(content_dir), Store(db))

    return make


def button(message: BotMessage, label: str) -> str:
    for text, data in message.buttons:
        if text == label and data:
            return data
    raise AssertionError(f"no button {label!r} in {message.buttons}")


@contextlib.asynccontextmanager
async def running(emu: Emulator, engine: Engine, token: str | None = None) -> AsyncIterator[Client]:
    """Our Application polling the emulator; yields a user talking to it."""
    token = token or emu.new_token()
    async with polling(build_application(engine, token, api_url=emu.base_url)):
        yield emu.client(token)


async def reply(user: Client, count: int = 1) -> BotMessage:
    """The last of the next `count` messages the bot sends."""
    messages = await user.wait_for_messages(count)
    return messages[-1]


async def onboard(user: Client) -> None:
    await user.send_command("/start")
    role = await reply(user)
    assert role.text and "Wat is je rol?" in role.text
    await user.press(button(role, "Mentor of leerkracht"), role)
    gemeente = await reply(user)
    await user.press(button(gemeente, "Den Haag"), gemeente)
    done = await reply(user)
    assert done.text and "Den Haag (VO)" in done.text


async def test_onboarding_question_and_menu(emu: Emulator, make_engine) -> None:  # type: ignore[no-untyped-def]
    async with running(emu, make_engine()) as user:
        await onboard(user)
        # The command menu and descriptions were set at start-up.
        commands = await user.calls("setMyCommands")
        assert len(commands) == 2
        names = [c["command"] for c in commands[0].params["commands"]]
        assert names[:3] == ["start", "help", "route"] and "casus" in names
        assert commands[0].params["scope"] == {"type": "all_private_chats"}
        # Groups get a short menu: nothing there shows or stores a user's own data.
        group = [c["command"] for c in commands[1].params["commands"]]
        assert commands[1].params["scope"] == {"type": "all_group_chats"}
        assert "opschaling" in group and not {"casus", "mijngegevens", "vergeet"} & set(group)
        assert await user.calls("setMyDescription")
        # A free-text question: answered in HTML, with the source.
        await user.send_message("wie voert het gesprek met ouders over het verzuim?")
        answer = await reply(user)
        assert answer.parse_mode == "HTML" or answer.text
        assert answer.text and "Gesprek met ouders" in answer.text and "Bron" in answer.text
        # Every button press was answered.
        assert len(await user.calls("answerCallbackQuery")) == 2


async def test_walk_through_escalation_picture_and_bad_input(emu: Emulator, make_engine) -> None:  # type: ignore[no-untyped-def]
    async with running(emu, make_engine()) as user:
        await onboard(user)
        await user.send_command("/route")
        routes = await reply(user)
        await user.press(button(routes, "Testroute"), routes)
        question = await reply(user)
        assert question.text and "vraag 1" in question.text
        await user.press(button(question, "Nee"), question)
        end = await reply(user)
        assert end.text and "Niet ingeschreven" in end.text and "Leerplicht" in end.text
        # The same old question pressed again: a friendly answer, no crash.
        await user.press(button(question, "Ja"), question)
        stale = await user.wait_for_messages(2)
        assert any(m.text and "eerdere stap" in m.text for m in stale)
        # A forged button.
        await user.press("on:g:9999", end, forged=True)
        forged = await reply(user)
        assert forged.text and "verouderd" in forged.text
        # /opschaling: a picture of the table, then the text.
        await user.send_command("/opschaling")
        messages = await user.wait_for_messages(2)
        assert messages[-2].has_photo and messages[-1].text and "Stap 1" in messages[-1].text
        first = (await user.calls("sendPhoto"))[0].params["photo"]
        assert first["size"] > 1000
        # Asked again: the picture Telegram already has is sent by its file_id, not uploaded.
        await user.send_command("/opschaling")
        again = await user.wait_for_messages(2)
        assert again[-2].has_photo
        uploaded = again[-2].raw["photo"][0]["file_id"]
        assert (
            (await user.calls("sendPhoto"))[1].params["photo"]
            == uploaded
            == messages[-2].raw["photo"][0]["file_id"]
        )
        # A 5000-character message: a clear answer, not a crash.
        await user.send_message("x" * 5000)
        too_long = await reply(user)
        assert too_long.text and "te lang" in too_long.text


async def test_a_case_is_registered_by_presses_and_shown_with_its_timeline(
    emu: Emulator, make_engine
) -> None:  # type: ignore[no-untyped-def]
    async with running(emu, make_engine()) as user:
        await onboard(user)
        await user.send_command("/casus")
        overview = await reply(user)
        await user.press(button(overview, "Nieuwe casus"), overview)
        question = await reply(user)
        assert question.text and "eerste dag" in question.text
        await user.press(button(question, "Vandaag"), question)
        picture, created = await user.wait_for_messages(2)
        assert picture.has_photo and picture.caption and picture.caption.startswith("Termijnen casus ")
        code = picture.caption.removeprefix("Termijnen casus ")
        assert created.text and f"Casus <b>{code}</b> is aangemaakt" in created.text
        # Switched off from the case itself; the keyboard then offers to switch it on again.
        await user.press(button(created, "Herinneringen uit"), created)
        _, shown = await user.wait_for_messages(2)
        assert shown.text and "Herinneringen: uit" in shown.text
        assert "Herinneringen aan" in [label for label, _ in shown.buttons]


async def test_commands_in_a_group_for_another_bot_are_ignored(emu: Emulator, make_engine) -> None:  # type: ignore[no-untyped-def]
    token = emu.new_token()
    async with running(emu, make_engine(), token) as user:
        group = emu.client(token, chat_id=-100_501)
        await group.send_command("/help@some_other_bot")
        await group.send_command(f"/help@test_{token.split(':')[0]}_bot")
        (help_message,) = await group.wait_for_messages(1)
        assert help_message.text and "Wat kan ik?" in help_message.text
        assert await group.updates_for_user(wait=0.3) == []  # nothing for the other bot's command
        # An argument on the next line, as a phone's keyboard may put it.
        await onboard(user)
        await user.send_command("/opschaling\nRijswijk")
        shown = await reply(user)
        assert shown.text and "ken ik niet" not in shown.text and "Rijswijk" in shown.text


async def test_a_walk_through_edits_its_message_and_answers_stay(emu: Emulator, make_engine) -> None:  # type: ignore[no-untyped-def]
    async with running(emu, make_engine()) as user:
        await onboard(user)
        await user.send_command("/route")
        routes = await reply(user)
        await user.press(button(routes, "Testroute"), routes)
        question = await reply(user)
        assert question.edited and question.message_id == routes.message_id
        await user.press(button(question, "Nee"), question)
        end = await reply(user)
        assert end.edited and end.message_id == routes.message_id
        assert end.text and "Niet ingeschreven" in end.text
        # "Menu" under the outcome: a new message, the outcome stays readable in the chat.
        await user.press(button(end, "Menu"), end)
        menu = await reply(user)
        assert not menu.edited and menu.message_id != end.message_id
        kept = [m for m in await user.bot_messages() if m.message_id == end.message_id]
        assert kept[0].text and "Niet ingeschreven" in kept[0].text


async def test_inline_query_returns_articles_with_source(emu: Emulator, make_engine) -> None:  # type: ignore[no-untyped-def]
    async with running(emu, make_engine()) as user:
        results = await user.inline_answer(await user.inline_query("zorgwekkend ziekteverzuim jgz"))
        assert results and results[0]["type"] == "article"
        assert "Testroutebook" in results[0]["description"]
        assert "JGZ" in results[0]["input_message_content"]["message_text"]


async def test_restart_in_the_middle_of_a_walk_through(emu: Emulator, make_engine) -> None:  # type: ignore[no-untyped-def]
    token = emu.new_token()
    async with running(emu, make_engine(), token) as user:
        await onboard(user)
        await user.send_command("/route")
        routes = await reply(user)
        await user.press(button(routes, "Testroute"), routes)
        question = await reply(user)
    # The user answers while the bot is down; a new process (new engine and application on the
    # same database) must still get that press: pending updates are not dropped at start.
    await user.press(button(question, "Ja"), question)
    async with running(emu, make_engine(), token):
        end = await reply(user)
        assert end.text and "Ingeschreven" in end.text


async def test_webhook_mode_checks_secret_and_serves_health(emu: Emulator, make_engine) -> None:  # type: ignore[no-untyped-def]
    import asyncio
    import socket
    import time

    import httpx

    from bot.webhook import serve_webhook

    token = emu.new_token()
    app = build_application(make_engine(), token, api_url=emu.base_url)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    stop = asyncio.Event()
    server = asyncio.create_task(
        serve_webhook(
            app, "https://example.invalid", "s3cret", port, {"sections": 2}, "127.0.0.1", False, stop
        )
    )
    base = f"http://127.0.0.1:{port}"
    user = emu.client(token)
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": user.chat_id, "type": "private"},
            "from": user.user,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(50):
                try:
                    health = await http.get(f"{base}/healthz")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            assert health.status_code == 200 and health.json()["status"] == "ok"
            wrong = await http.post(
                f"{base}/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
            )
            assert wrong.status_code == 403
            bad = await http.post(
                f"{base}/telegram",
                content=b"{not json",
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"},
            )
            assert bad.status_code == 400
            right = await http.post(
                f"{base}/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
            )
            assert right.status_code == 200
        welcome = await reply(user)
        assert welcome.text and "Wat is je rol?" in welcome.text
    finally:
        stop.set()
        await server

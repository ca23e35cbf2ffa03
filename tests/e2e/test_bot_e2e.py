"""The real Telegram adapter (our Application, not a mock) against the local Bot API emulator."""

from __future__ import annotations

from emulator import Emulator, free_port

from bot.telegram_app import build_application


async def test_onboarding_question_and_menu(start_bot, make_engine, steps) -> None:
    async with start_bot(make_engine()) as user:
        await steps.onboard(user)
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
        answer = await user.reply()
        assert answer.parse_mode == "HTML" or answer.text
        assert answer.text and "Gesprek met ouders" in answer.text and "Bron" in answer.text
        # Every button press was answered.
        assert len(await user.calls("answerCallbackQuery")) == 2


async def test_walk_through_escalation_picture_and_bad_input(start_bot, make_engine, steps) -> None:
    async with start_bot(make_engine()) as user:
        await steps.onboard(user)
        _, question = await steps.open_route(user)
        await user.press(question.button("Nee"), question)
        end = await user.reply()
        assert end.text and "Niet ingeschreven" in end.text and "Leerplicht" in end.text
        # The same old question pressed again: a friendly answer, no crash.
        await user.press(question.button("Ja"), question)
        stale = await user.wait_for_messages(2)
        assert any(m.text and "eerdere stap" in m.text for m in stale)
        # A forged button.
        await user.press("on:g:9999", end, forged=True)
        forged = await user.reply()
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
        too_long = await user.reply()
        assert too_long.text and "te lang" in too_long.text


async def test_a_case_is_registered_by_presses_and_shown_with_its_timeline(start_bot, make_engine, steps) -> None:
    async with start_bot(make_engine()) as user:
        await steps.onboard(user)
        _, picture, created = await steps.new_case_today(user)
        assert picture.has_photo and picture.caption and picture.caption.startswith("Termijnen casus ")
        code = picture.caption.removeprefix("Termijnen casus ")
        assert created.text and f"Casus <b>{code}</b> is aangemaakt" in created.text
        # Switched off from the case itself; the keyboard then offers to switch it on again.
        await user.press(created.button("Herinneringen uit"), created)
        _, shown = await user.wait_for_messages(2)
        assert shown.text and "Herinneringen: uit" in shown.text
        assert "Herinneringen aan" in [label for label, _ in shown.buttons]


async def test_commands_in_a_group_for_another_bot_are_ignored(emu: Emulator, start_bot, make_engine, steps) -> None:
    token = emu.new_token()
    async with start_bot(make_engine(), token) as user:
        group = emu.client(token, chat_id=-100_501)
        await group.send_command("/help@some_other_bot")
        asked = await group.send_command(f"/help@test_{token.split(':')[0]}_bot")
        (help_message,) = await group.wait_for_messages(1)
        assert help_message.text and "Wat kan ik?" in help_message.text
        # The answer quotes the question, so the group sees which one it answers.
        (sent,) = await group.calls("sendMessage")
        assert sent.params["reply_parameters"]["message_id"] == asked
        assert await group.updates_for_user(wait=0.3) == []  # nothing for the other bot's command
        # An argument on the next line, as a phone's keyboard may put it.
        await steps.onboard(user)
        await user.send_command("/opschaling\nRijswijk")
        shown = await user.reply()
        assert shown.text and "ken ik niet" not in shown.text and "Rijswijk" in shown.text


async def test_a_walk_through_edits_its_message_and_answers_stay(start_bot, make_engine, steps) -> None:
    async with start_bot(make_engine()) as user:
        await steps.onboard(user)
        routes, question = await steps.open_route(user)
        assert question.edited and question.message_id == routes.message_id
        await user.press(question.button("Nee"), question)
        end = await user.reply()
        assert end.edited and end.message_id == routes.message_id
        assert end.text and "Niet ingeschreven" in end.text
        # "Menu" under the outcome: a new message, the outcome stays readable in the chat.
        await user.press(end.button("Menu"), end)
        menu = await user.reply()
        assert not menu.edited and menu.message_id != end.message_id
        kept = [m for m in await user.bot_messages() if m.message_id == end.message_id]
        assert kept[0].text and "Niet ingeschreven" in kept[0].text


async def test_inline_query_returns_articles_with_source(start_bot, make_engine) -> None:
    async with start_bot(make_engine()) as user:
        results = await user.inline_answer(await user.inline_query("zorgwekkend ziekteverzuim jgz"))
        assert results and results[0]["type"] == "article"
        assert "Testroutebook" in results[0]["description"]
        assert "JGZ" in results[0]["input_message_content"]["message_text"]


async def test_restart_in_the_middle_of_a_walk_through(emu: Emulator, start_bot, make_engine, steps) -> None:
    token = emu.new_token()
    async with start_bot(make_engine(), token) as user:
        await steps.onboard(user)
        _, question = await steps.open_route(user)
    # The user answers while the bot is down; a new process (new engine and application on the
    # same database) must still get that press: pending updates are not dropped at start.
    await user.press(question.button("Ja"), question)
    async with start_bot(make_engine(), token):
        end = await user.reply()
        assert end.text and "Ingeschreven" in end.text


async def test_webhook_mode_checks_secret_and_serves_health(emu: Emulator, make_engine) -> None:
    import asyncio
    import time

    import httpx

    from bot.webhook import serve_webhook

    token = emu.new_token()
    app = build_application(make_engine(), token, api_url=emu.base_url)
    port = free_port()
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
        welcome = await user.reply()
        assert welcome.text and "Wat is je rol?" in welcome.text
    finally:
        stop.set()
        await server


async def test_a_deep_link_takes_a_new_user_through_onboarding_to_its_walk_through(start_bot, make_engine) -> None:
    async with start_bot(make_engine()) as user:
        await user.send_command("/start route-testflow")  # t.me/<bot>?start=route-testflow
        role = await user.reply()
        assert role.text and "Wat is je rol?" in role.text
        await user.press(role.button("Mentor of leerkracht"), role)
        gemeente = await user.reply()
        await user.press(gemeente.button("Den Haag"), gemeente)
        done, step = sorted(await user.wait_for_messages(2), key=lambda m: m.message_id)
        assert done.text and "Den Haag (VO)" in done.text
        assert step.text and "Is de leerling ingeschreven?" in step.text and not step.edited
        # A user with a profile lands at once.
        await user.send_command("/start opschaling-den-haag")
        picture, table = await user.wait_for_messages(2)
        assert picture.has_photo and picture.caption == "Opschaling Den Haag (VO)"
        assert table.text and "Intercollegiale afstemming" in table.text

"""Admins through the real Telegram adapter and the Bot API emulator: the admin's own menu,
/stats as text and chart, a non-admin's "unknown command", and a broadcast that reaches a user
once."""

from __future__ import annotations

from emulator import Emulator

ADMIN_ID = 2001
USER_ID = 1001


async def test_admin_stats_and_broadcast_and_a_non_admin_sees_an_unknown_command(
    emu: Emulator, start_bot, make_engine, steps
) -> None:
    engine = make_engine(admins=frozenset({f"tg:{ADMIN_ID}"}))
    async with start_bot(engine, user_id=USER_ID) as user:
        admin = emu.client(user.token, user_id=ADMIN_ID, first_name="Beheer", username="beheer")
        # The admin's chat has a menu of its own with the admin commands; the general one has none.
        menus = await user.calls("setMyCommands")
        own = [c for c in menus if c.params["scope"] == {"type": "chat", "chat_id": ADMIN_ID}]
        assert own and "stats" in [c["command"] for c in own[0].params["commands"]]
        general = [c["command"] for c in menus[0].params["commands"]]
        assert not {"stats", "reload", "broadcast", "feedback"} & set(general)

        # A user: onboarding, a question, then /stats is unknown to them, word for word.
        await steps.onboard(user)
        await user.send_message("wie voert het gesprek met ouders over het verzuim?")
        answer = await user.reply()
        assert ("👍", answer.button("👍")) in answer.buttons
        await user.send_command("/stats")
        unknown = await user.reply()
        assert unknown.text and unknown.text.startswith("Het commando /stats ken ik niet.")
        await user.send_command("/bestaatniet")
        other = await user.reply()
        assert other.text == unknown.text.replace("/stats", "/bestaatniet")

        # The admin: /stats as a chart picture and as text.
        await admin.send_command("/stats")
        stats = await admin.wait_for_messages(2)
        assert stats[-2].has_photo
        assert stats[-1].text and "Vragen beantwoord: 1" in stats[-1].text and "Den Haag 1" in stats[-1].text

        # A broadcast: previewed, confirmed, delivered to the one user, once.
        await admin.send_command("/broadcast alle: Het loket is verhuisd.")
        preview = await admin.reply()
        await admin.press(preview.button("Versturen aan 1"), preview)
        await admin.wait_for_messages(1)
        update = await user.reply(timeout=15)
        assert update.text and "Het loket is verhuisd." in update.text
        assert ("Geen berichten over wijzigingen", update.button("Geen berichten over wijzigingen")) in update.buttons
        assert await user.updates_for_user(wait=3) == []  # never twice

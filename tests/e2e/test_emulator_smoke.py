"""Smoke test of the e2e wiring: a real PTB Application (a tiny echo bot, not ours) polling the
local Telegram Bot API emulator, driven by the emulator's user-side Client."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator

import httpx
import pytest
from emulator import AnyApplication, Client, Emulator, polling
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# -- the bot under test: small, but touching every kind of call the emulator has to handle ----
async def post_init(app: AnyApplication) -> None:
    await app.bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("photo", "Een foto")])


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Optie A", callback_data="pick:a"),
                InlineKeyboardButton("Optie B", callback_data="pick:b"),
            ]
        ]
    )
    await update.effective_message.reply_text("Kies een optie", reply_markup=keyboard)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query and query.data
    await query.answer(f"Gekozen: {query.data}")
    await query.edit_message_text(f"Je koos <b>{html.escape(query.data)}</b>", parse_mode=ParseMode.HTML)


async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat and update.effective_message
    await context.bot.send_chat_action(update.effective_chat.id, ChatAction.UPLOAD_PHOTO)
    await update.effective_message.reply_photo(PNG_BYTES, caption="Een foto", filename="foto.png")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message and update.effective_message.text
    await update.effective_message.reply_text(
        f"Echo: {html.escape(update.effective_message.text)}", parse_mode=ParseMode.HTML
    )


async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.inline_query
    text = update.inline_query.query
    article = InlineQueryResultArticle(
        id="1", title=f"Echo {text}", input_message_content=InputTextMessageContent(text)
    )
    await update.inline_query.answer([article], cache_time=0)


def build_bot(emu: Emulator, token: str) -> AnyApplication:
    app = Application.builder().token(token).base_url(emu.base_url).post_init(post_init).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("photo", photo))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^pick:"))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(InlineQueryHandler(inline))
    return app


# -- fixtures: the shared emulator (conftest.py), a fresh token (so fresh state) per test ------


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[AnyApplication]:
    async with polling(build_bot(emu, emu.new_token())) as app:
        yield app


@pytest.fixture
def user(emu: Emulator, bot: AnyApplication) -> Client:
    return emu.client(bot.bot.token)


# -- tests --------------------------------------------------------------------------------------
async def test_start_shows_buttons_and_press_edits_message(user: Client) -> None:
    await user.send_command("/start")
    [menu] = await user.wait_for_messages()
    assert menu.text == "Kies een optie"
    assert menu.buttons == [("Optie A", "pick:a"), ("Optie B", "pick:b")]

    await user.press("pick:b", menu)
    answer = await user.wait_for_call("answerCallbackQuery")
    assert answer.params["text"] == "Gekozen: pick:b"
    [edited] = await user.wait_for_messages()
    assert edited.message_id == menu.message_id
    assert edited.edited
    assert edited.text == "Je koos <b>pick:b</b>"
    assert edited.parse_mode == "HTML"
    assert edited.buttons == []  # editMessageText without reply_markup drops the keyboard


async def test_text_is_echoed(user: Client) -> None:
    await user.send_message("hallo <wereld>")
    [reply] = await user.wait_for_messages()
    assert reply.text == "Echo: hallo &lt;wereld&gt;"
    assert reply.parse_mode == "HTML"
    assert [m.message_id for m in await user.bot_messages()] == [reply.message_id]


async def test_inline_query_is_answered(user: Client) -> None:
    query_id = await user.inline_query("zoek")
    [article] = await user.inline_answer(query_id)
    assert article["type"] == "article"
    assert article["title"] == "Echo zoek"
    assert article["input_message_content"]["message_text"] == "zoek"


async def test_commands_set_in_post_init(user: Client, bot: AnyApplication) -> None:
    [call] = await user.calls("setMyCommands")
    assert [c["command"] for c in call.params["commands"]] == ["start", "photo"]
    assert [c.command for c in await bot.bot.get_my_commands()] == ["start", "photo"]


async def test_photo_upload_is_recorded(user: Client) -> None:
    await user.send_command("/photo")
    [sent] = await user.wait_for_messages()
    assert sent.has_photo
    assert sent.caption == "Een foto"
    [upload] = await user.calls("sendPhoto")
    assert upload.params["photo"]["size"] == len(PNG_BYTES)
    assert upload.params["caption"] == "Een foto"
    [action] = await user.calls("sendChatAction")
    assert action.params["action"] == "upload_photo"


async def test_errors_are_answers_not_crashes(emu: Emulator, user: Client, bot: AnyApplication) -> None:
    async with httpx.AsyncClient(base_url=emu.api_url, trust_env=False) as http:
        missing_token = await http.post("/sendMessage", json={"text": "hi"})
    assert missing_token.status_code == 400

    with pytest.raises(EndPointNotFound):
        await bot.bot.do_api_request("fooBar")
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.bot.edit_message_text("x", chat_id=user.chat_id, message_id=999_999)

    # The emulator is still up and the bot still answers.
    await user.send_message("nog daar?")
    [reply] = await user.wait_for_messages()
    assert reply.text == "Echo: nog daar?"


async def test_a_user_who_blocked_the_bot_is_refused_until_they_write(user: Client, bot: AnyApplication) -> None:
    await user.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.bot.send_message(user.chat_id, "hallo")
    assert [c.params["text"] for c in await user.calls("sendMessage")] == ["hallo"]  # the attempt is seen
    await bot.bot.send_message(user.chat_id + 1, "een ander")  # other chats are not blocked
    await user.send_message("weer terug")  # writing again unblocks, as in Telegram
    [reply] = await user.wait_for_messages()
    assert reply.text == "Echo: weer terug"

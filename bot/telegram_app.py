"""The Telegram adapter: python-telegram-bot 22 on top of the engine.

Thin on purpose: it turns updates into engine events and engine replies into Telegram messages
(HTML with everything escaped, inline keyboards, split at 4096 characters). Nothing here stores
message text, and logs carry update types and error classes only, never what a user wrote.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import html
import logging
import re
import sqlite3
import sys
import time
from collections import OrderedDict, defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputFile,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram.constants import ChatAction, ChatType, MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.admin import ADMIN_COMMANDS
from bot.engine import COMMANDS, LOCAL_TIME, Button, Command, Engine, Event, Press, Reply, TextIn
from bot.health import HEARTBEAT_EVERY, remove_heartbeat, write_heartbeat
from bot.health import report as health_report
from bot.http_request import AiohttpRequest
from bot.logsetup import configure
from bot.replies import Picture
from bot.retention import FIRST_RUN as RETENTION_FIRST
from bot.retention import RUN_EVERY as RETENTION_EVERY
from bot.retention import Periods, daily
from bot.settings import current
from bot.startup import StartupFailed, best_effort, connect
from bot.table_image import render
from bot.testhooks import reminder_interval
from bot.webhook import serve_webhook

log = logging.getLogger(__name__)

# PTB's Application is generic in six context types; this bot uses the defaults throughout.
AnyApp = Application[Any, Any, Any, Any, Any, Any]
T = TypeVar("T")

DEFAULT_API_URL = "https://api.telegram.org/bot"
GROUP_COMMANDS = {"start", "help", "opschaling", "wie", "begrip", "privacy"}
PRIVATE_ONLY = (
    "Dat doe ik alleen in een privégesprek met mij: daar ziet niemand anders het. "
    "Open mijn profiel en tik op Bericht."
)
SLOW_DOWN = (
    "Even rustig aan: je stuurt veel berichten tegelijk. Wacht een paar seconden en probeer het dan opnieuw."
)
NOT_TEXT = (
    "Ik kan alleen tekst lezen. Typ je vraag in gewone woorden. Stuur geen foto's, documenten of "
    "spraakberichten: die kunnen persoonsgegevens bevatten, en ik bewaar ze niet."
)
START_BUTTON = InlineQueryResultsButton(text="Stel eerst je gemeente in", start_parameter="inline")
PICTURE_CACHE = 256
REMINDER_EVERY = 600  # seconds between looks for due case reminders
REMINDER_FIRST = 30
FLUSH_EVERY = 60  # seconds between writes of the in-memory use counts (/stats)
# A broadcast goes out in batches: 20 messages every 2 seconds stays well under Telegram's
# ~30 messages/s overall and leaves room for the answers to users meanwhile.
BROADCAST_EVERY = 2.0
BROADCAST_BATCH = 20
DESCRIPTION = (
    "Vragen over verzuim en thuiszitters? Ik zoek het antwoord op in het routeboek van jouw "
    "gemeente: wie is verantwoordelijk, wat moet er nu gebeuren, en wat is de volgende stap. "
    "Volg een casus onder een code en krijg een herinnering voor elke termijn. "
    "Stuur geen namen of andere persoonsgegevens van leerlingen."
)
SHORT_DESCRIPTION = "De routeboeken verzuim en thuiszitters in je chat."

# A burst of more than FLOOD_MAX messages in FLOOD_WINDOW seconds gets one polite warning and is
# then ignored until the user slows down, so one user cannot starve the others.
FLOOD_MAX = 15
TYPING_AFTER = 0.3  # seconds an answer may take before the chat shows "typing..."
FLOOD_WINDOW = 10.0

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


def to_html(text: str) -> str:
    """Engine markup to Telegram HTML: escape everything first, then add the bold tags."""
    return _BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))


def split_message(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split so that every chunk, once rendered as HTML, fits Telegram's limit.

    Cuts at a paragraph, then a line, then a word boundary, and never inside a `**bold**` pair.
    """
    chunks: list[str] = []
    rest = text
    while len(to_html(rest)) > limit:
        window = limit
        while True:
            cut = _cut_point(rest, window)
            head = rest[:cut]
            if head.count("**") % 2:  # move the start of a bold pair to the next chunk
                cut = head.rfind("**")
                head = rest[:cut]
            if len(to_html(head)) <= limit or window < 64:
                break
            window -= max(16, len(to_html(head)) - limit)
        chunks.append(head.rstrip())
        rest = rest[cut:].lstrip()
    if rest.strip():
        chunks.append(rest)
    return chunks


def _cut_point(text: str, window: int) -> int:
    for sep in ("\n\n", "\n", " "):
        cut = text.rfind(sep, 0, window)
        if cut > window // 2:
            return cut
    return window


def command_of(message: Message, username: str | None) -> Command | None:
    """The command a message starts with, from Telegram's own `bot_command` entity; None when it
    is addressed to another bot (`/help@some_other_bot`). The argument is everything after the
    command with any whitespace between words, so "/opschaling\nRijswijk" reads as
    "/opschaling Rijswijk" (PTB's `context.args` splits the same way)."""
    entity = next((e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0), None)
    if entity is None or not message.text:
        return None
    command = message.parse_entity(entity)
    name, _, target = command[1:].partition("@")
    if target and target.lower() != (username or "").lower():
        return None
    return Command(name, " ".join(message.text[len(command) :].split()))


def keyboard(buttons: list[list[Button]]) -> InlineKeyboardMarkup | None:
    """The buttons as PTB objects, for the places that need them (inline results)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    )


def markup(buttons: list[list[Button]]) -> dict[str, Any] | None:
    """The buttons as the Bot API's JSON, exactly what `keyboard()` serialises to: for the
    messages the bot sends, building and serialising PTB objects for every one of them cost
    more than the rest of the adapter's work on a reply (bench/telegram_load.py)."""
    if not buttons:
        return None
    return {"inline_keyboard": [[{"text": b.label, "callback_data": b.data} for b in row] for row in buttons]}


async def api_call(bot: Bot, method: str, data: dict[str, Any]) -> Any:
    """A Bot API call whose answer the bot does not need as a PTB object (a sent or edited
    text message): Telegram's JSON is returned as it is, instead of being parsed into a
    `Message` with its keyboard (`Message.de_json`: a fifth of the event loop's busy time under
    load). It goes the way every PTB method goes (`Bot._post`): `DEFAULT_NONE` values get the
    application's Defaults (parse_mode HTML, no link previews), the rate limiter and its
    RetryAfter handling apply, and Telegram's errors raise the same `TelegramError`s."""
    return await bot._post(method, data)


def text_message(
    chat_id: int, text: str, buttons: list[list[Button]], quoting: ReplyParameters | None
) -> dict[str, Any]:
    """sendMessage's parameters as `Bot.send_message` passes them for these arguments."""
    return {
        "chat_id": chat_id,
        "text": text,
        "parse_mode": DEFAULT_NONE,
        "link_preview_options": DEFAULT_NONE,
        "disable_notification": DEFAULT_NONE,
        "protect_content": DEFAULT_NONE,
        "reply_markup": markup(buttons),
        "reply_parameters": quoting,
    }


class FloodGuard:
    def __init__(self, limit: int = FLOOD_MAX, window: float = FLOOD_WINDOW) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[int, deque[float]] = defaultdict(deque)
        self._warned: set[int] = set()

    def check(self, user_id: int, now: float | None = None) -> str:
        """'ok', 'warn' (first message over the limit) or 'drop'."""
        now = time.monotonic() if now is None else now
        seen = self._seen[user_id]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        seen.append(now)
        if len(seen) <= self.limit:
            self._warned.discard(user_id)
            return "ok"
        if user_id in self._warned:
            return "drop"
        self._warned.add(user_id)
        return "warn"


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Updates of different users run concurrently; one user's updates stay in order.

    PTB either processes everything one by one (a slow Telegram round trip for one user delays
    all others) or everything concurrently (a user's quick button press could overtake the
    message before it). A lock per user gives both.
    """

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = 0
        if isinstance(update, Update) and update.effective_user:
            key = update.effective_user.id
        async with self.user_lock(key):
            await coroutine

    @contextlib.asynccontextmanager
    async def user_lock(self, key: int) -> AsyncIterator[None]:
        """The lock of one user's updates; the reminder job takes it too, so a /vergeet never
        runs between the check of a reminder and its sending."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            if not lock.locked() and len(self._locks) > 10_000:
                self._locks.pop(key, None)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


class TelegramBot:
    def __init__(
        self, engine: Engine, flood_limit: int | None = FLOOD_MAX, processor: PerUserUpdateProcessor | None = None
    ) -> None:
        self.engine = engine
        engine.broadcasts.live = "tg:"  # this adapter pushes messages to Telegram users
        self.processor = processor or PerUserUpdateProcessor()
        self.flood = FloodGuard(flood_limit) if flood_limit else None
        # The engine (matching, SQLite) runs off the event loop so a slow disk never stalls
        # other users, but in one thread: it is pure Python, so more threads would only fight
        # over the GIL (measured: engine time per question x15 with the default pool).
        self._engine_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")
        # Pictures already drawn, most recently used last: after the first upload Telegram's
        # file_id is sent instead of the bytes. Escalation tables never change; case timelines
        # change daily, hence the bound.
        self._pictures: OrderedDict[Picture, bytes | str] = OrderedDict()

    async def in_engine(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._engine_thread, function, *args)

    # --- sending --------------------------------------------------------------------------
    async def send(self, update: Update, context: ContextTypes.DEFAULT_TYPE, replies: list[Reply]) -> None:
        chat, message = update.effective_chat, update.message
        if chat is not None:
            # In a group the answer quotes the question, so everyone sees which one it answers.
            quote = message.message_id if message is not None and chat.type != ChatType.PRIVATE else None
            await self.send_to(context.bot, chat.id, replies, quote)

    async def send_to(self, bot: Bot, chat_id: int, replies: list[Reply], quote: int | None = None) -> None:
        """Send the replies in order; the first message sent quotes message `quote` if given (and
        is still sent when that message was deleted meanwhile)."""
        quoting = ReplyParameters(quote, allow_sending_without_reply=True) if quote is not None else None
        for reply in replies:
            if reply.picture:
                await self._send_picture(bot, chat_id, reply.picture, quoting)
                quoting = None
            chunks = split_message(reply.text)
            for i, chunk in enumerate(chunks):
                buttons = reply.buttons if i == len(chunks) - 1 else []
                await api_call(bot, "sendMessage", text_message(chat_id, to_html(chunk), buttons, quoting))
                quoting = None
            if reply.document:
                file = InputFile(reply.document.data, filename=reply.document.filename)
                await bot.send_document(chat_id, file, caption=reply.document.caption)

    async def _send_picture(
        self, bot: Bot, chat_id: int, picture: Picture, quoting: ReplyParameters | None = None
    ) -> None:
        cached = self._pictures.get(picture)
        if isinstance(cached, str):
            try:
                await bot.send_photo(chat_id, cached, caption=picture.caption, reply_parameters=quoting)
                return
            except BadRequest:  # the file_id is no longer valid (e.g. another bot token)
                cached = None
        await bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
        if cached is None:
            # Drawing takes ~0.1 s of mostly C code: a thread keeps other users' answers flowing.
            cached = await asyncio.to_thread(render, picture)
        sent = await bot.send_photo(
            chat_id, cached, caption=picture.caption, filename="routeboek.png", reply_parameters=quoting
        )
        self._remember(picture, sent.photo[-1].file_id if sent.photo else cached)

    def _remember(self, picture: Picture, data: bytes | str) -> None:
        self._pictures[picture] = data
        self._pictures.move_to_end(picture)
        while len(self._pictures) > PICTURE_CACHE:
            self._pictures.popitem(last=False)

    @staticmethod
    def user_key(update: Update) -> str | None:
        user = update.effective_user
        return f"tg:{user.id}" if user else None

    async def _flooding(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """True when this user's message is not to be answered: a burst gets one warning."""
        user = update.effective_user
        verdict = self.flood.check(user.id) if self.flood and user else "ok"
        if verdict == "warn":
            await self.send(update, context, [Reply(SLOW_DOWN)])
        return verdict != "ok"

    async def _run(self, update: Update, context: ContextTypes.DEFAULT_TYPE, event: Event) -> None:
        key = self.user_key(update)
        if key is None or await self._flooding(update, context):
            return
        # "typing..." is shown only when an answer takes noticeable time: for the usual
        # millisecond answer it would be one more API call against the flood limits.
        chat = update.effective_chat
        # A group is a chat of its own: a prompt sent in private never takes text from it.
        where = f"tg:{chat.id}" if chat is not None and chat.type != ChatType.PRIVATE else None
        work = asyncio.ensure_future(self.in_engine(self.engine.handle, key, event, where))
        if isinstance(event, TextIn) and update.effective_chat:
            done, _ = await asyncio.wait({work}, timeout=TYPING_AFTER)
            if not done:
                await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
        replies = await work
        if replies and replies[0].edit and await self._edit(update, replies[0]):
            replies = replies[1:]
        await self.send(update, context, replies)

    async def _edit(self, update: Update, reply: Reply) -> bool:
        """Put a screen in place of the message whose button was pressed; False when Telegram
        does not allow it (a photo, a message too old or gone, text over one message), so the
        caller sends it as a new message instead."""
        query = update.callback_query
        message = query.message if query else None
        chunks = split_message(reply.text)
        if query is None or not isinstance(message, Message) or not message.text or len(chunks) != 1:
            return False
        if reply.picture or reply.document:  # those come with a message of their own
            return False
        edit = {
            "chat_id": message.chat_id,
            "message_id": message.message_id,
            "text": to_html(reply.text),
            "parse_mode": DEFAULT_NONE,
            "link_preview_options": DEFAULT_NONE,
            "reply_markup": markup(reply.buttons),
        }
        try:
            await api_call(query.get_bot(), "editMessageText", edit)
        except BadRequest as error:
            # Pressing the same step twice gives the same screen: nothing to change, and done.
            if "not modified" in str(error).lower():
                return True
            log.info("message not edited (%s); sending a new one", type(error).__name__)
            return False
        return True

    # --- handlers -------------------------------------------------------------------------
    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        parsed = command_of(message, context.bot.username)
        if parsed is None:
            return  # "/help@some_other_bot": that bot's command, not ours
        chat = update.effective_chat
        if chat and chat.type != ChatType.PRIVATE and parsed.name.lower() not in GROUP_COMMANDS:
            await self.send(update, context, [Reply(PRIVATE_ONLY)])
            return
        await self._run(update, context, parsed)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        chat = update.effective_chat
        if message is None or message.text is None or chat is None:
            return
        text = message.text
        if chat.type != ChatType.PRIVATE:
            # In groups only a mention or a reply to the bot is for us; answered, never stored.
            mention = f"@{context.bot.username}"
            replied = message.reply_to_message
            to_us = replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id
            if mention.lower() not in text.lower() and not to_us:
                return
            text = re.sub(re.escape(mention), "", text, flags=re.IGNORECASE).strip()
        await self._run(update, context, TextIn(text))

    async def on_other_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not await self._flooding(update, context):
            await self.send(update, context, [Reply(NOT_TEXT)])

    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        chat = update.effective_chat
        if chat is None and query.inline_message_id:
            # A 👍/👎 under a card posted inline: no chat to answer in, so a short notice.
            await self._press_inline(update, query)
            return
        if chat and chat.type != ChatType.PRIVATE and self.engine.private_press(query.data or ""):
            # Only the presser sees this; their cases never show up in the group.
            await query.answer(PRIVATE_ONLY, show_alert=True)
            return
        try:
            await query.answer()
        except BadRequest:
            # Telegram refuses to answer a query older than a few minutes ("query is too old");
            # the press itself still gets its reply below.
            log.info("callback query could not be answered (too old)")
        await self._run(update, context, Press(query.data or ""))

    async def _press_inline(self, update: Update, query: Any) -> None:
        key = self.user_key(update)
        replies = await self.in_engine(self.engine.handle, key, Press(query.data or ""), None) if key else []
        notice = _BOLD.sub(r"\1", replies[0].text).split("\n")[0][:200] if replies else None
        try:
            await query.answer(notice)
        except BadRequest:
            log.info("callback query could not be answered (too old)")

    async def on_inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        if query is None:
            return
        text, user = query.query.strip(), f"tg:{query.from_user.id}"
        results = await self.in_engine(self.inline_results, user, text) if text else []
        # Without a profile the answers are not for one's own gemeente: a button above the
        # results opens the private chat, where /start asks for it.
        button = None if await self.in_engine(self.engine.has_profile, user) else START_BUTTON
        await query.answer(results, cache_time=60, is_personal=True, button=button)

    def inline_results(self, user: str, text: str) -> list[InlineQueryResultArticle]:
        """The engine's inline answers as Telegram articles, cut to Telegram's field limits."""
        return [
            InlineQueryResultArticle(
                id=answer.id[:64],
                title=answer.title[:100],
                description=answer.description[:200],
                input_message_content=InputTextMessageContent(to_html(answer.text), parse_mode=ParseMode.HTML),
                reply_markup=keyboard(answer.buttons),
            )
            for answer in self.engine.inline_answers(text, user)
        ]

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        log.error("error while handling an update: %s", type(error).__name__, exc_info=error)
        if isinstance(update, Update) and update.effective_chat:
            try:
                await context.bot.send_message(
                    update.effective_chat.id,
                    "Er ging iets mis bij het verwerken van je bericht. Probeer het opnieuw of typ /help.",
                )
            except Exception:  # the error may be that Telegram is unreachable
                log.warning("could not tell the user about the error")

    async def post_init(self, app: AnyApp) -> None:
        private = [BotCommand(name, desc) for name, desc in COMMANDS]
        group = [BotCommand(name, desc) for name, desc in COMMANDS if name in GROUP_COMMANDS]
        # Cosmetic: a failure here (Telegram answers these with a 500 at times) must not keep
        # the bot from serving; see bot/startup.py.
        await best_effort("the menu", app.bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats()))
        await best_effort("the group menu", app.bot.set_my_commands(group, scope=BotCommandScopeAllGroupChats()))
        # Admins see their commands in their own chat's menu; nobody else ever does.
        admin = private + [BotCommand(name, desc) for name, desc in ADMIN_COMMANDS]
        for user in sorted(self.engine.admins):
            if user.startswith("tg:") and user[3:].isdigit():
                scope = BotCommandScopeChat(int(user[3:]))
                await best_effort("an admin's menu", app.bot.set_my_commands(admin, scope=scope))
        await best_effort("the description", app.bot.set_my_description(DESCRIPTION))
        await best_effort("the short description", app.bot.set_my_short_description(SHORT_DESCRIPTION))

    async def send_reminders(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The job that pushes due case reminders; one that could not be delivered for a
        passing reason (network) is tried again at the next run."""
        for reminder in await self.in_engine(self.engine.outbox.due_reminders):
            user = reminder.case.user
            if not user.startswith("tg:"):
                continue  # a console user's case: the console shows it
            # Under the user's own lock, and checked again: the list was built before the
            # burst, and a /vergeet or a deleted case in the meantime must stop its reminders.
            async with self.processor.user_lock(int(user[3:])):
                if not await self.in_engine(self.engine.outbox.reminder_still_due, reminder):
                    continue
                try:
                    await self.send_to(context.bot, int(user[3:]), [reminder.reply])
                except Forbidden:
                    # Retrying cannot help: nothing more is pushed until the user writes again.
                    log.info("reminder not delivered: the user blocked the bot; marked inactive")
                    await self.in_engine(self.engine.outbox.user_blocked, user)
                    continue
                except TelegramError as error:
                    log.warning(
                        "reminder not delivered (%s); trying again at the next run", type(error).__name__
                    )
                    continue
                await self.in_engine(self.engine.outbox.reminder_delivered, reminder)
        await self._send_pushes(context.bot)

    async def _send_pushes(self, bot: Bot) -> None:
        """The weekly digests and fixed-date reminders, under the same rules as case reminders."""
        for push in await self.in_engine(self.engine.outbox.due_pushes):
            if not push.user.startswith("tg:"):
                continue
            async with self.processor.user_lock(int(push.user[3:])):
                if not await self.in_engine(self.engine.outbox.push_still_due, push):
                    continue
                try:
                    await self.send_to(bot, int(push.user[3:]), [push.reply])
                except Forbidden:
                    log.info("%s not delivered: the user blocked the bot; marked inactive", push.kind)
                    await self.in_engine(self.engine.outbox.user_blocked, push.user)
                    continue
                except TelegramError as error:
                    log.warning("%s not delivered (%s); trying again at the next run", push.kind, type(error).__name__)
                    continue
                await self.in_engine(self.engine.outbox.push_delivered, push)

    async def send_broadcasts(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The job that works through confirmed broadcasts, a batch per run. Each user is marked
        before the send, so a crash or restart never sends twice; a passing failure is unmarked
        and tried again at the next run."""
        for delivery in await self.in_engine(self.engine.broadcasts.due, BROADCAST_BATCH):
            chat_id = int(delivery.user[3:])
            async with self.processor.user_lock(chat_id):
                if not await self.in_engine(self.engine.broadcasts.claim, delivery):
                    continue
                try:
                    await self.send_to(context.bot, chat_id, [delivery.reply])
                except Forbidden:
                    log.info("broadcast not delivered: the user blocked the bot; marked inactive")
                    await self.in_engine(self.engine.outbox.user_blocked, delivery.user)
                except TelegramError as error:
                    log.warning("broadcast not delivered (%s); trying again at the next run", type(error).__name__)
                    await self.in_engine(self.engine.broadcasts.failed, delivery)

    async def flush_counts(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The job that writes the use counts: at most a minute of them is lost in a crash."""
        try:
            await self.in_engine(self.engine.flush)
        except Exception as error:  # kept in memory for the next run
            log.warning("use counts not written (%s); trying again in a minute", type(error).__name__)

    async def post_shutdown(self, app: AnyApp) -> None:
        await self.flush_counts(None)  # type: ignore[arg-type]
        self._engine_thread.shutdown(wait=True)

    def register(self, app: AnyApp) -> None:
        app.add_handler(MessageHandler(filters.COMMAND, self.on_command))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        # Photos, voice messages, files, stickers in a private chat: say what the bot can read.
        app.add_handler(
            MessageHandler(
                filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, self.on_other_message
            )
        )
        app.add_handler(CallbackQueryHandler(self.on_press))
        app.add_handler(InlineQueryHandler(self.on_inline))
        app.add_error_handler(self.on_error)
        if app.job_queue is not None:
            every = reminder_interval()
            interval, first = (every, every) if every else (REMINDER_EVERY, REMINDER_FIRST)
            app.job_queue.run_repeating(self.send_reminders, interval=interval, first=first, name="reminders")
            app.job_queue.run_repeating(self.flush_counts, interval=FLUSH_EVERY, first=FLUSH_EVERY, name="flush-counts")
            app.job_queue.run_repeating(
                self.send_broadcasts, interval=BROADCAST_EVERY, first=BROADCAST_EVERY, name="broadcasts"
            )


def build_application(
    engine: Engine,
    token: str,
    api_url: str | None = None,
    rate_limit: bool = True,
    request: BaseRequest | None = None,
    flood_limit: int | None = FLOOD_MAX,
) -> AnyApp:
    """The PTB Application.

    `rate_limit=False` and `flood_limit=None` only for measuring against a local emulator;
    `request` lets unit tests answer the Bot API offline.
    """
    processor = PerUserUpdateProcessor()
    bot = TelegramBot(engine, flood_limit, processor)
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder()
        .token(token)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=LOCAL_TIME,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(bot.post_init)
        .post_shutdown(bot.post_shutdown)
        .concurrent_updates(processor)
    )
    if rate_limit:
        # Telegram's flood limits: about 30 messages/s overall and 1/s per chat. Retry a
        # RetryAfter three times instead of failing the reply.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    url = api_url or current().telegram_api_url or DEFAULT_API_URL
    builder = builder.base_url(url)
    if request is None:
        builder = builder.request(AiohttpRequest(connection_pool_size=256)).get_updates_request(
            AiohttpRequest(connection_pool_size=1)
        )
    else:
        builder = builder.request(request).get_updates_request(request)
    app = builder.build()
    bot.register(app)
    return app


def settle_heap() -> None:
    """Keep what the bot loaded at start-up (the content and its index, the libraries) out of
    the garbage collector's full passes. A full pass walked all of it: 75-175 ms under load with
    every user waiting, about once per thousand answers at 20 users in bench/telegram_load.py,
    enough to set the p99 by itself. Frozen objects are still freed when nothing refers to them
    any more, and a /reload hands the old content back to the collector (`Engine.use`)."""
    gc.collect()
    gc.freeze()


def install_heartbeat(app: AnyApp, folder: Path, info: dict[str, Any]) -> None:
    """The job that proves, once a minute, that this bot's event loop runs (bot/health.py)."""

    def write() -> None:
        try:
            write_heartbeat(folder, info)
        except OSError as exc:
            log.warning("heartbeat not written (%s)", type(exc).__name__)

    async def beat(_: ContextTypes.DEFAULT_TYPE) -> None:
        write()

    # The first beat as soon as the bot is up (after getMe and the menu): a job scheduled before
    # the scheduler starts would first run a whole interval later.
    previous = app.post_init

    async def post_init(application: AnyApp) -> None:
        if previous is not None:
            await previous(application)
        write()

    app.post_init = post_init
    if app.job_queue is not None:
        app.job_queue.run_repeating(beat, interval=HEARTBEAT_EVERY, first=HEARTBEAT_EVERY, name="heartbeat")


def install_retention(app: AnyApp, engine: Engine, folder: Path, periods: Periods) -> None:
    """The daily job: a backup, then deleting what the retention periods say is no longer needed."""

    async def run(_: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await asyncio.to_thread(daily, engine.kb, engine.store, periods, engine.clock(), folder)
        except (sqlite3.Error, OSError) as exc:
            log.warning("retention run failed (%s); trying again tomorrow", type(exc).__name__)

    if app.job_queue is not None:
        app.job_queue.run_repeating(run, interval=RETENTION_EVERY, first=RETENTION_FIRST, name="retention")


def run_telegram(
    engine: Engine, token: str, webhook: bool = False, port: int = 8443, content_version: str | None = None
) -> int:
    # One line per event, never message text (bot/logsetup.py); LOG_LEVEL and LOG_FORMAT.
    settings = current()
    configure(settings.log_level, settings.log_format)
    from bot.cli import package_version
    from bot.storage import data_dir

    app = build_application(engine, token)
    folder = data_dir()
    mode = "webhook" if webhook else "polling"
    install_heartbeat(app, folder, {"version": package_version(), "mode": mode, "content_version": content_version})
    install_retention(app, engine, folder, Periods.from_settings(settings))
    settle_heap()
    try:
        return _serve(app, webhook, port, folder)
    finally:
        remove_heartbeat(folder)


def _serve(app: AnyApp, webhook: bool, port: int, folder: Path) -> int:
    """Webhook or polling until stopped; 1 when Telegram cannot be reached or refuses the start."""
    if webhook:
        url, secret = current().webhook_url, current().webhook_secret
        if not url or not secret:
            print("Webhook-modus heeft WEBHOOK_URL en WEBHOOK_SECRET nodig.")
            return 2
        try:
            asyncio.run(serve_webhook(app, url, secret, port, lambda: health_report(folder)))
        except StartupFailed as exc:
            print(str(exc), file=sys.stderr)
            return 1
        return 0
    # getMe with retries in the loop run_polling will use (it takes the current one), so a
    # Telegram that is down for a moment delays the start instead of failing it.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(connect(app))
    except StartupFailed as exc:
        print(str(exc), file=sys.stderr)
        loop.run_until_complete(app.shutdown())
        loop.close()
        return 1
    app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    return 0

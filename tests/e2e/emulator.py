"""Drive the local Telegram Bot API emulator (tests/e2e/emulator/server.js) from pytest.

``Emulator`` starts and stops the node server; ``Client`` plays one user in one chat against one
bot token and reads back what the bot did. Every test should use its own token
(``emu.new_token()``): the emulator keeps all state per token, so tests never see each other's
messages even on one shared server.

The ``Client`` is async because the bot under test runs in the same event loop: a blocking wait
would stop the bot from ever answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import queue
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from telegram.ext import Application

ROOT = Path(__file__).resolve().parents[2]
SERVER_JS = ROOT / "tests" / "e2e" / "emulator" / "server.js"
LIBRARY_DIR = ROOT / "node_modules" / "telegram-test-api"

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

_bot_ids = itertools.count(int(time.time()) % 100_000 * 1000)


def unavailable_reason() -> str | None:
    """Why the emulator cannot run here, or None when it can (use it to skip tests)."""
    if shutil.which("node") is None:
        return "node is not installed (the e2e tests need Node.js >= 18)"
    if not (LIBRARY_DIR / "package.json").is_file():
        return f"{LIBRARY_DIR.relative_to(ROOT)} is missing: run `npm ci` in {ROOT}"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now (for a webhook or health server under test)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmulatorError(RuntimeError):
    pass


class Emulator:
    """The node emulator as a context manager: ``with Emulator() as emu: ...``.

    PTB appends the token to its ``base_url``, so point it at ``emu.base_url``
    (``http://127.0.0.1:<port>/bot``); requests then go to ``/bot<TOKEN>/<method>``.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, startup_timeout: float = 20.0) -> None:
        self.host = host
        self.port = port  # 0: the server picks a free port and reports it
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[str] | None = None
        self._log: Any = None
        self._reader: threading.Thread | None = None

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        if self._process is None:
            raise EmulatorError("the emulator is not running")
        return self._process.pid

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder.base_url()``."""
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder.base_file_url()`` (file downloads are not emulated)."""
        return f"{self.api_url}/file/bot"

    def start(self) -> Emulator:
        reason = unavailable_reason()
        if reason:
            raise EmulatorError(reason)
        # stderr to a file: a pipe nobody reads could fill up and stall node.
        self._log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (lives as long as node)
        self._process = subprocess.Popen(
            ["node", str(SERVER_JS), "--host", self.host, "--port", str(self.port), "--exit-with-stdin"],
            cwd=ROOT,
            stdin=subprocess.PIPE,  # node exits when this closes, even if pytest is killed
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self.port = self._wait_ready(self._process)
        return self

    def _wait_ready(self, process: subprocess.Popen[str]) -> int:
        lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stdout = process.stdout

        def read_lines() -> None:  # a thread, so the wait can time out while node says nothing
            for line in stdout:
                lines.put(line)

        self._reader = threading.Thread(target=read_lines, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.1)
            except queue.Empty:
                if process.poll() is not None:
                    break
                continue
            if line.startswith("READY "):
                return int(line.split()[1])
        log = self.log()  # read before stop() closes it
        self.stop()
        raise EmulatorError(f"emulator did not start:\n{log}")

    def log(self) -> str:
        """What node wrote on stderr (set DEBUG=TelegramServer:* for the package's own log)."""
        if self._log is None:
            return ""
        self._log.seek(0)
        return str(self._log.read())

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._reader is not None:
            self._reader.join(timeout=2)  # it ends at EOF; closing stdout under it would raise
            self._reader = None
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @staticmethod
    def new_token() -> str:
        """A fresh bot token; its number is the bot's user id in getMe."""
        return f"{next(_bot_ids)}:TEST-{secrets.token_hex(8)}"

    def client(self, token: str | None = None, **user: Any) -> Client:
        return Client(self.api_url, token or self.new_token(), **user)


@dataclass(frozen=True)
class BotMessage:
    """A message the bot sent, as the user sees it now (after any edits)."""

    message_id: int
    chat_id: int
    text: str | None
    caption: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    edited: bool
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BotMessage:
        return cls(
            message_id=int(data["message_id"]),
            chat_id=int(data["chat"]["id"]),
            text=data.get("text"),
            caption=data.get("caption"),
            parse_mode=data.get("parse_mode"),
            reply_markup=data.get("reply_markup"),
            edited=bool(data.get("edited")),
            raw=data,
        )

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """Inline buttons as (label, callback_data), row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data")) for row in rows for b in row]

    def button(self, label: str) -> str:
        """The callback data of the button labelled ``label``; fails, listing the buttons, if
        there is none."""
        for text, data in self.buttons:
            if text == label and data:
                return data
        raise AssertionError(f"no button {label!r} in {self.buttons}")

    @property
    def has_photo(self) -> bool:
        return "photo" in self.raw

    @property
    def has_document(self) -> bool:
        return "document" in self.raw


@dataclass(frozen=True)
class Call:
    """One Bot API method the bot called; JSON fields (reply_markup, results, ...) are decoded,
    other values are the strings PTB sent; an uploaded file is {filename, mime_type, size}."""

    method: str
    params: dict[str, Any]


class Client:
    """One user in one chat, talking to the bot with ``token``."""

    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        first_name: str = "Test",
        username: str = "test_user",
        language_code: str = "nl",
        timeout: float = 5.0,
    ) -> None:
        self.api_url = api_url
        self.token = token
        self.user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "username": username,
            "language_code": language_code,
        }
        self.chat_id = user_id if chat_id is None else chat_id
        chat_type = "private" if self.chat_id > 0 else "group"
        self.chat: dict[str, Any] = {"id": self.chat_id, "type": chat_type}
        if chat_type == "private":
            self.chat.update(first_name=first_name, username=username)
        else:
            self.chat["title"] = "Test group"
        self.timeout = timeout  # default wait for the bot's reactions
        self.poll = 0.05  # seconds between looks at the emulator while waiting

    async def _post(self, path: str, payload: dict[str, Any]) -> Any:
        # trust_env=False: a proxy from the environment must not capture 127.0.0.1.
        # verify=False: plain HTTP on loopback; building a TLS context costs ~50 ms per client.
        async with httpx.AsyncClient(
            base_url=self.api_url, timeout=10 + float(payload.get("wait", 0)), trust_env=False, verify=False
        ) as http:
            response = await http.post(path, json=payload)
        body = response.json()
        if response.status_code != 200 or not body.get("ok"):
            raise EmulatorError(f"{path}: HTTP {response.status_code} {body}")
        return body["result"]

    def _message(self, text: str) -> dict[str, Any]:
        return {
            "botToken": self.token,
            "from": self.user,
            "chat": self.chat,
            "date": int(time.time()),
            "text": text,
        }

    # -- what the user does --------------------------------------------------------------------
    async def send_message(self, text: str) -> int:
        """Send a text message; returns its message_id."""
        result = await self._post("/sendMessage", self._message(text))
        return int(result["message_id"])

    async def send_command(self, command: str) -> int:
        """Send e.g. "/start" or "/start payload" (with the bot_command entity PTB looks for)."""
        if not command.startswith("/"):
            raise ValueError(f"a command starts with '/': {command!r}")
        message = self._message(command)
        # Telegram marks the command alone: "/opschaling" of "/opschaling\nRijswijk".
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.split()[0])}]
        result = await self._post("/sendCommand", message)
        return int(result["message_id"])

    async def press(
        self, callback_data: str, message: BotMessage | None = None, *, forged: bool = False
    ) -> None:
        """Press the inline button with ``callback_data`` on ``message`` (default: the newest bot
        message in this chat that has such a button). Fails if there is no such button, unless
        ``forged``: then the data is sent as a crafted client would, button or not."""
        if message is None:
            candidates = [m for m in await self.bot_messages() if callback_data in dict(m.buttons).values()]
            if not candidates:
                raise EmulatorError(f"no bot message has a button with callback_data {callback_data!r}")
            message = candidates[-1]
        elif not forged and callback_data not in [data for _, data in message.buttons]:
            raise EmulatorError(
                f"message {message.message_id} has no button {callback_data!r}: {message.buttons}"
            )
        await self._post(
            "/sendCallback",
            {
                "botToken": self.token,
                "from": self.user,
                "data": callback_data,
                # the emulator fills in the rest of the message from what the bot sent
                "message": {"message_id": message.message_id, "chat": {"id": message.chat_id}},
            },
        )

    async def inline_query(self, query: str, offset: str = "") -> str:
        """Send an inline query to the bot; returns its id (see ``inline_answer``)."""
        result = await self._post(
            "/test/inlineQuery", {"token": self.token, "from": self.user, "query": query, "offset": offset}
        )
        return str(result["id"])

    async def block(self, blocked: bool = True) -> None:
        """Block the bot, as a user can in Telegram: every send to this chat is answered 403
        "Forbidden: bot was blocked by the user" until the user writes or presses again (or
        ``block(False)``)."""
        await self._post("/test/block", {"token": self.token, "chat_id": self.chat_id, "blocked": blocked})

    # -- what the bot did ----------------------------------------------------------------------
    async def bot_messages(self) -> list[BotMessage]:
        """Every message the bot sent to this chat, oldest first, in its current (edited) state."""
        result = await self._post("/test/botMessages", {"token": self.token, "chat_id": self.chat_id})
        return [BotMessage.from_json(m) for m in result]

    async def updates_for_user(self, wait: float = 0) -> list[BotMessage]:
        """Bot messages that are new or edited since the last call (the user's unread updates);
        with ``wait`` (seconds), the emulator holds the request until there is one."""
        payload: dict[str, Any] = {"token": self.token, "chat_id": self.chat_id, "unread_only": True}
        if wait > 0:
            payload["wait"] = wait
        result = await self._post("/test/botMessages", payload)
        return [BotMessage.from_json(m) for m in result]

    async def calls(self, method: str | None = None) -> list[Call]:
        """Bot API calls the bot made with this token (all chats), oldest first; not getUpdates."""
        payload: dict[str, Any] = {"token": self.token}
        if method:
            payload["method"] = method
        return [Call(c["method"], c["params"]) for c in await self._post("/test/calls", payload)]

    # -- waiting for the bot -------------------------------------------------------------------
    async def wait_for_messages(self, count: int = 1, timeout: float | None = None) -> list[BotMessage]:
        """Wait until ``count`` new or edited bot messages arrived; returns all that arrived."""
        received: list[BotMessage] = []
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while len(received) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"timed out waiting for {count} bot message(s), got {received}")
            received.extend(await self.updates_for_user(wait=left))
        return received

    async def reply(self, count: int = 1, timeout: float | None = None) -> BotMessage:
        """The last of the next ``count`` new or edited bot messages."""
        return (await self.wait_for_messages(count, timeout))[-1]

    async def wait_for_call(
        self,
        method: str,
        where: Callable[[Call], bool] = lambda call: True,
        timeout: float | None = None,
    ) -> Call:
        """Wait until the bot called ``method`` (with params matching ``where``); returns the
        newest such call."""
        found: list[Call] = []

        async def called() -> bool:
            found[:] = [c for c in await self.calls(method) if where(c)]
            return bool(found)

        await self._wait(called, timeout, lambda: f"a {method} call, calls so far: {found}")
        return found[-1]

    async def inline_answer(self, inline_query_id: str, timeout: float | None = None) -> list[dict[str, Any]]:
        """The results the bot gave in answerInlineQuery for that query."""
        call = await self.wait_for_call(
            "answerInlineQuery", lambda c: c.params.get("inline_query_id") == inline_query_id, timeout
        )
        results: list[dict[str, Any]] = call.params["results"]
        return results

    async def _wait(
        self, condition: Callable[[], Any], timeout: float | None, what: Callable[[], str]
    ) -> None:
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while not await condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out waiting for {what()}")
            await asyncio.sleep(self.poll)


@contextlib.asynccontextmanager
async def polling(app: AnyApplication, timeout: int = 10) -> AsyncIterator[AnyApplication]:
    """Run ``app`` against the emulator as ``run_polling`` would (post_init, polling, start;
    then stop, post_stop, shutdown, post_shutdown), but inside the test's event loop.

    getUpdates long-polls (``timeout`` seconds), as against Telegram: no poll interval needed.
    """
    if app.updater is None:
        raise ValueError("the application needs an Updater to poll")
    async with app:
        if app.post_init:
            await app.post_init(app)
        await app.updater.start_polling(poll_interval=0, timeout=timeout)
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
    if app.post_shutdown:
        await app.post_shutdown(app)


__all__ = [
    "ROOT",
    "SERVER_JS",
    "BotMessage",
    "Call",
    "Client",
    "Emulator",
    "EmulatorError",
    "free_port",
    "polling",
    "unavailable_reason",
]

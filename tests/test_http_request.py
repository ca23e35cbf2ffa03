"""The aiohttp network layer behaves as PTB's own: what Telegram receives, and which errors the
bot sees for timeouts, unreachable servers and refusals. A tiny aiohttp server plays Telegram."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.http_request import AiohttpRequest

TOKEN = "123:TEST"


def message(chat_id: int, **extra: Any) -> dict[str, Any]:
    return {"message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}, **extra}


class FakeTelegram:
    """Records what each Bot API method received; `/slow` methods take a second."""

    def __init__(self) -> None:
        self.received: dict[str, dict[str, Any]] = {}

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        fields: dict[str, Any] = {}
        if request.content_type == "application/json":
            fields = await request.json()
        else:
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    fields[name] = {"filename": value.filename, "bytes": value.file.read()}
                else:
                    fields[name] = value
        self.received[method] = fields
        if method == "getMe":
            return web.json_response(
                {"ok": True, "result": {"id": 123, "is_bot": True, "first_name": "T", "username": "t_bot"}}
            )
        if method == "sendChatAction":
            await asyncio.sleep(1)
            return web.json_response({"ok": True, "result": True})
        if method == "deleteMessage":
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: message to delete not found"},
                status=400,
            )
        chat_id = int(fields.get("chat_id", 0))
        if method == "sendPhoto":
            photo = [{"file_id": "abc", "file_unique_id": "abc", "width": 1, "height": 1}]
            return web.json_response({"ok": True, "result": message(chat_id, photo=photo)})
        return web.json_response({"ok": True, "result": message(chat_id, text=fields.get("text", ""))})


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield fake, f"http://127.0.0.1:{port}/bot"
    await runner.cleanup()


def make_bot(base_url: str, **timeouts: float) -> Bot:
    return Bot(TOKEN, base_url=base_url, request=AiohttpRequest(4, **timeouts))


async def test_text_and_keyboard_arrive_as_telegram_reads_them(telegram: tuple[FakeTelegram, str]) -> None:
    fake, url = telegram
    async with make_bot(url) as bot:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Terug", callback_data="b:1")]])
        sent = await bot.send_message(
            42, "Wie is <b>verantwoordelijk</b>?", parse_mode="HTML", reply_markup=markup
        )
    assert sent.chat.id == 42
    fields = fake.received["sendMessage"]
    assert fields["text"] == "Wie is <b>verantwoordelijk</b>?"
    assert fields["chat_id"] == 42 and fields["parse_mode"] == "HTML"
    assert fields["reply_markup"] == {"inline_keyboard": [[{"text": "Terug", "callback_data": "b:1"}]]}


async def test_a_picture_is_uploaded_with_its_caption(telegram: tuple[FakeTelegram, str]) -> None:
    fake, url = telegram
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    async with make_bot(url) as bot:
        sent = await bot.send_photo(7, png, caption="Opschaling Den Haag (VO)", filename="opschaling.png")
    assert sent.photo[-1].file_id == "abc"
    fields = fake.received["sendPhoto"]
    assert fields["photo"] == {"filename": "opschaling.png", "bytes": png}
    assert fields["caption"] == "Opschaling Den Haag (VO)" and fields["chat_id"] == "7"


async def test_a_slow_answer_times_out(telegram: tuple[FakeTelegram, str]) -> None:
    _, url = telegram
    async with make_bot(url, read_timeout=0.2) as bot:
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.send_chat_action(1, "typing")
    assert time.monotonic() - started < 0.9


async def test_a_refusal_is_a_bad_request(telegram: tuple[FakeTelegram, str]) -> None:
    _, url = telegram
    async with make_bot(url) as bot:
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await bot.delete_message(1, 99)


async def test_an_unreachable_server_is_a_network_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    request = AiohttpRequest(1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()


async def test_requests_before_initialize_are_refused() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest(1).do_request("http://127.0.0.1:9/x", "POST")


async def test_the_environments_proxy_is_used_and_no_proxy_respected(
    telegram: tuple[FakeTelegram, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, url = telegram
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    # The fake Telegram is the proxy: a request for an unresolvable host still reaches it.
    monkeypatch.setenv("http_proxy", url.removesuffix("/bot"))
    async with Bot(TOKEN, base_url="http://telegram.invalid/bot", request=AiohttpRequest(1)) as bot:
        await bot.send_message(5, "via de proxy")
    assert fake.received["sendMessage"]["text"] == "via de proxy"
    # NO_PROXY: straight to the host, even with a proxy that does not exist.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{dead}")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    async with make_bot(url) as bot:
        await bot.send_message(6, "zonder proxy")
    assert fake.received["sendMessage"]["text"] == "zonder proxy"

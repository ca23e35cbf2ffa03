"""The webhook server facing the internet: whatever arrives, a bad body is a 400 (never a 500 or a
crash), the log never holds what was sent, and a client that trickles is cut off."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import Bot, Update

from bot.webhook import SECRET_HEADER, make_server

SECRET = "s3cret"


class FakeApp:
    """What the handler uses of a PTB Application: the bot (to bind updates to) and the queue."""

    def __init__(self) -> None:
        self.bot = Bot("123456:AAE-test")
        self.update_queue: asyncio.Queue[Update] = asyncio.Queue()
        self.running = True


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, FakeApp]]:
    app = FakeApp()
    http = make_server(app, SECRET, {"version": "t"}, header_timeout=1.0, body_timeout=1.0)  # type: ignore[arg-type]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    http.add_sockets([sock])
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", app
    finally:
        http.stop()
        await http.close_all_connections()


MARKER = "GeheimeLeerlingNaam"
BAD_BODIES = [
    b"null",
    b"[]",
    b"123",
    b'"x"',
    b"true",
    b"{}",
    b'{"message":5}',
    b'{"update_id":"1"}',
    b'{"update_id":true}',
    b'{"update_id":1,"message":5}',
    b'{"update_id":1,"message":{"text":"' + MARKER.encode() + b'"}}',
    b'{"update_id":1,"callback_query":[]}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    b"\xff\xfe not utf-8",
    b"",
    MARKER.encode(),
]


@pytest.mark.parametrize("body", BAD_BODIES, ids=lambda b: b[:24].decode("latin-1"))
async def test_a_body_telegram_would_never_send_gets_400_and_a_log_line_without_it(
    server: tuple[str, FakeApp], body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    base, app = server
    caplog.set_level(logging.DEBUG)
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{base}/telegram", content=body, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 400
    assert app.update_queue.empty()
    refused = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1
    assert MARKER not in caplog.text and "[[[[" not in caplog.text


async def test_a_real_update_is_queued(server: tuple[str, FakeApp]) -> None:
    base, app = server
    update = {"update_id": 7, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
                                          "text": "hallo"}}
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{base}/telegram", json=update, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200
    queued = app.update_queue.get_nowait()
    assert queued.update_id == 7 and queued.message is not None and queued.message.text == "hallo"


async def test_a_stopping_bot_takes_no_update_so_telegram_sends_it_again(server: tuple[str, FakeApp]) -> None:
    base, app = server
    app.running = False
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{base}/telegram", json={"update_id": 1}, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 503 and app.update_queue.empty()


async def _trickle(base: str, head: bytes, body: bytes, every: float) -> bytes:
    """Send `head` at once, then the body a byte at a time; what the server said (b'' when it
    closed the connection without an answer)."""
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    received = b""
    try:
        writer.write(head)
        await writer.drain()
        for byte in body:
            await asyncio.sleep(every)
            if reader.at_eof():
                break
            writer.write(bytes([byte]))
            try:
                await writer.drain()
            except ConnectionError:
                break
        received = await asyncio.wait_for(reader.read(), timeout=5)
    except ConnectionError:
        pass
    finally:
        writer.close()
    return received


async def test_a_trickling_body_is_cut_off(server: tuple[str, FakeApp]) -> None:
    base, app = server
    body = b'{"update_id": 1, "message": {"message_id": 1}}'
    head = (
        f"POST /telegram HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {SECRET}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    loop = asyncio.get_running_loop()
    started = loop.time()
    answer = await asyncio.wait_for(_trickle(base, head, body, every=0.2), timeout=20)
    assert loop.time() - started < 5  # 1 s limit, not the 9 s the trickle would take
    assert b" 200 " not in answer and app.update_queue.empty()


async def test_trickling_headers_are_cut_off(server: tuple[str, FakeApp]) -> None:
    base, _ = server
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.wait_for(_trickle(base, b"POST /tele", b"gram HTTP/1.1\r\nHost: x\r\n\r\n", every=0.3), timeout=20)
    assert loop.time() - started < 5


async def test_health_answers_json_and_reports_a_problem_as_503() -> None:
    app = FakeApp()
    state: dict[str, Any] = {"status": "ok", "heartbeat_age": 3}
    http = make_server(app, SECRET, lambda: dict(state))  # type: ignore[arg-type]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    sock.setblocking(False)
    http.add_sockets([sock])
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        async with httpx.AsyncClient() as client:
            ok = await client.get(f"{base}/healthz")
            state["status"] = "stale"
            stale = await client.get(f"{base}/healthz")
    finally:
        http.stop()
    assert ok.status_code == 200 and ok.json() == {"status": "ok", "heartbeat_age": 3}
    assert stale.status_code == 503 and stale.json()["status"] == "stale"

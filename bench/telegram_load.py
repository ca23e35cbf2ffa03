"""Load on the real Telegram adapter through the local Bot API emulator.

N simulated users each ask K questions one after another (waiting for each reply), all users at
the same time. Prints updates handled per second and reply latency p50/p99 for our bot, and the
same for a trivial echo bot on the same emulator: that baseline is the emulator's and PTB's own
cost, which a real deployment does not pay in the same way. The rate limiter is off here: it
would cap throughput at Telegram's flood limits (~30 messages/s), which production needs but is
not what this measures; so is the per-user flood guard (simulated users type faster than
people). Asserts nothing.

    .venv/bin/python bench/telegram_load.py [--users 20] [--questions 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from emulator import Emulator, polling, unavailable_reason  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, ContextTypes, MessageHandler, filters  # noqa: E402

from bot.content import load_content  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.storage import Profile, Store  # noqa: E402
from bot.telegram_app import PerUserUpdateProcessor, build_application  # noqa: E402

FIRST_USER = 5000
POLL = 0.02  # seconds between looks, for the bot (getUpdates) and for the measuring poller


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


class Load:
    """Sends as many users and collects the bot's replies with one poller for all chats, so the
    measuring itself does not swamp the single-threaded emulator."""

    def __init__(self, api_url: str, token: str) -> None:
        self.token = token
        self.http = httpx.AsyncClient(base_url=api_url, timeout=30, trust_env=False, verify=False)
        self.inbox: dict[int, asyncio.Queue[float]] = defaultdict(asyncio.Queue)
        self.latencies: list[float] = []

    async def poll(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            reply = await self.http.post("/test/botMessages", json={"token": self.token, "unread_only": True})
            now = time.perf_counter()
            for message in reply.json()["result"]:
                self.inbox[int(message["chat"]["id"])].put_nowait(now)
            await asyncio.sleep(POLL)

    async def user(self, user_id: int, questions: list[str]) -> None:
        sender: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Test"}
        for question in questions:
            started = time.perf_counter()
            await self.http.post(
                "/sendMessage",
                json={
                    "botToken": self.token,
                    "from": sender,
                    "chat": {"id": user_id, "type": "private", "first_name": "Test"},
                    "date": int(time.time()),
                    "text": question,
                },
            )
            seen = await asyncio.wait_for(self.inbox[user_id].get(), timeout=60)
            self.latencies.append((seen - started) * 1000)

    async def drive(self, questions: list[list[str]]) -> float:
        stop = asyncio.Event()
        poller = asyncio.create_task(self.poll(stop))
        started = time.perf_counter()
        await asyncio.gather(*(self.user(FIRST_USER + i, qs) for i, qs in enumerate(questions)))
        elapsed = time.perf_counter() - started
        stop.set()
        await poller
        await self.http.aclose()
        return elapsed


def drive_in_child(load_type: Any, address: str, token: str, questions: list[list[str]], out: Any) -> None:
    """The simulated users, in a process of their own so they don't compete with the bot for
    the interpreter lock. `load_type` is Load (npm emulator) or FakeLoad (fake Bot API)."""

    async def main() -> None:
        load = load_type(address, token)
        elapsed = await load.drive(questions)
        out.put((elapsed, load.latencies))

    asyncio.run(main())


async def users_in_child(
    load_type: Any, address: str, token: str, questions: list[list[str]]
) -> tuple[float, list[float]]:
    """Run the users in a child process while the caller's bot serves them; their figures."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    child = context.Process(target=drive_in_child, args=(load_type, address, token, questions, out))
    child.start()
    elapsed, latencies = await asyncio.to_thread(out.get)
    await asyncio.to_thread(child.join)
    return elapsed, latencies


async def measure(
    app: Application, emu: Emulator, token: str, questions: list[list[str]]
) -> tuple[float, list[float]]:  # type: ignore[type-arg]
    async with polling(app, poll_interval=POLL):
        return await users_in_child(Load, emu.api_url, token, questions)


class LeanHttp:
    """One keep-alive HTTP/1.1 connection with the least work per request: on a 2-core machine
    the load generator must not eat the CPU the bot is measured on (httpx costs about as much
    as the bot itself)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, payload: dict[str, Any]) -> Any:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        body = json.dumps(payload).encode()
        head = f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
        self.writer.write(head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(await self.reader.readexactly(length))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class FakeLoad:
    """The same users against bench/fake_bot_api.py: they wait by long polling, not by looking."""

    def __init__(self, base: str, token: str) -> None:
        self.token = token
        host, port = base.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.latencies: list[float] = []

    async def user(self, user_id: int, questions: list[str]) -> None:
        http = LeanHttp(*self.address)
        seen = 0
        for question in questions:
            started = time.perf_counter()
            await http.post("/user/send", {"token": self.token, "user_id": user_id, "text": question})
            reply = await http.post(
                "/user/wait", {"token": self.token, "chat_id": user_id, "after": seen, "timeout": 30}
            )
            self.latencies.append((time.perf_counter() - started) * 1000)
            seen = max(m["message_id"] for m in reply["messages"])
        http.close()

    async def drive(self, questions: list[list[str]]) -> float:
        started = time.perf_counter()
        await asyncio.gather(*(self.user(FIRST_USER + i, qs) for i, qs in enumerate(questions)))
        return time.perf_counter() - started


async def measure_fake(
    app: Application, base: str, token: str, questions: list[list[str]]
) -> tuple[float, list[float]]:  # type: ignore[type-arg]
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=10)
        await app.start()
        result = await users_in_child(FakeLoad, base, token, questions)
        await app.updater.stop()
        await app.stop()
    return result


def start_fake_api() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "fake_bot_api.py"), "0"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    return process, f"http://127.0.0.1:{line.split()[1]}"


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat
    await context.bot.send_message(update.effective_chat.id, "ok")


def report(name: str, elapsed: float, latencies: list[float]) -> None:
    n = len(latencies)
    print(
        f"{name}: {n} updates in {elapsed:.1f} s = {n / elapsed:.0f} updates/s; "
        f"reply latency p50 {pct(latencies, 0.5):.0f} ms, p99 {pct(latencies, 0.99):.0f} ms"
    )


async def main_async(users: int, per_user: int, api: str) -> None:
    kb = load_content()
    engine = Engine(kb, Store(Path(tempfile.mkdtemp()) / "load.db"))
    engine_ms: list[float] = []
    handle = engine.handle

    def timed_handle(user: str, event):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return handle(user, event)
        finally:
            engine_ms.append((time.perf_counter() - started) * 1000)

    engine.handle = timed_handle  # type: ignore[method-assign]
    pool = [q for view in kb.sections for q in view.section.questions]
    questions = [[pool[(i * per_user + k) % len(pool)] for k in range(per_user)] for i in range(users)]
    for i in range(users):
        gemeente = kb.gemeenten[i % len(kb.gemeenten)]
        engine.store.save_profile(
            Profile(f"tg:{FIRST_USER + i}", "mentor", gemeente, kb.sectors_of(gemeente)[0])
        )

    if api == "emulator":
        with Emulator() as emu:
            token = emu.new_token()
            baseline = (
                Application.builder()
                .token(token)
                .base_url(emu.base_url)
                .concurrent_updates(PerUserUpdateProcessor())
                .build()
            )
            baseline.add_handler(MessageHandler(filters.TEXT, echo))
            report("emulator + PTB baseline (echo bot)", *await measure(baseline, emu, token, questions))
            token = emu.new_token()
            app = build_application(engine, token, api_url=emu.base_url, rate_limit=False, flood_limit=None)
            report("routeboek bot (questions)", *await measure(app, emu, token, questions))
    else:
        process, base = start_fake_api()
        try:
            token = "4001:LOAD"
            baseline = (
                Application.builder()
                .token(token)
                .base_url(f"{base}/bot")
                .concurrent_updates(PerUserUpdateProcessor())
                .build()
            )
            baseline.add_handler(MessageHandler(filters.TEXT, echo))
            report(
                "fake Bot API + PTB baseline (echo bot)",
                *await measure_fake(baseline, base, token, questions),
            )
            token = "4002:LOAD"
            app = build_application(engine, token, api_url=f"{base}/bot", rate_limit=False, flood_limit=None)
            report("routeboek bot (questions)", *await measure_fake(app, base, token, questions))
        finally:
            process.terminate()
    print(
        f"time in the engine per question: p50 {pct(engine_ms, 0.5):.2f} ms, p99 {pct(engine_ms, 0.99):.2f} ms"
    )
    print(f"users: {users}, questions each: {per_user}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument(
        "--api",
        choices=["emulator", "fake"],
        default="emulator",
        help="emulator: the npm telegram-test-api of the e2e tests; fake: bench/fake_bot_api.py (long polling)",
    )
    args = parser.parse_args()
    reason = unavailable_reason()
    if args.api == "emulator" and reason:
        print(f"emulator not available: {reason} (run `npm ci` first)")
        return 1
    asyncio.run(main_async(args.users, args.questions, args.api))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

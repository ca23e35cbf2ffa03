"""Load on the real Telegram adapter through the local Bot API emulator.

N simulated users each ask K questions one after another (each waits for the reply by long
polling, as a Telegram app does), all users at the same time. For each N it prints updates
handled per second, reply latency p50/p99, and CPU time per update of the bot, the emulator and
the simulated users (three processes sharing this machine's cores). An echo bot with the same
network layer on the same emulator is the baseline: the cost of the emulator and PTB alone.

The rate limiter is off here: it caps throughput at Telegram's flood limits (~30 messages/s),
which production needs but is not what this measures; so is the per-user flood guard
(simulated users type faster than people). Asserts nothing.

    .venv/bin/python bench/telegram_load.py [--users 5,10,20] [--questions 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from emulator import Emulator, polling, unavailable_reason  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, ContextTypes, MessageHandler, filters  # noqa: E402

from bot.content import load_content  # noqa: E402
from bot.engine import Engine, TextIn  # noqa: E402
from bot.http_request import AiohttpRequest  # noqa: E402
from bot.storage import Profile, Store  # noqa: E402
from bot.telegram_app import PerUserUpdateProcessor, build_application, settle_heap  # noqa: E402

FIRST_USER = 5000
AnyApp = Application[Any, Any, Any, Any, Any, Any]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


async def one_user(address: tuple[str, int], token: str, user_id: int, questions: list[str]) -> list[float]:
    """Reply latencies (ms) of one user asking `questions` one after another."""
    http = LeanHttp(*address)
    sender = {"id": user_id, "is_bot": False, "first_name": "Test"}
    chat = {"id": user_id, "type": "private", "first_name": "Test"}
    latencies = []
    for question in questions:
        started = time.perf_counter()
        message = {"botToken": token, "from": sender, "chat": chat, "date": int(time.time())}
        await http.post("/sendMessage", {**message, "text": question})
        replies: list[Any] = []
        while not replies:
            answer = await http.post(
                "/test/botMessages", {"token": token, "chat_id": user_id, "unread_only": True, "wait": 30}
            )
            replies = answer["result"]
        latencies.append((time.perf_counter() - started) * 1000)
    http.close()
    return latencies


def users_process(address: tuple[str, int], token: str, questions: list[list[str]], out: Any) -> None:
    """All simulated users, in a process of their own so they don't compete with the bot for
    the interpreter lock. Sends back (seconds, latencies, own CPU seconds)."""

    async def main() -> tuple[float, list[float]]:
        started = time.perf_counter()
        per_user = await asyncio.gather(
            *(one_user(address, token, FIRST_USER + i, qs) for i, qs in enumerate(questions))
        )
        return time.perf_counter() - started, [ms for user in per_user for ms in user]

    usage = resource.getrusage(resource.RUSAGE_SELF)
    elapsed, latencies = asyncio.run(main())
    after = resource.getrusage(resource.RUSAGE_SELF)
    out.put((elapsed, latencies, after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime))


@dataclass
class Run:
    elapsed: float
    latencies: list[float]
    cpu_bot: float
    cpu_emulator: float
    cpu_users: float

    def per(self, seconds: float) -> float:
        """Milliseconds per update."""
        return 1000 * seconds / len(self.latencies)

    def report(self, name: str) -> str:
        n, per = len(self.latencies), self.per
        return (
            f"  {name:<22} {n / self.elapsed:4.0f} updates/s   p50 {pct(self.latencies, 0.5):4.0f} ms"
            f"   p99 {pct(self.latencies, 0.99):4.0f} ms   cpu/update: bot {per(self.cpu_bot):.1f} ms,"
            f" emulator {per(self.cpu_emulator):.1f} ms, users {per(self.cpu_users):.1f} ms"
        )


async def measure(app: AnyApp, emu: Emulator, token: str, questions: list[list[str]]) -> Run:
    async with polling(app):
        context = multiprocessing.get_context("spawn")
        out = context.Queue()
        child = context.Process(target=users_process, args=((emu.host, emu.port), token, questions, out))
        node, bot = cpu_seconds(emu.pid), time.process_time()
        child.start()
        elapsed, latencies, cpu_users = await asyncio.to_thread(out.get)
        run = Run(elapsed, latencies, time.process_time() - bot, cpu_seconds(emu.pid) - node, cpu_users)
        await asyncio.to_thread(child.join)
    return run


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat
    await context.bot.send_message(update.effective_chat.id, "ok")


def echo_bot(emu: Emulator, token: str) -> AnyApp:
    app = (
        Application.builder()
        .token(token)
        .base_url(emu.base_url)
        .request(AiohttpRequest(256))  # the bot's own network layer: only the handler differs
        .get_updates_request(AiohttpRequest(1))
        .concurrent_updates(PerUserUpdateProcessor())
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


class EngineClock:
    """Wraps engine.handle to record its wall time per call (ms) and the CPU time of the engine
    thread (s): the bot's CPU per update minus that is the adapter's (PTB, aiohttp, asyncio)."""

    def __init__(self, engine: Engine) -> None:
        self.times: list[float] = []
        self.cpu = 0.0
        handle: Callable[..., Any] = engine.handle

        def timed_handle(*args: Any) -> Any:
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                return handle(*args)
            finally:
                self.cpu += time.thread_time() - cpu
                self.times.append((time.perf_counter() - started) * 1000)

        engine.handle = timed_handle  # type: ignore[method-assign]


async def main_async(user_counts: list[int], per_user: int) -> None:
    kb = load_content()
    engine = Engine(kb, Store(Path(tempfile.mkdtemp()) / "load.db"))
    pool = [q for view in kb.sections for q in view.section.questions]
    for i in range(max(user_counts)):
        gemeente = kb.gemeenten[i % len(kb.gemeenten)]
        engine.store.save_profile(
            Profile(f"tg:{FIRST_USER + i}", "mentor", gemeente, kb.sectors_of(gemeente)[0])
        )
    for question in pool[:50]:  # warm-up: first calls fill caches
        engine.handle(f"tg:{FIRST_USER}", TextIn(question))
    clock = EngineClock(engine)
    settle_heap()  # as run_telegram does once the bot is built

    print(f"{len(pool)} different questions from the knowledge base, {per_user} per user")
    with Emulator() as emu:
        for users in user_counts:
            questions = [
                [pool[(i * per_user + k) % len(pool)] for k in range(per_user)] for i in range(users)
            ]
            print(f"{users} users:")
            token = emu.new_token()
            base = await measure(echo_bot(emu, token), emu, token, questions)
            print(base.report("echo bot (baseline)"))
            token = emu.new_token()
            app = build_application(engine, token, api_url=emu.base_url, rate_limit=False, flood_limit=None)
            engine_cpu = clock.cpu
            bot = await measure(app, emu, token, questions)
            print(bot.report("routeboek bot"))
            per = 1000 * (clock.cpu - engine_cpu) / len(bot.latencies)
            print(f"  {'':<22} of the bot's cpu/update: engine thread {per:.1f} ms, the rest {bot.per(bot.cpu_bot) - per:.1f} ms")
            throughput = (len(bot.latencies) / bot.elapsed) / (len(base.latencies) / base.elapsed)
            p99 = pct(bot.latencies, 0.99) / pct(base.latencies, 0.99)
            print(f"  against the echo bot: throughput {throughput:.2f}x (target >= 0.8x), p99 {p99:.2f}x (target <= 1.5x)")
    times = clock.times
    print(f"engine time per question: p50 {pct(times, 0.5):.2f} ms, p99 {pct(times, 0.99):.2f} ms")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="5,10,20", help="comma-separated user counts (default 5,10,20)")
    parser.add_argument("--questions", type=int, default=50, help="questions per user (default 50)")
    args = parser.parse_args()
    reason = unavailable_reason()
    if reason:
        print(f"emulator not available: {reason} (run `npm ci` first)")
        return 1
    asyncio.run(main_async([int(n) for n in args.users.split(",")], args.questions))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

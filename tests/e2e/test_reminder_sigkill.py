"""A bot killed with SIGKILL in the middle of a reminder burst loses no reminder and doubles at
most the one that was in flight.

The reminder run sends a reminder and only then records it as sent, so the record is the source of
truth across restarts: whatever was not recorded goes out again after a restart (nothing lost),
and the only thing that can go out twice is the one message that Telegram had received but whose
record the kill prevented. SIGKILL is the honest test of that order: no signal handler, no
shutdown hook, no flush runs. The real `routeboek run` process is killed, as a deployment's
would be by the OOM killer or a power cut of its container, and restarted on the same data folder.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import IO

import pytest
from emulator import ROOT, Call, Client, Emulator

from bot.cases import CaseDesk
from bot.content import load_content
from bot.engine import LOCAL_TIME
from bot.storage import Prefs, Profile, Store

# A Monday morning: reminders only go out on weekdays in working hours, so the bot's clock is
# fixed (ROUTEBOEK_CLOCK) and the test does not depend on when CI runs.
NOW = datetime(2026, 1, 26, 9, 0, tzinfo=LOCAL_TIME)
# Four users with the most cases a user may have, each case with a reminder due now: a week ahead
# of step 1, 2, 3 or on the last day of 4, and for a case two days late with steps 1 and 2 both.
USERS = [5101, 5102, 5103, 5104]
CASES_PER_USER = 50
STARTS = ["2026-01-05", "2025-12-03", "2025-11-12", "2025-10-26", "2025-11-29"]
KILLS = 3
# Each process must deliver this many new reminders before it is killed: the kill then falls in
# the middle of the burst, and the reminder in flight at the previous kill has been resent.
PROGRESS = 15
WAIT = 30.0  # seconds any one condition may take before the test fails


def prepare(data: Path) -> dict[str, int]:
    """Profiles and cases in the bot's data folder; returns the due reminders, each as the key
    `key()` reads from a delivered message (the callback data of its 'Stap gezet' button), with
    the chat it goes to."""
    store = Store(data / "routeboek.db")
    try:
        for n, user_id in enumerate(USERS):
            user = f"tg:{user_id}"
            store.save_profile(Profile(user, "ib", "Den Haag", "vo"))
            store.save_prefs(user, Prefs(digest=False))  # NOW is a Monday: this test is about reminders
            for i in range(CASES_PER_USER):
                start = STARTS[(n + i) % len(STARTS)]
                store.add_case(user, f"K{n}{i:02d}", "Den Haag", "vo", start)
        due = CaseDesk(load_content(), store).due_reminders(NOW)
    finally:
        store.close()
    keys = {reminder.reply.buttons[0][0].data: int(reminder.case.user[3:]) for reminder in due}
    assert len(keys) == len(due) > len(USERS) * CASES_PER_USER, "distinct keys, every case due"
    return keys


def key(call: Call) -> str:
    """Which reminder a sendMessage call delivered."""
    data: str = call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    return data


class Bot:
    """`routeboek run` as a child process on one data folder, started and killed at will."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None

    def start(self) -> None:
        assert self.process is None
        self._log_file = self.log.open("ab")  # a file, not a pipe nobody reads
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=self._log_file,
        )

    def kill(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        if self._log_file is not None:
            self._log_file.close()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> int:
        """SIGINT, as an operator stops it; the exit code."""
        process, self.process = self.process, None
        assert process is not None
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
        if self._log_file is not None:
            self._log_file.close()
        return code


async def wait_until(
    what: str, condition: Callable[[], Awaitable[bool]], bot: Bot, log: Path, timeout: float = WAIT
) -> None:
    """Poll `condition` until it holds; fail early when the bot process died on its own."""
    deadline = time.monotonic() + timeout
    while not await condition():
        if not bot.alive():
            pytest.fail(f"the bot exited while waiting for {what}:\n{log.read_text(errors='replace')}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}:\n{log.read_text(errors='replace')[-4000:]}")
        await asyncio.sleep(0.02)


async def test_sigkill_in_a_reminder_burst_loses_none_and_doubles_at_most_the_one_in_flight(
    emu: Emulator, bot_env, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    chats = prepare(data)
    due = set(chats)
    token = emu.new_token()
    observer: Client = emu.client(token)  # reads the bot's calls for the token, all chats
    log = tmp_path / "bot.log"
    bot = Bot(bot_env(token, data, ROUTEBOEK_CLOCK=NOW.isoformat(), ROUTEBOEK_REMINDER_INTERVAL="0.5"), log)
    delivered: list[str] = []  # reminders in the order the emulator received them

    async def deliveries() -> list[str]:
        delivered[:] = [key(call) for call in await observer.calls("sendMessage")]
        return delivered

    kills_at: list[int] = []  # how many sendMessage calls the emulator had when each kill ended
    try:
        for _ in range(KILLS):
            before = len(set(await deliveries()))
            bot.start()

            async def progressed(before: int = before) -> bool:
                return len(set(await deliveries())) >= before + PROGRESS

            await wait_until(f"{PROGRESS} more reminders", progressed, bot, log)
            bot.kill()
            kills_at.append(len(await deliveries()))
            assert len(set(delivered)) < len(due), "the burst ended before the kill: add cases"

        bot.start()

        async def complete() -> bool:
            return set(await deliveries()) >= due

        await wait_until("every due reminder", complete, bot, log)
        assert bot.stop() == 0, log.read_text(errors="replace")
    finally:
        bot.kill()

    calls = await observer.calls("sendMessage")  # after the stop: a late double would show
    delivered = [key(call) for call in calls]
    counts = Counter(delivered)
    lost = due - set(delivered)
    doubled = {k: n for k, n in counts.items() if n > 1}
    print(f"\n{len(due)} reminders, {KILLS} kills at calls {kills_at}: lost {len(lost)}, doubled {doubled}")
    assert not lost, f"reminders never delivered: {sorted(lost)}"
    assert set(delivered) <= due, "only due reminders are sent"
    assert all(n == 2 for n in counts.values() if n > 1), f"a reminder went out three times: {doubled}"
    # Per kill at most one reminder that had been delivered before it was delivered again after:
    # the one in flight, whose 'sent' record the kill cut off.
    for at in kills_at:
        before, after = set(delivered[:at]), delivered[at:]
        again = {k for k in after if k in before}
        assert len(again) <= 1, f"more than the reminder in flight was doubled at a kill: {again}"
    assert len(doubled) <= KILLS
    # Nothing is left unrecorded, so no later run can send a reminder again.
    store = Store(data / "routeboek.db")
    try:
        assert CaseDesk(load_content(), store).due_reminders(NOW) == []
    finally:
        store.close()
    # Each user sees exactly what the bot sent to that chat.
    for user_id in USERS:
        messages = await emu.client(token, user_id=user_id).bot_messages()
        sent = [key(c) for c in calls if int(c.params["chat_id"]) == user_id]
        assert Counter(m.buttons[0][1] for m in messages) == Counter(sent)
        assert set(sent) == {k for k, chat in chats.items() if chat == user_id}

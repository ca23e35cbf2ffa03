"""`routeboek run`, the command a deployment starts, serves a Telegram user exactly as the console
chat serves its user: the same conversation gives the same messages and the same buttons."""

from __future__ import annotations

import html
import io
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from emulator import ROOT, BotMessage, Emulator

from bot.console import run_console
from bot.content import load_content
from bot.engine import Engine, Event, Reply
from bot.storage import Store

# Onboarding by presses (role 2, gemeente 3, sector 2 = VO), a question, a walk-through, the
# escalation table (a picture on Telegram), help.
SCRIPT = ["/start", "2", "3", "2", "leerling al 2 weken ziek, wat nu?", "/route", "1", "1", "/opschaling", "/help"]


class RecordingEngine:
    """The console's engine, remembering the replies of each step so the Telegram side knows how
    many messages to wait for."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.steps: list[list[Reply]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    def handle(self, user: str, event: Event) -> list[Reply]:
        replies = self.engine.handle(user, event)
        self.steps.append(replies)
        return replies


def console_transcript(tmp_path: Path) -> tuple[str, list[list[Reply]]]:
    recording = RecordingEngine(Engine(load_content(), Store(tmp_path / "console.db")))
    out = io.StringIO()
    run_console(recording, io.StringIO("\n".join(SCRIPT) + "\n"), out)  # type: ignore[arg-type]
    return out.getvalue(), recording.steps


def as_console(message: BotMessage) -> str:
    """A Telegram message in the console's format: plain text, then `[n] label` per button."""
    text = html.unescape(re.sub(r"</?b>", "", message.text or ""))
    return "\n".join([text] + [f"[{i}] {label}" for i, (label, _) in enumerate(message.buttons, 1)]) + "\n\n"


async def test_routeboek_run_serves_a_user_as_the_console_does(emu: Emulator, bot_env, tmp_path: Path) -> None:
    expected, steps = console_transcript(tmp_path)
    assert len(steps) == len(SCRIPT)
    token = emu.new_token()
    env = bot_env(token, tmp_path / "telegram")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        user = emu.client(token, user_id=4242)
        await user.wait_for_call("setMyCommands", timeout=60)  # started: content loaded, menu set
        transcript = []
        latest_with_buttons: BotMessage | None = None
        for line, replies in zip(SCRIPT, steps, strict=True):
            if line.isdigit():
                assert latest_with_buttons is not None
                await user.press(latest_with_buttons.buttons[int(line) - 1][1] or "", latest_with_buttons)
            elif line.startswith("/"):
                await user.send_command(line)
            else:
                await user.send_message(line)
            pictures = sum(1 for reply in replies if reply.picture)
            messages = await user.wait_for_messages(len(replies) + pictures, timeout=15)
            assert sum(m.has_photo for m in messages) == pictures
            for message in messages:
                if message.has_photo:
                    continue
                transcript.append(as_console(message))
                if message.buttons:
                    latest_with_buttons = message
        assert "".join(transcript) == expected
        assert "Bron:" in expected and "vraag 1 van" in expected  # a real answer and walk-through
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    # The log holds no message text (privacy), even at INFO level.
    assert "2 weken ziek" not in stderr

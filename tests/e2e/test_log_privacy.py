"""What users write never reaches the log of `routeboek run`, even at LOG_LEVEL=DEBUG, and with
LOG_FORMAT=json every line is one JSON object."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from emulator import ROOT

QUESTION = "leerling Pietje Puk al drie weken ziek thuis, wie moet ik bellen?"


async def test_debug_json_log_holds_no_message_text(emu, bot_env, tmp_path: Path) -> None:
    token = emu.new_token()
    env = bot_env(token, tmp_path, LOG_LEVEL="DEBUG", LOG_FORMAT="json")
    process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                               stderr=subprocess.PIPE, text=True)
    try:
        user = emu.client(token, user_id=6161)
        await user.wait_for_call("setMyCommands", timeout=60)
        await user.send_command("/start")
        await user.wait_for_messages(1, timeout=15)
        await user.send_message(QUESTION)
        await user.wait_for_messages(1, timeout=15)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "the bot logged nothing at DEBUG"
    for line in lines:
        event = json.loads(line)
        assert {"time", "level", "logger", "event"} <= event.keys()
    for fragment in ("Pietje", "drie weken ziek", token.split(":")[1]):
        assert fragment not in stderr

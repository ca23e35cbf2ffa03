"""`docker stop` / `systemctl stop` send SIGTERM: the webhook bot must answer every update it
already accepted (Telegram got a 200 and will not send it again), then exit 0.

The real `routeboek run --webhook` process, against the emulator; updates are POSTed to its
webhook as Telegram would, and SIGTERM follows the last 200 at once.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from emulator import ROOT, free_port

SECRET = "sigterm-test_secret"
USERS = 40


def update(n: int) -> dict[str, Any]:
    user = {"id": 7000 + n, "is_bot": False, "first_name": "T"}
    text = "leerling al 2 weken ziek, wat nu?" if n % 2 else "/start"
    message: dict[str, Any] = {
        "message_id": n,
        "date": int(time.time()),
        "chat": {"id": user["id"], "type": "private"},
        "from": user,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": 1000 + n, "message": message}


async def test_sigterm_answers_every_accepted_update_then_exits_0(emu, bot_env, tmp_path: Path) -> None:
    token = emu.new_token()
    port = free_port()
    env = bot_env(token, tmp_path, WEBHOOK_URL="https://bot.example.org", WEBHOOK_SECRET=SECRET)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--webhook", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(trust_env=False) as http:
            for _ in range(600):
                try:
                    if (await http.get(f"{base}/healthz")).status_code in (200, 503):
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the webhook server did not come up")
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            responses = await asyncio.gather(
                *(http.post(f"{base}/telegram", json=update(n), headers=headers) for n in range(USERS))
            )
        assert [r.status_code for r in responses] == [200] * USERS
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    calls = await emu.client(token).calls("sendMessage")
    answered = {int(call.params["chat_id"]) for call in calls}
    assert answered == {7000 + n for n in range(USERS)}
    assert "every accepted update was handled" in stderr
    assert "2 weken ziek" not in stderr  # no message text in the log

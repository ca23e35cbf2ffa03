"""`routeboek health` and `GET /healthz` tell the same story about a running bot, in webhook and
polling mode alike; a bot that stopped is reported as not running."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from emulator import ROOT, free_port


def health(env: dict[str, str]) -> tuple[int, dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "health"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    return result.returncode, json.loads(result.stdout)


async def wait_healthy(env: dict[str, str], process: subprocess.Popen[str]) -> dict[str, Any]:
    for _ in range(300):
        assert process.poll() is None, "the bot stopped"
        code, data = health(env)
        if code == 0:
            return data
        await asyncio.sleep(0.2)
    raise AssertionError(f"never healthy: {data}")


@pytest.mark.parametrize("mode", ["webhook", "polling"])
async def test_health_command_and_endpoint_agree(emu, bot_env, tmp_path: Path, mode: str) -> None:
    port = free_port()
    env = bot_env(emu.new_token(), tmp_path, WEBHOOK_URL="https://bot.example.org", WEBHOOK_SECRET="health_test")
    args = ["run", "--webhook", "--port", str(port)] if mode == "webhook" else ["run"]
    process = subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env,
                               stderr=subprocess.PIPE, text=True)
    try:
        command = await wait_healthy(env, process)
        assert command["mode"] == mode and command["schema_version"].startswith("m0")
        assert command["content_version"] and command["version"]
        assert command["last_api_ok_age"] is not None  # getMe answered at start
        if mode == "webhook":
            async with httpx.AsyncClient(trust_env=False) as http:
                endpoint = (await http.get(f"http://127.0.0.1:{port}/healthz")).json()
            ages = ("heartbeat_age", "last_api_ok_age")
            assert {k: v for k, v in endpoint.items() if k not in ages} == {
                k: v for k, v in command.items() if k not in ages
            }
            for key in ages:
                assert abs(endpoint[key] - command[key]) < 30
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    code, after = health(env)
    assert code == 1 and "not running" in after["problems"][0]

"""Start-up against a Bot API that misbehaves: cosmetic calls failing never stop the bot; a
Telegram that is briefly unreachable is retried; a wrong token stops at once with a clear line."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from telegram.request import RequestData
from test_telegram_handlers import OfflineRequest

from bot.content import load_content
from bot.engine import Engine
from bot.startup import StartupFailed, connect
from bot.storage import Store
from bot.telegram_app import AnyApp, build_application


class FlakyRequest(OfflineRequest):
    """The offline Bot API, where chosen methods answer HTTP 500 (the first `times` calls)."""

    def __init__(self, broken: dict[str, int], status: int = 500) -> None:
        super().__init__()
        self.broken = dict(broken)
        self.status = status

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        if self.broken.get(name, 0) > 0:
            self.broken[name] -= 1
            self.calls.append((name, {}))
            description = "Internal Server Error" if self.status == 500 else "Unauthorized"
            return self.status, json.dumps({"ok": False, "error_code": self.status, "description": description}).encode()
        return await super().do_request(url, method, request_data, *args, **kwargs)


def app_with(request: OfflineRequest, content_dir: Path, tmp_path: Path) -> AnyApp:
    engine = Engine(load_content(content_dir), Store(tmp_path / "db.sqlite"))
    return build_application(engine, "1:TEST", rate_limit=False, request=request)


async def no_sleep(_: float) -> None:
    return None


async def test_a_500_from_the_cosmetic_calls_is_a_warning_and_the_bot_still_answers(
    content_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from test_telegram_handlers import message_update, process

    broken = {"setMyShortDescription": 9, "setMyDescription": 9, "setMyCommands": 9}
    request = FlakyRequest(broken)
    app = app_with(request, content_dir, tmp_path)
    caplog.set_level(logging.WARNING)
    await connect(app, sleep=no_sleep)
    assert app.post_init is not None
    await app.post_init(app)  # must not raise
    assert "could not set the short description" in caplog.text
    assert "could not set the menu" in caplog.text
    await process(app, message_update("/start"))
    assert request.sent(), "the bot answers after a failed start-up decoration"
    await app.shutdown()


async def test_get_me_is_retried_with_backoff_then_succeeds(content_dir: Path, tmp_path: Path) -> None:
    request = FlakyRequest({"getMe": 2})
    app = app_with(request, content_dir, tmp_path)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    await connect(app, attempts=4, first_delay=1.0, sleep=record)
    assert waits == [1.0, 2.0]
    assert app.bot.username == "routeboek_bot"
    await app.shutdown()


async def test_telegram_down_for_good_is_a_clear_message(content_dir: Path, tmp_path: Path) -> None:
    request = FlakyRequest({"getMe": 99})
    app = app_with(request, content_dir, tmp_path)
    with pytest.raises(StartupFailed, match="niet bereikbaar na 3 pogingen"):
        await connect(app, attempts=3, sleep=no_sleep)
    assert [name for name, _ in request.calls].count("getMe") == 3


async def test_a_wrong_token_is_not_retried(content_dir: Path, tmp_path: Path) -> None:
    request = FlakyRequest({"getMe": 99}, status=401)
    app = app_with(request, content_dir, tmp_path)
    with pytest.raises(StartupFailed, match="TELEGRAM_BOT_TOKEN"):
        await connect(app, attempts=3, sleep=no_sleep)
    assert [name for name, _ in request.calls].count("getMe") == 1


async def test_a_refused_webhook_registration_stops_the_start_with_a_clear_message(
    content_dir: Path, tmp_path: Path
) -> None:
    from bot.webhook import serve_webhook

    request = FlakyRequest({})
    request.failing["setWebhook"] = "Bad Request: bad webhook: HTTPS url must be provided for webhook"
    app = app_with(request, content_dir, tmp_path)
    with pytest.raises(StartupFailed, match=r"weigert de webhook https://bot\.example\.org/telegram: .*WEBHOOK_URL"):
        await serve_webhook(app, "https://bot.example.org", "s3cret", 0, {}, "127.0.0.1")
    assert not app.running


def test_routeboek_run_with_a_token_telegram_refuses_exits_1_with_one_clear_line(tmp_path: Path) -> None:
    """The whole command against a Bot API that answers 401, as Telegram does for a revoked token."""
    import os
    import subprocess
    import sys
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Refusing(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"}).encode()
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": "123456:AAE-revoked",
            "TELEGRAM_API_URL": f"http://127.0.0.1:{server.server_address[1]}/bot",
            "ROUTEBOEK_DATA_DIR": str(tmp_path),
        }
        result = subprocess.run(
            [sys.executable, "-m", "bot", "run"], env=env, capture_output=True, text=True, timeout=120,
            cwd=Path(__file__).resolve().parents[1],
        )
    finally:
        server.shutdown()
    assert result.returncode == 1
    assert "Telegram kent dit token niet (TELEGRAM_BOT_TOKEN)" in result.stderr
    assert "Traceback" not in result.stderr and "AAE-revoked" not in result.stderr
    assert "Unclosed" not in result.stderr  # the HTTP sessions of the failed start are closed

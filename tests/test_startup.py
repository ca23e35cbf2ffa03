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

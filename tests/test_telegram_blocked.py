"""A user who blocked the bot: Telegram answers Forbidden, the user is marked inactive and not
tried again until they write to the bot again."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from test_telegram_handlers import OfflineRequest, message_update, process

from bot.content import load_content
from bot.engine import Engine
from bot.storage import Profile, Store
from bot.telegram_app import build_application


class Blocked(OfflineRequest):
    """Telegram's answer to a message for a user who blocked the bot."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked = True

    async def do_request(self, url: str, method: str, request_data: Any = None, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if self.blocked and url.endswith("/sendMessage"):
            self.calls.append(("sendMessage", request_data.parameters if request_data else {}))
            body = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
            return 403, json.dumps(body).encode()
        return await super().do_request(url, method, request_data, *args, **kwargs)


async def test_a_blocked_user_is_marked_inactive_and_not_retried_until_they_write(
    content_dir: Path, tmp_path: Path
) -> None:
    request = Blocked()
    monday = datetime(2026, 1, 26, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    engine = Engine(load_content(content_dir), Store(tmp_path / "db.sqlite"), clock=lambda: monday)
    app = build_application(engine, "1:TEST", rate_limit=False, request=request)
    engine.store.save_profile(Profile("tg:42", "ib", "Den Haag", "vo"))
    engine.store.add_case("tg:42", "K7MX", "Den Haag", "vo", "2026-01-05")  # step 1 opens 2 February
    assert app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name("reminders")
    async with app:
        await job.run(app)
        assert len(request.sent()) == 1 and engine.store.prefs("tg:42").inactive is not None
        await job.run(app)
        assert len(request.sent()) == 1  # not tried again
        request.blocked = False
        await process(app, message_update("/casus"))  # the user is back
        assert engine.store.prefs("tg:42").inactive is None
        request.calls.clear()
        await job.run(app)
    assert any("Herinnering casus K7MX" in s["text"] for s in request.sent())


async def test_the_monday_digest_is_pushed_once(content_dir: Path, tmp_path: Path) -> None:
    request = OfflineRequest()
    monday = datetime(2026, 2, 9, 8, 10, tzinfo=ZoneInfo("Europe/Amsterdam"))
    engine = Engine(load_content(content_dir), Store(tmp_path / "db.sqlite"), clock=lambda: monday)
    app = build_application(engine, "1:TEST", rate_limit=False, request=request)
    engine.store.add_case("tg:42", "K7MX", "Den Haag", "vo", "2026-01-05")
    engine.store.add_case("console:local", "P3RT", "Den Haag", "vo", "2026-01-05")
    assert app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name("reminders")
    async with app:
        await job.run(app)
        await job.run(app)
    digests = [s for s in request.sent() if "Weekoverzicht casussen" in s["text"]]
    assert len(digests) == 1 and digests[0]["chat_id"] == 42 and "Casus K7MX" in digests[0]["text"]
    assert "P3RT" not in digests[0]["text"]
    pressable = [b["callback_data"] for row in digests[0]["reply_markup"]["inline_keyboard"] for b in row]
    assert "ps:dg:0" in pressable

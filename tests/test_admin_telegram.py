"""The Telegram adapter's part of the admin desk, offline: 👍/👎 under inline cards, the minute
flush of use counts, and a broadcast job that skips a user who blocked the bot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from telegram.request import RequestData
from test_telegram_handlers import OfflineRequest, inline_update, process

from bot.content import load_content
from bot.engine import Command, Engine, Press
from bot.storage import Profile, Store
from bot.telegram_app import BROADCAST_BATCH, BROADCAST_EVERY, build_application


def inline_press(data: str) -> dict[str, Any]:
    """A press on a button of a message posted inline: Telegram sends no chat and no message."""
    return {
        "update_id": 9,
        "callback_query": {
            "id": "cb9",
            "from": {"id": 42, "is_bot": False, "first_name": "Test"},
            "chat_instance": "x",
            "inline_message_id": "im1",
            "data": data,
        },
    }


async def test_inline_cards_carry_thumbs_and_a_press_is_counted_with_a_notice(content_dir: Path, tmp_path: Path) -> None:
    engine = Engine(load_content(content_dir), Store(tmp_path / "db.sqlite"))
    request = OfflineRequest()
    app = build_application(engine, "1:TEST", rate_limit=False, request=request)
    async with app:
        await process(app, inline_update("wanneer meldt de school ziekteverzuim bij de jgz?"))
        (call,) = request.sent("answerInlineQuery")
        results = json.loads(call["results"]) if isinstance(call["results"], str) else call["results"]
        keyboard = results[0]["reply_markup"]["inline_keyboard"]
        thumbs = {b["text"]: b["callback_data"] for row in keyboard for b in row}
        assert set(thumbs) == {"👍", "👎"}
        await process(app, inline_press(thumbs["👍"]))
    (answer,) = request.sent("answerCallbackQuery")
    assert answer["text"].startswith("Dank je")
    assert engine.stats.vote_totals() == {results[0]["id"]: (1, 0)}


class BlockedBy43(OfflineRequest):
    """Telegram as it answers when user 43 blocked the bot."""

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None, **kw: Any) -> tuple[int, bytes]:
        params = request_data.parameters if request_data else {}
        if url.endswith("/sendMessage") and int(params.get("chat_id", 0)) == 43:
            self.calls.append(("sendMessage", params))
            body = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
            return 403, json.dumps(body).encode()
        return await super().do_request(url, method, request_data, **kw)


async def test_the_flush_job_writes_the_counts_and_a_broadcast_reaches_each_user_once(
    content_dir: Path, tmp_path: Path
) -> None:
    engine = Engine(load_content(content_dir), Store(tmp_path / "db.sqlite"), admins=frozenset({"tg:1"}))
    for user in ("tg:42", "tg:43"):
        engine.store.save_profile(Profile(user, "mentor", "Den Haag", "vo"))
    request = BlockedBy43()
    app = build_application(engine, "1:TEST", rate_limit=False, request=request)
    assert app.job_queue is not None
    (flush,) = app.job_queue.get_jobs_by_name("flush-counts")
    (send,) = app.job_queue.get_jobs_by_name("broadcasts")
    engine.handle("tg:42", Command("opschaling"))
    (preview,) = engine.handle("tg:1", Command("broadcast", "alle: Nieuw loket"))
    (confirm,) = [b for row in preview.buttons for b in row if b.label == "Versturen aan 2"]
    engine.handle("tg:1", Press(confirm.data))
    async with app:
        await flush.run(app)
        await send.run(app)
        await send.run(app)  # a second run finds nobody left
    assert engine.store.stats_rows()
    sent = request.sent()
    assert [m["chat_id"] for m in sent] == [42, 43] and "Nieuw loket" in sent[0]["text"]
    assert engine.store.inactive_users() == {"tg:43"}  # blocked: not tried again
    assert engine.store.open_broadcasts() == []


async def test_a_broadcast_goes_out_a_batch_per_run_within_the_flood_limits(content_dir: Path, tmp_path: Path) -> None:
    engine = Engine(load_content(content_dir), Store(tmp_path / "db.sqlite"), admins=frozenset({"tg:1"}))
    users = 2 * BROADCAST_BATCH + 3
    for n in range(users):
        engine.store.save_profile(Profile(f"tg:{100 + n}", "mentor", "Den Haag", "vo"))
    request = OfflineRequest()
    app = build_application(engine, "1:TEST", rate_limit=False, request=request)
    assert app.job_queue is not None
    (send,) = app.job_queue.get_jobs_by_name("broadcasts")
    (preview,) = engine.handle("tg:1", Command("broadcast", "alle: Nieuw loket"))
    (confirm,) = [b for row in preview.buttons for b in row if b.label == f"Versturen aan {users}"]
    engine.handle("tg:1", Press(confirm.data))
    per_run = []
    async with app:
        for _ in range(4):
            before = len(request.sent())
            await send.run(app)
            per_run.append(len(request.sent()) - before)
    # A run every BROADCAST_EVERY seconds sends at most a batch: 20 per 2 s stays under 30 per second.
    assert BROADCAST_BATCH / BROADCAST_EVERY <= 30
    assert per_run == [BROADCAST_BATCH, BROADCAST_BATCH, 3, 0]
    assert sorted(m["chat_id"] for m in request.sent()) == list(range(100, 100 + users))

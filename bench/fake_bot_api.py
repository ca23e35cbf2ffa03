"""A minimal, fast stand-in for the Telegram Bot API, for load measurements only.

The npm emulator used by the end-to-end tests answers getUpdates at once, so bot and users must
poll it in a tight loop, and its per-request cost caps even an echo bot near 100 updates/s. For
measuring our bot's own throughput this server does only what the load needs, but does it the
way Telegram does: getUpdates long-polls, and a waiting user is woken when the bot replies.

Bot side:  /bot<TOKEN>/<method>  (getMe, getUpdates, sendMessage, sendPhoto, everything else ok)
User side: POST /user/send {token, user_id, text} -> {update_id}
           POST /user/wait {token, chat_id, after, timeout} -> the first bot message after id
Run: python bench/fake_bot_api.py PORT   (prints "READY <port>")
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections import defaultdict
from typing import Any

from tornado.web import Application, RequestHandler


class Bot:
    def __init__(self, bot_id: int) -> None:
        self.me = {"id": bot_id, "is_bot": True, "first_name": "Load", "username": f"load{bot_id}_bot"}
        self.updates: list[dict[str, Any]] = []
        self.update_id = 0
        self.message_id = 0
        self.new_update = asyncio.Event()
        self.outbox: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.new_reply: dict[int, asyncio.Event] = defaultdict(asyncio.Event)


BOTS: dict[str, Bot] = {}


def bot_for(token: str) -> Bot:
    if token not in BOTS:
        BOTS[token] = Bot(int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1)
    return BOTS[token]


def params_of(handler: RequestHandler) -> dict[str, Any]:
    body = handler.request.body
    if handler.request.headers.get("Content-Type", "").startswith("application/json") and body:
        loaded: dict[str, Any] = json.loads(body)
        return loaded
    result: dict[str, Any] = {}
    for key, values in handler.request.body_arguments.items():
        raw = values[0].decode()
        try:
            result[key] = json.loads(raw)
        except ValueError:
            result[key] = raw
    for key in handler.request.query_arguments:
        result.setdefault(key, handler.get_query_argument(key))
    return result


class BotMethod(RequestHandler):
    async def post(self, token: str, method: str) -> None:
        bot = bot_for(token)
        params = params_of(self)
        result: Any = True
        if method == "getMe":
            result = bot.me
        elif method == "getUpdates":
            offset = int(params.get("offset") or 0)
            bot.updates = [u for u in bot.updates if u["update_id"] >= offset]
            if not bot.updates:
                bot.new_update.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(bot.new_update.wait(), timeout=float(params.get("timeout") or 0))
            result = bot.updates[:100]
        elif method in ("sendMessage", "sendPhoto", "sendDocument"):
            bot.message_id += 1
            chat_id = int(params.get("chat_id", 0))
            result = {
                "message_id": bot.message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": bot.me,
                "text": str(params.get("text", params.get("caption", ""))),
            }
            bot.outbox[chat_id].append(result)
            bot.new_reply[chat_id].set()
        self.write({"ok": True, "result": result})

    get = post


class UserSend(RequestHandler):
    def post(self) -> None:
        data = json.loads(self.request.body)
        bot = bot_for(data["token"])
        bot.update_id += 1
        user = {"id": data["user_id"], "is_bot": False, "first_name": "Test"}
        bot.updates.append(
            {
                "update_id": bot.update_id,
                "message": {
                    "message_id": bot.update_id,
                    "date": int(time.time()),
                    "chat": {"id": data["user_id"], "type": "private", "first_name": "Test"},
                    "from": user,
                    "text": data["text"],
                },
            }
        )
        bot.new_update.set()
        self.write({"update_id": bot.update_id})


class UserWait(RequestHandler):
    async def post(self) -> None:
        data = json.loads(self.request.body)
        bot = bot_for(data["token"])
        chat_id, after = int(data["chat_id"]), int(data["after"])
        deadline = time.monotonic() + float(data.get("timeout", 30))
        while True:
            found = [m for m in bot.outbox[chat_id] if m["message_id"] > after]
            if found or time.monotonic() > deadline:
                self.write({"messages": found})
                return
            event = bot.new_reply[chat_id]
            event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout=max(0.0, deadline - time.monotonic()))


async def main(port: int) -> None:
    app = Application(
        [(r"/bot([^/]+)/(\w+)", BotMethod), (r"/user/send", UserSend), (r"/user/wait", UserWait)]
    )
    server = app.listen(port, address="127.0.0.1")
    sockets = list(server._sockets.values())
    print(f"READY {sockets[0].getsockname()[1]}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 0))

"""Webhook mode for production: Telegram POSTs updates to us, a load balancer checks /healthz.

PTB's built-in `run_webhook` has no room for a health endpoint, so this is the small custom
server its documentation describes: tornado (installed with PTB's webhooks extra), the secret
token header checked on every request, updates handed to the Application's queue.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any

from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.web import Application as WebApp
from tornado.web import RequestHandler

log = logging.getLogger(__name__)

# PTB's Application is generic in six context types; this bot uses the defaults throughout.
AnyApp = Application[Any, Any, Any, Any, Any, Any]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000  # Telegram updates are small; refuse anything that is not


class TelegramHandler(RequestHandler):
    def initialize(self, app: AnyApp, secret: str) -> None:
        self.app = app
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook request with a wrong secret token refused")
            self.set_status(403)
            return
        if len(self.request.body) > MAX_BODY:
            self.set_status(413)
            return
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self.app.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("webhook request with an unreadable body refused")
            self.set_status(400)
            return
        await self.app.update_queue.put(update)
        self.set_status(200)


class HealthHandler(RequestHandler):
    def initialize(self, info: dict[str, Any]) -> None:
        self.info = info

    def get(self) -> None:
        self.write({"status": "ok", **self.info})


def make_web_app(app: AnyApp, secret: str, info: dict[str, Any]) -> WebApp:
    return WebApp(
        [
            (r"/telegram", TelegramHandler, {"app": app, "secret": secret}),
            (r"/healthz", HealthHandler, {"info": info}),
        ]
    )


async def serve_webhook(
    app: AnyApp,
    url: str,
    secret: str,
    port: int,
    info: dict[str, Any],
    listen: str = "0.0.0.0",
    register: bool = True,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until `stop` is set (or forever): set the webhook, serve, process updates."""
    server = HTTPServer(make_web_app(app, secret, info), max_body_size=MAX_BODY)
    async with app:
        if app.post_init:
            await app.post_init(app)
        if register:
            await app.bot.set_webhook(
                url.rstrip("/") + "/telegram",
                secret_token=secret,
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=False,
            )
        await app.start()
        server.listen(port, address=listen)
        log.info("webhook server listening on %s:%s", listen, port)
        try:
            await (stop or asyncio.Event()).wait()
        finally:
            server.stop()
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
    if app.post_shutdown:  # as run_polling does: the engine thread ends here
        await app.post_shutdown(app)

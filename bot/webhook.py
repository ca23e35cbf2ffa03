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
import signal
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.web import Application as WebApp
from tornado.web import RequestHandler

from bot.startup import StartupFailed, connect

log = logging.getLogger(__name__)

# PTB's Application is generic in six context types; this bot uses the defaults throughout.
AnyApp = Application[Any, Any, Any, Any, Any, Any]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000  # Telegram updates are small; refuse anything that is not
# A client trickling its headers or body is cut off after these many seconds: Telegram sends an
# update in one go, and a held connection is a connection the next update cannot use.
HEADER_TIMEOUT = 30.0
BODY_TIMEOUT = 10.0
# Telegram's updates nest a few levels (a reply to a message with a keyboard); far deeper is an
# attack on the parser, refused before it recurses.
MAX_DEPTH = 32

Info = dict[str, Any] | Callable[[], dict[str, Any]]


class BadBody(ValueError):
    """A body that is not an update Telegram could send; the message names the reason, never
    the content (which may hold what a user wrote)."""


def _depth(body: bytes) -> int:
    """How deep brackets nest, counted without parsing (strings skipped), so a body of a million
    `[` never reaches the recursive JSON decoder."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def parse_update(body: bytes, bot: Any) -> Update:
    """The update in a webhook body, or BadBody: anything that is not a JSON object with an
    integer update_id that PTB can read (null, a list, a number, {"message": 5}, ...)."""
    if _depth(body) > MAX_DEPTH:
        raise BadBody("nested too deeply")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise BadBody("not JSON") from exc
    if not isinstance(data, dict):
        raise BadBody(f"JSON {type(data).__name__}, not an object")
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise BadBody("no integer update_id")
    try:
        return Update.de_json(data, bot)
    except Exception as exc:  # any shape PTB cannot read is the sender's fault, not ours
        raise BadBody(f"not an update ({type(exc).__name__})") from exc


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
        if not self.app.running:
            # Stopping: the queue is being drained and takes no more. A non-200 makes Telegram
            # deliver this update again, to the next process.
            self.set_status(503)
            return
        if len(self.request.body) > MAX_BODY:
            self.set_status(413)
            return
        try:
            update = parse_update(self.request.body, self.app.bot)
        except BadBody as exc:
            log.warning("webhook body refused: %s (%d bytes)", exc, len(self.request.body))
            self.set_status(400)
            return
        await self.app.update_queue.put(update)
        self.set_status(200)


class HealthHandler(RequestHandler):
    def initialize(self, info: Info) -> None:
        self.info = info

    def get(self) -> None:
        data = {"status": "ok", **(self.info() if callable(self.info) else self.info)}
        if data["status"] != "ok":  # a load balancer or Docker reads the status code
            self.set_status(503)
        self.write(data)


def make_web_app(app: AnyApp, secret: str, info: Info) -> WebApp:
    return WebApp(
        [
            (r"/telegram", TelegramHandler, {"app": app, "secret": secret}),
            (r"/healthz", HealthHandler, {"info": info}),
        ],
        log_function=_log_request,
    )


def _log_request(handler: RequestHandler) -> None:
    """Tornado's access log without the query string or client address: a line per request
    that says what happened, nothing about who sent what."""
    status = handler.get_status()
    level = logging.INFO if status < 400 else logging.WARNING
    log.log(level, "%s %s %d %.1fms", handler.request.method, handler.request.path, status,
            1000.0 * handler.request.request_time())


def make_server(
    app: AnyApp,
    secret: str,
    info: Info,
    header_timeout: float = HEADER_TIMEOUT,
    body_timeout: float = BODY_TIMEOUT,
) -> HTTPServer:
    """The webhook's HTTP server with its limits: body size, and how long a slow client may take."""
    return HTTPServer(
        make_web_app(app, secret, info),
        max_body_size=MAX_BODY,
        idle_connection_timeout=header_timeout,
        body_timeout=body_timeout,
    )


async def serve_webhook(
    app: AnyApp,
    url: str,
    secret: str,
    port: int,
    info: Info,
    listen: str = "0.0.0.0",
    register: bool = True,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until `stop` is set (or forever): set the webhook, serve, process updates."""
    server = make_server(app, secret, info)
    await connect(app)  # getMe, retried; StartupFailed when Telegram cannot be reached
    try:
        if app.post_init:
            await app.post_init(app)
        if register:
            try:
                await app.bot.set_webhook(
                    url.rstrip("/") + "/telegram",
                    secret_token=secret,
                    allowed_updates=Update.ALL_TYPES,
                    drop_pending_updates=False,
                )
            except TelegramError as exc:
                raise StartupFailed(
                    f"Telegram weigert de webhook {url.rstrip('/')}/telegram: {exc.message}. Kijk "
                    "WEBHOOK_URL na (een https-adres dat Telegram kan bereiken, poort 443, 80, 88 of 8443)."
                ) from exc
        await app.start()
        server.listen(port, address=listen)
        log.info("webhook server listening on %s:%s", listen, port)
        try:
            await (stop or _stop_on_signals()).wait()
        finally:
            # No new updates (Telegram gets a 503 and sends them again later), then the queue
            # is drained: every update that got a 200 is answered before the process ends.
            server.stop()
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
            await server.close_all_connections()
    finally:
        await app.shutdown()
    if app.post_shutdown:  # as run_polling does: the engine thread ends here
        await app.post_shutdown(app)
    log.info("webhook server stopped; every accepted update was handled")


def _stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM (systemctl stop, docker stop) or SIGINT (Ctrl-C): without these
    handlers the process would die at once and lose the updates already accepted."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop

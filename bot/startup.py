"""Start-up against the Bot API: what must work, and what only should.

Without `getMe` the bot cannot serve anyone, and a webhook that is not registered receives
nothing: those stop the start with a clear message. The menu and the descriptions are cosmetic:
Telegram sometimes answers them with a 500, and a bot that refused to start over that would
serve nobody for want of a tooltip. They are tried once and logged when they fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError

log = logging.getLogger(__name__)

CONNECT_ATTEMPTS = 4
FIRST_DELAY = 1.0  # seconds; doubled after each failed attempt (1, 2, 4)


class StartupFailed(Exception):
    """The bot cannot start; the message says why and what to do, for the operator."""


async def connect(
    app: Any,
    attempts: int = CONNECT_ATTEMPTS,
    first_delay: float = FIRST_DELAY,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """`app.initialize()` (which calls getMe), retried with backoff while Telegram is only
    unreachable for a moment (a restart of the network, a 5xx); a wrong token stops at once."""
    try:
        await _initialize(app, attempts, first_delay, sleep)
    except StartupFailed:
        await _close_requests(app)
        raise


async def _close_requests(app: Any) -> None:
    """Close the HTTP sessions a failed initialize() opened: PTB only closes them in shutdown(),
    which it skips for an application that never finished initializing."""
    for request in getattr(app.bot, "_request", ()):  # PTB keeps (get_updates, default) here
        with contextlib.suppress(Exception):
            await request.shutdown()


async def _initialize(
    app: Any, attempts: int, first_delay: float, sleep: Callable[[float], Awaitable[None]]
) -> None:
    for attempt in range(1, attempts + 1):
        try:
            await app.initialize()
            return
        except InvalidToken as exc:
            raise StartupFailed(
                "Telegram kent dit token niet (TELEGRAM_BOT_TOKEN). Kijk het na bij @BotFather "
                "(/mybots, API Token) en start opnieuw."
            ) from exc
        except (NetworkError, RetryAfter) as exc:
            if attempt == attempts:
                raise StartupFailed(
                    f"Telegram is niet bereikbaar na {attempts} pogingen ({type(exc).__name__}). "
                    "Controleer de internetverbinding van deze server (of TELEGRAM_API_URL) en "
                    "start opnieuw."
                ) from exc
            delay = first_delay * 2 ** (attempt - 1)
            if isinstance(exc, RetryAfter):
                delay = max(delay, float(exc.retry_after if isinstance(exc.retry_after, int | float) else 1))
            log.warning(
                "getMe failed (%s), attempt %d of %d; next try in %.0f s",
                type(exc).__name__,
                attempt,
                attempts,
                delay,
            )
            await sleep(delay)
        except TelegramError as exc:
            raise StartupFailed(f"Telegram weigert de start: {exc.message}") from exc


async def best_effort(what: str, call: Awaitable[Any]) -> bool:
    """Run a cosmetic Bot API call; a failure is a warning in the log, never a stopped bot."""
    try:
        await call
    except TelegramError as exc:
        log.warning("could not set %s (%s); the bot runs without it", what, type(exc).__name__)
        return False
    return True

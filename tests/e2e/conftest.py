"""The one set-up of every end-to-end test: the Bot API emulator, an engine on a fresh database,
our real Application polling the emulator, onboarding as a new user does it, and the environment
of a `routeboek` child process pointed at the emulator.

Each test gets a fresh bot token, so tests share one emulator but never each other's state (the
emulator keeps all state per token).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, Protocol

import pytest
from emulator import BotMessage, Client, Emulator, polling, unavailable_reason

from bot.content import load_content
from bot.engine import Engine
from bot.storage import Store
from bot.telegram_app import build_application


class StartBot(Protocol):
    """`start_bot(engine)`: our Application polling the emulator; the context yields a user."""

    def __call__(
        self, engine: Engine, token: str | None = None, **user: Any
    ) -> AbstractAsyncContextManager[Client]: ...


@pytest.fixture(scope="session", autouse=True)
def _emulator_available() -> None:
    """Skip every end-to-end test, with the reason, where node or the npm package is missing.
    Session scope: it runs before the emulator fixture would try to start node."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"Telegram emulator not available: {reason}")


@pytest.fixture(scope="session")
def emu() -> Iterator[Emulator]:
    """One emulator for the whole run; tests keep apart by their own tokens."""
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def make_engine(content_dir: Path, tmp_path: Path) -> Callable[..., Engine]:
    """A maker of engines on the test content and one database per test, so a second engine
    (a restarted bot) finds what the first one stored."""
    db = tmp_path / "routeboek.db"

    def make(**options: Any) -> Engine:
        return Engine(load_content(content_dir), Store(db), **options)

    return make


@pytest.fixture
def start_bot(emu: Emulator) -> StartBot:
    """Run our real Application (build_application, not a mock) against the emulator, inside
    the test's event loop; the context yields a user in a private chat (or as `user` says)."""

    @contextlib.asynccontextmanager
    async def running(engine: Engine, token: str | None = None, **user: Any) -> AsyncIterator[Client]:
        token = token or emu.new_token()
        async with polling(build_application(engine, token, api_url=emu.base_url)):
            yield emu.client(token, **user)

    return running


class Steps:
    """What a new user does first, as presses on the test content's buttons; each step checks
    the bot's side of it and returns the messages the test goes on from."""

    async def onboard(self, user: Client) -> None:
        """/start, mentor, Den Haag (the test content's VO)."""
        await user.send_command("/start")
        role = await user.reply()
        assert role.text and "Wat is je rol?" in role.text
        await user.press(role.button("Mentor of leerkracht"), role)
        gemeente = await user.reply()
        await user.press(gemeente.button("Den Haag"), gemeente)
        done = await user.reply()
        assert done.text and "Den Haag (VO)" in done.text

    async def open_route(self, user: Client) -> tuple[BotMessage, BotMessage]:
        """/route, then the test walk-through: the route list and its first question."""
        await user.send_command("/route")
        routes = await user.reply()
        await user.press(routes.button("Testroute"), routes)
        question = await user.reply()
        assert question.text and "vraag 1" in question.text
        return routes, question

    async def new_case_today(self, user: Client) -> tuple[BotMessage, BotMessage, BotMessage]:
        """/casus, Nieuwe casus, first day today: the date question, the timeline picture and
        the new case."""
        await user.send_command("/casus")
        overview = await user.reply()
        await user.press(overview.button("Nieuwe casus"), overview)
        question = await user.reply()
        assert question.text and "eerste dag" in question.text
        await user.press(question.button("Vandaag"), question)
        picture, created = await user.wait_for_messages(2)
        return question, picture, created


@pytest.fixture
def steps() -> Steps:
    """The first steps of a new user (onboarding, a walk-through, a case)."""
    return Steps()


@pytest.fixture
def bot_env(emu: Emulator) -> Callable[..., dict[str, str]]:
    """The environment of a `python -m bot ...` child process talking to the emulator with
    `token` and keeping its data in `data_dir`; `extra` adds or overrides variables."""

    def env(token: str, data_dir: Path, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_API_URL": emu.base_url,
            "ROUTEBOEK_DATA_DIR": str(data_dir),
            **extra,
        }

    return env

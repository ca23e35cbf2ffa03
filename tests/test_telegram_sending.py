"""How replies go out: the bot sends text messages without PTB parsing Telegram's answer back
into a Message, and they must still carry everything PTB's own send_message would send."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from test_telegram_handlers import OfflineRequest, callback_update, message_update, process

from bot.content import load_content
from bot.engine import Command, Engine
from bot.replies import Button, Reply
from bot.storage import Profile, Store
from bot.telegram_app import TYPING_AFTER, AnyApp, build_application, keyboard, markup

BUTTONS = [[Button("Lees het hele stuk", "s:x")], [Button("👍", "v:s:x:1"), Button("👎", "v:s:x:0")]]


class Flooded(OfflineRequest):
    """Telegram's flood limit: the first sendMessage is refused with a RetryAfter."""

    def __init__(self) -> None:
        super().__init__()
        self.refusals = 1

    async def do_request(self, url: str, method: str, request_data: Any = None, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if self.refusals and url.endswith("/sendMessage"):
            self.refusals -= 1
            self.calls.append(("refused", {}))
            body = {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
            return 429, json.dumps(body).encode()
        return await super().do_request(url, method, request_data, *args, **kwargs)


def app_with(engine: Engine, request: OfflineRequest, rate_limit: bool = False) -> AnyApp:
    return build_application(engine, "1:TEST", rate_limit=rate_limit, request=request)


@pytest.fixture
def engine(content_dir: Path, tmp_path: Path) -> Engine:
    engine = Engine(load_content(content_dir), Store(tmp_path / "db.sqlite"))
    engine.store.save_profile(Profile("tg:42", "mentor", "Den Haag", "vo"))
    return engine


def test_the_keyboard_json_is_what_ptb_serialises() -> None:
    assert markup(BUTTONS) == keyboard(BUTTONS).to_dict()  # type: ignore[union-attr]
    assert markup([]) is None


async def test_an_answer_goes_out_with_the_defaults_html_and_no_link_preview(engine: Engine) -> None:
    request = OfflineRequest()
    async with app_with(engine, request) as app:
        await process(app, message_update("zorgwekkend ziekteverzuim jgz"))
    (sent,) = request.sent()
    assert sent["parse_mode"] == "HTML" and sent["link_preview_options"] == {"is_disabled": True}
    assert "<b>" in sent["text"] and int(sent["chat_id"]) == 42
    assert sent["reply_markup"]["inline_keyboard"] and "reply_parameters" not in sent
    assert not any(key.startswith("disable_") or key == "protect_content" for key in sent)


async def test_a_long_reply_is_split_and_only_its_last_part_has_the_buttons(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    long = "\n\n".join(f"Alinea {i}: " + "woord " * 60 for i in range(30))  # ~11,000 characters
    monkeypatch.setattr(engine, "handle", lambda *args: [Reply(long, BUTTONS)])
    request = OfflineRequest()
    async with app_with(engine, request) as app:
        await process(app, message_update("een vraag"))
    parts = request.sent()
    assert len(parts) == 3 and all(len(p["text"]) <= 4096 for p in parts)
    assert [("reply_markup" in p) for p in parts] == [False, False, True]
    assert parts[-1]["reply_markup"] == markup(BUTTONS)


@pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")
async def test_a_refused_send_under_the_flood_limit_is_sent_again_by_the_rate_limiter(engine: Engine) -> None:
    request = Flooded()
    async with app_with(engine, request, rate_limit=True) as app:
        await process(app, message_update("zorgwekkend ziekteverzuim jgz"))
    assert [name for name, _ in request.calls if name in ("refused", "sendMessage")] == ["refused", "sendMessage"]
    (sent,) = request.sent()
    assert "JGZ" in sent["text"]  # the answer itself, not the error message


async def test_an_edited_screen_keeps_html_and_its_buttons(engine: Engine) -> None:
    (routes,) = engine.handle("tg:42", Command("route"))
    update = callback_update(routes.buttons[0][0].data)
    update["callback_query"]["message"]["text"] = "Stap voor stap"
    request = OfflineRequest()
    async with app_with(engine, request) as app:
        await process(app, update)
    (edited,) = request.sent("editMessageText")
    assert edited["parse_mode"] == "HTML" and edited["message_id"] == 5 and int(edited["chat_id"]) == 42
    assert edited["link_preview_options"] == {"is_disabled": True}
    assert edited["reply_markup"]["inline_keyboard"] and "<b>" in edited["text"]


async def test_typing_shows_before_a_slow_answer_and_not_for_a_quick_one(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle = engine.handle

    def slow(*args: Any) -> Any:
        time.sleep(TYPING_AFTER + 0.2)  # the engine runs in its own thread
        return handle(*args)

    request = OfflineRequest()
    async with app_with(engine, request) as app:
        await process(app, message_update("zorgwekkend ziekteverzuim jgz"))
        assert [name for name, _ in request.calls if name.startswith("send")] == ["sendMessage"]
        monkeypatch.setattr(engine, "handle", slow)
        await process(app, message_update("zorgwekkend ziekteverzuim jgz"))
    sent = [(name, params) for name, params in request.calls if name.startswith("send")]
    assert [name for name, _ in sent] == ["sendMessage", "sendChatAction", "sendMessage"]
    assert sent[1][1]["action"] == "typing" and "JGZ" in sent[2][1]["text"]

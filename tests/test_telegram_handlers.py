"""Handlers of the real Application with an offline request class (no network, no emulator)."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.content import load_content
from bot.engine import Command, Engine, Press
from bot.storage import Profile, Store
from bot.telegram_app import AnyApp, build_application

BOT = {"id": 999, "is_bot": True, "first_name": "Routeboek", "username": "routeboek_bot"}


class OfflineRequest(BaseRequest):
    """Records every Bot API call and answers it the way Telegram would, minimally."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._message_id = 100
        self.failing: dict[str, str] = {}  # method -> Telegram's error description

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.calls.append((name, params))
        if name in self.failing:
            return 400, json.dumps(
                {"ok": False, "error_code": 400, "description": self.failing[name]}
            ).encode()
        result: Any = True
        if name == "getMe":
            result = BOT
        elif name in ("sendMessage", "sendPhoto"):
            self._message_id += 1
            result = {
                "message_id": self._message_id,
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT,
                "text": params.get("text", ""),
            }
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]


def message_update(
    text: str, chat_type: str = "private", chat_id: int = 42, user_id: int = 42
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": chat_type, **({"title": "JES"} if chat_type != "private" else {})},
        "from": {"id": user_id, "is_bot": False, "first_name": "Test"},
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": 1, "message": message}


def callback_update(data: str, update_id: int = 2, chat_id: int = 42) -> dict[str, Any]:
    """A button press by user 42 on bot message 5 (in a group when chat_id < 0)."""
    chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "from": {"id": 42, "is_bot": False, "first_name": "Test"},
            "chat_instance": "x",
            "data": data,
            "message": {"message_id": 5, "date": int(time.time()), "chat": chat},
        },
    }


@pytest.fixture
def offline(content_dir: Path, tmp_path: Path) -> tuple[AnyApp, OfflineRequest, Engine]:
    request = OfflineRequest()
    engine = Engine(load_content(content_dir), Store(tmp_path / "db.sqlite"))
    return build_application(engine, "1:TEST", rate_limit=False, request=request), request, engine


async def process(app: AnyApp, data: dict[str, Any]) -> None:
    await app.process_update(Update.de_json(data, app.bot))


async def test_start_in_private_chat_sends_keyboard_html(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    app, request, _ = offline
    async with app:
        await process(app, message_update("/start"))
    (sent,) = request.sent()
    assert "<b>Wat is je rol?</b>" in sent["text"] and sent["parse_mode"] == "HTML"
    assert sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "on:r:mentor"


async def test_group_text_only_answers_mentions_and_stores_nothing(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    app, request, engine = offline
    async with app:
        await process(app, message_update("leerling 3 weken ziek", chat_type="group", chat_id=-5))
        assert request.sent() == []
        await process(
            app, message_update("@routeboek_bot zorgwekkend ziekteverzuim jgz", chat_type="group", chat_id=-5)
        )
    (sent,) = request.sent()
    assert "JGZ" in sent["text"]
    stored = repr(engine.store.export("tg:42"))
    assert "zorgwekkend" not in stored and "ziek" not in stored


async def test_error_is_reported_to_user_and_logged_without_message_text(
    offline: tuple[AnyApp, OfflineRequest, Engine],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, request, engine = offline

    def broken(*_: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "handle", broken)
    caplog.set_level(logging.INFO)
    async with app:
        await process(app, message_update("geheime vraag over een leerling"))
    assert any("ging iets mis" in sent["text"] for sent in request.sent())
    assert "geheime vraag" not in caplog.text


async def test_callback_is_always_answered_even_when_forged(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    app, request, _ = offline
    async with app:
        await process(app, callback_update("f:123:9"))
    assert request.sent("answerCallbackQuery")
    assert request.sent()  # a friendly message, not silence


async def test_typing_indicator_only_for_slow_answers(
    offline: tuple[AnyApp, OfflineRequest, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, request, engine = offline
    async with app:
        await process(app, message_update("wie voert het gesprek met ouders over het verzuim?"))
        assert request.sent("sendChatAction") == []  # a fast answer needs no "typing..."
        handle = engine.handle

        def slow(*args: Any) -> Any:
            time.sleep(0.6)
            return handle(*args)

        monkeypatch.setattr(engine, "handle", slow)
        await process(app, message_update("wie voert het gesprek met ouders over het verzuim?"))
    assert [c["action"] for c in request.sent("sendChatAction")] == ["typing"]
    assert len(request.sent()) == 2


async def test_press_on_a_very_old_message_still_gets_its_answer(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    app, request, _ = offline
    request.failing["answerCallbackQuery"] = "Bad Request: query is too old and response timeout expired"
    async with app:
        await process(app, callback_update("menu", update_id=3))
    (sent,) = request.sent()
    assert "ging iets mis" not in sent["text"]


async def test_cases_stay_out_of_groups(offline: tuple[AnyApp, OfflineRequest, Engine]) -> None:
    app, request, engine = offline
    engine.store.add_case("tg:42", "K7MX", "Den Haag", "vo", "2026-01-05")
    async with app:
        await process(app, message_update("/casus", chat_type="group", chat_id=-5))
        await process(app, message_update("/mijngegevens", chat_type="group", chat_id=-5))
        await process(app, callback_update("cs", chat_id=-5))
    sent = request.sent()
    assert len(sent) == 2 and all("privégesprek" in s["text"] and "K7MX" not in s["text"] for s in sent)
    (alert,) = request.sent("answerCallbackQuery")
    assert alert["show_alert"] is True and "privégesprek" in alert["text"]


async def test_due_reminders_are_pushed_to_the_user_and_retried_after_a_failure(
    content_dir: Path, tmp_path: Path
) -> None:
    request = OfflineRequest()
    monday = datetime(2026, 1, 26, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    engine = Engine(load_content(content_dir), Store(tmp_path / "db.sqlite"), clock=lambda: monday)
    app = build_application(engine, "1:TEST", rate_limit=False, request=request)
    engine.store.add_case("tg:42", "K7MX", "Den Haag", "vo", "2026-01-05")  # step 1 opens 2 February
    engine.store.add_case("console:local", "P3RT", "Den Haag", "vo", "2026-01-05")
    assert app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name("reminders")
    async with app:
        request.failing["sendMessage"] = "Bad Request: chat not found"
        await job.run(app)
        assert len(engine.outbox.due_reminders()) == 2  # nothing was delivered, so nothing is marked
        del request.failing["sendMessage"]
        request.calls.clear()
        await job.run(app)
        await job.run(app)  # delivered once only
    (delivered,) = [s for s in request.sent() if "Herinnering casus K7MX" in s["text"]]
    assert delivered["chat_id"] == 42 and "<b>Herinnering casus K7MX</b>" in delivered["text"]
    pressable = [b["callback_data"] for row in delivered["reply_markup"]["inline_keyboard"] for b in row]
    assert any(d.startswith("cs:st:") for d in pressable) and any(d.startswith("cs:v:") for d in pressable)
    assert not any("P3RT" in s["text"] for s in request.sent())  # the console shows its own
    assert [r.case.pseudonym for r in engine.outbox.due_reminders()] == ["P3RT"]


async def test_a_case_comes_with_a_picture_of_its_timeline(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    app, request, engine = offline
    engine.store.save_profile(Profile("tg:42", "ib", "Den Haag", "vo"))
    case = engine.store.add_case("tg:42", "K7MX", "Den Haag", "vo", "2026-01-05")
    async with app:
        await process(app, callback_update(f"cs:v:{case.id}"))
    (photo,) = request.sent("sendPhoto")
    assert photo["caption"] == "Termijnen casus K7MX"
    (text,) = request.sent()
    assert "<b>Casus K7MX</b>" in text["text"] and "Stap 1" in text["text"]
    assert [name for name, _ in request.calls if name in ("sendPhoto", "sendMessage")] == [
        "sendPhoto",
        "sendMessage",
    ]


async def test_a_photo_or_voice_message_gets_a_clear_answer_and_nothing_is_stored(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    app, request, engine = offline
    photo = message_update("")
    del photo["message"]["text"]
    photo["message"]["photo"] = [{"file_id": "f1", "file_unique_id": "u1", "width": 90, "height": 90}]
    async with app:
        await process(app, photo)
    (sent,) = request.sent()
    assert "alleen tekst" in sent["text"] and "persoonsgegevens" in sent["text"]
    assert engine.store.export("tg:42") == {}


class ForgetMidBurst(OfflineRequest):
    """The user presses 'Ja, wis alles' while the second reminder of a burst is on its way."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        self.reminders = 0
        self.order: list[str] = []

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None, **kw: Any) -> Any:
        params = request_data.parameters if request_data else {}
        if url.endswith("/sendMessage") and "Herinnering casus" in str(params.get("text")):
            self.order.append("reminder")
            self.reminders += 1
            if self.reminders == 2:
                (gone,) = self.engine.handle("tg:42", Press("fg:ja"))
                self.order.append(gone.text)
        return await super().do_request(url, method, request_data, **kw)


async def test_vergeet_in_the_middle_of_a_reminder_burst_leaves_nothing_and_stops_the_burst(
    content_dir: Path, tmp_path: Path
) -> None:
    monday = datetime(2026, 1, 26, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    engine = Engine(load_content(content_dir), Store(tmp_path / "db.sqlite"), clock=lambda: monday)
    engine.store.save_profile(Profile("tg:42", "ib", "Den Haag", "vo"))
    for code in ("K7MX", "P3RT", "W4NA", "H9CE"):
        engine.store.add_case("tg:42", code, "Den Haag", "vo", "2026-01-05")  # each one due now
    request = ForgetMidBurst(engine)
    app = build_application(engine, "1:TEST", rate_limit=False, request=request)
    assert app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name("reminders")
    async with app:
        await job.run(app)
    assert request.order == ["reminder", "reminder", "Alles is gewist. Typ /start als je opnieuw wilt beginnen."]
    assert engine.store.export("tg:42") == {}
    assert engine.store.db.execute("SELECT count(*) FROM reminders_sent").fetchone() == (0,)


def inline_update(query: str, update_id: int = 7) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "inline_query": {
            "id": f"iq{update_id}",
            "from": {"id": 42, "is_bot": False, "first_name": "Test"},
            "query": query,
            "offset": "",
        },
    }


async def test_an_inline_query_with_personal_data_gets_only_the_refusal(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    app, request, engine = offline
    async with app:
        await process(app, inline_update("Sanne Jansen is al 3 weken ziek, wat nu?"))
        await process(app, inline_update("bel 06 12 34 56 78 over verzuim", update_id=8))
    for call in request.sent("answerInlineQuery"):
        (result,) = call["results"]
        assert result["id"] == "privacy"
        shown = json.dumps(call)
        assert "Sanne" not in shown and "56 78" not in shown
        assert "persoonsgegevens" in result["input_message_content"]["message_text"]
    assert len(request.sent("answerInlineQuery")) == 2
    assert engine.store.export("tg:42") == {}


async def test_an_ordinary_inline_query_is_still_answered(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    app, request, _ = offline
    async with app:
        await process(app, inline_update("wanneer meldt de school ziekteverzuim bij de jgz?"))
    (call,) = request.sent("answerInlineQuery")
    assert call["results"] and all(r["id"] != "privacy" for r in call["results"])


@pytest.mark.parametrize("chat_type", ["private", "group"])
async def test_a_command_argument_with_personal_data_is_not_echoed(
    offline: tuple[AnyApp, OfflineRequest, Engine], chat_type: str
) -> None:
    app, request, engine = offline
    engine.store.save_profile(Profile("tg:42", "mentor", "Den Haag", "vo"))
    chat_id = 42 if chat_type == "private" else -100
    async with app:
        await process(app, message_update("/opschaling Mohammed komt niet", chat_type, chat_id))
        await process(app, message_update("/begrip@routeboek_bot piet(at)ziggo.nl", chat_type, chat_id))
    sent = request.sent()
    assert len(sent) == 2
    for message in sent:
        assert "persoonsgegevens" in message["text"]
        assert "Mohammed" not in message["text"] and "ziggo" not in message["text"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact", {"phone_number": "+31612345678", "first_name": "Sanne"}),
        ("location", {"latitude": 52.08, "longitude": 4.31}),
        ("document", {"file_id": "d1", "file_unique_id": "u2", "file_name": "dossier.pdf"}),
    ],
)
async def test_shared_contacts_locations_and_files_get_a_clear_refusal(
    offline: tuple[AnyApp, OfflineRequest, Engine], field: str, value: dict[str, Any]
) -> None:
    app, request, engine = offline
    update = message_update("")
    del update["message"]["text"]
    update["message"][field] = value
    async with app:
        await process(app, update)
    (sent,) = request.sent()
    assert "alleen tekst" in sent["text"] and "persoonsgegevens" in sent["text"]
    assert "Sanne" not in sent["text"]
    assert engine.store.export("tg:42") == {}


async def test_a_date_typed_in_a_group_never_answers_a_case_prompt_sent_in_private(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    """Issue 10 item 6: waiting states are per chat."""
    app, request, engine = offline
    engine.store.save_profile(Profile("tg:42", "ib", "Den Haag", "vo"))
    async with app:
        await process(app, callback_update("cs:new"))
        (prompt,) = request.sent()
        assert "eerste dag" in prompt["text"]
        request.calls.clear()
        await process(app, message_update("@routeboek_bot 5-11-2026", chat_type="group", chat_id=-5))
        in_group = [s for s in request.sent() if int(s["chat_id"]) == -5]
        assert engine.store.cases("tg:42") == []
        assert request.sent("sendPhoto") == []
        assert not any("Casus" in s["text"] or "casus" in s["text"] for s in in_group)
        # The prompt still waits in the private chat, where the date makes the case.
        await process(app, message_update("5-11-2026"))
    (case,) = engine.store.cases("tg:42")
    assert case.start == "2026-11-05"
    assert all(int(p["chat_id"]) == 42 for p in request.sent("sendPhoto"))


async def test_a_command_for_another_bot_in_a_group_is_left_to_that_bot(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    app, request, _ = offline
    async with app:
        await process(app, message_update("/help@some_other_bot", chat_type="group", chat_id=-5))
        await process(app, message_update("/opschaling@Some_Other_Bot Rijswijk", chat_type="group", chat_id=-5))
        assert request.sent() == [] and request.sent("sendPhoto") == []
        await process(app, message_update("/help@Routeboek_Bot", chat_type="group", chat_id=-5))
    (sent,) = request.sent()
    assert "Wat kan ik?" in sent["text"]


async def test_a_command_argument_on_the_next_line_is_its_argument(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    app, request, engine = offline
    engine.store.save_profile(Profile("tg:42", "mentor", "Den Haag", "vo"))
    update = message_update("/opschaling\nRijswijk")
    update["message"]["entities"][0]["length"] = len("/opschaling")  # as Telegram marks it
    async with app:
        await process(app, update)
    texts = [s["text"] for s in request.sent()]
    assert not any("ken ik niet" in t for t in texts)
    assert any("Rijswijk" in t for t in texts)


async def test_a_reply_to_the_bots_own_message_in_a_group_is_answered_like_a_mention(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    app, request, _ = offline
    update = message_update("zorgwekkend ziekteverzuim jgz", chat_type="group", chat_id=-5)
    answered = {"message_id": 3, "date": int(time.time()), "chat": update["message"]["chat"], "from": BOT, "text": "x"}
    async with app:
        await process(app, update)  # neither a mention nor a reply: not for the bot
        assert request.sent() == []
        update["message"]["reply_to_message"] = answered
        await process(app, update)
        # A reply to another member's message is still not for the bot.
        update["message"]["reply_to_message"] = {**answered, "from": {"id": 7, "is_bot": False, "first_name": "A"}}
        await process(app, update)
    (sent,) = request.sent()
    assert "JGZ" in sent["text"] and int(sent["chat_id"]) == -5


async def test_a_walk_through_step_edits_the_message_it_was_pressed_on(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    app, request, engine = offline
    engine.store.save_profile(Profile("tg:42", "mentor", "Den Haag", "vo"))
    (routes,) = engine.handle("tg:42", Command("route"))
    update = callback_update(routes.buttons[0][0].data)
    update["callback_query"]["message"]["text"] = "Stap voor stap"
    update["callback_query"]["message"]["from"] = BOT
    async with app:
        await process(app, update)
        (edited,) = request.sent("editMessageText")
        assert edited["message_id"] == 5 and "vraag 1" in edited["text"] and request.sent() == []
        # Telegram refuses (the message is too old to edit): the step comes as a new message.
        request.failing["editMessageText"] = "Bad Request: message can't be edited"
        (question,) = engine.handle("tg:42", Press(routes.buttons[0][0].data))
        update = callback_update(question.buttons[0][0].data, update_id=3)
        update["callback_query"]["message"]["text"] = "Testroute"
        await process(app, update)
    (sent,) = request.sent()
    assert "ging iets mis" not in sent["text"]


async def test_a_group_answer_quotes_the_question_and_a_private_one_does_not(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    app, request, engine = offline
    engine.store.save_profile(Profile("tg:42", "mentor", "Den Haag", "vo"))
    question = message_update("@routeboek_bot zorgwekkend ziekteverzuim jgz", chat_type="group", chat_id=-5)
    question["message"]["message_id"] = 77
    async with app:
        await process(app, question)
        await process(app, message_update("/opschaling", chat_type="group", chat_id=-5))
        await process(app, message_update("zorgwekkend ziekteverzuim jgz"))
    group_answer, table_text, private_answer = request.sent()
    quoted = group_answer["reply_parameters"]
    assert quoted["message_id"] == 77 and quoted["allow_sending_without_reply"] is True
    # The table comes as a picture first: the picture quotes the command, the text after it not.
    (photo,) = request.sent("sendPhoto")
    assert photo["reply_parameters"]["message_id"] == 1
    assert "reply_parameters" not in table_text
    assert "reply_parameters" not in private_answer


async def test_inline_results_offer_the_private_chat_to_a_user_without_a_profile(
    offline: tuple[AnyApp, OfflineRequest, Engine],
) -> None:
    app, request, engine = offline
    async with app:
        await process(app, inline_update("wanneer meldt de school ziekteverzuim bij de jgz?"))
        engine.store.save_profile(Profile("tg:42", "mentor", "Den Haag", "vo"))
        await process(app, inline_update("wanneer meldt de school ziekteverzuim bij de jgz?", update_id=8))
    without, with_profile = request.sent("answerInlineQuery")
    button = without["button"]
    assert button["start_parameter"] == "inline" and "gemeente" in button["text"]
    assert "button" not in with_profile

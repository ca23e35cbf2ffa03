"""The content loop through the real Telegram adapter and the Bot API emulator: a user passes a
declined question on, the admin finds it in /feedback, a /reload of a broken content copy keeps
the old content answering, and the use counts reach the database at shutdown, not per update."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from emulator import BotMessage, Emulator, polling, unavailable_reason

from bot.content import load_content
from bot.engine import Engine
from bot.feedback import PASS_ON_LABEL
from bot.storage import Profile, Store
from bot.telegram_app import build_application

_reason = unavailable_reason()
if _reason:
    pytest.skip(f"Telegram emulator not available: {_reason}", allow_module_level=True)

ADMIN_ID = 2002
USER_ID = 1002
DECLINED = "wat is de hoofdstad van australie"
ANSWERED = "wie voert het gesprek met ouders over het verzuim?"


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


def data_of(message: BotMessage, label: str) -> str:
    """The callback data of the button with this label."""
    found = dict(message.buttons).get(label)
    if not found:
        raise AssertionError(f"no button {label!r} in {message.buttons}")
    return found


async def test_a_passed_on_question_reaches_feedback_and_a_broken_reload_keeps_answering(
    emu: Emulator, content_dir: Path, tmp_path: Path
) -> None:
    engine = Engine(
        load_content(content_dir),
        Store(tmp_path / "routeboek.db"),
        admins=frozenset({f"tg:{ADMIN_ID}"}),
        content=content_dir,
    )
    engine.store.save_profile(Profile(f"tg:{USER_ID}", "mentor", "Den Haag", "vo"))  # onboarded before
    token = emu.new_token()
    async with polling(build_application(engine, token, api_url=emu.base_url)):
        user = emu.client(token, user_id=USER_ID)
        admin = emu.client(token, user_id=ADMIN_ID, first_name="Beheer")
        # A declined question is kept only when the user presses the button, and they see what.
        await user.send_message(DECLINED)
        declined = (await user.wait_for_messages(1))[-1]
        await user.send_message(ANSWERED)  # answered: never passed on
        await user.wait_for_messages(1)
        await user.send_message(DECLINED)
        declined = (await user.wait_for_messages(1))[-1]
        await user.press(data_of(declined, PASS_ON_LABEL), declined)
        passed = (await user.wait_for_messages(1))[-1]
        assert passed.text and f"Vraag: {DECLINED}" in passed.text and "Gemeente: Den Haag" in passed.text
        assert engine.store.stats_rows() == {}  # counted in memory, no write per update

        await admin.send_command("/feedback")
        report = (await admin.wait_for_messages(1))[-1].text or ""
        assert f"1x {DECLINED}" in report and "gesprek met ouders" not in report

        # A broken content change: the admin gets path:line, the user keeps getting answers.
        doc = content_dir / "knowledge" / "test-doc.yaml"
        doc.write_text(doc.read_text(encoding="utf-8").replace("document: test-doc,", "document: nope,", 1), encoding="utf-8")
        await admin.send_command("/reload")
        reload = (await admin.wait_for_messages(1))[-1].text or ""
        assert "de oude inhoud blijft in gebruik" in reload
        assert any(line.startswith("knowledge/test-doc.yaml:") and "'nope'" in line for line in reload.splitlines())
        await user.send_message(ANSWERED)
        answer = (await user.wait_for_messages(1))[-1].text or ""
        assert "Gesprek met ouders" in answer

        # /feedback and /reload do not exist for the user.
        await user.send_command("/reload")
        unknown = (await user.wait_for_messages(1))[-1].text or ""
        assert unknown.startswith("Het commando /reload ken ik niet.")
    # The shutdown wrote the counts: nothing of the session was lost.
    rows = engine.store.stats_rows()
    assert rows and {feature for _, feature, _ in rows} >= {"answered", "declined"}

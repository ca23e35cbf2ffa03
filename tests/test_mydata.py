"""/mijngegevens in words a user reads: everything stored, nothing that was never there."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.content import load_content
from bot.engine import LOCAL_TIME, Command, Engine, Press, Reply, TextIn
from bot.storage import Profile, Store

USER = "test:1"


@pytest.fixture
def engine(content_dir: Path, tmp_path: Path) -> Engine:
    today = datetime(2026, 11, 16, 10, 0, tzinfo=LOCAL_TIME)  # a Monday
    engine = Engine(load_content(content_dir), Store(tmp_path / "routeboek.db"), clock=lambda: today)
    engine.store.save_profile(Profile(USER, "ib", "Den Haag", "vo"))
    return engine


def pressed(engine: Engine, reply: Reply, label: str) -> list[Reply]:
    (data,) = [b.data for row in reply.buttons for b in row if b.label == label]
    return engine.handle(USER, Press(data))


def test_where_the_user_is_reads_as_words_not_json(engine: Engine) -> None:
    (routes,) = engine.handle(USER, Command("route"))
    pressed(engine, routes, "Testroute")
    (overview,) = engine.handle(USER, Command("casus"))
    pressed(engine, overview, "Nieuwe casus")
    (mine,) = engine.handle(USER, Command("mijngegevens"))
    assert "{" not in mine.text and "null" not in mine.text and "epoch" not in mine.text
    assert "route 'Testroute'" in mine.text
    assert "eerste dag van een nieuwe casus (Den Haag, VO)" in mine.text


def test_deadlines_already_shown_when_a_case_was_made_are_not_listed_as_sent_reminders(engine: Engine) -> None:
    (overview,) = engine.handle(USER, Command("casus"))
    pressed(engine, overview, "Nieuwe casus")
    (created,) = engine.handle(USER, TextIn("22-10-2026"))  # step 1 is due in three days
    assert "is aangemaakt" in created.text
    assert engine.store.export(USER)["reminders_sent"]  # kept, so no reminder follows
    (mine,) = engine.handle(USER, Command("mijngegevens"))
    assert "Verstuurde herinnering" not in mine.text
    assert "Geen herinnering voor stap 1" in mine.text and "al getoond" in mine.text

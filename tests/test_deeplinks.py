"""Deep links (`t.me/<bot>?start=...`) open the place they name; a new user is onboarded first
and lands there after the last setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import load_content
from bot.deeplinks import target
from bot.engine import Command, Engine, Press, Reply
from bot.knowledge import Knowledge
from bot.storage import Profile, Store

USER = "test:1"


@pytest.fixture
def engine(content_dir: Path, tmp_path: Path) -> Engine:
    return Engine(load_content(content_dir), Store(tmp_path / "routeboek.db"))


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_content()


def press(engine: Engine, reply: Reply, label: str) -> list[Reply]:
    (data,) = [b.data for row in reply.buttons for b in row if b.label == label]
    return engine.handle(USER, Press(data))


def test_a_user_with_a_profile_lands_on_the_table_or_walk_through_at_once(engine: Engine) -> None:
    engine.store.save_profile(Profile(USER, "lpa", "Rijswijk", "vo"))
    (table,) = engine.handle(USER, Command("start", "opschaling-den-haag"))
    assert table.picture is not None and "Opschaling Den Haag (VO)" in table.picture.title
    (step,) = engine.handle(USER, Command("start", "route-testflow"))
    assert "Is de leerling ingeschreven?" in step.text and "vraag 1" in step.text
    (routes,) = engine.handle(USER, Command("start", "route"))
    assert "Testroute" in [b.label for row in routes.buttons for b in row]


def test_a_new_user_is_onboarded_first_and_then_lands_there(engine: Engine) -> None:
    (role,) = engine.handle(USER, Command("start", "route-testflow"))
    assert "Wat is je rol?" in role.text
    (gemeente,) = press(engine, role, "Leerplichtambtenaar")
    done, step = press(engine, gemeente, "Den Haag")
    assert "Klaar" in done.text and "Den Haag (VO)" in done.text
    assert "Is de leerling ingeschreven?" in step.text
    assert engine.store.dialogue(USER).opens is None  # landed once, not at every message
    (again,) = engine.handle(USER, Command("start"))
    assert "Welkom terug" in again.text


def test_the_waiting_link_reads_as_words_in_mijngegevens(engine: Engine) -> None:
    engine.handle(USER, Command("start", "opschaling-rijswijk"))
    (mine,) = engine.handle(USER, Command("mijngegevens"))
    assert "na het instellen open ik de link 'opschaling-rijswijk'" in mine.text


@pytest.mark.parametrize(
    "payload", ["", "opschaling-utrecht", "route-bestaat-niet", "casus-K7MX", "route-testflow!", "x" * 65]
)
def test_an_unknown_or_malformed_link_is_a_plain_start(engine: Engine, payload: str) -> None:
    (reply,) = engine.handle(USER, Command("start", payload))
    assert "Wat is je rol?" in reply.text
    assert engine.store.dialogue(USER).opens is None


def test_every_gemeente_and_flow_of_the_shipped_content_has_a_working_link(kb: Knowledge) -> None:
    for gemeente in kb.gemeenten:
        slug = kb.gemeente_id(gemeente)
        assert target(f"opschaling-{slug}", kb) is not None, gemeente
    for flow in kb.flows:
        assert target(f"route-{flow}", kb) is not None, flow

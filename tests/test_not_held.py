"""A routeboek the bot knows of but lacks (Haaglanden PO): said in onboarding, settings and
answers, never replaced by the VO routeboek without a word (issue 9, item 7). Shipped content."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import load_content
from bot.engine import Command, Engine, Press, Reply, TextIn
from bot.knowledge import Knowledge
from bot.storage import Store

USER = "test:po"


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_content()


@pytest.fixture
def engine(kb: Knowledge, tmp_path: Path) -> Engine:
    return Engine(kb, Store(tmp_path / "routeboek.db"))


def press(engine: Engine, reply: Reply, label: str) -> list[Reply]:
    for row in reply.buttons:
        for button in row:
            if button.label.startswith(label):
                return engine.handle(USER, Press(button.data))
    raise AssertionError(f"no button {label!r} in {[b.label for r in reply.buttons for b in r]}")


def onboard_po(engine: Engine, gemeente: str = "Den Haag") -> Reply:
    (reply,) = engine.handle(USER, Command("start"))
    (reply,) = press(engine, reply, "IB'er")
    (reply,) = engine.handle(USER, TextIn(gemeente))
    assert "PO" in reply.text and "heb ik niet" in reply.text, reply.text
    (done,) = press(engine, reply, "PO")
    return done


def test_onboarding_offers_po_and_says_its_routeboek_is_missing(engine: Engine) -> None:
    done = onboard_po(engine)
    assert engine.store.profile(USER).sector == "po"
    assert "primair onderwijs" in done.text and "niet" in done.text
    assert "/instellingen" in done.text


def test_a_po_question_names_the_missing_routeboek_instead_of_a_vo_answer(engine: Engine) -> None:
    onboard_po(engine, "Rijswijk")
    (reply,) = engine.handle(USER, TextIn("wanneer meld ik verzuim bij leerplicht?"))
    assert "primair onderwijs" in reply.text and "Bron:" not in reply.text


def test_settings_show_the_gap_and_offer_both_sectors(engine: Engine) -> None:
    onboard_po(engine, "Leidschendam-Voorburg")
    (settings,) = engine.handle(USER, Command("instellingen"))
    assert "heb ik niet" in settings.text
    (choice,) = press(engine, settings, "Sector")
    labels = [b.label for row in choice.buttons for b in row]
    assert any(label.startswith("PO") for label in labels) and any(label.startswith("VO") for label in labels)


def test_walk_throughs_and_tables_say_whose_they_are(engine: Engine) -> None:
    onboard_po(engine)
    (routes,) = engine.handle(USER, Press("rt"))
    assert "primair onderwijs" in routes.text
    (table,) = engine.handle(USER, Command("opschaling"))
    assert "(VO)" in table.text and "heb ik niet" in table.text


def test_a_gemeente_with_both_routeboeken_has_no_gap_note(engine: Engine) -> None:
    (reply,) = engine.handle(USER, Command("start"))
    (reply,) = press(engine, reply, "IB'er")
    (reply,) = engine.handle(USER, TextIn("Apeldoorn"))
    assert "heb ik niet" not in reply.text


def test_after_an_ask_back_the_press_gives_that_situations_card(engine: Engine) -> None:
    (reply,) = engine.handle(USER, Command("start"))
    (reply,) = press(engine, reply, "IB'er")
    (sector,) = engine.handle(USER, TextIn("Rijswijk"))
    press(engine, sector, "VO")
    (asked,) = engine.handle(USER, TextIn("ll is al bijna twee weken ziek thuis en reageert niet, wat nu?"))
    assert asked.text.startswith("Gaat het om")
    (card,) = press(engine, asked, "Ziekteverzuim")
    assert "Bron:" in card.text and len(card.text) <= 700 + 40  # the card, with bold markers
    labels = [b.label for row in card.buttons for b in row]
    assert "Lees het hele stuk" in labels
    (full,) = press(engine, card, "Lees het hele stuk")
    assert len(full.text) > len(card.text)


def test_an_inline_ask_back_offers_both_situations_as_results(engine: Engine, kb: Knowledge) -> None:
    (reply,) = engine.handle(USER, Command("start"))
    (reply,) = press(engine, reply, "IB'er")
    (sector,) = engine.handle(USER, TextIn("Rijswijk"))
    press(engine, sector, "VO")
    question = "ll is al bijna twee weken ziek thuis en reageert niet, wat nu?"
    decision = engine.decider.decide(question, "Rijswijk", "vo")
    assert decision.clarify is not None
    offered = {section_id for _label, section_id in decision.clarify.options}
    results = engine.inline_answers(question, USER)
    assert offered <= {r.id for r in results}
    assert all("Bron:" in r.text for r in results)

"""Whole conversations through the engine and the console adapter, on fixture content."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from bot.console import CONSOLE_USER, parse_line, plain, run_console
from bot.content import load_content
from bot.engine import LOCAL_TIME, Button, Command, Engine, Press, Reply, TextIn
from bot.storage import Store

USER = "test:1"


@pytest.fixture
def engine(content_dir: Path, tmp_path: Path) -> Engine:
    # A fixed day: dates typed in these tests must stay recent (older ones read as birth dates).
    today = datetime(2026, 11, 16, 10, 0, tzinfo=LOCAL_TIME)
    return Engine(load_content(content_dir), Store(tmp_path / "db" / "routeboek.db"), clock=lambda: today)


def press(engine: Engine, reply: Reply, label: str, user: str = USER) -> list[Reply]:
    for row in reply.buttons:
        for button in row:
            if button.label == label:
                return engine.handle(user, Press(button.data))
    raise AssertionError(f"no button {label!r} in {[b.label for r in reply.buttons for b in r]}")


def stored_texts(engine: Engine, user: str = USER) -> list[str]:
    """Every text stored about the user, the dialogue state's JSON opened up: where a typed
    argument would land if it were stored. Numbers (timestamps, epochs) are left out, so a
    secret's digits inside a timestamp never count as a leak."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            try:
                opened = json.loads(value)
            except ValueError:
                opened = None
            if isinstance(opened, (dict, list)):
                walk(opened)  # its texts, not its numbers
            else:
                found.append(value)

    walk(engine.store.export(user))
    return found


def onboard(engine: Engine, gemeente: str = "Den Haag", user: str = USER) -> list[Reply]:
    (reply,) = engine.handle(user, Command("start"))
    (reply,) = press(engine, reply, "Mentor of leerkracht", user)
    return press(engine, reply, gemeente, user)


def test_onboarding_asks_role_then_gemeente_and_skips_sector_when_only_one(engine: Engine) -> None:
    (first,) = engine.handle(USER, Command("start"))
    assert "Wat is je rol?" in first.text
    (second,) = press(engine, first, "Leerplichtambtenaar")
    assert "gemeente" in second.text
    (done,) = press(engine, second, "Rijswijk")
    assert "Rijswijk (VO)" in done.text
    profile = engine.store.profile(USER)
    assert (profile.role, profile.gemeente, profile.sector) == ("lpa", "Rijswijk", "vo")


def test_onboarding_asks_sector_where_the_gemeente_has_both(engine: Engine) -> None:
    (reply,) = engine.handle(USER, Command("start"))
    (reply,) = press(engine, reply, "Andere rol")
    (reply,) = engine.handle(USER, TextIn("apeldoorn"))  # typed instead of pressed
    assert "PO" in reply.text and "VO" in reply.text
    (reply,) = press(engine, reply, "PO (primair)")
    assert engine.store.profile(USER).sector == "po"


def test_commands_need_onboarding_first(engine: Engine) -> None:
    (reply,) = engine.handle(USER, Command("opschaling"))
    assert "/start" in reply.text


def test_question_gets_answer_with_source_and_gemeente_specific_rule(engine: Engine) -> None:
    onboard(engine, "Rijswijk")
    (reply,) = engine.handle(USER, TextIn("wie voert het gesprek met ouders over het verzuim?"))
    text = plain(reply.text)
    assert "Gesprek met ouders" in text
    assert "In Rijswijk: Het gesprek wordt gevoerd door leerplicht." in text
    assert "Bron: Testroutebook (2025), Fase 2.1" in text


def test_out_of_domain_question_gets_honest_no(engine: Engine) -> None:
    onboard(engine)
    (reply,) = engine.handle(USER, TextIn("wat is de hoofdstad van australie"))
    assert "routeboek niet over" in reply.text
    assert reply.buttons  # the menu is offered instead


def test_walk_through_with_back_restart_and_source(engine: Engine) -> None:
    onboard(engine)
    (routes,) = engine.handle(USER, Command("route"))
    (question,) = press(engine, routes, "Testroute")
    assert "vraag 1 van max. 1" in question.text and "Is de leerling ingeschreven?" in question.text
    (end,) = press(engine, question, "Nee")
    assert "Niet ingeschreven" in end.text and "Wie is verantwoordelijk:** Leerplicht" in end.text
    assert "Bron:** Testroutebook (2025), Route 2" in end.text
    (again,) = press(engine, end, "Terug")
    assert "Is de leerling ingeschreven?" in again.text
    (end,) = press(engine, again, "Ja")
    (restart,) = press(engine, end, "Opnieuw")
    assert "vraag 1" in restart.text


def test_restart_in_the_middle_of_a_walk_through_resumes(content_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "routeboek.db"
    first = Engine(load_content(content_dir), Store(db))
    onboard(first)
    (routes,) = first.handle(USER, Command("route"))
    (question,) = press(first, routes, "Testroute")
    first.store.close()

    # A new process: new knowledge, new store on the same file, the old message's buttons.
    second = Engine(load_content(content_dir), Store(db))
    (end,) = press(second, question, "Ja")
    assert "Ingeschreven" in end.text


def test_stale_and_forged_buttons_get_a_friendly_answer(engine: Engine) -> None:
    onboard(engine)
    (routes,) = engine.handle(USER, Command("route"))
    (question,) = press(engine, routes, "Testroute")
    press(engine, question, "Ja")
    replies = press(engine, question, "Nee")  # the same old message, pressed again
    assert "eerdere stap" in replies[0].text
    for forged in ("f:999:0", "s:bestaat-niet", "rt:geen-route", "on:g:99", "xyz", "w:niemand", ""):
        replies = engine.handle(USER, Press(forged))
        assert replies and replies[0].text  # no exception, always an answer


def test_personal_data_is_refused_and_not_stored(engine: Engine) -> None:
    onboard(engine)
    for text in ("Jan de Vries is al 3 weken ziek", "geboren 12-03-2011, wat nu?", "bsn 111222333"):
        (reply,) = engine.handle(USER, TextIn(text))
        assert "persoonsgegevens" in reply.text
    stored = repr(engine.store.export(USER))
    assert "Vries" not in stored and "2011" not in stored and "111222333" not in stored


def test_oversized_message(engine: Engine) -> None:
    onboard(engine)
    (reply,) = engine.handle(USER, TextIn("ziek " * 1000))
    assert "te lang" in reply.text


def test_unknown_command(engine: Engine) -> None:
    onboard(engine)
    (reply,) = engine.handle(USER, Command("bestaatniet"))
    assert "ken ik niet" in reply.text


def test_escalation_table_and_timeline(engine: Engine) -> None:
    onboard(engine)
    (table,) = engine.handle(USER, Command("opschaling"))
    assert "Stap 1: Intercollegiale afstemming" in table.text and "Termijn: 4-8 weken" in table.text
    assert table.picture and table.picture.title == "Opschaling Den Haag (VO)"
    (card,) = table.picture.cards
    assert card.heading == "Stap 1: Intercollegiale afstemming" and "Termijn: 4-8 weken" in card.lines
    assert table.picture.source == "Bron: Testroutebook (2025), Bijlage 1"
    (ask,) = press(engine, table, "Termijnen voor een casus")
    assert "datum" in ask.text
    (timeline,) = engine.handle(USER, TextIn("5-1-2026"))
    assert "2-2-2026 tot 2-3-2026" in timeline.text  # 4 and 8 calendar weeks after 5 January


def test_settings_change_gemeente(engine: Engine) -> None:
    onboard(engine)
    (settings,) = engine.handle(USER, Command("instellingen"))
    (ask,) = press(engine, settings, "Gemeente")
    (done,) = press(engine, ask, "Rijswijk")
    assert engine.store.profile(USER).gemeente == "Rijswijk" and "Rijswijk" in done.text


def test_begrip_and_wie(engine: Engine) -> None:
    onboard(engine)
    (reply,) = engine.handle(USER, Command("begrip", "jgz"))
    assert "JGZ: Jeugdgezondheidszorg" in reply.text
    (roles,) = engine.handle(USER, Command("wie"))
    (role,) = press(engine, roles, "JGZ")
    assert "Spreekuur" in role.text


def test_see_and_delete_my_data(engine: Engine) -> None:
    onboard(engine)
    (mine,) = engine.handle(USER, Command("mijngegevens"))
    assert "- Profiel: rol: Mentor of leerkracht, gemeente: Den Haag, sector: vo, aangemaakt: " in mine.text
    assert "- Waar je bent in het gesprek: geen route bezig en geen open vraag, teller voor oude knoppen: 0" in mine.text
    (confirm,) = engine.handle(USER, Command("vergeet"))
    (gone,) = press(engine, confirm, "Ja, wis alles")
    assert "gewist" in gone.text
    assert engine.store.export(USER) == {}


def test_corrupt_database_is_set_aside_not_lost(tmp_path: Path) -> None:
    db = tmp_path / "routeboek.db"
    db.write_bytes(b"this is not a database" * 100)
    store = Store(db)
    store.save_profile(store.profile("x"))
    assert store.profile("x").user == "x"
    aside = list(tmp_path.glob("routeboek.db.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")


def test_console_protocol(engine: Engine) -> None:
    script = "/start\n1\n1\nwat is de hoofdstad van australie\n42\n"
    out = io.StringIO()
    assert run_console(engine, io.StringIO(script), out) == 0
    blocks = out.getvalue().split("\n\n")
    assert blocks[0].startswith("Hallo!")
    assert "[1] Mentor of leerkracht" in out.getvalue()
    assert "Klaar. Je antwoorden komen nu uit het routeboek voor Den Haag (VO)." in out.getvalue()
    assert "Er is geen knop 42" in out.getvalue()
    assert engine.store.profile(CONSOLE_USER).gemeente == "Den Haag"
    assert "**" not in out.getvalue()  # markup is rendered, not shown


def test_what_is_question_gets_the_abbreviation_spelled_out_on_the_card(engine: Engine) -> None:
    onboard(engine)
    (reply,) = engine.handle(USER, TextIn("wat betekent JGZ?"))
    lines = plain(reply.text).splitlines()
    assert lines[1] == "JGZ: Jeugdgezondheidszorg."  # right under the card's heading, once
    assert plain(reply.text).count("Jeugdgezondheidszorg") == 1
    assert "Bron: Testroutebook (2025), Fase 2" in plain(reply.text)  # the passage's card
    (other,) = engine.handle(USER, TextIn("wanneer meldt de school bij de jgz?"))
    assert "JGZ: Jeugdgezondheidszorg" not in plain(other.text)


@pytest.mark.parametrize(
    "prefix",
    [
        "menu",
        "on:g",
        "on:r",
        "on:s",
        "set",
        "rt",
        "f:0",
        "s",
        "esc",
        "tl",
        "cs:v",
        "cs:g",
        "cs:off",
        "w",
        "fg",
        "ask",
        "zz",
    ],
)
def test_forged_button_data_never_raises(engine: Engine, prefix: str) -> None:
    onboard(engine)
    engine.handle(USER, Command("route"))
    for suffix in ("", ":", ":²", ":٣", ":-1", ":" + "9" * 40, ":1:2:3", ":x" * 20, ":\u0000"):
        replies = engine.handle(USER, Press(prefix + suffix))
        assert replies and all(reply.text for reply in replies)


def test_console_number_lines_that_are_not_plain_digits_are_text() -> None:
    assert parse_line("²", [Button("Ja", "on:begin")]) == TextIn("²")
    assert parse_line("1", [Button("Ja", "on:begin")]) == Press("on:begin")
    assert parse_line("12345678901234567890", []) == TextIn("12345678901234567890")


def test_answer_is_a_card_with_the_full_passage_one_press_away(engine: Engine) -> None:
    onboard(engine)
    (card,) = engine.handle(USER, TextIn("wie voert het gesprek met ouders over het verzuim?"))
    assert len(card.text) <= 700 + 100  # the card, plus at most a tip line
    full = [b for row in card.buttons for b in row if b.label == "Lees het hele stuk"]
    assert full
    (passage,) = engine.handle(USER, Press(full[0].data))
    assert len(passage.text) > len(card.text.split("\n\nTip:")[0])
    assert "Bron:" in passage.text


def test_declined_question_shows_no_passage(engine: Engine) -> None:
    onboard(engine)
    (reply,) = engine.handle(USER, TextIn("hoe vraag ik een nieuwe laptop aan bij de ict-afdeling?"))
    assert "routeboek niet over" in reply.text and "Bron:" not in reply.text


@pytest.mark.parametrize(
    ("command", "arg", "secret"),
    [
        ("begrip", "Sanne Jansen", "Sanne"),
        ("opschaling", "2511ab", "2511ab"),
        ("opschaling", "Mohammed komt niet", "Mohammed"),
        ("begrip", "06 12 34 56 78", "56 78"),
        ("wie", "bsn 860-129-044", "860"),
    ],
)
def test_command_arguments_with_personal_data_are_refused_not_echoed(
    engine: Engine, command: str, arg: str, secret: str
) -> None:
    onboard(engine)
    (reply,) = engine.handle(USER, Command(command, arg))
    assert "persoonsgegevens" in reply.text and secret not in reply.text
    assert stored_texts(engine) and not [text for text in stored_texts(engine) if secret in text]


def test_the_stored_text_check_finds_an_argument_kept_in_the_dialogue_state(engine: Engine) -> None:
    onboard(engine)
    state = engine.store.dialogue(USER)
    state.for_sector = "bsn 860-129-044"
    engine.store.save_dialogue(USER, state)
    assert [text for text in stored_texts(engine) if "860" in text] == ["bsn 860-129-044"]


def test_command_arguments_are_checked_before_onboarding_too(engine: Engine) -> None:
    (reply,) = engine.handle(USER, Command("privacy", "zoon daan, geb 3-3-2012"))
    assert reply.text.startswith("Je bericht lijkt") and "daan" not in reply.text


def test_dialogue_input_passes_the_guard(engine: Engine) -> None:
    (first,) = engine.handle(USER, Command("start"))
    press(engine, first, "Mentor of leerkracht")
    (reply,) = engine.handle(USER, TextIn("Fenna van Dam"))  # typed where a gemeente is asked
    assert "persoonsgegevens" in reply.text and "Fenna" not in reply.text
    assert engine.store.profile(USER).gemeente is None
    engine.handle(USER, TextIn("Den Haag"))
    (table,) = engine.handle(USER, Command("opschaling"))
    (ask,) = press(engine, table, "Termijnen voor een casus")
    assert "datum" in ask.text
    (reply,) = engine.handle(USER, TextIn("12-03-2012"))  # a child's birth date, not a first day
    assert reply.text.startswith("Je bericht lijkt") and "2012" not in reply.text
    assert not [text for text in stored_texts(engine) if "2012" in text]


def test_a_first_day_whose_digits_pass_the_eleven_test_is_a_date_not_a_bsn(engine: Engine) -> None:
    # 12012026 passes the BSN eleven-test, as one date in eleven does: it was refused as a BSN.
    onboard(engine)
    (table,) = engine.handle(USER, Command("opschaling"))
    press(engine, table, "Termijnen voor een casus")
    (timeline,) = engine.handle(USER, TextIn("12-01-2026"))
    assert "9-2-2026 tot 9-3-2026" in timeline.text


def test_dialogue_state_from_another_version_is_read_as_no_prompt() -> None:
    from bot.storage import Dialogue

    state = Dialogue.from_json('{"onboarding": "bogus", "awaiting": "case-x", "flow": "f", "chat": "tg:-5"}')
    assert (state.onboarding, state.awaiting, state.flow, state.chat) == (None, None, "f", None)
    stored = json.loads(Dialogue(chat="tg:-5").to_json())
    assert "chat" not in stored and "tg:-5" not in stored.values()  # the event's chat is never stored


def test_switching_to_a_gemeente_with_other_sectors_asks_the_sector_again(engine: Engine) -> None:
    onboard(engine, "Den Haag")  # VO only: the sector was never asked
    (settings,) = engine.handle(USER, Command("instellingen"))
    (gemeenten,) = press(engine, settings, "Gemeente")
    (asked,) = press(engine, gemeenten, "Apeldoorn")
    assert "primair (PO) of voortgezet onderwijs (VO)" in asked.text
    (done,) = press(engine, asked, "PO (primair)")
    assert "Apeldoorn (PO)" in done.text
    # Back to a gemeente with one sector: set without asking.
    (settings,) = engine.handle(USER, Command("instellingen"))
    (gemeenten,) = press(engine, settings, "Gemeente")
    (done,) = press(engine, gemeenten, "Rijswijk")
    assert "Rijswijk (VO)" in done.text


def test_steps_on_a_screen_replace_it_and_answers_stay_in_the_chat(engine: Engine) -> None:
    onboard(engine)
    (routes,) = engine.handle(USER, Command("route"))
    (question,) = press(engine, routes, "Testroute")
    assert question.edit  # the list of routes becomes the first question
    (listed,) = press(engine, question, "Terug")  # and back again, in the same place
    assert listed.edit and "Kies een onderwerp" in listed.text
    (question,) = press(engine, listed, "Testroute")
    (end,) = press(engine, question, "Nee")
    assert end.edit and "Niet ingeschreven" in end.text
    stale = press(engine, question, "Ja")  # the old question again: a new message says so
    assert not stale[0].edit
    (menu,) = press(engine, end, "Menu")  # the menu sits under answers too: never in place
    assert not menu.edit
    (answer,) = engine.handle(USER, TextIn("wie voert het gesprek met ouders over het verzuim?"))
    (full,) = press(engine, answer, "Lees het hele stuk")
    assert not full.edit
    (settings,) = engine.handle(USER, Command("instellingen"))
    (roles,) = press(engine, settings, "Rol")
    (done,) = press(engine, roles, "Leerplichtambtenaar")
    assert roles.edit and done.edit

"""The weekly digest of open cases and reminders of a region's fixed dates (shipped content)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from test_case_follow_up import USER, Clock, new_case
from test_case_follow_up import clock as clock  # the fixtures
from test_case_follow_up import engine as engine
from test_case_follow_up import kb as kb
from test_engine import press

from bot.content import ContentError, load_content
from bot.engine import Command, Engine
from bot.storage import Profile
from tests.conftest import DOC, REGIONS, write_content

AMS = ZoneInfo("Europe/Amsterdam")


def pushes(engine: Engine, clock: Clock, *when: int) -> list[str]:
    clock.now = datetime(*when, tzinfo=AMS)  # type: ignore[misc]
    texts = []
    for push in engine.outbox.due_pushes():
        texts.append(push.reply.text)
        engine.outbox.push_delivered(push)
    return texts


def test_the_monday_digest_lists_open_cases_overdue_first_once_a_week(engine: Engine, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 2, 10, tzinfo=AMS)
    new_case(engine, "7-9-2026")  # step 1's term ended on 2-11-2026: overdue by the Monday after
    new_case(engine, "26-10-2026")
    closed = new_case(engine, "26-10-2026")
    press(engine, closed, "Afsluiten", USER)
    codes = [c.pseudonym for c in engine.store.cases(USER)]
    assert pushes(engine, clock, 2026, 11, 9, 7) == []  # Monday, before 8:00
    assert pushes(engine, clock, 2026, 11, 10, 9) == []  # not a Monday
    (digest,) = pushes(engine, clock, 2026, 11, 9, 8)
    assert "Weekoverzicht casussen, maandag 9-11-2026" in digest
    overdue, ahead = digest.index("Termijn voorbij"), digest.index("Volgende termijnen")
    assert overdue < digest.index(f"Casus {codes[0]}") < ahead < digest.index(f"Casus {codes[1]}")
    assert f"Casus {codes[1]} (Den Haag, VO): stap 1 " in digest and "uiterlijk 21-12-2026 (kerstvakantie)" in digest
    assert f"Casus {codes[2]}" not in digest  # closed
    assert pushes(engine, clock, 2026, 11, 9, 10) == []  # once a week
    assert pushes(engine, clock, 2026, 11, 16, 9)  # and again the next Monday


def test_the_digest_is_one_press_to_turn_off(engine: Engine, clock: Clock) -> None:
    new_case(engine, "26-10-2026")
    clock.now = datetime(2026, 11, 9, 9, tzinfo=AMS)
    (push,) = engine.outbox.due_pushes()
    (off,) = press(engine, push.reply, "Weekoverzicht uit", USER)
    assert "geen weekoverzicht meer" in off.text
    assert not engine.outbox.push_still_due(push) and engine.outbox.due_pushes() == []
    (overview,) = engine.handle(USER, Command("casus"))
    assert "Weekoverzicht op maandag: uit" in overview.text
    press(engine, overview, "Weekoverzicht aan", USER)
    assert engine.outbox.due_pushes()


def test_no_digest_without_open_cases(engine: Engine, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 2, 10, tzinfo=AMS)
    created = new_case(engine, "26-10-2026")
    for step in ("1", "2", "3", "4"):
        (when,) = press(engine, created, f"Stap {step} gezet", USER)
        (created,) = press(engine, when, "Vandaag", USER)
    assert pushes(engine, clock, 2026, 11, 9, 9) == []  # every step taken: nothing ahead


def test_fixed_dates_are_opt_in_and_come_a_week_before(engine: Engine, clock: Clock) -> None:
    engine.store.save_profile(Profile(USER, "ib", "Apeldoorn", "po"))
    assert pushes(engine, clock, 2026, 12, 8, 9) == []  # not asked for
    (overview,) = engine.handle(USER, Command("casus"))
    assert "Telling thuiszitters door de inspectie (15-3, 15-6, 15-9, 15-12)" in overview.text
    (on,) = press(engine, overview, "Vaste data: herinner mij", USER)
    assert "een week voor elke vaste datum" in on.text
    assert pushes(engine, clock, 2026, 12, 7, 9) == []  # eight days before 15 December
    (reminder,) = pushes(engine, clock, 2026, 12, 8, 9)
    assert "Over 7 dagen, op 15-12-2026." in reminder and "vraagt hiertoe viermaal per jaar" in reminder
    assert "Bron:** Thuiszittersprotocol gemeente Apeldoorn" in reminder and "Hoofdstuk 2 Definities" in reminder
    assert pushes(engine, clock, 2026, 12, 9, 9) == []  # once
    (march,) = pushes(engine, clock, 2027, 3, 8, 9)
    assert "op 15-3-2027" in march
    # Den Haag's routeboek names no fixed dates: nothing offered there.
    engine.store.save_profile(Profile(USER, "ib", "Den Haag", "vo"))
    (overview,) = engine.handle(USER, Command("casus"))
    assert "Vaste data" not in str(overview.buttons)


def _problems(tmp_path: Path, dates: str, gemeenten: str = "[Apeldoorn]") -> list[str]:
    doc = DOC.replace(
        "roles:\n",
        "fixed_dates:\n"
        "  - id: telling\n"
        "    name: Telling\n"
        "    text: Vier keer per jaar.\n"
        f"    dates: {dates}\n"
        f"    gemeenten: {gemeenten}\n"
        "    source: {document: test-doc, section: H2}\n"
        "roles:\n",
        1,
    )
    root = write_content(tmp_path / dates.strip('[]"'), {"knowledge/regions.yaml": REGIONS, "knowledge/test-doc.yaml": doc})
    try:
        load_content(root)
    except ContentError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_fixed_dates_are_validated(tmp_path: Path) -> None:
    assert _problems(tmp_path, '["03-15"]') == []
    (problem,) = _problems(tmp_path, '["02-30"]')
    assert problem.startswith("knowledge/test-doc.yaml:") and "'02-30' is not a day of the year" in problem
    (problem,) = _problems(tmp_path, '["13-01"]')
    assert "fixed_dates.0.dates.0" in problem
    (problem,) = _problems(tmp_path, '["03-15"]', "[Atlantis]")
    assert "unknown gemeente 'Atlantis'" in problem

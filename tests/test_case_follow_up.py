"""Cases that follow what happens: steps taken on a date move the clock, holidays show, cases
close and reopen, reminders can be put off and avoid holidays, the agenda file, blocked users.

On the shipped content (Den Haag VO and Apeldoorn, regio Midden's school calendar) with a
controlled clock.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from test_cases import code_of
from test_engine import press

from bot.console import render
from bot.content import load_content
from bot.engine import Command, Engine, Reply, TextIn
from bot.reminders import LATE_NOTE
from bot.storage import Profile, Store

USER = "test:9"
AMS = ZoneInfo("Europe/Amsterdam")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 10, 0, tzinfo=AMS)  # a Monday

    def set(self, *args: int) -> None:
        self.now = datetime(*args, tzinfo=AMS)  # type: ignore[misc]


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_content()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(kb, tmp_path: Path, clock: Clock) -> Engine:  # type: ignore[no-untyped-def]
    engine = Engine(kb, Store(tmp_path / "db" / "routeboek.db"), clock=lambda: clock.now)
    engine.store.save_profile(Profile(USER, "ib", "Den Haag", "vo"))
    return engine


def new_case(engine: Engine, start: str) -> Reply:
    (overview,) = engine.handle(USER, Command("casus"))
    (question,) = press(engine, overview, "Nieuwe casus", USER)
    assert "eerste dag" in question.text
    (created,) = engine.handle(USER, TextIn(start))
    return created


def run(engine: Engine, clock: Clock, *when: int) -> list[str]:
    clock.set(*when)
    texts = []
    for reminder in engine.outbox.due_reminders():
        texts.append(reminder.reply.text)
        engine.outbox.reminder_delivered(reminder)
    return texts


def step_lines(reply: Reply, step: str) -> str:
    """The 'Uiterlijk' line under a step's heading in a case's text."""
    lines = reply.text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"**Stap {step}:"))
    return lines[at + 1]


def test_a_step_taken_on_a_typed_date_moves_the_later_deadlines(engine: Engine, clock: Clock) -> None:
    engine.store.save_profile(Profile(USER, "ib", "Apeldoorn", "po"))
    clock.set(2026, 11, 20, 10)
    created = new_case(engine, "2-11-2026")
    # Step 2 counts four school weeks from step 1; planned: from step 1's full term (23 November).
    assert step_lines(created, "2").startswith("Uiterlijk: 4-1-2027")
    (when,) = press(engine, created, "Stap 1 gezet", USER)
    assert "Wanneer is stap 1" in when.text
    (future,) = engine.handle(USER, TextIn("25-11-2026"))
    assert "toekomst" in future.text
    (early,) = engine.handle(USER, TextIn("1-11-2026"))
    assert "vóór de eerste dag" in early.text
    (taken,) = engine.handle(USER, TextIn("10-11-2026"))
    assert step_lines(taken, "1") == "Uiterlijk: 23-11-2026 (gezet op 10-11-2026)"
    # Four school weeks from 10 November: 8 December; step 3a follows from it (5 January would
    # be in the kerstvakantie, so the count skips those two weeks).
    assert step_lines(taken, "2").startswith("Uiterlijk: 8-12-2026")
    assert "gerekend vanaf stap 1, gezet op 10-11-2026" in taken.text
    assert step_lines(taken, "3a").startswith("Uiterlijk: 19-1-2027")
    (mine,) = engine.handle(USER, Command("mijngegevens"))
    assert "- Gezette stap: casus nummer: 1, stap: 1, gezet op: 2026-11-10" in mine.text
    # Taken back: the planned dates return.
    (back,) = press(engine, taken, "Stap 1 toch niet gezet", USER)
    assert step_lines(back, "2").startswith("Uiterlijk: 4-1-2027")
    assert "Gezette stap" not in engine.handle(USER, Command("mijngegevens"))[0].text


def test_a_first_day_in_the_future_is_questioned(engine: Engine, clock: Clock) -> None:
    asked = new_case(engine, "6-11-2026")
    assert "6-11-2026 ligt in de toekomst" in asked.text and engine.store.cases(USER) == []
    (created,) = press(engine, asked, "Ja, klopt", USER)
    assert "Eerste dag zorgwekkend verzuim: 6-11-2026" in created.text
    (again,) = press(engine, asked, "Ja, klopt", USER)  # the same button again: no second case
    assert len(engine.store.cases(USER)) == 1 and "eerder bericht" in again.text


def test_a_deadline_in_a_school_holiday_is_marked(engine: Engine) -> None:
    created = new_case(engine, "26-10-2026")
    assert step_lines(created, "1") == "Uiterlijk: 23-11-2026 tot 21-12-2026 (kerstvakantie) ← volgende"
    assert step_lines(created, "3") == "Uiterlijk: 11-1-2027"
    (overview,) = engine.handle(USER, Command("casus"))
    assert "Volgende termijn: stap 1 (Intercollegiale" in overview.text and "21-12-2026 (kerstvakantie)" in overview.text


def test_a_case_for_the_other_sector_of_ones_own_gemeente_is_one_press(engine: Engine) -> None:
    engine.store.save_profile(Profile(USER, "ib", "Apeldoorn", "po"))
    (overview,) = engine.handle(USER, Command("casus"))
    (question,) = press(engine, overview, "Nieuwe casus", USER)
    assert "Apeldoorn (PO)" in question.text
    (other,) = press(engine, question, "Apeldoorn VO", USER)
    assert "Nieuwe casus** in Apeldoorn (VO)" in other.text
    (created,) = press(engine, other, "Vandaag", USER)
    assert engine.store.cases(USER)[0].sector == "vo" and "Apeldoorn (VO)" in created.text


def test_closing_stops_reminders_keeps_the_case_and_reopening_brings_them_back(
    engine: Engine, clock: Clock
) -> None:
    created = new_case(engine, "26-10-2026")
    code = code_of(created)
    (closed,) = press(engine, created, "Afsluiten", USER)
    assert "Afgesloten op 2-11-2026" in closed.text and "Stap 1 gezet" not in str(closed.buttons)
    assert run(engine, clock, 2026, 11, 16, 9) == []  # step 1's week reminder would be due
    (overview,) = engine.handle(USER, Command("casus"))
    assert "0 lopend, 1 afgesloten" in overview.text and f"Casus {code}: Den Haag (VO), afgesloten op 2-11-2026" in overview.text
    (mine,) = engine.handle(USER, Command("mijngegevens"))
    assert f"code: {code}" in mine.text and "afgesloten op: 2026-11-02" in mine.text
    (shown,) = press(engine, overview, f"Casus {code}", USER)
    (reopened,) = press(engine, shown, "Heropenen", USER)
    assert "Herinneringen: aan" in reopened.text
    (week,) = run(engine, clock, 2026, 11, 16, 10)
    assert "stap 1" in week
    # Deleting is at once, after one confirmation.
    (confirm,) = press(engine, reopened, "Verwijderen", USER)
    assert "Afsluiten" in confirm.text
    press(engine, confirm, "Ja, verwijder", USER)
    assert engine.store.cases(USER) == [] and engine.store.export(USER).keys() <= {"users", "dialogue"}


def test_a_reminder_can_be_put_off_to_tomorrow_or_a_week(engine: Engine, clock: Clock) -> None:
    new_case(engine, "26-10-2026")
    clock.set(2026, 11, 16, 9)
    (reminder,) = engine.outbox.due_reminders()
    labels = [b.label for row in reminder.reply.buttons for b in row]
    assert labels[:3] == ["Stap 1 gezet", "Morgen weer", "Over een week"]
    engine.outbox.reminder_delivered(reminder)
    clock.set(2026, 11, 20, 11)  # Friday: 'Morgen weer' means Monday
    (put_off,) = press(engine, reminder.reply, "Morgen weer", USER)
    assert "Op 23-11-2026 herinner ik je weer aan stap 1" in put_off.text
    assert run(engine, clock, 2026, 11, 20, 12) == []
    (again,) = run(engine, clock, 2026, 11, 23, 9)
    assert "Je vroeg me om je hier nog eens aan te herinneren" in again and "stap 1" in again
    assert run(engine, clock, 2026, 11, 23, 10) == []  # once
    (week_later,) = press(engine, reminder.reply, "Over een week", USER)
    assert "Op 30-11-2026" in week_later.text
    assert run(engine, clock, 2026, 11, 27, 9) == []
    (again,) = run(engine, clock, 2026, 11, 30, 9)
    assert "Je vroeg me" in again


def test_a_reminder_put_off_into_a_holiday_comes_after_it(engine: Engine, clock: Clock) -> None:
    new_case(engine, "26-10-2026")
    clock.set(2026, 12, 18, 9)  # the Friday before the kerstvakantie
    reminder = next(r for r in engine.outbox.due_reminders() if r.step == "1")
    (put_off,) = press(engine, reminder.reply, "Morgen weer", USER)
    assert "Op 4-1-2027 (na de kerstvakantie) herinner ik je weer aan stap 1" in put_off.text
    assert not any(r.kind == "again" for r in engine.outbox.due_reminders())
    clock.set(2027, 1, 4, 9)
    (again,) = [r for r in engine.outbox.due_reminders() if r.kind == "again"]
    assert "Op 21-12-2026 (kerstvakantie) was de uiterste termijn voor stap 1" in again.reply.text


def test_a_reminder_that_falls_in_a_holiday_comes_on_the_last_school_day_before_it(
    engine: Engine, clock: Clock
) -> None:
    new_case(engine, "26-10-2026")  # steps 1 and 2 end on 21-12-2026, in the kerstvakantie
    clock.set(2026, 12, 14, 9)
    for reminder in engine.outbox.due_reminders():  # step 2's week reminder
        engine.outbox.reminder_delivered(reminder)
    assert run(engine, clock, 2026, 12, 17, 9) == []
    day = run(engine, clock, 2026, 12, 18, 9)  # the Friday before the holiday
    assert len(day) == 2
    assert all("Op 21-12-2026 (kerstvakantie) is de uiterste termijn" in text for text in day)
    assert all("Die dag valt in de kerstvakantie: daarom herinner ik je er nu al aan" in text for text in day)
    assert run(engine, clock, 2026, 12, 21, 9) == []  # not once more on the day


def test_a_week_reminder_that_falls_in_a_holiday_comes_before_it(engine: Engine, clock: Clock) -> None:
    engine.store.save_profile(Profile(USER, "ib", "Apeldoorn", "po"))
    new_case(engine, "2-11-2026")  # step 2 is due on 4-1-2027; a week before is 28-12, a holiday
    clock.set(2026, 11, 16, 9)
    for reminder in engine.outbox.due_reminders():  # step 1's week reminder
        engine.outbox.reminder_delivered(reminder)
    assert run(engine, clock, 2026, 12, 17, 9) == []
    (week,) = run(engine, clock, 2026, 12, 18, 9)
    assert "Over 17 dagen, op 4-1-2027, is stap 2: Het kernteam aan zet aan de beurt" in week
    assert "Een week vooraf valt in de kerstvakantie" in week
    assert LATE_NOTE not in week
    assert run(engine, clock, 2026, 12, 28, 9) == []


def test_after_downtime_only_the_newest_reminder_per_step_comes_marked_late(engine: Engine, clock: Clock) -> None:
    new_case(engine, "26-10-2026")
    # Down from 13 December: step 2's week reminder (from 14 December) and its holiday-moved
    # deadline reminder (18 December) are both due when the bot is back on the 18th.
    clock.set(2026, 11, 16, 9)
    for reminder in engine.outbox.due_reminders():  # step 1's week reminder, sent before the downtime
        engine.outbox.reminder_delivered(reminder)
    clock.set(2026, 12, 18, 9)
    reminders = engine.outbox.due_reminders()
    assert sorted(r.step for r in reminders) == ["1", "2"]
    step2 = next(r for r in reminders if r.step == "2")
    assert step2.kind == "day" and LATE_NOTE in step2.reply.text
    for reminder in reminders:
        engine.outbox.reminder_delivered(reminder)
    assert run(engine, clock, 2026, 12, 18, 10) == []  # the older one does not follow


def test_a_user_who_blocked_the_bot_gets_nothing_until_they_write_again(engine: Engine, clock: Clock) -> None:
    new_case(engine, "26-10-2026")
    clock.set(2026, 11, 16, 9)
    assert engine.outbox.due_reminders()
    engine.outbox.user_blocked(USER)
    assert engine.outbox.due_reminders() == []
    engine.handle(USER, Command("casus"))
    assert engine.outbox.due_reminders()


def test_zet_in_agenda_sends_an_ics_whose_events_update_after_a_step(
    engine: Engine, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = new_case(engine, "26-10-2026")
    code = code_of(created)
    (agenda,) = press(engine, created, "Zet in agenda", USER)
    assert agenda.document is not None and agenda.document.filename == f"casus-{code}.ics"
    first = Calendar.from_ical(agenda.document.data)
    events = {str(e["uid"]): e for e in first.walk("VEVENT")}
    assert len(events) == 4  # Den Haag VO: four steps with a term
    step1 = next(e for e in events.values() if "stap 1 " in str(e["summary"]))
    assert step1.decoded("dtstart") == date(2026, 12, 21) and code in str(step1["summary"])
    assert "Den Haag" not in str(step1["summary"]) + str(step1["description"])
    (when,) = press(engine, created, "Stap 1 gezet", USER)
    (taken,) = press(engine, when, "Vandaag", USER)
    (again,) = press(engine, taken, "Zet in agenda", USER)
    assert again.document is not None
    second = {str(e["uid"]): e for e in Calendar.from_ical(again.document.data).walk("VEVENT")}
    assert set(second) == set(events)  # the same events, updated
    assert any("gezet op 2-11-2026" in str(e["summary"]) for e in second.values())
    # The console cannot send a file: it writes it to the data folder and prints the path.
    monkeypatch.setenv("ROUTEBOEK_DATA_DIR", str(tmp_path / "data"))
    shown = render(again)
    saved = tmp_path / "data" / "bestanden" / f"casus-{code}.ics"
    assert f"Bestand: {saved}" in shown and saved.read_bytes() == again.document.data


def test_vergeet_removes_step_dates_snoozes_and_choices_too(engine: Engine, clock: Clock) -> None:
    created = new_case(engine, "26-10-2026")
    (when,) = press(engine, created, "Stap 1 gezet", USER)
    press(engine, when, "Vandaag", USER)
    clock.set(2026, 12, 14, 9)
    (reminder,) = engine.outbox.due_reminders()
    press(engine, reminder.reply, "Morgen weer", USER)
    (overview,) = engine.handle(USER, Command("casus"))
    press(engine, overview, "Weekoverzicht uit", USER)
    (mine,) = engine.handle(USER, Command("mijngegevens"))
    assert "Uitgestelde herinnering: casus nummer: 1, stap: 2, opnieuw op: 2026-12-15" in mine.text
    assert "Keuzes over berichten: weekoverzicht: uit" in mine.text
    (confirm,) = engine.handle(USER, Command("vergeet"))
    press(engine, confirm, "Ja, wis alles", USER)
    assert engine.store.export(USER) == {}
    for table in ("steps_done", "snoozes", "prefs"):
        assert engine.store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_cases_of_the_previous_version_stay_open_after_the_migration(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from bot.storage import migrations

    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="m006_case_follow_up")  # a database of the previous version
    db.execute(
        "INSERT INTO cases (user, pseudonym, gemeente, sector, start, reminders, created, reached)"
        " VALUES (?, 'C1', 'Den Haag', 'vo', '2026-10-26', 1, 0, '1')",
        [USER],
    )
    db.close()
    store = Store(path)
    (case,) = store.cases(USER)
    assert (case.reached, case.closed, case.done, case.snoozed) == ("1", None, {}, {})
    assert store.prefs(USER).digest and not store.prefs(USER).fixed_dates  # the digest is on by default


def test_without_a_table_for_ones_own_sector_the_other_sector_is_one_press(engine: Engine) -> None:
    engine.store.save_profile(Profile(USER, "ib", "Den Haag", "po"))  # the bot holds Den Haag's VO routeboek only
    (overview,) = engine.handle(USER, Command("casus"))
    (refused,) = press(engine, overview, "Nieuwe casus", USER)
    assert "Voor Den Haag (PO) staat geen opschalingstabel" in refused.text
    (question,) = press(engine, refused, "Den Haag VO", USER)
    assert "Nieuwe casus** in Den Haag (VO)" in question.text


def test_the_console_shows_reminders_digest_and_agenda_file_on_its_clock(
    kb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    import io

    from bot.console import CONSOLE_USER, run_console

    monkeypatch.setenv("ROUTEBOEK_DATA_DIR", str(tmp_path / "data"))
    clock = Clock()
    engine = Engine(kb, Store(tmp_path / "data" / "routeboek.db"), clock=lambda: clock.now)
    engine.store.save_profile(Profile(CONSOLE_USER, "ib", "Den Haag", "vo"))
    engine.store.add_case(CONSOLE_USER, "K7MX", "Den Haag", "vo", "2026-10-26")
    clock.set(2026, 11, 16, 9)  # a Monday: step 1's week reminder and the digest are due
    out = io.StringIO()
    assert run_console(engine, io.StringIO("/casus\n1\n2\n"), out) == 0
    text = out.getvalue()
    assert text.index("Herinnering casus K7MX") < text.index("Weekoverzicht casussen") < text.index("Je casussen")
    assert "[2] Morgen weer\n[3] Over een week" in text
    saved = tmp_path / "data" / "bestanden" / "casus-K7MX.ics"
    assert f"Bestand: {saved}" in text and saved.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_deadline_past_the_school_calendar_is_named_not_dropped(engine: Engine, clock: Clock) -> None:
    # Regio Midden's calendar ends on 29-8-2027: four school weeks from late June run past it.
    engine.store.save_profile(Profile(USER, "ib", "Apeldoorn", "po"))
    clock.set(2027, 6, 25, 10)  # a Friday; step 1 ended on 22-6-2027
    created = new_case(engine, "1-6-2027")
    assert step_lines(created, "2") == "Uiterlijk: niet te berekenen"
    assert "Let op: Stap 2 telt schoolweken na het einde van de schoolkalender" in created.text
    (overview,) = engine.handle(USER, Command("casus"))
    assert "Termijn voorbij: stap 1 (De basis op orde), 22-6-2027" in overview.text
    unknown = "Volgende termijn: stap 2 (Het kernteam aan zet), niet te berekenen: de schoolkalender loopt tot 29-8-2027"
    assert unknown in overview.text and "Geen lopende termijnen" not in overview.text
    (when,) = press(engine, created, "Stap 1 gezet", USER)
    press(engine, when, "Vandaag", USER)
    (overview,) = engine.handle(USER, Command("casus"))
    assert unknown in overview.text and "Termijn voorbij" not in overview.text
    # The Monday digest still lists the case: a step is ahead, only its date is unknown.
    clock.set(2027, 6, 28, 8)
    (digest,) = [push.reply.text for push in engine.outbox.due_pushes() if push.kind == "digest"]
    assert f"Casus {code_of(created)} (Apeldoorn, PO): stap 2 Het kernteam aan zet, termijn niet te berekenen" in digest
    assert engine.outbox.due_reminders() == []  # no date, so no reminder: never a guessed one


def test_in_the_console_a_reminders_own_buttons_can_be_pressed(
    kb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    """The console has no push messages; what came in shows when the chat opens and on an empty
    line, one message at a time, so 'Morgen weer' of a reminder is the latest button to press."""
    import io
    from collections.abc import Iterator

    from bot.console import CONSOLE_USER, run_console

    monkeypatch.setenv("ROUTEBOEK_DATA_DIR", str(tmp_path / "data"))
    clock = Clock()
    engine = Engine(kb, Store(tmp_path / "data" / "routeboek.db"), clock=lambda: clock.now)
    engine.store.save_profile(Profile(CONSOLE_USER, "ib", "Den Haag", "vo"))
    engine.store.add_case(CONSOLE_USER, "K7MX", "Den Haag", "vo", "2026-10-26")
    clock.set(2026, 11, 16, 9)  # a Monday: step 1's week reminder and the digest are due
    out = io.StringIO()
    assert run_console(engine, io.StringIO("2\n"), out) == 0
    text = out.getvalue()
    reminder, digest = text.index("Herinnering casus K7MX"), text.index("Weekoverzicht casussen")
    put_off = text.index("Op 17-11-2026 herinner ik je weer aan stap 1")
    assert reminder < digest < put_off  # '2' pressed the reminder's 'Morgen weer'; the digest waited
    assert "Er is geen knop" not in text

    class Typing(io.StringIO):
        """Lines typed while the clock moves on to a given moment before each of them."""

        def __init__(self, *lines: tuple[tuple[int, ...], str]) -> None:
            super().__init__()
            self.lines = lines

        def __iter__(self) -> Iterator[str]:
            for when, line in self.lines:
                clock.set(*when)
                yield line + "\n"

    clock.set(2026, 11, 17, 9)
    out = io.StringIO()
    # The next day it is back when the chat opens; '3' is its 'Over een week'. A week later an
    # empty line shows it again, and its 'Morgen weer' is '2' again.
    typing = Typing(((2026, 11, 17, 9), "3"), ((2026, 11, 24, 9), ""), ((2026, 11, 24, 9), "2"))
    assert run_console(engine, typing, out) == 0
    text = out.getvalue()
    back = text.index("Je vroeg me om je hier nog eens aan te herinneren")
    week = text.index("Op 24-11-2026 herinner ik je weer aan stap 1")
    again = text.index("Je vroeg me om je hier nog eens aan te herinneren", week)
    assert back < week < again < text.index("Op 25-11-2026 herinner ik je weer aan stap 1")
    assert "Er is geen knop" not in text

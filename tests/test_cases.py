"""Cases under a pseudonym and their reminders, through the engine with a controlled clock."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from test_engine import press

from bot.content import load_content
from bot.engine import Command, Engine, Press, Reply, TextIn
from bot.storage import Profile, Store

USER = "test:1"
AMS = ZoneInfo("Europe/Amsterdam")

# The fixture table of Den Haag with a second step: "4-8 weken", then "10 weken".
SECOND_STEP = """\
      - step: "2"
        name: Managementafstemming
        goal: Managers zoeken een oplossing
        aanmelding: Door de school bij het management
        term: {text: "10 weken na de eerste dag", weeks: 10}
"""


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 10, 0, tzinfo=AMS)  # a Monday

    def set(self, *args: int) -> None:
        self.now = datetime(*args, tzinfo=AMS)  # type: ignore[misc]


@pytest.fixture
def content_files(content_files: dict[str, str]) -> dict[str, str]:
    doc = content_files["knowledge/test-doc.yaml"]
    marker = '        term: {text: "4-8 weken", weeks: 4, weeks_max: 8}\n'
    assert marker in doc
    return {**content_files, "knowledge/test-doc.yaml": doc.replace(marker, marker + SECOND_STEP)}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(content_dir: Path, tmp_path: Path, clock: Clock) -> Engine:
    engine = Engine(
        load_content(content_dir), Store(tmp_path / "db" / "routeboek.db"), clock=lambda: clock.now
    )
    (reply,) = engine.handle(USER, Command("start"))
    (reply,) = press(engine, reply, "IB'er of coördinator passend onderwijs")
    press(engine, reply, "Den Haag")
    return engine


def new_case(engine: Engine, start: str, user: str = USER) -> Reply:
    (overview,) = engine.handle(user, Command("casus"))
    (question,) = press(engine, overview, "Nieuwe casus", user)
    assert "eerste dag" in question.text
    (created,) = engine.handle(user, TextIn(start))
    return created


def code_of(reply: Reply) -> str:
    match = re.search(r"Casus \*\*([A-Z0-9]{4})\*\*", reply.text)
    assert match, reply.text
    return match[1]


def test_a_new_case_gets_a_code_and_its_deadlines(engine: Engine) -> None:
    created = new_case(engine, "5-1-2026")
    code = code_of(created)
    assert "ik bewaar geen naam" in created.text
    assert "Eerste dag zorgwekkend verzuim: 5-1-2026" in created.text
    # 4-8 weeks and 10 weeks after Monday 5 January.
    assert "Uiterlijk: 2-2-2026 tot 2-3-2026 ← volgende" in created.text
    assert "Uiterlijk: 16-3-2026" in created.text
    assert "Bron:** Testroutebook (2025)" in created.text
    (overview,) = engine.handle(USER, Command("casus"))
    assert f"Casus {code}" in overview.text and "Volgende termijn: stap 1" in overview.text
    # Only the code, the gemeente, the sector and the first day are stored.
    (case,) = engine.store.cases(USER)
    assert (case.pseudonym, case.gemeente, case.sector, case.start) == (code, "Den Haag", "vo", "2026-01-05")


def test_codes_differ_between_cases_and_avoid_look_alike_characters(engine: Engine) -> None:
    codes = {code_of(new_case(engine, "5-1-2026")) for _ in range(12)}
    assert len(codes) == 12
    assert not set("".join(codes)) & set("0O1IL2Z5S8B")


def test_the_first_day_is_checked_and_a_question_moves_on(engine: Engine, clock: Clock) -> None:
    (overview,) = engine.handle(USER, Command("casus"))
    press(engine, overview, "Nieuwe casus")
    (reply,) = engine.handle(USER, TextIn("31-2-2026"))
    assert "bestaat niet" in reply.text
    (reply,) = engine.handle(USER, TextIn("12-3-2012"))  # a birth date, not a first day
    assert "geboortedatum" in reply.text  # the personal-data guard reads dialogue input first
    (reply,) = engine.handle(USER, TextIn("12-3-2023"))
    assert "twee jaar" in reply.text and "geboortedatum" in reply.text
    (reply,) = engine.handle(USER, TextIn("1-6-2026"))
    assert "toekomst" in reply.text
    assert engine.store.cases(USER) == []
    # Typing a question instead: answered as a question; no case, no date expected any more.
    replies = engine.handle(USER, TextIn("wanneer meldt de school bij de jgz?"))
    assert any("Ziekteverzuim" in r.text for r in replies)
    assert engine.store.dialogue(USER).awaiting is None
    assert engine.store.cases(USER) == []


def test_vandaag_and_another_gemeente(engine: Engine, clock: Clock) -> None:
    (overview,) = engine.handle(USER, Command("casus"))
    (question,) = press(engine, overview, "Nieuwe casus")
    (choose,) = press(engine, question, "Andere gemeente")
    (refused,) = press(engine, choose, "Rijswijk")  # the fixture has no Rijswijk table
    assert "geen opschalingstabel" in refused.text
    (choose,) = press(engine, refused, "Andere gemeente")
    (question,) = press(engine, choose, "Den Haag")
    (created,) = press(engine, question, "Vandaag")
    assert "Eerste dag zorgwekkend verzuim: 5-1-2026" in created.text
    (again,) = press(engine, question, "Vandaag")  # the same button once more: no second case
    assert "eerder bericht" in again.text and len(engine.store.cases(USER)) == 1


def test_cancel_creates_nothing(engine: Engine) -> None:
    (overview,) = engine.handle(USER, Command("casus"))
    (question,) = press(engine, overview, "Nieuwe casus")
    (reply,) = press(engine, question, "Annuleren")
    assert "geen casus" in reply.text
    assert engine.store.cases(USER) == []


def test_someone_elses_or_a_deleted_case_is_not_shown(engine: Engine) -> None:
    created = new_case(engine, "5-1-2026")
    (case,) = engine.store.cases(USER)
    (reply,) = engine.handle("test:2", Command("start"))
    (reply,) = press(engine, reply, "Leerplichtambtenaar", "test:2")
    press(engine, reply, "Den Haag", "test:2")
    for data in (f"cs:v:{case.id}", f"cs:dd:{case.id}", f"cs:off:{case.id}", "cs:v:999"):
        (reply,) = engine.handle("test:2", Press(data))
        assert code_of(created) not in reply.text and "bestaat niet" in reply.text
    for data in ("cs:v:x", "cs:zz:1"):  # forged: refused by the protocol
        (reply,) = engine.handle("test:2", Press(data))
        assert code_of(created) not in reply.text and "verouderd" in reply.text
    assert engine.store.cases(USER) == [case]
    (confirm,) = press(engine, created, "Verwijderen")
    (deleted,) = press(engine, confirm, "Ja, verwijder")
    assert "verwijderd" in deleted.text and engine.store.cases(USER) == []
    (stale,) = engine.handle(USER, Press(f"cs:v:{case.id}"))
    assert "bestaat niet" in stale.text


def test_reminders_a_week_before_and_on_the_day_once_in_working_hours(engine: Engine, clock: Clock) -> None:
    new_case(engine, "5-1-2026")
    code = engine.store.cases(USER)[0].pseudonym

    def due_at(*when: int) -> list[str]:
        clock.set(*when)
        texts = []
        for reminder in engine.outbox.due_reminders():
            texts.append(reminder.reply.text)
            engine.outbox.reminder_delivered(reminder)
        return texts

    assert due_at(2026, 1, 23, 10) == []  # more than a week before step 1 opens (2 February)
    assert due_at(2026, 1, 26, 7) == []  # a week before, but before working hours
    assert due_at(2026, 1, 25, 12) == []  # a Sunday
    (week,) = due_at(2026, 1, 26, 8)
    assert f"Herinnering casus {code}" in week and "Over 7 dagen, op 2-2-2026 (uiterlijk 2-3-2026)" in week
    assert "stap 1: Intercollegiale afstemming" in week and "Bron:** Testroutebook (2025)" in week
    assert due_at(2026, 1, 27, 9) == []  # sent once
    (day,) = due_at(2026, 3, 2, 9)
    assert "Vandaag (2-3-2026) is de uiterste termijn voor stap 1" in day
    (step2_week,) = due_at(2026, 3, 9, 9)
    assert "Over 7 dagen, op 16-3-2026, is stap 2: Managementafstemming aan de beurt" in step2_week
    assert "Aanmelding: Door de school" in step2_week
    (late,) = due_at(2026, 3, 17, 9)  # its day (16 March) was missed: caught up the day after
    assert "Op 16-3-2026 was de uiterste termijn voor stap 2" in late
    assert due_at(2026, 3, 20, 9) == []


def test_no_reminder_for_what_was_due_when_the_case_was_made_or_when_switched_off(
    engine: Engine, clock: Clock
) -> None:
    clock.set(2026, 1, 28, 10)  # step 1 opens within a week: shown in the timeline already
    created = new_case(engine, "5-1-2026")
    assert engine.outbox.due_reminders() == []
    (off,) = press(engine, created, "Herinneringen uit")
    assert "Herinneringen: uit" in off.text
    clock.set(2026, 3, 2, 9)
    assert engine.outbox.due_reminders() == []
    (on,) = press(engine, off, "Herinneringen aan")
    assert "Herinneringen: aan" in on.text
    assert engine.outbox.due_reminders()


def test_my_data_shows_cases_and_forget_removes_them(engine: Engine, clock: Clock) -> None:
    code = code_of(new_case(engine, "5-1-2026"))
    clock.set(2026, 1, 26, 9)
    for reminder in engine.outbox.due_reminders():
        engine.outbox.reminder_delivered(reminder)
    (mine,) = engine.handle(USER, Command("mijngegevens"))
    assert (
        f"- Casus: nummer: 1, code: {code}, gemeente: Den Haag, sector: vo, eerste dag: 2026-01-05"
        in mine.text
    )
    assert "herinneringen: aan" in mine.text
    assert (
        "- Verstuurde herinnering: casus nummer: 1, stap: 1, soort: een week vooraf, termijn: 2026-02-02"
        in mine.text
    )
    (confirm,) = engine.handle(USER, Command("vergeet"))
    press(engine, confirm, "Ja, wis alles")
    assert engine.store.export(USER) == {}
    assert engine.store.cases() == []


def test_a_user_has_at_most_fifty_cases(engine: Engine) -> None:
    (overview,) = engine.handle(USER, Command("casus"))
    (question,) = press(engine, overview, "Nieuwe casus")  # started before the limit was reached
    for _ in range(50):
        engine.store.add_case(USER, "X", "Den Haag", "vo", "2026-01-05")
    (reply,) = press(engine, overview, "Nieuwe casus")
    assert "maximum" in reply.text
    (late,) = press(engine, question, "Vandaag")
    assert "maximum" in late.text and len(engine.store.cases(USER)) == 50


def test_every_shipped_table_with_terms_gives_cases_and_reminders(tmp_path: Path) -> None:
    clock = Clock()
    engine = Engine(load_content(), Store(tmp_path / "shipped.db"), clock=lambda: clock.now)
    kb = engine.kb
    tables = 0
    for gemeente in kb.gemeenten:
        for sector in kb.sectors_of(gemeente):
            view = kb.escalation_for(gemeente, sector)
            if view is None or not any(step.term for step in view.table.steps):
                continue
            tables += 1
            user = f"test:{gemeente}:{sector}"
            engine.store.save_profile(Profile(user, "ib", gemeente, sector))
            created = new_case(engine, "5-1-2026", user)
            assert f"{gemeente} ({sector.upper()})" in created.text and "Uiterlijk:" in created.text
    assert tables >= 4
    seen = set()
    for day in range(1, 120):  # every working morning of the first four months
        clock.now = datetime(2026, 1, 5, 9, tzinfo=AMS) + timedelta(days=day)
        for reminder in engine.outbox.due_reminders():
            assert "Herinnering casus" in reminder.reply.text and "Bron:**" in reminder.reply.text
            seen.add((reminder.case.gemeente, reminder.kind))
            engine.outbox.reminder_delivered(reminder)
    assert {kind for _, kind in seen} == {"week", "day"}
    assert len({g for g, _ in seen}) == len({g for g in kb.gemeenten if kb.escalation_for(g, None)})


def test_any_gemeentes_table_in_two_taps_and_its_deadlines(tmp_path: Path) -> None:
    clock = Clock()
    engine = Engine(load_content(), Store(tmp_path / "lpa.db"), clock=lambda: clock.now)
    engine.store.save_profile(Profile(USER, "lpa", "Den Haag", "vo"))
    (own,) = engine.handle(USER, Command("opschaling"))
    assert own.picture and own.picture.title == "Opschaling Den Haag (VO)"
    (choose,) = press(engine, own, "Andere gemeente")
    (apeldoorn,) = press(engine, choose, "Apeldoorn")  # the asker's sector (VO) where the gemeente has both
    assert apeldoorn.picture and apeldoorn.picture.title == "Opschaling Apeldoorn (VO)"
    (po,) = press(engine, apeldoorn, "PO-tabel")
    assert po.picture and po.picture.title == "Opschaling Apeldoorn (PO)"
    (ask,) = press(engine, po, "Termijnen voor een casus")
    assert "eerste dag" in ask.text
    (timeline,) = engine.handle(USER, TextIn("5-1-2026"))
    assert "Termijnen Apeldoorn (PO)" in timeline.text and "schoolweken" in timeline.text
    (typed,) = engine.handle(USER, Command("opschaling", "rijswijk"))
    assert typed.picture and typed.picture.title == "Opschaling Rijswijk (VO)"
    (unknown,) = engine.handle(USER, Command("opschaling", "Utrecht"))
    assert "ken ik niet" in unknown.text and "Drechtsteden" in [
        b.label for row in unknown.buttons for b in row
    ]
    # The user's own table is unchanged by looking at others.
    assert engine.store.profile(USER).gemeente == "Den Haag"


def test_a_step_marked_as_taken_gets_no_more_reminders(engine: Engine, clock: Clock) -> None:
    created = new_case(engine, "5-1-2026")
    (when,) = press(engine, created, "Stap 1 gezet")
    assert "Wanneer is stap 1" in when.text
    (taken,) = press(engine, when, "Vandaag")
    assert "Gezet: t/m stap 1" in taken.text and "2-2-2026 tot 2-3-2026 (gezet op 5-1-2026)" in taken.text
    assert "16-3-2026 ← volgende" in taken.text
    assert taken.picture and taken.picture.cards[0].muted and taken.picture.cards[1].marked
    clock.set(2026, 1, 26, 9)  # step 1's week reminder would be due now
    assert engine.outbox.due_reminders() == []
    clock.set(2026, 3, 9, 9)  # step 2's is
    (reminder,) = engine.outbox.due_reminders()
    assert "stap 2" in reminder.reply.text
    # 'Stap 2 gezet' straight from the reminder; then taken back, one step.
    (when,) = press(engine, reminder.reply, "Stap 2 gezet")
    (both,) = press(engine, when, "Vandaag")
    assert "Gezet: t/m stap 2" in both.text and engine.outbox.due_reminders() == []
    (back,) = press(engine, both, "Stap 2 toch niet gezet")
    assert "Gezet: t/m stap 1" in back.text and engine.outbox.due_reminders()
    # A stale 'gezet' button (step 1 again) changes nothing.
    (stale,) = press(engine, created, "Stap 1 gezet")
    assert "eerder bericht" in stale.text and engine.store.cases(USER)[0].reached == "1"


def test_a_deleted_cases_number_is_never_given_to_a_new_case(engine: Engine, clock: Clock) -> None:
    created = new_case(engine, "5-1-2026")
    (old,) = engine.store.cases(USER)
    (confirm,) = press(engine, created, "Verwijderen")
    press(engine, confirm, "Ja, verwijder")
    new_case(engine, "5-1-2026")
    (new,) = engine.store.cases(USER)
    assert new.id != old.id  # an old button or a leftover record of the old case cannot reach it
    clock.set(2026, 1, 26, 9)
    assert [r.case.id for r in engine.outbox.due_reminders()] == [new.id]


def test_the_migration_to_unreused_numbers_keeps_every_case(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from bot.storage import migrations

    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="m005_case_ids_never_reused")  # a database of the previous version
    for i in (1, 2, 3):
        db.execute(
            "INSERT INTO cases (id, user, pseudonym, gemeente, sector, start, reminders, created, reached)"
            " VALUES (?, ?, ?, 'Den Haag', 'vo', '2026-01-05', 1, 0, ?)",
            [i, USER, f"C{i}", "1" if i == 2 else None],
        )
    db.execute("INSERT INTO reminders_sent VALUES (2, ?, '1', 'week', '2026-02-02', 0)", [USER])
    db.execute("INSERT INTO reminders_sent VALUES (7, ?, '1', 'week', '2026-02-02', 0)", [USER])  # left over
    db.execute("DELETE FROM cases WHERE id = 3")
    db.close()
    store = Store(path)
    assert [(c.id, c.pseudonym, c.reached) for c in store.cases(USER)] == [(1, "C1", None), (2, "C2", "1")]
    assert store.db.execute("SELECT case_id FROM reminders_sent").fetchall() == [(2,)]
    assert store.add_case(USER, "C4", "Den Haag", "vo", "2026-01-05").id > 7


def test_stats_count_new_cases_and_sent_reminders_per_gemeente(engine: Engine, clock: Clock) -> None:
    engine.admins = frozenset({"test:admin"})
    new_case(engine, "5-1-2026")
    clock.set(2026, 1, 26, 8)  # the week reminder of step 1
    (reminder,) = engine.outbox.due_reminders()
    (before,) = engine.handle("test:admin", Command("stats"))
    assert "Herinneringen verstuurd" not in before.text  # due is not sent
    engine.outbox.reminder_delivered(reminder)
    (stats,) = engine.handle("test:admin", Command("stats"))
    # Each in the week it happened: the case on 5 January, the reminder on 26 January.
    weeks = {week.split("\n")[0]: week for week in stats.text.split("\n\n")[1:]}
    assert "- Herinneringen verstuurd: 1\nPer gemeente: Den Haag 1" in weeks["**2026-W05** (deze week)"]
    assert "- Casussen: 1\nPer gemeente: Den Haag 1" in weeks["**2026-W02**"]

"""Admins and the content loop: /stats, 👍/👎, passed-on questions, /feedback, /reload and
/broadcast, through the engine and the console, on fixture content."""

from __future__ import annotations

import io
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.console import CONSOLE_USER, plain, run_console
from bot.content import load_content, shipped_content_dir
from bot.engine import LOCAL_TIME, Command, Engine, Press, Reply, TextIn
from bot.feedback import PASS_ON_LABEL
from bot.storage import Profile, Store
from bot.table_image import render

USER = "test:1"
ADMIN = "tg:42"
TODAY = datetime(2026, 11, 16, 10, 0, tzinfo=LOCAL_TIME)
QUESTION = "wie voert het gesprek met ouders over het verzuim?"
OUT_OF_SCOPE = "wat is de hoofdstad van australie"


def make_engine(content_dir: Path, db: Path) -> Engine:
    return Engine(
        load_content(content_dir), Store(db), clock=lambda: TODAY, admins=frozenset({ADMIN}), content=content_dir
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "db" / "routeboek.db"


@pytest.fixture
def engine(content_dir: Path, db: Path) -> Engine:
    return make_engine(content_dir, db)


def labels(reply: Reply) -> list[str]:
    return [b.label for row in reply.buttons for b in row]


def press(engine: Engine, reply: Reply, label: str, user: str = USER) -> list[Reply]:
    for row in reply.buttons:
        for button in row:
            if button.label == label:
                return engine.handle(user, Press(button.data))
    raise AssertionError(f"no button {label!r} in {labels(reply)}")


def onboard(engine: Engine, user: str = USER, gemeente: str = "Den Haag") -> None:
    (reply,) = engine.handle(user, Command("start"))
    (reply,) = press(engine, reply, "Mentor of leerkracht", user)
    press(engine, reply, gemeente, user)


# --- admins ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["stats", "feedback", "reload", "broadcast"])
def test_admin_commands_answer_others_exactly_as_unknown_commands(engine: Engine, name: str) -> None:
    onboard(engine)
    (unknown,) = engine.handle(USER, Command("bestaatniet"))
    (reply,) = engine.handle(USER, Command(name, "alle: hallo"))
    assert reply.text == unknown.text.replace("/bestaatniet", f"/{name}")
    assert reply.buttons == unknown.buttons
    (help_text,) = engine.handle(USER, Command("help"))
    assert f"/{name}" not in help_text.text
    (admin_help,) = engine.handle(ADMIN, Command("help"))
    assert f"/{name} – " in admin_help.text


def test_stats_counts_features_per_gemeente_without_user_ids(engine: Engine, content_dir: Path, db: Path) -> None:
    onboard(engine)
    onboard(engine, "test:2", "Rijswijk")
    engine.handle(USER, TextIn(QUESTION))
    engine.handle("test:2", TextIn(QUESTION))
    engine.handle(USER, TextIn(OUT_OF_SCOPE))
    engine.handle(USER, Command("opschaling"))
    (routes,) = engine.handle(USER, Command("route"))
    press(engine, routes, "Testroute")
    (stats,) = engine.handle(ADMIN, Command("stats"))
    text = plain(stats.text)
    assert "2026-W47" in text
    assert "Vragen beantwoord: 2" in text and "Vragen afgewezen: 1" in text
    assert "Opschalingstabellen: 1" in text and "Stap-voor-stap-routes: 1" in text
    assert "Den Haag 4" in text and "Rijswijk 1" in text
    assert stats.picture is not None and render(stats.picture).startswith(b"\x89PNG")
    # Nothing is written per update; a flush writes the counts, anonymously, and they survive.
    assert engine.store.stats_rows() == {}
    engine.flush()
    rows = sqlite3.connect(db).execute("SELECT * FROM stats").fetchall()
    assert rows and not any(USER in map(str, row) for row in rows)
    again = make_engine(content_dir, db)
    (stats2,) = again.handle(ADMIN, Command("stats"))
    assert "Vragen beantwoord: 2" in plain(stats2.text)


def test_console_admin_gets_stats_and_a_dry_run_broadcast(content_dir: Path, db: Path) -> None:
    engine = make_engine(content_dir, db)
    engine.admins = frozenset({CONSOLE_USER})
    onboard(engine, "test:2")
    lines = "/stats\n/broadcast Den Haag: Het loket is verhuisd.\n/broadcast Rijswijk: Iets\n/broadcast zonder dubbele punt\n"
    out = io.StringIO()
    assert run_console(engine, io.StringIO(lines), out) == 0
    text = out.getvalue()
    assert "Gebruik (anoniem, per week)" in text
    assert "Proefdraai" in text and "zou 1 gebruiker in Den Haag bereiken" in text and "Het loket is verhuisd." in text
    assert "zou 0 gebruikers in Rijswijk bereiken" in text
    assert "Gebruik: /broadcast" in text


# --- thumbs and passed-on questions -------------------------------------------------------------
def test_thumbs_count_per_section_and_a_changed_vote_moves_the_count(engine: Engine) -> None:
    onboard(engine)
    (answer,) = engine.handle(USER, TextIn(QUESTION))
    assert {"👍", "👎"} <= set(labels(answer))
    press(engine, answer, "👎")
    press(engine, answer, "👎")  # the same thumb again: still one vote
    assert engine.stats.vote_totals() == {"t-gesprek": (0, 1)}
    press(engine, answer, "👍")
    assert engine.stats.vote_totals() == {"t-gesprek": (1, 0)}


def test_walk_through_end_has_thumbs(engine: Engine) -> None:
    onboard(engine)
    (routes,) = engine.handle(USER, Command("route"))
    (question,) = press(engine, routes, "Testroute")
    (end,) = press(engine, question, "Nee")
    (thanks,) = press(engine, end, "👍")
    assert "Dank je" in thanks.text
    assert engine.stats.vote_totals() == {"route:testflow": (1, 0)}


def test_pass_on_is_offered_only_for_the_question_the_answer_was_for(engine: Engine) -> None:
    onboard(engine)
    (first,) = engine.handle(USER, TextIn(QUESTION))
    engine.handle(USER, TextIn("wanneer meldt de school bij de jgz?"))  # a later, other question
    (after_down,) = press(engine, first, "👎")
    assert PASS_ON_LABEL not in labels(after_down) and "jgz" not in after_down.text
    (later,) = engine.handle(USER, TextIn(QUESTION))
    (offer,) = press(engine, later, "👎")
    assert PASS_ON_LABEL in labels(offer) and f"Je vraag was: {QUESTION}" in offer.text


def test_a_question_is_kept_only_when_passed_on(engine: Engine, db: Path) -> None:
    onboard(engine)
    engine.handle(USER, TextIn("wanneer meldt de school bij de jgz?"))  # never passed on
    (answer,) = engine.handle(USER, TextIn(QUESTION))
    (after_down,) = press(engine, answer, "👎")
    assert PASS_ON_LABEL in labels(after_down)
    assert sqlite3.connect(db).execute("SELECT count(*) FROM passed_on").fetchone() == (0,)
    (passed,) = press(engine, after_down, PASS_ON_LABEL)
    text = plain(passed.text)
    assert f"Vraag: {QUESTION}" in text and "Gemeente: Den Haag" in text and "Datum: 16-11-2026" in text
    rows = sqlite3.connect(db).execute("SELECT * FROM passed_on").fetchall()
    assert rows == [(1, QUESTION, "Den Haag", "2026-11-16", "t-gesprek")]
    columns = [c[1] for c in sqlite3.connect(db).execute("PRAGMA table_info(passed_on)")]
    assert "user" not in columns
    (report,) = engine.handle(ADMIN, Command("feedback"))
    report_text = plain(report.text)
    assert f"1x {QUESTION}" in report_text and "jgz" not in report_text
    assert "t-gesprek: 1x 👎" in report_text
    # /mijngegevens shows nothing of it: it is not the user's any more.
    (mine,) = engine.handle(USER, Command("mijngegevens"))
    assert QUESTION not in mine.text
    # A second press passes nothing on twice.
    (again,) = press(engine, after_down, PASS_ON_LABEL)
    assert "weet je vraag niet meer" in again.text


def test_passing_on_runs_the_personal_data_guard_again(engine: Engine) -> None:
    # Typed text meets the guard before it is answered; the press that keeps a question checks it
    # once more, with the guard of that moment, so a held text with personal data is never stored.
    onboard(engine)
    (declined,) = engine.handle(USER, TextIn(OUT_OF_SCOPE))
    engine.feedback.remember(USER, "mag ik bellen naar 06 12345678 over dit kind?", "Den Haag", None)
    (reply,) = press(engine, declined, PASS_ON_LABEL)
    assert reply.text == engine.personal_data("06 12345678").text  # type: ignore[union-attr]
    assert "12345678" not in reply.text
    assert engine.store.passed_on() == []


def test_declined_question_offers_pass_on_and_a_restart_forgets_it(engine: Engine, content_dir: Path, db: Path) -> None:
    onboard(engine)
    (declined,) = engine.handle(USER, TextIn(OUT_OF_SCOPE))
    assert PASS_ON_LABEL in labels(declined)
    restarted = make_engine(content_dir, db)
    (reply,) = press(restarted, declined, PASS_ON_LABEL)
    assert "weet je vraag niet meer" in reply.text and "herstart" in reply.text
    assert restarted.store.passed_on() == []
    (passed,) = press(engine, declined, PASS_ON_LABEL)  # the engine that still remembers it
    assert OUT_OF_SCOPE in passed.text


def test_forget_also_drops_the_question_held_in_memory(engine: Engine) -> None:
    onboard(engine)
    (declined,) = engine.handle(USER, TextIn(OUT_OF_SCOPE))
    (confirm,) = engine.handle(USER, Command("vergeet"))
    press(engine, confirm, "Ja, wis alles")
    (reply,) = press(engine, declined, PASS_ON_LABEL)
    assert "weet je vraag niet meer" in reply.text and engine.store.passed_on() == []


def test_feedback_groups_similar_questions_most_frequent_first(engine: Engine) -> None:
    for question in ("waar meld ik een thuiszitter", "waar meld ik een thuiszitter aan", "wat kost een lunch"):
        engine.store.pass_on(question, "Rijswijk", "2026-11-10", None)
    report = plain(engine.feedback.report(TODAY.date()))
    assert report.index("2x waar meld ik een thuiszitter") < report.index("1x wat kost een lunch")


def test_passed_on_questions_are_purged_after_the_retention_period(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTEBOEK_RETAIN_FEEDBACK_DAYS", "30")
    engine.store.pass_on("oude vraag", None, "2026-09-01", None)
    engine.store.pass_on("nieuwe vraag", None, "2026-11-01", None)
    engine.flush()  # the minute job purges, also when nobody asks for the report
    assert [q for q, *_ in engine.store.passed_on()] == ["nieuwe vraag"]
    report = plain(engine.feedback.report(TODAY.date()))
    assert "nieuwe vraag" in report and "oude vraag" not in report


def test_routeboek_feedback_lists_what_was_passed_on(
    engine: Engine, db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    onboard(engine)
    (declined,) = engine.handle(USER, TextIn(OUT_OF_SCOPE))
    press(engine, declined, PASS_ON_LABEL)
    engine.handle(USER, TextIn(QUESTION))  # answered, never passed on
    engine.store.close()
    monkeypatch.setenv("ROUTEBOEK_DATA_DIR", str(db.parent))
    monkeypatch.setenv("ROUTEBOEK_CLOCK", TODAY.isoformat())
    assert main(["feedback", "--top", "5"]) == 0
    out = capsys.readouterr().out
    assert f"1x {OUT_OF_SCOPE}" in out and "gesprek met ouders" not in out


# --- /reload ------------------------------------------------------------------------------------
def test_reload_with_an_error_keeps_the_old_content_serving(engine: Engine, content_dir: Path) -> None:
    onboard(engine)
    doc = content_dir / "knowledge" / "test-doc.yaml"
    doc.write_text(doc.read_text(encoding="utf-8").replace("document: test-doc, section: \"Fase 2.1\"", "document: nope, section: x"), encoding="utf-8")
    (reply,) = engine.handle(ADMIN, Command("reload"))
    assert "oude inhoud blijft" in reply.text
    assert any(line.startswith("knowledge/test-doc.yaml:20:") and "nope" in line for line in reply.text.splitlines())
    (answer,) = engine.handle(USER, TextIn(QUESTION))
    assert "Gesprek met ouders" in answer.text


def test_reload_of_the_shipped_content_with_a_yaml_syntax_error_names_the_cause(tmp_path: Path, db: Path) -> None:
    content = tmp_path / "content"
    for folder in ("knowledge", "flows"):
        shutil.copytree(shipped_content_dir() / folder, content / folder)
    engine = make_engine(content, db)
    engine.store.save_profile(Profile(USER, "mentor", "Apeldoorn", "vo"))
    doc = content / "knowledge" / "apeldoorn.yaml"
    lines = doc.read_text(encoding="utf-8").splitlines()
    broken = next(i for i, line in enumerate(lines) if line.startswith("    title:"))
    lines[broken] += " : ["
    doc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (reply,) = engine.handle(ADMIN, Command("reload"))
    shown = plain(reply.text).splitlines()
    assert shown[0] == "Niet geladen: de oude inhoud blijft in gebruik."
    # The cause, not the walk-throughs that cite the document it breaks.
    assert len(shown) == 2 and shown[1].startswith(f"knowledge/apeldoorn.yaml:{broken + 1}: YAML syntax error"), shown
    (answer,) = engine.handle(USER, TextIn("wat is een lizzer?"))
    assert "Lizzer" in answer.text and "Apeldoorn" in answer.text


def test_reload_serves_new_content_and_a_vanished_step_gets_the_stale_answer(engine: Engine, content_dir: Path) -> None:
    onboard(engine)
    (routes,) = engine.handle(USER, Command("route"))
    (question,) = press(engine, routes, "Testroute")
    doc = content_dir / "knowledge" / "test-doc.yaml"
    doc.write_text(doc.read_text(encoding="utf-8").replace("Gesprek met ouders", "Gesprek met de ouders"), encoding="utf-8")
    flow = content_dir / "flows" / "testflow.yaml"
    flow.write_text(
        flow.read_text(encoding="utf-8").replace("start: vraag", "start: vraag2").replace("  vraag:\n", "  vraag2:\n"),
        encoding="utf-8",
    )
    (reply,) = engine.handle(ADMIN, Command("reload"))
    assert reply.text.startswith("Inhoud opnieuw geladen"), reply.text
    (answer,) = engine.handle(USER, TextIn(QUESTION))
    assert "Gesprek met de ouders" in answer.text
    replies = press(engine, question, "Ja")
    assert "Kies opnieuw" in replies[0].text and replies[0].buttons


# --- /broadcast ---------------------------------------------------------------------------------
def test_opt_out_in_settings_is_shown_stored_and_forgotten(engine: Engine) -> None:
    onboard(engine)
    (settings,) = engine.handle(USER, Command("instellingen"))
    assert "Berichten over wijzigingen: aan" in settings.text
    (done,) = press(engine, settings, "Geen berichten over wijzigingen")
    assert "geen berichten meer" in done.text
    (settings,) = engine.handle(USER, Command("instellingen"))
    assert "Berichten over wijzigingen: uit" in settings.text and "Wel berichten over wijzigingen" in labels(settings)
    (mine,) = engine.handle(USER, Command("mijngegevens"))
    assert "Geen berichten over wijzigingen" in mine.text
    (dry,) = engine.handle(ADMIN, Command("broadcast", "alle: test"))
    assert "zou 0 gebruikers" in dry.text
    (confirm,) = engine.handle(USER, Command("vergeet"))
    press(engine, confirm, "Ja, wis alles")
    assert not engine.store.updates_optout(USER)


def test_broadcast_reaches_each_user_of_the_gemeente_once_and_resumes(engine: Engine, content_dir: Path, db: Path) -> None:
    onboard(engine, "tg:1")
    onboard(engine, "tg:2")
    onboard(engine, "tg:3", "Rijswijk")
    engine.broadcasts.live = "tg:"
    (preview,) = engine.handle(ADMIN, Command("broadcast", "den haag: Het loket is verhuisd."))
    assert "2 gebruikers in Den Haag" in preview.text
    assert engine.broadcasts.due(10) == []  # nothing goes out before "Versturen"
    (sending,) = press(engine, preview, "Versturen aan 2", ADMIN)
    assert "verstuurd" in sending.text
    (twice,) = press(engine, preview, "Versturen aan 2", ADMIN)
    assert "al verstuurd" in twice.text
    first = engine.broadcasts.due(1)
    assert [d.user for d in first] == ["tg:1"] and "Het loket is verhuisd." in first[0].reply.text
    assert engine.broadcasts.claim(first[0])
    # A restart: the next run picks up the rest, and the one already reached is skipped.
    restarted = make_engine(content_dir, db)
    rest = restarted.broadcasts.due(10)
    assert [d.user for d in rest] == ["tg:2"]
    assert restarted.broadcasts.claim(rest[0]) and not restarted.broadcasts.claim(rest[0])
    assert restarted.broadcasts.due(10) == [] and restarted.store.open_broadcasts() == []


def test_a_non_admin_cannot_send_a_broadcast(engine: Engine) -> None:
    engine.broadcasts.live = "tg:"
    (nobody,) = engine.handle(ADMIN, Command("broadcast", "alle: x"))
    assert "niemand" in nobody.text and not nobody.buttons
    onboard(engine, "tg:7")
    (preview,) = engine.handle(ADMIN, Command("broadcast", "alle: x"))
    (reply,) = press(engine, preview, "Versturen aan 1", "tg:7")
    assert "verouderd" in reply.text
    assert engine.store.open_broadcasts() == []


def test_routeboek_chat_admin_flag_makes_the_console_user_an_admin(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ROUTEBOEK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("sys.stdin", io.StringIO("/stats\n"))
    assert main(["chat", "--admin", "--content", str(content_dir)]) == 0
    assert "Gebruik (anoniem, per week)" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("/stats\n/bestaatniet\n"))
    assert main(["chat", "--content", str(content_dir)]) == 0
    stats, unknown = capsys.readouterr().out.split("\n\n")[:2]
    assert "Gebruik" not in stats and stats.replace("/stats", "/bestaatniet") == unknown


def test_a_console_session_writes_its_counts_when_it_ends(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The console has no minute job: what it counted reaches /stats of a later session only
    # because the end of the chat writes it.
    monkeypatch.setenv("ROUTEBOEK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("sys.stdin", io.StringIO(f"/start\n1\n1\n{QUESTION}\n/opschaling\n"))
    assert main(["chat", "--content", str(content_dir)]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("/stats\n"))
    capsys.readouterr()
    assert main(["chat", "--admin", "--content", str(content_dir)]) == 0
    out = capsys.readouterr().out
    assert "Vragen beantwoord: 1" in out and "Opschalingstabellen: 1" in out and "Den Haag 2" in out


def test_counts_survive_a_failed_flush(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    onboard(engine)
    engine.handle(USER, Command("opschaling"))

    def broken(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(engine.store, "add_stats", broken)
    engine.flush()  # no exception: the counts stay in memory
    monkeypatch.undo()
    engine.flush()
    assert engine.store.stats_rows() == {("2026-W47", "table", "Den Haag"): 1}


def test_privacy_says_what_is_passed_on(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTEBOEK_RETAIN_FEEDBACK_DAYS", "90")
    (reply,) = engine.handle(USER, Command("privacy"))
    assert PASS_ON_LABEL in reply.text
    assert "zonder je naam of gebruikersnummer, met je gemeente en de datum" in reply.text
    assert "na 90 dagen" in reply.text

"""The .ics file of a case's deadlines: it parses back, and a regenerated file updates the same
events (stable UIDs) instead of adding new ones."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.cli import main
from tests.test_timeline import content as content  # the fixture


def _events(text: str) -> dict[str, tuple[date, str, str]]:
    cal = Calendar.from_ical(text)
    return {
        str(e["uid"]): (e.decoded("dtstart"), str(e["summary"]), str(e["description"]))
        for e in cal.walk("VEVENT")
    }


def _ics(content: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    args = ["timeline", "--content", str(content), "--gemeente", "Teststad", "--start", "2026-02-02"]
    assert main([*args, "--ics", "--case", "K7M3", *extra]) == 0
    return capsys.readouterr().out


def test_ics_has_one_event_per_deadline_and_stable_uids(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = _events(_ics(content, capsys))
    assert len(first) == 2  # step 3 has no term, so no event
    (step1, step2) = sorted(first.values())
    assert step1[0] == date(2026, 3, 2) and step2[0] == date(2026, 4, 27)  # the last day of each term
    assert "Casus K7M3" in step1[1] and "stap 1 (Basis op orde)" in step1[1]
    assert "Termijn: binnen drie schoolweken" in step1[2] and "Bron: Protocol (1), Hoofdstuk 4" in step1[2]
    assert "Teststad" not in step1[1] + step1[2]  # the case code only, no gemeente
    # Step 1 taken early: step 2 moves, the UIDs stay, so a calendar updates its two events.
    again = _events(_ics(content, capsys, "--done", "1=2026-02-11"))
    assert set(again) == set(first)
    moved = {uid: ev[0] for uid, ev in again.items()}
    assert sorted(moved.values()) == [date(2026, 3, 2), date(2026, 4, 8)]
    assert any("gezet op 11-2-2026" in ev[1] for ev in again.values())
    # Another case gets other UIDs.
    args = ["timeline", "--content", str(content), "--gemeente", "Teststad", "--start", "2026-02-02"]
    assert main([*args, "--ics", "--case", "X4T9"]) == 0
    assert not set(_events(capsys.readouterr().out)) & set(first)


def test_the_chats_agenda_file_is_valid_icalendar_with_only_step_term_source_and_code(tmp_path: Path) -> None:
    """What Outlook and Google need to import (CRLF lines of at most 75 octets, VERSION, PRODID,
    UID and DTSTAMP on every event, all-day dates) and nothing about the child or the user."""
    from bot.content import load_content
    from bot.engine import Command, Engine, TextIn
    from bot.storage import Profile, Store
    from tests.test_engine import press

    user = "tg:424242"
    monday = datetime(2026, 11, 2, 10, tzinfo=ZoneInfo("Europe/Amsterdam"))
    engine = Engine(load_content(), Store(tmp_path / "db.sqlite"), clock=lambda: monday)
    engine.store.save_profile(Profile(user, "ib", "Apeldoorn", "po"))
    (overview,) = engine.handle(user, Command("casus"))
    press(engine, overview, "Nieuwe casus", user)
    (created,) = engine.handle(user, TextIn("2-11-2026"))
    (agenda,) = press(engine, created, "Zet in agenda", user)
    assert agenda.document is not None and agenda.document.mime == "text/calendar"
    data = agenda.document.data
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n")), "lines are folded at 75 octets"
    data.decode("utf-8")  # folding never splits a character
    cal = Calendar.from_ical(data)
    assert (str(cal["version"]), bool(cal["prodid"])) == ("2.0", True)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 4  # Apeldoorn PO: steps 1, 2, 3a and 3b have a term, step 4 none
    (code,) = {c.pseudonym for c in engine.store.cases(user)}
    for event in events:
        assert set(event) == {"UID", "DTSTAMP", "SEQUENCE", "DTSTART", "DTEND", "TRANSP", "SUMMARY", "DESCRIPTION"}
        assert isinstance(event.decoded("dtstart"), date) and not hasattr(event.decoded("dtstart"), "hour")
        assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(days=1)
        lines = str(event["description"]).split("\n")
        assert [line.split(" ")[0] for line in lines] == ["Stap", "Termijn:", "Uiterlijk", "Bron:", "Casus:"]
        assert lines[-1] == f"Casus: {code}" and str(event["summary"]).startswith(f"Casus {code}: ")
        # The gemeente only as part of the source's own title, never on its own.
        assert "Apeldoorn" not in "\n".join(lines[:3]) + str(event["summary"])
    assert b"424242" not in data and b"tg:" not in data

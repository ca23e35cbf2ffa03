"""The .ics file of a case's deadlines: it parses back, and a regenerated file updates the same
events (stable UIDs) instead of adding new ones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

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

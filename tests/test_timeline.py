"""Escalation deadlines: calendar weeks, school weeks around holidays, terms from the previous step."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import load_content
from bot.timeline import build_timeline
from tests.conftest import write_content

REGIONS = """\
regions:
  - id: r
    name: R
    sectors: [vo]
    calendar: test
    gemeenten: [{name: Teststad}]
"""
CALENDAR = """\
calendars:
  - id: test
    name: Testkalender
    source: test
    holidays:
      - {name: Voorjaarsvakantie 2026, start: "2026-02-14", end: "2026-02-22"}
      - {name: Meivakantie 2026, start: "2026-04-25", end: "2026-05-03"}
"""
DOC = """\
document: {key: d, title: Protocol, publisher: P, version: "1", region: r, gemeenten: [Teststad], sectors: [vo]}
escalation:
  - gemeente: Teststad
    sectors: [vo]
    source: {document: d, section: "Hoofdstuk 4"}
    steps:
      - step: "1"
        name: Basis op orde
        term: {text: "binnen drie schoolweken", weeks: 3, unit: school, from: start}
      - step: "2"
        name: Kernteam
        term: {text: "4-8 weken na de vorige stap", weeks: 4, weeks_max: 8, from: previous}
      - step: "3"
        name: Actietafel
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return write_content(
        tmp_path / "c",
        {"knowledge/regions.yaml": REGIONS, "knowledge/calendars.yaml": CALENDAR, "knowledge/d.yaml": DOC},
    )


def test_school_weeks_skip_holidays_and_previous_step_takes_full_term(content: Path) -> None:
    kb = load_content(content)
    timeline = build_timeline(kb, "Teststad", None, date(2026, 2, 2))  # a Monday
    assert timeline is not None
    first, second, third = timeline.steps
    # Three school weeks from 2 February: the holiday week of 16-20 February does not count.
    assert first.due == date(2026, 3, 2)
    # The next step counts from the end of the previous one, in calendar weeks.
    assert (second.due, second.due_latest) == (date(2026, 3, 30), date(2026, 4, 27))
    assert "vorige stap" in second.basis
    assert third.due is None and "geen termijn" in third.basis
    assert timeline.calendar is not None and timeline.calendar.id == "test"
    # Step 2's window ends in the meivakantie: said, not hidden.
    assert (second.holiday, second.holiday_latest) == (None, "meivakantie")
    assert timeline.warnings == []


def test_timeline_command_json(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["timeline", "--content", str(content), "--gemeente", "teststad", "--start", "2026-02-02", "--json"]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["gemeente"] == "Teststad" and data["sector"] == "vo" and data["document"] == "d"
    assert data["steps"][0] == {
        "step": "1",
        "name": "Basis op orde",
        "due": "2026-03-02",
        "due_latest": None,
        "basis": "binnen drie schoolweken (schoolweken, vakanties overgeslagen volgens Testkalender)",
        "holiday": None,
        "holiday_latest": None,
        "done": None,
    }
    assert data["steps"][1]["holiday_latest"] == "meivakantie" and data["warnings"] == []
    assert data["calendar"]["name"] == "Testkalender"


def test_timeline_unknown_gemeente_or_bad_date(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["timeline", "--content", str(content), "--gemeente", "Atlantis", "--start", "2026-02-02"]) == 2
    )
    assert main(["timeline", "--content", str(content), "--gemeente", "Teststad", "--start", "2 feb"]) == 2


def test_a_step_taken_moves_the_steps_that_count_from_it(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = load_content(content)
    planned = build_timeline(kb, "Teststad", None, date(2026, 2, 2))
    moved = build_timeline(kb, "Teststad", None, date(2026, 2, 2), {"1": date(2026, 2, 11)})
    assert planned is not None and moved is not None
    assert moved.steps[0].due == planned.steps[0].due == date(2026, 3, 2)  # its own deadline stays
    assert moved.steps[0].done == date(2026, 2, 11)
    # Step 2 counts "4-8 weken na de vorige stap": from the day step 1 was taken.
    assert (moved.steps[1].due, moved.steps[1].due_latest) == (date(2026, 3, 11), date(2026, 4, 8))
    assert "gezet op 11-2-2026" in moved.steps[1].basis and "aangenomen" not in moved.steps[1].basis
    args = ["timeline", "--content", str(content), "--gemeente", "Teststad", "--start", "2026-02-02", "--json"]
    assert main([*args, "--done", "1=2026-02-11"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["steps"][1]["due"] == "2026-03-11" and data["steps"][0]["done"] == "2026-02-11"
    assert main([*args, "--done", "9=2026-02-11"]) == 2  # no such step
    assert main([*args, "--done", "1=11-2-2026"]) == 2


def test_school_weeks_past_the_calendar_are_not_guessed(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = load_content(content)
    # Three school weeks from 20 April run past the calendar's last day (3 May).
    timeline = build_timeline(kb, "Teststad", None, date(2026, 4, 20))
    assert timeline is not None
    first, second, _ = timeline.steps
    assert first.due is None and first.unknown and "niet te berekenen" in first.basis
    assert second.due is None and second.unknown  # counts from an unknown date
    assert any("einde van de schoolkalender" in w for w in timeline.warnings)
    args = ["timeline", "--content", str(content), "--gemeente", "Teststad", "--start", "2026-04-20", "--json"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["steps"][0]["due"] is None and data["warnings"]


def test_check_warns_when_a_calendar_ends_within_six_months(
    content: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROUTEBOEK_CLOCK", "2025-09-01T10:00:00")
    assert main(["check", "--content", str(content)]) == 0
    out = capsys.readouterr().out
    assert "warning" not in out  # eight months left
    monkeypatch.setenv("ROUTEBOEK_CLOCK", "2026-01-05T10:00:00")
    assert main(["check", "--content", str(content)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "knowledge/calendars.yaml:2: warning: calendar 'test' ends on 2026-05-03: add the next school "
        "year, or school-week deadlines after it stay unknown"
    )
    assert lines[-1].startswith("ok:")


def test_both_branches_after_a_step_count_from_the_day_it_was_taken() -> None:
    # Apeldoorn's step 3 has two branches, 3a and 3b, each "4 schoolweken ... na het overleg"
    # that follows step 2: a step taken late moves both, not only the one listed first.
    kb = load_content()
    planned = build_timeline(kb, "Apeldoorn", "po", date(2026, 10, 5))
    moved = build_timeline(kb, "Apeldoorn", "po", date(2026, 10, 5), {"1": date(2026, 11, 9)})
    assert planned is not None and moved is not None
    due = {s.step: s.due for s in planned.steps}
    assert due["3a"] == due["3b"] == date(2027, 1, 11)
    moved_due = {s.step: s.due for s in moved.steps}
    assert moved_due["2"] == date(2026, 12, 7)
    assert moved_due["3a"] == moved_due["3b"] == date(2027, 1, 18)
    taken_2 = build_timeline(kb, "Apeldoorn", "po", date(2026, 10, 5), {"1": date(2026, 11, 9), "2": date(2026, 11, 30)})
    assert taken_2 is not None
    b = next(s for s in taken_2.steps if s.step == "3b")
    assert b.due == date(2027, 1, 11) and "gerekend vanaf stap 2, gezet op 30-11-2026" in b.basis
    # Taking branch 3a does not move branch 3b: 3b still counts from step 2.
    taken_3a = build_timeline(
        kb, "Apeldoorn", "po", date(2026, 10, 5), {"1": date(2026, 11, 9), "2": date(2026, 11, 30), "3a": date(2026, 12, 14)}
    )
    assert taken_3a is not None and next(s for s in taken_3a.steps if s.step == "3b").due == date(2027, 1, 11)


def test_after_must_name_an_earlier_step_and_go_with_from_previous(tmp_path: Path) -> None:
    from bot.content import ContentError

    def problems(term: str) -> list[str]:
        doc = DOC.replace("      - step: \"3\"\n        name: Actietafel\n", f"      - step: \"3\"\n        name: Actietafel\n        term: {term}\n")
        root = write_content(
            tmp_path / str(abs(hash(term))),
            {"knowledge/regions.yaml": REGIONS, "knowledge/calendars.yaml": CALENDAR, "knowledge/d.yaml": doc},
        )
        try:
            load_content(root)
        except ContentError as exc:
            return [str(p) for p in exc.problems]
        return []

    assert problems('{text: "4 weken na stap 1", weeks: 4, from: previous, after: "1"}') == []
    (problem,) = problems('{text: "4 weken na stap 9", weeks: 4, from: previous, after: "9"}')
    assert problem.startswith("knowledge/d.yaml:") and "after: '9' is not an earlier step" in problem
    (problem,) = problems('{text: "4 weken", weeks: 4, from: start, after: "1"}')
    assert "after: needs from: previous" in problem

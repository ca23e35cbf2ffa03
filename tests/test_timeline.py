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
      - {name: Voorjaarsvakantie, start: "2026-02-14", end: "2026-02-22"}
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
    assert timeline.warnings  # the test calendar ends in February


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
    }
    assert data["calendar"]["name"] == "Testkalender"


def test_timeline_unknown_gemeente_or_bad_date(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["timeline", "--content", str(content), "--gemeente", "Atlantis", "--start", "2026-02-02"]) == 2
    )
    assert main(["timeline", "--content", str(content), "--gemeente", "Teststad", "--start", "2 feb"]) == 2

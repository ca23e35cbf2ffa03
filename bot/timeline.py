"""Escalation deadlines for a case, computed from the gemeente's escalation table.

Calendar weeks are plain date arithmetic. School weeks skip the holidays of the region's school
calendar (5 school days make a school week). A step that counts from the previous step assumes
that step took its full term, and says so, because that is the latest the case should be there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot.knowledge import Knowledge
from bot.replies import Card, Picture, bold, nl_date, source_line, unmarked
from bot.schema import Calendar, Term


@dataclass
class TimelineStep:
    step: str
    name: str
    due: date | None
    due_latest: date | None
    basis: str

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "name": self.name,
            "due": self.due.isoformat() if self.due else None,
            "due_latest": self.due_latest.isoformat() if self.due_latest else None,
            "basis": self.basis,
        }


@dataclass
class Timeline:
    gemeente: str
    sector: str
    start: date
    document: str
    steps: list[TimelineStep]
    calendar: Calendar | None = None
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "gemeente": self.gemeente,
            "sector": self.sector,
            "start": self.start.isoformat(),
            "document": self.document,
            "calendar": (
                {"id": self.calendar.id, "name": self.calendar.name, "source": self.calendar.source}
                if self.calendar
                else None
            ),
            "steps": [s.to_json() for s in self.steps],
            "warnings": self.warnings,
        }


class SchoolDays:
    """Counts school days (Monday-Friday outside the calendar's holidays)."""

    def __init__(self, calendar: Calendar | None) -> None:
        self.calendar = calendar
        self.holidays: list[tuple[date, date]] = []
        if calendar:
            self.holidays = [
                (date.fromisoformat(h.start), date.fromisoformat(h.end)) for h in calendar.holidays
            ]
        self.covered_until = max((end for _, end in self.holidays), default=None)
        self.outside_coverage = False

    def is_school_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        if self.covered_until is None or day > self.covered_until:
            self.outside_coverage = True
        return not any(start <= day <= end for start, end in self.holidays)

    def add_school_weeks(self, base: date, weeks: int) -> date:
        """The first school day after `weeks` x 5 school days, counting from `base` itself.

        Without holidays this lands on the same date as calendar weeks would (Monday + 3 weeks
        is a Monday); every holiday week pushes it one week further.
        """
        remaining = weeks * 5
        day = base
        while remaining > 0:
            if self.is_school_day(day):
                remaining -= 1
            day += timedelta(days=1)
        while not self.is_school_day(day):
            day += timedelta(days=1)
        return day


def _add(base: date, weeks: int, term: Term, school: SchoolDays) -> date:
    if term.unit == "school":
        return school.add_school_weeks(base, weeks)
    return base + timedelta(weeks=weeks)


def build_timeline(kb: Knowledge, gemeente: str, sector: str | None, start: date) -> Timeline | None:
    """The deadlines of the current escalation table for this gemeente, or None if it has none."""
    if sector is None:
        sectors = kb.sectors_of(gemeente)
        sector = sectors[0] if len(sectors) == 1 else None
    table = kb.escalation_for(gemeente, sector)
    if table is None:
        return None
    region = kb.region_of(gemeente)
    calendar = kb.calendars.get(region.calendar) if region and region.calendar else None
    school = SchoolDays(calendar)
    uses_school_weeks = False
    steps: list[TimelineStep] = []
    previous_end: date | None = None  # the end of the last step with a term
    for step in table.table.steps:
        term = step.term
        if term is None:
            steps.append(TimelineStep(step.step, step.name, None, None, "geen termijn in het routeboek"))
            continue
        counts_from_previous = term.from_ == "previous" and previous_end is not None
        base = previous_end if counts_from_previous and previous_end else start
        uses_school_weeks |= term.unit == "school"
        due = _add(base, term.weeks, term, school)
        latest = _add(base, term.weeks_max, term, school) if term.weeks_max is not None else None
        basis = term.text
        if counts_from_previous:
            basis += " (gerekend vanaf de vorige stap, aangenomen dat die zijn volledige termijn duurde)"
        if term.unit == "school":
            basis += f" (schoolweken, vakanties overgeslagen volgens {calendar.name if calendar else 'geen kalender'})"
        steps.append(TimelineStep(step.step, step.name, due, latest, basis))
        previous_end = latest or due
    warnings = []
    if uses_school_weeks and calendar is None:
        warnings.append("Geen schoolkalender voor deze regio: schoolweken als gewone weken geteld.")
    elif uses_school_weeks and school.outside_coverage:
        warnings.append(
            f"De schoolkalender ({calendar.name if calendar else ''}) loopt tot "
            f"{school.covered_until}; daarna zijn vakanties niet overgeslagen."
        )
    return Timeline(
        gemeente=gemeente,
        sector=table.sector,
        start=start,
        document=table.document.key,
        steps=steps,
        calendar=calendar if uses_school_weeks else None,
        warnings=warnings,
    )


# --- as text and as a picture ---------------------------------------------------------------
def describe_timeline(
    kb: Knowledge, timeline: Timeline, today: date | None = None, taken: int = -1
) -> list[str]:
    """The deadlines as lines of text; with `today`, passed steps and the next one are marked,
    and steps up to index `taken` as taken."""
    upcoming = next_step(timeline, today, taken) if today else None
    lines: list[str] = []
    for i, step in enumerate(timeline.steps):
        when = _when(step, today, upcoming, i <= taken)
        lines += ["", bold(f"Stap {step.step}: {step.name}"), f"Uiterlijk: {when}", f"({step.basis})"]
    for warning in timeline.warnings:
        lines += ["", f"Let op: {warning}"]
    lines += ["", source_line(kb.document_label(timeline.document))]
    return lines


def timeline_picture(
    kb: Knowledge, timeline: Timeline, today: date, title: str, caption: str, taken: int = -1
) -> Picture:
    upcoming = next_step(timeline, today, taken)
    cards = tuple(
        Card(
            f"Stap {step.step}: {step.name}",
            (f"Uiterlijk: {_when(step, today, upcoming, i <= taken)}", step.basis),
            marked=step is upcoming,
            muted=i <= taken or _passed(step, today),
        )
        for i, step in enumerate(timeline.steps)
    )
    note = f"Eerste dag zorgwekkend verzuim: {nl_date(timeline.start)}"
    return Picture(title, cards, source_line(kb.document_label(timeline.document), mark=unmarked), note, caption)


def _when(step: TimelineStep, today: date | None, upcoming: TimelineStep | None, taken: bool) -> str:
    when = "geen termijn"
    if step.due:
        when = nl_date(step.due) + (f" tot {nl_date(step.due_latest)}" if step.due_latest else "")
    if taken:
        return when + " (gezet)"
    if _passed(step, today):
        return when + " (voorbij)"
    return when + (" ← volgende" if step is upcoming else "")


def _passed(step: TimelineStep, today: date | None) -> bool:
    return bool(today and step.due and deadline(step) < today)


def deadline(step: TimelineStep) -> date:
    """The last day of a step's term (the end of a window like '4-8 weken')."""
    assert step.due is not None
    return step.due_latest or step.due


def next_step(timeline: Timeline, today: date | None, taken: int = -1) -> TimelineStep | None:
    """The first step after the taken ones whose deadline has not passed."""
    for step in timeline.steps[taken + 1 :]:
        if step.due and today and deadline(step) >= today:
            return step
    return None


def parse_date(text: str) -> date | None:
    """Dates as professionals type them: 5-1-2026, 05/01/2026 or 2026-01-05."""
    text = text.strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None

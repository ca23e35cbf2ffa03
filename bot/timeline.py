"""Escalation deadlines for a case, computed from the gemeente's escalation table.

Calendar weeks are plain date arithmetic. School weeks skip the holidays of the region's school
calendar (5 school days make a school week); a count past the calendar's last day gives no date
rather than a guess. A step that counts from the previous step counts from the day that step was
taken, when the user said so; otherwise it assumes that step took its full term, and says so,
because that is the latest the case should be there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot.holidays import Holidays
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
    done: date | None = None  # the day the user said the step was taken
    holiday: str | None = None  # the school holiday `due` falls in
    holiday_latest: str | None = None  # the school holiday `due_latest` falls in
    unknown: bool = False  # a term that runs past the school calendar: no date can be given

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "name": self.name,
            "due": self.due.isoformat() if self.due else None,
            "due_latest": self.due_latest.isoformat() if self.due_latest else None,
            "basis": self.basis,
            "holiday": self.holiday,
            "holiday_latest": self.holiday_latest,
            "done": self.done.isoformat() if self.done else None,
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
    holidays: Holidays = field(default_factory=lambda: Holidays(None))

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


class BeyondCalendar(Exception):
    """A count of school weeks ran past the last day the school calendar covers."""


class SchoolDays:
    """Counts school days (Monday-Friday outside the calendar's holidays)."""

    def __init__(self, holidays: Holidays) -> None:
        self.holidays = holidays
        self.covered_until = holidays.covered_until

    def is_school_day(self, day: date) -> bool:
        if self.covered_until is not None and day > self.covered_until:
            raise BeyondCalendar(day)
        return self.holidays.is_school_day(day)

    def add_school_weeks(self, base: date, weeks: int) -> date:
        """The first school day after `weeks` x 5 school days, counting from `base` itself.

        Without holidays this lands on the same date as calendar weeks would (Monday + 3 weeks
        is a Monday); every holiday week pushes it one week further. Past the calendar's last
        day it raises BeyondCalendar: an unknown week is not a school week.
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


def build_timeline(
    kb: Knowledge,
    gemeente: str,
    sector: str | None,
    start: date,
    done: Mapping[str, date] | None = None,
) -> Timeline | None:
    """The deadlines of the current escalation table for this gemeente, or None if it has none.

    `done` holds the days steps were actually taken: a later step that counts from the
    previous one counts from that day, not from the previous step's planned end.
    """
    done = done or {}
    if sector is None:
        sectors = kb.sectors_of(gemeente)
        sector = sectors[0] if len(sectors) == 1 else None
    table = kb.escalation_for(gemeente, sector)
    if table is None:
        return None
    region = kb.region_of(gemeente)
    calendar = kb.calendars.get(region.calendar) if region and region.calendar else None
    holidays = Holidays(calendar)
    school = SchoolDays(holidays)
    uses_school_weeks = False
    steps: list[TimelineStep] = []
    warnings: list[str] = []
    previous: TimelineStep | None = None  # the last step with a term, or taken
    previous_end: date | None = None  # when that step was taken, or the end of its term
    ends: dict[str, tuple[TimelineStep, date | None]] = {}  # the same for every step so far, by step
    for step in table.table.steps:
        term = step.term
        taken = done.get(step.step)
        if term is None:
            steps.append(TimelineStep(step.step, step.name, None, None, "geen termijn in het routeboek", taken))
            if taken:
                previous, previous_end = steps[-1], taken
                ends[step.step] = (previous, previous_end)
            continue
        if term.after is not None and term.after in ends:  # a branch that follows a named step
            previous, previous_end = ends[term.after]
        counts_from_previous = term.from_ == "previous" and previous is not None
        base = previous_end if counts_from_previous else start
        uses_school_weeks |= term.unit == "school"
        basis = term.text
        if counts_from_previous and previous is not None and previous.done:
            basis += f" (gerekend vanaf stap {previous.step}, gezet op {nl_date(previous.done)})"
        elif counts_from_previous:
            after = f"stap {previous.step}" if term.after is not None and previous is not None else "de vorige stap"
            basis += f" (gerekend vanaf {after}, aangenomen dat die zijn volledige termijn duurde)"
        if term.unit == "school":
            basis += f" (schoolweken, vakanties overgeslagen volgens {calendar.name if calendar else 'geen kalender'})"
        try:
            if base is None:  # the previous step's date is unknown, so this one is too
                raise BeyondCalendar(start)
            due = _add(base, term.weeks, term, school)
            latest = _add(base, term.weeks_max, term, school) if term.weeks_max is not None else None
        except BeyondCalendar:
            until = nl_date(school.covered_until) if school.covered_until else "?"
            steps.append(
                TimelineStep(
                    step.step,
                    step.name,
                    None,
                    None,
                    f"{basis} ({beyond_calendar(school.covered_until)})",
                    taken,
                    unknown=True,
                )
            )
            warnings.append(
                f"Stap {step.step} telt schoolweken na het einde van de schoolkalender "
                f"({calendar.name if calendar else ''}, t/m {until}): die termijn kan ik niet uitrekenen."
            )
            previous, previous_end = steps[-1], taken
            ends[step.step] = (previous, previous_end)
            continue
        holiday = holidays.holiday_of(due)
        holiday_latest = holidays.holiday_of(latest) if latest else None
        steps.append(
            TimelineStep(
                step.step,
                step.name,
                due,
                latest,
                basis,
                taken,
                holiday.label if holiday else None,
                holiday_latest.label if holiday_latest else None,
            )
        )
        previous, previous_end = steps[-1], taken or latest or due
        ends[step.step] = (previous, previous_end)
    if uses_school_weeks and calendar is None:
        warnings.insert(0, "Geen schoolkalender voor deze regio: schoolweken als gewone weken geteld.")
    return Timeline(
        gemeente=gemeente,
        sector=table.sector,
        start=start,
        document=table.document.key,
        steps=steps,
        calendar=calendar if uses_school_weeks else None,
        warnings=warnings,
        holidays=holidays,
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
    when = "niet te berekenen" if step.unknown else "geen termijn"
    if step.due:
        when = marked_date(step.due, step.holiday)
        if step.due_latest:
            when += f" tot {marked_date(step.due_latest, step.holiday_latest)}"
    if taken:
        return when + (f" (gezet op {nl_date(step.done)})" if step.done else " (gezet)")
    if _passed(step, today):
        return when + " (voorbij)"
    return when + (" ← volgende" if step is upcoming else "")


def marked_date(day: date, holiday: str | None) -> str:
    """A date, with the school holiday it falls in: '21-12-2026 (kerstvakantie)'."""
    return nl_date(day) + (f" ({holiday})" if holiday else "")


def _passed(step: TimelineStep, today: date | None) -> bool:
    return bool(today and step.due and deadline(step) < today)


def deadline(step: TimelineStep) -> date:
    """The last day of a step's term (the end of a window like '4-8 weken')."""
    assert step.due is not None
    return step.due_latest or step.due


def deadline_holiday(step: TimelineStep) -> str | None:
    """The school holiday a step's last day falls in, or None."""
    return step.holiday_latest if step.due_latest else step.holiday


def next_step(timeline: Timeline, today: date | None, taken: int = -1) -> TimelineStep | None:
    """The first step after the taken ones whose deadline has not passed."""
    for step in timeline.steps[taken + 1 :]:
        if step.due and today and deadline(step) >= today:
            return step
    return None


def next_open(timeline: Timeline, today: date, taken: int = -1) -> TimelineStep | None:
    """The first step after the taken ones that is still to come: its deadline has not passed,
    or it cannot be computed (the school calendar ran out). Such a step is not over, so a case
    with one is never shown as having no deadlines left."""
    for step in timeline.steps[taken + 1 :]:
        if step.unknown or (step.due and deadline(step) >= today):
            return step
    return None


def first_overdue(timeline: Timeline, today: date, taken: int = -1) -> TimelineStep | None:
    """The first step after the taken ones whose deadline has passed: not taken, so it is late."""
    for step in timeline.steps[taken + 1 :]:
        if step.due and deadline(step) < today:
            return step
    return None


def beyond_calendar(until: date | None) -> str:
    """Why a step has no date: said the same way in the timeline, the case overview and the digest."""
    return "niet te berekenen: de schoolkalender loopt tot " + (nl_date(until) if until else "?")


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

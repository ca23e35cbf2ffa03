"""School holidays of a region's calendar: which holiday a day falls in, the last school day
before it, and how long the calendar still runs.

A deadline in the kerstvakantie is a deadline nobody at school will see coming; a reminder that
would arrive in the holiday is better sent on the last school day before it. And a calendar that
ends is a quiet bug: school weeks past its end cannot be counted, so content checks warn early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.schema import Calendar
from bot.yamlload import YamlError, line_of, load_yaml_file

WARN_AHEAD = timedelta(days=183)  # `routeboek check` warns when a calendar ends within six months


@dataclass(frozen=True)
class Holiday:
    name: str
    start: date
    end: date

    @property
    def label(self) -> str:
        """The holiday as a sentence names it: 'Kerstvakantie 2026-2027' -> 'kerstvakantie'."""
        return self.name.split()[0].lower()


class Holidays:
    """The holidays of one calendar (or none), with the last day it covers."""

    def __init__(self, calendar: Calendar | None) -> None:
        self.calendar = calendar
        self.holidays: list[Holiday] = []
        if calendar:
            self.holidays = sorted(
                (Holiday(h.name, date.fromisoformat(h.start), date.fromisoformat(h.end)) for h in calendar.holidays),
                key=lambda h: h.start,
            )
        self.covered_until: date | None = max((h.end for h in self.holidays), default=None)

    def holiday_of(self, day: date) -> Holiday | None:
        """The holiday `day` falls in, or None (also for a day the calendar does not cover)."""
        return next((h for h in self.holidays if h.start <= day <= h.end), None)

    def is_school_day(self, day: date) -> bool:
        """Monday to Friday outside the holidays (a day past the calendar counts as open)."""
        return day.weekday() < 5 and self.holiday_of(day) is None

    def school_day_on_or_before(self, day: date) -> date:
        """`day` itself when school is open; else the last school day before it (the Friday
        before a weekend, the last day before a holiday)."""
        while not self.is_school_day(day):
            day -= timedelta(days=1)
        return day


def calendar_warnings(content_root: Path, today: date) -> list[str]:
    """`path:line: warning: ...` for each calendar that ends within six months of `today`:
    after its end, school weeks cannot be counted and case deadlines go unknown."""
    path = content_root / "knowledge" / "calendars.yaml"
    if not path.exists():
        return []
    try:
        raw: Any = load_yaml_file(path)
    except (YamlError, OSError):
        return []  # reported as an error by the content check itself
    warnings = []
    for i, cal in enumerate(raw.get("calendars") or [] if isinstance(raw, dict) else []):
        if not isinstance(cal, dict):
            continue
        ends = [_day(h.get("end")) for h in cal.get("holidays") or [] if isinstance(h, dict)]
        known = [end for end in ends if end is not None]
        if not known:
            continue
        last = max(known)
        if last - today <= WARN_AHEAD:
            line = line_of(raw, ("calendars", i)) or 1
            when = "ended" if last < today else "ends"
            warnings.append(
                f"knowledge/calendars.yaml:{line}: warning: calendar '{cal.get('id')}' {when} on "
                f"{last.isoformat()}: add the next school year, or school-week deadlines after it stay unknown"
            )
    return warnings


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None

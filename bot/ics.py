"""A case's deadlines as an iCalendar file, for the agenda professionals live in.

Outlook and Google Calendar import an .ics file; an event whose UID they already hold is
updated, not added again. So every UID is derived from the case and the step only: a file made
again after a step was taken moves the same events. Each event holds the step, its term, the
source and the case code, nothing else (no gemeente, no names, no free text).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from bot.knowledge import Knowledge
from bot.replies import nl_date
from bot.timeline import Timeline, TimelineStep, deadline

PRODID = "-//Routeboek-bot//Termijnen casus//NL"
UID_DOMAIN = "routeboek-bot"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # SEQUENCE counts minutes from here


def event_uid(case_key: str, step: str) -> str:
    """The same case and step give the same UID, whatever the dates are now. The key is hashed:
    it may hold a user key, which has no place in someone's calendar."""
    digest = hashlib.sha256(case_key.encode()).hexdigest()[:24]
    return f"{digest}-stap-{step}@{UID_DOMAIN}"


def timeline_ics(kb: Knowledge, timeline: Timeline, code: str, case_key: str, stamp: datetime) -> bytes:
    """The iCalendar file: one all-day event per step with a deadline, on its last day.

    `stamp` is when the file is made: it becomes DTSTAMP and (in minutes) SEQUENCE, so a newer
    file wins over an older one in calendars that compare them (Outlook)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Termijnen casus {code}")
    view = kb.escalation_for(timeline.gemeente, timeline.sector)
    source = kb.document_label(timeline.document) + (f", {view.table.source.section}" if view else "")
    sequence = max(0, int((stamp - EPOCH).total_seconds() // 60))
    for step in timeline.steps:
        if step.due is None:
            continue
        cal.add_component(_event(step, code, source, case_key, stamp, sequence))
    data: bytes = cal.to_ical()
    return data


def _event(step: TimelineStep, code: str, source: str, case_key: str, stamp: datetime, sequence: int) -> Event:
    last: date = deadline(step)
    event = Event()
    event.add("uid", event_uid(case_key, step.step))
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", last)
    event.add("dtend", last + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    done = f" (gezet op {nl_date(step.done)})" if step.done else ""
    event.add("summary", f"Casus {code}: uiterste termijn stap {step.step} ({step.name}){done}")
    window = f"Uiterlijk {nl_date(last)}"
    if step.due and step.due_latest:
        window = f"Vanaf {nl_date(step.due)}, uiterlijk {nl_date(last)}"
    event.add(
        "description",
        "\n".join(
            [
                f"Stap {step.step}: {step.name}",
                f"Termijn: {step.basis}",
                window,
                f"Bron: {source}",
                f"Casus: {code}",
            ]
        ),
    )
    return event

"""Messages the bot sends unasked besides case reminders: the weekly digest of open cases and
the reminder a week before a region's fixed dates.

The digest goes out on Monday from 8:00 (Europe/Amsterdam) to every user with open cases, unless
they turned it off; fixed dates only to users who asked for them. Each goes out once (per week,
per date), never to a user who blocked the bot, and only on weekdays in working hours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.actions import CaseAction, Cases, PushSetting, button
from bot.knowledge import FixedDateView, Knowledge
from bot.reminders import WORKING_HOURS, taken_index
from bot.replies import Button, Reply, bold, nl_date, rows, source_line
from bot.storage import Case, Store
from bot.timeline import Timeline, TimelineStep, beyond_calendar, deadline, deadline_holiday, marked_date

DIGEST_DAY = 0  # Monday
FIXED_AHEAD = timedelta(days=7)


@dataclass
class Push:
    user: str
    kind: str  # "digest" | "fixed"
    key: str  # the ISO week of a digest; "<fixed id>:<date>" of a fixed date
    reply: Reply


@dataclass(frozen=True)
class Open:
    """An open case in the digest: its next step, overdue or ahead."""

    case: Case
    step: TimelineStep
    overdue: bool
    until: date | None = None  # the school calendar's end, for a step whose date is unknown


class PushRun:
    def __init__(self, kb: Knowledge, store: Store, timeline_of: Callable[[Case], Timeline | None]) -> None:
        self.kb = kb
        self.store = store
        self.timeline_of = timeline_of

    def due(self, now: datetime, user: str | None = None) -> list[Push]:
        """The digests and fixed-date reminders to send now, not sent before."""
        if now.weekday() >= 5 or now.hour not in WORKING_HOURS:
            return []
        today = now.date()
        blocked = self.store.inactive_users()
        pushes: list[Push] = []
        if today.weekday() == DIGEST_DAY:
            week = "{}-W{:02d}".format(*today.isocalendar()[:2])
            by_user: dict[str, list[Case]] = {}
            for case in self.store.cases(user):
                by_user.setdefault(case.user, []).append(case)
            for who, cases in by_user.items():
                if who in blocked or not self.store.prefs(who).digest or self.store.push_sent(who, "digest", week):
                    continue
                items = self.open_cases(cases, today)
                if items:
                    pushes.append(Push(who, "digest", week, self.digest(items, today)))
        for who in self.store.fixed_date_users(user):
            if who in blocked:
                continue
            profile = self.store.profile(who)
            for view in self.kb.fixed_dates_for(profile.gemeente, profile.sector):
                for day in upcoming(view, today):
                    key = f"{view.fixed.id}:{day.isoformat()}"
                    if day - FIXED_AHEAD <= today < day and not self.store.push_sent(who, "fixed", key):
                        pushes.append(Push(who, "fixed", key, self.fixed_reminder(view, day, today)))
        return pushes

    def still_due(self, push: Push) -> bool:
        """Checked right before sending: the user may have turned it off, or /vergeet."""
        prefs = self.store.prefs(push.user)
        wanted = prefs.digest if push.kind == "digest" else prefs.fixed_dates
        return wanted and prefs.inactive is None and not self.store.push_sent(push.user, push.kind, push.key)

    def mark_sent(self, push: Push) -> None:
        """After delivery only: an undelivered push is tried again at the next run."""
        self.store.mark_push_sent(push.user, push.kind, push.key)

    def open_cases(self, cases: list[Case], today: date) -> list[Open]:
        """Cases not closed with a step still ahead or overdue; overdue first, then by deadline."""
        items = []
        for case in cases:
            timeline = self.timeline_of(case)
            if case.closed or timeline is None:
                continue
            # A step whose date is unknown (the calendar ran out) is still ahead: listed last.
            ahead = [s for s in timeline.steps[taken_index(timeline, case) + 1 :] if s.due or s.unknown]
            if ahead:
                step = ahead[0]
                overdue = bool(step.due) and deadline(step) < today
                items.append(Open(case, step, overdue, timeline.holidays.covered_until))
        return sorted(items, key=lambda item: (not item.overdue, _when(item.step)))

    def digest(self, items: list[Open], today: date) -> Reply:
        """The Monday overview: what is overdue first, then what comes, each a press away."""
        lines = [bold(f"Weekoverzicht casussen, maandag {nl_date(today)}")]
        late = [item for item in items if item.overdue]
        if late:
            lines += ["", bold("Termijn voorbij")]
            lines += [self._line(item) for item in late]
        ahead = [item for item in items if not item.overdue]
        if ahead:
            lines += ["", bold("Volgende termijnen")]
            lines += [self._line(item) for item in ahead]
        lines += ["", "Stap gezet of casus klaar? Open de casus en tik op 'Stap gezet' of 'Afsluiten'."]
        buttons: list[list[Button]] = rows(
            [button(f"Casus {item.case.pseudonym}", CaseAction("v", item.case.id)) for item in items], 3
        )
        buttons.append([button("Weekoverzicht uit", PushSetting("dg", False)), button("Mijn casussen", Cases())])
        return Reply("\n".join(lines), buttons)

    @staticmethod
    def _line(item: Open) -> str:
        step, case = item.step, item.case
        head = f"- Casus {case.pseudonym} ({case.gemeente}, {case.sector.upper()}): stap {step.step} {step.name}"
        if step.unknown:
            return f"{head}, termijn {beyond_calendar(item.until)}"
        return f"{head}, uiterlijk {marked_date(deadline(step), deadline_holiday(step))}"

    def fixed_reminder(self, view: FixedDateView, day: date, today: date) -> Reply:
        """A week ahead of a fixed date, in the document's own words and with its source."""
        days = (day - today).days
        fixed = view.fixed
        lines = [
            bold(f"Vaste datum: {fixed.name}"),
            f"Over {days} {'dag' if days == 1 else 'dagen'}, op {nl_date(day)}.",
            "",
            fixed.text,
            "",
            source_line(self.kb.document_label(view.document.key), fixed.source.section),
        ]
        return Reply("\n".join(lines), [[button("Vaste data: geen herinnering meer", PushSetting("fx", False))]])


def _when(step: TimelineStep) -> date:
    """A step's last day for sorting; one whose date is unknown sorts after every known one."""
    return deadline(step) if step.due else date.max


def upcoming(view: FixedDateView, today: date) -> list[date]:
    """This year's and next year's days of a fixed date from today on (02-29 only in leap years)."""
    days = []
    for year in (today.year, today.year + 1):
        for text in view.fixed.dates:
            month, number = (int(part) for part in text.split("-"))
            try:
                day = date(year, month, number)
            except ValueError:
                continue
            if day >= today:
                days.append(day)
    return sorted(days)

"""The reminder run: which case reminders are due now, and their text.

A week before each deadline and on the day itself, plus the ones a user put off ("Morgen weer",
"Over een week"). Only on weekdays in working hours: a reminder about a child is work, not
something for a Sunday night. A reminder that would fall in a school holiday of the case's
region comes on the last school day before it, naming the deadline. After downtime only the
newest reminder per step goes out, marked as late; users who blocked the bot get nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.actions import CaseAction, button
from bot.knowledge import EscalationView, Knowledge, step_details
from bot.replies import Reply, bold, nl_date, source_line
from bot.storage import Case, Store
from bot.timeline import Timeline, TimelineStep, deadline, deadline_holiday, marked_date

WEEK_AHEAD = timedelta(days=7)  # the early reminder
CATCH_UP = timedelta(days=2)  # a deadline-day reminder still goes out this long after the day
WORKING_HOURS = range(8, 17)  # reminders go out on weekdays in these (local) hours
REMINDER_DETAILS = ("Doel", "Aanmelding", "Deelnemers", "Regie")
LATE_NOTE = "(Later dan gepland: ik was een tijd niet bereikbaar.)"


@dataclass
class Reminder:
    case: Case
    step: str
    kind: str  # "week": a week before; "day": on the deadline; "again": put off by the user
    due: date
    reply: Reply
    # Older reminders of the same step this one stands for (after downtime): recorded as sent
    # with it, so they never follow it.
    replaces: list[tuple[str, date]] = field(default_factory=list)


@dataclass(frozen=True)
class Due:
    """One reminder whose window includes today: from `send_from` (a school day) on."""

    index: int
    step: TimelineStep
    kind: str
    due: date
    send_from: date


def taken_index(timeline: Timeline, case: Case) -> int:
    """Index of the last step the user marked as taken; -1 for none (or a step the current
    routeboek no longer has)."""
    labels = [step.step for step in timeline.steps]
    return labels.index(case.reached) if case.reached in labels else -1


class ReminderRun:
    def __init__(self, kb: Knowledge, store: Store, timeline_of: Callable[[Case], Timeline | None]) -> None:
        self.kb = kb
        self.store = store
        self.timeline_of = timeline_of

    def due(self, now: datetime, user: str | None = None) -> list[Reminder]:
        """Reminders to send now (local time), not sent before, newest per step only."""
        if now.weekday() >= 5 or now.hour not in WORKING_HOURS:
            return []
        today = now.date()
        blocked = self.store.inactive_users()
        reminders = []
        for case in self.store.cases(user):
            if not case.reminders or case.closed or case.user in blocked:
                continue
            view = self.kb.escalation_for(case.gemeente, case.sector)
            unsent = [
                d for d in self.due_for(case, today)
                if not self.store.reminder_sent(case, d.step.step, d.kind, d.due.isoformat())
            ]
            by_step: dict[str, list[Due]] = {}
            for d in unsent:
                by_step.setdefault(d.step.step, []).append(d)
            for group in by_step.values():
                # Most due reminders were sent by an earlier run: text is written only for new ones.
                newest = max(group, key=lambda d: (d.send_from, d.due))
                late = any(_late(d.send_from, today) for d in group)
                reply = self._reply(case, newest, today, view, late)
                older = [(d.kind, d.due) for d in group if d is not newest]
                reminders.append(Reminder(case, newest.step.step, newest.kind, newest.due, reply, older))
        return reminders

    def still_due(self, reminder: Reminder) -> bool:
        """Checked right before each send: the list of a run is built first, and the user may
        delete or close the case, or everything (/vergeet), while it is being sent."""
        return self.store.reminder_still_due(
            reminder.case, reminder.step, reminder.kind, reminder.due.isoformat()
        )

    def mark_sent(self, reminder: Reminder) -> None:
        """Record the reminder and the older ones of its step it stood for (after downtime)."""
        for kind, due in [(reminder.kind, reminder.due), *reminder.replaces]:
            self.store.mark_reminder_sent(reminder.case, reminder.step, kind, due.isoformat())

    def mark_all_due(self, case: Case, today: date) -> None:
        """What is due now was just shown on screen (a new case): no reminder for it."""
        for d in self.due_for(case, today):
            self.store.mark_reminder_sent(case, d.step.step, d.kind, d.due.isoformat(), sent=False)

    def due_for(self, case: Case, today: date) -> list[Due]:
        """The reminders of the case's open steps whose window includes today."""
        timeline = self.timeline_of(case)
        if timeline is None:
            return []
        holidays = timeline.holidays

        def school_day(day: date) -> date:
            """`day`, or the last school day before the holiday it falls in."""
            holiday = holidays.holiday_of(day)
            return holidays.school_day_on_or_before(holiday.start) if holiday else day

        due: list[Due] = []
        first = taken_index(timeline, case) + 1
        for i, step in enumerate(timeline.steps[first:], start=first):
            if step.due is None:
                continue
            week = school_day(step.due - WEEK_AHEAD)
            if week <= today < step.due:
                due.append(Due(i, step, "week", step.due, week))
            last = deadline(step)
            day = school_day(last)
            if day <= today <= last + CATCH_UP:
                due.append(Due(i, step, "day", last, day))
            again = case.snoozed.get(step.step)
            if again and (until := date.fromisoformat(again)) <= today <= until + CATCH_UP:
                due.append(Due(i, step, "again", until, until))
        return due

    def _reply(self, case: Case, due: Due, today: date, view: EscalationView | None, late: bool) -> Reply:
        step = due.step
        timeline = self.timeline_of(case)

        def holiday_of(day: date) -> str | None:
            holiday = timeline.holidays.holiday_of(day) if timeline else None
            return holiday.label if holiday else None

        assert step.due is not None
        what = f"stap {step.step}: {step.name}"
        last = deadline(step)
        ends = marked_date(last, deadline_holiday(step))
        if due.kind == "week" and today < step.due:
            days = (step.due - today).days
            window = f" (uiterlijk {ends})" if step.due_latest else ""
            when = (
                f"Over {days} {'dag' if days == 1 else 'dagen'}, op {marked_date(step.due, step.holiday)}{window}, "
                f"is {what} aan de beurt."
            )
        elif last > today:
            when = f"Op {ends} is de uiterste termijn voor {what}."
        elif last == today:
            when = f"Vandaag ({nl_date(today)}) is de uiterste termijn voor {what}."
        else:
            when = f"Op {ends} was de uiterste termijn voor {what}."
        lines = [
            bold(f"Herinnering casus {case.pseudonym}") + f" – {case.gemeente} ({case.sector.upper()})",
            when,
        ]
        if due.kind == "again":
            lines.insert(1, "Je vroeg me om je hier nog eens aan te herinneren.")
        elif due.kind == "week" and (holiday := holiday_of(step.due - WEEK_AHEAD)):
            lines.append(f"Een week vooraf valt in de {holiday}: daarom herinner ik je er nu al aan.")
        elif due.kind == "day" and today < last and (holiday := holiday_of(last)):
            lines.append(f"Die dag valt in de {holiday}: daarom herinner ik je er nu al aan.")
        if late:
            lines.insert(1, LATE_NOTE)
        details = next((s for s in view.table.steps if s.step == step.step), None) if view else None
        if details:  # what to do at this step; its term is in the sentence above
            lines += [
                f"{label}: {value}" for label, value in step_details(details) if label in REMINDER_DETAILS
            ]
        lines += ["", "Is deze stap al gezet? Tik op 'Stap gezet'. Is de casus klaar? Sluit hem dan af."]
        if view:
            lines += ["", source_line(self.kb.document_label(view.document.key), view.table.source.section)]
        return Reply(
            "\n".join(lines),
            [
                [button(f"Stap {step.step} gezet", CaseAction("st", case.id, due.index))],
                [
                    button("Morgen weer", CaseAction("s1", case.id, due.index)),
                    button("Over een week", CaseAction("s7", case.id, due.index)),
                ],
                [
                    button("Bekijk casus", CaseAction("v", case.id)),
                    button("Herinneringen uit", CaseAction("off", case.id)),
                ],
            ],
        )


def _late(send_from: date, today: date) -> bool:
    """Whether a working day passed on which this reminder should already have gone out: the
    bot was down (a weekend in between is not late)."""
    day = send_from
    while day < today:
        if day.weekday() < 5:
            return True
        day += timedelta(days=1)
    return False

"""What the bot sends unasked: case reminders, weekly digests and fixed-date reminders.

The adapters' scheduled jobs ask this desk what is due, check each item again right before
sending it (the user may have closed the case or used /vergeet meanwhile) and report what went
out, so no later run sends it twice. A user Telegram no longer lets the bot reach is set
inactive until they write again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.cases import CaseDesk, Reminder
from bot.pushes import Push
from bot.stats import Stats
from bot.storage import Store


class Outbox:
    def __init__(self, cases: CaseDesk, store: Store, stats: Stats, clock: Callable[[], datetime]) -> None:
        self.cases = cases
        self.store = store
        self.stats = stats
        self.clock = clock

    def due_reminders(self, user: str | None = None) -> list[Reminder]:
        """Reminders the adapters should deliver now; call `reminder_delivered` after each."""
        return self.cases.due_reminders(self.clock(), user)

    def reminder_still_due(self, reminder: Reminder) -> bool:
        """Ask right before sending each reminder of a run: the case may be gone by now."""
        return self.cases.still_due(reminder)

    def reminder_delivered(self, reminder: Reminder) -> None:
        """Record a delivered reminder, so no later run sends it again."""
        self.cases.mark_sent(reminder)
        self.stats.count("reminder", reminder.case.gemeente, self.clock().date())

    def due_pushes(self, user: str | None = None) -> list[Push]:
        """Weekly digests and fixed-date reminders to deliver now; `push_delivered` after each."""
        return self.cases.due_pushes(self.clock(), user)

    def push_still_due(self, push: Push) -> bool:
        """Ask right before sending: the user may have turned it off or /vergeet since."""
        return self.cases.pushes.still_due(push)

    def push_delivered(self, push: Push) -> None:
        """Call after a push was delivered; an undelivered one is offered again next run."""
        self.cases.pushes.mark_sent(push)

    def user_blocked(self, user: str) -> None:
        """Telegram said Forbidden: nothing more is pushed to this user until they write again."""
        self.store.set_inactive(user, True)

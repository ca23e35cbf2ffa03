"""Anonymous use counts for /stats: per ISO week, per feature and per gemeente, and 👍/👎 per
section.

Counting must not cost a database write per update, so counts gather in memory and `flush`
adds them to the database (every minute in Telegram mode, at exit in the console). No user id
is ever part of a count; the one thing kept per user is which vote they gave on an answer, in
memory only, so a changed vote moves the count instead of adding to it.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from datetime import date

from bot.actions import Action, CaseNew, ShowTable, StartFlow
from bot.replies import Picture
from bot.storage import Store

# Feature keys and how /stats names them, in the order the report shows them.
FEATURES: dict[str, str] = {
    "answered": "Vragen beantwoord",
    "declined": "Vragen afgewezen",
    "asked-back": "Vragen teruggevraagd",
    "walkthrough": "Stap-voor-stap-routes",
    "table": "Opschalingstabellen",
    "case": "Casussen",
    "reminder": "Herinneringen verstuurd",
}
NO_GEMEENTE = "-"
MAX_VOTERS = 20_000  # remembered votes (user, answer); the oldest is forgotten first


def week_of(day: date) -> str:
    """The ISO week a day falls in, e.g. 2026-W49: Dutch schools plan in weeks."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class Stats:
    """The in-memory counters and their flush to the `stats` and `votes` tables."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._pending: Counter[tuple[str, str, str]] = Counter()  # (week, feature, gemeente)
        self._votes: Counter[tuple[str, str, bool]] = Counter()  # (week, target, up) -> delta
        self._voters: OrderedDict[tuple[str, str], bool] = OrderedDict()  # (user, answer) -> up

    def count(self, feature: str, gemeente: str | None, day: date) -> None:
        """One use of a feature; costs nothing but memory until the next flush."""
        with self._lock:
            self._pending[(week_of(day), feature, gemeente or NO_GEMEENTE)] += 1

    def count_command(self, name: str, gemeente: str | None, day: date) -> None:
        """Commands that are a feature's use of their own: /opschaling shows a table."""
        if name == "opschaling":
            self.count("table", gemeente, day)

    def count_action(self, action: Action, gemeente: str | None, day: date) -> None:
        """Presses that start a feature: a walk-through, a table, a new case."""
        feature = {StartFlow: "walkthrough", ShowTable: "table", CaseNew: "case"}.get(type(action))
        if feature is not None:
            self.count(feature, gemeente, day)

    def forget(self, user: str) -> None:
        """/vergeet: the remembered votes of this user go (the anonymous counts stay)."""
        with self._lock:
            for key in [key for key in self._voters if key[0] == user]:
                del self._voters[key]

    def vote(self, user: str, answer: str, target: str, up: bool, day: date) -> bool:
        """A 👍 or 👎 on an answer; a second press changes the vote. False when nothing changed
        (the same thumb pressed twice)."""
        key = (user, answer)
        with self._lock:
            before = self._voters.get(key)
            if before is up:
                return False
            if before is not None:
                self._votes[(week_of(day), target, before)] -= 1
            self._votes[(week_of(day), target, up)] += 1
            self._voters[key] = up
            self._voters.move_to_end(key)
            while len(self._voters) > MAX_VOTERS:
                self._voters.popitem(last=False)
        return True

    def flush(self) -> None:
        """Add the counts gathered since the last flush to the database. A failed write keeps
        them for the next try."""
        with self._lock:
            pending, votes = self._pending, self._votes
            self._pending, self._votes = Counter(), Counter()
        try:
            self.store.add_stats(dict(pending), {k: v for k, v in votes.items() if v})
        except Exception:
            with self._lock:
                self._pending.update(pending)
                self._votes.update(votes)
            raise

    def totals(self) -> dict[tuple[str, str, str], int]:
        """Stored counts plus those not flushed yet."""
        stored = self.store.stats_rows()
        with self._lock:
            for key, n in self._pending.items():
                stored[key] = stored.get(key, 0) + n
        return stored

    def vote_totals(self) -> dict[str, tuple[int, int]]:
        """(👍, 👎) per answer target, stored and not yet flushed."""
        result = {target: list(pair) for target, pair in self.store.vote_rows().items()}
        with self._lock:
            for (_, target, up), n in self._votes.items():
                pair = result.setdefault(target, [0, 0])
                pair[0 if up else 1] += n
        return {target: (pair[0], pair[1]) for target, pair in result.items()}

    def report(self, today: date, weeks: int = 4) -> tuple[str, Picture | None]:
        """/stats: the text and the chart of the last `weeks` weeks."""
        totals = self.totals()
        recent = sorted({week for week, _, _ in totals}, reverse=True)[:weeks]
        lines = ["**Gebruik (anoniem, per week)**"]
        if not recent:
            lines.append("Nog niets geteld.")
            return "\n".join(lines), None
        for week in recent:
            per_feature: Counter[str] = Counter()
            per_gemeente: Counter[str] = Counter()
            for (w, feature, gemeente), n in totals.items():
                if w == week:
                    per_feature[feature] += n
                    per_gemeente[gemeente] += n
            lines.append("")
            lines.append(f"**{week}**" + (" (deze week)" if week == week_of(today) else ""))
            lines += [f"- {name}: {per_feature[key]}" for key, name in FEATURES.items() if per_feature[key]]
            gemeenten = ", ".join(
                f"{'zonder gemeente' if g == NO_GEMEENTE else g} {n}" for g, n in per_gemeente.most_common()
            )
            lines.append(f"Per gemeente: {gemeenten}")
        votes = self.vote_totals()
        if votes:
            lines += ["", "**Duimpjes** (👍/👎)"]
            ranked = sorted(votes.items(), key=lambda item: (-item[1][1], -item[1][0], item[0]))
            lines += [f"- {target}: {up}/{down}" for target, (up, down) in ranked[:10]]
        return "\n".join(lines), self._chart(totals, recent)

    @staticmethod
    def _chart(totals: dict[tuple[str, str, str], int], weeks: list[str]) -> Picture:
        """Bars per feature, one group per week, oldest week first."""
        groups = []
        for week in reversed(weeks):
            per_feature: Counter[str] = Counter()
            for (w, feature, _), n in totals.items():
                if w == week:
                    per_feature[feature] += n
            groups.append((week, tuple((name, per_feature[key]) for key, name in FEATURES.items())))
        return Picture("Gebruik per week", (), "Anonieme tellingen van de routeboek-bot", bars=tuple(groups))

"""What users could not get: 👍/👎 on answers and questions passed on to the maintainers.

A question is personal to its writer and /privacy promises not to keep it. So the last question
of each user is held in memory only (lost on a restart, never in the database, never in button
data), and only when the user presses "Vraag doorgeven aan de beheerders" is it kept: after the
personal-data guard, without a user key, with the gemeente and the date. The report groups the
kept questions by similarity (rapidfuzz) so a maintainer sees what to add or fix.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from rapidfuzz import fuzz

from bot.actions import PassOn, Vote, VoteKind, button
from bot.navigation import menu_buttons
from bot.replies import Button, Reply, bold, nl_date
from bot.stats import Stats
from bot.storage import Store

PASS_ON_LABEL = "Vraag doorgeven aan de beheerders"
REMEMBER_SECONDS = 24 * 3600  # a question older than this is no longer offered for passing on
MAX_REMEMBERED = 10_000
SIMILAR = 70  # rapidfuzz token_set_ratio from which two questions count as the same one

FORGOTTEN = (
    "Ik weet je vraag niet meer: ik onthoud een vraag maar kort, en niet na een herstart. "
    "Typ je vraag opnieuw; daarna kun je hem doorgeven."
)


@dataclass(frozen=True)
class LastQuestion:
    text: str
    gemeente: str | None
    section: str | None  # the section answered, if any
    at: float


def vote_buttons(target: str, kind: VoteKind = "s") -> list[Button]:
    """👍 and 👎 under an answer: `target` is a section id, or a flow id with kind "r"."""
    return [button("👍", Vote(kind, target, True)), button("👎", Vote(kind, target, False))]


class FeedbackDesk:
    def __init__(self, store: Store, stats: Stats, retention_days: Callable[[], int]) -> None:
        self.store = store
        self.stats = stats
        self.retention_days = retention_days
        self._lock = threading.Lock()
        self._last: OrderedDict[str, LastQuestion] = OrderedDict()

    # --- memory of the last question -----------------------------------------------------
    def remember(self, user: str, text: str, gemeente: str | None, section: str | None) -> None:
        """Hold the user's question in memory, in case they choose to pass it on."""
        with self._lock:
            self._last[user] = LastQuestion(text, gemeente, section, time.monotonic())
            self._last.move_to_end(user)
            while len(self._last) > MAX_REMEMBERED:
                self._last.popitem(last=False)

    def forget(self, user: str) -> None:
        """/vergeet: the question and the votes in memory go too."""
        with self._lock:
            self._last.pop(user, None)
        self.stats.forget(user)

    def _take(self, user: str) -> LastQuestion | None:
        with self._lock:
            last = self._last.pop(user, None)
        if last is None or time.monotonic() - last.at > REMEMBER_SECONDS:
            return None
        return last

    # --- presses -------------------------------------------------------------------------
    def vote(self, user: str, vote: Vote, answer: str, today: date) -> list[Reply]:
        """A thumb: counted per section; after 👎 the offer to pass the question on."""
        changed = self.stats.vote(user, answer, vote.target, vote.up, today)
        if vote.up:
            return [Reply("Dank je! Fijn dat het hielp." if changed else "Je 👍 was al geteld.")]
        with self._lock:
            last = self._last.get(user)
        text = "Dank je. Jammer dat dit antwoord niet hielp."
        # Only the question this answer was for (or an ask-back that led to it) is offered.
        if last is None or vote.kind != "s" or last.section not in (None, vote.id):
            return [Reply(text, menu_buttons())]
        text += (
            f"\n\nJe vraag was: {last.text}\n\nWil je die doorgeven aan de beheerders van het routeboek? "
            "Dan zien zij wat er ontbreekt. Je naam en gebruikersnummer geef ik niet door."
        )
        return [Reply(text, [[button(PASS_ON_LABEL, PassOn())], *menu_buttons()])]

    def pass_on(self, user: str, guard: Callable[[str], Reply | None], today: date) -> list[Reply]:
        """The press on "Vraag doorgeven": keep the question (guarded, anonymous) and show
        exactly what was kept."""
        last = self._take(user)
        if last is None:
            return [Reply(FORGOTTEN, menu_buttons())]
        refused = guard(last.text)
        if refused is not None:
            return [refused]
        self.store.pass_on(last.text, last.gemeente, today.isoformat(), last.section)
        lines = [
            bold("Doorgegeven aan de beheerders:"),
            f"Vraag: {last.text}",
            f"Gemeente: {last.gemeente or 'onbekend'}",
            f"Datum: {nl_date(today)}",
            "",
            "Meer niet: geen naam, geen gebruikersnummer. Dank je!",
        ]
        return [Reply("\n".join(lines), menu_buttons())]

    @staticmethod
    def offer() -> list[list[Button]]:
        """The pass-on button under a declined question."""
        return [[button(PASS_ON_LABEL, PassOn())], *menu_buttons()]

    # --- the report ----------------------------------------------------------------------
    def purge(self, today: date) -> None:
        """Passed-on questions older than the retention period go."""
        self.store.purge_passed_on((today - timedelta(days=self.retention_days())).isoformat())

    def report(self, today: date, top: int = 10) -> str:
        """The passed-on questions grouped by similarity, most frequent first, and the
        sections with most 👎: what a content maintainer should add or fix."""
        self.purge(today)
        groups: list[tuple[str, list[tuple[str, str | None, str, str | None]]]] = []
        for row in self.store.passed_on():
            question = row[0]
            for lead, members in groups:
                if fuzz.token_set_ratio(question.lower(), lead.lower()) >= SIMILAR:
                    members.append(row)
                    break
            else:
                groups.append((question, [row]))
        groups.sort(key=lambda group: -len(group[1]))
        lines = [bold("Doorgegeven vragen") + f" (bewaard {self.retention_days()} dagen)"]
        if not groups:
            lines.append("Nog geen vragen doorgegeven.")
        for lead, members in groups[: max(1, top)]:
            gemeenten = sorted({m[1] for m in members if m[1]})
            last_day = max(m[2] for m in members)
            lines.append(f"- {len(members)}x {lead}")
            others = [m[0] for m in members[1:4] if m[0] != lead]
            if others:
                lines.append("  ook: " + " | ".join(others))
            sections = sorted({m[3] for m in members if m[3]})
            answered = f"; antwoord was {', '.join(sections)}" if sections else "; niet beantwoord"
            lines.append(f"  {', '.join(gemeenten) or 'geen gemeente'}; laatst {last_day}{answered}")
        downs = sorted(
            ((target, down) for target, (_, down) in self.stats.vote_totals().items() if down > 0),
            key=lambda item: (-item[1], item[0]),
        )
        lines += ["", bold("Meeste 👎")]
        lines += [f"- {target}: {down}x 👎" for target, down in downs[: max(1, top)]] or ["Nog geen 👎."]
        return "\n".join(lines)

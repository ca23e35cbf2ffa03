"""The admins' desk: /stats, /feedback, /reload and /broadcast.

Admins are Telegram user ids from ROUTEBOEK_ADMINS (and the console user with `routeboek chat
--admin`). To anyone else these commands do not exist: the engine answers them exactly as an
unknown command, and they are only in the admins' own command menu.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date

from bot.broadcast import BroadcastDesk
from bot.feedback import FeedbackDesk
from bot.knowledge import Knowledge
from bot.replies import Reply, bold
from bot.stats import Stats

# The admin commands with their Dutch descriptions, for the admins' Telegram menu.
ADMIN_COMMANDS: list[tuple[str, str]] = [
    ("stats", "Beheer: gebruik per week"),
    ("feedback", "Beheer: doorgegeven vragen en 👎"),
    ("reload", "Beheer: de inhoud opnieuw laden"),
    ("broadcast", "Beheer: bericht over een wijziging"),
]
ADMIN_NAMES = frozenset(name for name, _ in ADMIN_COMMANDS)
MAX_PROBLEMS = 30  # path:line lines in one /reload answer; the rest is counted


class AdminDesk:
    def __init__(
        self,
        stats: Stats,
        feedback: FeedbackDesk,
        broadcasts: BroadcastDesk,
        source: tuple[str | os.PathLike[str] | None, bool],
        use: Callable[[Knowledge], None],
    ) -> None:
        self.stats = stats
        self.feedback = feedback
        self.broadcasts = broadcasts
        self._source = source  # the content folder and whether drafts may load, as at start
        self._use = use  # what serves newly loaded content from the next event on

    def command(self, name: str, arg: str, today: date) -> list[Reply]:
        """One admin command; the engine already checked that the user is an admin."""
        if name == "stats":
            text, chart = self.stats.report(today)
            return [Reply(text, picture=chart)]
        if name == "feedback":
            return [Reply(self.feedback.report(today))]
        if name == "reload":
            return [self.reload()]
        return self.broadcasts.prepare(arg)

    @staticmethod
    def help(reply: Reply) -> Reply:
        """/help for an admin: the admin commands too, as only admins see them."""
        lines = ["", bold("Beheer (alleen voor jou zichtbaar):"), *[f"/{name} – {desc}" for name, desc in ADMIN_COMMANDS]]
        return Reply(reply.text + "\n" + "\n".join(lines), reply.buttons)

    def _reload(self) -> tuple[list[str], str]:
        """The problems (path:line lines, old content kept) or a summary of the new content."""
        from bot.content import ContentError, load_content

        content, allow_draft = self._source
        try:
            kb = load_content(content, allow_draft=allow_draft)
        except ContentError as exc:
            return [str(problem) for problem in exc.problems], ""
        self._use(kb)
        return [], f"{len(kb.sections)} secties, {len(kb.flows)} routes, {len(kb.gemeenten)} gemeenten"

    def reload(self) -> Reply:
        """Load and validate the content folder again; on a problem the old content keeps
        serving and the admin gets the same path:line lines as `routeboek check`."""
        problems, summary = self._reload()
        if not problems:
            return Reply(f"Inhoud opnieuw geladen: {summary}.")
        lines = [bold("Niet geladen: de oude inhoud blijft in gebruik."), *problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            lines.append(f"... en nog {len(problems) - MAX_PROBLEMS} probleem/problemen.")
        return Reply("\n".join(lines))

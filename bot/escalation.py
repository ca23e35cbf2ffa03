"""Escalation tables and the deadline calculator: any gemeente's table, as text and picture,
and the deadlines of that table for a first day the user types (and the bot does not keep)."""

from __future__ import annotations

from datetime import date

from bot.actions import ChooseTableGemeente, Menu, ShowTable, TimelineStart, button, gemeente_buttons
from bot.knowledge import EscalationView, Knowledge, step_details
from bot.replies import Button, Card, Picture, Reply, bold, nl_date, source_line, unmarked
from bot.storage import Dialogue, Profile, Store
from bot.timeline import build_timeline, describe_timeline, parse_date

MENU = [button("Menu", Menu())]


class EscalationDesk:
    def __init__(self, kb: Knowledge, store: Store) -> None:
        self.kb = kb
        self.store = store

    def table(self, profile: Profile, gemeente: str | None = None, sector: str | None = None) -> list[Reply]:
        """The escalation table of the user's gemeente, or of another one (a leerplichtambtenaar
        working for several gemeenten looks up any table in two taps)."""
        gemeente = gemeente or profile.gemeente
        if not gemeente:
            return [Reply("Kies eerst je gemeente met /start.", [MENU])]
        sectors = self.kb.sectors_of(gemeente)
        # The user's sector may be one whose routeboek the bot lacks (PO in Den Haag): show the
        # table it has, and say whose table it is.
        lacking = self.kb.not_held(gemeente, sector or profile.sector)
        if sector not in sectors:
            sector = profile.sector if profile.sector in sectors else (sectors[0] if sectors else None)
        table = self.kb.escalation_for(gemeente, sector)
        other_or_menu = [button("Andere gemeente", ChooseTableGemeente()), *MENU]
        if table is None:
            return [
                Reply(
                    f"Voor {gemeente} ({(sector or '').upper()}) staat geen opschalingstabel in de routeboeken.",
                    [other_or_menu],
                )
            ]
        t = table.table
        lines = [bold(f"Opschaling {table.gemeente} ({table.sector.upper()})")]
        if lacking:
            lines.append(
                f"Let op: dit is de tabel voor {table.sector.upper()}. Het {lacking.title} heb ik niet."
            )
        if t.counts_from:
            lines.append(f"Termijnen tellen vanaf: {t.counts_from}")
        for step in t.steps:
            lines += ["", bold(f"Stap {step.step}: {step.name}")]
            lines += [f"{label}: {value}" for label, value in step_details(step)]
        lines += ["", source_line(self.kb.document_label(t.source.document), t.source.section)]
        slug = self.kb.gemeente_id(table.gemeente) or ""
        buttons = []
        if any(step.term for step in t.steps):
            buttons.append([button("Termijnen voor een casus", TimelineStart(slug, table.sector))])
        buttons += [
            [button(f"{s.upper()}-tabel", ShowTable(slug, s))] for s in sectors if s != table.sector
        ]
        buttons.append(other_or_menu)
        return [Reply("\n".join(lines), buttons, picture=self.picture(table))]

    def command(self, profile: Profile, arg: str) -> list[Reply]:
        """/opschaling, or /opschaling <gemeente> for another gemeente's table."""
        if not arg:
            return self.table(profile)
        gemeente = self.kb.resolve_gemeente(arg)
        if gemeente is None:
            return [Reply(f"De gemeente '{arg[:40]}' ken ik niet. Kies een gemeente:", self._gemeenten())]
        return self.table(profile, gemeente)

    def press(self, profile: Profile, action: ShowTable | ChooseTableGemeente) -> list[Reply]:
        """The user's own table, the gemeente list, or the table of the gemeente pressed."""
        if isinstance(action, ChooseTableGemeente):
            return [Reply(bold("Van welke gemeente wil je de opschalingstabel zien?"), self._gemeenten())]
        gemeente = self.kb.gemeente_by_id(action.gemeente) if action.gemeente else None
        return self.table(profile, gemeente, action.sector)

    def picture(self, table: EscalationView) -> Picture:
        cards = []
        for step in table.table.steps:
            details = tuple(f"{label}: {value}" for label, value in step_details(step))
            cards.append(Card(f"Stap {step.step}: {step.name}", details))
        title = f"Opschaling {table.gemeente} ({table.sector.upper()})"
        source = table.table.source
        return Picture(
            title,
            tuple(cards),
            source_line(self.kb.document_label(source.document), source.section, unmarked),
            f"Termijnen tellen vanaf: {table.table.counts_from}" if table.table.counts_from else "",
            caption=title,
        )

    def _gemeenten(self) -> list[list[Button]]:
        return gemeente_buttons(self.kb, ShowTable)

    # --- deadline calculator ----------------------------------------------------------------
    def ask_start(self, user: str, profile: Profile, state: Dialogue, action: TimelineStart) -> list[Reply]:
        """The deadline calculator for the user's own gemeente, or for the table on screen."""
        gemeente = self.kb.gemeente_by_id(action.gemeente) if action.gemeente else None
        state.ask(awaiting="timeline-start")
        state.for_gemeente = gemeente or profile.gemeente
        state.for_sector = action.sector if gemeente else profile.sector
        self.store.save_dialogue(user, state)
        return [
            Reply(
                "Wat was de eerste dag van het zorgwekkend verzuim (of van het thuiszitten)? "
                "Typ een datum, bijvoorbeeld 5-1-2026. Ik bewaar deze datum niet."
            )
        ]

    def start_text(self, user: str, profile: Profile, state: Dialogue, text: str) -> list[Reply] | None:
        """The first day, typed: the deadlines. None when the text is not a date: the user moved
        on, and the caller treats it as any other message."""
        gemeente, sector = state.for_gemeente or profile.gemeente, state.for_sector or profile.sector
        state.awaiting, state.for_gemeente, state.for_sector = None, None, None
        self.store.save_dialogue(user, state)
        start = parse_date(text)
        return None if start is None else self._timeline(gemeente, sector, start)

    def _timeline(self, gemeente: str | None, sector: str | None, start: date) -> list[Reply]:
        if not gemeente:
            return [Reply("Kies eerst je gemeente met /start.", [MENU])]
        timeline = build_timeline(self.kb, gemeente, sector, start)
        if timeline is None:
            return [Reply(f"Voor {gemeente} staat geen opschalingstabel in de routeboeken.", [MENU])]
        lines = [bold(f"Termijnen {timeline.gemeente} ({timeline.sector.upper()}), start {nl_date(start)}")]
        lines += describe_timeline(self.kb, timeline)
        return [Reply("\n".join(lines), [[button("Opschalingstabel", ShowTable()), *MENU]])]

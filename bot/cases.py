"""Cases: a pseudonym per child, the escalation deadlines of its gemeente, and reminders.

A coordinator or leerplichtambtenaar follows several children at once, and the routeboek's
deadlines (so many weeks after the first day of zorgwekkend verzuim) are easy to miss. A case
holds only a code the bot makes up, the gemeente, the sector and that first day: the code links
it to the school's own file, which the bot never sees. Deadlines are computed from the current
escalation table each time, so a new routeboek version moves them without touching stored data.
"""

from __future__ import annotations

import functools
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.actions import (
    CaseAction,
    CaseCancel,
    CaseChooseGemeente,
    CaseGemeente,
    CaseNew,
    Cases,
    CaseSector,
    CaseToday,
    Menu,
    button,
    gemeente_buttons,
)
from bot.knowledge import EscalationView, Knowledge, step_details
from bot.replies import Button, Reply, bold, nl_date, rows, source_line
from bot.storage import Case, Dialogue, Profile, Store
from bot.timeline import (
    Timeline,
    TimelineStep,
    build_timeline,
    deadline,
    describe_timeline,
    next_step,
    parse_date,
    timeline_picture,
)

# The presses this desk answers (bot/actions.py).
CasePress = Cases | CaseNew | CaseChooseGemeente | CaseGemeente | CaseSector | CaseToday | CaseCancel | CaseAction
MENU_BUTTON = button("Menu", Menu())

# Codes without look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B), so they survive being copied by hand.
CODE_ALPHABET = "ACDEFHJKMNPRTVWXY34679"
CODE_LENGTH = 4
MAX_CASES = 50
MAX_AGE = timedelta(days=2 * 365)  # older first days have no running deadlines left
MAX_AHEAD = timedelta(days=31)
WEEK_AHEAD = timedelta(days=7)  # the early reminder
CATCH_UP = timedelta(days=2)  # a deadline-day reminder still goes out this long after the day
WORKING_HOURS = range(8, 17)  # reminders go out on weekdays in these (local) hours

REMINDER_DETAILS = ("Doel", "Aanmelding", "Deelnemers", "Regie")
DATE_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


@dataclass
class Reminder:
    case: Case
    step: str
    kind: str  # "week": a week before; "day": on the deadline
    due: date
    reply: Reply


def taken_index(timeline: Timeline, case: Case) -> int:
    """Index of the last step the user marked as taken; -1 for none (or a step the current
    routeboek no longer has)."""
    labels = [step.step for step in timeline.steps]
    return labels.index(case.reached) if case.reached in labels else -1


class CaseDesk:
    """The /casus conversation and the reminder run, on top of the Store."""

    def __init__(self, kb: Knowledge, store: Store) -> None:
        self.kb = kb
        self.store = store
        # The content does not change while the bot runs, and school-week timelines take ~0.5 ms:
        # the reminder run over all cases would redo the same ones every ten minutes.
        self._timelines = functools.lru_cache(maxsize=4096)(self._build_timeline)

    # --- conversation -----------------------------------------------------------------------
    def overview(self, user: str, today: date) -> Reply:
        cases = self.store.cases(user)
        if not cases:
            return Reply(
                bold("Casussen volgen")
                + "\nMeld een casus aan en ik reken de termijnen uit de opschalingstabel van de "
                "gemeente uit. Ik stuur je een herinnering een week vóór elke termijn en op de dag "
                "zelf.\n\nEen casus krijgt een code van mij; ik bewaar geen naam, alleen de code, "
                "de gemeente, de sector en de eerste dag van het verzuim.",
                [[button("Nieuwe casus", CaseNew()), MENU_BUTTON]],
            )
        lines = [bold(f"Je casussen ({len(cases)})")]
        for case in cases:
            timeline = self._timeline(case)
            upcoming = next_step(timeline, today, taken_index(timeline, case)) if timeline else None
            lines += ["", f"{bold('Casus ' + case.pseudonym)}: {case.gemeente} ({case.sector.upper()})"]
            lines.append(f"Eerste dag: {nl_date(date.fromisoformat(case.start))}")
            if upcoming and upcoming.due:
                lines.append(
                    f"Volgende termijn: stap {upcoming.step} ({upcoming.name}), {nl_date(deadline(upcoming))}"
                )
            else:
                lines.append("Geen lopende termijnen meer.")
            if not case.reminders:
                lines.append("Herinneringen: uit")
        buttons = [button(f"Casus {c.pseudonym}", CaseAction("v", c.id)) for c in cases]
        return Reply(
            "\n".join(lines), [*rows(buttons, 3), [button("Nieuwe casus", CaseNew()), MENU_BUTTON]]
        )

    def press(self, user: str, profile: Profile, state: Dialogue, action: CasePress, today: date) -> list[Reply]:
        """A press on a case screen; a case number is looked up among the user's own cases only."""
        match action:
            case Cases():
                return [self.overview(user, today)]
            case CaseNew():
                full = self._full(user)
                return full or self._ask_start(user, state, profile.gemeente or "", profile.sector)
            case CaseChooseGemeente():
                return [Reply(bold("In welke gemeente speelt de casus?"), gemeente_buttons(self.kb, CaseGemeente))]
            case CaseGemeente(slug) if (gemeente := self.kb.gemeente_by_id(slug)):
                sectors = self.kb.sectors_of(gemeente)
                if len(sectors) > 1:
                    state.for_gemeente = gemeente
                    self.store.save_dialogue(user, state)
                    buttons = [button(s.upper(), CaseSector(s)) for s in sectors]
                    return [Reply(bold("Primair (PO) of voortgezet onderwijs (VO)?"), [buttons])]
                return self._ask_start(user, state, gemeente, sectors[0] if sectors else None)
            case CaseSector(sector) if state.for_gemeente and sector in self.kb.sectors_of(state.for_gemeente):
                return self._ask_start(user, state, state.for_gemeente, sector)
            case CaseToday() if state.awaiting == "case-start":
                return self._create(user, state, today, today)
            case CaseCancel():
                self._stop_asking(user, state)
                return [Reply("Er is geen casus aangemaakt.", [[button("Mijn casussen", Cases()), MENU_BUTTON]])]
            case CaseAction(verb, number, step):
                case = self.store.case(user, number)
                if case is None:
                    return [Reply("Deze casus bestaat niet (meer).", [[button("Mijn casussen", Cases())]])]
                return [self._act(case, verb, step, today)]
        # A button of an earlier registration (its gemeente or sector no longer fits).
        return [Reply("Deze knop hoort bij een eerder bericht.", [[button("Nieuwe casus", CaseNew())]])]

    def _act(self, case: Case, verb: str, step: int | None, today: date) -> Reply:
        if verb in ("st", "un"):
            return self._mark_taken(case, verb, step, today)
        if verb in ("on", "off"):
            case.reminders = verb == "on"
            self.store.set_reminders(case, case.reminders)
            return self._show(case, today)
        if verb == "d":
            return Reply(
                f"Casus {case.pseudonym} verwijderen? De termijnen en herinneringen verdwijnen.",
                [[button("Ja, verwijder", CaseAction("dd", case.id)), button("Nee", CaseAction("v", case.id))]],
            )
        if verb == "dd":
            self.store.delete_case(case)
            return Reply(f"Casus {case.pseudonym} is verwijderd.", [[button("Mijn casussen", Cases())]])
        return self._show(case, today)

    def start_text(self, user: str, state: Dialogue, text: str, today: date) -> list[Reply] | None:
        """The first day of a new case, typed; None when the text is not a date at all (the user
        moved on: the caller treats it as any other message)."""
        start = parse_date(text)
        if start is None and not DATE_LIKE.fullmatch(text.strip()):
            self._stop_asking(user, state)
            return None
        if start is None:
            return [Reply("Die datum bestaat niet. Typ bijvoorbeeld 5-1-2026.", self._start_buttons())]
        if start > today + MAX_AHEAD:
            return [
                Reply(
                    "Die datum ligt te ver in de toekomst. Typ de eerste dag van het verzuim.",
                    self._start_buttons(),
                )
            ]
        if start < today - MAX_AGE:
            return [
                Reply(
                    "Die datum ligt meer dan twee jaar terug. Typ de eerste dag van het zorgwekkend "
                    "verzuim (geen geboortedatum).",
                    self._start_buttons(),
                )
            ]
        return self._create(user, state, start, today)

    def _ask_start(self, user: str, state: Dialogue, gemeente: str, sector: str | None) -> list[Reply]:
        table = self.kb.escalation_for(gemeente, sector) if gemeente else None
        if table is None or not any(step.term for step in table.table.steps):
            return [
                Reply(
                    f"Voor {gemeente or 'deze gemeente'} staat geen opschalingstabel met termijnen in de "
                    "routeboeken, dus ik kan geen termijnen uitrekenen.",
                    [[button("Andere gemeente", CaseChooseGemeente()), MENU_BUTTON]],
                )
            ]
        state.ask(awaiting="case-start")
        state.for_gemeente, state.for_sector = table.gemeente, table.sector
        self.store.save_dialogue(user, state)
        return [
            Reply(
                f"{bold('Nieuwe casus')} in {table.gemeente} ({table.sector.upper()}).\n\n"
                "Wat was de eerste dag van het zorgwekkend verzuim (of van het thuiszitten)? "
                "Typ een datum, bijvoorbeeld 5-1-2026.",
                self._start_buttons(),
            )
        ]

    @staticmethod
    def _start_buttons() -> list[list[Button]]:
        return [
            [button("Vandaag", CaseToday()), button("Andere gemeente", CaseChooseGemeente())],
            [button("Annuleren", CaseCancel())],
        ]

    def _stop_asking(self, user: str, state: Dialogue) -> None:
        state.awaiting, state.for_gemeente, state.for_sector = None, None, None
        self.store.save_dialogue(user, state)

    def _full(self, user: str) -> list[Reply]:
        if len(self.store.cases(user)) < MAX_CASES:
            return []
        return [
            Reply(
                f"Je volgt al {MAX_CASES} casussen, het maximum. Verwijder eerst een afgeronde casus.",
                [[button("Mijn casussen", Cases())]],
            )
        ]

    def _create(self, user: str, state: Dialogue, start: date, today: date) -> list[Reply]:
        gemeente, sector = state.for_gemeente, state.for_sector
        self._stop_asking(user, state)
        if not gemeente or not sector:
            return [Reply("Begin opnieuw met een nieuwe casus.", [[button("Nieuwe casus", CaseNew())]])]
        if full := self._full(user):  # also when two registrations were started side by side
            return full
        taken = {c.pseudonym for c in self.store.cases(user)}
        code = self._new_code(taken)
        case = self.store.add_case(user, code, gemeente, sector, start.isoformat())
        # What is already due was just shown in the timeline: no reminder for it at the next run.
        for _, step, kind, due in self._due_for(case, today):
            self.store.mark_reminder_sent(case, step.step, kind, due.isoformat(), sent=False)
        shown = self._show(case, today)
        shown.text = (
            f"Casus {bold(code)} is aangemaakt. Zet deze code in je eigen dossier van de leerling: "
            "ik bewaar geen naam.\n\n" + shown.text
        )
        return [shown]

    @staticmethod
    def _new_code(taken: set[str]) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in taken:
                return code

    def _timeline(self, case: Case) -> Timeline | None:
        return self._timelines(case.gemeente, case.sector, case.start)

    def _build_timeline(self, gemeente: str, sector: str, start: str) -> Timeline | None:
        return build_timeline(self.kb, gemeente, sector, date.fromisoformat(start))

    def _show(self, case: Case, today: date) -> Reply:
        lines = [
            f"{bold('Casus ' + case.pseudonym)}: {case.gemeente} ({case.sector.upper()})",
            f"Eerste dag zorgwekkend verzuim: {nl_date(date.fromisoformat(case.start))}",
            "Herinneringen: "
            + ("aan (een week vóór elke termijn en op de dag zelf)" if case.reminders else "uit"),
        ]
        timeline = self._timeline(case)
        picture = None
        progress: list[Button] = []
        if timeline is None:
            lines.append("\nVoor deze gemeente staat geen opschalingstabel (meer) in de routeboeken.")
        else:
            taken = taken_index(timeline, case)
            if taken >= 0:
                lines.append(
                    f"Gezet: t/m stap {timeline.steps[taken].step} (geen herinneringen meer tot en met die stap)"
                )
                progress.append(
                    button(f"Stap {timeline.steps[taken].step} toch niet gezet", CaseAction("un", case.id))
                )
            if taken + 1 < len(timeline.steps):
                step = timeline.steps[taken + 1].step
                progress.insert(0, button(f"Stap {step} gezet", CaseAction("st", case.id, taken + 1)))
            lines += describe_timeline(self.kb, timeline, today, taken)
            title = f"Casus {case.pseudonym}: {case.gemeente} ({case.sector.upper()})"
            caption = f"Termijnen casus {case.pseudonym}"
            picture = timeline_picture(self.kb, timeline, today, title, caption, taken)
        toggle = button("Herinneringen uit", CaseAction("off", case.id))
        if not case.reminders:
            toggle = button("Herinneringen aan", CaseAction("on", case.id))
        buttons = [
            [toggle, button("Verwijderen", CaseAction("d", case.id))],
            [button("Mijn casussen", Cases()), MENU_BUTTON],
        ]
        return Reply("\n".join(lines), [progress, *buttons] if progress else buttons, picture=picture)

    def _mark_taken(self, case: Case, action: str, index: int | None, today: date) -> Reply:
        """'Stap X gezet' marks step X, and so the ones before it, as taken: reminders up to it
        stop. 'Toch niet' takes back one step. A stale button changes nothing."""
        timeline = self._timeline(case)
        taken = taken_index(timeline, case) if timeline else -1
        if timeline and action == "st" and index is not None and taken < index < len(timeline.steps):
            case.reached = timeline.steps[index].step
        elif timeline and action == "un" and taken >= 0:
            case.reached = timeline.steps[taken - 1].step if taken > 0 else None
        else:
            shown = self._show(case, today)
            shown.text = "Deze knop hoort bij een eerder bericht. Zo staat de casus nu:\n\n" + shown.text
            return shown
        self.store.set_reached(case, case.reached)
        return self._show(case, today)

    # --- reminders --------------------------------------------------------------------------
    def due_reminders(self, now: datetime, user: str | None = None) -> list[Reminder]:
        """Reminders to send now (local time), not sent before. Only on weekdays during working
        hours: a reminder about a child is work, not something for a Sunday night."""
        if now.weekday() >= 5 or now.hour not in WORKING_HOURS:
            return []
        today = now.date()
        reminders = []
        for case in self.store.cases(user):
            if not case.reminders:
                continue
            view = self.kb.escalation_for(case.gemeente, case.sector)
            for i, step, kind, due in self._due_for(case, today):
                # Most due reminders were sent by an earlier run: the text is written only for new ones.
                if not self.store.reminder_sent(case, step.step, kind, due.isoformat()):
                    reply = self._reminder(case, step, i, kind, today, view)
                    reminders.append(Reminder(case, step.step, kind, due, reply))
        return reminders

    def still_due(self, reminder: Reminder) -> bool:
        """Checked right before each send: the list of a run is built first, and the user may
        delete the case or everything (/vergeet) while it is being sent."""
        return self.store.reminder_still_due(
            reminder.case, reminder.step, reminder.kind, reminder.due.isoformat()
        )

    def mark_sent(self, reminder: Reminder) -> None:
        self.store.mark_reminder_sent(reminder.case, reminder.step, reminder.kind, reminder.due.isoformat())

    def _due_for(self, case: Case, today: date) -> list[tuple[int, TimelineStep, str, date]]:
        """(step index, step, kind, date) of the reminders whose window includes today."""
        timeline = self._timeline(case)
        if timeline is None:
            return []
        due: list[tuple[int, TimelineStep, str, date]] = []
        first = taken_index(timeline, case) + 1
        for i, step in enumerate(timeline.steps[first:], start=first):
            if step.due is None:
                continue
            if step.due - WEEK_AHEAD <= today < step.due:
                due.append((i, step, "week", step.due))
            if deadline(step) <= today <= deadline(step) + CATCH_UP:
                due.append((i, step, "day", deadline(step)))
        return due

    def _reminder(
        self, case: Case, step: TimelineStep, index: int, kind: str, today: date, view: EscalationView | None
    ) -> Reply:
        assert step.due is not None
        what = f"stap {step.step}: {step.name}"
        if kind == "week":
            days = (step.due - today).days
            window = f" (uiterlijk {nl_date(step.due_latest)})" if step.due_latest else ""
            when = f"Over {days} {'dag' if days == 1 else 'dagen'}, op {nl_date(step.due)}{window}, is {what} aan de beurt."
        elif deadline(step) == today:
            when = f"Vandaag ({nl_date(today)}) is de uiterste termijn voor {what}."
        else:
            when = f"Op {nl_date(deadline(step))} was de uiterste termijn voor {what}."
        lines = [
            bold(f"Herinnering casus {case.pseudonym}") + f" – {case.gemeente} ({case.sector.upper()})",
            when,
        ]
        details = next((s for s in view.table.steps if s.step == step.step), None) if view else None
        if details:  # what to do at this step; its term is in the sentence above
            lines += [
                f"{label}: {value}" for label, value in step_details(details) if label in REMINDER_DETAILS
            ]
        lines += ["", "Is deze stap al gezet? Tik op 'Stap gezet'. Is de casus opgelost? Verwijder hem dan."]
        if view:
            lines += ["", source_line(self.kb.document_label(view.document.key), view.table.source.section)]
        return Reply(
            "\n".join(lines),
            [
                [button(f"Stap {step.step} gezet", CaseAction("st", case.id, index))],
                [button("Bekijk casus", CaseAction("v", case.id)), button("Herinneringen uit", CaseAction("off", case.id))],
            ],
        )

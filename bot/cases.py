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
from datetime import UTC, date, datetime, timedelta

from bot.actions import (
    CaseAction,
    CaseCancel,
    CaseChooseGemeente,
    CaseConfirmStart,
    CaseGemeente,
    CaseNew,
    CasePress,
    Cases,
    CaseSector,
    CaseToday,
    Menu,
    PushSetting,
    button,
    gemeente_buttons,
)
from bot.ics import timeline_ics
from bot.knowledge import Knowledge
from bot.pushes import Push, PushRun
from bot.reminders import Reminder as Reminder
from bot.reminders import ReminderRun, taken_index
from bot.replies import Attachment, Button, Reply, bold, nl_date, rows
from bot.storage import Case, Dialogue, Profile, Store
from bot.timeline import (
    Timeline,
    beyond_calendar,
    build_timeline,
    deadline,
    deadline_holiday,
    describe_timeline,
    first_overdue,
    marked_date,
    next_open,
    parse_date,
    timeline_picture,
)

MENU_BUTTON = button("Menu", Menu())

# Codes without look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B), so they survive being copied by hand.
CODE_ALPHABET = "ACDEFHJKMNPRTVWXY34679"
CODE_LENGTH = 4
MAX_CASES = 50
MAX_AGE = timedelta(days=2 * 365)  # older first days have no running deadlines left
MAX_AHEAD = timedelta(days=31)
DATE_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


def next_weekday(day: date) -> date:
    """The next working day after `day`: 'Morgen weer' on a Friday means Monday."""
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class CaseDesk:
    """The /casus conversation and the reminder run, on top of the Store."""

    def __init__(self, kb: Knowledge, store: Store) -> None:
        self.kb = kb
        self.store = store
        # The content does not change while the bot runs, and school-week timelines take ~0.5 ms:
        # the reminder run over all cases would redo the same ones every ten minutes.
        self._timelines = functools.lru_cache(maxsize=4096)(self._build_timeline)
        self.reminders = ReminderRun(kb, store, self._timeline)
        self.pushes = PushRun(kb, store, self._timeline)

    # --- conversation -----------------------------------------------------------------------
    def overview(self, user: str, today: date) -> Reply:
        cases = self.store.cases(user)
        settings_lines, settings_buttons = self._push_settings(user, bool(cases))
        if not cases:
            reply = Reply(
                bold("Casussen volgen")
                + "\nMeld een casus aan en ik reken de termijnen uit de opschalingstabel van de "
                "gemeente uit. Ik stuur je een herinnering een week vóór elke termijn en op de dag "
                "zelf.\n\nEen casus krijgt een code van mij; ik bewaar geen naam, alleen de code, "
                "de gemeente, de sector, de eerste dag van het verzuim en de dagen waarop stappen gezet zijn.",
                [[button("Nieuwe casus", CaseNew()), MENU_BUTTON]],
            )
            if settings_lines:
                reply.text += "\n\n" + "\n".join(settings_lines)
                reply.buttons.insert(0, settings_buttons)
            return reply
        running = [c for c in cases if not c.closed]
        closed = [c for c in cases if c.closed]
        heading = f"Je casussen ({len(running)} lopend" + (f", {len(closed)} afgesloten)" if closed else ")")
        lines = [bold(heading)]
        for case in running:
            timeline = self._timeline(case)
            lines += ["", f"{bold('Casus ' + case.pseudonym)}: {case.gemeente} ({case.sector.upper()})"]
            lines.append(f"Eerste dag: {nl_date(date.fromisoformat(case.start))}")
            lines += self._next_lines(timeline, case, today) if timeline else ["Geen lopende termijnen meer."]
            if not case.reminders:
                lines.append("Herinneringen: uit")
        if closed:
            lines += ["", bold("Afgesloten")]
            lines += [
                f"Casus {c.pseudonym}: {c.gemeente} ({c.sector.upper()}), afgesloten op "
                f"{nl_date(date.fromisoformat(c.closed or c.start))}"
                for c in closed
            ]
        lines += ["", *settings_lines]
        buttons = [button(f"Casus {c.pseudonym}", CaseAction("v", c.id)) for c in running + closed]
        return Reply(
            "\n".join(lines),
            [*rows(buttons, 3), settings_buttons, [button("Nieuwe casus", CaseNew()), MENU_BUTTON]],
        )

    @staticmethod
    def _next_lines(timeline: Timeline, case: Case, today: date) -> list[str]:
        """A passed deadline of a step not taken, then the next one; a step whose date is
        unknown (the school calendar ran out) is still to come, not 'no deadlines left'."""
        taken = taken_index(timeline, case)
        lines = []
        if late := first_overdue(timeline, today, taken):
            lines.append(
                f"Termijn voorbij: stap {late.step} ({late.name}), "
                + marked_date(deadline(late), deadline_holiday(late))
            )
        if upcoming := next_open(timeline, today, taken):
            when = (
                beyond_calendar(timeline.holidays.covered_until)
                if upcoming.unknown
                else marked_date(deadline(upcoming), deadline_holiday(upcoming))
            )
            lines.append(f"Volgende termijn: stap {upcoming.step} ({upcoming.name}), {when}")
        return lines or ["Geen lopende termijnen meer."]

    def _push_settings(self, user: str, has_cases: bool) -> tuple[list[str], list[Button]]:
        """The lines and buttons for the weekly digest (with cases) and the region's fixed dates."""
        prefs = self.store.prefs(user)
        lines: list[str] = []
        buttons: list[Button] = []
        if has_cases:
            lines.append(f"Weekoverzicht op maandag: {'aan' if prefs.digest else 'uit'}")
            label = "Weekoverzicht uit" if prefs.digest else "Weekoverzicht aan"
            buttons.append(button(label, PushSetting("dg", not prefs.digest)))
        profile = self.store.profile(user)
        for view in self.kb.fixed_dates_for(profile.gemeente, profile.sector):
            days = ", ".join(f"{int(d[3:])}-{int(d[:2])}" for d in view.fixed.dates)
            lines.append(
                f"{view.fixed.name} ({days}): herinnering een week vooraf {'aan' if prefs.fixed_dates else 'uit'}"
            )
        if lines and self.kb.fixed_dates_for(profile.gemeente, profile.sector):
            label = "Vaste data: geen herinnering" if prefs.fixed_dates else "Vaste data: herinner mij"
            buttons.append(button(label, PushSetting("fx", not prefs.fixed_dates)))
        return lines, buttons

    def push_setting(self, user: str, action: PushSetting) -> Reply:
        """The digest or the fixed-date reminders switched with one press."""
        prefs = self.store.prefs(user)
        if action.kind == "dg":
            prefs.digest = action.on
            said = "Je krijgt elke maandag een overzicht van je open casussen." if action.on else (
                "Je krijgt geen weekoverzicht meer. Aanzetten kan onder /casus."
            )
        else:
            prefs.fixed_dates = action.on
            said = "Ik herinner je een week voor elke vaste datum." if action.on else (
                "Je krijgt geen herinneringen meer voor vaste data. Aanzetten kan onder /casus."
            )
        self.store.save_prefs(user, prefs)
        return Reply(said, [[button("Mijn casussen", Cases()), MENU_BUTTON]])

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
            case PushSetting():
                return [self.push_setting(user, action)]
            case CaseConfirmStart() if state.awaiting == "case-start" and state.for_date:
                return self._create(user, state, date.fromisoformat(state.for_date), today)
            case CaseCancel():
                self._stop_asking(user, state)
                return [Reply("Er is geen casus aangemaakt.", [[button("Mijn casussen", Cases()), MENU_BUTTON]])]
            case CaseAction(verb, number, step):
                case = self.store.case(user, number)
                if case is None:
                    return [Reply("Deze casus bestaat niet (meer).", [[button("Mijn casussen", Cases())]])]
                return [self._act(user, state, case, verb, step, today)]
        # A button of an earlier registration (its gemeente or sector no longer fits).
        return [Reply("Deze knop hoort bij een eerder bericht.", [[button("Nieuwe casus", CaseNew())]])]

    def _act(self, user: str, state: Dialogue, case: Case, verb: str, step: int | None, today: date) -> Reply:
        if verb == "st":
            return self._ask_step_date(user, state, case, step, today)
        if verb in ("sv", "un"):
            return self._mark_taken(case, verb, step, today, today)
        if verb in ("s1", "s7"):
            return self._snooze(case, verb, step, today)
        if verb in ("on", "off"):
            case.reminders = verb == "on"
            self.store.set_reminders(case, case.reminders)
            return self._show(case, today)
        if verb in ("c", "ro"):
            case.closed = today.isoformat() if verb == "c" else None
            self.store.set_closed(case, case.closed)
            return self._show(case, today)
        if verb == "ics":
            return self._agenda(case, today)
        if verb == "d":
            return Reply(
                f"Casus {case.pseudonym} nu verwijderen? Alles van deze casus verdwijnt meteen: termijnen, "
                "gezette stappen en herinneringen. Wil je hem alleen niet meer volgen? Kies dan Afsluiten.",
                [[button("Ja, verwijder", CaseAction("dd", case.id)), button("Nee", CaseAction("v", case.id))]],
            )
        if verb == "dd":
            self.store.delete_case(case)
            return Reply(f"Casus {case.pseudonym} is verwijderd.", [[button("Mijn casussen", Cases())]])
        return self._show(case, today)

    def start_text(self, user: str, state: Dialogue, text: str, today: date) -> list[Reply] | None:
        """A date typed for a new case's first day or for a step taken; None when the text is
        not a date at all (the user moved on: the caller treats it as any other message)."""
        day = parse_date(text)
        if day is None and not DATE_LIKE.fullmatch(text.strip()):
            self._stop_asking(user, state)
            return None
        if state.awaiting == "step-date":
            return [self._step_date_text(user, state, day, today)]
        if day is None:
            return [Reply("Die datum bestaat niet. Typ bijvoorbeeld 5-1-2026.", self._start_buttons(state))]
        if day > today + MAX_AHEAD:
            return [
                Reply(
                    "Die datum ligt te ver in de toekomst. Typ de eerste dag van het verzuim.",
                    self._start_buttons(state),
                )
            ]
        if day < today - MAX_AGE:
            return [
                Reply(
                    "Die datum ligt meer dan twee jaar terug. Typ de eerste dag van het zorgwekkend "
                    "verzuim (geen geboortedatum).",
                    self._start_buttons(state),
                )
            ]
        if day > today:  # a typo as often as a plan: asked, not silently taken
            state.for_date = day.isoformat()
            self.store.save_dialogue(user, state)
            return [
                Reply(
                    f"{nl_date(day)} ligt in de toekomst. Begint het verzuim echt pas dan? "
                    "Tik op 'Ja, klopt', of typ de juiste datum.",
                    [[button("Ja, klopt", CaseConfirmStart())], *self._start_buttons(state)],
                )
            ]
        return self._create(user, state, day, today)

    def _ask_start(self, user: str, state: Dialogue, gemeente: str, sector: str | None) -> list[Reply]:
        table = self.kb.escalation_for(gemeente, sector) if gemeente else None
        if table is None or not any(step.term for step in table.table.steps):
            # The other sector of the same gemeente may have one (Den Haag: VO, not PO).
            others = [s for s in self.kb.sectors_of(gemeente) if s != sector and self._has_terms(gemeente, s)]
            if others:
                state.for_gemeente, state.for_sector = gemeente, sector
                self.store.save_dialogue(user, state)
            label = f"{gemeente} ({sector.upper()})" if gemeente and sector else (gemeente or "deze gemeente")
            return [
                Reply(
                    f"Voor {label} staat geen opschalingstabel met termijnen in de "
                    "routeboeken, dus ik kan geen termijnen uitrekenen.",
                    [
                        [button(f"{gemeente} {s.upper()}", CaseSector(s)) for s in others]
                        + [button("Andere gemeente", CaseChooseGemeente()), MENU_BUTTON]
                    ],
                )
            ]
        state.ask(awaiting="case-start")
        state.for_gemeente, state.for_sector, state.for_date = table.gemeente, table.sector, None
        self.store.save_dialogue(user, state)
        return [
            Reply(
                f"{bold('Nieuwe casus')} in {table.gemeente} ({table.sector.upper()}).\n\n"
                "Wat was de eerste dag van het zorgwekkend verzuim (of van het thuiszitten)? "
                "Typ een datum, bijvoorbeeld 5-1-2026.",
                self._start_buttons(state),
            )
        ]

    def _has_terms(self, gemeente: str, sector: str) -> bool:
        table = self.kb.escalation_for(gemeente, sector)
        return table is not None and any(step.term for step in table.table.steps)

    def _start_buttons(self, state: Dialogue) -> list[list[Button]]:
        """Vandaag, the other sector of the same gemeente (one press), another gemeente, cancel."""
        others = []
        if state.for_gemeente:
            others = [
                button(f"{state.for_gemeente} {s.upper()}", CaseSector(s))
                for s in self.kb.sectors_of(state.for_gemeente)
                if s != state.for_sector
            ]
        return [
            [button("Vandaag", CaseToday())],
            [*others, button("Andere gemeente", CaseChooseGemeente())],
            [button("Annuleren", CaseCancel())],
        ]

    def _stop_asking(self, user: str, state: Dialogue) -> None:
        state.awaiting, state.for_gemeente, state.for_sector = None, None, None
        state.for_case, state.for_step, state.for_date = None, None, None
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
        self.reminders.mark_all_due(case, today)
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
        return self._timelines(case.gemeente, case.sector, case.start, tuple(sorted(case.done.items())))

    def _build_timeline(
        self, gemeente: str, sector: str, start: str, done: tuple[tuple[str, str], ...]
    ) -> Timeline | None:
        days = {step: date.fromisoformat(day) for step, day in done}
        return build_timeline(self.kb, gemeente, sector, date.fromisoformat(start), days)

    def _show(self, case: Case, today: date) -> Reply:
        lines = [
            f"{bold('Casus ' + case.pseudonym)}: {case.gemeente} ({case.sector.upper()})",
            f"Eerste dag zorgwekkend verzuim: {nl_date(date.fromisoformat(case.start))}",
        ]
        if case.closed:
            lines.append(
                f"Afgesloten op {nl_date(date.fromisoformat(case.closed))}: ik stuur geen herinneringen meer."
            )
        else:
            lines.append(
                "Herinneringen: "
                + ("aan (een week vóór elke termijn en op de dag zelf)" if case.reminders else "uit")
            )
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
                if not case.closed:
                    progress.append(
                        button(f"Stap {timeline.steps[taken].step} toch niet gezet", CaseAction("un", case.id))
                    )
            if taken + 1 < len(timeline.steps) and not case.closed:
                step = timeline.steps[taken + 1].step
                progress.insert(0, button(f"Stap {step} gezet", CaseAction("st", case.id, taken + 1)))
            lines += describe_timeline(self.kb, timeline, today, taken)
            title = f"Casus {case.pseudonym}: {case.gemeente} ({case.sector.upper()})"
            caption = f"Termijnen casus {case.pseudonym}"
            picture = timeline_picture(self.kb, timeline, today, title, caption, taken)
        if case.closed:
            buttons = [
                [button("Heropenen", CaseAction("ro", case.id)), button("Verwijderen", CaseAction("d", case.id))]
            ]
        else:
            toggle = button("Herinneringen uit", CaseAction("off", case.id))
            if not case.reminders:
                toggle = button("Herinneringen aan", CaseAction("on", case.id))
            buttons = [
                [button("Zet in agenda", CaseAction("ics", case.id)), toggle],
                [button("Afsluiten", CaseAction("c", case.id)), button("Verwijderen", CaseAction("d", case.id))],
            ]
        buttons.append([button("Mijn casussen", Cases()), MENU_BUTTON])
        return Reply("\n".join(lines), [progress, *buttons] if progress else buttons, picture=picture)

    def _stale(self, case: Case, today: date) -> Reply:
        shown = self._show(case, today)
        shown.text = "Deze knop hoort bij een eerder bericht. Zo staat de casus nu:\n\n" + shown.text
        return shown

    def _ask_step_date(self, user: str, state: Dialogue, case: Case, index: int | None, today: date) -> Reply:
        """'Stap X gezet' asks when: later deadlines count from the real day, not from today."""
        timeline = self._timeline(case)
        taken = taken_index(timeline, case) if timeline else -1
        if case.closed or timeline is None or index is None or not taken < index < len(timeline.steps):
            return self._stale(case, today)
        state.ask(awaiting="step-date")
        state.for_case, state.for_step = case.id, index
        self.store.save_dialogue(user, state)
        step = timeline.steps[index]
        return Reply(
            f"Wanneer is stap {step.step} ({step.name}) van casus {case.pseudonym} gezet? "
            "Tik op Vandaag, of typ de datum, bijvoorbeeld 5-1-2026.",
            self._step_date_buttons(case, index),
        )

    @staticmethod
    def _step_date_buttons(case: Case, index: int) -> list[list[Button]]:
        return [[button("Vandaag", CaseAction("sv", case.id, index)), button("Annuleren", CaseAction("v", case.id))]]

    def _step_date_text(self, user: str, state: Dialogue, day: date | None, today: date) -> Reply:
        """The typed day a step was taken: a real date, not in the future, not before the case."""
        case = self.store.case(user, state.for_case) if state.for_case is not None else None
        index = state.for_step
        if case is None or index is None:
            self._stop_asking(user, state)
            return Reply("Deze casus bestaat niet (meer).", [[button("Mijn casussen", Cases())]])
        again = self._step_date_buttons(case, index)
        if day is None:
            return Reply("Die datum bestaat niet. Typ bijvoorbeeld 5-1-2026.", again)
        if day > today:
            return Reply("Die datum ligt in de toekomst. Typ de dag waarop de stap gezet is.", again)
        start = date.fromisoformat(case.start)
        if day < start:
            return Reply(f"Die datum ligt vóór de eerste dag van het verzuim ({nl_date(start)}).", again)
        self._stop_asking(user, state)
        return self._mark_taken(case, "sv", index, day, today)

    def _mark_taken(self, case: Case, action: str, index: int | None, day: date, today: date) -> Reply:
        """A step taken on `day` marks it, and so the ones before it, as taken: reminders up to it
        stop, and later steps that count from it move. 'Toch niet' takes back one step. A stale
        button changes nothing."""
        timeline = self._timeline(case)
        taken = taken_index(timeline, case) if timeline else -1
        if case.closed or timeline is None:
            return self._stale(case, today)
        if action == "sv" and index is not None and taken < index < len(timeline.steps):
            step = timeline.steps[index].step
            case.reached = step
            case.done[step] = day.isoformat()
            self.store.set_step_done(case, step, day.isoformat())
        elif action == "un" and taken >= 0:
            step = timeline.steps[taken].step
            case.reached = timeline.steps[taken - 1].step if taken > 0 else None
            case.done.pop(step, None)
            self.store.set_step_done(case, step, None)
        else:
            return self._stale(case, today)
        self.store.set_reached(case, case.reached)
        return self._show(case, today)

    def _snooze(self, case: Case, verb: str, index: int | None, today: date) -> Reply:
        """'Morgen weer' / 'Over een week': the same step once more, on a school day."""
        timeline = self._timeline(case)
        taken = taken_index(timeline, case) if timeline else -1
        if case.closed or timeline is None or index is None or not taken < index < len(timeline.steps):
            return self._stale(case, today)
        wanted = next_weekday(today) if verb == "s1" else today + timedelta(days=7)
        # Not in a school holiday of the case's region: nobody at school reads it there.
        holiday = timeline.holidays.holiday_of(wanted)
        until = next_weekday(holiday.end) if holiday else wanted
        step = timeline.steps[index]
        self.store.snooze(case, step.step, until.isoformat())
        after = f" (na de {holiday.label})" if holiday else ""
        return Reply(
            f"Goed. Op {nl_date(until)}{after} herinner ik je weer aan stap {step.step} van casus {case.pseudonym}.",
            [[button("Bekijk casus", CaseAction("v", case.id)), MENU_BUTTON]],
        )

    def _agenda(self, case: Case, today: date) -> Reply:
        """The case's deadlines as an .ics file; made anew after each step, with the same UIDs."""
        timeline = self._timeline(case)
        back = [[button("Bekijk casus", CaseAction("v", case.id)), MENU_BUTTON]]
        if timeline is None or not any(step.due for step in timeline.steps):
            return Reply("Deze casus heeft geen termijnen om in je agenda te zetten.", back)
        # When the file is made (wall time, not the case's clock): a later file must win in Outlook.
        stamp = datetime.now(UTC)
        data = timeline_ics(self.kb, timeline, case.pseudonym, f"case|{case.user}|{case.id}", stamp)
        return Reply(
            f"De termijnen van casus {case.pseudonym} als agendabestand: open het in Outlook of Google "
            "Agenda. Zet je een stap, maak het bestand dan opnieuw: dezelfde afspraken schuiven mee, er "
            "komen er geen dubbel bij. In de afspraken staat alleen de code, geen naam.",
            back,
            document=Attachment(
                f"casus-{case.pseudonym}.ics", data, "text/calendar", f"Termijnen casus {case.pseudonym}"
            ),
        )

    # --- reminders (bot/reminders.py) -------------------------------------------------------
    def due_reminders(self, now: datetime, user: str | None = None) -> list[Reminder]:
        """Reminders to send now (local time), not sent before (see ReminderRun.due)."""
        return self.reminders.due(now, user)

    def still_due(self, reminder: Reminder) -> bool:
        """Checked right before each send: the list of a run is built first, and the user may
        delete or close the case, or everything (/vergeet), while it is being sent."""
        return self.reminders.still_due(reminder)

    def mark_sent(self, reminder: Reminder) -> None:
        self.reminders.mark_sent(reminder)

    def due_pushes(self, now: datetime, user: str | None = None) -> list[Push]:
        """The weekly digests and fixed-date reminders to send now (see PushRun.due)."""
        return self.pushes.due(now, user)

"""The conversation engine: events in, replies out. Knows nothing of Telegram.

Both adapters (Telegram and the console) turn what the user did into an Event and render the
Replies. All state that matters between messages is in the Store, so the engine itself is
stateless and a restart never loses a user's place in a walk-through.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.actions import (
    WITHOUT_PROFILE,
    AskHelp,
    Begin,
    Cases,
    ChooseGemeente,
    ChooseRole,
    ChooseSector,
    ChooseTableGemeente,
    FlowStep,
    Forget,
    Menu,
    Roles,
    Routes,
    Settings,
    ShowCard,
    ShowSection,
    ShowTable,
    StartFlow,
    TimelineStart,
    button,
    decode,
    gemeente_buttons,
)
from bot.answer import build_answer
from bot.cases import CaseDesk, Reminder
from bot.decision import Decider, not_held_message
from bot.escalation import EscalationDesk
from bot.knowledge import Knowledge
from bot.matcher import Matcher
from bot.privacy import personal_data_kinds, refusal
from bot.replies import Button as Button
from bot.replies import Reply as Reply
from bot.replies import bold, nl_date, rows, short
from bot.schema import Document, Flow, GlossaryTerm, Node
from bot.storage import Dialogue, Profile, Store
from bot.textproc import fold, words

log = logging.getLogger(__name__)

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")

MAX_TEXT = 1000

ASK_HELP = (
    "Typ je vraag in gewone woorden, zonder namen. Bijvoorbeeld: "
    "'wie meldt een thuiszitter aan?' of 'wat is een lizzer?'"
)

STORAGE_FAILED = "Opslaan lukt nu niet, probeer het later."
SET_ASIDE_NOTICE = (
    "Er ging iets mis met de opslag; je instellingen en casussen van vóór {date} zijn apart gezet. "
    "De beheerder van de bot kan ze terugzetten. Tot dan kun je met /start opnieuw beginnen."
)

# "wat is een lizzer?", "wat betekent MAZL", "wat bedoelen ze met de vier V's"
DEFINITION_QUESTION = re.compile(
    r"^(?:wat (?:is|zijn|betekent|betekenen|houdt|bedoelen ze met|wordt bedoeld met)|waar staat)\s+"
    r"(?:een |de |het |die |dat )?(?P<term>[^?.!,]{2,40}?)(?:\s+(?:in|eigenlijk|precies|voor))?\s*[?.!]?$",
    re.IGNORECASE,
)  # characters of a question; longer input is refused, not truncated

ROLES = {
    "mentor": "Mentor of leerkracht",
    "ib": "IB'er of coördinator passend onderwijs",
    "lpa": "Leerplichtambtenaar",
    "anders": "Andere rol",
}

# Commands in menu order, with their Dutch descriptions (the Telegram menu uses the same list).
COMMANDS: list[tuple[str, str]] = [
    ("start", "Begin: kies je rol, gemeente en sector"),
    ("help", "Wat kan deze bot?"),
    ("route", "Stap voor stap naar wie wat doet"),
    ("opschaling", "Opschalingstabel van jouw gemeente"),
    ("casus", "Casussen volgen, met herinneringen"),
    ("wie", "Wie doet wat"),
    ("begrip", "Afkortingen en begrippen"),
    ("instellingen", "Rol, gemeente of sector wijzigen"),
    ("privacy", "Wat bewaart deze bot?"),
    ("mijngegevens", "Alles wat over jou bewaard is"),
    ("vergeet", "Wis alles wat over jou bewaard is"),
]


@dataclass(frozen=True)
class Command:
    name: str
    arg: str = ""


@dataclass(frozen=True)
class TextIn:
    text: str


@dataclass(frozen=True)
class Press:
    data: str


Event = Command | TextIn | Press


# /mijngegevens in words a user reads, column by column: nothing stored is left out, an unknown
# table or column is shown by its own name.
TABLE_NAMES = {
    "users": "Profiel",
    "dialogue": "Waar je bent in het gesprek",
    "cases": "Casus",
    "reminders_sent": "Verstuurde herinnering",
    "storage_notices": "Melding dat de opslag apart is gezet",
}
COLUMN_NAMES = {
    "role": "rol",
    "created": "aangemaakt",
    "updated": "bijgewerkt",
    "state": "stand",
    "id": "nummer",
    "pseudonym": "code",
    "start": "eerste dag",
    "reminders": "herinneringen",
    "case_id": "casus nummer",
    "step": "stap",
    "kind": "soort",
    "due": "termijn",
    "sent": "verstuurd",
    "reached": "gezet t/m stap",
    "event": "storing nummer",
    "shown": "getoond",
}
VALUE_NAMES = {
    ("reminders", 1): "aan",
    ("reminders", 0): "uit",
    ("kind", "week"): "een week vooraf",
    ("kind", "day"): "op de dag",
}


def _shown(column: str, value: object) -> str:
    if column in ("created", "updated", "sent", "shown") and isinstance(value, int | float):
        return datetime.fromtimestamp(value, LOCAL_TIME).strftime("%d-%m-%Y %H:%M")
    if column == "role" and isinstance(value, str):
        return ROLES.get(value, value)
    return VALUE_NAMES.get((column, value), str(value))


class Engine:
    def __init__(
        self,
        kb: Knowledge,
        store: Store,
        matcher: Matcher | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(LOCAL_TIME),
    ) -> None:
        self.kb = kb
        self.store = store
        self.matcher = matcher or Matcher(kb)
        self.decider = Decider(kb, self.matcher)
        self.cases = CaseDesk(kb, store)
        self.escalation = EscalationDesk(kb, store)
        self.clock = clock  # local time: deadlines and reminders are in Dutch days
        # Capitalised words the routeboeken use are organisations and places, not names.
        self._known_words = frozenset(self.matcher.vocabulary) | {w for g in kb.gemeenten for w in words(g)}

    # --- entry point ----------------------------------------------------------------------
    def handle(self, user: str, event: Event) -> list[Reply]:
        """One user action in, the replies to send out. Never raises for bad input, nor for a
        database that fails (a full disk, a read-only file): the user gets a short answer to try
        later instead of silence, and the adapter keeps running."""
        try:
            notice = self.store.storage_notice(user)
            replies = self._handle(user, event)
            self.store.touch(user)  # for retention: an active user is never purged
        except sqlite3.Error as exc:
            # The error class and SQLite's message only: never what the user wrote.
            log.error("storage error while handling a %s: %s: %s", type(event).__name__, type(exc).__name__, exc)
            return [Reply(STORAGE_FAILED)]
        if notice is not None:
            day = nl_date(datetime.fromtimestamp(notice, LOCAL_TIME).date())
            replies.insert(0, Reply(SET_ASIDE_NOTICE.format(date=day)))
        return replies

    def _handle(self, user: str, event: Event) -> list[Reply]:
        profile = self.store.profile(user)
        state = self.store.dialogue(user)
        if isinstance(event, Command):
            return self._command(user, profile, state, event)
        if isinstance(event, Press):
            return self._press(user, profile, state, event.data)
        return self._text(user, profile, state, event.text)

    def personal_data(self, text: str) -> Reply | None:
        """The refusal when user text holds personal data, else None.

        Every path that takes text from a user passes here first (questions, command arguments,
        dialogue input, inline queries), so no such text is answered, echoed, stored or logged.
        """
        if not text.strip():
            return None
        kinds = personal_data_kinds(text, self._known_words, self.clock().date())
        if not kinds:
            return None
        log.info("refused a message with personal data (%s)", ", ".join(kinds))
        return Reply(refusal(kinds))

    def _save(self, user: str, profile: Profile | None = None, state: Dialogue | None = None) -> None:
        if profile is not None:
            self.store.save_profile(profile)
        if state is not None:
            self.store.save_dialogue(user, state)

    # --- commands -------------------------------------------------------------------------
    def _command(self, user: str, profile: Profile, state: Dialogue, cmd: Command) -> list[Reply]:
        name = cmd.name.lower().split("@", 1)[0]
        refused = self.personal_data(cmd.arg)
        if refused is not None:  # "/begrip Sanne Jansen" would be echoed back
            return [refused]
        if name == "start":
            return self._start(user, profile, state)
        if name == "help":
            return [self._help(profile)]
        if name in ("menu",):
            return [self._menu()]
        if not profile.complete and name not in ("privacy", "mijngegevens", "vergeet"):
            return [
                Reply("Kies eerst je rol, gemeente en sector: typ /start.", [[button("Begin", Begin())]])
            ]
        handlers: dict[str, Callable[[], list[Reply]]] = {
            "route": lambda: self._route_list(profile),
            "opschaling": lambda: self.escalation.command(profile, cmd.arg),
            "casus": lambda: [self.cases.overview(user, self.clock().date())],
            "wie": lambda: self._roles(profile, None),
            "begrip": lambda: self._terms(profile, cmd.arg),
            "instellingen": lambda: [self._settings(profile)],
            "privacy": lambda: [self._privacy()],
            "mijngegevens": lambda: [self._my_data(user)],
            "vergeet": lambda: [self._forget_confirm()],
        }
        if name in handlers:
            return handlers[name]()
        return [
            Reply(f"Het commando /{name[:30]} ken ik niet. Typ /help voor wat ik kan.", self._menu_buttons())
        ]

    def _start(self, user: str, profile: Profile, state: Dialogue) -> list[Reply]:
        if profile.complete:
            state.onboarding = None
            self._save(user, state=state)
            return [
                Reply(
                    f"Welkom terug. Je staat ingesteld als {ROLES.get(profile.role or '', 'professional')} "
                    f"in {profile.gemeente} ({(profile.sector or '').upper()}). Stel je vraag of kies:",
                    self._menu_buttons(),
                )
            ]
        return self._ask_role(user, state)

    def _ask_role(self, user: str, state: Dialogue) -> list[Reply]:
        state.onboarding = "role"
        self._save(user, state=state)
        return [
            Reply(
                "Hallo! Ik help je met de afspraken uit het routeboek verzuim en thuiszitters van "
                "jouw regio: wie wat doet, wanneer, en waar een vastgelopen casus heen gaat.\n\n"
                "Ik bewaar alleen je rol, gemeente en sector. Stuur nooit namen of andere "
                "persoonsgegevens van leerlingen.\n\n" + bold("Wat is je rol?"),
                self._role_buttons(),
            )
        ]

    @staticmethod
    def _role_buttons() -> list[list[Button]]:
        return rows([button(label, ChooseRole(key)) for key, label in ROLES.items()])

    def _ask_gemeente(self, user: str, state: Dialogue) -> list[Reply]:
        state.onboarding = "gemeente"
        self._save(user, state=state)
        return [
            Reply(
                bold("In welke gemeente werk je?") + " (of typ de naam)", gemeente_buttons(self.kb, ChooseGemeente)
            )
        ]

    def _ask_sector(self, user: str, state: Dialogue, gemeente: str) -> list[Reply]:
        state.onboarding = "sector"
        self._save(user, state=state)
        named = self.kb.sectors_named(gemeente)
        buttons = [
            button(s.upper() + (" (primair)" if s == "po" else " (voortgezet)"), ChooseSector(s)) for s in named
        ]
        lacking = [gap for s in named if (gap := self.kb.not_held(gemeente, s))]
        note = "".join(
            f"\n\nLet op: voor {gap.sector.upper()} in {gemeente} geldt het {gap.title}. Dat heb ik niet; "
            f"ik kan dan alleen zeggen waar het staat." for gap in lacking
        )
        return [
            Reply(bold("Werk je in het primair (PO) of voortgezet onderwijs (VO)?") + note, rows(buttons, 2))
        ]

    def _finish_onboarding(self, user: str, profile: Profile, state: Dialogue) -> list[Reply]:
        state.onboarding = None
        self._save(user, profile, state)
        gap = self.kb.not_held(profile.gemeente, profile.sector)
        if gap and profile.gemeente:
            return [
                Reply(
                    "Klaar. " + not_held_message(self.kb, profile.gemeente, gap) + "\n\nWerk je toch (ook) "
                    "in het VO? Wijzig je sector met /instellingen.",
                    self._menu_buttons(),
                )
            ]
        return [
            Reply(
                f"Klaar. Je antwoorden komen nu uit het routeboek voor {profile.gemeente} "
                f"({(profile.sector or '').upper()}).\n\nTyp gewoon je vraag, bijvoorbeeld: "
                "'leerling al 2 weken ziek, wat nu?' Of kies hieronder.",
                self._menu_buttons(),
            )
        ]

    def _help(self, profile: Profile) -> Reply:
        lines = [bold("Wat kan ik?"), "Typ een vraag in gewone woorden, of gebruik:"]
        lines += [f"/{name} – {desc}" for name, desc in COMMANDS]
        lines += ["", "Ik geef de afspraken uit het routeboek van jouw gemeente, met de bron erbij."]
        if not profile.complete:
            lines += ["", "Begin met /start om je gemeente te kiezen."]
        return Reply("\n".join(lines), self._menu_buttons())

    def _menu_buttons(self) -> list[list[Button]]:
        return [
            [button("Vraag stellen", AskHelp()), button("Stap voor stap", Routes())],
            [button("Opschaling", ShowTable()), button("Wie doet wat", Roles())],
            [button("Casussen", Cases()), button("Instellingen", Settings("menu"))],
        ]

    def _menu(self) -> Reply:
        return Reply("Wat wil je doen? Je kunt ook meteen je vraag typen.", self._menu_buttons())

    # --- button presses -------------------------------------------------------------------
    def _press(self, user: str, profile: Profile, state: Dialogue, data: str) -> list[Reply]:
        """A button press: its data decoded by the one protocol (bot/actions.py), then routed."""
        action = decode(data, self.kb)
        if action is None:
            return self._stale()
        if not profile.complete and not isinstance(action, WITHOUT_PROFILE):
            return self._ask_role(user, state)
        today = self.clock().date()
        match action:
            case Menu():
                return self._ask_role(user, state) if not profile.complete else [self._menu()]
            case AskHelp():
                return [Reply(ASK_HELP)]
            case Begin() | ChooseRole() | ChooseGemeente() | ChooseSector():
                return self._press_onboarding(user, profile, state, action)
            case Settings(screen):
                return self._press_settings(user, profile, state, screen)
            case Routes():
                return self._route_list(profile)
            case StartFlow(flow_id):
                return self._start_flow(user, profile, state, flow_id)
            case FlowStep():
                return self._press_flow(user, profile, state, action)
            case ShowSection(section_id):
                return self._show_section(profile, section_id)
            case ShowCard(section_id):
                return self._show_card(profile, section_id)
            case ShowTable() | ChooseTableGemeente():
                return self.escalation.press(profile, action)
            case TimelineStart():
                return self.escalation.ask_start(user, profile, state, action)
            case Roles(role_id):
                return self._roles(profile, role_id)
            case Forget(confirm):
                return self._press_forget(user, confirm)
            case _:
                return self.cases.press(user, profile, state, action, today)

    def _stale(self, note: str = "") -> list[Reply]:
        text = note or "Deze knop is verouderd: hij hoort bij een ouder bericht."
        return [Reply(text + " Kies opnieuw:", self._menu_buttons())]

    def _press_onboarding(
        self, user: str, profile: Profile, state: Dialogue, action: Begin | ChooseRole | ChooseGemeente | ChooseSector
    ) -> list[Reply]:
        changing = state.onboarding == "change"
        match action:
            case Begin():
                return self._ask_role(user, state)
            case ChooseRole(role) if role in ROLES:
                profile.role = role
                if changing or profile.gemeente:
                    return self._after_setting(user, profile, state)
                self._save(user, profile)
                return self._ask_gemeente(user, state)
            case ChooseGemeente(slug) if (gemeente := self.kb.gemeente_by_id(slug)):
                return self._set_gemeente(user, profile, state, gemeente)
            case ChooseSector(sector) if profile.gemeente and sector in self.kb.sectors_named(profile.gemeente):
                profile.sector = sector
                return self._after_setting(user, profile, state)
        return self._stale()

    def _set_gemeente(self, user: str, profile: Profile, state: Dialogue, gemeente: str) -> list[Reply]:
        profile.gemeente = gemeente
        sectors = self.kb.sectors_named(gemeente)
        if profile.sector not in sectors:
            profile.sector = sectors[0] if len(sectors) == 1 else None
        if profile.sector is None:
            self._save(user, profile)
            return self._ask_sector(user, state, gemeente)
        return self._after_setting(user, profile, state)

    def _after_setting(self, user: str, profile: Profile, state: Dialogue) -> list[Reply]:
        if not profile.role:
            self._save(user, profile)
            return self._ask_role(user, state)
        if not profile.gemeente:
            self._save(user, profile)
            return self._ask_gemeente(user, state)
        if not profile.sector:
            self._save(user, profile)
            return self._ask_sector(user, state, profile.gemeente)
        # A finished walk-through for another gemeente would give the wrong answers now.
        state.flow, state.node, state.history = None, None, []
        return self._finish_onboarding(user, profile, state)

    def _settings(self, profile: Profile) -> Reply:
        text = (
            f"{bold('Je instellingen')}\nRol: {ROLES.get(profile.role or '', '-')}\n"
            f"Gemeente: {profile.gemeente or '-'}\nSector: {(profile.sector or '-').upper()}"
        )
        gap = self.kb.not_held(profile.gemeente, profile.sector)
        if gap:
            text += f" (het {gap.title} heb ik niet)"
        text += "\n\nWat wil je wijzigen?"
        return Reply(
            text,
            [
                [button("Rol", Settings("r")), button("Gemeente", Settings("g")), button("Sector", Settings("s"))],
                [button("Menu", Menu())],
            ],
        )

    def _press_settings(self, user: str, profile: Profile, state: Dialogue, screen: str) -> list[Reply]:
        if screen == "menu":
            return [self._settings(profile)]
        state.onboarding = "change"
        self._save(user, state=state)
        if screen == "r":
            return [
                Reply(
                    bold("Wat is je rol?"),
                    self._role_buttons(),
                )
            ]
        if screen == "g":
            return self._ask_gemeente(user, state)
        if screen == "s" and profile.gemeente:
            sectors = self.kb.sectors_named(profile.gemeente)
            if len(sectors) == 1:
                return [
                    Reply(
                        f"Voor {profile.gemeente} heb ik alleen het routeboek voor {sectors[0].upper()}.",
                        self._menu_buttons(),
                    )
                ]
            return self._ask_sector(user, state, profile.gemeente)
        return self._stale()

    # --- free text ------------------------------------------------------------------------
    def _text(self, user: str, profile: Profile, state: Dialogue, text: str) -> list[Reply]:
        text = text.strip()
        if not text:
            return [Reply("Typ een vraag, of kies uit het menu.", self._menu_buttons())]
        if len(text) > MAX_TEXT:
            return [
                Reply(
                    f"Je bericht is te lang ({len(text)} tekens). Stel je vraag in maximaal "
                    f"{MAX_TEXT} tekens, zonder namen of andere persoonsgegevens."
                )
            ]
        refused = self.personal_data(text)
        if refused is not None:  # before any dialogue step reads it: a typed date may be a birth date
            return [refused]
        if state.awaiting == "timeline-start":
            deadlines = self.escalation.start_text(user, profile, state, text)
            if deadlines is not None:
                return deadlines
        if state.awaiting == "case-start":
            answered = self.cases.start_text(user, state, text, self.clock().date())
            if answered is not None:
                return answered
        if state.onboarding == "gemeente":
            gemeente = self.kb.resolve_gemeente(text)
            if gemeente:
                return self._set_gemeente(user, profile, state, gemeente)
            return [
                Reply(
                    "Die gemeente ken ik niet. Kies een van deze:",
                    gemeente_buttons(self.kb, ChooseGemeente),
                )
            ]
        if state.onboarding in ("role", "sector"):
            return [Reply("Kies een van de knoppen hierboven, of typ /start om opnieuw te beginnen.")]
        return self._answer(user, profile, state, text)

    def _answer(self, user: str, profile: Profile, state: Dialogue, text: str) -> list[Reply]:
        """The card first (who, what now, next step, source); the full passage one press away.

        The decision pipeline (bot/decision.py) may decline, with its reason in Dutch, or ask
        back which of two situations is meant, with a button for each.
        """
        decision = self.decider.decide(text, profile.gemeente, profile.sector, top=3)
        gemeente, sector = decision.gemeente, decision.sector
        if decision.declined is not None:
            return [Reply(decision.declined.message, self._menu_buttons())]
        hits = decision.hits
        if decision.clarify is not None:
            options = [
                [button(short(label), ShowCard(section_id))] for label, section_id in decision.clarify.options
            ]
            return [Reply(decision.clarify.question, options)]
        best = hits[0]
        answer = build_answer(self.kb, best.view, gemeente)
        text_out = answer.card(bold, self.decider.relevance(decision))
        asked = DEFINITION_QUESTION.match(text.strip())
        if asked:
            # "wat is een lizzer?": the glossary's definition first, then the passage.
            found = self._find_terms(Profile(user, profile.role, gemeente, sector), asked.group("term"))
            if found:
                text_out = self._term_text(found[:2]) + "\n\n" + text_out
        if gemeente and gemeente != profile.gemeente:
            text_out = f"(Antwoord voor {gemeente}, zoals je vroeg.)\n\n" + text_out
        buttons: list[list[Button]] = [[button("Lees het hele stuk", ShowSection(best.view.id))]]
        if Matcher.is_ambiguous(hits):
            text_out += "\n\nBedoelde je misschien iets anders?"
            buttons += [[button(short(h.view.section.title), ShowCard(h.view.id))] for h in hits[1:3]]
        buttons += self._related_buttons(best.view.section.related)
        if not profile.complete:
            text_out += "\n\nTip: kies met /start je gemeente, dan krijg je het antwoord uit jouw routeboek."
        buttons.append([button("Menu", Menu())])
        return [Reply(text_out, buttons)]

    def _related_buttons(self, ids: list[str]) -> list[list[Button]]:
        rows = []
        for section_id in ids[:3]:
            view = self.kb.section(section_id)
            if view is not None:
                rows.append([button(short("Lees verder: " + view.section.title), ShowSection(section_id))])
        return rows

    def _show_section(self, profile: Profile, section_id: str) -> list[Reply]:
        """The full passage: "Lees het hele stuk" and "Lees verder"."""
        view = self.kb.section(section_id)
        if view is None:
            return self._stale("Dit onderdeel bestaat niet meer.")
        text = build_answer(self.kb, view, profile.gemeente).render(bold)
        return [Reply(text, [*self._related_buttons(view.section.related), [button("Menu", Menu())]])]

    def _show_card(self, profile: Profile, section_id: str) -> list[Reply]:
        """The card of one section, with its full passage one press away: the answer after an
        ask-back or a "Bedoelde je misschien" choice."""
        view = self.kb.section(section_id)
        if view is None:
            return self._stale("Dit onderdeel bestaat niet meer.")
        card = build_answer(self.kb, view, profile.gemeente).card(bold)
        buttons = [[button("Lees het hele stuk", ShowSection(view.id))], *self._related_buttons(view.section.related)]
        return [Reply(card, [*buttons, [button("Menu", Menu())]])]

    # --- walk-throughs --------------------------------------------------------------------
    def _route_list(self, profile: Profile) -> list[Reply]:
        gap = self.kb.not_held(profile.gemeente, profile.sector)
        if gap and profile.gemeente:
            return [Reply(not_held_message(self.kb, profile.gemeente, gap), self._menu_buttons())]
        flows = self.kb.flows_for(profile.gemeente, profile.sector)
        if not flows:
            return [Reply("Voor jouw gemeente zijn nog geen stap-voor-stap-routes.", self._menu_buttons())]
        buttons = [[button(short(f.title), StartFlow(f.id))] for f in flows]
        return [Reply(bold("Stap voor stap") + "\nKies een onderwerp:", [*buttons, [button("Menu", Menu())]])]

    def _start_flow(self, user: str, profile: Profile, state: Dialogue, flow_id: str) -> list[Reply]:
        flow = self.kb.flows.get(flow_id)
        if flow is None:
            return self._stale("Deze route bestaat niet meer.")
        state.flow, state.node, state.history = flow.id, flow.start, []
        state.epoch += 1
        self._save(user, state=state)
        return [self._show_node(profile, state, flow)]

    def _options(self, node: Node, gemeente: str | None) -> list[tuple[int, str]]:
        return [
            (i, opt.label)
            for i, opt in enumerate(node.options)
            if opt.gemeenten is None or gemeente is None or gemeente in opt.gemeenten
        ]

    def _depth(self, flow: Flow, node_id: str) -> int:
        """Questions still to come at most (flows are trees/DAGs, checked by `routeboek check`)."""
        node = flow.nodes[node_id]
        if node.type == "end" or not node.options:
            return 0
        return 1 + max(self._depth(flow, o.next) for o in node.options)

    def _show_node(self, profile: Profile, state: Dialogue, flow: Flow) -> Reply:
        node_id = state.node or flow.start
        node = flow.nodes[node_id]
        # At the first question "terug" leads back to the list of walk-throughs.
        back = button("Terug", FlowStep(state.epoch, "b")) if state.history else button("Terug", Routes())
        nav = [back, button("Opnieuw", FlowStep(state.epoch, "r"))]
        if node.type == "question":
            done = len(state.history) + 1
            total = done + self._depth(flow, node_id) - 1
            head = f"{bold(flow.title)} · vraag {done} van max. {total}"
            options = self._options(node, profile.gemeente)
            buttons = [[button(short(label), FlowStep(state.epoch, i))] for i, label in options]
            return Reply(f"{head}\n\n{node.text}", [*buttons, nav])
        return Reply(
            self._end_text(profile, flow, node),
            [*self._related_buttons(node.related), nav, [button("Menu", Menu())]],
        )

    def _end_text(self, profile: Profile, flow: Flow, node: Node) -> str:
        variant = node.variants.get(profile.gemeente or "")
        title = (variant and variant.title) or node.title or flow.title
        responsible = (variant and variant.responsible) or node.responsible
        actions = (variant and variant.actions) or node.actions
        text = (variant and variant.text) or node.text
        source = (variant and variant.source) or node.source
        lines = [f"{bold(flow.title)} · uitkomst", "", bold(title)]
        if responsible:
            lines += ["", f"{bold('Wie is verantwoordelijk:')} {responsible}"]
        if actions:
            lines += ["", bold("Wat nu te doen:"), *[f"- {a}" for a in actions]]
        if text:
            lines += ["", text.strip()]
        if node.links:
            lines += ["", bold("Links:"), *[f"- {link}" for link in node.links]]
        if source:
            lines += ["", f"{bold('Bron:')} {self.kb.document_label(source.document)}, {source.section}"]
        return "\n".join(lines)

    def _press_flow(self, user: str, profile: Profile, state: Dialogue, step: FlowStep) -> list[Reply]:
        flow = self.kb.flows.get(state.flow or "")
        if flow is None or step.epoch != state.epoch or state.node not in flow.nodes:
            return self._stale("Deze knop hoort bij een eerdere stap.") + (
                [self._show_node(profile, state, flow)] if flow and state.node in flow.nodes else []
            )
        node = flow.nodes[state.node or flow.start]
        choice = step.choice
        if choice == "b":
            if state.history:
                state.node = state.history.pop()
        elif choice == "r":
            state.node, state.history = flow.start, []
        elif any(i == choice for i, _ in self._options(node, profile.gemeente)):
            state.history.append(state.node or flow.start)
            state.node = node.options[choice].next
        else:
            return self._stale()
        state.epoch += 1
        self._save(user, state=state)
        return [self._show_node(profile, state, flow)]

    # --- cases and reminders ---------------------------------------------------------------
    def due_reminders(self, user: str | None = None) -> list[Reminder]:
        """Reminders the adapters should deliver now; call `reminder_delivered` after each."""
        return self.cases.due_reminders(self.clock(), user)

    def reminder_still_due(self, reminder: Reminder) -> bool:
        """Ask right before sending each reminder of a run: the case may be gone by now."""
        return self.cases.still_due(reminder)

    def reminder_delivered(self, reminder: Reminder) -> None:
        self.cases.mark_sent(reminder)

    # --- roles and terms ------------------------------------------------------------------
    def _roles(self, profile: Profile, role_id: str | None) -> list[Reply]:
        views = self.kb.roles_for(profile.gemeente)
        if role_id is None:
            seen: dict[str, str] = {}
            for v in views:
                seen.setdefault(v.role.id, v.role.name)
            buttons = [
                button(short(name, 30), Roles(rid))
                for rid, name in sorted(seen.items(), key=lambda x: x[1].lower())
            ]
            return [
                Reply(
                    bold("Wie doet wat?") + f"\nPartners in het routeboek van {profile.gemeente}:",
                    [*rows(buttons, 2), [button("Menu", Menu())]],
                )
            ]
        chosen = [v for v in views if v.role.id == role_id]
        if not chosen:
            return self._stale("Deze rol staat niet (meer) in jouw routeboek.")
        lines = [bold(chosen[0].role.name)]
        for v in chosen:
            lines += [
                "",
                f"{bold('Taken')} ({self.kb.document_label(v.document.key)}, {v.role.source.section}):",
            ]
            lines += [f"- {task}" for task in v.role.tasks] or ["- (geen taken genoemd)"]
        return [Reply("\n".join(lines), [[button("Wie doet wat", Roles()), button("Menu", Menu())]])]

    def _terms(self, profile: Profile, query: str) -> list[Reply]:
        terms = self.kb.terms_for(profile.gemeente)
        if not query.strip():
            abbreviations = sorted(
                {(t.term, t.expansion) for t, _ in terms if t.expansion}, key=lambda x: x[0].lower()
            )
            listing = [bold("Afkortingen") + " (typ /begrip JES voor uitleg)", ""]
            listing += [f"{term}: {expansion}" for term, expansion in abbreviations]
            return [Reply("\n".join(listing))]
        found = self._find_terms(profile, query)
        if not found:
            return [
                Reply(
                    f"'{query[:50]}' staat niet in de begrippenlijst van jouw routeboek. Typ /begrip voor de lijst."
                )
            ]
        return [Reply(self._term_text(found))]

    def _find_terms(self, profile: Profile, query: str) -> list[tuple[GlossaryTerm, Document]]:
        """Glossary entries of the user's routeboeken named exactly by `query`, else containing it."""
        terms = self.kb.terms_for(profile.gemeente)
        key = fold(query).replace("'", "").strip()
        found = [(t, d) for t, d in terms if key in {fold(x).replace("'", "") for x in (t.term, *t.aliases)}]
        if not found:
            found = [(t, d) for t, d in terms if key and key in fold(t.term + " " + (t.expansion or ""))]
        return found

    def _term_text(self, found: list[tuple[GlossaryTerm, Document]]) -> str:
        lines: list[str] = []
        for term, doc in found[:5]:
            head = f"{term.term}: {term.expansion}" if term.expansion else term.term
            lines += [bold(head)]
            if term.definition:
                lines.append(term.definition.strip())
            lines += [f"Bron: {self.kb.document_label(doc.key)}, {term.source.section}", ""]
        return "\n".join(lines).strip()

    # --- privacy --------------------------------------------------------------------------
    def _privacy(self) -> Reply:  # retention periods: bot/retention.py
        return Reply(
            bold("Privacy") + "\n"
            "Ik bewaar alleen: je rol, je gemeente, je sector en waar je bent in een "
            "stap-voor-stap-route. Je vragen zelf bewaar ik niet en ze komen niet in logbestanden.\n\n"
            "Volg je een casus met /casus, dan bewaar ik daarvan alleen een code die ik zelf maak, de "
            "gemeente, de sector, de eerste dag van het verzuim, welke stap gezet is en welke herinneringen ik stuurde. "
            "Geen naam.\n\n"
            "Stuur nooit namen, geboortedata, BSN, adressen of andere persoonsgegevens van "
            "leerlingen of ouders. Berichten die daarop lijken, weiger ik.\n\n"
            "/mijngegevens laat alles zien wat over jou bewaard is; /vergeet wist het.\n\n"
            + _retention_text(),
            self._menu_buttons(),
        )

    def _my_data(self, user: str) -> Reply:
        data = self.store.export(user)
        if not data:
            return Reply("Er is niets over jou bewaard.")
        lines = [bold("Dit is alles wat over jou bewaard is:")]
        for table, table_rows in data.items():
            for row in table_rows:
                shown = ", ".join(
                    f"{COLUMN_NAMES.get(k, k)}: {_shown(k, v)}"
                    for k, v in row.items()
                    if k != "user" and v not in (None, "")
                )
                lines.append(f"- {TABLE_NAMES.get(table, table)}: {shown}")
        lines.append("\nWissen? Typ /vergeet.")
        return Reply("\n".join(lines))

    def _forget_confirm(self) -> Reply:
        return Reply(
            "Weet je zeker dat je alles wilt wissen wat over jou bewaard is?",
            [[button("Ja, wis alles", Forget(True)), button("Nee", Forget(False))]],
        )

    def _press_forget(self, user: str, confirm: bool) -> list[Reply]:
        if confirm:
            self.store.forget(user)
            return [Reply("Alles is gewist. Typ /start als je opnieuw wilt beginnen.")]
        return [Reply("Er is niets gewist.", self._menu_buttons())]


def _retention_text() -> str:
    """The retention periods that apply now, for /privacy (imported late: retention reads the
    content's timelines, which import the engine's neighbours)."""
    from bot.retention import Periods, privacy_text
    from bot.settings import current

    return privacy_text(Periods.from_settings(current()))

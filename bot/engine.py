"""The conversation engine: events in, replies out. Knows nothing of Telegram.

Both adapters (Telegram and the console) turn what the user did into an Event and render the
Replies. All state that matters between messages is in the Store, so the engine itself is
stateless and a restart never loses a user's place in a walk-through.

The engine is a router: it answers questions itself (the text and answer path) and hands
commands and button presses to a desk per topic: onboarding and settings, walk-throughs, roles
and terms, escalation tables, cases, and the user's own data.
"""

from __future__ import annotations

import gc
import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import datetime

from bot.actions import (
    PRIVATE_ONLY,
    WITHOUT_PROFILE,
    Action,
    AskHelp,
    Begin,
    BroadcastSend,
    ChooseGemeente,
    ChooseRole,
    ChooseSector,
    ChooseTableGemeente,
    FlowStep,
    Forget,
    Menu,
    PassOn,
    Roles,
    Routes,
    Settings,
    ShowCard,
    ShowSection,
    ShowTable,
    StartFlow,
    TimelineStart,
    Updates,
    Vote,
    button,
    decode,
)
from bot.admin import ADMIN_NAMES, AdminDesk
from bot.broadcast import BroadcastDesk
from bot.cards import CardDesk
from bot.cases import CaseDesk
from bot.decision import Decider
from bot.escalation import EscalationDesk
from bot.events import Command as Command
from bot.events import Event as Event
from bot.events import Press as Press
from bot.events import TextIn as TextIn
from bot.feedback import FeedbackDesk
from bot.knowledge import Knowledge
from bot.matcher import Matcher
from bot.mydata import MyDataDesk
from bot.navigation import COMMANDS as COMMANDS
from bot.navigation import help_reply, in_place, menu, menu_buttons, stale
from bot.onboarding import ROLES as ROLES
from bot.onboarding import OnboardingDesk
from bot.outbox import Outbox
from bot.privacy import personal_data_kinds, refusal
from bot.reference import ReferenceDesk
from bot.replies import LOCAL_TIME as LOCAL_TIME
from bot.replies import Button as Button
from bot.replies import InlineAnswer, nl_date
from bot.replies import Reply as Reply
from bot.settings import current
from bot.stats import Stats
from bot.storage import Dialogue, Profile, Store
from bot.textproc import words
from bot.walkthrough import WalkthroughDesk

log = logging.getLogger(__name__)

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

class Engine:
    def __init__(
        self,
        kb: Knowledge,
        store: Store,
        matcher: Matcher | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(LOCAL_TIME),
        admins: frozenset[str] = frozenset(),
        content: str | os.PathLike[str] | None = None,
        allow_draft: bool = False,
    ) -> None:
        self.store = store
        self.clock = clock  # local time: deadlines and reminders are in Dutch days
        # User keys ("tg:<id>", the console user) who may use the admin desk.
        self.admins = admins
        self.stats = Stats(store)
        self.feedback = FeedbackDesk(store, self.stats, lambda: current().routeboek_retain_feedback_days)
        self.broadcasts = BroadcastDesk(lambda: self.kb, store)
        self.admin = AdminDesk(self.stats, self.feedback, self.broadcasts, (content, allow_draft), self.use)
        self.use(kb, matcher)

    def use(self, kb: Knowledge, matcher: Matcher | None = None) -> None:
        """Serve this content from the next event on (start-up and /reload). Desks keep no
        state of their own, so new ones on the new content lose nothing; a button that names
        something no longer there gets the friendly stale answer."""
        store = self.store
        self.kb = kb
        self.matcher = matcher or Matcher(kb)
        self.decider = Decider(kb, self.matcher)
        self.onboarding = OnboardingDesk(kb, store)
        self.walkthrough = WalkthroughDesk(kb, store)
        self.reference = ReferenceDesk(kb)
        self.mydata = MyDataDesk(kb, store)
        self.cases = CaseDesk(kb, store)
        self.escalation = EscalationDesk(kb, store)
        self.cards = CardDesk(kb)
        self.outbox = Outbox(self.cases, store, self.stats, self.clock)
        # Capitalised words the routeboeken use are organisations and places, not names.
        self._known_words = frozenset(self.matcher.vocabulary) | {w for g in kb.gemeenten for w in words(g)}
        if gc.get_freeze_count():
            # The adapter froze the start-up heap (telegram_app.settle_heap), the old content
            # with it: its reference cycles would never be freed. The collector gets them back
            # once, and the new content is frozen in their place.
            gc.unfreeze()
            gc.collect()
            gc.freeze()

    def flush(self) -> None:
        """Write the in-memory counts to the database (every minute, and at shutdown), and let
        passed-on questions past their retention period go. A failing database keeps the
        counts in memory for the next try instead of stopping the bot or the console."""
        try:
            self.stats.flush()
            self.feedback.purge(self.clock().date())
        except sqlite3.Error as exc:
            log.warning("use counts not written: %s: %s", type(exc).__name__, exc)

    # --- entry point ----------------------------------------------------------------------
    def handle(self, user: str, event: Event, chat: str | None = None) -> list[Reply]:
        """One user action in, the replies to send out. Never raises for bad input, nor for a
        database that fails (a full disk, a read-only file): the user gets a short answer to try
        later instead of silence, and the adapter keeps running.

        `chat` names a group chat the event came from (None: the private chat with the bot): a
        prompt for typed input is answered only by text in the chat it was sent to.
        """
        try:
            notice = self.store.storage_notice(user)
            self.store.set_inactive(user, False)  # writing again undoes a block (see user_blocked)
            replies = self._handle(user, event, chat)
            self.store.touch(user)  # for retention: an active user is never purged
        except sqlite3.Error as exc:
            # The error class and SQLite's message only: never what the user wrote.
            log.error("storage error while handling a %s: %s: %s", type(event).__name__, type(exc).__name__, exc)
            return [Reply(STORAGE_FAILED)]
        if notice is not None:
            day = nl_date(datetime.fromtimestamp(notice, LOCAL_TIME).date())
            replies.insert(0, Reply(SET_ASIDE_NOTICE.format(date=day)))
        return replies

    def _handle(self, user: str, event: Event, chat: str | None) -> list[Reply]:
        profile = self.store.profile(user)
        state = self.store.dialogue(user)
        state.chat = chat
        if isinstance(event, Command):
            replies = self._command(user, profile, state, event)
        elif isinstance(event, Press):
            replies = self._press(user, profile, state, event.data)
        else:
            replies = self._text(user, profile, state, event.text)
        link = self.onboarding.opened(user, state)  # a deep link waiting for the onboarding
        return replies + (self._dispatch(user, self.store.profile(user), state, link) if link else [])

    def _start(self, user: str, profile: Profile, state: Dialogue, payload: str) -> list[Reply]:
        """/start, or a deep link: its place opens at once for a finished profile; a new user
        does the onboarding first and lands there after it (OnboardingDesk.link)."""
        link = self.onboarding.link(profile, state, payload)
        return self._dispatch(user, profile, state, link) if link else self.onboarding.start(user, profile, state)

    def private_press(self, data: str) -> bool:
        """Whether a button shows the user's own cases: an adapter keeps such presses out of
        group chats, where others would see them."""
        return isinstance(decode(data, self.kb), PRIVATE_ONLY)

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

    # --- commands -------------------------------------------------------------------------
    def _command(self, user: str, profile: Profile, state: Dialogue, cmd: Command) -> list[Reply]:
        name = cmd.name.lower().split("@", 1)[0]
        refused = self.personal_data(cmd.arg)
        if refused is not None:  # "/begrip Sanne Jansen" would be echoed back
            return [refused]
        if name in ADMIN_NAMES and user in self.admins:  # to others: an unknown command
            return self.admin.command(name, cmd.arg, self.clock().date())
        if name == "start":
            return self._start(user, profile, state, cmd.arg)
        if name == "help":
            return [self.admin.help(help_reply(profile)) if user in self.admins else help_reply(profile)]
        if name in ("menu",):
            return [menu()]
        if not profile.complete and name not in ("privacy", "mijngegevens", "vergeet"):
            return [
                Reply("Kies eerst je rol, gemeente en sector: typ /start.", [[button("Begin", Begin())]])
            ]
        handlers: dict[str, Callable[[], list[Reply]]] = {
            "route": lambda: self.walkthrough.routes(profile),
            "opschaling": lambda: self.escalation.command(profile, cmd.arg),
            "casus": lambda: [self.cases.overview(user, self.clock().date())],
            "wie": lambda: self.reference.roles(profile, None),
            "begrip": lambda: self.reference.terms(profile, cmd.arg),
            "instellingen": lambda: [self.broadcasts.with_choice(user, self.onboarding.settings(profile))],
            "privacy": lambda: [self.mydata.privacy()],
            "mijngegevens": lambda: [self.mydata.my_data(user)],
            "vergeet": lambda: [self.mydata.forget_confirm()],
        }
        if name in handlers:
            self.stats.count_command(name, profile.gemeente, self.clock().date())
            return handlers[name]()
        return [Reply(f"Het commando /{name[:30]} ken ik niet. Typ /help voor wat ik kan.", menu_buttons())]

    # --- button presses -------------------------------------------------------------------
    def _press(self, user: str, profile: Profile, state: Dialogue, data: str) -> list[Reply]:
        """A button press: its data decoded by the one protocol (bot/actions.py), then routed."""
        action = decode(data, self.kb)
        if action is None:
            return stale()
        if not profile.complete and not isinstance(action, WITHOUT_PROFILE):
            return self.onboarding.ask_role(user, state)
        replies = self._dispatch(user, profile, state, action)
        if replies and replies[0].screen and in_place(action):
            replies[0].edit = True  # the next step takes the place of the screen pressed on
        return replies

    def _dispatch(self, user: str, profile: Profile, state: Dialogue, action: Action) -> list[Reply]:
        today = self.clock().date()
        self.stats.count_action(action, profile.gemeente, today)
        match action:
            case Menu():
                return self.onboarding.ask_role(user, state) if not profile.complete else [menu()]
            case AskHelp():
                return [Reply(ASK_HELP)]
            case Begin() | ChooseRole() | ChooseGemeente() | ChooseSector():
                return self.onboarding.press(user, profile, state, action)
            case Settings("menu"):
                return [self.broadcasts.with_choice(user, self.onboarding.settings(profile))]
            case Settings(screen):
                return self.onboarding.press_settings(user, profile, state, screen)
            case Routes():
                return self.walkthrough.routes(profile)
            case StartFlow(flow_id):
                return self.walkthrough.start(user, profile, state, flow_id)
            case FlowStep():
                return self.walkthrough.press(user, profile, state, action)
            case ShowSection(section_id):
                return self.cards.section(profile, section_id)
            case ShowCard(section_id):
                return self.cards.card(profile, section_id)
            case ShowTable() | ChooseTableGemeente():
                return self.escalation.press(profile, action)
            case TimelineStart():
                return self.escalation.ask_start(user, profile, state, action)
            case Roles(role_id, page):
                return self.reference.roles(profile, role_id, page)
            case Forget(confirm):
                if confirm:
                    self.feedback.forget(user)
                return self.mydata.press_forget(user, confirm)
            case Vote():
                return self.feedback.vote(user, action, action.target, today)
            case PassOn():
                return self.feedback.pass_on(user, self.personal_data, today)
            case Updates(on):
                return self.broadcasts.choose(user, on)
            case BroadcastSend(broadcast):
                return self.broadcasts.send(broadcast) if user in self.admins else stale()
            case _:
                return self.cases.press(user, profile, state, action, today)

    # --- free text ------------------------------------------------------------------------
    def _text(self, user: str, profile: Profile, state: Dialogue, text: str) -> list[Reply]:
        text = text.strip()
        if not text:
            return [Reply("Typ een vraag, of kies uit het menu.", menu_buttons())]
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
        if not state.prompted_here:  # a prompt in another chat waits for text there
            return self._answer(user, profile, state, text)
        if state.awaiting == "timeline-start":
            deadlines = self.escalation.start_text(user, profile, state, text)
            if deadlines is not None:
                return deadlines
        if state.awaiting in ("case-start", "step-date"):
            answered = self.cases.start_text(user, state, text, self.clock().date())
            if answered is not None:
                return answered
        onboarding = self.onboarding.text(user, profile, state, text)
        if onboarding is not None:
            return onboarding
        return self._answer(user, profile, state, text)

    def _answer(self, user: str, profile: Profile, state: Dialogue, text: str) -> list[Reply]:
        """The card first (who, what now, next step, source); the full passage one press away.

        The decision pipeline (bot/decision.py) may decline, with its reason in Dutch, or ask
        back which of two situations is meant, with a button for each.
        """
        decision = self.decider.decide(text, profile.gemeente, profile.sector, top=3)
        gemeente = decision.gemeente
        today = self.clock().date()
        if decision.declined is not None:
            self.stats.count("declined", profile.gemeente, today)
            self.feedback.remember(user, text, gemeente or profile.gemeente, None)
            return [Reply(decision.declined.message, self.feedback.offer())]
        if decision.clarify is not None:
            self.stats.count("asked-back", profile.gemeente, today)
            self.feedback.remember(user, text, gemeente or profile.gemeente, None)
            return [self.cards.ask_back(decision)]
        self.stats.count("answered", profile.gemeente, today)
        self.feedback.remember(user, text, gemeente or profile.gemeente, decision.hits[0].view.id)
        return [self.cards.answer(profile, decision, self.decider.relevance(decision))]

    def has_profile(self, user: str) -> bool:
        """Whether answers can be for the user's own gemeente and sector (inline mode offers a
        way to set them otherwise)."""
        return self.store.profile(user).complete

    def inline_answers(self, query: str, user: str) -> list[InlineAnswer]:
        """The cards for an inline query, best first, for the asker's gemeente and sector.

        A query with personal data gets one answer that explains the refusal instead: the user
        sees why nothing is found, and choosing it posts only the explanation. A declined
        question gets none; an ask-back offers both candidates.
        """
        refused = self.personal_data(query)
        if refused is not None:
            return [self.cards.refused(refused.text)]
        profile = self.store.profile(user)
        decision = self.decider.decide(query, profile.gemeente, profile.sector, top=3)
        return self.cards.inline(decision, self.decider.relevance(decision))

"""Onboarding and settings: role, gemeente and sector, asked once at /start and changed with
/instellingen. Every answer the bot gives depends on them, so a profile is finished before
anything else is answered, and a changed gemeente never keeps a walk-through of the old one."""

from __future__ import annotations

from bot.actions import (
    Begin,
    ChooseGemeente,
    ChooseRole,
    ChooseSector,
    Menu,
    Settings,
    button,
    gemeente_buttons,
)
from bot.decision import not_held_message
from bot.deeplinks import DeepLink
from bot.deeplinks import target as link_target
from bot.knowledge import Knowledge
from bot.navigation import menu_buttons, stale
from bot.replies import Button, Reply, bold, rows, screen
from bot.storage import Dialogue, Profile, Store

ROLES = {
    "mentor": "Mentor of leerkracht",
    "ib": "IB'er of coördinator passend onderwijs",
    "lpa": "Leerplichtambtenaar",
    "anders": "Andere rol",
}

# The presses this desk answers (bot/actions.py).
OnboardingPress = Begin | ChooseRole | ChooseGemeente | ChooseSector


class OnboardingDesk:
    def __init__(self, kb: Knowledge, store: Store) -> None:
        self.kb = kb
        self.store = store

    def _save(self, user: str, profile: Profile | None = None, state: Dialogue | None = None) -> None:
        if profile is not None:
            self.store.save_profile(profile)
        if state is not None:
            self.store.save_dialogue(user, state)

    def link(self, profile: Profile, state: Dialogue, payload: str) -> DeepLink | None:
        """The place a /start deep link (bot/deeplinks.py) opens now, for a finished profile. A
        new user does the onboarding first: the payload waits in the dialogue (see `opened`)."""
        link = link_target(payload, self.kb)
        if link is not None and profile.complete:
            return link
        state.opens = payload if link is not None else None
        return None

    def opened(self, user: str, state: Dialogue) -> DeepLink | None:
        """The place a deep link waits to open, once the onboarding has just finished."""
        if state.opens is None or state.onboarding is not None:
            return None
        if not self.store.profile(user).complete:
            return None
        link = link_target(state.opens, self.kb)
        state.opens = None
        self._save(user, state=state)
        return link

    def start(self, user: str, profile: Profile, state: Dialogue) -> list[Reply]:
        """/start: a welcome back for a finished profile, else the first onboarding question."""
        if profile.complete:
            state.onboarding = None
            self._save(user, state=state)
            return [
                Reply(
                    f"Welkom terug. Je staat ingesteld als {ROLES.get(profile.role or '', 'professional')} "
                    f"in {profile.gemeente} ({(profile.sector or '').upper()}). Stel je vraag of kies:",
                    menu_buttons(),
                )
            ]
        return self.ask_role(user, state)

    def ask_role(self, user: str, state: Dialogue) -> list[Reply]:
        """The first question, with what the bot keeps: the user decides before sharing anything."""
        state.ask(onboarding="role")
        self._save(user, state=state)
        return [
            screen(
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
        state.ask(onboarding="gemeente")
        self._save(user, state=state)
        return [
            screen(
                bold("In welke gemeente werk je?") + " (of typ de naam)", gemeente_buttons(self.kb, ChooseGemeente)
            )
        ]

    def _ask_sector(self, user: str, state: Dialogue, gemeente: str) -> list[Reply]:
        state.ask(onboarding="sector")
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
            screen(bold("Werk je in het primair (PO) of voortgezet onderwijs (VO)?") + note, rows(buttons, 2))
        ]

    def _finish(self, user: str, profile: Profile, state: Dialogue) -> list[Reply]:
        state.onboarding = None
        self._save(user, profile, state)
        gap = self.kb.not_held(profile.gemeente, profile.sector)
        if gap and profile.gemeente:
            return [
                screen(
                    "Klaar. " + not_held_message(self.kb, profile.gemeente, gap) + "\n\nWerk je toch (ook) "
                    "in het VO? Wijzig je sector met /instellingen.",
                    menu_buttons(),
                )
            ]
        return [
            screen(
                f"Klaar. Je antwoorden komen nu uit het routeboek voor {profile.gemeente} "
                f"({(profile.sector or '').upper()}).\n\nTyp gewoon je vraag, bijvoorbeeld: "
                "'leerling al 2 weken ziek, wat nu?' Of kies hieronder.",
                menu_buttons(),
            )
        ]

    def press(self, user: str, profile: Profile, state: Dialogue, action: OnboardingPress) -> list[Reply]:
        """A role, gemeente or sector chosen, in the onboarding or on the settings screen."""
        changing = state.onboarding == "change"
        match action:
            case Begin():
                return self.ask_role(user, state)
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
        return stale()

    def text(self, user: str, profile: Profile, state: Dialogue, text: str) -> list[Reply] | None:
        """Typed input during the onboarding: a gemeente's name where one is asked, a pointer to
        the buttons where a role or sector is; None when the onboarding waits for nothing."""
        if state.onboarding == "gemeente":
            gemeente = self.kb.resolve_gemeente(text)
            if gemeente:
                return self._set_gemeente(user, profile, state, gemeente)
            return [screen("Die gemeente ken ik niet. Kies een van deze:", gemeente_buttons(self.kb, ChooseGemeente))]
        if state.onboarding in ("role", "sector"):
            return [Reply("Kies een van de knoppen hierboven, of typ /start om opnieuw te beginnen.")]
        return None

    def _set_gemeente(self, user: str, profile: Profile, state: Dialogue, gemeente: str) -> list[Reply]:
        """A gemeente chosen; its sector is asked again when the choice of sectors differs from
        the previous gemeente's (VO in Den Haag says nothing about PO or VO in Apeldoorn)."""
        previous = self.kb.sectors_named(profile.gemeente) if profile.gemeente else []
        profile.gemeente = gemeente
        sectors = self.kb.sectors_named(gemeente)
        if profile.sector not in sectors or sectors != previous:
            profile.sector = sectors[0] if len(sectors) == 1 else None
        if profile.sector is None:
            self._save(user, profile)
            return self._ask_sector(user, state, gemeente)
        return self._after_setting(user, profile, state)

    def _after_setting(self, user: str, profile: Profile, state: Dialogue) -> list[Reply]:
        if not profile.role:
            self._save(user, profile)
            return self.ask_role(user, state)
        if not profile.gemeente:
            self._save(user, profile)
            return self._ask_gemeente(user, state)
        if not profile.sector:
            self._save(user, profile)
            return self._ask_sector(user, state, profile.gemeente)
        # A finished walk-through for another gemeente would give the wrong answers now.
        state.flow, state.node, state.history = None, None, []
        return self._finish(user, profile, state)

    def settings(self, profile: Profile) -> Reply:
        """/instellingen: the profile as it is, and what to change."""
        text = (
            f"{bold('Je instellingen')}\nRol: {ROLES.get(profile.role or '', '-')}\n"
            f"Gemeente: {profile.gemeente or '-'}\nSector: {(profile.sector or '-').upper()}"
        )
        gap = self.kb.not_held(profile.gemeente, profile.sector)
        if gap:
            text += f" (het {gap.title} heb ik niet)"
        text += "\n\nWat wil je wijzigen?"
        return screen(
            text,
            [
                [button("Rol", Settings("r")), button("Gemeente", Settings("g")), button("Sector", Settings("s"))],
                [button("Menu", Menu())],
            ],
        )

    def press_settings(self, user: str, profile: Profile, state: Dialogue, part: str) -> list[Reply]:
        """A press on the settings screen: the question for the part to change."""
        if part == "menu":
            return [self.settings(profile)]
        state.ask(onboarding="change")
        self._save(user, state=state)
        if part == "r":
            return [screen(bold("Wat is je rol?"), self._role_buttons())]
        if part == "g":
            return self._ask_gemeente(user, state)
        if part == "s" and profile.gemeente:
            sectors = self.kb.sectors_named(profile.gemeente)
            if len(sectors) == 1:
                return [
                    screen(
                        f"Voor {profile.gemeente} heb ik alleen het routeboek voor {sectors[0].upper()}.",
                        menu_buttons(),
                    )
                ]
            return self._ask_sector(user, state, profile.gemeente)
        return stale()

"""Ways on from any screen: the command list and /help, the main menu, "Lees verder" links and
the answer to a stale button. One place, so every screen leads to the same places in the same
words."""

from __future__ import annotations

from bot.actions import (
    Action,
    AskHelp,
    Begin,
    Cases,
    ChooseGemeente,
    ChooseRole,
    ChooseSector,
    FlowStep,
    Menu,
    Roles,
    Routes,
    Settings,
    ShowSection,
    ShowTable,
    StartFlow,
    button,
)
from bot.knowledge import Knowledge
from bot.replies import Button, Reply, bold, distinct_labels
from bot.storage import Profile

MENU_BUTTON = button("Menu", Menu())

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

STALE = "Deze knop is verouderd: hij hoort bij een ouder bericht."


def menu_buttons() -> list[list[Button]]:
    """The main menu: what a user can do next from any dead end."""
    return [
        [button("Vraag stellen", AskHelp()), button("Stap voor stap", Routes())],
        [button("Opschaling", ShowTable()), button("Wie doet wat", Roles())],
        [button("Casussen", Cases()), button("Instellingen", Settings("menu"))],
    ]


def menu() -> Reply:
    """The menu as a message of its own (/menu, the "Menu" button)."""
    return Reply("Wat wil je doen? Je kunt ook meteen je vraag typen.", menu_buttons())


def stale(note: str = "") -> list[Reply]:
    """A friendly answer to a button that no longer fits (old message, edited content), with a
    way on, instead of an error or silence."""
    return [Reply((note or STALE) + " Kies opnieuw:", menu_buttons())]


def related_buttons(kb: Knowledge, ids: list[str]) -> list[list[Button]]:
    """"Lees verder" buttons to at most three related sections that still exist."""
    views = [view for section_id in ids[:3] if (view := kb.section(section_id)) is not None]
    labels = distinct_labels([view.section.title for view in views], prefix="Lees verder: ")
    return [[button(label, ShowSection(view.id))] for label, view in zip(labels, views, strict=True)]


def help_reply(profile: Profile) -> Reply:
    """/help: every command in menu order, and how to begin for a user without a profile."""
    lines = [bold("Wat kan ik?"), "Typ een vraag in gewone woorden, of gebruik:"]
    lines += [f"/{name} – {desc}" for name, desc in COMMANDS]
    lines += ["", "Ik geef de afspraken uit het routeboek van jouw gemeente, met de bron erbij."]
    if not profile.complete:
        lines += ["", "Begin met /start om je gemeente te kiezen."]
    return Reply("\n".join(lines), menu_buttons())


def in_place(action: Action) -> bool:
    """Whether the button of a press sits only on a navigation screen (a walk-through step, the
    /wie list, an onboarding or settings question), so what it leads to may replace that
    screen. Menu buttons also sit under answers and tables, which must stay in the chat."""
    match action:
        case Begin() | ChooseRole() | ChooseGemeente() | ChooseSector() | StartFlow() | FlowStep():
            return True
        case Settings(part):
            return part != "menu"
        case Roles(role, page):
            return role is not None or page >= 1
    return False

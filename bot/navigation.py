"""The buttons every desk offers to move on: the main menu, "Lees verder" links and the answer to
a stale button. One place, so every screen leads to the same places in the same words."""

from __future__ import annotations

from bot.actions import AskHelp, Cases, Menu, Roles, Routes, Settings, ShowSection, ShowTable, button
from bot.knowledge import Knowledge
from bot.replies import Button, Reply, short

MENU_BUTTON = button("Menu", Menu())
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
    found = []
    for section_id in ids[:3]:
        view = kb.section(section_id)
        if view is not None:
            found.append([button(short("Lees verder: " + view.section.title), ShowSection(section_id))])
    return found

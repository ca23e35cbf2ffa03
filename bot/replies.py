"""What the core sends: replies with buttons, in a tiny markup every adapter can render.

`**bold**` and `- ` list lines; everything else is plain text that adapters must escape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # at most 64 bytes: ids, never labels


@dataclass(frozen=True)
class Card:
    """One block of a picture, e.g. a step of an escalation table."""

    heading: str
    lines: tuple[str, ...]
    marked: bool = False  # stands out (the next step)
    muted: bool = False  # greyed out (a step whose term has passed)


@dataclass(frozen=True)
class Picture:
    """What an adapter that can send images shows as one image, before the reply's text.

    A five-column table does not fit a chat bubble; a tall image with one card per step reads
    well on a phone. The text of the reply says the same, so adapters without images lose
    nothing. Frozen, so equal pictures are drawn (and uploaded) once.
    """

    title: str
    cards: tuple[Card, ...]
    source: str
    note: str = ""
    caption: str = ""


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply, after its text: an .ics of a case's deadlines. Adapters that
    cannot send files show where it is or what it holds."""

    filename: str
    data: bytes
    mime: str
    caption: str = ""


@dataclass
class Reply:
    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    picture: Picture | None = None
    document: Attachment | None = None


def number(text: str) -> int | None:
    """A small number from button data or a typed choice; None for anything else, including
    what str.isdigit() lets through but int() or SQLite refuse ('²', 30 digits)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def bold(text: str) -> str:
    return f"**{text}**"


def rows(buttons: list[Button], per_row: int = 1) -> list[list[Button]]:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def nl_date(day: date) -> str:
    return f"{day.day}-{day.month}-{day.year}"

"""What the core sends: replies with buttons, in a tiny markup every adapter can render.

`**bold**` and `- ` list lines; everything else is plain text that adapters must escape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")  # deadlines, reminders and dates shown are in Dutch days


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
    # A bar chart instead of cards (/stats): per group (a week) a value per label (a feature).
    bars: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()


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
    # A navigation screen (a walk-through step, a list, a settings question): it may take the
    # place of the screen whose button led here, instead of adding a message to the chat.
    screen: bool = False
    # Set by the engine for a press on a screen: replace the message the button was on. An
    # adapter that cannot edit (the console, a message too old) sends it as a new message.
    edit: bool = False


def screen(text: str, buttons: list[list[Button]] | None = None) -> Reply:
    """A reply that is a navigation screen (see `Reply.screen`)."""
    return Reply(text, buttons or [], screen=True)


@dataclass(frozen=True)
class InlineAnswer:
    """One result of an inline query (`@bot vraag` in any chat): what the list shows and the
    message that is posted when the user picks it."""

    id: str
    title: str
    description: str
    text: str
    buttons: list[list[Button]] = field(default_factory=list, compare=False)  # 👍/👎 under the posted card


def number(text: str) -> int | None:
    """A small number from button data or a typed choice; None for anything else, including
    what str.isdigit() lets through but int() or SQLite refuse ('²', 30 digits)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def bold(text: str) -> str:
    return f"**{text}**"


Mark = Callable[[str], str]  # how a label stands out: `bold`, or `unmarked` for plain text


def unmarked(text: str) -> str:
    return text


def source_line(document: str, section: str | None = None, mark: Mark = bold) -> str:
    """The "Bron:" line under every answer, outcome, table, term and reminder: a professional
    checks the routeboek before acting on it, so each one names the same way where it is from."""
    return f"{mark('Bron:')} {document}, {section}" if section else f"{mark('Bron:')} {document}"


def answer_layout(
    mark: Mark,
    title: str,
    *,
    text: str = "",
    head: str | None = None,
    current_note: str | None = None,
    notes: Sequence[tuple[str, str]] = (),
    responsible: str | None = None,
    actions: Sequence[str] = (),
    next_step: str | None = None,
    contacts: Sequence[str] = (),
    links: Sequence[str] = (),
    source: str | None = None,
    passage_first: bool = True,
) -> str:
    """The full answer, the same blocks under the same labels wherever it is shown (a section's
    passage, the outcome of a walk-through). In a section the passage is the answer and leads;
    in an outcome who acts and what to do lead, and the passage (`passage_first=False`) follows
    as background."""
    lines = [head, "", mark(title)] if head else [mark(title)]
    if current_note:
        # The current rule leads; an older passage follows as background.
        lines += ["", f"{mark('Nu geldt:')} {current_note.strip()}"]
    passage = ["", text.strip()] if text.strip() else []
    if passage_first:
        lines += passage
    for gemeente, note in notes:
        lines += ["", f"{mark(f'In {gemeente}:')} {note.strip()}"]
    if responsible:
        lines += ["", f"{mark('Wie is verantwoordelijk:')} {responsible}"]
    if actions:
        lines += ["", mark("Wat nu te doen:"), *[f"- {a}" for a in actions]]
    if not passage_first:
        lines += passage
    if next_step:
        lines += ["", f"{mark('Volgende stap:')} {next_step}"]
    if contacts:
        lines += ["", f"{mark('Contact:')} " + ", ".join(contacts)]
    if links:
        lines += ["", mark("Links:"), *[f"- {link}" for link in links]]
    if source:
        lines += ["", source]
    return "\n".join(lines)


def rows(buttons: list[Button], per_row: int = 1) -> list[list[Button]]:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def distinct_labels(titles: Sequence[str], limit: int = 40, prefix: str = "") -> list[str]:
    """Button labels for titles shown in one message, each at most `limit` characters and no two
    alike: where cutting makes titles look the same ("Dreigend thuiszitten met k…" three times),
    their shared opening words give way to the words that tell them apart."""
    room = limit - len(prefix)
    labels = [short(title, room) for title in titles]
    for label in {label for label in labels if labels.count(label) > 1}:
        group = [i for i, other in enumerate(labels) if other == label]
        split = [titles[i].split() for i in group]
        common = 0
        while all(len(ws) > common + 1 for ws in split) and len({ws[common] for ws in split}) == 1:
            common += 1
        for i, ws in zip(group, split, strict=True):
            if common:  # the first word, then from the last shared word on: "Dreigend … stap 1-3"
                labels[i] = short(f"{ws[0]} … {' '.join(ws[max(common - 1, 1) :])}", room)
    counted: dict[str, int] = {}
    for i, label in enumerate(labels):
        if labels.count(label) > 1 or label in counted:  # the same title twice: numbered
            counted[label] = counted.get(label, 0) + 1
            labels[i] = short(label, room - 4) + f" ({counted[label]})"
    return [prefix + label for label in labels]


def nl_date(day: date) -> str:
    return f"{day.day}-{day.month}-{day.year}"

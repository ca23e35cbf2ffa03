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


@dataclass
class Reply:
    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    # For adapters that can show more (a picture of the escalation table).
    escalation: tuple[str, str] | None = None  # (gemeente, sector)


def bold(text: str) -> str:
    return f"**{text}**"


def rows(buttons: list[Button], per_row: int = 1) -> list[list[Button]]:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def nl_date(day: date) -> str:
    return f"{day.day}-{day.month}-{day.year}"

"""What a user did, as the adapters hand it to the engine: a command, typed text or a button
press. Telegram updates and console lines both become one of these."""

from __future__ import annotations

from dataclasses import dataclass


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

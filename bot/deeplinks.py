"""Deep links: `t.me/<bot>?start=<payload>` opens one place of the bot, so a colleague, a
website or a poster can point straight to a gemeente's escalation table or a walk-through.

Telegram delivers the payload as the argument of /start. It allows 1-64 characters of
A-Z, a-z, 0-9, `_` and `-`; gemeente and flow ids are such slugs already. The payloads:

- `opschaling` / `opschaling-<gemeente id>`: the own / that gemeente's escalation table;
- `route` / `route-<flow id>`: the list of walk-throughs / that walk-through.

A payload is checked against the content like button data (bot/actions.py): anything else
opens nothing.
"""

from __future__ import annotations

import re

from bot.actions import Routes, ShowTable, StartFlow
from bot.knowledge import Knowledge

# What a deep link may open; the engine dispatches it as if its button was pressed.
DeepLink = ShowTable | Routes | StartFlow

_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


def target(payload: str, kb: Knowledge) -> DeepLink | None:
    """The place a /start payload opens, or None for no payload or one the content does not
    have (a typo, a removed flow): then /start is just /start."""
    if not _PAYLOAD.fullmatch(payload):
        return None
    kind, _, rest = payload.partition("-")
    if kind == "opschaling":
        if not rest:
            return ShowTable()
        return ShowTable(rest) if kb.gemeente_by_id(rest) else None
    if kind == "route":
        if not rest:
            return Routes()
        return StartFlow(rest) if rest in kb.flows else None
    return None


"""Test-only settings, read from the environment here and nowhere else.

A deployment never sets these. They exist so an end-to-end test can drive the real `routeboek run`
process (not an Application built inside the test) through a reminder burst:

- `ROUTEBOEK_CLOCK`: an ISO date-time (e.g. `2026-01-26T09:00:00+01:00`; without an offset it is
  Dutch local time). The engine's clock stands still at that moment. Reminders only go out on
  weekdays in working hours, so without it a test that runs at night would see none.
- `ROUTEBOEK_REMINDER_INTERVAL`: seconds between looks for due reminders, and before the first
  one (instead of 600 and 30), so a restarted bot resumes its burst within the test's patience.

Both log a warning when set, so a deployment that sets one by mistake shows it in its log.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime

from bot.engine import LOCAL_TIME

log = logging.getLogger(__name__)


def fixed_clock() -> Callable[[], datetime] | None:
    """The standing clock of `ROUTEBOEK_CLOCK`, or None when it is not set (the real clock)."""
    value = os.environ.get("ROUTEBOEK_CLOCK", "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"ROUTEBOEK_CLOCK is not an ISO date-time: {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TIME)
    moment = moment.astimezone(LOCAL_TIME)
    log.warning("ROUTEBOEK_CLOCK is set (test only): the clock stands still at %s", moment.isoformat())
    return lambda: moment


def reminder_interval() -> float | None:
    """`ROUTEBOEK_REMINDER_INTERVAL` in seconds, or None when it is not set (the usual schedule)."""
    value = os.environ.get("ROUTEBOEK_REMINDER_INTERVAL", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise ValueError(f"ROUTEBOEK_REMINDER_INTERVAL is not a positive number of seconds: {value!r}")
    log.warning("ROUTEBOEK_REMINDER_INTERVAL is set (test only): reminders every %s s", seconds)
    return seconds

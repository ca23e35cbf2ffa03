"""The test-only settings of bot/testhooks.py: unset means the normal behaviour, and a bad value
is refused with the variable's name instead of silently running on the real clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.engine import LOCAL_TIME
from bot.testhooks import fixed_clock, reminder_interval


def test_unset_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROUTEBOEK_CLOCK", raising=False)
    monkeypatch.delenv("ROUTEBOEK_REMINDER_INTERVAL", raising=False)
    assert fixed_clock() is None
    assert reminder_interval() is None


def test_the_clock_stands_still_in_dutch_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTEBOEK_CLOCK", "2026-01-26T08:00:00+00:00")
    clock = fixed_clock()
    assert clock is not None
    assert clock() == clock() == datetime(2026, 1, 26, 9, tzinfo=LOCAL_TIME)
    assert clock().hour == 9  # reminders look at the local hour
    monkeypatch.setenv("ROUTEBOEK_CLOCK", "2026-01-26 09:00")  # no offset: local time
    clock = fixed_clock()
    assert clock is not None and clock() == datetime(2026, 1, 26, 9, tzinfo=LOCAL_TIME)


def test_the_interval_in_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTEBOEK_REMINDER_INTERVAL", "0.5")
    assert reminder_interval() == 0.5


@pytest.mark.parametrize(
    ("name", "value"),
    [("ROUTEBOEK_CLOCK", "maandag"), ("ROUTEBOEK_REMINDER_INTERVAL", "0"), ("ROUTEBOEK_REMINDER_INTERVAL", "x")],
)
def test_bad_values_name_the_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        fixed_clock() if name == "ROUTEBOEK_CLOCK" else reminder_interval()

"""How long the reminder run takes over many cases (it runs in the engine thread every ten
minutes, so it delays answers while it runs). Prints figures; asserts nothing.

    .venv/bin/python bench/reminder_run.py [--cases 5000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.content import load_content  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.storage import Store  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=5000)
    args = parser.parse_args()
    kb = load_content()
    now = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    engine = Engine(kb, Store(Path(tempfile.mkdtemp()) / "bench.db"), clock=lambda: now)
    places = [(g, s) for g in kb.gemeenten for s in kb.sectors_of(g) if kb.escalation_for(g, s)]
    rng = random.Random(1)
    started = time.perf_counter()
    for i in range(args.cases):
        gemeente, sector = rng.choice(places)
        start = date(2026, 3, 10) - timedelta(days=rng.randrange(0, 200))
        engine.store.add_case(f"tg:{i % 500}", f"C{i:04d}", gemeente, sector, start.isoformat())
    print(
        f"{args.cases} cases of {len(places)} gemeente/sector tables stored in {time.perf_counter() - started:.1f} s"
    )
    for run in ("first run (timelines computed)", "next run (timelines cached)"):
        started = time.perf_counter()
        due = engine.outbox.due_reminders()
        print(f"{run}: {1000 * (time.perf_counter() - started):.0f} ms, {len(due)} reminders due")
    started = time.perf_counter()
    for reminder in due:
        engine.outbox.reminder_delivered(reminder)
    print(f"marking {len(due)} reminders sent: {1000 * (time.perf_counter() - started):.0f} ms")
    started = time.perf_counter()
    due = engine.outbox.due_reminders()
    print(f"run after that (the usual case): {1000 * (time.perf_counter() - started):.0f} ms, {len(due)} due")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

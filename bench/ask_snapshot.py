"""A snapshot of every answer the bot gives to the development questions, to prove that a speed
change changed no output.

For each question of the given files (default: both dev files in ../shared/eval), with its own
gemeente and sector, and each example question of the content (the questions
bench/telegram_load.py asks, for a gemeente in turn), it writes one JSON line with what `routeboek ask --json --top 3` prints and
the replies the engine sends a user with that profile (text, buttons, pictures), each question
asked twice in a row (a second ask must answer the same as the first, caches or not). Compare
two snapshots with `cmp`. The script runs itself with PYTHONHASHSEED=0: the `why` of a decision
holds sums over sets, whose last digit depends on the hash seed. Asserts nothing.

    .venv/bin/python bench/ask_snapshot.py OUT.jsonl [QUESTIONS.yaml ...]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.cli import _ask_one
from bot.content import load_content
from bot.decision import Decider
from bot.engine import Engine, TextIn
from bot.quality import load_questions
from bot.replies import LOCAL_TIME, Reply
from bot.storage import Profile, Store

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
DEFAULT = [EVAL / "questions-dev.yaml", EVAL / "questions-dev-2.yaml"]
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=LOCAL_TIME)  # a fixed clock: dates in answers stay put


def reply_json(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "buttons": [[(b.label, b.data) for b in row] for row in reply.buttons],
        "picture": None if reply.picture is None else repr(reply.picture),
        "document": None if reply.document is None else reply.document.filename,
        "screen": reply.screen,
        "edit": reply.edit,
    }


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    out = Path(sys.argv[1])
    files = [Path(name) for name in sys.argv[2:]] or DEFAULT
    kb = load_content()
    decider = Decider(kb)
    engine = Engine(kb, Store(Path(tempfile.mkdtemp()) / "snapshot.db"), clock=lambda: NOW)
    lines = []
    for path in files:
        for n, item in enumerate(load_questions(path)):
            # The engine answers for the asker's profile: the question's gemeente, else the first.
            gemeente = (kb.resolve_gemeente(item["gemeente"]) if item.get("gemeente") else None) or kb.gemeenten[0]
            sector = item.get("sector") or kb.sectors_of(gemeente)[0]
            user = f"tg:{path.stem}-{n}"
            engine.store.save_profile(Profile(user, "mentor", gemeente, sector))
            for attempt in (1, 2):
                record = {
                    "file": path.name,
                    "id": item.get("id", n),
                    "attempt": attempt,
                    "ask": _ask_one(kb, decider, item["question"], item.get("gemeente"), item.get("sector"), 3),
                    "replies": [reply_json(r) for r in engine.handle(user, TextIn(item["question"]))],
                }
                lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
    # The questions bench/telegram_load.py asks: the content's example questions, gemeenten in turn.
    pool = [q for view in kb.sections for q in view.section.questions]
    for n, question in enumerate(pool):
        gemeente = kb.gemeenten[n % len(kb.gemeenten)]
        user = f"tg:pool-{n}"
        engine.store.save_profile(Profile(user, "mentor", gemeente, kb.sectors_of(gemeente)[0]))
        for attempt in (1, 2):
            record = {
                "file": "content",
                "id": n,
                "attempt": attempt,
                "ask": _ask_one(kb, decider, question, gemeente, None, 3),
                "replies": [reply_json(r) for r in engine.handle(user, TextIn(question))],
            }
            lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} answers written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

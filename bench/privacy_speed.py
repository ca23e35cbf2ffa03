"""Speed of the personal-data guard, which runs on every message.

Prints figures; asserts nothing. The batch is the guard's own test tables (refused and
accepted messages) plus the development questions when ../shared is there, with the shipped
routeboek vocabulary as `known`, the way the engine calls it.

    .venv/bin/python bench/privacy_speed.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

from bot.content import load_content
from bot.matcher import Matcher
from bot.privacy import personal_data_kinds
from bot.textproc import words

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"


def messages() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from tests.test_privacy_formats import ACCEPTED, REFUSED

    batch = [text for text, _ in REFUSED] + list(ACCEPTED)
    for name in ("questions-dev.yaml", "questions-dev-2.yaml"):
        if (EVAL / name).exists():
            batch += [q["question"] for q in yaml.safe_load((EVAL / name).read_text(encoding="utf-8"))]
    return batch


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    kb = load_content()
    known = frozenset(Matcher(kb).vocabulary) | {w for g in kb.gemeenten for w in words(g)}
    batch = messages()
    first = time.perf_counter()
    for text in batch:
        personal_data_kinds(text, known)
    cold = (time.perf_counter() - first) / len(batch)
    timings: list[float] = []
    for _ in range(args.rounds):
        for text in batch:
            start = time.perf_counter()
            personal_data_kinds(text, known)
            timings.append(time.perf_counter() - start)
    timings.sort()
    print(f"messages: {len(batch)} x {args.rounds} rounds")
    print(f"first pass (cold caches): {cold * 1e6:.0f} us per message")
    print(f"median {statistics.median(timings) * 1e6:.0f} us, p95 {timings[int(len(timings) * 0.95)] * 1e6:.0f} us, "
          f"max {timings[-1] * 1e6:.0f} us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

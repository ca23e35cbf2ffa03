"""Speed of the matcher: index build and per-question latency.

Prints figures; asserts nothing. The question batch is every example question in the shipped
content plus the development questions (when ../shared is there), each asked once per gemeente.

    .venv/bin/python bench/ask_speed.py [--content DIR] [--rounds N]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

import yaml

from bot.content import load_content
from bot.decision import Decider
from bot.matcher import Matcher
from bot.specificity import warm_up

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
DEV = [EVAL / "questions-dev.yaml", EVAL / "questions-dev-2.yaml"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--content")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    kb = load_content(args.content)
    load_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    warm_up()
    warm_ms = (time.perf_counter() - started) * 1000
    builds = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        matcher = Matcher(kb)
        builds.append((time.perf_counter() - started) * 1000)
    decider = Decider(kb, matcher)

    questions = [q for view in kb.sections for q in view.section.questions]
    for dev in DEV:
        if dev.exists():
            questions += [q["question"] for q in yaml.safe_load(dev.read_text(encoding="utf-8"))]
    gemeenten: list[str | None] = [None, *kb.gemeenten]
    latencies = []
    for _ in range(args.rounds):
        for i, question in enumerate(questions):
            gemeente = gemeenten[i % len(gemeenten)]
            started = time.perf_counter()
            decider.decide(question, gemeente, None)
            latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"content load + validation: {load_ms:.0f} ms; word-frequency data load (once): {warm_ms:.0f} ms")
    print(
        f"index build: median {statistics.median(builds):.0f} ms over {len(builds)} builds "
        f"({len(kb.sections)} sections, {len(matcher.vocabulary)} words)"
    )
    print(f"questions: {len(latencies)} ({len(questions)} distinct x {args.rounds} rounds)")
    print(f"latency per question: p50 {pct(0.5):.2f} ms, p99 {pct(0.99):.2f} ms, max {latencies[-1]:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

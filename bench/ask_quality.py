"""Answer quality of `routeboek ask` on a question set (default: ../shared/eval/questions-dev.yaml).

Prints top-1 / top-3 accuracy, out-of-domain rejection and the misses by topic. It measures; it
does not assert. A hit means every `expect` group has an alternative in the answer text (case
and whitespace insensitive), as the question file's header defines.

    .venv/bin/python bench/ask_quality.py [QUESTIONS.yaml] [--content DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from bot.answer import build_answer
from bot.content import load_content
from bot.matcher import Matcher

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "questions-dev.yaml"


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def satisfied(text: str, expect: list[list[str]]) -> bool:
    body = squash(text)
    return all(any(squash(alt) in body for alt in group) for group in expect)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("questions", nargs="?", default=str(DEFAULT))
    parser.add_argument("--content")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()

    questions: list[dict[str, Any]] = yaml.safe_load(Path(args.questions).read_text(encoding="utf-8"))
    kb = load_content(args.content)
    started = time.perf_counter()
    matcher = Matcher(kb)
    build_ms = (time.perf_counter() - started) * 1000

    in_domain = [q for q in questions if q["expect"] != "none"]
    out_domain = [q for q in questions if q["expect"] == "none"]
    top1 = top3 = rejected = false_reject = 0
    misses: Counter[str] = Counter()
    for q in questions:
        gemeente = kb.resolve_gemeente(q.get("gemeente")) if q.get("gemeente") else None
        gemeente, sector = matcher.scope(q["question"], gemeente, q.get("sector"))
        hits = matcher.answer(q["question"], gemeente, sector, top=3)
        if q["expect"] == "none":
            if not hits:
                rejected += 1
            elif args.verbose:
                print(
                    f"NOT REJECTED {q['id']}: {q['question'][:70]!r} -> {hits[0].view.id} "
                    f"raw={hits[0].raw:.1f} cov={hits[0].coverage:.2f}"
                )
            continue
        texts = [build_answer(kb, h.view, gemeente).plain() for h in hits]
        ok1 = bool(texts) and satisfied(texts[0], q["expect"])
        ok3 = any(satisfied(t, q["expect"]) for t in texts)
        top1 += ok1
        top3 += ok3
        if not hits:
            false_reject += 1
        if not ok1:
            misses[q.get("topic", "?")] += 1
            if args.verbose:
                got = ", ".join(f"{h.view.id}({h.raw:.1f}/{h.coverage:.2f})" for h in hits) or "REJECTED"
                print(
                    f"MISS{'' if not ok3 else ' (top3 ok)'} {q['id']} [{q.get('source')}] "
                    f"{q['question'][:80]!r}\n     -> {got}"
                )

    n, m = len(in_domain), len(out_domain)
    print(f"questions: {len(questions)} ({n} in domain, {m} out of domain); index build {build_ms:.0f} ms")
    print(f"top-1 accuracy: {top1 / n:.3f} ({top1}/{n})")
    print(f"top-3 accuracy: {top3 / n:.3f} ({top3}/{n})")
    print(
        f"out-of-domain rejection: {rejected / m:.3f} ({rejected}/{m})" if m else "no out-of-domain questions"
    )
    print(f"in-domain questions wrongly rejected: {false_reject}")
    if misses:
        print("top-1 misses by topic: " + ", ".join(f"{t} {c}" for t, c in misses.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

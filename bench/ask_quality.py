"""Answer quality of `routeboek ask` on question sets (default: both dev files in ../shared/eval).

Prints, per file and for all files together: top-1 / top-3 accuracy, out-of-domain declined,
in-domain wrongly declined, the share of `short` cards that hold every expected fact, the median
and p90 length of `short`, and how often the bot asks back. It measures; it does not assert. A
hit means every `expect` group has an alternative in the answer text (case and whitespace
insensitive), as the question file's header defines.

    .venv/bin/python bench/ask_quality.py [QUESTIONS.yaml ...] [--content DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.answer import build_answer
from bot.content import load_content
from bot.decision import Decider

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
DEFAULT = [EVAL / "questions-dev.yaml", EVAL / "questions-dev-2.yaml"]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def satisfied(text: str, expect: list[list[str]]) -> bool:
    body = squash(text)
    return all(any(squash(alt) in body for alt in group) for group in expect)


@dataclass
class Tally:
    name: str
    n_in: int = 0
    n_out: int = 0
    top1: int = 0
    top3: int = 0
    declined: int = 0
    wrongly_declined: int = 0
    short_facts: int = 0
    asked_back: int = 0
    shorts: list[int] = field(default_factory=list)
    misses: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        for name in (
            "n_in",
            "n_out",
            "top1",
            "top3",
            "declined",
            "wrongly_declined",
            "short_facts",
            "asked_back",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.shorts += other.shorts
        self.misses.update(other.misses)
        self.reasons.update(other.reasons)

    def report(self) -> None:
        n, m = self.n_in or 1, self.n_out or 1
        print(f"== {self.name}: {self.n_in} in domain, {self.n_out} out of domain")
        print(
            f"top-1 {self.top1 / n:.3f} ({self.top1}/{self.n_in})   top-3 {self.top3 / n:.3f} ({self.top3}/{self.n_in})"
        )
        print(
            f"out-of-domain declined {self.declined / m:.3f} ({self.declined}/{self.n_out})   "
            f"in-domain wrongly declined {self.wrongly_declined / n:.3f} ({self.wrongly_declined})"
        )
        if self.shorts:
            ordered = sorted(self.shorts)
            p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
            print(
                f"short: facts in short {self.short_facts / n:.3f} ({self.short_facts}/{self.n_in})   "
                f"median {statistics.median(ordered):.0f}  p90 {p90}  max {ordered[-1]} characters"
            )
        print(f"asked back on {self.asked_back / n:.3f} of in-domain questions ({self.asked_back})")
        if self.reasons:
            print(
                "decline reasons (out of domain): "
                + ", ".join(f"{r} {c}" for r, c in self.reasons.most_common())
            )
        if self.misses:
            print("top-1 misses by topic: " + ", ".join(f"{t} {c}" for t, c in self.misses.most_common()))


def run_file(path: Path, decider: Decider, verbose: bool) -> Tally:
    kb = decider.kb
    questions: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    tally = Tally(path.name)
    for q in questions:
        gemeente = kb.resolve_gemeente(q.get("gemeente")) if q.get("gemeente") else None
        decision = decider.decide(q["question"], gemeente, q.get("sector"), top=3)
        hits = decision.hits
        if q["expect"] == "none":
            tally.n_out += 1
            if decision.declined:
                tally.declined += 1
                tally.reasons[decision.declined.reason] += 1
            elif verbose:
                print(f"NOT DECLINED {q['id']}: {q['question'][:70]!r} -> {hits[0].view.id} {decision.why}")
            continue
        tally.n_in += 1
        answers = [build_answer(kb, h.view, decision.gemeente) for h in hits]
        texts = [a.plain() for a in answers]
        ok1 = bool(texts) and satisfied(texts[0], q["expect"])
        ok3 = any(satisfied(t, q["expect"]) for t in texts)
        tally.top1 += ok1
        tally.top3 += ok3
        tally.asked_back += decision.clarify is not None
        if answers:
            short = answers[0].short(decider.relevance(decision))
            tally.shorts.append(len(short))
            tally.short_facts += satisfied(short, q["expect"])
        if decision.declined:
            tally.wrongly_declined += 1
        if not ok1:
            tally.misses[q.get("topic", "?")] += 1
            if verbose:
                got = ", ".join(f"{h.view.id}({h.raw:.1f})" for h in hits) or f"DECLINED {decision.why}"
                print(
                    f"MISS{'' if not ok3 else ' (top3 ok)'} {q['id']} {q['question'][:80]!r}\n     -> {got}"
                )
    return tally


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("questions", nargs="*", default=[str(p) for p in DEFAULT])
    parser.add_argument("--content")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()

    kb = load_content(args.content)
    started = time.perf_counter()
    decider = Decider(kb)
    build_ms = (time.perf_counter() - started) * 1000
    print(f"index build {build_ms:.0f} ms")
    total = Tally("all files together")
    for name in args.questions:
        tally = run_file(Path(name), decider, args.verbose)
        tally.report()
        total.add(tally)
    if len(args.questions) > 1:
        total.report()
    return 0


if __name__ == "__main__":
    sys.exit(main())

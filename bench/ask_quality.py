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
import sys
import time
from pathlib import Path

from bot.content import load_content
from bot.decision import Decider
from bot.quality import Tally, load_questions, run_questions

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
DEFAULT = [EVAL / "questions-dev.yaml", EVAL / "questions-dev-2.yaml"]


def run_file(path: Path, decider: Decider, verbose: bool) -> Tally:
    tally = run_questions(path.name, load_questions(path), decider)
    if verbose:
        for qid, question, got in tally.not_declined:
            print(f"NOT DECLINED {qid}: {question[:70]!r} -> {got}")
        for miss in tally.missed:
            print(f"MISS{'' if not miss.top3 else ' (top3 ok)'} {miss.id} {miss.question[:80]!r}\n     -> {miss.why}")
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
        print("\n".join(tally.lines()))
        total.add(tally)
    if len(args.questions) > 1:
        print("\n".join(total.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Answer quality on a question list: the measure behind `routeboek try` and bench/ask_quality.py.

A question file is a YAML list as in ../shared/eval/questions-dev.yaml: `question`, optional
`gemeente` / `sector`, and `expect`, a list of groups of which every group needs one alternative
in the answer text (case and whitespace insensitive), or `none` for a question outside the
routeboeken that must be declined. A maintainer may add `section:` (the id of the section that
should answer); without it the expected section is the one whose answer holds the facts.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.answer import build_answer
from bot.decision import Decider


class QuestionFileError(Exception):
    """The question file cannot be read; the message names the file and the question."""


def squash(text: str) -> str:
    """Case and whitespace do not count when an answer is checked for a fact."""
    return re.sub(r"\s+", " ", text).strip().lower()


def satisfied(text: str, expect: list[list[str]]) -> bool:
    """True when every expected group has an alternative in the text: a hit."""
    body = squash(text)
    return all(any(squash(alt) in body for alt in group) for group in expect)


@dataclass
class Miss:
    """An in-domain question whose first answer lacks an expected fact (or that was declined)."""

    id: str
    question: str
    got: list[str]  # section ids answered, best first; [] when declined
    expected: str | None  # the section that holds the facts, if any does
    top3: bool
    why: str = ""


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
    missed: list[Miss] = field(default_factory=list)
    not_declined: list[tuple[str, str, str]] = field(default_factory=list)  # id, question, section got

    def add(self, other: Tally) -> None:
        """Sum two files' figures, for the bench's 'all files together'."""
        for name in ("n_in", "n_out", "top1", "top3", "declined", "wrongly_declined", "short_facts", "asked_back"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.shorts += other.shorts
        self.misses.update(other.misses)
        self.reasons.update(other.reasons)
        self.missed += other.missed
        self.not_declined += other.not_declined

    def lines(self) -> list[str]:
        """The figures as the bench prints them."""
        n, m = self.n_in or 1, self.n_out or 1
        out = [
            f"== {self.name}: {self.n_in} in domain, {self.n_out} out of domain",
            f"top-1 {self.top1 / n:.3f} ({self.top1}/{self.n_in})   top-3 {self.top3 / n:.3f} ({self.top3}/{self.n_in})",
            f"out-of-domain declined {self.declined / m:.3f} ({self.declined}/{self.n_out})   "
            f"in-domain wrongly declined {self.wrongly_declined / n:.3f} ({self.wrongly_declined})",
        ]
        if self.shorts:
            ordered = sorted(self.shorts)
            p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
            out.append(
                f"short: facts in short {self.short_facts / n:.3f} ({self.short_facts}/{self.n_in})   "
                f"median {statistics.median(ordered):.0f}  p90 {p90}  max {ordered[-1]} characters"
            )
        out.append(f"asked back on {self.asked_back / n:.3f} of in-domain questions ({self.asked_back})")
        if self.reasons:
            out.append(
                "decline reasons (out of domain): " + ", ".join(f"{r} {c}" for r, c in self.reasons.most_common())
            )
        if self.misses:
            out.append("top-1 misses by topic: " + ", ".join(f"{t} {c}" for t, c in self.misses.most_common()))
        return out


def load_questions(path: Path) -> list[dict[str, Any]]:
    """The questions of a file, checked enough that a typo gives a clear message."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise QuestionFileError(f"{path}: niet te lezen: {exc}") from exc
    if not isinstance(data, list):
        raise QuestionFileError(f"{path}: verwacht een lijst vragen (zie questions-dev.yaml)")
    for n, q in enumerate(data, start=1):
        if not isinstance(q, dict) or not isinstance(q.get("question"), str) or "expect" not in q:
            raise QuestionFileError(f"{path}: vraag {n} heeft geen 'question' en 'expect'")
        if q["expect"] != "none" and not (
            isinstance(q["expect"], list) and all(isinstance(g, list) and g for g in q["expect"])
        ):
            raise QuestionFileError(f"{path}: vraag {q.get('id', n)}: 'expect' is 'none' of een lijst van lijsten")
    return data


def _expected_section(decider: Decider, q: dict[str, Any], gemeente: str | None) -> str | None:
    """The section a miss should have got: the one the question names, else the first whose
    answer holds the facts, looked for first among the sections of the asker's gemeente and
    sector (current documents first), so a maintainer of one region is not pointed at another
    region's routeboek."""
    if q.get("section"):
        return str(q["section"])
    kb = decider.kb
    views = [v for v in kb.sections if not q.get("source") or v.document.key == q["source"]]
    # The asker's own sections first, and of those a current document before one it supersedes.
    views.sort(key=lambda v: (not v.applies(gemeente, q.get("sector")), kb.is_superseded(v.document.key)))
    for view in views:
        if satisfied(build_answer(kb, view, gemeente).plain(), q["expect"]):
            return view.id
    return None


def run_questions(
    name: str,
    questions: list[dict[str, Any]],
    decider: Decider,
    expected_sections: bool = False,
) -> Tally:
    """Ask every question as `routeboek ask` would and count what the answers hold.

    `expected_sections` also looks up, for each miss, the section that holds the facts (it
    builds the answer of every section of the document, so only `try` asks for it)."""
    kb = decider.kb
    tally = Tally(name)
    for number, q in enumerate(questions, start=1):
        qid = str(q.get("id", number))
        gemeente = kb.resolve_gemeente(q.get("gemeente")) if q.get("gemeente") else None
        decision = decider.decide(q["question"], gemeente, q.get("sector"), top=3)
        hits = decision.hits
        if q["expect"] == "none":
            tally.n_out += 1
            if decision.declined:
                tally.declined += 1
                tally.reasons[decision.declined.reason] += 1
            else:
                tally.not_declined.append((qid, q["question"], hits[0].view.id if hits else "-"))
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
            expected = _expected_section(decider, q, decision.gemeente) if expected_sections else None
            why = f"DECLINED {decision.why}" if not hits else ", ".join(f"{h.view.id}({h.raw:.1f})" for h in hits)
            tally.missed.append(Miss(qid, q["question"], [h.view.id for h in hits], expected, ok3, why))
    return tally

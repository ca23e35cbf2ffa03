"""Answers do not depend on what was asked before: the caches that make the engine fast
(analysed sentences, cut passages, folded lines, a repeated question's answer) give the same
cards as a fresh engine."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.answer import units
from bot.content import load_content
from bot.engine import LOCAL_TIME, Engine, Reply, TextIn
from bot.knowledge import Knowledge
from bot.storage import Profile, Store

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=LOCAL_TIME)
QUESTIONS = [
    "leerling al 2 weken ziek, wat nu?",
    "wie meldt een thuiszitter aan?",
    "hoe lang duurt een time-out plaatsing?",
    "wat is een lizzer?",
    "welke vormen van passend aanbod zijn er?",
]


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_content()


def fresh(kb: Knowledge, folder: Path) -> Engine:
    engine = Engine(kb, Store(folder / "routeboek.db"), clock=lambda: NOW)
    for n, gemeente in enumerate(kb.gemeenten):
        engine.store.save_profile(Profile(f"u{n}", "mentor", gemeente, kb.sectors_of(gemeente)[0]))
    return engine


def shown(replies: list[Reply]) -> list[tuple[str, list[list[tuple[str, str]]]]]:
    return [(r.text, [[(b.label, b.data) for b in row] for row in r.buttons]) for r in replies]


def test_answers_after_other_questions_are_those_of_a_fresh_engine(kb: Knowledge, tmp_path: Path) -> None:
    used = fresh(kb, tmp_path / "used")
    for question in [*QUESTIONS, *reversed(QUESTIONS)]:  # every cache filled, in both orders
        for n in range(len(kb.gemeenten)):
            used.handle(f"u{n}", TextIn(question))
    for k, question in enumerate(QUESTIONS):
        new = fresh(kb, tmp_path / f"fresh-{k}")  # asked this question only
        for n in range(len(kb.gemeenten)):
            expected = new.handle(f"u{n}", TextIn(question))
            assert shown(used.handle(f"u{n}", TextIn(question))) == shown(expected)


def test_a_passage_cut_into_units_stays_whole_when_a_card_adds_to_its_list() -> None:
    text = "Eerste zin. Tweede zin.\n- een punt\n- nog een punt"
    first = units(text)
    first.append(first[0])
    assert units(text) == first[:-1]

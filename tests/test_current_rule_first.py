"""The current rule first (issue 9, item 5): where a newer routeboek supersedes an older one for
the user's gemeente, /begrip and /wie open with what holds now, never with the superseded text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.content import load_content
from bot.engine import Command, Engine
from bot.knowledge import Knowledge
from bot.reference import ReferenceDesk
from bot.replies import bold
from bot.storage import Profile, Store


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_content()


def profile(kb: Knowledge, gemeente: str, user: str = "u") -> Profile:
    return Profile(user, "ib", gemeente, kb.sectors_of(gemeente)[0])


HAAGLANDEN = ["Den Haag", "Rijswijk", "Leidschendam-Voorburg"]


# --- /begrip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("gemeente", HAAGLANDEN)
def test_begrip_doorbraaktafel_opens_with_the_2025_afstemming_op_directeurenniveau(
    kb: Knowledge, gemeente: str
) -> None:
    (reply,) = ReferenceDesk(kb).terms(profile(kb, gemeente), "Doorbraaktafel")
    first, *_ = reply.text.split("\n\n")
    assert first.startswith(bold("Afstemming op directeurenniveau")), first
    assert "voorheen Doorbraaktafel" in first and "13 weken" in first
    # The 2021 entry with its deciders is still there, after the current one.
    assert "Directeur Jeugd" in reply.text.split("\n\n", 1)[1]


@pytest.mark.parametrize("gemeente", HAAGLANDEN)
def test_every_begrip_that_a_current_routeboek_defines_opens_with_that_definition(
    kb: Knowledge, gemeente: str
) -> None:
    desk = ReferenceDesk(kb)
    names = {name for term, _ in kb.terms_for(gemeente) for name in (term.term, *term.aliases)}
    led_by_old = []
    for name in sorted(names):
        found = desk.find_terms(profile(kb, gemeente), name)
        if any(not kb.is_superseded(doc.key) for _, doc in found) and kb.is_superseded(found[0][1].key):
            led_by_old.append(name)
    assert led_by_old == []


# --- /wie ------------------------------------------------------------------------------------


def role_screen(kb: Knowledge, gemeente: str, role_id: str) -> str:
    (reply,) = ReferenceDesk(kb).roles(profile(kb, gemeente), role_id)
    return reply.text


@pytest.mark.parametrize("gemeente", HAAGLANDEN)
def test_wie_aanmeld_en_advies_opens_with_the_2025_restriction_to_leidschendam_voorburg(
    kb: Knowledge, gemeente: str
) -> None:
    text = role_screen(kb, gemeente, "aanmeld-en-advies")
    first_task = next(line for line in text.splitlines() if line.startswith("- "))
    assert "JES van een school uit de gemeente Leidschendam-Voorburg" in first_task.replace(
        "uit Leidschendam", "uit de gemeente Leidschendam"
    ), first_task


def test_no_task_or_definition_offers_a_and_a_advice_without_its_2025_restriction(kb: Knowledge) -> None:
    # A&A advice before opschaling is, since 2025, only for a JES of a Leidschendam-Voorburg school.
    texts = [(r.role.id, t) for r in kb.roles for t in r.role.tasks]
    texts += [(t.term, t.definition or "") for t, _ in kb.terms]
    unrestricted = []
    for what, text in texts:
        for sentence in re.split(r"(?<=[.;])\s+", text):
            advice = ("A&A" in sentence or "Aanmeld en Advies" in sentence) and "advies" in sentence.lower()
            restricted = "Leidschendam-Voorburg" in text[: text.find(sentence) + len(sentence)]
            if advice and not restricted and not sentence.startswith("Routeboek 2021"):
                unrestricted.append((what, sentence))
    assert unrestricted == []


@pytest.mark.parametrize("gemeente", ["Den Haag", "Rijswijk", "Leidschendam-Voorburg", "Drechtsteden", "Apeldoorn"])
def test_wie_shows_the_current_routeboek_tasks_first_for_every_role(kb: Knowledge, gemeente: str) -> None:
    for role_id in {v.role.id for v in kb.roles_for(gemeente)}:
        docs = [v.document.key for v in kb.roles_for(gemeente) if v.role.id == role_id]
        blocks = re.findall(r"Taken\W* \(([^,]+?) \(", role_screen(kb, gemeente, role_id))
        assert len(blocks) == len(docs)
        if any(not kb.is_superseded(d) for d in docs):
            first = next(d for d in kb.documents.values() if kb.document_label(d.key).startswith(blocks[0]))
            assert not kb.is_superseded(first.key), (gemeente, role_id)


def test_engine_begrip_command_gives_the_current_rule_first(kb: Knowledge, tmp_path: Path) -> None:
    engine = Engine(kb, Store(tmp_path / "begrip.db"))
    engine.store.save_profile(profile(kb, "Rijswijk"))
    (reply,) = engine.handle("u", Command("begrip", "A&A"))
    assert reply.text.index("Leidschendam-Voorburg") < reply.text.index("Routeboek 2021")

"""/begrip on the shipped routeboeken: a term that several documents define is listed once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.content import load_content
from bot.engine import Command, Engine, Press
from bot.knowledge import Knowledge
from bot.reference import ReferenceDesk
from bot.storage import Profile, Store
from bot.textproc import fold


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_content()


def listing(kb: Knowledge, gemeente: str) -> dict[str, str]:
    (reply,) = ReferenceDesk(kb).terms(Profile("u", "ib", gemeente, "vo"), "")
    lines = [line for line in reply.text.splitlines()[2:] if line]
    terms = [line.split(": ", 1)[0] for line in lines]
    doubled = [term for term, n in Counter(fold(t) for t in terms).items() if n > 1]
    assert doubled == [], f"{gemeente}: listed twice: {doubled}"
    return dict(line.split(": ", 1) for line in lines)


@pytest.mark.parametrize("gemeente", ["Den Haag", "Rijswijk", "Leidschendam-Voorburg", "Drechtsteden", "Apeldoorn"])
def test_begrip_lists_every_term_once(kb: Knowledge, gemeente: str) -> None:
    listing(kb, gemeente)


def test_a_doubled_term_reads_as_the_current_routeboek_has_it(kb: Knowledge) -> None:
    shown = listing(kb, "Den Haag")
    # The 2025 routeboek supersedes the 2021 one; the digitale tool is a navigation aid.
    assert shown["SMW+"] == "Schoolmaatschappelijk werk plus"
    assert shown["SOT"] == "Schoolondersteuningsteam"
    assert shown["CJG"] == "Centrum voor jeugd en gezin"


def test_wie_for_the_drechtsteden_is_paged_and_every_partner_is_reachable(kb: Knowledge, tmp_path: Path) -> None:
    engine = Engine(kb, Store(tmp_path / "db.sqlite"))
    engine.store.save_profile(Profile("u", "ib", "Drechtsteden", "po"))
    (page,) = engine.handle("u", Command("wie"))
    assert not page.edit and "(1/3)" in page.text
    seen: list[str] = []
    while True:
        labels = [b.label for row in page.buttons for b in row]
        partners = [label for label in labels if label not in ("‹ Vorige", "Volgende ›", "Menu")]
        assert len(partners) <= 10 and len(set(partners)) == len(partners)
        seen += partners
        if "Volgende ›" not in labels:
            break
        (page,) = engine.handle("u", Press(next(b.data for row in page.buttons for b in row if b.label == "Volgende ›")))
        assert page.edit  # the next page replaces this one
    assert len(seen) == len(set(seen)) == len({v.role.id for v in kb.roles_for("Drechtsteden")})
    # A partner on the last page: "Wie doet wat" leads back to that page, in place.
    (role,) = engine.handle("u", Press(page.buttons[0][0].data))
    (back,) = engine.handle("u", Press(role.buttons[0][0].data))
    assert back.edit and "(3/3)" in back.text

"""/begrip on the shipped routeboeken: a term that several documents define is listed once."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.content import load_content
from bot.knowledge import Knowledge
from bot.reference import ReferenceDesk
from bot.storage import Profile
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

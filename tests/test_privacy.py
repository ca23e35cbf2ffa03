"""Personal data is recognised; ordinary questions are not mistaken for it."""

from __future__ import annotations

import pytest

from bot.privacy import personal_data_kinds

KNOWN = frozenset({"veilig", "thuis", "den", "haag", "expertiseteam", "complexe", "zorg", "jgz", "rijswijk"})


@pytest.mark.parametrize(
    "text, kind",
    [
        ("bsn 111222333 wat nu", "een BSN"),
        ("zijn nummer is 111222333", "een BSN"),  # passes the elfproef
        ("geboren op 12-03-2011", "een geboortedatum"),
        ("geboortedatum 3 maart 2012", "een geboortedatum"),
        ("mail ouders via piet@example.nl", "een e-mailadres"),
        ("bel moeder op 06-12345678", "een telefoonnummer"),
        ("woont op Dorpsstraat 12", "een adres"),
        ("postcode 2511 AB", "een adres"),
        ("Jan de Vries is ziek", "een naam"),
        ("leerling Sanne zit thuis", "een naam"),
        ("de leerling heet Mohammed", "een naam"),
        ("Sanne Jansen zit al 4 weken thuis", "een naam"),
    ],
)
def test_personal_data_is_recognised(text: str, kind: str) -> None:
    assert kind in personal_data_kinds(text, KNOWN)


@pytest.mark.parametrize(
    "text",
    [
        "leerling 14 jaar, al 3 weken ziek, wat nu?",
        "Moet ik Veilig Thuis bellen?",
        "wanneer naar het Expertiseteam Complexe Zorg in Den Haag",
        "16 uur verzuim in 4 weken melden?",
        "ll van 15 zit sinds 2 maanden thuis",
        "123456789",  # nine digits that fail the elfproef: not a BSN
    ],
)
def test_ordinary_questions_pass(text: str) -> None:
    assert personal_data_kinds(text, KNOWN) == []

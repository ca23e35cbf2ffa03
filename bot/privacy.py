"""Spot personal data in a message before it goes anywhere.

The bot needs no personal data to answer: "leerling 14 jaar, 3 weken ziek" is enough. Messages
that look like they hold a BSN, a birth date, contact details, an address or a child's name are
refused with an explanation, and are never stored or logged.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

_DATE = re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.](19|20)?\d{2}\b")
_WRITTEN_DATE = re.compile(
    r"\b\d{1,2}\s+(jan(uari)?|feb(ruari)?|maart|apr(il)?|mei|juni?|juli?|aug(ustus)?|sep(tember)?|"
    r"okt(ober)?|nov(ember)?|dec(ember)?)\.?\s+(19|20)\d{2}\b",
    re.IGNORECASE,
)
_BIRTH = re.compile(r"\b(geboren|geb\.|geboortedatum|verjaardag)\b", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_PHONE = re.compile(r"(?<!\d)(\+31|0031|0)[\s-]?(6[\s-]?\d{8}|\d{2,3}[\s-]?\d{6,7})(?!\d)")
_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?[A-Z]{2}\b")
_STREET = re.compile(
    r"\b[A-Za-z]{3,}(straat|laan|weg|plein|gracht|kade|singel|dreef|hof|steeg|dijk|pad)\s+\d+", re.IGNORECASE
)
_NINE_DIGITS = re.compile(r"(?<!\d)(\d[\s.]?){8}\d(?!\d)")
_BSN_WORD = re.compile(r"\b(bsn|burgerservicenummer|sofinummer)\b", re.IGNORECASE)
_NAME_CUE = re.compile(r"\b(heet|genaamd|naam is|naam:|achternaam|voornaam)\s+([A-Z][a-z]+)", re.IGNORECASE)
# A capitalised word after a word that introduces a child ("leerling Sanne", "mijn zoon Tim").
_NAMED_CHILD = re.compile(
    r"\b(leerling|ll|jongen|meisje|kind|zoon|dochter|broer|zus|pupil)\s+([A-Z][a-z]{2,})\b"
)


# "Jan de Vries", "Sanne van den Berg": a first name, a Dutch surname prefix, a surname.
_DUTCH_NAME = re.compile(
    r"\b([A-Z][a-z]+)\s+(van der|van den|van de|van|de|der|den|ter|ten|el)\s+([A-Z][a-z]+)"
)
# Two capitalised words in a row ("Sanne Jansen"); checked against known words below.
_CAPITAL_PAIR = re.compile(r"\b([A-Z][a-z]{1,})\s+([A-Z][a-z]{2,})\b")


def _elfproef(digits: str) -> bool:
    """The BSN check digit test."""
    if len(digits) != 9:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0


def personal_data_kinds(text: str, known: AbstractSet[str] = frozenset()) -> list[str]:
    """The kinds of personal data the text seems to contain, in Dutch, for the refusal message.

    `known` holds lower-case words the bot knows (routeboek vocabulary, place names): a
    capitalised known word ("Veilig Thuis", "Rijswijk") is never taken for a name.
    """
    kinds: list[str] = []
    for match in _NINE_DIGITS.finditer(text):
        if _elfproef(re.sub(r"\D", "", match.group(0))):
            kinds.append("een BSN")
            break
    if "een BSN" not in kinds and _BSN_WORD.search(text) and re.search(r"\d{6,}", text):
        kinds.append("een BSN")
    if _DATE.search(text) or _WRITTEN_DATE.search(text):
        kinds.append("een (geboorte)datum" if _BIRTH.search(text) else "een datum")
    elif _BIRTH.search(text) and re.search(r"\d", text):
        kinds.append("een geboortedatum")
    if _EMAIL.search(text):
        kinds.append("een e-mailadres")
    if _PHONE.search(text):
        kinds.append("een telefoonnummer")
    if _POSTCODE.search(text) or _STREET.search(text):
        kinds.append("een adres")
    if _looks_like_name(text, known):
        kinds.append("een naam")
    return kinds


def _looks_like_name(text: str, known: AbstractSet[str]) -> bool:
    for pattern in (_NAME_CUE, _NAMED_CHILD):
        if any(m.group(2).lower() not in known for m in pattern.finditer(text)):
            return True
    for match in _DUTCH_NAME.finditer(text):
        if match.group(1).lower() not in known or match.group(3).lower() not in known:
            return True
    return any(
        m.group(1).lower() not in known and m.group(2).lower() not in known
        for m in _CAPITAL_PAIR.finditer(text)
    )


def refusal(kinds: list[str]) -> str:
    listed = ", ".join(kinds[:-1]) + (" of " if len(kinds) > 1 else "") + kinds[-1]
    return (
        f"Je bericht lijkt {listed} te bevatten. Dat zijn persoonsgegevens van een kind of "
        "gezin, en die heb ik niet nodig. Ik heb je bericht niet bewaard.\n\n"
        "Stel je vraag zonder naam, geboortedatum, BSN of contactgegevens, bijvoorbeeld: "
        "'leerling 14 jaar, al 3 weken ziek, wat nu?'"
    )

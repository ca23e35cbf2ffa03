"""The matcher's pieces, each with fixtures of its own (not the shipped content)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import load_content
from bot.matcher import Matcher
from bot.textproc import CompoundSplitter, content_words, stem, words
from tests.conftest import REGIONS, write_content

DOCS = {
    "knowledge/regions.yaml": REGIONS,
    "knowledge/synonyms.yaml": """\
        synonyms:
          - [spijbelen, ongeoorloofd verzuim]
          - [niet ingeschreven, absoluut verzuim]
        """,
    "knowledge/doc-a.yaml": """\
        document: {key: doc-a, title: Routeboek A, publisher: SWV, version: "2025", region: testregio,
                   gemeenten: [Den Haag, Rijswijk], sectors: [vo]}
        sections:
          - id: a-ziekteverzuim
            title: Zorgwekkend ziekteverzuim
            text: Bij zorgwekkend ziekteverzuim meldt de school de leerling aan bij de jeugdarts.
            source: {document: doc-a, section: "Fase 2"}
          - id: a-ongeoorloofd
            title: Ongeoorloofd verzuim melden
            text: Ongeoorloofd verzuim van 16 uur in 4 weken meldt de school bij DUO.
            source: {document: doc-a, section: "Fase 2.2"}
          - id: a-absoluut
            title: Route zonder schoolinschrijving
            text: Een kind zonder inschrijving valt onder absoluut verzuim. Leerplicht onderzoekt.
            source: {document: doc-a, section: "Route 2"}
          - id: a-jes
            title: Het JES
            text: Het JES bespreekt de leerling en maakt een plan van aanpak met de leerplichtambtenaar.
            source: {document: doc-a, section: "Fase 2.3"}
          - id: a-tafel
            title: Bespreking aan tafel
            text: Thuiszitters worden besproken aan een tafel met de regisseur.
            source: {document: doc-a, section: "Fase 3"}
          - id: a-order-other
            title: Overleg
            text: Zorg bij expertise, jeugdhulp bij complexe vragen.
            source: {document: doc-a, section: "Fase 3.2"}
          - id: a-order-phrase
            title: Overleg
            text: Jeugdhulp bij expertise, complexe zorg bij vragen.
            source: {document: doc-a, section: "Fase 3.1"}
          - id: a-rijswijk
            title: Teamleider jeugdhulp
            text: In Rijswijk schaalt het JES op naar de teamleider jeugdhulp.
            source: {document: doc-a, section: "Bijlage 1"}
            gemeenten: [Rijswijk]
        terms:
          - term: JES
            expansion: Jeugdhulp en schooloverleg
            source: {document: doc-a, section: Afkortingen}
          - term: LPA
            expansion: leerplichtambtenaar
            source: {document: doc-a, section: Afkortingen}
        """,
    "knowledge/doc-b.yaml": """\
        document: {key: doc-b, title: Protocol B, publisher: Gemeente, version: "2024", region: apeldoorn,
                   gemeenten: [Apeldoorn], sectors: [po, vo]}
        sections:
          - id: b-ziekteverzuim
            title: Ziekteverzuim in Apeldoorn
            text: De jeugdarts ziet de leerling bij zorgwekkend ziekteverzuim.
            source: {document: doc-b, section: "3.1"}
          - id: b-po
            title: Alleen basisonderwijs
            text: Het kernteam bespreekt de leerling in het basisonderwijs.
            source: {document: doc-b, section: "3.2"}
            sectors: [po]
        """,
}


@pytest.fixture
def matcher(tmp_path: Path) -> Matcher:
    return Matcher(load_content(write_content(tmp_path / "c", DOCS)))


def top(
    matcher: Matcher, question: str, gemeente: str | None = None, sector: str | None = None
) -> str | None:
    hits = matcher.answer(question, gemeente, sector)
    return hits[0].view.id if hits else None


def test_normalisation_shorthand_numbers_and_stopwords() -> None:
    assert words("Ll is al vier wk ZIEK!") == ["leerling", "is", "al", "4", "weken", "ziek"]
    assert words("de 4de ziekmelding, IB'er") == ["de", "4e", "ziekmelding", "ib", "er"]
    assert content_words("wat moet ik doen als de leerling ziek is") == ["leerling", "ziek"]
    assert content_words("hoe laat is het") == []  # "hoe laat" asks for the time


def test_dutch_stemming_conflates_inflections() -> None:
    assert stem("leerlingen") == stem("leerling")
    assert stem("opschaling") == stem("opschalen")
    assert stem("thuiszitters") == stem("thuiszitter")


def test_compound_splitting_against_vocabulary() -> None:
    splitter = CompoundSplitter(["ziekte", "verzuim", "leerplicht", "ambtenaar", "tafel", "thuiszitters"])
    assert splitter.split("ziekteverzuim") == ["ziekte", "verzuim"]
    assert splitter.split("leerplichtambtenaar") == ["leerplicht", "ambtenaar"]
    assert splitter.split("thuiszitterstafel") == ["thuiszitters", "tafel"]
    assert splitter.split("onbekendwoord") == []
    assert splitter.split("verzuim") == []  # a known word alone is not a compound


def test_pasted_text_without_spaces_is_no_compound() -> None:
    """A "word" of thousands of letters (pasted text, a held-down key) was searched for a split
    in time growing with the square of its length: seconds of the engine thread for one message."""
    splitter = CompoundSplitter(["ziekte", "verzuim", "leerplicht", "ambtenaar"])
    assert splitter.split("ziekteverzuim" * 300) == []
    # A long real compound still splits.
    assert splitter.split("leerplichtambtenaarziekteverzuim") == ["leerplicht", "ambtenaar", "ziekte", "verzuim"]


def test_compound_in_question_finds_passage_with_parts(matcher: Matcher) -> None:
    # The question writes one compound; the passage has its parts as separate words.
    assert top(matcher, "wie zit er aan de thuiszitterstafel?", "Den Haag") == "a-tafel"


def test_short_word_finds_longer_forms(matcher: Matcher) -> None:
    # "ziek" typed, "ziekteverzuim" written: the stem is extended to index stems that begin with it.
    assert top(matcher, "leerling is vaak ziek, wat nu?", "Den Haag") == "a-ziekteverzuim"


def test_glossary_abbreviation_expands(matcher: Matcher) -> None:
    # The question says LPA; the passage only says leerplichtambtenaar.
    assert top(matcher, "wanneer schuift de lpa aan bij het plan van aanpak?", "Den Haag") == "a-jes"


def test_synonym_group_expands(matcher: Matcher) -> None:
    assert top(matcher, "leerling spijbelt veel, waar melden?", "Den Haag") == "a-ongeoorloofd"


def test_typo_tolerance(matcher: Matcher) -> None:
    assert top(matcher, "zorgwekend zietkeverzuim jeugdartz", "Den Haag") == "a-ziekteverzuim"


def test_word_pairs_favour_the_passage_with_the_same_phrase(matcher: Matcher) -> None:
    # Both passages hold exactly the same words; only the second says "complexe zorg".
    hits = matcher.search("complexe zorg bij vragen", "Den Haag")
    assert hits[0].view.id == "a-order-phrase" and hits[1].view.id == "a-order-other"


def test_gemeente_and_sector_filter(matcher: Matcher) -> None:
    assert top(matcher, "zorgwekkend ziekteverzuim jeugdarts", "Apeldoorn") == "b-ziekteverzuim"
    assert top(matcher, "zorgwekkend ziekteverzuim jeugdarts", "Den Haag") == "a-ziekteverzuim"
    assert top(matcher, "teamleider jeugdhulp opschalen", "Den Haag") != "a-rijswijk"
    assert top(matcher, "teamleider jeugdhulp opschalen", "Rijswijk") == "a-rijswijk"
    assert top(matcher, "kernteam basisonderwijs", "Apeldoorn", "vo") != "b-po"
    assert top(matcher, "kernteam basisonderwijs", "Apeldoorn", "po") == "b-po"


def test_rejection_of_questions_outside_the_routeboeken(matcher: Matcher) -> None:
    assert top(matcher, "wat is de hoofdstad van australie") is None
    assert top(matcher, "hoe lang moet een ei koken") is None
    assert top(matcher, "") is None
    assert top(matcher, "???") is None


def test_pronominal_adverbs_are_no_topic() -> None:
    # "daarheen" points back at what the question named; it must not pull in "daarnaast".
    assert content_words("kan een leerling daarheen en wie beslist erover?") == ["leerling", "beslist"]

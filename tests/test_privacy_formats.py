"""The personal-data guard on the formats people really type, with the shipped vocabulary.

Two tables of our own: messages that hold personal data (with the kind the refusal names) and
ordinary questions from the field that must pass. The shipped routeboek vocabulary is passed as
`known`, as the engine does, so role names, gemeenten and glossary terms never count as names.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.content import load_content
from bot.matcher import Matcher
from bot.privacy import (
    ADDRESS,
    BIRTH_DATE,
    BSN,
    EMAIL,
    IBAN,
    NAME,
    OLD_DATE,
    PHONE,
    personal_data_kinds,
    refusal,
)
from bot.textproc import words

TODAY = date(2026, 11, 16)  # a Monday in school year 2026-2027
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


@pytest.fixture(scope="module")
def known() -> frozenset[str]:
    kb = load_content()
    return frozenset(Matcher(kb).vocabulary) | {w for g in kb.gemeenten for w in words(g)}


REFUSED: list[tuple[str, str]] = [
    # phone numbers, however they are written
    ("06 12 34 56 78", PHONE),
    ("+31 (0)6 1234 5678", PHONE),
    ("010 123 45 67", PHONE),
    ("kun je moeder terugbellen op 06-87654321?", PHONE),
    ("vader is bereikbaar via 0031 6 11 22 33 44", PHONE),
    ("mijn nummer: 0612345678, bel me even", PHONE),
    ("tel. 070-3456789 (oma)", PHONE),
    ("ouders hebben alleen een Belgisch nummer +32 470 12 34 56", PHONE),
    ("opa belt vanuit Marokko: +212 6 12 34 56 78", PHONE),
    ("huisnummer? nee, telefoon 015 - 212 34 56", PHONE),
    ("bel 06.12.34.56.78 na 16 uur", PHONE),
    ("whatsapp van moeder: +31612345678", PHONE),
    # BSN, with and without the word
    ("860-129-044", BSN),
    ("bsn 12345672 wat moet ik in het formulier zetten", BSN),
    ("12345672", BSN),
    ("burgerservicenummer 111222333", BSN),
    ("zijn bsn is 860.129.044, kan de lpa dat checken?", BSN),
    ("BSN: 999 999 990", BSN),
    ("het sofinummer 123456782 staat op de aanmelding", BSN),
    ("bsn 12345678 klopt dat?", BSN),  # fails the eleven-test, but the user says it is a BSN
    ("aanmelding voor 111222333 bij het sot", BSN),
    # bank accounts
    ("NL02 RABO 0123 4567 89", IBAN),
    ("ouders betalen de ouderbijdrage niet, rekening NL91ABNA0417164300", IBAN),
    ("iban nl20 ingb 0001 2345 67 van vader", IBAN),
    ("Belgische rekening BE71 0961 2345 6769", IBAN),
    ("DE89 3704 0044 0532 0130 00 is van de oom", IBAN),
    # e-mail, also written to dodge filters
    ("piet(at)ziggo.nl", EMAIL),
    ("mail de moeder op fam.jansen@gmail.com", EMAIL),
    ("stuur het naar j.bakker [at] kpnmail.nl", EMAIL),
    ("vader: m.yilmaz apenstaartje hotmail punt com", EMAIL),
    ("contact via ouders@hetnet.nl", EMAIL),
    ("kun je sanne.devries@outlook.com even cc'en", EMAIL),
    ("mail: pietje{at}live.nl", EMAIL),
    # birth dates and dates far back
    ("geb 2012-03-03", BIRTH_DATE),
    ("geboren op 14-05-2013, wanneer kwalificatieplichtig?", BIRTH_DATE),
    ("geboortedatum 3 maart 2012", BIRTH_DATE),
    ("geb. 7/11/11 en al 4 weken thuis", BIRTH_DATE),
    ("leerling is jarig op 12 april, wordt 16", BIRTH_DATE),
    ("geboren 1 jan 2010, is ze nog leerplichtig?", BIRTH_DATE),
    ("verjaardag 30-9", BIRTH_DATE),
    ("d.o.b. 2011-12-24, geb 24 december", BIRTH_DATE),
    ("meisje van 12-03-2014 zit thuis", OLD_DATE),
    ("leerling (02/02/2012) verzuimt sinds september", OLD_DATE),
    ("3 oktober 2009: is hij nog kwalificatieplichtig?", OLD_DATE),
    ("ingeschreven sinds 2015-08-20 en nu thuiszitter", OLD_DATE),
    # addresses
    ("2511ab", ADDRESS),
    ("Spui 70", ADDRESS),
    ("woont op Dorpsstraat 12a", ADDRESS),
    ("postcode 2511 AB, welke gemeente is dat?", ADDRESS),
    ("het gezin woont op de Laan van Meerdervoort 220", ADDRESS),
    ("adres: Lange Voorhout 34", ADDRESS),
    ("ze wonen aan de Hoofdweg 5 in Rijswijk", ADDRESS),
    ("1234 AB Apeldoorn", ADDRESS),
    ("pc 2288gh, dus Rijswijk?", ADDRESS),
    ("verhuisd naar Kerkplein 3", ADDRESS),
    ("ouders wonen op de Oude Haagweg 101", ADDRESS),
    ("Prinsegracht 42 3e verdieping", ADDRESS),
    ("woonadres Zuidwal 8", ADDRESS),
    # names: capitalised, lower case, alone, with a surname
    ("Sanne is al 3 weken ziek", NAME),
    ("Mohammed komt niet", NAME),
    ("jan de vries", NAME),
    ("Zoë", NAME),
    ("daan is al weken ziek", NAME),
    ("leerling daan zit thuis", NAME),
    ("Fenna van Dam komt niet meer op school", NAME),
    ("de leerling heet Youssef", NAME),
    ("mijn leerling heet lotte en is vaak ziek", NAME),
    ("mentor van Noah vraagt wat hij moet doen", NAME),
    ("Ik maak me zorgen om Emma uit klas 2b", NAME),
    ("broertje Liam zit ook thuis", NAME),
    ("gesprek met sanne en haar moeder", NAME),
    ("zoon mark heeft angstklachten", NAME),
    ("Bram en Lucas spijbelen samen", NAME),
    ("fatima zit sinds de herfstvakantie thuis", NAME),
    ("mevrouw Yilmaz belt steeds over haar zoon", NAME),
    ("moeder Jansen wil een gesprek met de lpa", NAME),
    ("familie El Amrani reageert niet op brieven", NAME),
    ("Sanne Jansen zit al 4 weken thuis", NAME),
    ("ruben de jong is 16 en komt niet", NAME),
    ("meisje Aylin, 14 jaar, weigert school", NAME),
    ("kind Ayoub heeft geen passend aanbod", NAME),
    ("thijs komt al twee weken niet", NAME),
    ("Jayden wil niet naar school", NAME),
    ("ll Kevin is een thuiszitter", NAME),
    ("voornaam Milan, achternaam Bakker", NAME),
    ("Ahmed mist elke maandag", NAME),
    ("dochter tess is overspannen", NAME),
    ("Wat moet ik doen met Olivia? Ze zit thuis.", NAME),
    ("juf Marieke twijfelt over een melding", NAME),
    ("Zeynep is al 5 weken niet geweest", NAME),
    ("kun je Iris haar verzuim bekijken", NAME),
    ("lars verzuimt structureel", NAME),
    ("sem en zijn zus zijn al weken thuis", NAME),
    ("pupil Joëlle zit thuis sinds mei", NAME),
    ("Tim Visser uit 3havo", NAME),
    ("naam leerling: Anouk", NAME),
    ("Yusuf komt te laat, elke dag", NAME),
    ("vraag over julia, ze is 15", NAME),
    ("Het gaat om Daan.", NAME),
    ("oma van Saar zegt dat ze ziek is", NAME),
    ("Priya is 14 en haakt af", NAME),
    ("piet is weer niet op school", NAME),
    ("ilias en zijn broer", NAME),
    # more than one kind at once
    ("Sanne Jansen, geb. 03-03-2012, bsn 111222333", BSN),
    ("bel moeder van Levi op 06-11223344", PHONE),
    ("adres Spui 70, mail piet@ziggo.nl", EMAIL),
]

ACCEPTED: list[str] = [
    "Op 1 augustus 2026 nieuwe regels?",
    "leerling 14 jaar, al 3 weken ziek, wat nu?",
    "wie doet wat bij zorgwekkend verzuim in Den Haag?",
    "Moet ik Veilig Thuis bellen bij vermoeden van mishandeling?",
    "Wanneer schakel ik Leerplicht in?",
    "16 uur ongeoorloofd verzuim in 4 weken: melden bij DUO?",
    "ll van 15 zit sinds 2 maanden thuis, wat zijn de stappen",
    "eerste verzuimdag was 5-1-2026, wanneer moet het MDO?",
    "we hadden een gesprek op 12 november, wat nu?",
    "verzuim begon op 2025-09-01, hoe lang mag dat duren?",
    "de melding is op 3-10-2025 gedaan, termijn?",
    "Op 15 januari 2027 hebben we de doorbraaktafel, wat meenemen?",
    "kinderen geboren na 1 oktober, wanneer leerplichtig?",
    "leerling is geboren in 2012, is hij nog leerplichtig?",
    "wat is een lizzer?",
    "Wat doet de jeugdarts van de JGZ bij ziekteverzuim?",
    "wie zit er bij het JES in Rijswijk?",
    "Ik wil weten wanneer ik moet opschalen",
    "Ben ik verplicht om te melden na 3 dagen?",
    "Hoop dat je kunt helpen met een thuiszitter",
    "Elke leerling die 4 weken ziek is, wat dan?",
    "hoe vaak mag een leerling te laat komen?",
    "Groep 8 leerling weigert naar school te gaan",
    "havo 4 leerling met angstklachten, wat kan school doen?",
    "Stap 3 van de opschaling: wie heeft de regie?",
    "artikel 11 leerplichtwet",
    "wat is het verschil tussen absoluut en relatief verzuim?",
    "Mag ik bellen met 0800-2000 voor advies?",
    "is 14 070 het nummer van de gemeente?",
    "het ondersteuningsteam komt op 3 december bij elkaar",
    "klas 2b heeft veel verzuim, wat doen we?",
    "ouders werken niet mee, wat kan de lpa doen?",
    "kan het SMW bij het eerste gesprek aansluiten?",
    "in Apeldoorn po: wie belt de ouders?",
    "Drechtsteden vo: wat is de route bij langdurig ziekteverzuim?",
    "de ib'er twijfelt: wel of niet melden",
    "Is een vrijstelling mogelijk voor een leerling met autisme?",
    "5 jaar oud en nog niet ingeschreven, wat nu?",
    "We zitten met 30 leerlingen in de klas, hoe houd ik verzuim bij?",
    "Wanneer komt de Expertisetafel Complexe Zorg in beeld?",
    "Leidschendam-Voorburg: welke termijn geldt na de melding?",
    "kan ik 2 weken na de melding al opschalen?",
    "Hoeveel uur verzuim is zorgwekkend?",
    "tussen 10-1 en 20-1 was hij afwezig",
    "afspraak 9/12 om 14.30 uur met de leerplichtambtenaar",
    "Vorig schooljaar, 15 maart 2025, was er al een melding",
    "Per 1-8-2026 nieuwe afspraken?",
    "welke stappen in week 47?",
    "leerling mist 10% van de lessen",
    "wat is de rol van de mentor bij verzuim?",
    "met wie overleg ik als de jeugdhulp vastloopt?",
    "Wie is de casusregisseur?",
    "Ik ben zorgcoördinator en heb een vraag over een thuiszitter",
    "zijn er regels voor verlof buiten de schoolvakanties?",
    "Wat als ouders een vakantie boeken in de toetsweek?",
    "Het kind is 12 en zit al 6 weken thuis na een operatie",
    "Hoe lang duurt een traject bij het maatwerkadviestraject?",
    "Mijn collega vraagt of we meteen Veilig Thuis moeten bellen",
    "kan de gemeente Den Haag jeugdhulp inkopen voor één kind?",
    "Ik heb het formulier van 2024 nog, is dat geldig?",
    "leerling met een OPP en TLV, wie regelt het aanbod?",
    "verzuimregistratie in Magister: hoe lang bewaren?",
    "Wanneer is een leerling een thuiszitter volgens de definitie?",
    "melden bij DUO binnen 5 dagen?",
    "ons MDO is op 2026-12-10, wie nodigen we uit?",
]


@pytest.mark.parametrize(("text", "kind"), REFUSED)
def test_personal_data_is_refused(text: str, kind: str, known: frozenset[str]) -> None:
    assert kind in personal_data_kinds(text, known, TODAY)


@pytest.mark.parametrize("text", ACCEPTED)
def test_ordinary_questions_pass(text: str, known: frozenset[str]) -> None:
    assert personal_data_kinds(text, known, TODAY) == []


def test_the_tables_are_large_enough() -> None:
    assert len(REFUSED) >= 100 and len(ACCEPTED) >= 60
    assert len({t for t, _ in REFUSED}) == len(REFUSED) and len(set(ACCEPTED)) == len(ACCEPTED)


def _dev_questions() -> list[str]:
    questions: list[str] = []
    for name in ("questions-dev.yaml", "questions-dev-2.yaml"):
        path = EVAL / name
        if path.exists():
            questions += [item["question"] for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return questions


def test_no_question_of_the_dev_sets_is_refused(known: frozenset[str]) -> None:
    questions = _dev_questions()
    if not questions:
        pytest.skip(f"no eval questions at {EVAL}")
    refused = [(q, personal_data_kinds(q, known)) for q in questions if personal_data_kinds(q, known)]
    assert refused == []


def test_the_refusal_says_why_and_what_to_type_instead() -> None:
    text = refusal([NAME, BIRTH_DATE])
    assert "een naam en een geboortedatum" in text
    assert "casuscode" in text and "14 jaar" in text and "niet bewaard" in text
    assert "Sanne" not in text

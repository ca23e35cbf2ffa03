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
    # --- fresh cases of a second audit (issue 10) ---
    # phone numbers
    ("bel de moeder op 06 - 24 68 13 57", PHONE),
    ("06-2468 1357 is van vader", PHONE),
    ("+31 6 24681357", PHONE),
    ("0031-(0)6-24681357", PHONE),
    ("(070) 345 67 89", PHONE),
    ("0703456789 is het huisnummer van oma", PHONE),
    ("030 - 2345678 bellen na 3 uur", PHONE),
    ("nummer vader 0651234567", PHONE),
    ("tel: 06 51 23 45 67", PHONE),
    ("0646 12 34 56 bellen graag", PHONE),
    ("020-6543210 kantoor van vader", PHONE),
    ("+44 7911 123456 is het nummer van de tante", PHONE),
    # BSN
    ("bsn: 123 456 782", BSN),
    ("BSN 1234 56 782", BSN),
    ("sofi 111-222-333", BSN),
    ("het burgerservicenummer is 23456785", BSN),
    ("leerling met bsn 0123.45.672", BSN),
    ("BSN nummer 876543217 in het dossier?", BSN),
    # bank accounts
    ("NL91 ABNA 0417 1643 00", IBAN),
    ("rekeningnummer nl18rabo0123459876", IBAN),
    ("IBAN NL44 INGB 0123 4567 89 op naam van moeder", IBAN),
    ("FR14 2004 1010 0505 0001 3M02 606", IBAN),
    # e-mail
    ("m.devries(at)gmail.com", EMAIL),
    ("moeder: anja punt bakker at hotmail punt com", EMAIL),
    ("stuur naar vader @ ziggo.nl", EMAIL),
    ("j.jansen[at]school.nl", EMAIL),
    ("info@familiejansen.nl", EMAIL),
    ("p.smit (at) kpnplanet (dot) nl", EMAIL),
    # birth dates and dates far back
    ("geb. 12-4-2013", BIRTH_DATE),
    ("geb 4 juni 2012", BIRTH_DATE),
    ("geboren 2011-09-30", BIRTH_DATE),
    ("Geboortedatum: 01/02/2012", BIRTH_DATE),
    ("zij is geboren op 9 september 2014", BIRTH_DATE),
    ("leerling geb.datum 3-3-12", BIRTH_DATE),
    ("jarig op 5 mei", BIRTH_DATE),
    ("verjaardag is 14 februari", BIRTH_DATE),
    ("dob 2012/05/06", BIRTH_DATE),
    ("meisje van 8-8-2015 komt niet", OLD_DATE),
    ("leerling 21-11-2010 verzuimt", OLD_DATE),
    ("jongen (6 juni 2011) zit thuis", OLD_DATE),
    # postcodes and addresses
    ("postcode 1011AB", ADDRESS),
    ("3512 jk utrecht", ADDRESS),
    ("ze woont in 2594 CD", ADDRESS),
    ("pc: 7311 ab apeldoorn", ADDRESS),
    ("2282 hb rijswijk", ADDRESS),
    ("woont aan de Javastraat 14", ADDRESS),
    ("Lange Poten 7 is het adres", ADDRESS),
    ("Kerkstraat 1a", ADDRESS),
    ("adres is Burgemeester Hovylaan 11", ADDRESS),
    ("zij wonen op Marktplein 9 3hoog", ADDRESS),
    ("verhuisd naar Oranjeplein 2b", ADDRESS),
    ("Binnenhof 1", ADDRESS),
    ("woonachtig Noordeinde 68", ADDRESS),
    ("Korte Vijverberg 3 is waar ze wonen", ADDRESS),
    ("Nieuwe Schoolstraat 5 naast de school", ADDRESS),
    ("woont naast de school op Noordeinde 12", ADDRESS),
    ("3512jk is de postcode", ADDRESS),
    # names
    ("emma komt al weken niet", NAME),
    ("leerling noah spijbelt", NAME),
    ("zoon finn zit thuis", NAME),
    ("mila is vaak ziek", NAME),
    ("sara heeft buikpijn en blijft thuis", NAME),
    ("gesprek met lieke", NAME),
    ("leerling julia haakt af", NAME),
    ("wat doe ik met mees, hij komt niet", NAME),
    ("dochter anna is overspannen", NAME),
    ("Lisa de Boer zit thuis", NAME),
    ("jesse van dijk verzuimt", NAME),
    ("mohamed komt niet", NAME),
    ("vader van sophie belt", NAME),
    ("Noor wil niet naar school", NAME),
    ("Het gaat om Levi uit 4vwo", NAME),
    ("Ik maak me zorgen over Mehmet", NAME),
    ("leerling Sem, 15 jaar", NAME),
    ("moeder van Ayoub belt niet terug", NAME),
    ("naam: Jasmijn", NAME),
    ("hij heet Stijn", NAME),
    ("kevin en zijn broer spijbelen", NAME),
    ("zoë zit thuis", NAME),
    ("noa is al 3 weken ziek", NAME),
    ("leerling lucas en zijn zus", NAME),
    ("gesprek met bram en zijn ouders", NAME),
]

ACCEPTED: list[str] = [
    # "max" is the routeboeken's shorthand for maximaal, not the name Max.
    "mag een school een ll max 5 dagen schorsen",
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
    # --- fresh cases of a second audit (issue 10): meetings and absence this or last school
    # year or ahead, a date whose digits pass the BSN eleven-test, a count after 'woont',
    # article numbers, class names, capitalised words before a number that are no street
    "Lange tijd thuis, 3 weken al",
    "Wet Passend Onderwijs 2014: wat veranderde er?",
    "Stap 2 van de route, wie doet wat?",
    "Groep 8 leerling woont in Rijswijk, wie is de lpa?",
    "de leerling woont in Den Haag, stap 3 is gezet",
    "ouders wonen gescheiden, Artikel 2 leerplichtwet?",
    "Bureau Leerplicht 2 keer gebeld, wat nu?",
    "Sociaal Team 3 dagen geleden ingeschakeld",
    "Veilig Thuis 24 uur per dag bereikbaar?",
    "Route Den Haag 2 of 3?",
    "Fase 2 en Fase 3 van de route",
    "Op Dinsdag 8 december is het MDO",
    "Vorige Week 3 keer afwezig",
    "in 2026 is de regel anders",
    "in 2025 ga ik melden",
    "sinds 2024 nu anders?",
    "1200 uur onderwijs per jaar",
    "wat als een leerling 1000 km verderop woont?",
    "Hoofdstuk 4 van het routeboek",
    "Bijlage 1 Den Haag",
    "leerling woont bij Vader 2 dagen per week",
    "Klas 4 Havo heeft veel verzuim",
    "wat doet de jeugdarts op 12 januari 2026 bij het overleg?",
    "ziek sinds 28-08-2025, is dat langdurig?",
    "het vorige MDO was op 15-06-2025",
    "eerste verzuimdag 2025-08-25",
    "melding gedaan op 1 september 2025",
    "leerling is geboren in 2011, wanneer kwalificatieplichtig?",
    "jarig in de vakantie, telt dat?",
    "geboren na 1 oktober: naar groep 1?",
    "mark het verzuim in Somtoday",
    "ik heb hoop dat het goed komt",
    "een roos voor de juf na het gesprek",
    "wil je mee naar het gesprek?",
    "de mees van de school",
    "de zorg van de school is groot",
    "wie belt er met de huisarts?",
    "kan ik nog bellen na 17.00?",
    "hoe vaak mag een leerling 5 minuten te laat komen?",
    "artikel 5 onder a en artikel 5 onder b",
    "art 11 onder g",
    "de leerling uit 3b en de leerling uit 2a",
    "klas 1a, 2b en 3c",
    "vmbo-t 3 leerling verzuimt",
    "leerling 4 havo, 16 jaar",
    "Wat is de route voor het mbo in Apeldoorn?",
    "Hoeveel dagen heb ik voor een melding bij DUO?",
    "Kan ik 0800 1234 bellen?",
    "14 070 bellen voor de gemeente?",
    "het kind is 7 en zit in groep 4",
    "Rijswijk vo: wie is het aanspreekpunt?",
    "Leidschendam-Voorburg po: hoe meld ik?",
    "Zoetermeer: wat is het JES?",
    "wie zit er bij de Doorbraaktafel?",
    "kan een leerling met 3 vrijstellingen?",
    "stap 3b: wie belt Veilig Thuis?",
    "Het gesprek is op 2 maart 2027",
    "we zien elkaar 3-2-2027",
    "op 30-06-2026 was er al een gesprek, vorig schooljaar",
    "woont bij vader 3 dagen per week, wie meldt?",
    "woont sinds kort 2 weken bij oma",
    "woont al 3 jaar in Delft",
    "eerste verzuimdag 03-10-2026, wanneer het MDO?",
    "gesprek op 19.11.2026 met de jeugdarts",
    "het verzuim begon 12-01-2026",
    "15-10-2026",
    "Bij Stap 2 moet ik wat doen?",
    "Bij Groep 8 wat anders?",
    "Zie Bijlage 1",
    "Wat Zegt Artikel 11?",
    "Het Kindgesprek 2 keer gehad",
    "Leerling Havo 4 met verzuim",
    "Op Maandag 12 uur verzuim",
    "Na Fase 2 wat dan?",
    "In Week 47 het MDO",
    "Volgens Hoofdstuk 3 van het routeboek",
    "Passend Onderwijs 2 vragen",
    "Mijn Vraag 1: wat is een thuiszitter?",
    "Vraag 2: wie belt?",
    "Team Jeugd 3 keer gebeld",
    "Route Apeldoorn 2 is anders",
    "Deel 2 van de route",
    "Zorgplicht School 1 of 2?",
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

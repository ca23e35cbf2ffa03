"""What a question's structure says, before any passage is looked at.

Who writes it (a parent or a pupil rather than a professional), whether it asks the bot to do a
task rather than to say what the routeboek says, which identifiers it names, which decisions it
negates and which thing it asks for ("welke absentiecode ...": the absentiecode). These come
from the grammar of Dutch questions, never from the wording of particular questions.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from bot.identifiers import identifiers
from bot.textproc import STOPWORDS, fold, stem, words

# First-person markers of a parent ("mijn zoon", "ik ben moeder") or a pupil ("ik zit in
# klas 2", "ik wil niet naar school"). A professional writes "ouders", "de leerling", "mijn
# mentorleerling": third persons.
_PARENT = re.compile(
    r"\b(?:mijn|onze) (?:kind|kinderen|zoon|zoontje|dochter|dochtertje)\b"
    r"|\bik ben (?:een |de )?(?:ouder|moeder|vader|verzorger)\b"
    r"|\bals (?:ouder|moeder|vader)\b"
)
_PUPIL = re.compile(
    r"\bik ben (?:een )?(?:leerling|scholier)\b|\bik zit in (?:groep|klas|de klas)\b"
    r"|\bik (?:wil|hoef|durf|kan) (?:niet|nooit) (?:meer )?naar school\b|\bik spijbel\b"
    r"|\bmijn (?:mentor|leraar|juf|meester)\b(?! ?leerling)"
)
# The asker as the one the question is about, in their own job: "hoe meld ik me ziek", "ik
# meld mij beter", "ik ben zelf ziek". A professional reports pupils, never themselves.
_SELF = re.compile(
    r"\b(?:meld|melden)\s+(?:ik|je)\s+(?:me|mij|mezelf)\b|\bik meld (?:me|mij|mezelf)\b|\bik ben zelf\b"
)
# Requests to produce something: "schrijf een mail", "kun je een brief opstellen".
_TASK_VERB = (
    r"(?:schrijf|schrijven|opstellen|stel|formuleer|formuleren|maak|maken|vertaal|vertalen|"
    r"vat|samenvatten|opzetten|write|draft|helpen met|help me met)"
)
_TASK_OBJECT = (
    r"(?:mail|e-?mail|brief|bericht|tekst|verslag|samenvatting|uitnodiging|app|whatsapp|email|letter)"
)
# The object may be a compound of one ("sollicitatiebrief", "uitnodigingsmail").
_TASK = re.compile(
    rf"\b{_TASK_VERB}\b(?:\W+\w+){{0,6}}?\W+\w*{_TASK_OBJECT}\b|\b\w*{_TASK_OBJECT}\b(?:\W+\w+){{0,6}}?\W+{_TASK_VERB}\b"
)
# Words that turn a decision around: "niet", "geen", "zonder", "weigeren".
NEGATORS = frozenset({"niet", "geen", "zonder", "nooit", "weigeren", "weigert", "afgewezen", "afwijzen"})
_NEGATOR_STEMS = frozenset(stem(w) for w in NEGATORS) | frozenset(NEGATORS)
_REFUSAL_STEMS = frozenset(stem(w) for w in ("weigeren", "weigert", "weigerden")) | {"weigeren", "weigert"}
PARTICLES = frozenset({"aan", "af", "op", "in", "uit", "door", "mee", "toe", "terug"})
NEGATION_WINDOW = 3  # words between a negator and the decision it turns around
# "welke X", "hoeveel X", "hoe hoog is de X", "wat kost een X": the thing asked for.
_FOCUS = re.compile(
    r"\b(?:welke|welk|hoeveel|hoe hoog is (?:de|het)|hoe duur is (?:de|het)|wat kost (?:de|het|een))\s+(?P<focus>[\w-]+)"
)
# "wat is de (nieuwe) X": the thing a definition question asks for, maybe after an adjective.
_FOCUS_WHAT = re.compile(r"^\W*wat (?:is|zijn|betekent|houdt) (?:de |het |een )?(?P<a>[\w-]+)(?: (?P<b>[\w-]+))?")
# "hoeveel X (Y)": the things a question asks to count ("hoeveel extra uren": extra or uren).
_COUNTS = re.compile(r"\bhoeveel\s+(?P<a>[\w-]+)(?:\s+(?P<b>[\w-]+))?")
# A count that asks a rule's limit ("hoeveel leerlingen mogen ...", "max") or the size of a set
# the routeboeken list ("hoeveel expertisetafels zijn er"), not a figure of the world.
_RULE_OR_SET = re.compile(
    r"\b(?:mag|mogen|moet|moeten|kan|kunnen|max|maximaal|minimaal|hoogstens)\b"
    r"|\b(?:zijn|zitten|staan|bestaan) er\b"
)
# A period or an area of the world makes any count a statistic ("dit jaar", "landelijk").
_PERIOD = re.compile(
    r"\b(?:dit|vorig|vorige|afgelopen|volgend|komend) (?:school)?jaar\b|\blandelijk\b|\bin (?:heel )?nederland\b"
)


# Questions after a term, a number or a moment ("hoe lang", "hoeveel", "vanaf wanneer", "welke
# leeftijd"): their answer is a sentence that holds an amount.
_WANTS_AMOUNT = re.compile(
    r"\b(?:hoe ?lang|hoeveel|hoe vaak|hoe snel|hoe oud|wanneer|binnen welke|welke (?:\w+e )?(?:termijn|leeftijd|dag|"
    r"datum|periode|duur)|op welke dag|maximaal|max)\b"
)
_NUMBER_WORD = (
    r"(?:\d+|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|zestien|achttien|"
    r"eerste|tweede|derde|vierde|vijfde|zesde|zevende|achtste|tiende)"
)
_AMOUNT = re.compile(
    rf"\b{_NUMBER_WORD}[\s-]*(?:school|werk|kalender|les)?(?:dag|dagen|dagdel\w*|week|weken|maand\w*|"
    r"jaar|jaren|uur|uren|keer|ziekmelding\w*)\b"
    r"|\b(?:maandag|dinsdag|woensdag|donderdag|vrijdag)\w*|\d+\s*%"
)


# Questions after the members of a set: "welke scholen", "welke andere stappen", "wat zijn de
# varianten". A Dutch plural ends in -en or -s; a list in the passage is then the answer.
_WANTS_LIST = re.compile(r"\bwelke (?:\w+e )?\w{2,}(?:en|s)\b|\bwat zijn (?:de|er)\b")


def holds_amount(text: str) -> bool:
    """Whether a sentence states an amount or a moment: "8 schoolweken", "dinsdagochtend"."""
    return bool(_AMOUNT.search(fold(text)))


# Questions after who takes part ("wie zitten erin", "wie neemt deel aan", "wie schuiven aan"):
# their answer is the sentence that names the members, in the routeboeken's own words for it.
# "Welke disciplines schuiven er aan": the word after "welke" is the kind of member asked for, a
# word of its own that the routeboeken need not use (they name the members themselves).
_WANTS_MEMBERS = re.compile(
    r"\b(?:wie|welke (?P<kind>[\w'-]+)) (?:(?:zit|zitten|zat|zaten)\b|(?:neemt|nemen|doet|doen) (?:er )?(?:deel|mee)\b"
    r"|schui[fv]\w*(?: [\w'-]+){0,4} aan\b)"
    r"|\b(?:leden|deelnemers|samenstelling)\b"
)
_MEMBERS = re.compile(
    r"\b(?:deelnemers|neemt deel|nemen deel|aan tafel|schuiven aan|leden|samenstelling|vertegenwoordigd|betrokkenen)\b"
    r"|\bbesta(?:at|an)\b(?:\s+[\w'’-]+){0,4}?\s+uit\b"
)


def holds_members(text: str) -> bool:
    """Whether a sentence names who takes part: "Deelnemers: ...", "bestaat uit ..."."""
    return bool(_MEMBERS.search(fold(text)))


# Questions whether a case belongs to a category ("valt die onder thuiszitters?", "telt dat mee?"):
# their answer is the sentence that says what does, or does not, fall under it.
_FALLS_UNDER = r"\b(?:{verbs})\b(?:\s+[\w'-]+){{0,4}}?\s+onder\b"
_COUNTS_AS = r"\b(?:telt|tellen)\b(?:\s+[\w'-]+){0,4}?\s+(?:mee|als)\b"
_WANTS_CLASS = re.compile(_FALLS_UNDER.format(verbs="valt|vallen") + "|" + _COUNTS_AS)
_CLASS = re.compile(
    _FALLS_UNDER.format(verbs="valt|vallen|vielen")
    + "|"
    + _COUNTS_AS
    + r"|\bgeld(?:t|en) als\b|\bwordt? (?:\w+ )?(?:gezien|beschouwd) als\b"
)


def holds_class(text: str) -> bool:
    """Whether a sentence says what falls under a category: "vallen nog niet onder de leerplicht"."""
    return bool(_CLASS.search(fold(text)))


# A case in a sector the routeboeken are not about: the pupil is a student of mbo, hbo or wo
# ("mbo-student van 19", "zit op het roc"). Going to the mbo ("eerder naar het mbo") is theirs.
_OTHER_SECTOR = re.compile(
    r"\b(?:mbo|hbo|wo|roc)[- ]?(?:student|studente|studenten|leerling|leerlingen|ers?)\b"
    r"|\b(?:student|studente|studenten|leerling|leerlingen|jongere|ll|lln)\s+(?:van|op|aan)\s+(?:het|de|een)\s+"
    r"(?:mbo|hbo|roc|hogeschool|universiteit)\b"
    r"|\b(?:zit|zitten|studeert|studeren|ingeschreven)\s+(?:[\w'-]+\s+){0,2}?(?:op|aan)\s+(?:het|de|een)\s+"
    r"(?:mbo|hbo|roc|hogeschool|universiteit)\b"
)


@dataclass(frozen=True)
class Shape:
    identifiers: frozenset[str]
    asker: str | None  # "ouder" or "leerling" when the question is written by one
    task: bool
    focus: str | None  # the (folded) word the question asks for, if its grammar shows it
    wants_amount: bool = False  # it asks how long, how many, from when: a term or a number
    wants_list: bool = False  # it asks for the members of a set: "welke scholen"
    wants_members: bool = False  # it asks who takes part: "wie zitten erin"
    wants_class: bool = False  # it asks whether a case falls under a category: "valt dat onder"
    member_kind: str | None = None  # "welke disciplines schuiven aan": the kind of member asked for
    # "hoeveel thuiszitters", "hoeveel extra uren": the words after "hoeveel", one of which is
    # the thing to count (empty when the question asks no figure: a rule's limit, a listed set)
    counts: tuple[str, ...] = ()
    about_self: bool = False  # the asker asks about their own work, not a pupil's case
    other_sector: bool = False  # the pupil is a student of mbo, hbo or wo, not of po or vo
    defined: tuple[str, ...] = ()  # "wat is de nieuwe cao": the words that may name what is asked


def read(text: str) -> Shape:
    """The structure of a question: asker, task, identifiers, focus word."""
    low = fold(text)
    asker = "ouder" if _PARENT.search(low) else "leerling" if _PUPIL.search(low) else None
    focus = _FOCUS.search(low)
    word = focus.group("focus") if focus else None
    what = _FOCUS_WHAT.search(low) if word is None else None
    asked = tuple(w for w in what.group("a", "b") if w and w not in STOPWORDS) if what else ()
    members = _WANTS_MEMBERS.search(low)
    counted = _COUNTS.search(low)
    statistic = bool(counted) and (bool(_PERIOD.search(low)) or not _RULE_OR_SET.search(low))
    counts = tuple(w for w in counted.group("a", "b") if w) if counted and statistic else ()
    if counts[:1] and counts[0] in STOPWORDS:  # "hoeveel mag ...": no thing counted
        counts = ()
    return Shape(
        identifiers=identifiers(text),
        asker=asker,
        task=bool(_TASK.search(low)),
        focus=word if word and word not in STOPWORDS else None,
        wants_amount=bool(_WANTS_AMOUNT.search(low)),
        wants_list=bool(_WANTS_LIST.search(low)),
        wants_members=bool(members),
        wants_class=bool(_WANTS_CLASS.search(low)),
        member_kind=members.group("kind") if members else None,
        counts=counts,
        about_self=bool(_SELF.search(low)),
        other_sector=bool(_OTHER_SECTOR.search(low)),
        defined=asked,
    )


@dataclass(frozen=True)
class Relevance:
    """What a sentence holds of one question, per concept, and what kind of answer it wants.

    The card picks its lines with it; a question after the members of a set ("welke scholen")
    is answered by a list of the passage as a whole, so that wish travels with the scores.
    """

    score: Callable[[str], dict[str, float]]
    wants_list: bool = False
    term_line: str = ""  # the glossary term the question asks about, spelled out

    def __call__(self, sentence: str) -> dict[str, float]:
        return self.score(sentence)


def polarity(text: str, decision: str) -> bool | None:
    """Whether the question says the decision holds (True), says it does not (False) or does
    not name it (None). `decision` may list alternatives: "afgegeven|verleend".

    "zonder kernteam", "wordt niet verleend", "weigeren aan te melden" negate their decision: a
    negator up to three words before it, or right after it, in the same clause. A "niet"
    elsewhere ("komt niet naar school, ... kernteam") changes nothing.
    """
    said = {_polarity(text, alt) for alt in decision.split("|")}
    return False if False in said else True if True in said else None


@lru_cache(maxsize=1024)
def _decision_stems(decision: str) -> tuple[str, ...]:
    """The stems a decision of the content is named by (the same few for every question)."""
    return tuple(stem(w) for w in words(decision) if w not in STOPWORDS)


@lru_cache(maxsize=1024)
def _decision_lemmas(decision: str) -> tuple[str, ...]:
    """The dictionary forms of a decision's words ("afgegeven": afgeven), once per decision."""
    return tuple(lemma(w) for w in words(decision) if w not in STOPWORDS)


_WARMING: list[threading.Thread] = []


def warm_up_lemmas() -> None:
    """Load the Dutch lexicon in the background (about 0.7 s): the first negated question is not
    the one that waits, and the index build does not either."""
    if not _WARMING:
        thread = threading.Thread(target=lemma, args=("geven",), name="lemmas", daemon=True)
        _WARMING.append(thread)
        thread.start()


@lru_cache(maxsize=8192)
def lemma(word: str) -> str:
    """A Dutch word's dictionary form: "geeft", "afgegeven" and "afgeeft" are forms of "geven"
    and "afgeven", which no stemmer joins (the vowel changes). From simplemma's Dutch
    lexicon; its separable verbs ("toe_kennen") are written whole."""
    import simplemma

    return str(simplemma.lemmatize(word, lang="nl")).replace("_", "")


def _polarity(text: str, decision: str) -> bool | None:
    target = list(_decision_stems(decision))
    if not target:
        return None
    verbs = _decision_lemmas(decision) if len(target) == 1 else ()
    found: bool | None = None
    for all_words, tokens in _clauses(text):
        for i in range(len(tokens)):
            end = _names(all_words, tokens, i, target, verbs)
            if end < 0:
                continue
            before = tokens[max(0, i - NEGATION_WINDOW) : i]
            after = tokens[i + 1 : end + 1]
            # "weigeren hun kind bij een school aan te melden": a refusal governs its
            # te-infinitive however far it stands in the clause.
            refused = "te" in all_words[max(0, i - 1) : end + 1] and any(t in _REFUSAL_STEMS for t in tokens[:i])
            if "wel" in all_words[i : end + 1]:
                # "... maar melden hun kind wel aan": "wel" says it did happen.
                found = True if found is None else found
            elif refused or any(t in _NEGATOR_STEMS for t in before + after):
                found = False
            elif found is None:
                found = True
    return found


@lru_cache(maxsize=256)
def _clauses(text: str) -> tuple[tuple[list[str], list[str]], ...]:
    """A question's clauses, each as its words and their stems: the same for every decision a
    question is read against (one per branch section among the candidates)."""
    out = []
    for clause in _CLAUSE.split(fold(text)):
        all_words = words(clause)
        out.append((all_words, [stem(w) for w in all_words]))
    return tuple(out)


_CLAUSE = re.compile(r"[,.;:!?()]+|\s(?:want|omdat|terwijl|en dus)\s")


def _names(
    all_words: list[str], tokens: list[str], i: int, target: list[str], lemmas: tuple[str, ...] = ()
) -> int:
    """Where the decision's words that start at position i end (-1: they don't start there),
    also as a separable verb: "melden haar niet aan" and "aan te melden" name "aanmelden"."""
    if tokens[i : i + len(target)] == target:
        return i + len(target)
    if len(target) != 1:
        return -1
    word = all_words[i]
    verb = lemmas[0] if lemmas else None
    if word in PARTICLES:
        if i + 2 < len(all_words) and all_words[i + 1] == "te" and _same(word + all_words[i + 2], target[0], verb):
            return i + 3
        return -1
    if verb and word.isalpha() and lemma(word) == verb:
        # Another form of the same verb ("verleent", "verleend"). A finite verb stands before
        # its object, the negation after it: "verleent de vrijstelling niet".
        return min(i + NEGATION_WINDOW, len(all_words) - 1)
    for j in range(i + 1, min(i + 6, len(all_words))):
        if all_words[j] in PARTICLES and _same(all_words[j] + word, target[0], verb):
            return j
    return -1


def _same(joined: str, target: str, verb: str | None) -> bool:
    """A separable verb put back together ("af" + "geeft") names the decision's verb."""
    return stem(joined) == target or (verb is not None and lemma(joined) == verb)

"""Find the routeboek section that answers a free-text question.

Ranking is BM25F (field-weighted BM25) over stems: titles and the curated keywords/example
questions count more than the long passage text, so a short question can find a long passage.
The query is widened with compound parts, glossary abbreviations, synonym groups and typo
corrections, each at a lower weight than what the user literally typed. A question that matches
too little of what it asks about gets no answer: an honest "weet ik niet" beats a wrong passage.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise

from rapidfuzz import fuzz, process

from bot.knowledge import Knowledge, SectionView
from bot.places import adjective_forms, country_words
from bot.specificity import everyday_zipf, salience, specificity, warm_up
from bot.textproc import SHORTHAND, STOPWORDS, CompoundSplitter, content_words, fold, stem, words

# Sentences whose analysis relevance() keeps (the shipped content has about 5,000).
SENTENCE_CACHE = 20_000

_STOP_STEMS = frozenset(stem(w) for w in STOPWORDS)

# Field weights and BM25 parameters (title, keywords + example questions, passage text).
FIELD_WEIGHTS = {"title": 2.5, "keys": 2.0, "body": 1.0}
FIELD_B = {"title": 0.3, "keys": 0.5, "body": 0.75}
K1 = 1.2

# How much an added query term counts compared with one the user typed.
W_TYPED = 1.0
W_PART = 0.6
W_TYPO = 0.8
W_LONGER = 0.7
MAX_LONGER = 12  # an index stem that extends what was typed ("ziek" -> "ziekt", "ziekteverzuim")
W_GLOSSARY = 0.6
W_SYNONYM = 0.5
# What every other country is to a Dutch routeboek.
ABROAD = "buitenland"
W_PLACE = 0.5
PARTICLES = frozenset(
    {"op", "aan", "af", "in", "uit", "door", "mee", "terug", "toe", "over", "bij", "vast", "na"}
)
PHRASE_GAP = 2  # words a question may put between the words of a synonym phrase
W_BIGRAM = 0.5  # an adjacent word pair of the question found as a pair in the passage

# Words by which a question says which sector it is about.
SECTOR_WORDS = {
    "po": frozenset({"po", "basisschool", "basisscholen", "basisonderwijs", "primair", "kleuter", "groep"}),
    "vo": frozenset({"vo", "middelbare", "voortgezet", "brugklas", "brugklasser", "brugklassers", "vmbo", "havo", "vwo"}),
}

_SECTOR_MARKERS = frozenset().union(*SECTOR_WORDS.values())

# A typed word unknown to the routeboeken and to everyday Dutch (a name, a typo): how much it
# counts against the question being about the routeboeken.
UNSEEN_FOREIGN = 0.6
# An everyday compound the routeboeken lack while they know its parts counts this share.
ESTABLISHED_COMPOUND = 0.6
COMPOUND_FOREIGN = 0.5
# A word this common in everyday Dutch is a word of its own, not a typo of a routeboek word
# ("schoolboeken" is no "schoolbezoeken").
TYPO_MAX_ZIPF = 1.5
# From this Zipf value a word is common in everyday Dutch (a few times per 100,000 words).
COMMON_WORD_ZIPF = 4.0

# A section of a superseded document ranks a little lower than the current one.
SUPERSEDED_FACTOR = 0.9
# What a term of the most everyday word still weighs in ranking (a specific word weighs 1).
EVERYDAY_FLOOR = 0.6

# Rejection. The best section must share field-specific words with the question: the summed
# specificity (bot/specificity.py) of the question words it matches is its evidence. Everyday
# words score 0.1-0.4 each, terms of the trade up to 1.0, so one real term is enough and a few
# everyday words are not. It must also cover a minimum share of what the question asks.
MIN_EVIDENCE = 0.5
MIN_COVERAGE = 0.25
FULL_COVERAGE = 0.9
MIN_EVIDENCE_FULL = 0.4
# The minimum raw score, as a share of the largest idf (so it scales with the size of the corpus).
MIN_SCORE_SHARE = 0.5
# The second result is offered as a choice when it scores at least this share of the first.
AMBIGUITY_RATIO = 0.9


_CASED_WORD = re.compile(r"[^\W\d_]+")
# Units of time, and the words that ask for a time without naming its unit.
_TIME_UNITS = frozenset(stem(w) for w in ("dagen", "weken", "schoolweken", "maanden", "uur", "jaar"))
_TIME_ITSELF = frozenset(stem(w) for w in ("tijd", "termijn", "periode"))
# A number, in digits or words, also as an ordinal ("de vierde ziekmelding", "4e"), and the word
# (or percent sign) it counts.
_COUNTED = re.compile(
    r"\b(?:\d+(?:[.,]\d+)?e?|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig|"
    r"dertig|veertig|vijftig|honderd|duizend|eerste|tweede|derde|vierde|vijfde|zesde|zevende|achtste|"
    r"negende|tiende)(?:\s*(?P<pct>%)|\s+(?P<unit>[^\W\d_][\w-]*))"
)
# What precedes the first word of a sentence or a list item.
_SENTENCE_MARKS = frozenset(".!?;\"'\n\u2022-")


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` opens a sentence or list item ("1. ", "- ")."""
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i < 0 or text[i] in _SENTENCE_MARKS:
        return True
    return text[i] in ".)" and i > 0 and text[i - 1].isdigit()


@dataclass(frozen=True)
class Hit:
    view: SectionView
    score: float  # 0..1, shown to users and in JSON
    raw: float
    coverage: float
    matched: tuple[str, ...] = ()  # the question's concepts this section matches
    evidence: float = 0.0  # summed specificity of those concepts
    field_evidence: float = 0.0  # summed field weight of those concepts (Query.field_weight)


@dataclass
class Query:
    """Weighted index terms, each traced back to the typed words (concepts) it stands for."""

    terms: dict[str, float] = field(default_factory=dict)  # stem -> weight
    origins: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # stem -> concepts
    concepts: dict[str, float] = field(default_factory=dict)  # typed concept -> importance
    # typed concept -> how much it says the question is about the routeboeken (bot/specificity.py)
    field_weight: dict[str, float] = field(default_factory=dict)
    # typed words of another trade: specific in everyday Dutch, never used by the routeboeken
    foreign: dict[str, float] = field(default_factory=dict)

    def add(self, term: str, weight: float, concept: str) -> None:
        if weight > self.terms.get(term, 0.0):
            self.terms[term] = weight
        self.origins[term].add(concept)

    def concept(self, name: str, importance: float, field_weight: float | None = None) -> None:
        self.concepts[name] = max(self.concepts.get(name, 0.0), importance)
        weight = importance if field_weight is None else field_weight
        self.field_weight[name] = max(self.field_weight.get(name, 0.0), weight)


# "met een angststoornis", "na een vechtpartij": a word that describes the pupil's circumstances;
# a word of another field there weighs CIRCUMSTANCE_SHARE of what it would weigh as the topic.
def _counted_stem(word: str) -> str:
    """What a counted word is compared by: its stem, chat shorthand read ("lln": leerlingen)."""
    return stem(SHORTHAND.get(word, word))


# The shorthand keys that are words of letters, as the routeboeken may write them ("max", "ll").
_SHORTHAND_WRITTEN = re.compile(
    r"\b(?:" + "|".join(sorted((k for k in SHORTHAND if k.isalpha()), key=len, reverse=True)) + r")\b"
)
_CIRCUMSTANCE = re.compile(r"\b(?:met|na|vanwege|wegens|door)\s+(?:een|de|het|zijn|haar|hun)?\s*([^\W\d_][\w-]*)")
CIRCUMSTANCE_SHARE = 0.5
_HYPHENATED = re.compile(r"\b[^\W\d_]{2,}(?:-[^\W\d_]{2,})+\b")


def joined_compounds(text: str) -> list[str]:
    """A hyphenated compound with a stop word for a part ("doe-agenda"), as one word.

    Words split at the hyphen and stop words are dropped, so "doe-agenda" would be only
    "agenda", a word of any field: the compound itself is the routeboek's term, and the index
    and a question both need it whole to find each other. Compounds of content words
    ("variawet-aanvraag") keep both parts already."""
    return [
        m.group(0).replace("-", "")
        for m in _HYPHENATED.finditer(fold(text))
        if any(part in STOPWORDS for part in m.group(0).split("-"))
    ]


def _phrase_stems(phrase: str) -> tuple[str, ...]:
    """All words of a phrase, stop words included: "geen school" must not match "school"."""
    return tuple(stem(w) for w in words(phrase))


class Matcher:
    """An index over all sections of a knowledge base; build once, query many times."""

    def __init__(self, kb: Knowledge) -> None:
        warm_up()
        self.kb = kb
        self.sections = kb.sections
        superseded = {key for doc in kb.documents.values() for key in doc.supersedes}
        self._prior = [
            (SUPERSEDED_FACTOR if v.document.key in superseded else 1.0) * v.document.rank_weight
            for v in self.sections
        ]

        field_texts = [self._fields(view) for view in self.sections]
        field_words = [{f: words(t) + joined_compounds(t) for f, t in texts.items()} for texts in field_texts]
        vocabulary = {w for fields in field_words for ws in fields.values() for w in ws}
        # The words as the routeboeken write them, also where words() reads a shorthand for
        # another ("max" as "maximaal", "ll" as "leerling"): the personal-data guard asks whether
        # a typed word is one the routeboeken use, and "max" is not the name Max there.
        folded_texts = [{f: fold(t) for f, t in texts.items()} for texts in field_texts]
        written = {m.group(0) for texts in folded_texts for t in texts.values() for m in _SHORTHAND_WRITTEN.finditer(t)}
        self.vocabulary = frozenset(vocabulary | written)
        self._stem_words: dict[str, list[str]] = defaultdict(list)
        for w in vocabulary:
            self._stem_words[stem(w)].append(w)
        self.splitter = CompoundSplitter(vocabulary)
        # Term frequencies of the content's sentences, as relevance() analyses them: a card
        # scores the same passage's sentences for every question that lands on it.
        self._sentence_terms: dict[str, dict[str, float]] = {}
        # Which sections apply, per (gemeente, sector): the same few pairs for every question.
        self._allowed: dict[tuple[str | None, str | None], list[bool]] = {}
        # How often the routeboeken use each stem, on the Zipf scale (per billion words), for
        # keyness: which words are the routeboeken's own rather than everyday Dutch.
        stem_counts: dict[str, int] = defaultdict(int)
        for fields in field_words:
            for ws in fields.values():
                for w in ws:
                    stem_counts[stem(w)] += 1
        tokens = sum(stem_counts.values()) or 1
        self._corpus_zipf = {s: math.log10(c / tokens * 1e9) for s, c in stem_counts.items()}
        self._expansions = self._build_expansions(kb)
        # For a quick scan: the phrase lengths that start with a stem, and each phrase's targets
        # without stop words.
        self._phrase_sizes: dict[str, set[int]] = defaultdict(set)
        self._phrases_of_size: dict[tuple[str, int], list[tuple[str, ...]]] = defaultdict(list)
        self._expansion_targets: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for phrase, others in self._expansions.items():
            self._phrase_sizes[phrase[0]].add(len(phrase))
            self._phrases_of_size[(phrase[0], len(phrase))].append(phrase)
            self._expansion_targets[phrase] = [
                tuple(t for t in o if t not in _STOP_STEMS) for o, _w in others
            ]
        self.name_stems = self._names(field_texts)
        self.counted = self._counted(folded_texts)
        self._place_words = self._places(kb, field_words)
        self._countries = country_words()

        # postings: stem -> {doc: {field: tf}}
        postings: dict[str, dict[int, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
        lengths: dict[str, list[int]] = {f: [] for f in FIELD_WEIGHTS}
        for doc, fields in enumerate(field_words):
            for fname, ws in fields.items():
                counts = self._analyse(ws)
                lengths[fname].append(int(sum(counts.values())))
                for term, tf in counts.items():
                    postings[term][doc][fname] = tf
        self._avg = {f: (sum(v) / len(v) if v else 1.0) or 1.0 for f, v in lengths.items()}
        n = len(self.sections)
        self._idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in postings.items()}
        self._max_idf = math.log(1 + (n + 0.5) / 0.5)
        # A country in a question stands for this index stem, when the routeboeken write it.
        abroad = self._index_stem(ABROAD)
        self._abroad = abroad if abroad in self._idf else None
        # Pre-compute the BM25F saturated weight of every (term, doc).
        self._weights: dict[str, list[tuple[int, float]]] = {}
        for term, docs in postings.items():
            row = []
            for doc, tfs in docs.items():
                wtf = 0.0
                for fname, tf in tfs.items():
                    norm = 1 - FIELD_B[fname] + FIELD_B[fname] * lengths[fname][doc] / self._avg[fname]
                    wtf += FIELD_WEIGHTS[fname] * tf / norm
                row.append((doc, wtf * (K1 + 1) / (wtf + K1)))
            self._weights[term] = row
        # Stems that begin with a shorter stem: a typed "ziek" also finds "ziekte" and the compound
        # "ziekteverzuim" (Dutch puts the topic word first in compounds).
        self._longer: dict[str, list[str]] = defaultdict(list)
        for term in self._idf:
            if term.isalpha():
                for cut in range(4, len(term)):
                    self._longer[term[:cut]].append(term)
        # Typo correction compares what the user typed with words the routeboeken contain.
        self._word_vocab = sorted(
            w for w in vocabulary if w.isalpha() and len(w) >= 5 and stem(w) in self._idf
        )

    # --- index construction -----------------------------------------------------------
    def _places(self, kb: Knowledge, field_words: list[dict[str, list[str]]]) -> frozenset[str]:
        """The words of the gemeenten's names and aliases that name a place, not a topic.

        An alias can hold a word of the routeboeken's own ("SWV Drechtsteden"): a word that the
        routeboeken of other regions use too is their vocabulary, and "wat doet het swv" must
        keep it as its topic.
        """
        used: dict[str, set[str]] = defaultdict(set)  # word -> gemeenten whose sections use it
        for view, fields in zip(self.sections, field_words, strict=True):
            for ws in fields.values():
                for w in ws:
                    used[w].update(view.gemeenten)
        out: set[str] = set()
        for region in kb.regions:
            own = {g.name for g in region.gemeenten}
            for gem in region.gemeenten:
                for name in (gem.name, *gem.aliases):
                    out.update(w for w in [*words(name), *adjective_forms(name)] if used.get(w, own) <= own)
        return frozenset(out)

    @staticmethod
    def _names(field_texts: Iterable[dict[str, str]]) -> frozenset[str]:
        """Stems of the words the routeboeken only ever write with a capital ("Somtoday",
        "Edith Stein"): names of schools, products and organisations. A name says which thing a
        question is about, not that the routeboeken say anything about what it asks of it.
        Acronyms (JES, MWTA) are the field's own terms, not names."""
        capital: set[str] = set()
        lower: set[str] = set()
        for fields in field_texts:
            # Keywords and questions are typed in lower case; a sentence's first word is
            # capitalised whatever it is.
            for text in (fields["title"], fields["body"]):
                for match in _CASED_WORD.finditer(text):
                    token = match.group(0)
                    if token.islower():
                        lower.add(token)
                    elif not token.isupper() and not _starts_sentence(text, match.start()):
                        capital.add(token.lower())
        return frozenset(stem(w) for w in capital - lower if len(w) >= 3)

    def counts(self, word: str) -> bool:
        """Whether the routeboeken ever put a number before this (typed) word (see _counted)."""
        return _counted_stem(word) in self.counted

    @staticmethod
    def _counted(folded_texts: Iterable[dict[str, str]]) -> frozenset[str]:
        """Stems of what the routeboeken count: the word right after a number ("16 uur", "vier
        weken", "5 kinderen"), and "procent" where they give a percentage. A question asking how
        many of something else ("hoeveel thuiszitters waren er vorig jaar") asks for a figure the
        routeboeken never give: they hold agreements and terms, not statistics or prices. Time
        itself ("hoeveel tijd") is counted when any unit of time is: a term is stated in one."""
        found: set[str] = set()
        for fields in folded_texts:
            for text in (fields["title"], fields["body"]):
                for match in _COUNTED.finditer(text):
                    unit = match.group("unit")
                    if match.group("pct"):
                        found.add("procent")
                    elif unit not in STOPWORDS:
                        found.add(_counted_stem(unit))
        if found & _TIME_UNITS:
            found |= _TIME_ITSELF
        return frozenset(found)

    @staticmethod
    def _fields(view: SectionView) -> dict[str, str]:
        sec = view.section
        body = [
            sec.text,
            *sec.per_gemeente.values(),
            sec.responsible or "",
            *sec.actions,
            sec.next_step or "",
        ]
        return {
            "title": sec.title,
            "keys": "\n".join([*sec.keywords, *sec.questions]),
            "body": "\n".join(body),
        }

    def _analyse(self, all_words: list[str]) -> dict[str, float]:
        """Term frequencies of a field: stems of words, plus compound parts at half weight and
        glossary expansions of abbreviations (index-time expansion)."""
        counts: dict[str, float] = defaultdict(float)
        previous: str | None = None
        for w in all_words:
            if w in STOPWORDS:
                continue
            s = stem(w)
            counts[s] += 1.0
            for part in self.splitter.split(w):
                counts[stem(part)] += 0.5
            if previous is not None:
                counts[f"{previous}_{s}"] += 1.0  # word pairs reward the passage's own phrasing
            previous = s
        for term, expansion in self._match_expansions(all_words):
            del term
            for s in expansion:
                counts[s] += 0.3
        return counts

    def _build_expansions(self, kb: Knowledge) -> dict[tuple[str, ...], list[tuple[tuple[str, ...], float]]]:
        """phrase (stems) -> [(other phrase, weight)] from the glossary and the synonym groups."""
        table: dict[tuple[str, ...], list[tuple[tuple[str, ...], float]]] = defaultdict(list)

        def link(group: list[str], weight: float) -> None:
            phrases = [p for p in {_phrase_stems(x) for x in group} if p]
            for a in phrases:
                for b in phrases:
                    if a != b:
                        table[a].append((b, weight))

        for term, _doc in kb.terms:
            names = [term.term, *([term.expansion] if term.expansion else []), *term.aliases]
            if len(names) > 1:
                link(names, W_GLOSSARY)
        for group in kb.synonyms:
            link(group, W_SYNONYM)
        return table

    def _match_expansions(
        self, tokens: list[str], gap: int = 0
    ) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """(phrase found, other phrase of its group) for every glossary/synonym phrase in tokens.

        With a gap, a few words may stand between the phrase's words, as in questions: "zit al
        weken thuis" is "zit al thuis".
        """
        stems = [stem(t) for t in tokens]
        found: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        for i, first in enumerate(stems):
            for size in self._phrase_sizes.get(first, ()):
                phrase = tuple(stems[i : i + size])
                if phrase not in self._expansion_targets and gap and size > 1:
                    phrase = self._gapped(stems, i, size, gap)
                for other in self._expansion_targets.get(phrase, ()):
                    found.append((phrase, other))
        return found

    def _gapped(self, stems: list[str], start: int, size: int, gap: int) -> tuple[str, ...]:
        """The known phrase of `size` words starting at `start` with up to `gap` words skipped."""
        window = stems[start : start + size + gap]
        for phrase in self._phrases_of_size.get((stems[start], size), ()):
            j = 0
            for s in window:
                if j < size and s == phrase[j]:
                    j += 1
            if j == size:
                return phrase
        return ()

    # --- querying ---------------------------------------------------------------------
    def parse(self, text: str) -> Query:
        """Typed words become concepts; each adds itself and its expansions as index terms."""
        query = Query()
        all_words = words(text)
        typed = content_words(text) + joined_compounds(text)
        stems: list[str] = []
        for w in typed:
            s = self._index_stem(w)
            stems.append(s)
            if w in self._place_words:
                # A gemeente name narrows the search (the filter does that job); it is no topic.
                if s in self._idf:
                    query.add(s, W_PLACE, s)
                continue
            if w in _SECTOR_MARKERS and s not in self._idf:
                # "in de brugklas", "op de middelbare": which sector, as a place says which
                # gemeente (scope() reads it); no topic, and no word of another field.
                continue
            if w in self._countries:
                # "net uit Syrië", "naar Marokko": where a pupil comes from or goes, not a word of
                # another trade. It is abroad, which the routeboeken may have a rule for.
                if self._abroad:
                    query.concept(self._abroad, specificity(ABROAD), self._field_weight(ABROAD))
                    query.add(self._abroad, W_TYPED, self._abroad)
                continue
            parts = self.splitter.split(w)
            longer = self._longer.get(s, [])[:MAX_LONGER] if len(s) >= 4 else []
            if s in self._idf or longer:
                query.concept(s, specificity(w), self._field_weight(w))
                query.add(s, W_TYPED, s)
                # A longer form never weighs more than the word typed: a common word ("leerling")
                # must not turn into its rare compounds ("leerlingenadministratiesysteem").
                own = self._idf.get(s)
                for term in longer:
                    share = 1.0 if own is None else min(1.0, own / self._idf[term])
                    query.add(term, W_LONGER * share, s)
                for part in parts:
                    query.add(stem(part), W_PART, s)
            elif parts:
                # An unknown compound: its known parts stand in for it, each a concept of its own,
                # so a section that matches only its commonest part ("gemeente" of
                # "gemeentehuis") does not count as covering the whole word.
                for part in parts:
                    ps = stem(part)
                    query.concept(ps, specificity(part), self._field_weight(part))
                    query.add(ps, W_TYPED * 0.9, ps)
                if everyday_zipf(w):
                    # An established word of its own ("hogeschool", "kerndoelen") that the
                    # routeboeken never use, though they know its parts: half foreign.
                    query.foreign[w] = specificity(w) * COMPOUND_FOREIGN
            elif w.isalpha() and len(w) >= 5 and everyday_zipf(w) < TYPO_MAX_ZIPF and (fixed := self._correct(w)):
                query.concept(s, specificity(fixed), self._field_weight(fixed))  # as meant
                query.add(stem(fixed), W_TYPO, s)
            elif w.isalpha():
                # A word the routeboeken lack: the question asks something they may not cover.
                query.concept(s, specificity(w), 0.0)
                self._foreign(query, w)
            # numbers the routeboeken never mention carry no topic
        # Separable verbs: "schaal ik op" is "opschalen", "meld hem aan" is "aanmelden".
        for i, w in enumerate(all_words):
            if w in STOPWORDS or not w.isalpha():
                continue
            # The particle comes after the verb ("schaal ik op"), never before ("in spanje"),
            # except in the te-infinitive, where it leads ("in te schrijven", "mee te werken").
            after = {p for p in all_words[i + 1 : i + 6] if p in PARTICLES}
            if i >= 2 and all_words[i - 1] == "te" and all_words[i - 2] in PARTICLES:
                after.add(all_words[i - 2])
            for particle in after:
                joined = self._index_stem(particle + w)
                if joined in self._idf:
                    # The verb and its particle are one concept: the typed verb's. It is as
                    # specific as its commonest form in the routeboeken ("invullen"), not as the
                    # joined string ("invul"), which everyday Dutch never writes.
                    forms = self._stem_words.get(joined) or {particle + w}
                    common = min(sorted(forms), key=specificity)
                    verb = self._index_stem(w)
                    query.concept(verb, specificity(common), self._field_weight(common))
                    query.add(joined, W_TYPED, verb)
        for a, b in pairwise(stems):
            for concept in (a, b):
                query.add(f"{a}_{b}", W_BIGRAM, concept)
        for phrase, other in self._match_expansions(all_words, gap=PHRASE_GAP):
            # A word the synonym list ties to the routeboeken's own ("emailadres": mailadres) is
            # their vocabulary, not another field's.
            for w in [w for w in query.foreign if len(phrase) == 1 and self._index_stem(w) == phrase[0]]:
                del query.foreign[w]
            weight = max((wt for _o, wt in self._expansions[phrase]), default=W_SYNONYM)
            concepts = [c for c in phrase if c in query.concepts] or list(phrase)
            # Everyday words that together name a field concept ("zit thuis" = thuiszitter) are
            # as specific as that concept.
            target = max((self._specificity_of_stem(t) for t in other), default=0.0)
            for c in concepts:
                if len(phrase) > 1 and c in query.concepts:
                    query.concept(c, target)
            for term in other:
                for c in concepts:
                    query.add(term, weight, c)
        # A word of another field that only describes the pupil's circumstances ("met een
        # angststoornis", "na een vechtpartij") is not what the question asks about.
        for m in _CIRCUMSTANCE.finditer(fold(text)):
            word = m.group(1)
            if word in query.foreign:
                query.foreign[word] *= CIRCUMSTANCE_SHARE
        return query

    def _index_stem(self, word: str) -> str:
        """The stem under which the index knows a typed word.

        The stemmer leaves the -t of a short verb form alone ("vult", "zegt"), so a question in the
        third person would miss the routeboeken's "vullen" and even count as another field's word.
        Present-tense -t is regular Dutch: without it, the form is the verb's own stem."""
        s = stem(word)
        if s not in self._idf and len(word) >= 4 and word.endswith("t") and not word.endswith("tt"):
            bare = stem(word[:-1])
            if bare in self._idf:
                return bare
        return s

    def _field_weight(self, word: str) -> float:
        """Evidence that a typed index word puts the question in the routeboeken's field: specific
        in everyday Dutch and salient in the routeboeken ("huiswerk" is neither enough)."""
        corpus = self._corpus_zipf.get(stem(word))
        if corpus is None:
            return specificity(word)
        return specificity(word) * salience(corpus, word)

    def _foreign(self, query: Query, word: str) -> None:
        """Record a typed word the routeboeken never use, weighted by how specific it is.

        A compound whose head the routeboeken know ("ouderschapsverlof": verlof) is a kind of
        that head: what makes it foreign is its modifier ("ouderschap"), so that is weighed. A
        word everyday Dutch lacks too (a product name, a typo, an ad-hoc compound) is uncertain
        and weighs a fixed middle amount.
        """
        found = self._compound_of_known(word)
        if found:
            modifier = found
            weight = specificity(modifier) if everyday_zipf(modifier) else UNSEEN_FOREIGN
            if everyday_zipf(word):
                # An established word of everyday Dutch ("lerarenregister") is a thing of its own,
                # however common its modifier ("leraren"): its own rarity counts too.
                weight = max(weight, ESTABLISHED_COMPOUND * specificity(word))
        elif everyday_zipf(word) == 0:
            weight = UNSEEN_FOREIGN
        else:
            weight = specificity(word)
        query.foreign[word] = weight

    def _compound_of_known(self, word: str) -> str | None:
        """The modifier of a word that is a compound of a routeboek word ("ouderschap" of
        "ouderschapsverlof"), or None when it is no such compound. A common word of everyday
        Dutch ("afgelopen") is a word of its own, and so is an everyday word that only ends like
        a routeboek word after a non-word ("contro-leren")."""
        if everyday_zipf(word) >= COMMON_WORD_ZIPF:
            return None
        head = self._known_head(word)
        if not head:
            return None
        modifier = word[: len(word) - len(head)]
        if modifier[-1:] in {"s", "e"} and everyday_zipf(modifier) == 0:
            modifier = modifier[:-1]
        if everyday_zipf(word) and everyday_zipf(modifier) < TYPO_MAX_ZIPF:
            return None
        return modifier

    def _known_head(self, word: str) -> str | None:
        """The longest ending of a word (4+ letters, leaving 3+) that the routeboeken use."""
        for cut in range(3, len(word) - 3):
            if word[cut:] in self.splitter.vocabulary:
                return word[cut:]
        return None

    def _specificity_of_stem(self, term: str) -> float:
        """That of the most specific index word with this stem."""
        return max((specificity(w) for w in self._stem_words.get(term, ())), default=0.0)

    def _correct(self, word: str) -> str | None:
        """The routeboek word this is most likely a typo of, if any.

        Only close matches of some length, starting with the same letter: a correct Dutch word
        that the routeboeken don't use ("knoop") must not become a different one ("koop").
        """
        if len(word) < 6:
            return None
        candidates = [w for w in self._word_vocab if w[0] == word[0] and abs(len(w) - len(word)) <= 2]
        hit = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=85)
        return str(hit[0]) if hit else None

    def scope(self, text: str, gemeente: str | None, sector: str | None) -> tuple[str | None, str | None]:
        """The gemeente and sector to answer for: a place or sector the question names itself
        ("hoe zit dat in Rijswijk?", "ib'er po hier") beats the asker's profile."""
        named = self.kb.places.mentioned(text)
        if len(named) == 1:
            gemeente = named[0]
        tokens = set(words(text))
        said = {s for s, markers in SECTOR_WORDS.items() if tokens & markers}
        if len(said) == 1:
            sector = said.pop()
        if gemeente and sector and sector not in self.kb.sectors_of(gemeente):
            sector = None
        return gemeente, sector

    def sector_named(self, text: str) -> str | None:
        """The sector a question names itself ("basisschool", "vo"), if exactly one."""
        tokens = set(words(text))
        said = [s for s, markers in SECTOR_WORDS.items() if tokens & markers]
        return said[0] if len(said) == 1 else None

    def relevance(self, query: Query, text: str) -> dict[str, float]:
        """How much of a parsed question a sentence holds, to pick a card's lines.

        Per question concept, its best index term in the sentence (idf-weighted): a sentence that
        names five forms of one typed word is no better an answer than one that names it once,
        and the card can see which parts of the question a sentence answers.
        """
        present = self._sentence_terms.get(text)
        if present is None:
            if len(self._sentence_terms) >= SENTENCE_CACHE:
                self._sentence_terms.clear()
            present = self._sentence_terms[text] = self._analyse(words(text))
        best: dict[str, float] = {}
        for term, weight in query.terms.items():
            if term in present:
                value = weight * self._idf.get(term, 0.0)
                for concept in query.origins[term]:
                    best[concept] = max(best.get(concept, 0.0), value)
        return best

    @property
    def min_raw(self) -> float:
        """The lowest raw score that can be an answer (scales with the corpus)."""
        return MIN_SCORE_SHARE * self._max_idf

    @staticmethod
    def rescored(hit: Hit, raw: float, view: SectionView | None = None) -> Hit:
        """The hit with a new raw score (after a structural adjustment), or for another section."""
        return replace(hit, raw=raw, score=round(raw / (raw + 10.0), 3), view=view or hit.view)

    def search(
        self, text: str, gemeente: str | None = None, sector: str | None = None, top: int = 3
    ) -> list[Hit]:
        return self.search_query(self.parse(text), gemeente, sector, top)

    def search_query(
        self, query: Query, gemeente: str | None = None, sector: str | None = None, top: int = 3
    ) -> list[Hit]:
        """The best sections for a parsed question, best first (BM25F times the document prior)."""
        if not query.terms:
            return []
        allowed = self._allowed.get((gemeente, sector))
        if allowed is None:
            allowed = [view.applies(gemeente, sector) for view in self.sections]
            if len(self._allowed) < 1000:  # gemeenten x sectors; the bound only guards odd input
                self._allowed[(gemeente, sector)] = allowed
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, set[str]] = defaultdict(set)
        for term, typed_weight in query.terms.items():
            idf = self._idf.get(term)
            if idf is None:
                continue
            # A word that is everyday Dutch ("wachten", "laat") says less about the topic than
            # its rarity in the routeboeken suggests: its terms weigh by the concept's specificity.
            importance = max((query.concepts.get(c, 1.0) for c in query.origins[term]), default=1.0)
            qweight = typed_weight * (EVERYDAY_FLOOR + (1 - EVERYDAY_FLOOR) * min(1.0, importance))
            for doc, weight in self._weights[term]:
                if allowed[doc]:
                    scores[doc] += qweight * idf * weight
                    matched[doc] |= query.origins[term]
        if not scores:
            return []
        total = sum(query.concepts.values()) or 1.0
        ranked = sorted(scores, key=lambda d: scores[d] * self._prior[d], reverse=True)[:top]
        hits = []
        for doc in ranked:
            raw = scores[doc] * self._prior[doc]
            coverage = min(1.0, sum(query.concepts.get(c, 0.0) for c in matched[doc]) / total)
            evidence = sum(query.concepts.get(c, 0.0) for c in matched[doc])
            field_evidence = sum(query.field_weight.get(c, 0.0) for c in matched[doc])
            hits.append(
                Hit(
                    self.sections[doc],
                    round(raw / (raw + 10.0), 3),
                    raw,
                    coverage,
                    tuple(sorted(matched[doc])),
                    evidence,
                    field_evidence,
                )
            )
        return hits

    def answer(
        self, text: str, gemeente: str | None = None, sector: str | None = None, top: int = 3
    ) -> list[Hit]:
        """Like search, but empty when the best section does not really answer the question."""
        hits = self.search(text, gemeente, sector, top)
        if not hits:
            return []
        best = hits[0]
        # Field-specific words in common; or, for a question in everyday words, every one of its
        # words matched and still some specificity.
        specific = best.evidence >= MIN_EVIDENCE or (
            best.coverage >= FULL_COVERAGE and best.evidence >= MIN_EVIDENCE_FULL
        )
        if not specific or best.coverage < MIN_COVERAGE or best.raw < MIN_SCORE_SHARE * self._max_idf:
            return []
        return hits

    @staticmethod
    def is_ambiguous(hits: list[Hit]) -> bool:
        return len(hits) > 1 and hits[1].raw >= AMBIGUITY_RATIO * hits[0].raw

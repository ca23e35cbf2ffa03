"""Decide what to do with a typed question: answer it, ask back, or decline, and say why.

One pipeline: read the question's structure (bot/question.py), settle its scope (who asks, for
which gemeente and sector, about a place or an identifier the routeboeken have), rank the
sections (bot/matcher.py), then decide. Every decision carries its reasons in `why`, which
`routeboek ask --json` shows, so a content maintainer can see why a question went where it went.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from bot.answer import units
from bot.dutch_places import DutchPlaces
from bot.glossary import asked_term, term_line
from bot.identifiers import any_covers, covers, kind_of, label
from bot.knowledge import Knowledge, SectionView
from bot.matcher import Hit, Matcher, Query
from bot.places import countries_asked_about
from bot.question import (
    Relevance,
    Shape,
    holds_amount,
    holds_class,
    holds_members,
    polarity,
    read,
    warm_up_lemmas,
)
from bot.schema import NotHeld
from bot.textproc import content_words, fold, stem

# Evidence that the question is about the routeboeken: the summed field weight of the question
# words the best section matches (Query.field_weight). A question in everyday words needs all
# of them matched and still some field weight.
MIN_FIELD_EVIDENCE = 0.45
FULL_COVERAGE = 0.9
MIN_FIELD_EVIDENCE_FULL = 0.3
MIN_COVERAGE = 0.25
# Evidence against it: words of another trade (Query.foreign). The most specific counts fully,
# the others half. Strong on its own at FOREIGN_STRONG; from FOREIGN_MIN when it weighs at least
# FOREIGN_SHARE of the evidence for.
FOREIGN_STRONG = 0.7
FOREIGN_MIN = 0.5
FOREIGN_SHARE = 0.5
# A name ("Somtoday", "Youz") says which thing a question is about, not that the routeboeken say
# what it asks of it: when the best section shares little besides names (field weight below
# NAME_REST) and the question's other words, unmatched, weigh NAME_UNMATCHED or more, decline.
NAME_REST = 0.3
NAME_UNMATCHED = 0.5
# The word a question asks for ("welke absentiecode") that the routeboeken never use.
FOCUS_FOREIGN = 0.2
# Ranking adjustments from the content's structure.
IDENTIFIER_BOOST = 1.6
# A section about the identifier a question names leads, unless its match is this thin next to
# the best (then the question's other words say it is about something else).
ABOUT_FLOOR = 0.2
BRANCH_FOR = 1.3
BRANCH_AGAINST = 0.6
OVERVIEW_FACTOR = 0.8
# Detail sections scoring at least this share of the best are within reach of an overview.
OVERVIEW_REACH = 0.6
# A section only for a condition (`applies_when`) that the question does not name.
CONDITION_UNSAID = 0.85
DOCUMENT_NAMED = 1.25
# A section ranks above its parent (the section whose chapter contains its own) when it scores
# at least this share of the parent: the specific passage beats the overview of its chapter.
CHILD_SHARE = 0.75
# A section that lists the things a "welke X" question asks for.
LIST_FACTOR = 1.3
LIST_ITEM_WORDS = 6
# A section that defines ("kind: definition") for a question what something is ("wat is ...").
DEFINITION_FACTOR = 1.2
# Ask back when the second candidate scores this share of the first and is another situation.
CLARIFY_RATIO = 0.92
CANDIDATES = 12
# A word a title writes in capitals only ("GOAL", "FST"): the name of the section's subject.
_ACRONYM = re.compile(r"\b[A-Z]{3,}\b")
# When a question asks how long, how many or from when, a sentence that states a term or number
# holds a part of the answer of its own (a pseudo-concept), worth about one typed word.
AMOUNT = "#amount"
# The same for a question after who takes part: a sentence naming the members.
MEMBERS = "#members"
# And for a question whether a case falls under a category: a sentence saying what does.
CLASS = "#class"
AMOUNT_VALUE = 4.0


@dataclass(frozen=True)
class Declined:
    reason: str  # out-of-scope, other-place, unknown-identifier, not-held, asker, task
    message: str


@dataclass(frozen=True)
class Clarify:
    question: str
    options: list[tuple[str, str]]  # (label, section id)


@dataclass
class Decision:
    gemeente: str | None
    sector: str | None
    hits: list[Hit] = field(default_factory=list)  # best first; empty when declined
    declined: Declined | None = None
    clarify: Clarify | None = None
    why: dict[str, Any] = field(default_factory=dict)
    query: Query | None = None  # the parsed question, for picking a card's lines
    shape: Shape | None = None  # what the question's structure says (bot/question.py)
    text: str = ""  # the question as typed


class Decider:
    """The question pipeline over one knowledge base; build once (with its Matcher)."""

    def __init__(self, kb: Knowledge, matcher: Matcher | None = None) -> None:
        self.kb = kb
        self.matcher = matcher or Matcher(kb)
        self.places = DutchPlaces()
        self._parent = _parents(kb.sections)
        self._document_names = [
            (doc.key, re.compile(r"\b" + r"\s+".join(map(re.escape, fold(name).split())) + r"\b"))
            for doc in kb.documents.values()
            for name in doc.names
        ]
        warm_up_lemmas()

    # --- the pipeline --------------------------------------------------------------------
    def decide(self, text: str, gemeente: str | None, sector: str | None, top: int = 3) -> Decision:
        """Answer, ask back or decline a question for a user's gemeente and sector."""
        shape = read(text)
        gemeente, sector, early = self._scope(text, shape, gemeente, sector)
        decision = Decision(gemeente, sector, shape=shape, text=text)
        decision.why["identifiers"] = sorted(shape.identifiers)
        if early:
            if shape.about_self and early.reason == "out-of-scope":
                decision.why["out_of_scope"] = ["asks about the asker's own work, not a pupil's case"]
            elif shape.other_sector and early.reason == "out-of-scope":
                decision.why["out_of_scope"] = ["a student of mbo, hbo or wo: no sector of the routeboeken"]
            return self._decline(decision, early)
        topic, documents = self._named_documents(text)
        if documents:
            decision.why["documents_named"] = sorted(documents)
        query = self.matcher.parse(topic)
        decision.query = query
        hits = self._rank(topic, shape, query, gemeente, sector, decision.why, documents)
        if shape.identifiers:
            missing = self._missing_identifiers(shape, gemeente, sector)
            if missing:
                return self._decline(decision, self._unknown_identifier(missing, gemeente))
        refusal = self._out_of_scope(text, query, shape, hits, decision.why)
        if refusal and documents:
            # Nothing left besides the document's name: the question is about the document.
            query = self.matcher.parse(text)
            decision.query = query
            hits = self._rank(text, shape, query, gemeente, sector, decision.why, documents)
            decision.why.pop("out_of_scope", None)
            refusal = self._out_of_scope(text, query, shape, hits, decision.why)
        if refusal and gemeente:
            refusal = self._elsewhere(text, shape, gemeente, decision.why) or refusal
        if refusal:
            return self._decline(decision, refusal)
        decision.hits = hits[: max(1, top)]
        decision.clarify = self._clarify(hits, decision.why)
        return decision

    def relevance(self, decision: Decision) -> Relevance | None:
        """Scores a sentence against the decided question, per concept: the card shows the best."""
        query = decision.query
        if query is None:
            return None
        shape = decision.shape
        wants_list = shape is not None and shape.wants_list
        asked = asked_term(self.kb, decision.text, decision.gemeente)
        spelled = term_line(asked[0]) if asked else ""
        kinds = []  # the parts of the answer a sentence can hold besides the question's words
        if shape is not None and shape.wants_amount:
            kinds.append((AMOUNT, holds_amount))
        if shape is not None and shape.wants_members:
            kinds.append((MEMBERS, holds_members))
        if shape is not None and shape.wants_class:
            kinds.append((CLASS, holds_class))
        if not kinds:
            return Relevance(lambda sentence: self.matcher.relevance(query, sentence), wants_list, spelled)

        def scored(sentence: str) -> dict[str, float]:
            # "Hoe lang duurt ...", "wie zitten erin": the term, or the members, are a part of
            # the answer of their own.
            values = self.matcher.relevance(query, sentence)
            for pseudo, holds in kinds:
                if holds(sentence):
                    values[pseudo] = AMOUNT_VALUE
            return values

        return Relevance(scored, wants_list, spelled)

    @staticmethod
    def _decline(decision: Decision, declined: Declined) -> Decision:
        decision.declined = declined
        decision.hits = []
        decision.why["declined"] = declined.reason
        return decision

    # --- scope -----------------------------------------------------------------------------
    def _scope(
        self, text: str, shape: Shape, gemeente: str | None, sector: str | None
    ) -> tuple[str | None, str | None, Declined | None]:
        if shape.asker:
            return gemeente, sector, Declined("asker", asker_message(shape.asker))
        if shape.task:
            return gemeente, sector, Declined("task", TASK_MESSAGE)
        if shape.about_self:
            return gemeente, sector, Declined("out-of-scope", SELF_MESSAGE)
        if shape.other_sector:
            return gemeente, sector, Declined("out-of-scope", SECTOR_MESSAGE)
        named = self.kb.places.mentioned(text)
        others = [p for p in self.places.mentioned(text) if self.kb.resolve_gemeente(p) is None]
        others += countries_asked_about(text)
        if others and not named:
            return gemeente, sector, Declined("other-place", self.other_place_message(others))
        asked_sector = sector
        gemeente, sector = self.matcher.scope(text, gemeente, sector)
        said = self.matcher.sector_named(text) or asked_sector
        if gemeente and said:
            gap = self.kb.not_held(gemeente, said)
            if gap:
                return gemeente, said, Declined("not-held", not_held_message(self.kb, gemeente, gap))
        return gemeente, sector, None

    def _elsewhere(self, text: str, shape: Shape, gemeente: str, why: dict[str, Any]) -> Declined | None:
        """A decline that names the region whose routeboek covers the question, if another does.

        A Den Haag professional who asks what a lizzer is asks about Apeldoorn's protocol: "the
        routeboek is not about that" would be untrue. The answer still comes from no other
        region's rules; the message says where they are and how to ask for them.
        """
        query = self.matcher.parse(text)
        hits = self.matcher.search_query(query, None, None, top=CANDIDATES)
        if not hits or self._out_of_scope(text, query, shape, hits, {}):
            return None
        best = hits[0].view
        if gemeente in best.gemeenten:
            return None
        regions = [g for g in self.kb.gemeenten if g in best.gemeenten]
        if not regions:
            return None
        why["covered_elsewhere"] = best.id
        where = " en ".join(regions) if len(regions) <= 2 else ", ".join(regions[:-1]) + " en " + regions[-1]
        return Declined(
            "out-of-scope",
            f"In het routeboek van {gemeente} staat dit niet, dus daar geef ik geen antwoord op. "
            f"Het {best.document.title} ({where}) gaat er wel over. Werk je (ook) daar? Noem de "
            f"gemeente dan in je vraag, bijvoorbeeld: '... in {regions[0]}'.",
        )

    def other_place_message(self, places: list[str]) -> str:
        """Why the bot does not answer for a place it has no routeboek of, and what to do."""
        names = ", ".join(self.kb.gemeenten)
        return (
            f"Over {', '.join(places)} heb ik geen routeboek. Ik ken de afspraken van {names}. "
            "Valt jouw school onder een van deze? Kies die dan bij /instellingen. Anders kan ik "
            "je niet helpen: vraag het dan aan de leerplichtambtenaar of het samenwerkingsverband "
            "van jouw school."
        )

    def _named_documents(self, text: str) -> tuple[str, set[str]]:
        """The question without the names of documents it mentions, and those documents.

        "volgens de digitale tool: ..." asks what that document says; the words "digitale tool"
        are no topic (they would lead to the document's own introduction).
        """
        low = fold(text)
        found: set[str] = set()
        for key, pattern in self._document_names:
            if pattern.search(low):
                found.add(key)
                low = pattern.sub(" ", low)
        return (low if found else text), found

    # --- rank ------------------------------------------------------------------------------
    def _rank(
        self,
        text: str,
        shape: Shape,
        query: Query,
        gemeente: str | None,
        sector: str | None,
        why: dict[str, Any],
        documents: set[str],
    ) -> list[Hit]:
        hits = self.matcher.search_query(query, gemeente, sector, top=CANDIDATES)
        adjusted: list[tuple[float, Hit]] = []
        notes: dict[str, list[str]] = {}
        about: set[str] = set()
        for hit in hits:
            view = hit.view
            factor = 1.0
            reasons: list[str] = []
            if shape.identifiers:
                if any(any_covers(view.identifiers, asked) for asked in shape.identifiers):
                    # A section about the asked rule alone is more to the point than one about
                    # it and its siblings ("5 sub a, b en c"): the boost is shared among them.
                    kinds = {kind_of(asked) for asked in shape.identifiers}
                    own = [i for i in view.identifiers if kind_of(i) in kinds]
                    hit_ids = [i for i in own if any(covers(i, asked) for asked in shape.identifiers)]
                    share = len(hit_ids) / len(own) if own else 1.0
                    factor *= 1 + (IDENTIFIER_BOOST - 1) * share
                    reasons.append(
                        "identifier matches" if share == 1 else f"identifier matches, {len(hit_ids)} of {len(own)}"
                    )
                    about.add(view.id)
                elif self._conflicts(view, shape.identifiers):
                    reasons.append("other identifier: dropped")
                    notes[view.id] = reasons
                    continue
            branch = view.section.branch
            if branch is not None:
                said = polarity(text, branch.decision)
                if said is not None:
                    factor *= BRANCH_FOR if said == branch.holds else BRANCH_AGAINST
                    reasons.append(
                        f"branch '{branch.decision}' {'fits' if said == branch.holds else 'opposite'}"
                    )
            condition = view.section.applies_when
            if condition is not None:
                said = polarity(text, condition)
                factor *= BRANCH_FOR if said else CONDITION_UNSAID if said is None else BRANCH_AGAINST
                reasons.append(
                    f"only when '{condition}': {'named' if said else 'not named' if said is None else 'negated'}"
                )
            if shape.wants_list and shape.focus and self._lists(view, shape.focus):
                factor *= LIST_FACTOR
                reasons.append(f"lists the {shape.focus} asked for")
            if shape.defined and view.section.kind == "definition":
                factor *= DEFINITION_FACTOR
                reasons.append("a definition, asked what something is")
            if view.section.kind == "overview":
                factor *= OVERVIEW_FACTOR
                reasons.append("overview")
            if view.document.key in documents:
                factor *= DOCUMENT_NAMED
                reasons.append("document named")
            if reasons:
                notes[view.id] = reasons
            adjusted.append((hit.raw * factor, hit))
        adjusted.sort(key=lambda pair: pair[0], reverse=True)
        adjusted = self._details_before_overviews(adjusted, notes)
        if about and adjusted:
            # An identifier names one step or rule exactly: the sections about it come before
            # those that only mention it (an overview listing all steps) or never do.
            floor = ABOUT_FLOOR * adjusted[0][0]
            lead = [p for p in adjusted if p[1].view.id in about and p[0] >= floor]
            adjusted = lead + [p for p in adjusted if p not in lead]
        ranked = self._children_first([self.matcher.rescored(hit, raw) for raw, hit in adjusted], notes)
        ranked = self._current_first(ranked, gemeente, sector, notes)
        if notes:
            why["ranking"] = notes
        return ranked

    @staticmethod
    def _details_before_overviews(
        adjusted: list[tuple[float, Hit]], notes: dict[str, list[str]]
    ) -> list[tuple[float, Hit]]:
        """An overview answers only what no detail answers as fully.

        Overviews repeat the routeboek's headline words ("geen kind langer dan 3 maanden thuis"),
        so they match many questions on those words alone. When a detail section within reach
        holds more of the question, it goes first."""
        if not adjusted:
            return adjusted
        reach = OVERVIEW_REACH * adjusted[0][0]
        details = [p for p in adjusted if p[1].view.section.kind != "overview" and p[0] >= reach]
        if not details:
            return adjusted
        fullest = max(p[1].coverage for p in details)
        demoted = [
            p for p in adjusted
            if p[1].view.section.kind == "overview" and p[1].coverage < fullest and p[0] > details[0][0]
        ]
        if not demoted:
            return adjusted
        for p in demoted:
            notes.setdefault(p[1].view.id, []).append("overview: a detail holds more of the question")
        rest = [p for p in adjusted if p not in demoted]
        last = max(i for i, p in enumerate(rest) if p in details)
        return rest[: last + 1] + demoted + rest[last + 1 :]

    def _children_first(self, hits: list[Hit], notes: dict[str, list[str]]) -> list[Hit]:
        """Move a close child section above its parent: details over the chapter's overview."""
        result = list(hits)
        for i in range(len(result)):
            parent = result[i]
            children = [
                j
                for j in range(i + 1, len(result))
                if self._parent.get(result[j].view.id) == parent.view.id
                and result[j].raw >= CHILD_SHARE * parent.raw
            ]
            if children:
                child = result.pop(children[0])
                result.insert(i, child)
                notes.setdefault(child.view.id, []).append(f"detail of {parent.view.id}: before it")
        return result

    @staticmethod
    def _conflicts(view: SectionView, asked: frozenset[str]) -> bool:
        """About another identifier of the same kind, and never mentioning the one asked."""
        kinds = {kind_of(a) for a in asked}
        own = {i for i in view.identifiers if kind_of(i) in kinds}
        return bool(own) and not any(any_covers(view.mentions, a) for a in asked)

    def _current_first(
        self, hits: list[Hit], gemeente: str | None, sector: str | None, notes: dict[str, list[str]]
    ) -> list[Hit]:
        """A superseded section gives way to the newer section that replaces it, where that
        one applies to the user: the current rule leads."""
        result: list[Hit] = []
        seen: set[str] = set()
        for hit in hits:
            view = hit.view
            newer = [
                v
                for v in (self.kb.section(i) for i in view.section.superseded_by)
                if v is not None and v.applies(gemeente, sector)
            ]
            if newer and newer[0].id not in seen:
                notes.setdefault(view.id, []).append(f"superseded by {newer[0].id}")
                result.append(self.matcher.rescored(hit, hit.raw, newer[0]))
                seen.add(newer[0].id)
            if view.id not in seen:
                result.append(hit)
                seen.add(view.id)
        return result

    def _missing_identifiers(self, shape: Shape, gemeente: str | None, sector: str | None) -> list[str]:
        """Identifiers asked that no section for this user is about or mentions."""
        sections = [v for v in self.kb.sections if v.applies(gemeente, sector)]
        return [a for a in sorted(shape.identifiers) if not any(any_covers(v.mentions, a) for v in sections)]

    def _unknown_identifier(self, missing: list[str], gemeente: str | None) -> Declined:
        where = sorted(
            {
                self.kb.document_label(v.document.key)
                for v in self.kb.sections
                if any(any_covers(v.identifiers, a) for a in missing)
            }
        )
        names = " en ".join(label(a) for a in missing)
        place = f" voor {gemeente}" if gemeente else ""
        message = f"Over {names} staat niets in het routeboek{place}."
        if where:
            message += f" Wel in: {'; '.join(where)}. Valt jouw school daaronder? Kies dan die gemeente bij /instellingen."
        return Declined("unknown-identifier", message)

    # --- decide ----------------------------------------------------------------------------
    def _out_of_scope(
        self, text: str, query: Query, shape: Shape, hits: list[Hit], why: dict[str, Any]
    ) -> Declined | None:
        # "Welke disciplines schuiven aan": the routeboek names the members, not their kind.
        against_words = {w: v for w, v in query.foreign.items() if w != shape.member_kind}
        foreign = sorted(against_words.values(), reverse=True)
        against = (foreign[0] + 0.5 * sum(foreign[1:])) if foreign else 0.0
        best = hits[0] if hits else None
        evidence = best.field_evidence if best else 0.0
        coverage = best.coverage if best else 0.0
        why["evidence"] = round(evidence, 2)
        why["coverage"] = round(coverage, 2)
        why["against"] = {w: round(v, 2) for w, v in against_words.items()}
        reasons = []
        named = best is not None and self._names_the_section(text, shape, best.view)
        if named and best is not None:
            why["names_the_section"] = best.view.id
        if best is None or best.raw < self.matcher.min_raw:
            reasons.append("no section matches enough")
        elif not (
            evidence >= MIN_FIELD_EVIDENCE
            or (coverage >= FULL_COVERAGE and evidence >= MIN_FIELD_EVIDENCE_FULL)
            or named
        ):
            reasons.append("too few words of the routeboeken")
        elif coverage < MIN_COVERAGE:
            reasons.append("matches too little of the question")
        if against >= FOREIGN_STRONG or (against >= FOREIGN_MIN and against >= FOREIGN_SHARE * evidence):
            reasons.append("words of another field: " + ", ".join(against_words))
        if best is not None and not reasons and not named:
            names = [c for c in best.matched if c in self.matcher.name_stems]
            rest = evidence - sum(query.field_weight.get(c, 0.0) for c in names)
            unmatched = sum(v for c, v in query.concepts.items() if c not in best.matched)
            if names and rest < NAME_REST and unmatched >= NAME_UNMATCHED:
                reasons.append("only a name in common: " + ", ".join(names))
        statistic = bool(shape.counts) and not any(self.matcher.counts(w) for w in shape.counts)
        if statistic:
            reasons.append(f"asks how many '{shape.counts[0]}', a figure the routeboeken never give")
        if shape.focus and against_words.get(shape.focus, 0.0) >= FOCUS_FOREIGN:
            reasons.append(f"asks for '{shape.focus}', which the routeboeken never mention")
        defined = [w for w in shape.defined if against_words.get(w, 0.0) >= FOCUS_FOREIGN]
        if defined:
            reasons.append(f"asks what '{defined[0]}' is, which the routeboeken never mention")
        if not reasons:
            return None
        why["out_of_scope"] = reasons
        return Declined("out-of-scope", STATISTIC_MESSAGE if statistic else OUT_OF_SCOPE_MESSAGE)

    @staticmethod
    def _lists(view: SectionView, focus: str) -> bool:
        """Whether the section lists the things asked for: a lead-in that names them ("Er zijn
        vier scholen in Den Haag die ...:") with its items. "Welke scholen" is answered by the
        list, not by a passage that says there are several."""
        pool = units(view.section.text)
        asked = stem(focus)
        # Items that are things (a name, a few words), not the steps of a procedure.
        leads = {u.lead for u in pool if u.lead is not None and len(u.text.split()) <= LIST_ITEM_WORDS}
        return any(asked in {stem(w) for w in content_words(pool[i].text)} for i in leads if i is not None)

    @staticmethod
    def _names_the_section(text: str, shape: Shape, view: SectionView) -> bool:
        """Whether the question calls the section by its own name: the step it is about ("stap
        1"), two words in a row of its title's head ("basis op orde"), or the acronym that head
        is written in ("GOAL"). Everyday words then still ask about the routeboek's own thing."""
        if shape.identifiers & view.identifiers:
            return True
        typed = content_words(text)
        # The title's head names the subject; after a colon it sums up what the section says.
        title = view.section.title.split(":", 1)[0]
        own = content_words(title)
        pairs = set(pairwise(stem(w) for w in own if w.isalpha()))
        if any(pair in pairs for pair in pairwise(stem(w) for w in typed if w.isalpha())):
            return True
        acronyms = {w.lower() for w in _ACRONYM.findall(title)}
        return any(w in acronyms for w in typed)

    def _clarify(self, hits: list[Hit], why: dict[str, Any]) -> Clarify | None:
        """One question back when the two best candidates are close and different situations."""
        if len(hits) < 2:
            return None
        first, second = hits[0], hits[1]
        a, b = first.view.section.situation, second.view.section.situation
        if not a or not b or a == b or second.raw < CLARIFY_RATIO * first.raw:
            return None
        why["clarify"] = (
            f"'{first.view.id}' ({a}) and '{second.view.id}' ({b}) score within {1 - CLARIFY_RATIO:.0%}"
        )
        return Clarify(
            f"Gaat het om {a} of om {b}?",
            [(a[:1].upper() + a[1:], first.view.id), (b[:1].upper() + b[1:], second.view.id)],
        )


def _parents(sections: list[SectionView]) -> dict[str, str]:
    """Section id -> the section of the same document whose chapter contains its own.

    Chapters nest by name: "Soort verzuim" contains "Soort verzuim > ziekteverzuim",
    "Overige zaken, Absoluut verzuim" contains "Overige zaken, Absoluut verzuim (processchema)".
    """
    by_chapter: dict[tuple[str, str], str] = {}
    for view in sections:
        by_chapter.setdefault((view.document.key, fold(view.section.source.section)), view.id)
    parents: dict[str, str] = {}
    for view in sections:
        chapter = fold(view.section.source.section)
        for cut in range(len(chapter) - 1, 2, -1):
            if chapter[cut] in ",>(" or chapter[cut - 1 : cut + 1] == " (":
                head = chapter[:cut].rstrip(" ,>(")
                owner = by_chapter.get((view.document.key, head))
                if owner and owner != view.id:
                    parents[view.id] = owner
                    break
    return parents


OUT_OF_SCOPE_MESSAGE = (
    "Daar gaat het routeboek niet over, dus daar geef ik geen antwoord op. "
    "Ik help met verzuim en thuiszitters: wie wat doet, wanneer je opschaalt en bij wie. "
    "Stel je vraag daarover, of kies /route, /opschaling of /wie."
)
STATISTIC_MESSAGE = (
    "Cijfers, aantallen en bedragen staan niet in de routeboeken: die gaan over afspraken, wie wat "
    "doet en binnen welke termijn. Voor cijfers over thuiszitters in jouw regio kun je terecht bij "
    "het samenwerkingsverband, dat ze met leerplicht bijhoudt."
)
SELF_MESSAGE = (
    "De routeboeken gaan over verzuim van leerlingen, niet over je eigen werk (je eigen "
    "ziekmelding, verlof of contract). Vraag dat aan je leidinggevende. Gaat het om een leerling? "
    "Stel je vraag dan over de leerling."
)
SECTOR_MESSAGE = (
    "De routeboeken gaan over leerlingen in het primair en voortgezet onderwijs (po en vo), niet "
    "over studenten in het mbo, hbo of wo. Gaat het om een leerling in po of vo? Stel je vraag "
    "dan over die leerling, of kies /route, /opschaling of /wie."
)
TASK_MESSAGE = (
    "Teksten schrijven doe ik niet. Ik zoek voor je op wat het routeboek zegt: wie wat doet, "
    "wat je nu moet doen en wat de volgende stap is. Stel je vraag zo, of kies /route of /opschaling."
)


def asker_message(asker: str) -> str:
    """One line for a parent or pupil: the bot is for professionals; where they can go."""
    who = "ouder" if asker == "ouder" else "leerling"
    return (
        f"Deze bot is voor mensen die op school of bij de gemeente werken, niet voor een {who}. "
        "Heb je een vraag over school of verzuim? Praat met de mentor of de school, of neem contact "
        "op met de leerplichtambtenaar van je gemeente."
    )


def not_held_message(kb: Knowledge, gemeente: str, gap: NotHeld) -> str:
    """What the bot knows of a routeboek it does not have, and what it has instead."""
    sectors = ", ".join(s.upper() for s in kb.sectors_of(gemeente))
    return (
        f"Voor {gap.sector.upper()} in {gemeente} geldt het {gap.title}. Dat heb ik niet, dus daar "
        f"kan ik niet uit antwoorden. {gap.note} Ik heb voor {gemeente} wel het routeboek voor {sectors}."
    )

"""Turn a section into the answer a professional reads, specialised for their gemeente."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from bot.knowledge import Knowledge, SectionView
from bot.question import Relevance
from bot.replies import source_line
from bot.textproc import clip, fold


@dataclass(frozen=True)
class Answer:
    section_id: str
    title: str
    text: str
    gemeente_notes: list[tuple[str, str]] = field(default_factory=list)  # (gemeente, text)
    responsible: str | None = None
    actions: list[str] = field(default_factory=list)
    next_step: str | None = None
    current_note: str | None = None
    contacts: list[str] = field(default_factory=list)
    source: str = ""
    kind: str = "detail"
    short_source: str = ""  # the source as the card names it: document, year, chapter
    # The other gemeenten of the asker's region: the card's passage lines about only them are
    # not the asker's rule. Empty when the gemeente is not known.
    elsewhere: tuple[str, ...] = ()
    here: tuple[str, ...] = ()  # the asker's gemeente by its name and aliases

    def plain(self) -> str:
        """The answer as plain text (CLI, console)."""
        return self.render(lambda label: label)

    def render(self, bold: Callable[[str], str]) -> str:
        """The answer with labels passed through `bold` (adapters add their own markup)."""
        lines = [bold(self.title)]
        if self.current_note:
            # The current rule leads; the older passage follows as background.
            lines += ["", f"{bold('Nu geldt:')} {self.current_note.strip()}"]
        lines += ["", self.text.strip()]
        for gemeente, note in self.gemeente_notes:
            lines += ["", f"{bold(f'In {gemeente}:')} {note.strip()}"]
        if self.responsible:
            lines += ["", f"{bold('Wie is verantwoordelijk:')} {self.responsible}"]
        if self.actions:
            lines += ["", bold("Wat nu te doen:"), *[f"- {a}" for a in self.actions]]
        if self.next_step:
            lines += ["", f"{bold('Volgende stap:')} {self.next_step}"]
        if self.contacts:
            lines += ["", f"{bold('Contact:')} " + ", ".join(self.contacts)]
        lines += ["", source_line(self.source, mark=bold)]
        return "\n".join(lines)

    def short(self, relevance: Scores | None = None) -> str:
        """The card as plain text."""
        return self.card(lambda label: label, relevance)

    def card(self, bold: Callable[[str], str], relevance: Scores | None = None) -> str:
        """The first message: who is responsible, what to do now, the next step, the source.

        At most CARD_LIMIT characters, so it fits one phone screen; the full passage is one press
        away. "What to do now" holds the passage's sentences that answer the question best
        (`relevance` scores a sentence against it). The current rule leads: a superseded
        section's current note is its first line. A definition or legal ground gets a card of
        its own kind: what it is, who decides, the source.
        """
        head = bold(_heading(self.title))
        source = source_line(self.short_source or self.source, mark=bold)
        gemeente_note = self.gemeente_notes[0] if len(self.gemeente_notes) == 1 else None
        pool = units(self.text)
        passage = len(pool)  # units before this index are the passage's own, the rest actions
        if self.kind != "definition":
            pool += [Unit(a.strip()) for a in self.actions]
        budget = CARD_LIMIT - len(head) - len(source) - 2
        slots: list[tuple[str, str, int]] = []  # (label, text, most characters)
        if self.current_note:
            slots.append(("Nu geldt:", self.current_note, 200))
        if isinstance(relevance, Relevance) and relevance.term_line:
            # "Wat is het CCE ...": what the abbreviation stands for, before the passage.
            slots.append(("", relevance.term_line, 160))
        if self.kind == "definition":
            slots.append(("", "\0", 0))
            if self.responsible:
                slots.append(("Wie beslist:", self.responsible, 140))
        else:
            if self.responsible:
                slots.append(("Wie:", self.responsible, 140))
            slots.append(("Wat nu:" if self.actions or self.responsible else "", "\0", 0))
        if gemeente_note:
            slots.append((f"In {gemeente_note[0]}:", gemeente_note[1], NOTE_ROOM))
        if self.next_step and self.kind != "definition":
            slots.append(("Volgende stap:", self.next_step, 150))
        # Fixed slots first, within their caps; the passage's sentences get the rest.
        scale = 1.0
        while True:  # shrink the fixed slots until the passage's sentences keep some room
            fixed = {
                i: _clauses(text.strip(), int(cap * scale), relevance if label != "Nu geldt:" else None)
                for i, (label, text, cap) in enumerate(slots)
                if text != "\0"
            }
            used = sum(len(t) + len(slots[i][0]) + 2 for i, t in fixed.items() if t)
            spare = budget - used - len("Wat nu:") - 2
            room = min(KEY_ROOM, spare)
            if room >= KEY_MIN or scale < 0.3:
                break
            scale -= 0.1
        said = [t for t in fixed.values() if t]
        label = _heading(self.title).rstrip(".") + ":"
        while True:
            key = _pick(pool, room, relevance, said, passage, self._elsewhere(pool), spare) if room >= 60 else ""
            if key.lower().startswith(label.lower()):
                # "Formele definities: Wettelijk verzuim: ..." under the heading "Formele
                # definities": the card's heading already says it.
                key = key[len(label) :].lstrip()
            lines = [head]
            for i, (name, text, _cap) in enumerate(slots):
                piece = key if text == "\0" else fixed[i]
                if piece:
                    lines.append(f"{bold(name)} {piece}" if name else piece)
            lines.append(source)
            card = "\n".join(lines)
            over = len(card) - CARD_LIMIT - (len(head) - len(_heading(self.title)))
            if over <= 0 or room < 60:
                return card
            room, spare = room - over, spare - over


    def _elsewhere(self, pool: list[Unit]) -> frozenset[int]:
        """The units that are about another gemeente of the region only ("In Leidschendam-
        Voorburg wordt de casus voorgelegd ..." for a Den Haag user), and the items of a list
        that hangs from such a line ("Den Haag:")."""
        if not self.elsewhere:
            return frozenset()
        out: set[int] = set()
        for i, unit in enumerate(pool):
            under = unit.lead is not None and unit.lead in out
            if under or (_names_any(unit.text, self.elsewhere) and not _names_any(unit.text, self.here)):
                out.add(i)
        return frozenset(out)


def _names_any(text: str, names: Sequence[str]) -> bool:
    return any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) for name in names)


# A sentence that opens with a pronoun or a linking adverb continues the one before it.
# Pronominal adverbs ("daarmee", "hierdoor", "daarnaast") point back as the pronouns do.
_ANAPHOR = re.compile(r"(?:zij|hij|ze|dit|deze|dat|die|dan|(?:daar|hier)[a-z]{2,9})\b", re.IGNORECASE)

# What a sentence holds of the question: a value per question concept (Matcher.relevance).
Scores = Callable[[str], dict[str, float]]


@dataclass(frozen=True)
class Unit:
    """A sentence or list item of a passage; an item remembers the line that introduces it."""

    text: str
    lead: int | None = None  # index of the introducing unit ("Duur van de plaatsing:")


_BULLET = re.compile(r"^[-*\u2022]\s+")
_NUMBER = re.compile(r"^\d{1,2}[.)]\s+")


def units(text: str) -> list[Unit]:
    """The passage cut where a reader's eye stops: sentences, and list items with their lead-in.

    A passage is cut once (its cards for all later questions reuse the cut); the caller gets a
    list of its own to extend.
    """
    return list(_units(text))


@lru_cache(maxsize=2048)
def _units(text: str) -> tuple[Unit, ...]:
    """The cut of units(): the same passage is cut the same way every time.

    Lists are where routeboeken keep their terms and steps ("- 8 schoolweken, 5 dagdelen;"), so
    an item must be pickable on its own; flattening them into one long sentence buries them. A
    numbered step keeps its number on its first sentence.
    """
    out: list[Unit] = []
    lead: int | None = None  # the line a bullet list hangs from
    steps_lead: int | None = None  # the line a numbered list hangs from
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line:
            # A blank line ends a bullet list; numbered steps often stand a blank line apart.
            lead = None
            continue
        bullet = _BULLET.match(line)
        number = _NUMBER.match(line)
        body = line[bullet.end() :] if bullet else line[number.end() :] if number else line
        pieces = sentences(body)
        if number and pieces:
            pieces[0] = number.group(0) + pieces[0]
        owner = lead if bullet else steps_lead if number else None
        for k, piece in enumerate(pieces):
            # The rest of a numbered step goes on about its first sentence ("2. Combinatie van
            # onderwijs en jeugdhulp. In deze variant ..."): that sentence is its lead-in.
            out.append(Unit(piece, len(out) - k if (number or bullet) and k else owner))
        if bullet:
            continue
        lead = len(out) - 1 if pieces and pieces[-1].endswith(":") else None
        if not number:
            steps_lead = lead
    return tuple(out)


def _pick(
    pool: list[Unit],
    room: int,
    relevance: Scores | None,
    said: Sequence[str] = (),
    passage: int | None = None,
    elsewhere: frozenset[int] = frozenset(),
    whole: int = 0,
) -> str:
    """The units that answer most of the question within room, in the passage's own order.

    Greedy by what each unit adds: a unit earns only for the parts of the question (concepts)
    that the units already chosen do not hold yet, per character, so a question with two parts
    gets a line for each and a repeated line earns nothing. The best one always gets in (cut to
    the room if it must); a unit that adds nothing is only used while nothing was chosen. A list
    item inherits part of its lead-in's relevance and brings that lead-in along when it fits, so
    "8 schoolweken" keeps "Duur van de plaatsing:". A unit about another gemeente of the
    asker's region (`elsewhere`) earns ELSEWHERE_SHARE of its relevance.
    """
    own = [relevance(u.text) if relevance is not None else {"": 1.0} for u in pool]
    values: list[dict[str, float]] = []
    for i, unit in enumerate(pool):
        merged = dict(own[i])
        if unit.lead is not None:
            # A list answers its lead-in: "Het JES loopt vast op een financiële discussie:"
            for concept, value in own[unit.lead].items():
                merged[concept] = max(merged.get(concept, 0.0), LEAD_SHARE * value)
        elif i > 0 and _ANAPHOR.match(unit.text):
            # "Zij kunnen dan niet ..." goes on about what the sentence before it names.
            for concept, value in own[i - 1].items():
                merged[concept] = max(merged.get(concept, 0.0), LEAD_SHARE * value)
        if i in elsewhere:
            merged = {concept: ELSEWHERE_SHARE * value for concept, value in merged.items()}
        values.append(merged)
    covered: dict[str, float] = {}
    chosen: dict[int, str] = {}
    left = room

    def end(text: str) -> str:
        return text if text[-1:] in ".!?:;," else text + "."

    def gain(i: int) -> float:
        # What is new counts fully; what repeats a chosen line's part of the question counts
        # REPEAT_SHARE (details of the same topic are often the answer).
        return sum(
            max(0.0, v - covered.get(c, 0.0)) + REPEAT_SHARE * min(v, covered.get(c, 0.0))
            for c, v in values[i].items()
        )

    candidates = [
        i
        for i, unit in enumerate(pool)
        # A list's lead-in says nothing without its items; it comes along with them.
        if not (unit.text.endswith(":") and i + 1 < len(pool) and pool[i + 1].lead == i)
    ]
    if isinstance(relevance, Relevance) and relevance.wants_list:
        # "Welke scholen ...": the passage's most relevant list, whole, is the answer.
        listed = _best_list(pool, values)
        given = " ".join(_folded(line) for line in said)
        if listed[1:] and all(_folded(pool[i].text).rstrip(" .;,") in given for i in listed[1:]):
            # A fixed line (the gemeente's note) already names every item: not twice.
            candidates = [i for i in candidates if i not in listed]
            listed = []
        for form in _list_forms(pool, listed):
            text = " ".join(form.values())
            # The list is the answer: it may take the card's spare room, as a best line may.
            if len(text) + 1 <= max(left, whole):
                chosen.update(form)
                for i in listed:
                    for concept, value in values[i].items():
                        covered[concept] = max(covered.get(concept, 0.0), value)
                left -= len(text) + 1
                candidates = [i for i in candidates if i not in listed]
                break
    while candidates:
        best = max(
            candidates, key=lambda i: (gain(i) / (1.0 + len(pool[i].text) / DENSITY_CHARS), -i)
        )
        candidates.remove(best)
        if chosen and gain(best) <= 0:
            break
        if passage is not None and best >= passage:
            # An action that restates a passage sentence gives way to it: the source's own
            # wording, and the list item that sentence belongs to, come with it.
            restated = [
                i for i in range(passage) if i not in chosen and repeats(pool[i].text, [pool[best].text])
            ]
            if restated:
                best = max(restated, key=lambda i: len(pool[i].text))
        sentence = end(pool[best].text)
        if repeats(sentence, [*chosen.values(), *said]):
            continue
        lead = pool[best].lead
        # The rest of a numbered step says nothing without the step it belongs to; nor does a
        # list item that only completes its lead-in ("negen keer te laat komen").
        needs = 0
        if lead is not None and lead not in chosen and (
            not pool[lead].text.endswith(":") or pool[best].text[:1].islower()
        ):
            needs = len(end(pool[lead].text)) + 1
        alone = False
        if len(sentence) + 1 + needs > left:
            if chosen:
                continue
            if len(sentence) + 1 + needs > whole:
                chosen[best] = _fit(sentence, left)
                break
            # The best unit alone is over the room but fits the card: whole, for a cut loses
            # its end, where the answer often is ("..., waardoor de leerling naar het ROC kan").
            alone, left = True, len(sentence) + 1 + needs
        if needs:
            chosen[lead] = end(pool[lead].text)  # type: ignore[index]
            left -= needs
        chosen[best] = sentence
        left -= len(sentence) + 1
        if alone:
            break
        for concept, value in values[best].items():
            covered[concept] = max(covered.get(concept, 0.0), value)
        lead = pool[best].lead
        if lead is not None and lead not in chosen and len(pool[lead].text) + 1 <= left:
            chosen[lead] = pool[lead].text
            left -= len(pool[lead].text) + 1
        elif lead is None and best > 0 and best - 1 not in chosen and _ANAPHOR.match(pool[best].text):
            before = end(pool[best - 1].text)
            if len(before) + 1 <= left:
                chosen[best - 1] = before
                left -= len(before) + 1
    return " ".join(chosen[i] for i in sorted(chosen))


def _best_list(pool: list[Unit], values: list[dict[str, float]]) -> list[int]:
    """The lead-in and items of the list that holds most of the question, or nothing.

    A list is the units that hang from one lead-in ending in a colon ("Er zijn drie
    varianten:"); numbered steps are its items by their first sentence. It counts only when
    its lead-in or an item holds part of the question; of equal lists the first one wins (an
    outer list comes before the lists inside its items).
    """
    lists: dict[int, list[int]] = {}
    for i, unit in enumerate(pool):
        if unit.lead is not None and pool[unit.lead].text.endswith(":"):
            lists.setdefault(unit.lead, []).append(i)
    best: list[int] = []
    best_value = 0.0
    for lead, items in lists.items():
        if len(items) < 2:
            continue
        value = sum(values[lead].values()) + max(sum(values[i].values()) for i in items)
        if value > best_value:
            best, best_value = [lead, *items], value
    return best


def _list_forms(pool: list[Unit], listed: list[int]) -> list[dict[int, str]]:
    """A list as the card can show it, longest first: whole; items only; items without asides."""
    if not listed:
        return []
    lead, items = listed[0], listed[1:]
    whole = {lead: pool[lead].text} | {i: _end(pool[i].text) for i in items}
    bare = {i: _end(pool[i].text) for i in items}
    plain = {i: _end(_ASIDE.sub("", pool[i].text).rstrip(" .;,")) for i in items}
    return [whole, bare, plain]


def _end(text: str) -> str:
    return text if text[-1:] in ".!?:;," else text + "."


# A remark in brackets: "(via het Driehoeksoverleg, vrijstelling 5 onder a)".
_ASIDE = re.compile(r"\s*\([^()]*\)")


# Lines whose words are (nearly) all in another line say the same thing.
REPEAT_RATIO = 88
REPEAT_MIN_WORDS = 5


def repeats(line: str, others: Sequence[str]) -> bool:
    """Whether a line says again what one of `others` says: the card has no room for it twice.

    The content's actions and next steps often restate a sentence of the passage in other
    punctuation ("(schriftelijk)", "OT (Onderwijs Transparant)"); word-set similarity sees
    through that. Short lines ("Meld bij DUO.") are never judged repeats: their words are in
    many lines that say more.
    """
    words = _folded(line)
    if len(words.split()) < REPEAT_MIN_WORDS:
        return False
    return any(fuzz.token_set_ratio(words, _folded(other)) >= REPEAT_RATIO for other in others)


# The content's lines, folded once: repeats() compares the same lines for every card.
_folded = lru_cache(maxsize=8192)(fold)


# A card's heading: a title up to its colon, at most this long.
HEADING_ROOM = 90
# The chapter on a card's source line: the first place the section comes from, cut at a comma.
CHAPTER_ROOM = 50
# A card fits one phone screen (Telegram shows about 700 characters without scrolling).
CARD_LIMIT = 700
# The passage's own sentences on a card: enough for the answer, short enough for one glance.
KEY_ROOM = 270
KEY_MIN = 120
# The asker's gemeente's own note on a card.
NOTE_ROOM = 200
# Relevance per character: a unit of DENSITY_CHARS characters counts half as dense as a short one.
DENSITY_CHARS = 400
# What a unit earns for a part of the question that a chosen unit already holds.
REPEAT_SHARE = 0.3
# What a line about another gemeente of the region earns on the asker's card.
ELSEWHERE_SHARE = 0.0
# The share of a list's lead-in relevance that each of its items inherits.
LEAD_SHARE = 0.5
# A sentence ends at . ! or ? before a capital: "m.b.t. ziekteverzuim" goes on.
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
# Dutch abbreviations that end in a full stop inside a sentence ("ca. 6 weken", "max. 4 weken").
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:ca|max|min|bijv|bv|evt|o\.a|m\.b\.t|i\.v\.m|d\.w\.z|incl|excl|nr|art|zgn|resp|t\.a\.v)\.$",
    re.IGNORECASE,
)

# A chapter number inside a sentence: "Het routeboek 2025 (2. Route zonder ...)", "zie 3. Fase".
_CHAPTER_NUMBER = re.compile(r"(?:\(|\b(?:zie|hoofdstuk|paragraaf|par))\s*\d{1,2}[a-z]?\.$", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """Sentences of a text, not cut after an abbreviation such as "ca." or "max."."""
    out: list[str] = []
    for piece in _SENTENCE.split(re.sub(r"\s+", " ", text.strip())):
        if out and (_ABBREVIATION.search(out[-1]) or _CHAPTER_NUMBER.search(out[-1])):
            out[-1] = f"{out[-1]} {piece}"
        elif piece.strip():
            out.append(piece.strip())
    return out


def _clauses(text: str, room: int, relevance: Scores | None) -> str:
    """A field that does not fit, as its clauses that answer the question best.

    Per-gemeente notes list their steps as clauses ("stap 1 ...; stap 2 ...; stap 3 aanmelding
    door ... bij regisseur sociaal domein"): cutting at the room keeps the first steps and loses
    the one asked about.
    """
    parts = [p.strip() for p in _top_level(text) if p.strip()]
    if len(text) <= room or relevance is None or len(parts) < 2:
        return _fit(text, room)
    picked = _pick([Unit(p) for p in parts], room, relevance)
    return picked if picked else _fit(text, room)


def _heading(title: str) -> str:
    """A section title up to its colon: "Stap 3a PO" of "Stap 3a PO: advies vragen bij ...".

    A colon inside brackets is no end ("artikel 11 LPW (a t/m g: sluiting, ...)").
    """
    return clip(_outside_brackets(title, ": ")[0], HEADING_ROOM)


def _fit(text: str, room: int) -> str:
    """Whole sentences of text within room characters; a cut sentence ends in "..."."""
    text = re.sub(r"\s+", " ", text)
    if len(text) <= room:
        return text
    out = ""
    for sentence in sentences(text):
        if len(out) + len(sentence) + 1 > room:
            break
        out = f"{out} {sentence}".strip()
    if out:
        return out
    cut = text[: room - 3].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "..."


def short_source_label(kb: Knowledge, view: SectionView) -> str:
    """Document, year and chapter: "Routeboek verzuim en thuiszitters VO 2025, Fase 2.2"."""
    doc = view.document
    year = re.search(r"\b(19|20)\d{2}\b", doc.version)
    number = re.search(r"\bversie\s+\d+(?:\.\d+)*", doc.version, re.IGNORECASE)
    # Without a year, a version number still tells which edition ("versie 1.0").
    when = year.group(0) if year else number.group(0).lower() if number else "jaar niet vermeld"
    return f"{doc.title} ({when}), {_chapter(view.section.source.section)}"


def _chapter(section: str) -> str:
    """The first place a source names, short enough for a card (the full answer names all).

    Whole parts of the path ("Hoofdstuk 4", "Stap 2") while they fit; a part too long keeps its
    number without its name ("Stap 2: Het kernteam aan zet" becomes "Stap 2"); a word is never cut.
    """
    first = section.split("; ", 1)[0]
    if len(first) <= CHAPTER_ROOM:
        return first
    parts = re.split(r"(, | > )", first)
    shown = ""
    for k in range(0, len(parts), 2):
        sep = parts[k - 1] if k else ""
        part = parts[k]
        if len(shown) + len(sep) + len(part) <= CHAPTER_ROOM:
            shown += sep + part
            continue
        numbered = part.split(": ", 1)[0]
        if numbered != part and len(shown) + len(sep) + len(numbered) <= CHAPTER_ROOM:
            shown += sep + numbered
        break
    if shown:
        return shown
    return first[: CHAPTER_ROOM - 3].rsplit(" ", 1)[0] + "..."


def source_label(kb: Knowledge, view: SectionView) -> str:
    src = view.section.source
    return f"{kb.document_label(src.document)}, {src.section}"


def build_answer(kb: Knowledge, view: SectionView, gemeente: str | None) -> Answer:
    """Specialise a section: the user's own gemeente's rule, or all variants when unknown."""
    sec = view.section
    region = kb.region_of(gemeente) if gemeente else None
    here: tuple[str, ...] = ()
    elsewhere: tuple[str, ...] = ()
    responsible = sec.responsible
    if gemeente and region is not None:
        mine = next(g for g in region.gemeenten if g.name == gemeente)
        here = (mine.name, *mine.aliases)
        elsewhere = tuple(g.name for g in region.gemeenten if g.name != gemeente)
        labels = {name: g.name for g in region.gemeenten for name in (g.name, *g.aliases)}
        responsible = responsible and for_gemeente(responsible, gemeente, labels)
    if gemeente:
        notes = [(gemeente, sec.per_gemeente[gemeente])] if gemeente in sec.per_gemeente else []
    else:
        notes = list(sec.per_gemeente.items())
    return Answer(
        section_id=sec.id,
        title=sec.title,
        text=sec.text,
        gemeente_notes=notes,
        responsible=responsible,
        actions=list(sec.actions),
        next_step=sec.next_step,
        current_note=sec.current_note,
        contacts=list(sec.contacts),
        source=source_label(kb, view),
        kind=sec.kind,
        short_source=short_source_label(kb, view),
        elsewhere=elsewhere,
        here=here,
    )


# A parenthesis, with one level of brackets inside: "(Den Haag: Regisseur JMO (Jeugdhulp); ...)".
_GROUP = re.compile(r"\s*\(((?:[^()]|\([^()]*\))*)\)")


def for_gemeente(text: str, gemeente: str, labels: dict[str, str]) -> str:
    """A field that names who acts per gemeente, kept to the asker's gemeente.

    "Den Haag: Directeur Jeugd ...; Rijswijk en Leidschendam-Voorburg: Directeur Sociaal
    Domein" tells a Rijswijk user who acts only after they have read past Den Haag's rule.
    Clauses labelled with gemeenten (`labels` maps names and aliases to gemeenten), at the top
    level or inside brackets, keep the asker's; unlabelled clauses stay. A bracket with only
    other gemeenten' clauses goes; a top level without the asker's clause stays whole (the bot
    cannot tell which applies).
    """

    def group(match: re.Match[str]) -> str:
        kept = _own_clauses(_top_level(match.group(1)), gemeente, labels)
        if kept is None:
            return match.group(0)
        return f" ({'; '.join(kept)})" if kept else ""

    text = _GROUP.sub(group, text)
    kept = _own_clauses(_top_level(text), gemeente, labels)
    return "; ".join(kept) if kept else text


def _top_level(text: str) -> list[str]:
    """The clauses of text split at semicolons outside brackets: "(... LPA; bij ...)" is one."""
    return [part.strip() for part in _outside_brackets(text, ";")]


def _outside_brackets(text: str, sep: str) -> list[str]:
    """text split at `sep` where it stands outside brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and i >= start and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
    parts.append(text[start:])
    return parts


def _own_clauses(clauses: list[str], gemeente: str, labels: dict[str, str]) -> list[str] | None:
    """The clauses for this gemeente and the unlabelled ones; None when no clause is labelled."""
    named = [_label(clause, labels) for clause in clauses]
    if not any(named):
        return None
    return [clause for clause, who in zip(clauses, named, strict=True) if not who or gemeente in who]


def _label(clause: str, labels: dict[str, str]) -> set[str]:
    """The gemeenten a clause opens with ("Rijswijk en Leidschendam-Voorburg: ..."), or none."""
    head, colon, _rest = clause.partition(": ")
    if not colon:
        return set()
    names = [part for part in re.split(r"\s*(?:,|/|\ben\b)\s*", head.strip()) if part]
    if not names or any(name not in labels for name in names):
        return set()
    return {labels[name] for name in names}

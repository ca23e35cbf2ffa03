"""Which headings of a source document the content cites, and which it misses.

A region's maintainer writes sections that cite the document as `source.section`, in the words
readers use ("Hoofdstuk 4, Stap 3a: ...", "Fase 3, 9. en 10a", "Bijlage 1, Schorsing"). Those
citations are read back into heading paths (bot/headings.py) and compared with the headings
found in the document itself, so a chapter nobody wrote a section for shows up before a user
asks about it. A document without numbered headings (a click-through tool) is measured per
screen instead, by the words the sections hold (see "Documents without numbered headings").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from bot.headings import MAX_TITLE, SUMMARY_ROOM, Heading, Key, fold, squash, unique_keys
from bot.schema import Section
from bot.textproc import clip, content_words, stem

_LABEL = re.compile(r"^(hoofdstuk|bijlage|fase|stap|paragraaf)\s+(\d{1,2}[a-z]?(?:\.\d{1,2}[a-z]?)*)\b\.?\s*[:\-–]?\s*(.*)$", re.I)
_BARE = re.compile(r"^(\d{1,2}[a-z]?(?:\.\d{1,2}[a-z]?)*)(\.?)(?:\s+(.*))?$")
_KIND = {"hoofdstuk": "hoofdstuk", "bijlage": "bijlage", "fase": "fase", "stap": "stap", "paragraaf": "n"}
# " en " joins two citations only when a number follows: "7. JES en 8. Passend aanbod".
_SPLIT = re.compile(r"\s*,\s*|\s+en\s+(?=(?:hoofdstuk|bijlage|fase|stap)?\s*\d)", re.I)


@dataclass(frozen=True)
class Cite:
    """One heading a citation names: a path of (kind, number) and the title words given."""

    path: tuple[Key, ...]
    title: str = ""  # folded
    part: int = 0  # which ";"-separated part of the citation it comes from
    weak: bool = False  # only the context of a more specific citation that follows it


def _dotted(kind: str, number: str) -> tuple[Key, ...]:
    parts = number.lower().split(".")
    head: Key = (kind, parts[0])
    return (head, *(("n", p) for p in parts[1:]))


def _weaken(cites: list[Cite], context: Cite | None) -> None:
    """Mark a label that turned out to be the context of what follows: in "Hoofdstuk 4,
    Stap 1" the chapter is where the step is. It still counts when what follows names no
    heading of the document ("Fase 1.1 Focus op aanwezigheid, Ad 3 Signaleren")."""
    if context is not None and context in cites:
        cites[cites.index(context)] = replace(context, weak=True)


def parse_citation(text: str) -> list[Cite]:
    """Every heading a `source.section` value names, with the context it gives.

    "Hoofdstuk 1.2, 1.3" names 1.2 and 1.3; "Fase 3, 9. en 10a" parts 9 and 10a of fase 3;
    "Fase 1 en 2" fases 1 and 2; "Overige zaken, Absoluut verzuim" two unnumbered headings. A
    bare number without a dot after a label ("Fase 1, 2") is read both as a part and as the
    next label, since routeboeken write it both ways."""
    cites: list[Cite] = []
    for index, part in enumerate(text.split(";")):
        first = len(cites)
        context: tuple[Key, ...] = ()
        previous: tuple[Key, ...] | None = None
        context_cite: Cite | None = None
        pieces = _SPLIT.split(part.strip())
        joiners = [m.group(0) for m in _SPLIT.finditer(part.strip())]
        for n, piece in enumerate(p.strip() for p in pieces):
            if not piece:
                continue
            sibling = n > 0 and joiners[n - 1].strip().lower() == "en"
            labelled = _LABEL.match(piece)
            bare = None if labelled else _BARE.match(piece)

            if labelled:
                kind = _KIND[labelled.group(1).lower()]
                path = _dotted(kind, labelled.group(2))
                if kind == "stap" and context:
                    path = (*context, *path)
                    _weaken(cites, context_cite)
                context_cite = None
                title = fold(labelled.group(3) or "")
                cites.append(Cite(path, title))
                if kind != "stap":
                    context = path
                    # Named in words ("Fase 1.2 Preventie op school, 1. ...") it is cited too.
                    context_cite = cites[-1] if not title else None
                previous = path
            elif bare:
                number, dot, rest = bare.group(1).lower(), bare.group(2), bare.group(3) or ""
                title = fold(rest)
                if "." in number:
                    path = _dotted("hoofdstuk", number)
                    if context and context[0][0] != "hoofdstuk" and number.split(".")[0] == context[0][1]:
                        path = (context[0], *path[1:])
                    cites.append(Cite(path, title))
                    previous = path
                    continue
                if sibling and previous is not None:
                    path = (*previous[:-1], (previous[-1][0], number))
                    cites.append(Cite(path, title))
                    previous = path
                    continue
                if context:
                    path = (*context, ("n", number))
                    cites.append(Cite(path, title))
                    if not dot and not rest:
                        cites.append(Cite((*context[:-1], (context[-1][0], number))))
                    else:
                        _weaken(cites, context_cite)
                else:
                    path = (("hoofdstuk", number),)
                    cites.append(Cite(path, title))
                previous = path
            else:
                _weaken(cites, context_cite)
                cites.append(Cite((*context, ("name", fold(piece))), fold(piece)))
        # The whole part as one title too: titles may hold commas ("Verzuim stopt, leerling ...").
        whole = _LABEL.match(part.strip()) or _BARE.match(part.strip())
        rest = (whole.group(3) if whole else part) or ""
        numbered_later = any(_LABEL.match(p.strip()) or _BARE.match(p.strip()) for p in pieces[1:])
        if "," in rest and not numbered_later and not rest.lstrip().startswith(",") and re.search(r"[a-z]{3}", fold(rest)):
            cites.append(Cite((*context, ("name", fold(rest))), fold(rest)))
        for k in range(first, len(cites)):
            cites[k] = replace(cites[k], part=index)
    return cites


def _title_match(heading: Heading, cite: Cite) -> bool:
    """The same title. An unnumbered citation may give the start of a longer title or add
    words to it; a numbered one only adds words ("3. Brede aanpak van verzuim (Formele
    definities)"), and is judged by title only when its number names no heading."""
    if heading.toc_title and fold(heading.toc_title) == cite.title:
        return True
    mine, title = fold(heading.title), cite.title
    if not mine or not title:
        return False
    if title == mine:
        return True
    if cite.path and cite.path[-1][0] != "name":
        return title.startswith(mine + " ") and len(mine.split()) >= 2
    if title.startswith(mine + " ") and len(mine) >= 8:
        return True
    return mine.startswith(title + " ") and len(title.split()) >= 2


def _by_number(cite: Cite, heading: Heading, unique: set[Key]) -> bool:
    """The same number, in the same chapter or fase unless the number occurs once."""
    last = cite.path[-1] if cite.path else None
    if last is None or last[0] == "name" or last != heading.key:
        return False
    if heading.key in unique:
        return True
    # The same place: one path ends the other ("Fase 2.1" is part 1 of fase 2, not of 2.2).
    shorter, longer = sorted((cite.path, heading.path), key=len)
    return longer[len(longer) - len(shorter) :] == shorter


def cites_heading(cite: Cite, heading: Heading, unique: set[Key], numbered: bool = False) -> bool:
    """True when `cite` names `heading`: by number, or by title (`numbered`: the cite's number
    names another heading of the document, so its title must not pull it elsewhere)."""
    if _by_number(cite, heading, unique):
        return True
    return not numbered and _title_match(heading, cite)


@dataclass
class HeadingCover:
    heading: Heading
    sections: list[str] = field(default_factory=list)
    # A heading with no text of its own before its first part is covered by its parts.
    through_parts: bool = False

    @property
    def covered(self) -> bool:
        """Cited, or an empty heading whose parts are all cited."""
        return bool(self.sections) or self.through_parts


def cover(headings: list[Heading], citations: list[tuple[str, str]]) -> list[HeadingCover]:
    """For each heading, the ids of the sections whose `source.section` cites it.

    `citations` are (section id, source.section) pairs of the document's sections."""
    unique = unique_keys(headings)
    parsed: list[tuple[str, list[tuple[Cite, bool]]]] = []
    for sid, text in citations:
        cites = [(c, any(_by_number(c, h, unique) for h in headings)) for c in parse_citation(text)]
        precise = {c.part for c, numbered in cites if not c.weak and (numbered or any(_title_match(h, c) for h in headings))}
        parsed.append((sid, [(c, n) for c, n in cites if not c.weak or c.part not in precise]))
    result = []
    for heading in headings:
        found = [sid for sid, cites in parsed if any(cites_heading(c, heading, unique, n) for c, n in cites)]
        result.append(HeadingCover(heading, found))
    for n, item in enumerate(result):
        if item.sections or item.heading.summary:
            continue
        depth = len(item.heading.path)
        parts = []
        for later in result[n + 1 :]:
            if len(later.heading.path) <= depth or later.heading.path[:depth] != item.heading.path:
                break
            if len(later.heading.path) == depth + 1:
                parts.append(later)
        item.through_parts = bool(parts) and all(p.sections for p in parts)
    return result


# --- Documents without numbered headings: screens --------------------------------------------
#
# A click-through tool (the digitale tool of SWV Zuid-Holland West) has no chapters: it is a
# set of screens, each a page of the PDF. No `source.section` names a screen verbatim (the
# content cites editorial paths such as "Soort verzuim > ziekteverzuim"), so a screen is judged
# by its words instead: it is covered when one section citing the document holds most of what
# is particular to that screen.

_URL_LINE = re.compile(r"https?://|www\.", re.I)
# A pointer to another document: "Wil je meer lezen over ...? Lees verder in:", "Bekijk dan:",
# "- Routeboek Verzuim & Thuiszitters, Hoofdstuk 3: fase 2".
_REFERENCE = re.compile(r"\b(lees verder|wil je (meer )?(lezen|weten)|bekijk dan)\b|\bhoofdstuk \d", re.I)
# In a text extraction a page starts on a form feed or, where it has none, on a line it begins
# with one space (as ../shared/seeds/ writes them).
_PAGE_START = re.compile(r"^ (?=\S)")
PAGE_GAP = 3  # empty lines in a row before text: the gap a lost page break leaves
# A screen is covered when one section holds this share of its words, each word weighted by
# how few of the document's screens share it (boilerplate such as "lees verder" weighs little).
# On the shipped tool the covering section holds 0.82-1.0 (OCR noise and a screen's buttons
# cost the rest); a section that only mentions a screen (an overview listing its question, a
# sibling with the same "lees verder" lines) holds at most about 0.7.
SCREEN_COVERED = 0.75
MIN_WORDS = 3  # fewer words of its own: a button or a title only ("Start de tool!")


@dataclass(frozen=True)
class Screen:
    line: int  # 1-based first line
    title: str  # the first line, joined with its continuation when wrapped
    summary: str  # the first line of what the screen says after its title
    words: tuple[str, ...]  # folded content words of the screen, links left out
    own: tuple[str, ...]  # those words outside its references to other documents
    head: frozenset[str]  # stems of its first three lines: what a button leading here says
    question: str = ""  # the question the screen asks in its first two lines, if any
    also: tuple[int, ...] = ()  # first lines of screens with the same text


@dataclass
class ScreenCover:
    screen: Screen
    sections: list[str] = field(default_factory=list)  # holding it, best first
    score: float = 0.0  # the best section's share
    best: str = ""  # the best section, also when below the threshold
    navigation: str = ""  # why the screen has nothing of its own to cover

    @property
    def covered(self) -> bool:
        return bool(self.sections)


def _words(text: str) -> list[str]:
    return [w for w in content_words(text) if len(w) >= 3 and w.isalpha()]


def _page_starts(lines: list[str]) -> list[int]:
    starts = [0]
    blank = 0
    for i, raw in enumerate(lines):
        if i and (_PAGE_START.match(raw) or (blank >= PAGE_GAP and raw.strip() and not _URL_LINE.search(raw))):
            starts.append(i)
        blank = blank + 1 if not raw.strip() else 0
    return starts


def scan_screens(text: str, page_offsets: list[int] | None = None) -> list[Screen]:
    """The document's screens in reading order: its pages (`page_offsets`, the character
    offsets where a PDF's pages begin), or in a text extraction the blocks that start on a
    page break. Screens with the same words (a tool repeats an end screen on every path) are
    one screen, with the first lines of the others in `also`."""
    lines = text.splitlines()
    if not page_offsets and "\f" in text:
        page_offsets = [m.end() for m in re.finditer("\f", text)]
    if page_offsets:
        starts = sorted({len(text[:offset].splitlines()) for offset in page_offsets} | {0})
    else:
        starts = _page_starts(lines)
    found: dict[tuple[str, ...], Screen] = {}
    for a, b in zip(starts, [*starts[1:], len(lines)], strict=True):
        block = [raw for raw in lines[a:b] if not _URL_LINE.search(raw)]
        rows = [(k, squash(raw)) for k, raw in enumerate(block) if raw.strip()]
        if not rows:
            continue
        reference = _references([row for _, row in rows])
        words = tuple(w for _, row in rows for w in _words(row))
        if not words:
            continue
        own = tuple(w for (_, row), ref in zip(rows, reference, strict=True) if not ref for w in _words(row))
        title, after = rows[0][1], 1
        if len(rows) > 1 and rows[1][0] == rows[0][0] + 1 and rows[1][1][:1].islower() and len(title) < 60:
            title, after = f"{title} {rows[1][1]}", 2  # wrapped: "... aanwezigheid in" / "de klas; ..."
        # Page furniture around the title ("= Digitale tool", "*Verzuim"), and its colon.
        title = re.sub(r"^[^\w(]+|[\s:]+$", "", title)
        title = clip(title, MAX_TITLE)
        head = frozenset(stem(w) for _, row in rows[:3] for w in _words(row))
        summary = next((row for (_, row), ref in zip(rows[after:], reference[after:], strict=True) if not ref and len(row) >= 12), "")
        summary = clip(summary, SUMMARY_ROOM)
        question = next((row for _, row in rows[:2] if "?" in row), "")
        key = tuple(stem(w) for w in words)
        if key in found:
            held = found[key]
            found[key] = replace(held, also=(*held.also, a + 1))
            continue
        found[key] = Screen(a + 1, title, summary, words, own, head, question)
    return list(found.values())


def _references(rows: list[str]) -> list[bool]:
    """Which lines point to another document: a "lees verder" line and the short or bulleted
    lines that list what it points to."""
    marks = []
    inside = False
    for row in rows:
        if _REFERENCE.search(row):
            inside = True
        elif inside:
            inside = not row[:1].isalnum() or len(row.split()) <= 6  # "- Tafels voor opschaling"
        marks.append(inside)
    return marks


class _Bag:
    """A section's words, for finding a screen's words in it: by stem, and with one letter
    wrong for a longer word (OCR of a scanned screen reads "dvidelijk", "vitschrijven")."""

    def __init__(self, text: str) -> None:
        words = _words(text)
        self.stems = {stem(w) for w in words}
        self.near: set[str] = set()
        for w in words:
            if len(w) >= 5:
                self.near |= _deletions(w) | {w}

    def has(self, word: str) -> bool:
        if stem(word) in self.stems:
            return True
        return len(word) >= 5 and (word in self.near or bool(_deletions(word) & self.near))


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def section_text(section: Section) -> str:
    """What a section says, in the document's words: title, text, who, actions, next step,
    notes and contacts (not its keywords and example questions, which are the users' words)."""
    parts = [section.title, section.text, section.responsible or "", section.next_step or "", section.current_note or ""]
    return "\n".join([*parts, *section.actions, *section.contacts, *section.per_gemeente.values()])


def cover_screens(screens: list[Screen], sections: list[tuple[str, str]]) -> list[ScreenCover]:
    """For each screen, the sections that hold it (`sections`: (id, section_text) pairs of the
    document's sections), best first; a screen held by none is navigation when it has nothing
    of its own (a title and the buttons to the next screens, or only links)."""
    df: dict[str, int] = {}
    for screen in screens:
        for s in {stem(w) for w in screen.words}:
            df[s] = df.get(s, 0) + 1
    weight = {s: math.log((len(screens) + 1) / n) for s, n in df.items()}
    bags = [(sid, _Bag(text)) for sid, text in sections]
    result = []
    for screen in screens:
        stems: dict[str, str] = {}
        for w in screen.words:
            stems.setdefault(stem(w), w)
        total = sum(weight[s] for s in stems)
        scored = []
        for sid, bag in bags:
            held = sum(weight[s] for s, w in stems.items() if bag.has(w))
            scored.append((held / total if total else 0.0, sid))
        scored.sort(key=lambda item: -item[0])
        item = ScreenCover(screen, [sid for share, sid in scored if share >= SCREEN_COVERED])
        if scored:
            item.score, item.best = scored[0]
        if not item.covered:
            item.navigation = _navigation(screen, screens)
        result.append(item)
    return result


def _navigation(screen: Screen, screens: list[Screen]) -> str:
    """Why a screen holds nothing of its own to cover, or "" when it does."""
    if len({stem(w) for w in screen.words}) < MIN_WORDS:
        return "geen eigen tekst"
    if not screen.own:
        return "alleen verwijzingen naar andere documenten"
    if not screen.question:
        return ""
    # A question and its choices: what the screen says besides its first lines (the question and
    # what leads up to it) are the buttons, which name the screens they lead to.
    asked = {stem(w) for w in _words(" ".join([screen.title, screen.question]))}
    rest = {stem(w) for w in screen.own} - asked
    others = set().union(*(s.head for s in screens if s is not screen))
    if len(rest - others) <= len(rest) // 4:
        return "alleen een vraag en de keuzes naar volgende schermen"
    return ""

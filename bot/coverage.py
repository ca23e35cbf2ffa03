"""Which headings of a source document the content cites, and which it misses.

A region's maintainer writes sections that cite the document as `source.section`, in the words
readers use ("Hoofdstuk 4, Stap 3a: ...", "Fase 3, 9. en 10a", "Bijlage 1, Schorsing"). Those
citations are read back into heading paths (bot/headings.py) and compared with the headings
found in the document itself, so a chapter nobody wrote a section for shows up before a user
asks about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from bot.headings import Heading, Key, fold, unique_keys

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

"""Find a routeboek's own numbered headings in flat text (from a PDF or a text file).

Extracted PDF text has no layout: page numbers, footnotes ("3 Niet alle leerlingen ...") and
wrapped lines that start with a digit ("6 maanden. De periode ...") look like headings. A line is
taken as a heading by what a heading is: its numbering continues the previous heading at its
level, it matches the table of contents where the document has one, and it is short and reads
like a title. Lines that look like a heading but fail one of those tests are returned as
`unsure`, so a maintainer sees them instead of the parser guessing silently.

Each heading has a `path` of (kind, number) pairs, e.g. (("hoofdstuk", "4"), ("stap", "3a")),
which `bot/coverage.py` compares with the `source.section` citations of the content.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from bot.textproc import clip

Key = tuple[str, str]  # ("hoofdstuk", "4"), ("fase", "3a"), ("bijlage", "1"), ("stap", "2"), ("n", "1")

# Unnumbered chapters every routeboek may have; recognised only as a whole line.
NAMED_CHAPTERS = (
    "inleiding",
    "voorwoord",
    "leeswijzer",
    "afkortingen",
    "begrippenlijst",
    "verklarende woordenlijst",
    "samenvatting",
    "colofon",
    "tot slot",
    "literatuur",
    "bronnen",
)
TOC_TITLES = ("inhoud", "inhoudsopgave", "inhoudstafel")
# Labels written before a number; "deel" and "paragraaf" are read as chapter and paragraph.
_LABEL_KIND = {
    "hoofdstuk": "hoofdstuk",
    "deel": "hoofdstuk",
    "bijlage": "bijlage",
    "fase": "fase",
    "stap": "stap",
    "paragraaf": "n",
}
_CONTAINERS = ("fase", "bijlage")  # a bare number under these is one of their parts
_NUM = r"\d{1,2}[a-z]?(?:\.\d{1,2}[a-z]?)*"
_LABELLED = re.compile(rf"^(hoofdstuk|bijlage|fase|stap|deel|paragraaf)\s+({_NUM})\b\.?\s*[:\-–]?\s*(.*)$", re.I)
_BARE = re.compile(rf"^({_NUM})(?:(\.)\s*|\s+)(\S.*)$")
_TOC_PAGE = re.compile(r"(?:\s*\.{3,}\s*|\t+|\s{2,})(\d{1,3})\s*$")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s")
_URL = re.compile(r"https?://|www\.", re.I)
_MARKUP = re.compile(r"</?(?:b|i|u|strong|em|sup|sub)>|\\|\*+|_{2,}")
# A title ending in one of these words was wrapped onto the next line.
_OPEN_END = {
    "en", "het", "de", "van", "voor", "met", "in", "op", "te", "der", "of", "tot", "bij",
    "naar", "om", "aan", "per", "een", "door", "over", "uit", "artikel", "art.", "&", "-", "–",
}
MAX_TITLE = 90  # characters; a longer line is a sentence, not a heading
SUMMARY_ROOM = 110  # characters of the line that says what a heading's text is about


@dataclass(frozen=True)
class Heading:
    line: int  # 1-based line of the heading in the source text
    text: str  # the heading as written (number and title, whitespace squashed)
    title: str  # the words after the number ("" for a bare "Bijlage 2")
    path: tuple[Key, ...]
    summary: str = ""  # the first line of what the heading says
    toc_title: str = ""  # the title the table of contents gives, where it differs
    span: int = 1  # lines the heading takes (a title wrapped onto the next line: 2)

    @property
    def key(self) -> Key:
        """The heading's own number (or name): what a citation names first."""
        return self.path[-1]

    @property
    def label(self) -> str:
        """The heading's number as a reader cites it: "Hoofdstuk 4", "Stap 3a", "2.1"."""
        kind, number = self.key
        if kind == "name":
            return self.title
        if kind == "n":
            return number
        return f"{kind.capitalize()} {number}"


@dataclass(frozen=True)
class Unsure:
    line: int
    text: str
    reason: str

    def __str__(self) -> str:
        return f"regel {self.line}: {self.text!r}: {self.reason}"


@dataclass
class Scan:
    headings: list[Heading] = field(default_factory=list)
    unsure: list[Unsure] = field(default_factory=list)
    toc: list[str] = field(default_factory=list)  # entries of the table of contents, as written


def squash(text: str) -> str:
    """Whitespace as one space: extracted text breaks and pads lines anywhere."""
    return re.sub(r"\s+", " ", text).strip()


def fold(text: str) -> str:
    """Lower case without accents, punctuation or markup: how titles are compared."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return squash(re.sub(r"[^a-z0-9]+", " ", text))


def clean_line(raw: str) -> str:
    """A line without markdown/HTML emphasis and heading marks, whitespace squashed."""
    line = _MARKUP.sub("", raw)
    line = re.sub(r"^\s*#+\s*", "", line)
    line = re.sub(r"<sup>.*?</sup>", "", line)
    return squash(line)


def _num_parts(number: str) -> list[str]:
    return [p for p in number.lower().split(".") if p]


def _base(number: str) -> str:
    """The whole number of a heading number: "3a" -> "3" (a TOC listing fase 3 lists 3a too)."""
    match = re.match(r"\d+", number)
    return match.group() if match else number


def follows(previous: str | None, current: str) -> bool:
    """True when `current` is the number after `previous` at one level: 2 -> 3, 9 -> 10a,
    10a -> 10b, 10b -> 11, 3a -> 4; also a first number of 1 (or 1a)."""
    cur = re.fullmatch(r"(\d+)([a-z]?)", current)
    if cur is None:
        return False
    c_num, c_let = int(cur.group(1)), cur.group(2)
    if previous is None:
        return c_num == 1 and c_let in ("", "a")
    prev = re.fullmatch(r"(\d+)([a-z]?)", previous)
    if prev is None:
        return False
    p_num, p_let = int(prev.group(1)), prev.group(2)
    if c_num == p_num:
        return bool(c_let) and (ord(c_let) == ord(p_let) + 1 if p_let else c_let == "a")
    return c_num == p_num + 1 and c_let in ("", "a")


def _title_shape(title: str) -> str | None:
    """Why `title` does not read as a heading title, or None when it does."""
    if not title:
        return "geen titel"
    if _URL.search(title):
        return "bevat een link (voetnoot?)"
    if len(title) > MAX_TITLE:
        return "te lang voor een kop"
    if not (title[0].isupper() or title[0].isdigit() or title[0] in "'\"‘“("):
        return "begint met een kleine letter (doorlopende zin?)"
    if title.endswith((".", ",", ";")) and not title.endswith("..."):
        return "eindigt als een zin"
    if re.search(r"[a-z]\. [A-Z]", title):
        return "bevat meer dan één zin"
    return None


def _toc(lines: list[str]) -> tuple[list[str], set[int]]:
    """Entries of the table of contents and the line numbers (0-based) it occupies."""
    start = next((i for i, raw in enumerate(lines) if fold(clean_line(raw)) in TOC_TITLES), None)
    if start is None:
        return [], set()
    entries: list[str] = []
    used = {start}
    gap = 0
    for i in range(start + 1, min(len(lines), start + 120)):
        raw = lines[i]
        if not raw.strip():
            gap += 1
            if gap > 3 and entries:
                break
            used.add(i)
            continue
        match = _TOC_PAGE.search(_MARKUP.sub("", raw).rstrip())
        if match is None:
            if entries:
                # A page header between TOC pages is followed by more entries; otherwise the
                # table of contents has ended.
                more = any(_TOC_PAGE.search(_MARKUP.sub("", lines[k]).rstrip()) for k in range(i + 1, min(len(lines), i + 4)))
                if not more or len(raw.strip()) > 120:
                    break
                used.add(i)
                continue
            if i - start > 6:
                break
            used.add(i)
            continue
        gap = 0
        entry = clean_line(_MARKUP.sub("", raw)[: match.start()])
        if entry:
            entries.append(entry)
        used.add(i)
    return entries, used


def _split(line: str) -> tuple[str, str, str] | None:
    """(kind, number, title) of a line that starts like a heading, or None."""
    labelled = _LABELLED.match(line)
    if labelled and labelled.group(1)[0].isupper():
        return _LABEL_KIND[labelled.group(1).lower()], labelled.group(2).lower(), labelled.group(3).strip()
    bare = _BARE.match(line)
    if bare:
        number, dot, title = bare.group(1).lower(), bare.group(2), bare.group(3).strip()
        if not dot and "." not in number and re.fullmatch(r"\d+", number) and int(number) > 30:
            return None  # a year or an amount ("2021 verantwoordelijk ...")
        return "n", number, title
    return None


class _Walker:
    """Keeps the numbering context while lines are read in order."""

    def __init__(self, toc: list[str], labelled_chapters: bool = False) -> None:
        self.toc = toc
        # A document that writes "Hoofdstuk 2" has no bare-numbered chapters: a bare "2." in it
        # is an item of a list (unless it is a part of a fase or bijlage).
        self.labelled_chapters = labelled_chapters
        self.toc_folded = [fold(e) for e in toc]
        self.top: Key | None = None  # current chapter / fase / bijlage
        self.last_top: dict[str, str] = {}  # last number seen per top-level kind
        self.used_top: set[Key] = set()
        self.last_sub: dict[tuple[Key | None, int], str] = {}
        self.last_sub_any: str | None = None  # numbering that runs across containers
        self.last_stap: str | None = None
        self.sub_path: list[Key] = []
        self.named_seen = False  # an unnumbered chapter such as "Inleiding" came before
        # The numbers the table of contents gives per top-level kind ("hoofdstuk": {"1", "2"}):
        # where it lists a kind, a number of that kind it lacks is no heading of the document.
        self.toc_numbers: dict[str, set[str]] = {}
        for entry in toc:
            split = _split(entry)
            if split is None or len(_num_parts(split[1])) != 1:
                continue
            top_kind = "hoofdstuk" if split[0] == "n" else split[0]
            if top_kind in ("hoofdstuk", *_CONTAINERS):
                self.toc_numbers.setdefault(top_kind, set()).add(_base(split[1]))
        self.list_item: tuple[int, str] | None = None  # (line index, number) of the last list item

    def in_toc(self, text: str) -> bool:
        """True when the table of contents lists this line: the document's own word on its headings."""
        folded = fold(text)
        return bool(folded) and any(folded == e or e.startswith(folded + " ") for e in self.toc_folded)

    def judge(self, kind: str, number: str, title: str, text: str) -> tuple[tuple[Key, ...] | None, str | None]:
        """The heading's path, or None and why it was not taken (None: not worth reporting)."""
        parts = _num_parts(number)
        in_toc = self.in_toc(text) if self.toc else False
        if kind == "n" and len(parts) == 1 and self._top_level() and self.labelled_chapters and not in_toc:
            return None, "los nummer in een document met 'Hoofdstuk N'-koppen: een opsomming?"
        if kind in ("hoofdstuk", "fase", "bijlage") or (kind == "n" and len(parts) == 1 and self._top_level()):
            top_kind = "hoofdstuk" if kind == "n" else kind
            if len(parts) > 1:
                return self._sub(top_kind, parts, in_toc)
            key = (top_kind, parts[0])
            if key in self.used_top and not in_toc:
                return None, "dit nummer was al een kop"
            listed = self.toc_numbers.get(top_kind)
            if listed and not in_toc and _base(parts[0]) not in listed:
                return None, "dit nummer staat niet in de inhoudsopgave"
            previous = self.last_top.get(top_kind)
            ok = follows(previous, parts[0]) or in_toc
            if not ok and previous is not None and kind != "n":
                # A labelled number ("Fase 3", "Bijlage 2") that skips or goes back is still a heading
                # in flattened text where pages came out of order; a bare number is not.
                ok = key not in self.used_top
            if not ok and kind == "n":
                # Pages out of order: an unused chapter number near what has been seen.
                # Only once the document has begun (a chapter or an "Inleiding" came before).
                seen = [int(n) for k, n in self.used_top if k == "hoofdstuk" and n.isdigit()]
                begun = bool(seen) or self.named_seen
                ok = begun and parts[0].isdigit() and key not in self.used_top and int(parts[0]) <= max(seen, default=0) + 2
            if not ok:
                return None, f"nummering volgt niet op {previous or 'het begin'}" + (
                    " en staat niet in de inhoudsopgave" if self.toc else ""
                )
            self.top = key
            self.last_top[top_kind] = parts[0]
            self.used_top.add(key)
            self.sub_path = []
            self.last_stap = None
            return (key,), None
        if kind == "stap":
            if len(parts) != 1:
                return None, "stapnummer met punten"
            if not (follows(self.last_stap, parts[0]) or self.last_stap is None or in_toc):
                return None, f"stap volgt niet op stap {self.last_stap}"
            self.last_stap = parts[0]
            return (*((self.top,) if self.top else ()), ("stap", parts[0])), None
        if len(parts) > 1:
            return self._sub("hoofdstuk", parts, in_toc)
        # A single number under a fase or bijlage: one of its parts, or a part of a part.
        number = parts[0]
        level_key = (self.top, len(self.sub_path))
        previous = self.last_sub.get(level_key)
        if follows(previous, number) or (previous is None and follows(self.last_sub_any, number)) or in_toc:
            self.last_sub[level_key] = number
            self.last_sub_any = number
            self.sub_path = [("n", number)]
            return (*((self.top,) if self.top else ()), ("n", number)), None
        if number in ("1", "1a") and self.sub_path:
            # A new level of numbering inside the previous part ("Fase 1.2" -> "1. Aanbod ...").
            deeper = (self.top, len(self.sub_path) + 1)
            self.last_sub[deeper] = number
            path = (*((self.top,) if self.top else ()), *self.sub_path, ("n", number))
            self.sub_path = [*self.sub_path, ("n", number)]
            return path, None
        if len(self.sub_path) > 1:
            deeper = (self.top, len(self.sub_path))
            if follows(self.last_sub.get(deeper), number):
                self.last_sub[deeper] = number
                self.sub_path = [*self.sub_path[:-1], ("n", number)]
                return (*((self.top,) if self.top else ()), *self.sub_path), None
        return None, f"nummering volgt niet op {previous or 'het begin'}"

    def _top_level(self) -> bool:
        return self.top is None or self.top[0] not in _CONTAINERS

    def _sub(self, top_kind: str, parts: list[str], in_toc: bool) -> tuple[tuple[Key, ...] | None, str | None]:
        """A dotted number "2.1" / "Fase 3a.2": a part of chapter (or fase) 2 / 3a."""
        head = parts[0]
        if self.top is not None and self.top[1] == head and top_kind == "hoofdstuk":
            root: Key = self.top
        else:
            root = (top_kind, head)
            if root not in self.used_top and not in_toc:
                return None, f"hoort bij {top_kind} {head}, die nog niet begonnen is"
        level_key = (root, len(parts) - 1)
        previous = self.last_sub.get(level_key)
        first = previous is None and parts[-1].isdigit() and int(parts[-1]) <= 2
        if not (follows(previous, parts[-1]) or in_toc or first):
            return None, f"nummering volgt niet op {'.'.join([*parts[:-1], previous or '-'])}"
        self.last_sub[level_key] = parts[-1]
        self.sub_path = [("n", p) for p in parts[1:]]
        return (root, *self.sub_path), None


def scan_headings(text: str) -> Scan:
    """The document's headings in reading order, and the lines it was unsure of.

    A heading is taken when its numbering continues the previous heading of its kind (or the
    table of contents lists it) and it reads as a title; a heading-like line that fails one of
    those tests goes to `unsure` with the reason."""
    lines = text.splitlines()
    toc, toc_lines = _toc(lines)
    labelled = any(
        (m := _LABELLED.match(clean_line(raw))) is not None and m.group(1).lower() == "hoofdstuk" and m.group(1)[0].isupper()
        for raw in lines
    )
    walker = _Walker(toc, labelled)
    scan = Scan(toc=toc)
    rows = _table_rows(lines, toc_lines)
    # A text converted to markdown marks its headings itself: then only marked lines are read,
    # and numbered lists in the body stay lists.
    marked = sum(1 for raw in lines if _MD_HEADING.match(raw)) >= 3
    i = 0
    while i < len(lines):
        if i in toc_lines or i in rows or (marked and not _MD_HEADING.match(lines[i])):
            i += 1
            continue
        line = clean_line(lines[i])
        if not line:
            i += 1
            continue
        heading, consumed = _read_heading(lines, i, line, walker, scan)
        if heading is not None:
            scan.headings.append(heading)
        i += consumed
    _add_summaries(lines, scan.headings)
    _add_toc_titles(toc, scan.headings)
    return scan


def _is_row(raw: str) -> bool:
    return len([c for c in raw.split("\t") if c.strip()]) >= 2


def _table_rows(lines: list[str], skip: set[int]) -> set[int]:
    """Lines (0-based) that are rows of a table: two or more tab-separated cells, next to another
    such line. "1<tab>Kernteam van de school<tab>4-6 weken" is a step of a table, no chapter."""
    row = [i not in skip and _is_row(raw) for i, raw in enumerate(lines)]
    return {
        i for i, is_row in enumerate(row) if is_row and ((i > 0 and row[i - 1]) or (i + 1 < len(row) and row[i + 1]))
    }


def _add_toc_titles(toc: list[str], headings: list[Heading]) -> None:
    """Keep the table of contents' title of a numbered heading when the body words it
    differently ("Bijlage 1. Expertisetafels" in the TOC, "Opschalingsroutes" in the text):
    a citation may use either."""
    listed: dict[Key, str] = {}
    for entry in toc:
        split = _split(entry)
        if split is not None and split[0] != "n":
            listed[(split[0], split[1])] = split[2]
    for n, heading in enumerate(headings):
        title = listed.get(heading.key)
        if title and fold(title) != fold(heading.title):
            headings[n] = replace(heading, toc_title=title)


def _next_text(lines: list[str], i: int, limit: int = 3) -> tuple[int, str] | None:
    """The next non-empty cleaned line after index i (within `limit` lines), with its index."""
    for j in range(i + 1, min(len(lines), i + 1 + limit)):
        line = clean_line(lines[j])
        if line:
            return j, line
    return None


def _read_heading(
    lines: list[str], i: int, line: str, walker: _Walker, scan: Scan
) -> tuple[Heading | None, int]:
    split = _split(line)
    if split is None:
        folded = fold(line)
        if folded in NAMED_CHAPTERS or (walker.toc and walker.in_toc(line) and len(line) <= MAX_TITLE and not re.match(r"\d", line)):
            if walker.toc and not walker.in_toc(line) and folded not in NAMED_CHAPTERS:
                return None, 1
            # The level of an unnumbered heading is not written down: it stands on its own.
            if folded in NAMED_CHAPTERS:
                walker.top = None
                walker.named_seen = True
            return Heading(i + 1, line, line, (("name", folded),)), 1
        return None, 1
    kind, number, title = split
    consumed = 1
    text = line
    # "Bijlage 1" with its title on the next line; a title wrapped after an open word.
    nxt = _next_text(lines, i, limit=2)
    if nxt is not None:
        j, follow = nxt
        words = title.split()
        wrapped = bool(words) and (words[-1].lower() in _OPEN_END or title.endswith(("-", "&")))
        if (not title or wrapped) and len(follow) <= 60 and _split(follow) is None and not follow.endswith("."):
            title = squash(f"{title} {follow}")
            text = squash(f"{line} {follow}")
            consumed = j - i + 1
    problem = _title_shape(title)
    if problem is None and consumed == 1 and i + 1 < len(lines):
        below = clean_line(lines[i + 1])
        if below and below[0].islower():
            problem = "loopt door op de volgende regel (een zin?)"
    if problem is not None:
        # Only heading-like lines are worth a maintainer's eye: a labelled line ("Bijlage 2 ...")
        # or a short numbered one; a digit starting a long sentence is plain text.
        short_sentence = problem == "eindigt als een zin" and len(title) < 50 and title[:1].isupper()
        if kind != "n" or short_sentence:
            scan.unsure.append(Unsure(i + 1, line, problem))
        return None, 1
    # A numbered list inside a paragraph: the line before introduces it ("... vier stappen:"),
    # and the items right after its first one continue it ("2. Kernteam", "3. Actietafel").
    before = next((k for k in range(i - 1, max(-1, i - 3), -1) if clean_line(lines[k])), None)
    prev = clean_line(lines[before]) if before is not None else ""
    if kind == "n" and len(_num_parts(number)) == 1 and not walker.in_toc(text):
        item = walker.list_item
        if prev.endswith(":"):
            walker.list_item = (i, number)
            scan.unsure.append(Unsure(i + 1, text, "volgt op een zin met een dubbele punt: een opsomming?"))
            return None, 1
        if item is not None and before == item[0] and follows(item[1], number):
            walker.list_item = (i, number)
            scan.unsure.append(Unsure(i + 1, text, "volgt op een opsomming: nog een punt ervan?"))
            return None, 1
    elif kind == "n" and prev.endswith(":") and not walker.in_toc(text):
        scan.unsure.append(Unsure(i + 1, text, "volgt op een zin met een dubbele punt: een opsomming?"))
        return None, 1
    path, why = walker.judge(kind, number, title, text)
    if path is None:
        if why is not None:
            scan.unsure.append(Unsure(i + 1, text, why))
        return None, 1
    return Heading(i + 1, text, title, path, span=consumed), consumed


def _add_summaries(lines: list[str], headings: list[Heading]) -> None:
    """Give each heading the first line of text under it (what it says, in a line)."""
    starts = {h.line for h in headings}
    for n, heading in enumerate(headings):
        summary = ""
        skip = len(heading.text) // 2
        for j in range(heading.line, min(len(lines), heading.line + 12)):
            if j + 1 in starts:
                break
            line = clean_line(lines[j])
            if len(line) < 12 or re.match(r"\d", line) or (heading.text.endswith(line) and len(line) < skip + 40):
                continue
            summary = clip(line, SUMMARY_ROOM)
            break
        headings[n] = replace(heading, summary=summary)


def unique_keys(headings: list[Heading]) -> set[Key]:
    """Keys that occur once in the document: such a heading is cited well without context."""
    seen: dict[Key, int] = {}
    for h in headings:
        seen[h.key] = seen.get(h.key, 0) + 1
    return {k for k, count in seen.items() if count == 1}


def citation_of(heading: Heading, headings: list[Heading]) -> str:
    """How a draft's `source.section` cites this heading: its own text, preceded by the label of
    its chapter/fase when its number alone occurs more than once in the document."""
    if heading.key in unique_keys(headings) or len(heading.path) == 1:
        return heading.text
    labels = []
    for kind, number in heading.path[:-1]:
        labels.append(number if kind == "n" else f"{kind.capitalize()} {number}")
    return ", ".join([*labels, heading.text])

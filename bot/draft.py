"""Write a draft knowledge file from a source document (`routeboek import`).

The draft copies what the document says and invents nothing: one section per heading, with
the heading verbatim as title and `source.section`, the text under it verbatim, and the
`document:` block filled from what the file says (title, publisher, version, date). Every field
a maintainer must still write is present with a schema-valid placeholder and a `# DRAFT:`
comment on its line (bot/drafts.py), so `routeboek check` lists the work and the draft can be
tried with `chat --allow-draft` meanwhile.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from bot.drafts import MARKER
from bot.headings import Heading, Scan, citation_of, clean_line, fold
from bot.schema import slugify
from bot.sourcetext import SourceText
from bot.tables import DraftEscalation, DraftStep, escalation_from, find_tables

_MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
_VERSION = re.compile(r"\b((?:herziene\s+)?versie\s+(?:\d+(?:\.\d+)*|(?:(?:" + _MONTHS + r")\s+)?\d{4}))", re.I)
_DATE = re.compile(r"\b((?:\d{1,2}\s+)?(?:" + _MONTHS + r")\s+\d{4})\b", re.I)
_TITLE_WORDS = re.compile(r"routeboek|protocol|digitale tool|handreiking|werkwijze|aanpak|thuiszitters", re.I)
_PUBLISHER = re.compile(
    r"\b((?:Samenwerkingsverband|SWV)\s+[A-Z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|po|vo|\d{4}))*|[Gg]emeente\s+[A-Z][\w'-]+)"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class Found:
    """A value read from the file, with the line it came from (None: from the PDF's metadata)."""

    value: str
    line: int | None = None


@dataclass
class DocumentInfo:
    title: Found | None = None
    publisher: Found | None = None
    version: Found | None = None
    date: Found | None = None


@dataclass
class DraftContext:
    """What the import knows besides the file: the region and the document it replaces."""

    key: str
    region: str | None = None
    gemeenten: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    supersedes: str | None = None  # key of the older version of this document


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _first(pattern: re.Pattern[str], lines: list[str], limit: int) -> Found | None:
    for n, line in enumerate(lines[:limit], start=1):
        match = pattern.search(line)
        if match:
            return Found(re.sub(r"\s+", " ", match.group(1)).strip(), n)
    return None


def document_info(source: SourceText, scan: Scan) -> DocumentInfo:
    """Title, publisher, version and date as the file states them, where it does."""
    lines = [clean_line(raw) for raw in source.text.splitlines()]
    # The title page: what comes before the table of contents and the first heading.
    first = min([h.line for h in scan.headings] + [len(lines) + 1])
    toc_at = next((n for n, line in enumerate(lines, start=1) if fold(line) in ("inhoud", "inhoudsopgave")), first)
    cover = lines[: min(first, toc_at, 60) - 1]
    info = DocumentInfo()
    if source.info.get("title"):
        info.title = Found(source.info["title"])
    else:
        for n, line in enumerate(cover, start=1):
            if 2 <= len(line.split()) <= 14 and _TITLE_WORDS.search(line) and line[0].isupper() and not line.endswith((".", ":", ",")):
                info.title = Found(line, n)
                break
    if source.info.get("author"):
        info.publisher = Found(source.info["author"])
    else:
        info.publisher = _first(_PUBLISHER, cover, len(cover))
    info.version = _first(_VERSION, lines, 200)
    # A date of the document stands on a line of its own ("Juli 2021", "Den Haag, juli 2020").
    short = [line if len(line) <= 40 else "" for line in lines]
    info.date = _first(_DATE, short, 300)
    if info.date is None and source.info.get("created"):
        info.date = Found(f"PDF gemaakt op {source.info['created']}")
    return info


def section_id(key: str, heading: Heading, taken: set[str]) -> str:
    """A stable, readable id within the Id pattern and Telegram's 64-byte button limit."""
    base = slugify(f"{key} {heading.label if heading.key[0] != 'name' else ''} {heading.title}")
    base = base[:56].rstrip("-")
    if "-" in base and len(base) == 56:
        base = base.rsplit("-", 1)[0]
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base[:54]}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def page_furniture(lines: list[str]) -> set[str]:
    """Running headers and footers: a line that recurs on three or more pages with only its
    page number changing ("Routeboek ..., versie november 2021 5"). It is no part of any
    section's text."""
    numbers: dict[str, set[str]] = {}
    for raw in lines:
        match = re.fullmatch(r"(.*\D)\s(\d{1,3})", raw.strip())
        if match and len(match.group(1)) >= 8:
            numbers.setdefault(match.group(1).strip(), set()).add(match.group(2))
    return {text for text, pages in numbers.items() if len(pages) >= 3}


def _body(lines: list[str], heading: Heading, next_line: int | None, furniture: set[str]) -> list[str]:
    """The text under a heading, line by line as written (markup, page headers and footers
    removed, blank runs cut)."""
    start = heading.line - 1 + heading.span
    end = (next_line - 1) if next_line else len(lines)
    out: list[str] = []
    for raw in lines[start:end]:
        match = re.fullmatch(r"(.*\D)\s(\d{1,3})", raw.strip())
        if match and match.group(1).strip() in furniture:
            continue
        line = _CONTROL.sub("", re.sub(r"<[^>]+>", "", raw)).strip()
        line = re.sub(r"^#+\s*", "", line).replace("**", "")
        line = unicodedata.normalize("NFC", line)
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def _block(lines: list[str], indent: str) -> str:
    return "\n".join(f"{indent}{line}" if line else "" for line in lines)


def _draft(what: str) -> str:
    return f"  # {MARKER} {what}"


def write_draft(source: SourceText, scan: Scan, context: DraftContext) -> str:
    """The draft knowledge file as YAML text (comments carry the draft markers)."""
    info = document_info(source, scan)
    key = context.key
    lines = source.text.splitlines()
    out: list[str] = [
        f"# Concept van {source.path.name}, gemaakt door `routeboek import` op {date.today().isoformat()}.",
        "# Elke regel met een DRAFT-opmerking moet een beheerder nog invullen; `routeboek check` noemt ze.",
        "# Koppen en tekst zijn letterlijk uit de bron overgenomen; verder is niets ingevuld.",
        "# Maak van de tekst per sectie een passage zoals in knowledge/apeldoorn.yaml, en verwijder",
        "# een sectie die niets regelt (en de kop dan uit `routeboek coverage` zal vallen).",
    ]
    if scan.unsure:
        out.append("# Regels die op een kop leken maar niet als kop zijn genomen (controleer):")
        out.extend(f"#   {u}" for u in scan.unsure[:40])
        if len(scan.unsure) > 40:
            out.append(f"#   ... en nog {len(scan.unsure) - 40}")
    out.append("document:")
    out.append(f"  key: {key}")

    def found(name: str, value: Found | None, what: str) -> None:
        """A document field from the file, or a placeholder marked to be written."""
        if value is None:
            out.append(f"  {name}: {q(key)}{_draft(what)}")
        else:
            where = f"regel {value.line} van de bron" if value.line else "uit de PDF-gegevens"
            out.append(f"  {name}: {q(value.value)}  # {where}")

    # Read from the text (not from the PDF's own metadata), a title or publisher is a line the
    # reader took for one: filled in, and marked to be checked.
    for name, value, what in (
        ("title", info.title, "titel"),
        ("publisher", info.publisher, "uitgever"),
    ):
        if value is not None and value.line is not None:
            out.append(f"  {name}: {q(value.value)}{_draft(f'{what}: gevonden in regel {value.line} van de bron, controleer')}")
        else:
            found(name, value, f"{what} van het document (niet gevonden in het bestand)")
    version = "; ".join(v.value for v in (info.version, info.date) if v is not None)
    if version and info.version is None and info.date is not None and info.date.line is None:
        # Only the PDF's creation date: when the file was made, not what the document calls itself.
        out.append(f"  version: {q(version)}{_draft('versie of datum van het document: alleen de PDF-datum gevonden, controleer')}")
    elif version:
        out.append(f"  version: {q(version)}  # uit het bestand")
    else:
        out.append(f"  version: {q('onbekend')}{_draft('versie of datum van het document (niet gevonden)')}")
    out.append(f"  region: {context.region or slugify(key)}{_draft('id van de regio in knowledge/regions.yaml')}")
    gemeenten = ", ".join(q(g) for g in context.gemeenten)
    out.append(f"  gemeenten: [{gemeenten}]{_draft('de gemeenten waarvoor dit document geldt')}")
    out.append(f"  sectors: [{', '.join(context.sectors or ['po', 'vo'])}]{_draft('po, vo of beide')}")
    if context.supersedes:
        out.append(
            f"  supersedes: [{context.supersedes}]"
            + _draft(
                f"nieuwe versie van '{context.supersedes}': zet in dat bestand `superseded_by` op de secties die deze vervangt"
            )
        )
    out.append(f"  names: []{_draft('hoe gebruikers dit document noemen in een vraag')}")
    out.append("")

    tables = find_tables(lines)
    drafted: list[DraftEscalation] = []
    for table in tables:
        drafted.extend(escalation_from(table, context.gemeenten))
    drafted_lines = {n for d in drafted for n in range(d.table.start, d.table.end)}
    other_tables = [t for t in tables if t.start not in drafted_lines]

    out.append("sections:")
    taken: set[str] = set()
    headings = scan.headings
    furniture = page_furniture(lines)
    if not headings:
        out.append("  []" + _draft("geen koppen gevonden: schrijf de secties zelf"))
    for n, heading in enumerate(headings):
        following = headings[n + 1].line if n + 1 < len(headings) else None
        body = _body(lines, heading, following, furniture)
        end = (following - 1) if following else len(lines)
        out.append(f"  - id: {section_id(key, heading, taken)}")
        out.append(f"    kind: detail{_draft('overview, detail, definition of branch')}")
        out.append(f"    title: {q(heading.text)}")
        if body:
            out.append("    text: |")
            out.append(_block(body, "      "))
            out.append(f"    # {MARKER} tekst letterlijk uit de bron: herschrijf tot de passage die de bot toont")
        else:
            out.append(f"    text: {q(heading.text)}{_draft('de bron heeft hier geen eigen tekst: schrijf een overzicht of verwijder de sectie')}")
        if any(heading.line <= t.start < end for t in other_tables):
            out.append(
                f"    # {MARKER} deze tekst bevat een tabel waarvan de kolommen niet herkend zijn; "
                "hij staat als tekst hierboven"
            )
        out.append(f"    source: {{document: {key}, section: {q(citation_of(heading, headings))}}}")
        out.append(f"    gemeenten: null{_draft('alleen voor sommige gemeenten? noem ze, anders laten staan')}")
        out.append(f"    sectors: null{_draft('alleen po of vo? noem die, anders laten staan')}")
        out.append(f"    keywords: []{_draft('trefwoorden waarmee gebruikers naar dit onderwerp vragen')}")
        out.append(f"    questions: []{_draft('voorbeeldvragen zoals een professional ze typt')}")
        out.append(f"    responsible: null{_draft('wie is verantwoordelijk (uit de tekst)')}")
        out.append(f"    actions: []{_draft('wat moet er gebeuren (uit de tekst)')}")
        out.append(f"    identifiers: []{_draft('stap/fase/artikel/bijlage waar dit over gaat, bijv. stap:3a')}")
        out.append("")

    merged = merge_escalations(drafted, context.gemeenten)
    if merged:
        out.append("escalation:")
        for gemeente, (origin, steps, named) in merged.items():
            out.extend(_escalation_yaml(gemeente, origin, steps, named, key, headings, context))
    return "\n".join(out).rstrip() + "\n"


def merge_escalations(
    drafted: list[DraftEscalation], gemeenten: list[str]
) -> dict[str, tuple[DraftEscalation, list[DraftStep], bool]]:
    """One table per gemeente: a table for all gemeenten ("Opschalen naar | Doel") and one
    with a column per gemeente describe the same steps, so their cells go to the same step.
    The bool says whether a source table named the gemeente."""
    result: dict[str, tuple[DraftEscalation, list[DraftStep], bool]] = {}
    for table in sorted(drafted, key=lambda t: t.gemeente is not None):
        for gemeente in [table.gemeente] if table.gemeente else (gemeenten or ["?"]):
            if gemeente not in result:
                steps = [DraftStep(s.step, dict(s.fields), s.weeks, s.school_weeks, list(s.notes)) for s in table.steps]
                result[gemeente] = (table, steps, table.gemeente is not None)
                continue
            first, steps, named = result[gemeente]
            for step in table.steps:
                same = next((s for s in steps if s.step == step.step), None)
                if same is None:
                    steps.append(DraftStep(step.step, dict(step.fields), step.weeks, step.school_weeks, list(step.notes)))
                else:
                    for name, value in step.fields.items():
                        if name not in same.fields:
                            same.fields[name] = value
                        elif same.fields[name] != value:
                            same.notes.append(f"{name} in een tweede tabel van de bron: {value}")
                    same.notes.extend(step.notes)
            result[gemeente] = (first, steps, named or table.gemeente is not None)
    return result


def _escalation_yaml(
    gemeente: str,
    table: DraftEscalation,
    steps: list[DraftStep],
    named: bool,
    key: str,
    headings: list[Heading],
    context: DraftContext,
) -> list[str]:
    line = table.table.start + 1
    above = [h for h in headings if h.line <= line]
    cited = citation_of(above[-1], headings) if above else "?"
    out: list[str] = []
    note = "" if named else _draft("de tabel noemt geen gemeente: geldt hij voor elke gemeente?")
    out.append(f"  - gemeente: {q(gemeente)}{note}")
    out.append(f"    sectors: [{', '.join(context.sectors or ['po', 'vo'])}]{_draft('po, vo of beide')}")
    out.append(f"    source: {{document: {key}, section: {q(cited)}}}  # tabel op regel {line} van de bron")
    out.append(f"    counts_from: null{_draft('vanaf welke dag tellen de termijnen')}")
    out.append("    steps:")
    for step in steps:
        out.append(f"      - step: {q(step.step)}")
        name = step.fields.get("name")
        if name:
            out.append(f"        name: {q(name)}")
        else:
            out.append(f"        name: {q('stap ' + step.step)}{_draft('naam van de stap')}")
        for field_name in ("goal", "aanmelding", "deelnemers", "regie", "kantelpunt"):
            if field_name in step.fields:
                out.append(f"        {field_name}: {q(step.fields[field_name])}")
        if "term" in step.fields:
            weeks, weeks_max = step.weeks or (0, None)
            out.append("        term:")
            out.append(f"          text: {q(step.fields['term'])}")
            out.append(f"          weeks: {weeks}{_draft('aantal weken (uit de tekst hierboven)')}")
            if weeks_max is not None:
                out.append(f"          weeks_max: {weeks_max}")
            unit = "school" if step.school_weeks else "calendar"
            out.append(f"          unit: {unit}{_draft('calendar of school (schoolweken)')}")
            out.append(f"          from: start{_draft('start (vanaf de eerste dag) of previous (vanaf de vorige stap)')}")
        for text in step.notes:
            out.append(f"        # {MARKER} {text}")
    return out


def held_title_match(title: str, held: dict[str, str]) -> str | None:
    """The key of a held document with the same title: this import is its new version."""
    folded = fold(title)
    if not folded:
        return None
    for key, other in held.items():
        if fold(other) == folded:
            return key
    from rapidfuzz import fuzz

    best = max(held.items(), key=lambda kv: fuzz.token_set_ratio(fold(kv[1]), folded), default=None)
    if best is not None and fuzz.token_set_ratio(fold(best[1]), folded) >= 92:
        return best[0]
    return None

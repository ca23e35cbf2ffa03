"""Typed models of the content files (see docs/content-schema.md).

pydantic with `extra="forbid"` turns a typo in a field name into an error instead of silently
lost content, and reports all problems of a file at once.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

# Ids travel in Telegram button data ("s:<id>"), which may hold at most 64 bytes.
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Sector = Literal["po", "vo"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    document: Text
    section: Text


class Gemeente(Strict):
    # A stable id for button data and links ("den-haag"); by default the name as a slug. Keep
    # it when the name changes: buttons in users' chats carry it.
    id: Id | None = None
    name: Text
    aliases: list[Text] = []

    @property
    def slug(self) -> str:
        return self.id or slugify(self.name)


def slugify(name: str) -> str:
    """A gemeente's name as an id: "Leidschendam-Voorburg" -> "leidschendam-voorburg"."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


class NotHeld(Strict):
    """A routeboek the region uses that the bot does not have (yet): said, never guessed."""

    sector: Sector
    title: Text
    note: Text  # what the documents the bot does hold say about it
    source: Source


class Region(Strict):
    id: Id
    name: Text
    sectors: list[Sector] = Field(min_length=1)
    calendar: Id | None = None
    gemeenten: list[Gemeente] = Field(min_length=1)
    not_held: list[NotHeld] = []


class RegionsFile(Strict):
    regions: list[Region] = Field(min_length=1)


class Holiday(Strict):
    name: Text
    start: Text  # ISO date; strings so YAML never turns them into dates silently
    end: Text


class Calendar(Strict):
    id: Id
    name: Text
    source: Text
    holidays: list[Holiday] = Field(min_length=1)


class CalendarsFile(Strict):
    calendars: list[Calendar] = []


class SynonymsFile(Strict):
    """Groups of words and phrases a professional uses for the same thing."""

    synonyms: list[Annotated[list[Text], Field(min_length=2)]] = []


class Document(Strict):
    key: Id
    title: Text
    publisher: Text
    version: Text
    region: Id
    gemeenten: list[Text] = Field(min_length=1)
    sectors: list[Sector] = Field(min_length=1)
    supersedes: list[Id] = []
    # How users name this document in a question ("digitale tool", "routeboek 2025"): a
    # question that names it prefers its sections, and those words are no topic of their own.
    names: list[Text] = []
    links: list[Text] = []
    # How much this document's sections count in ranking, relative to 1.0. Below 1 for a
    # navigation aid whose passages mostly point to another document's chapters.
    rank_weight: float = Field(default=1.0, gt=0, le=1)


# Canonical identifiers (bot/identifiers.py): "art:5b", "art:11g", "stap:3a", "fase:2.2".
Identifier = Annotated[str, StringConstraints(pattern=r"^(art|stap|fase|bijlage):\d{1,3}(\.\d{1,2})?[a-z]?$")]


class Branch(Strict):
    """This section is one outcome of a decision: `holds` false for "zonder kernteam"."""

    decision: Text  # the words that name the decision in a question: "kernteam", "aanmelden"
    holds: bool


class Section(Strict):
    id: Id
    # overview: introduces a document or route; detail: a rule or step; definition: what a
    # term or legal ground means; branch: one outcome of a decision (see `branch`).
    kind: Literal["overview", "detail", "definition", "branch"] = "detail"
    title: Text
    text: Text
    source: Source
    gemeenten: list[Text] | None = None
    sectors: list[Sector] | None = None
    keywords: list[Text] = []
    questions: list[Text] = []
    responsible: Text | None = None
    actions: list[Text] = []
    next_step: Text | None = None
    per_gemeente: dict[str, Text] = {}
    roles: list[Id] = []
    related: list[Id] = []
    current_note: Text | None = None
    contacts: list[Text] = []
    # Identifiers the section is about besides those its title and chapter name.
    identifiers: list[Identifier] = []
    branch: Branch | None = None
    # The situation this section is for, as a user would name it ("ziekteverzuim",
    # "thuiszitten"): two close candidates of different situations make the bot ask back.
    situation: Text | None = None
    # The condition this section is only for, in the words a question would name it
    # ("wachtlijst|wachttijd"): an exception yields to the general rule when a question
    # does not name its condition, and gives way when the question negates it.
    applies_when: Text | None = None
    # Sections of a newer document that replace this one where both apply.
    superseded_by: list[Id] = []


class Term(Strict):
    text: Text
    weeks: int = Field(ge=0, le=104)
    weeks_max: int | None = Field(default=None, ge=0, le=104)
    unit: Literal["calendar", "school"] = "calendar"
    from_: Literal["start", "previous"] = Field(default="start", alias="from")
    # With `from: previous`: the step this one follows when that is not the step listed just
    # before it (Apeldoorn's branches 3a and 3b both follow step 2).
    after: Text | None = None


class Step(Strict):
    step: Text
    name: Text
    goal: Text | None = None
    term: Term | None = None
    aanmelding: Text | None = None
    deelnemers: Text | None = None
    regie: Text | None = None
    kantelpunt: Text | None = None


class Escalation(Strict):
    gemeente: Text
    sectors: list[Sector] = Field(min_length=1)
    source: Source
    counts_from: Text | None = None
    steps: list[Step] = Field(min_length=1)


class Role(Strict):
    id: Id
    name: Text
    aliases: list[Text] = []
    tasks: list[Text] = []
    gemeenten: list[Text] | None = None
    source: Source


class GlossaryTerm(Strict):
    term: Text
    expansion: Text | None = None
    definition: Text | None = None
    aliases: list[Text] = []
    source: Source


MonthDay = Annotated[str, StringConstraints(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class FixedDate(Strict):
    """Dates a document names that return every year (Apeldoorn: the inspectie asks for the
    thuiszitter counts on 15 maart, 15 juni, 15 september and 15 december)."""

    id: Id
    name: Text  # what happens on those dates, short: "Telling thuiszitters inspectie"
    text: Text  # the document's own words
    dates: list[MonthDay] = Field(min_length=1)  # "03-15": every year on that day
    gemeenten: list[Text] | None = None  # None: the gemeenten of the document
    sectors: list[Sector] | None = None  # None: the sectors of the document
    source: Source

    @field_validator("dates")
    @classmethod
    def _real_days(cls, dates: list[str]) -> list[str]:
        for day in dates:
            month, number = (int(part) for part in day.split("-"))
            try:
                date(2024, month, number)  # a leap year: 02-29 is a real day in some years
            except ValueError:
                raise ValueError(f"'{day}' is not a day of the year") from None
        return dates


class KnowledgeFile(Strict):
    document: Document
    sections: list[Section] = []
    escalation: list[Escalation] = []
    roles: list[Role] = []
    terms: list[GlossaryTerm] = []
    fixed_dates: list[FixedDate] = []


class Option(Strict):
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    next: Id
    gemeenten: list[Text] | None = None


class Variant(Strict):
    title: Text | None = None
    responsible: Text | None = None
    actions: list[Text] | None = None
    text: Text | None = None
    current_note: Text | None = None
    source: Source | None = None


class Node(Strict):
    type: Literal["question", "end"]
    text: Text | None = None
    options: list[Option] = []
    title: Text | None = None
    responsible: Text | None = None
    actions: list[Text] = []
    # An end that cites a superseded document: what the newer document says now, which leads.
    current_note: Text | None = None
    source: Source | None = None
    links: list[Text] = []
    related: list[Id] = []
    # Walk-throughs an end node sends the user to: a button starts each (bot/flowlinks.py).
    routes: list[Id] = []
    variants: dict[str, Variant] = {}


class Flow(Strict):
    id: Id
    title: Text
    description: Text | None = None
    gemeenten: list[Text] | None = None
    sectors: list[Sector] | None = None
    start: Id
    nodes: dict[str, Node] = Field(min_length=1)

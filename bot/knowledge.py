"""The loaded, cross-checked knowledge base that every other part of the bot reads.

Defaults from the YAML (a section without `gemeenten` applies to its document's gemeenten) are
resolved here once, so the matcher, the engine and the CLI never have to repeat that logic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bot.identifiers import identifiers
from bot.places import PlaceIndex
from bot.schema import (
    Calendar,
    Document,
    Escalation,
    FixedDate,
    Flow,
    GlossaryTerm,
    NotHeld,
    Region,
    Role,
    Section,
    Step,
)


@dataclass(frozen=True)
class SectionView:
    """A section with its applicability resolved."""

    section: Section
    document: Document
    gemeenten: tuple[str, ...]
    sectors: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.section.id

    @cached_property
    def identifiers(self) -> frozenset[str]:
        """What the section is about by identifier: its title, its chapter and any it declares."""
        sec = self.section
        return identifiers(f"{sec.title}\n{sec.source.section}") | frozenset(sec.identifiers)

    @cached_property
    def mentions(self) -> frozenset[str]:
        """Identifiers anywhere in the section, also those it only refers to."""
        sec = self.section
        body = "\n".join([sec.text, *sec.actions, sec.next_step or "", *sec.per_gemeente.values()])
        return self.identifiers | identifiers(body)

    def applies(self, gemeente: str | None, sector: str | None) -> bool:
        """True when the section is about this gemeente/sector (None means: any)."""
        if gemeente is not None and gemeente not in self.gemeenten:
            return False
        return sector is None or sector in self.sectors


def step_details(step: Step) -> list[tuple[str, str]]:
    """The filled-in columns of an escalation step, labelled as the tables label them."""
    fields = [
        ("Doel", step.goal),
        ("Termijn", step.term.text if step.term else None),
        ("Aanmelding", step.aanmelding),
        ("Deelnemers", step.deelnemers),
        ("Regie", step.regie),
        ("Kantelpunt", step.kantelpunt),
    ]
    return [(label, value) for label, value in fields if value]


@dataclass(frozen=True)
class EscalationView:
    """One escalation table for exactly one gemeente and one sector."""

    table: Escalation
    gemeente: str
    sector: str
    document: Document


@dataclass(frozen=True)
class FixedDateView:
    """Fixed dates of a document, for the gemeenten and sectors they apply to."""

    fixed: FixedDate
    gemeenten: tuple[str, ...]
    sectors: tuple[str, ...]
    document: Document


@dataclass(frozen=True)
class RoleView:
    role: Role
    document: Document
    gemeenten: tuple[str, ...]


@dataclass
class Knowledge:
    regions: list[Region]
    documents: dict[str, Document]
    sections: list[SectionView]
    escalation: list[EscalationView]
    roles: list[RoleView]
    terms: list[tuple[GlossaryTerm, Document]]
    flows: dict[str, Flow]
    calendars: dict[str, Calendar]
    synonyms: list[list[str]] = field(default_factory=list)
    fixed_dates: list[FixedDateView] = field(default_factory=list)
    places: PlaceIndex = field(init=False)

    def __post_init__(self) -> None:
        self.places = PlaceIndex({g.name: g.aliases for region in self.regions for g in region.gemeenten})
        self._sections_by_id = {view.id: view for view in self.sections}
        self._superseded = frozenset(key for doc in self.documents.values() for key in doc.supersedes)

    # --- places -------------------------------------------------------------------------
    @property
    def gemeenten(self) -> list[str]:
        return [g.name for region in self.regions for g in region.gemeenten]

    def gemeente_id(self, name: str) -> str | None:
        """The stable id of a gemeente, for button data and links (never its list position)."""
        return next((g.slug for r in self.regions for g in r.gemeenten if g.name == name), None)

    def gemeente_by_id(self, slug: str) -> str | None:
        """The gemeente a stable id names; None for an id no longer in the content."""
        return next((g.name for r in self.regions for g in r.gemeenten if g.slug == slug), None)

    def fixed_dates_for(self, gemeente: str | None, sector: str | None) -> list[FixedDateView]:
        """The fixed dates of the routeboeken of this gemeente and sector."""
        return [
            view
            for view in self.fixed_dates
            if gemeente in view.gemeenten and (sector is None or sector in view.sectors)
        ]

    def region_of(self, gemeente: str) -> Region | None:
        for region in self.regions:
            if any(g.name == gemeente for g in region.gemeenten):
                return region
        return None

    def sectors_of(self, gemeente: str) -> list[str]:
        region = self.region_of(gemeente)
        return list(region.sectors) if region else []

    def not_held(self, gemeente: str | None, sector: str | None) -> NotHeld | None:
        """The routeboek for this gemeente and sector that the bot knows of but does not have:
        the reason to say "dat routeboek heb ik niet" instead of answering from another one."""
        region = self.region_of(gemeente) if gemeente else None
        if region is None or sector is None:
            return None
        return next((gap for gap in region.not_held if gap.sector == sector), None)

    def sectors_named(self, gemeente: str) -> list[str]:
        """Every sector a user of this gemeente can work in: those with a routeboek here and those
        whose routeboek the bot knows of but lacks (so nobody is silently put in VO)."""
        region = self.region_of(gemeente)
        if region is None:
            return []
        named = set(region.sectors) | {gap.sector for gap in region.not_held}
        return sorted(named)

    def resolve_gemeente(self, text: str | None) -> str | None:
        return self.places.resolve(text)

    # --- lookups ------------------------------------------------------------------------
    def is_superseded(self, key: str) -> bool:
        """True when a newer document supersedes this one, so its rules give way wherever both
        speak (/wie, /begrip, walk-through ends, the escalation table)."""
        return key in self._superseded

    def current_first(self, sections: list[str]) -> list[str]:
        """Section ids with those of a superseded document last (stable otherwise): a "Lees
        verder" list opens with the current rule, not with the text it replaced."""
        def superseded(section_id: str) -> bool:
            view = self.section(section_id)
            return view is not None and self.is_superseded(view.document.key)

        return sorted(sections, key=superseded)

    def section(self, section_id: str) -> SectionView | None:
        return self._sections_by_id.get(section_id)

    def escalation_for(self, gemeente: str, sector: str | None) -> EscalationView | None:
        """The table of the newest document for this gemeente/sector."""
        candidates = [
            e for e in self.escalation if e.gemeente == gemeente and (sector is None or e.sector == sector)
        ]
        if not candidates:
            return None
        current = [e for e in candidates if not self.is_superseded(e.document.key)]
        return (current or candidates)[0]

    def roles_for(self, gemeente: str | None) -> list[RoleView]:
        """A gemeente's roles, each role's current document first.

        A role is described once per document; where a newer routeboek supersedes an older one,
        its tasks are the current rule and lead, so /wie never opens with a superseded task list.
        """
        views = [r for r in self.roles if gemeente is None or gemeente in r.gemeenten]
        return sorted(views, key=lambda r: self.is_superseded(r.document.key))

    def terms_for(self, gemeente: str | None) -> list[tuple[GlossaryTerm, Document]]:
        return [(term, doc) for term, doc in self.terms if gemeente is None or gemeente in doc.gemeenten]

    def flows_for(self, gemeente: str | None, sector: str | None) -> list[Flow]:
        result = []
        for flow in self.flows.values():
            if gemeente and flow.gemeenten is not None and gemeente not in flow.gemeenten:
                continue
            if sector and flow.sectors is not None and sector not in flow.sectors:
                continue
            result.append(flow)
        return result

    def document_label(self, key: str) -> str:
        doc = self.documents.get(key)
        if doc is None:
            return key
        return f"{doc.title} ({doc.version})"

    # --- export -------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The whole knowledge base in the shape of CONTRACTS.md (`routeboek knowledge --json`)."""
        roles: dict[str, dict[str, Any]] = {}
        for view in self.roles:
            entry = roles.setdefault(
                view.role.id,
                {"id": view.role.id, "name": view.role.name, "aliases": [], "tasks": [], "by_document": []},
            )
            entry["aliases"] += [a for a in view.role.aliases if a not in entry["aliases"]]
            entry["tasks"] += [t for t in view.role.tasks if t not in entry["tasks"]]
            entry["by_document"].append(
                {
                    "document": view.document.key,
                    "name": view.role.name,
                    "gemeenten": list(view.gemeenten),
                    "tasks": list(view.role.tasks),
                    "source": view.role.source.model_dump(),
                }
            )
        return {
            "regions": [
                {
                    "id": r.id,
                    "name": r.name,
                    "gemeenten": [g.name for g in r.gemeenten],
                    "aliases": {g.name: list(g.aliases) for g in r.gemeenten},
                    "ids": {g.name: g.slug for g in r.gemeenten},
                    "sectors": list(r.sectors),
                    "calendar": r.calendar,
                }
                for r in self.regions
            ],
            "documents": [doc.model_dump() for doc in self.documents.values()],
            "sections": [
                {
                    **view.section.model_dump(exclude_none=True),
                    "gemeenten": list(view.gemeenten),
                    "sectors": list(view.sectors),
                }
                for view in self.sections
            ],
            "escalation": [
                {
                    "gemeente": e.gemeente,
                    "sector": e.sector,
                    "document": e.document.key,
                    "source": e.table.source.model_dump(),
                    "counts_from": e.table.counts_from,
                    "steps": [
                        {
                            **step.model_dump(exclude={"term"}),
                            "termijn": step.term.text if step.term else None,
                            "term": step.term.model_dump(by_alias=True) if step.term else None,
                        }
                        for step in e.table.steps
                    ],
                }
                for e in self.escalation
            ],
            "roles": list(roles.values()),
            "terms": [
                {**term.model_dump(exclude_none=True), "document": doc.key} for term, doc in self.terms
            ],
            "flows": [
                {
                    "id": f.id,
                    "title": f.title,
                    "description": f.description,
                    "gemeenten": f.gemeenten,
                    "sectors": f.sectors,
                }
                for f in self.flows.values()
            ],
        }

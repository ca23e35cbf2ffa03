"""Load knowledge/ and flows/ from a content folder, all-or-nothing.

Every problem (YAML syntax, schema, cross reference) is collected as `path:line: message`; if
there is any, nothing is returned, so the bot never runs on half-loaded content.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.drafts import draft_markers
from bot.knowledge import EscalationView, FixedDateView, Knowledge, RoleView, SectionView
from bot.schema import (
    Calendar,
    CalendarsFile,
    Document,
    Flow,
    GlossaryTerm,
    KnowledgeFile,
    Region,
    RegionsFile,
    SynonymsFile,
)
from bot.yamlload import YamlError, line_of, load_yaml_file

REGIONS_FILE = "regions.yaml"
CALENDARS_FILE = "calendars.yaml"
SYNONYMS_FILE = "synonyms.yaml"
SHARED_FILES = (REGIONS_FILE, CALENDARS_FILE, SYNONYMS_FILE)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Raised with every problem found; the content was not loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def shipped_content_dir() -> Path:
    """Where the content that comes with the package lives.

    In a source checkout or editable install, knowledge/ and flows/ sit next to bot/; a wheel
    carries them inside the package as bot/content/.
    """
    package = Path(__file__).resolve().parent
    for candidate in (package.parent, package / "content"):
        if (candidate / "knowledge").is_dir():
            return candidate
    return package.parent


def content_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--content DIR` beats `ROUTEBOEK_CONTENT_DIR`, which beats the shipped content."""
    if explicit:
        return Path(explicit)
    from bot.settings import current

    env = current().routeboek_content_dir
    if env:
        return env
    return shipped_content_dir()


class _Collector:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def add(self, path: Path, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line or 1, message))

    def parse(self, path: Path) -> Any:
        """The file's data, or None after recording why not: an empty file is reported too, since
        a region whose routeboek file lost its content must not quietly lose its answers."""
        try:
            data = load_yaml_file(path)
            if data is None:
                self.add(path, 1, "the file is empty")
            return data
        except YamlError as exc:
            self.add(path, exc.line, exc.message)
        except OSError as exc:
            self.add(path, 1, f"cannot read file: {exc.strerror}")
        return None

    def model(self, path: Path, raw: Any, model: type[M]) -> M | None:
        if not isinstance(raw, dict):
            self.add(path, getattr(raw, "line", 1), "expected a mapping at the top of the file")
            return None
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                where = ".".join(str(p) for p in loc) or "file"
                self.add(path, line_of(raw, loc), f"{where}: {err['msg']}")
        return None


def _at(raw: Any, *loc: int | str) -> int:
    return line_of(raw, loc) or 1


def _declared_ids(raw: Any) -> set[str]:
    """Document key, section ids and role ids a (possibly invalid) knowledge file declares."""
    ids: set[str] = set()
    if not isinstance(raw, dict):
        return ids
    doc = raw.get("document")
    if isinstance(doc, dict) and isinstance(doc.get("key"), str):
        ids.add(doc["key"])
    for group in ("sections", "roles"):
        for item in raw.get(group) or []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                ids.add(item["id"])
    return ids


def _keyed(items: Any) -> list[tuple[str, str]]:
    """(key, value) of a mapping's keys or a list's items ('' as key for list items)."""
    if isinstance(items, dict):
        return [(key, key) for key in items]
    return [("", value) for value in items]


def _lenient_parse(path: Path) -> Any:
    """Plain PyYAML (duplicates allowed) for a file that failed strict parsing, or None."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return None


_DECLARED_LINE = re.compile(r"^(?:\s+key|\s*-\s+id):\s*[\"']?([\w.-]+)")


def _declared_ids_in_lines(path: Path) -> set[str]:
    """Document key and section/role ids read line by line from a file that is no YAML at all
    (a syntax error): so its one error is what a maintainer sees, not a hundred "unknown
    document/section" lines elsewhere that /reload would show instead of the cause."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return set()
    return {m.group(1) for line in lines if (m := _DECLARED_LINE.match(line))}


def _dated(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def load_content(root: str | os.PathLike[str] | None = None, *, allow_draft: bool = False) -> Knowledge:
    """Load and validate a content folder (holding knowledge/ and flows/).

    Draft markers (bot/drafts.py) are problems like any other, so a draft never goes live by
    accident; `allow_draft` serves a draft folder for trying it out."""
    base = content_dir(root)
    col = _Collector(base)
    kdir, fdir = base / "knowledge", base / "flows"
    if not kdir.is_dir():
        raise ContentError([Problem(str(kdir), 1, "folder knowledge/ not found")])

    # --- regions and calendars -------------------------------------------------------------
    regions_path = kdir / REGIONS_FILE
    regions_raw = col.parse(regions_path) if regions_path.exists() else None
    if not regions_path.exists():
        col.add(regions_path, 1, "file missing: every gemeente must be listed in regions.yaml")
    regions_file = col.model(regions_path, regions_raw, RegionsFile) if regions_raw is not None else None
    regions: list[Region] = list(regions_file.regions) if regions_file else []
    region_ids = {r.id for r in regions}
    gemeente_names: set[str] = set()
    gemeente_ids: set[str] = set()
    for i, region in enumerate(regions):
        for j, gem in enumerate(region.gemeenten):
            if gem.name in gemeente_names:
                col.add(
                    regions_path,
                    _at(regions_raw, "regions", i, "gemeenten", j),
                    f"gemeente '{gem.name}' listed twice",
                )
            if not gem.slug or gem.slug in gemeente_ids:
                col.add(
                    regions_path,
                    _at(regions_raw, "regions", i, "gemeenten", j),
                    f"gemeente id '{gem.slug}' is empty or used twice; give it an `id:` of its own",
                )
            gemeente_names.add(gem.name)
            gemeente_ids.add(gem.slug)

    calendars: dict[str, Calendar] = {}
    cal_path = kdir / CALENDARS_FILE
    if cal_path.exists():
        cal_raw = col.parse(cal_path)
        cal_file = col.model(cal_path, cal_raw, CalendarsFile) if cal_raw is not None else None
        for i, cal in enumerate(cal_file.calendars if cal_file else []):
            calendars[cal.id] = cal
            for j, hol in enumerate(cal.holidays):
                start, end = _dated(hol.start), _dated(hol.end)
                if start is None or end is None or end < start:
                    col.add(
                        cal_path,
                        _at(cal_raw, "calendars", i, "holidays", j),
                        f"holiday '{hol.name}' needs start <= end as YYYY-MM-DD",
                    )
    for i, region in enumerate(regions):
        if region.calendar and region.calendar not in calendars:
            col.add(
                regions_path,
                _at(regions_raw, "regions", i, "calendar"),
                f"region '{region.id}' uses unknown calendar '{region.calendar}'",
            )

    synonyms: list[list[str]] = []
    syn_path = kdir / SYNONYMS_FILE
    if syn_path.exists():
        syn_raw = col.parse(syn_path)
        syn_file = col.model(syn_path, syn_raw, SynonymsFile) if syn_raw is not None else None
        synonyms = [list(group) for group in syn_file.synonyms] if syn_file else []

    # --- knowledge files -------------------------------------------------------------------
    files: list[tuple[Path, Any, KnowledgeFile]] = []
    known_elsewhere: set[str] = set()
    for path in sorted(kdir.glob("*.yaml")):
        if path.name in SHARED_FILES:
            continue
        raw = col.parse(path)
        if raw is None:
            lenient = _lenient_parse(path)
            known_elsewhere.update(_declared_ids(lenient) if lenient is not None else _declared_ids_in_lines(path))
            continue
        parsed = col.model(path, raw, KnowledgeFile)
        if parsed is not None:
            files.append((path, raw, parsed))
        else:
            # Remember what a broken file declares, so its one error doesn't cascade into
            # "unknown document/section/role" errors everywhere else.
            known_elsewhere.update(_declared_ids(raw))

    documents: dict[str, Document] = {}
    for path, raw, kf in files:
        doc = kf.document
        if doc.key in documents:
            col.add(path, _at(raw, "document", "key"), f"document '{doc.key}' is defined twice")
        documents[doc.key] = doc
        if doc.region not in region_ids:
            col.add(
                path,
                _at(raw, "document", "region"),
                f"document '{doc.key}' has unknown region '{doc.region}'",
            )
        for k, name in enumerate(doc.gemeenten):
            if name not in gemeente_names:
                col.add(path, _at(raw, "document", "gemeenten", k), f"unknown gemeente '{name}'")

    role_ids = {role.id for _, _, kf in files for role in kf.roles} | known_elsewhere
    section_ids: dict[str, str] = {}
    for path, raw, kf in files:
        for i, sec in enumerate(kf.sections):
            if sec.id in section_ids:
                col.add(
                    path,
                    _at(raw, "sections", i, "id"),
                    f"duplicate section id '{sec.id}' (also in {section_ids[sec.id]})",
                )
            section_ids.setdefault(sec.id, col.rel(path))

    def check_source(path: Path, raw: Any, loc: tuple[int | str, ...], what: str, document: str) -> None:
        if document not in documents and document not in known_elsewhere:
            col.add(path, _at(raw, *loc, "source", "document"), f"{what} cites unknown document '{document}'")

    def check_gemeenten(path: Path, raw: Any, loc: tuple[int | str, ...], names: Any) -> None:
        for k, name in enumerate(names or []):
            if name not in gemeente_names:
                col.add(path, _at(raw, *loc, k), f"unknown gemeente '{name}'")

    sections: list[SectionView] = []
    escalation: list[EscalationView] = []
    roles: list[RoleView] = []
    terms: list[tuple[GlossaryTerm, Document]] = []
    fixed_dates: list[FixedDateView] = []
    for path, raw, kf in files:
        doc = kf.document
        for i, fixed in enumerate(kf.fixed_dates):
            check_source(path, raw, ("fixed_dates", i), f"fixed dates '{fixed.id}'", fixed.source.document)
            check_gemeenten(path, raw, ("fixed_dates", i, "gemeenten"), fixed.gemeenten)
            fixed_dates.append(
                FixedDateView(fixed, tuple(fixed.gemeenten or doc.gemeenten), tuple(fixed.sectors or doc.sectors), doc)
            )
        for i, sec in enumerate(kf.sections):
            check_source(path, raw, ("sections", i), f"section '{sec.id}'", sec.source.document)
            check_gemeenten(path, raw, ("sections", i, "gemeenten"), sec.gemeenten)
            refs = (
                (sec.per_gemeente, "per_gemeente", gemeente_names, "names unknown gemeente"),
                (sec.roles, "roles", role_ids, "names unknown role"),
                (sec.related, "related", set(section_ids) | known_elsewhere, "refers to unknown section"),
                (sec.superseded_by, "superseded_by", set(section_ids) | known_elsewhere, "is superseded by unknown section"),
            )
            for items, field, known, what in refs:
                for k, (key, value) in enumerate(_keyed(items)):
                    if value not in known:
                        col.add(
                            path,
                            _at(raw, "sections", i, field, key if key else k),
                            f"section '{sec.id}' {what} '{value}'",
                        )
            if (sec.kind == "branch") != (sec.branch is not None):
                col.add(
                    path,
                    _at(raw, "sections", i, "kind" if sec.kind == "branch" else "branch"),
                    f"section '{sec.id}': kind 'branch' and a 'branch' field go together",
                )
            sections.append(
                SectionView(
                    sec, doc, tuple(sec.gemeenten or doc.gemeenten), tuple(sec.sectors or doc.sectors)
                )
            )
        for i, table in enumerate(kf.escalation):
            check_source(
                path,
                raw,
                ("escalation", i),
                f"escalation table for '{table.gemeente}'",
                table.source.document,
            )
            if table.gemeente not in gemeente_names:
                col.add(
                    path,
                    _at(raw, "escalation", i, "gemeente"),
                    f"escalation table for unknown gemeente '{table.gemeente}'",
                )
            for k, step in enumerate(table.steps):
                step_term = step.term
                if step_term and step_term.weeks_max is not None and step_term.weeks_max < step_term.weeks:
                    col.add(
                        path,
                        _at(raw, "escalation", i, "steps", k, "term"),
                        f"step {step.step}: weeks_max is before weeks",
                    )
                if step_term and step_term.after is not None:
                    earlier = [s.step for s in table.steps[:k]]
                    if step_term.from_ != "previous":
                        col.add(
                            path,
                            _at(raw, "escalation", i, "steps", k, "term"),
                            f"step {step.step}: after: needs from: previous",
                        )
                    elif step_term.after not in earlier:
                        col.add(
                            path,
                            _at(raw, "escalation", i, "steps", k, "term"),
                            f"step {step.step}: after: '{step_term.after}' is not an earlier step of this table",
                        )
            for sector in table.sectors:
                if any(
                    e.gemeente == table.gemeente and e.sector == sector and e.document.key == doc.key
                    for e in escalation
                ):
                    col.add(
                        path,
                        _at(raw, "escalation", i),
                        f"second escalation table for {table.gemeente} {sector}",
                    )
                escalation.append(EscalationView(table, table.gemeente, sector, doc))
        seen_roles: set[str] = set()
        for i, role in enumerate(kf.roles):
            if role.id in seen_roles:
                col.add(path, _at(raw, "roles", i, "id"), f"role '{role.id}' defined twice in this document")
            seen_roles.add(role.id)
            check_source(path, raw, ("roles", i), f"role '{role.id}'", role.source.document)
            check_gemeenten(path, raw, ("roles", i, "gemeenten"), role.gemeenten)
            roles.append(RoleView(role, doc, tuple(role.gemeenten or doc.gemeenten)))
        for i, term in enumerate(kf.terms):
            check_source(path, raw, ("terms", i), f"term '{term.term}'", term.source.document)
            if not term.expansion and not term.definition:
                col.add(path, _at(raw, "terms", i), f"term '{term.term}' needs an expansion or a definition")
            terms.append((term, doc))
    for path, raw, kf in files:
        for k, key in enumerate(kf.document.supersedes):
            if key not in documents:
                col.add(path, _at(raw, "document", "supersedes", k), f"supersedes unknown document '{key}'")
    doc_of = {view.id: view.document for view in sections}
    for path, raw, kf in files:
        for i, sec in enumerate(kf.sections):
            for k, newer in enumerate(sec.superseded_by):
                target = doc_of.get(newer)
                if target is not None and kf.document.key not in target.supersedes:
                    col.add(
                        path,
                        _at(raw, "sections", i, "superseded_by", k),
                        f"section '{sec.id}' is superseded by '{newer}', but document "
                        f"'{target.key}' does not supersede '{kf.document.key}'",
                    )
    _check_branch_articles(files, {view.id: view for view in sections}, col)
    for i, region in enumerate(regions):
        for k, gap in enumerate(region.not_held):
            if gap.source.document not in documents and gap.source.document not in known_elsewhere:
                col.add(
                    regions_path,
                    _at(regions_raw, "regions", i, "not_held", k, "source", "document"),
                    f"region '{region.id}': not_held cites unknown document '{gap.source.document}'",
                )

    # --- flows -----------------------------------------------------------------------------
    flows: dict[str, Flow] = {}
    flow_files: list[tuple[Path, Any, Flow]] = []  # routes between flows are checked once all are read
    if fdir.is_dir():
        for path in sorted(fdir.glob("*.yaml")):
            raw = col.parse(path)
            if raw is None:
                continue
            flow = col.model(path, raw, Flow)
            if flow is None:
                continue
            if flow.id in flows:
                col.add(path, _at(raw, "id"), f"duplicate flow id '{flow.id}'")
            flows[flow.id] = flow
            flow_files.append((path, raw, flow))
            known_docs = set(documents) | known_elsewhere
            known_sections = set(section_ids) | known_elsewhere
            for problem in _check_flow(flow, raw, known_docs, gemeente_names, known_sections):
                col.add(path, problem[0], problem[1])
            for problem in _check_current_first(flow, raw, sections, documents):
                col.add(path, problem[0], problem[1])

    for path, raw, flow in flow_files:
        for node_id, node in flow.nodes.items():
            for k, route in enumerate(node.routes):
                if route not in flows:
                    col.add(path, _at(raw, "nodes", node_id, "routes", k), f"unknown walk-through '{route}'")

    if not allow_draft:
        for path in sorted(kdir.glob("*.yaml")) + (sorted(fdir.glob("*.yaml")) if fdir.is_dir() else []):
            for line, what in draft_markers(path):
                col.add(path, line, f"draft: {what}")
    if col.problems:
        raise ContentError(sorted(set(col.problems)))
    return Knowledge(
        regions=regions,
        documents=documents,
        sections=sections,
        escalation=escalation,
        roles=roles,
        terms=terms,
        flows=flows,
        calendars=calendars,
        synonyms=synonyms,
        fixed_dates=fixed_dates,
    )


def _check_branch_articles(
    files: list[tuple[Path, Any, KnowledgeFile]], views: dict[str, SectionView], col: _Collector
) -> None:
    """The two branches of one decision that point at each other are about the same article.

    A question names its article ("vrijstelling 5 sub a is niet afgegeven"): when only the
    branch where it was given says "5 sub a" in its title, the identifier match lifts that
    branch over the one the question asks for.
    """
    for path, raw, kf in files:
        for i, sec in enumerate(kf.sections):
            if sec.branch is None:
                continue
            mine = {x for x in views[sec.id].identifiers if x.startswith("art:")}
            for other_id in sec.related:
                other = views.get(other_id)
                branch = other.section.branch if other else None
                if other is None or branch is None or branch.decision != sec.branch.decision:
                    continue
                if branch.holds == sec.branch.holds:
                    continue
                theirs = {x for x in other.identifiers if x.startswith("art:")}
                if theirs - mine:
                    col.add(
                        path,
                        _at(raw, "sections", i, "title"),
                        f"section '{sec.id}' is the other branch of '{other_id}', which is about "
                        f"{', '.join(sorted(theirs - mine))}: name it in the title or under identifiers",
                    )


def _check_current_first(
    flow: Flow, raw: Any, sections: list[SectionView], documents: dict[str, Document]
) -> Iterator[tuple[int, str]]:
    """An end that cites a superseded document and points to a section of it that the content
    marks as changed (a current note, a newer section) must say what holds now (`current_note`),
    so the walk-through never ends on a superseded rule as "Wat nu te doen". A current note on
    an end that cites a current document has nothing to correct and is refused too."""
    superseded = {key for doc in documents.values() for key in doc.supersedes}
    changed = {v.id for v in sections if v.section.current_note or v.section.superseded_by}
    doc_of = {v.id: v.document.key for v in sections}
    for node_id, node in flow.nodes.items():
        if node.type != "end":
            continue
        ends = [((), node.source, node.current_note)] + [
            (("variants", g), v.source or node.source, v.current_note or node.current_note)
            for g, v in node.variants.items()
        ]
        for loc, source, note in ends:
            if source is None:
                continue
            # Sections of the cited document itself that the content marks as changed.
            marked = [rel for rel in node.related if rel in changed and doc_of[rel] == source.document]
            if source.document in superseded and marked and not note:
                yield (
                    _at(raw, "nodes", node_id, *loc),
                    f"end node '{node_id}' cites superseded document '{source.document}' and points to "
                    f"'{marked[0]}', which has a newer rule: add a current_note saying what holds now",
                )
            if source.document not in superseded and note:
                yield (
                    _at(raw, "nodes", node_id, *loc, "current_note"),
                    f"end node '{node_id}' has a current_note but cites the current document "
                    f"'{source.document}'",
                )


def _check_flow(
    flow: Flow, raw: Any, documents: set[str], gemeenten: set[str], section_ids: set[str]
) -> Iterator[tuple[int, str]]:
    """Targets exist, every node is reachable, every path ends at an end node (no cycles)."""
    nodes = flow.nodes
    if flow.start not in nodes:
        yield _at(raw, "start"), f"flow '{flow.id}': start node '{flow.start}' does not exist"
        return
    for k, name in enumerate(flow.gemeenten or []):
        if name not in gemeenten:
            yield _at(raw, "gemeenten", k), f"unknown gemeente '{name}'"
    for node_id, node in nodes.items():
        here = ("nodes", node_id)
        if node.type == "question":
            if not node.text:
                yield _at(raw, *here), f"question node '{node_id}' has no text"
            if len(node.options) < 1:
                yield _at(raw, *here), f"question node '{node_id}' has no options"
            for k, opt in enumerate(node.options):
                if opt.next not in nodes:
                    yield (
                        _at(raw, *here, "options", k, "next"),
                        f"node '{node_id}' points to unknown node '{opt.next}'",
                    )
                for m, name in enumerate(opt.gemeenten or []):
                    if name not in gemeenten:
                        yield _at(raw, *here, "options", k, "gemeenten", m), f"unknown gemeente '{name}'"
        else:
            if node.options:
                yield _at(raw, *here, "options"), f"end node '{node_id}' cannot have options"
            if not node.title:
                yield _at(raw, *here), f"end node '{node_id}' has no title"
            if node.source is None:
                yield _at(raw, *here), f"end node '{node_id}' has no source"
        sources = [(here, node.source)] + [
            ((*here, "variants", g), v.source) for g, v in node.variants.items()
        ]
        for loc, source in sources:
            if source is not None and source.document not in documents:
                yield (
                    _at(raw, *loc, "source", "document"),
                    f"node '{node_id}' cites unknown document '{source.document}'",
                )
        for name in node.variants:
            if name not in gemeenten:
                yield _at(raw, *here, "variants", name), f"unknown gemeente '{name}'"
        for k, rel in enumerate(node.related):
            if rel not in section_ids:
                yield _at(raw, *here, "related", k), f"node '{node_id}' refers to unknown section '{rel}'"

    # Reachability and cycles with one depth-first walk (the trees are small).
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node_id: str) -> Iterator[tuple[int, str]]:
        state[node_id] = 1
        for opt in nodes[node_id].options:
            if opt.next not in nodes:
                continue
            if state.get(opt.next) == 1:
                yield (
                    _at(raw, "nodes", node_id),
                    f"node '{node_id}' leads back to '{opt.next}': a path must end at an end node",
                )
            elif opt.next not in state:
                yield from visit(opt.next)
        state[node_id] = 2

    yield from visit(flow.start)
    for node_id in nodes:
        if node_id not in state:
            yield _at(raw, "nodes", node_id), f"node '{node_id}' is not reachable from start '{flow.start}'"

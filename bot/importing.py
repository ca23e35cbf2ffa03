"""Where `routeboek import` writes, and what it knows of the content already held.

The draft goes to a content folder of its own (`--out`), never into the shipped content: when
that folder is new, the content it starts from (`--content` or the shipped one) is copied into
it, so the folder can at once be checked, measured and tried with `--content DIR`.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from bot.content import REGIONS_FILE, SHARED_FILES, shipped_content_dir
from bot.drafts import MARKER
from bot.schema import slugify
from bot.yamlload import YamlError, load_yaml_file


class ImportRefused(Exception):
    """The import would overwrite or mix up content; the message says what to do instead."""


@dataclass
class Held:
    titles: dict[str, str] = field(default_factory=dict)  # document key -> title
    regions_of: dict[str, str] = field(default_factory=dict)  # document key -> region id
    regions: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)  # id -> gemeenten, sectors


def _load(path: Path) -> object:
    try:
        return load_yaml_file(path)
    except (YamlError, OSError):
        return None


def read_held(base: Path, key: str) -> Held:
    """The documents and regions of the content folder the import starts from."""
    held = Held()
    kdir = base / "knowledge"
    regions = _load(kdir / REGIONS_FILE)
    if isinstance(regions, dict):
        for region in regions.get("regions") or []:
            if isinstance(region, dict) and isinstance(region.get("id"), str):
                names = [g["name"] for g in region.get("gemeenten") or [] if isinstance(g, dict) and "name" in g]
                held.regions[region["id"]] = (names, list(region.get("sectors") or []))
    for path in sorted(kdir.glob("*.yaml")):
        if path.name in SHARED_FILES:
            continue
        data = _load(path)
        doc = data.get("document") if isinstance(data, dict) else None
        if isinstance(doc, dict) and isinstance(doc.get("key"), str):
            held.titles[doc["key"]] = str(doc.get("title", ""))
            held.regions_of[doc["key"]] = str(doc.get("region", ""))
    if key in held.titles:
        raise ImportRefused(
            f"Document '{key}' bestaat al in {kdir}. Een nieuwe versie krijgt een eigen sleutel "
            f"(bijv. '{key}-2026') en vervangt de oude via supersedes."
        )
    return held


def prepare_out(base: Path, out: Path, key: str) -> Path:
    """The path of the draft file; copies the starting content into a new `out` folder."""
    if out.resolve() == shipped_content_dir().resolve():
        raise ImportRefused("--out is de meegeleverde inhoud; een concept komt in een eigen map.")
    target = out / "knowledge" / f"{key}.yaml"
    if target.exists():
        raise ImportRefused(f"{target} bestaat al; kies een andere --key of --out.")
    if not (out / "knowledge").is_dir():
        out.mkdir(parents=True, exist_ok=True)
        for folder in ("knowledge", "flows"):
            if (base / folder).is_dir():
                shutil.copytree(base / folder, out / folder)
        (out / "knowledge").mkdir(exist_ok=True)
    return target


_GEMEENTE = re.compile(r"\b[Gg]emeente\s+((?:'s-)?[A-Z][\w'-]+(?:\s+(?:aan|op|en)\s+[A-Z][\w'-]+)?)")


def named_gemeente(text: str) -> str | None:
    """The gemeente the document names most often ("in de gemeente Apeldoorn"): the best guess
    of whose document it is when the maintainer gave no region. A guess, marked as one."""
    counts: dict[str, int] = {}
    for match in _GEMEENTE.finditer(text):
        counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return max(counts, key=lambda name: counts[name]) if counts else None


@dataclass
class DraftRegion:
    """A region entry `routeboek import` writes when no region is known, so the draft loads
    (and can be tried with --allow-draft) before the maintainer has written the real one."""

    id: str
    gemeente: str
    found_in_text: bool


def draft_region(key: str, text: str, held: Held, region_id: str | None = None) -> DraftRegion:
    """A region id and gemeente that collide with nothing held: the gemeente the document
    names, or the key itself as a plain placeholder. `region_id` is the id the maintainer gave
    with --region for a region the folder does not hold yet."""
    named = named_gemeente(text)
    taken = {name for names, _ in held.regions.values() for name in names}
    found = named is not None and named not in taken
    gemeente = named if found and named else key
    if region_id is not None and region_id not in held.regions:
        return DraftRegion(region_id, gemeente, found)
    base = slugify(gemeente) or slugify(key)
    region_id, n = base, 2
    while region_id in held.regions:
        region_id, n = f"{base}-{n}", n + 1
    return DraftRegion(region_id, gemeente, found)


def write_draft_region(out: Path, region: DraftRegion, key: str, sectors: list[str]) -> Path:
    """Append the draft region to DIR/knowledge/regions.yaml, each field marked `# DRAFT:` so
    `routeboek check` lists it. Appended as text, so the maintainer's comments stay."""
    path = out / "knowledge" / REGIONS_FILE
    old = path.read_text(encoding="utf-8") if path.exists() else "regions:\n"
    items = re.search(r"^regions:\s*\n(?:\s*#.*\n|\s*\n)*([ \t]*)- ", old, re.M)
    pad = items.group(1) if items else "  "
    where = "genoemd in de bron, controleer" if region.found_in_text else "niet gevonden in de bron: vul de echte naam in"
    block = [
        f"{pad}# Concept-regio van `routeboek import` voor {key}: vul haar in en haal de DRAFT-opmerkingen weg.",
        f"{pad}- id: {region.id}  # {MARKER} id van de regio, zo ook in document.region van {key}.yaml",
        f"{pad}  name: {json.dumps(region.gemeente, ensure_ascii=False)}  # {MARKER} naam van de regio",
        f"{pad}  sectors: [{', '.join(sectors or ['po', 'vo'])}]  # {MARKER} po, vo of beide",
        f"{pad}  # {MARKER} calendar: de schoolvakanties van de regio (een id uit knowledge/calendars.yaml)",
        f"{pad}  gemeenten:  # {MARKER} elke gemeente van de regio, met de schrijfwijzen die gebruikers typen (aliases)",
        f"{pad}    - name: {json.dumps(region.gemeente, ensure_ascii=False)}  # {MARKER} gemeente: {where}",
    ]
    text = old if old.endswith("\n") else old + "\n"
    path.write_text(text + "\n".join(block) + "\n", encoding="utf-8")
    return path

"""Where `routeboek import` writes, and what it knows of the content already held.

The draft goes to a content folder of its own (`--out`), never into the shipped content: when
that folder is new, the content it starts from (`--content` or the shipped one) is copied into
it, so the folder can at once be checked, measured and tried with `--content DIR`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from bot.content import REGIONS_FILE, SHARED_FILES, shipped_content_dir
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

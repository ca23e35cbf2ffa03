"""Links between walk-throughs. A walk-through end that sends the user to another route the bot
has ("Ga naar het stappenplan Ziekteverzuim") carries a button to it (`routes:` on the end
node, bot/walkthrough.py), so no end is a dead end. `routeboek check` warns about an end whose
text names such a route without linking it; the text stays the source's own words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from bot.knowledge import Knowledge
from bot.schema import Flow, Node, Variant
from bot.yamlload import YamlError, line_of, load_yaml_file

# "stappenplan Ziekteverzuim", "route 'Veiligheid'": a capitalised name after the word, as the
# sources name a route; "deze route", "de route passend bij ..." name none.
_NAMED = re.compile(r"\b(?:stappenplan|route)\s+['\"‘“]?([A-Z][\w-]*)")


def named_flow(text: str, flows: dict[str, Flow], own: str) -> str | None:
    """The id of another walk-through the text sends the user to: one whose id is the name, or
    else the only one whose title has the name as a word; None when it names none."""
    for match in _NAMED.finditer(text):
        name = match.group(1).lower()
        if name in flows and name != own:
            return name
        titled = [f.id for f in flows.values() if f.id != own and name in re.findall(r"[\w-]+", f.title.lower())]
        if len(titled) == 1:
            return titled[0]
    return None


def _texts(node: Node) -> Iterator[str]:
    parts: list[Node | Variant] = [node, *node.variants.values()]
    for part in parts:
        yield part.title or ""
        yield from part.actions or []
        yield part.text or ""


def unlinked(kb: Knowledge) -> Iterator[tuple[str, str, str]]:
    """(flow id, end node id, named flow id) for each end that names another walk-through
    without a button to it."""
    for flow in kb.flows.values():
        for node_id, node in flow.nodes.items():
            if node.type != "end":
                continue
            named = {n for text in _texts(node) if (n := named_flow(text, kb.flows, flow.id))}
            for target in sorted(named - set(node.routes)):
                yield flow.id, node_id, target


def warnings(kb: Knowledge, content_root: Path) -> list[str]:
    """`flows/<file>:line: warning: ...` for every unlinked end (exit status stays 0)."""
    files: dict[str, tuple[Path, object]] = {}
    for path in sorted((content_root / "flows").glob("*.yaml")):
        try:
            raw = load_yaml_file(path)
        except (YamlError, OSError):
            continue  # the content check itself reports it
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            files[raw["id"]] = (path, raw)
    lines = []
    for flow_id, node_id, target in unlinked(kb):
        path, raw = files.get(flow_id, (content_root / "flows" / f"{flow_id}.yaml", None))
        line = line_of(raw, ("nodes", node_id)) or 1
        lines.append(
            f"flows/{path.name}:{line}: warning: end node '{node_id}' names the walk-through "
            f"'{kb.flows[target].title}' without a button to it (add routes: [{target}])"
        )
    return lines

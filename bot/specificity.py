"""How specific a word is to this field, compared with everyday Dutch.

Corpus statistics alone cannot tell "kost" (everyday Dutch that happens to occur in a routeboek)
from "variawet" (a term of the trade). wordfreq's general Dutch frequencies can: a question is
about the routeboeken when the passage it matches shares words with it that are rare in everyday
language. The Zipf scale is log10 of occurrences per billion words (about 7 for "de", 0 unseen).
"""

from __future__ import annotations

from functools import lru_cache

from wordfreq import zipf_frequency

COMMON = 6.0  # at or above this Zipf value a word says nothing about the field
RARE = 2.0  # at or below this Zipf value a word is fully specific


@lru_cache(maxsize=65536)
def everyday_zipf(word: str) -> float:
    """How common a word is in everyday Dutch: Zipf 0 (unseen) .. about 7 ("de")."""
    return float(zipf_frequency(word, "nl"))


def salience(corpus_zipf: float, word: str) -> float:
    """0 .. 1: how much more the routeboeken use a word than everyday Dutch does (keyness).

    "verzuim" or "jeugdarts" fill the routeboeken and are rare elsewhere (1.0); "agenda" or
    "collega" occur in them only in passing (0). Frequent words of every school text ("leerling",
    "school") are salient too, which is why evidence multiplies this by specificity().
    """
    return min(1.0, max(0.0, (corpus_zipf - everyday_zipf(word)) / KEY_FULL))


KEY_FULL = 2.5  # a word this many Zipf points commoner in the routeboeken is fully salient


@lru_cache(maxsize=65536)
def specificity(word: str) -> float:
    """0.1 (everyday word) .. 1.0 (term of the field, or unknown to everyday Dutch)."""
    zipf = everyday_zipf(word)
    share = (COMMON - zipf) / (COMMON - RARE)
    return min(1.0, max(0.1, share))


def warm_up() -> None:
    """Load the frequency tables now (about half a second) rather than on the first question."""
    specificity("verzuim")

"""Dutch text processing for matching chat questions against routeboek passages.

Questions are short and informal ("ll al 2 wk ziek, wat nu?"), passages long and formal. Each
step here closes part of that gap: normalisation, stop words, number words, Snowball stemming
(Kraaij-Pohlmann, snowballstemmer 3.x) and splitting compounds against the index's own
vocabulary, because Dutch writes "ziekteverzuim" where a user may type "ziek" or "verzuim".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

# Words that carry no topic. Question words (wie, wat, wanneer) are dropped too: the matcher
# ranks passages by topic; the answer format already says who and what. Adverbs of time and
# frequency ("telkens", "voorlopig") and the words for a son, daughter, brother or sister say
# nothing of another field either (synonyms.yaml ties "meisje", "jongen" and "puber" to the
# routeboeken's "jongere").
STOPWORDS = frozenset(
    """
    aan al alle alles als altijd ander andere ben bij daar daarna dan dat de deze die dit
    doe doen doet door dus echt een eens eigenlijk en er eerst ga gaan gaat geen had heb
    hebben hebt heeft het hier hij hoe hoeveel hun ik in is ja je jij jullie kan kun kunnen
    maar me meer men met mij mijn moet moeten mogen na naar nee niet niets nog nu of om
    omdat ons onze ook op over s t te tot u uit van veel voor waar wanneer wat we wel welk
    welke wie wij wil willen word worden wordt zal ze zei zelf zich zij zijn zo zou zoals
    zonder zit zitten zitte hun hen iets iemand ok oke eigenlijk precies graag even nou toch
    weer dus hoor dan ff nu wel zeg zegt heel erg
    gewoon zomaar steeds soms nooit meestal alleen zelfs juist ongeveer misschien
    waarschijnlijk uiteindelijk daarna straks later vandaag morgen gisteren heen ergens niks
    weinig minder genoeg beetje zulke elk elke ieder iedere hoelang hoezo waarom waarvoor
    waarmee waardoor waarover voordat nadat totdat terwijl doordat zodat want ofzo enzo
    gebeurt gebeuren oplevert opleveren lukt lukken ligt liggen staat staan gaat komt komen
    kom krijg krijgen krijgt geeft geven weet weten denk denken vind vinden zie zien hoor horen
    mag mogen kunt kon konden zou zouden moest moesten wilt wilde maak maken maakt
    iemand anders nodig bedoeld bedoelen bedoelt betekent hiervoor daarvoor daarbij hierbij
    hebben sinds inmiddels ondertussen tijdens bijvoorbeeld welke wiens hen hun jou jouw
    telkens voorlopig constant herhaaldelijk alweer zojuist onlangs recentelijk momenteel
    tegenwoordig vroeger opeens plotseling
    zoon zoons zonen dochter dochters broer broers broertje broertjes zus zussen zusje zusjes
    tweeling brugklasser brugklassers
    """.split()
) | frozenset(
    # Pronominal adverbs ("daarheen", "ermee", "hierover", "waarbij") point back at something
    # already named: grammar, never a topic of their own.
    pronoun + preposition
    for pronoun in ("daar", "hier", "waar", "er")
    for preposition in (
        "aan achter af bij binnen boven door heen in langs mee na naar naast om onder op over "
        "tegen toe tussen uit van voor zonder"
    ).split()
)

NUMBER_WORDS = {
    "twee": "2",
    "drie": "3",
    "vier": "4",
    "vijf": "5",
    "zes": "6",
    "zeven": "7",
    "acht": "8",
    "negen": "9",
    "tien": "10",
    "elf": "11",
    "twaalf": "12",
    "dertien": "13",
    "veertien": "14",
    "vijftien": "15",
    "zestien": "16",
    "twintig": "20",
    "eerste": "1e",
    "tweede": "2e",
    "derde": "3e",
    "vierde": "4e",
    "vijfde": "5e",
    "zesde": "6e",
    "zevende": "7e",
    "achtste": "8e",
    "negende": "9e",
    "tiende": "10e",
}

# Chat shorthand that is not in any glossary.
SHORTHAND = {
    "ll": "leerling",
    "lln": "leerlingen",
    "wk": "weken",
    "wkn": "weken",
    "mnd": "maanden",
    "mndn": "maanden",
    "ivm": "in verband met",
    "evt": "eventueel",
    "max": "maximaal",
    "ouder": "ouders",
    "iber": "ib er",
    "ibers": "ib er",
    "ib-er": "ib er",
}

_APOSTROPHE = re.compile(r"(\w)['’`](\w)")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_ORDINAL = re.compile(r"^(\d+)(e|ste|de)$")

_stemmer = snowballstemmer.stemmer("dutch")


def fold(text: str) -> str:
    """Lower case, no accents, apostrophes inside words removed ("ib'er" -> "iber").

    Decomposing and dropping what is not ASCII removes accents ("coördinator") and, with them,
    only symbols and punctuation, which tokenising drops anyway.
    """
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _APOSTROPHE.sub(r"\1\2", text)


def clip(text: str, limit: int) -> str:
    """The text if it fits in `limit` characters, else its start with "..." in that room: a
    title or summary line that must stay one line."""
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


_TIMES = re.compile(r"(\d{1,3})x")


def words(text: str) -> list[str]:
    """Folded words with shorthand and number words normalised; stop words kept."""
    result: list[str] = []
    for raw in _NON_WORD.split(fold(text)):
        if not raw:
            continue
        expanded = SHORTHAND.get(raw, raw)
        times = _TIMES.fullmatch(expanded)
        if times:
            # "2x", "4x per jaar": chat and the routeboeken's tables write "keer" as an x.
            expanded = f"{times.group(1)} keer"
        for word in expanded.split():
            word = NUMBER_WORDS.get(word, word)
            match = _ORDINAL.match(word)
            if match:
                word = match.group(1) + "e"
            result.append(word)
    return result


# Fixed expressions whose words would otherwise look like topic words ("hoe laat" asks for the
# time, it is not about being late).
IDIOMS = {("hoe", "laat"): ("hoe",)}


def content_words(text: str) -> list[str]:
    tokens = words(text)
    for idiom, keep in IDIOMS.items():
        n = len(idiom)
        i = 0
        while i <= len(tokens) - n:
            if tuple(tokens[i : i + n]) == idiom:
                tokens[i : i + n] = list(keep)
            i += 1
    return [w for w in tokens if w not in STOPWORDS]


_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball's Dutch stem, with the verb ending -t removed as well.

    The Kraaij-Pohlmann stemmer leaves "meldt", "verzuimt", "spijbelt" apart from "meld",
    "verzuim", "spijbel"; in questions those verb forms are the rule, in passages the nouns.
    """
    if word.isdigit() or len(word) <= 3:
        return word
    result: str = _stemmer.stemWord(word)
    if len(result) >= 5 and result[-1] == "t" and result[-2] not in _VOWELS and result[-2] != "t":
        result = result[:-1]
    return result


class CompoundSplitter:
    """Splits Dutch compounds into words the index knows.

    "ziekteverzuim" -> ["ziekte", "verzuim"], "leerplichtambtenaar" -> ["leerplicht",
    "ambtenaar"]. Parts must be known words of at least 4 letters; a linking "s" or "e" between
    parts is allowed. The split with the fewest parts wins, so known compounds stay whole-ish.
    """

    MIN_PART = 4
    MIN_WORD = 8
    # Longer "words" are pasted text or keyboard mashing, never a compound; splitting them costs
    # time that grows with the square of their length.
    MAX_WORD = 80

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.vocabulary = {w for w in vocabulary if len(w) >= self.MIN_PART and w.isalpha()}
        # No part is longer than the longest known word: the search never tries longer pieces.
        self._longest = max((len(w) for w in self.vocabulary), default=self.MIN_PART)
        self._cache: dict[str, list[str]] = {}

    def split(self, word: str) -> list[str]:
        """The parts of `word`, or [] when it is not a compound of known words."""
        if len(word) < self.MIN_WORD or len(word) > self.MAX_WORD or not word.isalpha():
            return []
        if word in self._cache:
            return self._cache[word]
        parts = self._best(word, top=True)
        result = parts if parts and len(parts) > 1 else []
        self._cache[word] = result
        return result

    def _best(self, word: str, top: bool = False) -> list[str] | None:
        n = len(word)
        # best[i]: the fewest-part split of word[i:]
        best: list[list[str] | None] = [None] * (n + 1)
        best[n] = []
        for i in range(n - self.MIN_PART, -1, -1):
            candidates: list[list[str]] = []
            for j in range(i + self.MIN_PART, min(n, i + self._longest) + 1):
                if top and i == 0 and j == n:
                    continue  # the word itself is not a split of itself
                piece = word[i:j]
                if piece not in self.vocabulary:
                    continue
                for k in (j, j + 1):  # optional linking letter
                    if k > n or best[k] is None:
                        continue
                    if k == j + 1 and word[j] not in "se":
                        continue
                    tail = best[k]
                    assert tail is not None
                    candidates.append([piece, *tail])
            if candidates:
                best[i] = min(candidates, key=lambda parts: (len(parts), -len(parts[0])))
        return best[0]

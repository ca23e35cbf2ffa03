"""Spot personal data in a message before it goes anywhere.

The bot needs no personal data to answer: "leerling 14 jaar, 3 weken ziek" is enough. Messages
that look like they hold a BSN, a bank account, a birth date, contact details, an address or a
child's name are refused with an explanation, and are never stored or logged.

What maintained libraries know well comes from them: Dutch and foreign phone numbers from
`phonenumbers`, the BSN's eleven-test and IBAN check digits from `python-stdnum`, how ordinary a
Dutch word is from `wordfreq`. Names come from the lists in bot/names (see NAMES-LICENSE.txt).
What is tuned to this domain stays here: the routeboek's own words are never names, and dates
of meetings and absence are not birth dates.

Runs on every message, so everything is compiled once and the costly checks (phone numbers,
word frequencies) only run when a cheap test says they could matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from datetime import date
from functools import lru_cache
from importlib import resources

import phonenumbers
from phonenumbers import PhoneNumberType
from stdnum import iban
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.nl import bsn
from wordfreq import zipf_frequency

BSN = "een BSN"
IBAN = "een rekeningnummer (IBAN)"
BIRTH_DATE = "een geboortedatum"
OLD_DATE = "een datum van jaren terug (een geboortedatum?)"
EMAIL = "een e-mailadres"
PHONE = "een telefoonnummer"
ADDRESS = "een adres"
NAME = "een naam"

# --- numbers -------------------------------------------------------------------------------
# Eight or nine digits, maybe grouped with spaces, dots or dashes ("860-129-044").
_DIGIT_RUN = re.compile(r"(?<![\d\w])\d(?:[ .-]?\d){7,8}(?![\d\w])")
_BSN_WORD = re.compile(r"\b(bsn|burgerservicenummer|sofi-?nummer|sofinr|bsn-nummer)\b", re.IGNORECASE)
_LONG_NUMBER = re.compile(r"\d(?:[ .-]?\d){5,}")
_ORGANISATION_NUMBER = re.compile(r"\b(kvk|kamer van koophandel|brin|ordernummer|factuur)\b", re.IGNORECASE)
_MONEY = re.compile(r"(€|eur\b|euro)", re.IGNORECASE)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b", re.IGNORECASE)
_DUTCH_IBAN = re.compile(r"\bNL\s?\d{2}\s?[A-Z]{4}(?:\s?\d){10}\b", re.IGNORECASE)
# Numbers of organisations, not of people: free, paid and company-wide service numbers
# (0800, 0900, 088, the municipal 14 0xx).
_SERVICE_NUMBERS = {
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.UAN,
}

# --- e-mail ---------------------------------------------------------------------------------
_AT = r"(?:\s*@\s*|\s*[\(\[\{<]\s*(?:at|apenstaartje|@)\s*[\)\]\}>]\s*|\s+(?:at|apenstaartje)\s+)"
_DOT = r"(?:\s*\.\s*|\s*[\(\[\{<]\s*(?:dot|punt)\s*[\)\]\}>]\s*|\s+(?:dot|punt)\s+)"
_EMAIL = re.compile(
    rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}(?:nl|com|be|net|org|eu|info|de|fr|uk|io|edu|me|live|hotmail)\b"
    r"|[\w.+-]+@[\w-]{2,}(?:\.[\w-]+)*",
    re.IGNORECASE,
)

# --- dates ----------------------------------------------------------------------------------
_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8,
    "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NUMERIC_DATE = re.compile(r"(?<![\d.\-/])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?![\d\-/]|\.\d)")
_ISO_DATE = re.compile(r"(?<![\d.\-/])((?:19|20)\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?![\d\-/]|\.\d)")
_WRITTEN_DATE = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:e|ste|de)?\s+({_MONTH_NAMES})\b\.?(?:\s+((?:19|20)\d{{2}}|'\d{{2}}))?",
    re.IGNORECASE,
)
_DAY_MONTH = re.compile(r"(?<![\d.\-/])(\d{1,2})[-/.](\d{1,2})(?![\d\-/]|\.\d)")
_BIRTH = re.compile(
    r"\b(geboren|geb\.?|geboortedatum|geboortedag|geb\.?datum|gebdatum|geboorte|verjaardag|jarig|dob)(?!\w)",
    re.IGNORECASE,
)
# "geboren na 1 oktober": the rule for an age group, not a child's birth date.
_RULE_BEFORE_DATE = re.compile(r"\b(na|voor|vóór|vanaf|tot|tussen|en|sinds|uiterlijk|per)\s*$", re.IGNORECASE)
BIRTH_DATE_AGE = 3  # years: older dates are a child's birth date, not an absence or meeting

# --- addresses ------------------------------------------------------------------------------
_POSTCODE_UPPER = re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")
_POSTCODE_LOWER = re.compile(r"\b[1-9]\d{3}(?!sa|sd|ss)[a-z]{2}\b")
_POSTCODE_CUE = re.compile(r"\b(postcode|pc)\s*:?\s*[1-9]\d{3}\s?[a-zA-Z]{2}\b", re.IGNORECASE)
# "3512 jk": lower case with a space is a postcode when its letters are no ordinary word ("2026 en").
_POSTCODE_LOWER_SPACED = re.compile(r"\b[1-9]\d{3}\s(?!sa|sd|ss)([a-z]{2})\b")
ORDINARY_LETTERS = 4.5  # zipf: "de", "op", "ok" are words; "jk", "hb" only stand in postcodes
_UNITS = {"km", "kg", "cm", "mm", "ml", "gb", "mb", "kb", "pk", "kw", "ct", "uu", "mg"}
_STREET = re.compile(
    r"\b[A-Za-zÀ-ÿ'-]{2,}(straat|straatje|laan|weg|plein|pleintje|gracht|kade|singel|dreef|hof|steeg|dijk|"
    r"pad|park|markt|baan|dam|wal|plantsoen|erf|veld|haven|ring|boulevard|allee|hoeve|weide|oord|"
    r"akker|dal|kwartier|straatweg|burgwal|zijde|wetering|vaart|werf|poort)\s+\d{1,4}\s?[a-zA-Z]?\b",
    re.IGNORECASE,
)
_ADDRESS_CUE = re.compile(
    r"\b(woont|wonen|wonend|woonachtig|woonadres|adres|huisnummer|verhuisd)\b(?:\s+\w+){0,3}?\s+"
    r"[A-Za-zÀ-ÿ'-]+\s+\d{1,4}(?:\s?[a-zA-Z]\b)?(?!\d|[.,:]\d)(?:\s*(\S+))?",
    re.IGNORECASE,
)
# "Lange Poten 7": two capitalised words and a house number (a year or a count is no house number).
_WORDS_NUMBER = re.compile(
    r"\b([A-Z][a-zà-ÿ'-]+)\s+([A-Z][a-zà-ÿ'-]{2,})\s+\d{1,3}(?:\s?[a-zA-Z]\b)?(?!\d|[.,:]\d)(?:\s*(\S+))?"
)
# A word that says an address is meant: any capitalised word with a number near it is one.
_ADDRESS_WORD = re.compile(r"\b(adres|woonadres|huisnummer|woont|wonen|wonend|woonachtig)\b", re.IGNORECASE)
_WORD_HOUSE_NUMBER = re.compile(r"\b([A-Z][a-zà-ÿ'-]{2,})\s+\d{1,4}(?:\s?[a-zA-Z]\b)?(?!\d|[.,:]\d)(?:\s*(\S+))?")
# "Spui 70": a rare capitalised word and a house number.
_WORD_NUMBER = re.compile(r"\b([A-Z][a-zà-ÿ'-]{2,})\s+(\d{1,4})\s?([a-zA-Z]\b)?(?:\s*(\S+))?")
_COUNTED = re.compile(
    r"(jaar|jarige?|weken|week|wk|dagen|dag|uur|uren|min|minuten|keer|maanden|maand|procent|%|"
    r"leerlingen|lln|kinderen|scholen|stuks|euro|cm|km|x)\b",
    re.IGNORECASE,
)
RARE_WORD = 3.5  # zipf: street names are rare words in general Dutch text

# --- names ----------------------------------------------------------------------------------
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Words that introduce a person: what follows stands where a name stands.
_CHILD_CUES = {
    "leerling", "leerlinge", "ll", "lln", "jongen", "jongetje", "meisje", "meid", "kind", "kindje",
    "zoon", "zoontje", "dochter", "dochtertje", "broer", "broertje", "zus", "zusje", "pupil",
    "puber", "student", "studente", "cliënt", "client", "jeugdige", "stiefzoon", "stiefdochter",
    "pleegkind", "pleegzoon", "pleegdochter", "tweeling", "neef", "nicht", "kleinzoon",
    "kleindochter",
}  # fmt: skip
_ADULT_CUES = {
    "mevrouw", "mevr", "mw", "meneer", "mijnheer", "dhr", "familie", "fam", "moeder", "vader",
    "mama", "papa", "oma", "opa", "tante", "oom", "juf", "meester", "stiefvader", "stiefmoeder",
    "pleegmoeder", "pleegvader", "voogd",
}  # fmt: skip
_PERSON_CUES = _CHILD_CUES | _ADULT_CUES
_NAMING_CUES = {"heet", "heten", "genaamd", "voornaam", "achternaam", "roepnaam", "naam"}
_WEAK_CUES = {"met", "van", "voor", "bij", "aan", "over", "en"}
_PERSON_VERBS = {
    "is", "was", "komt", "kwam", "zit", "zat", "heeft", "had", "wil", "wilde", "gaat", "ging",
    "mag", "moet", "moest", "kan", "kon", "blijft", "bleef", "spijbelt", "verzuimt", "werd",
    "wordt", "zegt", "zei", "woont", "doet", "deed", "krijgt", "kreeg", "durft", "weigert",
    "voelt", "lijkt", "meldt", "mist", "miste", "slaapt", "staat", "loopt", "zou", "hoort",
    "belt", "reageert", "praat", "vertelt", "vindt", "en", "zijn", "heb", "ligt", "lag",
    "verzuimde", "spijbelde", "haakt", "kampt", "blijkt", "stopt", "sliep", "huilt",
    "weet", "snapt", "zag", "ziet", "gebruikt", "scoort", "fietst", "speelt", "woonde",
    "vertrekt", "verhuist", "verhuisde",
}  # fmt: skip
_PREFIXES = {"van", "de", "der", "den", "ter", "ten", "te", "el", "al", "van der", "van den", "van de"}
_SENTENCE_END = re.compile(r"(^|[.!?:;\n\"'(\[•*-])\s*$")
ORDINARY = 5.0  # zipf: a word this frequent in Dutch is ordinary, not a name, unless the context says so
ORDINARY_IN_CONTEXT = 5.5  # after "leerling", or before "is"/"komt": only the most common words are not names
WEAK_CONTEXT = 4.35  # after "met", "van": only rare words are taken for names


def _load(name: str) -> frozenset[str]:
    lines = resources.files("bot").joinpath("names", name).read_text(encoding="utf-8").splitlines()
    names = {line.strip().lower() for line in lines if line.strip() and not line.startswith("#")}
    return frozenset(names | {_plain(n) for n in names})


def _plain(word: str) -> str:
    """Without accents: "zoe" finds "Zoë", "sahin" finds "Şahin"."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


FIRST_NAMES = _load("first_names.txt")
SURNAMES = _load("surnames.txt")


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    return zipf_frequency(word, "nl")


_zipf("de")  # wordfreq reads its Dutch table on first use: at start-up, not in a user's first message


def personal_data_kinds(
    text: str, known: AbstractSet[str] = frozenset(), today: date | None = None
) -> list[str]:
    """The kinds of personal data the text seems to contain, in Dutch, for the refusal message.

    `known` holds lower-case words the bot knows (routeboek vocabulary, place names, role names):
    such a word is never taken for a name, so "Veilig Thuis" or "Leerplicht" pass. `today` decides
    which dates lie far enough back to be a child's birth date rather than a day of absence.
    """
    today = today or date.today()
    kinds: list[str] = []
    masked = text

    def found(kind: str) -> None:
        if kind not in kinds:
            kinds.append(kind)

    def mask(start: int, end: int) -> None:
        nonlocal masked
        masked = masked[:start] + " " * (end - start) + masked[end:]

    for match in _EMAIL.finditer(masked):
        found(EMAIL)
        mask(*match.span())
    for start, end in _ibans(masked):
        found(IBAN)
        mask(start, end)
    if sum(c.isdigit() for c in masked) >= 8:
        for start, end in _phones(masked):
            found(PHONE)
            mask(start, end)
    for start, end in _bsns(masked):
        found(BSN)
        mask(start, end)
    if BSN not in kinds and _BSN_WORD.search(masked) and _LONG_NUMBER.search(masked):
        found(BSN)
    birth = _BIRTH.search(text) is not None
    for start, end, day in _dates(masked):
        if birth and _states_a_birth_date(masked, start, day, today):
            found(BIRTH_DATE)
        elif day is not None and day.year is not None and _years_back(day.date, today) > BIRTH_DATE_AGE:
            found(OLD_DATE)
        mask(start, end)
    if _has_address(masked, known):
        found(ADDRESS)
    if _has_name(masked, known):
        found(NAME)
    return kinds


# --- numbers -------------------------------------------------------------------------------
def _ibans(text: str) -> Iterator[tuple[int, int]]:
    for match in _DUTCH_IBAN.finditer(text):
        yield match.span()  # a Dutch account number even with a typo in its check digits
    for match in _IBAN.finditer(text):
        if _DUTCH_IBAN.fullmatch(match.group(0)):
            continue
        try:
            iban.validate(match.group(0))
        except InvalidChecksum:
            yield match.span()
        except ValidationError:
            continue
        else:
            yield match.span()


def _phones(text: str) -> Iterator[tuple[int, int]]:
    for match in phonenumbers.PhoneNumberMatcher(text, "NL"):
        if phonenumbers.number_type(match.number) not in _SERVICE_NUMBERS:
            yield match.start, match.end


def _bsns(text: str) -> Iterator[tuple[int, int]]:
    for match in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if not bsn.is_valid(digits) or _is_date(match.group(0)):
            continue  # "21-11-2010" is a date (one in eleven pass the eleven-test), told as one
        before = text[max(0, match.start() - 30) : match.start()]
        after = text[match.end() : match.end() + 8]
        if len(digits) == 8 and (_ORGANISATION_NUMBER.search(before) or _MONEY.search(before + after)):
            continue  # a KvK number or an amount passes the eleven-test one time in eleven
        yield match.span()


# --- dates ----------------------------------------------------------------------------------
class _Day:
    __slots__ = ("date", "year")

    def __init__(self, year: int | None, month: int, day: int) -> None:
        self.year = year
        self.date = date(year or 2000, month, day)


def _dates(text: str) -> Iterator[tuple[int, int, _Day | None]]:
    """Every date in the text with its span; None for the day when it is no valid date."""
    if not any(c.isdigit() for c in text):
        return
    taken: list[tuple[int, int]] = []
    for match in _ISO_DATE.finditer(text):
        taken.append(match.span())
        yield (*match.span(), _day(int(match[1]), int(match[3]), int(match[4])))
    for match in _NUMERIC_DATE.finditer(text):
        if _overlaps(match.span(), taken):
            continue
        taken.append(match.span())
        yield (*match.span(), _day(_full_year(match[4]), int(match[3]), int(match[1])))
    for match in _WRITTEN_DATE.finditer(text):
        if _overlaps(match.span(), taken):
            continue
        taken.append(match.span())
        year = _full_year(match[3].lstrip("'")) if match[3] else None
        yield (*match.span(), _day(year, _MONTHS[match[2].lower()], int(match[1])))
    for match in _DAY_MONTH.finditer(text):
        if not _overlaps(match.span(), taken):
            yield (*match.span(), _day(None, int(match[2]), int(match[1])))


def _is_date(text: str) -> bool:
    """Whether the whole text is a date written with a date's separators ("21-11-2010")."""
    if numeric := _NUMERIC_DATE.fullmatch(text):
        return _day(_full_year(numeric[4]), int(numeric[3]), int(numeric[1])) is not None
    if iso := _ISO_DATE.fullmatch(text):
        return _day(int(iso[1]), int(iso[3]), int(iso[4])) is not None
    return False


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= date.today().year % 100 + 1 else 1900
    return year


def _day(year: int | None, month: int, day: int) -> _Day | None:
    try:
        return _Day(year, month, day)
    except ValueError:
        return None


def _states_a_birth_date(text: str, start: int, day: _Day | None, today: date) -> bool:
    """'geboren op 3-3-2012' gives a child's birth date; 'geboren na 1 oktober' states a rule,
    and in 'geboren in 2012, gesprek op 5-12-2026' the recent date is the meeting's."""
    if day is None:
        return False
    if day.year is not None:
        return _years_back(day.date, today) > 2
    return _RULE_BEFORE_DATE.search(text[max(0, start - 12) : start]) is None


def _years_back(day: date, today: date) -> float:
    return (today - day).days / 365.25


# --- addresses ------------------------------------------------------------------------------
def _has_address(text: str, known: AbstractSet[str] = frozenset()) -> bool:
    if _POSTCODE_UPPER.search(text) or _POSTCODE_CUE.search(text) or _STREET.search(text):
        return True
    if any(m.group(0)[-2:].lower() not in _UNITS for m in _POSTCODE_LOWER.finditer(text)):
        return True
    for match in _POSTCODE_LOWER_SPACED.finditer(text):
        letters = match.group(1)
        if letters not in _UNITS and _zipf(letters) < ORDINARY_LETTERS:
            return True
    if any(not _COUNTED.match(m.group(2) or "") for m in _ADDRESS_CUE.finditer(text)):
        return True  # "woont op Kerkplein 3", not "woont bij vader 3 dagen per week"
    for match in _WORDS_NUMBER.finditer(text):
        if not _COUNTED.match(match.group(3) or "") and not {match[1].lower(), match[2].lower()} & known:
            return True
    if _ADDRESS_WORD.search(text):
        for match in _WORD_HOUSE_NUMBER.finditer(text):
            if not _COUNTED.match(match.group(2) or "") and match[1].lower() not in known:
                return True
    for match in _WORD_NUMBER.finditer(text):
        word, after = match.group(1), match.group(4) or ""
        if _COUNTED.match(after) or match.group(2).startswith("0"):
            continue
        if _zipf(word.lower()) < RARE_WORD and word.lower() not in FIRST_NAMES:
            return True
    return False


# --- names ----------------------------------------------------------------------------------
def _has_name(text: str, known: AbstractSet[str]) -> bool:
    tokens = [(m.group(0), m.start()) for m in _WORD.finditer(text)]
    lowered = [word.lower() for word, _ in tokens]
    for i, (word, start) in enumerate(tokens):
        low = lowered[i]
        if low in known or len(word) < 2 or (word.isupper() and low not in FIRST_NAMES):
            continue
        previous = lowered[i - 1] if i and not _cue_is_sentence_end(text, tokens, i) else ""
        following = lowered[i + 1] if i + 1 < len(tokens) else ""
        capital = word[0].isupper()
        first_name = low in FIRST_NAMES or _plain(low) in FIRST_NAMES
        named = capital or first_name or _zipf(low) < RARE_WORD
        if previous in _NAMING_CUES and named and not _is_ordinary(low, ORDINARY):
            return True
        if previous in _PERSON_CUES:
            surname = previous in _ADULT_CUES and low in SURNAMES
            if (capital or first_name or surname) and not _is_ordinary(low, ORDINARY_IN_CONTEXT):
                return True
        if not first_name:
            continue
        initial = _SENTENCE_END.search(text[:start]) is not None
        context = following in _PERSON_VERBS or _surname_follows(lowered, i, known)
        if capital and not initial:
            limit = ORDINARY_IN_CONTEXT
        elif capital:
            limit = ORDINARY_IN_CONTEXT if context else ORDINARY
        elif (initial and context) or _surname_follows(lowered, i, known):
            limit = ORDINARY_IN_CONTEXT
        elif context or previous in _WEAK_CUES:
            limit = WEAK_CONTEXT
        else:
            continue  # a lower-case word in running text: 'ik wil', 'met hoop'
        if not _is_ordinary(low, limit):
            return True
    return _capital_pair(tokens, lowered, known)


def _cue_is_sentence_end(text: str, tokens: list[tuple[str, int]], i: int) -> bool:
    """'de leerling. Wil je...': the cue ended its sentence, so the next word is no name."""
    word, start = tokens[i - 1]
    between = text[start + len(word) : tokens[i][1]]
    return any(c in between for c in ".!?;\n")


def _surname_follows(lowered: list[str], i: int, known: AbstractSet[str]) -> bool:
    """'jan de vries', 'sanne jansen': a first name followed by a surname."""
    rest = lowered[i + 1 : i + 4]
    while rest and (rest[0] in _PREFIXES):
        rest = rest[1:]
        if rest and rest[0] not in _PREFIXES and rest[0] not in known:
            return rest[0] in SURNAMES or _zipf(rest[0]) < RARE_WORD + 1
    return bool(rest) and rest[0] in SURNAMES and rest[0] not in known and not _is_ordinary(rest[0], 4.5)


def _capital_pair(tokens: list[tuple[str, int]], lowered: list[str], known: AbstractSet[str]) -> bool:
    """Two capitalised unknown words in a row ("Sanne Jansen", "Fenna van Dam")."""
    for i in range(len(tokens) - 1):
        (first, _), (second, _) = tokens[i], tokens[i + 1]
        if not (_is_capitalised(first) and _is_capitalised(second)):
            continue
        if lowered[i] in known or lowered[i + 1] in known:
            continue
        rare = min(_zipf(lowered[i]), _zipf(lowered[i + 1])) < 4.0
        if lowered[i] in FIRST_NAMES or lowered[i + 1] in SURNAMES or rare:
            return True
    for i in range(len(tokens) - 2):
        first, middle, last = tokens[i][0], lowered[i + 1], tokens[i + 2][0]
        both_unknown = lowered[i] not in known and lowered[i + 2] not in known
        if _is_capitalised(first) and middle in _PREFIXES and _is_capitalised(last) and both_unknown:
            return True
    return False


def _is_capitalised(word: str) -> bool:
    return word[0].isupper() and not word.isupper()


def _is_ordinary(word: str, threshold: float) -> bool:
    """Frequent in everyday Dutch: 'wil', 'ben' or 'hoop' are words first, names second."""
    return _zipf(word) >= threshold


# --- the answer -----------------------------------------------------------------------------
def refusal(kinds: list[str]) -> str:
    """Tells the user in plain Dutch (B1) why the message was not used and what to send instead,
    so a professional can ask again at once without the child's details."""
    listed = ", ".join(kinds[:-1]) + (" en " if len(kinds) > 1 else "") + kinds[-1]
    tips = []
    if NAME in kinds:
        tips.append("Noem het kind 'de leerling' of gebruik een casuscode, bijvoorbeeld 'leerling A'.")
    if BIRTH_DATE in kinds or OLD_DATE in kinds:
        tips.append("Noem de leeftijd in plaats van de geboortedatum, bijvoorbeeld '14 jaar'.")
    if {BSN, IBAN, EMAIL, PHONE, ADDRESS} & set(kinds):
        tips.append("Nummers, adressen en contactgegevens heb ik niet nodig: laat ze weg.")
    return (
        f"Je bericht lijkt {listed} te bevatten. Dat zijn persoonsgegevens. Die heb ik niet nodig, "
        "dus ik heb je bericht niet gebruikt en niet bewaard.\n\n"
        + " ".join(tips)
        + "\n\nStel je vraag opnieuw, bijvoorbeeld: 'leerling 14 jaar, al 3 weken ziek, wat nu?'"
    )

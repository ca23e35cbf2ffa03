"""Article and step identifiers: "5 onder b", "artikel 11g", "stap 3a", "fase 2.2", "bijlage 1".

An identifier names one rule or step exactly, so it must never be matched as a fuzzy word: a
section about 5 onder a is no answer to a question about 5 onder b. An identifier is recognised
by its keyword ("artikel", "art.", "onder", "sub", "stap", "fase", "bijlage", "scenario",
"vrijstelling"); a bare "3b" is a class name, not an identifier. The same reader serves questions
and sections (their title and chapter), so both sides speak one canonical form: ``art:5b``,
``art:11g``, ``stap:3a``, ``fase:2.2``, ``bijlage:1``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.textproc import fold

_LETTERS = r"[a-z](?:\s*(?:,|/|en|of)\s*[a-z])*"
# "artikel 5 sub a, b, c", "art. 5 onder a", "artikel 11g", "art 5a"
_ARTICLE = re.compile(
    rf"\b(?:artikel|art\.?)\s*(?P<num>\d{{1,3}})(?:\s*(?:sub|onder|lid)\s*(?P<letters>{_LETTERS})\b|(?P<letter>[a-z])\b|\b)"
)
# "5 onder b", "5 sub a" without the word artikel
_ONDER = re.compile(rf"\b(?P<num>\d{{1,3}})\s+(?:onder|sub)\s+(?P<letters>{_LETTERS})\b")
# "vrijstelling 5a/5b/5c", "scenario 11d": a keyword, then a number with its letter
_NAMED = re.compile(
    r"\b(?:vrijstelling(?:en)?|scenario'?s?)\s+(?P<ids>\d{1,3}[a-z](?:\s*(?:,|/|en|of)\s*\d{1,3}[a-z])*)\b"
)
# "stap 3a", "stap 1-3", "stappen 11-13"; "fase 2.2", "fase 3b"; "bijlage 1"
_STEP = re.compile(
    r"\b(?P<kind>stap|stappen|fase|fases|bijlage)\s+(?P<id>\d{1,2}(?:\.\d{1,2})?[a-z]?)(?:\s*(?:-|t/m|tot en met)\s*(?P<to>\d{1,2})\b)?"
)
_ID = re.compile(r"(\d+)([a-z]?)")


def identifiers(text: str) -> frozenset[str]:
    """The canonical identifiers a text names by keyword."""
    low = fold(text)
    found: set[str] = set()
    for m in _ARTICLE.finditer(low):
        num = m.group("num")
        letters = m.group("letters")
        if letters:
            found.update(f"art:{num}{x}" for x in re.findall(r"\b[a-z]\b", letters))
        elif m.group("letter"):
            found.add(f"art:{num}{m.group('letter')}")
        else:
            found.add(f"art:{num}")
    for m in _ONDER.finditer(low):
        found.update(f"art:{m.group('num')}{x}" for x in re.findall(r"\b[a-z]\b", m.group("letters")))
    for m in _NAMED.finditer(low):
        found.update(f"art:{x}" for x in re.findall(r"\d{1,3}[a-z]", m.group("ids")))
    for m in _STEP.finditer(low):
        kind = {"stappen": "stap", "fases": "fase"}.get(m.group("kind"), m.group("kind"))
        first = m.group("id")
        to = m.group("to")
        if to and first.isdigit() and int(first) < int(to) <= int(first) + 20:
            found.update(f"{kind}:{n}" for n in range(int(first), int(to) + 1))
        else:
            found.add(f"{kind}:{first}")
    return frozenset(found)


def covers(about: str, asked: str) -> bool:
    """Whether a section about `about` answers a question about `asked`.

    The same identifier, or its parent: article 11 (a to g) covers 11g, fase 2 covers fase 2.2.
    A question about a whole step is answered by its parts too: where a document splits stap 3
    into 3a and 3b, both answer "stap 3". Siblings never answer each other (3a is no answer to
    3b), and the whole is no answer to one part of it for steps (stap 3 is not stap 3a).
    """
    if about == asked:
        return True
    kind, _, value = asked.partition(":")
    about_kind, _, about_value = about.partition(":")
    if kind != about_kind:
        return False
    if _part_of(about_value, value):
        return True
    if kind == "art":
        m = _ID.fullmatch(value)
        return bool(m and m.group(2) and m.group(1) == about_value)
    if kind == "fase":
        return value.startswith(about_value + ".")
    return False


def _part_of(part: str, whole: str) -> bool:
    """ "3a" and "3.1" are parts of "3"; "3a" is no part of "3b" or "13"."""
    if not whole.isdigit():
        return False
    m = re.fullmatch(r"(\d+)(?:[a-z]|\.\d+)", part)
    return bool(m and m.group(1) == whole)


def kind_of(identifier: str) -> str:
    """ "art", "stap", "fase" or "bijlage"."""
    return identifier.partition(":")[0]


def label(identifier: str) -> str:
    """How the bot writes an identifier in Dutch: "artikel 5 onder b", "stap 3a"."""
    kind, _, value = identifier.partition(":")
    if kind == "art":
        m = _ID.fullmatch(value)
        if m and m.group(2):
            return f"artikel {m.group(1)} onder {m.group(2)}"
        return f"artikel {value}"
    return f"{kind} {value}"


def any_covers(about: Iterable[str], asked: str) -> bool:
    """Whether one of a section's identifiers answers the asked one."""
    return any(covers(a, asked) for a in about)

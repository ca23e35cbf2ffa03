"""The glossary term a question asks about: "wat is het CCE en ...", "wat betekent LRV?".

A professional who asks what an abbreviation stands for gets it spelled out on the first line
of the answer card, from the glossary of their own routeboeken, so `routeboek ask --json`'s
`short` and the chat's first message say the same.
"""

from __future__ import annotations

import re

from bot.knowledge import Knowledge
from bot.schema import Document, GlossaryTerm
from bot.textproc import fold

# "wat is (het) X", "wat betekent X", "wat houdt X in": X follows the question words.
_ASKS = re.compile(
    r"\b(?:wat (?:is|zijn|betekent|betekenen|houdt|bedoelen ze met|wordt bedoeld met)|waar staat)\s+"
    r"(?:een |de |het |die |dat )?(?P<rest>[^?.!,;:]+)",
    re.IGNORECASE,
)
# A term has at most this many words ("langdurig relatief verzuim").
MAX_TERM_WORDS = 5
# The most characters of a definition the card gives when the term has no expansion.
DEFINITION_ROOM = 200


def _key(name: str) -> str:
    return fold(name).replace("'", "").strip()


def asked_term(kb: Knowledge, text: str, gemeente: str | None) -> tuple[GlossaryTerm, Document] | None:
    """The glossary entry the question asks about, named exactly; the current routeboek's first.

    The longest run of words after the question words that is a term or an alias wins, so
    "wat is het cce en moeten we ..." finds CCE and "wat is langdurig relatief verzuim" the
    whole term. Only exact names count: a near name would spell out another thing.
    """
    asked = _ASKS.search(text)
    if not asked:
        return None
    names: dict[str, list[tuple[GlossaryTerm, Document]]] = {}
    for term, doc in kb.terms_for(gemeente):
        for name in (term.term, *term.aliases):
            names.setdefault(_key(name), []).append((term, doc))
    typed = asked.group("rest").split()[:MAX_TERM_WORDS]
    for n in range(len(typed), 0, -1):
        found = names.get(_key(" ".join(typed[:n])))
        if found:
            return sorted(found, key=lambda td: kb.is_superseded(td[1].key))[0]
    return None


def term_line(term: GlossaryTerm) -> str:
    """The term as the card's first line: its expansion, else the start of its definition."""
    if term.expansion:
        return f"{term.term}: {term.expansion}."
    definition = " ".join((term.definition or "").split())
    if not definition:
        return ""
    if len(definition) > DEFINITION_ROOM:
        definition = definition[: DEFINITION_ROOM - 3].rsplit(" ", 1)[0] + "..."
    return f"{term.term}: {definition}"

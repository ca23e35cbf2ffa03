"""Turn a section into the answer a professional reads, specialised for their gemeente."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.knowledge import Knowledge, SectionView


@dataclass(frozen=True)
class Answer:
    section_id: str
    title: str
    text: str
    gemeente_notes: list[tuple[str, str]] = field(default_factory=list)  # (gemeente, text)
    responsible: str | None = None
    actions: list[str] = field(default_factory=list)
    next_step: str | None = None
    current_note: str | None = None
    contacts: list[str] = field(default_factory=list)
    source: str = ""
    kind: str = "detail"
    short_source: str = ""  # the source as the card names it: document, year, chapter

    def plain(self) -> str:
        """The answer as plain text (CLI, console)."""
        return self.render(lambda label: label)

    def render(self, bold: Callable[[str], str]) -> str:
        """The answer with labels passed through `bold` (adapters add their own markup)."""
        lines = [bold(self.title)]
        if self.current_note:
            # The current rule leads; the older passage follows as background.
            lines += ["", f"{bold('Nu geldt:')} {self.current_note.strip()}"]
        lines += ["", self.text.strip()]
        for gemeente, note in self.gemeente_notes:
            lines += ["", f"{bold(f'In {gemeente}:')} {note.strip()}"]
        if self.responsible:
            lines += ["", f"{bold('Wie is verantwoordelijk:')} {self.responsible}"]
        if self.actions:
            lines += ["", bold("Wat nu te doen:"), *[f"- {a}" for a in self.actions]]
        if self.next_step:
            lines += ["", f"{bold('Volgende stap:')} {self.next_step}"]
        if self.contacts:
            lines += ["", f"{bold('Contact:')} " + ", ".join(self.contacts)]
        lines += ["", f"{bold('Bron:')} {self.source}"]
        return "\n".join(lines)

    def short(self, relevance: Relevance | None = None) -> str:
        """The card as plain text."""
        return self.card(lambda label: label, relevance)

    def card(self, bold: Callable[[str], str], relevance: Relevance | None = None) -> str:
        """The first message: who is responsible, what to do now, the next step, the source.

        At most CARD_LIMIT characters, so it fits one phone screen; the full passage is one press
        away. "What to do now" holds the passage's sentences that answer the question best
        (`relevance` scores a sentence against it). The current rule leads: a superseded
        section's current note is its first line. A definition or legal ground gets a card of
        its own kind: what it is, who decides, the source.
        """
        head = bold(_heading(self.title))
        source = f"{bold('Bron:')} {self.short_source or self.source}"
        gemeente_note = self.gemeente_notes[0] if len(self.gemeente_notes) == 1 else None
        pool = _sentences(self.text) + [a.strip() for a in self.actions]
        if self.kind == "definition":
            pool = _sentences(self.text)
        budget = CARD_LIMIT - len(head) - len(source) - 2
        slots: list[tuple[str, str, int]] = []  # (label, text, most characters)
        if self.current_note:
            slots.append(("Nu geldt:", self.current_note, 200))
        if self.kind == "definition":
            slots.append(("", "\0", 0))
            if self.responsible:
                slots.append(("Wie beslist:", self.responsible, 140))
        else:
            if self.responsible:
                slots.append(("Wie:", self.responsible, 140))
            slots.append(("Wat nu:" if self.actions or self.responsible else "", "\0", 0))
        if gemeente_note:
            slots.append((f"In {gemeente_note[0]}:", gemeente_note[1], 160))
        if self.next_step and self.kind != "definition":
            slots.append(("Volgende stap:", self.next_step, 150))
        # Fixed slots first, within their caps; the passage's sentences get the rest.
        scale = 1.0
        while True:  # shrink the fixed slots until the passage's sentences keep some room
            fixed = {
                i: _fit(text.strip(), int(cap * scale))
                for i, (_l, text, cap) in enumerate(slots)
                if text != "\0"
            }
            used = sum(len(t) + len(slots[i][0]) + 2 for i, t in fixed.items() if t)
            room = min(KEY_ROOM, budget - used - len("Wat nu:") - 2)
            if room >= KEY_MIN or scale < 0.3:
                break
            scale -= 0.1
        while True:
            key = _pick(pool, room, relevance) if room >= 60 else ""
            lines = [head]
            for i, (name, text, _cap) in enumerate(slots):
                piece = key if text == "\0" else fixed[i]
                if piece:
                    lines.append(f"{bold(name)} {piece}" if name else piece)
            lines.append(source)
            card = "\n".join(lines)
            over = len(card) - CARD_LIMIT - (len(head) - len(_heading(self.title)))
            if over <= 0 or room < 60:
                return card
            room -= over


Relevance = Callable[[str], float]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(re.sub(r"\s+", " ", text.strip())) if s.strip()]


def _pick(pool: list[str], room: int, relevance: Relevance | None) -> str:
    """The most relevant sentences that fit in room, in the passage's own order.

    The most relevant one always gets in (cut to the room if it must); a sentence that shares
    nothing with the question is only used while nothing better was found.
    """
    order = list(range(len(pool)))
    scores = [relevance(s) for s in pool] if relevance is not None else [1.0] * len(pool)
    order.sort(key=lambda i: (-scores[i], i))
    chosen: dict[int, str] = {}
    left = room
    for i in order:
        sentence = pool[i] if pool[i][-1:] in ".!?:" else pool[i] + "."
        if chosen and scores[i] <= 0:
            break
        if len(sentence) + 1 <= left:
            chosen[i] = sentence
            left -= len(sentence) + 1
        elif not chosen:
            chosen[i] = _fit(sentence, left)
            break
    return " ".join(chosen[i] for i in sorted(chosen))


# A card fits one phone screen (Telegram shows about 700 characters without scrolling).
CARD_LIMIT = 700
# The passage's own sentences on a card: enough for the answer, short enough for one glance.
KEY_ROOM = 260
KEY_MIN = 120
# A sentence ends at . ! or ? before a capital: "m.b.t. ziekteverzuim" goes on.
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def _heading(title: str) -> str:
    """A section title up to its colon: "Stap 3a PO" of "Stap 3a PO: advies vragen bij ..."."""
    head = title.split(": ", 1)[0]
    return head if len(head) <= 90 else head[:87].rstrip() + "..."


def _fit(text: str, room: int) -> str:
    """Whole sentences of text within room characters; a cut sentence ends in "..."."""
    text = re.sub(r"\s+", " ", text)
    if len(text) <= room:
        return text
    out = ""
    for sentence in _SENTENCE.split(text):
        if len(out) + len(sentence) + 1 > room:
            break
        out = f"{out} {sentence}".strip()
    if out:
        return out
    cut = text[: room - 3].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "..."


def short_source_label(kb: Knowledge, view: SectionView) -> str:
    """Document, year and chapter: "Routeboek verzuim en thuiszitters VO 2025, Fase 2.2"."""
    doc = view.document
    year = re.search(r"\b(19|20)\d{2}\b", doc.version)
    when = year.group(0) if year else "jaar niet vermeld"
    return f"{doc.title} ({when}), {view.section.source.section}"


def source_label(kb: Knowledge, view: SectionView) -> str:
    src = view.section.source
    return f"{kb.document_label(src.document)}, {src.section}"


def build_answer(kb: Knowledge, view: SectionView, gemeente: str | None) -> Answer:
    """Specialise a section: the user's own gemeente's rule, or all variants when unknown."""
    sec = view.section
    if gemeente:
        notes = [(gemeente, sec.per_gemeente[gemeente])] if gemeente in sec.per_gemeente else []
    else:
        notes = list(sec.per_gemeente.items())
    return Answer(
        section_id=sec.id,
        title=sec.title,
        text=sec.text,
        gemeente_notes=notes,
        responsible=sec.responsible,
        actions=list(sec.actions),
        next_step=sec.next_step,
        current_note=sec.current_note,
        contacts=list(sec.contacts),
        source=source_label(kb, view),
        kind=sec.kind,
        short_source=short_source_label(kb, view),
    )

"""Turn a section into the answer a professional reads, specialised for their gemeente."""

from __future__ import annotations

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

    def plain(self) -> str:
        """The answer as plain text (CLI, console)."""
        return self.render(lambda label: label)

    def render(self, bold: Callable[[str], str]) -> str:
        """The answer with labels passed through `bold` (adapters add their own markup)."""
        lines = [bold(self.title), "", self.text.strip()]
        for gemeente, note in self.gemeente_notes:
            lines += ["", f"{bold(f'In {gemeente}:')} {note.strip()}"]
        if self.responsible:
            lines += ["", f"{bold('Wie is verantwoordelijk:')} {self.responsible}"]
        if self.actions:
            lines += ["", bold("Wat nu te doen:"), *[f"- {a}" for a in self.actions]]
        if self.next_step:
            lines += ["", f"{bold('Volgende stap:')} {self.next_step}"]
        if self.current_note:
            lines += ["", f"{bold('Let op, nu geldt:')} {self.current_note.strip()}"]
        if self.contacts:
            lines += ["", f"{bold('Contact:')} " + ", ".join(self.contacts)]
        lines += ["", f"{bold('Bron:')} {self.source}"]
        return "\n".join(lines)


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
    )

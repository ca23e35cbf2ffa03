"""Roles and terms: /wie (who does what, per partner in the user's routeboeken) and /begrip
(abbreviations and terms), each with its source. The answer path uses the glossary too, for
"wat is een lizzer?"."""

from __future__ import annotations

from bot.actions import Menu, Roles, button
from bot.knowledge import Knowledge
from bot.navigation import stale
from bot.replies import Reply, bold, rows, short, source_line, unmarked
from bot.schema import Document, GlossaryTerm
from bot.storage import Profile
from bot.textproc import fold


class ReferenceDesk:
    def __init__(self, kb: Knowledge) -> None:
        self.kb = kb

    def roles(self, profile: Profile, role_id: str | None) -> list[Reply]:
        """The partners of the user's routeboek, or the tasks of one of them."""
        views = self.kb.roles_for(profile.gemeente)
        if role_id is None:
            seen: dict[str, str] = {}
            for v in views:
                seen.setdefault(v.role.id, v.role.name)
            buttons = [
                button(short(name, 30), Roles(rid))
                for rid, name in sorted(seen.items(), key=lambda x: x[1].lower())
            ]
            return [
                Reply(
                    bold("Wie doet wat?") + f"\nPartners in het routeboek van {profile.gemeente}:",
                    [*rows(buttons, 2), [button("Menu", Menu())]],
                )
            ]
        chosen = [v for v in views if v.role.id == role_id]
        if not chosen:
            return stale("Deze rol staat niet (meer) in jouw routeboek.")
        lines = [bold(chosen[0].role.name)]
        for v in chosen:
            lines += [
                "",
                f"{bold('Taken')} ({self.kb.document_label(v.document.key)}, {v.role.source.section}):",
            ]
            lines += [f"- {task}" for task in v.role.tasks] or ["- (geen taken genoemd)"]
        return [Reply("\n".join(lines), [[button("Wie doet wat", Roles()), button("Menu", Menu())]])]

    def terms(self, profile: Profile, query: str) -> list[Reply]:
        """/begrip: the list of abbreviations, or what one term means."""
        terms = self.kb.terms_for(profile.gemeente)
        if not query.strip():
            abbreviations = sorted(
                {(t.term, t.expansion) for t, _ in terms if t.expansion}, key=lambda x: x[0].lower()
            )
            listing = [bold("Afkortingen") + " (typ /begrip JES voor uitleg)", ""]
            listing += [f"{term}: {expansion}" for term, expansion in abbreviations]
            return [Reply("\n".join(listing))]
        found = self.find_terms(profile, query)
        if not found:
            return [
                Reply(
                    f"'{query[:50]}' staat niet in de begrippenlijst van jouw routeboek. Typ /begrip voor de lijst."
                )
            ]
        return [Reply(self.term_text(found))]

    def find_terms(self, profile: Profile, query: str) -> list[tuple[GlossaryTerm, Document]]:
        """Glossary entries of the user's routeboeken named exactly by `query`, else containing it."""
        terms = self.kb.terms_for(profile.gemeente)
        key = fold(query).replace("'", "").strip()
        found = [(t, d) for t, d in terms if key in {fold(x).replace("'", "") for x in (t.term, *t.aliases)}]
        if not found:
            found = [(t, d) for t, d in terms if key and key in fold(t.term + " " + (t.expansion or ""))]
        return found

    def term_text(self, found: list[tuple[GlossaryTerm, Document]]) -> str:
        """Terms with their definition and source, as the answer to "wat is ...?"."""
        lines: list[str] = []
        for term, doc in found[:5]:
            head = f"{term.term}: {term.expansion}" if term.expansion else term.term
            lines += [bold(head)]
            if term.definition:
                lines.append(term.definition.strip())
            lines += [source_line(self.kb.document_label(doc.key), term.source.section, unmarked), ""]
        return "\n".join(lines).strip()

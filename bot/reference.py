"""Roles and terms: /wie (who does what, per partner in the user's routeboeken) and /begrip
(abbreviations and terms), each with its source. The answer path uses the glossary too, for
"wat is een lizzer?"."""

from __future__ import annotations

from bot.actions import Menu, Roles, button
from bot.knowledge import Knowledge
from bot.navigation import stale
from bot.replies import Reply, bold, distinct_labels, rows, screen, source_line, unmarked
from bot.schema import Document, GlossaryTerm
from bot.storage import Profile
from bot.textproc import fold

ROLES_PER_PAGE = 10  # five rows of two: a list that fits a phone screen with its menu


class ReferenceDesk:
    def __init__(self, kb: Knowledge) -> None:
        self.kb = kb

    def _partners(self, profile: Profile) -> list[tuple[str, str]]:
        """(role id, name) of the partners in the user's routeboeken, by name."""
        seen: dict[str, str] = {}
        for view in self.kb.roles_for(profile.gemeente):
            seen.setdefault(view.role.id, view.role.name)
        return sorted(seen.items(), key=lambda x: x[1].lower())

    def roles(self, profile: Profile, role_id: str | None, page: int = 0) -> list[Reply]:
        """The partners of the user's routeboek, ROLES_PER_PAGE at a time (the Drechtsteden
        routeboek names 28), or the tasks of one of them."""
        listed = self._partners(profile)
        if role_id is None:
            pages = max(1, -(-len(listed) // ROLES_PER_PAGE))
            index = min(max(page, 1), pages) - 1
            labels = distinct_labels([name for _, name in listed], 30)  # distinct over every page
            shown = list(zip(labels, listed, strict=True))[index * ROLES_PER_PAGE : (index + 1) * ROLES_PER_PAGE]
            buttons = [button(label, Roles(rid)) for label, (rid, _) in shown]
            pager = []
            if index > 0:
                pager.append(button("‹ Vorige", Roles(None, index)))
            if index + 1 < pages:
                pager.append(button("Volgende ›", Roles(None, index + 2)))
            head = bold("Wie doet wat?") + (f" ({index + 1}/{pages})" if pages > 1 else "")
            return [
                screen(
                    head + f"\nPartners in het routeboek van {profile.gemeente}:",
                    [*rows(buttons, 2), *([pager] if pager else []), [button("Menu", Menu())]],
                )
            ]
        chosen = [v for v in self.kb.roles_for(profile.gemeente) if v.role.id == role_id]
        if not chosen:
            return stale("Deze rol staat niet (meer) in jouw routeboek.")
        lines = [bold(chosen[0].role.name)]
        for v in chosen:
            lines += [
                "",
                f"{bold('Taken')} ({self.kb.document_label(v.document.key)}, {v.role.source.section}):",
            ]
            lines += [f"- {task}" for task in v.role.tasks] or ["- (geen taken genoemd)"]
        # Back to the page the role is on, in place of this screen.
        back = Roles(None, [rid for rid, _ in listed].index(role_id) // ROLES_PER_PAGE + 1)
        return [screen("\n".join(lines), [[button("Wie doet wat", back), button("Menu", Menu())]])]

    def terms(self, profile: Profile, query: str) -> list[Reply]:
        """/begrip: the list of abbreviations, or what one term means."""
        terms = self.kb.terms_for(profile.gemeente)
        if not query.strip():
            abbreviations = sorted(self._abbreviations(terms), key=lambda x: x[0].lower())
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

    @staticmethod
    def _abbreviations(terms: list[tuple[GlossaryTerm, Document]]) -> list[tuple[str, str]]:
        """Each abbreviation once, though several routeboeken define it (SOT, CJG, A&A): in the
        words of a document no other one supersedes, and of a routeboek before a navigation aid
        (`rank_weight`); otherwise the first."""
        superseded = {key for _, doc in terms for key in doc.supersedes}
        best: dict[str, tuple[tuple[bool, float], str, str]] = {}
        for term, doc in terms:
            if not term.expansion:
                continue
            rank = (doc.key not in superseded, doc.rank_weight)
            key = fold(term.term)
            if key not in best or rank > best[key][0]:
                best[key] = (rank, term.term, term.expansion)
        return [(name, expansion) for _, name, expansion in best.values()]

    def find_terms(self, profile: Profile, query: str) -> list[tuple[GlossaryTerm, Document]]:
        """Glossary entries of the user's routeboeken named exactly by `query`, else containing it;
        the current routeboek's entry first, so "/begrip Doorbraaktafel" opens with what holds now."""
        terms = self.kb.terms_for(profile.gemeente)
        key = fold(query).replace("'", "").strip()
        found = [(t, d) for t, d in terms if key in {fold(x).replace("'", "") for x in (t.term, *t.aliases)}]
        if not found:
            found = [(t, d) for t, d in terms if key and key in fold(t.term + " " + (t.expansion or ""))]
        # The current rule leads: a superseded routeboek's entry last, a navigation aid after a routeboek.
        return sorted(found, key=lambda td: (self.kb.is_superseded(td[1].key), -td[1].rank_weight))

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

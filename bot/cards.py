"""Cards: how one section is shown. The answer to a question (the card, with the full passage,
close alternatives, "Lees verder", 👍/👎 and the menu one press away), the card alone after an
ask-back, the full passage, and the cards of an inline query. One place, so every way to a
section shows it with the same buttons."""

from __future__ import annotations

from bot.actions import Menu, ShowCard, ShowSection, button
from bot.answer import build_answer
from bot.decision import Decision
from bot.feedback import vote_buttons
from bot.knowledge import Knowledge
from bot.matcher import Matcher
from bot.navigation import related_buttons, stale
from bot.question import Relevance
from bot.replies import Button, InlineAnswer, Reply, bold, distinct_labels
from bot.storage import Profile

MENU_ROW = [button("Menu", Menu())]
GONE = "Dit onderdeel bestaat niet meer."


class CardDesk:
    def __init__(self, kb: Knowledge) -> None:
        self.kb = kb

    def answer(self, profile: Profile, decision: Decision, relevance: Relevance | None) -> Reply:
        """The card for the best hit of an answered question, for the gemeente asked about.

        A question about another gemeente than the user's own says so first; a near tie offers
        the other hits; a user without a profile is told how to get answers for their own place.
        """
        hits, gemeente = decision.hits, decision.gemeente
        best = hits[0]
        text = build_answer(self.kb, best.view, gemeente).card(bold, relevance)
        if gemeente and gemeente != profile.gemeente:
            text = f"(Antwoord voor {gemeente}, zoals je vroeg.)\n\n" + text
        buttons: list[list[Button]] = [[button("Lees het hele stuk", ShowSection(best.view.id))]]
        if Matcher.is_ambiguous(hits):
            text += "\n\nBedoelde je misschien iets anders?"
            others = hits[1:3]
            labels = distinct_labels([h.view.section.title for h in others])
            buttons += [[button(label, ShowCard(h.view.id))] for label, h in zip(labels, others, strict=True)]
        buttons += related_buttons(self.kb, best.view.section.related)
        buttons.append(vote_buttons(best.view.id))
        if not profile.complete:
            text += "\n\nTip: kies met /start je gemeente, dan krijg je het antwoord uit jouw routeboek."
        buttons.append(MENU_ROW)
        return Reply(text, buttons)

    def ask_back(self, decision: Decision) -> Reply:
        """Which of two situations is meant: a button for each, leading to its card."""
        assert decision.clarify is not None
        options = decision.clarify.options
        labels = distinct_labels([label for label, _ in options])
        rows = [[button(label, ShowCard(section_id))] for label, (_, section_id) in zip(labels, options, strict=True)]
        return Reply(decision.clarify.question, rows)

    def section(self, profile: Profile, section_id: str) -> list[Reply]:
        """The full passage: "Lees het hele stuk" and "Lees verder"."""
        view = self.kb.section(section_id)
        if view is None:
            return stale(GONE)
        text = build_answer(self.kb, view, profile.gemeente).render(bold)
        return [Reply(text, [*related_buttons(self.kb, view.section.related), MENU_ROW])]

    def card(self, profile: Profile, section_id: str) -> list[Reply]:
        """The card of one section, with its full passage one press away: the answer after an
        ask-back or a "Bedoelde je misschien" choice."""
        view = self.kb.section(section_id)
        if view is None:
            return stale(GONE)
        card = build_answer(self.kb, view, profile.gemeente).card(bold)
        buttons = [[button("Lees het hele stuk", ShowSection(view.id))], *related_buttons(self.kb, view.section.related)]
        return [Reply(card, [*buttons, vote_buttons(view.id), MENU_ROW])]

    @staticmethod
    def refused(explanation: str) -> InlineAnswer:
        """The one inline result for a query with personal data: the user sees why nothing is
        found, and choosing it posts only the explanation."""
        return InlineAnswer(
            "privacy",
            "Geen persoonsgegevens, graag",
            "Stel je vraag zonder naam, geboortedatum, BSN of contactgegevens.",
            explanation,
        )

    def inline(self, decision: Decision, relevance: Relevance | None) -> list[InlineAnswer]:
        """The cards of an inline query's hits, best first (an ask-back's candidates too)."""
        answers = []
        for hit in decision.hits:
            answer = build_answer(self.kb, hit.view, decision.gemeente)
            card = answer.card(bold, relevance)
            answers.append(
                InlineAnswer(hit.view.id, hit.view.section.title, answer.source, card, [vote_buttons(hit.view.id)])
            )
        return answers

"""Buttons of one message read differently: titles cut to the same label are told apart."""

from __future__ import annotations

import pytest

from bot.content import load_content
from bot.knowledge import Knowledge
from bot.navigation import related_buttons
from bot.replies import distinct_labels


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_content()


def test_titles_cut_alike_keep_the_words_that_differ() -> None:
    titles = [
        "Dreigend thuiszitten met kernteam, stap 1-3: IB-er bespreekt de leerling met ouders",
        "Dreigend thuiszitten met kernteam, stap 7-8: leerling meer dan 3 dagen per week thuis",
    ]
    first, second = distinct_labels(titles, prefix="Lees verder: ")
    assert first != second and len(first) <= 40 and len(second) <= 40
    assert "stap 1-3" in first and "stap 7-8" in second and first.startswith("Lees verder: Dreigend")


def test_the_same_title_twice_is_numbered_and_short_ones_stay_as_they_are() -> None:
    assert distinct_labels(["Ja", "Nee", "Ja"]) == ["Ja (1)", "Nee", "Ja (2)"]
    assert distinct_labels(["Ziekteverzuim", "Thuiszitten"]) == ["Ziekteverzuim", "Thuiszitten"]


def test_no_message_of_the_shipped_routeboeken_shows_two_alike_lees_verder_buttons(kb: Knowledge) -> None:
    related = [view.section.related for view in kb.sections]
    related += [node.related for flow in kb.flows.values() for node in flow.nodes.values()]
    for ids in related:
        labels = [row[0].label for row in related_buttons(kb, ids)]
        assert len(set(labels)) == len(labels), labels
        assert all(len(label) <= 40 for label in labels)

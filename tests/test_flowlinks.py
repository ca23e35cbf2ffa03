"""Walk-through ends that send the user to another route of the bot have a button to it, and
`routeboek check` warns about one that does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.actions import StartFlow, encode
from bot.cli import main
from bot.content import ContentError, load_content
from bot.engine import Engine, Press, Reply
from bot.flowlinks import unlinked
from bot.storage import Profile, Store
from tests.conftest import write_content

USER = "test:1"

SECOND_FLOW = """\
id: tweede
title: Tweede route
start: eind
nodes:
  eind:
    type: end
    title: Klaar
    actions: ["Ga naar het stappenplan Testroute."]
    source: {document: test-doc, section: "Fase 1"}
"""


def labels(reply: Reply) -> list[str]:
    return [b.label for row in reply.buttons for b in row]


def walk(engine: Engine, reply: Reply, *choices: str) -> Reply:
    for label in choices:
        (data,) = [b.data for row in reply.buttons for b in row if b.label == label]
        reply = engine.handle(USER, Press(data))[-1]
    return reply


def test_the_digitale_tools_ziekteverzuim_end_starts_the_ziekteverzuim_walk_through(tmp_path: Path) -> None:
    engine = Engine(load_content(), Store(tmp_path / "routeboek.db"))
    engine.store.save_profile(Profile(USER, "ib", "Den Haag", "vo"))
    (first,) = engine.handle(USER, Press(encode(StartFlow("digitale-tool"))))
    end = walk(engine, first, "Ja, schriftelijk aangemeld", "Ja, ingeschreven en geplaatst", "Zorgen over ziekteverzuim")
    assert "stappenplan Ziekteverzuim" in end.text
    assert "Stappenplan: Zorgwekkend ziekteverzuim" in labels(end)
    started = walk(engine, end, "Stappenplan: Zorgwekkend ziekteverzuim")
    assert "Zorgwekkend ziekteverzuim" in started.text and "vraag 1" in started.text


def test_no_end_of_the_shipped_walk_throughs_names_a_route_without_a_button() -> None:
    assert list(unlinked(load_content())) == []


def test_check_warns_about_an_end_that_names_a_route_without_linking_it(
    content_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_content(content_dir, {"flows/tweede.yaml": SECOND_FLOW})
    assert main(["check", "--content", str(content_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "flows/tweede.yaml:5: warning: end node 'eind' names the walk-through 'Testroute' "
        "without a button to it (add routes: [testflow])"
    )
    # Linked: no warning, and the end shows the button.
    write_content(content_dir, {"flows/tweede.yaml": SECOND_FLOW + "    routes: [testflow]\n"})
    assert main(["check", "--content", str(content_dir)]) == 0
    assert capsys.readouterr().out.startswith("ok:")


def test_a_route_to_an_unknown_walk_through_is_a_check_error(content_dir: Path) -> None:
    write_content(content_dir, {"flows/tweede.yaml": SECOND_FLOW + "    routes: [bestaat-niet]\n"})
    with pytest.raises(ContentError) as info:
        load_content(content_dir)
    assert [str(p) for p in info.value.problems] == ["flows/tweede.yaml:10: unknown walk-through 'bestaat-niet'"]

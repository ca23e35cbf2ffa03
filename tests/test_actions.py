"""The button protocol (bot/actions.py): every button of the shipped content round-trips within
Telegram's 64 bytes, forged or outdated data is refused, and gemeenten travel by stable id."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.actions import (
    MAX_DATA,
    Action,
    CaseAction,
    CaseGemeente,
    ChooseGemeente,
    ChooseRole,
    ChooseSector,
    FlowStep,
    Roles,
    Settings,
    ShowCard,
    ShowSection,
    ShowTable,
    StartFlow,
    TimelineStart,
    decode,
    encode,
)
from bot.content import load_content
from bot.engine import Command, Engine, Press, TextIn
from bot.knowledge import Knowledge
from bot.storage import Store
from tests.conftest import REGIONS, write_content


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_content()


def every_action(kb: Knowledge) -> list[Action]:
    actions: list[Action] = [Settings("menu"), FlowStep(12, 3), FlowStep(0, "b"), CaseAction("st", 7, 2)]
    for name in kb.gemeenten:
        slug = kb.gemeente_id(name) or ""
        actions += [ChooseGemeente(slug), CaseGemeente(slug), ShowTable(slug)]
        for sector in kb.sectors_of(name):
            actions += [ShowTable(slug, sector), TimelineStart(slug, sector), ChooseSector(sector)]
    actions += [ShowSection(v.id) for v in kb.sections] + [ShowCard(v.id) for v in kb.sections]
    actions += [StartFlow(f) for f in kb.flows] + [Roles(r.role.id) for r in kb.roles]
    return [*actions, ChooseRole("lpa"), Roles(None, 2)]


def test_every_button_of_the_shipped_content_round_trips_within_64_bytes(kb: Knowledge) -> None:
    for action in every_action(kb):
        data = encode(action)
        assert len(data.encode()) <= MAX_DATA, data
        assert decode(data, kb) == action, data


@pytest.mark.parametrize(
    "data",
    [
        "tl:den-haag:<script>",  # issue 10: any text landed in the dialogue as the sector
        "tl:0:vo",  # a gemeente by list position, as buttons were before
        "esc:t:1",
        "on:g:3",
        "cs:g:2",
        "esc:t:den-haag:po",  # Den Haag has no PO table
        "s:no-such-section",
        "rt:no-such-flow",
        "w:no-such-role",
        "f:1:²",
        "f:x:1",
        "cs:st:1",  # a step taken without its step
        "cs:v:1:2",
        "cs:v:" + "9" * 30,
        "set:root",
        "x" * 65,
        "",
    ],
)
def test_forged_or_outdated_data_is_refused(kb: Knowledge, data: str) -> None:
    assert decode(data, kb) is None


def test_a_forged_sector_is_never_stored(kb: Knowledge, tmp_path: Path) -> None:
    engine = Engine(kb, Store(tmp_path / "db.sqlite"))
    engine.handle("u", Command("start"))
    engine.handle("u", Press(encode(ChooseRole("lpa"))))
    engine.handle("u", TextIn("Rijswijk"))
    (reply,) = engine.handle("u", Press("tl:rijswijk:<b>nep</b>"))
    assert "verouderd" in reply.text
    assert engine.store.dialogue("u").for_sector is None


def test_reordered_gemeenten_leave_old_buttons_pointing_where_they_pointed(
    tmp_path: Path, content_files: dict[str, str]
) -> None:
    before = load_content(write_content(tmp_path / "a", content_files))
    data = encode(ShowTable(before.gemeente_id("Rijswijk") or "", "vo"))
    # A content edit puts a new gemeente first and swaps the others.
    reordered = REGIONS.replace(
        "      - name: Den Haag\n        aliases: [\"'s-Gravenhage\", \"DH\"]\n      - name: Rijswijk\n",
        "      - name: Delft\n      - name: Westland\n      - name: Rijswijk\n      - name: Den Haag\n"
        "        aliases: [\"'s-Gravenhage\", \"DH\"]\n",
    )
    assert reordered != REGIONS
    after = load_content(write_content(tmp_path / "b", {**content_files, "knowledge/regions.yaml": reordered}))
    assert after.gemeenten.index("Rijswijk") != before.gemeenten.index("Rijswijk")
    action = decode(data, after)
    assert isinstance(action, ShowTable) and after.gemeente_by_id(action.gemeente or "") == "Rijswijk"


def test_a_gemeente_id_used_twice_is_a_check_error(tmp_path: Path, content_files: dict[str, str]) -> None:
    from bot.content import ContentError

    twice = REGIONS.replace("      - name: Rijswijk\n", "      - name: Rijswijk\n        id: den-haag\n")
    with pytest.raises(ContentError, match=r"regions\.yaml:.*den-haag"):
        load_content(write_content(tmp_path / "c", {**content_files, "knowledge/regions.yaml": twice}))


def test_every_case_press_is_private_and_answers_never_are(kb: Knowledge, tmp_path: Path) -> None:
    """A case button pressed in a group would show a child's deadlines to the whole group."""
    engine = Engine(kb, Store(tmp_path / "db.sqlite"))
    slug = kb.gemeente_id("Apeldoorn") or ""
    case_presses = [
        "cs", "cs:new", "cs:g", f"cs:g:{slug}", "cs:s:vo", "cs:today", "cs:x", "cs:ok",
        "cs:v:3", "cs:st:3:1", "cs:ics:3", "cs:c:3", "ps:dg:0", "ps:fx:1",
    ]  # fmt: skip
    for data in case_presses:
        assert engine.private_press(data), data
    public = [a for a in every_action(kb) if not isinstance(a, (CaseAction, CaseGemeente))]
    assert public and not any(engine.private_press(encode(a)) for a in public)


def _data_literals(path: Path, prefixes: set[str]) -> list[str]:
    """String constants in a module's code (not its comments) that look like button data: a
    prefix of the protocol followed by a colon (f-string parts included)."""
    import ast
    import re

    looks = re.compile(rf"^({'|'.join(map(re.escape, sorted(prefixes)))}):")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and looks.match(node.value)
    ]


def test_no_module_but_actions_builds_or_parses_button_data(kb: Knowledge) -> None:
    """Issue 11: the protocol has one place. A desk that wrote or split "cs:g:..." itself
    would bypass the checks against the content."""
    prefixes = {encode(action).split(":")[0] for action in every_action(kb) if ":" in encode(action)}
    root = Path(__file__).resolve().parents[1] / "bot"
    assert _data_literals(root / "actions.py", prefixes), "the scan must see the protocol's own literals"
    others = sorted(p for p in root.glob("*.py") if p.name != "actions.py")
    assert {p.name: hits for p in others if (hits := _data_literals(p, prefixes))} == {}

"""The shipped routeboek content: complete, cited, and every walk-through walkable to its end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import load_content
from bot.engine import Command, Engine, Press
from bot.knowledge import Knowledge
from bot.schema import Flow
from bot.storage import Profile, Store


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_content()


def sources(kb: Knowledge, document: str) -> list[str]:
    return [v.section.source.section for v in kb.sections if v.section.source.document == document]


def test_check_passes_on_shipped_content(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("ok: 5 documents")


@pytest.mark.parametrize(
    "document, required",
    [
        (
            "haaglanden-vo-2021",
            [rf"\b{n}[ab]?\b" for n in range(1, 13)]
            + ["bsoluut", "omplexe", "eugdbeschermingstafel", "lacht", "OPDC", "VSO"],
        ),
        (
            "haaglanden-vo-2025",
            [
                "Route 1|ziekteverzuim",
                "Route 2|zonder schoolinschrijving",
                "Route 3|met schoolinschrijving",
                "Fase 1",
                "Fase 2",
                "Fase 3a",
                "Fase 3b",
                "Bijlage 1",
                "Bijlage 2",
                "fkorting",
            ],
        ),
        (
            "drechtsteden-po-2021",
            [rf"\b1\.{n}\b" for n in range(1, 10)]
            + [rf"\b2\.{n}\b" for n in range(1, 10)]
            + [rf"\b3\.{n}\b" for n in range(1, 5)]
            + ["met kernteam", "zonder kernteam"],
        ),
        (
            "apeldoorn",
            [rf"(Hoofdstuk|H) ?{n}\b" for n in range(1, 6)]
            + ["Bijlage 1", "Bijlage 2", "Bijlage 3", "cenario"],
        ),
        ("zhw-digitale-tool", ["Aanmelding|aanmelding", "verzuim", "JES", "Vrijstelling|vrijstelling"]),
    ],
)
def test_every_chapter_of_every_document_has_sections(
    kb: Knowledge, document: str, required: list[str]
) -> None:
    cited = "\n".join(sources(kb, document))
    missing = [
        pattern
        for pattern in required
        if not re.search(pattern, cited, re.IGNORECASE if "|" not in pattern else 0)
    ]
    assert not missing, f"{document}: no section cites {missing}"


def test_every_section_cites_a_known_document_and_has_search_hints(kb: Knowledge) -> None:
    for view in kb.sections:
        assert view.section.source.document in kb.documents
        assert view.section.keywords or view.section.questions, view.id


def test_2025_escalation_differences_between_haaglanden_gemeenten(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knowledge", "--json"]) == 0
    tables = {(t["gemeente"], t["sector"]): t for t in json.loads(capsys.readouterr().out)["escalation"]}
    steps = {
        g: [s["step"] for s in tables[(g, "vo")]["steps"]]
        for g in ("Den Haag", "Rijswijk", "Leidschendam-Voorburg")
    }
    assert steps["Den Haag"] == ["1", "2", "3", "4"]
    assert steps["Rijswijk"] == ["1", "3", "4"] and steps["Leidschendam-Voorburg"] == ["1", "3", "4"]
    for gemeente in steps:
        table = tables[(gemeente, "vo")]
        assert table["document"] == "haaglanden-vo-2025"
        by_step = {s["step"]: s for s in table["steps"]}
        assert by_step["4"]["term"]["weeks"] == 13 and by_step["3"]["term"]["weeks"] == 11
    three = {g: tables[(g, "vo")]["steps"] for g in steps}
    assert "teamleider jeugdhulp" in json.dumps(three["Rijswijk"]).lower()
    assert "regisseur jeugd en leerplicht" in json.dumps(three["Leidschendam-Voorburg"]).lower()
    assert "regisseur sociaal domein" in json.dumps(three["Den Haag"]).lower()
    assert (
        ("Apeldoorn", "po") in tables and ("Apeldoorn", "vo") in tables and ("Drechtsteden", "po") in tables
    )


def test_timeline_for_den_haag_follows_the_2025_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", "--gemeente", "den haag", "--start", "2026-01-05", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["document"] == "haaglanden-vo-2025" and data["sector"] == "vo"
    due = {s["step"]: (s["due"], s["due_latest"]) for s in data["steps"]}
    assert due["1"] == ("2026-02-02", "2026-03-02")  # 4-8 weeks
    assert due["2"] == ("2026-03-02", None)  # 8 weeks
    assert due["4"] == ("2026-04-06", None)  # uiterlijk 13 weeks


def paths(flow: Flow, gemeente: str, node_id: str | None = None) -> list[list[int]]:
    """Every sequence of option indexes from the start to an end node, as this gemeente sees them."""
    node = flow.nodes[node_id or flow.start]
    if node.type == "end":
        return [[]]
    result = []
    for i, option in enumerate(node.options):
        if option.gemeenten is None or gemeente in option.gemeenten:
            result += [[i, *rest] for rest in paths(flow, gemeente, option.next)]
    return result


def test_every_walk_through_can_be_walked_to_a_cited_end_in_every_gemeente(
    kb: Knowledge, tmp_path: Path
) -> None:
    engine = Engine(kb, Store(tmp_path / "walk.db"))
    walked = 0
    for gemeente in kb.gemeenten:
        for sector in kb.sectors_of(gemeente):
            user = f"walk:{gemeente}:{sector}"
            engine.store.save_profile(Profile(user, "ib", gemeente, sector))
            for flow in kb.flows_for(gemeente, sector):
                routes = paths(flow, gemeente)
                assert routes, f"{flow.id} has no path for {gemeente}"
                for route in routes:
                    (reply,) = engine.handle(user, Press(f"rt:{flow.id}"))
                    for step, index in enumerate(route):
                        assert f"vraag {step + 1} van" in reply.text
                        button = next(b for row in reply.buttons for b in row if b.data.endswith(f":{index}"))
                        (reply,) = engine.handle(user, Press(button.data))
                    assert "uitkomst" in reply.text and "Bron:" in reply.text, (flow.id, gemeente, route)
                    walked += 1
    assert walked > 100


def test_menu_commands_work_for_every_gemeente(kb: Knowledge, tmp_path: Path) -> None:
    engine = Engine(kb, Store(tmp_path / "menu.db"))
    for gemeente in kb.gemeenten:
        user = f"menu:{gemeente}"
        engine.store.save_profile(Profile(user, "lpa", gemeente, kb.sectors_of(gemeente)[0]))
        (table,) = engine.handle(user, Command("opschaling"))
        assert "Stap" in table.text and "Bron" in table.text
        (roles,) = engine.handle(user, Command("wie"))
        assert len([b for row in roles.buttons for b in row]) > 5
        (terms,) = engine.handle(user, Command("begrip"))
        assert terms.text.count("\n") > 10


@pytest.mark.parametrize("gemeente", ["Den Haag", "Rijswijk", "Leidschendam-Voorburg"])
def test_the_koppelgenoot_the_digitale_tool_points_to_is_known_in_every_haaglanden_gemeente(
    kb: Knowledge, gemeente: str
) -> None:
    # The digitale tool (all three gemeenten) says: schakel jeugdhulp in via de koppelgenoot.
    roles = [r for r in kb.roles_for(gemeente) if "koppelgenoot" in [a.lower() for a in r.role.aliases]]
    assert roles, gemeente
    assert any("jeugdhulp" in " ".join(r.role.tasks) for r in roles)

"""`routeboek check`: every content problem is reported with the right file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import ContentError, load_content
from tests.conftest import write_content


def problems_for(content_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_content(content_dir)
    return [str(p) for p in info.value.problems]


def line_of_text(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_valid_content_loads_and_check_exits_zero(
    content_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kb = load_content(content_dir)
    assert [s.id for s in kb.sections] == ["t-ziek", "t-gesprek"]
    # A section without gemeenten applies to its document's gemeenten.
    assert kb.sections[0].gemeenten == ("Den Haag", "Rijswijk")
    assert main(["check", "--content", str(content_dir)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("ok:")


def test_unknown_document_is_reported_at_its_line(content_dir: Path) -> None:
    doc = content_dir / "knowledge/test-doc.yaml"
    doc.write_text(
        doc.read_text().replace(
            '{document: test-doc, section: "Fase 2.1"}', '{document: haaglanden-2026, section: "Fase 2.1"}'
        )
    )
    line = line_of_text(doc, "haaglanden-2026")
    assert problems_for(content_dir) == [
        f"knowledge/test-doc.yaml:{line}: section 't-gesprek' cites unknown document 'haaglanden-2026'"
    ]


def test_yaml_syntax_error_gives_file_and_line(content_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flow = content_dir / "flows/testflow.yaml"
    flow.write_text(
        flow.read_text().replace("    text: Is de leerling ingeschreven?", "    text: [Is de leerling")
    )
    found = problems_for(content_dir)
    assert len(found) == 1
    path, line, message = found[0].split(":", 2)
    assert path == "flows/testflow.yaml"
    assert int(line) >= line_of_text(flow, "[Is de leerling")
    assert "YAML syntax error" in message
    assert main(["check", "--content", str(content_dir)]) == 1
    assert capsys.readouterr().out.startswith("flows/testflow.yaml:")


def test_a_knowledge_file_that_is_no_yaml_gives_its_one_error_not_a_cascade(
    content_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The flow cites test-doc; a syntax error in test-doc must not also make every citation of it
    # an "unknown document" problem, which would bury the cause (and /reload shows only 30 lines).
    doc = content_dir / "knowledge/test-doc.yaml"
    doc.write_text(doc.read_text().replace("    keywords: [ziek, jgz]\n", "    keywords: [ziek, jgz\n", 1))
    found = problems_for(content_dir)
    assert len(found) == 1, found
    assert found[0].startswith("knowledge/test-doc.yaml:") and "YAML syntax error" in found[0]
    assert main(["check", "--content", str(content_dir)]) == 1
    assert capsys.readouterr().out.count("\n") == 1


def test_duplicate_key_is_an_error_not_silently_overwritten(content_dir: Path) -> None:
    doc = content_dir / "knowledge/test-doc.yaml"
    text = doc.read_text().replace(
        "    keywords: [ziek, jgz]\n", "    keywords: [ziek, jgz]\n    title: Nog een titel\n"
    )
    doc.write_text(text)
    line = line_of_text(doc, "title: Nog een titel")
    assert problems_for(content_dir) == [
        f"knowledge/test-doc.yaml:{line}: duplicate key 'title' (first at line {line_of_text(doc, 'title: Ziekteverzuim')})"
    ]


def test_schema_errors_unknown_field_and_gemeente_and_role(content_dir: Path) -> None:
    doc = content_dir / "knowledge/test-doc.yaml"
    text = doc.read_text()
    text = text.replace("    keywords: [ziek, jgz]\n", "    keywordz: [ziek]\n")
    doc.write_text(text)
    found = problems_for(content_dir)
    line = line_of_text(doc, "keywordz")
    assert found == [f"knowledge/test-doc.yaml:{line}: sections.0.keywordz: Extra inputs are not permitted"]

    text = text.replace("    keywordz: [ziek]\n", "    gemeenten: [Delft]\n").replace(
        "roles: [jgz]", "roles: [jgz, wethouder]"
    )
    doc.write_text(text)
    found = problems_for(content_dir)
    assert (
        f"knowledge/test-doc.yaml:{line_of_text(doc, 'gemeenten: [Delft]')}: unknown gemeente 'Delft'"
        in found
    )
    assert any("unknown role 'wethouder'" in p for p in found)


def test_duplicate_section_ids_across_files(content_dir: Path, content_files: dict[str, str]) -> None:
    second = content_files["knowledge/test-doc.yaml"].replace("key: test-doc", "key: test-doc-2")
    write_content(content_dir, {"knowledge/test-doc-2.yaml": second})
    found = problems_for(content_dir)
    assert any("test-doc-2.yaml" in p and "duplicate section id 't-ziek'" in p for p in found)


def test_flow_with_dangling_target_and_unreachable_node(content_dir: Path) -> None:
    flow = content_dir / "flows/testflow.yaml"
    text = flow.read_text().replace("next: einde-nee", "next: einde-bestaat-niet")
    flow.write_text(text)
    found = problems_for(content_dir)
    assert (
        f"flows/testflow.yaml:{line_of_text(flow, 'einde-bestaat-niet')}: node 'vraag' points to unknown node 'einde-bestaat-niet'"
        in found
    )
    assert (
        f"flows/testflow.yaml:{line_of_text(flow, '  einde-nee:')}: node 'einde-nee' is not reachable from start 'vraag'"
        in found
    )


def test_flow_cycle_is_rejected(content_dir: Path) -> None:
    flow = content_dir / "flows/testflow.yaml"
    flow.write_text(flow.read_text().replace("next: einde-ja", "next: vraag"))
    found = problems_for(content_dir)
    assert any("leads back to 'vraag'" in p for p in found)


def test_bad_file_never_loads_half_way(content_dir: Path, content_files: dict[str, str]) -> None:
    """One broken file keeps the whole content from loading, even the valid files."""
    write_content(content_dir, {"knowledge/kapot.yaml": "document: [\n"})
    with pytest.raises(ContentError):
        load_content(content_dir)


def test_knowledge_json_contract(content_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["knowledge", "--json", "--content", str(content_dir)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"regions", "sections", "escalation", "roles", "flows"} <= set(data)
    section = next(s for s in data["sections"] if s["id"] == "t-gesprek")
    assert section["source"] == {"document": "test-doc", "section": "Fase 2.1"}
    assert section["gemeenten"] == ["Den Haag", "Rijswijk"] and section["sectors"] == ["vo"]
    (table,) = data["escalation"]
    assert table["gemeente"] == "Den Haag" and table["sector"] == "vo" and table["document"] == "test-doc"
    assert table["steps"][0]["step"] == "1" and table["steps"][0]["termijn"] == "4-8 weken"
    assert data["roles"][0]["id"] == "jgz" and data["roles"][0]["tasks"] == ["Spreekuur"]
    assert data["flows"] == [
        {"id": "testflow", "title": "Testroute", "description": None, "gemeenten": None, "sectors": None}
    ]


def test_env_variable_selects_content(content_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTEBOEK_CONTENT_DIR", str(content_dir))
    assert [d for d in load_content().documents] == ["test-doc"]


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("den haag", "Den Haag"),
        ("'s-Gravenhage", "Den Haag"),
        ("DH", "Den Haag"),
        ("rijswyk", "Rijswijk"),
        ("APELDOORN", "Apeldoorn"),
        ("Amsterdam", None),
        ("", None),
    ],
)
def test_gemeente_spellings(content_dir: Path, typed: str, expected: str | None) -> None:
    assert load_content(content_dir).resolve_gemeente(typed) == expected


@pytest.mark.parametrize("rel", ["knowledge/test-doc.yaml", "flows/testflow.yaml"])
def test_an_empty_knowledge_or_flow_file_is_reported_not_dropped(
    content_dir: Path, rel: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (content_dir / rel).write_text("# nog niets\n", encoding="utf-8")
    assert main(["check", "--content", str(content_dir)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{rel}:1: the file is empty" in out


def test_an_alias_bomb_in_content_is_a_check_error_with_path_and_line(
    content_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (content_dir / "flows/bomb.yaml").write_text(
        "id: bomb\ntitle: &t [lol, lol]\nstart: &s [*t, *t]\n", encoding="utf-8"
    )
    assert main(["check", "--content", str(content_dir)]) == 1
    out = capsys.readouterr().out
    assert "flows/bomb.yaml:2: YAML anchors (&t) are not allowed" in out


def test_the_other_branch_of_a_decision_must_name_the_same_article(tmp_path: Path) -> None:
    # Only the "afgegeven" branch said "5 sub a" in its title: a question about 5 sub a that was
    # not given then found the branch where it was given.
    root = Path(__file__).resolve().parents[1]
    for folder in ("knowledge", "flows"):
        shutil.copytree(root / folder, tmp_path / folder)
    tool = tmp_path / "knowledge/zhw-digitale-tool.yaml"
    tool.write_text(tool.read_text(encoding="utf-8").replace('    identifiers: ["art:5a"]\n', ""), encoding="utf-8")
    line = line_of_text(tool, 'title: "Vrijstelling niet afgegeven door leerplicht')
    assert problems_for(tmp_path) == [
        f"knowledge/zhw-digitale-tool.yaml:{line}: section 'zhw-vrijstelling-niet-afgegeven' is the other "
        "branch of 'zhw-vrijstelling-afgegeven', which is about art:5a: name it in the title or under identifiers"
    ]

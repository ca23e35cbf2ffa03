"""`routeboek coverage` and the heading scan, judged against a hand-written heading list."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.content import shipped_content_dir
from bot.coverage import cover, parse_citation
from bot.headings import Heading, fold, follows, scan_headings

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
APELDOORN = next(SEEDS.glob("004_*.txt"), SEEDS / "004_missing.txt")
HAND = yaml.safe_load((Path(__file__).parent / "data" / "apeldoorn_headings.yaml").read_text(encoding="utf-8"))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def found_for(entry: dict[str, str], headings: list[Heading]) -> Heading | None:
    """The scanned heading that is this hand-written one: same title, and the number in it."""
    for h in headings:
        if squash(h.title) == squash(entry["title"]) and (entry["number"] == "" or entry["number"] in h.text):
            return h
    return None


def test_scan_finds_every_hand_written_apeldoorn_heading_and_nothing_else() -> None:
    scan = scan_headings(APELDOORN.read_text(encoding="utf-8"))
    missing = [e for e in HAND if found_for(e, scan.headings) is None]
    assert missing == []
    assert len(scan.headings) == len(HAND)  # footnotes, page numbers and list items stay out


def test_scan_reports_footnotes_and_lists_it_was_unsure_of() -> None:
    scan = scan_headings(APELDOORN.read_text(encoding="utf-8"))
    unsure = {u.text for u in scan.unsure}
    # The list "Het opschalingsmodel kent vier stappen: 1. De basis op orde ..." is no chapter.
    assert "1. De basis op orde" in unsure
    assert "2. Kernteam aan zet" in unsure
    # A wrapped "... artikel \n15 LPW" is no chapter 15.
    assert "15 LPW" in unsure


def test_numbering_rules() -> None:
    assert follows(None, "1") and follows("9", "10a") and follows("10a", "10b") and follows("10b", "11")
    assert follows("3a", "3b") and follows("3b", "4") and follows("2", "3a")
    assert not follows("2", "4") and not follows("3", "2") and not follows(None, "5")


def test_footnote_page_number_and_wrapped_digit_lines_are_not_headings() -> None:
    text = "\n".join(
        [
            "1 Inleiding",
            "Dit protocol beschrijft de aanpak.",
            "",
            "12",
            "",
            "De termijn is binnen",
            "6 maanden. De periode van thuiszitten wordt kort gehouden.",
            "3 Zie https://example.org/voetnoot",
            "",
            "2 Werkwijze",
            "De school meldt het verzuim.",
            "",
            "7 Dit geldt bijvoorbeeld voor leerlingen van het praktijkonderwijs of het VSO met uitstroomprofiel arbeid.",
        ]
    )
    scan = scan_headings(text)
    assert [h.text for h in scan.headings] == ["1 Inleiding", "2 Werkwijze"]


def test_headings_follow_the_table_of_contents() -> None:
    text = "\n".join(
        [
            "Inhoud",
            "1. Inleiding ........ 3",
            "2. Aanpak ........ 4",
            "4. Klachten ........ 9",
            "",
            "",
            "1. Inleiding",
            "Tekst van de inleiding.",
            "2. Aanpak",
            "Tekst van de aanpak.",
            "4. Klachten",
            "Tekst over klachten.",
        ]
    )
    scan = scan_headings(text)
    assert scan.toc == ["1. Inleiding", "2. Aanpak", "4. Klachten"]
    # 4 skips 3, but the table of contents lists it: a heading, not a footnote.
    assert [h.line for h in scan.headings] == [7, 9, 11]


def test_citations_are_read_with_their_context() -> None:
    cites = parse_citation("Fase 3, 9. en 10a; Fase 4, 12. De Doorbraaktafel")
    paths = [c.path for c in cites if not c.weak]
    assert (("fase", "3"), ("n", "9")) in paths
    assert (("fase", "3"), ("n", "10a")) in paths
    assert (("fase", "4"), ("n", "12")) in paths
    # the fase is the context of its parts, not cited itself
    assert [c.path for c in cites if c.weak] == [(("fase", "3"),), (("fase", "4"),)]
    dotted = [c.path for c in parse_citation("Hoofdstuk 1.2, 1.3, 1.7")]
    assert dotted == [(("hoofdstuk", "1"), ("n", "2")), (("hoofdstuk", "1"), ("n", "3")), (("hoofdstuk", "1"), ("n", "7"))]
    both = [c.path for c in parse_citation("Fase 1 en 2; Overige zaken, Absoluut verzuim")]
    assert (("fase", "1"),) in both and (("fase", "2"),) in both
    assert any(p[-1] == ("name", "absoluut verzuim") for p in both)


def test_coverage_of_shipped_apeldoorn_is_complete_against_the_hand_list(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["coverage", "--document", "apeldoorn", str(APELDOORN)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 niet geciteerd" in out
    for entry in HAND:
        assert squash(entry["title"]) in squash(out)


# The five shipped documents and their texts in ../shared/seeds/ (see its README).
SHIPPED = {
    "haaglanden-vo-2021": "000",
    "haaglanden-vo-2025": "001",
    "drechtsteden-po-2021": "002",
    "zhw-digitale-tool": "003",
    "apeldoorn": "004",
}


@pytest.mark.parametrize("document", sorted(SHIPPED))
def test_coverage_prints_its_figures_for_each_shipped_document(document: str, capsys: pytest.CaptureFixture[str]) -> None:
    source = next(SEEDS.glob(f"{SHIPPED[document]}_*.txt"))
    code = main(["coverage", "--document", document, str(source)])
    captured = capsys.readouterr()
    if document == "zhw-digitale-tool":  # a click-through scheme: no numbered headings to measure
        assert code == 2 and "Geen genummerde koppen gevonden" in captured.err
        return
    figures = re.match(rf"{document}: (\d+) koppen in {source.name}, (\d+) geciteerd, 0 niet geciteerd \((\d+) secties", captured.out)
    assert figures, captured.out + captured.err
    headings, cited, sections = map(int, figures.groups())
    assert headings >= 10 and cited == headings and sections >= headings
    assert code == 0  # fully covered: no false alarm


def _copy_without(tmp_path: Path, cited: str) -> tuple[Path, int]:
    """A copy of the shipped content without the Apeldoorn sections whose source names `cited`."""
    root = tmp_path / "content"
    # Without flows/: walk-throughs that link to a removed section are not what is measured.
    shutil.copytree(shipped_content_dir() / "knowledge", root / "knowledge")
    path = root / "knowledge" / "apeldoorn.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    kept = [s for s in data["sections"] if cited not in s["source"]["section"]]
    removed = len(data["sections"]) - len(kept)
    gone = {s["id"] for s in data["sections"]} - {s["id"] for s in kept}
    for section in kept:
        section["related"] = [r for r in section.get("related", []) if r not in gone]
    data["sections"] = kept
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root, removed


@pytest.mark.parametrize("label", ["Stap 1", "Stap 2", "Stap 3a", "Stap 4", "Bijlage 1", "Bijlage 2", "Bijlage 3"])
def test_coverage_reports_each_step_and_bijlage_whose_sections_are_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], label: str
) -> None:
    entry = next(e for e in HAND if e["number"] == label)
    root, removed = _copy_without(tmp_path, label)
    assert removed >= 1
    code = main(["coverage", "--content", str(root), "--document", "apeldoorn", str(APELDOORN)])
    captured = capsys.readouterr()
    out = captured.out
    assert code == 1, captured.err
    uncited = squash(out.split("Niet geciteerd:")[1].split("Geciteerd:")[0])
    assert squash(entry["title"]) in uncited
    # Only that one: the others are still cited (Stap 1 also names "Stap 1 t/m 4", so it may take more).
    if label != "Stap 1":
        assert uncited.count("regel ") == 1, uncited


def test_coverage_reports_the_heading_of_a_removed_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, removed = _copy_without(tmp_path, "Stap 3b")
    assert removed >= 1
    code = main(["coverage", "--content", str(root), "--document", "apeldoorn", str(APELDOORN)])
    out = capsys.readouterr().out
    assert code == 1, out
    uncited = out.split("Niet geciteerd:")[1].split("Geciteerd:")[0]
    assert "Stap 3b: Het SWV en CJG betrokken → richting vrijstelling" in uncited
    # with a line of what it says, from the document
    assert "alle mogelijke opties" in uncited
    assert "Stap 3a" not in uncited


def test_a_chapter_is_cited_by_its_step_only_when_the_step_is_no_heading() -> None:
    text = "1 Inleiding\nTekst.\n\n2 Aanpak\nTekst over de aanpak.\n\nStap 1: Signaleren\nDe school signaleert.\n"
    scan = scan_headings(text)
    result = {c.heading.text: c.sections for c in cover(scan.headings, [("a", "Hoofdstuk 2, Stap 1"), ("b", "Hoofdstuk 2, Regie")])}
    assert result["Stap 1: Signaleren"] == ["a"]
    # "Regie" is no heading of the document: the section is then about chapter 2 as a whole.
    assert result["2 Aanpak"] == ["b"]


def test_numbers_are_compared_in_their_place() -> None:
    text = "\n".join(
        ["Fase 1: Preventie", "1. Focus", "Tekst.", "2. School", "Tekst.", "1. Aanbod", "Tekst.", "Fase 2: Verzuim", "1. Signalen", "Tekst."]
    )
    scan = scan_headings(text)
    assert [h.path for h in scan.headings][-1] == (("fase", "2"), ("n", "1"))
    result = {c.heading.line: c.sections for c in cover(scan.headings, [("focus", "Fase 1.1 Focus")])}
    assert result == {1: [], 2: ["focus"], 4: [], 6: [], 8: [], 9: []}


def test_cover_lists_the_sections_per_heading() -> None:
    scan = scan_headings("1 Inleiding\nTekst.\n\n2 Aanpak\nMeer tekst.\n")
    result = cover(scan.headings, [("a", "1 Inleiding"), ("b", "Hoofdstuk 1; Hoofdstuk 3")])
    assert [(fold(c.heading.title), c.sections) for c in result] == [("inleiding", ["a", "b"]), ("aanpak", [])]


def test_coverage_of_a_document_without_headings_is_not_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "tool.txt"
    source.write_text("Is er sprake van een schoolinschrijving?\nJa\nNee\n", encoding="utf-8")
    assert main(["coverage", "--document", "zhw-digitale-tool", str(source)]) == 2
    assert "niet te meten" in capsys.readouterr().err


def test_a_list_after_a_colon_is_no_chapter_even_where_its_numbers_are_free() -> None:
    """A maintainer's PDF (2026-12-05): "Het stappenplan kent drie stappen: 1. Signaleren 2.
    Kernteam 3. Actietafel" in chapter 2 made "3. Actietafel" a chapter 3; the whole list is
    an opsomming and goes to the lines to check."""
    text = "\n".join(
        [
            "1. Inleiding",
            "Dit protocol geldt voor alle scholen.",
            "",
            "2. Stappenplan",
            "Het stappenplan kent drie stappen:",
            "1. Signaleren",
            "2. Kernteam",
            "3. Actietafel",
            "Stap 1: Signaleren",
            "De school signaleert verzuim.",
        ]
    )
    scan = scan_headings(text)
    assert [h.text for h in scan.headings] == ["1. Inleiding", "2. Stappenplan", "Stap 1: Signaleren"]
    assert {"1. Signaleren", "2. Kernteam", "3. Actietafel"} <= {u.text for u in scan.unsure}


def test_a_chapter_number_the_table_of_contents_lacks_is_reported_not_taken() -> None:
    text = "\n".join(
        [
            "Inhoud",
            "1. Inleiding ........ 2",
            "2. Aanpak ........ 3",
            "",
            "",
            "",
            "",
            "1. Inleiding",
            "Tekst van de inleiding.",
            "2. Aanpak",
            "Tekst van de aanpak.",
            "3. Contact",
            "Bel de leerplichtambtenaar.",
        ]
    )
    scan = scan_headings(text)
    assert [h.text for h in scan.headings] == ["1. Inleiding", "2. Aanpak"]
    assert any(u.text == "3. Contact" and "inhoudsopgave" in u.reason for u in scan.unsure), scan.unsure

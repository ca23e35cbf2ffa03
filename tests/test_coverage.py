"""`routeboek coverage` and the heading scan, judged against a hand-written heading list."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.content import shipped_content_dir
from bot.coverage import cover, cover_screens, parse_citation, scan_screens
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
    if document == "zhw-digitale-tool":  # a click-through tool: no numbered headings, measured per screen
        figures = re.match(
            rf"{document}: (\d+) schermen in {source.name}, (\d+) gedekt, 0 niet gedekt, (\d+) alleen navigatie \((\d+) secties",
            captured.out,
        )
        assert figures, captured.out + captured.err
        screens, covered, navigation, sections = map(int, figures.groups())
        assert screens >= 20 and covered + navigation == screens and sections >= 15
        assert "de eenheden zijn schermen" in captured.out
        assert code == 0
        return
    figures = re.match(rf"{document}: (\d+) koppen in {source.name}, (\d+) geciteerd, 0 niet geciteerd \((\d+) secties", captured.out)
    assert figures, captured.out + captured.err
    headings, cited, sections = map(int, figures.groups())
    assert headings >= 10 and cited == headings and sections >= headings
    assert code == 0  # fully covered: no false alarm


def _copy_without(tmp_path: Path, cited: str, document: str = "apeldoorn", by: str = "source") -> tuple[Path, int]:
    """A copy of the shipped content without the sections of `document` whose source names
    `cited` (`by="id"`: the section with that id)."""
    root = tmp_path / "content"
    # Without flows/: walk-throughs that link to a removed section are not what is measured.
    shutil.copytree(shipped_content_dir() / "knowledge", root / "knowledge")
    path = root / "knowledge" / f"{document}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    kept = [s for s in data["sections"] if (s["id"] != cited if by == "id" else cited not in s["source"]["section"])]
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
    """No headings used to mean nothing to compare, and 0 uncited; now the text is measured as
    screens, so what no section holds is reported."""
    source = tmp_path / "tool.txt"
    source.write_text("Het kind verhuist naar het buitenland.\nMeld de verhuizing bij de gemeente en schrijf het kind uit.\n", encoding="utf-8")
    assert main(["coverage", "--document", "zhw-digitale-tool", str(source)]) == 1
    out = capsys.readouterr().out
    assert "1 niet gedekt" in out
    assert "het hele bestand is één scherm" in out  # no page breaks in it: the maintainer is told


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


# --- A document without numbered headings: its screens ----------------------------------------

TOOL_TEXT = Path(__file__).parent / "data" / "tool_screens.txt"
TOOL_SCREENS = yaml.safe_load((Path(__file__).parent / "data" / "tool_screens.yaml").read_text(encoding="utf-8"))
DIGITALE_TOOL = next(SEEDS.glob("003_*.txt"), SEEDS / "003_missing.txt")


def test_screen_scan_finds_the_hand_written_screens_of_a_tool() -> None:
    screens = scan_screens(TOOL_TEXT.read_text(encoding="utf-8"))
    assert [s.line for s in screens] == [e["line"] for e in TOOL_SCREENS]
    for screen, entry in zip(screens, TOOL_SCREENS, strict=True):
        assert screen.title.startswith(entry["title"].rstrip("?!")), (screen.title, entry)
        assert list(screen.also) == entry.get("also", [])
    # Held by no section, a screen is a gap unless it is navigation.
    navigation = {c.screen.line for c in cover_screens(screens, []) if c.navigation}
    assert navigation == {e["line"] for e in TOOL_SCREENS if e["kind"] == "navigation"}


def test_a_text_with_form_feeds_has_a_screen_per_page() -> None:
    text = (
        "De leerling meldt zich vaak ziek\nActie: bel de ouders binnen twee dagen.\n\f"
        "De leerling komt vaak te laat\n Actie: noteer het in het leerlingvolgsysteem.\n\f"
        "Vrijstelling aangevraagd\nOuders vragen de vrijstelling aan bij leerplicht.\n"
    )
    # The form feeds mark the pages; a line that begins with a space is then no page break.
    assert [(s.line, s.title) for s in scan_screens(text)] == [
        (1, "De leerling meldt zich vaak ziek"),
        (4, "De leerling komt vaak te laat"),  # lines counted as everywhere here: a form feed ends one
        (7, "Vrijstelling aangevraagd"),
    ]


def test_a_screen_is_covered_by_the_section_that_holds_its_words_not_by_one_that_names_it() -> None:
    screens = scan_screens(TOOL_TEXT.read_text(encoding="utf-8"))
    sections = [
        # Close to the screen's wording, in another order and with more words: its content.
        (
            "ziek",
            "Meldt een leerling zich vaak ziek? Na de derde ziekmelding is de actie: bel binnen twee dagen de "
            "ouders, en vraag de jeugdarts om een gesprek met de leerling. Einde: dan ben je klaar met de route.",
        ),
        # An overview that lists the situations names both screens but holds neither.
        ("overzicht", "Wat is de situatie? De leerling meldt zich vaak ziek, of de leerling komt vaak te laat."),
        (
            "vrijstelling",
            "Vrijstelling aangevraagd: ouders kunnen bij leerplicht een vrijstelling aanvragen op lichamelijke of "
            "psychische gronden, met een verklaring van een onafhankelijke arts.",
        ),
    ]
    result = {c.screen.line: c for c in cover_screens(screens, sections)}
    assert result[13].sections == ["ziek"]
    assert not result[20].covered and not result[20].navigation
    alone = {c.screen.line: c for c in cover_screens(screens, [sections[1]])}
    assert not alone[13].covered and not alone[20].covered  # named, not held
    assert result[42].sections == ["vrijstelling"]
    # What leerplicht's decision means for the school is in no section: a gap, even after the others.
    assert not result[49].covered and not result[49].navigation


def test_coverage_of_a_tool_lists_uncovered_screens_first_and_navigation_apart(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["coverage", "--document", "zhw-digitale-tool", str(TOOL_TEXT)])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("zhw-digitale-tool: 9 schermen in tool_screens.txt, ")
    assert "de eenheden zijn schermen" in out and "geen koppen" in out
    gaps, rest = out.split("Niet gedekt:")[1].split("Gedekt:")
    # Each gap with a line of what it says, from the document.
    assert "regel 20: De leerling komt vaak te laat" in gaps
    assert "Actie 1: Noteer elke keer te laat in het leerlingvolgsysteem." in gaps
    navigation = rest.split("Alleen navigatie")[1]
    assert "regel 5: Start de tool!" in navigation and "regel 5" not in gaps
    assert "Wat is de situatie" in navigation and "Wat is de situatie" not in gaps


def test_shipped_digitale_tool_covers_every_screen_of_its_text(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["coverage", "--document", "zhw-digitale-tool", str(DIGITALE_TOOL)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Niet gedekt:" not in out
    covered = out.split("Gedekt:")[1]
    # Screens checked by hand against the seed and the section that holds each.
    for title, section in [
        ("Er zijn zorgen over het ziekteverzuim van een leerling", "zhw-ziekteverzuim"),
        ("Op zorgen die in het gezin/de thuissituatie plaatsvinden", "zhw-jes-vast-gezin"),
        ("Er is passende ondersteuning nodig", "zhw-passende-ondersteuning"),
        ("Vrijstelling van schoolinschrijving is afgegeven door leerplicht", "zhw-vrijstelling-afgegeven"),
        ("Passend onderwijs is gerealiseerd!", "zhw-passend-onderwijs-gerealiseerd"),
    ]:
        line = next(row for row in covered.splitlines() if title in row)
        assert section in line, line


@pytest.mark.parametrize(
    ("section", "title"),
    [
        ("zhw-ziekteverzuim", "Er zijn zorgen over het ziekteverzuim van een leerling"),
        ("zhw-jes-vast-gezin", "Op zorgen die in het gezin/de thuissituatie plaatsvinden"),
        ("zhw-jes-vast-complexe-zorg", "Op complexe jeugdhulp, zorg of verblijfsvraag"),
        ("zhw-passende-ondersteuning", "Er is passende ondersteuning nodig"),
        ("zhw-conflict-school-ouders", "Er is sprake van een conflict of verschil in visie"),
    ],
)
def test_coverage_reports_the_screen_of_a_removed_digitale_tool_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], section: str, title: str
) -> None:
    root, removed = _copy_without(tmp_path, section, document="zhw-digitale-tool", by="id")
    assert removed == 1
    code = main(["coverage", "--content", str(root), "--document", "zhw-digitale-tool", str(DIGITALE_TOOL)])
    out = capsys.readouterr().out
    assert code == 1, out
    gaps = out.split("Niet gedekt:")[1].split("Gedekt:")[0]
    assert title in gaps
    assert gaps.count("regel ") == 1, gaps  # the other screens are still held


def test_screens_of_a_pdf_are_its_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for page in (
        ["Er is passende ondersteuning nodig:", "Zorg voor passende ondersteuning middels basis/extra ondersteuning op school."],
        ["Op een financiele discussie:", "Actie 1: Schaal de discussie op naar een leidinggevende.", "Actie 3: Vraag advies aan bij de adviestafel."],
        ["De leerling komt vaak te laat", "Actie 1: Noteer elke keer te laat in het leerlingvolgsysteem."],
    ):
        pdf.add_page()
        for line in page:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    source = tmp_path / "tool.pdf"
    pdf.output(str(source))
    code = main(["coverage", "--document", "zhw-digitale-tool", str(source)])
    out = capsys.readouterr().out
    assert out.startswith("zhw-digitale-tool: 3 schermen in tool.pdf, 2 gedekt, 1 niet gedekt"), out
    assert code == 1
    assert "De leerling komt vaak te laat" in out.split("Niet gedekt:")[1].split("Gedekt:")[0]


def test_coverage_of_a_text_that_holds_nothing_is_not_measured(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "leeg.txt"
    source.write_text("\n\n \n", encoding="utf-8")
    assert main(["coverage", "--document", "zhw-digitale-tool", str(source)]) == 2
    assert "niet te meten" in capsys.readouterr().err

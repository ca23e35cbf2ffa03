"""`routeboek import` and draft markers, judged against the hand-written Apeldoorn headings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.content import ContentError, load_content

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
APELDOORN = next(SEEDS.glob("004_*.txt"), SEEDS / "004_missing.txt")
HAAGLANDEN_2025 = next(SEEDS.glob("001_*.txt"), SEEDS / "001_missing.txt")
HAND = yaml.safe_load((Path(__file__).parent / "data" / "apeldoorn_headings.yaml").read_text(encoding="utf-8"))
DRAFT_LINE = re.compile(r"^knowledge/[\w.-]+\.yaml:\d+: draft: .+$")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def imported(tmp_path: Path, source: Path, key: str, *extra: str) -> tuple[Path, dict]:  # type: ignore[type-arg]
    out = tmp_path / "regio"
    assert main(["import", str(source), "--key", key, "--out", str(out), *extra]) == 0
    path = out / "knowledge" / f"{key}.yaml"
    return out, yaml.safe_load(path.read_text(encoding="utf-8"))


def test_import_of_apeldoorn_finds_the_hand_written_headings_as_cited_sections(tmp_path: Path) -> None:
    _, data = imported(tmp_path, APELDOORN, "apeldoorn-2026", "--region", "apeldoorn")
    sections = data["sections"]

    def cited(entry: dict[str, str]) -> bool:
        return any(
            squash(entry["title"]) in squash(s["title"])
            and entry["number"] in s["title"]
            and s["source"]["document"] == "apeldoorn-2026"
            and squash(entry["title"]) in squash(s["source"]["section"])
            for s in sections
        )

    found = [e for e in HAND if cited(e)]
    assert len(found) / len(HAND) >= 0.9, [e for e in HAND if e not in found]
    # The text under a heading is the document's own, copied verbatim.
    stap4 = next(s for s in sections if s["title"].startswith("Stap 4"))
    assert "De actietafel heeft als doel dat voor de leerling" in stap4["text"]
    # Nothing a maintainer must write is filled in.
    for section in sections:
        assert section["keywords"] == [] and section["questions"] == [] and section["responsible"] is None
    assert data["document"]["gemeenten"] == ["Apeldoorn"]


def test_every_field_to_write_is_marked_and_check_lists_each_marker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, data = imported(tmp_path, APELDOORN, "apeldoorn-2026", "--region", "apeldoorn")
    text = (out / "knowledge" / "apeldoorn-2026.yaml").read_text(encoding="utf-8")
    for field in ("kind", "gemeenten", "sectors", "keywords", "questions", "responsible", "actions", "identifiers"):
        lines = [line for line in text.splitlines() if line.strip().startswith(f"{field}:")]
        assert len(lines) >= len(data["sections"]), field
        assert all("# DRAFT:" in line for line in lines), field
    capsys.readouterr()
    assert main(["check", "--content", str(out)]) == 1
    problems = capsys.readouterr().out.splitlines()
    assert problems and all(DRAFT_LINE.match(p) for p in problems), [p for p in problems if not DRAFT_LINE.match(p)][:3]
    assert len(problems) == text.count("# DRAFT:")
    # The draft is valid content apart from its markers: it loads when drafts are allowed.
    kb = load_content(out, allow_draft=True)
    assert "apeldoorn-2026" in kb.documents
    with pytest.raises(ContentError):
        load_content(out)


def test_chat_serves_a_draft_only_with_allow_draft(tmp_path: Path) -> None:
    out, _ = imported(tmp_path, APELDOORN, "apeldoorn-2026", "--region", "apeldoorn")
    env = {**os.environ, "ROUTEBOEK_DATA_DIR": str(tmp_path / "data")}
    env.pop("TELEGRAM_BOT_TOKEN", None)

    def chat(*flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "chat", "--content", str(out), *flags],
            input="/start\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    refused = chat()
    assert refused.returncode == 1
    assert ": draft: " in refused.stderr
    served = chat("--allow-draft")
    assert served.returncode == 0, served.stderr
    assert "Wat is je rol?" in served.stdout


def test_import_refuses_an_existing_key_and_needs_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(APELDOORN), "--key", "apeldoorn", "--out", str(tmp_path / "x")]) == 2
    assert "bestaat al" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["import", str(APELDOORN), "--key", "apeldoorn-2026"])


def test_new_version_supersedes_the_old_and_escalation_table_is_drafted(tmp_path: Path) -> None:
    out, data = imported(tmp_path, HAAGLANDEN_2025, "haaglanden-vo-2026", "--supersedes", "haaglanden-vo-2025")
    assert data["document"]["supersedes"] == ["haaglanden-vo-2025"]
    assert data["document"]["region"] == "haaglanden"  # from the document it replaces
    tables = {t["gemeente"]: t for t in data["escalation"]}
    assert set(tables) == {"Den Haag", "Rijswijk", "Leidschendam-Voorburg"}
    steps = tables["Den Haag"]["steps"]
    assert [s["step"] for s in steps] == ["1", "2", "3", "4"]
    assert steps[0]["name"] == "Intercollegiale afstemming eigen team/eigen manager na een MDO/JES"
    assert steps[0]["term"]["text"] == "4-8 weken na 1e datum zorgwekkend verzuim"
    assert (steps[0]["term"]["weeks"], steps[0]["term"]["weeks_max"]) == (4, 8)
    text = (out / "knowledge" / "haaglanden-vo-2026.yaml").read_text(encoding="utf-8")
    # The per-gemeente column's cells are kept for the maintainer, not dropped or guessed into fields.
    assert "# DRAFT: in de bron voor Rijswijk: JES via consulent jeugdteam bij teamleider" in text
    load_content(out, allow_draft=True)


def test_unrecognised_table_stays_text_with_a_note(tmp_path: Path) -> None:
    source = tmp_path / "bron.txt"
    source.write_text(
        "Inleiding\nDit is de inleiding van het routeboek.\n\n1 Contact\nDe adressen:\n"
        "School\tTelefoon\tMail\nDe Linde\t010-1\tlinde@example.org\nDe Eik\t010-2\teik@example.org\n",
        encoding="utf-8",
    )
    out, data = imported(tmp_path, source, "apeldoorn-contact", "--region", "apeldoorn")
    assert "escalation" not in data
    contact = next(s for s in data["sections"] if s["title"] == "1 Contact")
    assert "De Linde" in contact["text"]
    text = (out / "knowledge" / "apeldoorn-contact.yaml").read_text(encoding="utf-8")
    assert "kolommen niet herkend" in text


def test_pdf_source_is_read_with_its_metadata(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Thuiszittersprotocol gemeente Apeldoorn")
    pdf.set_author("Gemeente Apeldoorn")
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in [
        "Inleiding",
        "Dit protocol beschrijft wie aan zet is als een kind thuiszit.",
        "",
        "1 Wet- en regelgeving",
        "Kinderen van 5 tot 16 jaar zijn leerplichtig.",
        "3 Niet alle leerlingen halen een startkwalificatie, zie het praktijkonderwijs en het VSO.",
        "",
        "2 Doelstellingen",
        "Een thuiszitter heeft binnen 3 maanden een plek.",
        "",
        "Bijlage 1",
        "Vrijstellingen",
        "Artikel 5 onder a.",
    ]:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    source = tmp_path / "protocol.pdf"
    pdf.output(str(source))
    _, data = imported(tmp_path, source, "apeldoorn-2027")
    titles = [s["title"] for s in data["sections"]]
    assert titles == ["Inleiding", "1 Wet- en regelgeving", "2 Doelstellingen", "Bijlage 1 Vrijstellingen"]
    assert data["document"]["title"] == "Thuiszittersprotocol gemeente Apeldoorn"
    assert data["document"]["publisher"] == "Gemeente Apeldoorn"
    # Same title as a held document: a new version, under its own key.
    assert data["document"]["supersedes"] == ["apeldoorn"]
    assert data["document"]["region"] == "apeldoorn"
    assert "Kinderen van 5 tot 16 jaar zijn leerplichtig." in data["sections"][1]["text"]

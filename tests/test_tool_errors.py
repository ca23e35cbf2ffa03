"""What a maintainer sees when `routeboek coverage`, `import` or `try` cannot start: the
source that cannot be read, or content with a problem. Each says why on stderr, with path:line
for content, and exits with its own code, so a script can tell "fix your input" (2) apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

QUESTIONS = """\
- id: t1
  question: wanneer meldt de school ziekteverzuim bij de jgz?
  expect: [[jgz]]
"""


@pytest.fixture
def broken(content_dir: Path) -> Path:
    """The fixture content with one section citing a document that is not there."""
    doc = content_dir / "knowledge" / "test-doc.yaml"
    doc.write_text(doc.read_text(encoding="utf-8").replace("document: test-doc,", "document: nope,", 1), encoding="utf-8")
    return content_dir


def content_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("knowledge/test-doc.yaml:")]


@pytest.mark.parametrize("command", ["coverage", "import"])
def test_an_unreadable_source_is_named_and_exits_2(
    command: str, tmp_path: Path, content_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "routeboek.pdf"
    args = {
        "coverage": ["coverage", "--content", str(content_dir), "--document", "test-doc", str(missing)],
        "import": ["import", str(missing), "--key", "nieuw-2026", "--out", str(tmp_path / "out")],
    }[command]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"{missing}: kan het bestand niet lezen:")
    assert not (tmp_path / "out").exists()


def test_coverage_of_broken_content_lists_the_problems_and_exits_2(
    broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bron.txt"
    source.write_text("1 Inleiding\nTekst.\n\n2 Aanpak\nMeer tekst.\n", encoding="utf-8")
    assert main(["coverage", "--content", str(broken), "--document", "test-doc", str(source)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(content_lines(captured.err)) == 1 and "'nope'" in captured.err
    assert captured.err.rstrip().endswith("1 probleem/problemen in de inhoud; niets geladen.")


def test_try_on_broken_content_lists_the_problems_and_exits_1(
    broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "vragen.yaml"
    questions.write_text(QUESTIONS, encoding="utf-8")
    assert main(["try", "--content", str(broken), str(questions)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(content_lines(captured.err)) == 1
    assert captured.err.rstrip().endswith("1 probleem/problemen in de inhoud; niets geladen.")


def test_try_with_a_missing_question_file_says_so_and_exits_2(
    content_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "vragen.yaml"
    assert main(["try", "--content", str(content_dir), str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith(f"{missing}: niet te lezen:")

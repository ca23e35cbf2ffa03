"""`routeboek try`: a maintainer's question list against the content."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli import main

QUESTIONS = [
    # answered well: the Apeldoorn definition of a lizzer
    {"id": "t1", "question": "wat is een lizzer?", "gemeente": "Apeldoorn", "expect": [["zorgplan"]]},
    # a fact no answer holds: always a miss, with the section the maintainer says should answer
    {
        "id": "t2",
        "question": "wat is een lizzer?",
        "gemeente": "Apeldoorn",
        "expect": [["dit feit staat nergens"]],
        "section": "apd-thuiszitter-lizzer",
    },
    {"id": "t3", "question": "wat is het recept voor appeltaart?", "expect": "none"},
]


def test_try_reports_top1_top3_declined_and_each_miss(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "vragen.yaml"
    path.write_text(yaml.safe_dump(QUESTIONS, allow_unicode=True), encoding="utf-8")
    assert main(["try", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 vragen over de routeboeken, 1 erbuiten" in out
    assert "top-1 0.500 (1/2)" in out and "top-3 0.500 (1/2)" in out
    assert "erbuiten afgewezen 1.000 (1/1)" in out
    miss = out.split("Gemist")[1]
    assert "t2: wat is een lizzer?" in miss
    assert "verwacht apd-thuiszitter-lizzer" in miss
    assert "kreeg apd-" in miss  # the section it did give
    assert "t1:" not in miss


def test_try_finds_the_expected_section_from_the_facts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Asked in the wrong words for Apeldoorn's actietafel, the facts still name the section.
    question = {
        "id": "t4",
        "question": "appeltaart",
        "gemeente": "Apeldoorn",
        "source": "apeldoorn",
        "expect": [["staan voor de taak om dit probleem nu op te lossen"]],
    }
    path = tmp_path / "vragen.yaml"
    path.write_text(yaml.safe_dump([question]), encoding="utf-8")
    assert main(["try", str(path)]) == 0
    out = capsys.readouterr().out
    assert "kreeg afgewezen" in out
    assert "verwacht apd-stap-4" in out


def test_try_refuses_a_malformed_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "vragen.yaml"
    path.write_text("- question: zonder expect\n", encoding="utf-8")
    assert main(["try", str(path)]) == 2
    assert "'question' en 'expect'" in capsys.readouterr().err


def test_the_expected_section_of_a_miss_is_one_of_the_askers_own_routeboek(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fact that several routeboeken hold ("leerplichtambtenaar") points a Den Haag question at a
    current Den Haag section, not at Apeldoorn's (the first file) or the superseded 2021 one."""
    question = {"id": "dh", "question": "appeltaart", "gemeente": "Den Haag", "expect": [["leerplichtambtenaar"]]}
    path = tmp_path / "vragen.yaml"
    path.write_text(yaml.safe_dump([question]), encoding="utf-8")
    assert main(["try", str(path)]) == 0
    miss = capsys.readouterr().out.split("Gemist")[1]
    assert "kreeg afgewezen" in miss
    assert "verwacht hv25-" in miss, miss

"""The `routeboek` command as a user runs it: separate processes, shipped content, fresh data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run(
    args: list[str], data_dir: Path, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "ROUTEBOEK_DATA_DIR": str(data_dir), **(env or {})}
    environment.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_console_chat_onboarding_question_and_walk_through(tmp_path: Path) -> None:
    script = "\n".join(
        ["/start", "2", "3", "2", "leerling al 2 weken ziek, wat nu?", "/route", "1", "1", "/opschaling", "/help"]
    )
    result = run(["chat"], tmp_path, script + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Wat is je rol?\n[1] Mentor of leerkracht" in out
    assert "Klaar. Je antwoorden komen nu uit het routeboek voor Leidschendam-Voorburg (VO)." in out
    assert "Bron:" in out and "Opschaling Leidschendam-Voorburg (VO)" in out
    assert "vraag 1 van" in out
    # Every message ends with one empty line; buttons are numbered from 1 within a message.
    for block in out.strip().split("\n\n"):
        numbers = [int(line[1 : line.index("]")]) for line in block.splitlines() if line.startswith("[")]
        assert numbers == list(range(1, len(numbers) + 1))
    # The same database remembers the user in a new process.
    again = run(["chat"], tmp_path, "/start\n")
    assert "Welkom terug" in again.stdout


def test_run_without_token_explains_botfather_and_exits_2_without_terminal(tmp_path: Path) -> None:
    result = run(["run"], tmp_path)
    assert result.returncode == 2
    assert "BotFather" in result.stderr


def test_ask_json_contract_and_rejection(tmp_path: Path) -> None:
    result = run(
        ["ask", "wie beslist bij afstemming op directeurenniveau?", "--gemeente", "rijswijk", "--json"],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["gemeente"] == "Rijswijk" and data["query"].startswith("wie beslist")
    top = data["results"][0]
    assert {"id", "title", "text", "score", "source"} <= set(top)
    assert 0 < top["score"] <= 1 and "Bron:" in top["text"]
    outside = json.loads(run(["ask", "wat is de hoofdstad van australie", "--json"], tmp_path).stdout)
    assert outside["results"] == []


def test_ask_batch_keeps_order_and_loads_once(tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    lines = [
        {"question": "wat is een lizzer", "gemeente": "Apeldoorn"},
        {"question": "hoe laat is het"},
        "not json",
        {"question": "brugplaats sbo hoe lang", "gemeente": "Drechtsteden", "sector": "po"},
    ]
    questions.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8"
    )
    result = run(["ask", "--batch", str(questions), "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["gemeente"] == "Apeldoorn" and out[0]["results"]
    assert out[1]["results"] == []
    assert "error" in out[2]
    assert out[3]["sector"] == "po" and all("dr-" in r["id"] for r in out[3]["results"])


def test_ask_unknown_gemeente_is_a_clear_error(tmp_path: Path) -> None:
    result = run(["ask", "vraag", "--gemeente", "Atlantis"], tmp_path)
    assert result.returncode == 2 and "Onbekende gemeente" in result.stderr


def test_content_option_and_broken_content_refuses_to_start(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "knowledge").mkdir(parents=True)
    (content / "knowledge" / "regions.yaml").write_text(
        "regions:\n  - id: x\n    name: X\n    name: Y\n", encoding="utf-8"
    )
    result = run(["chat", "--content", str(content)], tmp_path, "/start\n")
    assert result.returncode == 1
    assert "knowledge/regions.yaml:4: duplicate key 'name'" in result.stderr


def test_the_console_chat_follows_a_case_on_the_test_clock_across_sessions(tmp_path: Path) -> None:
    """What the README tells a tester: ROUTEBOEK_CLOCK makes the chat stand on a day; the same
    database carries the case into a later session on a later day."""
    from icalendar import Calendar

    friday = {"ROUTEBOEK_CLOCK": "2026-11-20T10:00"}
    script = ["/start", "2", "Apeldoorn", "1", "/casus", "2", "1-12-2026", "5-10-2026", "1", "9-11-2026", "3"]
    first = run(["chat"], tmp_path, "\n".join(script) + "\n", friday)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "1-12-2026 ligt in de toekomst" in out  # a first day ahead of the clock is asked about
    assert "Wanneer is stap 1 (De basis op orde)" in out
    card = out[out.rindex("Gezet: t/m stap 1") :]
    assert "Uiterlijk: 2-11-2026 (gezet op 9-11-2026)" in card and "Uiterlijk: 7-12-2026 ← volgende" in card
    assert card.count("Uiterlijk: 18-1-2027") == 2  # both branches of step 3 moved with it
    saved = next((tmp_path / "bestanden").glob("casus-*.ics"))
    assert f"Bestand: {saved}" in out
    events = {str(e["summary"]): e.decoded("dtstart") for e in Calendar.from_ical(saved.read_bytes()).walk("VEVENT")}
    assert any("stap 2" in s and d.isoformat() == "2026-12-07" for s, d in events.items())
    # Ten days later, a Monday: the week reminder of the moved step 2 and the digest, before the answer.
    monday = run(["chat"], tmp_path, "/casus\n", {"ROUTEBOEK_CLOCK": "2026-11-30T09:00"})
    out = monday.stdout
    assert "Over 7 dagen, op 7-12-2026, is stap 2: Het kernteam aan zet aan de beurt." in out
    assert out.index("Herinnering casus") < out.index("Weekoverzicht casussen, maandag 30-11-2026") < out.index("Je casussen")
    assert "ROUTEBOEK_CLOCK is set (test only)" in monday.stderr

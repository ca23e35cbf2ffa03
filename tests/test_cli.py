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

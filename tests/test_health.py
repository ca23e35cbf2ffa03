"""The health report: ok only with a database that opens and a recent heartbeat."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import health
from bot.cli import main
from bot.storage import KNOWN_MIGRATIONS, Store


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ROUTEBOEK_DATA_DIR", str(tmp_path))
    Store(tmp_path / "routeboek.db").close()
    return tmp_path


def test_recent_heartbeat_and_database_are_ok(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    health.write_heartbeat(folder, {"version": "9", "mode": "polling", "content_version": "abc"})
    assert main(["health"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "ok" and data["problems"] == []
    assert data["schema_version"] == KNOWN_MIGRATIONS[-1]
    assert data["content_version"] == "abc" and data["mode"] == "polling"
    assert 0 <= data["heartbeat_age"] < 5


def test_a_stale_or_missing_heartbeat_fails(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["health"]) == 1
    assert "not running" in capsys.readouterr().out
    health.write_heartbeat(folder, {}, now=1000.0)
    report = health.report(folder, now=1000.0 + health.STALE_AFTER + 1)
    assert report["status"] == "fail" and "old" in report["problems"][0]
    assert health.report(folder, now=1000.0 + health.STALE_AFTER - 1)["status"] == "ok"


def test_a_database_that_does_not_open_fails(folder: Path) -> None:
    health.write_heartbeat(folder, {})
    (folder / "routeboek.db").write_bytes(b"\0" * 4096)
    report = health.report(folder)
    assert report["status"] == "fail" and report["schema_version"] is None
    assert "database" in report["problems"][0]


def test_content_version_changes_with_the_content(tmp_path: Path) -> None:
    for sub in ("knowledge", "flows"):
        (tmp_path / sub).mkdir()
    (tmp_path / "knowledge" / "a.yaml").write_text("x: 1\n")
    first = health.content_version(tmp_path)
    (tmp_path / "knowledge" / "a.yaml").write_text("x: 2\n")
    assert health.content_version(tmp_path) != first and len(first) == 12

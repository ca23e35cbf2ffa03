"""deploy/PRIVACY.md is a promise to a privacy officer: every statement in it names a test that
exists or says it is advice, and the statements about the database hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import health
from bot.content import load_content
from bot.engine import Engine, TextIn
from bot.settings import Settings
from bot.storage import Profile, Store

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "deploy" / "PRIVACY.md").read_text(encoding="utf-8")
TAG = re.compile(r"\[(test: [^\]]+|advice)\]$")
INTERNAL = {"_sqlite_migrations", "sqlite_sequence"}


def statements() -> list[str]:
    return [line for line in DOC.splitlines() if line.startswith("- ")]


def test_every_statement_has_a_test_or_is_advice() -> None:
    assert len(statements()) > 15
    untagged = [line for line in statements() if not TAG.search(line)]
    assert untagged == []


@pytest.mark.parametrize(
    "reference",
    sorted({ref.strip() for line in statements() if (m := TAG.search(line)) and m.group(1).startswith("test: ")
            for ref in m.group(1)[len("test: "):].split(";")}),
)
def test_every_named_test_exists(reference: str) -> None:
    path, _, name = reference.partition("::")
    source = (ROOT / path).read_text(encoding="utf-8")
    assert re.search(rf"^(async )?def {re.escape(name)}\(", source, re.MULTILINE), reference


def test_the_table_of_stored_data_matches_the_database(tmp_path: Path) -> None:
    from sqlite_utils.db import Table

    documented: dict[str, list[str]] = {}
    for line in DOC.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 3 and cells[0] not in ("table", "---"):
            documented[cells[0]] = [c.strip() for c in cells[1].split(",")]
    store = Store(tmp_path / "routeboek.db")
    actual = {name: list(Table(store.db, name).columns_dict) for name in store.db.table_names() if name not in INTERNAL}
    store.close()
    assert documented == actual


def test_a_question_leaves_no_trace_in_the_database(tmp_path: Path) -> None:
    store = Store(tmp_path / "routeboek.db")
    engine = Engine(load_content(), store)
    store.save_profile(Profile("tg:1", "ib", "Den Haag", "vo"))
    engine.handle("tg:1", TextIn("wat doet de zwaluwstaartcommissie als een leerling verzuimt?"))
    engine.handle("tg:1", TextIn("/route"))
    store.close()
    for path in tmp_path.iterdir():
        assert b"zwaluwstaart" not in path.read_bytes().lower(), path.name


def test_the_heartbeat_holds_no_user_data(tmp_path: Path) -> None:
    import json

    health.write_heartbeat(tmp_path, {"version": "1", "mode": "webhook", "content_version": "abc"})
    data = json.loads((tmp_path / health.HEARTBEAT_FILE).read_text())
    assert set(data) == {"version", "mode", "content_version", "time", "last_api_ok", "pid"}


def test_the_periods_named_here_are_the_defaults() -> None:
    fields = Settings.model_fields
    for variable, field in (
        ("ROUTEBOEK_RETAIN_CLOSED_CASE_DAYS", "routeboek_retain_closed_case_days"),
        ("ROUTEBOEK_RETAIN_OPEN_CASE_DAYS", "routeboek_retain_open_case_days"),
        ("ROUTEBOEK_RETAIN_USER_DAYS", "routeboek_retain_user_days"),
        ("ROUTEBOEK_RETAIN_COPIES_DAYS", "routeboek_retain_copies_days"),
        ("ROUTEBOEK_RETAIN_FEEDBACK_DAYS", "routeboek_retain_feedback_days"),
    ):
        assert f"{fields[field].default} days (`{variable}`)" in DOC, variable


def test_caddy_keeps_no_access_log() -> None:
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    directives = [line.split("#", 1)[0].strip() for line in caddyfile.splitlines()]
    assert not [d for d in directives if d == "log" or d.startswith("log ")]

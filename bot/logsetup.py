"""Logging for a server: one line per event, JSON when LOG_FORMAT=json, never what users wrote.

The bot's own modules log event names, counts and error classes only. Two leaks remain that
this module closes: python-telegram-bot logs every update and every API call's parameters at
DEBUG (message text, chat ids), and an exception's message can quote the data it failed on.
So the libraries never log below INFO whatever LOG_LEVEL says, and a traceback is logged as
its frames and exception class, without the exception's message.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from types import TracebackType
from typing import Any, TextIO

# Loggers of libraries that would log message text or the token (in URLs) below these levels.
LIBRARY_FLOOR = {"telegram": logging.INFO, "httpx": logging.WARNING, "httpcore": logging.WARNING,
                 "aiohttp": logging.WARNING, "apscheduler": logging.INFO, "tornado": logging.INFO}

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def exception_summary(exc_info: ExcInfo) -> str:
    """`ValueError at bot/engine.py:123 in handle < ...`: where it failed and what kind of
    error, without the message (which may hold a user's text)."""
    kind, _, tb = exc_info
    if kind is None:
        return ""
    frames = traceback.extract_tb(tb)[-5:]
    where = " < ".join(f"{_short(f.filename)}:{f.lineno} in {f.name}" for f in reversed(frames))
    return f"{kind.__name__} at {where}" if where else kind.__name__


def _short(path: str) -> str:
    for marker in ("/bot/", "/site-packages/"):
        if marker in path:
            return path.rsplit(marker, 1)[1] if marker == "/site-packages/" else "bot/" + path.rsplit(marker, 1)[1]
    return path.rsplit("/", 1)[-1]


class TextFormatter(logging.Formatter):
    """`2026-01-05T09:00:00Z INFO bot.webhook: message [error: ...]`, always one line."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))
        line = f"{stamp} {record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info:
            line += f" [error: {exception_summary(record.exc_info)}]"
        return line.replace("\n", " ")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for a log collector (Loki, Elastic, journald's JSON)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        if record.exc_info:
            data["error"] = exception_summary(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure(level: str = "INFO", fmt: str = "text", stream: TextIO | None = None) -> None:
    """Replace the root logger's handlers with one line-per-event handler on stderr."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name, floor in LIBRARY_FLOOR.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelName(level)))

"""Log lines: one per event, JSON on request, and an exception never carries its message."""

from __future__ import annotations

import io
import json
import logging

from bot.logsetup import configure

SECRET_TEXT = "Jantje de Vries 12-03-2014"


def test_json_lines_and_an_exception_without_its_message() -> None:
    out = io.StringIO()
    configure("DEBUG", "json", out)
    log = logging.getLogger("bot.test")
    log.info("answered %d question(s)", 1)
    try:
        raise ValueError(f"could not parse {SECRET_TEXT}")
    except ValueError:
        log.exception("error while handling an update")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["event"] == "answered 1 question(s)" and first["level"] == "INFO"
    assert second["error"].startswith("ValueError at ") and "test_logsetup.py" in second["error"]
    assert SECRET_TEXT not in out.getvalue()


def test_text_lines_are_single_lines_and_libraries_stay_above_debug() -> None:
    out = io.StringIO()
    configure("DEBUG", "text", out)
    logging.getLogger("telegram.ext.Application").debug("Processing update %s", SECRET_TEXT)
    logging.getLogger("telegram._bot").debug("Calling Bot API endpoint with %s", SECRET_TEXT)
    try:
        raise KeyError(SECRET_TEXT)
    except KeyError:
        logging.getLogger("bot.x").exception("multi\nline")
    assert SECRET_TEXT not in out.getvalue()
    assert out.getvalue().count("\n") == 1 and "KeyError" in out.getvalue()

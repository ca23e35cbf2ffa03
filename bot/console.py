"""The console adapter: the whole product on stdin/stdout, no Telegram token needed.

Protocol (CONTRACTS.md): each bot message is printed as text, its buttons follow as `[n] label`,
then an empty line. A line that is just a number presses button n of the latest message with
buttons; a line starting with `/` is a command; anything else is free text.

A console has no push messages. What came in (reminders, the weekly digest, fixed dates) shows
when the chat opens and on an empty line, one message at a time, so that message's buttons
("Morgen weer", "Over een week") are the ones a number presses; whatever is still waiting
comes before the next answer.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TextIO

from bot.engine import Button, Command, Engine, Event, Press, Reply, TextIn
from bot.replies import Attachment, number
from bot.storage import data_dir

CONSOLE_USER = "console:local"

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


def plain(text: str) -> str:
    return _BOLD.sub(r"\1", text)


def parse_line(line: str, buttons: list[Button]) -> Event | None:
    """Turn an input line into an event; None for a number that matches no button."""
    line = line.strip()
    n = number(line)
    if n is not None:
        if 1 <= n <= len(buttons):
            return Press(buttons[n - 1].data)
        return None
    if line.startswith("/") and len(line) > 1:
        name, _, arg = line[1:].partition(" ")
        return Command(name, arg.strip())
    return TextIn(line)


def render(reply: Reply) -> str:
    lines = [plain(reply.text)]
    if reply.document:
        # A console cannot hand over a file: the file goes in the data folder, its path on screen.
        path = save_attachment(reply.document)
        lines.append(f"Bestand: {path}")
    flat = [b for row in reply.buttons for b in row]
    lines += [f"[{i}] {b.label}" for i, b in enumerate(flat, start=1)]
    return "\n".join(lines) + "\n\n"


def save_attachment(document: Attachment) -> Path:
    """Write a reply's file into the data folder (ROUTEBOEK_DATA_DIR/bestanden) and return where."""
    folder = data_dir() / "bestanden"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(document.filename).name  # never a path from elsewhere
    path.write_bytes(document.data)
    return path


def run_console(engine: Engine, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """The chat until end of input; the session's use counts (/stats) are written at the end,
    as the console has no job that writes them every minute."""
    try:
        return _chat(engine, stdin, stdout)
    finally:
        engine.flush()


def _chat(engine: Engine, stdin: TextIO, stdout: TextIO) -> int:
    buttons: list[Button] = []

    def show(reply: Reply) -> None:
        nonlocal buttons
        stdout.write(render(reply))
        flat = [b for row in reply.buttons for b in row]
        if flat:
            buttons = flat

    def deliver(at_most: int | None = None) -> None:
        """Show what came in since the last line: all of it, or the first `at_most` messages."""
        shown = 0
        for reminder in engine.outbox.due_reminders(CONSOLE_USER):
            if at_most is not None and shown >= at_most:
                return
            show(reminder.reply)
            engine.outbox.reminder_delivered(reminder)
            shown += 1
        for push in engine.outbox.due_pushes(CONSOLE_USER):
            if at_most is not None and shown >= at_most:
                return
            show(push.reply)
            engine.outbox.push_delivered(push)
            shown += 1

    if stdin.isatty():
        print(
            "Console-chat van de routeboek-bot. Typ /start om te beginnen; Ctrl-D stopt. "
            "Een lege regel toont nieuwe berichten (herinneringen).\n",
            file=sys.stderr,
        )
    deliver(at_most=1)
    stdout.flush()
    for line in stdin:
        if not line.strip():
            deliver(at_most=1)
            stdout.flush()
            continue
        event = parse_line(line, buttons)  # the buttons the user saw when typing
        deliver()  # what is still waiting comes before the next answer
        if event is None:
            stdout.write(f"Er is geen knop {line.strip()}. Kies een nummer uit de lijst.\n\n")
            stdout.flush()
            continue
        for reply in engine.handle(CONSOLE_USER, event):
            show(reply)
        stdout.flush()
    return 0

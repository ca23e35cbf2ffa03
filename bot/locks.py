"""OS locks on the data folder, so two bots never serve (and remind) from one database.

`fcntl.flock` locks belong to an open file and the kernel drops them when the process ends,
however it ends: a bot killed with SIGKILL or a crashed machine leaves no stale lock behind,
which a PID file would. Two locks, two questions:

- `bot.lock`, exclusive, held by `routeboek run` for its lifetime: is a bot running here?
- `store.lock`, shared, held by every open Store (the bot, the console chat); taken exclusively
  by `routeboek restore`, which must not swap the file under a program that has it open.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

RUN_LOCK = "bot.lock"
STORE_LOCK = "store.lock"


class FolderBusy(Exception):
    """Another process holds the lock; the message says who and what to do (for the operator)."""


class FolderLock:
    """A held lock: released by `release()` or, at the latest, when the process ends."""

    def __init__(self, fd: int, path: Path) -> None:
        self.fd = fd
        self.path = path

    def release(self) -> None:
        """Let go before the process ends (a Store closed, a restore done)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def try_lock(path: Path, shared: bool = False) -> FolderLock | None:
    """The lock on `path`, or None when another process holds it in a conflicting way.

    Never waits: a second bot must say so at once, not hang. OSError (a folder the bot may not
    write in) is the caller's to report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return FolderLock(fd, path)


def holder_pid(path: Path) -> str:
    """The process id the current holder wrote, for the message; '?' when unknown."""
    try:
        return path.read_text(encoding="ascii").strip() or "?"
    except (OSError, UnicodeDecodeError):
        return "?"


def hold_run_lock(folder: Path) -> FolderLock:
    """The lock that makes this process the one bot on `folder`; FolderBusy when another bot
    has it (two bots would both send every reminder)."""
    path = folder / RUN_LOCK
    lock = try_lock(path)
    if lock is None:
        raise FolderBusy(
            f"Er draait al een bot op de datamap {folder} (proces {holder_pid(path)}). Twee bots op "
            "één datamap sturen elke herinnering twee keer. Stop de andere bot eerst, of geef deze "
            "een eigen map met ROUTEBOEK_DATA_DIR."
        )
    os.ftruncate(lock.fd, 0)
    os.write(lock.fd, f"{os.getpid()}\n".encode("ascii"))
    return lock

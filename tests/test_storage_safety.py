"""The database under faults: a lock, a read-only folder, a newer schema, a full disk.

Each of these once cost users their profiles and cases (a healthy file set aside), crashed with
a traceback, or let a storage error escape the engine. What an operator and a user see is
asserted here; faults are forced for real (SQLite locks, PRAGMAs, triggers) where SQLite can.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot import storage
from bot.cli import main
from bot.content import load_content
from bot.engine import Command, Engine, Press
from bot.storage import Profile, SchemaTooNew, Store, StoreLocked

USER = "test:1"
SORRY = "Opslaan lukt nu niet, probeer het later."


def make_db(path: Path, user: str = USER) -> None:
    store = Store(path)
    store.save_profile(Profile(user, "ib", "Den Haag", "vo"))
    store.close()


def role_of(path: Path, user: str = USER) -> str | None:
    """The user's role as a new start of the bot would read it (closed again: a Store open in
    this test would count as a program using the database)."""
    store = Store(path)
    try:
        return store.profile(user).role
    finally:
        store.close()


def hold_lock(path: Path) -> sqlite3.Connection:
    """Another process writing in exclusive locking mode: even readers wait for it (WAL mode)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("UPDATE users SET updated = updated")
    return conn


def copies(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".corrupt-" in p.name)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("ROUTEBOEK_DATA_DIR", str(folder))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    # Wait only briefly for a lock: the tests force one on purpose.
    monkeypatch.setattr(storage, "BUSY_TIMEOUT", 0.05)
    monkeypatch.setattr(storage, "OPEN_ATTEMPTS", 2)
    return folder


# --- 1. a lock is not corruption --------------------------------------------------------------
def test_a_locked_database_is_not_set_aside_and_keeps_its_data(data: Path) -> None:
    path = data / "routeboek.db"
    make_db(path)
    other = hold_lock(path)
    with pytest.raises(StoreLocked) as info:
        Store(path)
    assert str(path) in str(info.value)
    assert copies(data) == []
    other.close()
    assert Store(path).profile(USER).gemeente == "Den Haag"


def test_a_lock_released_while_waiting_lets_the_bot_start_with_its_data(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = data / "routeboek.db"
    make_db(path)
    other = hold_lock(path)
    monkeypatch.setattr(storage, "_pause", lambda seconds: other.close())  # released between tries
    assert Store(path).profile(USER).gemeente == "Den Haag"
    assert copies(data) == []


def test_a_locked_database_exits_2_with_a_message_for_the_operator(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data / "routeboek.db"
    make_db(path)
    other = hold_lock(path)
    assert main(["chat"]) == 2
    err = capsys.readouterr().err
    assert "bezet" in err and str(path) in err and "database is locked" in err
    other.close()
    assert Store(path).profile(USER).role == "ib"


# --- 2. a data folder the bot may not write in -------------------------------------------------
def test_a_corrupt_file_that_may_not_be_moved_exits_2_naming_path_and_permission(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data.mkdir()
    path = data / "routeboek.db"
    path.write_bytes(b"dit is geen database " * 200)

    def refuse(self: Path, target: object) -> Path:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "rename", refuse)
    assert main(["chat"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "Permission denied" in err and "Traceback" not in err
    assert path.read_bytes().startswith(b"dit is geen database")


def without_root_powers() -> list[str] | None:
    """The command prefix under which this process's user meets a folder's permissions: none for
    a user; for root (as in CI) `setpriv` dropping the powers to write anywhere; None when that is
    not possible here."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--inh-caps=-all", "--"]
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o555)
        probe = f"import sys\ntry:\n open({folder + '/x'!r}, 'w')\nexcept PermissionError:\n sys.exit(7)"
        try:
            result = subprocess.run([*prefix, sys.executable, "-c", probe], capture_output=True, timeout=60)
        finally:
            os.chmod(folder, 0o755)
    return prefix if result.returncode == 7 else None


@pytest.mark.parametrize("earlier_run", [False, True], ids=["only-the-database", "files-of-an-earlier-run"])
def test_a_read_only_data_folder_exits_2_naming_the_folder(tmp_path: Path, earlier_run: bool) -> None:
    prefix = without_root_powers()
    if prefix is None:
        pytest.skip("running as root and setpriv cannot drop the power to write anywhere")
    folder = tmp_path / "data"
    make_db(folder / "routeboek.db")
    if not earlier_run:
        for name in os.listdir(folder):
            if name != "routeboek.db":
                os.remove(folder / name)
    before = (folder / "routeboek.db").read_bytes()
    folder.chmod(0o555)
    try:
        result = subprocess.run(
            [*prefix, sys.executable, "-m", "bot", "chat"],
            input="/start\n",
            capture_output=True,
            text=True,
            env={**os.environ, "ROUTEBOEK_DATA_DIR": str(folder)},
            timeout=120,
        )
    finally:
        folder.chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert str(folder) in result.stderr and "Traceback" not in result.stderr
    assert copies(folder) == [] and (folder / "routeboek.db").read_bytes() == before


@pytest.fixture
def read_only(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Make a folder behave as a read-only one does, whoever runs the tests (root may write
    anywhere): creating a file or folder in it fails with EACCES, and SQLite may only read the
    database there. Everything outside the folder is untouched."""
    real_open, real_mkdir, real_connect = os.open, os.mkdir, sqlite3.connect
    folders: list[Path] = []

    def inside(path: object) -> bool:
        target = Path(os.fsdecode(path)).absolute()  # type: ignore[arg-type]
        return any(target == f or f in target.parents for f in folders)

    def refused(path: object) -> PermissionError:
        return PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))  # type: ignore[arg-type]

    def fake_open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if flags & os.O_CREAT and inside(path) and not os.path.exists(path):
            raise refused(path)
        return real_open(path, flags, mode, dir_fd=dir_fd)

    def fake_mkdir(path: Any, mode: int = 0o777, *, dir_fd: int | None = None) -> None:
        if inside(path) or inside(os.path.dirname(os.fsdecode(path))):
            raise refused(path)
        real_mkdir(path, mode, dir_fd=dir_fd)

    def fake_connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if isinstance(database, (str, os.PathLike)) and inside(database):
            kwargs["uri"] = True
            database = Path(os.fsdecode(database)).absolute().as_uri() + "?mode=ro"
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)
    monkeypatch.setattr(sqlite3, "connect", fake_connect)
    return lambda folder: folders.append(folder.absolute())


@pytest.mark.parametrize("command", ["chat", "run"])
@pytest.mark.parametrize("state", ["empty", "missing", "only-the-database", "files-of-an-earlier-run"])
def test_a_read_only_data_folder_exits_2_naming_path_and_permission_also_as_root(
    data: Path,
    read_only: Callable[[Path], None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
    state: str,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:TEST")
    monkeypatch.setattr("bot.telegram_app.run_telegram", lambda *a, **k: pytest.fail("the bot started"))
    if state == "missing":  # the data folder is still to be made, in a folder the bot may not write in
        read_only(data.parent)
    else:
        data.mkdir()
        if state != "empty":
            make_db(data / "routeboek.db")
        if state == "only-the-database":
            for name in os.listdir(data):
                if name != "routeboek.db":
                    os.remove(data / name)
        read_only(data)
    assert main([command]) == 2
    err = capsys.readouterr().err
    assert str(data) in err and "Traceback" not in err
    assert "Permission denied" in err or "readonly" in err
    if state in ("empty", "missing"):
        assert not (data / "routeboek.db").exists()
    else:  # not set aside, and its data is there
        assert copies(data) == []
        assert sqlite3.connect(data / "routeboek.db").execute("SELECT role FROM users").fetchone() == ("ib",)


def test_a_database_file_the_bot_may_only_read_exits_2_instead_of_failing_every_message(
    data: Path, read_only: Callable[[Path], None], capsys: pytest.CaptureFixture[str]
) -> None:
    # The folder may be written, the file not (chmod 444, another owner): SQLite opens it for
    # reading only, and every message got "Opslaan lukt nu niet" while the bot seemed to run.
    path = data / "routeboek.db"
    make_db(path)
    read_only(path)
    assert main(["chat"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "readonly" in err and "Traceback" not in err
    assert copies(data) == []
    assert sqlite3.connect(path).execute("SELECT role FROM users").fetchone() == ("ib",)


# --- 4. a newer schema; storage errors while answering -----------------------------------------
def test_a_database_of_a_newer_version_is_refused_naming_the_versions(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data / "routeboek.db"
    make_db(path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('routeboek', 'm099_from_the_future', '2030-01-01')"
        )
    conn.close()
    with pytest.raises(SchemaTooNew) as info:
        Store(path)
    assert "m099_from_the_future" in str(info.value) and storage.KNOWN_MIGRATIONS[-1] in str(info.value)
    assert main(["chat"]) == 2
    assert "m099_from_the_future" in capsys.readouterr().err
    assert copies(data) == []


@pytest.fixture
def engine(content_dir: Path, data: Path) -> Engine:
    engine = Engine(load_content(content_dir), Store(data / "routeboek.db"))
    engine.store.save_profile(Profile(USER, "ib", "Den Haag", "vo"))
    return engine


def fill_up(store: Store) -> None:
    """A disk that is full: the file may not grow, and its free room is used up."""
    db = store.db
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        for i in range(100_000):
            db.execute("INSERT INTO dialogue (user, state, updated) VALUES (?, '', 0)", [f"zz{i:07d}"])


def test_a_full_disk_gets_a_polite_answer_not_an_exception(engine: Engine) -> None:
    fill_up(engine.store)
    replies = engine.handle("test:new", Command("start"))
    assert [r.text for r in replies] == [SORRY]


def test_a_read_only_database_gets_a_polite_answer(engine: Engine) -> None:
    engine.store.db.execute("PRAGMA query_only = 1")
    assert [r.text for r in engine.handle(USER, Command("start"))] == [SORRY]
    assert [r.text for r in engine.handle(USER, Press("fg:ja"))] == [SORRY]
    assert engine.store.profile(USER).gemeente == "Den Haag"  # reading still works


def test_a_constraint_of_another_schema_gets_a_polite_answer(engine: Engine) -> None:
    engine.store.db.execute(
        "CREATE TRIGGER newer BEFORE UPDATE ON users BEGIN SELECT RAISE(ABORT, 'NOT NULL constraint'); END"
    )
    replies = engine.handle(USER, Press("on:r:lpa"))  # choosing another role saves the profile
    assert [r.text for r in replies] == [SORRY]
    assert engine.store.profile(USER).role == "ib"


# --- 9. one bot per data folder ----------------------------------------------------------------
@pytest.fixture
def bot_runs(data: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`routeboek run` with a stand-in for Telegram: it records each bot that got to start."""
    started: list[str] = []
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:TEST")
    return started


def test_a_second_run_on_the_same_folder_exits_2_and_the_console_may_run_beside(
    bot_runs: list[str], data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    beside: dict[str, object] = {}

    def telegram(engine: Engine, token: str, **options: object) -> int:
        bot_runs.append(token)
        if len(bot_runs) == 1:  # while this bot runs: a second bot, then the console chat
            capsys.readouterr()
            beside["second"] = main(["run"])
            beside["second_err"] = capsys.readouterr().err
            monkeypatch.setattr(sys, "stdin", io.StringIO("/start\n"))
            beside["chat"] = main(["chat"])
        return 0

    monkeypatch.setattr("bot.telegram_app.run_telegram", telegram)
    assert main(["run"]) == 0
    assert bot_runs == ["1:TEST"]
    assert beside["second"] == 2 and str(data) in str(beside["second_err"])
    assert beside["chat"] == 0  # and the console user was asked for a role:
    assert Store(data / "routeboek.db").dialogue("console:local").onboarding == "role"
    assert main(["run"]) == 0 and len(bot_runs) == 2  # the lock went with the first bot


HOLDER = """
import sys
import bot.telegram_app

def telegram(*args, **options):
    print("running", flush=True)
    sys.stdin.read()
    return 0

bot.telegram_app.run_telegram = telegram
from bot.cli import main
sys.exit(main(["run"]))
"""


def test_a_killed_bot_leaves_no_stuck_lock(
    bot_runs: list[str], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "ROUTEBOEK_DATA_DIR": str(data), "TELEGRAM_BOT_TOKEN": "1:TEST"},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "running\n"
        monkeypatch.setattr("bot.telegram_app.run_telegram", lambda *a, **k: bot_runs.append("x") or 0)
        assert main(["run"]) == 2 and bot_runs == []
        holder.kill()  # SIGKILL: no clean-up code runs
        holder.wait()
        assert main(["run"]) == 0 and bot_runs == ["x"]
    finally:
        holder.kill()
        holder.wait()


# --- 3. a corrupt database: set aside, told, restorable ---------------------------------------
def corrupt(path: Path) -> None:
    """Overwrite SQLite's header: 'file is not a database'."""
    content = path.read_bytes()
    path.write_bytes(b"\0" * 100 + content[100:])


def notice_today() -> str:
    from datetime import date

    from bot.replies import nl_date

    return (
        "Er ging iets mis met de opslag; je instellingen en casussen van vóór "
        f"{nl_date(date.today())} zijn apart gezet."
    )


def test_a_corrupt_database_is_set_aside_logged_and_each_user_told_once(
    content_dir: Path, data: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = data / "routeboek.db"
    make_db(path)
    make_db(path, "test:2")
    corrupt(path)
    with caplog.at_level("ERROR"):
        engine = Engine(load_content(content_dir), Store(path))
    (copy,) = copies(data)
    assert any(r.levelname == "ERROR" and str(copy) in r.getMessage() for r in caplog.records)
    first = engine.handle(USER, Command("start"))
    assert first[0].text.startswith(notice_today()) and "beheerder" in first[0].text
    assert "Wat is je rol?" in first[1].text  # and then the answer to what the user did
    again = engine.handle(USER, Command("start"))
    assert not any("apart gezet" in r.text for r in again)
    other = engine.handle("test:2", Command("help"))
    assert other[0].text.startswith(notice_today())
    # A restart does not tell them again.
    engine = Engine(load_content(content_dir), Store(path))
    assert not any("apart gezet" in r.text for r in engine.handle("test:2", Command("help")))


def set_aside_healthy(path: Path) -> Path:
    """A healthy copy set aside, as the lock bug of earlier versions left them."""
    copy = path.with_name(path.name + ".corrupt-1700000000")
    path.rename(copy)
    return copy


def test_restore_lists_copies_and_restores_the_newest(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data / "routeboek.db"
    make_db(path)
    copy = set_aside_healthy(path)
    Store(path).close()  # the bot started afresh
    assert main(["restore"]) == 0
    listing = capsys.readouterr().out
    assert str(copy) in listing and "in orde" in listing and "1 profiel" in listing
    assert main(["restore", "--newest"]) == 0
    assert role_of(path) == "ib"
    assert copy.exists()  # the copy itself stays
    assert [p for p in data.iterdir() if ".replaced-" in p.name]  # so does the database it replaced


def test_restore_refuses_a_damaged_copy_and_to_overwrite_new_data_without_force(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data / "routeboek.db"
    make_db(path)
    copy = set_aside_healthy(path)
    make_db(path, "test:new")  # someone used the bot after the set-aside
    assert main(["restore", str(copy)]) == 1
    assert "--force" in capsys.readouterr().err
    assert role_of(path, "test:new") == "ib"
    assert main(["restore", str(copy), "--force"]) == 0
    assert role_of(path) == "ib" and role_of(path, "test:new") is None
    damaged = data / "routeboek.db.corrupt-1800000000"
    damaged.write_bytes(b"\0" * 4096)
    assert main(["restore", "--newest", "--force"]) == 1
    assert "beschadigd" in capsys.readouterr().err
    assert role_of(path) == "ib"


def test_restore_refuses_while_a_bot_runs_on_the_folder(
    bot_runs: list[str], data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data / "routeboek.db"
    make_db(path)
    set_aside_healthy(path)
    during: list[int] = []
    monkeypatch.setattr(
        "bot.telegram_app.run_telegram", lambda *a, **k: during.append(main(["restore", "--newest"])) or 0
    )
    assert main(["run"]) == 0
    assert during == [2] and str(data) in capsys.readouterr().err
    assert role_of(path) is None  # nothing was restored under the running bot

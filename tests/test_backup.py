"""`routeboek backup` while the bot writes, and `routeboek restore` of what it made: the copy is
a consistent snapshot (never half a transaction), and a restore never lands under a running bot."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.storage import Profile, Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("ROUTEBOEK_DATA_DIR", str(folder))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    store = Store(folder / "routeboek.db")
    store.save_profile(Profile("tg:1", "ib", "Den Haag", "vo"))
    store.close()
    return folder


def gemeente_of(folder: Path, user: str) -> str | None:
    store = Store(folder / "routeboek.db")
    try:
        return store.profile(user).gemeente
    finally:
        store.close()


def count_cases(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])
    finally:
        conn.close()


def write_pairs(path: Path, stop: threading.Event, written: list[int]) -> None:
    """The bot writing: cases two at a time, each pair one transaction."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=10)
    n = 0
    while not stop.is_set():
        conn.execute("BEGIN IMMEDIATE")
        for half in "ab":
            conn.execute(
                "INSERT INTO cases (user, pseudonym, gemeente, sector, start, reminders, created)"
                " VALUES ('tg:1', ?, 'Den Haag', 'vo', '2026-01-05', 1, ?)",
                [f"K{n}{half}", time.time()],
            )
        conn.execute("COMMIT")
        n += 1
        written.append(n)
    conn.close()


def test_a_backup_during_writes_is_consistent_and_restores(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = data / "routeboek.db"
    backups = tmp_path / "backups"
    backups.mkdir()
    stop, written = threading.Event(), []
    writer = threading.Thread(target=write_pairs, args=(db, stop, written))
    writer.start()
    made: list[Path] = []
    try:
        while len(written) < 50:
            time.sleep(0.01)
        for i in range(5):
            assert main(["backup", str(backups / f"b{i}.db")]) == 0, capsys.readouterr().err
            made.append(backups / f"b{i}.db")
            assert len(written) > 0
    finally:
        stop.set()
        writer.join()
    counts = [count_cases(path) for path in made]
    assert all(count % 2 == 0 for count in counts), counts  # never half a transaction
    assert counts == sorted(counts) and counts[-1] > 0
    for path in made:
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        conn.close()
    assert "Back-up gemaakt" in capsys.readouterr().out
    # The bot wrote on after the last backup; restoring it (bot stopped) brings back that moment.
    assert count_cases(db) > counts[0]
    assert main(["restore", str(made[0])]) == 1  # the current database has data: needs --force
    assert main(["restore", str(made[0]), "--force"]) == 0
    assert count_cases(db) == counts[0]
    assert gemeente_of(data, "tg:1") == "Den Haag"


def test_backup_to_a_folder_gets_a_dated_name_and_never_overwrites(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out"
    target.mkdir()
    assert main(["backup", str(target)]) == 0
    [made] = list(target.iterdir())
    assert made.name.startswith("routeboek-") and made.suffix == ".db"
    before = made.read_bytes()
    assert main(["backup", str(made)]) == 1
    assert main(["backup", str(tmp_path / "new" / "folder") + "/"]) == 0  # made when missing
    assert len(list((tmp_path / "new" / "folder").glob("routeboek-*.db"))) == 1
    assert "bestaat al" in capsys.readouterr().err
    assert made.read_bytes() == before


def test_backup_without_a_database_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ROUTEBOEK_DATA_DIR", str(tmp_path / "empty"))
    assert main(["backup", str(tmp_path / "x.db")]) == 1
    assert "geen database" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_restore_refuses_a_running_bot_even_with_force(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "b.db"
    assert main(["backup", str(backup)]) == 0
    store = Store(data / "routeboek.db")
    store.save_profile(Profile("tg:2", "mentor", "Rijswijk", "po"))
    store.close()
    # Another process holds the run lock, as `routeboek run` does for its lifetime.
    bot = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from bot.locks import hold_run_lock; "
         f"hold_run_lock(Path({str(data)!r})); print('held', flush=True); sys.stdin.read()"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert bot.stdout is not None and bot.stdout.readline().strip() == "held"
        assert main(["restore", str(backup), "--force"]) == 2
        assert "Stop de bot eerst" in capsys.readouterr().err
        assert gemeente_of(data, "tg:2") == "Rijswijk"
    finally:
        bot.communicate("")
    assert main(["restore", str(backup), "--force"]) == 0  # stopped: --force may overwrite
    assert gemeente_of(data, "tg:2") is None


def test_roll_back_restores_the_backup_from_before_the_upgrade(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """deploy/README.md's roll back: the older version refuses the database a newer one updated,
    and restoring the backup taken before the upgrade lets it start with the data of then; what
    happened after the upgrade stays in the replaced file."""
    before_upgrade = tmp_path / "before-upgrade.db"
    assert main(["backup", str(before_upgrade)]) == 0
    db = data / "routeboek.db"
    # The newer version: a migration this version does not know, and a user who came after.
    store = Store(db)
    store.save_profile(Profile("tg:2", "mentor", "Rijswijk", "po"))
    store.close()
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('routeboek', 'm099_from_the_future', '2030-01-01')"
        )
    conn.close()
    capsys.readouterr()
    assert main(["chat"]) == 2
    assert "nieuwere versie" in capsys.readouterr().err
    assert main(["restore", str(before_upgrade)]) == 1  # it has data: --force, as the README says
    assert main(["restore", str(before_upgrade), "--force"]) == 0
    assert "Teruggezet" in capsys.readouterr().out
    assert gemeente_of(data, "tg:1") == "Den Haag" and gemeente_of(data, "tg:2") is None
    [replaced] = [p for p in data.glob("routeboek.db.replaced-*") if not p.name.endswith(("-wal", "-shm"))]
    conn = sqlite3.connect(replaced)
    assert conn.execute("SELECT count(*) FROM users WHERE user = 'tg:2'").fetchone()[0] == 1
    conn.close()

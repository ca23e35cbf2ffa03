"""The start-up heap kept out of the garbage collector's full passes (telegram_app.settle_heap),
and a /reload that still lets the old content go."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.content import load_content
from bot.engine import Engine
from bot.storage import Store
from bot.telegram_app import settle_heap


@pytest.fixture
def engine(content_dir: Path, tmp_path: Path) -> Iterator[Engine]:
    engine = Engine(load_content(content_dir), Store(tmp_path / "db.sqlite"))
    settle_heap()
    try:
        yield engine
    finally:
        gc.unfreeze()  # the rest of the test session collects as usual


def test_a_reload_after_the_heap_was_frozen_frees_the_old_content(engine: Engine, content_dir: Path) -> None:
    assert gc.get_freeze_count() > 0
    old = weakref.ref(engine.kb.sections[0])  # sections and their views refer to each other
    engine.use(load_content(content_dir))
    gc.collect()
    assert old() is None
    assert gc.get_freeze_count() > 0  # and the new content is kept out of full passes again

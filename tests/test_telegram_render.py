"""Telegram rendering: escaping, the 4096-character limit and the flood guard."""

from __future__ import annotations

from bot.telegram_app import FloodGuard, split_message, to_html


def test_html_is_escaped_before_bold_is_added() -> None:
    assert to_html("**Let op:** a < b & <script>") == "<b>Let op:</b> a &lt; b &amp; &lt;script&gt;"


def test_long_messages_split_at_paragraphs_under_the_limit() -> None:
    paragraphs = [f"**Kop {i}**\n" + "woord " * 150 for i in range(12)]
    text = "\n\n".join(paragraphs)
    chunks = split_message(text)
    assert len(chunks) > 1
    assert all(len(to_html(c)) <= 4096 for c in chunks)
    assert all(c.count("**") % 2 == 0 for c in chunks)  # no bold pair is cut in half
    assert "".join(chunks).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_escaping_counts_towards_the_limit() -> None:
    chunks = split_message("a & b < c " * 1000)
    assert len(chunks) > 2 and all(len(to_html(c)) <= 4096 for c in chunks)


def test_a_single_huge_word_is_still_split() -> None:
    chunks = split_message("x" * 9000)
    assert [len(c) for c in chunks] == [4096, 4096, 808]


def test_flood_guard_warns_once_then_drops_then_recovers() -> None:
    guard = FloodGuard(limit=3, window=10)
    assert [guard.check(1, now=t) for t in (0, 1, 2)] == ["ok", "ok", "ok"]
    assert guard.check(1, now=3) == "warn"
    assert guard.check(1, now=4) == "drop"
    assert guard.check(2, now=4) == "ok"  # other users are not affected
    assert guard.check(1, now=30) == "ok"

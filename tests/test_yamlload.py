"""YAML traps: no silent booleans, dates or floats; duplicate keys and lines reported."""

from __future__ import annotations

import pytest

from bot.yamlload import YamlError, line_of, parse_yaml


def test_scalars_stay_what_the_author_wrote() -> None:
    data = parse_yaml("a: no\nb: 2021-07-01\nc: 2.10\nd: 12\ne: null\nf: 'yes'\ng: true\nh: |\n  tekst\n")
    assert data == {
        "a": "no",
        "b": "2021-07-01",
        "c": "2.10",
        "d": 12,
        "e": None,
        "f": "yes",
        "g": True,
        "h": "tekst\n",
    }


def test_duplicate_key_names_both_lines() -> None:
    with pytest.raises(YamlError) as info:
        parse_yaml("x: 1\ny:\n  a: 1\n  a: 2\n")
    assert info.value.line == 4 and "first at line 3" in info.value.message


def test_line_of_nested_nodes() -> None:
    data = parse_yaml("items:\n  - id: a\n    title: A\n  - id: b\n    title: B\n")
    assert line_of(data, ("items", 1, "title")) == 5
    assert line_of(data, ("items", 1)) == 4
    assert line_of(data, ("items", 7, "title")) == 2  # no such item: the list itself


def test_syntax_error_line() -> None:
    with pytest.raises(YamlError) as info:
        parse_yaml("a: 1\nb: [1, 2\nc: 3\n")
    assert info.value.line >= 2 and "syntax" in info.value.message


BOMB = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n"


def test_an_alias_bomb_is_refused_at_the_line_of_its_first_anchor() -> None:
    # Nine levels of this are 9**9 strings from a few hundred bytes; three levels show the refusal.
    with pytest.raises(YamlError) as info:
        parse_yaml(BOMB)
    assert info.value.line == 1 and "anchor" in info.value.message


def test_the_loader_still_reads_plain_content_with_ampersands_and_stars() -> None:
    assert parse_yaml("a: A&A en *belangrijk*\nb: '&x'\n") == {"a": "A&A en *belangrijk*", "b": "&x"}

"""Pictures of tables and timelines: drawn with or without a system font, never with boxes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any, cast

import pytest
from PIL import Image, ImageDraw

from bot import table_image
from bot.content import load_content
from bot.escalation import EscalationDesk
from bot.replies import Card, Picture
from bot.storage import Store
from bot.timeline import build_timeline, timeline_picture

PICTURE = Picture(
    "Casus K7MX: Leidschendam-Voorburg (VO)",
    (
        Card("Stap 1: Intercollegiale afstemming", ("Uiterlijk: 2-2-2026 (voorbij)",), muted=True),
        Card("Stap 2: Managementafstemming – coördinator", ("Uiterlijk: 2-3-2026 ← volgende",), marked=True),
    ),
    "Bron: Thuiszittersprotocol (jaarlijks geëvalueerd)",
    note="Eerste dag zorgwekkend verzuim: 5-1-2026",
)


def test_without_a_full_font_dutch_is_spelled_in_ascii() -> None:
    assert table_image.drawable("coördinator – geëvalueerd ← volgende", full_font=False) == (
        "coordinator - geevalueerd <- volgende"
    )
    assert table_image.drawable("coördinator", full_font=True) == "coördinator"


@pytest.mark.parametrize("system_font", [True, False])
def test_a_picture_is_a_readable_png_with_one_card_per_step(
    system_font: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not system_font:
        monkeypatch.setattr(table_image, "font_file", lambda: None)
    table_image._font.cache_clear()
    try:
        one = Image.open(io.BytesIO(table_image.render(Picture("T", PICTURE.cards[:1], "Bron: x"))))
        two = Image.open(io.BytesIO(table_image.render(PICTURE)))
    finally:
        table_image._font.cache_clear()
    assert one.format == two.format == "PNG"
    assert one.width == two.width == table_image.WIDTH
    assert two.height > one.height + 100  # the second card and the note take room
    # The marked step's card is drawn in its own colour.
    assert table_image.MARKED_BG in {colour for _, colour in two.convert("RGB").getcolors(1 << 16) or []}


# --- every line inside its box ------------------------------------------------------------------
# The text of a box keeps at least this far from its edges: sideways (where the shipped tables ran
# up to 22 px past their card) and up and down (where a wrapped line would spill onto the next card).
SIDE_PADDING, END_PADDING = 16, 8


@pytest.fixture(params=["system font", "default font"])
def font(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Every font the renderer may pick: the system's, or Pillow's own when there is none."""
    if request.param == "system font" and table_image.font_file() is None:
        pytest.skip("no system font with Dutch characters installed")
    if request.param == "default font":
        monkeypatch.setattr(table_image, "font_file", lambda: None)
    table_image._font.cache_clear()
    yield request.param
    table_image._font.cache_clear()


def shipped_pictures() -> list[Picture]:
    """Every shipped escalation table as the escalation desk draws it, and a case timeline for
    each as the case desk draws it (school-week terms carry the longest lines)."""
    kb = load_content()
    desk = EscalationDesk(kb, cast(Store, None))  # drawing a table does not touch the store
    pictures = [desk.picture(view) for view in kb.escalation]
    for view in kb.escalation:
        timeline = build_timeline(kb, view.gemeente, view.sector, date(2026, 1, 5))
        if timeline and len(timeline.steps) > 1:
            title = f"Casus K7MX: {view.gemeente} ({view.sector.upper()})"
            pictures.append(timeline_picture(kb, timeline, date(2026, 3, 1), title, "Termijnen", taken=0))
    assert len(pictures) >= 8 and any(p.title.startswith("Casus") for p in pictures)
    return pictures


def outside(line: table_image.TextLine, box: table_image.Box) -> str | None:
    """How a line's ink leaves the inner area of its box, if it does."""
    left, top, right, bottom = box.rect
    if box.badge:
        left += table_image.BADGE_W
    ink = line.ink
    overflow = {
        "left": left + SIDE_PADDING - ink[0],
        "right": ink[2] - (right - SIDE_PADDING),
        "top": top + END_PADDING - ink[1],
        "bottom": ink[3] - (bottom - END_PADDING),
    }
    sides = [f"{px} px past {side}" for side, px in overflow.items() if px > 0]
    return f"{line.text!r}: {', '.join(sides)}" if sides else None


def lines_outside(picture: Picture, full: bool) -> list[str]:
    """The lines of the picture's layout that leave their box, after checking that the boxes lie
    in the picture one below the other and that wrapping lost or cut no word."""
    plan = table_image.layout(picture)
    problems = []
    previous_bottom = 0
    for box in plan.boxes:
        left, top, right, bottom = box.rect
        assert 0 <= left < right <= plan.width and previous_bottom <= top < bottom <= plan.height
        previous_bottom = bottom
        problems += [f"{picture.title[:40]}: {p}" for line in box.lines if (p := outside(line, box))]
    texts = [picture.title, picture.note, *(t for c in picture.cards for t in (c.heading, *c.lines))]
    drawn = [line.text for box in plan.boxes for line in box.lines]
    assert _rejoined(drawn) == _rejoined([table_image.drawable(t, full) for t in [*texts, picture.source]])
    return problems


def test_every_line_of_every_shipped_table_and_timeline_lies_inside_its_box(font: str) -> None:
    problems = [p for picture in shipped_pictures() for p in lines_outside(picture, font == "system font")]
    assert problems == [], "\n".join(problems)


def test_a_long_title_and_a_word_longer_than_a_card_make_their_boxes_taller(font: str) -> None:
    word = "Thuiszitterstafelcoördinatieoverlegverslaglegging" * 2
    long = Picture(
        "Opschaling Leidschendam-Voorburg en Rijswijk en Den Haag (VO en PO)",
        (PICTURE.cards[0], Card(word, (word, "kort"), marked=True)),
        "Bron: " + word,
        note=word,
    )
    assert lines_outside(long, font == "system font") == []
    plan, short = table_image.layout(long), table_image.layout(PICTURE)
    header, card = plan.boxes[0], plan.boxes[3]
    assert len(header.lines) == 2 and header.rect[3] == short.boxes[0].rect[3] + table_image.TITLE_H
    assert len(card.lines) >= 5 and card.rect[3] - card.rect[1] > 5 * table_image.LINE_H


def test_wrapping_measures_pixels_in_the_font_that_draws(font: str) -> None:
    body = table_image._font(22)
    text = "ondersteuningscoördinator of een daartoe aangewezen en gemandateerde medewerker, 2-3-2026"
    for width in (120, 300, 780):
        lines = table_image.wrap(text, body, width)
        assert all(body.getlength(line) <= width for line in lines)
        assert _rejoined(lines) == _rejoined([text])
    # A narrow box breaks a hyphenated word after its hyphen, never inside a date.
    narrow = table_image.wrap("Leidschendam-Voorburg 2-3-2026", body, body.getlength("Leidschendam-") + 1)
    assert narrow[0] == "Leidschendam-" and "2-3-2026" in narrow
    assert table_image.wrap("", body, 100) == [""]


def _rejoined(texts: list[str]) -> str:
    """The text without its spaces, so a word broken at a hyphen reads the same."""
    return "".join("".join(texts).split())


def test_the_picture_draws_exactly_its_layout(font: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the box test checks is what is drawn: every text call and card of the PNG."""
    picture = shipped_pictures()[0]
    texts: list[tuple[tuple[float, float], str, object]] = []
    cards: list[tuple[float, ...]] = []
    real_text, real_card = ImageDraw.ImageDraw.text, ImageDraw.ImageDraw.rounded_rectangle

    def text(self: ImageDraw.ImageDraw, xy: tuple[float, float], value: str, *a: Any, **kw: Any) -> None:
        texts.append((tuple(xy), value, kw.get("font")))  # type: ignore[arg-type]
        real_text(self, xy, value, *a, **kw)

    def card(self: ImageDraw.ImageDraw, xy: Any, *a: Any, **kw: Any) -> None:
        cards.append(tuple(xy))
        real_card(self, xy, *a, **kw)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", text)
    monkeypatch.setattr(ImageDraw.ImageDraw, "rounded_rectangle", card)
    png = Image.open(io.BytesIO(table_image.render(picture)))
    plan = table_image.layout(picture)
    assert texts == [((line.x, line.y), line.text, line.font) for box in plan.boxes for line in box.lines]
    assert cards == [box.rect for box in plan.boxes if box.radius]
    assert cards and png.size == (plan.width, plan.height)

"""Pictures of tables and timelines: drawn with or without a system font, never with boxes."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot import table_image
from bot.replies import Card, Picture

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

"""Pictures (escalation tables, case timelines) as PNG images that read well on a phone.

One card per step in a tall image. A system font with the characters Dutch needs (DejaVu Sans,
in Debian's fonts-dejavu-core, or Noto/Liberation) is used when there is one; otherwise Pillow's
built-in font, which lacks "ë" and dashes, with those characters spelled in ASCII.

Drawing happens in two steps: `layout` places every box and every line of text, `render` draws
exactly that layout. Tests check the layout (every line inside its box) and that the drawing
follows it, so what they check is what users see.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from bot.replies import Card, Picture

WIDTH = 900
MARGIN = 32
TEXT_COLOUR = (33, 37, 41)
MUTED = (120, 128, 140)
HEADER_BG = (0, 82, 147)
CARD_BG = (241, 245, 250)
BADGE_BG = (255, 196, 37)
MARKED_BG = (255, 243, 205)
MUTED_BADGE = (200, 205, 212)
LINE_H, HEAD_H, SOURCE_H, TITLE_H = 30, 34, 26, 44
TITLE_TOP = 22
HEADER_H = 80  # with a one-line title; a longer title makes the header taller
BADGE_W = 10
TEXT_INSET = 28  # from a card's left and right edges (past the badge) to its text
PAGE_TEXT_W = WIDTH - 2 * MARGIN  # title, note and source
CARD_TEXT_W = WIDTH - 2 * MARGIN - 2 * TEXT_INSET

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Colour = tuple[int, int, int]
Rect = tuple[int, int, int, int]  # left, top, right, bottom


FONT_FILES = ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf", "Arial.ttf")
ASCII_SPELLING = str.maketrans({"–": "-", "—": "-", "←": "<-", "→": "->", "…": "...", "’": "'", "‘": "'"})


@functools.cache
def font_file() -> str | None:
    """A system font with the characters Dutch needs, if there is one."""
    for name in FONT_FILES:  # Pillow looks for these in the system's font folders
        try:
            return str(ImageFont.truetype(name, 10).path)
        except OSError:
            continue
    return None


@functools.lru_cache(maxsize=8)
def _font(size: int) -> Font:
    path = font_file()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)


def drawable(text: str, full_font: bool) -> str:
    """The text as the font can draw it: without a full font, 'geëvalueerd' becomes
    'geevalueerd' rather than a box."""
    if full_font:
        return text
    spelled = unicodedata.normalize("NFKD", text.translate(ASCII_SPELLING))
    return spelled.encode("ascii", "ignore").decode()


# A hyphenated word may break after its hyphen ("SWV-medewerker", "KDC-ASVZ"), as textwrap does;
# a date or range ("2-3-2026", "4-8") may not.
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_]-)(?=[^\W\d_]{2})")


def wrap(text: str, font: Font, width: float) -> list[str]:
    """The text in lines no wider than `width` pixels in this font.

    Measured with `font.getlength`, not counted in characters: a line of 68 wide letters
    ("ondersteuningscoördinator ... gemandateerde") ran 22 px past its card, and Pillow's
    default font is narrower than DejaVu, so no character count fits every font. A word wider
    than a line is broken where it no longer fits.
    """
    lines: list[str] = []
    line = ""
    for word in text.split():
        for i, piece in enumerate(_HYPHEN_BREAK.split(word)):
            glued = line + piece if i else (f"{line} {piece}" if line else piece)
            if font.getlength(glued) <= width:
                line = glued
                continue
            if line:
                lines.append(line)
            line = piece
            while font.getlength(line) > width and len(line) > 1:
                cut = max(1, _fitting(line, font, width))
                lines.append(line[:cut])
                line = line[cut:]
    return [*lines, line] if line or not lines else lines


def _fitting(text: str, font: Font, width: float) -> int:
    """How many leading characters of the text fit in `width` pixels (a binary search)."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


@dataclass(frozen=True)
class TextLine:
    """One line of text as drawn: where, in which font, and the ink it covers."""

    text: str
    x: int
    y: int
    font: Font
    colour: Colour | str

    @property
    def ink(self) -> Rect:
        """The pixels the line covers, measured by the font that draws it (as
        `ImageDraw.textbbox` measures it)."""
        left, top, right, bottom = self.font.getbbox(self.text)
        return self.x + int(left), self.y + int(top), self.x + int(right), self.y + int(bottom)


@dataclass(frozen=True)
class Box:
    """A region of the picture and the lines that belong in it: the header, a card, or the
    page around the cards (for the note and the source, which have no card of their own)."""

    rect: Rect
    lines: tuple[TextLine, ...]
    fill: Colour | None = None  # None: not drawn, the white page
    badge: Colour | None = None  # the coloured strip on a card's left edge
    radius: int = 0


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    boxes: tuple[Box, ...]


def _lines(
    texts: list[str], x: int, y: int, step: int, font: Font, colour: Colour | str
) -> tuple[TextLine, ...]:
    return tuple(TextLine(text, x, y + i * step, font, colour) for i, text in enumerate(texts))


def _card(card: Card, y: int, full: bool) -> Box:
    """A card as tall as its wrapped lines make it."""
    head_font, body_font = _font(26), _font(22)
    head = wrap(drawable(card.heading, full), head_font, CARD_TEXT_W)
    body = [line for text in card.lines for line in wrap(drawable(text, full), body_font, CARD_TEXT_W)]
    colour = MUTED if card.muted else TEXT_COLOUR
    x = MARGIN + TEXT_INSET
    lines = _lines(head, x, y + 24, HEAD_H, head_font, colour)
    body_top = y + 24 + len(head) * HEAD_H + 10
    lines += _lines(body, x, body_top, LINE_H, body_font, colour)
    bottom = body_top + len(body) * LINE_H + 24
    return Box(
        (MARGIN, y, WIDTH - MARGIN, bottom),
        lines,
        fill=MARKED_BG if card.marked else CARD_BG,
        badge=MUTED_BADGE if card.muted else BADGE_BG,
        radius=14,
    )


def layout(picture: Picture) -> Layout:
    """Where every box and line of the picture goes. The note and the source sit on the page:
    their box is the white band they share with the margins around them."""
    full = font_file() is not None
    title_font, note_font, source_font = _font(34), _font(22), _font(20)
    title = wrap(drawable(picture.title, full), title_font, PAGE_TEXT_W)
    header_h = HEADER_H + (len(title) - 1) * TITLE_H
    title_lines = _lines(title, MARGIN, TITLE_TOP, TITLE_H, title_font, "white")
    boxes = [Box((0, 0, WIDTH, header_h), title_lines, HEADER_BG)]
    y = header_h + 10
    if picture.note:
        note = wrap(drawable(picture.note, full), note_font, PAGE_TEXT_W)
        lines = _lines(note, MARGIN, y, LINE_H, note_font, MUTED)
        y += len(note) * LINE_H + 6
        boxes.append(Box((0, header_h, WIDTH, y), lines))
    for i, card in enumerate(picture.cards):
        box = _card(card, y, full)
        boxes.append(box)
        y = box.rect[3] + (16 if i < len(picture.cards) - 1 else 0)
    source = wrap(drawable(picture.source, full), source_font, PAGE_TEXT_W)
    height = y + 16 + len(source) * SOURCE_H + MARGIN
    boxes.append(Box((0, y, WIDTH, height), _lines(source, MARGIN, y + 16, SOURCE_H, source_font, MUTED)))
    return Layout(WIDTH, height, tuple(boxes))


def render(picture: Picture) -> bytes:
    """PNG bytes of the picture."""
    if picture.bars:
        from bot.chart_image import render_chart

        return render_chart(picture)
    plan = layout(picture)
    image = Image.new("RGB", (plan.width, plan.height), "white")
    draw = ImageDraw.Draw(image)
    for box in plan.boxes:
        left, top, _, bottom = box.rect
        if box.fill and box.radius:
            draw.rounded_rectangle(box.rect, radius=box.radius, fill=box.fill)
        elif box.fill:
            draw.rectangle(box.rect, fill=box.fill)
        if box.badge:
            draw.rectangle((left, top, left + BADGE_W, bottom), fill=box.badge)
        for line in box.lines:
            draw.text((line.x, line.y), line.text, font=line.font, fill=line.colour)
    buffer = io.BytesIO()
    # Plain PNG: optimize=True makes the file 3 % smaller and the encoding four times slower.
    image.save(buffer, format="PNG")
    return buffer.getvalue()

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
import textwrap
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
LINE_H, HEAD_H, SOURCE_H = 30, 34, 26
HEADER_H = 80
BADGE_W = 10
TEXT_INSET = 28  # from a card's left edge (past the badge) to its text

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


def _wrap(text: str, chars: int) -> list[str]:
    return textwrap.wrap(text, width=chars, break_long_words=True) or [""]


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


def _lines(texts: list[str], x: int, y: int, step: int, font: Font, colour: Colour | str) -> tuple[TextLine, ...]:
    return tuple(TextLine(text, x, y + i * step, font, colour) for i, text in enumerate(texts))


def _card(card: Card, y: int, full: bool) -> Box:
    head_font, body_font = _font(26), _font(22)
    head = _wrap(drawable(card.heading, full), 52)
    body = [line for text in card.lines for line in _wrap(drawable(text, full), 68)]
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
    """Where every box and line of the picture goes."""
    full = font_file() is not None
    title = TextLine(drawable(picture.title, full), MARGIN, 22, _font(34), "white")
    boxes = [Box((0, 0, WIDTH, HEADER_H), (title,), fill=HEADER_BG)]
    y = HEADER_H + 10
    if picture.note:
        note = _lines(_wrap(drawable(picture.note, full), 72), MARGIN, y, LINE_H, _font(22), MUTED)
        boxes.append(Box((0, y, WIDTH, y + len(note) * LINE_H), note))
        y += len(note) * LINE_H + 6
    for card in picture.cards:
        box = _card(card, y, full)
        boxes.append(box)
        y = box.rect[3] + 16
    source = _lines(_wrap(drawable(picture.source, full), 80), MARGIN, y, SOURCE_H, _font(20), MUTED)
    boxes.append(Box((0, y, WIDTH, y + len(source) * SOURCE_H), source))
    y += len(source) * SOURCE_H
    return Layout(WIDTH, y + MARGIN, tuple(boxes))


def render(picture: Picture) -> bytes:
    """PNG bytes of the picture."""
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

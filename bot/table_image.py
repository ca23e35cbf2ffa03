"""Pictures (escalation tables, case timelines) as PNG images that read well on a phone.

One card per step in a tall image. A system font with the characters Dutch needs (DejaVu Sans,
in Debian's fonts-dejavu-core, or Noto/Liberation) is used when there is one; otherwise Pillow's
built-in font, which lacks "ë" and dashes, with those characters spelled in ASCII.
"""

from __future__ import annotations

import functools
import io
import textwrap
import unicodedata

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
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
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


def _layout(card: Card, full: bool) -> tuple[list[str], list[str], int]:
    head = _wrap(drawable(card.heading, full), 52)
    body = [line for text in card.lines for line in _wrap(drawable(text, full), 68)]
    return head, body, 24 + len(head) * HEAD_H + 10 + len(body) * LINE_H + 24


def render(picture: Picture) -> bytes:
    """PNG bytes of the picture."""
    title_font, head_font, body_font = _font(34), _font(26), _font(22)
    full = font_file() is not None
    cards = [(card, *_layout(card, full)) for card in picture.cards]
    source_lines = _wrap(drawable(picture.source, full), 80)
    note_lines = _wrap(drawable(picture.note, full), 72) if picture.note else []
    height = 80 + 10 + len(note_lines) * LINE_H + (6 if note_lines else 0)
    height += sum(card_h + 16 for *_, card_h in cards) + len(source_lines) * SOURCE_H + MARGIN

    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, 80], fill=HEADER_BG)
    draw.text((MARGIN, 22), drawable(picture.title, full), font=title_font, fill="white")
    y = 80 + 10
    for line in note_lines:
        draw.text((MARGIN, y), line, font=body_font, fill=MUTED)
        y += LINE_H
    if note_lines:
        y += 6
    for card, head_lines, body_lines, card_h in cards:
        background = MARKED_BG if card.marked else CARD_BG
        badge = MUTED_BADGE if card.muted else BADGE_BG
        colour = MUTED if card.muted else TEXT_COLOUR
        draw.rounded_rectangle([MARGIN, y, WIDTH - MARGIN, y + card_h], radius=14, fill=background)
        draw.rectangle([MARGIN, y, MARGIN + 10, y + card_h], fill=badge)
        ty = y + 24
        for line in head_lines:
            draw.text((MARGIN + 28, ty), line, font=head_font, fill=colour)
            ty += HEAD_H
        ty += 10
        for line in body_lines:
            draw.text((MARGIN + 28, ty), line, font=body_font, fill=colour)
            ty += LINE_H
        y += card_h + 16
    for line in source_lines:
        draw.text((MARGIN, y), line, font=_font(20), fill=MUTED)
        y += SOURCE_H
    buffer = io.BytesIO()
    # Plain PNG: optimize=True makes the file 3 % smaller and the encoding four times slower.
    image.crop((0, 0, WIDTH, min(height, y + MARGIN))).save(buffer, format="PNG")
    return buffer.getvalue()

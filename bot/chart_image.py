"""The /stats chart: a small bar chart of use per week, drawn with Pillow like the escalation
tables (bot/table_image.py), so it travels to Telegram the same way."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from bot.replies import Picture
from bot.table_image import HEADER_BG, MARGIN, MUTED, TEXT_COLOUR, WIDTH, _font, drawable, font_file

BAR_H = 18
BAR_GAP = 6
GROUP_GAP = 22
LABEL_W = 300
COLOURS = [(0, 82, 147), (200, 80, 60), (240, 160, 40), (60, 150, 90), (120, 90, 170), (90, 160, 200), (150, 150, 150)]


def render_chart(picture: Picture) -> bytes:
    """PNG bytes of a picture's bars: per group its label, then one bar per value."""
    full = font_file() is not None
    title_font, label_font = _font(30), _font(18)
    groups = picture.bars
    most = max((n for _, values in groups for _, n in values), default=0) or 1
    rows = sum(len(values) for _, values in groups)
    height = 80 + len(groups) * (28 + GROUP_GAP) + rows * (BAR_H + BAR_GAP) + 2 * MARGIN
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 70), fill=HEADER_BG)
    draw.text((MARGIN, 18), drawable(picture.title, full), font=title_font, fill="white")
    y = 70 + MARGIN // 2
    bar_room = WIDTH - 2 * MARGIN - LABEL_W - 60
    for group, values in groups:
        draw.text((MARGIN, y), drawable(group, full), font=label_font, fill=TEXT_COLOUR)
        y += 28
        for i, (label, n) in enumerate(values):
            draw.text((MARGIN, y), drawable(label, full), font=label_font, fill=MUTED)
            left = MARGIN + LABEL_W
            draw.rectangle((left, y, left + max(2, int(bar_room * n / most)), y + BAR_H), fill=COLOURS[i % len(COLOURS)])
            draw.text((left + int(bar_room * n / most) + 8, y), str(n), font=label_font, fill=TEXT_COLOUR)
            y += BAR_H + BAR_GAP
        y += GROUP_GAP
    draw.text((MARGIN, y), drawable(picture.source, full), font=label_font, fill=MUTED)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()

"""The text of a source document, from a PDF or from a text file.

A region's routeboek usually arrives as a PDF. pypdf (pure Python, no dependencies of its own)
extracts each page's text in reading order; its document information (title, author, dates)
is kept, since a draft's `document:` block is filled from what the file itself says.

pypdf's plain text runs a table's cells together ("1 Kernteam van de school 4-6 weken"), so
the rows read like headings and the columns are lost. Its layout mode keeps the cells apart by
their position on the page but sets columns of running text side by side; so the plain text is
kept, and only the lines that the layout shows as rows of a table get their cells back, as
tabs, the way a text export writes them (bot/tables.py reads them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypdf import PageObject


class SourceError(Exception):
    """The file cannot be read as a source document; the message says why, for a maintainer."""


@dataclass
class SourceText:
    path: Path
    text: str
    pages: int = 0  # 0 for a text file
    info: dict[str, str] = field(default_factory=dict)  # title, author, subject, created
    # Where each page of a PDF begins in `text` (character offsets); empty for a text file.
    page_offsets: list[int] = field(default_factory=list)


def read_source(path: str | Path) -> SourceText:
    """The text of a PDF (detected by its header, not its name) or of a UTF-8 text file."""
    file = Path(path)
    try:
        head = file.open("rb").read(5)
    except OSError as exc:
        raise SourceError(f"{file}: kan het bestand niet lezen: {exc.strerror or exc}") from exc
    if head.startswith(b"%PDF"):
        return _read_pdf(file)
    try:
        return SourceText(file, file.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise SourceError(f"{file}: geen PDF en geen UTF-8-tekst ({exc.reason})") from exc


def _read_pdf(file: Path) -> SourceText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(file)
        pages = [_with_table_cells(page.extract_text() or "", _layout_text(page)) for page in reader.pages]
    except (PdfReadError, OSError, ValueError) as exc:
        raise SourceError(f"{file}: PDF niet te lezen: {exc}") from exc
    info: dict[str, str] = {}
    meta = reader.metadata
    if meta is not None:
        for key, value in (
            ("title", meta.title),
            ("author", meta.author),
            ("subject", meta.subject),
        ):
            if value and str(value).strip():
                info[key] = str(value).strip()
        created = meta.get("/CreationDate")
        if created:
            found = re.match(r"D:(\d{4})(\d{2})(\d{2})", str(created))
            if found:
                info["created"] = "-".join(found.groups())
    text = "\n\n".join(pages)
    offsets = [sum(len(p) + 2 for p in pages[:n]) for n in range(len(pages))]
    if not text.strip():
        raise SourceError(
            f"{file}: de PDF bevat geen tekst (een scan?). Maak er eerst tekst van (OCR) of lever een .txt aan."
        )
    return SourceText(file, text, pages=len(pages), info=info, page_offsets=offsets)


def _layout_text(page: PageObject) -> str:
    """The page's text laid out by position (empty where pypdf cannot)."""
    try:
        return page.extract_text(extraction_mode="layout") or ""
    except Exception:  # layout is a help for tables, never a reason to fail
        return ""


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _cells_at(line: str) -> list[tuple[int, str]]:
    """The cells of a layout line with the column each starts at."""
    cells = []
    for match in re.finditer(r"(?:(?! {3,}|\t).)+", line):
        text = match.group()
        if text.strip():
            cells.append((match.start() + len(text) - len(text.lstrip()), _squash(text)))
    return cells


def _with_table_cells(plain: str, layout: str) -> str:
    """The plain text with a table's rows written as tab-separated cells.

    A row is a layout line of two or more cells whose columns line up with the first row of its
    run, in a run of at least two such lines (blank lines between rows allowed); it replaces the
    plain line with the same words. Justified text has gaps that do not line up, and text set in
    two columns has no plain line with both columns' words, so both stay as they were."""
    rows: dict[str, str] = {}
    run: list[list[str]] = []
    columns: list[int] = []

    def close() -> None:
        if len(run) >= 2:
            for cells in run:
                rows[_squash(" ".join(cells))] = "\t".join(cells)
        run.clear()

    blank = 0
    for line in layout.splitlines():
        if not line.strip():
            blank += 1
            if blank > 2:
                close()
            continue
        blank = 0
        cells = _cells_at(line)
        if len(cells) < 2:
            close()
            continue
        if run and not all(any(abs(start - c) <= 2 for c in columns) for start, _ in cells[1:]):
            close()
        if not run:
            columns = [start for start, _ in cells]
        run.append([text for _, text in cells])
    close()
    if not rows:
        return plain
    lines = plain.splitlines()
    restored = [rows.get(_squash(line), line) for line in lines]
    if sum(new != old for new, old in zip(restored, lines, strict=True)) < 2:
        return plain
    return "\n".join(restored)

"""The text of a source document, from a PDF or from a text file.

A region's routeboek usually arrives as a PDF. pypdf (pure Python, no dependencies of its own)
extracts each page's text in reading order; its document information (title, author, dates)
is kept, since a draft's `document:` block is filled from what the file itself says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


class SourceError(Exception):
    """The file cannot be read as a source document; the message says why, for a maintainer."""


@dataclass
class SourceText:
    path: Path
    text: str
    pages: int = 0  # 0 for a text file
    info: dict[str, str] = field(default_factory=dict)  # title, author, subject, created


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
        pages = [page.extract_text() or "" for page in reader.pages]
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
    if not text.strip():
        raise SourceError(
            f"{file}: de PDF bevat geen tekst (een scan?). Maak er eerst tekst van (OCR) of lever een .txt aan."
        )
    return SourceText(file, text, pages=len(pages), info=info)

"""Tables in a source text, and the escalation steps a table's columns show.

A text export keeps a table's cells apart with tabs (or wide runs of spaces); PDF text usually
loses them. A table whose header names escalation columns ("Opschalen naar", "Doel",
"Termijn", "Aanmelding", "Deelnemers", "Regie", "Kantelpunt"), or has one column per gemeente,
becomes draft escalation steps; any other table is left in the section text with a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.headings import fold

_CELL_SPLIT = re.compile(r"\t| {3,}")
_TAGS = re.compile(r"<[^>]+>")
# Header words -> Step field. Order matters: the first that matches a header cell wins.
COLUMNS = (
    ("step", ("stap", "fase", "nr", "niveau")),
    ("name", ("opschalen naar", "naam", "overleg", "tafel", "wat")),
    ("goal", ("doel",)),
    ("term", ("termijn", "wanneer", "tijd")),
    ("aanmelding", ("aanmelding", "aanmelden")),
    ("deelnemers", ("deelnemers", "wie", "betrokkenen")),
    ("regie", ("regie",)),
    ("kantelpunt", ("kantelpunt",)),
)
_TERM = re.compile(r"termijn:\s*(.+)$", re.I)
_WEEKS = re.compile(r"(\d{1,2})\s*(?:-|tot|t/m)\s*(\d{1,2})\s*(school)?weken|(\d{1,2})\s*(school)?weken", re.I)


@dataclass
class Table:
    start: int  # 0-based index of the first line
    end: int  # index after the last line
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class DraftStep:
    step: str
    fields: dict[str, str] = field(default_factory=dict)  # Step field -> text from the table
    weeks: tuple[int, int | None] | None = None  # read from the term's text, if it says
    school_weeks: bool = False
    notes: list[str] = field(default_factory=list)  # cell text the maintainer must place


@dataclass
class DraftEscalation:
    gemeente: str | None  # None: the table names no gemeente, it holds for the document's
    steps: list[DraftStep]
    table: Table


def cells(line: str) -> list[str]:
    """The cells of one table line (an empty first cell is kept: it is the number column)."""
    text = _TAGS.sub("", line).rstrip()
    return [re.sub(r"\s+", " ", c).strip() for c in _CELL_SPLIT.split(text)]


def find_tables(lines: list[str]) -> list[Table]:
    """Runs of two or more lines that each have at least two cells."""
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        j = i
        rows = []
        while j < len(lines) and lines[j].strip() and len([c for c in cells(lines[j]) if c]) >= 2:
            rows.append(cells(lines[j]))
            j += 1
        if len(rows) >= 2:
            tables.append(Table(i, j, rows))
            i = j
        else:
            i += 1
    return tables


def _column_kind(cell: str) -> str | None:
    folded = fold(cell)
    for kind, words in COLUMNS:
        if any(folded == w or folded.startswith(w + " ") for w in words):
            return kind
    return None


def _step_number(cell: str) -> str | None:
    match = re.fullmatch(r"(?:stap|fase)?\s*(\d{1,2}[a-z]?)\.?", cell.strip(), re.I)
    return match.group(1).lower() if match else None


def _weeks(text: str) -> tuple[tuple[int, int | None] | None, bool]:
    match = _WEEKS.search(text)
    if match is None:
        return None, False
    if match.group(1):
        return (int(match.group(1)), int(match.group(2))), bool(match.group(3))
    return (int(match.group(4)), None), bool(match.group(5))


def escalation_from(table: Table, gemeenten: list[str]) -> list[DraftEscalation]:
    """Draft escalation tables from one source table, or [] when its columns are not
    recognisable (no step-number column, or no header naming the columns or gemeenten)."""
    header, body = table.rows[0], table.rows[1:]
    numbered = [r for r in body if r and _step_number(r[0])]
    if len(numbered) < 2:
        return []
    known = {fold(g): g for g in gemeenten}
    by_gemeente = {n: known[fold(c)] for n, c in enumerate(header) if fold(c) in known}
    kinds = {n: _column_kind(c) for n, c in enumerate(header)}
    if by_gemeente:
        # One column per gemeente: the step and its name are shared, each cell is the gemeente's.
        result = []
        for column, gemeente in by_gemeente.items():
            steps: list[DraftStep] = []
            for row in body:
                name = next((c for k, c in enumerate(row[1:], start=1) if c and k not in by_gemeente), "")
                number = _step_number(row[0]) if row else None
                if number is None:
                    # A row that continues the step above ("Deelnemers:" under "Aanmelding door:").
                    if steps and column < len(row) and row[column]:
                        steps[-1].notes.append(f"in de bron voor {gemeente}, {(name or 'vervolg').rstrip(':')}: {row[column]}")
                    continue
                step = DraftStep(number)
                if name:
                    step.fields["name"] = name
                if column < len(row) and row[column]:
                    step.notes.append(f"in de bron voor {gemeente}: {row[column]}")
                steps.append(step)
            result.append(DraftEscalation(gemeente, steps, table))
        return result
    if not any(k in ("name", "goal", "term", "aanmelding", "deelnemers", "regie") for k in kinds.values()):
        return []
    steps = []
    for row in numbered:
        step = DraftStep(_step_number(row[0]) or "")
        for n, cell in enumerate(row[1:], start=1):
            kind = kinds.get(n) or ("name" if n == 1 else None)
            if not cell or kind in (None, "step"):
                if cell:
                    step.notes.append(f"kolom {n + 1} in de bron: {cell}")
                continue
            term = _TERM.search(cell)
            if term and kind != "term":
                step.fields["term"] = term.group(1).strip()
                cell = cell[: term.start()].strip()
            if cell:
                step.fields[kind] = cell
        if "term" in step.fields:
            step.weeks, step.school_weeks = _weeks(step.fields["term"])
        steps.append(step)
    return [DraftEscalation(None, steps, table)]

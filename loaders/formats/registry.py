"""File formats → rows of cells: what every format reader gives (`Rendering`), and the registry of readers.

A format is added in one place: a module here whose reader is decorated with `@file_format(...)` (its name,
suffixes and media type), imported in this package's __init__.py. Text files go through the text layouts
(text.py, loaders/layouts/); Office and PDF documents give the same rows of cells the text layouts give.

Each reader (docx.py, xlsx.py, pdf.py) walks its document in order and feeds a `Rendering`:
paragraphs as paragraph rows, table rows as rows of cells (a merged cell once). The rows then
go through `loaders.dispatch._disclosure` like those of a text file, so tables, narrative and
performance records are read by the same code whatever the format.

Line numbers. A document has no lines of its own, so a `Rendering` numbers every cell by the
line it would have if the document were written out in the tab layout (loaders/layouts/tabs.py):
one line per paragraph line, one tab-indented line per table cell (more when the cell holds
line breaks), a blank line after each table row. The number is deterministic and 1-based,
and `tab_cell_rows` of that rendering gives back the same rows on the same lines. Each reader
also records where a row sits in its own terms (sheet and row, page, table), which errors name.

The third-party libraries are imported inside the readers: `kg query` and the text loaders
never pay their import time.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Callable

from cnbudget.loaders.errors import LoadError
from cnbudget.loaders.records import Cell, Row

# Compound-file (OLE2) signature: old binary .doc / .xls files, often renamed to .docx / .xlsx
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Rendering:
    """The rows of one document, numbered as the lines of its tab-layout rendering."""
    rows: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    next_line: int = 1
    _starts: list[int] = field(default_factory=list)  # first line of each located stretch
    _places: list[str] = field(default_factory=list)

    def locate(self, place: str) -> None:
        """What follows sits at `place` (e.g. "sheet '公开02表', row 12", "page 3")."""
        if self._starts and self._starts[-1] == self.next_line:
            self._places[-1] = place
        else:
            self._starts.append(self.next_line)
            self._places.append(place)

    def paragraph(self, text: str) -> None:
        """A paragraph: one paragraph row per line of it; blank lines count but make no row."""
        for piece in text.split("\n"):
            if piece.strip():
                self.rows.append(Row(cells=[Cell(piece, self.next_line)], line=self.next_line, paragraph=True))
            self.next_line += 1

    def table_row(self, texts: list[str]) -> None:
        """A table row: one line per cell (a cell's line breaks continue it), then a blank line."""
        if not texts:
            return
        cells = []
        for text in texts:
            cells.append(Cell(text, self.next_line))
            self.next_line += 1 + text.count("\n")
        self.rows.append(Row(cells=cells, line=cells[0].line))
        self.next_line += 1

    def place_of(self, line: int) -> str | None:
        k = bisect.bisect_right(self._starts, line) - 1
        return self._places[k] if k >= 0 else None

    # a second reading, tried when nothing was found in the first (text read line by line)
    alternative: "Callable[[], Rendering] | None" = None

    def located(self, error: LoadError) -> LoadError:
        """`error` with the place of its line in the document's own terms added to the reason."""
        place = self.place_of(error.line) if error.line else None
        if not place:
            return error
        return LoadError(error.path, error.line, f"{error.reason} ({place})")




def unreadable(path: str, kind: str, error: Exception) -> LoadError:
    """The error for a file its library cannot open: names the file, the format and why."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        head = b""
    if head == _OLE_MAGIC:
        return LoadError(path, None, f"not a {kind} file but an old binary Office document (.doc/.xls) with a "
                         "new suffix; convert it first, e.g. `libreoffice --headless --convert-to docx` (or xlsx)")
    detail = str(error).strip() or type(error).__name__
    return LoadError(path, None, f"not a readable {kind} file ({type(error).__name__}: {detail})")




Reader = Callable[[str, bytes], Rendering]


@dataclass(frozen=True)
class FileFormat:
    name: str
    suffixes: tuple[str, ...]
    media_type: str
    read: Reader  # (path, the file's bytes) → its rows; a LoadError for a file it cannot read


FORMATS: dict[str, FileFormat] = {}  # by suffix, lower case


def file_format(name: str, suffixes: tuple[str, ...], media_type: str) -> Callable[[Reader], Reader]:
    """Register the decorated reader for files with these suffixes."""
    def register(read: Reader) -> Reader:
        fmt = FileFormat(name, suffixes, media_type, read)
        for suffix in suffixes:
            FORMATS[suffix] = fmt
        return read
    return register


def format_for(suffix: str) -> FileFormat | None:
    return FORMATS.get(suffix.lower())

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
import re
from dataclasses import dataclass, field
from typing import Callable

from cnbudget.loaders.errors import LoadError
from cnbudget.loaders.limits import Limits, format_size, how_to_raise
from cnbudget.loaders.records import Cell, Row

# Compound-file (OLE2) signature: old binary .doc / .xls files, often renamed to .docx / .xlsx
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# C0 control characters other than tab, line feed and carriage return: never part of a disclosure's text
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# the words of the warning that says control characters were removed (kg/load.py records it in the graph)
CONTROLS_REMOVED = "control character(s) removed"


def controls_warning(path: str, found: dict[int, set[str]]) -> str:
    """One warning for the control characters removed, naming the lines (the first ten)."""
    lines = sorted(found)
    chars = sorted(set().union(*found.values()))
    shown = ", ".join(map(str, lines[:10])) + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")
    return (f"{path}:{lines[0]}: {CONTROLS_REMOVED} ({', '.join(f'U+{ord(c):04X}' for c in chars)}) "
            f"on line{'s' if len(lines) > 1 else ''} {shown}: the text around them may be damaged")


def too_long(path: str, line: int, length: int, limits: Limits) -> LoadError:
    return LoadError(path, line, f"line {line} is {length:,} characters long; the limit is {limits.line_length:,} "
                     f"characters ({how_to_raise('line_length')}): not a disclosure's text")


def too_much_text(path: str, line: int | None, limits: Limits) -> LoadError:
    return LoadError(path, line, f"more than {limits.text_size:,} characters of text; the limit is "
                     f"{limits.text_size:,} ({how_to_raise('text_size')}), to keep parsing within memory")


def too_large(path: str, size: int, limits: Limits, what: str = "the file") -> LoadError:
    return LoadError(path, None, f"{what} is {format_size(size)}; the limit is "
                     f"{format_size(limits.file_size)} ({how_to_raise('file_size')})")


@dataclass
class Rendering:
    """The rows of one document, numbered as the lines of its tab-layout rendering.

    Made with the file's `path` and the `limits`, it refuses a line longer than the line-length limit and
    text beyond the text-size limit as the reader adds them (so a huge document stops early), and removes
    control characters, noting the lines (`finish` turns them into one warning)."""
    rows: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    next_line: int = 1
    _starts: list[int] = field(default_factory=list)  # first line of each located stretch
    _places: list[str] = field(default_factory=list)
    path: str = ""
    limits: Limits | None = None
    _chars: int = 0
    _controls: dict[int, set[str]] = field(default_factory=dict)

    def _checked(self, text: str, line: int) -> str:
        """`text` starting on `line`: its lines' length and the document's size checked, control characters removed."""
        if self.limits is not None:
            self._chars += len(text)
            if self._chars > self.limits.text_size:
                raise self.located(too_much_text(self.path, line, self.limits))
            if len(text) > self.limits.line_length:
                for k, piece in enumerate(text.split("\n")):
                    if len(piece) > self.limits.line_length:
                        raise self.located(too_long(self.path, line + k, len(piece), self.limits))
        if CONTROL.search(text):
            for k, piece in enumerate(text.split("\n")):
                found = set(CONTROL.findall(piece))
                if found:
                    self._controls.setdefault(line + k, set()).update(found)
            text = CONTROL.sub("", text)
        return text

    def finish(self) -> "Rendering":
        """The warning for the control characters removed, if any (called once the reader is done)."""
        if self._controls:
            self.warnings.append(controls_warning(self.path, self._controls))
            self._controls = {}
        return self

    def locate(self, place: str) -> None:
        """What follows sits at `place` (e.g. "sheet '公开02表', row 12", "page 3")."""
        if self._starts and self._starts[-1] == self.next_line:
            self._places[-1] = place
        else:
            self._starts.append(self.next_line)
            self._places.append(place)

    def paragraph(self, text: str) -> None:
        """A paragraph: one paragraph row per line of it; blank lines count but make no row."""
        text = self._checked(text, self.next_line)
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
            text = self._checked(text, self.next_line)
            cells.append(Cell(text, self.next_line))
            self.next_line += 1 + text.count("\n")
        self.rows.append(Row(cells=cells, line=cells[0].line))
        self.next_line += 1

    def place_of(self, line: int) -> str | None:
        k = bisect.bisect_right(self._starts, line) - 1
        return self._places[k] if k >= 0 else None

    # a second reading, tried when nothing was found in the first (text read line by line; an Office or PDF
    # document's paragraphs read as text: `paragraphs_as_text`)
    alternative: "Callable[[], Rendering] | None" = None

    def flattened_tables(self) -> "Rendering":
        """This rendering with its paragraphs that are tables flattened into one line read as those tables, as
        a text's are (loaders/layouts/flat.py): a Word or PDF document's first reading."""
        from cnbudget.loaders.layouts.flat import paragraph_tables
        self.rows = paragraph_tables(self.rows, self.path, self.warnings)
        return self

    def paragraphs_as_text(self) -> "Rendering":
        """The second reading of a Word or PDF document whose tables and paragraphs gave nothing: its paragraphs
        read as the lines of a text, in the layout the text layouts detect (a table typed or pasted as text: one
        flattened line, '|' bars, aligned spaces), each on its own line; its table rows as they were. The same
        reading again where the paragraphs are in no layout but running text."""
        from cnbudget.loaders import layouts  # the text layouts, read only for this second reading
        lines = [""] * self.next_line
        for r in self.rows:
            if r.paragraph:
                lines[r.line - 1] = r.cells[0].text
        notes = list(self.warnings)
        try:
            layout = layouts.detect("\n".join(lines), self.path)
        except LoadError:
            layout = layouts.LINES
        if layout is layouts.LINES:
            return self
        notes.append(f"{self.path}: nothing found in its tables and paragraphs; its paragraphs read as text in the "
                     f"{layout.name} layout ({layout.description})")
        read = layout.produce("\n".join(lines), self.path, notes)
        rows = sorted(read + [r for r in self.rows if not r.paragraph], key=lambda r: r.line)
        return Rendering(rows=rows, warnings=notes, next_line=self.next_line, _starts=self._starts,
                         _places=self._places, path=self.path, limits=self.limits)

    def located(self, error: LoadError) -> LoadError:
        """`error` with the place of its line in the document's own terms added to the reason."""
        place = self.place_of(error.line) if error.line else None
        if not place:
            return error
        return LoadError(error.path, error.line, f"{error.reason} ({place})")




def unreadable(path: str, kind: str, error: Exception, data: bytes = b"") -> LoadError:
    """The error for a file its library cannot open: names the file, the format and why."""
    head = data[:8]
    if not head:
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


def source(path: str, data: bytes):
    """What a library reads a document from: the bytes read already, else (a reader called with a path alone,
    as the tests do) the path."""
    import io
    return io.BytesIO(data) if data else path


def check_unpacked(path: str, data: bytes, limits: Limits | None) -> None:
    """A .docx / .xlsx (a zip of XML parts) whose XML would unpack beyond the file-size limit is refused before
    its library parses it all into memory (a zip bomb); a file that is no zip is left to the library to refuse."""
    import zipfile
    if not data or limits is None:
        return
    try:
        with zipfile.ZipFile(source(path, data)) as z:
            unpacked = sum(i.file_size for i in z.infolist() if i.filename.lower().endswith((".xml", ".rels")))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return
    if unpacked > limits.file_size:
        raise too_large(path, unpacked, limits, "its unpacked XML")


Reader = Callable[[str, bytes, "Limits | None"], Rendering]


@dataclass(frozen=True)
class FileFormat:
    name: str
    suffixes: tuple[str, ...]
    media_type: str
    # (path, the file's bytes, the limits) → its rows; a LoadError for a file it cannot read. The bytes are
    # what loaders.dispatch read (bounded by the file-size limit): a reader parses them, not the path again.
    read: Reader


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

"""What the layout producers share: telling running text from table cells, and the anchors of a table."""
from __future__ import annotations

import re

from cnbudget.loaders.labels import is_marker, is_note, table_title_type
from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import PART_HEADING, clean_label, nfkc

_PART = PART_HEADING
_SENTENCE = re.compile(r"[。；;！!？?]")


def is_prose(text: str) -> bool:
    """Running text rather than a table cell: a long line, or a sentence (。；)."""
    t = clean_label(nfkc(text))
    return len(t) > 60 or (len(t) > 12 and bool(_SENTENCE.search(t)))


def is_part_heading(text: str) -> bool:
    return bool(_PART.match(nfkc(text)))


def is_anchor(text: str) -> bool:
    """Where a table begins: its marker (公开03表) or a known table title."""
    return is_marker(text) or table_title_type(text) is not None


def ends_stream(text: str) -> bool:
    """A line that no table's cell stream runs past: running text, a note, a part heading, another table."""
    return is_prose(text) or is_note(text) or is_part_heading(text) or is_anchor(text)


def paragraph(cell: Cell) -> Row:
    return Row(cells=[Cell(cell.text, cell.line)], line=cell.line, paragraph=True)


def single(cell: Cell) -> Row:
    return Row(cells=[Cell(cell.text, cell.line)], line=cell.line)


__all__ = ["is_prose", "is_part_heading", "is_anchor", "ends_stream", "paragraph", "single"]

"""PDF with a text layer → rows (pdfplumber).

Pages are read in order. On each page the ruled tables (`find_tables`, which finds tables by
their drawn lines) become rows of cells, and the text outside every table becomes paragraph
rows, all in reading order top to bottom, each table at its place among the text. A line the
PDF wrapped is joined to the one above: it starts at the left edge, right under it, and its
first word would not have fitted on it; so a paragraph starts at an indented line (Chinese
documents indent two characters), after a short line or after vertical space, and one broken
by a page break is joined again. Inside a table cell, wrapped lines are joined the same way and
line breaks the document made are kept. A table split over pages is read on, row by row.

Merged cells: `extract` gives None for the grid cells a merged cell covers; they are dropped, so
a merged cell is one cell. A table without drawn lines is not found as a table: its text comes
out as paragraphs.

Line numbers (`Cell.line`, `Row.line`): the line in the tab-layout rendering of the document
(loaders/formats/__init__.py), pages one after another: one per paragraph, one per table cell
line, a blank line after each table row. Errors also name the page.

A PDF without a text layer (a scan) is refused: it needs OCR first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from cnbudget.loaders.errors import LoadError
from cnbudget.loaders.formats.registry import Rendering, file_format, source, too_much_text, unreadable
from cnbudget.loaders.limits import Limits

_ASCII_END = re.compile(r"[A-Za-z0-9,.;:]$")
_ASCII_START = re.compile(r"^[A-Za-z0-9(]")
_NO_BREAK_BEFORE = set("，。、；：？！）》」』”’%,.;:!?)")  # punctuation a line never starts with


@dataclass
class _Paragraph:
    top: float
    text: str
    opens: bool  # its first line starts at the left edge: it may continue a paragraph before it
    first_word: float  # width of its first line's first word
    room: float  # space its last line leaves before the right edge
    size: float  # font size of its first line

    def continued_by(self, other: "_Paragraph", size: float) -> bool:
        """`other` is the rest of this paragraph: it starts unindented with a word that did not fit, in the same
        type size (a centred title as wide as the page's text is not continued by the 单位 line under it)."""
        return other.opens and other.first_word >= self.room - size / 2 and abs(other.size - self.size) < 0.5


@file_format("pdf", (".pdf",), "application/pdf")
def read(path: str, data: bytes = b"", limits: Limits | None = None) -> Rendering:
    import pdfplumber  # imported here so that loading text files does not pay for it

    try:
        pdf = pdfplumber.open(source(path, data))
    except Exception as e:  # pdfminer's syntax, password and parser errors
        raise unreadable(path, "PDF", e, data) from None
    try:
        pages = pdf.pages  # parses the page tree: a broken file may fail only here
    except Exception as e:
        if not pdf.stream_is_external:  # not pdf.close(): it walks the broken page tree again and raises anew
            pdf.stream.close()
        raise unreadable(path, "PDF", e, data) from None
    chars = 0
    found: list[tuple[int, list]] = []
    with pdf:
        for number, page in enumerate(pages, 1):
            try:
                chars += len(page.chars)
                if limits is not None and chars > limits.text_size:
                    raise too_much_text(path, None, limits)
                found.append((number, _page_items(page)))
            except LoadError:
                raise
            except Exception as e:  # a broken content stream on this page
                raise LoadError(path, None, f"page {number} cannot be read ({type(e).__name__}: {e})") from None
            page.close()  # drop the page's parsed objects: long documents stay small in memory
    if chars == 0:
        raise LoadError(path, None, f"the PDF has no text layer (a scanned image of {len(pages)} page(s)?); "
                        "run OCR on it first, e.g. `ocrmypdf in.pdf out.pdf`, or load the original document")
    out = Rendering(path=path, limits=limits)
    out.alternative = out.paragraphs_as_text
    last = None  # the paragraph read last, until the next item: a page break may fall inside it
    for number, items in found:
        out.locate(f"page {number}")
        for item in items:
            if isinstance(item, _Paragraph):
                if last is not None and last.continued_by(item, item.size):  # over a page break
                    last.text, last.room = _join(last.text, item.text), item.room
                    continue
                if last is not None:
                    out.paragraph(last.text)
                last = item
                continue
            if last is not None:
                out.paragraph(last.text)
                last = None
            for row in item:
                out.table_row(row)
    if last is not None:
        out.paragraph(last.text)
    return out.flattened_tables()


def _page_items(page) -> list:
    """The tables (lists of rows) and paragraphs of one page, top to bottom."""
    items: list[tuple[float, object]] = []
    boxes = []
    for table in page.find_tables():
        boxes.append(table.bbox)
        rows = [_cells(page, row) for row in table.rows]
        items.append((table.bbox[1], [r for r in rows if r]))

    def outside(obj) -> bool:
        return obj.get("object_type") != "char" or not any(_inside(obj, box) for box in boxes)

    text = page.filter(outside) if boxes else page
    items.extend((p.top, p) for p in _paragraphs(text.extract_text_lines(return_chars=True)))
    items.sort(key=lambda item: item[0])  # stable: a table and text at the same height keep their order
    return [item for _, item in items]


def _cells(page, row) -> list[str]:
    """The texts of a table row's cells, as `Table.extract` gives them (the same loop, which also
    gives each cell's chars), the grid cells a merged cell covers (None) left out, and lines the
    PDF wrapped inside a cell joined again."""
    from pdfplumber.utils import extract_text

    row_chars = [c for c in page.chars if _inside(c, row.bbox)]
    texts = []
    for bbox in row.cells:
        if bbox is None:
            continue
        chars = [c for c in row_chars if _inside(c, bbox)]
        text = extract_text(chars) if chars else ""
        texts.append(_unwrap(text, chars, bbox) if "\n" in text else text)
    return texts


def _inside(char: dict, bbox) -> bool:
    """The char's centre lies in the box (as pdfplumber assigns chars to table cells)."""
    x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    x0, top, x1, bottom = bbox
    return x0 <= x < x1 and top <= y < bottom


def _unwrap(text: str, chars: list[dict], bbox) -> str:
    """A cell's text with the lines the PDF wrapped (the next line's first word did not fit) joined;
    line breaks the document made (预算数 / （万元）) kept."""
    from pdfplumber.utils import cluster_objects

    pieces = text.split("\n")
    lines = cluster_objects(chars, "top", 3)  # extract_text's own line tolerance
    if len(lines) != len(pieces):
        return text  # cannot pair the text's lines with their positions: keep the breaks
    pad = min(c["x0"] for c in chars) - bbox[0]  # the cell's inner margin, taken as equal on both sides
    right = bbox[2] - pad
    out = [pieces[0]]
    for above, line, piece in zip(lines, lines[1:], pieces[1:]):
        line = sorted(line, key=lambda c: c["x0"])
        size = max(c.get("size", 0) for c in line)
        if _first_word(line) >= right - max(c["x1"] for c in above) - size / 2:
            out[-1] = _join(out[-1], piece)
        else:
            out.append(piece)
    return "\n".join(out)


def _paragraphs(lines: list[dict]) -> list[_Paragraph]:
    """Wrapped lines joined into paragraphs."""
    if not lines:
        return []
    left = min(ln["x0"] for ln in lines)
    right = max(ln["x1"] for ln in lines)
    out: list[_Paragraph] = []
    previous = None
    for ln in lines:
        size = max((c.get("size", 0) for c in ln["chars"]), default=0) or (ln["bottom"] - ln["top"])
        line = _Paragraph(ln["top"], ln["text"], ln["x0"] <= left + size / 2, _first_word(ln["chars"]),
                          right - ln["x1"], size)
        # a line the PDF wrapped: right under the line above, which its first word would not have fitted
        if previous is not None and out[-1].continued_by(line, size) and ln["top"] - previous["bottom"] <= 0.8 * size:
            out[-1].text, out[-1].room = _join(out[-1].text, line.text), line.room
        else:
            out.append(line)
        previous = ln
    return out


def _first_word(chars: list[dict]) -> float:
    """The width of what a line could not have been broken inside: a run of ASCII (a number, a word),
    else one character, with the punctuation after it."""
    k = 0
    while k < len(chars) and chars[k]["text"].isascii() and not chars[k]["text"].isspace():
        k += 1
    k = max(k, 1)
    while k < len(chars) and chars[k]["text"] in _NO_BREAK_BEFORE:
        k += 1
    return chars[k - 1]["x1"] - chars[0]["x0"] if chars else 0.0


def _join(before: str, after: str) -> str:
    return before + (" " if _ASCII_END.search(before) and _ASCII_START.match(after) else "") + after

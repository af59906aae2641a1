"""Layouts that print table cells with '|'.

* `pipe_cell_rows` — one cell per line, each ending in " |" (spreadsheets saved from web pages:
  黔南州 …). A row's empty cells are printed as bare '|' after its last cell ("0.00 | |||"), or
  as a line of bare pipes, so they end the row; where they sit in the row is not printed, so they
  are left out. A text whose cells never end a row that way is read as a cell stream
  (loaders/layouts/stream.py). A last line without its closing '|' is a cell cut off: not read,
  with a warning.
* `pipe_rows` — one row per line, cells separated by '|' ("a | b | c |"), the empty cells left out
  or left at the end (大英县 …): the cells that are there, in order; the table readers align
  them by the header.

Lines without a '|' are running text.
"""
from __future__ import annotations

import re

from cnbudget.loaders.labels import is_column_label
from cnbudget.loaders.layouts.common import is_prose, paragraph
from cnbudget.loaders.layouts.lines import stream_rows
from cnbudget.loaders.layouts.registry import Layout, NormalisedText, normalised, register
from cnbudget.loaders.layouts.stream import group
from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import iter_lines, parse_amount


def _split(line: str) -> list[str]:
    return [p.strip() for p in line.split("|")]


def pipe_cell_rows(text: str, path: str, warnings: list[str]) -> list[Row]:
    lines = [raw.rstrip("\r").rstrip() for raw in text.split("\n")]
    if _separated_by_bars(lines):  # cell | cell | | cell, one per line: a bar between cells, two around an empty one
        return stream_rows(_bar_items(lines), True, path, warnings)
    last = max((n for n, l in enumerate(lines, 1) if l.strip()), default=0)
    rows: list[Row] = []
    current: list[Cell] = []
    ended = 0  # rows ended by their empty cells

    def close():
        nonlocal current
        if current:
            rows.append(Row(cells=current, line=current[0].line))
            current = []

    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if "|" not in line:
            if current and n == last:
                warnings.append(f"{path}:{n}: the text ends inside a cell ({line.strip()!r} has no closing '|'); "
                                "the document appears cut off here, and the cell is not read")
                continue
            close()
            rows.append(paragraph(Cell(line, n)))
            continue
        parts = _split(line)
        texts = [p for p in parts if p]
        if len(texts) > 1:  # a whole row on one line
            close()
            rows.append(Row(cells=[Cell(p, n) for p in texts], line=n))
            continue
        if texts and not current and is_prose(texts[0]):
            rows.append(Row(cells=[Cell(texts[0], n)], line=n))  # a note between rows, in a cell of its own
            continue
        if texts:
            current.append(Cell(texts[0], n))
        if len(parts) > 2 or not texts:  # the row's empty cells: the row ends here
            ended += 1
            close()
    close()
    rows = [r for row in rows for h in _header_apart(row) for r in _rows_apart(h)]
    if ended == 0:  # nothing marks a row's end: a stream of cells
        items = [Cell(_split(l)[0] if "|" in l else l, n) for n, l in enumerate(lines, 1) if l.strip()]
        return stream_rows(items, False, path, warnings)
    return _regroup_stubless(rows, path, warnings)


def _separated_by_bars(lines: list[str]) -> bool:
    """Cells printed one per line with a line holding only '|' between them (a web table saved as text): most
    lines with a '|' hold nothing else, and hardly any cell line ends in one."""
    bars = sum(1 for l in lines if l.strip() == "|")
    ended = sum(1 for l in lines if "|" in l and l.strip() != "|")
    return bars >= 4 and ended <= 0.1 * bars


def _bar_items(lines: list[str]) -> list[Cell]:
    """Each line with text a cell; n bars between two cells stand for n-1 empty cells."""
    items: list[Cell] = []
    bars: list[int] = []
    for n, line in enumerate(lines, 1):
        if line.strip() == "|":
            bars.append(n)
        elif line.strip():
            if items:
                items += [Cell("", b) for b in bars[1:]]
            bars = []
            items.append(Cell(line.strip(), n))
    return items


def _header_apart(row: Row) -> list[Row]:
    """A header whose row end is not printed runs into the first data row (年初预算 | 调整后预算数 | … | 原因 |
    总额 | 238.93 | …): the header is the labels before the data row's stub, the label right before its first
    figure. Told apart only where the labels before the stub are column labels (two or more)."""
    first = next((k for k, c in enumerate(row.cells) if parse_amount(c.text) is not None), None)
    if row.paragraph or first is None or first < 4:
        return [row]
    labels = row.cells[:first - 1]
    if sum(is_column_label(c.text) for c in labels) < 2:
        return [row]
    return [Row(cells=labels, line=row.line), Row(cells=row.cells[first - 1:], line=row.cells[first - 1].line)]


def _rows_apart(row: Row) -> list[Row]:
    """Rows whose ends are not printed run into one (其中:财政资金 | 238.93 | … | / | / | 财政专户管理资金 | 0.00 |
    …): cut before each label that follows a figure or a dash and is followed by a figure. Only where three
    rows or more run together, each with a figure: two labels with figures in a row are the two sides of a
    收支 table."""
    cells = row.cells
    starts = [0] + [k for k in range(1, len(cells) - 1)
                    if _label(cells[k]) and not _label(cells[k - 1]) and parse_amount(cells[k + 1].text) is not None]
    if row.paragraph or len(starts) < 3:
        return [row]
    parts = [cells[a:b] for a, b in zip(starts, starts[1:] + [len(cells)])]
    if not all(any(parse_amount(c.text) is not None for c in p) for p in parts):
        return [row]
    return [Row(cells=p, line=p[0].line) for p in parts]


def _label(c: Cell) -> bool:
    t = c.text.strip()
    return bool(t) and parse_amount(t) is None and not re.search(r"\d", t) and t.strip("/—-－ ") != ""


def _regroup_stubless(rows: list[Row], path: str, warnings: list[str]) -> list[Row]:
    """A table without a stub (categories as columns: “三公”经费合计 | 因公出国(境)费 | …, a row of figures under
    them) loses where its cells stand when its rows' empty cells are collapsed: its cells are read again as a
    stream (loaders/layouts/stream.py places the header labels over one another by the items they name)."""
    out: list[Row] = []
    k = 0
    while k < len(rows):
        j = k
        while j < len(rows) and not rows[j].paragraph:
            j += 1
        block = rows[k:j]
        if len(block) >= 2 and not any(_figures(r) for r in block[:-1]) and _figures(block[-1]) == len(block[-1].cells):
            regrouped, used = group([c for r in block for c in r.cells], False, True, path, warnings)
            if regrouped and used == sum(len(r.cells) for r in block):
                out += regrouped
                out += rows[j:j + 1]
                k = j + 1
                continue
        out += rows[k:j + 1]
        k = j + 1
    return out


def _figures(row: Row) -> int:
    return sum(parse_amount(c.text) is not None for c in row.cells)


def pipe_rows(text: str, path: str, warnings: list[str]) -> list[Row]:
    rows: list[Row] = []
    for n, raw in enumerate(iter_lines(text), 1):
        line = raw.rstrip("\r").rstrip()
        if not line.strip():
            continue
        if "|" not in line:
            rows.append(paragraph(Cell(line, n)))
            continue
        parts = _split(line)
        while parts and not parts[-1]:
            parts.pop()
        if parts and not parts[0] and line.lstrip().startswith("|"):
            parts.pop(0)  # "| a | b |": the leading bar opens the row
        if len([p for p in parts if p]) == 1 and is_prose(parts[0] or parts[-1]):
            rows.append(paragraph(Cell(next(p for p in parts if p), n)))  # a sentence the page put in a cell
        elif parts:
            rows.append(Row(cells=[Cell(p, n) for p in parts], line=n))
    return rows


def _piped(doc: NormalisedText) -> list[str] | None:
    """The lines with a '|', when they are enough to mark a layout with pipes; else None."""
    piped = [l for _, l in doc.nonblank if "|" in l]
    return piped if doc.enough(len(piped)) else None


def _mostly_rows(piped: list[str]) -> bool:
    """Half or more of the lines with a '|' hold two cells or more: one row per line."""
    rows = sum(1 for l in piped if len([p for p in l.split("|") if p.strip()]) >= 2)
    return rows >= 0.5 * len(piped)


def _is_pipe_cells(doc: NormalisedText) -> bool:
    piped = _piped(doc)
    return piped is not None and not _mostly_rows(piped)


def _is_pipe_rows(doc: NormalisedText) -> bool:
    piped = _piped(doc)
    return piped is not None and _mostly_rows(piped)


# one test tells the two apart (_mostly_rows), so their order between themselves does not matter
PIPE_CELLS = register(Layout("pipe-cells", "table cells one per line ending in ' |'", normalised(pipe_cell_rows),
                             _is_pipe_cells, order=30))
PIPE_ROWS = register(Layout("pipe-rows", "table rows one per line, cells separated by '|'", normalised(pipe_rows),
                            _is_pipe_rows, order=31))

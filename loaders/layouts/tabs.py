"""The tab layout → rows of cells.

The layout found in Word-extracted disclosures: each table cell on its own line
starting with a tab, a blank line between table rows; a line without the tab
continues the cell above (a header wrapped over lines), or, outside a row, is a
paragraph of narrative. The other layouts, and telling them apart, are in
loaders/layouts/.
"""
from __future__ import annotations

from cnbudget.loaders.layouts.registry import Layout, NormalisedText, normalised, register
from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import iter_lines


def tab_cell_rows(text: str) -> list[Row]:
    rows: list[Row] = []
    current: Row | None = None
    # the lines that continue the row's last cell, joined to it once the cell is complete: joining them
    # line by line copied the cell again at every line (quadratic in a long run of such lines)
    more: list[str] = []

    def finish() -> None:
        if more:
            last = current.cells[-1]
            last.text = _continued(last.text, more)
            more.clear()

    for n, raw in enumerate(iter_lines(text), 1):
        raw = raw.rstrip("\r")
        if raw.startswith("\t"):
            if current is None:
                current = Row(cells=[], line=n)
            finish()
            current.cells.append(Cell(raw.lstrip("\t"), n))
        elif raw.strip() == "":
            if current is not None:
                finish()
                rows.append(current)
                current = None
        elif current is not None and current.cells:
            more.append(raw)
        else:
            rows.append(Row(cells=[Cell(raw, n)], line=n, paragraph=True))
    if current is not None:
        finish()
        rows.append(current)
    return rows


def _continued(text: str, lines: list[str]) -> str:
    """A cell's text with the lines that continue it: each after a line break, the first in place of a
    blank text."""
    if not text.strip():
        text, lines = lines[0], lines[1:]
    return "\n".join([text, *lines])


def is_tab_layout(text: str) -> bool:
    lines = [l for l in text.split("\n") if l.strip()]
    return bool(lines) and sum(l.startswith("\t") for l in lines) >= 0.2 * len(lines)


def _tab(text: str, path: str, warnings: list[str]) -> list[Row]:
    return tab_cell_rows(text)


def _is_tab(doc: NormalisedText) -> bool:
    """`is_tab_layout` of the text, on the lines detection has already cut."""
    return bool(doc.nonblank) and doc.enough(sum(line.startswith("\t") for _, line in doc.nonblank))


TAB = register(Layout("tab", "table cells one per line, tab indented", normalised(_tab), _is_tab, order=10))

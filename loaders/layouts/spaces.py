"""Space-aligned columns: each table row on one line, its cells separated by runs of two or more
spaces (or full-width spaces, or tabs inside the line) — text copied from fixed-width tables
(岳阳县 …).

A table block is a run of non-blank lines that are not running text, at least one of them with two
or more cells; every line of a block is a row (a one-cell line in it is a title, a metadata line,
a row with only its name, or a section row). A header separated by single spaces
(项目 2016年执行数 2017年预算数) is split at them when it starts with a stub label or gives as
many cells as the widest row. The trailing spaces of a row whose last cells are empty do not
say how many, so they are left out: the table reader aligns the row by its header. Everything
else is running text.
"""
from __future__ import annotations

import re

from loaders.layouts.common import is_prose, paragraph
from loaders.records import Cell, Row
from loaders.tables import stub_role

GAP = re.compile(r"[ \t\u00a0]{2,}|[ \t\u00a0]*\u3000[ \t\u00a0\u3000]*|(?<=\S)\t+(?=\S)")


def split_cells(line: str) -> list[str]:
    """The cells of a line: split at runs of 2+ spaces or at full-width spaces; the first cell keeps
    its indentation (a sub-item is printed indented)."""
    body = line.strip()
    if not body:
        return []
    lead = line[: len(line) - len(line.lstrip())].replace("\t", "")
    parts = [p for p in GAP.split(body) if p.strip()]
    if parts:
        parts[0] = lead + parts[0]
    return parts


def _header_tokens(text: str, widest: int) -> list[str] | None:
    tokens = text.strip().split(" ")
    if len(tokens) < 2 or any(len(t) < 2 or is_prose(t) for t in tokens):
        return None
    if stub_role(tokens[0]) or len(tokens) == widest:
        return tokens
    return None


def space_rows(text: str, path: str, warnings: list[str]) -> list[Row]:
    lines = [(n, raw.rstrip("\r")) for n, raw in enumerate(text.split("\n"), 1)]
    rows: list[Row] = []
    block: list[tuple[int, str, list[str]]] = []

    def flush():
        if not block:
            return
        widest = max(len(cells) for _, _, cells in block)
        for n, line, cells in block:
            if widest < 2:
                rows.append(paragraph(Cell(line.strip(), n)))
                continue
            if len(cells) == 1:
                cells = _header_tokens(cells[0], widest) or cells
            rows.append(Row(cells=[Cell(c.rstrip(), n) for c in cells], line=n))
        block.clear()

    for n, line in lines:
        if not line.strip():
            flush()
            continue
        if is_prose(line):
            flush()
            rows.append(paragraph(Cell(line.strip(), n)))
            continue
        block.append((n, line, split_cells(line)))
    flush()
    return rows

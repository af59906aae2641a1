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

Text copied from a PDF wraps a long label over lines: `一般公共预算财政拨款收` with its figures, then `入`
alone on the next line (`2110301 其他环境保护管理事务支` / `出`). Inside a table's rows of figures, a line
with no figure whose cells are short fragments (no known label, title, metadata, note or stub) is such a
continuation: each fragment is joined to the label above it (the label cell of the row before that starts
nearest its column), or to the label below it where only that makes a known label, where the fragment
begins with an ordinal or code (一、 / 2110301), or where no row of figures comes before it. Amounts broken
over lines (1,234. / 56) are not put back together.
"""
from __future__ import annotations

import re

from cnbudget.loaders import vocab
from cnbudget.loaders.labels import column_numbers, is_meta, is_note, is_total_label, stub_role
from cnbudget.loaders.layouts.common import is_anchor, is_prose, paragraph
from cnbudget.loaders.layouts.registry import Layout, NormalisedText, normalised, register
from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import (is_blank, iter_lines, label_key, looks_numeric, nfkc, parse_amount,
                                   strip_ordinal)

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
    lines = ((n, raw.rstrip("\r")) for n, raw in enumerate(iter_lines(text), 1))
    rows: list[Row] = []
    block: list[tuple[int, str, list[str]]] = []

    def flush():
        if not block:
            return
        block[:] = _join_wrapped(block)
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


# --- labels wrapped over lines (PDF text) -------------------------------------------------------------

_FRAGMENT_MAX = 12
_HEAD = re.compile(r"^(?:\d{3,7}\s*\S|\d{1,2}[、.．](?!\d)|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|其中)")


def _starts(line: str) -> list[int]:
    """The column where each cell of a line starts."""
    out, pos = [], 0
    for part in GAP.split(line):
        if part.strip():
            at = line.find(part, pos)
            out.append(at + len(part) - len(part.lstrip()))
            pos = at + len(part)
        else:
            pos += len(part)
    return out


def _figure(text: str) -> bool:
    return not is_blank(text) and (parse_amount(text) is not None or looks_numeric(text))


def _known(text: str) -> bool:
    return bool(vocab.item_for(text) or vocab.functional_class_for(text) or vocab.phase_for(text)
                or stub_role(text) or is_total_label(text))


def _labels(cells: list[str], starts: list[int]) -> list[tuple[int, int]]:
    """(cell index, column) of the label cells of a row of figures: text that is not a figure or a code."""
    return [(k, at) for k, (c, at) in enumerate(zip(cells, starts))
            if not _figure(c) and not re.fullmatch(r"\d{3,7}", nfkc(c).strip())]


def _fragment(text: str) -> bool:
    t = text.strip()
    return (0 < len(t) <= _FRAGMENT_MAX and not _figure(t) and not _known(t) and not is_anchor(t)
            and not is_meta(t) and not is_note(t) and bool(strip_ordinal(t)) and not re.search(r"[。；;：:]", t))


def _nearest(labels: list[tuple[int, int]], at: int) -> int | None:
    """The label cell whose column is nearest `at` from the left (or the first one)."""
    if not labels:
        return None
    left = [(k, col) for k, col in labels if col <= at + 2]
    return (max(left, key=lambda x: x[1]) if left else labels[0])[0]


def _join_wrapped(block: list[tuple[int, str, list[str]]]) -> list[tuple[int, str, list[str]]]:
    """A block with its label continuation lines joined to the labels they continue (see the docstring)."""
    has_figure = [_data_row(cells) for _, _, cells in block]
    out: list[tuple[int, str, list[str]]] = []
    ahead: dict[int, dict[int, str]] = {}  # block index → cell index → text to put before the cell
    for i, (n, line, cells) in enumerate(block):
        cells = list(cells)
        for k, text in ahead.pop(i, {}).items():
            cells[k] = _prefix(text, cells[k])
        prev = len(out) - 1 if out and _data_row(out[-1][2]) else None
        nxt = i + 1 if i + 1 < len(block) and has_figure[i + 1] else None
        coded = _coded_head(cells)
        if coded and nxt is not None and not has_figure[i]:
            # 2110299 其他环境监测与 / 监察支出 624.88 …: a code and the beginning of its name above the figures
            q = _nearest(_labels(block[nxt][2], _starts(block[nxt][1])), 0)
            if q is not None and q == 0 and not _HEAD.match(block[nxt][2][0].strip()):
                ahead.setdefault(nxt, {})[0] = coded + " "
                continue
        if has_figure[i] or (prev is None and nxt is None) or not all(_fragment(c) for c in cells):
            out.append((n, line, cells))
            continue
        starts = _starts(line)
        p_labels = _labels(out[prev][2], _starts(out[prev][1])) if prev is not None else []
        n_labels = _labels(block[nxt][2], _starts(block[nxt][1])) if nxt is not None else []
        moves = []
        for text, at in zip(cells, starts):
            text = text.strip()
            p = _nearest(p_labels, at)
            q = _nearest(n_labels, at)
            before = out[prev][2][p] if p is not None else None
            after = block[nxt][2][q] if q is not None else None
            head = bool(_HEAD.match(text))  # a label's beginning: never the tail of the one above
            after_head = after is not None and bool(_HEAD.match(after.strip()))
            if before is not None and not head and _known(_joined(before, text)):
                moves.append(("prev", p, text))
            elif after is not None and not after_head and _known(_joined(text, after)):
                moves.append(("next", q, text))
            elif after is not None and not after_head and (before is None or head):
                moves.append(("next", q, text))
            elif before is not None and not head:
                moves.append(("prev", p, text))
            else:
                moves = []
                break
        if not moves:
            out.append((n, line, cells))
            continue
        for where, k, text in moves:
            if where == "prev":
                pn, pline, pcells = out[prev]
                pcells = list(pcells)
                pcells[k] = pcells[k].rstrip() + text
                out[prev] = (pn, pline, pcells)
            else:
                ahead.setdefault(nxt, {})[k] = ahead.get(nxt, {}).get(k, "") + text
    return out


def _data_row(cells: list[str]) -> bool:
    """A row of figures (not the 栏次 row of column numbers)."""
    if not any(_figure(c) for c in cells) or _coded_head(cells):
        return False
    return column_numbers(Row(cells=[Cell(c, 0) for c in cells], line=0)) is None


def _coded_head(cells: list[str]) -> str | None:
    """'code name-beginning' of a line that holds only a code and a short text (no figure)."""
    texts = [c.strip() for c in cells if c.strip()]
    joined = " ".join(texts)
    m = re.fullmatch(r"(\d{3,7})\s+(\S{1,20})", nfkc(joined))
    if not m or _figure(m.group(2)) or _known(m.group(2)):
        return None
    return joined


def _joined(a: str, b: str) -> str:
    return a.rstrip() + b.strip()


def _prefix(text: str, cell: str) -> str:
    """`text` put before a cell's label, after its code and indentation (2110301 大气 → 2110301 <text>大气)."""
    lead = cell[: len(cell) - len(cell.lstrip())]
    body = cell.lstrip()
    m = re.match(r"^\d{3,7}\s+", body)
    if m and not _HEAD.match(text):  # the code stays first
        return lead + body[:m.end()] + text + body[m.end():]
    return lead + text + body


def _is_spaces(doc: NormalisedText) -> bool:
    return doc.enough(sum(1 for _, l in doc.nonblank if GAP.search(l.strip())))


SPACES = register(Layout("spaces", "table rows one per line, cells separated by runs of spaces", normalised(space_rows),
                         _is_spaces, order=60))

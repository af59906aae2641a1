"""A table printed as a stream of cells, one per line, with nothing to mark where a row ends.

Web pages and converters print a table cell by cell: the header cells row by row (a cell
spanning columns printed once, a cell spanning rows printed only in its first row), then
the data cells. `group` recovers the rows from what the table itself says:

* the 栏次 row (栏次 | | 1 | 栏次 | | 2) closes the header; where the layout marks empty cells,
  its length is the table's width;
* the 行次 numbers of the data rows (1, 2, 3 … at a fixed distance) give the width;
* the header labels give the columns (`stream_header.decode_header`);
* the first data row begins with as many text cells as the header has name columns before its
  first figure.

Each data row is then read column by column: per side of the table its stub (code and name, or
a label printed once over both: 合计) and exactly as many cells as the side has value columns. A
row that does not fit ends the table; its cells go back to the running text, and the producer
warns when figures are among them. A header that cannot be placed over the rows is not guessed:
the table is not read.
"""
from __future__ import annotations

import re
from collections import Counter

from cnbudget.loaders.labels import SUBJECT_CODE
from cnbudget.loaders.layouts.stream_header import decode_header
from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import is_blank, label_key, looks_numeric, nfkc, parse_amount


def _blank(c: Cell) -> bool:
    return is_blank(c.text)


def _numeric(c: Cell) -> bool:
    return not _blank(c) and (parse_amount(c.text) is not None or looks_numeric(c.text))


def _small_int(c: Cell) -> int | None:
    t = nfkc(c.text).strip()
    return int(t) if t.isdigit() and len(t) <= 3 else None


def _text(c: Cell) -> bool:
    return not _blank(c) and not _numeric(c)


def _fits(chunk: list[Cell], roles: list[str]) -> bool:
    """A data row under these columns: figures under value columns, 行次 under 行次, no bare number as a name."""
    for c, r in zip(chunk, roles):
        if _blank(c):
            continue
        if r == "value" and not _numeric(c):
            return False
        if r == "rownum" and _small_int(c) is None:
            return False
        if r == "name" and _numeric(c):
            return False
    return True


def side_columns(roles: list[str]) -> list[tuple[list[str], int]]:
    """Per side of the table (收入 | 支出 …): its stub roles (code / name / 行次) and its number of value columns."""
    sides: list[tuple[list[str], int]] = []
    for r in roles:
        if r == "value":
            if not sides:
                sides.append(([], 0))
            sides[-1] = (sides[-1][0], sides[-1][1] + 1)
        elif not sides or sides[-1][1]:
            sides.append(([r], 0))
        else:
            sides[-1][0].append(r)
    return sides


def _code(c: Cell) -> bool:
    return bool(SUBJECT_CODE.match(nfkc(c.text).strip()))


def _value(c: Cell, strict: bool) -> bool:
    """A cell a value column can hold: a figure or a blank. `strict`: the table prints its amounts with
    decimals (0.00), so a bare code (301, 2011) is a row's code, not an amount."""
    return _blank(c) or (_numeric(c) and not (strict and _code(c)))


def has_decimal_amounts(items: list[Cell]) -> bool:
    """Whether the table prints its amounts with decimals (0.00): three or more figures (codes and 行次 aside),
    four in five of them ending in two decimals."""
    return decimal_amounts([t for t in map(figure_text, items) if t is not None])


def figure_text(c: Cell) -> str | None:
    """A cell's figure as `has_decimal_amounts` counts it (normalised; a code or 行次 is none), else None."""
    return nfkc(c.text).strip() if _numeric(c) and not _code(c) and _small_int(c) is None else None


def decimal_amounts(figures: list[str]) -> bool:
    """`has_decimal_amounts` of the figures `figure_text` gives."""
    return len(figures) >= 3 and sum(bool(_TWO_DECIMALS.search(t)) for t in figures) >= 0.8 * len(figures)


_TWO_DECIMALS = re.compile(r"\.\d\d$")


def _row_start(items: list[Cell], k: int) -> bool:
    """Whether a row can begin at k: the end of the cells, a code, a name or an empty cell."""
    return k >= len(items) or _code(items[k]) or not _numeric(items[k])


def _stub_width(items: list[Cell], k: int, stubs: list[str], n_values: int, strict: bool) -> int | None:
    """How many cells the row's stub takes at k: all its columns, or one where a label spans the code and
    name columns (合计 printed once over both); None when no stub can begin here."""
    if not stubs:
        return 0
    if k >= len(items):
        return None
    c = items[k]
    if "code" in stubs and "name" in stubs and not _code(c) and not _blank(c):
        if _numeric(c):
            return None
        nxt = items[k + 1] if k + 1 < len(items) else None
        if nxt is None or _numeric(nxt):
            return 1  # 合计 | 13,202.51 …
        if _blank(nxt):  # 合计 | (blank) …: the blank is the name, or the first figure
            full = len(stubs)
            if not _values_at(items, k + full, n_values, strict) or not _row_start(items, k + full + n_values):
                if _values_at(items, k + 1, n_values, strict) and _row_start(items, k + 1 + n_values):
                    return 1
        return len(stubs)
    return len(stubs) if _fits(items[k:k + len(stubs)], stubs) else None


def _values_at(items: list[Cell], k: int, n: int, strict: bool) -> bool:
    return all(_value(c, strict) for c in items[k:k + n])


def _parse_row(items: list[Cell], k: int, sides: list[tuple[list[str], int]],
               strict: bool = False) -> tuple[list[Cell], int, bool] | None:
    """One data row at k: per side, its stub then its values. Returns (cells, next index, complete);
    None when no row begins at k. A row may end after a side (人员经费合计 2,378.63 | 公用经费合计 347.17)."""
    cells: list[Cell] = []
    start = k
    for n_side, (stubs, n_values) in enumerate(sides):
        sw = _stub_width(items, k, stubs, n_values, strict)
        if sw is None:
            if n_side == 0:
                return None
            break
        stub = items[k:k + sw]
        vals = items[k + sw:k + sw + n_values]
        if not all(_value(c, strict) for c in vals) or (sw == len(stubs) and not _fits(stub, stubs)):
            if n_side == 0:
                return None
            break
        if n_side == 0 and not stubs and not any(not _blank(c) for c in vals):
            return None
        cells += stub + vals
        k = min(k + sw + n_values, len(items))
        if len(vals) < n_values or len(stub) < sw:
            return cells, k, False  # the cells ran out inside the row
    if k == start:
        return None
    return cells, k, True


def _rownum_width(items: list[Cell]) -> int | None:
    """The distance between consecutive 行次 numbers (1 … 2 … 3): the width of a row."""
    dist: Counter = Counter()
    for i, c in enumerate(items):
        v = _small_int(c)
        if v is None:
            continue
        for j in range(i + 2, min(len(items), i + 30)):
            if _small_int(items[j]) == v + 1:
                dist[j - i] += 1
                break
    if not dist:
        return None
    w, count = dist.most_common(1)[0]
    return w if count >= 2 else None


def _colnum_run(items: list[Cell], first: int) -> tuple[int, int, int] | None:
    """(start, end, count of column numbers) of the 栏次 row: 栏次 labels, blanks and 1, 2, … in order."""
    s = next((k for k in range(first) if label_key(items[k].text) == "栏次"), None)
    labelled = s is not None
    if s is None:
        if _small_int(items[first]) != 1:
            return None
        s = first
    e, expect = s, 1
    while e < len(items):
        c = items[e]
        if label_key(c.text) == "栏次" or _blank(c):
            e += 1
        elif _small_int(c) == expect:
            expect += 1
            e += 1
        else:
            break
    while e > s and _blank(items[e - 1]):
        e -= 1
    if expect == 1 or (not labelled and expect <= 2):
        return None
    return s, e, expect - 1


def header_candidates(items: list[Cell], first: int, is_text) -> tuple[tuple | None, list[tuple[int, list[Cell]]]]:
    """Where a table's header may end, given its first figure at `first`: after a 栏次 row (1 2 3 …)
    when there is one, else up to four text cells before the figure may already be the first data row's
    labels. Returns the 栏次 run (start, end, count) or None, and (data start, header cells) candidates."""
    colrow = _colnum_run(items, first)
    if colrow is not None:
        return colrow, [(colrow[1], items[:colrow[0]])]
    t = 0
    while t < 4 and first - t - 1 >= 0 and is_text(items[first - t - 1]):
        t += 1
    return None, [(first - k, items[:first - k]) for k in range(t + 1)]


def group(items: list[Cell], marks_empty: bool, at_end: bool, path: str,
          warnings: list[str]) -> tuple[list[Row], int]:
    """The rows of one table from its stream of cells (header cells first, then the data), and how many
    of `items` they take (what follows the table is left). ([], 0) when no row of figures is found.

    `marks_empty`: the layout prints empty cells (as blank items), so a row keeps its empty cells;
    `at_end`: the stream runs to the end of the text, so a last row cut short is kept."""
    first = next((k for k, c in enumerate(items) if _numeric(c)), None)
    if first is None:
        return [], 0
    colrow, candidates = header_candidates(items, first, lambda c: not _numeric(c))
    n_numbers = colrow[2] if colrow else 0

    chosen = None
    # decimals printed in a rate row (-16.77) beside integer amounts (2840) do not make the integers codes: where
    # no reading holds with bare integers taken for codes, they are tried as amounts
    for strict in ((True, False) if has_decimal_amounts(items[first:]) else (False,)):
        chosen = _choose(items, candidates, colrow, n_numbers, at_end, strict)
        if chosen is not None:
            break
    if chosen is None:
        return [], 0
    start, header_rows, roles, sides = chosen
    out = list(header_rows)
    if colrow is not None:
        out.append(Row(cells=items[colrow[0]:colrow[1]], line=items[colrow[0]].line))
    data, k = _rows(items, start, sides, at_end, strict)
    return out + data, k


def _choose(items: list[Cell], candidates, colrow, n_numbers: int, at_end: bool, strict: bool):
    """The reading of the header (data start, header rows, roles, sides) that explains the most cells; None
    when none does."""
    chosen = None
    best = 0
    for start, header in candidates:
        w_rows = _rownum_width(items[start:])
        for header_rows, roles in decode_header(header):
            if not roles or "value" not in roles or (w_rows and len(roles) != w_rows):
                continue
            if colrow is not None and roles.count("value") != n_numbers:
                continue  # the 栏次 row numbers the value columns
            sides = side_columns(roles)
            end = _rows(items, start, sides, at_end, strict)[1]
            if end > max(best, start):  # the reading that explains the most cells; the first of equals
                chosen, best = (start, header_rows, roles, sides), end
    return chosen


def _rows(items: list[Cell], k: int, sides: list[tuple[list[str], int]], at_end: bool,
          strict: bool) -> tuple[list[Row], int]:
    """The data rows from k on, as long as they fit the columns; and where the last one ends."""
    out = []
    end = k
    while k < len(items):
        parsed = _parse_row(items, k, sides, strict)
        if parsed is None:
            break
        cells, k2, complete = parsed
        if not complete and not at_end and not any(_numeric(c) for c in cells):
            break  # a heading after the table, not a row cut short
        k = k2
        if all(_blank(c) for c in cells):
            continue  # a row left empty
        out.append(Row(cells=cells, line=next((c.line for c in cells if not _blank(c)), cells[0].line)))
        end = k
    return out, end


def header_only(items: list[Cell]) -> tuple[list[Row], bool]:
    """A table whose cells give no rows of figures (本表无数据, or rows that do not fit): its header
    labels as one row and its 栏次 row, for the table reader; and whether figures were left out."""
    first = next((k for k, c in enumerate(items) if _numeric(c)), len(items))
    colrow = _colnum_run(items, first) if first < len(items) else None
    stop = colrow[0] if colrow else first
    labels = [c for c in items[:stop] if not _blank(c)]
    rows = [Row(cells=labels, line=labels[0].line)] if labels else []
    end = first
    if colrow:
        rows.append(Row(cells=[c for c in items[colrow[0]:colrow[1]] if not _blank(c)], line=items[colrow[0]].line))
        end = colrow[1]
    return rows, any(_numeric(c) for c in items[end:])

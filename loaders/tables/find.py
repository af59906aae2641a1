"""Finding the tables in rows of cells, and reading each one's header lines and body.

A table starts at its marker (公开NN表), with its title the nearest text before it naming a table, or,
printed without a marker, at a known title followed by rows of figures; it ends where the next one
starts. Its department, year and unit come from the header metadata after its marker; its body runs to
the first paragraph or note, and is split into header rows (read by header.py) and data rows (rows.py).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from cnbudget.loaders import vocab
from cnbudget.loaders.errors import LoadError
from cnbudget.loaders.labels import (MARKER, YEAR, column_numbers, is_marker, is_note, read_meta, stub_role,
                                     table_title_type)
from cnbudget.loaders.records import Figure, Row, Table
from cnbudget.loaders.tables.content import find_by_content, read_header_meta
from cnbudget.loaders.tables.header import read_columns
from cnbudget.loaders.tables.rows import read_rows
from cnbudget.loaders.tables.transpose import transpose, years_as_rows
from cnbudget.loaders.text import clean_label, is_blank, label_key, looks_numeric, nfkc, parse_amount

_EMPTY = re.compile(r"无数据|没有|无此|不涉及|未发生|为空|空表")


@dataclass
class _Start:
    """Where a table starts: its marker (or, for a table printed without one, its title) cell."""
    row: int  # index of the row holding the marker or title cell
    cell: int
    code: str
    number: str  # the marker as printed; "" for a table found by its title
    title_row: int | None
    title: str
    by_content: bool = False  # found by its header and rows (`row` is its first header row)
    unit: str | None = None

    @property
    def first(self) -> int:
        return self.title_row if self.title_row is not None else self.row


def find_tables(rows: list[Row], path: str, warnings: list[str],
                figures: list[Figure] | None = None) -> list[Table]:
    """The tables of a document: each found by its marker (公开NN表) and title, or, printed without a
    marker, by its title alone (a known table title followed by rows of figures). Rows that count
    (公务用车保有量（辆）) rather than hold amounts are added to `figures` when given."""
    starts: list[_Start] = []
    for i, row in enumerate(rows):
        if row.paragraph:
            continue
        for j, cell in enumerate(row.cells):
            m = MARKER.match(nfkc(cell.text))
            if m:
                title_row, title = _find_title(rows, i, j)
                starts.append(_Start(i, j, m.group(1).zfill(2), clean_label(cell.text).replace(" ", ""),
                                     title_row, title))
                break
    marker_rows = [s.row for s in starts]
    taken = set(marker_rows) | {s.title_row for s in starts if s.title_row is not None}
    for i, row in enumerate(rows):
        if i in taken:
            continue
        cells = [c for c in row.cells if not is_blank(c.text)]
        if len(cells) != 1:
            continue
        type_key = table_title_type(cells[0].text)
        if type_key is None or _marker_within(marker_rows, i, 3) or not _body_follows(rows, i + 1):
            continue  # a heading, a contents line, or the title of a marked table
        starts.append(_Start(i, row.cells.index(cells[0]), "", "", i, clean_label(cells[0].text)))
    starts.sort(key=lambda s: s.row)
    for found in find_by_content(rows, _covered(rows, starts)):
        starts.append(_Start(found.header, 0, "", "", found.title_row, found.title, True, found.unit))
    starts.sort(key=lambda s: s.row)
    used = {s.code for s in starts if s.number}
    printed: dict[str, Table] = {}  # marker code → the table first printed under it
    tables = []
    for k, st in enumerate(starts):
        end = starts[k + 1].first if k + 1 < len(starts) else len(rows)
        line = rows[st.first].line
        type_key = vocab.table_type_for(st.title)
        code = st.code
        earlier = printed.get(code) if st.number else None
        if earlier is not None:  # a marker printed again: a table of its own (IRIs), its figures not merged
            code = f"{code}-{k + 1}"
        elif not st.number:  # named after its type's number, or its place among the tables
            code = (type_key and vocab.table_notation(type_key)) or f"t{k + 1}"
            if code in used:
                code = f"{code}-{k + 1}"
            used.add(code)
        table = Table(number=st.number, code=code, title=st.title, line=line, type_key=type_key)
        if earlier is not None:
            _printed_again(table, earlier, path, warnings)
        elif st.number:
            printed[code] = table
        if st.by_content:
            read_header_meta(table, rows, st.row, st.title_row, st.unit)
            _parse_table(table, rows, st.row - 1, len(rows[st.row].cells), end, path, warnings, figures,
                         header=st.row)
        else:
            _parse_table(table, rows, st.row, st.cell, end, path, warnings, figures)
        tables.append(table)
    return tables


def _printed_again(table: Table, earlier: Table, path: str, warnings: list[str]) -> None:
    """A second printing of a marker: the same table restated (same title; its figures are checked against the
    first printing's, kg/interpret/restated.py) or another table under a misprinted number."""
    if label_key(table.title) == label_key(earlier.title):
        table.restates = earlier
        warnings.append(f"{path}:{table.line}: {table.number} is printed again (first at line {earlier.line}); "
                        "read as a table of its own, its figures checked against the first printing")
    else:
        warnings.append(f"{path}:{table.line}: {table.number} is printed again over another title ({table.title}; "
                        f"first at line {earlier.line}: {earlier.title}); read as a table of its own")


def _covered(rows: list[Row], starts: list[_Start]) -> set[int]:
    """The rows of the tables found by marker or title: from the title to the first paragraph after it."""
    covered: set[int] = set()
    for st in starts:
        k = st.row + 1
        while k < len(rows) and not rows[k].paragraph:
            k += 1
        covered.update(range(st.first, k))
    return covered


def _marker_within(marker_rows: list[int], i: int, distance: int) -> bool:
    """Whether a marker row lies within `distance` rows after row i (`marker_rows` ascending): looked up,
    not compared with every marker (a title row each, quadratic in a document of many tables)."""
    k = bisect_right(marker_rows, i)
    return k < len(marker_rows) and marker_rows[k] <= i + distance


def _body_follows(rows: list[Row], k: int) -> bool:
    """Rows of figures follow (after header metadata and header rows) before any paragraph, note or
    other table: what tells a table's title from a heading or a contents line naming the table."""
    seen = 0
    while k < len(rows) and seen < 40:
        row = rows[k]
        texts = [c.text for c in row.cells if not is_blank(c.text)]
        k += 1
        if not texts:
            continue
        if row.paragraph or is_note(texts[0]) or any(is_marker(t) for t in texts) \
                or (len(texts) == 1 and table_title_type(texts[0])):
            return False
        if _has_amount(row) and column_numbers(row) is None:
            return True
        seen += 1
    return False


def _find_title(rows: list[Row], i: int, j: int) -> tuple[int | None, str]:
    """The table title: the nearest text before the marker that names a table (…表)."""
    candidates: list[tuple[int, str]] = []
    for c in reversed(rows[i].cells[:j]):
        candidates.append((i, c.text))
    for k in range(i - 1, max(-1, i - 4), -1):
        for c in reversed(rows[k].cells):
            candidates.append((k, c.text))
    fallback = None
    for k, text in candidates:
        t = clean_label(text)
        if not t or re.match(r"^(预算代码|单位代码|说明|注)", t):
            continue
        if label_key(t).endswith("表"):
            return k, t
        if fallback is None:
            fallback = (k, t)
    return fallback if fallback else (None, "")


def _has_amount(row: Row) -> bool:
    return any(parse_amount(c.text) is not None or looks_numeric(c.text) for c in row.cells)


def _parse_table(table: Table, rows: list[Row], i: int, j: int, end: int, path: str, warnings: list[str],
                 figures: list[Figure] | None = None, header: int | None = None) -> None:
    """The table whose marker is cell j of row i; or, found by content, whose header starts at row `header`."""
    if header is None:
        for c in rows[i].cells[j + 1:]:
            read_meta(table, c.text)
    k = i + 1
    while header is None and k < end and not rows[k].paragraph:
        cells = [c for c in rows[k].cells if not is_blank(c.text)]
        if cells and not all(read_meta(table, c.text) for c in cells):
            break
        k += 1
    if table.year is None:  # 2024年一般公共预算“三公”经费支出预算表: the year in the title
        m = YEAR.search(nfkc(table.title))
        if m:
            table.year = int(m.group(1))
    body: list[Row] = []
    while k < end:
        row = rows[k]
        first = next((c.text for c in row.cells if not is_blank(c.text)), "")
        if row.paragraph or is_note(first) or (header is not None and _is_sentence(row)):
            if is_note(first):
                table.note = clean_label(" ".join(c.text for c in row.cells if not is_blank(c.text)))
            break
        body.append(row)
        k += 1
    rest = rows[k:end]
    table.unplaced = [c for r in body for c in r.unplaced]

    colnums, headers, data = _header_and_data(body)

    if not any(_has_amount(r) for r in data):  # no rows, or only rows without a figure (合计 with blanks)
        reasons = [clean_label(r.texts[0]) for r in rest if r.paragraph and _EMPTY.search(r.texts[0])]
        if table.note and _EMPTY.search(table.note):
            reasons.insert(0, table.note)
        table.empty_reason = reasons[0] if reasons else None
        if not table.empty_reason:
            warnings.append(f"{path}:{table.line}: {table.number or table.title} holds no figures and states no reason")
        return

    width = _width(data)
    if headers:
        leaf = headers[-1]
        # a header row wider than the rows below it, stub first (项目 | 2016年执行数 | 2017年预算数):
        # the rows left their empty cells out, the header gives the columns
        # or over rows of figures alone (categories as columns): the header gives the columns too
        stubless = all(parse_amount(c.text) is not None for r in data for c in r.cells if not is_blank(c.text))
        if len(leaf.cells) > width and (stub_role(leaf.cells[0].text) or stubless) \
                and all(len(r.cells) <= len(leaf.cells) for r in data):
            width = len(leaf.cells)
    roles, columns = read_columns(headers, width, data, colnums, table)
    table.columns = columns
    if not any(r == "value" for r in roles):
        raise LoadError(path, data[0].line, f"{table.number or table.title}: cannot tell the value columns from the header")
    first = len(figures) if figures is not None else 0
    read_rows(table, data, roles, columns, width, path, warnings, figures)
    if years_as_rows(table):  # categories printed as columns over a row per year: the categories are the rows
        transpose(table, data, roles, figures, first)
    if k >= len(rows):  # nothing after the table: no note, no text
        last = data[-1]
        name = table.number or table.title
        if len(last.cells) < width:
            warnings.append(f"{path}:{last.line}: {name}: the text ends inside this table, in a row of "
                            f"{len(last.cells)} of its {width} cells; the document appears cut off here "
                            "(the figures before it are read)")
        else:
            warnings.append(f"{path}:{last.line}: {name}: the text ends with this table's last row, with no note "
                            "or text after it; the document may be cut off")


def _is_sentence(row: Row) -> bool:
    """A line of running text the layout left among the rows (增减情况说明：…。): the end of a table found by
    its content."""
    texts = [c.text for c in row.cells if not is_blank(c.text)]
    return len(texts) == 1 and len(texts[0]) > 40 and any(ch in texts[0] for ch in "。，,；")


def _header_and_data(body: list[Row]) -> tuple[list[int] | None, list[Row], list[Row]]:
    """A table's rows split into its 栏次 column numbers (None when it prints none), header rows and data rows."""
    colnums: list[int] | None = None
    headers: list[Row] = []
    data: list[Row] = []
    for row in body:
        if all(is_blank(c.text) for c in row.cells):
            continue
        if not data:
            nums = column_numbers(row)
            if nums is not None:
                colnums = nums if colnums is None else colnums
                continue
            # the 栏次 row closes the header: a row after it is data even with no figure (合计 — — —)
            if colnums is None and not _has_amount(row):
                headers.append(row)
                continue
        data.append(row)
    return colnums, headers, data


def _width(data: list[Row]) -> int:
    counts = Counter(len(r.cells) for r in data)
    return max(counts, key=lambda n: (counts[n], n))

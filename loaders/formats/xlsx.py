"""Excel .xlsx → rows (openpyxl).

Finance systems export one sheet per table: title row(s), the 单位 row, header rows with merged
cells, data rows. Visible worksheets are read in workbook order (hidden ones are left out with
a warning), each over the columns that hold anything; every non-empty spreadsheet row is a table
row, a row with a single filled cell holding a sentence (。) is a paragraph row (notes and
说明 under a table), and a sheet none of whose rows has two filled cells is running text: all
its rows are paragraphs. Fully empty rows separate nothing and are skipped.

Merged ranges: the top-left cell of a range is its one cell; the cells it covers in its first
row are not emitted, and each further row it covers gets one empty cell in its place, as a
vertically merged cell comes out of Word (and the text sample), so that header rows below a tall
header cell keep their positions.

Values are the ones the sheet shows: cached formula results (a formula saved without one, as
openpyxl itself writes them, reads as empty); numbers printed as the cell's
fixed-decimal format prints them (0.00, #,##0.00, 0.0%), else with no float noise (0.3, not
0.30000000000000004); empty cells are "" and keep their place in the row.

Line numbers (`Cell.line`, `Row.line`): the line in the tab-layout rendering of the workbook
(loaders/formats/__init__.py), sheets one after another in workbook order, skipped rows taking
no lines. Errors also name the sheet and its spreadsheet row.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Context, Decimal

from cnbudget.loaders.errors import LoadError
from cnbudget.loaders.formats.registry import Rendering, check_unpacked, file_format, source, unreadable
from cnbudget.loaders.limits import Limits, how_to_raise

# one section of a number format that prints a fixed number of decimals: 0 / 0.00 / #,##0.00 / 0.0%
_FIXED = re.compile(r"^(#,##)?0(?:\.(0+))?(%?)$")
_EXCEL_DIGITS = Context(prec=15)  # Excel keeps 15 significant digits


@file_format("xlsx", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
def read(path: str, data: bytes = b"", limits: Limits | None = None) -> Rendering:
    import openpyxl  # imported here so that loading text files does not pay for it

    check_unpacked(path, data, limits)
    try:
        # data_only: the values the sheet shows (cached formula results), not formulas
        workbook = openpyxl.load_workbook(source(path, data), data_only=True)
    except Exception as e:  # not a zip, not a workbook, broken XML …
        raise unreadable(path, "Excel .xlsx", e, data) from None
    out = Rendering(path=path, limits=limits)
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            out.warnings.append(f"{path}: hidden sheet {sheet.title!r} not read")
            continue
        # every position of the sheet's range is visited (and made a cell): one far-off cell would make billions
        span = sheet.max_row * sheet.max_column
        if limits is not None and span > limits.text_size:
            raise LoadError(path, None, f"sheet {sheet.title!r} spans {sheet.dimensions} ({span:,} cells); the limit "
                            f"is {limits.text_size:,}, the text-size limit ({how_to_raise('text_size')})")
        _read_sheet(sheet, out)
    return out


def _read_sheet(sheet, out: Rendering) -> None:
    # cells a merged range covers, other than its top-left one: left out, except that a range
    # reaching down gives each row below one empty cell, as Word's vertically merged cells do
    # (loaders/tables/ reads a header row below a tall cell by the positions of its cells)
    covered: dict[tuple[int, int], bool] = {}  # (row, column) → stands as an empty cell
    for merged in sheet.merged_cells.ranges:
        for r, c in merged.cells:
            if (r, c) != (merged.min_row, merged.min_col):
                covered[r, c] = r > merged.min_row and c == merged.min_col
    rows = []
    for cells in sheet.iter_rows():
        kept = [(c.column, "" if (c.row, c.column) in covered else text(c)) for c in cells
                if covered.get((c.row, c.column), True)]
        if any(t.strip() for _, t in kept):
            rows.append((cells[0].row, kept))
    if not rows:
        return
    # the columns in use: from the first to the last that holds anything
    used = [col for _, kept in rows for col, t in kept if t.strip()]
    first, last = min(used), max(used)
    prose = all(sum(bool(t.strip()) for _, t in kept) == 1 for _, kept in rows)
    for number, kept in rows:
        texts = [t for col, t in kept if first <= col <= last]
        filled = [t for t in texts if t.strip()]
        out.locate(f"sheet {sheet.title!r}, row {number}")
        if prose or (len(filled) == 1 and "。" in filled[0]):
            out.paragraph(filled[0])
        else:
            out.table_row(texts)


def text(cell) -> str:
    """A cell as the sheet prints it."""
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return _number(v, cell.number_format)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return str(v)


def _number(v: int | float, number_format: str | None) -> str:
    # repr is the shortest text that reads back as the same float: no binary noise beyond it
    d = Decimal(v) if isinstance(v, int) else Decimal(repr(v))
    fixed = _fixed(number_format or "")
    if fixed is None:  # General and the like: what Excel shows, 15 significant digits at most
        d = _EXCEL_DIGITS.plus(d).normalize()
        return format(d, "f")
    decimals, grouped, percent = fixed
    if percent:
        d *= 100
    d = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return format(d, f"{',' if grouped else ''}.{decimals}f") + ("%" if percent else "")


def _fixed(number_format: str) -> tuple[int, bool, bool] | None:
    """(decimals, thousands separator, percent) of a fixed-decimal format; None for any other."""
    section = number_format.split(";")[0]
    # drop what only decorates: colours/conditions [..], quoted text, padding _x, escapes \x, fill *x
    section = re.sub(r'\[[^\]]*\]|"[^"]*"|_.|\\.|\*.', "", section).strip()
    m = _FIXED.match(section)
    if not m:
        return None
    return len(m.group(2) or ""), bool(m.group(1)), bool(m.group(3))

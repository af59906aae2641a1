"""Word .docx → rows (python-docx).

The body is read in document order: each paragraph a paragraph row, each table row a row of
cells. Page headers, footers, text boxes and tables nested inside cells are not read.

Merged cells, as the text extracted from Word shows them: a horizontally merged cell (one
`w:tc` spanning grid columns, which `row.cells` repeats once per column) is one cell; a
vertically merged continuation cell (its content belongs to the cell above) is an empty cell,
so the columns below a tall header cell keep their positions. A row that starts later than the
table's first grid column gets an empty cell per skipped column.

Line numbers (`Cell.line`, `Row.line`): the line in the tab-layout rendering of the body
(loaders/formats/__init__.py): one per paragraph line, including empty paragraphs, one per
table cell line, a blank line after each table row. Errors also name the table and its row
(or the paragraph), counted from 1 in document order.
"""
from __future__ import annotations

from cnbudget.loaders.formats.registry import Rendering, check_unpacked, file_format, source, unreadable
from cnbudget.loaders.limits import Limits


@file_format("docx", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
def read(path: str, data: bytes = b"", limits: Limits | None = None) -> Rendering:
    import docx  # python-docx; imported here so that loading text files does not pay for it
    from docx.table import Table

    check_unpacked(path, data, limits)
    try:
        document = docx.Document(source(path, data))
    except Exception as e:  # not a zip, no word/document.xml, broken XML …: python-docx raises many kinds
        raise unreadable(path, "Word .docx", e, data) from None
    out = Rendering(path=path, limits=limits)
    out.alternative = out.paragraphs_as_text
    tables = paragraphs = 0
    for block in document.iter_inner_content():  # paragraphs and tables in document order
        if isinstance(block, Table):
            tables += 1
            for n, row in enumerate(block.rows, 1):
                out.locate(f"table {tables}, row {n}")
                out.table_row(_cells(row))
        else:
            paragraphs += 1
            out.locate(f"paragraph {paragraphs}")
            out.paragraph(block.text)
    return out.flattened_tables()


def _cells(row) -> list[str]:
    own = list(row._tr.tc_lst)  # the row's own w:tc elements (held, so identity checks hold)
    texts = [""] * row.grid_cols_before
    previous = None
    for cell in row.cells:
        tc = cell._tc
        if tc is previous:
            continue  # the same cell again for each further grid column it spans
        previous = tc
        # a vertical continuation yields the cell it continues, from a row above: empty here
        texts.append(cell.text if any(tc is t for t in own) else "")
    return texts

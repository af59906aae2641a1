"""Layouts with one cell per line and nothing to mark where a table row ends.

* `blank_separated_rows` — every cell on its own line, a blank line between cells, no indentation
  (web pages: 南漳县 …). An extra blank line is an empty cell; lines not separated by a blank
  line are one cell wrapped over lines.
* `line_rows` — every line a cell or a paragraph, nothing between them (a table given as its
  header cells, then its value cells, one per line: 皖江 …); an empty line is an empty cell.

In both, running text is paragraphs; a table begins at its marker (公开NN表) or a known table
title, followed by its header metadata (部门 / 金额单位 / year), or at a header of known labels
(`is_content_head`: 项目 | 预算数 …, whatever the title above says), and its cells run until the next
running text, note, part heading or table. The rows are recovered from the cells by
`stream.group` (header width, 栏次 row, 行次 numbers).
"""
from __future__ import annotations

from cnbudget.loaders.labels import is_column_label, is_marker, is_meta, stub_role, table_title_type
from cnbudget.loaders.layouts.common import ends_stream, is_anchor, is_prose, paragraph, single
from cnbudget.loaders.layouts.registry import Layout, NormalisedText, normalised, register
from cnbudget.loaders.layouts.stream import group, header_only
from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import iter_lines, parse_amount


def blank_separated_items(text: str) -> list[Cell]:
    """The cells of a blank-separated text: a run of lines is one cell; n blank lines between two
    cells stand for n-1 empty cells (text "")."""
    items: list[Cell] = []
    current: list[str] = []  # the lines of the cell being read (joined once it is complete)
    current_line = 0
    blanks: list[int] = []  # line numbers of the blank lines since the last cell
    for n, raw in enumerate(iter_lines(text), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            if current:
                items.append(Cell("\n".join(current), current_line))
                current = []
            blanks.append(n)
            continue
        if current:
            current.append(line)
            continue
        if items:
            items += [Cell("", b) for b in blanks[1:]]
        blanks = []
        current, current_line = [line.rstrip()], n
    if current:
        items.append(Cell("\n".join(current), current_line))
    return items


def line_items(text: str) -> list[Cell]:
    """One cell per line; an empty line between two cells is an empty cell (text "")."""
    items = [Cell(raw.rstrip("\r").rstrip(), n) for n, raw in enumerate(text.split("\n"), 1)]
    first = next((k for k, c in enumerate(items) if c.text.strip()), len(items))
    last = max((k for k, c in enumerate(items) if c.text.strip()), default=-1)
    return [Cell(c.text if c.text.strip() else "", c.line) for c in items[first:last + 1]]


def is_content_head(items: list[Cell], i: int) -> bool:
    """Whether a table's header begins at cell i though no marker or known title is above it: a stub label
    (项目, 科目名称) or a column label, then short labels up to the first figure, a column label among them (the
    table readers then find it by what it holds, loaders/tables/content.py)."""
    if stub_role(items[i].text) != "name" and not is_column_label(items[i].text):
        return False
    labels = []
    for c in items[i:i + 13]:
        if not c.text.strip():
            continue
        if parse_amount(c.text) is not None:
            return len(labels) >= 2 and any(is_column_label(t) for t in labels[1:])
        if is_prose(c.text) or len(c.text) > 40:
            return False
        labels.append(c.text)
    return False


def stream_rows(items: list[Cell], marks_empty: bool, path: str, warnings: list[str]) -> list[Row]:
    """Paragraphs and table rows from a sequence of cells (see the module docstring)."""
    rows: list[Row] = []
    i, n = 0, len(items)
    while i < n:
        c = items[i]
        if not c.text.strip():  # an empty cell outside any table
            i += 1
            continue
        if is_prose(c.text) or not (is_anchor(c.text) or is_content_head(items, i)):
            rows.append(paragraph(c))
            i += 1
            continue
        # the table's head: its title(s), marker and header metadata, empty cells between
        j, heads = i, []
        while j < n and (not items[j].text.strip() or is_anchor(items[j].text) or is_meta(items[j].text)):
            if items[j].text.strip():
                heads.append(items[j])
            j += 1
        k = j
        while k < n and not ends_stream(items[k].text):
            k += 1
        table, used = group(items[j:k], marks_empty, k == n, path, warnings)
        if not table and any(is_marker(h.text) for h in heads):
            # a numbered table without rows of figures (本表无数据): its head and header, for the table reader
            table, left_out = header_only(items[j:k])
            used = k - j
            if left_out:
                warnings.append(f"{path}:{heads[0].line}: the rows of the table at line {heads[0].line} cannot be "
                                "told apart from its cells (they do not fit its header); its figures are not read")
            if not table:
                table = [single(heads[-1])]
                heads = heads[:-1]
        if not table:  # a heading or a contents line naming a table: running text
            rows.append(paragraph(c))
            i += 1
            continue
        titles = [h for h in heads if table_title_type(h.text) and not is_marker(h.text)]
        for h in heads:
            if titles and h in titles[:-1]:
                rows.append(paragraph(h))  # a heading above the table's own title
            else:
                rows.append(single(h))
        rows += table
        rest = [x for x in items[j + used:k] if x.text.strip()]
        # a table next (its title or header, a heading above it): its figures are the next table's
        nxt = [m for m in range(j + used, k) if items[m].text.strip()][:2]
        another = any(is_anchor(items[m].text) or is_content_head(items, m) for m in nxt)
        if not another and any(parse_amount(x.text) is not None for x in rest):
            warnings.append(f"{path}:{rest[0].line}: the cells of the table at line {c.line} could not be followed "
                            f"past this line (a row that does not fit its header); the figures up to line "
                            f"{rest[-1].line} are not read")
        i = j + used
    return rows


def blank_separated_rows(text: str, path: str, warnings: list[str]) -> list[Row]:
    return stream_rows(blank_separated_items(text), True, path, warnings)


def line_rows(text: str, path: str, warnings: list[str]) -> list[Row]:
    return stream_rows(line_items(text), True, path, warnings)


def _is_blank_separated(doc: NormalisedText) -> bool:
    """Most non-blank lines (three in five) have a blank line after them."""
    after_blank = sum(1 for n, _ in doc.nonblank if n < len(doc.numbered) and not doc.numbered[n][1].strip())
    return after_blank >= 0.6 * len(doc.nonblank)


def _any_text(doc: NormalisedText) -> bool:
    return True


BLANK_SEPARATED = register(Layout("blank-separated", "one cell per line, a blank line between cells",
                                  normalised(blank_separated_rows), _is_blank_separated, order=70))
# last: a text that shows no other layout's mark is read line by line
LINES = register(Layout("lines", "one cell or paragraph per line", normalised(line_rows), _any_text, order=80))

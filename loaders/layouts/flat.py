"""A spreadsheet flattened into one line: a table's title, marker, unit, header and rows all on ONE line
(or a few very long lines), its cells apart by single spaces or tabs, the row ends lost:

    收入支出决算总表 公开01表 单位：万元 收入 支出 项目 行次 金额 项目 行次 金额 栏次 1 栏次 2
    一、一般公共预算财政拨款收入 1 13,190.69 一、一般公共服务支出 32 0.00 二、… 2 0.00 二、外交支出 33 0.00 …

A flat line is one of 30+ cells with 8+ amounts, no sentence (。) and a table anchor (公开NN表 or a known
table title) in it or on one of the few lines above it. The line is cut into cells at the spaces; a table
begins at each anchor, followed by its metadata (部门：… / 2020年度 / 单位：万元), its header labels and
its 栏次 run; the header is read as the cell-stream layouts read it (`stream_header.decode_header`), and the
rows are recovered from it: per side of the table (收入 | 支出) its stub (code, name, 行次) then at most
as many amounts as the side has value columns.

Where the table prints its amounts with decimals (13,190.69; 0.00), a bare integer can only be a code or
a 行次, so the rows are recovered even where empty cells left no trace (a side without a name or a figure:
`9 九、卫生健康支出 40 146.60`): each side's 行次 runs on by one from row to row, which tells which side a
行次 belongs to; a side that gives fewer amounts than its columns has them read from the left, with a
warning. Tables printed without decimals are read only where every row is complete (the cell-stream
reading, `stream.group`). Covered: the tables with a stub of 项目 | 行次 (收入支出决算总表, 财政拨款收入支出
决算总表, per side), of 科目编码 | 科目名称 (收入决算表, 支出决算表, 一般公共预算财政拨款支出决算表 and 基本支出
表, 政府性基金 …) and without a stub (“三公” 经费支出决算表: one row of figures). Not covered: a label with
spaces inside it (read as two cells), a code printed apart from nothing (a code-only row), figures broken
over two lines.

Other lines: running text is paragraphs; a short line naming a table or giving its metadata is a
one-cell row (the table reader finds the marker, title and unit there).
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from cnbudget.loaders.labels import declared_unit, is_marker, is_meta
from cnbudget.loaders.layouts.common import is_anchor, is_prose, paragraph, single
from cnbudget.loaders.layouts import flat_labels
from cnbudget.loaders.layouts.flat_pairs import label_rows
from cnbudget.loaders.layouts.registry import Layout, NormalisedText, normalised, register
from cnbudget.loaders.layouts.stream import decimal_amounts, figure_text, group, header_candidates, side_columns
from cnbudget.loaders.layouts.stream_header import decode_header
from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import is_blank, looks_numeric, nfkc, parse_amount

MIN_CELLS = 30
MIN_AMOUNTS = 8
_SPLIT = re.compile(r"[ \t\u00a0\u3000]+")
_META_PREFIX = re.compile(r"^(?:部门|单位|编制单位|部门名称|单位名称|预算单位|填报单位|金额单位|货币单位)\s*[:：]$")
_INT = re.compile(r"^\d{1,7}$")
_CODE_META = re.compile(r"^(?:预算代码|单位代码|部门代码|单位编码)\s*[:：]")  # 预算代码：701, printed by the title


def _tokens(line: str) -> list[str]:
    return [t for t in _SPLIT.split(line.strip()) if t]


def _amount(t: str) -> bool:
    return parse_amount(t) is not None and bool(re.search(r"[.,]", t))


def is_flat_line(line: str, anchored: bool = False) -> bool:
    """A table flattened into this line: many cells, many amounts, no sentence, a table anchor in it
    (or, with `anchored`, on a line just above)."""
    if "。" in line or len(line) < 150 or "|" in line:
        return False
    tokens = _tokens(line)
    # counted up to MIN_AMOUNTS: the rest of a long line need not be parsed to know
    if len(tokens) < MIN_CELLS or len(list(islice(filter(_amount, tokens), MIN_AMOUNTS))) < MIN_AMOUNTS:
        return False
    return anchored or any(is_anchor(t) for t in tokens) or any(flat_labels.opens_table(tokens, k)
                                                                for k in range(len(tokens)))


def flat_lines(text: str) -> list[int]:
    """The numbers of the text's flat lines (see `is_flat_line`)."""
    return list(_flat_lines(text))


@lru_cache(maxsize=1)  # detection, then the producer, ask about the same text
def _flat_lines(text: str) -> tuple[int, ...]:
    found, recent = [], []  # recent: whether each of the last non-blank lines held an anchor
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if is_flat_line(line, anchored=any(recent[-4:])):
            found.append(n)
        recent.append(is_anchor(line.strip()) or any(recent[-4:]) and is_meta(line.strip()))
    return tuple(found)


def _cells(line: str, n: int) -> list[Cell]:
    """The cells of a flat line; a metadata label cut from its value (单位： 万元) put back together."""
    out: list[Cell] = []
    for t in _tokens(line):
        if out and _META_PREFIX.match(nfkc(out[-1].text)):
            out[-1] = Cell(out[-1].text + t, n)
        else:
            out.append(Cell(t, n))
    return out


def flat_rows(text: str, path: str, warnings: list[str]) -> list[Row]:
    flat = set(flat_lines(text))
    rows: list[Row] = []
    lines = text.split("\n")
    last = max((n for n, raw in enumerate(lines, 1) if raw.strip()), default=0)
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r").strip()
        if not line:
            continue
        if n in flat:
            rows += _line_rows(_cells(line, n), path, warnings, n == last)
        elif is_prose(line) or not (is_anchor(line) or is_meta(line)):
            rows.append(paragraph(Cell(line, n)))
        else:
            rows.append(single(Cell(line, n)))
    return rows


def paragraph_tables(rows: list[Row], path: str, warnings: list[str]) -> list[Row]:
    """Rows of a Word or PDF document with each paragraph that is a flat line (a table flattened into one
    paragraph, as a converter or a copy leaves it) read as the table it is, as in a text."""
    last = max((k for k, r in enumerate(rows) if r.paragraph), default=-1)
    out: list[Row] = []
    for k, row in enumerate(rows):
        if row.paragraph and is_flat_line(row.cells[0].text.strip()):
            out += _line_rows(_cells(row.cells[0].text.strip(), row.line), path, warnings, k == last == len(rows) - 1)
        else:
            out.append(row)
    return out


def _line_rows(items: list[Cell], path: str, warnings: list[str], ends_text: bool = False) -> list[Row]:
    """The rows of one flat line: a table from each anchor on; cells before the first are running text."""
    texts = [c.text for c in items]
    starts = [k for k, c in enumerate(items) if is_anchor(c.text) and not (k > 0 and is_anchor(items[k - 1].text))
              or flat_labels.opens_table(texts, k)]
    rows: list[Row] = []
    if not starts or starts[0] > 0:
        lead = items[:starts[0] if starts else len(items)]
        if not starts:  # the table's head is on the lines above: this line is its body
            return _table(lead, path, warnings, ends_text)
        rows.append(paragraph(Cell(" ".join(c.text for c in lead), lead[0].line)))
    for a, b in zip(starts, starts[1:] + [len(items)]):
        rows += _table(items[a:b], path, warnings, ends_text and b == len(items))
    return rows


def _table(items: list[Cell], path: str, warnings: list[str], ends_text: bool = False) -> list[Row]:
    # a title, its unit and column labels: readable by its shape (flat_labels) where the stream reading fails
    shaped = flat_labels.opens_table([c.text for c in items[:16]], 0)
    if shaped and not is_anchor(items[0].text):
        return _shaped_table(items, path, warnings, ends_text) or [paragraph(Cell(" ".join(c.text for c in items),
                                                                                   items[0].line))]
    k = 0
    heads: list[Row] = []
    while k < len(items) and (is_anchor(items[k].text) or is_meta(items[k].text)
                               or _CODE_META.match(nfkc(items[k].text))):
        heads.append(single(items[k]))
        k += 1
    body = items[k:]
    tried: list[str] = []
    table, used = _body(body, path, tried)
    if not table and heads:  # a header the stream reading cannot decode: labels each with its figure
        table = label_rows(body, path, tried)
        used = len(body) if table else 0
    rest = body[used:]
    unread = any(parse_amount(c.text) is not None for c in rest)
    if shaped and (not table or unread):
        other: list[str] = []
        by_shape = _shaped_table(items, path, other, ends_text)
        if by_shape:
            warnings += other
            return by_shape
        if table:  # a header of column labels whose columns neither reading fits the rows to: none is guessed
            warnings.append(f"{path}:{items[0].line}: the flattened table {items[0].text!r}: its header does not "
                            "give columns that its rows fit; its figures are not read")
            return [single(items[0]), paragraph(Cell(" ".join(c.text for c in items[1:]), items[0].line))]
    warnings += tried
    out = heads + table
    if rest:
        if table and unread:
            warnings.append(f"{path}:{rest[0].line}: the cells of the flattened table {_name(heads)} could not be "
                            f"followed past cell {k + used + 1} ({rest[0].text!r}): a row that does not fit its "
                            "header; the figures after it are not read")
        out.append(paragraph(Cell(" ".join(c.text for c in rest), rest[0].line)))
    return out


def _shaped_table(items: list[Cell], path: str, warnings: list[str], ends_text: bool = False) -> list[Row] | None:
    """A table told by its shape (`flat_labels`): its title, the cells up to its unit (a note, 表一: running
    text before the title, where neither the title's metadata nor the header takes it), its unit, then its
    header and rows; None when they do not read so."""
    unit = next(k for k in range(1, len(items)) if declared_unit(items[k].text))
    heads = [single(items[0]), single(items[unit])]
    if unit > 1:
        heads.insert(0, paragraph(Cell(" ".join(c.text for c in items[1:unit]), items[1].line)))
    table = flat_labels.label_rows(items[unit + 1:], path, warnings, ends_text)
    return heads + table if table else None


def _name(heads: list[Row]) -> str:
    return next((r.cells[0].text for r in heads if is_marker(r.cells[0].text)),
                heads[0].cells[0].text if heads else "")


def _kind(c: Cell, strict: bool) -> str:
    """int (a code or a 行次), dec (an amount, or a blank mark), or text."""
    t = nfkc(c.text).strip()
    if is_blank(c.text):
        return "dec"
    if _INT.match(t):
        return "int" if strict else "dec"
    if parse_amount(t) is not None or looks_numeric(t):
        return "dec"
    return "text"


def _body(items: list[Cell], path: str, warnings: list[str]) -> tuple[list[Row], int]:
    """The header and data rows of a table's cells, and how many cells they take."""
    first = next((k for k, c in enumerate(items) if parse_amount(c.text) is not None or looks_numeric(c.text)), None)
    if first is None:
        return [], 0
    # each cell's kind, and the figures has_decimal_amounts(items[first:]) counts, in one pass: a cell is
    # parsed once (a second pass over a long line parsed every cell again, the caches being smaller)
    kinds, figures = [], []
    for k, c in enumerate(items):
        kinds.append(_kind(c, True))
        if k >= first:
            t = figure_text(c)
            if t is not None:
                figures.append(t)
    if not decimal_amounts(figures):
        return group(items, False, True, path, warnings)
    colrow, candidates = header_candidates(items, first, lambda c: _kind(c, True) == "text")
    n_numbers = colrow[2] if colrow else 0
    best, chosen = 0, None
    for start, header in candidates:
        for header_rows, roles in decode_header(header):
            if not roles or "value" not in roles:
                continue
            if colrow is not None and roles.count("value") != n_numbers:
                continue
            sides = side_columns(roles)
            data, end, short = _rows(items, kinds, start, sides)
            if data and end > max(best, start):
                best, chosen = end, (header_rows, data, short)
    if chosen is None:
        return [], 0
    header_rows, data, short = chosen
    out = list(header_rows)
    if colrow is not None:
        out.append(Row(cells=items[colrow[0]:colrow[1]], line=items[colrow[0]].line))
    if short:
        warnings.append(f"{path}:{short[0]}: {len(short)} row side(s) of a flattened table give fewer amounts than "
                        "their value columns (empty cells left no trace); their amounts are read from the left")
    return out + data, best


def _rows(items: list[Cell], kinds: list[str], k: int,
          sides: list[tuple[list[str], int]]) -> tuple[list[Row], int, list[int]]:
    """Data rows from k on, as long as the cells fit the sides; where they end; rows read short."""
    last: dict[int, int] = {}  # side → its last 行次
    rows: list[Row] = []
    short: list[int] = []
    end = k
    while k < len(items):
        cells: list[Cell] = []
        j = k
        got = False
        for s, (stubs, n_values) in enumerate(sides):
            parsed = _side(items, kinds, j, stubs, n_values, s, last, sides)
            if parsed is None:
                cells += [Cell("", items[min(j, len(items) - 1)].line) for _ in range(len(stubs) + n_values)]
                continue
            side_cells, j, n_read = parsed
            if 0 < n_read < n_values:
                short.append(side_cells[0].line)
            cells += side_cells
            got = True
        if not got or j == k:
            break
        rows.append(Row(cells=cells, line=next((c.line for c in cells if c.text), cells[0].line)))
        k = end = j
    return rows, end, short


def _side(items, kinds, k, stubs, n_values, s, last, sides):
    """One side of a row at k: (its cells, next index, amounts read) or None when it is not printed here."""
    cells: list[Cell] = []
    j = k
    printed = 0
    for role in stubs:
        if role == "code":
            if j < len(items) and kinds[j] == "int" and len(nfkc(items[j].text).strip()) >= 3:
                cells.append(items[j])
                j += 1
                printed += 1
            else:
                cells.append(Cell("", items[min(j, len(items) - 1)].line))
        elif role == "name":
            names = []
            while j < len(items) and kinds[j] == "text" and not is_anchor(items[j].text):
                names.append(items[j])
                j += 1
            if names:
                cells.append(Cell(" ".join(c.text for c in names), names[0].line))
                printed += 1
            else:
                cells.append(Cell("", items[min(j, len(items) - 1)].line))
        elif role == "rownum":
            if j < len(items) and kinds[j] == "int" and _rownum_fits(int(items[j].text), s, last, sides):
                last[s] = int(items[j].text)
                cells.append(items[j])
                j += 1
                printed += 1
            elif s in last or printed:
                return None  # a side that numbers its rows prints its 行次
            else:
                cells.append(Cell("", items[min(j, len(items) - 1)].line))
        else:
            cells.append(Cell("", items[min(j, len(items) - 1)].line))
    values = []
    while j < len(items) and len(values) < n_values and kinds[j] == "dec":
        values.append(items[j])
        j += 1
    if not printed and not values:
        return None
    if not stubs and len(values) < n_values and j < len(items):
        return None  # a stub-less row is its full run of figures
    cells += values + [Cell("", values[-1].line if values else cells[0].line) for _ in range(n_values - len(values))]
    return cells, j, len(values)


def _rownum_fits(value: int, s: int, last: dict[int, int], sides) -> bool:
    """Whether a 行次 belongs to side s: above the side's last one (a row the side leaves empty skips one)
    and above those of the sides before it on its first row, below those of the sides after it."""
    if s in last and value <= last[s]:
        return False
    before = [last[x] for x in range(s) if x in last]
    later = [last[x] for x in range(s + 1, len(sides)) if x in last]
    if s in last:
        return not later or value < min(later) or value == last[s] + 1
    return (not before or value > max(before)) and (not later or value < min(later))


def _is_flat(doc: NormalisedText) -> bool:
    return bool(flat_lines(doc.text))


# after the pipes (a flat line has no '|') and before the spaces: a flat line makes the text flat,
# whatever its other lines
FLAT = register(Layout("flat", "a table flattened into one long line, cells separated by single spaces",
                       normalised(flat_rows), _is_flat, order=50))

"""A table printed as a stream of cells, one per line, with nothing to mark where a row ends.

Web pages and converters print a table cell by cell: the header cells row by row (a cell
spanning columns printed once, a cell spanning rows printed only in its first row), then
the data cells. `group` recovers the rows from what the table itself says:

* the 栏次 row (栏次 | | 1 | 栏次 | | 2) closes the header; where the layout marks empty cells,
  its length is the table's width;
* the 行次 numbers of the data rows (1, 2, 3 … at a fixed distance) give the width;
* the header labels give the columns: a label that is part of one printed before it in the
  same row (公务用车购置费 of 公务用车购置及运行费, by the items' skos:broader in items.ttl; 科目编码 of
  项目; 项目 | 行次 | 金额 under 收入 | 支出; 合计 … under 预算数 | 决算数; a 小计) starts the next
  header row, and that row's labels go under the labels of the row above by the same relations,
  in order; a header split over two lines (公务 / 接待费) is put back together when only the
  whole is a known label;
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
from dataclasses import dataclass, field

from cnbudget.loaders import vocab
from cnbudget.loaders.labels import SUBJECT_CODE, is_total_label, stub_role
from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import is_blank, label_key, looks_numeric, nfkc, parse_amount

_GENERIC_STUB = {"项目", "科目", "项目名称"}


def _blank(c: Cell) -> bool:
    return is_blank(c.text)


def _numeric(c: Cell) -> bool:
    return not _blank(c) and (parse_amount(c.text) is not None or looks_numeric(c.text))


def _small_int(c: Cell) -> int | None:
    t = nfkc(c.text).strip()
    return int(t) if t.isdigit() and len(t) <= 3 else None


def _text(c: Cell) -> bool:
    return not _blank(c) and not _numeric(c)


def _known(text: str) -> bool:
    return bool(stub_role(text) or vocab.item_for(text) or vocab.phase_for(text) or is_total_label(text))


def _item(c: Cell) -> str | None:
    return vocab.item_for(c.text)


# --- the header ------------------------------------------------------------------------------------

@dataclass
class _Node:
    cell: Cell
    children: list["_Node"] = field(default_factory=list)


def rejoin(labels: list[Cell]) -> list[Cell]:
    """Header labels split over lines (公务 / 接待费) put back together: two neighbours that are no
    known label, whose concatenation is one."""
    out: list[Cell] = []
    for c in labels:
        prev = out[-1] if out else None
        if prev is not None and not _known(prev.text) and not _known(c.text) and "\n" not in prev.text \
                and _known(prev.text.strip() + c.text.strip()):
            out[-1] = Cell(prev.text.strip() + "\n" + c.text.strip(), prev.line)
        else:
            out.append(c)
    return out


def _part_of_row(c: Cell, level: list[Cell]) -> bool:
    """Whether header label `c` belongs under a label of `level` (the header row being read), so
    that it starts the next header row."""
    parent = vocab.broader_item(_item(c))
    if parent and any(_item(x) == parent for x in level):
        return True
    role = stub_role(c.text)
    if role:
        if not any(stub_role(x.text) for x in level):
            return True  # 项目 | 行次 | 金额 under 收入 | 支出
        return (role in ("code", "name") and label_key(c.text) not in _GENERIC_STUB
                and any(label_key(x.text) in _GENERIC_STUB for x in level))  # 科目编码 under 项目
    if label_key(c.text).endswith("小计") and any(not is_total_label(x.text) and not stub_role(x.text) for x in level):
        return True
    return any(vocab.phase_for(x.text) for x in level) and not vocab.phase_for(c.text)  # 合计 … under 预算数


def _levels(labels: list[Cell]) -> list[list[Cell]]:
    levels: list[list[Cell]] = [[]]
    for c in labels:
        repeats = label_key(c.text) in {label_key(x.text) for x in levels[-1]}  # 小计 | … | 小计: the same row
        if levels[-1] and not repeats and _part_of_row(c, levels[-1]):
            levels.append([c])
        else:
            levels[-1].append(c)
    return levels


def _groups(level: list[Cell], weak: bool = True) -> list[list[Cell]]:
    """A header row's labels in runs, each under one label of the row above: a run ends before a label
    it already holds and where a stub follows a value label; with `weak`, also before a total (合计/小计)."""
    groups: list[list[Cell]] = []
    for c in level:
        g = groups[-1] if groups else None
        if g is None or label_key(c.text) in {label_key(x.text) for x in g} \
                or (weak and is_total_label(c.text)) or (stub_role(c.text) and not stub_role(g[-1].text)):
            groups.append([c])
        else:
            g.append(c)
    return groups


def _belongs(group: list[Cell], parent: _Node) -> bool:
    """Whether a run of labels is evidently under `parent`: its items' broader item, or stubs under a stub."""
    for c in group:
        b = vocab.broader_item(_item(c))
        if b:
            return b == _item(parent.cell)
    return all(stub_role(c.text) for c in group) and bool(stub_role(parent.cell.text))


def _assign(parents: list[_Node], level: list[Cell]) -> bool:
    for weak in (True, False):
        groups = _groups(level, weak)
        if len(groups) == len(parents):
            for p, g in zip(parents, groups):
                p.children = [_Node(c) for c in g]
            return True
    groups = _groups(level)
    if len(groups) > len(parents):
        return False
    k = 0
    for g in groups:  # fewer runs than labels above: each run under the label it is evidently part of
        while k < len(parents) and not _belongs(g, parents[k]):
            k += 1
        if k == len(parents):
            return False
        parents[k].children = [_Node(c) for c in g]
        k += 1
    return True


def _leaves(nodes: list[_Node]) -> list[_Node]:
    return [leaf for n in nodes for leaf in (_leaves(n.children) if n.children else [n])]


def _rows_of(top: list[_Node], depth: int) -> list[Row]:
    """Header rows as the tab layout prints them: each row's labels in order, a blank under a label
    that spans the rows below it, so that the bottom row has one cell per column. A stub label (项目)
    spanning rows is repeated in the bottom row, where the table reader takes the columns' roles
    from, and left out of the rows between (the reader passes over stub columns there)."""
    rows = []
    frontier: list[tuple[_Node, bool]] = [(n, False) for n in top]  # (node, carried down from above)
    for d in range(depth):
        last = d == depth - 1
        cells, nxt = [], []
        for node, carried in frontier:
            if carried:
                if stub_role(node.cell.text):
                    if last:
                        cells.append(Cell(node.cell.text, node.cell.line))
                else:
                    cells.append(Cell("", node.cell.line))
                nxt.append((node, True))
                continue
            cells.append(node.cell)
            nxt += [(c, False) for c in node.children] if node.children else [(node, True)]
        line = next((c.line for c in cells if c.text), cells[0].line if cells else 0)
        rows.append(Row(cells=cells, line=line))
        frontier = nxt
    return rows


def _role(text: str) -> str:
    role = stub_role(text)
    return "rownum" if role == "colnum" else (role or "value")


def decode_header(labels: list[Cell]) -> list[tuple[list[Row], list[str]]]:
    """Readings of a header printed cell by cell, as (header rows, role of each column):
    1. over several rows, each row's labels placed under the row above (the bottom row aligned);
    2. over several rows as printed, the bottom row taken as complete (the table reader places the
       rows above, as it does for the tab layout: 人员经费 | 公用经费 over three sides);
    3. one row."""
    labels = rejoin([c for c in labels if not _blank(c)])
    if not labels:
        return []
    out = []
    levels = _levels(labels)
    if len(levels) > 1:
        top = [_Node(c) for c in levels[0]]
        parents, ok = top, True
        for level in levels[1:]:
            if not _assign(parents, level):
                ok = False
                break
            parents = [child for p in parents for child in p.children]
        if ok:
            out.append((_rows_of(top, len(levels)), [_role(n.cell.text) for n in _leaves(top)]))
        out.append(([Row(cells=list(lv), line=lv[0].line) for lv in levels], [_role(c.text) for c in levels[-1]]))
    out.append(([Row(cells=list(labels), line=labels[0].line)], [_role(c.text) for c in labels]))
    return out


# --- the data --------------------------------------------------------------------------------------

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
    nums = [nfkc(c.text).strip() for c in items if _numeric(c) and not _code(c) and _small_int(c) is None]
    return len(nums) >= 3 and sum(bool(re.search(r"\.\d\d$", t)) for t in nums) >= 0.8 * len(nums)


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

    strict = has_decimal_amounts(items[first:])
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
    if chosen is None:
        return [], 0
    start, header_rows, roles, sides = chosen
    out = list(header_rows)
    if colrow is not None:
        out.append(Row(cells=items[colrow[0]:colrow[1]], line=items[colrow[0]].line))
    data, k = _rows(items, start, sides, at_end, strict)
    return out + data, k


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

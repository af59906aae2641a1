"""A table header printed cell by cell (the cell-stream and flat layouts) → its header rows and the
role of each column.

The header labels give the columns: a label that is part of one printed before it in the same row
(公务用车购置费 of 公务用车购置及运行费, by the items' skos:broader in items.ttl; 科目编码 of 项目; 项目 | 行次 | 金额
under 收入 | 支出; 合计 … under 预算数 | 决算数; a 小计) starts the next header row, and that row's labels go
under the labels of the row above by the same relations, in order; a header split over two lines
(公务 / 接待费) is put back together when only the whole is a known label.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from cnbudget.loaders import vocab
from cnbudget.loaders.labels import is_total_label, stub_role
from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import is_blank, label_key

_GENERIC_STUB = {"项目", "科目", "项目名称"}


def _known(text: str) -> bool:
    return bool(stub_role(text) or vocab.item_for(text) or vocab.phase_for(text) or is_total_label(text))


def _item(c: Cell) -> str | None:
    return vocab.item_for(c.text)


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


class _Level:
    """A header row being read, with what `_part_of_row` asks of its labels kept up to date as they are
    added: asking it of every label of the row again at each label made a long header quadratic."""
    __slots__ = ("cells", "keys", "items", "stub", "generic", "plain", "phase")

    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self.keys: set[str] = set()  # the labels' keys
        self.items: set[str | None] = set()  # their items
        self.stub = self.generic = self.plain = self.phase = False  # whether any label is a stub, 项目 …

    def add(self, c: Cell) -> None:
        key, role = label_key(c.text), stub_role(c.text)
        self.cells.append(c)
        self.keys.add(key)
        self.items.add(_item(c))
        self.stub = self.stub or bool(role)
        self.generic = self.generic or key in _GENERIC_STUB
        self.plain = self.plain or (not is_total_label(c.text) and not role)
        self.phase = self.phase or bool(vocab.phase_for(c.text))


def _part_of_row(c: Cell, level: _Level) -> bool:
    """Whether header label `c` belongs under a label of `level` (the header row being read), so
    that it starts the next header row."""
    parent = vocab.broader_item(_item(c))
    if parent and parent in level.items:
        return True
    role = stub_role(c.text)
    if role:
        if not level.stub:
            return True  # 项目 | 行次 | 金额 under 收入 | 支出
        return role in ("code", "name") and label_key(c.text) not in _GENERIC_STUB and level.generic  # 科目编码 under 项目
    if label_key(c.text).endswith("小计") and level.plain:  # 小计 under a label that is no total or stub
        return True
    return level.phase and not vocab.phase_for(c.text)  # 合计 … under 预算数


def _levels(labels: list[Cell]) -> list[list[Cell]]:
    levels = [_Level()]
    for k, c in enumerate(labels):
        repeats = label_key(c.text) in levels[-1].keys  # 小计 | … | 小计: the same row
        # … | 公车购置及运行维护费 | 合计 | 车辆购置 | 车辆运行: a total followed by the parts of the label before it
        # is that label's first part, though 合计 is printed in the row above too
        heads_parts = is_total_label(c.text) and 0 < k < len(labels) - 1 and bool(levels[-1].cells) \
            and _item(labels[k - 1]) is not None and vocab.broader_item(_item(labels[k + 1])) == _item(labels[k - 1])
        if heads_parts or levels[-1].cells and not repeats and _part_of_row(c, levels[-1]):
            levels.append(_Level())
        levels[-1].add(c)
    return [level.cells for level in levels]


def _groups(level: list[Cell], weak: bool = True) -> list[list[Cell]]:
    """A header row's labels in runs, each under one label of the row above: a run ends before a label
    it already holds and where a stub follows a value label; with `weak`, also before a total (合计/小计)."""
    groups: list[list[Cell]] = []
    keys: set[str] = set()  # those of the last run's labels
    for c in level:
        key = label_key(c.text)
        g = groups[-1] if groups else None
        if g is None or key in keys \
                or (weak and is_total_label(c.text)) or (stub_role(c.text) and not stub_role(g[-1].text)):
            groups.append([c])
            keys = {key}
        else:
            g.append(c)
            keys.add(key)
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
    labels = rejoin([c for c in labels if not is_blank(c.text)])
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

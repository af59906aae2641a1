"""A flattened two-sided table whose header the flat reader cannot decode (a document library's copy of a
spreadsheet: 收 项 入 目 支 2020年预算数 项 出 目 一、一般公共预算拨款收入 16,745.59 一、一般公共服务支出 …): read as
its labels, each followed by its figure when the row has one.

The cells come income label, [figure], expenditure label, [figure] … with the empty cells left out; a label
spaced out character by character (本 年 收 入 合 计) is one label, and a page footer printed inside one
(支 第 2 页,共 46 页 出 总 计) is left out. Each label's side is told by what it names (…收入 / …支出, the totals)
or, for the rest, by the side whose numbering (一、 二、 …) it continues. A figure belongs to the label right
before it; one printed after anything else (a header label repeated inside the rows) has no row it certainly
belongs to, and is not read (a warning names it).
"""
from __future__ import annotations

import re

from cnbudget.loaders import vocab
from cnbudget.loaders.labels import is_item_label
from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import nfkc, parse_amount

_FOOTER = re.compile(r"第\s*\d+\s*页\s*[,，]?\s*共\s*\d+\s*页")
_CJK = re.compile(r"^[\u4e00-\u9fff]$")
_NUMERAL = "一二三四五六七八九十"
_ORDINAL = re.compile(r"^([一二三四五六七八九十]+)、")
_INCOME = re.compile(r"收入(?:合计|总计)?$|^收入总计|上年结转|弥补收支差额|结余$")
_EXPENDITURE = re.compile(r"支出(?:合计|总计)?$|^支出总计|结转下年|结余分配|预备费|转入事业基金")


def _column(text: str) -> bool:
    """A value column's label (2020年预算数, 决算数): a budget phase's name."""
    return vocab.phase_for(text) is not None


def _number(numeral: str) -> int:
    """一 → 1, 十九 → 19, 二十八 → 28."""
    if "十" not in numeral:
        return _NUMERAL.index(numeral) + 1
    tens, _, units = numeral.partition("十")
    return (_NUMERAL.index(tens) + 1 if tens else 1) * 10 + (_NUMERAL.index(units) + 1 if units else 0)


def _tokens(items: list[Cell]) -> list[Cell]:
    """The cells with page footers left out and labels spaced out character by character joined."""
    line = items[0].line
    text = _FOOTER.sub(" ", " ".join(c.text for c in items))
    out: list[Cell] = []
    run: list[str] = []
    for t in text.split():
        if _CJK.match(t):
            run.append(t)
            continue
        if run:
            out.append(Cell("".join(run), line))
            run = []
        out.append(Cell(t, line))
    if run:
        out.append(Cell("".join(run), line))
    return out


def _side(label: str, next_number: list[int]) -> int | None:
    key = nfkc(label).replace(" ", "")
    m = _ORDINAL.match(key)
    number = _number(m.group(1)) if m else None
    for side, pattern in ((0, _INCOME), (1, _EXPENDITURE)):
        if pattern.search(key) and (number is None or number == next_number[side] or side == 1):
            return side
    if number is not None:
        fits = [s for s in (0, 1) if next_number[s] == number]
        return fits[0] if len(fits) == 1 else None
    return None


def label_rows(items: list[Cell], path: str, warnings: list[str]) -> list[Row]:
    """Header and rows [income label, figure, expenditure label, figure] of a flattened two-sided table; []
    when the cells do not read so (fewer than two labels on each side, or no column label)."""
    if not items:
        return []
    tokens = _tokens(items)
    header = next((c for c in tokens if _column(c.text)), None)
    if header is None:
        return []
    rows: list[tuple[int, list[Cell]]] = []  # (side, [label, figure]) per label
    unplaced: list[Cell] = []
    next_number = [1, 1]
    for k, c in enumerate(tokens):
        if parse_amount(c.text) is not None:
            last = rows[-1][1] if rows else None
            if last is not None and len(last) == 1 and tokens[k - 1] is last[0]:
                last.append(c)
            else:
                warnings.append(f"{path}:{c.line}: {c.text} follows {tokens[k - 1].text!r}, not a row's label: "
                                "which row of the flattened table it belongs to is not printed; not read")
                unplaced.append(c)
            continue
        if _column(c.text) or not rows and not (is_item_label(c.text) or _ORDINAL.match(nfkc(c.text))):
            if rows:
                rows.append((rows[-1][0], []))  # a header label among the rows: no figure is the row's after it
            continue  # the header's labels (收项入目支 2020年预算数 …)
        side = _side(c.text, next_number)
        if side is None:
            side = rows[-1][0] if rows else 0
        m = _ORDINAL.match(nfkc(c.text))
        if m:
            next_number[side] = _number(m.group(1)) + 1
        rows.append((side, [c]))
    rows = [(side, cells) for side, cells in rows if cells]
    if min(sum(side == s for side, _ in rows) for s in (0, 1)) < 2:
        return []
    blank = Cell("", header.line)
    out = [Row(cells=[blank, header, blank, header], line=header.line, unplaced=unplaced)]
    for side, cells in rows:
        label, figure = cells[0], cells[1] if len(cells) > 1 else blank
        out.append(Row(cells=[label, figure, blank, blank] if side == 0 else [blank, blank, label, figure],
                       line=label.line))
    return out

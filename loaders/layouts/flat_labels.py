"""A table flattened into a line of PDF text, found by its shape whatever its title says: a title ending in 表,
its unit, its column labels, then its rows, each a label followed by its figures (a government's 预算执行情况表
copied out of a PDF):

    2021年西夏区一般公共预算收入执行情况表 (财政预计数) 表一 单位:万元 2020年 2021年 2021年 完成数 预算数 完成数
    49,171 51,385 51,385 100.00% 4.50% 税收收入小计 27,631 33,385 33,385 100.00% 20.82% 增值税 13,950 …

The title opens a table when a 单位 declaration follows it within three cells and known column labels (预算数,
完成数, 执行数, 小计 …; items.ttl, phases.ttl) follow that before any figure. A header printed over two lines
comes flattened as its rows one after the other: years over measures (2020年 2021年 2021年 | 完成数 预算数 完成数)
are put together column by column when the two runs are as long as each other, else the header is not read.

How many figures a row gives is what most rows give (the header may name fewer: columns whose labels the
converter lost are read only when every figure under them is a percentage, which carries its own unit). A row
with fewer figures is passed on short, for the table's arithmetic to place (tables/arithmetic.py); figures
printed after no label (a row whose label was lost), or more than a row holds, have no row they certainly
belong to: not read, with a warning. A page footer printed inside a label (第 2 页,共 46 页; - 2 -) is left out,
and a label spaced out character by character is one label.
"""
from __future__ import annotations

import re
from collections import Counter

from cnbudget.loaders.labels import declared_unit, is_column_label, stub_role
from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import clean_label, label_key, looks_numeric, nfkc, parse_amount

_FOOTER = re.compile(r"第\s*\d+\s*页\s*[,，]?\s*(?:共\s*\d+\s*页)?|[-—–]\s*\d{1,3}\s*[-—–](?=\s|$)")
_YEAR = re.compile(r"^(?:19|20)\d{2}\s*年度?$")
_CJK_END = re.compile(r"[\u4e00-\u9fff]$")
_CJK_START = re.compile(r"^[\u4e00-\u9fff]")
_SENTENCE = re.compile(r"[。；;，,:：！？]")
MIN_ROWS = 3  # rows of figures under the header: fewer is no table to tell by its shape


def _figure(text: str) -> bool:
    return parse_amount(text) is not None or looks_numeric(text)


def _header_label(text: str) -> bool:
    return bool(stub_role(text) or _YEAR.match(nfkc(text).strip()) or is_column_label(text))


def is_title(text: str) -> bool:
    """A short text naming a table (…表, …表(财政预计数) not: its note is a cell of its own)."""
    t = clean_label(text)
    return 4 <= len(t) <= 60 and not _SENTENCE.search(t) and label_key(t).endswith("表")


def opens_table(texts: list[str], k: int) -> bool:
    """Whether cell k of a flattened line is the title of a table told by its shape: a unit declared within
    three cells after it, then column labels before any figure."""
    if not is_title(texts[k]):
        return False
    unit = next((j for j in range(k + 1, min(k + 4, len(texts))) if declared_unit(texts[j])), None)
    if unit is None:
        return False
    labels = 0
    for t in texts[unit + 1:unit + 13]:
        if _figure(t):
            return labels >= 2
        labels += is_column_label(t)
    return False


def _joined(items: list[Cell]) -> list[Cell]:
    """The cells with page footers left out and a label spaced out (本 年 收 入) or cut by a footer joined."""
    text = _FOOTER.sub(" ", " ".join(c.text for c in items))
    out: list[Cell] = []
    line = items[0].line
    for t in text.split():
        if out and not _figure(t) and not _figure(out[-1].text) and len(t) == 1 and _CJK_START.match(t) \
                and _CJK_END.search(out[-1].text) and not _header_label(out[-1].text):
            out[-1] = Cell(out[-1].text + t, line)  # a character spaced out of its label
        else:
            out.append(Cell(t, line))
    return out


def _columns(labels: list[str]) -> list[str] | None:
    """The value columns' labels of a flattened header: years over measures put together column by column;
    None when the runs cannot be paired."""
    years = [t for t in labels if _YEAR.match(nfkc(t).strip())]
    measures = [t for t in labels if not _YEAR.match(nfkc(t).strip())]
    if not years:
        return measures
    if not measures:
        return years
    first_measure = labels.index(measures[0])
    if len(years) != len(measures) or any(_YEAR.match(nfkc(t).strip()) for t in labels[first_measure:]):
        return None  # a year over several columns (a merged cell) cannot be told from a flat line
    return [nfkc(y).strip() + m for y, m in zip(years, measures)]


def label_rows(items: list[Cell], path: str, warnings: list[str]) -> list[Row]:
    """Header and rows [label, figures…] of a flattened table's cells after its unit; [] when they do not
    read so (no header of column labels, years that cannot be paired, fewer than MIN_ROWS rows)."""
    if not items:
        return []
    cells = _joined(items)
    first = next((k for k, c in enumerate(cells) if _figure(c.text)), None)
    if first is None:
        return []
    head = [c.text for c in cells[:first]]
    stubs = []
    while head and stub_role(head[0]):
        stubs.append(head.pop(0))
    n_labels = 0
    while n_labels < len(head) and _header_label(head[n_labels]) and not stub_role(head[n_labels]):
        n_labels += 1
    runs = _runs(cells[len(stubs) + n_labels:])
    if runs and runs[-1][1] and parse_amount(runs[-1][1][-1].text) is None:
        cut = runs[-1][1].pop()  # the line ends inside a figure (2,6): the text was cut there
        warnings.append(f"{path}:{cut.line}: {cut.text!r} ends the flattened table's line: a figure cut short; "
                        "not read")
    counts = Counter(len(values) for label, values in runs if label and values)
    if not counts:
        return []
    n = max(counts, key=lambda k: (counts[k], k))
    labels = head[:n_labels]
    columns = _columns(labels)
    if columns and len(columns) > n and len(columns) == len(labels):
        # the first row's label is itself a column label (合计): the header is as wide as the rows
        runs[0] = (" ".join([*labels[n:], runs[0][0]]).strip(), runs[0][1])
        columns = columns[:n]
    if not columns or len(columns) > n:
        return []
    unlabelled = n - len(columns)
    if unlabelled and not all(t.strip().endswith("%") for label, values in runs if label and len(values) == n
                              for t in [c.text for c in values[len(columns):]]):
        return []  # figures under columns whose labels are lost, not percentages: which columns is not printed
    line = cells[first].line
    out = [Row(cells=[Cell(" ".join(stubs), line)] + [Cell(c, line) for c in columns] + [Cell("", line)] * unlabelled,
               line=line)]
    unplaced: list[Cell] = []
    for label, values in runs:
        if not values:
            continue
        if not label or len(values) > n:
            keep = values[:n] if label and len(values) % n == 0 else []
            rest = values[len(keep):]
            warnings.append(f"{path}:{rest[0].line}: {' '.join(c.text for c in rest)}: figures after "
                            f"{'no label' if not label else repr(label)} in a flattened table of {n} columns; "
                            "which row they belong to is not printed; not read")
            unplaced += [c for c in rest if parse_amount(c.text) is not None]
            values = keep
            if not values:
                continue
        out.append(Row(cells=[Cell(label, values[0].line), *values], line=values[0].line, by_shape=True))
    if len(out) - 1 < MIN_ROWS:
        return []
    out[0].unplaced = unplaced
    return out


def _runs(cells: list[Cell]) -> list[tuple[str, list[Cell]]]:
    """(label, figures) in the order printed, the first label "" when the figures come first; a label of
    several cells joined (其中: 增值税)."""
    runs: list[tuple[str, list[Cell]]] = []
    label: list[str] = []
    values: list[Cell] = []
    for c in cells:
        if _figure(c.text):
            values.append(c)
            continue
        if values:
            runs.append((_label(label), values))
            label, values = [], []
        label.append(c.text)
    if label or values:
        runs.append((_label(label), values))
    return runs


def _label(parts: list[str]) -> str:
    out = ""
    for p in parts:
        out += ("" if not out or (_CJK_END.search(out) and _CJK_START.match(p)) else " ") + p
    return out

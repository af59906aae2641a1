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

from cnbudget.loaders.labels import declared_unit, is_column_label, is_year_label, stub_role
from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import clean_label, is_figure, is_percent, label_key, nfkc, parse_amount

_FOOTER = re.compile(r"第\s*\d+\s*页\s*[,，]?\s*(?:共\s*\d+\s*页)?|[-—–]\s*\d{1,3}\s*[-—–](?=\s|$)")
_GLUED = re.compile(r"([\u4e00-\u9fff）)])(-?\d[\d,]*\.\d+%?)(?=\s|$)")
_CJK_END = re.compile(r"[\u4e00-\u9fff]$")
_CJK_START = re.compile(r"^[\u4e00-\u9fff]")
_SENTENCE = re.compile(r"[。；;，,:：！？]")
MIN_ROWS = 3  # rows of figures under the header: fewer is no table to tell by its shape


def _header_label(text: str) -> bool:
    return bool(stub_role(text) or is_year_label(text) or is_column_label(text))


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
        if is_figure(t):
            return labels >= 2
        labels += is_column_label(t)
    return False


def _joined(items: list[Cell]) -> list[Cell]:
    """The cells with page footers left out, a label spaced out (本 年 收 入) or cut by a footer joined, and a
    figure a wrapped line glued to the label before it (运行费28.00: a PDF's lines joined) apart from it."""
    text = _GLUED.sub(r"\1 \2", _FOOTER.sub(" ", " ".join(c.text for c in items)))
    out: list[Cell] = []
    line = items[0].line
    for t in text.split():
        if out and not is_figure(t) and not is_figure(out[-1].text) and len(t) == 1 and _CJK_START.match(t) \
                and _CJK_END.search(out[-1].text) and not _header_label(out[-1].text):
            out[-1] = Cell(out[-1].text + t, line)  # a character spaced out of its label
        else:
            out.append(Cell(t, line))
    return out


def _columns(labels: list[str]) -> list[str] | None:
    """The value columns' labels of a flattened header: years over measures put together column by column;
    None when the runs cannot be paired."""
    years = [t for t in labels if is_year_label(t)]
    measures = [t for t in labels if not is_year_label(t)]
    if not years:
        return measures
    if not measures:
        return years
    first_measure = labels.index(measures[0])
    if len(years) != len(measures) or any(is_year_label(t) for t in labels[first_measure:]):
        return None  # a year over several columns (a merged cell) cannot be told from a flat line
    return [nfkc(y).strip() + m for y, m in zip(years, measures)]


def label_rows(items: list[Cell], path: str, warnings: list[str], ends_text: bool = False) -> list[Row]:
    """Header and rows [label, figures…] of a flattened table's cells after its unit; [] when they do not
    read so (no header of column labels, years that cannot be paired, fewer than MIN_ROWS rows). With
    `ends_text` (the text ends with these cells: a copy cut off), a figure cut short at the end is left out and
    the last row's figures are read from the left, as printed before the cut."""
    if not items:
        return []
    cells = _joined(items)
    first = next((k for k, c in enumerate(cells) if is_figure(c.text)), None)
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
    if ends_text and runs and runs[-1][1] and _amount(runs[-1][1][-1]) is None:
        cut = runs[-1][1].pop()  # the line ends inside a figure (2,6): the text was cut there
        warnings.append(f"{path}:{cut.line}: {cut.text!r} ends the flattened table's line: a figure cut short; "
                        "not read")
    counts = Counter(len(values) for label, values in runs if label and values)
    if not counts:
        return []
    n = max(counts, key=lambda k: (counts[k], k))
    labels = head[:n_labels]
    cut = len(labels)  # the header's labels end where the columns they give fit the rows' figures
    while cut and ((columns := _columns(labels[:cut])) is None or len(columns) > n):
        cut -= 1
    if not cut or any(is_year_label(t) for t in labels[cut:]):
        return []
    if cut < len(labels):  # the first row's label is itself a column label (合计)
        runs[0] = (_label([*labels[cut:], runs[0][0]]), runs[0][1])
    unlabelled = n - len(columns)
    if unlabelled and not all(is_percent(c.text) for label, values in runs if label and len(values) == n
                              for c in values[len(columns):]):
        return []  # figures under columns whose labels are lost, not percentages: which columns is not printed
    line = cells[first].line
    out = [Row(cells=[Cell(" ".join(stubs), line)] + [Cell(c, line) for c in columns] + [Cell("", line)] * unlabelled,
               line=line)]
    unplaced: list[Cell] = []

    def leave_out(what: list[Cell], why: str) -> None:
        warnings.append(f"{path}:{what[0].line}: {' '.join(c.text for c in what)}: {why}; not read")
        unplaced.extend(c for c in what if parse_amount(c.text) is not None)

    for label, values in runs:
        if not values:
            continue
        if not label or len(values) > n:
            keep = values[:n] if label and len(values) % n == 0 else []
            leave_out(values[len(keep):], f"figures after {'no label' if not label else repr(label)} in a flattened "
                      f"table of {n} columns: which row they belong to is not printed")
            values = keep
            if not values:
                continue
        if ends_text and (label, values) == runs[-1] and len(values) < n:
            warnings.append(f"{path}:{values[0].line}: the text ends inside the row {label!r} of a flattened table "
                            f"({len(values)} of its {n} figures): they are read from the left, as printed before the cut")
            values = values + [Cell("", values[-1].line)] * (n - len(values))
        elif unlabelled and len(values) < n:
            values = _typed(label, values, len(columns), unlabelled, leave_out)
            if not values:
                continue
        out.append(Row(cells=[Cell(label, values[0].line), *values], line=values[0].line))
    if len(out) - 1 < MIN_ROWS:
        return []
    out[0].unplaced = unplaced
    return out


def _amount(c: Cell):
    """The amount a cell prints, a percentage's too (-5.66%); None for a malformed figure."""
    return parse_amount(nfkc(c.text).strip().removesuffix("%"))


def _typed(label: str, values: list[Cell], amounts_wide: int, rates_wide: int, leave_out) -> list[Cell]:
    """A short row under amount columns then unlabelled percentage columns: its amounts for the amount columns
    (all of them, or fewer for the table's arithmetic to place), its percentages after them only when they fill
    the percentage columns (which of these a lone one stands under is not printed)."""
    amounts = [c for c in values if not is_percent(c.text)]
    rates = values[len(amounts):]
    if len(amounts) > amounts_wide or not all(is_percent(c.text) for c in rates):
        leave_out(values, f"figures of {label!r} that do not fit the flattened table's columns")
        return []
    if len(amounts) == amounts_wide and len(rates) == rates_wide:
        return values
    if rates:
        leave_out(rates, f"percentages of {label!r}, fewer than the columns of percentages: under which column "
                  "each stands is not printed")
    if len(amounts) == amounts_wide:
        blank = Cell("", amounts[-1].line)
        return amounts + [blank] * rates_wide
    return amounts


def _runs(cells: list[Cell]) -> list[tuple[str, list[Cell]]]:
    """(label, figures) in the order printed, the first label "" when the figures come first; a label of
    several cells joined (其中: 增值税)."""
    runs: list[tuple[str, list[Cell]]] = []
    label: list[str] = []
    values: list[Cell] = []
    for c in cells:
        if is_figure(c.text):
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
    for p in filter(None, parts):
        out += ("" if not out or (_CJK_END.search(out) and _CJK_START.match(p)) else " ") + p
    return out

"""Tables found by what they hold, whatever their title says (or without one).

A table is a header row whose labels are known column labels (预算数, 决算数, 本年预算数, 小计, 其中…, 增减,
完成率; items.ttl) or stub labels (项目, 科目名称), over rows whose stubs are known items (三公 categories,
income and expenditure items, subject names or codes) with amounts. Its title is the nearest short text
ending in 表 above the header, its unit the nearest 单位 declaration between them. Under a header with both a
title and a unit above it, a row of a label then figures is the table's whatever its label names (a revenue
table's 增值税, 房产税: items no vocabulary here lists).
"""
from __future__ import annotations

from dataclasses import dataclass

from cnbudget.loaders import vocab
from cnbudget.loaders.labels import (YEAR_LABEL, declared_unit, is_column_label, is_filler, is_item_label, is_note,
                                     is_total_label, read_meta, stub_role)
from cnbudget.loaders.records import Row, Table
from cnbudget.loaders.text import clean_label, is_blank, label_key, looks_numeric, parse_amount

_LOOK_BACK = 4  # rows above a header searched for the title and the unit
_SENTENCE = set("。；;，,！？")


@dataclass
class ContentStart:
    header: int  # index of the first header row
    title_row: int | None
    title: str
    unit: str | None


def _has_amount(row: Row) -> bool:
    return any(parse_amount(c.text) is not None for c in row.cells)


def _texts(row: Row) -> list[str]:
    return [c.text for c in row.cells if not is_blank(c.text)]


def is_header_row(row: Row) -> bool:
    """Labels only, every one a stub or column label, a value column among them."""
    if row.paragraph or len(row.cells) < 2 or any(len(c.text) > 40 for c in row.cells):
        return False
    texts = _texts(row)
    if len(texts) < 2 or any(parse_amount(t) is not None or looks_numeric(t) for t in texts):
        return False
    known = [stub_role(t) is not None or is_column_label(t) for t in texts]
    if all(known) and any(vocab.item_for(t) or vocab.phase_for(t) for t in texts if not stub_role(t)):
        return True
    # categories as columns (“三公”经费合计 | 因公出国(境)费 | 公务接待费 …), a row of figures under them
    return all(is_item_label(t) or is_column_label(t) for t in texts) and sum(map(is_item_label, texts)) >= 2


def is_item_row(row: Row) -> bool:
    """A data row: a known item's stub, then amounts (or words standing for none); or, under categories as
    columns, amounts alone."""
    texts = _texts(row)
    if not row.paragraph and texts and all(parse_amount(t) is not None for t in texts):
        return True
    if row.paragraph or not texts or not (is_item_label(texts[0]) or YEAR_LABEL.match(clean_label(texts[0]))):
        return False
    rest = texts[1:]  # amounts, words standing for none, a remark after them
    return any(parse_amount(t) is not None for t in rest) or all(is_filler(t) for t in rest)


def _labelled_figures(row: Row) -> bool:
    """A label, then figures only (amounts, percentages, words standing for none)."""
    texts = _texts(row)
    return (not row.paragraph and len(texts) >= 2 and parse_amount(texts[0]) is None and not looks_numeric(texts[0])
            and all(parse_amount(t.strip().removesuffix("%")) is not None or is_filler(t) for t in texts[1:]))


def find_by_content(rows: list[Row], covered: set[int]) -> list[ContentStart]:
    """Header rows over item rows with amounts, outside the rows of the tables found otherwise."""
    starts: list[ContentStart] = []
    i = 0
    while i < len(rows):
        if i in covered or not is_header_row(rows[i]):
            i += 1
            continue
        k = i + 1
        while k < len(rows) and k - i <= 3 and is_header_row(rows[k]) or (k < len(rows) and _subheader(rows[k])):
            k += 1
        start = _start(rows, i)
        # a title (…表) and its unit above the header: the rows under it are its own, whatever their labels name
        titled = start.title_row is not None and start.unit is not None
        body = 0
        while k < len(rows) and not rows[k].paragraph and (is_item_row(rows[k]) or not _texts(rows[k])
                                                            or len(_texts(rows[k])) == 1
                                                            or titled and _labelled_figures(rows[k])):
            texts = _texts(rows[k])
            body += (bool(texts) and (is_item_row(rows[k]) or titled and _labelled_figures(rows[k]))
                     and _has_amount(rows[k]) and not is_total_label(texts[0]))
            k += 1
        if body:
            starts.append(start)
            covered.update(range(i, k))
            i = k
        else:
            i += 1
    return starts


def _subheader(row: Row) -> bool:
    """A header row under the first one: column labels with a blank or a label the vocabulary lacks (小计 |
    其中：一般公共预算安排数)."""
    texts = _texts(row)
    return (not row.paragraph and bool(texts) and not _has_amount(row) and not is_item_label(texts[0])
            and any(is_column_label(t) for t in texts))


def _start(rows: list[Row], header: int) -> ContentStart:
    title_row, title, unit = None, "", None
    for k in range(header - 1, max(-1, header - 1 - _LOOK_BACK), -1):
        text = " ".join(_texts(rows[k]))
        if not text:
            continue
        unit = unit or declared_unit(text)
        if declared_unit(text) or is_note(text):
            continue
        t = clean_label(text)
        if len(t) <= 60 and not (_SENTENCE & set(t)) and label_key(t).rstrip("）)").endswith("表"):
            title_row, title = k, t
            break
    return ContentStart(header, title_row, title, unit)


def read_header_meta(table: Table, rows: list[Row], header: int, title_row: int | None, unit: str | None) -> None:
    """部门 / year / unit from the rows between the title and the header."""
    first = title_row + 1 if title_row is not None else max(0, header - _LOOK_BACK)
    for row in rows[first:header]:
        for text in _texts(row):
            read_meta(table, text)
    if unit and not table.unit:
        table.unit = unit

"""A project self-evaluation form flattened into one line of running text (a document library's copy of a
spreadsheet: … 项目资金 (万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分 年度资金总额: 0 0 0 10 0 0 其中:本年财政拨款
90 89.974 89.974 上年结转资金 …): cut back into the rows its labels and figures make, so that the form's
预算执行情况 block is read as any other (projects.py).

A label after figures starts a row; the block's column labels follow the label that heads them; a field label
(项目名称, 主管部门, 实施单位) keeps the value printed after it; a bracketed unit stays with the label before it.
"""
from __future__ import annotations

import re

from cnbudget.loaders.evaluation.labels import UNIT_IN_HEADER, cell_number
from cnbudget.loaders.records import Cell, Row

FLAT_LENGTH = 200  # a line this long naming the form may hold it whole
_FIELDS = {"项目名称", "主管部门", "实施单位"}


def unflatten(row: Row, is_column: "callable") -> list[Row]:
    """The rows of a form flattened into one paragraph row; `is_column` tells the block's column labels."""
    cell = row.cells[0]
    tokens: list[str] = []
    for t in cell.text.split():
        if tokens and UNIT_IN_HEADER.fullmatch(t):
            tokens[-1] += t  # 项目资金 (万元)
        else:
            tokens.append(t)
    rows: list[list[str]] = []
    current: list[str] = []
    for t in tokens:
        figure = cell_number(t) is not None
        if figure or (current and not any(cell_number(x) is not None for x in current)
                      and (is_column(t) and all(is_column(x) for x in current[1:])
                           or (len(current) == 1 and current[0] in _FIELDS))):
            current.append(t)
            continue
        if current:
            rows.append(current)
        current = [t]
    if current:
        rows.append(current)
    return [Row(cells=[Cell(t, cell.line) for t in r], line=cell.line) for r in rows]


def is_flat_form(row: Row, title: re.Pattern) -> bool:
    return row.paragraph and len(row.cells) == 1 and len(row.cells[0].text) >= FLAT_LENGTH \
        and bool(title.search(row.cells[0].text.replace(" ", "")))

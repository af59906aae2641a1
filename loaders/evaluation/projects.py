"""Project self-evaluation forms (项目支出绩效自评表): only their 预算执行情况 block is read, as figures.

The block's columns are found by their printed labels (年初预算 / 调整后预算数 / 预算执行数 / 预算执行率 /
权重 / 得分), its rows are 总额 and its parts (财政资金 …); the form's indicators and conclusions are left
out, there being no record for project self-evaluations.
"""
from __future__ import annotations

import re
from decimal import Decimal

from cnbudget.loaders.evaluation.flat_form import is_flat_form, unflatten
from cnbudget.loaders.evaluation.labels import UNIT_IN_HEADER, cell_number, unitless_key
from cnbudget.loaders.records import Cell, Figure, Row
from cnbudget.loaders.text import clean_label, is_blank, nfkc, strip_ordinal

_PROJECT_TITLE = re.compile(r"项目(?:支出)?绩效(?:自评|评价)表$")
_FLAT_TITLE = re.compile(r"项目(?:支出)?绩效(?:自评|评价)表")
_EXEC_BLOCK = re.compile(r"^(?:预算|资金)?执行情况$|^项目资金$")
# measure columns of the block, by their printed labels: (pattern, kind, phase)
_EXEC_COLUMNS = [
    (re.compile(r"^年初预算(?:数|金额)?$"), "money", "approved"),
    (re.compile(r"^(?:调整后|全年|调整)预算(?:数|金额)?$"), "money", "revised"),
    (re.compile(r"^(?:预算|全年|实际)?(?:执行数|执行金额|支出数|支出金额)$"), "money", "executed"),
    (re.compile(r"^(?:预算)?执行率$"), "rate", None),
    (re.compile(r"^(?:权重|分值)$"), "weight", None),
    (re.compile(r"^得分$"), "score", None),
]
_EXEC_END = re.compile(r"^(?:绩效指标|一级指标|年度总体目标|年度目标|绩效目标|总分|自评得分|评价结论)")

# a measure column: its header cell, and (kind, phase) or None for a column that is not a measure
_Column = tuple[Cell, tuple[str, str | None] | None]
# a row of the block as read: (label, line, phase of an amount or kind of another figure → (value, as printed))
_ReadRow = tuple[str, int, dict[str, tuple[Decimal, str]]]


def _exec_kind(text: str) -> tuple[str, str | None] | None:
    k = unitless_key(text)
    for rx, kind, phase in _EXEC_COLUMNS:
        if rx.match(k):
            return kind, phase
    return None


def read_project_execution(rows: list[Row], path: str, warnings: list[str]) -> list[Figure]:
    """The 预算执行情况 block of each 项目支出绩效自评表 (年初预算 / 调整后预算数 / 预算执行数 / 预算执行率 /
    权重 / 得分 for 总额 and its parts 财政资金 …) as figures: one per printed number, its row label
    as printed (其中： left out), its column label as the measure, in the block's currency unit.
    A stated rate that the amounts do not give, or parts that do not add up to the total, are warned of."""
    if any(is_flat_form(r, _FLAT_TITLE) for r in rows):  # a form flattened into one line: its rows again
        rows = [x for r in rows for x in (unflatten(r, lambda t: _exec_kind(t) is not None)
                                          if is_flat_form(r, _FLAT_TITLE) else [r])]
    starts = [i for i, r in enumerate(rows) if any(_PROJECT_TITLE.search(unitless_key(c.text))
                                                   and len(unitless_key(c.text)) <= 40 for c in r.cells)]
    out: list[Figure] = []
    for n, s in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(rows)
        out += _project_form(rows, s, end, path, warnings)
    return out


def _project_form(rows: list[Row], start: int, end: int, path: str, warnings: list[str]) -> list[Figure]:
    """The figures of one form's 预算执行情况 block, the form running from rows[start] (its title) to rows[end]."""
    project, header_at = _block_header(rows, start, end)
    title = rows[start]
    title_line = next(c.line for c in title.cells if _PROJECT_TITLE.search(unitless_key(c.text)))
    if header_at is None:
        return []
    unit, columns = _block_columns(rows[header_at], project, path, warnings)
    section = f"{project or clean_label(title.cells[0].text)}：预算执行情况"
    figures, table = _block_rows(rows, header_at + 1, end, columns, unit, section, path, warnings)
    if figures:
        warnings.append(f"{path}:{title_line}: 项目支出绩效自评表 of {project or '(no project name)'}: its 预算执行情况 "
                        "is read as figures; the form's indicators and conclusions are not kept (no record for "
                        "project self-evaluations)")
    _check_execution(table, project, path, warnings)
    return figures


def _block_header(rows: list[Row], start: int, end: int) -> tuple[str | None, int | None]:
    """The project's name (项目名称 row) and the index of the block's header row: the first with two
    measure columns, one of them 执行数."""
    project = None
    header_at = None
    for i in range(start, end):
        cells = rows[i].cells
        keys = [unitless_key(c.text) for c in cells]
        if project is None and "项目名称" in keys:
            project = next((clean_label(c.text) for c in cells[keys.index("项目名称") + 1:] if not is_blank(c.text)),
                           None)
        if sum(_exec_kind(c.text) is not None for c in cells) >= 2 and any(
                _exec_kind(c.text) == ("money", "executed") for c in cells):
            header_at = i
            break
    return project, header_at


def _block_columns(header: Row, project: str | None, path: str, warnings: list[str]) -> tuple[str, list[_Column]]:
    """The block's currency unit (from its row-label header, 项目资金（万元）) and the columns after that label."""
    cells = [c for c in header.cells if not is_blank(c.text)]
    if cells and _EXEC_BLOCK.match(unitless_key(cells[0].text)) and not UNIT_IN_HEADER.search(nfkc(cells[0].text)):
        cells = cells[1:]  # the block's own label (预算执行情况（10分）), printed once for all its rows
    label_at = next((j for j, c in enumerate(cells) if UNIT_IN_HEADER.search(nfkc(c.text))), None)
    if label_at is None:
        label_at = next((j for j, c in enumerate(cells) if _exec_kind(c.text) is None), 0)
    unit_m = UNIT_IN_HEADER.search(nfkc(cells[label_at].text)) if cells else None
    unit = unit_m.group(1) if unit_m else "万元"
    if not unit_m:
        warnings.append(f"{path}:{header.line}: 预算执行情况 of {project or 'a project'} states no currency unit; "
                        "using 万元")
    columns = [(c, _exec_kind(c.text)) for c in cells[label_at + 1:]]
    return unit, columns


def _block_rows(rows: list[Row], first: int, end: int, columns: list[_Column], unit: str, section: str,
                path: str, warnings: list[str]) -> tuple[list[Figure], list[_ReadRow]]:
    """The block's rows from rows[first] up to the next part of the form: their figures, and each row as
    read for the checks."""
    figures: list[Figure] = []
    table: list[_ReadRow] = []
    numeric = sum(1 for _, kind in columns if kind is not None)
    for i in range(first, end):
        row = rows[i]
        if len(row.cells) == 1 and cell_number(row.cells[0].text) is None and i + 1 < end \
                and not rows[i + 1].paragraph and rows[i + 1].cells \
                and clean_label(rows[i + 1].cells[0].text).startswith("其中"):
            continue  # a note printed between the total and its 其中 rows (青神县's form)
        data = [c for c in row.cells if not is_blank(c.text) or c.text.strip() in ("/", "-", "—")]
        if (row.paragraph or not data or _EXEC_END.match(unitless_key(data[0].text))
                or cell_number(data[0].text) is not None):
            break
        label = strip_ordinal(clean_label(data[0].text))
        values = data[1:]
        if not any(cell_number(c.text) is not None for c in values):
            if not values:
                break
            continue  # a row without figures (其他资金 | / | /)
        if len(values) < numeric:
            warnings.append(f"{path}:{row.line}: 预算执行情况 row {label} has {len(values)} cells for the "
                            f"{numeric} columns of its header; read left to right")
        row_figures, read = _row_figures(label, values, columns, unit, section)
        figures += row_figures
        table.append((label, row.line, read))
    return figures, table


def _row_figures(label: str, values: list[Cell], columns: list[_Column], unit: str, section: str
                 ) -> tuple[list[Figure], dict[str, tuple[Decimal, str]]]:
    """One row's cells under the measure columns, left to right → its figures, and its values by
    phase (amounts) or kind (rate, weight, score)."""
    figures: list[Figure] = []
    read: dict[str, tuple[Decimal, str]] = {}
    for c, (head, kind) in zip(values, columns):
        value = cell_number(c.text)
        if kind is None or value is None:
            continue
        what, phase = kind
        measure = clean_label(head.text)
        fig_unit = unit if what == "money" else "%" if what == "rate" else "分"
        figures.append(Figure(section=section, label=label, measure=measure, amount=value, unit=fig_unit,
                              line=c.line, phase=phase))
        read[phase if what == "money" else what] = (value, c.text.strip())
    return figures, read


def _check_execution(table: list[_ReadRow], project: str | None, path: str, warnings: list[str]) -> None:
    """Stated rates against 执行数 / 调整后预算数 (else 年初预算), and the parts against the total."""
    for label, line, read in table:
        budget = read.get("revised") or read.get("approved")
        if "rate" not in read or "executed" not in read or budget is None or not budget[0]:
            continue
        stated, printed = read["rate"]
        computed = read["executed"][0] / budget[0] * 100
        places = -stated.as_tuple().exponent if stated.as_tuple().exponent < 0 else 0
        if abs(computed - stated) > Decimal(1).scaleb(-places) / 2:
            warnings.append(f"{path}:{line}: 预算执行率 of {label} ({project}) is printed {printed}, "
                            f"but {read['executed'][0]} / {budget[0]} is {computed.quantize(Decimal('0.01'))}%")
    if len(table) < 3:
        return
    total, parts = table[0], table[1:]
    for key in ("approved", "revised", "executed"):
        if key not in total[2]:
            continue
        present = [p[2][key][0] for p in parts if key in p[2]]
        if len(present) >= 2 and sum(present) != total[2][key][0]:
            warnings.append(f"{path}:{total[1]}: 预算执行情况 of {project}: the parts printed under "
                            f"{key} add up to {sum(present)}, not the {total[2][key][0]} of {total[0]}")

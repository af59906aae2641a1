"""The indicator rows of a 整体绩效自评表 (一级指标 / 二级指标 / 指标内容 / 预期指标值 / 实际完成指标值 /
分值 / 得分) → `Indicator`s, with the target and achieved values parsed."""
from __future__ import annotations

from cnbudget.loaders.evaluation.headers import Grid
from cnbudget.loaders.evaluation.labels import cell_number, cell_text, nonblank_cells
from cnbudget.loaders.evaluation.targets import operator_word, parse_target
from cnbudget.loaders.records import Cell, Indicator, Row
from cnbudget.loaders.text import clean_label, is_blank


def _aligned(row: Row, width: int) -> list[Cell]:
    """Cells of a data row placed under a header of `width` columns: a shorter row is taken to
    lack its leftmost cells (merged cells printed once, on the group's first row)."""
    cells = row.cells
    if len(cells) < width:
        pad = [Cell("", row.line)] * (width - len(cells))
        return pad + list(cells)
    return list(cells)


def orphan_number(row: Row) -> Cell | None:
    """A row holding a single number and nothing else: the tail of the row above, split off."""
    nb = nonblank_cells(row)
    if len(nb) == 1 and cell_number(nb[0].text) is not None:
        return nb[0]
    return None


def _raw(cell: Cell | None) -> str:
    """A value text as printed, trimmed (no-figure marks kept: '/', '—')."""
    if cell is None:
        return ""
    return clean_label(cell.text)


def read_indicator(row: Row, g: Grid, carry: dict[str, str]) -> tuple[Indicator | None, bool]:
    """One indicator row. Returns (indicator or None, whether the row was a no-indicator row such as
    经济效益指标 / '/')."""
    cells = _aligned(row, g.width)

    def cell(role: str) -> Cell | None:
        p = g.pos(role)
        return cells[p] if p is not None and p < len(cells) else None

    l1, l2 = cell_text(cell("level1")), cell_text(cell("level2"))
    if l1:
        carry["level1"] = l1
        carry["level2"] = ""
    if l2:
        carry["level2"] = l2
    content = cell("content")
    if content is None or is_blank(content.text):
        return None, bool(l1 or l2 or any(not is_blank(c.text) for c in cells))
    expected, actual = _raw(cell("expected")), _raw(cell("actual"))
    ev, eu, eo = parse_target(expected)
    av, au, _ = parse_target(actual)
    op_cell, unit_cell = cell_text(cell("op")), cell_text(cell("unit"))
    if op_cell:
        eo = operator_word(op_cell) or eo
    if unit_cell:
        eu = eu or unit_cell
        au = au or (unit_cell if av is not None else None)
    weight, score = cell("weight"), cell("score")
    return Indicator(
        level1=carry["level1"], level2=carry["level2"], content=clean_label(content.text), expected=expected,
        actual=actual, weight=cell_number(weight.text) if weight is not None else None,
        score=cell_number(score.text) if score is not None else None, line=content.line,
        expected_value=ev, expected_unit=eu, expected_op=eo, actual_value=av, actual_unit=au), False

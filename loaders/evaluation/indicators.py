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
    weight, score = cell("weight"), cell("score")
    return indicator(carry["level1"], carry["level2"], clean_label(content.text), expected, actual,
                     cell_text(cell("op")), cell_text(cell("unit")), content.line,
                     weight=cell_number(weight.text) if weight is not None else None,
                     score=cell_number(score.text) if score is not None else None), False


def indicator(level1: str, level2: str, content: str, expected: str, actual: str, op_text: str = "",
              unit_text: str = "", line: int = 1, **points) -> Indicator:
    """An indicator from its texts as printed, target and achieved values parsed: `op_text` and `unit_text` are
    the 指标性质 (≥ / ≤ / =) and 度量单位 columns of the forms that print them apart from the value."""
    ev, eu, eo = parse_target(expected)
    av, au, _ = parse_target(actual)
    if op_text:
        eo = operator_word(op_text) or eo
    if unit_text:
        eu = eu or unit_text
        au = au or (unit_text if av is not None else None)
    return Indicator(level1=level1, level2=level2, content=content, expected=expected, actual=actual,
                     weight=points.get("weight"), score=points.get("score"), line=line, expected_value=ev,
                     expected_unit=eu, expected_op=eo, actual_value=av, actual_unit=au)

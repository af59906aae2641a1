"""The data rows of a 整体绩效自评表's parts → the form's fields: task rows, the 金额合计 row, the values
beside their labels (预算执行率 85.43% 分值 10 得分 8.54) and the goals; and a row split over blank
lines put back together."""
from __future__ import annotations

from decimal import Decimal

from cnbudget.loaders.evaluation.headers import Grid, money_roles, row_kind
from cnbudget.loaders.evaluation.labels import (
    ACHIEVED_KEYS, AMOUNT_TOTAL, EXECUTION_RATE, GOAL_KEYS, SCORE_KEYS, TOTAL_SCORE, WEIGHT_KEYS, cell_number,
    cell_text, nonblank_cells, unitless_key)
from cnbudget.loaders.records import Cell, PerformanceTask, Row, UnitEvaluation
from cnbudget.loaders.text import is_blank


def _is_value_label(text: str) -> bool:
    """A label whose value is read beside it: where the search for the previous label's value stops."""
    k = unitless_key(text)
    return bool(EXECUTION_RATE.match(k) or k in WEIGHT_KEYS or k in SCORE_KEYS or TOTAL_SCORE.match(k)
                or k == "预算执行情况")


def label_values(row: Row, nxt: Row | None) -> tuple[dict[str, Cell], bool]:
    """Values of the labelled cells of a row (预算执行率 85.43% 分值 10 得分 8.54), each the next
    numeric cell after its label; labels left without one take the next row's numeric cells in
    order (labels on one row, values on the next). Returns the values and whether `nxt` was used."""
    out: dict[str, Cell] = {}
    pending: list[str] = []
    cells = row.cells
    for j, c in enumerate(cells):
        k = unitless_key(c.text)
        role = ("rate" if EXECUTION_RATE.match(k) else "weight" if k in WEIGHT_KEYS else "score" if k in SCORE_KEYS
                else "total" if TOTAL_SCORE.match(k) else None)
        if role is None:
            continue
        value = None
        for d in cells[j + 1:]:
            if is_blank(d.text):
                continue
            if _is_value_label(d.text):
                break
            if cell_number(d.text) is not None:
                value = d
            break
        if value is not None:
            out[role] = value
        else:
            pending.append(role)
    used = False
    if pending and nxt is not None and not nxt.paragraph:
        values = [d for d in nxt.cells if not is_blank(d.text)]
        if values and all(cell_number(d.text) is not None for d in values):
            for role, d in zip(pending, values):
                out[role] = d
            used = True
    return out, used


def merge_split(rows: list[Row], i: int, end: int, width: int) -> tuple[Row, int]:
    """A data row split over blank lines (its last cells in the following row or rows): the row put
    back together when the pieces add up to the header's width. Returns the row and the next index."""
    row = rows[i]
    if len(row.cells) >= width:
        return row, i + 1
    cells = list(row.cells)
    j = i + 1
    while j < end and len(cells) < width:
        nxt = rows[j]
        if nxt.paragraph or row_kind(nxt) is not None or len(cells) + len(nxt.cells) > width:
            break
        cells += nxt.cells
        j += 1
    if len(cells) == width and j > i + 1:
        return Row(cells=cells, line=row.line), j
    return row, i + 1


def long_text(cells: list[Cell]) -> str:
    """Free-text cells (goals, achievements) as one text: a line per printed line, blank ones dropped."""
    lines = [l.strip() for c in cells for l in c.text.replace("\u3000", " ").split("\n")]
    return "\n".join(l for l in lines if l)


def inline_goals(row: Row) -> tuple[str, list[Cell]] | None:
    """A goals-part row led by its own label (年度总体目标 / 全年实际完成情况) with the text beside it."""
    for j, c in enumerate(row.cells):
        if is_blank(c.text):
            continue
        k = unitless_key(c.text)
        role = "goals" if k in GOAL_KEYS else "achieved" if k in ACHIEVED_KEYS else None
        if role is None:
            return None
        return role, [d for d in row.cells[j + 1:] if not is_blank(d.text)]
    return None


def read_task(form: UnitEvaluation, row: Row, g: Grid, path: str, warnings: list[str]) -> None:
    """One task row (任务名称 / 完成情况 and its amounts) → a `PerformanceTask` of the form."""
    money = money_roles(g)
    values: dict[str, Decimal | None] = {r: None for _, r in money}
    if len(row.cells) == g.width:
        name = row.cells[g.pos("name")] if g.pos("name") is not None else None
        done = row.cells[g.pos("completion")] if g.pos("completion") is not None else None
        for p, r in money:
            values[r] = cell_number(row.cells[p].text)
    else:  # another row split: texts are name then completion, figures in the header's order
        texts = [c for c in nonblank_cells(row) if cell_number(c.text) is None]
        nums = [c for c in nonblank_cells(row) if cell_number(c.text) is not None]
        name = texts[0] if texts else None
        done = texts[1] if len(texts) > 1 else None
        if len(nums) != len(money):
            warnings.append(f"{path}:{row.line}: task row with {len(nums)} figures for {len(money)} amount columns; "
                            "read in order")
        for (p, r), c in zip(money, nums):
            values[r] = cell_number(c.text)
    if name is None or is_blank(name.text):
        if any(v is not None for v in values.values()):
            warnings.append(f"{path}:{row.line}: task row without a task name in the form of {form.unit_name}; skipped")
        return
    form.tasks.append(PerformanceTask(
        name=cell_text(name), completion=cell_text(done), budget=values.get("budget"),
        budget_own=values.get("budget_own"), actual=values.get("actual"), actual_own=values.get("actual_own"),
        line=name.line))


def read_total(form: UnitEvaluation, row: Row, g: Grid | None, path: str, warnings: list[str]) -> None:
    """The 金额合计 row → the form's budget / budget_own / actual / actual_own."""
    j = next(j for j, c in enumerate(row.cells) if AMOUNT_TOTAL.match(unitless_key(c.text)))
    money = money_roles(g) if g is not None else [(0, "budget"), (1, "budget_own"), (2, "actual"), (3, "actual_own")]
    after = row.cells[j + 1:]
    nums = [c for c in after if cell_number(c.text) is not None]
    if g is not None and len(row.cells) == g.width and len(nums) != len(money):
        pairs = [(r, row.cells[p]) for p, r in money]
    else:
        if len(nums) != len(money):
            warnings.append(f"{path}:{row.line}: 金额合计 of {form.unit_name} has {len(nums)} figures for "
                            f"{len(money)} amount columns; read in order")
        pairs = list(zip([r for _, r in money], nums))
    for r, c in pairs:
        setattr(form, r, cell_number(c.text))

"""One 整体绩效自评表 → a `UnitEvaluation`: its head (unit name, year, currency unit), then its parts,
row by row, each read as the header row above it says (tasks, 金额合计, 预算执行率, goals, indicators),
up to its 自评得分 row.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from cnbudget.loaders.evaluation.headers import (
    Grid, add_subheader, indicator_grid, is_name_row, is_task_subheader, name_of, row_kind, task_grid)
from cnbudget.loaders.evaluation.indicators import orphan_number, read_indicator
from cnbudget.loaders.evaluation.labels import (
    ACHIEVED_KEYS, CURRENCY_UNIT, FORM_TITLE, GOAL_KEYS, UNIT_IN_HEADER, YEAR, cell_number, nonblank_cells,
    row_text, unitless_key)
from cnbudget.loaders.evaluation.parts import (
    inline_goals, label_values, long_text, merge_split, read_task, read_total)
from cnbudget.loaders.records import Cell, Indicator, Row, UnitEvaluation
from cnbudget.loaders.text import is_blank, label_key, nfkc


def read_form(rows: list[Row], start: int, end: int, path: str, warnings: list[str]) -> UnitEvaluation | None:
    """The form titled in rows[start], read up to rows[end]; None (warned of) when it names no unit."""
    title_cell = next(c for c in rows[start].cells if FORM_TITLE.search(label_key(c.text)))
    head = _read_head(rows, start, end, title_cell, path, warnings)
    if head is None:
        return None
    form, name_at = head
    parts = _PartsReader(form, rows, end, path, warnings)
    parts.read_from(name_at + 1)
    form.goals = long_text(parts.goals)
    form.achievements = long_text(parts.achieved)
    _finish_form(form, title_cell, path, warnings)
    return form


# --- the head: unit name, year, currency unit ------------------------------------------------------

def _name_row_at(rows: list[Row], start: int, end: int) -> int | None:
    """The 部门（单位）名称 row: within 16 rows of the title, before the first part's header."""
    for i in range(start, min(end, start + 16)):
        if is_name_row(rows[i]):
            return i
        if i > start and row_kind(rows[i]) is not None:
            break
    return None


def _read_head(rows: list[Row], start: int, end: int, title_cell: Cell, path: str, warnings: list[str]
               ) -> tuple[UnitEvaluation, int] | None:
    """The form with its unit name, year and currency unit from the rows from its title to its
    部门（单位）名称 row, and that row's index; None when there is no such row or it names no unit."""
    name_at = _name_row_at(rows, start, end)
    if name_at is None:
        if not rows[start].paragraph:
            warnings.append(f"{path}:{title_cell.line}: 整体绩效自评表 without a 部门（单位）名称 row; skipped")
        return None
    named = name_of(rows[name_at])
    if named is None:
        warnings.append(f"{path}:{rows[name_at].line}: 整体绩效自评表 names no unit; skipped")
        return None
    unit_name = named[0]
    head = " ".join(c.text for r in rows[start:name_at + 1] for c in r.cells)
    ym = YEAR.search(nfkc(head))
    um = CURRENCY_UNIT.search(nfkc(head))
    form = UnitEvaluation(unit_name=unit_name, line=title_cell.line, year=int(ym.group(1)) if ym else None,
                          currency_unit=um.group(1) if um else "")
    if ym is None:
        warnings.append(f"{path}:{title_cell.line}: 整体绩效自评表 of {unit_name} states no year")
    return form, name_at


def _finish_form(form: UnitEvaluation, title_cell: Cell, path: str, warnings: list[str]) -> None:
    """The currency unit defaulted to 万元 where the form states none; that, and a form without task
    rows or without indicator rows, warned of."""
    unit_name, line = form.unit_name, title_cell.line
    if not form.currency_unit:
        form.currency_unit = "万元"
        warnings.append(f"{path}:{line}: 整体绩效自评表 of {unit_name} states no currency unit; using 万元")
    if not form.tasks:
        warnings.append(f"{path}:{line}: 整体绩效自评表 of {unit_name}: no task rows read")
    if not form.indicators:
        warnings.append(f"{path}:{line}: 整体绩效自评表 of {unit_name}: no indicator rows read")


# --- the parts -------------------------------------------------------------------------------------

@dataclass
class _PartsReader:
    """Reads the parts of one form into it, row by row: a header row starts a part (and sets its
    columns), the rows after it are that part's data rows. Each step takes the index of the row
    to read and returns the index of the next."""
    form: UnitEvaluation
    rows: list[Row]
    end: int
    path: str
    warnings: list[str]
    section: str | None = None  # the part being read: tasks / goals / indicators
    task_grid: Grid | None = None
    indicator_grid: Grid | None = None
    goal_columns: tuple[int | None, int | None, int] | None = None  # 绩效目标, 实际完成情况, row width
    goals: list[Cell] = field(default_factory=list)
    achieved: list[Cell] = field(default_factory=list)
    carry: dict[str, str] = field(default_factory=lambda: {"level1": "", "level2": ""})  # merged 一级/二级指标
    last: Indicator | None = None  # the indicator read from the row just above
    last_skipped: bool = False  # whether the row just above was a no-indicator row (经济效益指标 | /)

    def read_from(self, i: int) -> None:
        """The rows from rows[i] on, until running text or the 自评得分 row ends the form."""
        while i < self.end:
            row = self.rows[i]
            if row.paragraph:
                if is_blank(row_text(row)):
                    i += 1
                    continue
                break
            kind = row_kind(row)
            if kind == "task-header":
                i = self._task_header(i)
            elif kind == "total":
                i = self._total(i)
            elif kind == "rate":
                i = self._rate(i)
            elif kind == "goal-header":
                i = self._goal_header(i)
            elif kind == "indicator-header":
                i = self._indicator_header(i)
            elif kind == "total-score":
                self._total_score(i)
                break  # the form's last row
            else:
                i = self._data_row(i)

    def _next_row(self, i: int) -> Row | None:
        return self.rows[i + 1] if i + 1 < self.end else None

    def _take_header_unit(self, row: Row) -> None:
        """The currency unit printed in a header (预算数（万元）, 金额合计（万元）) when the head stated none."""
        if not self.form.currency_unit:
            hu = UNIT_IN_HEADER.search(nfkc(row_text(row)))
            self.form.currency_unit = hu.group(1) if hu else ""

    # header rows: each starts a part, or is one row of figures

    def _task_header(self, i: int) -> int:
        row = self.rows[i]
        self.section, self.task_grid = "tasks", task_grid(row)
        self._take_header_unit(row)
        i += 1
        while i < self.end and is_task_subheader(self.rows[i]):
            add_subheader(self.task_grid, self.rows[i])
            i += 1
        return i

    def _total(self, i: int) -> int:
        row = self.rows[i]
        self._take_header_unit(row)  # 金额合计（万元）
        read_total(self.form, row, self.task_grid, self.path, self.warnings)
        self.section = None
        return i + 1

    def _rate(self, i: int) -> int:
        form, row = self.form, self.rows[i]
        values, used = label_values(row, self._next_row(i))
        if "rate" in values:
            form.stated_rate_text = values["rate"].text.strip()
            form.stated_rate = cell_number(values["rate"].text)
        else:
            self.warnings.append(f"{self.path}:{row.line}: 预算执行率 of {form.unit_name} not read")
        form.rate_weight = cell_number(values["weight"].text) if "weight" in values else None
        form.rate_score = cell_number(values["score"].text) if "score" in values else None
        if "total" in values and form.total_score is None:
            form.total_score = cell_number(values["total"].text)
        self.section = None
        return i + 2 if used else i + 1

    def _goal_header(self, i: int) -> int:
        row = self.rows[i]
        self.section = "goals"
        keys = [unitless_key(c.text) for c in row.cells]
        gp = next((p for p, k in enumerate(keys) if k in GOAL_KEYS), None)
        ap = next((p for p, k in enumerate(keys) if k in ACHIEVED_KEYS), None)
        self.goal_columns = (gp, ap, len(row.cells))
        # values printed beside their labels on the header row itself
        for p, target in ((gp, self.goals), (ap, self.achieved)):
            if p is not None:
                for d in row.cells[p + 1:]:
                    if is_blank(d.text):
                        continue
                    if unitless_key(d.text) not in GOAL_KEYS | ACHIEVED_KEYS:
                        target.append(d)
                    break
        return i + 1

    def _indicator_header(self, i: int) -> int:
        self.section, self.indicator_grid = "indicators", indicator_grid(self.rows[i])
        self.last, self.last_skipped = None, False
        return i + 1

    def _total_score(self, i: int) -> None:
        row = self.rows[i]
        values, _ = label_values(row, self._next_row(i))
        nums = [c for c in row.cells if cell_number(c.text) is not None]
        if "total" in values:
            self.form.total_score = cell_number((nums[-1] if nums else values["total"]).text)
        else:
            self.warnings.append(f"{self.path}:{row.line}: 自评得分 of {self.form.unit_name} not read")

    # data rows of the part being read

    def _data_row(self, i: int) -> int:
        if self.section == "tasks" and self.task_grid is not None:
            row, i = merge_split(self.rows, i, self.end, self.task_grid.width)
            if not is_blank(row_text(row)):
                read_task(self.form, row, self.task_grid, self.path, self.warnings)
            return i
        if self.section == "goals" and self.goal_columns is not None:
            self._goal_row(self.rows[i])
            return i + 1
        if self.section == "indicators" and self.indicator_grid is not None:
            return self._indicator_row(i)
        return i + 1

    def _goal_row(self, row: Row) -> None:
        gp, ap, width = self.goal_columns
        labelled = inline_goals(row)
        if labelled is not None:  # 全年实际完成情况 | text: a label and its value on one row
            (self.goals if labelled[0] == "goals" else self.achieved).extend(labelled[1])
        elif len(row.cells) == width:
            for p, target in ((gp, self.goals), (ap, self.achieved)):
                if p is not None and not is_blank(row.cells[p].text):
                    target.append(row.cells[p])
        else:
            texts = nonblank_cells(row)
            if texts:
                self.goals.append(texts[0])
            if len(texts) > 1:
                self.achieved.append(texts[1])

    def _indicator_row(self, i: int) -> int:
        row, g = self.rows[i], self.indicator_grid
        orphan = orphan_number(row)
        score_at = g.pos("score")
        if orphan is not None and (len(row.cells) < g.width
                                   or (score_at is not None and row.cells[score_at] is orphan)):
            self._orphan_score(orphan)
            return i + 1
        row, i = merge_split(self.rows, i, self.end, g.width)
        ind, skipped = read_indicator(row, g, self.carry)
        if ind is not None:
            self.form.indicators.append(ind)
        if ind is not None or skipped:
            self.last, self.last_skipped = ind, skipped
        return i

    def _orphan_score(self, orphan: Cell) -> None:
        """A number alone in its row: the 得分 of the indicator above when it has none."""
        if self.last is not None and self.last.score is None:
            self.last.score = cell_number(orphan.text)
        elif not self.last_skipped:
            self.warnings.append(f"{self.path}:{orphan.line}: number {orphan.text.strip()!r} alone in a row of the "
                                 f"indicators of {self.form.unit_name}; not used")

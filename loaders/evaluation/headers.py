"""The header rows of a 整体绩效自评表: which row is what, by its labels, and the columns it sets.

The columns of each part come from its header row, not from their position, so other column
orders and extra columns read the same.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from cnbudget.loaders.evaluation.labels import (
    ACHIEVED_KEYS, ACTUAL, AMOUNT_TOTAL, BUDGET, CURRENCY_UNIT, EXECUTION_RATE, FORM_TITLE, GOAL_KEYS,
    INDICATOR_COLUMNS, NAME_KEYS, NAME_LABEL, OWN_FUNDS, TASK_DONE_KEYS, TASK_NAME_KEYS, TOTAL_SCORE,
    cell_number, nonblank_cells, unitless_key)
from cnbudget.loaders.records import Row
from cnbudget.loaders.text import is_blank, label_key, nfkc

# --- title and unit name ---------------------------------------------------------------------------

def is_title(row: Row) -> bool:
    for c in row.cells:
        k = label_key(c.text)
        if k and len(k) <= 40 and FORM_TITLE.search(k):
            return True
    return False


def name_of(row: Row) -> tuple[str, int] | None:
    """The unit name printed in a 部门（单位）名称 row: (name, line)."""
    for j, c in enumerate(row.cells):
        k = unitless_key(c.text)
        if k in NAME_KEYS:
            for d in row.cells[j + 1:]:
                if not is_blank(d.text) and not CURRENCY_UNIT.search(nfkc(d.text)):
                    return d.text.strip(), d.line
            return None
        m = NAME_LABEL.match(c.text)
        if m and unitless_key(c.text[:m.end()]) in NAME_KEYS and c.text[m.end():].strip():
            return c.text[m.end():].strip(), c.line
    return None


def _is_name_label(text: str) -> bool:
    """部门（单位）名称, alone or leading its value (部门（单位）名称：焦作市生态环境局)."""
    if unitless_key(text) in NAME_KEYS:
        return True
    m = NAME_LABEL.match(text)
    return bool(m) and unitless_key(text[:m.end()]) in NAME_KEYS


def is_name_row(row: Row) -> bool:
    return any(_is_name_label(c.text) for c in row.cells)


# --- column grids ----------------------------------------------------------------------------------

@dataclass
class Grid:
    """Columns of one part of a form, from its header row(s): position → role."""
    width: int
    roles: dict[int, str] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)

    def pos(self, role: str) -> int | None:
        return next((p for p, r in self.roles.items() if r == role), None)


def task_grid(header: Row) -> Grid:
    g = Grid(width=len(header.cells))
    for p, c in enumerate(header.cells):
        k = unitless_key(c.text)
        g.labels[p] = k
        if k in TASK_NAME_KEYS:
            g.roles[p] = "name"
        elif k in TASK_DONE_KEYS:
            g.roles[p] = "completion"
        elif BUDGET.match(k):
            g.roles[p] = "budget"
        elif ACTUAL.match(k):
            g.roles[p] = "actual"
        elif OWN_FUNDS.search(k):
            g.roles[p] = "own"
    return g


def add_subheader(g: Grid, sub: Row) -> None:
    """A second header row (其中：本级财政资金 under 预算数 / 执行数)."""
    cells = sub.cells
    if len(cells) == g.width:
        targets = list(range(g.width))
    else:  # a shorter sub-header row: its cells sit under the header's empty positions
        empty = [p for p in range(g.width) if p not in g.roles and is_blank(g.labels.get(p, ""))]
        nonblank = [c for c in cells if not is_blank(c.text)]
        cells, targets = nonblank, empty[:len(nonblank)]
    for p, c in zip(targets, cells):
        k = unitless_key(c.text)
        if not k:
            continue
        if OWN_FUNDS.search(k):
            g.roles[p] = "own"
        elif BUDGET.match(k) and p not in g.roles:
            g.roles[p] = "budget"
        elif ACTUAL.match(k) and p not in g.roles:
            g.roles[p] = "actual"


def money_roles(g: Grid) -> list[tuple[int, str]]:
    """Amount columns left to right as budget / budget_own / actual / actual_own."""
    out, main = [], None
    for p in sorted(g.roles):
        r = g.roles[p]
        if r in ("budget", "actual"):
            main = r
            out.append((p, r))
        elif r == "own":
            out.append((p, f"{main or 'budget'}_own"))
    return out


def indicator_grid(header: Row) -> Grid | None:
    g = Grid(width=len(header.cells))
    for p, c in enumerate(header.cells):
        k = unitless_key(c.text)
        g.labels[p] = k
        for role, keys in INDICATOR_COLUMNS.items():
            if k in keys and role not in g.roles.values():
                g.roles[p] = role
                break
    have = set(g.roles.values())
    if "content" in have and have & {"level1", "level2"} and have & {"expected", "actual"}:
        return g
    return None


# --- row kinds -------------------------------------------------------------------------------------

def _is_task_header(row: Row) -> bool:
    keys = {unitless_key(c.text) for c in row.cells}
    return bool(keys & TASK_NAME_KEYS) and any(BUDGET.match(k) or ACTUAL.match(k) or k in TASK_DONE_KEYS
                                               for k in keys)


def _is_goal_header(row: Row) -> bool:
    keys = {unitless_key(c.text) for c in row.cells}
    return bool(keys & GOAL_KEYS) and bool(keys & ACHIEVED_KEYS) or (bool(keys & GOAL_KEYS)
                                                                     and not keys & TASK_NAME_KEYS
                                                                     and len(nonblank_cells(row)) <= 3)


def _is_total(row: Row) -> bool:
    return any(AMOUNT_TOTAL.match(unitless_key(c.text)) for c in row.cells)


def _is_rate(row: Row) -> bool:
    return any(EXECUTION_RATE.match(unitless_key(c.text)) for c in row.cells)


def _is_total_score(row: Row) -> bool:
    return any(TOTAL_SCORE.match(unitless_key(c.text)) for c in row.cells)


def row_kind(row: Row) -> str | None:
    """What a row inside a form is, by its labels."""
    if indicator_grid(row) is not None:
        return "indicator-header"
    if _is_task_header(row):
        return "task-header"
    if _is_goal_header(row):
        return "goal-header"
    if _is_total_score(row):
        return "total-score"
    if _is_rate(row):
        return "rate"
    if _is_total(row):
        return "total"
    return None


def is_task_subheader(row: Row) -> bool:
    """A further header row of the tasks part: labels only, no figures (其中：本级财政资金)."""
    return not row.paragraph and row_kind(row) is None and \
        not any(cell_number(c.text) is not None for c in row.cells) and \
        any(OWN_FUNDS.search(unitless_key(c.text)) or BUDGET.match(unitless_key(c.text))
            or ACTUAL.match(unitless_key(c.text)) for c in row.cells)

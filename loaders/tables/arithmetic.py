"""Reading a row whose empty cells were left out by the table's own arithmetic.

A row that gives fewer figures than the table has value columns can be read several ways: each figure under
one column, in order. Each reading is tried against what the table promises: a 合计 or 小计 column equals the
columns it totals, budget × rate = actual, this year − last year = the change (within the row), and a total
row or an item equals its parts (within a column: the 合计 row, an item and its sub-items by items.ttl's
skos:broader). The readings under which something is tested and nothing fails are kept: one kept is the
reading, recorded with its evidence; several kept place for certain the figures they agree on, and the others
wait for the document's own text (`settle`: the narrative stating an item's figure) or are left out, with a
finding. Nothing is guessed: a figure is loaded only under a column some evidence gives it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations
from typing import Callable

from cnbudget.loaders import vocab
from cnbudget.loaders.labels import is_total_label
from cnbudget.loaders.records import Cell, Column, Figure, Observation, RowReading, Table
from cnbudget.loaders.text import label_key, nfkc, parse_amount

MAX_READINGS = 5000  # placements tried per row (a row of 3 figures under 20 columns: 1,140)
_PARTIAL = "其中"


@dataclass
class Undecided:
    """The figures of a row the arithmetic placed in more than one way: each reading (position → cell)."""
    line: int
    label: str
    readings: list[dict[int, Cell]]
    place: Callable[..., list[Observation]]  # (reading, keep): its observations; kept: its figures too
    evidence: str = ""
    columns: dict[int, Column] = field(default_factory=dict)


def _places(o: Observation | Decimal) -> int:
    amount = o.amount if isinstance(o, Observation) else o
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _tolerance(amounts: list[Decimal]) -> Decimal:
    places = max((_places(a) for a in amounts), default=0)
    return Decimal(1).scaleb(-places) / 2 * (len(amounts))


def column_sums(columns: list[Column]) -> list[tuple[int, list[int]]]:
    """(total position, part positions) per 合计/小计 column: the columns under the same header beside it; a
    top-level 合计 takes each group by its own 小计 where it prints one. 其中 columns are parts of no sum."""
    by_group: dict[tuple, list[Column]] = defaultdict(list)
    for c in columns:
        by_group[tuple(c.group)].append(c)

    def total_of(cols: list[Column]) -> Column | None:
        return next((c for c in cols if is_total_label(c.label)), None)

    sums = []
    for group, cols in by_group.items():
        total = total_of(cols)
        if total is None:
            continue
        parts = [c.position for c in cols if c is not total and not label_key(c.label).startswith(_PARTIAL)
                 and c.item not in _NOT_PARTS]
        for sub, sub_cols in by_group.items():
            if len(sub) == len(group) + 1 and sub[:len(group)] == group:
                sub_total = total_of(sub_cols)
                parts += [sub_total.position] if sub_total else [c.position for c in sub_cols]
        if parts:
            sums.append((total.position, parts))
    return sums


_NOT_PARTS = {"CompletionRate", "ChangeRate", "Change", "PriorYearBudget"}


def _row_relations(columns: list[Column]) -> list[Callable[[dict[int, Decimal]], bool | None]]:
    """The tests within a row: each gives True (holds), False (fails) or None (not testable)."""
    tests = []
    for total, parts in column_sums(columns):
        def sums(v, total=total, parts=parts):
            members = [v.get(p, Decimal(0)) for p in parts]
            if total not in v and not any(p in v for p in parts):
                return None
            stated = v.get(total, Decimal(0))
            return abs(stated - sum(members)) <= _tolerance([stated, *members])
        tests.append(sums)
    by_item = {c.item: c.position for c in columns if c.item}
    budget, actual, rate = by_item.get("BudgetAmount"), by_item.get("ActualAmount"), by_item.get("CompletionRate")
    if None not in (budget, actual, rate):
        def rated(v):
            if not all(p in v for p in (budget, actual, rate)):
                return None
            tol = v[budget] * Decimal(1).scaleb(-_places(v[rate])) / 200 + Decimal(1).scaleb(-_places(v[actual])) / 2
            return abs(v[budget] * v[rate] / 100 - v[actual]) <= tol
        tests.append(rated)
    prior, change = by_item.get("PriorYearBudget"), by_item.get("Change")
    this = budget if budget is not None else actual
    if None not in (prior, change, this):
        def changed(v):
            if not all(p in v for p in (prior, change, this)):
                return None
            return abs(v[this] - v[prior] - v[change]) <= _tolerance([v[this], v[prior], v[change]])
        tests.append(changed)
    return tests


def _column_relations(rows: list[tuple[int, str | None, bool]]) -> list[tuple[int, list[int]]]:
    """(row, its part rows) within a column: a 合计 row and the top-level items; an item and its sub-items."""
    relations = []
    items = {index: item for index, item, _ in rows if item}
    totals = [index for index, item, total in rows if total]
    top = [index for index, item, total in rows if not total and item and vocab.broader_item(item) is None]
    for t in totals[:1]:
        if top:
            relations.append((t, top))
    for index, item in items.items():
        children = [i for i, it in items.items() if vocab.broader_item(it) == item]
        if children:
            relations.append((index, children))
    return relations


def choose(table: Table, row_index: int, values: list[Cell], positions: list[int], columns: list[Column],
           rows: list[tuple[int, str | None, bool]], known: set[int],
           place: Callable[..., list[Observation]]) -> tuple[dict[int, Cell] | None, list[dict]]:
    """The reading of a row with dropped cells the arithmetic admits: (the one reading, []) or (None, every
    reading admitted); (None, []) when nothing can be tested. `rows`: (row index, item, is a total) of every
    data row; `known`: the rows read for certain; `place` gives a reading's observations."""
    relations_in_row = _row_relations(columns)
    relations_down = [(t, parts) for t, parts in _column_relations(rows)
                      if row_index in (t, *parts) and all(r in known or r == row_index for r in (t, *parts))]
    grid: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for o in table.observations:
        grid[(o.row_index, o.column.position)] = o.amount
    admitted = []
    for n, chosen in enumerate(combinations(positions, len(values))):
        if n >= MAX_READINGS:
            return None, []
        reading = dict(zip(chosen, values))
        amounts = {p: a for p, a in ((p, parse_amount(nfkc(c.text).strip().rstrip("%"))) for p, c in reading.items())
                   if a is not None}
        holds = fails = 0
        for test in relations_in_row:
            verdict = test(amounts)
            holds, fails = holds + (verdict is True), fails + (verdict is False)
        for total, parts in relations_down:
            for p in positions:
                def at(r: int) -> Decimal:
                    return amounts.get(p, Decimal(0)) if r == row_index else grid.get((r, p), Decimal(0))
                members = [at(r) for r in parts]
                if not any(members) and not at(total):
                    continue
                ok = abs(at(total) - sum(members)) <= _tolerance([at(total), *members])
                holds, fails = holds + ok, fails + (not ok)
        if holds and not fails:
            admitted.append(reading)
    if len(admitted) == 1:
        return admitted[0], admitted
    return None, admitted


def evidence(table: Table, columns: dict[int, Column], reading: dict[int, Cell]) -> str:
    placed = "，".join(f"{c.text.strip()} 在「{_column_name(columns[p])}」" for p, c in sorted(reading.items()))
    return placed


def _column_name(c: Column) -> str:
    return " / ".join([*c.group, c.label]) or f"第{c.position + 1}列"


def record(table: Table, rule: str, line: int, message: str, observations: list[Observation]) -> None:
    table.readings.append(RowReading(rule=rule, line=line, message=message, observations=observations))


def settle(table: Table, figures: list[Figure]) -> None:
    """The rows the arithmetic left undecided, told by the document's own text where it states the figure of
    an item a reading places (公务用车运行费8.1万元); else the figures left out, with a finding."""
    stated: dict[str, set[Decimal]] = defaultdict(set)
    lines: dict[tuple[str, Decimal], int] = {}
    for f in figures:
        if f.item and f.unit == table.unit:
            stated[f.item].add(f.amount)
            lines.setdefault((f.item, f.amount), f.line)
    for pending in table.pending:
        scores = []
        for reading in pending.readings:
            agree = disagree = 0
            for p, column in pending.columns.items():
                said = stated.get(column.item or "")
                if not said:
                    continue
                cell = reading.get(p)
                ok = (Decimal(0) if cell is None else parse_amount(cell.text)) in said
                agree, disagree = agree + ok, disagree + (not ok)
            scores.append(agree - disagree)
        best = max(scores, default=0)
        winners = [r for r, s in zip(pending.readings, scores) if s == best]
        name = table.number or table.title
        if best > 0 and len(winners) == 1:
            observations = pending.place(winners[0], True)
            table.observations += observations
            said = "，".join(f"第{lines[(c.item, a)]}行「{_column_name(c)} {a}{table.unit}」"
                            for p, c in pending.columns.items()
                            for a in [parse_amount(winners[0][p].text) if p in winners[0] else Decimal(0)]
                            if (c.item, a) in lines)
            record(table, "ReadingByArithmetic", pending.line,
                   f"{name}：第{pending.line}行的空格未印出，{pending.evidence}；文中所述（{said}）决定其读法："
                   f"{evidence(table, pending.columns, winners[0])}。", observations)
        else:
            options = "；或 ".join(evidence(table, pending.columns, r) for r in pending.readings)
            record(table, "UndecidedReading", pending.line,
                   f"{name}：第{pending.line}行的空格未印出，{pending.evidence}，但不能确定这些数字所在的列："
                   f"{options}。这些数字未载入。", [])
            table.unplaced += _placed_apart(pending.readings)
    table.pending = []


def _placed_apart(readings: list[dict[int, Cell]]) -> list[Cell]:
    """The figures the readings place in different columns: the ones not loaded."""
    where: dict[int, set[int]] = defaultdict(set)
    cells: dict[int, Cell] = {}
    for reading in readings:
        for p, c in reading.items():
            where[id(c)].add(p)
            cells[id(c)] = c
    return [c for k, c in cells.items() if len(where[k]) > 1 or sum(k in map(id, r.values()) for r in readings)
            < len(readings) and parse_amount(c.text) is not None]

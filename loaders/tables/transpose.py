"""A table of years as rows, read the other way round: its categories are the rows and its years the columns.

年度 | 合计 | 因公出国(境)经费 | 公务接待费 …, over 2015年 | 2840 | 90 | 1400 …: the categories (三公 items, items of
items.ttl) are printed as columns and each year is a row. The figures are the same whichever way a table is
printed, so such a table gives the observations a table with the categories as rows would give: the row is the
category (a 合计 under a category heading is that category's), the column the year; a row of rates under the
years (2016年比2015年增减%) gives, per category, a rate under that row's label.
"""
from __future__ import annotations

import re

from cnbudget.loaders import vocab
from cnbudget.loaders.labels import is_filler, is_total_label, is_year_label
from cnbudget.loaders.records import Column, Figure, Observation, Row, Table
from cnbudget.loaders.text import clean_label, is_blank, nfkc, parse_amount

_RATE_ROW = re.compile(r"(?:%|率)\s*[)）]?$")
# the generic columns of items.ttl that measure rather than name a category (预算数, 增减, 完成率 …)
_MEASURES = {"Amount", "ActualAmount", "BudgetAmount", "PriorYearBudget", "Change", "ChangeRate", "Decrease",
             "DecreaseRate", "CompletionRate"}


def _category(column: Column) -> str:
    """The category a value column names: its label, or for a 合计 under a category heading, the heading."""
    if is_total_label(column.label) and column.group:
        return clean_label(column.group[-1])
    return clean_label(column.label)


def _is_category(column: Column) -> bool:
    name = _category(column)
    item = vocab.item_for(name)
    return bool(item) and item not in _MEASURES and vocab.phase_for(name) is None


def years_as_rows(table: Table) -> bool:
    """Every figure in a row named by a year, under value columns that name categories (two at least)."""
    obs = table.observations
    if not obs or not all(is_year_label(o.row_label) for o in obs):
        return False
    columns = {id(o.column): o.column for o in obs}.values()
    return all(map(_is_category, columns)) and sum(not is_total_label(c.label) for c in columns) >= 2


def transpose(table: Table, data: list[Row], roles: list[str], figures: list[Figure] | None, first: int) -> None:
    """Rewrite the observations of a table of years as rows (`years_as_rows`) with the categories as rows and the
    years as columns; the rate figures its rows of rates gave (figures[first:]) likewise, where each rate row is
    printed in full."""
    years: dict[str, Column] = {}
    out = []
    for o in table.observations:
        year = clean_label(o.row_label)
        column = years.get(year)
        if column is None:
            column = years[year] = Column(position=len(years), label=year, phase=o.column.phase)
        name = _category(o.column)
        out.append(Observation(amount=o.amount, line=o.line, column=column, row_label=name,
                               row_item=vocab.item_for(name), row_index=o.column.position + 1))
    table.observations = out
    table.columns = list(years.values())
    if figures is not None:
        _transpose_rates(table, data, roles, figures, first)


def _transpose_rates(table: Table, data: list[Row], roles: list[str], figures: list[Figure], first: int) -> None:
    by_position = {}
    for o in table.observations:  # the category of each value position, from the observations just made
        by_position.setdefault(o.row_index - 1, o.row_label)
    value_positions = [p for p, r in enumerate(roles) if r == "value"]
    for row in data:
        stub = next((clean_label(c.text) for c in row.cells if not is_blank(c.text)), "")
        if not _RATE_ROW.search(nfkc(stub)) or len(row.cells) != len(roles):
            continue
        old = [f for f in figures[first:] if f.unit == "%" and f.label == stub and f.section == table.title]
        new = []
        for p in value_positions:
            text = nfkc(row.cells[p].text).strip()
            if is_blank(text) or is_filler(text) or p not in by_position:
                continue
            rate = parse_amount(text.rstrip("%"))
            if rate is not None:
                name = by_position[p]
                new.append(Figure(section=table.title, label=name, measure=stub, amount=rate, unit="%",
                                  line=row.cells[p].line, item=vocab.item_for(name)))
        if len(new) == len(old):  # the same figures, each now under its category
            ids = {id(f) for f in old}
            figures[first:] = [f for f in figures[first:] if id(f) not in ids] + new

"""A table's data rows → its observations (amounts under its value columns) and figures (counts).

Each row is placed under the columns: a full row cell by cell; a short row (its empty cells left out)
right-aligned under the value columns, or, in a two-sided table, as label/value pairs per side. Per side,
the row's stub gives its code, name and 行次; a row that counts things (公务用车保有量（辆）) gives figures
with their own unit instead of amounts.
"""
from __future__ import annotations

import re
from decimal import Decimal

from cnbudget.loaders import vocab
from cnbudget.loaders.errors import LoadError
from cnbudget.loaders.labels import SUBJECT_CODE, is_filler, is_total_label
from cnbudget.loaders.tables import arithmetic
from cnbudget.loaders.records import Cell, Column, Figure, Observation, Row, Table
from cnbudget.loaders.tables.header import position_sides
from cnbudget.loaders.text import (clean_label, is_blank, is_figure, is_indented, is_percent, looks_numeric, nfkc,
                                   parse_amount, strip_ordinal)

_CODE_NAME = re.compile(r"^(\d{3,7})\s+(\S.*)$")
# a row that counts (vehicles, groups, persons) in a money table: 公务用车保有量（辆）
_COUNT_UNIT = re.compile(r"[（(]\s*(人次|批次|台[（(]套[)）]|台套|个|人|辆|台|套|批|次|家|户|项|名|件|所|天)\s*[)）]\s*$")
# a 三公 count named without its unit in brackets (国内公务接待批次, 公务用车保有量): the unit its words imply
_COUNT_WORDS = [(re.compile(r"(人次|批次)$"), None), (re.compile(r"团组数$"), "个"),
                (re.compile(r"车.*(购置数|保有量|数量)$"), "辆")]


def _count(label: str) -> tuple[str, str] | None:
    """(unit, name) of a row that counts things (公务用车保有量（辆）, 国内公务接待人次); None for amounts."""
    m = _COUNT_UNIT.search(label)
    if m:
        return m.group(1).replace("(", "（").replace(")", "）"), strip_ordinal(clean_label(label[:m.start()]))
    for rx, unit in _COUNT_WORDS:
        m = rx.search(label)
        if m:
            return unit or m.group(1), strip_ordinal(clean_label(label))
    return None


def read_rows(table: Table, data: list[Row], roles: list[str], columns: list[Column], width: int,
              path: str, warnings: list[str], figures: list[Figure] | None = None) -> None:
    """The data rows placed under the columns: their amounts become the table's observations, the figures
    of rows that count (公务用车保有量（辆）) go to `figures`."""
    by_position = {c.position: c for c in columns}
    sides = position_sides(roles)
    n_sides = max(sides) + 1
    value_positions = [p for p in range(width) if roles[p] == "value"]
    stub_positions = [p for p in range(width) if roles[p] != "value"]
    name = table.number or table.title
    short: list[int] = []  # lines of rows with fewer figures than value columns, read right-aligned
    deferred: list[tuple[int, Row, list[Cell], list[Cell]]] = []  # rows with dropped cells: read by arithmetic
    for index, row in enumerate(data, 1):
        cells = row.cells
        if len(cells) > width and n_sides == 1:
            cells = _stub_over_cells(cells, len(stub_positions), len(value_positions))
        if len(cells) > width:
            warnings.append(f"{path}:{row.line}: {name}: row has {len(cells)} cells, the header {width}; extra cells ignored")
            cells = cells[:width]
        if len(cells) == width:
            placed = {p: cells[p] for p in range(width)}
        elif n_sides == 1:
            placed = {}
            k = len(cells)
            cut = max(0, k - len(value_positions))
            if cut == 0 and stub_positions:
                # no room left for the row's name: its leading text cells are the name, the rest its figures
                while cut < k and not is_blank(cells[cut].text) and not is_figure(cells[cut].text):
                    cut += 1
                if cut and any(not is_blank(c.text) for c in cells[cut:]) and k - cut < len(value_positions):
                    short.append(row.line)
            values = cells[cut:]
            leading = cells[:cut]
            counts = bool(leading) and _count(clean_label(leading[-1].text))  # not amounts
            if 0 < len(values) < len(value_positions) and any(is_figure(c.text) for c in values) and not counts:
                deferred.append((index, row, leading, values))
                if short and short[-1] == row.line:
                    short.pop()  # read by arithmetic, or said so there
                continue
            for p, cell in zip(value_positions[len(value_positions) - len(values):], values):
                placed[p] = cell
            if len(leading) == 1:
                target = next((p for p in stub_positions if roles[p] == "name"), stub_positions[0] if stub_positions else None)
                if target is not None:
                    placed[target] = leading[0]
            else:
                for p, cell in zip(stub_positions, leading):
                    placed[p] = cell
        else:
            placed = _place_pairs(cells, roles, sides, n_sides)
        for s in range(n_sides):
            _read_side(table, row, index, placed, roles, sides, s, by_position, path, warnings, figures)
    if deferred:
        _read_by_arithmetic(table, data, deferred, roles, columns, value_positions, stub_positions, short,
                            by_position, path, warnings, figures)
    if short:
        short.sort()
        right = [c.label or str(c.position + 1) for c in columns][-1]
        warnings.append(f"{path}:{short[0]}: {name}: {len(short)} row(s) give fewer figures than the "
                        f"{len(value_positions)} value columns of the header (empty cells left out); their figures "
                        f"are read under the right-most column(s), ending with {right}")


def _stub_over_cells(cells: list[Cell], n_stub: int, n_values: int) -> list[Cell]:
    """A row whose stub spans more cells than the header's (其中 | 公务用车运行维护费 | 2648 under 项目 | 预算数: a
    vertically merged 其中 beside the sub-items' names): its last stub texts fill the stub columns."""
    k = 0
    while k < len(cells) and not is_figure(cells[k].text):
        k += 1
    if not n_stub or k <= n_stub or len(cells) - k > n_values:
        return cells
    texts = [c for c in cells[:k] if not is_blank(c.text)]
    if len(texts) < n_stub:
        return cells
    return texts[len(texts) - n_stub:] + cells[k:]


def _read_by_arithmetic(table: Table, data: list[Row], deferred: list, roles: list[str], columns: list[Column],
                        value_positions: list[int], stub_positions: list[int], short: list[int],
                        by_position: dict[int, Column], path: str, warnings: list[str],
                        figures: list[Figure] | None) -> None:
    """The rows with dropped cells, each read the way the table's arithmetic admits (tables/arithmetic.py);
    where nothing can be tested, right-aligned under the value columns as before, with a warning."""
    sides = position_sides(roles)
    rows_info = []
    for index, row in enumerate(data, 1):
        label = next((c.text for c in row.cells if not is_blank(c.text) and not is_figure(c.text)), "")
        rows_info.append((index, vocab.item_for(label) if label else None, bool(label) and is_total_label(label)))
    known = {index for index, _, _ in rows_info} - {index for index, _, _, _ in deferred}
    name = table.number or table.title
    full = [r for r in data if len(r.cells) == len(roles)]
    rates = {p for p in value_positions if any(not is_blank(r.cells[p].text) for r in full)
             and all(is_blank(r.cells[p].text) or is_percent(r.cells[p].text) for r in full)}
    for index, row, leading, values in deferred:
        stub: dict[int, Cell] = {}
        if len(leading) == 1:
            target = next((p for p in stub_positions if roles[p] == "name"), stub_positions[0] if stub_positions else None)
            if target is not None:
                stub[target] = leading[0]
        else:
            stub.update(zip(stub_positions, leading))

        def place(reading: dict[int, Cell], keep: bool = False, index=index, row=row, stub=stub) -> list[Observation]:
            """The observations of a reading; `keep`: the reading taken, its percentages kept as figures too."""
            scratch = Table(number=table.number, code=table.code, title=table.title, line=table.line)
            _read_side(scratch, row, index, {**stub, **reading}, roles, sides, 0, by_position, path,
                       warnings if keep else [], figures if keep else None)
            return scratch.observations

        chosen, admitted = arithmetic.choose(table, index, values, value_positions, columns, rows_info, known, place)
        told = f"{len(values)} 个数字对应 {len(value_positions)} 列"
        if chosen is not None:
            observations = place(chosen, True)
            table.observations += observations
            arithmetic.record(table, "ReadingByArithmetic", row.line,
                              f"{name}：第{row.line}行的空格未印出（{told}），只有一种读法使本表的勾稽关系成立："
                              f"{arithmetic.evidence(table, by_position, chosen)}。", observations)
        elif admitted:
            certain = {p: c for p, c in admitted[0].items() if all(r.get(p) is c for r in admitted)}
            if certain:
                table.observations += place(certain, True)
            open_positions = sorted({p for r in admitted for p in r} - set(certain))
            table.pending.append(arithmetic.Undecided(
                line=row.line, label=clean_label(leading[0].text) if leading else "",
                readings=[{p: c for p, c in r.items() if p not in certain} for r in admitted], place=place,
                evidence=f"{told}，有 {len(admitted)} 种读法使本表的勾稽关系成立",
                columns={p: by_position[p] for p in open_positions}))
        else:
            short.append(row.line)
            # amounts right-aligned under the columns of amounts: a column printing only percentages takes none
            under = [p for p in value_positions if p not in rates] if not any(is_percent(c.text) for c in values) else []
            under = under if len(under) >= len(values) else value_positions
            table.observations += place(dict(zip(under[len(under) - len(values):], values)), True)


def _place_pairs(cells, roles, sides, n_sides):
    """A short row in a multi-sided table (人员经费合计 2,378.63 | 公用经费合计 347.17): label/value pairs, one per side;
    a side printed in full (name, 行次, amount) is placed cell by cell."""
    groups: list[list] = []
    for cell in cells:
        if is_blank(cell.text):
            continue
        if parse_amount(cell.text) is None and not looks_numeric(cell.text):
            groups.append([cell])
        elif groups:
            groups[-1].append(cell)
    placed = {}
    for s, group in enumerate(groups[:n_sides]):
        side_positions = [p for p in range(len(roles)) if sides[p] == s]
        if len(group) == len(side_positions):
            placed.update(zip(side_positions, group))
            continue
        name_pos = next((p for p in side_positions if roles[p] == "name"), None)
        if name_pos is None:
            name_pos = next((p for p in side_positions if roles[p] != "value"), None)
        if name_pos is not None:
            placed[name_pos] = group[0]
        for p, cell in zip([p for p in side_positions if roles[p] == "value"], group[1:]):
            placed[p] = cell
    return placed


def _read_side(table: Table, row: Row, index: int, placed: dict, roles: list[str], sides: list[int], s: int,
               by_position: dict[int, Column], path: str, warnings: list[str] | None = None,
               figures: list[Figure] | None = None) -> None:
    code = name_raw = None
    rownum = None
    for p, cell in placed.items():
        if sides[p] != s or roles[p] == "value":
            continue
        text = nfkc(cell.text).strip()
        if roles[p] == "code":
            if SUBJECT_CODE.match(text):
                code = text
            elif text and not name_raw:
                name_raw = cell.text
        elif roles[p] == "name":
            if text:
                name_raw = cell.text
        elif roles[p] == "rownum" and text.isdigit():
            rownum = int(text)
    name_raw = name_raw or ""
    label = clean_label(name_raw)
    if not code:
        m = _CODE_NAME.match(nfkc(label))
        if m:
            code, label = m.group(1), clean_label(m.group(2))
    count = _count(label) if not code else None
    if count:
        _read_counts(table, label, count, placed, roles, sides, s, by_position, path, warnings, figures)
        return
    row_item = row_class = None
    if not code and label:
        row_item = vocab.item_for(label)
        if not row_item:
            row_class = vocab.functional_class_for(label)
    rate_row = bool(_RATE_ROW.search(nfkc(label))) if label else False
    for p in sorted(placed):
        if sides[p] != s or roles[p] != "value":
            continue
        cell = placed[p]
        if is_blank(cell.text) or is_filler(cell.text):  # 单位不需填列, 无: no figure
            continue
        column = by_position[p]
        rate = _rate(cell.text, column, rate_row)
        if rate is not None:  # a percentage (完成率 90%): a figure with its own unit, not an amount
            if figures is not None:
                figures.append(Figure(section=table.title, label=strip_ordinal(label), measure=column.label or "%",
                                      amount=rate, unit="%", line=cell.line, item=row_item, phase=column.phase))
            continue
        amount = parse_amount(cell.text)
        if amount is None:
            what = "a malformed amount" if looks_numeric(cell.text) else "text"
            raise LoadError(path, cell.line,
                            f"{table.number or table.title}: {what} {cell.text.strip()!r} where column "
                            f"{column.label or p + 1!s} expects an amount")
        table.observations.append(Observation(
            amount=amount, line=cell.line, column=column, row_label=label, row_code=code,
            line_number=rownum, row_item=row_item, row_class=row_class,
            indented=is_indented(name_raw), row_index=index))


_RATE_COLUMNS = {"CompletionRate", "ChangeRate", "DecreaseRate"}
# a row of rates in a table of years as rows (2016年比2015年增减%, 增长率)
_RATE_ROW = re.compile(r"(?:%|率)\s*[)）]?$")


def _rate(text: str, column: Column, rate_row: bool = False) -> Decimal | None:
    """The percentage a cell prints (90%, or a figure under a 完成率 / 增减率 column or in a row of rates); None
    for anything else."""
    t = nfkc(text).strip()
    if t.endswith("%"):
        return parse_amount(t[:-1])
    return parse_amount(t) if column.item in _RATE_COLUMNS or rate_row else None


def _read_counts(table: Table, label: str, count: tuple[str, str], placed: dict, roles: list[str], sides: list[int],
                 s: int, by_position: dict[int, Column], path: str, warnings: list[str] | None,
                 figures: list[Figure] | None) -> None:
    """A row that counts (因公出国（境）团组数（个）, 公务用车保有量（辆）): its figures are numbers of things,
    not amounts in the table's currency unit, so they become figures with their own unit."""
    unit, name = count
    for p in sorted(placed):
        if sides[p] != s or roles[p] != "value" or is_blank(placed[p].text):
            continue
        cell = placed[p]
        amount = parse_amount(cell.text)
        column = by_position[p]
        if amount is None:
            raise LoadError(path, cell.line, f"{table.number or table.title}: {cell.text.strip()!r} where row "
                                             f"{label} expects a count")
        if figures is None:
            if warnings is not None:
                warnings.append(f"{path}:{cell.line}: {table.number or table.title}: count {label} not read")
            continue
        stated = next((vocab.phase_for(x) for x in [column.label, *reversed(column.group)] if vocab.phase_for(x)),
                      None)  # else the disclosure's own phase
        figures.append(Figure(section=table.title, label=name, measure="数量", amount=amount, unit=unit,
                              line=cell.line, phase=stated))

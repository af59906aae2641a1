"""Rows of cells → standard tables (公开01表…09表) with their figures.

Layout-independent: any layout that yields `Row`s (loaders/layouts/) goes
through here. A table is found by its number marker (公开NN表) and title, or,
printed without a marker, by a known title followed by rows of figures; its
department, year and currency unit come from its own header lines; its columns
come from its own header rows, read bottom-up so that multi-level headers
(本年支出 → 小计 / 基本支出 / 项目支出) and two-sided tables (收入 | 支出) work
whatever column set a disclosure prints.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from cnbudget.loaders import vocab
from cnbudget.loaders.errors import LoadError
from cnbudget.loaders.records import Column, Figure, Observation, Row, Table
from cnbudget.loaders.text import (PART_HEADING, clean_label, is_blank, is_indented, label_key, looks_numeric, nfkc, parse_amount,
                          strip_ordinal)

MARKER = re.compile(r"^\s*公开\s*(\d{1,2})\s*表\s*$")
_DEPT = re.compile(r"^(?:部门|单位|编制单位|部门名称|单位名称|预算单位|填报单位)\s*[:：]\s*(.*)$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_UNIT = re.compile(r"(?:金额|货币)?单位\s*[:：]\s*(万元|元|千元|亿元)(?![\u4e00-\u9fff])")  # not 单位：元宝山区…
_UNIT_WORD = re.compile(r"(万元|元|千元|亿元)")
# where a department name printed in the same cell as the year or unit ends
_AFTER_NAME = re.compile(r"\s*(?:(?:19|20)\d{2}\s*年|(?:金额|货币)?单位\s*[:：])")
_CODE = re.compile(r"^\d{3,7}$")
_CODE_NAME = re.compile(r"^(\d{3,7})\s+(\S.*)$")
_NOTE = re.compile(r"^\s*(注|备注)\s*[:：]")
_EMPTY = re.compile(r"无数据|没有|无此|不涉及|未发生|为空|空表")
_PART_HEADING = PART_HEADING
_NOT_TITLE = re.compile(r"[。；;，,:：]")
# a row that counts (vehicles, groups, persons) in a money table: 公务用车保有量（辆）
_COUNT_UNIT = re.compile(r"[（(]\s*(人次|批次|台[（(]套[)）]|台套|个|人|辆|台|套|批|次|家|户|项|名|件|所|天)\s*[)）]\s*$")

STUB_CODE = {"科目编码", "功能分类科目编码", "经济分类科目编码", "功能分类编码", "经济分类编码", "科目代码", "编码",
             "功能科目编码", "经济科目编码", "支出功能分类科目编码", "支出经济分类科目编码"}
STUB_NAME = {"科目名称", "项目", "名称", "科目", "项目名称", "功能分类科目名称", "经济分类科目名称"}
STUB_ROWNUM = {"行次"}
STUB_COLNUM = {"栏次"}
STUBS = STUB_CODE | STUB_NAME | STUB_ROWNUM | STUB_COLNUM


def _stub_role(text: str) -> str | None:
    key = label_key(text)
    if key in STUB_CODE:
        return "code"
    if key in STUB_NAME:
        return "name"
    if key in STUB_ROWNUM:
        return "rownum"
    if key in STUB_COLNUM:
        return "colnum"
    return None


def is_total_label(text: str) -> bool:
    key = label_key(text)
    return key in {"合计", "小计", "总计"} or key.endswith("合计") or key.endswith("小计")


def stub_role(text: str) -> str | None:
    """code / name / rownum / colnum for a stub header label (科目编码, 项目, 行次, 栏次), else None."""
    return _stub_role(text)


def is_marker(text: str) -> bool:
    """A table number marker: 公开03表."""
    return bool(MARKER.match(nfkc(text)))


def is_note(text: str) -> bool:
    """A note under a table: 注：… / 备注：…"""
    return bool(_NOTE.match(text))


def is_meta(text: str) -> bool:
    """A table's header metadata: 部门：… / 金额单位：万元 / 2020年度."""
    return not is_blank(text) and _meta(Table(number="", code="", title="", line=0), text)


def table_title_type(text: str) -> str | None:
    """The table type (tables.ttl key) a table title names: short text ending in 表 that contains
    a known title (altLabels included); None for anything else (headings, sentences, 部分 titles)."""
    t = clean_label(nfkc(text))
    if not t or len(t) > 60 or _NOT_TITLE.search(t) or _PART_HEADING.match(t):
        return None
    key = re.sub(r"(?:（[^（）]*）)+$", "", label_key(t))
    if not key.endswith("表"):
        return None
    return vocab.table_type_for(t)


@dataclass
class _Start:
    """Where a table starts: its marker (or, for a table printed without one, its title) cell."""
    row: int  # index of the row holding the marker or title cell
    cell: int
    code: str
    number: str  # the marker as printed; "" for a table found by its title
    title_row: int | None
    title: str

    @property
    def first(self) -> int:
        return self.title_row if self.title_row is not None else self.row


@dataclass
class _Node:
    label: str
    stub: bool
    positions: list[int]
    children: list["_Node"] = field(default_factory=list)
    side_header: bool = False


def find_tables(rows: list[Row], path: str, warnings: list[str],
                figures: list[Figure] | None = None) -> list[Table]:
    """The tables of a document: each found by its marker (公开NN表) and title, or, printed without a
    marker, by its title alone (a known table title followed by rows of figures). Rows that count
    (公务用车保有量（辆）) rather than hold amounts are added to `figures` when given."""
    starts: list[_Start] = []
    for i, row in enumerate(rows):
        if row.paragraph:
            continue
        for j, cell in enumerate(row.cells):
            m = MARKER.match(nfkc(cell.text))
            if m:
                title_row, title = _find_title(rows, i, j)
                starts.append(_Start(i, j, m.group(1).zfill(2), clean_label(cell.text).replace(" ", ""),
                                     title_row, title))
                break
    marker_rows = [s.row for s in starts]
    taken = set(marker_rows) | {s.title_row for s in starts if s.title_row is not None}
    for i, row in enumerate(rows):
        if i in taken:
            continue
        cells = [c for c in row.cells if not is_blank(c.text)]
        if len(cells) != 1:
            continue
        type_key = table_title_type(cells[0].text)
        if type_key is None or any(i < m <= i + 3 for m in marker_rows) or not _body_follows(rows, i + 1):
            continue  # a heading, a contents line, or the title of a marked table
        starts.append(_Start(i, row.cells.index(cells[0]), "", "", i, clean_label(cells[0].text)))
    starts.sort(key=lambda s: s.row)
    used = {s.code for s in starts if s.number}
    tables = []
    for k, st in enumerate(starts):
        end = starts[k + 1].first if k + 1 < len(starts) else len(rows)
        line = rows[st.first].line
        type_key = vocab.table_type_for(st.title)
        code = st.code
        if not st.number:  # named after its type's number, or its place among the tables
            code = (type_key and vocab.table_notation(type_key)) or f"t{k + 1}"
            if code in used:
                code = f"{code}-{k + 1}"
            used.add(code)
        table = Table(number=st.number, code=code, title=st.title, line=line, type_key=type_key)
        _parse_table(table, rows, st.row, st.cell, end, path, warnings, figures)
        tables.append(table)
    return tables


def _body_follows(rows: list[Row], k: int) -> bool:
    """Rows of figures follow (after header metadata and header rows) before any paragraph, note or
    other table: what tells a table's title from a heading or a contents line naming the table."""
    seen = 0
    while k < len(rows) and seen < 40:
        row = rows[k]
        texts = [c.text for c in row.cells if not is_blank(c.text)]
        k += 1
        if not texts:
            continue
        if row.paragraph or _NOTE.match(texts[0]) or any(is_marker(t) for t in texts) \
                or (len(texts) == 1 and table_title_type(texts[0])):
            return False
        if _has_amount(row) and _is_colnum_row(row) is None:
            return True
        seen += 1
    return False


def _find_title(rows: list[Row], i: int, j: int) -> tuple[int | None, str]:
    """The table title: the nearest text before the marker that names a table (…表)."""
    candidates: list[tuple[int, str]] = []
    for c in reversed(rows[i].cells[:j]):
        candidates.append((i, c.text))
    for k in range(i - 1, max(-1, i - 4), -1):
        for c in reversed(rows[k].cells):
            candidates.append((k, c.text))
    fallback = None
    for k, text in candidates:
        t = clean_label(text)
        if not t or re.match(r"^(预算代码|单位代码|说明|注)", t):
            continue
        if label_key(t).endswith("表"):
            return k, t
        if fallback is None:
            fallback = (k, t)
    return fallback if fallback else (None, "")


def _meta(table: Table, text: str) -> bool:
    """Read department / year / unit from one header cell; True if the cell was header metadata."""
    t = clean_label(nfkc(text))
    hit = False
    rest = t  # the cell after the department name: year and unit may share the cell
    m = _DEPT.match(t)
    if m and not _UNIT_WORD.fullmatch(m.group(1).strip()):  # 单位：万元 is the unit, not a department
        name = m.group(1)
        cut = _AFTER_NAME.search(name)
        name, rest = (name[:cut.start()], name[cut.start():]) if cut else (name, "")
        name = name.strip()
        table.consolidated = "汇总" in name
        name = re.sub(r"[（(]\s*汇总\s*[)）]", "", name).strip()
        if name:
            table.department = name
        hit = True
    m = _UNIT.search(rest)
    if m:
        table.unit = m.group(1)
        hit = True
    m = _YEAR.search(rest)
    if m and len(_UNIT.sub("", rest).strip()) <= 12:
        table.year = int(m.group(1))
        hit = True
    return hit


def _is_colnum_row(row: Row) -> list[int] | None:
    """The 栏次 row: column numbers 1, 2, 3 … (with 栏次 labels and blanks around)."""
    nums = []
    labelled = False
    for c in row.cells:
        t = label_key(c.text)
        if not t:
            continue
        if t in STUB_COLNUM:
            labelled = True
            continue
        if not t.isdigit():
            return None
        nums.append(int(t))
    if not nums or nums[0] != 1 or any(b <= a for a, b in zip(nums, nums[1:])):
        return None
    if not labelled and (len(nums) < 2 or nums != list(range(1, len(nums) + 1))):
        return None  # unlabelled: only a full run 1, 2, … n, never a lone 1 (that may be a figure)
    return nums


def _has_amount(row: Row) -> bool:
    return any(parse_amount(c.text) is not None or looks_numeric(c.text) for c in row.cells)


def _parse_table(table: Table, rows: list[Row], i: int, j: int, end: int, path: str, warnings: list[str],
                 figures: list[Figure] | None = None) -> None:
    for c in rows[i].cells[j + 1:]:
        _meta(table, c.text)
    k = i + 1
    while k < end and not rows[k].paragraph:
        cells = [c for c in rows[k].cells if not is_blank(c.text)]
        if cells and not all(_meta(table, c.text) for c in cells):
            break
        k += 1
    if table.year is None:  # 2024年一般公共预算“三公”经费支出预算表: the year in the title
        m = _YEAR.search(nfkc(table.title))
        if m:
            table.year = int(m.group(1))
    body: list[Row] = []
    while k < end:
        row = rows[k]
        first = next((c.text for c in row.cells if not is_blank(c.text)), "")
        if row.paragraph or _NOTE.match(first):
            if _NOTE.match(first):
                table.note = clean_label(" ".join(c.text for c in row.cells if not is_blank(c.text)))
            break
        body.append(row)
        k += 1
    rest = rows[k:end]

    colnums: list[int] | None = None
    headers: list[Row] = []
    data: list[Row] = []
    for row in body:
        if all(is_blank(c.text) for c in row.cells):
            continue
        if not data:
            nums = _is_colnum_row(row)
            if nums is not None:
                colnums = nums if colnums is None else colnums
                continue
            # the 栏次 row closes the header: a row after it is data even with no figure (合计 — — —)
            if colnums is None and not _has_amount(row):
                headers.append(row)
                continue
        data.append(row)

    if not any(_has_amount(r) for r in data):  # no rows, or only rows without a figure (合计 with blanks)
        reasons = [clean_label(r.texts[0]) for r in rest if r.paragraph and _EMPTY.search(r.texts[0])]
        if table.note and _EMPTY.search(table.note):
            reasons.insert(0, table.note)
        table.empty_reason = reasons[0] if reasons else None
        if not table.empty_reason:
            warnings.append(f"{path}:{table.line}: {table.number or table.title} holds no figures and states no reason")
        return

    width = _width(data)
    if headers:
        leaf = headers[-1]
        # a header row wider than the rows below it, stub first (项目 | 2016年执行数 | 2017年预算数):
        # the rows left their empty cells out, the header gives the columns
        if len(leaf.cells) > width and _stub_role(leaf.cells[0].text) and all(len(r.cells) <= len(leaf.cells)
                                                                            for r in data):
            width = len(leaf.cells)
    roles, columns = _columns(headers, width, data, colnums, table)
    table.columns = columns
    if not any(r == "value" for r in roles):
        raise LoadError(path, data[0].line, f"{table.number or table.title}: cannot tell the value columns from the header")
    _read_rows(table, data, roles, columns, width, path, warnings, figures)
    if k >= len(rows):  # nothing after the table: no note, no text
        last = data[-1]
        name = table.number or table.title
        if len(last.cells) < width:
            warnings.append(f"{path}:{last.line}: {name}: the text ends inside this table, in a row of "
                            f"{len(last.cells)} of its {width} cells; the document appears cut off here "
                            "(the figures before it are read)")
        else:
            warnings.append(f"{path}:{last.line}: {name}: the text ends with this table's last row, with no note "
                            "or text after it; the document may be cut off")


def _width(data: list[Row]) -> int:
    counts = Counter(len(r.cells) for r in data)
    return max(counts, key=lambda n: (counts[n], n))


def _columns(headers: list[Row], width: int, data: list[Row], colnums: list[int] | None,
             table: Table) -> tuple[list[str], list[Column]]:
    base_index = next((k for k in range(len(headers) - 1, -1, -1) if len(headers[k].cells) == width), None)
    if base_index is not None:
        base = headers[base_index].texts
        roles = [_stub_role(t) or "value" for t in base]
        if roles.count("colnum"):
            roles = ["rownum" if r == "colnum" else r for r in roles]
        upper = headers[:base_index]
    else:
        roles = _roles_from_data(data, width)
        base = [""] * width
        upper = headers

    nodes = [_Node(label="" if roles[p] != "value" else clean_label(base[p]), stub=roles[p] != "value", positions=[p])
             for p in range(width)]
    sides = _sides(roles)
    for row in reversed(upper):
        nodes = _lift(nodes, [c.text for c in row.cells], sides)

    paths: dict[int, list[str]] = {p: [] for p in range(width)}
    side_labels: dict[int, str] = {}

    def walk(node: _Node, above: list[str]) -> None:
        labels = above + ([clean_label(node.label)] if node.label and not node.stub else [])
        if node.side_header:
            for p in node.positions:
                side_labels[p] = clean_label(node.label)
        if node.children:
            for child in node.children:
                walk(child, labels)
        else:
            for p in node.positions:
                paths[p] = labels

    for node in nodes:
        walk(node, [])

    value_positions = [p for p in range(width) if roles[p] == "value"]
    numbers: dict[int, int] = {}
    if colnums is not None:
        if len(colnums) == len(value_positions):
            numbers = dict(zip(value_positions, colnums))
    doc_phase = table.default_phase
    note_revised = bool(table.note and "调整后" in table.note)
    columns = []
    for p in value_positions:
        path: list[str] = []
        for lab in paths[p]:
            if not path or path[-1] != lab:
                path.append(lab)
        leaf = path[-1] if path else ""
        group = path[:-1]
        phase = None
        for lab in reversed(path):
            phase = vocab.phase_for(lab)
            if phase:
                break
        if phase == "approved" and note_revised:
            phase = "revised"
        item = vocab.item_for(leaf)
        if item in ("Total", "Subtotal") and group and not vocab.phase_for(group[-1]):
            # 小计 under 本年支出 measures 本年支出: the figure's measure is its group's item
            item = vocab.item_for(group[-1]) or item
        columns.append(Column(position=p, label=leaf, group=group, side=sides[p],
                              side_label=side_labels.get(p, ""), number=numbers.get(p),
                              item=item, phase=phase or doc_phase))
    return roles, columns


def _roles_from_data(data: list[Row], width: int) -> list[str]:
    """Column roles when no header row spans the full width: judged from the cells."""
    roles = []
    full = [r for r in data if len(r.cells) == width]
    for p in range(width):
        texts = [label_key(r.cells[p].text) for r in full if not is_blank(r.cells[p].text)]
        if texts and sum(bool(_CODE.match(t)) for t in texts) > len(texts) / 2 and not any("." in t for t in texts):
            roles.append("code")
        elif texts and sum(parse_amount(t) is not None for t in texts) > len(texts) / 2:
            roles.append("value")
        else:
            roles.append("name")
    return roles


def _sides(roles: list[str]) -> list[int]:
    """Side index per position: a new side starts where a stub follows a value column."""
    sides, side, seen_value = [], 0, False
    for r in roles:
        if r != "value" and seen_value:
            side += 1
            seen_value = False
        if r == "value":
            seen_value = True
        sides.append(side)
    return sides


def _lift(nodes: list[_Node], cells: list[str], sides: list[int]) -> list[_Node]:
    """Place one header row above the current top-level nodes.

    A cell above a node without a label is that node's label (a cell merged
    vertically); a cell above labelled nodes spans a run of them, a run that ends
    where the next 合计/小计 starts a new group or a label of the run repeats
    (预算数 | 决算数 over the same sub-columns twice). Above a two-sided table, a row with
    one cell per side (收入 | 支出) heads the sides.
    """
    texts = [t for t in cells if not is_blank(t)]
    n_sides = max(sides) + 1
    if n_sides > 1 and texts and len(texts) <= n_sides and not any(_stub_role(t) for t in texts):
        by_side: dict[int, list[_Node]] = {}
        for node in nodes:
            by_side.setdefault(sides[node.positions[0]], []).append(node)
        lifted = []
        for s in range(n_sides):
            index = min(s, len(texts) - 1)
            group = by_side.get(s, [])
            positions = [p for g in group for p in g.positions]
            lifted.append(_Node(label=texts[index], stub=False, positions=positions, children=group, side_header=True))
        return lifted

    out: list[_Node] = []
    i, n = 0, len(nodes)
    for ci, text in enumerate(cells):
        if i >= n:
            break
        remaining = sum(1 for t in cells[ci + 1:] if not is_blank(t))
        if _stub_role(text) and nodes[i].stub:
            j = i
            while j < n and nodes[j].stub:
                j += 1
            take = nodes[i:j]
            out.append(_Node(label="", stub=True, positions=[p for t in take for p in t.positions], children=take))
            i = j
            continue
        while i < n and nodes[i].stub:
            out.append(nodes[i])
            i += 1
        if i >= n:
            break
        if is_blank(text) or not nodes[i].label:
            take = [nodes[i]]
            i += 1
        else:
            j = i + 1
            seen = {label_key(nodes[i].label)}
            while (j < n and not nodes[j].stub and nodes[j].label and not is_total_label(nodes[j].label)
                   and label_key(nodes[j].label) not in seen and n - (j + 1) >= remaining):
                seen.add(label_key(nodes[j].label))
                j += 1
            take = nodes[i:j]
            i = j
        out.append(_Node(label="" if is_blank(text) else text, stub=False,
                         positions=[p for t in take for p in t.positions], children=take))
    out.extend(nodes[i:])
    return out


def _is_figure(text: str) -> bool:
    return parse_amount(text) is not None or looks_numeric(text)


def _read_rows(table: Table, data: list[Row], roles: list[str], columns: list[Column], width: int,
               path: str, warnings: list[str], figures: list[Figure] | None = None) -> None:
    by_position = {c.position: c for c in columns}
    sides = _sides(roles)
    n_sides = max(sides) + 1
    value_positions = [p for p in range(width) if roles[p] == "value"]
    stub_positions = [p for p in range(width) if roles[p] != "value"]
    name = table.number or table.title
    short: list[int] = []  # lines of rows with fewer figures than value columns, read right-aligned
    for index, row in enumerate(data, 1):
        cells = row.cells
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
                while cut < k and not is_blank(cells[cut].text) and not _is_figure(cells[cut].text):
                    cut += 1
                if cut and any(not is_blank(c.text) for c in cells[cut:]) and k - cut < len(value_positions):
                    short.append(row.line)
            values = cells[cut:]
            leading = cells[:cut]
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
    if short:
        right = [c.label or str(c.position + 1) for c in columns][-1]
        warnings.append(f"{path}:{short[0]}: {name}: {len(short)} row(s) give fewer figures than the "
                        f"{len(value_positions)} value columns of the header (empty cells left out); their figures "
                        f"are read under the right-most column(s), ending with {right}")


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
            if _CODE.match(text):
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
    count = _COUNT_UNIT.search(label) if not code else None
    if count:
        _read_counts(table, label, count, placed, roles, sides, s, by_position, path, warnings, figures)
        return
    row_item = row_class = None
    if not code and label:
        row_item = vocab.item_for(label)
        if not row_item:
            row_class = vocab.functional_class_for(label)
    for p in sorted(placed):
        if sides[p] != s or roles[p] != "value":
            continue
        cell = placed[p]
        if is_blank(cell.text):
            continue
        amount = parse_amount(cell.text)
        column = by_position[p]
        if amount is None:
            what = "a malformed amount" if looks_numeric(cell.text) else "text"
            raise LoadError(path, cell.line,
                            f"{table.number or table.title}: {what} {cell.text.strip()!r} where column "
                            f"{column.label or p + 1!s} expects an amount")
        table.observations.append(Observation(
            amount=amount, line=cell.line, column=column, row_label=label, row_code=code,
            line_number=rownum, row_item=row_item, row_class=row_class,
            indented=is_indented(name_raw), row_index=index))


def _read_counts(table: Table, label: str, count: re.Match, placed: dict, roles: list[str], sides: list[int],
                 s: int, by_position: dict[int, Column], path: str, warnings: list[str] | None,
                 figures: list[Figure] | None) -> None:
    """A row that counts (因公出国（境）团组数（个）, 公务用车保有量（辆）): its figures are numbers of things,
    not amounts in the table's currency unit, so they become figures with their own unit."""
    unit = count.group(1).replace("(", "（").replace(")", "）")
    name = strip_ordinal(clean_label(label[:count.start()]))
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

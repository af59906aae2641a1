"""A table's header rows, read bottom-up into its columns.

The bottom header row that spans the table's width gives each position its role (code, name, 行次 or
value column); the rows above are lifted over it one by one (`_lift`), so that each value column gets its
path of labels (本年支出 → 小计), its side of a two-sided table (收入 | 支出), its phase and its item.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from cnbudget.loaders import vocab
from cnbudget.loaders.labels import SUBJECT_CODE, is_total_label, stub_role
from cnbudget.loaders.records import Column, Row, Table
from cnbudget.loaders.text import clean_label, is_blank, label_key, parse_amount


@dataclass
class _Node:
    label: str
    stub: bool
    positions: list[int]
    children: list["_Node"] = field(default_factory=list)
    side_header: bool = False


def read_columns(headers: list[Row], width: int, data: list[Row], colnums: list[int] | None,
                 table: Table) -> tuple[list[str], list[Column]]:
    """The role of each of the `width` positions (code, name, rownum or value) and the value columns: from
    the bottom header row as wide as the table (else from the data), the rows above lifted over it."""
    base_index = next((k for k in range(len(headers) - 1, -1, -1) if len(headers[k].cells) == width), None)
    if base_index is not None:
        base = headers[base_index].texts
        roles = [stub_role(t) or ("name" if is_blank(t) and _labels_below(data, p) else "value")
                 for p, t in enumerate(base)]
        if roles.count("colnum"):
            roles = ["rownum" if r == "colnum" else r for r in roles]
        upper = headers[:base_index]
    else:
        roles = _roles_from_data(data, width)
        base = [""] * width
        upper = headers

    nodes = [_Node(label="" if roles[p] != "value" else clean_label(base[p]), stub=roles[p] != "value", positions=[p])
             for p in range(width)]
    sides = position_sides(roles)
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


def _labels_below(data: list[Row], p: int) -> bool:
    """Whether the cells under a blank header cell are labels (a stub the header leaves unnamed), not figures."""
    texts = [r.cells[p].text for r in data if p < len(r.cells) and not is_blank(r.cells[p].text)]
    # a percentage (88.85%) is a figure too: a column of rates whose label the converter lost
    return bool(texts) and not any(parse_amount(t.strip().removesuffix("%")) is not None for t in texts)


def _roles_from_data(data: list[Row], width: int) -> list[str]:
    """Column roles when no header row spans the full width: judged from the cells."""
    roles = []
    full = [r for r in data if len(r.cells) == width]
    for p in range(width):
        texts = [label_key(r.cells[p].text) for r in full if not is_blank(r.cells[p].text)]
        if (texts and sum(bool(SUBJECT_CODE.match(t)) for t in texts) > len(texts) / 2
                and not any("." in t for t in texts)):
            roles.append("code")
        elif texts and sum(parse_amount(t) is not None for t in texts) > len(texts) / 2:
            roles.append("value")
        else:
            roles.append("name")
    return roles


def position_sides(roles: list[str]) -> list[int]:
    """Side index per position: a new side starts where a stub follows a value column."""
    sides, side, seen_value = [], 0, False
    for r in roles:
        if r not in ("value", "note") and seen_value:  # a 备注 column closes no side
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
    if n_sides > 1 and texts and len(texts) <= n_sides and not any(stub_role(t) for t in texts):
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
    after = [0] * (len(cells) + 1)  # after[k]: the non-blank cells from k on (counted once, not at each cell)
    for k in range(len(cells) - 1, -1, -1):
        after[k] = after[k + 1] + (not is_blank(cells[k]))
    for ci, text in enumerate(cells):
        if i >= n:
            break
        remaining = after[ci + 1]
        if stub_role(text) and nodes[i].stub:
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

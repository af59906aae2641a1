"""A table printed twice (its 公开NN表 marker and title again; loaders/tables/find.py gives the second printing a
table of its own): each figure of the second printing is checked against the first printing's in the same row
and column, the restatement itself kept as a finding (chk:RestatedTable), each figure that differs as a mismatch
(chk:RestatedTableAgreement)."""
from __future__ import annotations

from decimal import Decimal

from cnbudget.kg.interpret.reconcile import Finding, Result, column_name, document_check
from cnbudget.loaders.records import Disclosure, Observation


def _cell(o: Observation) -> tuple:
    """Where a figure stands in its table: the same in both printings of it."""
    return o.row_index, o.row_code, o.row_label, o.column.side, o.column.position


@document_check
def _restated_tables(doc: Disclosure, result: Result) -> None:
    """Each table that restates another: its figures against the first printing's."""
    for table in doc.tables:
        first = table.restates
        if first is None or table.is_empty:
            continue
        earlier = {_cell(o): o for o in first.observations}
        pairs = [(o, earlier[_cell(o)]) for o in table.observations if _cell(o) in earlier]
        name = table.number or table.title
        for again, before in pairs:
            result.checks += 1
            if again.amount != before.amount:
                result.findings.append(Finding(
                    "RestatedTableAgreement", table, again.amount, before.amount, Decimal(0), again, [before],
                    f"{name}再次印出（第{table.line}行）：{again.row_code + ' ' if again.row_code else ''}{again.row_label}「{column_name(again)}」为 {again.amount}（第{again.line}行），"
                    f"首次印出为 {before.amount}（第{before.line}行），相差 {again.amount - before.amount}。", first))
        same = sum(a.amount == b.amount for a, b in pairs)
        result.findings.append(Finding(
            "RestatedTable", table, sum((a.amount for a, _ in pairs), Decimal(0)),
            sum((b.amount for _, b in pairs), Decimal(0)), Decimal(0), None, [],
            f"{name}印出两次（第{first.line}行、第{table.line}行），第二次作为一张表单独载入：{len(pairs)} 个数字与首次印出"
            f"同行同列，其中 {same} 个相同、{len(pairs) - same} 个不同；另有 {len(table.observations) - len(pairs)} 个"
            "首次印出中没有。", first))

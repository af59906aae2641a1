"""Reconciliation: what a disclosure's tables promise about their own figures.

Each check compares a stated figure with the sum of the figures it should equal.
A failure becomes a `Finding` (stored as data, see kg/rdf/), never an
exception. Differences within the rounding the document itself warns of
(本套报表金额单位转换时可能存在尾数误差) are kept too, marked tolerated.

A check is added where it is defined: a function decorated `@table_check` (run on each
non-empty table) or `@document_check` (run once on the whole disclosure), in the order
defined; a figure that must agree across two tables is one `Agreement` in
`CROSS_TABLE_AGREEMENTS` (or `CLASS_AGREEMENTS`, per 类 of a summary table). Its rule
is a concept of ontology/codelists/checks.ttl.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from itertools import combinations
from typing import Callable, Iterable

from cnbudget.loaders import vocab
from cnbudget.loaders.records import Disclosure, Observation, Table
from cnbudget.loaders.labels import is_total_label
from cnbudget.loaders.text import parse_amount

YEAR_TOTALS = {"TotalIncome", "TotalExpenditure"}


@dataclass
class Finding:
    rule: str  # local name in ontology/codelists/checks.ttl
    table: Table | None
    stated: Decimal
    computed: Decimal
    tolerance: Decimal
    total: Observation | None  # or a narrative Figure, also an observation in the graph
    parts: list[Observation]
    message: str
    other_table: Table | None = None
    about: object | None = None  # a narrative record (execution, evaluation) the finding is about
    # what tells apart findings of one rule about the same figures or record (the task sums of one evaluation:
    # "budget", "actual"); part of the finding's identity (kg/rdf/tables.py finding_iris)
    facet: str = ""

    @property
    def difference(self) -> Decimal:
        return self.stated - self.computed

    @property
    def tolerated(self) -> bool:
        """No mismatch: within the rounding allowed, or a finding about how the table was read."""
        return self.rule in NOT_MISMATCHES or abs(self.difference) <= self.tolerance


# findings that say how a table was read or what could not be checked, not that its figures disagree
NOT_MISMATCHES = {"ReadingByArithmetic", "UndecidedReading", "TotalWithUnplacedFigures", "RestatedTable"}


@dataclass
class Result:
    checks: int = 0
    findings: list[Finding] = field(default_factory=list)


TableCheck = Callable[[Disclosure, Table, Result], None]
DocumentCheck = Callable[[Disclosure, Result], None]
TABLE_CHECKS: list[TableCheck] = []
DOCUMENT_CHECKS: list[DocumentCheck] = []


def table_check(check: TableCheck) -> TableCheck:
    TABLE_CHECKS.append(check)
    return check


def document_check(check: DocumentCheck) -> DocumentCheck:
    DOCUMENT_CHECKS.append(check)
    return check


def reconcile(doc: Disclosure) -> Result:
    result = Result()
    for table in doc.tables:
        if table.is_empty:
            continue
        for check in TABLE_CHECKS:
            check(doc, table, result)
    for document_check_ in DOCUMENT_CHECKS:
        document_check_(doc, result)
    return result


# --- helpers ---------------------------------------------------------------------

def _name(o: Observation) -> str:
    return o.row_code and f"{o.row_code} {o.row_label}" or o.row_label or "（无行名）"


def column_name(o: Observation) -> str:
    return " / ".join([*o.column.group, o.column.label]) or "金额"


def _tolerance(doc: Disclosure, amounts: Iterable[Decimal], n_parts: int) -> Decimal:
    """Rounding each printed figure to its last decimal place can leave at most half a unit
    per figure; allowed only where the document warns of rounding differences."""
    if not doc.rounding_note:
        return Decimal(0)
    places = max((-a.as_tuple().exponent for a in amounts if a.as_tuple().exponent < 0), default=0)
    unit = Decimal(1).scaleb(-places)
    return (unit / 2 * (n_parts + 1)).quantize(unit, rounding=ROUND_CEILING)


def _compare(doc: Disclosure, result: Result, rule: str, table: Table, total: Observation,
             parts: list[Observation], what: str, other: Table | None = None,
             stated: Decimal | None = None) -> None:
    result.checks += 1
    stated = total.amount if stated is None else stated
    computed = sum((p.amount for p in parts), Decimal(0))
    if stated == computed:
        return
    tolerance = _tolerance(doc, [stated, *(p.amount for p in parts)], len(parts))
    diff = stated - computed
    if table.unplaced and other is None and abs(diff) > tolerance \
            and _unplaced(result, table, total, parts, stated, computed, what):
        return
    verdict = (f"在文件声明的尾数误差允许范围（±{tolerance}）内" if abs(diff) <= tolerance
               else "超出尾数误差，数据不一致")
    message = (f"{table.number or table.title}：{_name(total)}「{column_name(total)}」为 {stated}，"
               f"{what}为 {computed}，相差 {diff}；{verdict}。")
    result.findings.append(Finding(rule, table, stated, computed, tolerance, total, parts, message, other))


def _unplaced(result: Result, table: Table, total: Observation, parts: list[Observation], stated: Decimal,
              computed: Decimal, what: str) -> bool:
    """A sum that figures the table left out (their row or column not printed, or undecided) would close: not a
    mismatch but a check that cannot be made, kept as such; False when no choice of them closes it (a mismatch
    whatever their place)."""
    figures = [(c, a) for c in table.unplaced for a in [parse_amount(c.text)] if a is not None]
    closing = next((subset for n in range(1, min(len(figures), 4) + 1) for subset in combinations(figures, n)
                    if sum(a for _, a in subset) == stated - computed), None)
    if closing is None:
        return False
    result.findings.append(Finding(
        "TotalWithUnplacedFigures", table, stated, computed, Decimal(0), total, parts,
        f"{table.number or table.title}：{_name(total)}「{column_name(total)}」为 {stated}，{what}为 {computed}，"
        f"相差 {stated - computed}，正是表中未能确定所在行列、未载入的数字"
        f"（{'、'.join(f'第{c.line}行 {c.text}' for c, _ in closing)}）；它们若属于此项则相符，此项无法核对。"))
    return True


def _measure_key(o: Observation) -> tuple:
    return (o.column.label, tuple(o.column.group))


# --- checks within one table -----------------------------------------------------

@table_check
def _readings(doc: Disclosure, table: Table, result: Result) -> None:
    """How the table's rows with dropped cells were read (loaders/tables/arithmetic.py): each choice with its
    evidence, each row whose figures could not be placed, kept as a finding of the table."""
    for reading in table.readings:
        amount = sum((o.amount for o in reading.observations), Decimal(0))
        result.findings.append(Finding(reading.rule, table, amount, amount, Decimal(0), None,
                                       list(reading.observations), reading.message, facet=f"line-{reading.line}"))


@table_check
def _subject_hierarchy(doc: Disclosure, table: Table, result: Result) -> None:
    """A subject equals the sum of its sub-subjects; a total row equals its classes and its leaves."""
    by_measure: dict[tuple, list[Observation]] = defaultdict(list)
    for o in table.observations:
        by_measure[_measure_key(o)].append(o)
    for observations in by_measure.values():
        coded = {o.row_code: o for o in observations if o.row_code}
        if len(coded) < 2:
            continue
        codes = sorted(coded)
        for parent in codes:
            longer = [c for c in codes if len(c) > len(parent) and c.startswith(parent)]
            if not longer:
                continue
            step = min(len(c) for c in longer)
            children = [coded[c] for c in longer if len(c) == step]
            _compare(doc, result, "ParentEqualsChildren", table, coded[parent], children, "下级科目之和")
        top_len = min(len(c) for c in codes)
        classes = [coded[c] for c in codes if len(c) == top_len]
        heads = _heads(codes)
        leaves = [coded[c] for c in codes if c not in heads]
        for total in (o for o in observations if not o.row_code and o.row_label and is_total_label(o.row_label)):
            _compare(doc, result, "TotalEqualsClasses", table, total, classes, "各类科目之和")
            if len(leaves) != len(classes):
                _compare(doc, result, "TotalEqualsLeaves", table, total, leaves, "末级科目之和")


def leaf_rows(table: Table) -> list[Observation]:
    """Coded rows whose code has no sub-code printed in the same column: the lowest level the table shows."""
    leaves = []
    by_measure: dict[tuple, list[Observation]] = defaultdict(list)
    for o in table.observations:
        if o.row_code:
            by_measure[_measure_key(o)].append(o)
    for observations in by_measure.values():
        heads = _heads({o.row_code for o in observations})
        leaves += [o for o in observations if o.row_code not in heads]
    return leaves


def _heads(codes) -> set[str]:
    """The codes some other code of `codes` starts with (the ones that are not leaves)."""
    return {d[:k] for d in codes for k in range(1, len(d))} & set(codes)


@table_check
def _column_totals(doc: Disclosure, table: Table, result: Result) -> None:
    """Within a row, a 合计/小计 column equals the columns it heads (sub-groups by their own total)."""
    rows: dict[tuple, list[Observation]] = defaultdict(list)
    for o in table.observations:
        rows[(o.row_index, o.column.side)].append(o)
    for observations in rows.values():
        by_group: dict[tuple, list[Observation]] = defaultdict(list)
        for o in sorted(observations, key=lambda o: o.column.position):
            by_group[tuple(o.column.group)].append(o)
        for group, members in by_group.items():
            if len(members) < 2 or not is_total_label(members[0].column.label):
                continue
            parts = list(members[1:])
            for sub, sub_members in by_group.items():
                if len(sub) == len(group) + 1 and sub[: len(group)] == group and is_total_label(sub_members[0].column.label):
                    parts.append(sub_members[0])
            if len(parts) >= 2 or (parts and len(members) == 2):
                _compare(doc, result, "ColumnTotalEqualsParts", table, members[0], parts, "各分项列之和")


@table_check
def _summary_sides(doc: Disclosure, table: Table, result: Result) -> None:
    """Two-sided summary tables: 本年合计 = its items; 总计 = 本年合计 + balances; sub-items; 收 = 支."""
    if not any(o.row_item in YEAR_TOTALS for o in table.observations):
        return
    grand_by_side: dict[int, Observation] = {}
    columns: dict[int, list[Observation]] = defaultdict(list)
    for o in table.observations:
        columns[o.column.position].append(o)
    for position, observations in columns.items():
        observations.sort(key=lambda o: o.row_index)
        year_total = next((o for o in observations if o.row_item in YEAR_TOTALS), None)
        grand = next((o for o in observations if o.row_item == "GrandTotal"), None)
        top = [o for o in observations if not o.indented]
        if year_total is not None:
            items = [o for o in top if o.row_index < year_total.row_index]
            if items:
                _compare(doc, result, "SideTotalEqualsItems", table, year_total, items, "各项之和")
            if grand is not None:
                parts = [o for o in top if year_total.row_index <= o.row_index < grand.row_index]
                _compare(doc, result, "GrandTotalComposition", table, grand, parts, "本年合计与结转结余之和")
        parent = None
        children: list[Observation] = []
        for o in observations + [None]:
            if o is None or not o.indented:
                if parent is not None and children:
                    _compare(doc, result, "SubItemsEqualItem", table, parent, children, "其中各项之和")
                parent, children = o, []
            else:
                children.append(o)
        if grand is not None:
            side = grand.column.side
            if position == _first_column(table, side):
                grand_by_side.setdefault(side, grand)
    if 0 in grand_by_side and 1 in grand_by_side:
        _compare(doc, result, "GrandTotalsBalance", table, grand_by_side[0], [grand_by_side[1]], "支出总计")


# the 三公 categories a 三公 table's 合计 row adds up (items.ttl)
_SANGONG = {"OverseasTravel", "OfficialReception", "OfficialVehicles"}


@table_check
def _item_parts(doc: Disclosure, table: Table, result: Result) -> None:
    """Rows named by items, per column: an item equals its parts (公务用车购置及运行费 = 公务用车购置费 + 运行费,
    skos:broader in items.ttl) where all of them are printed; the 合计 of a table of the three 三公 categories
    equals them (a table of years as rows read with its categories as rows, loaders/tables/transpose.py)."""
    if any(o.row_item in YEAR_TOTALS for o in table.observations):
        return  # summary tables: their items are checked by side (_summary_sides)
    narrower: dict[str, set[str]] = defaultdict(set)
    for o in table.observations:
        parent = vocab.broader_item(o.row_item)
        if parent:
            narrower[parent].add(o.row_item)
    by_column: dict[int, dict[str, Observation]] = defaultdict(dict)
    for o in (o for o in table.observations if o.row_item and not o.row_code):
        by_column[id(o.column)].setdefault(o.row_item, o)
    for rows in by_column.values():
        for parent, parts in narrower.items():
            if parent in rows and len(parts) >= 2 and parts == vocab.narrower_items(parent) and parts <= set(rows):
                _compare(doc, result, "ItemEqualsParts", table, rows[parent], [rows[p] for p in sorted(parts)],
                         "各组成项目之和")
        top = {item for item in rows if vocab.broader_item(item) is None and item != "Total"}
        if "Total" in rows and top == _SANGONG:
            _compare(doc, result, "ItemEqualsParts", table, rows["Total"], [rows[p] for p in sorted(top)],
                     "“三公”各项之和")


# --- checks across tables --------------------------------------------------------

Selector = Callable[[Observation], bool]


def _total_row(o: Observation) -> bool:
    return not o.row_code and o.row_item == "Total"


def _first_column(table: Table, side: int | None = None) -> int | None:
    positions = [c.position for c in table.columns if side is None or c.side == side]
    return min(positions) if positions else None


def _pick(tables: dict[str, Table], type_key: str, row: Selector, measure: str | None = None,
          side: int | None = None) -> tuple[Table, Observation] | None:
    table = tables.get(type_key)
    if table is None:
        return None
    first = _first_column(table, side)
    for o in table.observations:
        if not row(o) or (side is not None and o.column.side != side):
            continue
        if (measure and o.column.item == measure) or (not measure and o.column.position == first):
            return table, o
    return None


@dataclass(frozen=True)
class Pick:
    """A figure of a table: the first row `row` selects, in the column of `measure` (an account item) or,
    without one, the first value column (of `side`)."""
    table: str  # table type (ontology/codelists/tables.ttl)
    row: Selector
    measure: str | None = None
    side: int | None = None


@dataclass(frozen=True)
class Agreement:
    """Two tables print the same figure."""
    a: Pick
    b: Pick


def _item_row(key: str) -> Selector:
    return lambda o: not o.row_code and o.row_item == key


CROSS_TABLE_AGREEMENTS = [
    Agreement(Pick("IncomeExpenditureSummary", _item_row("TotalIncome"), side=0),
              Pick("IncomeStatement", _total_row, "TotalIncome")),
    Agreement(Pick("IncomeExpenditureSummary", _item_row("TotalExpenditure"), side=1),
              Pick("ExpenditureStatement", _total_row, "TotalExpenditure")),
    Agreement(Pick("FiscalAppropriationSummary", _item_row("TotalIncome"), side=0),
              Pick("IncomeStatement", _total_row, "FiscalAppropriationIncome")),
    Agreement(Pick("FiscalAppropriationSummary", _item_row("TotalExpenditure"), "GeneralBudgetFunds", 1),
              Pick("GeneralBudgetExpenditure", _total_row)),
]


@dataclass(frozen=True)
class ClassAgreement:
    """Each 类 a summary table prints (its expenditure side) equals that 类's row in a statement table."""
    summary: str
    summary_measure: str | None
    statement: str
    statement_measure: str | None

    def agreements(self, summary: Table) -> list[Agreement]:
        codes = sorted({o.row_class for o in summary.observations if o.row_class})
        return [Agreement(Pick(self.summary, lambda o, c=code: o.row_class == c, self.summary_measure, 1),
                          Pick(self.statement, lambda o, c=code: o.row_code == c, self.statement_measure))
                for code in codes]


CLASS_AGREEMENTS = [
    ClassAgreement("IncomeExpenditureSummary", None, "ExpenditureStatement", "TotalExpenditure"),
    ClassAgreement("FiscalAppropriationSummary", "GeneralBudgetFunds", "GeneralBudgetExpenditure", None),
]


def _typed_tables(doc: Disclosure) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for t in doc.tables:
        if t.type_key and not t.is_empty:
            tables.setdefault(t.type_key, t)
    return tables


@document_check
def _cross_tables(doc: Disclosure, result: Result) -> None:
    """The same figure in two tables (01 vs 02/03, 04 vs 05, per 类)."""
    tables = _typed_tables(doc)
    agreements = list(CROSS_TABLE_AGREEMENTS)
    for rule in CLASS_AGREEMENTS:
        if rule.summary in tables:
            agreements += rule.agreements(tables[rule.summary])
    for agreement in agreements:
        a = _pick(tables, agreement.a.table, agreement.a.row, agreement.a.measure, agreement.a.side)
        b = _pick(tables, agreement.b.table, agreement.b.row, agreement.b.measure, agreement.b.side)
        if a and b:
            _compare(doc, result, "CrossTableAgreement", a[0], a[1], [b[1]],
                     f"{b[0].number or b[0].title}中对应的数", other=b[0])


@document_check
def _basic_expenditure_breakdown(doc: Disclosure, result: Result) -> None:
    """表05's 基本支出 total equals 表06's 人员经费 and 公用经费 totals."""
    tables = _typed_tables(doc)
    basic = _pick(tables, "GeneralBudgetExpenditure", _total_row, "BasicExpenditure")
    breakdown = tables.get("GeneralBudgetBasicExpenditure")
    if basic and breakdown:
        parts = [o for o in breakdown.observations
                 if o.row_item in ("PersonnelExpensesTotal", "PublicExpensesTotal")]
        if parts:
            _compare(doc, result, "CrossTableAgreement", basic[0], basic[1], parts,
                     f"{breakdown.number or breakdown.title}人员经费与公用经费合计之和", other=breakdown)



# checks kept in modules of their own, registered on import (after the registry above exists)
from cnbudget.kg.interpret import restated as _restated  # noqa: E402,F401

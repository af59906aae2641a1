"""Budget against actual: per subject (narrative lines) and per unit (整体绩效自评表).

Rates are computed once here and stored with their inputs, beside the rate the
document states; where the two disagree beyond the rounding of the stated
figure, or the narrative disagrees with the tables, the discrepancy becomes a
reconciliation finding (data, not an exception).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from cnbudget.kg.interpret import subjects
from cnbudget.kg.interpret.identity import Who, settle
from cnbudget.kg.interpret.reconcile import Finding, Result
from cnbudget.loaders import vocab
from cnbudget.loaders.records import Figure, Observation, Table
from cnbudget.loaders.text import label_key
from cnbudget.kg.interpret.units import Unit, UnitIndex, resolve_units
from cnbudget.loaders.records import Disclosure, SubjectLine, UnitEvaluation, UnitMention

_RATE_PLACES = Decimal("0.000001")


def rate(actual: Decimal | None, budget: Decimal | None) -> Decimal | None:
    if actual is None or not budget:
        return None
    return (actual / budget).quantize(_RATE_PLACES)


def stated_fraction(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else percent / 100


def _stated_places(percent: Decimal) -> Decimal:
    """One unit of the stated figure's last decimal, as a fraction (0.0001 for 85.43%)."""
    return Decimal(1).scaleb(-max(0, -percent.as_tuple().exponent)) / 100


@dataclass
class SubjectExecution:
    line: SubjectLine
    code: str | None
    evidence: str
    exact: bool
    computed: Decimal | None


@dataclass
class UnitExecution:
    evaluation: UnitEvaluation
    unit: Unit
    computed: Decimal | None


@dataclass
class Analysis:
    units: UnitIndex
    unit_of: dict[int, Unit]  # id(mention) → unit
    record_units: dict[int, Unit] = field(default_factory=dict)  # id(project count / report) → unit
    subjects: list[SubjectExecution] = field(default_factory=list)
    who: Who | None = None  # whose disclosure it is, and its region (kg/interpret/identity.py)
    evaluations: list[UnitExecution] = field(default_factory=list)
    # id(narrative figure) → the table observation it restates (same item, same amount)
    restated: dict[int, Observation] = field(default_factory=dict)


def analyse(doc: Disclosure, result: Result) -> Analysis:
    who = settle(doc)  # first: a body the head of the document tells is the department its units belong to
    narrative = doc.narrative
    mentions: list[UnitMention] = list(narrative.units) if narrative else []
    by_record: list[tuple[object, UnitMention]] = []
    if narrative:
        mentions += [UnitMention(e.unit_name, "evaluated", e.line) for e in narrative.evaluations]
        by_record += [(p, UnitMention(p.unit_name, "other", p.line)) for p in narrative.project_counts]
        by_record += [(r, UnitMention(r.unit_name, "other", r.line)) for r in narrative.reports if r.unit_name]
    index, unit_of = resolve_units(doc.department, mentions + [m for _, m in by_record], doc.year)
    analysis = Analysis(index, unit_of, {id(rec): unit_of[id(m)] for rec, m in by_record}, who=who)
    if not narrative:
        return analysis
    evaluated = iter(m for m in mentions if m.role == "evaluated")
    for e in narrative.evaluations:
        unit = unit_of[id(next(evaluated))]
        ex = UnitExecution(e, unit, rate(e.actual, e.budget))
        analysis.evaluations.append(ex)
        _check_rate(result, ex, e.stated_rate, ex.computed, f"{e.unit_name.strip()} 整体绩效自评表预算执行率")
        tasks = [t for t in e.tasks if t.budget is not None]
        if e.budget is not None and tasks:
            _check_sum(result, ex, e.budget, sum((t.budget for t in tasks), Decimal(0)), len(tasks),
                       f"{e.unit_name.strip()} 整体绩效自评表：金额合计预算数 {e.budget}，各任务之和", "budget")
        tasks = [t for t in e.tasks if t.actual is not None]
        if e.actual is not None and tasks:
            _check_sum(result, ex, e.actual, sum((t.actual for t in tasks), Decimal(0)), len(tasks),
                       f"{e.unit_name.strip()} 整体绩效自评表：金额合计执行数 {e.actual}，各任务之和", "actual")
    analysis.restated = check_figures(doc, result)
    names = subjects.table_names(doc)
    table05 = _subject_figures(doc, "GeneralBudgetExpenditure")
    for line in narrative.subject_lines:
        r = subjects.resolve(line.class_name, line.section_name, line.item_name, names)
        ex = SubjectExecution(line, r.code, r.evidence, r.exact, rate(line.actual, line.budget))
        analysis.subjects.append(ex)
        label = "".join(filter(None, [line.class_name, line.section_name, line.item_name]))
        _check_rate(result, ex, line.stated_rate, ex.computed, f"第{line.number}条 {label} 完成年初预算")
        if r.code is None:
            doc.warnings.append(f"{doc.path}:{line.line}: cannot resolve {label} to a subject code ({r.evidence})")
        elif r.code in table05:
            table, obs = table05[r.code]
            result.checks += 1
            if obs.amount != line.actual:
                result.findings.append(Finding(
                    "NarrativeTableAgreement", table, line.actual, obs.amount, Decimal(0), None, [obs],
                    f"说明第{line.number}条 {label} 支出决算为 {line.actual}，{table.number} {r.code} 为 {obs.amount}。",
                    about=ex))
    return analysis


# Tables a narrative section speaks of, by words in its heading (first match wins).
_SECTION_TABLES = [
    ("三公", ["ThreePublicExpenses"]),
    ("一般公共预算", ["GeneralBudgetExpenditure", "GeneralBudgetBasicExpenditure"]),
    ("财政拨款收入支出", ["FiscalAppropriationSummary"]),
    ("", ["IncomeExpenditureSummary", "IncomeStatement", "ExpenditureStatement"]),
]
_MONEY = {"元", "千元", "万元", "亿元"}


def check_figures(doc: Disclosure, result: Result) -> dict[int, Observation]:
    """Narrative figures against the tables, and stated shares against their figures; the table figure each
    narrative figure restates (by id of the narrative figure)."""
    restated: dict[int, Observation] = {}
    if not doc.narrative:
        return restated
    by_type = {t.type_key: t for t in doc.tables if t.type_key and not t.is_empty}
    for f in doc.narrative.figures:
        if f.unit not in _MONEY or f.measure in ("增加", "减少"):
            continue
        types = next(ts for word, ts in _SECTION_TABLES if word in f.section)
        candidates = [c for c in (_table_figure(by_type.get(t), f) for t in types) if c]
        if not candidates:
            continue
        result.checks += 1
        same = [o for _, o in candidates if o.amount == f.amount]
        if same:
            restated[id(f)] = same[0]
        else:
            table, obs = candidates[0]
            result.findings.append(Finding(
                "NarrativeTableAgreement", table, f.amount, obs.amount, Decimal(0), f, [obs],
                f"说明「{f.section}」中{f.label}{f.measure}为 {f.amount}{f.unit}，{table.number}对应数为 {obs.amount}。"))
    _check_shares(doc, result)
    return restated


def _table_figure(table: Table | None, f: Figure):
    """The table figure a narrative figure names: by account item (row or column) or by 类 code."""
    if table is None:
        return None
    phase = f.phase or "executed"
    wanted_phase = {"approved", "revised"} if phase in ("approved", "revised") else {"executed"}
    item = f.item
    if label_key(f.label).startswith("三公"):
        item = "Total"
    code = None
    if not item and "（类）" in f.label.replace("(", "（").replace(")", "）"):
        code = vocab.functional_class_for(label_key(f.label).replace("（类）", ""))
    if not item and not code:
        return None
    first = min((c.position for c in table.columns), default=None)
    for o in table.observations:
        if o.column.phase not in wanted_phase:
            continue
        if code and o.row_code == code and o.column.position == first:
            return table, o
        if item and not o.row_code and (
                (o.row_item == "Total" and o.column.item == item)
                or (o.row_item == item and o.column.position == first)
                or (table.type_key == "ThreePublicExpenses" and o.column.item == item)):
            return table, o
    return None


def _check_shares(doc: Disclosure, result: Result) -> None:
    """占X% after a figure: the figure over the line's total (合计/总计 printed first on the same line)."""
    lines: dict[int, list[Figure]] = {}
    for f in doc.narrative.figures:
        lines.setdefault(f.line, []).append(f)
    for figures in lines.values():
        money = [f for f in figures if f.unit in _MONEY]
        base = next((f for f in money if f.measure in ("合计", "总计")), money[0] if money else None)
        if base is None or not base.amount:
            continue
        for i, f in enumerate(figures):
            if f.measure != "占比" or f.unit != "%":
                continue
            value = next((g for g in reversed(figures[:i]) if g.unit in _MONEY and g.label == f.label), None)
            if value is None or value is base:
                continue
            computed = value.amount / base.amount * 100
            unit = Decimal(1).scaleb(f.amount.as_tuple().exponent)
            result.checks += 1
            if abs(computed - f.amount) > unit / 2:
                result.findings.append(Finding(
                    "StatedShareMismatch", None, f.amount, computed.quantize(Decimal("0.0001")), unit / 2, f,
                    [value, base],
                    f"说明第{f.line}行：{f.label} {value.amount}{value.unit} 所述占比 {f.amount}%，"
                    f"按{base.label} {base.amount}{base.unit} 计算为 {computed.quantize(Decimal('0.01'))}%。"))


def _subject_figures(doc: Disclosure, type_key: str) -> dict:
    """code → (table, observation of the table's first value column) for one table type."""
    for t in doc.tables:
        if t.type_key == type_key and t.columns:
            first = min(c.position for c in t.columns)
            return {o.row_code: (t, o) for o in t.observations if o.row_code and o.column.position == first}
    return {}


def _check_rate(result: Result, about, stated_percent: Decimal | None, computed: Decimal | None, what: str) -> None:
    """A stated rate should be actual ÷ budget rounded to the printed decimals. Beyond half a unit of the
    last decimal the gap is recorded; within one unit it is tolerated (documents often truncate)."""
    if stated_percent is None or computed is None:
        return
    result.checks += 1
    stated = stated_fraction(stated_percent)
    unit = _stated_places(stated_percent)
    if abs(stated - computed) > unit / 2:
        result.findings.append(Finding(
            "StatedRateMismatch", None, stated, computed, unit, None, [],
            f"{what}所述为 {stated_percent}%，按执行数÷预算数计算为 {(computed * 100).quantize(Decimal('0.001'))}%。",
            about=about))


def _check_sum(result: Result, about, stated: Decimal, computed: Decimal, n: int, what: str, facet: str) -> None:
    result.checks += 1
    if stated != computed:
        result.findings.append(Finding("TasksEqualTotal", None, stated, computed, Decimal(0), None, [],
                                       f"{what}为 {computed}。", about=about, facet=facet))

"""Budget against actual → RDF: the narrative's per-subject lines, each unit's 整体绩效自评表 with its tasks and
indicators, project counts, key evaluations and appended evaluation reports.

Each execution keeps the stated rate beside the rate computed at load (kg/interpret/budget_execution.py);
the computed rate is also stored under a property of its own per kind, so ranking units reads one index range.
"""
from __future__ import annotations

from decimal import Decimal

from cnbudget.kg.interpret.budget_execution import Analysis, SubjectExecution, UnitExecution, rate, stated_fraction
from cnbudget.kg.interpret.indicators import judge
from cnbudget.kg.rdf.graph import GraphBuilder
from cnbudget.kg.rdf.organization import UnitNodes
from cnbudget.kg.rdf.tables import UNIT_FACTOR, amount_in_yuan
from cnbudget.kg.rdf.terms import TYPE, boolean, bud, dct, dec, integer, iri, rdfs, text, zh
from cnbudget.loaders.records import Indicator

_RANKED_RATE = {bud.UnitPerformanceEvaluation: bud.unitExecutionRate, bud.SubjectExecution: bud.subjectExecutionRate}


def add_optional(b: GraphBuilder, node: str, pairs, literal) -> None:
    """Add (property, value) pairs whose value is there (not None, not empty)."""
    for prop, value in pairs:
        if value is not None and value != "":
            b.add(node, prop, literal(value))


def _execution(b: GraphBuilder, node: str, kind: str, budget: Decimal | None, actual: Decimal | None,
               stated_percent: Decimal | None, stated_text: str | None, computed: Decimal | None, line: int,
               unit_text: str) -> None:
    b.add(node, TYPE, kind)
    b.add(node, TYPE, bud.BudgetExecution)
    b.add(node, bud.disclosure, b.doc_node)
    if b.year_literal:
        b.add(node, bud.fiscalYear, b.year_literal)
    if budget is not None:
        b.add(node, bud.budgetAmount, dec(budget))
    if actual is not None:
        b.add(node, bud.actualAmount, dec(actual))
    if stated_percent is not None:
        b.add(node, bud.statedRate, dec(stated_fraction(stated_percent)))
    if stated_text:
        b.add(node, bud.statedRateText, text(stated_text))
    if computed is not None:
        b.add(node, bud.computedRate, dec(computed))
        b.add(node, _RANKED_RATE[kind], dec(computed))
    b.add(node, bud.currencyUnit, text(unit_text))
    factor = UNIT_FACTOR.get(unit_text)  # in yuan too, so executions of documents in 元 and in 万元 sum
    for prop, value in ((bud.budgetAmountYuan, budget), (bud.actualAmountYuan, actual)):
        if factor is not None and value is not None:
            b.add(node, prop, dec(amount_in_yuan(value, factor)))
    b.add(node, bud.sourceLine, integer(line, positive=True))


def add_subject_execution(b: GraphBuilder, n: int, ex: SubjectExecution, dept_node: str | None) -> None:
    line = ex.line
    node = iri(f"{b.m.doc}/execution/subject/{line.number or n}")
    b.about[id(ex)] = node
    _execution(b, node, bud.SubjectExecution, line.budget, line.actual, line.stated_rate, line.stated_rate_text,
               ex.computed, line.line, line.unit)
    b.add(node, bud.order, integer(line.number or n))
    printed = "".join(f"{name}（{level}）" for name, level in
                      ((line.class_name, "类"), (line.section_name, "款"), (line.item_name, "项")) if name)
    b.add(node, bud.printedName, text(printed))
    if ex.code:
        b.add(node, bud.functionalSubject, b.subject("functional", ex.code, b.doc.year)[1])
    b.add(node, bud.resolutionNote, zh(ex.evidence))
    if line.reason:
        b.add(node, bud.reason, zh(line.reason))
    if dept_node:
        b.add(node, bud.department, dept_node)


def add_unit_evaluation(b: GraphBuilder, n: int, ex: UnitExecution, unit_node: UnitNodes) -> None:
    e = ex.evaluation
    value = f"{b.m.doc}/evaluation/{n}"
    node = iri(value)
    b.about[id(ex)] = node
    _execution(b, node, bud.UnitPerformanceEvaluation, e.budget, e.actual, e.stated_rate, e.stated_rate_text,
               ex.computed, e.line, e.currency_unit or "万元")
    b.add(node, bud.evaluatedUnit, unit_node(ex.unit))
    b.add(node, bud.printedName, text(e.unit_name.strip()))
    add_optional(b, node, ((bud.budgetOwnFunds, e.budget_own), (bud.actualOwnFunds, e.actual_own),
                           (bud.rateWeight, e.rate_weight), (bud.rateScore, e.rate_score),
                           (bud.totalScore, e.total_score)), dec)
    if e.goals:
        b.add(node, bud.goals, zh(e.goals))
    if e.achievements:
        b.add(node, bud.achievements, zh(e.achievements))
    for k, t in enumerate(e.tasks, 1):
        task = iri(f"{value}/task/{k}")
        b.add(node, bud.task, task)
        b.add(task, TYPE, bud.PerformanceTask)
        b.add(task, bud.order, integer(k))
        b.add(task, bud.taskName, zh(t.name))
        if t.completion:
            b.add(task, bud.completion, zh(t.completion))
        add_optional(b, task, ((bud.budgetAmount, t.budget), (bud.budgetOwnFunds, t.budget_own),
                               (bud.actualAmount, t.actual), (bud.actualOwnFunds, t.actual_own),
                               (bud.computedRate, rate(t.actual, t.budget))), dec)
        b.add(task, bud.sourceLine, integer(t.line, positive=True))
    for k, ind in enumerate(e.indicators, 1):
        _add_indicator(b, iri(f"{value}/indicator/{k}"), node, k, ind)


def _fraction(value: Decimal | None, unit: str | None) -> Decimal | None:
    """A value printed as a percentage, as a fraction (the convention for every rate; docs/model.md)."""
    return (value / 100).normalize() if value is not None and unit in ("%", "％", "百分比") else value


def _add_indicator(b: GraphBuilder, node: str, evaluation: str, k: int, ind: Indicator) -> None:
    b.add(evaluation, bud.indicator, node)
    b.add(node, TYPE, bud.PerformanceIndicator)
    b.add(node, bud.order, integer(k))
    add_optional(b, node, ((bud.indicatorLevel1, ind.level1), (bud.indicatorLevel2, ind.level2),
                           (bud.indicatorContent, ind.content), (bud.expectedText, ind.expected),
                           (bud.actualText, ind.actual)), zh)
    add_optional(b, node, ((bud.expectedValue, _fraction(ind.expected_value, ind.expected_unit)),
                           (bud.actualValue, _fraction(ind.actual_value, ind.actual_unit)),
                           (bud.weight, ind.weight), (bud.score, ind.score)), dec)
    add_optional(b, node, ((bud.expectedUnit, ind.expected_unit), (bud.actualUnit, ind.actual_unit),
                           (bud.expectedOperator, ind.expected_op)), text)
    verdict = judge(ind)
    if verdict.met is not None:
        b.add(node, bud.targetMet, boolean(verdict.met))
    else:
        b.add(node, bud.targetUndecidedReason, zh(verdict.reason))
    b.add(node, bud.sourceLine, integer(ind.line, positive=True))


def add_evaluation_records(b: GraphBuilder, analysis: Analysis, unit_node: UnitNodes) -> None:
    """Project counts, key evaluations and appended evaluation reports."""
    narrative, d = b.doc.narrative, b.doc_node
    for n, p in enumerate(narrative.project_counts, 1):
        node = iri(f"{b.m.doc}/project-count/{n}")
        b.add(node, TYPE, bud.ProjectCount)
        b.add(node, bud.disclosure, d)
        unit = analysis.record_units.get(id(p))
        if unit:
            b.add(node, bud.countedUnit, unit_node(unit))
        b.add(node, bud.printedName, text(p.unit_name))
        b.add(node, bud.projectCount, integer(p.count))
        b.add(node, bud.sourceLine, integer(p.line, positive=True))
    for n, k in enumerate(narrative.key_evaluations, 1):
        node = iri(f"{b.m.doc}/key-evaluation/{n}")
        b.add(node, TYPE, bud.ProjectEvaluation)
        b.add(node, bud.disclosure, d)
        b.add(node, bud.projectName, zh(k.project))
        if k.score is not None:
            b.add(node, bud.score, dec(k.score))
        b.add(node, rdfs.comment, zh(k.text))
        b.add(node, bud.sourceLine, integer(k.line, positive=True))
    for n, r in enumerate(narrative.reports, 1):
        node = iri(f"{b.m.doc}/report/{n}")
        b.add(node, TYPE, bud.EvaluationReport)
        b.add(node, TYPE, bud.ProjectEvaluation)
        b.add(node, bud.disclosure, d)
        b.add(node, dct.title, zh(r.title))
        b.add(node, bud.projectName, zh(r.project))
        if r.unit_name:
            unit = analysis.record_units.get(id(r))
            if unit:
                b.add(node, bud.evaluatedUnit, unit_node(unit))
        add_optional(b, node, ((bud.budgetAmount, r.budget), (bud.actualAmount, r.actual), (bud.score, r.score)),
                     dec)
        if r.problems:
            b.add(node, bud.problems, zh(r.problems))
        if r.suggestions:
            b.add(node, bud.suggestions, zh(r.suggestions))
        b.add(node, bud.sourceLine, integer(r.line, positive=True))

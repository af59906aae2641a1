"""The rest of a disclosure → RDF: organization, duties, budget execution, narrative figures, performance.

Called by kg/rdf.GraphBuilder after the tables; everything goes in the
disclosure's own graph except the units' identity (reference graph).
"""
from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

from cnbudget.kg.interpret.budget_execution import Analysis, rate, stated_fraction
from cnbudget.kg.interpret.units import Unit
from cnbudget.loaders.records import Figure, Indicator

_MONEY = {"元", "千元", "万元", "亿元"}


def add_narrative(b, analysis: Analysis) -> None:
    from cnbudget.kg.rdf.tables import RDF_TYPE, _bool, _dec, _int, _zh, bud, dct, org, qb, skos, prov  # noqa: F401
    doc, narrative = b.doc, b.doc.narrative
    d = b.doc_node
    year = b.year_literal
    units: dict[int, ox.NamedNode] = {}
    ranked_rate = {bud.UnitPerformanceEvaluation: bud.unitExecutionRate, bud.SubjectExecution: bud.subjectExecutionRate}

    def unit_node(u: Unit) -> ox.NamedNode:
        if id(u) in units:
            return units[id(u)]
        node = b.org(u.name) if u.is_department else ox.NamedNode(b.m.unit(u.key))
        units[id(u)] = node
        if not u.is_department:
            b.add_ref(node, RDF_TYPE, org.OrganizationalUnit if u.role == "division" else org.Organization)
            b.add_ref(node, skos.prefLabel, _zh(u.name))
        for name in u.former_names:
            b.add(node, bud.formerName, _zh(name))
        for n, alias in enumerate(u.aliases, 1):
            b.add(node, skos.altLabel, _zh(alias.name))
            r = ox.NamedNode(f"{b.m.doc}/name-resolution/{b.next_id('res')}")
            b.add(r, RDF_TYPE, bud.NameResolution)
            b.add(r, bud.disclosure, d)
            b.add(r, bud.printedName, ox.Literal(alias.name))
            b.add(r, bud.resolvedTo, node)
            b.add(r, bud.resolutionRule, ox.Literal(alias.rule))
            b.add(r, bud.evidence, _zh(alias.evidence))
            b.add(r, bud.sourceLine, _int(alias.line, positive=True))
        return node

    dept = analysis.units.department
    dept_node = unit_node(dept) if dept else None
    for u in analysis.units.units:
        node = unit_node(u)
        if u.is_department or dept_node is None:
            continue
        if "division" in u.roles:
            b.add(node, RDF_TYPE, bud.InternalDivision)
            b.add(dept_node, org.hasUnit, node)
            b.add(node, org.unitOf, dept_node)
        if "affiliated" in u.roles:
            b.add(node, RDF_TYPE, bud.AffiliatedUnit)
            b.add(dept_node, org.hasSubOrganization, node)
            b.add(node, org.subOrganizationOf, dept_node)
    if not narrative:
        return
    for m in narrative.units:
        if m.role == "budget-unit":
            b.add(d, bud.consolidates, unit_node(analysis.unit_of[id(m)]))

    for duty in narrative.duties:
        node = ox.NamedNode(f"{b.m.doc}/duty/{duty.number}")
        b.add(node, RDF_TYPE, bud.Duty)
        b.add(node, bud.disclosure, d)
        b.add(node, bud.order, _int(duty.number))
        b.add(node, bud.text, _zh(duty.text))
        b.add(node, bud.sourceLine, _int(duty.line, positive=True))
        if dept_node:
            b.add(dept_node, bud.hasDuty, node)
            b.add(node, bud.dutyOf, dept_node)

    def execution(node, kind, budget, actual, stated_percent, stated_text, computed, line, unit_text):
        b.add(node, RDF_TYPE, kind)
        b.add(node, RDF_TYPE, bud.BudgetExecution)
        b.add(node, bud.disclosure, d)
        if year:
            b.add(node, bud.fiscalYear, year)
        if budget is not None:
            b.add(node, bud.budgetAmount, _dec(budget))
        if actual is not None:
            b.add(node, bud.actualAmount, _dec(actual))
        if stated_percent is not None:
            b.add(node, bud.statedRate, _dec(stated_fraction(stated_percent)))
        if stated_text:
            b.add(node, bud.statedRateText, ox.Literal(stated_text))
        if computed is not None:
            b.add(node, bud.computedRate, _dec(computed))
            b.add(node, ranked_rate[kind], _dec(computed))
        b.add(node, bud.currencyUnit, ox.Literal(unit_text))
        b.add(node, bud.sourceLine, _int(line, positive=True))

    for n, ex in enumerate(analysis.subjects, 1):
        line = ex.line
        node = ox.NamedNode(f"{b.m.doc}/execution/subject/{line.number or n}")
        b.about[id(ex)] = node
        execution(node, bud.SubjectExecution, line.budget, line.actual, line.stated_rate, line.stated_rate_text,
                  ex.computed, line.line, line.unit)
        b.add(node, bud.order, _int(line.number or n))
        printed = "".join(f"{name}（{level}）" for name, level in
                          ((line.class_name, "类"), (line.section_name, "款"), (line.item_name, "项")) if name)
        b.add(node, bud.printedName, ox.Literal(printed))
        if ex.code:
            b.add(node, bud.functionalSubject, b.subject("functional", ex.code, b.doc.year))
        b.add(node, bud.resolutionNote, _zh(ex.evidence))
        if line.reason:
            b.add(node, bud.reason, _zh(line.reason))
        if dept_node:
            b.add(node, bud.department, dept_node)

    for n, ex in enumerate(analysis.evaluations, 1):
        e = ex.evaluation
        node = ox.NamedNode(f"{b.m.doc}/evaluation/{n}")
        b.about[id(ex)] = node
        execution(node, bud.UnitPerformanceEvaluation, e.budget, e.actual, e.stated_rate, e.stated_rate_text,
                  ex.computed, e.line, e.currency_unit or "万元")
        b.add(node, bud.evaluatedUnit, unit_node(ex.unit))
        b.add(node, bud.printedName, ox.Literal(e.unit_name.strip()))
        _optional(b, node, ((bud.budgetOwnFunds, e.budget_own), (bud.actualOwnFunds, e.actual_own),
                            (bud.rateWeight, e.rate_weight), (bud.rateScore, e.rate_score),
                            (bud.totalScore, e.total_score)), _dec)
        if e.goals:
            b.add(node, bud.goals, _zh(e.goals))
        if e.achievements:
            b.add(node, bud.achievements, _zh(e.achievements))
        for k, t in enumerate(e.tasks, 1):
            tn = ox.NamedNode(f"{node.value}/task/{k}")
            b.add(node, bud.task, tn)
            b.add(tn, RDF_TYPE, bud.PerformanceTask)
            b.add(tn, bud.order, _int(k))
            b.add(tn, bud.taskName, _zh(t.name))
            if t.completion:
                b.add(tn, bud.completion, _zh(t.completion))
            _optional(b, tn, ((bud.budgetAmount, t.budget), (bud.budgetOwnFunds, t.budget_own),
                                (bud.actualAmount, t.actual), (bud.actualOwnFunds, t.actual_own),
                                (bud.computedRate, rate(t.actual, t.budget))), _dec)
            b.add(tn, bud.sourceLine, _int(t.line, positive=True))
        for k, ind in enumerate(e.indicators, 1):
            _indicator(b, ox.NamedNode(f"{node.value}/indicator/{k}"), node, k, ind)

    for n, p in enumerate(narrative.project_counts, 1):
        node = ox.NamedNode(f"{b.m.doc}/project-count/{n}")
        b.add(node, RDF_TYPE, bud.ProjectCount)
        b.add(node, bud.disclosure, d)
        unit = analysis.record_units.get(id(p))
        if unit:
            b.add(node, bud.countedUnit, unit_node(unit))
        b.add(node, bud.printedName, ox.Literal(p.unit_name))
        b.add(node, bud.projectCount, _int(p.count))
        b.add(node, bud.sourceLine, _int(p.line, positive=True))

    for n, k in enumerate(narrative.key_evaluations, 1):
        node = ox.NamedNode(f"{b.m.doc}/key-evaluation/{n}")
        b.add(node, RDF_TYPE, bud.ProjectEvaluation)
        b.add(node, bud.disclosure, d)
        b.add(node, bud.projectName, _zh(k.project))
        if k.score is not None:
            b.add(node, bud.score, _dec(k.score))
        b.add(node, rdfs_comment(), _zh(k.text))
        b.add(node, bud.sourceLine, _int(k.line, positive=True))

    for n, r in enumerate(narrative.reports, 1):
        node = ox.NamedNode(f"{b.m.doc}/report/{n}")
        b.add(node, RDF_TYPE, bud.EvaluationReport)
        b.add(node, RDF_TYPE, bud.ProjectEvaluation)
        b.add(node, bud.disclosure, d)
        b.add(node, dct.title, _zh(r.title))
        b.add(node, bud.projectName, _zh(r.project))
        if r.unit_name:
            unit = analysis.record_units.get(id(r))
            if unit:
                b.add(node, bud.evaluatedUnit, unit_node(unit))
        _optional(b, node, ((bud.budgetAmount, r.budget), (bud.actualAmount, r.actual), (bud.score, r.score)), _dec)
        if r.problems:
            b.add(node, bud.problems, _zh(r.problems))
        if r.suggestions:
            b.add(node, bud.suggestions, _zh(r.suggestions))
        b.add(node, bud.sourceLine, _int(r.line, positive=True))

    _figures(b, narrative.figures)


def rdfs_comment():
    from cnbudget.kg.rdf.tables import rdfs
    return rdfs.comment


def _optional(b, node, pairs, literal) -> None:
    """Add (property, value) pairs whose value is there (not None, not empty)."""
    for prop, value in pairs:
        if value is not None and value != "":
            b.add(node, prop, literal(value))


def _indicator(b, node, evaluation, k: int, ind: Indicator) -> None:
    from cnbudget.kg.rdf.tables import RDF_TYPE, _bool, _dec, _int, _zh, bud
    b.add(evaluation, bud.indicator, node)
    b.add(node, RDF_TYPE, bud.PerformanceIndicator)
    b.add(node, bud.order, _int(k))
    _optional(b, node, ((bud.indicatorLevel1, ind.level1), (bud.indicatorLevel2, ind.level2),
                       (bud.indicatorContent, ind.content), (bud.expectedText, ind.expected),
                       (bud.actualText, ind.actual)), _zh)
    _optional(b, node, ((bud.expectedValue, ind.expected_value), (bud.actualValue, ind.actual_value),
                        (bud.weight, ind.weight), (bud.score, ind.score)), _dec)
    _optional(b, node, ((bud.expectedUnit, ind.expected_unit), (bud.actualUnit, ind.actual_unit),
                       (bud.expectedOperator, ind.expected_op)), ox.Literal)
    met = target_met(ind)
    if met is not None:
        b.add(node, bud.targetMet, _bool(met))
    b.add(node, bud.sourceLine, _int(ind.line, positive=True))


def target_met(ind: Indicator) -> bool | None:
    """Whether the actual value reaches the target, where both are numbers in the same unit."""
    if ind.expected_value is None or ind.actual_value is None:
        return None
    if (ind.expected_unit or "") != (ind.actual_unit or ""):
        return None
    e, a, op = ind.expected_value, ind.actual_value, ind.expected_op
    if op in ("≤", "<"):
        return a <= e if op == "≤" else a < e
    if op == ">":
        return a > e
    return a >= e  # ≥, = and a bare target: reaching it is meeting it


def _figures(b, figures: list[Figure]) -> None:
    from cnbudget.kg.rdf.tables import RDF_TYPE, _dec, _int, _zh, bud, dct, item, phase, prov, qb
    sections: dict[str, ox.NamedNode] = {}
    d = b.doc_node
    for n, f in enumerate(figures, 1):
        section = sections.get(f.section)
        if section is None:
            section = ox.NamedNode(f"{b.m.doc}/section/{len(sections) + 1}")
            sections[f.section] = section
            b.add(section, RDF_TYPE, bud.NarrativeSection)
            b.add(section, RDF_TYPE, qb.DataSet)
            b.add(section, bud.disclosure, d)
            b.add(section, dct.title, _zh(f.section or "说明"))
            b.add(section, qb.structure, bud.StandardTableStructure)
        s = ox.NamedNode(f"{section.value}/figure/{n}")
        b.register_observation(f, s)
        b.add(s, RDF_TYPE, qb.Observation)
        b.add(s, qb.dataSet, section)
        b.add(s, bud.disclosure, d)
        if b.year_literal:
            b.add(s, bud.fiscalYear, b.year_literal)
        if b.dept_node:
            b.add(s, bud.department, b.dept_node)
        b.add(s, bud.budgetPhase, phase[f.phase or ("executed" if b.doc.kind == "final" else "approved")])
        b.add(s, bud.amount, _dec(f.amount))
        if f.unit in _MONEY:
            b.add(s, bud.currencyUnit, ox.Literal(f.unit))
            factor = {"元": 1, "千元": 1000, "万元": 10000, "亿元": 100000000}[f.unit]
            b.add(s, bud.amountYuan, _dec((f.amount * factor).normalize() if factor != 1 else f.amount))
        else:
            b.add(s, bud.unitOfMeasure, ox.Literal(f.unit))
        b.add(s, bud.rowLabel, ox.Literal(f.label))
        b.add(s, bud.measureLabel, ox.Literal(f.measure))
        if f.item:
            b.add(s, bud.item, item[f.item])
        b.add(s, bud.sourceLine, _int(f.line, positive=True))
        b.add(s, prov.wasDerivedFrom, section)


__all__ = ["add_narrative", "target_met", "Decimal"]

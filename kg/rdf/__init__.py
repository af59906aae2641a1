"""Records → RDF: one named graph per disclosure, written as N-Quads lines (terms.py), with the shared
resources it brings in the reference graph. `build` puts the parts together in the order below."""
from __future__ import annotations

from pathlib import Path

from cnbudget.kg.interpret.budget_execution import Analysis
from cnbudget.kg.interpret.reconcile import Result
from cnbudget.kg.rdf.execution import add_evaluation_records, add_subject_execution, add_unit_evaluation
from cnbudget.kg.rdf.figures import add_figures
from cnbudget.kg.rdf.graph import GraphBuilder
from cnbudget.kg.rdf.identity import add_identity
from cnbudget.kg.rdf.iris import Minter
from cnbudget.kg.rdf.organization import UnitNodes, add_consolidated_units, add_duties, add_organization
from cnbudget.kg.rdf.tables import add_disclosure, add_finding, add_table, finding_iris
from cnbudget.loaders.records import Disclosure


def build(doc: Disclosure, result: Result, base: str | None = None, analysis: Analysis | None = None) -> GraphBuilder:
    """The document in RDF: the builder's `nquads()` (its own graph), `reference_nquads()` (the shared
    resources it brings), `coded` (table type, measure, row code, figure: for the year-over-year links) and
    `named` (subject, name printed for it: for the subjects' labels); `m` mints its IRIs."""
    b = GraphBuilder(doc, Minter(base, doc.department, doc.year, doc.kind, Path(doc.path).stem, doc.scope))
    add_disclosure(b, result)
    for table in doc.tables:
        add_table(b, table)
    add_identity(b, analysis.who if analysis is not None else None)
    if analysis is not None:
        _add_narrative(b, analysis)
    for value, finding in zip(finding_iris(b, result.findings), result.findings):
        add_finding(b, value, finding)
    return b


def _add_narrative(b: GraphBuilder, analysis: Analysis) -> None:
    unit_node = UnitNodes(b)
    dept_node = add_organization(b, analysis, unit_node)
    if not b.doc.narrative:
        return
    add_consolidated_units(b, analysis, unit_node)
    add_duties(b, dept_node)
    for n, ex in enumerate(analysis.subjects, 1):
        add_subject_execution(b, n, ex, dept_node)
    for n, ex in enumerate(analysis.evaluations, 1):
        add_unit_evaluation(b, n, ex, unit_node)
    add_evaluation_records(b, analysis, unit_node)
    add_figures(b, b.doc.narrative.figures, analysis.restated)


__all__ = ["GraphBuilder", "build"]

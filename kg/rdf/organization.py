"""The department, its internal divisions, affiliated and consolidated units, name resolutions and duties → RDF.

A unit's identity (type, name) goes to the shared reference graph; what this disclosure says of it (its
place in the department, the spellings it uses, how they were resolved) to the disclosure's own graph.
A unit is minted within its department (iris.py Minter.unit: the department's IRI and the unit's canonical
name), so the reference triples of a unit depend on its IRI alone.
"""
from __future__ import annotations

from cnbudget.kg.interpret.budget_execution import Analysis
from cnbudget.kg.interpret.units import Unit
from cnbudget.kg.rdf.graph import GraphBuilder
from cnbudget.kg.rdf.terms import TYPE, bud, integer, iri, org, plain, skos, text, zh


class UnitNodes:
    """The IRI of each resolved unit, its identity and this document's names for it written once."""

    def __init__(self, b: GraphBuilder):
        self.b = b
        self._nodes: dict[int, str] = {}
        self._resolutions: set[str] = set()

    def __call__(self, u: Unit) -> str:
        node = self._nodes.get(id(u))
        if node is not None:
            return node
        b = self.b
        node = b.org(u.name) if u.is_department else iri(b.m.unit(u.key, division=u.division))
        self._nodes[id(u)] = node
        if not u.is_department:
            b.add_ref(node, TYPE, org.OrganizationalUnit if u.division else org.Organization)
            b.add_ref(node, skos.prefLabel, zh(u.name))
        for name in u.former_names:
            b.add(node, bud.formerName, zh(name))
        for alias in u.aliases:
            b.add(node, skos.altLabel, zh(alias.name))
            r = iri(b.m.name_resolution(alias.name, u.name))
            if r in self._resolutions:  # one printed name resolved to two units of one name (a division, a unit)
                r = iri(b.m.name_resolution(alias.name, node))
            self._resolutions.add(r)
            b.add(r, TYPE, bud.NameResolution)
            b.add(r, bud.disclosure, b.doc_node)
            b.add(r, bud.printedName, text(alias.name))
            b.add(r, bud.resolvedTo, node)
            b.add(r, bud.resolutionRule, plain(alias.rule))
            b.add(r, bud.evidence, zh(alias.evidence))
            b.add(r, bud.sourceLine, integer(alias.line, positive=True))
            if alias.renaming:
                b.add(r, bud.renaming, iri(alias.renaming))
        return node


def add_organization(b: GraphBuilder, analysis: Analysis, unit_node: UnitNodes) -> str | None:
    """The department and its units; the department's IRI (None when the document names none)."""
    dept = analysis.units.department
    dept_node = unit_node(dept) if dept else None
    for u in analysis.units.units:
        node = unit_node(u)
        if u.is_department or dept_node is None:
            continue
        if "division" in u.roles:
            b.add(node, TYPE, bud.InternalDivision)
            b.add(dept_node, org.hasUnit, node)
            b.add(node, org.unitOf, dept_node)
        if "affiliated" in u.roles:
            b.add(node, TYPE, bud.AffiliatedUnit)
            b.add(dept_node, org.hasSubOrganization, node)
            b.add(node, org.subOrganizationOf, dept_node)
    return dept_node


def add_consolidated_units(b: GraphBuilder, analysis: Analysis, unit_node: UnitNodes) -> None:
    for m in b.doc.narrative.units:
        if m.role == "budget-unit":
            b.add(b.doc_node, bud.consolidates, unit_node(analysis.unit_of[id(m)]))


def add_duties(b: GraphBuilder, dept_node: str | None) -> None:
    for duty in b.doc.narrative.duties:
        node = iri(f"{b.m.doc}/duty/{duty.number}")
        b.add(node, TYPE, bud.Duty)
        b.add(node, bud.disclosure, b.doc_node)
        b.add(node, bud.order, integer(duty.number))
        b.add(node, bud.text, zh(duty.text))
        b.add(node, bud.sourceLine, integer(duty.line, positive=True))
        if dept_node:
            b.add(dept_node, bud.hasDuty, node)
            b.add(node, bud.dutyOf, dept_node)

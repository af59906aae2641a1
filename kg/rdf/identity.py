"""Who, when, what → RDF: the disclosure's kinds (预算 or 决算, and what it covers), its body's region, each
reading of the document's head with the line that said it (bud:IdentityReading), and an unknown body marked so.

The readings are named by what they are about (`…/reading/body`, `…/reading/scope-三公` slugged), so a reload
gives the same IRIs.
"""
from __future__ import annotations

from cnbudget.kg.interpret.identity import Who
from cnbudget.kg.rdf.graph import GraphBuilder
from cnbudget.kg.rdf.iris import slug
from cnbudget.kg.rdf.terms import TYPE, bud, integer, iri, plain, text, zh
from cnbudget.loaders.records import Reading

_KIND = {"final": bud.kindFinalAccounts, "budget": bud.kindBudget}
_KIND_WORD = {"final": "决算", "budget": "预算"}
_SCOPE = {"部门": bud.kindDepartmentDisclosure, "三公": bud.kindThreePublicExpenses,
          "绩效自评": bud.kindPerformanceSelfEvaluation, "报告": bud.kindFiscalReport}
_SCOPE_SLUG = {"部门": "department", "三公": "three-public", "绩效自评": "self-evaluation", "报告": "report"}


def _reading(b: GraphBuilder, name: str, aspect: str, value: str, r: Reading | None, rule: str | None = None,
             evidence: str | None = None) -> None:
    node = iri(f"{b.m.doc}/reading/{slug(name)}")
    b.add(node, TYPE, bud.IdentityReading)
    b.add(node, bud.disclosure, b.doc_node)
    b.add(node, bud.aspect, plain(aspect))
    b.add(node, bud.readValue, text(value))
    b.add(node, bud.readingRule, text(rule or (r.rule if r else "")))
    if evidence or r:
        b.add(node, bud.evidence, text(evidence or r.evidence))
    if r:
        b.add(node, bud.sourceLine, integer(r.line, positive=True))


def add_identity(b: GraphBuilder, who: Who | None) -> None:
    doc, d = b.doc, b.doc_node
    b.add(d, bud.disclosureKind, _KIND[doc.kind])
    identity = doc.identity
    scopes = identity.scopes if identity else []
    for s in scopes:
        b.add(d, bud.disclosureKind, _SCOPE[s.value])
        _reading(b, f"scope-{_SCOPE_SLUG[s.value]}", "scope", s.value, s)
    if identity and identity.year and doc.year and int(identity.year.value) == doc.year:
        _reading(b, "year", "year", identity.year.value, identity.year)
    if identity and identity.kind and _KIND_WORD[doc.kind] == identity.kind.value:  # else the tables decided
        _reading(b, "kind", "kind", identity.kind.value, identity.kind)
    if who is None:
        return
    if who.region:
        b.add(d, bud.region, zh(who.region))
        _reading(b, "region", "region", who.region, who.printed if who.told_by != "tables" else None,
                 "national-division-list", f"{who.name}: {who.reason}")
    if who.name:
        if who.printed and who.printed.value == who.name:
            _reading(b, "body", "body", who.name, who.printed)
        elif who.told_by == "tables":
            _reading(b, "body", "body", who.name, None, "tables", who.reason)
        return
    node = b.dept_node  # the document's own unknown body (graph.py unknown_body)
    b.add(node, TYPE, bud.UnknownBody)
    b.add(node, bud.unknownReason, text(who.reason))
    if who.printed:
        b.add(node, bud.printedName, zh(who.printed.value))
        _reading(b, "body", "body", who.printed.value, who.printed)

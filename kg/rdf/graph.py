"""A disclosure's named graph as it is built: N-Quads lines, the shared resources it brings, and the IRIs
given to its records (so findings and year links can point at them).

The modules beside this one add the parts: tables.py the disclosure and its tables' figures and findings,
organization.py its department and units, execution.py budget execution and self-evaluations, figures.py
the narrative's figures.
"""
from __future__ import annotations

from cnbudget.kg.rdf.iris import Minter, shared_graph
from cnbudget.kg.rdf.terms import TYPE, bud, fn, iri, integer, org, plain, rdfs, skos, year, zh
from cnbudget.loaders.records import Disclosure

_SCHEME_NAME = {"functional": "支出功能分类", "economic": "支出经济分类"}
_CLASSIFICATION = {"functional": "FunctionalClassification", "economic": "EconomicClassification"}
_SUBJECT_CLASS = {"functional": "FunctionalSubject", "economic": "EconomicSubject"}


class GraphBuilder:
    """The quads of one disclosure: `lines` in its own graph, `reference_lines` in the shared reference graph
    (resources whose triples depend on their IRI alone, so every document that brings one adds the same)."""

    def __init__(self, doc: Disclosure, minter: Minter):
        self.doc, self.m = doc, minter
        self.lines: list[str] = []
        self.reference_lines: list[str] = []
        self._graph = iri(minter.graph)
        self._reference = iri(shared_graph(minter.base, "reference"))
        self._described: set[str] = set()  # shared resources already written
        self.doc_node = iri(minter.doc)
        self.year_literal = year(doc.year) if doc.year else None
        self.dept_node: str | None = None
        self.observation_iris: dict[int, str] = {}  # id(record) → its observation, for findings
        self.table_iris: dict[int, str] = {}  # id(table) → its IRI
        self.about: dict[int, str] = {}  # id(narrative record) → its IRI, for findings
        self.coded: list[tuple[str, str, str, str]] = []  # (table type, measure, code, figure IRI)
        self.named: set[tuple[str, str]] = set()  # (subject IRI, name a coded row prints for it)

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} {self._graph} .\n")

    def add_all(self, s: str, pairs: list[tuple[str, str]]) -> None:
        graph = self._graph
        self.lines.extend([f"{s} {p} {o} {graph} .\n" for p, o in pairs])

    def add_ref(self, s: str, p: str, o: str) -> None:
        self.reference_lines.append(f"{s} {p} {o} {self._reference} .\n")

    def nquads(self) -> bytes:
        return "".join(self.lines).encode("utf-8")

    def reference_nquads(self) -> bytes:
        return "".join(self.reference_lines).encode("utf-8")

    def org(self, name: str) -> str:
        """A department, named by its printed name."""
        node = iri(self.m.org(name))
        if node not in self._described:
            self._described.add(node)
            self.add_ref(node, TYPE, org.Organization)
            self.add_ref(node, TYPE, bud.Department)
            self.add_ref(node, skos.prefLabel, zh(name))
        return node

    def unknown_body(self) -> str:
        """The body of a document that names none: its own, never merged with another document's."""
        node = iri(f"{self.m.doc}/unknown-body")
        if node not in self._described:
            self._described.add(node)
            self.add(node, TYPE, org.Organization)
            self.add(node, rdfs.label, zh("（未能识别的单位）"))  # no skos:prefLabel: not a name
        return node

    def subject(self, kind: str, code: str, fiscal_year: int | None) -> tuple[str, str]:
        """A subject of the year's code list: (its IRI, as N-Triples). Its names are derived from the rows that
        print it (GraphStore.refresh_derived), so documents that spell a name differently do not clash."""
        value = self.m.subject(kind, fiscal_year, code)
        node = iri(value)
        if node in self._described:
            return value, node
        self._described.add(node)
        scheme = iri(self.m.scheme(kind, fiscal_year))
        if scheme not in self._described:
            self._described.add(scheme)
            self.add_ref(scheme, TYPE, skos.ConceptScheme)
            self.add_ref(scheme, TYPE, bud.SubjectCodeList)
            if fiscal_year:
                self.add_ref(scheme, bud.fiscalYear, year(fiscal_year))
            self.add_ref(scheme, bud.classificationKind, bud[_CLASSIFICATION[kind]])
            self.add_ref(scheme, skos.prefLabel, zh(f"{fiscal_year or ''}年政府收支分类科目（{_SCHEME_NAME[kind]}）"))
        self.add_ref(node, TYPE, skos.Concept)
        self.add_ref(node, TYPE, bud[_SUBJECT_CLASS[kind]])
        self.add_ref(node, skos.notation, plain(code))
        self.add_ref(node, skos.inScheme, scheme)
        self.add_ref(node, skos.inScheme, bud[_CLASSIFICATION[kind]])
        if kind == "functional" and len(code) == 3:  # a 类: the class list names it (codelists/functional-classes.ttl)
            self.add_ref(node, skos.exactMatch, fn[f"c{code}"])
        level = {3: 1, 5: 2, 7: 3}.get(len(code), 1 + max(0, (len(code) - 3) // 2))
        self.add_ref(node, bud.subjectLevel, integer(level))
        parent = code[:-2] if len(code) > 3 else None
        if parent:
            self.add_ref(node, skos.broader, self.subject(kind, parent, fiscal_year)[1])
        return value, node

"""Records → RDF quads, all in the disclosure's own named graph.

Terms are defined in ontology/cnbudget.ttl; the shapes a graph must satisfy are
in ontology/shapes.ttl. One RDF Data Cube observation per table cell, with the
source line of the cell (PROV-style provenance on every figure).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from cnbudget.kg.rdf.iris import CHK, ITEM, PHASE, PREFIXES, TBL, Minter, shared_graph
from cnbudget.kg.interpret.reconcile import Result, leaf_rows
from cnbudget.loaders.records import Disclosure, Observation, Table

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_XSD = PREFIXES["xsd"]
_DEC = ox.NamedNode(_XSD + "decimal")
_INT = ox.NamedNode(_XSD + "integer")
_POS = ox.NamedNode(_XSD + "positiveInteger")
_BOOL = ox.NamedNode(_XSD + "boolean")
_YEAR = ox.NamedNode(_XSD + "gYear")
_SHARE = Decimal("0.0001")
_UNIT_FACTOR = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
_KIND_CLASS = {"final": "FinalAccountsDisclosure", "budget": "BudgetDisclosure"}
_SCHEME_NAME = {"functional": "支出功能分类", "economic": "支出经济分类"}
_CLASSIFICATION = {"functional": "FunctionalClassification", "economic": "EconomicClassification"}
_SUBJECT_CLASS = {"functional": "FunctionalSubject", "economic": "EconomicSubject"}


class _Terms:
    """Cached NamedNodes: `T.bud.amount`, `T.qb.Observation` …"""

    def __init__(self, ns: str):
        self._ns, self._cache = ns, {}

    def __getattr__(self, name: str) -> ox.NamedNode:
        node = self._cache.get(name)
        if node is None:
            node = self._cache[name] = ox.NamedNode(self._ns + name)
        return node

    def __getitem__(self, name: str) -> ox.NamedNode:
        return self.__getattr__(name)


class _Strs(_Terms):
    """The same terms as N-Triples text (`<iri>`), for the hot path that writes lines directly."""

    def __getattr__(self, name: str) -> str:
        text = self._cache.get(name)
        if text is None:
            text = self._cache[name] = f"<{self._ns}{name}>"
        return text


bud, qb, skos, dct, dcat, prov, org, rdfs, spdx = (
    _Terms(PREFIXES[p]) for p in ("bud", "qb", "skos", "dct", "dcat", "prov", "org", "rdfs", "spdx"))
item, tbl, phase, chk = _Terms(ITEM), _Terms(TBL), _Terms(PHASE), _Terms(CHK)


B, QB, PROV, ITEM_S, PHASE_S = (_Strs(ns) for ns in (PREFIXES["bud"], PREFIXES["qb"], PREFIXES["prov"], ITEM, PHASE))
_TYPE_S, _DEC_S, _INT_S, _POS_S = (f"<{t}>" for t in (PREFIXES["rdf"] + "type", _XSD + "decimal", _XSD + "integer",
                                                       _XSD + "positiveInteger"))
_TRUE_S, _FALSE_S = (f'"{v}"^^<{_XSD}boolean>' for v in ("true", "false"))


def _dec_s(value: Decimal) -> str:
    return f'"{format(value, "f")}"^^{_DEC_S}'


def _dec(value: Decimal) -> ox.Literal:
    text = format(value, "f")
    return ox.Literal(text, datatype=_DEC)


def _int(value: int, positive: bool = False) -> ox.Literal:
    return ox.Literal(str(value), datatype=_POS if positive else _INT)


def _bool(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=_BOOL)


def _zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


class GraphBuilder:
    def __init__(self, doc: Disclosure, minter: Minter):
        self.doc, self.m = doc, minter
        self.g = ox.NamedNode(minter.graph)
        self.ref = ox.NamedNode(shared_graph(minter.base, "reference"))
        # N-Quads lines, not pyoxigraph Quads: a third of the cost, and what crosses to the writing process
        self.lines: list[str] = []
        self.reference_lines: list[str] = []
        self._g, self._ref = str(self.g), str(self.ref)
        self._subjects: set[str] = set()
        self._leaves: set[int] = set()
        self._obs_iris: dict[int, ox.NamedNode] = {}
        self._table_iris: dict[int, ox.NamedNode] = {}
        self.about: dict[int, ox.NamedNode] = {}  # id(narrative record) → its IRI, for findings
        self.coded: list[tuple[str, str, str, str]] = []  # (table type, measure, code, figure IRI)
        self.named: set[tuple[str, str]] = set()  # (subject IRI, name a coded row prints for it)
        self._counters: dict[str, int] = {}
        self.year_literal = ox.Literal(str(doc.year), datatype=_YEAR) if doc.year else None
        self.dept_node = None

    def register_observation(self, record, node: ox.NamedNode) -> None:
        """Narrative figures are observations too: findings may point at them."""
        self._obs_iris[id(record)] = node

    def next_id(self, kind: str) -> int:
        self._counters[kind] = self._counters.get(kind, 0) + 1
        return self._counters[kind]

    def add(self, s, p, o) -> None:
        self.lines.append(f"{s} {p} {o} {self._g} .\n")

    def add_ref(self, s, p, o) -> None:
        """Shared resources: their triples depend on their IRI alone, so every document adds the same."""
        self.reference_lines.append(f"{s} {p} {o} {self._ref} .\n")

    def build(self, result: Result, analysis=None) -> None:
        doc, m = self.doc, self.m
        d = ox.NamedNode(m.doc)
        self.doc_node = d
        self._doc_s = str(d)
        self.add(d, RDF_TYPE, bud[_KIND_CLASS[doc.kind]])
        self.add(d, RDF_TYPE, bud.Disclosure)
        self.add(d, RDF_TYPE, dcat.Dataset)
        self.add(d, dct.title, _zh(doc.title))
        self.add(d, dct.identifier, ox.Literal(m.doc_id))
        if doc.year:
            self.add(d, bud.fiscalYear, ox.Literal(str(doc.year), datatype=_YEAR))
        self.add(d, bud.consolidated, ox.Literal("true" if doc.consolidated else "false", datatype=_BOOL))
        if doc.department:
            o = self.dept_node = self.org(doc.department)
            self.add(d, bud.department, o)
            self.add(d, dct.publisher, o)
        if doc.rounding_note:
            self.add(d, bud.roundingNote, _zh(doc.rounding_note))
        self.add(d, bud.checkCount, _int(result.checks))
        dist = ox.NamedNode(m.doc + "/source")
        self.add(d, dcat.distribution, dist)
        self.add(dist, RDF_TYPE, dcat.Distribution)
        self.add(dist, dct.title, ox.Literal(Path(doc.path).name))
        self.add(dist, dcat.mediaType, ox.NamedNode("https://www.iana.org/assignments/media-types/" + doc.media_type))
        ck = ox.NamedNode(m.doc + "/source/sha256")
        self.add(dist, spdx.checksum, ck)
        self.add(ck, RDF_TYPE, spdx.Checksum)
        self.add(ck, spdx.algorithm, spdx.checksumAlgorithm_sha256)
        self.add(ck, spdx.checksumValue, ox.Literal(doc.sha256))
        for table in doc.tables:
            self.table(table)
        if analysis is not None:
            from cnbudget.kg.rdf.narrative import add_narrative
            add_narrative(self, analysis)
        for n, f in enumerate(result.findings, 1):
            self.finding(n, f)

    def nquads(self) -> bytes:
        return "".join(self.lines).encode("utf-8")

    def reference_nquads(self) -> bytes:
        return "".join(self.reference_lines).encode("utf-8")

    def org(self, name: str) -> ox.NamedNode:
        node = ox.NamedNode(self.m.org(name))
        if node.value not in self._subjects:
            self._subjects.add(node.value)
            self.add_ref(node, RDF_TYPE, org.Organization)
            self.add_ref(node, RDF_TYPE, bud.Department)
            self.add_ref(node, skos.prefLabel, _zh(name))
        return node

    def subject(self, kind: str, code: str, year: int | None) -> ox.NamedNode:
        """A subject of the year's code list. Its names are derived from the rows that print it
        (Store.refresh_derived), so documents that spell a name differently do not clash."""
        iri = self.m.subject(kind, year, code)
        node = ox.NamedNode(iri)
        if iri not in self._subjects:
            self._subjects.add(iri)
            scheme = ox.NamedNode(self.m.scheme(kind, year))
            if scheme.value not in self._subjects:
                self._subjects.add(scheme.value)
                self.add_ref(scheme, RDF_TYPE, skos.ConceptScheme)
                self.add_ref(scheme, RDF_TYPE, bud.SubjectCodeList)
                if year:
                    self.add_ref(scheme, bud.fiscalYear, ox.Literal(str(year), datatype=_YEAR))
                self.add_ref(scheme, bud.classificationKind, bud[_CLASSIFICATION[kind]])
                self.add_ref(scheme, skos.prefLabel, _zh(f"{year or ''}年政府收支分类科目（{_SCHEME_NAME[kind]}）"))
            self.add_ref(node, RDF_TYPE, skos.Concept)
            self.add_ref(node, RDF_TYPE, bud[_SUBJECT_CLASS[kind]])
            self.add_ref(node, skos.notation, ox.Literal(code))
            self.add_ref(node, skos.inScheme, scheme)
            level = {3: 1, 5: 2, 7: 3}.get(len(code), 1 + max(0, (len(code) - 3) // 2))
            self.add_ref(node, bud.subjectLevel, _int(level))
            parent = code[:-2] if len(code) > 3 else None
            if parent:
                self.add_ref(node, skos.broader, self.subject(kind, parent, year))
        return node

    def table(self, t: Table) -> None:
        tnode = ox.NamedNode(self.m.table(t.code))
        self._table_iris[id(t)] = tnode
        self.add(tnode, RDF_TYPE, bud.DisclosureTable)
        self.add(tnode, RDF_TYPE, qb.DataSet)
        self.add(tnode, bud.disclosure, self.doc_node)
        self.add(tnode, dct.isPartOf, self.doc_node)
        self.add(tnode, qb.structure, bud.StandardTableStructure)
        self.add(tnode, bud.tableNumber, ox.Literal(t.number))
        self.add(tnode, dct.title, _zh(t.title))
        if t.type_key:
            self.add(tnode, bud.tableType, tbl[t.type_key])
        self.add(tnode, bud.currencyUnit, ox.Literal(t.unit))
        year = ox.Literal(str(t.year), datatype=_YEAR) if t.year else None
        if year:
            self.add(tnode, bud.fiscalYear, year)
        dept = self.org(t.department) if t.department else None
        if dept:
            self.add(tnode, bud.department, dept)
        self.add(tnode, bud.sourceLine, _int(t.line, positive=True))
        self.add(tnode, bud.observationCount, _int(len(t.observations)))
        self.add(tnode, bud.isEmpty, ox.Literal("true" if t.is_empty else "false", datatype=_BOOL))
        if t.empty_reason:
            self.add(tnode, bud.emptyReason, _zh(t.empty_reason))
        leaves = leaf_rows(t)
        self._leaves |= {id(o) for o in leaves}
        unit = ox.Literal(t.unit)
        factor = _UNIT_FACTOR.get(t.unit, Decimal(1))
        seen: set[str] = set()
        for o in t.observations:
            self.observation(t, tnode, o, year, dept, unit, factor, seen)
        self.totals(t, leaves)

    def totals(self, t: Table, leaves: list[Observation]) -> None:
        """Figures queries need often, computed once per load: the table's 合计 figures, linked from the table;
        on each the sum of its column's leaf rows (leaf-subject-sum); on each 类 figure its share of that 合计
        (expenditure-structure)."""
        for total in t.observations:
            if total.row_item != "Total" or total.row_code:
                continue
            position = total.column.position
            column = [o.amount for o in leaves if o.column.position == position]
            tnode = self._obs_iris[id(total)]
            self.add(self._table_iris[id(t)], bud.tableTotal, tnode)
            if column:
                self.add(tnode, bud.leafSum, _dec(sum(column)))
                self.add(tnode, bud.leafCount, _int(len(column)))
            if total.amount:
                for o in t.observations:
                    if o.column.position == position and o.subject_kind == "functional" \
                            and len(o.row_code or o.row_class or "") == 3:
                        s = self._obs_iris[id(o)]
                        self.add(s, bud.shareOfTotal, _dec((o.amount / total.amount).quantize(_SHARE)))
                        self.add(s, bud.totalFigure, tnode)

    def observation(self, t: Table, tnode, o: Observation, year, dept, unit, factor, seen: set[str]) -> None:
        """One figure: about 20 triples, written straight as N-Quads lines (the hottest path of a load)."""
        c = o.column
        row_key = o.row_code or (f"L{o.line_number}" if o.line_number else f"r{o.row_index}")
        col_key = f"c{c.number}" if c.number else f"p{c.position + 1}"
        iri = self.m.observation(t.code, row_key, col_key)
        if iri in seen:  # same code printed twice in one column: keep both, told apart by row
            iri = self.m.observation(t.code, f"{row_key}-r{o.row_index}", col_key)
        seen.add(iri)
        self._obs_iris[id(o)] = ox.NamedNode(iri)
        po = [(_TYPE_S, QB.Observation), (QB.dataSet, str(tnode)), (B.disclosure, self._doc_s)]
        if dept:
            po.append((B.department, str(dept)))
        if year:
            po.append((B.fiscalYear, str(year)))
        po += [(B.budgetPhase, PHASE_S[c.phase or "executed"]), (B.amount, _dec_s(o.amount)),
               (B.amountYuan, _dec_s((o.amount * factor).normalize() if factor != 1 else o.amount)),
               (B.currencyUnit, str(unit)), (B.rowLabel, str(ox.Literal(o.row_label)))]
        if o.row_code:
            po.append((B.rowCode, str(ox.Literal(o.row_code))))
        if o.line_number is not None:
            po.append((B.lineNumber, f'"{o.line_number}"^^{_INT_S}'))
        if o.row_item:
            po.append((B.item, ITEM_S[o.row_item]))
        kind = o.subject_kind
        if kind:
            concept = self.subject(kind, o.row_code or o.row_class, t.year)
            po.append((B.functionalSubject if kind == "functional" else B.economicSubject, str(concept)))
            if o.row_code and o.row_label:
                self.named.add((concept.value, o.row_label))
        if o.row_code and c.item and t.type_key:
            self.coded.append((t.type_key, c.item, o.row_code, iri))
        if o.row_code:
            po.append((B.isLeafRow, _TRUE_S if id(o) in self._leaves else _FALSE_S))
        po.append((B.measureLabel, str(ox.Literal(c.label))))
        if c.group:
            po.append((B.measureGroup, str(ox.Literal(" / ".join(c.group)))))
        if c.item:
            po.append((B.measure, ITEM_S[c.item]))
        if c.number is not None:
            po.append((B.columnNumber, f'"{c.number}"^^{_INT_S}'))
        if c.side_label:
            po.append((B.tableSide, str(ox.Literal(c.side_label))))
        po += [(B.sourceLine, f'"{o.line}"^^{_POS_S}'), (PROV.wasDerivedFrom, str(tnode))]
        subject, graph = f"<{iri}>", self._g
        self.lines.extend([f"{subject} {p} {v} {graph} .\n" for p, v in po])

    def finding(self, n: int, f) -> None:
        s = ox.NamedNode(self.m.finding(n))
        self.add(s, RDF_TYPE, bud.ReconciliationFinding)
        self.add(s, bud.disclosure, self.doc_node)
        self.add(s, bud.rule, chk[f.rule])
        if f.table is not None:
            self.add(s, bud.findingTable, self._table_iris[id(f.table)])
        if f.about is not None and id(f.about) in self.about:
            self.add(s, bud.findingSubject, self.about[id(f.about)])
        if f.other_table is not None:
            self.add(s, bud.otherTable, self._table_iris[id(f.other_table)])
        self.add(s, bud.statedAmount, _dec(f.stated))
        self.add(s, bud.computedAmount, _dec(f.computed))
        self.add(s, bud.difference, _dec(f.difference))
        self.add(s, bud.tolerance, _dec(f.tolerance))
        self.add(s, bud.tolerated, ox.Literal("true" if f.tolerated else "false", datatype=_BOOL))
        if f.total is not None:
            self.add(s, bud.totalObservation, self._obs_iris[id(f.total)])
        for p in f.parts:
            self.add(s, bud.partObservation, self._obs_iris[id(p)])
        self.add(s, rdfs.comment, _zh(f.message))


def build(doc: Disclosure, result: Result, base: str | None = None, analysis=None) -> GraphBuilder:
    """The document in RDF: the builder's `nquads()` (its own graph), `reference_nquads()` (the shared
    resources it brings), `coded` (table type, measure, row code, figure: for the year-over-year links) and `named`
    (subject, name printed for it: for the subjects' labels); `m` mints its IRIs."""
    builder = GraphBuilder(doc, Minter(base, doc.department, doc.year, doc.kind, Path(doc.path).stem))
    builder.build(result, analysis)
    return builder

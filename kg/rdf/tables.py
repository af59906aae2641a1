"""The disclosure, its standard tables and their figures, and the reconciliation findings → RDF.

Terms are defined in ontology/cnbudget.ttl; the shapes a graph must satisfy are in ontology/shapes.ttl.
One RDF Data Cube observation per table cell, with the source line of the cell (PROV-style provenance on
every figure).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from cnbudget.kg.interpret.reconcile import Finding, Result, leaf_rows
from cnbudget.kg.rdf.graph import GraphBuilder
from cnbudget.kg.rdf.iris import slug
from cnbudget.kg.rdf.structures import structure_for
from cnbudget.kg.rdf.terms import (CNY, FALSE, TRUE, TYPE, boolean, bud, chk, dcat, dct, dec, integer, iri, item, mult,
                                   phase, plain, prov, qb, rdfs, side, skos, spdx, tbl, text, year, zh)
from cnbudget.loaders.records import Column, Observation, Table

_SHARE = Decimal("0.0001")
UNIT_FACTOR = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
MULTIPLIER = {"元": mult.yuan, "千元": mult.thousandYuan, "万元": mult.tenThousandYuan, "亿元": mult.hundredMillionYuan}
_SIDES = (("收入", side.income), ("支出", side.expenditure), ("人员", side.personnel), ("公用", side.public))
_KIND_CLASS = {"final": "FinalAccountsDisclosure", "budget": "BudgetDisclosure"}


def amount_in_yuan(amount: Decimal, factor: Decimal) -> Decimal:
    return (amount * factor).normalize() if factor != 1 else amount


def add_disclosure(b: GraphBuilder, result: Result) -> None:
    """The disclosure (a dcat:Dataset) and its source file."""
    doc, m, d = b.doc, b.m, b.doc_node
    b.add(d, TYPE, bud[_KIND_CLASS[doc.kind]])
    b.add(d, TYPE, bud.Disclosure)
    b.add(d, TYPE, dcat.Dataset)
    b.add(d, dct.title, zh(doc.title))
    b.add(d, dct.identifier, plain(m.doc_id))
    if doc.year:
        b.add(d, bud.fiscalYear, year(doc.year))
    b.add(d, bud.consolidated, boolean(doc.consolidated))
    b.dept_node = b.org(doc.department) if doc.department else b.unknown_body()
    b.add(d, bud.department, b.dept_node)
    b.add(d, dct.publisher, b.dept_node)
    if doc.rounding_note:
        b.add(d, bud.roundingNote, zh(doc.rounding_note))
    b.add(d, bud.checkCount, integer(result.checks))
    dist = iri(m.doc + "/source")
    b.add(d, dcat.distribution, dist)
    b.add(dist, TYPE, dcat.Distribution)
    b.add(dist, dct.title, plain(Path(doc.path).name))
    b.add(dist, dcat.mediaType, iri("https://www.iana.org/assignments/media-types/" + doc.media_type))
    checksum = iri(m.doc + "/source/sha256")
    b.add(dist, spdx.checksum, checksum)
    b.add(checksum, TYPE, spdx.Checksum)
    b.add(checksum, spdx.algorithm, spdx.checksumAlgorithm_sha256)
    b.add(checksum, spdx.checksumValue, plain(doc.sha256))


def add_table(b: GraphBuilder, t: Table) -> None:
    node = iri(b.m.table(t.code))
    b.table_iris[id(t)] = node
    b.add(node, TYPE, bud.DisclosureTable)
    b.add(node, TYPE, qb.DataSet)
    b.add(node, bud.disclosure, b.doc_node)
    b.add(node, dct.isPartOf, b.doc_node)
    two_sided = len({c.side for c in t.columns}) > 1
    b.add(node, qb.structure, iri(structure_for(t.type_key, two_sided)))
    b.add(node, bud.tableNumber, text(t.number))
    b.add(node, dct.title, zh(t.title))
    if t.type_key:
        b.add(node, bud.tableType, tbl[t.type_key])
    b.add(node, bud.currencyUnit, text(t.unit))
    if t.unit in MULTIPLIER:  # attached to the data set: the same for every figure of the table
        b.add(node, bud.currency, CNY)
        b.add(node, bud.unitMultiplier, MULTIPLIER[t.unit])
    fiscal_year = year(t.year) if t.year else None
    if fiscal_year:
        b.add(node, bud.fiscalYear, fiscal_year)
    dept = b.org(t.department) if t.department else b.dept_node
    b.add(node, bud.department, dept)
    b.add(node, bud.sourceLine, integer(t.line, positive=True))
    b.add(node, bud.observationCount, integer(len(t.observations)))
    b.add(node, bud.isEmpty, boolean(t.is_empty))
    if t.empty_reason:
        b.add(node, bud.emptyReason, zh(t.empty_reason))
    leaves = leaf_rows(t)
    leaf_ids = {id(o) for o in leaves}
    shared = _TableFacts(node, fiscal_year, dept, text(t.unit), UNIT_FACTOR.get(t.unit), leaf_ids,
                         two_sided)
    seen: set[str] = set()
    rows: dict[str, str] = {}
    columns = {id(c): _add_column(b, node, c) for c in t.columns}
    for o in t.observations:
        _add_observation(b, t, o, shared, seen, rows, columns)
    _add_totals(b, t, leaves)


class _TableFacts:
    """What every figure of a table repeats."""
    __slots__ = ("node", "year", "dept", "unit", "factor", "leaves", "two_sided")

    def __init__(self, node, fiscal_year, dept, unit, factor, leaves, two_sided):
        self.node, self.year, self.dept, self.unit, self.factor, self.leaves, self.two_sided = (
            node, fiscal_year, dept, unit, factor, leaves, two_sided)


def _side(c: Column) -> str:
    return next((concept for word, concept in _SIDES if word in c.side_label),
                side.first if c.side == 0 else side.second)


def _column_key(c: Column) -> str:
    return f"c{c.number}" if c.number else f"p{c.position + 1}"


def _add_column(b: GraphBuilder, table: str, c: Column) -> str:
    """The column as a concept of the table (the bud:tableColumn dimension's value)."""
    node = iri(f"{table[1:-1]}/column/{_column_key(c)}")
    b.add(node, TYPE, skos.Concept)
    b.add(node, skos.inScheme, bud.TableColumns)
    printed = " / ".join([*c.group, c.label]).strip(" /")
    if printed:
        b.add(node, skos.prefLabel, zh(printed))
    if c.number is not None:
        b.add(node, skos.notation, plain(str(c.number)))
    return node


def _row_key(o: Observation, f: _TableFacts, seen: set[str], t: Table, b: GraphBuilder) -> tuple[str, str]:
    """(the observation's IRI, its row's key within the table)"""
    row_key = o.row_code or (f"L{o.line_number}" if o.line_number else f"r{o.row_index}")
    col_key = _column_key(o.column)
    value = b.m.observation(t.code, row_key, col_key)
    if value in seen:  # same code printed twice in one column: keep both, told apart by row
        row_key = f"{row_key}-r{o.row_index}"
        value = b.m.observation(t.code, row_key, col_key)
    seen.add(value)
    return value, (f"s{o.column.side}-{row_key}" if f.two_sided else row_key)


def _add_row(b: GraphBuilder, f: _TableFacts, o: Observation, key: str, rows: dict[str, str]) -> str:
    """The row as a concept of the table (the bud:tableRow dimension's value), written once."""
    node = rows.get(key)
    if node is None:
        node = rows[key] = iri(f"{f.node[1:-1]}/row/{slug(key)}")
        b.add(node, TYPE, skos.Concept)
        b.add(node, skos.inScheme, bud.TableRows)
        if o.row_label:
            b.add(node, skos.prefLabel, zh(o.row_label))
        notation = o.row_code or (str(o.line_number) if o.line_number is not None else None)
        if notation:
            b.add(node, skos.notation, plain(notation))
    return node


def _add_observation(b: GraphBuilder, t: Table, o: Observation, f: _TableFacts, seen: set[str],
                     rows: dict[str, str], columns: dict[int, str]) -> None:
    """One figure: about 25 triples (the hottest path of a load)."""
    c = o.column
    value, row_key = _row_key(o, f, seen, t, b)
    node = iri(value)
    b.observation_iris[id(o)] = node
    po = [(TYPE, qb.Observation), (qb.dataSet, f.node), (bud.disclosure, b.doc_node), (bud.department, f.dept),
          (bud.tableRow, _add_row(b, f, o, row_key, rows)), (bud.tableColumn, columns[id(c)])]
    if f.two_sided:
        po.append((bud.side, _side(c)))
    if f.year:
        po.append((bud.fiscalYear, f.year))
    po += [(bud.budgetPhase, phase[c.phase or "executed"]), (bud.amount, dec(o.amount)),
           (bud.currencyUnit, f.unit), (bud.rowLabel, text(o.row_label))]
    if f.factor is not None:  # a unit not known in yuan gets no yuan value rather than a wrong one (shapes.ttl)
        po.append((bud.amountYuan, dec(amount_in_yuan(o.amount, f.factor))))
    if o.row_code:
        po.append((bud.rowCode, plain(o.row_code)))
    if o.line_number is not None:
        po.append((bud.lineNumber, integer(o.line_number)))
    if o.row_item:
        po.append((bud.item, item[o.row_item]))
    kind = o.subject_kind
    if kind:
        concept, concept_node = b.subject(kind, o.row_code or o.row_class, t.year)
        po.append((bud.functionalSubject if kind == "functional" else bud.economicSubject, concept_node))
        if o.row_code and o.row_label:
            b.named.add((concept, o.row_label))
    if o.row_code and c.item and t.type_key:
        b.coded.append((t.type_key, c.item, o.row_code, value))
    if o.row_code:
        po.append((bud.isLeafRow, TRUE if id(o) in f.leaves else FALSE))
    po.append((bud.measureLabel, text(c.label)))
    if c.group:
        po.append((bud.measureGroup, text(" / ".join(c.group))))
    if c.item:
        po.append((bud.measure, item[c.item]))
    if c.number is not None:
        po.append((bud.columnNumber, integer(c.number)))
    if c.side_label:
        po.append((bud.tableSide, text(c.side_label)))
    po += [(bud.sourceLine, integer(o.line, positive=True)), (prov.wasDerivedFrom, f.node)]
    b.add_all(node, po)


def _add_totals(b: GraphBuilder, t: Table, leaves: list[Observation]) -> None:
    """Figures queries need often, computed once per load: the table's 合计 figures, linked from the table;
    on each the sum of its column's leaf rows (leaf-subject-sum); on each 类 figure its share of that 合计
    (expenditure-structure)."""
    for total in t.observations:
        if total.row_item != "Total" or total.row_code:
            continue
        position = total.column.position
        column = [o.amount for o in leaves if o.column.position == position]
        total_node = b.observation_iris[id(total)]
        b.add(b.table_iris[id(t)], bud.tableTotal, total_node)
        if column:
            b.add(total_node, bud.leafSum, dec(sum(column)))
            b.add(total_node, bud.leafCount, integer(len(column)))
        if total.amount:
            for o in t.observations:
                if o.column.position == position and o.subject_kind == "functional" \
                        and len(o.row_code or o.row_class or "") == 3:
                    s = b.observation_iris[id(o)]
                    b.add(s, bud.shareOfTotal, dec((o.amount / total.amount).quantize(_SHARE)))
                    b.add(s, bud.totalFigure, total_node)


def _local(b: GraphBuilder, node: str) -> str:
    """An IRI of this disclosure (N-Triples form) as its path below the disclosure (`table/02/obs/211/c2`)."""
    value, prefix = node[1:-1], b.m.doc + "/"
    return value[len(prefix):] if value.startswith(prefix) else value


def _finding_key(b: GraphBuilder, f: Finding) -> tuple[str, str]:
    """(anchor, key) of a finding: the figure or record it is about as a readable path, and everything that makes
    it the finding it is: its rule, tables, the figures it compares and the record it is about (not its amounts,
    so a corrected figure keeps its finding's name, nor its place among the findings)."""
    total = b.observation_iris[id(f.total)] if f.total is not None else None
    about = b.about.get(id(f.about)) if f.about is not None else None
    table = b.table_iris[id(f.table)] if f.table is not None else None
    if total is not None:
        anchor = _local(b, total).removeprefix("table/").replace("/obs/", "/")
    elif about is not None:
        anchor = _local(b, about)
    elif table is not None:
        anchor = _local(b, table)
    else:
        anchor = "disclosure"
    other = b.table_iris[id(f.other_table)] if f.other_table is not None else None
    parts = sorted(b.observation_iris[id(p)] for p in f.parts)
    key = "\x1f".join([f.rule, f.facet, table or "", other or "", total or "", about or "", *parts])
    return anchor.replace("/", "-"), key


def finding_iris(b: GraphBuilder, findings: list[Finding]) -> list[str]:
    """Each finding's IRI (Minter.finding), in the order given. Findings of one key (the same rule on the same
    figures, e.g. a check that compares one figure twice) are told apart by a digest of what each states
    (stated and computed amounts, message), the first keeping the plain name; identical findings, by their
    order among themselves."""
    named: list[str] = []
    used: set[str] = set()
    for f in findings:
        anchor, key = _finding_key(b, f)
        value = b.m.finding(f.rule, anchor, key)
        if value in used:
            value = base = b.m.finding(f.rule, anchor, "\x1e".join([key, str(f.stated), str(f.computed), f.message]))
            k = 1
            while value in used:
                k += 1
                value = f"{base}-{k}"
        used.add(value)
        named.append(value)
    return named


def add_finding(b: GraphBuilder, value: str, f: Finding) -> None:
    s = iri(value)
    b.add(s, TYPE, bud.ReconciliationFinding)
    b.add(s, bud.disclosure, b.doc_node)
    b.add(s, bud.rule, chk[f.rule])
    if f.table is not None:
        b.add(s, bud.findingTable, b.table_iris[id(f.table)])
    if f.about is not None and id(f.about) in b.about:
        b.add(s, bud.findingSubject, b.about[id(f.about)])
    if f.other_table is not None:
        b.add(s, bud.otherTable, b.table_iris[id(f.other_table)])
    b.add(s, bud.statedAmount, dec(f.stated))
    b.add(s, bud.computedAmount, dec(f.computed))
    b.add(s, bud.difference, dec(f.difference))
    b.add(s, bud.tolerance, dec(f.tolerance))
    b.add(s, bud.tolerated, boolean(f.tolerated))
    if f.total is not None:
        b.add(s, bud.totalObservation, b.observation_iris[id(f.total)])
    for p in f.parts:
        b.add(s, bud.partObservation, b.observation_iris[id(p)])
    b.add(s, rdfs.comment, zh(f.message))

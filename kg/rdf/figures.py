"""The narrative's figures (三公 details, 机关运行经费, 政府采购, 国有资产, the totals paragraphs) → RDF: Data Cube
observations of one data set per section, like the tables' figures."""
from __future__ import annotations


from cnbudget.kg.rdf.graph import GraphBuilder
from cnbudget.kg.rdf.tables import UNIT_FACTOR, amount_in_yuan
from cnbudget.kg.rdf.terms import TYPE, bud, dct, dec, integer, iri, item, phase, plain, prov, qb, zh
from cnbudget.loaders.records import Figure


def add_figures(b: GraphBuilder, figures: list[Figure]) -> None:
    sections: dict[str, str] = {}
    d = b.doc_node
    default_phase = "executed" if b.doc.kind == "final" else "approved"
    for n, f in enumerate(figures, 1):
        section = sections.get(f.section)
        if section is None:
            section = sections[f.section] = f"{b.m.doc}/section/{len(sections) + 1}"
            b.add(iri(section), TYPE, bud.NarrativeSection)
            b.add(iri(section), TYPE, qb.DataSet)
            b.add(iri(section), bud.disclosure, d)
            b.add(iri(section), dct.title, zh(f.section or "说明"))
            b.add(iri(section), qb.structure, bud.StandardTableStructure)
        s = iri(f"{section}/figure/{n}")
        b.observation_iris[id(f)] = s
        b.add(s, TYPE, qb.Observation)
        b.add(s, qb.dataSet, iri(section))
        b.add(s, bud.disclosure, d)
        if b.year_literal:
            b.add(s, bud.fiscalYear, b.year_literal)
        if b.dept_node:
            b.add(s, bud.department, b.dept_node)
        b.add(s, bud.budgetPhase, phase[f.phase or default_phase])
        b.add(s, bud.amount, dec(f.amount))
        if f.unit in UNIT_FACTOR:
            b.add(s, bud.currencyUnit, plain(f.unit))
            b.add(s, bud.amountYuan, dec(amount_in_yuan(f.amount, UNIT_FACTOR[f.unit])))
        else:
            b.add(s, bud.unitOfMeasure, plain(f.unit))
        b.add(s, bud.rowLabel, plain(f.label))
        b.add(s, bud.measureLabel, plain(f.measure))
        if f.item:
            b.add(s, bud.item, item[f.item])
        b.add(s, bud.sourceLine, integer(f.line, positive=True))
        b.add(s, prov.wasDerivedFrom, iri(section))



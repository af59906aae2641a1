"""The narrative's figures (三公 details, 机关运行经费, 政府采购, 国有资产, the totals paragraphs) → RDF: Data Cube
observations, each figure its own row of its section.

Money is bud:amount (with its unit as printed and as IRIs), a percentage bud:ratio as a fraction with the
printed number beside it, anything else bud:count; a section's figures of each measure are a data set of
their own (`section/N` for money, `section/N/counts`, `section/N/ratios`). A figure that restates a table's
figure carries that figure's phase and points to it (bud:restates).
"""
from __future__ import annotations


from cnbudget.kg.rdf.graph import GraphBuilder
from cnbudget.kg.rdf.structures import NARRATIVE_COUNTS, NARRATIVE_MONEY, NARRATIVE_RATIOS
from cnbudget.kg.rdf.tables import MULTIPLIER, UNIT_FACTOR, amount_in_yuan
from cnbudget.kg.rdf.terms import CNY, TYPE, bud, dct, dec, integer, iri, item, phase, prov, qb, skos, text, zh
from cnbudget.loaders.records import Figure, Observation


_DATA_SETS = {"money": ("", NARRATIVE_MONEY), "count": ("/counts", NARRATIVE_COUNTS),
              "ratio": ("/ratios", NARRATIVE_RATIOS)}


def _kind(f: Figure) -> str:
    return "money" if f.unit in UNIT_FACTOR else "ratio" if f.unit in ("%", "％") else "count"


def _measure(b: GraphBuilder, s: str, f: Figure) -> None:
    kind = _kind(f)
    if kind == "money":
        b.add(s, bud.amount, dec(f.amount))
        b.add(s, bud.currencyUnit, text(f.unit))
        b.add(s, bud.currency, CNY)
        b.add(s, bud.unitMultiplier, MULTIPLIER[f.unit])
        b.add(s, bud.amountYuan, dec(amount_in_yuan(f.amount, UNIT_FACTOR[f.unit])))
    elif kind == "ratio":
        b.add(s, bud.ratio, dec((f.amount / 100).normalize()))
        b.add(s, bud.printedValue, dec(f.amount))
        b.add(s, bud.unitOfMeasure, text(f.unit))
    else:
        b.add(s, bud.count, dec(f.amount))
        b.add(s, bud.unitOfMeasure, text(f.unit))


def add_figures(b: GraphBuilder, figures: list[Figure], restated: dict[int, Observation]) -> None:
    sections: dict[str, str] = {}
    data_sets: set[str] = set()
    d = b.doc_node
    default_phase = "executed" if b.doc.kind == "final" else "approved"
    for n, f in enumerate(figures, 1):
        section = sections.get(f.section)
        if section is None:
            section = sections[f.section] = f"{b.m.doc}/section/{len(sections) + 1}"
        suffix, structure = _DATA_SETS[_kind(f)]
        data_set = iri(section + suffix)
        if data_set not in data_sets:
            data_sets.add(data_set)
            b.add(data_set, TYPE, bud.NarrativeSection)
            b.add(data_set, TYPE, qb.DataSet)
            b.add(data_set, bud.disclosure, d)
            b.add(data_set, dct.title, zh(f.section or "说明"))
            b.add(data_set, qb.structure, iri(structure))
        s = iri(f"{section}/figure/{n}")
        row = iri(f"{section}/row/{n}")
        b.add(row, TYPE, skos.Concept)
        b.add(row, skos.inScheme, bud.TableRows)
        b.add(row, skos.prefLabel, zh(f.label or f.measure or f.section or "说明"))
        b.observation_iris[id(f)] = s
        b.add(s, TYPE, qb.Observation)
        b.add(s, qb.dataSet, data_set)
        b.add(s, bud.disclosure, d)
        b.add(s, bud.tableRow, row)
        if b.year_literal:
            b.add(s, bud.fiscalYear, b.year_literal)
        b.add(s, bud.department, b.dept_node)
        table_figure = restated.get(id(f))
        if table_figure is not None:
            b.add(s, bud.restates, b.observation_iris[id(table_figure)])
            b.add(s, bud.budgetPhase, phase[table_figure.column.phase or "executed"])
        else:
            b.add(s, bud.budgetPhase, phase[f.phase or default_phase])
        _measure(b, s, f)
        b.add(s, bud.rowLabel, text(f.label))
        b.add(s, bud.measureLabel, text(f.measure))
        if f.item:
            b.add(s, bud.item, item[f.item])
        b.add(s, bud.sourceLine, integer(f.line, positive=True))
        b.add(s, prov.wasDerivedFrom, data_set)



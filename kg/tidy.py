"""One document's tidy rows made from its graph, read once: what TIDY_QUERY (kg/export.py) selects for it, in
its order, without a query whose plan may look through other documents' figures.

Each pattern of the query is followed here: required values (data set, row label, measure label, source line)
and optional ones give a row for every combination of their values, as a SPARQL join does (one, as kg writes
them); the amount is the first of money, count and printed value, the unit the first of the currency unit and
the unit of measure, the table its number or a narrative section's title. The organization's name is looked up
in the store (the reference graph holds it).
"""
from __future__ import annotations

from collections import defaultdict
from itertools import product

import pyoxigraph as ox

from cnbudget.ontology import PREFIXES

_BUD, _QB, _DCT, _DCAT = PREFIXES["bud"], PREFIXES["qb"], PREFIXES["dct"], PREFIXES["dcat"]
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_OBSERVATION, _SECTION = _QB + "Observation", _BUD + "NarrativeSection"


def document_rows(store, doc: str, graph: str) -> list[tuple[tuple, list[str]]]:
    """The document's rows, each (its sort key within the document: line, measure, figure; its values in the
    CSV's columns), sorted."""
    props: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for q in store.quads(graph):
        props[q.subject.value][q.predicate.value].append(q.object)
    titles = [t for dist in props[doc][_DCAT + "distribution"] for t in props[dist.value][_DCT + "title"]]
    figures = [s for s, p in props.items()
               if any(o.value == _OBSERVATION for o in p[_TYPE]) and any(o.value == doc for o in p[_BUD + "disclosure"])]
    names = _organization_names(store, {d.value for s in figures for d in props[s][_BUD + "department"]})
    rows = []
    for s in figures:
        p = props[s]
        for t, row_name, measure, line, money, count, printed, money_unit, count_unit, document, year, org, code, \
                yuan in product(p[_QB + "dataSet"], p[_BUD + "rowLabel"], p[_BUD + "measureLabel"], p[_BUD + "sourceLine"],
                           _opt(p[_BUD + "amount"]), _opt(p[_BUD + "count"]), _opt(p[_BUD + "printedValue"]),
                           _opt(p[_BUD + "currencyUnit"]), _opt(p[_BUD + "unitOfMeasure"]), titles,
                           _opt(p[_BUD + "fiscalYear"]),
                           _opt([n for d in p[_BUD + "department"] for n in names.get(d.value, ())]),
                           _opt(p[_BUD + "rowCode"]), _opt(p[_BUD + "amountYuan"])):
            amount = _first(money, count, printed)
            if amount is None:
                continue
            table_props = props[t.value]
            section = any(o.value == _SECTION for o in table_props[_TYPE])
            for number, heading in product(_opt(table_props[_BUD + "tableNumber"]),
                                           _opt(table_props[_DCT + "title"] if section else [])):
                table = _first(number, heading)
                values = [document.value, _value(year), _value(org), _value(table), _value(code), row_name.value,
                          measure.value, amount.value, _value(_first(money_unit, count_unit)), line.value,
                          _value(yuan)]
                rows.append(((int(line.value), measure.value, s), values))
    rows.sort(key=lambda row: row[0])
    return rows


def _organization_names(store, departments: set[str]) -> dict[str, list]:
    if not departments:
        return {}
    values = " ".join(f"<{d}>" for d in sorted(departments))
    names: dict[str, list] = defaultdict(list)
    for d, name in store.select(f"SELECT ?d ?name WHERE {{ VALUES ?d {{ {values} }} ?d skos:prefLabel ?name }}").rows:
        names[d.value].append(name)
    return names


def _opt(values: list) -> list:
    """An OPTIONAL pattern's values: each, or one unbound."""
    return values or [None]


def _first(*terms):
    return next((t for t in terms if t is not None), None)


def _value(term: ox.Literal | None) -> str:
    return "" if term is None else term.value

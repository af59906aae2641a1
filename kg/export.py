"""Exports: tidy CSV (one row per observation) and the RDF serialisations.

An export format is added where it is written: `export_format(name, *aliases)` registers a function
from the store to the bytes of the export; `kg export --format` offers every name registered.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pyoxigraph as ox

from cnbudget.kg.results import to_csv
from cnbudget.kg.store import GraphStore, Rows

# The tidy CSV columns are a public contract: users' scripts depend on them.
TIDY_COLUMNS = ["document", "year", "organization", "table", "row_code", "row_name", "measure", "amount", "unit",
                "source_line"]

TIDY_QUERY = """
SELECT ?document ?year ?organization ?table ?row_code ?row_name ?measure ?amount ?unit ?source_line
WHERE {
  ?obs a qb:Observation ; qb:dataSet ?t ; bud:disclosure ?doc ;
       bud:rowLabel ?row_name ; bud:measureLabel ?measure ; bud:sourceLine ?source_line .
  OPTIONAL { ?obs bud:amount ?money_amount }
  OPTIONAL { ?obs bud:count ?count_amount }
  OPTIONAL { ?obs bud:printedValue ?printed_amount }
  BIND (COALESCE(?money_amount, ?count_amount, ?printed_amount) AS ?amount)
  FILTER (BOUND(?amount))
  OPTIONAL { ?obs bud:currencyUnit ?money }
  OPTIONAL { ?obs bud:unitOfMeasure ?count }
  BIND (COALESCE(?money, ?count, "") AS ?unit)
  OPTIONAL { ?t bud:tableNumber ?number }
  OPTIONAL { ?t a bud:NarrativeSection ; dct:title ?heading }
  BIND (COALESCE(?number, STR(?heading)) AS ?table)
  ?doc dcat:distribution/dct:title ?document .
  OPTIONAL { ?obs bud:fiscalYear ?year }
  OPTIONAL { ?obs bud:department/skos:prefLabel ?organization }
  OPTIONAL { ?obs bud:rowCode ?row_code }
}
ORDER BY ?document ?source_line ?measure
"""

Writer = Callable[[GraphStore], bytes]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    write: Writer


EXPORT_FORMATS: dict[str, ExportFormat] = {}  # by name and alias, in the order registered


def export_format(name: str, *aliases: str) -> Callable[[Writer], Writer]:
    def register(write: Writer) -> Writer:
        for key in (name, *aliases):
            EXPORT_FORMATS[key] = ExportFormat(name, write)
        return write
    return register


def tidy_rows(store: GraphStore) -> Rows:
    rows = store.select(TIDY_QUERY)
    assert rows.variables == TIDY_COLUMNS
    return rows


@export_format("csv")
def tidy_csv(store: GraphStore) -> bytes:
    return to_csv(tidy_rows(store)).encode("utf-8")


def _rdf(fmt: ox.RdfFormat) -> Writer:
    return lambda store: store.dump(fmt)


export_format("turtle", "ttl")(_rdf(ox.RdfFormat.TURTLE))
export_format("ntriples", "nt")(_rdf(ox.RdfFormat.N_TRIPLES))
export_format("nquads", "nq")(_rdf(ox.RdfFormat.N_QUADS))
export_format("trig")(_rdf(ox.RdfFormat.TRIG))
export_format("jsonld", "json-ld")(_rdf(ox.RdfFormat.JSON_LD))
export_format("rdfxml", "xml")(_rdf(ox.RdfFormat.RDF_XML))


def export(store: GraphStore, fmt: str) -> bytes:
    return EXPORT_FORMATS[fmt].write(store)

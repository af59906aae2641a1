"""Exports: tidy CSV (one row per observation) and the RDF serialisations."""
from __future__ import annotations

import pyoxigraph as ox

from cnbudget.kg.results import to_csv
from cnbudget.kg.store import Rows, Store

# The tidy CSV columns are a public contract: users' scripts depend on them.
TIDY_COLUMNS = ["document", "year", "organization", "table", "row_code", "row_name", "measure", "amount", "unit",
                "source_line"]

TIDY_QUERY = """
SELECT ?document ?year ?organization ?table ?row_code ?row_name ?measure ?amount ?unit ?source_line
WHERE {
  ?obs a qb:Observation ; qb:dataSet ?t ; bud:disclosure ?doc ; bud:amount ?amount ;
       bud:rowLabel ?row_name ; bud:measureLabel ?measure ; bud:sourceLine ?source_line .
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

RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "ttl": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES, "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS, "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD, "json-ld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML, "xml": ox.RdfFormat.RDF_XML,
}
FORMATS = ["csv", *RDF_FORMATS]


def tidy_rows(store: Store) -> Rows:
    rows = store.select(TIDY_QUERY)
    assert rows.variables == TIDY_COLUMNS
    return rows


def export(store: Store, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(tidy_rows(store)).encode("utf-8")
    return store.dump(RDF_FORMATS[fmt])

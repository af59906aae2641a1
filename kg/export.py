"""Exports: tidy CSV (one row per observation) and the RDF serialisations, streamed.

An export format is added where it is written: `export_format(name, *aliases)` registers a function that
writes the store to a binary stream; `kg export --format` offers every name registered. Every export is
written as it is read, a document (or a graph) at a time, so its memory does not grow with the store and its
time is linear in the figures.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import BinaryIO, Callable

import pyoxigraph as ox

from cnbudget.kg.store import GraphStore, Rows
from cnbudget.kg.tidy import document_rows

# The tidy CSV columns are a public contract: users' scripts depend on them. Columns are only ever added at the
# end (amount_yuan: a money figure in yuan, so figures of documents printed in different units sum).
TIDY_COLUMNS = ["document", "year", "organization", "table", "row_code", "row_name", "measure", "amount", "unit",
                "source_line", "amount_yuan"]

TIDY_QUERY = """
SELECT ?document ?year ?organization ?table ?row_code ?row_name ?measure ?amount ?unit ?source_line ?amount_yuan
WHERE {
  ?obs bud:disclosure $doc ; a qb:Observation ; qb:dataSet ?t ;
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
  $doc dcat:distribution/dct:title ?document .
  OPTIONAL { ?obs bud:fiscalYear ?year }
  OPTIONAL { ?obs bud:department/skos:prefLabel ?organization }
  OPTIONAL { ?obs bud:rowCode ?row_code }
  OPTIONAL { ?obs bud:amountYuan ?amount_yuan }
}
ORDER BY ?document ?source_line ?measure ?obs
"""

# the documents, by the name of the file each came from (the CSV's first sort key), with their graphs
DOCUMENTS_QUERY = """SELECT ?doc ?document ?graph WHERE {
  GRAPH ?graph { ?doc a bud:Disclosure } ?doc dcat:distribution/dct:title ?document }"""

Writer = Callable[[GraphStore, BinaryIO], None]


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


def tidy_rows(store: GraphStore, document: str | None = None) -> Rows:
    """The tidy rows of one document (its IRI), or of all, in the CSV's order, as SPARQL defines them: what
    `tidy_csv` writes (tests/test_tidy_export.py holds them equal). One document's IRI is written into the
    query (not bound by VALUES), so that the engine starts from that document's figures."""
    doc = f"<{document}>" if document else "?doc"
    rows = store.select(TIDY_QUERY.replace("$doc", doc))
    assert rows.variables == TIDY_COLUMNS
    return rows


@export_format("csv")
def tidy_csv(store: GraphStore, output: BinaryIO) -> None:
    """The rows TIDY_QUERY gives, in its order, written a document at a time in the order of their file names
    (documents from files of the same name merged by line, as one sort would): each document's rows are made
    from its own graph, read once (kg/tidy.py), so the export's time is linear in the figures and its memory
    one document's."""
    by_name: dict[str, list[tuple[str, str]]] = {}
    for doc, name, graph in store.select(DOCUMENTS_QUERY).rows:
        by_name.setdefault(name.value, []).append((doc.value, graph.value))
    text = io.TextIOWrapper(output, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(TIDY_COLUMNS)
    for name in sorted(by_name):
        rows = [row for doc, graph in sorted(by_name[name]) for row in document_rows(store, doc, graph)]
        if len(by_name[name]) > 1:
            rows.sort(key=lambda row: row[0])
        writer.writerows(values for _, values in rows)
    text.flush()
    text.detach()


def _rdf(fmt: ox.RdfFormat) -> Writer:
    return lambda store, output: store.dump_to(fmt, output)


export_format("turtle", "ttl")(_rdf(ox.RdfFormat.TURTLE))
export_format("ntriples", "nt")(_rdf(ox.RdfFormat.N_TRIPLES))
export_format("nquads", "nq")(_rdf(ox.RdfFormat.N_QUADS))
export_format("trig")(_rdf(ox.RdfFormat.TRIG))
export_format("jsonld", "json-ld")(_rdf(ox.RdfFormat.JSON_LD))
export_format("rdfxml", "xml")(_rdf(ox.RdfFormat.RDF_XML))


def export(store: GraphStore, fmt: str, output: BinaryIO | None = None) -> bytes | None:
    """Write the export to `output`; without one, return its bytes."""
    if output is not None:
        EXPORT_FORMATS[fmt].write(store, output)
        return None
    buffer = io.BytesIO()
    EXPORT_FORMATS[fmt].write(store, buffer)
    return buffer.getvalue()

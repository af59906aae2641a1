"""When the store first and last wrote each document's graph: the load record, a graph of its own.

`kg load` records, right after it writes a group of documents, `<graph> dct:created` (the first load of that
document's graph, kept by every reload) and `dct:modified` (the last load) in `<base>graph/loads`. The time
is not in the document's graph: a reload of the same file gives that graph byte for byte. The catalog
(api/dcat.py) gives a disclosure's `dct:issued` from it where the document prints no publication date.
"""
from __future__ import annotations

from datetime import datetime, timezone

from cnbudget.kg.rdf.iris import shared_graph

DCT = "http://purl.org/dc/terms/"
DATE_TIME = "http://www.w3.org/2001/XMLSchema#dateTime"


def loads_graph(base: str | None) -> str:
    return shared_graph(base, "loads")


def now() -> str:
    """The time of a load, as recorded: UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def record_loads(store, base: str | None, graphs: list[str], when: str | None = None) -> None:
    """Record that these document graphs were written now (or `when`, an xsd:dateTime): their last load, and
    their first where none is recorded. One update: on the embedded store, one transaction."""
    if not graphs:
        return
    g, t = loads_graph(base), f'"{when or now()}"^^<{DATE_TIME}>'
    values = " ".join(f"<{x}>" for x in graphs)
    store.touching([g])
    store.update(
        f"DELETE {{ GRAPH <{g}> {{ ?x <{DCT}modified> ?t }} }} "
        f"WHERE {{ VALUES ?x {{ {values} }} GRAPH <{g}> {{ ?x <{DCT}modified> ?t }} }} ;\n"
        f"INSERT {{ GRAPH <{g}> {{ ?x <{DCT}created> {t} }} }} "
        f"WHERE {{ VALUES ?x {{ {values} }} FILTER NOT EXISTS {{ GRAPH <{g}> {{ ?x <{DCT}created> ?c }} }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{g}> {{ " + " ".join(f"<{x}> <{DCT}modified> {t} ." for x in graphs) + " } }")

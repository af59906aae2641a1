"""Running one endpoint query under the guard's limits, and writing its answer with the engine's serializers.

`kg/guard.py` checks the text (size, depth, SERVICE); the query runs in a killable worker of api/pool.py (Oxigraph's
own server, api/oxigraph_worker.py, or api/worker.py), which also takes the protocol's dataset, and the answer
stays in its wire form (SPARQL TSV, N-Triples) in a temporary file, re-read by pyoxigraph and serialized in the format asked for
(`QuerySolutions.serialize`, `ox.serialize`). A remote store (`kg serve --endpoint`) is asked for the same wire
forms over HTTP.
"""
from __future__ import annotations

import functools
import json
import os
import tempfile
import urllib.parse
from dataclasses import dataclass
from typing import BinaryIO

import pyoxigraph as ox

from cnbudget.kg import guard
from cnbudget.kg.store import GraphStore, RemoteError, RemoteStore
from cnbudget.kg.store.base import with_prefixes
from cnbudget.kg.store.embedded import check_store_folder
from cnbudget.ontology import PREFIXES

# texts that passed the guard, not read again (a named query's 2 KB took 0.3 ms of the server's own time,
# which an endpoint asked the same queries again and again spends for nothing); a refusal is not kept
_KEPT_TEXT = 20_000  # characters of a text kept at most (with 512 texts: 10 MB)


@functools.lru_cache(maxsize=512)
def _checked(sparql: str, limits: guard.Limits) -> guard.Scan:
    return guard.check(sparql, limits)


@dataclass
class Answer:
    kind: str            # select, ask, triples
    spool: BinaryIO | None = None   # SELECT: SPARQL TSV; triples: N-Triples
    boolean: bool = False

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()


def run(sparql: str, store: GraphStore, limits: guard.Limits, default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None, pool=None) -> Answer:
    """`guard.check`, then the query's answer (in a worker of `pool`, an api.pool.Pool; a remote store needs
    none); raises the guard's QueryRefused, QuerySyntaxError, QueryFailed."""
    scanned = _checked(sparql, limits) if len(sparql) <= _KEPT_TEXT else guard.check(sparql, limits)
    for g in [*(default_graph or []), *(named_graphs or [])]:
        try:
            ox.NamedNode(g)
        except ValueError:
            raise guard.QueryRefused(f"default-graph-uri / named-graph-uri: {g!r} is not an IRI", "dataset") from None
    if isinstance(store, RemoteStore):
        return _run_remote(sparql, store, limits, default_graph, named_graphs)
    request = {"sparql": sparql, "prefixes": PREFIXES, "max_rows": limits.max_rows,
               "default_graph": default_graph or None, "named_graphs": named_graphs or None,
               "own_dataset": scanned.dataset}  # FROM, read by the guard's tokens (not in a comment or string)
    return _run_in_child(request, os.fspath(store.path), limits, pool)


def _run_in_child(request: dict, path: str, limits: guard.Limits, pool) -> Answer:
    check_store_folder(path, read_only=True)
    status, spool = pool.run(request, path, limits)
    if status["kind"] == "ask":
        spool.close()
        return Answer("ask", boolean=bool(status["boolean"]))
    return Answer(status["kind"], spool)


def _run_remote(sparql: str, store: RemoteStore, limits: guard.Limits, default_graph, named_graphs) -> Answer:
    if limits.timeout:
        store.timeout = limits.timeout
    url = store.query_url
    params = [("default-graph-uri", g) for g in default_graph or []] + \
             [("named-graph-uri", g) for g in named_graphs or []]
    if params:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
    body = urllib.parse.urlencode({"query": with_prefixes(sparql)}).encode("utf-8")
    try:
        ctype, data = store._request("POST", url, body, "application/x-www-form-urlencoded",
                                     "application/sparql-results+json, application/n-triples;q=0.9")
    except RemoteError as e:
        if e.timed_out:
            raise guard.QueryRefused(f"the query passed the time limit of {limits.timeout:g} s", "timeout") from None
        if e.status and 400 <= e.status < 500:
            raise guard.QuerySyntaxError(None, None, str(e).split(": ", 2)[-1][:500]) from None
        raise guard.QueryFailed("the SPARQL store behind this service failed to answer") from None
    if "json" in ctype:
        doc = json.loads(data)
        if "boolean" in doc:
            return Answer("ask", boolean=bool(doc["boolean"]))
        if limits.max_rows and len(doc["results"]["bindings"]) > limits.max_rows:
            raise guard._too_many(limits.max_rows)
        return Answer("select", _spool(ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON),
                                       ox.QueryResultsFormat.TSV))
    triples = list(ox.parse(data, format=ox.RdfFormat.from_media_type(ctype) or ox.RdfFormat.N_TRIPLES))
    if limits.max_rows and len(triples) > limits.max_rows:
        raise guard._too_many(limits.max_rows)
    out = tempfile.TemporaryFile()
    ox.serialize(triples, out, format=ox.RdfFormat.N_TRIPLES)
    out.seek(0)
    return Answer("triples", out)


def _spool(solutions, fmt) -> BinaryIO:
    out = tempfile.TemporaryFile()
    solutions.serialize(out, format=fmt)
    out.seek(0)
    return out


# --- writing the answer ----------------------------------------------------------------------------------------

RESULT_TYPES = {  # media type → engine format, for SELECT and ASK
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {  # media type → engine format, for CONSTRUCT and DESCRIBE
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
RESULT_NAMES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_NAMES = {"turtle": "text/turtle", "ttl": "text/turtle", "ntriples": "application/n-triples",
               "nt": "application/n-triples", "jsonld": "application/ld+json", "json-ld": "application/ld+json",
               "rdfxml": "application/rdf+xml", "xml": "application/rdf+xml"}


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (the first offered on a tie; None: none acceptable)."""
    if not accept:
        return offered[0]
    best, best_q = None, 0.0
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        for o in offered:
            if media == o or media == "*/*" or (media.endswith("/*") and o.startswith(media[:-1])):
                specific = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
                score = (q, specific, -offered.index(o))
                if best is None or score > best_q:
                    best, best_q = o, score
                break
    return best


def write(answer: Answer, media: str, output: BinaryIO) -> None:
    """The answer in the format of `media` (one of RESULT_TYPES for SELECT/ASK, GRAPH_TYPES for triples)."""
    if answer.kind == "ask":
        _boolean(answer.boolean, RESULT_TYPES[media], output)
        return
    try:
        if answer.kind == "select":
            ox.parse_query_results(answer.spool, format=ox.QueryResultsFormat.TSV).serialize(
                output, format=RESULT_TYPES[media])
        else:
            fmt = GRAPH_TYPES[media]
            triples = ox.parse(answer.spool, format=ox.RdfFormat.N_TRIPLES)
            ox.serialize(triples, output, format=fmt,
                         prefixes=PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None)
    except SyntaxError as e:  # an engine that broke off its answer with a message (Oxigraph's server does)
        raise guard.QueryFailed(f"the query failed: its answer was cut short ({e})") from None


_EMPTY = ox.Store()


def _boolean(value: bool, fmt, output: BinaryIO) -> None:
    """ASK's answer written by the engine: the answer of an ASK on an empty store that gives `value`."""
    _EMPTY.query("ASK { FILTER(true) }" if value else "ASK { FILTER(false) }").serialize(output, format=fmt)

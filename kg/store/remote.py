"""A SPARQL 1.1 store over HTTP standing in for the embedded one (`--endpoint`, `KG_ENDPOINT`).

Queries and updates go through the SPARQL 1.1 Protocol, whole named graphs through the
Graph Store Protocol (PUT replaces a graph, POST adds to it, DELETE drops it). One base URL
gives Oxigraph's endpoints (`/query`, `/update`, `/store`); a URL whose path ends in `/sparql`
is taken as one endpoint for queries and updates with its Graph Store at `<url>-graph-crud`,
Virtuoso's layout (`http://host:8890/sparql`, `…/sparql-graph-crud`). KG_ENDPOINT_QUERY,
KG_ENDPOINT_UPDATE and KG_ENDPOINT_STORE (or the constructor's arguments) set each one for
servers laid out otherwise. The server must answer queries over the union of its named graphs
as the default graph (`oxigraph serve --union-default-graph`; Virtuoso does by default); the
first request checks it.

Portability, as tested against Oxigraph and Virtuoso 7.2 (tests/test_virtuoso.py, scripts/virtuoso.sh):
- queries are sent as an HTML form (`query=…`), which every server takes; Virtuoso 7.2 never answers a
  POST of `application/sparql-query`;
- the graphs a server keeps for itself (Virtuoso's `virtrdf#`, service description and LDP graphs,
  `SERVER_GRAPHS`) are left out of `graphs()`, `len()`, `quads()` and dumps: the named queries still
  see them in the union but match nothing in them;
- a result the server cut short (Virtuoso's `[SPARQL] ResultSetMaxRows`, 10000 by default, announced
  in an `X-SPARQL-MaxRows` header) is an error, not a silently shorter answer;
- graphs go over the Graph Store Protocol as N-Triples, one request a graph (Virtuoso 7.2 takes a
  25,000-triple PUT of `application/n-triples`).
"""
from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Iterable

import pyoxigraph as ox

from cnbudget.kg.rdf.iris import sparql_prefixes
from cnbudget.kg.store.base import GraphStore, Rows, with_prefixes
from cnbudget.ontology import PREFIXES

URL_ENV = {"query": "KG_ENDPOINT_QUERY", "update": "KG_ENDPOINT_UPDATE", "store": "KG_ENDPOINT_STORE"}

_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_FORM = "application/x-www-form-urlencoded"

# graphs a server keeps for its own use, not the project's: Virtuoso's mapping schema, service description, LDP
SERVER_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://localuriqaserver/sparql",
                 "http://www.w3.org/ns/ldp#")
_NOT_SERVER_GRAPH = "FILTER (?g NOT IN (" + ", ".join(f"<{g}>" for g in SERVER_GRAPHS) + "))"

# true when a named graph holds a triple the default graph does not show: no union default graph
_UNION_PROBE = """ASK { { SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1 }
                        FILTER NOT EXISTS { ?s ?p ?o } }"""


class RemoteError(RuntimeError):
    """The endpoint could not be reached or refused a request; the message says which and why."""

    def __init__(self, message: str, status: int | None = None, timed_out: bool = False):
        super().__init__(message)
        self.status = status
        self.timed_out = timed_out  # no (complete) answer within the store's timeout


class RemoteStore(GraphStore):
    """The `Store` interface over the SPARQL 1.1 Protocol and the Graph Store Protocol."""

    def __init__(self, endpoint: str, read_only: bool = False, query_url: str | None = None,
                 update_url: str | None = None, store_url: str | None = None, timeout: float = 600):
        if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
            raise ValueError(f"endpoint {endpoint!r}: expected an http:// or https:// URL")
        self.path = endpoint  # what the CLI reports as the store
        base = endpoint.rstrip("/")
        if urllib.parse.urlsplit(base).path.endswith("/sparql"):  # Virtuoso's layout: one URL, GSP beside it
            defaults = {"query": base, "update": base, "store": base + "-graph-crud"}
        else:  # Oxigraph's
            defaults = {"query": base + "/query", "update": base + "/update", "store": base + "/store"}
        self.query_url = query_url or os.environ.get(URL_ENV["query"]) or defaults["query"]
        self.update_url = update_url or os.environ.get(URL_ENV["update"]) or defaults["update"]
        self.store_url = store_url or os.environ.get(URL_ENV["store"]) or defaults["store"]
        self.read_only = read_only
        self.timeout = timeout
        self._union_checked = False

    # --- writing -------------------------------------------------------------------

    def replace_graph(self, graph: str, quads: list[ox.Quad]) -> None:
        """One PUT replaces the graph, so a reader never sees it half-written."""
        g = ox.NamedNode(graph)
        own = [q.triple for q in quads if q.graph_name == g]
        if own:
            self._graph_request("PUT", graph, ox.serialize(own, format=ox.RdfFormat.N_TRIPLES))
        else:
            self._drop(graph)
        self.add([q for q in quads if q.graph_name != g])

    def replace_graphs(self, graphs: list[str], nquads: bytes, quads=(), *, trusted: bool = False) -> list[None]:
        """Each graph replaced with one Graph Store request; quads in other graphs (the shared resources
        documents bring) added to those. Whether a graph was there before is not asked (None)."""
        parsed = [*ox.parse(nquads, format=ox.RdfFormat.N_QUADS), *quads] if nquads else list(quads)
        listed = {ox.NamedNode(g) for g in graphs}
        by_graph: dict[ox.NamedNode, list[ox.Quad]] = {g: [] for g in listed}
        for q in parsed:
            if q.graph_name in listed:
                by_graph[q.graph_name].append(q)
        for graph in graphs:
            self.replace_graph(graph, by_graph[ox.NamedNode(graph)])
        others = [q for q in parsed if q.graph_name not in listed]
        if others:
            self.add(others)
        return [None] * len(graphs)

    def add(self, quads: list[ox.Quad]) -> None:
        by_graph: dict[str, list[ox.Triple]] = {}
        for q in quads:
            if not isinstance(q.graph_name, ox.NamedNode):
                raise ValueError(f"only named graphs are written to an endpoint, not {q.graph_name}")
            by_graph.setdefault(q.graph_name.value, []).append(q.triple)
        for graph, triples in by_graph.items():
            self._graph_request("POST", graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))

    def update(self, sparql: str) -> None:
        self._before_write()
        self._request("POST", self.update_url, (sparql_prefixes() + sparql).encode("utf-8"),
                      "application/sparql-update")

    def _replace_derived(self, graph: str, quads: list[ox.Quad]) -> None:
        self.replace_graph(graph, quads)

    def flush(self) -> None:
        pass  # every request is committed by the server

    def _drop(self, graph: str) -> None:
        try:
            self._graph_request("DELETE", graph)
        except RemoteError as e:
            if e.status != 404:  # dropping a graph that is not there is fine
                raise

    def _graph_request(self, method: str, graph: str, body: bytes | None = None) -> None:
        self._before_write()
        sep = "&" if "?" in self.store_url else "?"
        url = f"{self.store_url}{sep}graph={urllib.parse.quote(graph, safe='')}"
        self._request(method, url, body, _NTRIPLES if body is not None else None)

    def _before_write(self) -> None:
        if self.read_only:
            raise RemoteError(f"{self.path} was opened read-only")
        self._check_union()  # refuse before writing anything the queries could not see

    # --- reading -------------------------------------------------------------------

    def select(self, sparql: str) -> Rows:
        self._check_union()
        return self._select(with_prefixes(sparql))

    def construct(self, sparql: str) -> list[ox.Triple]:
        self._check_union()
        body = self._query(with_prefixes(sparql), _NTRIPLES)[1]
        return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))

    def graphs(self) -> list[str]:
        rows = self._select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ }} {_NOT_SERVER_GRAPH} }}").rows
        if any(g is None for (g,) in rows):
            # Virtuoso answers an empty GRAPH pattern with one empty row: list the graphs that hold a triple
            rows = self._select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_NOT_SERVER_GRAPH} }}").rows
        return sorted(g.value for (g,) in rows)

    def __len__(self) -> int:
        # the quads of the named graphs: the project writes nothing to the default graph
        (n,), = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_NOT_SERVER_GRAPH} }}").rows
        return int(n.value)

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        values = f"VALUES ?g {{ <{graph}> }}" if graph else ""
        rows = self._select(f"SELECT ?s ?p ?o ?g WHERE {{ {values} GRAPH ?g {{ ?s ?p ?o }} {_NOT_SERVER_GRAPH} }}").rows
        return [ox.Quad(s, p, o, g) for s, p, o, g in rows]

    def _check_union(self) -> None:
        if self._union_checked:
            return
        if self._select(_UNION_PROBE).rows[0][0].value == "true":
            raise RemoteError(
                f"{self.query_url} does not query the union of its named graphs as the default graph: "
                "start Oxigraph with `oxigraph serve --union-default-graph`, or set the store's equivalent "
                "(Fuseki/TDB2: tdb2:unionDefaultGraph true)")
        self._union_checked = True

    def _select(self, sparql: str) -> Rows:
        """SELECT and ASK as `Rows` of pyoxigraph terms; CONSTRUCT and DESCRIBE as subject/predicate/object rows."""
        kind, body = self._query(sparql, f"{_RESULTS_JSON}, {_NTRIPLES};q=0.9")
        if kind == _NTRIPLES:
            return Rows(["subject", "predicate", "object"],
                        [[t.subject, t.predicate, t.object] for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)])
        return rows_from_json(json.loads(body))

    def _query(self, sparql: str, accept: str) -> tuple[str, bytes]:
        # a form, not a body of application/sparql-query: Virtuoso 7.2 leaves that unanswered
        body = urllib.parse.urlencode({"query": sparql}).encode("ascii")
        return self._request("POST", self.query_url, body, _FORM, accept)

    def _request(self, method: str, url: str, body: bytes | None = None, content_type: str | None = None,
                 accept: str | None = None) -> tuple[str, bytes]:
        headers = {k: v for k, v in (("Content-Type", content_type), ("Accept", accept)) if v}
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        deadline = time.monotonic() + self.timeout  # for the whole answer: a server may stream one for ever
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                limit = response.headers.get("X-SPARQL-MaxRows")
                if limit:  # Virtuoso cut the result at [SPARQL] ResultSetMaxRows and says so only here
                    raise RemoteError(f"{method} {url}: the server returned only the first {limit} rows "
                                      "(Virtuoso: raise [SPARQL] ResultSetMaxRows in virtuoso.ini)")
                chunks = []
                while chunk := response.read(1 << 16):
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise TimeoutError("the answer was still coming")
                return response.headers.get_content_type(), b"".join(chunks)
        except TimeoutError as e:
            raise RemoteError(f"{method} {url}: no complete answer within {self.timeout:g} s ({e})",
                              timed_out=True) from None
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace").strip()
            raise RemoteError(f"{method} {url}: HTTP {e.code} {e.reason}" + (f": {text[:2000]}" if text else ""),
                              e.code) from None
        except urllib.error.URLError as e:
            if isinstance(e.reason, TimeoutError):
                raise RemoteError(f"{method} {url}: no answer within {self.timeout:g} s ({e.reason})",
                                  timed_out=True) from None
            raise RemoteError(f"cannot reach {url}: {e.reason}") from None
        except OSError as e:  # timeouts and dropped connections
            raise RemoteError(f"{method} {url}: {e}") from None


_BOOLEAN = ox.NamedNode(PREFIXES["xsd"] + "boolean")


def rows_from_json(data: dict) -> Rows:
    """SPARQL 1.1 Query Results JSON → `Rows`, as the embedded store returns them."""
    if "boolean" in data:
        return Rows(["ask"], [[ox.Literal("true" if data["boolean"] else "false", datatype=_BOOLEAN)]])
    variables = data["head"].get("vars", [])
    blanks: dict[str, ox.BlankNode] = {}
    return Rows(variables, [[_term(b[v], blanks) if v in b else None for v in variables]
                            for b in data["results"]["bindings"]])


def _term(b: dict, blanks: dict[str, ox.BlankNode]):
    kind, value = b["type"], b["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind in ("literal", "typed-literal"):  # typed-literal: the pre-1.1 spelling some servers still send
        if "xml:lang" in b:
            return ox.Literal(value, language=b["xml:lang"])
        if "datatype" in b:
            return ox.Literal(value, datatype=ox.NamedNode(b["datatype"]))
        return ox.Literal(value)
    if kind == "bnode":
        if value not in blanks:  # one node per label within a result, whatever the label's syntax
            try:
                blanks[value] = ox.BlankNode(value)
            except ValueError:
                blanks[value] = ox.BlankNode()
        return blanks[value]
    if kind == "triple":  # RDF 1.2 triple terms
        return ox.Triple(*(_term(value[k], blanks) for k in ("subject", "predicate", "object")))
    raise RemoteError(f"unknown term type {kind!r} in SPARQL JSON results")

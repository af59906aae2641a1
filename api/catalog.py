"""What the service holds, described from the store: a DCAT-AP catalog at /catalog (HTML, Turtle, JSON-LD, …),
VoID at /.well-known/void, and the dumps under /export/<format> (`cnbudget.kg.export`, streamed).

The catalog's triples (DCAT-AP) are written by api/dcat.py; here the routes, VoID and the dumps.
"""
from __future__ import annotations

import threading
import urllib.parse

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from cnbudget.api import pages
from cnbudget.api.dcat import DCT, DUMPS, GRAPH_DUMPS, LICENSE, RDF, L, N, catalog_triples, disclosures, graph_dump_url
from cnbudget.api.settings import Settings
from cnbudget.kg.export import EXPORT_FORMATS, export
from cnbudget.ontology import PREFIXES

router = APIRouter()

VOID, XSD = "http://rdfs.org/ns/void#", PREFIXES["xsd"]
SUFFIX = {"turtle": "ttl", "ntriples": "nt", "nquads": "nq", "trig": "trig", "jsonld": "jsonld", "rdfxml": "rdf",
          "csv": "csv"}


def _rdf_media(request: Request) -> str | None:
    return pages.media_for(request)


@router.get("/catalog")
async def catalog(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    media = _rdf_media(request)
    if media is None:
        return PlainTextResponse("no format the Accept header allows\n", status_code=406)
    if media != "text/html":
        return pages.rdf_response(await run_in_threadpool(catalog_triples, settings), media)

    def page():
        items = disclosures(settings.store)
        for item in items:
            item["href"] = settings.local(item["iri"]) or item["iri"]
            item["publisher_href"] = settings.local(item["publisher"]) if item["publisher"] else None
            item["dumps"] = [(fmt, graph_dump_url(settings, item, fmt)) for fmt in GRAPH_DUMPS] if item["graph"] else []
        dumps = [(fmt, "/export/" + fmt, DUMPS[fmt][0]) for fmt in DUMPS if fmt in EXPORT_FORMATS]
        return pages.html("catalog.html", title="Catalog", datasets=items, dumps=dumps,
                          endpoint=settings.url("sparql"), license=LICENSE, formats=pages._formats())
    return await run_in_threadpool(page)


def void_triples(settings: Settings) -> list[ox.Triple]:
    store = settings.store
    t: list[ox.Triple] = []
    add = lambda s, p, o: t.append(ox.Triple(s, N(p), o))  # noqa: E731
    ds = N(settings.url(".well-known/void#graph"))
    add(ds, RDF + "type", N(VOID + "Dataset"))
    add(ds, DCT + "title", L("cnbudget-kg", "en"))
    add(ds, VOID + "sparqlEndpoint", N(settings.url("sparql")))
    add(ds, VOID + "uriSpace", L(settings.base_iri))
    add(ds, VOID + "rootResource", N(settings.url("catalog")))
    for fmt in ("nquads", "turtle"):
        add(ds, VOID + "dataDump", N(settings.url(f"export/{fmt}")))
    for prefix in ("bud", "qb", "skos", "org", "dcat", "dct", "prov"):
        add(ds, VOID + "vocabulary", N(PREFIXES[prefix]))
    total = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0]
    add(ds, VOID + "triples", L(total.value, datatype=XSD + "integer"))
    for kind, var in (("distinctSubjects", "s"), ("properties", "p")):
        n = store.select(f"SELECT (COUNT(DISTINCT ?{var}) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}").rows[0][0]
        add(ds, VOID + kind, L(n.value, datatype=XSD + "integer"))
    for g, n in store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g").rows:
        sub = N(settings.url(".well-known/void#" + urllib.parse.quote(g.value, safe="")))
        add(ds, VOID + "subset", sub)
        add(sub, RDF + "type", N(VOID + "Dataset"))
        add(sub, "http://www.w3.org/ns/sparql-service-description#name", g)
        add(sub, VOID + "triples", L(n.value, datatype=XSD + "integer"))
    for cls, n in store.select("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c").rows:
        part = N(settings.url(".well-known/void#class-" + urllib.parse.quote(cls.value, safe="")))
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", cls)
        add(part, VOID + "entities", L(n.value, datatype=XSD + "integer"))
    return t


@router.get("/.well-known/void")
async def void(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    media = _rdf_media(request)
    if media is None:
        return PlainTextResponse("no format the Accept header allows\n", status_code=406)
    if media == "text/html":  # VoID is for machines: a browser gets its Turtle
        media = "text/turtle"
    return pages.rdf_response(await run_in_threadpool(void_triples, settings), media)


class _Pipe:
    """A file-like writer that hands chunks to the response as the export writes them."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.cond = threading.Condition()
        self.done = False
        self.error: BaseException | None = None

    def write(self, data) -> int:
        data = bytes(data)
        with self.cond:
            while len(self.chunks) > 64 and not self.done:  # back-pressure: the client reads slower
                self.cond.wait(1)
            self.chunks.append(data)
            self.cond.notify_all()
        return len(data)

    def flush(self) -> None:
        pass

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        with self.cond:
            self.done = True
            self.cond.notify_all()

    @property
    def closed(self) -> bool:
        return False

    def take(self) -> bytes | None:
        with self.cond:
            while not self.chunks and not self.done:
                self.cond.wait(1)
            if self.chunks:
                out = b"".join(self.chunks)
                self.chunks.clear()
                self.cond.notify_all()
                return out
            return None


def _stream(write) -> StreamingResponse:
    pipe = _Pipe()

    def produce():
        try:
            write(pipe)
        except BaseException as e:  # noqa: BLE001 — the client sees a cut answer, the log the reason
            pipe.error = e
        finally:
            pipe.close()

    async def body():
        threading.Thread(target=produce, daemon=True).start()
        while True:
            chunk = await run_in_threadpool(pipe.take)
            if chunk is None:
                break
            yield chunk
    return body()


@router.get("/export/{fmt}")
async def dump(request: Request, fmt: str) -> Response:
    settings: Settings = request.app.state.settings
    if fmt not in EXPORT_FORMATS:
        return PlainTextResponse("no such export format: " + ", ".join(DUMPS) + "\n", status_code=404)
    name = EXPORT_FORMATS[fmt].name
    media = DUMPS.get(name, ("application/octet-stream", ""))[0]
    graph = request.query_params.get("graph")
    if graph is not None:
        if name not in GRAPH_DUMPS or graph not in await run_in_threadpool(settings.store.graphs):
            return PlainTextResponse("no such graph, or no per-graph dump in this format\n", status_code=404)

        def write(out):
            quads = settings.store.quads(graph)
            rdf = GRAPH_DUMPS[name]
            items = quads if rdf in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG) else (
                ox.Triple(q.subject, q.predicate, q.object) for q in quads)
            ox.serialize(items, out, format=rdf,
                         prefixes=PREFIXES if rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None)
        filename = graph.rstrip("/").rsplit("/", 1)[-1] + "." + SUFFIX[name]
    else:
        def write(out):
            export(settings.store, name, out)
        filename = "cnbudget-kg." + SUFFIX[name]
    charset = "; charset=utf-8" if media.startswith("text/") else ""
    return StreamingResponse(_stream(write), media_type=media + charset,
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})

"""What the service holds, described from the store: a DCAT-AP catalog at /catalog (HTML, Turtle, JSON-LD, …),
VoID at /.well-known/void, and the dumps under /export/<format> (`cnbudget.kg.export`, streamed).

The catalog has one `dcat:Dataset` per loaded disclosure (the disclosure's own IRI: title, publisher, fiscal
year, keywords, its source file and its named graph in each dump format as distributions), one for the whole
graph (the dumps of `kg export`), and the SPARQL endpoint as a `dcat:DataService` serving them all.
"""
from __future__ import annotations

import os
import threading
import urllib.parse

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from cnbudget.api import pages
from cnbudget.api.settings import Settings
from cnbudget.kg.export import EXPORT_FORMATS, export
from cnbudget.ontology import PREFIXES

router = APIRouter()

DCAT, DCT, RDF, FOAF = PREFIXES["dcat"], PREFIXES["dct"], PREFIXES["rdf"], "http://xmlns.com/foaf/0.1/"
VOID, XSD, VCARD = "http://rdfs.org/ns/void#", PREFIXES["xsd"], "http://www.w3.org/2006/vcard/ns#"
FILETYPE = "http://publications.europa.eu/resource/authority/file-type/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/ZHO"
# media type and EU file type of each dump; csv is the tidy table (one row per figure)
DUMPS = {"turtle": ("text/turtle", "RDF_TURTLE"), "ntriples": ("application/n-triples", "RDF_N_TRIPLES"),
         "nquads": ("application/n-quads", "RDF_N_QUADS"), "trig": ("application/trig", "RDF_TRIG"),
         "jsonld": ("application/ld+json", "JSON_LD"), "rdfxml": ("application/rdf+xml", "RDF_XML"),
         "csv": ("text/csv", "CSV")}
GRAPH_DUMPS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
               "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
SUFFIX = {"turtle": "ttl", "ntriples": "nt", "nquads": "nq", "trig": "trig", "jsonld": "jsonld", "rdfxml": "rdf",
          "csv": "csv"}
KEYWORDS = ["部门决算", "部门预算", "预算公开", "财政", "government budget", "final accounts"]
LICENSE = os.environ.get("KG_DATA_LICENSE")  # an IRI; without one the catalog states no licence


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def L(text, lang: str | None = None, datatype: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(text), language=lang)
    return ox.Literal(str(text), datatype=N(datatype)) if datatype else ox.Literal(str(text))


DISCLOSURES = """SELECT ?d ?title ?id ?year ?pub ?pubName ?issued ?kind ?kindLabel ?graph WHERE {
  ?d a bud:Disclosure ; dct:title ?title .
  OPTIONAL { ?d dct:identifier ?id } OPTIONAL { ?d bud:fiscalYear ?year } OPTIONAL { ?d dct:issued ?issued }
  OPTIONAL { ?d dct:publisher ?pub OPTIONAL { ?pub skos:prefLabel ?pubName } }
  OPTIONAL { ?d a ?kind FILTER(?kind IN (bud:FinalAccountsDisclosure, bud:BudgetDisclosure)) OPTIONAL { ?kind rdfs:label ?kindLabel FILTER(LANG(?kindLabel) = "zh") } }
  OPTIONAL { GRAPH ?graph { ?d a bud:Disclosure } }
} ORDER BY ?year ?title"""


def disclosures(store) -> list[dict]:
    seen: dict[str, dict] = {}
    for d, title, ident, year, pub, pub_name, issued, kind, kind_label, graph in store.select(DISCLOSURES).rows:
        item = seen.setdefault(d.value, {"iri": d.value, "title": title.value, "id": ident.value if ident else None,
                                         "year": year.value if year else None, "publisher": pub.value if pub else None,
                                         "publisher_name": pub_name.value if pub_name else None,
                                         "issued": issued, "kind": kind_label.value if kind_label else None,
                                         "graph": graph.value if graph else None, "source": []})
        item["kind"] = item["kind"] or (kind_label.value if kind_label else None)
    for item in seen.values():
        item["source"] = store.select(f"SELECT ?x ?t ?m WHERE {{ <{item['iri']}> dcat:distribution ?x . "
                                      f"OPTIONAL {{ ?x dct:title ?t }} OPTIONAL {{ ?x dcat:mediaType ?m }} }}").rows
    return list(seen.values())


def graph_dump_url(settings: Settings, item: dict, fmt: str) -> str:
    return settings.url(f"export/{fmt}?" + urllib.parse.urlencode({"graph": item["graph"]}))


def catalog_triples(settings: Settings) -> list[ox.Triple]:
    store = settings.store
    t: list[ox.Triple] = []
    add = lambda s, p, o: t.append(ox.Triple(s, N(p) if isinstance(p, str) else p, o))  # noqa: E731
    cat, service, whole = N(settings.url("catalog")), N(settings.url("sparql")), N(settings.url("catalog#graph"))
    project = N(settings.url("catalog#publisher"))
    add(cat, RDF + "type", N(DCAT + "Catalog"))
    add(cat, DCT + "title", L("cnbudget-kg: Chinese budget and final-accounts disclosures", "en"))
    add(cat, DCT + "title", L("部门预算与决算公开知识图谱", "zh"))
    add(cat, DCT + "description", L("Budget (部门预算) and final-accounts (部门决算) disclosures of Chinese government "
                                    "departments as linked data: every figure an RDF Data Cube observation traceable "
                                    "to its document, table and line.", "en"))
    add(cat, DCT + "publisher", project)
    add(project, RDF + "type", N(FOAF + "Agent"))
    add(project, FOAF + "name", L("cnbudget-kg"))
    add(cat, FOAF + "homepage", N(settings.url("")))
    add(cat, DCAT + "service", service)
    add(service, RDF + "type", N(DCAT + "DataService"))
    add(service, DCT + "title", L("SPARQL 1.1 endpoint (read-only)", "en"))
    add(service, DCAT + "endpointURL", service)
    add(service, DCT + "conformsTo", N("https://www.w3.org/TR/sparql11-protocol/"))
    add(service, DCAT + "endpointDescription", N(settings.url(".well-known/void")))
    add(service, DCAT + "servesDataset", whole)
    if LICENSE:
        add(service, DCT + "license", N(LICENSE))

    def distribution(dataset, url: str, fmt: str, title: str, name: str) -> None:
        dist = N(url)
        media, filetype = DUMPS[fmt]
        add(dataset, DCAT + "distribution", dist)
        add(dist, RDF + "type", N(DCAT + "Distribution"))
        add(dist, DCAT + "accessURL", dist)
        add(dist, DCAT + "downloadURL", dist)
        add(dist, DCAT + "mediaType", N("https://www.iana.org/assignments/media-types/" + media))
        add(dist, DCT + "format", N(FILETYPE + filetype))
        add(dist, DCT + "title", L(f"{title} ({name})", "en"))
        if LICENSE:
            add(dist, DCT + "license", N(LICENSE))

    add(cat, DCAT + "dataset", whole)
    add(whole, RDF + "type", N(DCAT + "Dataset"))
    add(whole, DCT + "title", L("The whole graph", "en"))
    add(whole, DCT + "description", L("Every loaded disclosure, the code lists and the ontology.", "en"))
    add(whole, DCT + "language", N(LANGUAGE))
    for k in KEYWORDS:
        add(whole, DCAT + "keyword", L(k, "zh" if not k.isascii() else "en"))
    for fmt in EXPORT_FORMATS:
        if fmt in DUMPS and EXPORT_FORMATS[fmt].name == fmt:
            distribution(whole, settings.url(f"export/{fmt}"), fmt, "the whole graph", fmt)
    for item in disclosures(store):
        ds = N(item["iri"])
        add(cat, DCAT + "dataset", ds)
        add(service, DCAT + "servesDataset", ds)
        add(ds, RDF + "type", N(DCAT + "Dataset"))
        add(ds, DCT + "title", L(item["title"], "zh"))
        add(ds, DCT + "description", L(item["title"] + (f"（{item['kind']}）" if item["kind"] else ""), "zh"))
        add(ds, DCT + "language", N(LANGUAGE))
        if item["publisher"]:
            add(ds, DCT + "publisher", N(item["publisher"]))
            add(N(item["publisher"]), RDF + "type", N(FOAF + "Agent"))
            if item["publisher_name"]:
                add(N(item["publisher"]), FOAF + "name", L(item["publisher_name"], "zh"))
        if item["year"]:
            period = N(item["iri"] + "#fiscal-year")
            add(ds, N(PREFIXES["bud"] + "fiscalYear"), L(item["year"], datatype=XSD + "integer"))
            add(ds, DCT + "temporal", period)
            add(period, RDF + "type", N(DCT + "PeriodOfTime"))
            add(period, DCAT + "startDate", L(f"{item['year']}-01-01", datatype=XSD + "date"))
            add(period, DCAT + "endDate", L(f"{item['year']}-12-31", datatype=XSD + "date"))
        if item["issued"] is not None:
            add(ds, DCT + "issued", item["issued"])
        if item["id"]:
            add(ds, DCT + "identifier", L(item["id"]))
        for k in ["部门决算" if "决算" in item["title"] else "部门预算", "预算公开", *(
                [item["publisher_name"]] if item["publisher_name"] else []), *([str(item["year"])] if item["year"] else [])]:
            add(ds, DCAT + "keyword", L(k, "zh" if not k.isascii() else None))
        for x, title, media in item["source"]:  # the file it was read from, as the store describes it
            add(ds, DCAT + "distribution", x)
            add(x, RDF + "type", N(DCAT + "Distribution"))
            add(x, DCAT + "accessURL", N(settings.url(settings.local(x.value) or "")) if settings.local(x.value) else x)
            if title:
                add(x, DCT + "title", title)
            if media:
                add(x, DCAT + "mediaType", media)
        if item["graph"]:
            for fmt in GRAPH_DUMPS:
                distribution(ds, graph_dump_url(settings, item, fmt), fmt, item["title"], fmt)
    return t


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

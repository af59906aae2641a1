"""`kg serve`: the DCAT-AP catalog, VoID and the dumps, all derived from the store; and the hardening."""
from __future__ import annotations

import json
import re
import socket
import time
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib

from conftest import SAMPLE, run, select
from serving import kg_serve
from test_serve_pages import fetch

DCAT, DCT = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
PUBLIC = "https://budget.example.org/kg/"
SHAPES = Path(__file__).parent / "fixtures" / "dcat-ap"  # DCAT-AP 3.0.1, vendored unchanged (README there)
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def server(sample_store):
    with kg_serve("--store", sample_store, "--no-sample", "--public-url", PUBLIC) as url:
        yield url


def graph(body: bytes, fmt) -> ox.Store:
    g = ox.Store()
    g.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(body, format=fmt))
    return g


def q(g: ox.Store, sparql: str) -> list:
    return list(g.query(sparql, prefixes={"dcat": DCAT, "dct": DCT, "void": "http://rdfs.org/ns/void#",
                                          "xsd": "http://www.w3.org/2001/XMLSchema#",
                                          "bud": "https://w3id.org/cnbudget/def#"}))


def test_catalog_has_a_dataset_per_disclosure_with_distributions_and_the_endpoint(server, store):
    status, headers, body = fetch(server + "/catalog", "text/turtle")
    assert status == 200
    g = graph(body, ox.RdfFormat.TURTLE)
    disclosures = {r["x"] for r in select(store, "SELECT ?x WHERE { ?x a bud:Disclosure }")}
    datasets = q(g, """SELECT ?d ?title ?pub ?year (COUNT(DISTINCT ?dist) AS ?n) (COUNT(DISTINCT ?k) AS ?keys) WHERE {
        ?c a dcat:Catalog ; dcat:dataset ?d . ?d a dcat:Dataset ; dct:title ?title ; dct:publisher ?pub ;
        bud:fiscalYear ?year ; dcat:keyword ?k ; dcat:distribution ?dist } GROUP BY ?d ?title ?pub ?year""")
    assert {r["d"].value for r in datasets} == disclosures
    for r in datasets:
        assert r["year"].value == "2020" and int(r["n"].value) >= 7 and int(r["keys"].value) >= 2
    # when each was loaded, from the load record (a reload: the test of issued below)
    dated = q(g, """SELECT ?d ?issued ?modified WHERE { ?d a dcat:Dataset ; dct:issued ?issued ;
        dct:modified ?modified FILTER(DATATYPE(?issued) = xsd:dateTime && ?modified >= ?issued) }""")
    assert {r["d"].value for r in dated} == disclosures
    service = q(g, "SELECT ?s ?url WHERE { ?c dcat:service ?s . ?s a dcat:DataService ; dcat:endpointURL ?url }")
    assert [r["url"].value for r in service] == [PUBLIC + "sparql"]
    # every download URL is under the public URL and is served here
    urls = [r["u"].value for r in q(g, "SELECT DISTINCT ?u WHERE { ?x dcat:downloadURL ?u }")]
    assert len(urls) >= 12 and all(u.startswith(PUBLIC) for u in urls)
    status, _, body = fetch(server + "/" + urls[-1][len(PUBLIC):], "*/*")
    assert status == 200 and body


def validate(data: rdflib.Graph, *files: str) -> tuple[bool, rdflib.Graph, str]:
    shapes = rdflib.Graph()
    for name in files:
        shapes.parse(SHAPES / name, format="turtle")
    return pyshacl.validate(data, shacl_graph=shapes)


def results(report: rdflib.Graph) -> set[tuple[str, str]]:
    """(focus node, path) of each result the report links with sh:result."""
    return {(str(report.value(r, SH.focusNode)), re.split("[/#]", str(report.value(r, SH.resultPath)))[-1])
            for r in report.objects(None, SH.result)}


def test_catalog_conforms_to_the_dcat_ap_shapes(server):
    status, _, body = fetch(server + "/catalog", "text/turtle")
    data = rdflib.Graph().parse(data=body, format="turtle")
    conforms, _, text = validate(data, "shapes.ttl", "range.ttl")
    assert conforms, text
    # the shapes do check ranges: the same catalog with its licence and publishers untyped fails them
    broken = rdflib.Graph()
    for s, p, o in data:
        if not (p == rdflib.RDF.type and str(o) in (DCT + "LicenseDocument", "http://xmlns.com/foaf/0.1/Agent")):
            broken.add((s, p, o))
    conforms, report, _ = validate(broken, "shapes.ttl", "range.ttl")
    assert not conforms and {p for _, p in results(report)} == {"license", "publisher"}


def test_catalog_gives_what_dcat_ap_recommends_where_it_is_known(server):
    status, _, body = fetch(server + "/catalog", "text/turtle")
    data = rdflib.Graph().parse(data=body, format="turtle")
    _, report, _ = validate(data, "shapes.ttl", "range.ttl", "shapes_recommended.ttl")
    # what the store does not know: a contact point, the publishers' kind, a planned availability of the
    # dumps, when the catalog was made or changed, the outline of China, the sample's publication or load time
    unknown = {"contactPoint", "type", "availability", "modified", "issued", "bbox",
               "centroid", "temporal"}
    assert {p for _, p in results(report)} <= unknown, sorted(results(report))
    g = graph(body, ox.RdfFormat.TURTLE)
    rows = q(g, """SELECT ?d ?name ?where ?terms (COUNT(DISTINCT ?k) AS ?keys) (COUNT(DISTINCT ?dist) AS ?n) WHERE {
        ?d a dcat:Dataset ; bud:fiscalYear ?y ; dct:license ?terms ; dct:spatial ?where ; dcat:keyword ?k ;
           dct:publisher [ a <http://xmlns.com/foaf/0.1/Agent> ; <http://xmlns.com/foaf/0.1/name> ?name ] ;
           dcat:distribution ?dist .
        ?terms a dct:LicenseDocument . ?where a dct:Location .
        ?dist dcat:accessURL ?a ; dcat:mediaType [ a dct:MediaType ] ; dct:format [ a dct:MediaTypeOrExtent ] .
    } GROUP BY ?d ?name ?where ?terms""")
    assert [(r["name"].value, r["where"].value) for r in rows] == [
        ("焦作市生态环境局", "http://publications.europa.eu/resource/authority/country/CHN")]
    assert int(rows[0]["n"].value) == 7 and int(rows[0]["keys"].value) >= 4  # the source file and 6 dumps
    downloads = q(g, f"""SELECT ?m WHERE {{ <{rows[0]["d"].value}> dcat:distribution ?x .
        ?x dcat:downloadURL ?x ; dcat:mediaType ?m }} ORDER BY ?m""")
    assert [r["m"].value.rsplit("/", 2)[-2] + "/" + r["m"].value.rsplit("/", 1)[-1] for r in downloads] == [
        "application/ld+json", "application/n-quads", "application/n-triples", "application/rdf+xml",
        "application/trig", "text/turtle"]
    terms = q(g, f"SELECT ?t WHERE {{ <{rows[0]['terms'].value}> dct:description ?t }}")
    assert "政府信息公开条例" in terms[0]["t"].value


def test_issued_is_the_first_load_and_a_reload_leaves_the_document_graph_as_it_was(tmp_path):
    from cnbudget.api import dcat
    from cnbudget.api.settings import Settings
    from cnbudget.kg.store import Store
    path = str(tmp_path / "kg-store")

    def utc() -> str:
        return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def dates() -> dict[str, list[str]]:
        store = Store(path, read_only=True)
        return {name: sorted(o.value for s, p, o in dcat.catalog_triples(Settings(store=store))
                             if s == doc and p.value == DCT + name) for name in ("issued", "modified")}

    def document_graph() -> bytes:  # the document's graph as the store holds it, quad by quad in its order
        return ox.serialize(list(Store(path, read_only=True).quads(g.value)), format=ox.RdfFormat.N_QUADS)

    started = utc()
    run("load", "--store", path, str(SAMPLE))
    finished = utc()
    d = select(Store(path, read_only=True), "SELECT ?d ?g WHERE { GRAPH ?g { ?d a bud:Disclosure } }")[0]
    doc, g = ox.NamedNode(d["d"]), ox.NamedNode(d["g"])
    first, graph = dates(), document_graph()
    assert len(first["issued"]) == 1 and started <= first["issued"][0] <= finished  # no date printed: the load's
    assert first["modified"] == first["issued"]
    time.sleep(1.1)  # the record is to the second
    run("load", "--store", path, str(SAMPLE))
    again = dates()
    assert document_graph() == graph  # the load time is recorded outside the document's graph
    assert again["issued"] == first["issued"] and again["modified"][0] > first["modified"][0]
    # a publication date the document prints (dct:issued on the disclosure, in its graph) comes first
    published = ox.Literal("2021-09-10", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    raw = ox.Store(path)
    raw.add(ox.Quad(doc, ox.NamedNode(DCT + "issued"), published, g))
    del raw
    assert dates() == {"issued": ["2021-09-10"], "modified": again["modified"]}


def test_catalog_as_jsonld_and_html(server):
    status, headers, body = fetch(server + "/catalog", "application/ld+json")
    assert status == 200 and headers.get_content_type() == "application/ld+json" and json.loads(body)
    status, headers, body = fetch(server + "/catalog")
    assert status == 200 and headers.get_content_type() == "text/html"
    assert "焦作市生态环境局2020年度部门决算" in body.decode("utf-8")


def test_void_counts_what_the_store_holds(server, store):
    status, _, body = fetch(server + "/.well-known/void", "text/turtle")
    g = graph(body, ox.RdfFormat.TURTLE)
    total = select(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]
    rows = q(g, "SELECT ?n ?e WHERE { ?d void:triples ?n ; void:sparqlEndpoint ?e ; void:subset ?s }")
    assert rows and rows[0]["n"].value == total and rows[0]["e"].value == PUBLIC + "sparql"


def test_csv_dump_is_the_tidy_table(server):
    status, headers, body = fetch(server + "/export/csv", "*/*")
    lines = body.decode("utf-8").splitlines()
    assert lines[0] == "document,year,organization,table,row_code,row_name,measure,amount,unit,source_line,amount_yuan"
    assert len(lines) > 1000


def test_a_disclosure_graph_dump(server, store):
    g = next(x for x in store.graphs() if "/graph/20" in x)
    status, _, body = fetch(server + "/export/ntriples?" + urllib.parse.urlencode({"graph": g}), "*/*")
    assert status == 200 and len(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))) == len(list(store.quads(g)))


# --- hardening -------------------------------------------------------------------------------------------------

def test_html_has_security_headers_and_cors_reads(server):
    status, headers, body = fetch(server + "/catalog")
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = fetch(server + "/sparql?query=ASK%7B%7D", "application/sparql-results+json")
    assert headers["Access-Control-Allow-Origin"] == "*"


def raw(server: str, request: bytes) -> bytes:
    host, port = urllib.parse.urlsplit(server).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(request)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


def test_writes_are_not_allowed_from_anywhere(server):
    for method in ("PUT", "DELETE", "PATCH"):
        answer = raw(server, f"{method} /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
        assert answer.split(b" ", 2)[1] == b"405"
    answer = raw(server, b"OPTIONS /sparql HTTP/1.1\r\nHost: x\r\nOrigin: https://elsewhere.example\r\n"
                         b"Access-Control-Request-Method: PUT\r\nConnection: close\r\n\r\n")
    assert b"access-control-allow-methods: get, head, post, options" in answer.lower()


def test_large_bodies_are_refused(server):
    body = b"query=" + b"x" * (2 << 20)
    answer = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body[:1000])
    assert answer.split(b" ", 2)[1] == b"413"


@pytest.mark.parametrize("path", ["/id/%00", "/export/nope", "/sparql?query=SELECT", "/def/%ff%fe",
                                  "/export/turtle?graph=../../etc/passwd", "/static/../pyproject.toml",
                                  "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%20x"])
def test_errors_show_no_trace_or_path(server, sample_store, path):
    status, headers, body = fetch(server + path)
    text = body.decode("utf-8", "replace")
    assert status >= 400
    assert "Traceback" not in text and "File \"" not in text and sample_store not in text and "/work/" not in text


def test_catalog_and_endpoint_follow_a_load_while_serving(tmp_path):
    path = str(tmp_path / "kg-store")
    run("load", "--store", path, str(SAMPLE))
    titles = "SELECT ?t WHERE { ?d a dcat:Dataset ; dct:title ?t FILTER(LANG(?t) = 'zh') } ORDER BY ?t"
    with kg_serve("--store", path, "--no-sample") as url:
        _, _, body = fetch(url + "/catalog", "text/turtle")
        assert [r["t"].value for r in q(graph(body, ox.RdfFormat.TURTLE), titles)] == ["焦作市生态环境局2020年度部门决算"]
        run("load", "--store", path, str(Path(__file__).parent / "fixtures" / "fragments" / "nanzhang_zsfwzx_2019_js.txt"))
        deadline = time.monotonic() + 20  # the pages open the store again once the load has finished
        while True:
            _, _, body = fetch(url + "/catalog", "text/turtle")
            found = [r["t"].value for r in q(graph(body, ox.RdfFormat.TURTLE), titles)]
            if len(found) == 2 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert found == ["南漳县招商服务中心2019年度部门决算", "焦作市生态环境局2020年度部门决算"]
        _, _, body = fetch(url + "/sparql?" + urllib.parse.urlencode(
            {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?d a bud:Disclosure }"}), "text/csv")
        assert body.split() == [b"n", b"2"]

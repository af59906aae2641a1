"""`kg serve`: the DCAT-AP catalog, VoID and the dumps, all derived from the store; and the hardening."""
from __future__ import annotations

import json
import socket
import urllib.parse

import pyoxigraph as ox
import pytest

from conftest import select
from serving import kg_serve
from test_serve_pages import fetch

DCAT, DCT = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
PUBLIC = "https://budget.example.org/kg/"


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
    service = q(g, "SELECT ?s ?url WHERE { ?c dcat:service ?s . ?s a dcat:DataService ; dcat:endpointURL ?url }")
    assert [r["url"].value for r in service] == [PUBLIC + "sparql"]
    # every download URL is under the public URL and is served here
    urls = [r["u"].value for r in q(g, "SELECT DISTINCT ?u WHERE { ?x dcat:downloadURL ?u }")]
    assert len(urls) >= 12 and all(u.startswith(PUBLIC) for u in urls)
    status, _, body = fetch(server + "/" + urls[-1][len(PUBLIC):], "*/*")
    assert status == 200 and body


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


@pytest.mark.parametrize("fmt, rdf", [("nquads", ox.RdfFormat.N_QUADS), ("turtle", ox.RdfFormat.TURTLE)])
def test_dumps_are_the_store(server, store, fmt, rdf):
    status, headers, body = fetch(server + f"/export/{fmt}", "*/*")
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    expected = len(store) if fmt == "nquads" else len({(q.subject, q.predicate, q.object) for q in store.quads()})
    assert len(list(ox.parse(body, format=rdf))) == expected


def test_csv_dump_is_the_tidy_table(server):
    status, headers, body = fetch(server + "/export/csv", "*/*")
    lines = body.decode("utf-8").splitlines()
    assert lines[0] == "document,year,organization,table,row_code,row_name,measure,amount,unit,source_line"
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

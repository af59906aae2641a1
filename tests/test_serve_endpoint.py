"""`kg serve`'s SPARQL 1.1 Protocol endpoint, with real clients against a real uvicorn server."""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from conftest import all_nquads, run
from serving import kg_serve

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper as Wrapper  # noqa: E402

ORGS = "SELECT ?org ?name WHERE { ?org a org:Organization ; skos:prefLabel ?name } ORDER BY ?org"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 4


# each test against both engines: Oxigraph's own server as query workers (the default where the oxigraph
# command is installed, as it is with the test extra) and pyoxigraph in Python processes
@pytest.fixture(scope="module", params=["oxigraph", "python"])
def server(sample_store, request):
    with kg_serve("--store", sample_store, "--no-sample", "--timeout", str(TIMEOUT), "--concurrency", "3",
                  "--engine", request.param) as url:
        yield url


def http(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def get(server: str, query: str, accept: str = "", **params):
    qs = urllib.parse.urlencode({"query": query, **params})
    return http(f"{server}/sparql?{qs}", headers={"Accept": accept} if accept else {})


def triple_count(server: str) -> int:
    status, _, body = get(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "text/csv")
    assert status == 200
    return int(body.decode().split()[1])


def test_sparqlwrapper_select_gives_the_rows_kg_query_gives(server, sample_store):
    expected = json.loads(run("query", ORGS, "--store", sample_store, "--format", "json").output)
    w = Wrapper(f"{server}/sparql")
    w.setQuery(ORGS)
    w.setReturnFormat(JSON)
    got = w.query().convert()
    rows = [{v: b[v]["value"] for v in b} for b in got["results"]["bindings"]]
    assert rows == [{k: str(v) for k, v in r.items()} for r in expected]
    assert len(rows) >= 8


def kg_query(sample_store: str, sparql: str) -> list[dict]:
    return json.loads(run("query", sparql, "--store", sample_store, "--format", "json").output)


def test_sparqlwrapper_ask_and_construct_give_what_kg_query_gives(server, sample_store):
    w = Wrapper(f"{server}/sparql")
    w.setReturnFormat(JSON)
    for ask, expected in (("ASK { ?d a bud:Disclosure }", True), ("ASK { ?d a bud:NoSuchClass }", False)):
        w.setQuery(ask)
        assert w.query().convert()["boolean"] is expected
        assert kg_query(sample_store, ask) == [{"ask": expected}]
    construct = "CONSTRUCT { ?org skos:prefLabel ?name } WHERE { ?org a org:Organization ; skos:prefLabel ?name }"
    w.setQuery(construct)
    w.setReturnFormat(TURTLE)
    g = __import__("rdflib").Graph().parse(data=w.query().convert(), format="turtle")
    got = {(str(s), str(p), str(o)) for s, p, o in g}
    assert got == {(t["subject"], t["predicate"], t["object"]) for t in kg_query(sample_store, construct)}
    assert ("https://w3id.org/cnbudget/id/org/aa5cd317d2a0", "http://www.w3.org/2004/02/skos/core#prefLabel",
            "焦作市生态环境局") in got and len(got) >= 8


def test_rdflib_sparqlstore(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from rdflib import Graph
    g = Graph(SPARQLStore(f"{server}/sparql", returnFormat="json"))
    rows = list(g.query("PREFIX bud: <https://w3id.org/cnbudget/def#> "
                        "SELECT ?t WHERE { ?d a bud:Disclosure ; <http://purl.org/dc/terms/title> ?t }"))
    assert [str(r[0]) for r in rows] == ["焦作市生态环境局2020年度部门决算"]


@pytest.mark.parametrize("accept, check", [
    ("application/sparql-results+json", lambda b: json.loads(b)["head"]["vars"] == ["org", "name"]),
    ("application/sparql-results+xml", lambda b: b.startswith(b"<?xml") and b"<variable name=\"org\"/>" in b),
    ("text/csv", lambda b: b.startswith(b"org,name\r\n")),
    ("text/tab-separated-values", lambda b: b.startswith(b"?org\t?name\n")),
])
def test_select_formats_by_accept(server, accept, check):
    status, headers, body = get(server, ORGS, accept)
    assert status == 200 and headers.get_content_type() == accept and check(body)


@pytest.mark.parametrize("accept, fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_formats_by_accept(server, accept, fmt):
    status, headers, body = get(server, "DESCRIBE ?d WHERE { ?d a bud:Disclosure }", accept)
    assert status == 200 and headers.get_content_type() == accept
    assert len(list(ox.parse(body, format=fmt))) > 5


def test_post_form_and_sparql_query_body(server):
    form = urllib.parse.urlencode({"query": ORGS}).encode()
    a = http(f"{server}/sparql", form, {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    b = http(f"{server}/sparql", ORGS.encode(), {"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert a[0] == b[0] == 200 and a[2] == b[2]


def test_dataset_from_protocol(server):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    labels = "https://w3id.org/cnbudget/id/graph/labels"
    _, _, one = get(server, count, "text/csv", **{"default-graph-uri": labels})
    _, _, union = get(server, count, "text/csv")
    assert 0 < int(one.split()[1]) < int(union.split()[1])
    status, _, body = get(server, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", "text/csv",
                          **{"named-graph-uri": labels})
    assert status == 200 and body.decode().splitlines()[1].startswith(labels)


def test_from_in_the_query_chooses_the_dataset(server):
    labels = "https://w3id.org/cnbudget/id/graph/labels"
    _, _, one = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv", **{"default-graph-uri": labels})
    _, _, union = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv")
    for text in (f"SELECT (COUNT(*) AS ?n) FROM <{labels}> WHERE {{ ?s ?p ?o }}",
                 f"SELECT (COUNT(*) AS ?n) FROM<{labels}> WHERE {{ ?s ?p ?o }}"):
        assert get(server, text, "text/csv")[2] == one
    # a variable named ?from is no FROM: the default graph stays the union
    assert get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?from ?o }", "text/csv")[2] == union != one
    status, _, body = get(server, "ASK { ?s ?from <http://purl.org/linked-data/cube#Observation> }", "text/csv")
    assert status == 200 and body.strip() == b"true"
    # nor is a FROM in a comment or a string
    for text in ("# answers from <urn:x>\nASK { ?s a qb:Observation }",
                 "ASK { ?s a qb:Observation FILTER(?s != \"from <urn:x>\") }"):
        status, _, body = get(server, text, "text/csv")
        assert status == 200 and body.strip() == b"true", text


@pytest.mark.parametrize("how", ["update-form", "update-body", "insert-as-query", "drop-as-query"])
def test_updates_are_refused_and_the_store_is_unchanged(server, sample_store, how):
    before = all_nquads(("--store", sample_store))  # the load record too: the server counts it
    insert = "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }"
    if how == "update-form":
        r = http(f"{server}/sparql", urllib.parse.urlencode({"update": insert}).encode(),
                 {"Content-Type": "application/x-www-form-urlencoded"})
    elif how == "update-body":
        r = http(f"{server}/sparql", b"DROP ALL", {"Content-Type": "application/sparql-update"})
    elif how == "insert-as-query":
        r = get(server, insert)
    else:
        r = http(f"{server}/sparql", b"DROP ALL", {"Content-Type": "application/sparql-query"})
    assert 400 <= r[0] < 500, r
    assert all_nquads(("--store", sample_store)) == before and triple_count(server) == len(before)
    assert not [q for q in before if "urn:" in q]


def test_service_is_refused(server):
    status, _, body = get(server, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert status == 400 and b"SERVICE" in body


def test_syntax_error_says_where(server):
    status, _, body = get(server, "SELECT ?x WHERE { ?x ?y }")
    assert status == 400 and b"line 1, column 26" in body and b"Traceback" not in body  # at the "}"
    # on the line of the query as sent, whatever the engine puts before it (the project's prefixes)
    status, _, body = get(server, "SELECT ?x\nWHERE {\n  ?x bud:amount }")
    assert status == 400 and b"line 3, column 17" in body, body  # at the "}"


def test_a_graph_that_is_no_iri_is_refused(server):
    status, _, body = get(server, "ASK { ?s ?p ?o }", **{"default-graph-uri": "not an iri"})
    assert status == 400 and b"not an IRI" in body


def test_runaway_query_is_stopped_at_the_limit_while_others_are_answered(server):
    result = {}

    def runaway():
        started = time.monotonic()
        result["status"], _, result["body"] = get(server, CARTESIAN, "text/csv")
        result["took"] = time.monotonic() - started

    t = threading.Thread(target=runaway)
    t.start()
    time.sleep(0.5)
    started = time.monotonic()
    status, _, _ = get(server, "ASK { ?d a bud:Disclosure }", "application/sparql-results+json")
    quick = time.monotonic() - started
    t.join(60)
    assert status == 200 and quick < TIMEOUT
    assert result["status"] == 503 and b"time limit" in result["body"]
    assert result["took"] < TIMEOUT + 5
    # the stopped query's worker was replaced: every slot answers again
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(get(server, ORGS, "text/csv")[0])) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert answers == [200] * 6

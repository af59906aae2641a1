"""`kg serve`: every resource under the base IRI dereferences to an HTML page or to RDF; /def the ontology."""
from __future__ import annotations

import re
import urllib.error
import urllib.request

import pyoxigraph as ox
import pytest

from conftest import select
from serving import kg_serve

BASE = "https://w3id.org/cnbudget/id/"
DEPT = "焦作市生态环境局"


@pytest.fixture(scope="module")
def server(sample_store):
    with kg_serve("--store", sample_store, "--no-sample") as url:
        yield url


def fetch(url: str, accept: str = "text/html,application/xhtml+xml,*/*;q=0.8"):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def path(iri: str) -> str:
    assert iri.startswith(BASE)
    return "/id/" + iri[len(BASE):]


def one(store, sparql: str) -> str:
    return select(store, sparql)[0]["x"]


KINDS = {
    "document": "SELECT ?x WHERE { ?x a bud:Disclosure }",
    "table": "SELECT ?x WHERE { ?x a bud:DisclosureTable } LIMIT 1",
    "observation": "SELECT ?x WHERE { ?x a qb:Observation ; bud:amount ?a } LIMIT 1",
    "organization": "SELECT ?x WHERE { ?x a org:Organization ; skos:prefLabel ?n FILTER(STR(?n) = '焦作市生态环境局') }",
    "concept": "SELECT ?x WHERE { ?x skos:notation '2110301' ; skos:inScheme ?s } LIMIT 1",
    "finding": "SELECT ?x WHERE { ?x a bud:ReconciliationFinding } LIMIT 1",
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_of_resource_has_a_page_and_rdf(server, store, kind):
    iri = one(store, KINDS[kind])
    status, headers, body = fetch(server + path(iri))
    assert status == 200 and headers.get_content_type() == "text/html", body[:300]
    page = body.decode("utf-8")
    assert iri in page and "<h1" in page and "Traceback" not in page
    for accept, fmt in [("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                        ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML)]:
        status, headers, body = fetch(server + path(iri), accept)
        assert status == 200 and headers.get_content_type() == accept
        triples = list(ox.parse(body, format=fmt))
        assert triples and all(t.subject == ox.NamedNode(iri) for t in triples)
    status, headers, body = fetch(server + path(iri) + "?format=ntriples")
    assert status == 200 and headers.get_content_type() == "application/n-triples"


def test_an_organization_page_shows_its_name_and_figures_by_table_with_source_lines(server, store):
    iri = one(store, KINDS["organization"])
    page = fetch(server + path(iri))[2].decode("utf-8")
    assert re.search(r"<h1[^>]*>\s*焦作市生态环境局\s*</h1>", page)
    assert 'id="figures"' in page and "公开01表" in page
    # a figure with its amount and the line of the source text it came from
    fig = select(store, f"""SELECT ?amount ?line WHERE {{ ?o bud:department <{iri}> ; bud:amount ?amount ;
                            bud:sourceLine ?line ; qb:dataSet/bud:tableNumber ?n FILTER(STR(?n) = "公开01表") }} LIMIT 1""")[0]
    assert re.search(rf">{re.escape(fig['amount'])}</a></td><td>[^<]*</td><td class=\"num\">{fig['line']}</td>", page)


def test_an_organization_page_lists_its_figures_and_links_in_the_order_sparql_sorts_them(server, store):
    """The page sorts its rows itself (api/pages.py figures_of, incoming_of); SPARQL's ORDER BY is the oracle."""
    iri = one(store, KINDS["organization"])
    page = fetch(server + path(iri))[2].decode("utf-8")
    figures = re.findall(r'<td class="num"><a href="(/id/[^"]+)">', page)
    expected = [path(r["obs"]) for r in select(store, f"""SELECT ?obs WHERE {{
        ?obs bud:department <{iri}> ; qb:dataSet ?table ; bud:amount ?amount .
        OPTIONAL {{ ?table bud:tableNumber ?number }} OPTIONAL {{ ?obs bud:sourceLine ?line }}
    }} ORDER BY (!BOUND(?number)) ?number ?table ?line ?obs""")]
    assert len(figures) > 100 and figures == expected[:5000]
    links = re.findall(r'<tr><td><a href="[^"]*" title="([^"]+)">', page.split("What points here", 1)[1])
    expected = [r["s"] for r in select(store, f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> }} ORDER BY ?p ?s")]
    assert len(links) > 100 and links == expected[:500]


def test_values_are_linked(server, store):
    iri = one(store, KINDS["document"])
    page = fetch(server + path(iri))[2].decode("utf-8")
    publisher = select(store, f"SELECT ?x WHERE {{ <{iri}> dct:publisher ?x }}")[0]["x"]
    assert f'href="{path(publisher)}"' in page
    assert 'href="/def/Disclosure"' in page


def test_unknown_iri_is_404(server):
    status, _, body = fetch(server + "/id/org/no-such-thing")
    assert status == 404 and b"Traceback" not in body


def test_ontology_and_its_terms(server):
    status, headers, body = fetch(server + "/def")
    assert status == 200 and "bud:Disclosure" in body.decode("utf-8")
    status, headers, body = fetch(server + "/def", "text/turtle")
    assert status == 200 and len(list(ox.parse(body, format=ox.RdfFormat.TURTLE))) > 500
    status, headers, body = fetch(server + "/def/Disclosure")
    assert status == 200 and "https://w3id.org/cnbudget/def#Disclosure" in body.decode("utf-8")
    status, headers, body = fetch(server + "/def/Disclosure", "application/n-triples")
    assert status == 200 and b"<https://w3id.org/cnbudget/def#Disclosure>" in body


def _label_property(path: str, old: str | None, new: str) -> None:
    """A resource of the data with a property outside the base IRI, the property labelled `new` (instead
    of `old`)."""
    from cnbudget.kg.store import Store
    writer = Store(path)
    graph, prop = "https://w3id.org/cnbudget/id/graph/test", "http://example.org/vocab#colour"
    drop = f'DELETE DATA {{ GRAPH <{graph}> {{ <{prop}> rdfs:label "{old}"@zh }} }} ;' if old else ""
    writer.update(f"""{drop} INSERT DATA {{ GRAPH <{graph}> {{
        <{BASE}thing/1> <{prop}> "红" ; rdfs:label "一件东西"@zh . <{prop}> rdfs:label "{new}"@zh }} }}""")
    writer.flush()
    writer.close()


def test_a_property_label_on_a_page_follows_the_store(tmp_path):
    """Labels of the terms outside the base IRI are kept between pages (api/pages.py VocabularyLabels): a
    change of the store is seen once the server opens it again."""
    import time
    path = str(tmp_path / "kg-store")
    _label_property(path, None, "颜色")
    with kg_serve("--store", path, "--no-sample") as url:
        for _ in range(2):  # the second page from the labels kept
            page = fetch(url + "/id/thing/1")[2].decode("utf-8")
            assert re.search(r'title="http://example.org/vocab#colour">颜色</a>', page) and "一件东西" in page
        _label_property(path, "颜色", "色彩")
        deadline = time.monotonic() + 30
        while "色彩" not in page and time.monotonic() < deadline:
            time.sleep(0.5)
            page = fetch(url + "/id/thing/1")[2].decode("utf-8")
        assert re.search(r'title="http://example.org/vocab#colour">色彩</a>', page) and "颜色" not in page

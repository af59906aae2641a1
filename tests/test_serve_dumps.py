"""`kg serve`'s dumps under /export/<format>: each re-parses, with pyoxigraph and with rdflib, to what the store
holds; N-Quads, TriG and JSON-LD keep one graph per document. The store holds two documents: the sample and the
beginning of another body's disclosure (a fragment)."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from conftest import ROOT, SAMPLE, run
from serving import kg_serve
from test_serve_pages import fetch

RDF_DUMPS = {  # format name → (pyoxigraph format, rdflib format, holds graphs)
    "nquads": (ox.RdfFormat.N_QUADS, "nquads", True), "trig": (ox.RdfFormat.TRIG, "trig", True),
    "turtle": (ox.RdfFormat.TURTLE, "turtle", False), "ntriples": (ox.RdfFormat.N_TRIPLES, "nt", False),
    "jsonld": (ox.RdfFormat.JSON_LD, "json-ld", True), "rdfxml": (ox.RdfFormat.RDF_XML, "xml", False),
}
XSD_STRING, LANG_STRING = ("http://www.w3.org/2001/XMLSchema#string",
                           "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
DISCLOSURE = "https://w3id.org/cnbudget/def#Disclosure"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def two_documents(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("two") / "kg-store")
    run("load", "--store", path, str(SAMPLE), str(ROOT / "tests" / "fixtures" / "fragments" / "nanzhang_zsfwzx_2019_js.txt"))
    return path


@pytest.fixture(scope="module")
def server(two_documents):
    with kg_serve("--store", two_documents, "--no-sample") as url:
        yield url


@pytest.fixture(scope="module")
def held(two_documents) -> set[tuple]:
    """The store's quads, each term as (kind, value, language, datatype), read with pyoxigraph directly."""
    store = ox.Store.read_only(two_documents)
    return {(term(q.subject), term(q.predicate), term(q.object), term(q.graph_name)) for q in store}


def term(t) -> tuple:
    if isinstance(t, ox.Literal):
        return ("literal", t.value, t.language, t.datatype.value)
    if isinstance(t, ox.BlankNode):
        return ("blank", "")  # none in the store; here so that one would show as a difference, not a crash
    if isinstance(t, ox.DefaultGraph) or t is None:
        return ("default",)
    return ("iri", t.value)


def rdflib_term(t) -> tuple:
    if isinstance(t, rdflib.Literal):
        datatype = str(t.datatype) if t.datatype else (LANG_STRING if t.language else XSD_STRING)
        return ("literal", str(t), t.language, datatype)
    if isinstance(t, rdflib.BNode):
        return ("blank", "")
    if t is None or t == rdflib.graph.DATASET_DEFAULT_GRAPH_ID:
        return ("default",)
    return ("iri", str(t))


def by_pyoxigraph(body: bytes, fmt) -> set[tuple]:
    return {(term(q.subject), term(q.predicate), term(q.object),
             term(q.graph_name) if isinstance(q, ox.Quad) else ("default",)) for q in ox.parse(body, format=fmt)}


def by_rdflib(body: bytes, fmt: str) -> set[tuple]:
    ds = rdflib.Dataset()
    normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False  # the lexical forms as written
    try:  # (rdflib writes …Z, the load record's times, as …+00:00)
        ds.parse(data=body, format=fmt)
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
    return {(rdflib_term(s), rdflib_term(p), rdflib_term(o), rdflib_term(g)) for s, p, o, g in ds.quads()}


@pytest.mark.parametrize("fmt", RDF_DUMPS)
def test_each_dump_reparses_to_the_store(server, held, fmt):
    status, headers, body = fetch(server + f"/export/{fmt}", "*/*")
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    ox_fmt, rdflib_fmt, graphs = RDF_DUMPS[fmt]
    expected = held if graphs else {(s, p, o, ("default",)) for s, p, o, _ in held}
    assert len(expected) > 30_000
    assert by_pyoxigraph(body, ox_fmt) == expected
    assert by_rdflib(body, rdflib_fmt) == expected


def test_nquads_keep_one_graph_per_document(server, held):
    status, _, body = fetch(server + "/export/nquads", "*/*")
    quads = by_pyoxigraph(body, ox.RdfFormat.N_QUADS)
    homes = {}  # disclosure → the graphs stating it is one
    for s, p, o, g in quads:
        if p == ("iri", RDF_TYPE) and o == ("iri", DISCLOSURE):
            homes.setdefault(s[1], set()).add(g[1])
    assert len(homes) == 2 and all(len(g) == 1 for g in homes.values())
    graph_of = {d: next(iter(g)) for d, g in homes.items()}
    assert len(set(graph_of.values())) == 2
    titles = {g: {o[1] for s, p, o, gg in quads if gg[1] == g and s[1] == d and p[1].endswith("/title")}
              for d, g in graph_of.items()}
    assert sorted(t for ts in titles.values() for t in ts) == ["南漳县招商服务中心2019年度部门决算",
                                                             "焦作市生态环境局2020年度部门决算"]
    # each document's figures are in its graph alone
    for d, g in graph_of.items():
        stated = {o[1] for s, p, o, gg in quads if gg[1] == g and p[1] == "https://w3id.org/cnbudget/def#disclosure"}
        assert stated == {d}
    assert {g[1] for *_, g in quads} == {g[1] for *_, g in held}

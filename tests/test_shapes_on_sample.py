"""The loaded sample validates against the SHACL shapes; a damaged graph does not."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate

from cnbudget.ontology import ontology_dir, ontology_files


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in ontology_files():
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


def _document_graph(store) -> rdflib.Graph:
    """The document's graph with the shared graphs it relies on (reference structure, derived labels)."""
    graphs = [g for g in store.graphs() if "/graph/20" in g or g.endswith(("/graph/reference", "/graph/labels"))]
    assert len(graphs) == 3
    triples = [q.triple for g in graphs for q in store.quads(g)]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


def test_sample_graph_conforms(store, ontology, shapes):
    data = _document_graph(store)
    conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none")
    assert conforms, text[:3000]


def test_damaged_graph_fails(store, ontology, shapes):
    data = _document_graph(store)
    bud = rdflib.Namespace("https://w3id.org/cnbudget/def#")
    obs = next(data.subjects(bud.amount, None))
    data.remove((obs, bud.amount, None))
    data.add((obs, bud.amount, rdflib.Literal(1.5)))  # a float, never allowed
    conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none")
    assert not conforms and str(obs) in text

"""The RDF Data Cube integrity constraints (W3C Recommendation "The RDF Data Cube Vocabulary", 16 January 2014,
§11: IC-1 … IC-21, after the normalization algorithm of §10) on the sample and every fixture, each loaded on
its own (the text variants are the sample's own disclosure in other layouts: loaded together they replace it).

Each constraint is the specification's ASK query: true means the data violates it. On a violation the test
shows the first offending bindings (the same pattern as a SELECT)."""
from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from conftest import DOCUMENTS, SAMPLE
from cnbudget.kg.store import Store

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""

# §10.2 normalization: phase 1 (type and property closure), phase 2 (push down attachment levels)
NORMALIZE = [
    "INSERT { ?o rdf:type qb:Observation } WHERE { [] qb:observation ?o }",
    "INSERT { ?o rdf:type qb:Observation } WHERE { ?o qb:dataSet [] }",
    "INSERT { ?s rdf:type qb:Slice } WHERE { [] qb:slice ?s }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:DimensionProperty } WHERE { ?cs qb:dimension ?p }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:MeasureProperty } WHERE { ?cs qb:measure ?p }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:AttributeProperty } WHERE { ?cs qb:attribute ?p }",
    """INSERT { ?obs ?comp ?value } WHERE {
         ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:DataSet .
         ?dataset qb:structure [ qb:component ?spec ] ; ?comp ?value .
         ?obs qb:dataSet ?dataset . }""",
    """INSERT { ?obs ?comp ?value } WHERE {
         ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:Slice .
         ?dataset qb:structure [ qb:component ?spec ] ; qb:slice ?slice .
         ?slice ?comp ?value ; qb:observation ?obs . }""",
    """INSERT { ?obs ?comp ?value } WHERE {
         ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:MeasureProperty .
         ?dataset qb:structure [ qb:component ?spec ] .
         ?comp a qb:AttributeProperty .
         ?measure a qb:MeasureProperty ; ?comp ?value .
         ?obs qb:dataSet ?dataset ; ?measure [] . }""",
]

CONSTRAINTS = {
    "IC-1 unique data set": """ASK {
      { ?obs a qb:Observation . FILTER NOT EXISTS { ?obs qb:dataSet ?dataset1 . } }
      UNION { ?obs a qb:Observation ; qb:dataSet ?dataset1, ?dataset2 . FILTER (?dataset1 != ?dataset2) } }""",
    "IC-2 unique DSD": """ASK {
      { ?dataset a qb:DataSet . FILTER NOT EXISTS { ?dataset qb:structure ?dsd . } }
      UNION { ?dataset a qb:DataSet ; qb:structure ?dsd1, ?dsd2 . FILTER (?dsd1 != ?dsd2) } }""",
    "IC-3 DSD includes measure": """ASK { ?dsd a qb:DataStructureDefinition .
      FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty [ a qb:MeasureProperty ] ] } }""",
    "IC-4 dimensions have range": """ASK { ?dim a qb:DimensionProperty . FILTER NOT EXISTS { ?dim rdfs:range [] } }""",
    "IC-5 concept dimensions have code lists": """ASK { ?dim a qb:DimensionProperty ; rdfs:range skos:Concept .
      FILTER NOT EXISTS { ?dim qb:codeList [] } }""",
    "IC-6 only attributes may be optional": """ASK { ?dsd qb:component ?componentSpec .
      ?componentSpec qb:componentRequired "false"^^xsd:boolean ; qb:componentProperty ?component .
      FILTER NOT EXISTS { ?component a qb:AttributeProperty } }""",
    "IC-7 slice keys must be declared": """ASK { ?sliceKey a qb:SliceKey .
      FILTER NOT EXISTS { [ a qb:DataStructureDefinition ] qb:sliceKey ?sliceKey } }""",
    "IC-8 slice keys consistent with DSD": """ASK { ?slicekey a qb:SliceKey ; qb:componentProperty ?prop .
      ?dsd qb:sliceKey ?slicekey . FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty ?prop ] } }""",
    "IC-9 unique slice structure": """ASK {
      { ?slice a qb:Slice . FILTER NOT EXISTS { ?slice qb:sliceStructure ?key } }
      UNION { ?slice a qb:Slice ; qb:sliceStructure ?key1, ?key2 . FILTER (?key1 != ?key2) } }""",
    "IC-10 slice dimensions complete": """ASK { ?slice qb:sliceStructure [ qb:componentProperty ?dim ] .
      FILTER NOT EXISTS { ?slice ?dim [] } }""",
    "IC-11 all dimensions required": """ASK { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
      ?dim a qb:DimensionProperty . FILTER NOT EXISTS { ?obs ?dim [] } }""",
    "IC-12 no duplicate observations": """ASK { FILTER (?allEqual) {
      SELECT (MIN(?equal) AS ?allEqual) WHERE {
        ?obs1 qb:dataSet ?dataset . ?obs2 qb:dataSet ?dataset . FILTER (?obs1 != ?obs2)
        ?dataset qb:structure/qb:component/qb:componentProperty ?dim . ?dim a qb:DimensionProperty .
        ?obs1 ?dim ?value1 . ?obs2 ?dim ?value2 . BIND (?value1 = ?value2 AS ?equal)
      } GROUP BY ?obs1 ?obs2 } }""",
    "IC-13 required attributes": """ASK { ?obs qb:dataSet/qb:structure/qb:component ?component .
      ?component qb:componentRequired "true"^^xsd:boolean ; qb:componentProperty ?attr .
      FILTER NOT EXISTS { ?obs ?attr [] } }""",
    "IC-14 all measures present": """ASK { ?obs qb:dataSet/qb:structure ?dsd .
      FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty qb:measureType }
      ?dsd qb:component/qb:componentProperty ?measure . ?measure a qb:MeasureProperty .
      FILTER NOT EXISTS { ?obs ?measure [] } }""",
    "IC-15 measure dimension consistent": """ASK { ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure .
      ?dsd qb:component/qb:componentProperty qb:measureType . FILTER NOT EXISTS { ?obs ?measure [] } }""",
    "IC-16 single measure on measure dimension observation": """ASK {
      ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure ; ?omeasure [] .
      ?dsd qb:component/qb:componentProperty qb:measureType ; qb:component/qb:componentProperty ?omeasure .
      ?omeasure a qb:MeasureProperty . FILTER (?omeasure != ?measure) }""",
    "IC-17 all measures present in measures dimension cube": """ASK { {
      SELECT ?numMeasures (COUNT(?obs2) AS ?count) WHERE {
        { SELECT ?dsd (COUNT(?m) AS ?numMeasures) WHERE {
            ?dsd qb:component/qb:componentProperty ?m . ?m a qb:MeasureProperty . } GROUP BY ?dsd }
        ?obs1 qb:dataSet/qb:structure ?dsd ; qb:dataSet ?dataset ; qb:measureType ?m1 .
        ?obs2 qb:dataSet ?dataset ; qb:measureType ?m2 .
        FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty ?dim . FILTER (?dim != qb:measureType)
          ?dim a qb:DimensionProperty . ?obs1 ?dim ?v1 . ?obs2 ?dim ?v2 . FILTER (?v1 != ?v2) }
      } GROUP BY ?obs1 ?numMeasures HAVING (COUNT(?obs2) != ?numMeasures) } }""",
    "IC-18 consistent data set links": """ASK { ?dataset qb:slice ?slice . ?slice qb:observation ?obs .
      FILTER NOT EXISTS { ?obs qb:dataSet ?dataset . } }""",
    "IC-19 codes from code list (scheme)": """ASK {
      ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
      ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a skos:ConceptScheme .
      ?obs ?dim ?v . FILTER NOT EXISTS { ?v a skos:Concept ; skos:inScheme ?list } }""",
    "IC-19 codes from code list (collection)": """ASK {
      ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
      ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a skos:Collection .
      ?obs ?dim ?v . FILTER NOT EXISTS { ?v a skos:Concept . ?list skos:member+ ?v } }""",
}
# IC-20 and IC-21 are templates, one instance per qb:parentChildProperty of a qb:HierarchicalCodeList
HIERARCHY = {
    "IC-20 codes from hierarchy": """ASK {
      ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
      ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a qb:HierarchicalCodeList .
      ?obs ?dim ?v . FILTER NOT EXISTS { ?list qb:hierarchyRoot/<$p>* ?v } }""",
    "IC-21 codes from hierarchy (inverse)": """ASK {
      ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
      ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a qb:HierarchicalCodeList .
      ?obs ?dim ?v . FILTER NOT EXISTS { ?list qb:hierarchyRoot/(^<$p>)* ?v } }""",
}


_cubes: dict[str, ox.Store] = {}


def cube(path, document_stores) -> ox.Store:
    """The document's graphs merged into one default graph with the ontology and code lists, normalized."""
    if path.name not in _cubes:
        merged = ox.Store()
        merged.extend([ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                       for q in Store(document_stores[path.name], read_only=True).quads()])
        for update in NORMALIZE:
            merged.update(PREFIXES + update)
        _cubes[path.name] = merged
    return _cubes[path.name]


def _offending(store: ox.Store, ask: str) -> list[dict]:
    select = re.sub(r"^\s*ASK\s*\{", "SELECT * WHERE {", ask, count=1) + " LIMIT 5"
    return [{v.value: str(s[v]) for v in s.variables if s[v] is not None}
            for s in store.query(PREFIXES + select)] if "FILTER (?allEqual)" not in ask else []


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_integrity_constraints(path, document_stores):
    store = cube(path, document_stores)
    violated = {name: _offending(store, ask) for name, ask in CONSTRAINTS.items()
                if bool(store.query(PREFIXES + ask))}
    assert not violated, violated


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_hierarchy_constraints(path, document_stores):
    store = cube(path, document_stores)
    properties = [s["p"].value for s in store.query(
        PREFIXES + "SELECT DISTINCT ?p WHERE { ?h a qb:HierarchicalCodeList ; qb:parentChildProperty ?p }")]
    for p in properties:
        for name, template in HIERARCHY.items():
            query = template.replace("$p", p)
            assert not bool(store.query(PREFIXES + query)), (name, p, _offending(store, query))


def test_the_sample_cube_is_not_empty(document_stores):
    """The constraints above hold vacuously on an empty graph: the sample's cube has figures of tables and
    narrative, under the structures of their kinds."""
    store = cube(SAMPLE, document_stores)
    count = next(iter(store.query(PREFIXES + """SELECT (COUNT(?o) AS ?n) WHERE {
        ?o a qb:Observation ; qb:dataSet/qb:structure ?dsd }""")))["n"]
    assert int(count.value) > 1000
    structures = {s["dsd"].value.rsplit("#", 1)[-1] for s in store.query(PREFIXES + """SELECT DISTINCT ?dsd WHERE {
        ?d qb:structure ?dsd }""")}
    assert {"ExpenditureStatementStructure", "IncomeExpenditureSummaryStructure", "ThreePublicExpensesStructure",
            "NarrativeMoneyStructure", "NarrativeCountStructure", "NarrativeRatioStructure"} <= structures

"""One convention per kind of value (docs/model.md), on the sample and every fixture: every predicate and class
the data uses is declared; Chinese text is tagged @zh; rates and shares are fractions; years are integers;
every subject concept has a Chinese name; a figure the narrative restates has the table's phase."""
from __future__ import annotations

import re
from decimal import Decimal

import pyoxigraph as ox
import pytest

from conftest import DOCUMENTS, SAMPLE, select
from cnbudget.kg.store import Store
from cnbudget.ontology import BUD, PREFIXES, ontology_files

# the vocabularies the project reuses: their terms are defined by their own specifications
REUSED = {PREFIXES[p] for p in ("rdf", "rdfs", "skos", "qb", "org", "prov", "dcat", "dct", "spdx", "xsd")}
_CJK = re.compile(r"[\u3400-\u9fff]")
RATES = {"statedRate": "", "computedRate": "", "unitExecutionRate": "", "subjectExecutionRate": "",
         "shareOfTotal": "", "ratio": "",
         # an indicator's values are quantities in their own units; those printed in % are rates
         "expectedValue": '?s bud:expectedUnit "%" .', "actualValue": '?s bud:actualUnit "%" .'}


def _ontology() -> ox.Store:
    store = ox.Store()
    for path in ontology_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="module")
def ontology() -> ox.Store:
    return _ontology()


def _stores(document_stores):
    return [(name, Store(path, read_only=True)) for name, path in document_stores.items()]


def _languages(ontology: ox.Store, term: str, prop: str) -> set[str]:
    return {q.object.language for q in ontology.quads_for_pattern(ox.NamedNode(term), ox.NamedNode(prop), None)
            if isinstance(q.object, ox.Literal)}


def _has(ontology: ox.Store, term: str, prop: str) -> bool:
    return any(ontology.quads_for_pattern(ox.NamedNode(term), ox.NamedNode(prop), None))


def test_every_predicate_and_class_in_the_data_is_declared(document_stores, ontology):
    used: dict[str, str] = {}
    for _, store in _stores(document_stores):
        for r in select(store, "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o } FILTER (?g != <https://w3id.org/cnbudget/def>) }"):
            used[r["p"]] = "predicate"
        for r in select(store, "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?s a ?c } FILTER (?g != <https://w3id.org/cnbudget/def>) }"):
            used.setdefault(r["c"], "class")
    rdfs = PREFIXES["rdfs"]
    problems = []
    for term, kind in sorted(used.items()):
        if any(term.startswith(ns) for ns in REUSED):
            continue
        if not term.startswith(BUD):
            problems.append(f"{term}: from no vocabulary the project reuses")
            continue
        missing = [what for what, ok in (
            ("label@zh", "zh" in _languages(ontology, term, rdfs + "label")),
            ("label@en", "en" in _languages(ontology, term, rdfs + "label")),
            ("comment", _has(ontology, term, rdfs + "comment")),
            ("domain", kind == "class" or _has(ontology, term, rdfs + "domain")),
            ("range", kind == "class" or _has(ontology, term, rdfs + "range"))) if not ok]
        if missing:
            problems.append(f"{term} ({kind}): no {', '.join(missing)}")
    assert len(used) > 100
    assert not problems, "\n".join(problems)


def test_chinese_text_is_tagged_zh(document_stores):
    """Every literal holding Chinese characters carries @zh; file names (a distribution's title) are names of
    files, not text."""
    untagged = []
    for name, store in _stores(document_stores):
        for q in store.quads():
            o = q.object
            if isinstance(o, ox.Literal) and not o.language and _CJK.search(o.value) \
                    and not q.subject.value.endswith("/source"):
                untagged.append((name, q.predicate.value, o.value[:30]))
    assert not untagged, untagged[:20]


@pytest.mark.parametrize("prop", RATES)
def test_rates_and_shares_are_fractions(document_stores, prop):
    """No percent left: a rate or share is a fraction (the printed text is kept beside it)."""
    seen, high = 0, []
    for name, store in _stores(document_stores):
        for r in select(store, f"SELECT ?s ?v WHERE {{ ?s bud:{prop} ?v . {RATES[prop]} }}"):
            seen += 1
            if abs(Decimal(r["v"])) > 20:
                high.append((name, r["s"], r["v"]))
    assert not high, high[:10]
    if prop in ("statedRate", "computedRate", "shareOfTotal", "ratio", "expectedValue", "actualValue"):
        assert seen, f"no bud:{prop} in any document: the test would pass on nothing"


def test_years_are_integers_and_match_plainly(document_stores):
    store = Store(document_stores[SAMPLE.name], read_only=True)
    rows = select(store, "SELECT ?d WHERE { ?d a bud:Disclosure ; bud:fiscalYear 2020 }")
    assert len(rows) == 1
    types = {r["t"] for r in select(store, "SELECT DISTINCT (DATATYPE(?y) AS ?t) WHERE { ?s bud:fiscalYear ?y }")}
    assert types == {PREFIXES["xsd"] + "integer"}


def test_every_subject_concept_has_a_chinese_name_in_its_scheme(document_stores):
    """Including the 类 only a summary table names (「十、节能环保支出」): the class list names them."""
    nameless = []
    for name, store in _stores(document_stores):
        nameless += [(name, r["c"]) for r in select(store, """SELECT ?c WHERE {
            ?c skos:inScheme ?s . ?s a bud:SubjectCodeList .
            FILTER NOT EXISTS { ?c skos:prefLabel ?n FILTER (LANG(?n) = "zh") } }""")]
        outside = select(store, """SELECT ?c WHERE { ?c a skos:Concept ; skos:notation ?code .
            { ?c a bud:FunctionalSubject } UNION { ?c a bud:EconomicSubject }
            FILTER NOT EXISTS { ?c skos:inScheme ?s . ?s a bud:SubjectCodeList } }""")
        assert not outside, (name, outside[:5])
    assert not nameless, nameless[:10]


def test_class_concepts_of_the_year_are_linked_to_the_class_list(document_stores):
    store = Store(document_stores[SAMPLE.name], read_only=True)
    rows = select(store, """SELECT ?code ?name WHERE { ?c skos:notation ?code ; skos:exactMatch ?k ; skos:prefLabel ?name .
        ?k skos:inScheme fn:scheme . FILTER (?code = "211") }""")
    assert rows and rows[0]["name"] == "节能环保支出"


def test_the_three_public_budget_is_one_phase_wherever_it_appears(document_stores):
    """80.92 is the 三公 budget of 表07 (its 预算数, the adjusted budget the table's note speaks of) and of the
    narrative that restates it (「“三公”经费财政拨款支出预算为80.92万元」): one phase, and the narrative figure
    points to the table's."""
    store = Store(document_stores[SAMPLE.name], read_only=True)
    rows = select(store, """SELECT ?o ?phase ?restated WHERE { ?o bud:amount 80.92 ; bud:budgetPhase ?phase .
        OPTIONAL { ?o bud:restates ?restated } }""")
    assert len(rows) == 2
    assert {r["phase"] for r in rows} == {PREFIXES["phase"] + "revised"}
    narrative = [r for r in rows if "/section/" in r["o"]]
    table = [r for r in rows if "/table/07/" in r["o"]]
    assert len(narrative) == 1 and len(table) == 1
    assert narrative[0]["restated"] == table[0]["o"]

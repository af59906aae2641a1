"""Tests for the cnbudget ontology (ontology/cnbudget.ttl) and SHACL shapes (ontology/shapes.ttl).

Uses only rdflib and pyshacl. The data graphs here are hand-written and mirror, triple for
triple, what the RDF builder emits for one document named graph; they do not depend on the
loader, so these tests pin the contract between the builder and the shapes.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "cnbudget.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"

BUD = Namespace("https://w3id.org/cnbudget/def#")
BSH = Namespace("https://w3id.org/cnbudget/shapes#")
ONTOLOGY_IRI = URIRef("https://w3id.org/cnbudget/def")
QB = Namespace("http://purl.org/linked-data/cube#")
DCT = Namespace("http://purl.org/dc/terms/")
VANN = Namespace("http://purl.org/vocab/vann/")
EX = Namespace("https://example.org/cnbudget-test/")
# A plain Namespace: rdflib's closed XSD namespace warns when pytest introspects module globals.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

# Types whose bud: instances count as vocabulary terms that need labels and comments.
TERM_TYPES = {
    OWL.Class,
    RDF.Property,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    QB.DimensionProperty,
    QB.MeasureProperty,
    QB.AttributeProperty,
    QB.CodedProperty,
    QB.ComponentProperty,
}
PROPERTY_TYPES = TERM_TYPES - {OWL.Class}

# Terms the brief asks for; a deleted or renamed one should fail loudly, not silently.
REQUIRED_CLASSES = """
    Disclosure FinalAccountsDisclosure BudgetDisclosure Department DisclosureTable TableType
    AccountItem FunctionalSubject EconomicSubject SubjectCodeList Classification BudgetPhase
    ReconciliationRule ReconciliationFinding
""".split()
REQUIRED_PROPERTIES = """
    fiscalYear department consolidated roundingNote checkCount disclosure tableNumber tableType
    currencyUnit isEmpty emptyReason observationCount sourceLine amount amountYuan budgetPhase
    functionalSubject economicSubject item measure rowLabel rowCode lineNumber measureLabel
    measureGroup columnNumber tableSide subjectLevel classificationKind rule findingTable
    otherTable statedAmount computedAmount difference tolerance tolerated totalObservation
    partObservation
""".split()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


# A conforming document graph: one consolidated final-accounts disclosure with one filled
# and one empty table, two observations, a small functional and economic code list and one
# tolerated reconciliation finding. Every optional triple the builder may emit appears at
# least once so that its form is exercised too.
VALID_TTL = """
@prefix bud:   <https://w3id.org/cnbudget/def#> .
@prefix item:  <https://w3id.org/cnbudget/def/item#> .
@prefix tbl:   <https://w3id.org/cnbudget/def/table#> .
@prefix phase: <https://w3id.org/cnbudget/def/phase#> .
@prefix chk:   <https://w3id.org/cnbudget/def/check#> .
@prefix qb:    <http://purl.org/linked-data/cube#> .
@prefix org:   <http://www.w3.org/ns/org#> .
@prefix skos:  <http://www.w3.org/2004/02/skos/core#> .
@prefix prov:  <http://www.w3.org/ns/prov#> .
@prefix dcat:  <http://www.w3.org/ns/dcat#> .
@prefix dct:   <http://purl.org/dc/terms/> .
@prefix spdx:  <http://spdx.org/rdf/terms#> .
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:   <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:    <https://example.org/cnbudget-test/> .

ex:doc a bud:FinalAccountsDisclosure , bud:Disclosure , dcat:Dataset ;
    dct:title "焦作市生态环境局2020年度部门决算"@zh ;
    dct:identifier "jiaozuo-ecology-2020-final-accounts" ;
    bud:fiscalYear 2020 ;
    bud:department ex:org ; dct:publisher ex:org ;
    bud:consolidated true ;
    bud:roundingNote "本套报表金额单位转换时可能存在尾数误差。"@zh ;
    bud:checkCount 57 ;
    bud:disclosureKind bud:kindFinalAccounts , bud:kindDepartmentDisclosure ;
    bud:region "河南省焦作市"@zh ;
    dcat:distribution ex:dist .

ex:dist a dcat:Distribution ;
    dct:title "jiaozuo-ecology-2020-final-accounts.txt" ;
    dcat:mediaType <https://www.iana.org/assignments/media-types/text/plain> ;
    spdx:checksum ex:ck .

ex:ck a spdx:Checksum ;
    spdx:algorithm spdx:checksumAlgorithm_sha256 ;
    spdx:checksumValue "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" .

ex:org a org:Organization , bud:Department ;
    skos:prefLabel "焦作市生态环境局"@zh .

ex:t03 a bud:DisclosureTable , qb:DataSet ;
    bud:disclosure ex:doc ; dct:isPartOf ex:doc ;
    qb:structure bud:ExpenditureStatementStructure ;
    bud:tableNumber "公开03表"@zh ; dct:title "支出决算表"@zh ;
    bud:tableType tbl:ExpenditureStatement ;
    bud:currencyUnit "万元"@zh ;
    bud:fiscalYear 2020 ; bud:department ex:org ;
    bud:sourceLine 817 ; bud:observationCount 2 ; bud:isEmpty false .

ex:t08 a bud:DisclosureTable , qb:DataSet ;
    bud:disclosure ex:doc ; dct:isPartOf ex:doc ;
    qb:structure bud:GovernmentFundStatementStructure ;
    bud:tableNumber "公开08表"@zh ; dct:title "政府性基金预算财政拨款收入支出决算表"@zh ;
    bud:currencyUnit "万元"@zh ;
    bud:fiscalYear 2020 ; bud:department ex:org ;
    bud:sourceLine 2540 ; bud:observationCount 0 ; bud:isEmpty true ;
    bud:emptyReason "我部门没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。"@zh .

ex:obs1 a qb:Observation ;
    qb:dataSet ex:t03 ; bud:disclosure ex:doc ; bud:department ex:org ;
    bud:fiscalYear 2020 ; bud:budgetPhase phase:executed ;
    bud:amount "1175.87"^^xsd:decimal ; bud:amountYuan "11758700"^^xsd:decimal ;
    bud:currencyUnit "万元"@zh ;
    bud:rowLabel "大气"@zh ; bud:rowCode "2110301" ; bud:tableRow ex:row1 ;
    bud:functionalSubject ex:f2110301 ;
    bud:measureLabel "本年支出合计"@zh ; bud:measure item:TotalExpenditure ; bud:columnNumber 1 ;
    bud:sourceLine 1864 ; prov:wasDerivedFrom ex:t03 .

ex:obs2 a qb:Observation ;
    qb:dataSet ex:t03 ; bud:disclosure ex:doc ; bud:department ex:org ;
    bud:fiscalYear 2020 ; bud:budgetPhase phase:executed ;
    bud:amount "1175.88"^^xsd:decimal ; bud:amountYuan "11758800"^^xsd:decimal ;
    bud:currencyUnit "万元"@zh ;
    bud:rowLabel "" ; bud:lineNumber 5 ; bud:item item:Total ; bud:tableRow ex:row2 ;
    bud:economicSubject ex:e30101 ;
    bud:measureLabel "小计"@zh ; bud:measureGroup "本年支出"@zh ; bud:tableSide "支出"@zh ;
    bud:sourceLine 1870 ; prov:wasDerivedFrom ex:t03 .

ex:row1 a skos:Concept ; skos:inScheme bud:TableRows ; skos:prefLabel "大气"@zh ; skos:notation "2110301" .
ex:row2 a skos:Concept ; skos:inScheme bud:TableRows ; skos:notation "5" .

ex:fscheme a skos:ConceptScheme , bud:SubjectCodeList ;
    bud:fiscalYear 2020 ;
    bud:classificationKind bud:FunctionalClassification ;
    skos:prefLabel "2020年政府收支分类科目（支出功能分类）"@zh .

ex:escheme a skos:ConceptScheme , bud:SubjectCodeList ;
    bud:fiscalYear 2020 ;
    bud:classificationKind bud:EconomicClassification ;
    skos:prefLabel "2020年部门预算支出经济分类科目"@zh .

ex:f211 a skos:Concept , bud:FunctionalSubject ;
    skos:notation "211" ; skos:prefLabel "节能环保支出"@zh ;
    skos:inScheme ex:fscheme , bud:FunctionalClassification ; bud:subjectLevel 1 .

# A parent code that appears without a name.
ex:f21103 a skos:Concept , bud:FunctionalSubject ;
    skos:notation "21103" ;
    skos:inScheme ex:fscheme , bud:FunctionalClassification ; skos:broader ex:f211 ; bud:subjectLevel 2 .

ex:f2110301 a skos:Concept , bud:FunctionalSubject ;
    skos:notation "2110301" ; skos:prefLabel "大气"@zh ;
    skos:inScheme ex:fscheme , bud:FunctionalClassification ; skos:broader ex:f21103 ; bud:subjectLevel 3 .

ex:e301 a skos:Concept , bud:EconomicSubject ;
    skos:notation "301" ; skos:prefLabel "工资福利支出"@zh ;
    skos:inScheme ex:escheme , bud:EconomicClassification ; bud:subjectLevel 1 .

ex:e30101 a skos:Concept , bud:EconomicSubject ;
    skos:notation "30101" ; skos:prefLabel "基本工资"@zh ;
    skos:inScheme ex:escheme , bud:EconomicClassification ; skos:broader ex:e301 ; bud:subjectLevel 2 .

ex:finding1 a bud:ReconciliationFinding ;
    bud:disclosure ex:doc ; bud:rule chk:TotalEqualsSumOfParts ;
    bud:findingTable ex:t03 ; bud:otherTable ex:t08 ;
    bud:statedAmount "1175.88"^^xsd:decimal ; bud:computedAmount "1175.87"^^xsd:decimal ;
    bud:difference "0.01"^^xsd:decimal ; bud:tolerance "0.02"^^xsd:decimal ;
    bud:tolerated true ;
    bud:totalObservation ex:obs2 ; bud:partObservation ex:obs1 ;
    rdfs:comment "合计数与分项之和相差0.01万元，在尾数误差范围内。"@zh .
"""


@pytest.fixture()
def valid_data() -> Graph:
    # Function scope: tests mutate their copy.
    return Graph().parse(data=VALID_TTL, format="turtle")


def run_shacl(data: Graph, shapes: Graph, ontology: Graph):
    """Validate as the loader is meant to: ontology as ont_graph, no inference."""
    conforms, results, text = validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=False,
        meta_shacl=False,
        advanced=False,
    )
    return conforms, results, text


def violations(results: Graph) -> list[dict]:
    """The top-level validation results as plain dicts, for readable assertions.

    Only results linked from the report with sh:result; pyshacl also emits the nested results
    of sh:node / sh:or checks (linked with sh:detail), whose focus is the offending value.
    """
    out = []
    report = results.value(predicate=RDF.type, object=SH.ValidationReport)
    for r in results.objects(report, SH.result):
        out.append(
            {
                "focus": results.value(r, SH.focusNode),
                "path": results.value(r, SH.resultPath),
                "component": results.value(r, SH.sourceConstraintComponent),
                "message": str(results.value(r, SH.resultMessage)),
            }
        )
    return out


# --------------------------------------------------------------------------- parsing


def test_both_files_parse(ontology: Graph, shapes: Graph) -> None:
    assert len(ontology) > 100
    assert len(shapes) > 100


def test_ontology_header(ontology: Graph) -> None:
    o = ONTOLOGY_IRI
    assert (o, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(o, OWL.versionInfo) == Literal("1.0")
    title_langs = {t.language for t in ontology.objects(o, DCT.title)}
    assert {"zh", "en"} <= title_langs
    assert ontology.value(o, DCT.description) is not None
    assert ontology.value(o, VANN.preferredNamespacePrefix) == Literal("bud")


# --------------------------------------------------------------------------- ontology terms


def bud_terms(ontology: Graph) -> set[URIRef]:
    """bud: subjects typed as a class or (any kind of) property."""
    return {
        s
        for t in TERM_TYPES
        for s in ontology.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(str(BUD))
    }


def test_required_terms_exist(ontology: Graph) -> None:
    terms = bud_terms(ontology)
    missing = [n for n in REQUIRED_CLASSES + REQUIRED_PROPERTIES if BUD[n] not in terms]
    assert not missing, f"terms missing from cnbudget.ttl: {missing}"
    for n in REQUIRED_CLASSES:
        assert (BUD[n], RDF.type, OWL.Class) in ontology, n


def test_every_term_is_labelled_and_documented(ontology: Graph) -> None:
    problems = []
    for term in sorted(bud_terms(ontology)):
        label_langs = {lbl.language for lbl in ontology.objects(term, RDFS.label)}
        if not {"zh", "en"} <= label_langs:
            problems.append(f"{term}: rdfs:label languages {label_langs}")
        comment_langs = {c.language for c in ontology.objects(term, RDFS.comment)}
        if "en" not in comment_langs:
            problems.append(f"{term}: no English rdfs:comment")
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in ontology:
            problems.append(f"{term}: no rdfs:isDefinedBy {ONTOLOGY_IRI}")
    assert not problems, "\n".join(problems)


def test_every_property_has_a_range(ontology: Graph) -> None:
    props = {t for t in bud_terms(ontology) if any((t, RDF.type, pt) in ontology for pt in PROPERTY_TYPES)}
    assert len(props) >= len(REQUIRED_PROPERTIES)
    without = sorted(p for p in props if ontology.value(p, RDFS.range) is None)
    assert not without, f"properties without rdfs:range: {without}"


def test_classification_individuals_are_labelled(ontology: Graph) -> None:
    for ind in (BUD.FunctionalClassification, BUD.EconomicClassification):
        assert (ind, RDF.type, BUD.Classification) in ontology
        assert {lbl.language for lbl in ontology.objects(ind, RDFS.label)} >= {"zh", "en"}


def test_alignments(ontology: Graph) -> None:
    obeu_dim = Namespace("http://data.openbudgets.eu/ontology/dsd/dimension/")
    obeu_measure = Namespace("http://data.openbudgets.eu/ontology/dsd/measure/")
    expected = {
        BUD.department: obeu_dim.organization,
        BUD.budgetPhase: obeu_dim.budgetPhase,
        BUD.functionalSubject: obeu_dim.functionalClassification,
        BUD.economicSubject: obeu_dim.economicClassification,
        BUD.amount: obeu_measure.amount,
    }
    for prop, parent in expected.items():
        assert (prop, RDFS.subPropertyOf, parent) in ontology, prop
    for dim in ("fiscalYear", "department", "budgetPhase", "tableRow", "tableColumn", "side"):
        assert (BUD[dim], RDF.type, QB.DimensionProperty) in ontology, dim
    assert (BUD.amount, RDF.type, QB.MeasureProperty) in ontology
    assert (BUD.currencyUnit, RDF.type, QB.AttributeProperty) in ontology
    # A unit is not a currency: related, but deliberately not a sub-property.
    assert ontology.value(BUD.currencyUnit, RDFS.subPropertyOf) is None
    assert ontology.value(BUD.disclosure, RDFS.subPropertyOf) is None


def _components(ontology: Graph, dsd) -> dict:
    by_property = {}
    for comp in ontology.objects(dsd, QB.component):
        for role in (QB.dimension, QB.measure, QB.attribute):
            prop = ontology.value(comp, role)
            if prop is not None:
                required = ontology.value(comp, QB.componentRequired)
                by_property[prop] = (role, None if required is None else required.toPython())
    return by_property


def test_data_structure_definitions(ontology: Graph) -> None:
    """One structure per kind of table, each with the dimensions its figures really have: department, year,
    phase, row and column of the table, and the side where the kind is two-sided; money the one measure;
    subject, item and column measure coded attributes. Only attributes are optional (Data Cube IC-6)."""
    tbl = Namespace("https://w3id.org/cnbudget/def/table#")
    kinds = set(Graph().parse(ONTOLOGY_DIR / "codelists" / "tables.ttl").subjects(RDF.type, BUD.TableType))
    structures = {ontology.value(dsd, BUD.structureFor): dsd for dsd in ontology.subjects(BUD.structureFor, None)}
    assert kinds and set(structures) == kinds
    two_sided = {tbl.IncomeExpenditureSummary, tbl.FiscalAppropriationSummary, tbl.GeneralBudgetBasicExpenditure}
    for kind, dsd in structures.items():
        components = _components(ontology, dsd)
        dimensions = {p for p, (role, _) in components.items() if role == QB.dimension}
        expected = {BUD.department, BUD.fiscalYear, BUD.budgetPhase, BUD.tableRow, BUD.tableColumn}
        assert dimensions == expected | ({BUD.side} if kind in two_sided else set()), kind
        assert {p for p, (role, _) in components.items() if role == QB.measure} == {BUD.amount}, kind
        for prop in (BUD.functionalSubject, BUD.economicSubject, BUD.item, BUD.measure):
            assert components[prop] == (QB.attribute, False), (kind, prop)
        assert all(role == QB.attribute for role, required in components.values() if required is False)
    narrative = {name: _components(ontology, BUD[name]) for name in
                 ("NarrativeMoneyStructure", "NarrativeCountStructure", "NarrativeRatioStructure")}
    assert [sorted(p for p, (role, _) in c.items() if role == QB.measure) for c in narrative.values()] == [
        [BUD.amount], [BUD["count"]], [BUD.ratio]]


# --------------------------------------------------------------------------- shapes vs ontology

BUD_CURIE = re.compile(r"\bbud:([A-Za-z_][A-Za-z0-9_-]*)")


def undefined_bud_terms(shapes: Graph, ontology: Graph) -> set[str]:
    """bud: terms the shapes mention that the ontology does not define.

    Looks at every IRI in the shapes graph (sh:path, sh:class, sh:targetClass, sh:hasValue,
    sh:in members …) and at the bud: names inside SPARQL constraint text. "Defined" means the
    IRI has an rdf:type in cnbudget.ttl.
    """
    mentioned: set[URIRef] = set()
    for triple in shapes:
        for node in triple:
            if isinstance(node, URIRef) and str(node).startswith(str(BUD)):
                mentioned.add(node)
    for query in shapes.objects(None, SH.select):
        mentioned.update(BUD[name] for name in BUD_CURIE.findall(str(query)))
    return {str(t) for t in mentioned if ontology.value(t, RDF.type) is None}


def test_shapes_only_use_defined_terms(shapes: Graph, ontology: Graph) -> None:
    assert undefined_bud_terms(shapes, ontology) == set()


def test_undefined_term_check_catches_typos(shapes: Graph, ontology: Graph) -> None:
    # The check above must be able to fail: plant a typo in a path and in a SPARQL query.
    broken = Graph()
    broken += shapes
    prop_shape = BNode()
    broken.add((BSH.ObservationShape, SH.property, prop_shape))
    broken.add((prop_shape, SH.path, BUD.amuont))
    broken.add((BSH.Typo, SH.targetClass, BUD.Disclosre))
    broken.add((BNode(), SH.select, Literal("SELECT $this WHERE { $this bud:isEmtpy true }")))
    assert undefined_bud_terms(broken, ontology) == {str(BUD.amuont), str(BUD.Disclosre), str(BUD.isEmtpy)}


def test_every_shape_explains_itself(shapes: Graph) -> None:
    shape_nodes = set(shapes.subjects(RDF.type, SH.NodeShape))
    shape_nodes |= set(shapes.subjects(SH.targetClass, None))
    shape_nodes |= set(shapes.objects(None, SH.property))
    shape_nodes |= set(shapes.objects(None, SH.sparql))
    silent = [
        f"{s} (path {shapes.value(s, SH.path)})"
        for s in shape_nodes
        if shapes.value(s, SH.message) is None and shapes.value(s, RDFS.comment) is None
    ]
    assert not silent, "shapes without sh:message or rdfs:comment:\n" + "\n".join(silent)


def test_shapes_graph_is_well_formed_shacl(shapes: Graph, valid_data: Graph, ontology: Graph) -> None:
    # meta_shacl validates the shapes graph against the SHACL-for-SHACL shapes first.
    conforms, _, text = validate(valid_data, shacl_graph=shapes, ont_graph=ontology, inference="none", meta_shacl=True)
    assert conforms, text


# --------------------------------------------------------------------------- validation


def test_valid_document_conforms(valid_data: Graph, shapes: Graph, ontology: Graph) -> None:
    conforms, results, text = run_shacl(valid_data, shapes, ontology)
    assert conforms, text
    assert violations(results) == []


def test_broken_document_reports_the_broken_nodes(valid_data: Graph, shapes: Graph, ontology: Graph) -> None:
    g = valid_data
    # 1. an amount as a float instead of an exact decimal
    g.set((EX.obs1, BUD.amount, Literal("1175.87", datatype=XSD.double)))
    # 2. a subject whose broader's notation (21103) is not a prefix of its own (2120101)
    bad = EX.f2120101
    g.add((bad, RDF.type, SKOS.Concept))
    g.add((bad, RDF.type, BUD.FunctionalSubject))
    g.add((bad, SKOS.notation, Literal("2120101")))
    g.add((bad, SKOS.inScheme, EX.fscheme))
    g.add((bad, SKOS.broader, EX.f21103))
    g.add((bad, BUD.subjectLevel, Literal(3)))
    # 3. an observation that belongs to no table
    g.remove((EX.obs2, QB.dataSet, None))

    conforms, results, text = run_shacl(g, shapes, ontology)
    assert not conforms
    found = violations(results)
    # Only the three broken nodes are reported: the breaks do not spill over.
    assert {v["focus"] for v in found} == {EX.obs1, bad, EX.obs2}, text

    def reported(focus, path=None, component=None) -> bool:
        return any(
            v["focus"] == focus
            and (path is None or v["path"] == path)
            and (component is None or v["component"] == component)
            for v in found
        )

    assert reported(EX.obs1, BUD.amount, SH.DatatypeConstraintComponent), text
    assert reported(bad, component=SH.SPARQLConstraintComponent), text
    assert reported(EX.obs2, QB.dataSet, SH.MinCountConstraintComponent), text
    # Messages come from the shapes, so a failure explains itself.
    assert any("prefix" in v["message"] for v in found if v["focus"] == bad)


def _set(g: Graph, s, p, o) -> None:
    g.set((s, p, o))


# One mutation per rule that is easy to get wrong in a builder; each must be reported on the
# expected focus node by the expected kind of constraint. (id, mutation, focus, component)
MUTATIONS = [
    ("empty-table-with-observations",
     lambda g: _set(g, EX.t08, BUD.observationCount, Literal(3)),
     EX.t08, SH.SPARQLConstraintComponent),
    ("empty-reason-on-filled-table",
     lambda g: g.add((EX.t03, BUD.emptyReason, Literal("无数据", lang="zh"))),
     EX.t03, SH.SPARQLConstraintComponent),
    ("source-line-zero",
     lambda g: _set(g, EX.obs1, BUD.sourceLine, Literal(0)),
     EX.obs1, SH.NodeConstraintComponent),
    ("table-without-source-line",
     lambda g: g.remove((EX.t03, BUD.sourceLine, None)),
     EX.t03, SH.MinCountConstraintComponent),
    ("year-as-string",
     lambda g: _set(g, EX.obs1, BUD.fiscalYear, Literal("2020")),
     EX.obs1, SH.DatatypeConstraintComponent),
    ("two-functional-subjects",
     lambda g: g.add((EX.obs1, BUD.functionalSubject, EX.f21103)),
     EX.obs1, SH.MaxCountConstraintComponent),
    ("economic-subject-that-is-functional",
     lambda g: _set(g, EX.obs2, BUD.economicSubject, EX.f211),
     EX.obs2, SH.ClassConstraintComponent),
    ("unknown-phase",
     lambda g: _set(g, EX.obs1, BUD.budgetPhase, URIRef("https://w3id.org/cnbudget/def/phase#draft")),
     EX.obs1, SH.InConstraintComponent),
    ("unit-without-language-tag",  # Chinese text is tagged @zh (docs/model.md)
     lambda g: _set(g, EX.obs2, BUD.currencyUnit, Literal("万元")),
     EX.obs2, SH.InConstraintComponent),
    ("item-outside-item-namespace",
     lambda g: _set(g, EX.obs2, BUD.item, EX.Total),
     EX.obs2, SH.PatternConstraintComponent),
    ("table-side-empty",
     lambda g: _set(g, EX.obs2, BUD.tableSide, Literal("")),
     EX.obs2, SH.MinLengthConstraintComponent),
    ("amount-yuan-as-float",
     lambda g: _set(g, EX.obs2, BUD.amountYuan, Literal(11758800.0)),
     EX.obs2, SH.DatatypeConstraintComponent),
    ("observation-names-other-disclosure",
     lambda g: _set(g, EX.obs1, BUD.disclosure, EX.doc2) or g.add((EX.doc2, RDF.type, BUD.Disclosure)),
     EX.obs1, SH.SPARQLConstraintComponent),
    ("notation-with-letters",
     lambda g: _set(g, EX.e301, SKOS.notation, Literal("30A")),
     EX.e301, SH.PatternConstraintComponent),
    ("level-does-not-match-code-length",
     lambda g: _set(g, EX.f21103, BUD.subjectLevel, Literal(3)),
     EX.f21103, SH.SPARQLConstraintComponent),
    ("functional-subject-in-economic-list",
     lambda g: g.remove((EX.f211, SKOS.inScheme, EX.fscheme)) or g.add((EX.f211, SKOS.inScheme, EX.escheme)),
     EX.f211, SH.QualifiedMinCountConstraintComponent),
    ("economic-broader-is-functional",
     lambda g: _set(g, EX.e30101, SKOS.broader, EX.f211),
     EX.e30101, SH.ClassConstraintComponent),
    ("checksum-not-hex",
     lambda g: _set(g, EX.ck, URIRef("http://spdx.org/rdf/terms#checksumValue"), Literal("not-a-checksum")),
     EX.ck, SH.PatternConstraintComponent),
    ("tolerated-flag-wrong",
     lambda g: _set(g, EX.finding1, BUD.tolerated, Literal(False)),
     EX.finding1, SH.SPARQLConstraintComponent),
    ("difference-wrong",
     lambda g: _set(g, EX.finding1, BUD.difference, Literal(Decimal("0.02"))),
     EX.finding1, SH.SPARQLConstraintComponent),
    ("finding-without-tolerated",
     lambda g: g.remove((EX.finding1, BUD.tolerated, None)),
     EX.finding1, SH.MinCountConstraintComponent),
]


@pytest.mark.parametrize(
    "mutate,focus,component", [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS]
)
def test_single_rule_violations(mutate, focus, component, valid_data: Graph, shapes: Graph, ontology: Graph) -> None:
    mutate(valid_data)
    conforms, results, text = run_shacl(valid_data, shapes, ontology)
    assert not conforms
    assert any(v["focus"] == focus and v["component"] == component for v in violations(results)), text

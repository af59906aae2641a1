#!/usr/bin/env python3
"""Write docs/vocabulary.html: the ontology (ontology/cnbudget.ttl) documented by pyLODE, one section per class
with its example query (skos:example), then the object and datatype properties.

    pip install '.[docs]'                  # pyLODE
    python scripts/vocabulary-docs.py      # or: … -o OTHER.html

pyLODE's OntPub profile renders skos:example itself, as a <pre> row "Example" of the class's table; the page is
otherwise pyLODE's own, not post-processed. What pyLODE reads is a copy of the ontology, prepared so (the Turtle
file is not changed):
- each term's two labels (@zh, @en) become one, "English (中文)": pyLODE prints every label of a term side by side
  with nothing between them, and builds the term's anchor from its first label with the non-ASCII characters
  dropped (a Chinese label gives an empty anchor);
- every term's anchor is its local name (#Disclosure, #fiscalYear), set before pyLODE makes its own;
- a domain that is a union of classes (rdfs:domain [ owl:unionOf ( … ) ]) is given as schema:domainIncludes of
  each class: pyLODE prints a union's classes in a different order every run, and the classes then list the
  property (In Domain Includes Of) as they do a property whose domain is the class alone;
- the concept schemes the ontology declares (bud:TableRows, the two classifications) lose their skos:ConceptScheme
  type: pyLODE reads every scheme as the document's own metadata and would merge their descriptions into the
  ontology's;
- the ontology gets a note (skos:note, shown under Metadata) saying how the examples run, and the project's
  prefixes (cnbudget.ontology.PREFIXES, those `kg query` predeclares) are bound, so that the page names terms as
  the examples do.

The code lists (ontology/codelists/) are not rendered: OntPub shows classes and properties only, and pyLODE's SKOS
profile (VocPub) shows none of their concepts. The classes backed by a code list (bud:AccountItem, bud:TableType,
bud:BudgetPhase, bud:ReconciliationRule, bud:Renaming) have examples that list its concepts.

Output is deterministic (sorted subjects), so the committed page changes only when the ontology does.
"""
from __future__ import annotations

import argparse
import importlib.util
import logging
from pathlib import Path

from rdflib import RDF, RDFS, SDO, SKOS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, OWL

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "cnbudget.ttl"
OUTPUT = ROOT / "docs" / "vocabulary.html"
ONTOLOGY_IRI = URIRef("https://w3id.org/cnbudget/def")

NOTE = ("Each class has an Example: a SPARQL query that finds its instances with their key properties, "
        "written for `kg query 'SELECT …'`, which predeclares the prefixes {prefixes} (add PREFIX lines, "
        "with the IRIs under Namespaces, to run one elsewhere). Every example returns rows on the bundled sample "
        "(`kg load data/samples/`; tests/test_vocabulary_docs.py). Regenerate this page with "
        "`python scripts/vocabulary-docs.py`.")


def project_prefixes() -> dict[str, str]:
    """cnbudget.ontology.PREFIXES, read from this checkout (the module imports nothing of the package)."""
    spec = importlib.util.spec_from_file_location("_cnbudget_ontology", ROOT / "ontology" / "__init__.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PREFIXES


def one_label(labels: list[Literal]) -> Literal | None:
    """"English (中文)" from a term's labels; the label itself when it has one only."""
    by_lang = {lab.language: str(lab) for lab in labels}
    en, zh = by_lang.get("en"), by_lang.get("zh")
    if en and zh:
        return Literal(f"{en} ({zh})")
    return labels[0] if labels else None


def prepare(ontology: Graph, prefixes: dict[str, str]) -> tuple[Graph, dict[str, str]]:
    """A copy of the ontology as pyLODE should read it, and the anchor of every term (IRI → local name)."""
    g = Graph(bind_namespaces="core")
    for prefix, ns in ontology.namespace_manager.namespaces():
        g.bind(prefix, ns, override=True)
    for prefix, ns in prefixes.items():
        g.bind(prefix, ns, override=True, replace=True)
    for t in to_canonical_graph(ontology):  # blank nodes named by their content: the same page every run
        g.add(t)
    for s in set(g.subjects(RDFS.label)) | set(g.subjects(DCTERMS.title)):
        for p in (RDFS.label, DCTERMS.title):
            label = one_label(list(g.objects(s, p)))
            if label is not None:
                g.remove((s, p, None))
                g.add((s, p, label))
    for prop, union in list(g.subject_objects(RDFS.domain)):
        members = g.value(union, OWL.unionOf)
        if isinstance(union, BNode) and members is not None:
            for member in Collection(g, members):
                g.add((prop, SDO.domainIncludes, member))
            g.remove((prop, RDFS.domain, union))
            g.remove((union, None, None))
            Collection(g, members).clear()
            g.remove((members, None, None))
    for scheme in list(g.subjects(RDF.type, SKOS.ConceptScheme)):
        if scheme != ONTOLOGY_IRI:
            g.remove((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((ONTOLOGY_IRI, SKOS.note, Literal(NOTE.format(prefixes=", ".join(f"{p}:" for p in prefixes)))))
    bud = prefixes["bud"]
    anchors = {str(s): str(s)[len(bud):] for s in set(g.subjects())
               if isinstance(s, URIRef) and str(s).startswith(bud) and len(str(s)) > len(bud)}
    return g, anchors


def generate(output: Path = OUTPUT, ontology_file: Path = ONTOLOGY) -> Path:
    from pylode import OntPub  # the `docs` extra

    logging.getLogger().setLevel(logging.WARNING)  # pyLODE sets the root logger to DEBUG when imported

    ontology = Graph().parse(ontology_file, format="turtle")
    graph, anchors = prepare(ontology, project_prefixes())
    doc = OntPub(graph, sort_subjects=True)
    doc.fids.update(anchors)
    output.parent.mkdir(parents=True, exist_ok=True)
    html = doc.make_html()
    output.write_text(html.rstrip("\n") + "\n", encoding="utf-8")
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT.relative_to(ROOT)}")
    args = parser.parse_args()
    print(generate(args.output))


if __name__ == "__main__":
    main()

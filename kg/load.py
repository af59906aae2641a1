"""Loading: file → records (loaders/) → reconciliation → quads → the store, one disclosure at a time.

Every file is parsed and checked in full before anything is written, so bad
input leaves the store as it was.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import rdf
from kg.resources import ontology_files
from kg.execution import analyse
from kg.reconcile import reconcile
from kg.store import Store
from loaders import LoadError, iter_files, load_file


@dataclass
class Report:
    path: str
    status: str  # loaded / failed
    document: str | None = None
    title: str | None = None
    tables: int = 0
    observations: int = 0
    triples: int = 0
    checks: int = 0
    findings: int = 0
    mismatches: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    line: int | None = None


ONTOLOGY_GRAPH = "https://w3id.org/cnbudget/def"


def ontology_quads() -> list[ox.Quad]:
    """The ontology and code lists, kept in the store so queries can use their labels and hierarchy.
    Blank nodes are skolemised by order of appearance so that a reload gives identical quads."""
    g = ox.NamedNode(ONTOLOGY_GRAPH)
    quads = []
    for path in ontology_files():
        names: dict[str, ox.NamedNode] = {}

        def term(t, stem=path.stem, names=names):
            if isinstance(t, ox.BlankNode):
                if t.value not in names:
                    names[t.value] = ox.NamedNode(f"{ONTOLOGY_GRAPH}/.well-known/genid/{stem}-{len(names) + 1}")
                return names[t.value]
            return t

        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            quads.append(ox.Quad(term(t.subject), t.predicate, term(t.object), g))
    return quads


def load_one(store: Store, path: Path, base: str | None = None) -> Report:
    try:
        doc = load_file(path)
    except LoadError as e:
        return Report(str(path), "failed", error=str(e), line=e.line)
    result = reconcile(doc)
    analysis = analyse(doc, result)
    minter, quads, reference = rdf.build(doc, result, base, analysis)
    store.replace_graph(minter.graph, quads)
    store.add(reference)
    return Report(str(path), "loaded", document=minter.doc, title=doc.title, tables=len(doc.tables),
                  observations=len(doc.observations), triples=len(quads) + len(reference), checks=result.checks,
                  findings=len(result.findings), mismatches=sum(not f.tolerated for f in result.findings),
                  warnings=doc.warnings)


def load_paths(store: Store, paths: list[str], base: str | None = None, progress=None) -> list[Report]:
    files = list(iter_files(paths))
    reports = []
    for path in files:
        reports.append(load_one(store, path, base))
        if progress:
            progress(reports[-1])
    if any(r.status == "loaded" for r in reports):
        store.replace_graph(ONTOLOGY_GRAPH, ontology_quads())
        store.refresh_derived(base)
        store.flush()
    return reports

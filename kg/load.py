"""Loading: file → records (loaders/) → reconciliation → quads → the store, one disclosure at a time.

Every file is parsed and checked in full (`prepare`) before anything is written (`write`), so bad
input leaves the store as it was. With several files, worker processes prepare the next documents
while this process writes: parsing is pure Python and would otherwise leave a core idle.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from cnbudget.kg import rdf
from cnbudget.kg.rdf import years
from cnbudget.kg.rdf.years import YearIndex
from cnbudget.ontology import ontology_files
from cnbudget.kg.interpret.budget_execution import analyse
from cnbudget.kg.interpret.reconcile import reconcile
from cnbudget.kg.store import GraphStore
from cnbudget.loaders import LoadError, iter_files, load_file


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


@dataclass
class Prepared:
    """A document parsed, checked and turned into RDF, ready to write: N-Quads bytes, which cross from a
    worker process cheaply (pyoxigraph terms do not)."""
    report: Report
    graph: str = ""
    quads: bytes = b""
    reference: bytes = b""
    department: str | None = None  # as named
    kind: str = ""
    year: int | None = None
    coded: list[tuple[str, str, str, str]] = field(default_factory=list)  # (table type, measure, row code, figure)
    named: set[tuple[str, str]] = field(default_factory=set)  # (subject IRI, name printed for it)


def prepare(path: Path, base: str | None = None) -> Prepared:
    """Everything but the write: file → records → checks → quads. Pure, so it runs in any process."""
    try:
        doc = load_file(path)
    except LoadError as e:
        return Prepared(Report(str(path), "failed", error=str(e), line=e.line))
    result = reconcile(doc)
    analysis = analyse(doc, result)
    b = rdf.build(doc, result, base, analysis)
    report = Report(str(path), "loaded", document=b.m.doc, title=doc.title, tables=len(doc.tables),
                    observations=len(doc.observations), triples=len(b.lines) + len(b.reference_lines),
                    checks=result.checks, findings=len(result.findings),
                    mismatches=sum(not f.tolerated for f in result.findings), warnings=doc.warnings)
    return Prepared(report, b.m.graph, b.nquads(), b.reference_nquads(), doc.department,
                    doc.kind, doc.year, b.coded, b.named)


@dataclass
class Batch:
    """What the documents of one run add to the derived graphs (Store.refresh_derived, kg/years.py)."""
    years: YearIndex = field(default_factory=YearIndex)
    names: dict[str, set[str]] = field(default_factory=dict)
    replaced: bool = False  # a graph held before was replaced: names may have gone, labels are rebuilt


def write(store: GraphStore, group: list[Prepared], batch: Batch) -> list[Report]:
    """Documents into the store: their graphs replaced as one unit (Store.replace_graphs); failed ones
    only reported."""
    loaded = [p for p in group if p.report.status == "loaded"]
    # one write; on the embedded store one bulk load: a write cut off may leave shared resources, never a part graph
    existed = store.replace_graphs([p.graph for p in loaded], b"".join([p.quads for p in loaded] + [
        p.reference for p in loaded]), trusted=True) if loaded else []
    if any(e is not False for e in existed):
        batch.replaced = True
    for p in loaded:
        if p.department and p.year:
            batch.years.add(p.department, p.kind, p.year, p.coded)
        for subject, name in p.named:
            batch.names.setdefault(subject, set()).add(name)
    return [p.report for p in group]


def prepared(files: list[Path], base: str | None, jobs: int, ahead: int = 0) -> Iterator[tuple[Prepared, bool]]:
    """Documents prepared in order, each with whether the next one is still being parsed (so writing
    now costs no wait): in `jobs` worker processes while this one writes, or here when jobs is 1 or
    there is a single file. At most `ahead` + 2 × jobs documents wait in memory: the workers keep
    parsing while a group of `ahead` documents is written. The workers are spawned, so a script
    calling this with jobs > 1 needs the usual `if __name__ == "__main__":` guard (the `kg` command has it)."""
    if jobs <= 1 or len(files) < 2:
        for path in files:
            yield prepare(path, base), False
        return
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=end_with_parent) as pool:
        pending: deque = deque()
        for path in files:
            pending.append(pool.submit(prepare, path, base))
            if len(pending) >= ahead + 2 * jobs:
                p = pending.popleft().result()
                yield p, not pending[0].done()
        while pending:
            p = pending.popleft().result()
            yield p, bool(pending) and not pending[0].done()


# --- workers end with their parent ---------------------------------------------------------------

def end_with_parent() -> None:
    """The initializer of a worker process: end the worker as soon as the process that started it has ended.
    A parent that exits normally shuts its pool down, but one killed (kill -9, the OOM killer) cannot: its
    workers would go on parsing, or wait for work, with no one to give it to them. A thread waits on the
    parent's sentinel (the pipe a spawned process is started through: the parent holds its other end until
    it ends) and ends the worker then."""
    parent = multiprocessing.parent_process()
    if parent is None:  # not a worker
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


_GROUP_BYTES = 64 << 20  # N-Quads written at once at most (about 400,000 quads)


def default_jobs() -> int:
    """Worker processes for parsing: one per core (the writes are mostly in pyoxigraph's own threads)."""
    return max(1, min(8, (os.cpu_count() or 1)))


def load_paths(store: GraphStore, paths: list[str], base: str | None = None, progress=None,
               jobs: int = 1, group: int = 8) -> list[Report]:
    """Load files and folders; documents are written `group` at a time (Store.replace_graphs), or as
    few as `jobs` when the next is still being parsed: a write then costs no waiting (the first ones)."""
    files = list(iter_files(paths))
    reports = []
    batch = Batch()
    pending: list[Prepared] = []

    def flush() -> None:
        for report in write(store, pending, batch):
            reports.append(report)
            if progress:
                progress(report)
        pending.clear()

    for p, waiting in prepared(files, base, jobs, ahead=group):
        if any(q.graph == p.graph for q in pending if p.graph):
            flush()  # the same disclosure twice: the later file replaces the earlier, as loaded one by one
        pending.append(p)
        full = len(pending) >= group or sum(len(q.quads) for q in pending) >= _GROUP_BYTES
        if full or waiting and len(pending) >= jobs:
            flush()
    flush()
    if any(r.status == "loaded" for r in reports):
        store.replace_graph(ONTOLOGY_GRAPH, ontology_quads())
        store.refresh_derived(base, None if batch.replaced else batch.names)
        years.refresh(store, batch.years, base)
        store.flush()
    return reports

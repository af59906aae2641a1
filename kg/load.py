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
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from cnbudget.kg import rdf, versions
from cnbudget.kg.rdf import iris, years
from cnbudget.kg.rdf.terms import bud, dcat, integer, iri, plain
from cnbudget.kg.rdf.years import YearIndex
from cnbudget.ontology import ontology_files
from cnbudget.kg.interpret.budget_execution import analyse
from cnbudget.kg.interpret.reconcile import reconcile
from cnbudget.kg.store import GraphStore
from cnbudget.kg.store.loads import now as load_time, record_loads
from cnbudget.loaders import LoadError, Limits, iter_files, load_data, read_bytes
from cnbudget.loaders.errors import CUT_OFF, printable


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
    graph: str | None = None  # the disclosure's named graph


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
    # what `guard` compares with a version of the same document already stored
    source: versions.Source | None = None
    suspect: list[str] = field(default_factory=list)  # why the document looks cut off (its warnings that say so)


def _failed(path, error: LoadError) -> Prepared:
    return Prepared(Report(printable(path), "failed", error=str(error), line=error.line))


def prepare(path: Path, base: str | None = None, limits: Limits | None = None) -> Prepared:
    """Everything but the write: file → records → checks → quads. Pure, so it runs in any process. Whatever goes
    wrong with one file is that file's failed report, never an exception: bad input is a LoadError, and any
    other exception (a parser's bug, memory) is reported as an internal error, so the other files still load."""
    try:
        return prepare_strict(path, base, limits or Limits.from_env())
    except LoadError as e:
        return _failed(path, e)
    except (Exception, MemoryError, RecursionError) as e:  # noqa: BLE001 — one file's failure, whatever it is
        reason = f"internal error while reading it ({type(e).__name__}: {str(e)[:300] or 'no detail'}); please report it"
        return _failed(path, LoadError(str(path), None, reason))


def prepare_strict(path: Path, base: str | None, limits: Limits) -> Prepared:
    """`prepare`, raising: a LoadError for bad input, and nothing else (tests/test_mutations.py holds it to that)."""
    data = read_bytes(Path(path), limits)
    size, blocks = len(data), ""
    doc = load_data(path, data, limits)
    if doc.media_type.startswith("text/"):
        blocks = versions.block_digests(data)
    del data
    result = reconcile(doc)
    analysis = analyse(doc, result)
    b = rdf.build(doc, result, base, analysis)
    suspect = [w for w in doc.warnings if CUT_OFF in w]  # the document's own signs of being cut off
    quads = b.nquads()
    source = versions.Source(b.m.doc_id, b.m.doc, doc.sha256, size, doc.media_type, blocks, *versions.counts(quads))
    dist = iri(b.m.doc + "/source")
    extra = f"{dist} {dcat.byteSize} {integer(size)} {iri(b.m.graph)} .\n"
    if blocks:
        extra += f"{dist} {bud.blockDigests} {plain(blocks)} {iri(b.m.graph)} .\n"
    quads += extra.encode("utf-8") + versions.warning_quads(b.m.graph, b.m.doc,
                                                            [w for w in doc.warnings if versions.recorded(w)])
    report = Report(printable(path), "loaded", document=b.m.doc, graph=b.m.graph, title=doc.title,
                    tables=len(doc.tables), observations=len(doc.observations), triples=quads.count(b"\n") + len(b.reference_lines),
                    checks=result.checks, findings=len(result.findings),
                    mismatches=sum(not f.tolerated for f in result.findings), warnings=doc.warnings)
    return Prepared(report, b.m.graph, quads, b.reference_nquads(), doc.department,
                    doc.kind, doc.year, b.coded, b.named, source, suspect)


def guard(store: GraphStore, p: Prepared, replace_incomplete: bool = False) -> Prepared:
    """`p` as the store's versions of the same document allow (kg/versions.py): refused, loaded with the
    warnings the replacement adds (kept in its graph too), or as it was."""
    if p.report.status != "loaded" or p.source is None:
        return p
    verdict = versions.judge(store, p.source, p.graph, p.report.title, p.suspect, replace_incomplete)
    if verdict.refusal:
        return Prepared(Report(p.report.path, "failed", error=str(LoadError(p.report.path, None, verdict.refusal)),
                               warnings=p.report.warnings))
    if verdict.warnings:
        added = [f"{p.report.path}: {w}" for w in verdict.warnings]
        p.report.warnings = p.report.warnings + added
        p.quads += versions.warning_quads(p.graph, p.source.doc, added)
        p.report.triples += len(added)
    return p


@dataclass
class Batch:
    """What the documents of one run add to the derived graphs (Store.refresh_derived, kg/years.py)."""
    years: YearIndex = field(default_factory=YearIndex)
    names: dict[str, set[str]] = field(default_factory=dict)
    # subjects a replaced graph printed a name for that its new version does not: that name may be printed
    # nowhere now, so their labels are made again from the figures that print them (Store.refresh_derived)
    renamed: set[str] = field(default_factory=set)


def write(store: GraphStore, group: list[Prepared], batch: Batch) -> list[Report]:
    """Documents into the store: their graphs replaced as one unit each (Store.replace_graphs); failed ones
    only reported."""
    loaded = [p for p in group if p.report.status == "loaded"]
    # journalled before they are written: a load cut off has their year links rebuilt (Store.recover)
    store.load_touches({(p.department, p.kind) for p in loaded if p.department and p.year})
    # a name the old version of a graph printed and the new one does not may be printed nowhere now
    printed = {pair for p in loaded for pair in p.named}
    batch.renamed |= {c for c, name in store.names_printed_in([p.graph for p in loaded]) - printed}
    # one write; on the embedded store one bulk load for new graphs, a transaction for each one replaced:
    # a write cut off may leave shared resources, never a part graph nor none where an old one was
    if loaded:
        store.replace_graphs([p.graph for p in loaded], b"".join([p.quads for p in loaded] + [
            p.reference for p in loaded]), trusted=True)
    for p in loaded:
        if p.department and p.year:
            batch.years.add(p.department, p.kind, p.year, p.coded)
        for subject, name in p.named:
            batch.names.setdefault(subject, set()).add(name)
    return [p.report for p in group]


def prepared(files: list[Path], base: str | None, jobs: int, ahead: int = 0,
             limits: Limits | None = None, work=prepare) -> Iterator[tuple[Prepared, bool]]:
    """Documents prepared in order, each with whether the next one is still being parsed (so writing
    now costs no wait): in `jobs` worker processes while this one writes, or here when jobs is 1 or
    there is a single file. At most `ahead` + 2 × jobs documents wait in memory: the workers keep
    parsing while a group of `ahead` documents is written. The workers are spawned, so a script
    calling this with jobs > 1 needs the usual `if __name__ == "__main__":` guard (the `kg` command has it).

    A worker process that dies (killed for memory, a crash in a library) breaks the pool: the documents it
    held are prepared again one at a time in a worker of their own, so the one that kills it again is reported
    as failed, and the rest go on in a new pool. `work` is what a worker runs (`prepare`; a test's own function,
    importable by name, to make a worker die)."""
    limits = limits or Limits.from_env()
    if jobs <= 1 or len(files) < 2:
        for path in files:
            yield work(path, base, limits), False
        return
    ctx = multiprocessing.get_context("spawn")
    queue = deque(files)
    while queue:
        retry: list[Path] = []
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=end_with_parent) as pool:
            pending: deque = deque()
            try:
                while queue or pending:
                    while queue and len(pending) < ahead + 2 * jobs:
                        future = pool.submit(work, queue[0], base, limits)  # raises if the pool is broken
                        pending.append((queue.popleft(), future))
                    path, future = pending[0]
                    p = future.result()
                    pending.popleft()
                    yield p, bool(pending) and not pending[0][1].done()
            except BrokenProcessPool:
                retry = [path for path, _ in pending]
        yield from _one_at_a_time(work, retry, base, limits, ctx)


def _one_at_a_time(work, files: list[Path], base: str | None, limits: Limits, ctx) -> Iterator[tuple[Prepared, bool]]:
    """Documents prepared one at a time in a worker process: when it dies, the document it was reading is the
    one that killed it (its report says so), and the next gets a fresh process."""
    pool = None
    try:
        for path in files:
            pool = pool or ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=end_with_parent)
            try:
                p = pool.submit(work, path, base, limits).result()
            except BrokenProcessPool:
                pool.shutdown(wait=True)
                pool = None
                p = _failed(path, LoadError(str(path), None, "the worker process reading it died (killed, for "
                                            "instance for want of memory, or crashed); the other files are loaded"))
            yield p, False
    finally:
        if pool is not None:
            pool.shutdown(wait=True)


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
               jobs: int = 1, group: int = 8, limits: Limits | None = None,
               replace_incomplete: bool = False) -> list[Report]:
    """Load files and folders; documents are written `group` at a time (Store.replace_graphs), or as
    few as `jobs` when the next is still being parsed: a write then costs no waiting (the first ones).
    Each file is read within `limits` (default: the environment's, loaders/limits.py); a document that looks
    cut off does not replace a stored version of it unless `replace_incomplete` (`guard`)."""
    limits = limits or Limits.from_env()
    limits.check_base_iri(iris.base_iri(base))
    files = list(iter_files(paths))
    reports = []
    batch = Batch()
    pending: list[Prepared] = []
    started = False
    when = load_time()

    def flush() -> None:
        nonlocal started
        if not started and any(p.report.status == "loaded" for p in pending):
            # before the first document: the load is journalled from here (a load cut off has the derived
            # graphs rebuilt when the store is next opened for writing)
            started = True
            store.begin_load(base)
            store.touching([iris.shared_graph(base, "reference")])  # the shared resources documents bring
        for report in write(store, pending, batch):
            reports.append(report)
            if progress:
                progress(report)
        # when each was loaded, in a graph of its own: the document's graph stays the same on a reload
        record_loads(store, base, [p.graph for p in pending if p.report.status == "loaded"], when)
        pending.clear()

    for p, waiting in prepared(files, base, jobs, ahead=group, limits=limits):
        if any(q.graph == p.graph for q in pending if p.graph):
            flush()  # the same disclosure twice: the later file replaces the earlier, as loaded one by one
        p = guard(store, p, replace_incomplete)
        pending.append(p)
        full = len(pending) >= group or sum(len(q.quads) for q in pending) >= _GROUP_BYTES
        if full or waiting and len(pending) >= jobs:
            flush()
    flush()
    if started:
        store.replace_graph(ONTOLOGY_GRAPH, ontology_quads())
        store.refresh_derived(base, batch.names, batch.renamed)
        years.refresh(store, batch.years, base)
        store.flush()
        store.end_load()
    return reports

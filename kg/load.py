"""Loading: file → records (loaders/) → reconciliation → quads → the store, one disclosure at a time.

Every file is parsed and checked in full (`prepare`) before anything is written (`write`), so bad
input leaves the store as it was. With several files, worker processes prepare the next documents
while this process writes: parsing is pure Python and would otherwise leave a core idle.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from cnbudget.kg import rdf
from cnbudget.kg.rdf import iris, years
from cnbudget.kg.rdf.terms import bud, dcat, integer, iri, plain
from cnbudget.kg.rdf.years import YearIndex
from cnbudget.ontology import PREFIXES, ontology_files
from cnbudget.kg.interpret.budget_execution import analyse
from cnbudget.kg.interpret.reconcile import reconcile
from cnbudget.kg.store import GraphStore
from cnbudget.loaders import LoadError, Limits, iter_files, load_data, read_bytes
from cnbudget.loaders.errors import CUT_OFF, printable
from cnbudget.loaders.formats.registry import CONTROLS_REMOVED


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
    # what `guard` compares with a version of the same document already stored
    source: "Source | None" = None
    suspect: list[str] = field(default_factory=list)  # why the document looks cut off (its warnings that say so)


@dataclass
class Source:
    """A document's identity and what tells a complete version from a cut-off one: the file's size, digest and
    block digests (a text file cut off is the first blocks of the complete one), its figures (qb:Observations)
    and those classified by a subject code."""
    identifier: str  # dct:identifier: department, year and kind, whatever the base IRI
    doc: str  # the disclosure's IRI
    sha256: str = ""
    size: int = 0
    media_type: str = ""
    blocks: str = ""  # "1024:" then 6 hex digits of each full block's SHA-256 (text files)
    figures: int = 0
    classified: int = 0


_BLOCK = 1024
_DIGEST = 6  # hex digits kept of each block's digest (24 bits: a chance match of a block is one in 16 million)


def block_digests(data: bytes, block: int = _BLOCK) -> str:
    return f"{block}:" + "".join(hashlib.sha256(data[k:k + block]).hexdigest()[:_DIGEST]
                                 for k in range(0, len(data) - block + 1, block))


def is_prefix(new: Source, stored: Source) -> bool:
    """`new` is, as far as its full blocks show, the first bytes of the stored file: a copy cut off."""
    if not new.blocks or not stored.blocks or new.media_type != stored.media_type or new.size >= stored.size:
        return False
    size_new, _, digests_new = new.blocks.partition(":")
    size_stored, _, digests_stored = stored.blocks.partition(":")
    return size_new == size_stored and digests_stored.startswith(digests_new)


# warnings kept in the graph too, as bud:loadWarning on the disclosure: the document looks cut off, or its text
# had characters removed
def recorded(warning: str) -> bool:
    return CUT_OFF in warning or CONTROLS_REMOVED in warning


_OBSERVATION = f"<{PREFIXES['rdf']}type> <{PREFIXES['qb']}Observation> <".encode()
_CLASSIFIED = (f"{bud.functionalSubject} <".encode(), f"{bud.economicSubject} <".encode())


def _warning_quads(graph: str, doc: str, warnings: list[str]) -> bytes:
    return "".join(f"{iri(doc)} {bud.loadWarning} {_en(w)} {iri(graph)} .\n" for w in warnings).encode("utf-8")


def _en(text: str) -> str:
    return str(ox.Literal(text, language="en"))


def _failed(path, error: LoadError) -> Prepared:
    return Prepared(Report(printable(path), "failed", error=str(error), line=error.line))


def prepare(path: Path, base: str | None = None, limits: Limits | None = None) -> Prepared:
    """Everything but the write: file → records → checks → quads. Pure, so it runs in any process. Whatever goes
    wrong with one file is that file's failed report, never an exception: bad input is a LoadError, and any
    other exception (a parser's bug, memory) is reported as an internal error, so the other files still load."""
    try:
        return _prepare(path, base, limits or Limits.from_env())
    except LoadError as e:
        return _failed(path, e)
    except (Exception, MemoryError, RecursionError) as e:  # noqa: BLE001 — one file's failure, whatever it is
        reason = f"internal error while reading it ({type(e).__name__}: {str(e)[:300] or 'no detail'}); please report it"
        return _failed(path, LoadError(str(path), None, reason))


def _prepare(path: Path, base: str | None, limits: Limits) -> Prepared:
    data = read_bytes(Path(path), limits)
    size, blocks = len(data), ""
    doc = load_data(path, data, limits)
    if doc.media_type.startswith("text/"):
        blocks = block_digests(data)
    del data
    result = reconcile(doc)
    analysis = analyse(doc, result)
    b = rdf.build(doc, result, base, analysis)
    suspect = [w for w in doc.warnings if CUT_OFF in w]
    quads = b.nquads()
    source = Source(b.m.doc_id, b.m.doc, doc.sha256, size, doc.media_type, blocks, quads.count(_OBSERVATION),
                    sum(quads.count(c) for c in _CLASSIFIED))
    dist = iri(b.m.doc + "/source")
    extra = f"{dist} {dcat.byteSize} {integer(size)} {iri(b.m.graph)} .\n"
    if blocks:
        extra += f"{dist} {bud.blockDigests} {plain(blocks)} {iri(b.m.graph)} .\n"
    quads += extra.encode("utf-8") + _warning_quads(b.m.graph, b.m.doc, [w for w in doc.warnings if recorded(w)])
    report = Report(printable(path), "loaded", document=b.m.doc, title=doc.title, tables=len(doc.tables),
                    observations=len(doc.observations), triples=quads.count(b"\n") + len(b.reference_lines),
                    checks=result.checks, findings=len(result.findings),
                    mismatches=sum(not f.tolerated for f in result.findings), warnings=doc.warnings)
    return Prepared(report, b.m.graph, quads, b.reference_nquads(), doc.department,
                    doc.kind, doc.year, b.coded, b.named, source, suspect)


def stored_versions(store: GraphStore, identifier: str) -> list[tuple[str, Source, list[str], str]]:
    """The versions of a document the store holds, under any base IRI: (graph, what `guard` compares, its load
    warnings, the name of the file it came from)."""
    rows = store.select(f"""
        SELECT ?g ?d ?sha ?size ?media ?blocks ?file ?warning WHERE {{
          GRAPH ?g {{
            ?d dct:identifier {plain(identifier)} ; a bud:Disclosure .
            OPTIONAL {{ ?d dcat:distribution ?s . ?s spdx:checksum ?c . ?c spdx:checksumValue ?sha }}
            OPTIONAL {{ ?d dcat:distribution ?s1 . ?s1 dcat:byteSize ?size }}
            OPTIONAL {{ ?d dcat:distribution ?s2 . ?s2 dcat:mediaType ?media }}
            OPTIONAL {{ ?d dcat:distribution ?s3 . ?s3 bud:blockDigests ?blocks }}
            OPTIONAL {{ ?d dcat:distribution ?s4 . ?s4 dct:title ?file }}
            OPTIONAL {{ ?d bud:loadWarning ?warning }}
          }}
        }}""")
    found: dict[str, tuple[str, Source, list[str], str]] = {}
    for g, d, sha, size, media, blocks, file, warning in rows.rows:
        if g.value not in found:
            media_type = media.value.rsplit("media-types/", 1)[-1] if media is not None else ""
            found[g.value] = (g.value, Source(identifier, d.value, sha.value if sha else "",
                                              int(size.value) if size else 0, media_type,
                                              blocks.value if blocks else ""), [], file.value if file else "?")
        if warning is not None and warning.value not in found[g.value][2]:
            found[g.value][2].append(warning.value)
    for graph, source, _, _ in found.values():
        counts = store.select(f"""
            SELECT (COUNT(?o) AS ?figures) (COUNT(?c) AS ?classified) WHERE {{ GRAPH <{graph}> {{
              {{ ?o a qb:Observation }} UNION {{ ?c bud:functionalSubject ?x }} UNION {{ ?c bud:economicSubject ?x }}
            }} }}""")
        source.figures, source.classified = (int(t.value) for t in counts.rows[0])
    return list(found.values())


def guard(store: GraphStore, p: Prepared, replace_incomplete: bool = False) -> Prepared:
    """A document prepared, checked against the versions of it the store holds before it is written:

    - the same document under another base IRI is refused: a document is stored once, and renaming it into the
      stored base would mint IRIs under a base the load was not asked for (queries over the union would
      otherwise count every figure twice);
    - a version that looks cut off (its own warnings say so; fewer figures, or fewer classified by a subject
      code, than the stored version from a file of the same type; or its file is the first bytes of the
      stored one) does not replace the
      stored version unless `replace_incomplete`, or the stored one looks cut off itself and holds no more.
      Loaded anyway, the reasons are warnings, kept in the graph as bud:loadWarning.
    A document loaded for the first time is loaded: its own warnings are in its report and graph."""
    if p.report.status != "loaded" or p.source is None:
        return p
    new = p.source
    versions = stored_versions(store, new.identifier)
    elsewhere = [g for g, _, _, _ in versions if g != p.graph]
    if elsewhere:
        other = elsewhere[0]
        stored_base = other[: -len(f"graph/{new.identifier}")] if other.endswith(f"graph/{new.identifier}") else other
        return _refused(p, f"this disclosure ({p.report.title}, {new.identifier}) is already in the store under "
                           f"another base IRI, as graph <{other}>; a document is stored once, so it is not loaded "
                           f"again under this one: load it with --base-iri {stored_base} to replace it, or remove "
                           "that graph first")
    same = next((v for v in versions if v[0] == p.graph), None)
    if same is None:
        return p
    _, old, old_warnings, old_file = same
    if old.sha256 and old.sha256 == new.sha256:
        return p  # the same file again
    reasons = list(p.suspect)
    # compared with a version from a file of the same type: one of another type may hold less by design (an
    # .xlsx of the tables alone, without the narrative of the text)
    if new.media_type == old.media_type and new.figures < old.figures:
        reasons.append(f"it gives {new.figures:,} figures, the stored version {old.figures:,}")
    if new.media_type == old.media_type and new.classified < old.classified:
        reasons.append(f"{new.classified:,} of its figures have a subject code, {old.classified:,} of the stored "
                       "version's (a label or code line lost?)")
    prefix = is_prefix(new, old)
    if prefix:
        reasons.append(f"its {new.size:,} bytes are the first of the stored version's {old.size:,}: a copy cut off")
    if not reasons:
        return p
    old_cut = any(CUT_OFF in w for w in old_warnings)
    if old_cut and not prefix and new.figures >= old.figures and new.classified >= old.classified:
        return p  # the stored version looks cut off too, and holds no more: not a downgrade
    if not replace_incomplete:
        return _refused(p, f"looks incomplete ({'; '.join(reasons)}), and would replace the stored version of this "
                           f"document (from {old_file}); not loaded: pass --replace-incomplete to replace it")
    added = [f"{p.report.path}: replaced the stored version (from {old_file}) as --replace-incomplete asks, though "
             f"the document {CUT_OFF}: {r}" for r in reasons if r not in p.suspect]
    p.report.warnings = p.report.warnings + added
    p.quads += _warning_quads(p.graph, new.doc, added)
    p.report.triples += len(added)
    return p


def _refused(p: Prepared, reason: str) -> Prepared:
    return Prepared(Report(p.report.path, "failed", error=str(LoadError(p.report.path, None, reason)),
                           warnings=p.report.warnings))


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


def prepared(files: list[Path], base: str | None, jobs: int, ahead: int = 0,
             limits: Limits | None = None) -> Iterator[tuple[Prepared, bool]]:
    """Documents prepared in order, each with whether the next one is still being parsed (so writing
    now costs no wait): in `jobs` worker processes while this one writes, or here when jobs is 1 or
    there is a single file. At most `ahead` + 2 × jobs documents wait in memory: the workers keep
    parsing while a group of `ahead` documents is written. The workers are spawned, so a script
    calling this with jobs > 1 needs the usual `if __name__ == "__main__":` guard (the `kg` command has it).

    A worker process that dies (killed for memory, a crash in a library) breaks the pool: the documents it
    held are prepared again one at a time in a fresh worker, so the one that kills it again is reported as
    failed, and the rest go on in a new pool."""
    limits = limits or Limits.from_env()
    if jobs <= 1 or len(files) < 2:
        for path in files:
            yield prepare(path, base, limits), False
        return
    ctx = multiprocessing.get_context("spawn")
    queue = deque(files)
    while queue:
        retry: list[Path] = []
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            pending: deque = deque()
            try:
                while queue or pending:
                    while queue and len(pending) < ahead + 2 * jobs:
                        future = pool.submit(prepare, queue[0], base, limits)  # raises if the pool is broken
                        pending.append((queue.popleft(), future))
                    path, future = pending[0]
                    p = future.result()
                    pending.popleft()
                    yield p, bool(pending) and not pending[0][1].done()
            except BrokenProcessPool:
                retry = [path for path, _ in pending]
        for path in retry:
            yield _alone(path, base, limits, ctx), False


def _alone(path: Path, base: str | None, limits: Limits, ctx) -> Prepared:
    """One document prepared in a worker process of its own: its failure if the process dies."""
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        try:
            return pool.submit(prepare, path, base, limits).result()
        except BrokenProcessPool:
            return _failed(path, LoadError(str(path), None, "the worker process reading it died (killed, for "
                                           "instance for want of memory, or crashed); the other files are loaded"))


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

    def flush() -> None:
        for report in write(store, pending, batch):
            reports.append(report)
            if progress:
                progress(report)
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
    if any(r.status == "loaded" for r in reports):
        store.replace_graph(ONTOLOGY_GRAPH, ontology_quads())
        store.refresh_derived(base, None if batch.replaced else batch.names)
        years.refresh(store, batch.years, base)
        store.flush()
    return reports

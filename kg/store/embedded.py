"""The embedded store: pyoxigraph on disk, one named graph per disclosure.

What a crash (kill -9, power loss) may leave, and what the next writer does about it (`Store.recover`;
docs/architecture.md, "5. Store"):
- a document the store held is replaced in one transaction, by what changed (`Store._swap`): at every
  instant the store holds its old version or its new one, whole;
- a document new to the store is bulk-written (pyoxigraph's bulk loader, several times as fast as a
  transaction), entered in the journal graph before and taken out after: one still in the journal was
  never confirmed, and is removed;
- the graphs derived from all documents (labels, class names, code-list links, year links) are rebuilt
  at the end of a load: a load under way is in the journal, with the departments it touches, and one cut
  off has them rebuilt.
One process writes at a time (a lock file naming it); readers open the store read-only, on a copy of its
files the writer cannot remove (pinned.py), retrying while a writer's compaction removes files their snapshot
named where no copy can be made.
"""
from __future__ import annotations

import time
import weakref
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, TypeVar

import pyoxigraph as ox

from cnbudget.kg.rdf.iris import base_iri, sparql_prefixes
from cnbudget.kg.store.base import GraphStore, Rows, dump_prefixes, store_path, with_prefixes
from cnbudget.kg.store.counts import COUNTS_FILE, QuadCounts
from cnbudget.kg.store.locks import (READ_RETRY_SECONDS, WRITER_LOCK, StoreBusy, StoreUnreadable, files_gone,
                                     first_line, lock_for_writing, lock_holder, written)
from cnbudget.kg.store.pinned import READERS, pin
from cnbudget.ontology import PREFIXES

# an internal graph, empty but while a load is under way
_J = "https://w3id.org/cnbudget/def/load-journal"
_JOURNAL = ox.NamedNode(_J)
_WRITING = ox.NamedNode(_J + "#writing")  # <g> writing <g>: a graph new to the store, being bulk-written
_LOADING = ox.NamedNode(_J + "#loading")  # <journal> loading "base IRI": derived graphs stale until the load ends
_TOUCHED = ox.NamedNode(_J + "#touched")  # <journal> touched "department<TAB>kind": whose year links it changes


class NotAStoreError(ValueError):
    """A folder given as the store holds something else."""


def is_store_folder(path: str | Path) -> bool:
    """Whether `path` is a folder pyoxigraph (RocksDB) keeps a store in: it writes CURRENT, naming the
    MANIFEST-nnnnnn in use, beside OPTIONS-nnnnnn, the *.sst tables, IDENTITY, LOCK and LOG."""
    p = Path(path)
    return (p / "CURRENT").is_file() and any(p.glob("MANIFEST-*"))


def check_store_folder(path: str | Path, read_only: bool) -> None:
    """Refuse a folder that is not a store: to read, one must be there; to write, the folder must be a
    store, empty or not there yet (kg load never turns a folder of other files into a store)."""
    p = Path(path)
    if read_only and not p.exists():
        raise FileNotFoundError(f"no store at {path}: load documents first (kg load)")
    if p.exists() and not p.is_dir():
        raise NotAStoreError(f"{path} is a file, not a store folder")
    if not p.exists() or is_store_folder(p):
        return
    try:
        # the lock: a first load cut off at its start; the readers' copies
        empty = all(f.name in (WRITER_LOCK, COUNTS_FILE, READERS) for f in p.iterdir())
    except OSError as e:
        raise NotAStoreError(f"cannot read the store folder {path}: {e.strerror or e}") from None
    if read_only:
        raise (FileNotFoundError(f"no store at {path} (the folder is empty): load documents first (kg load)")
               if empty else
               NotAStoreError(f"{path} is not a kg store (a store folder holds the files pyoxigraph writes: "
                              "CURRENT, MANIFEST-…, *.sst): give the folder kg load wrote"))
    if not empty:
        raise NotAStoreError(f"{path} holds other files and is not a kg store: kg load makes a store only in a "
                             "new or empty folder")


class Store(GraphStore):
    """The embedded store. Queries see the union of all named graphs as the default graph."""

    def __init__(self, path: str | None = None, read_only: bool = False):
        self.path = store_path(path)
        self.read_only = read_only
        check_store_folder(self.path, read_only)
        self._store: ox.Store | None = None
        self._lock = None
        self._touched: set[tuple[str, str]] = set()
        self._counts = QuadCounts(self.path)
        self._pin: list = [None]  # read-only: the copy of the files it reads (pinned.py), let go with the store
        if read_only:
            weakref.finalize(self, _let_go, self._pin)
            self._reading(lambda: None)  # opens it
        else:
            Path(self.path).mkdir(parents=True, exist_ok=True)
            self._lock = lock_for_writing(self.path)
            try:
                self._store = ox.Store(self.path)
            except OSError as e:  # its own lock, held by a process that did not take ours (not kg, an older kg)
                if "lock" not in str(e).lower():
                    raise
                holder = lock_holder(self.path)
                raise StoreBusy(f"the store {self.path} is being written by "
                                f"{f'process {holder}' if holder else 'another process'} ({first_line(e)})") from None
        self._journal = _JOURNAL
        self.recovery: list[str] = []  # what `recover` did, a sentence each
        self.recovered = [] if read_only else self.recover()

    # --- writing -------------------------------------------------------------------

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad] | bytes) -> bool:
        """Replace one disclosure's named graph by `quads` (a reload gives the same graph), as one unit;
        whether the store held the graph before. `quads` may be N-Quads bytes, all in `graph`."""
        if isinstance(quads, bytes):
            return self.replace_graphs([graph], quads)[0]
        return self.replace_graphs([graph], b"", quads)[0]

    def replace_graphs(self, graphs: list[str], nquads: bytes, quads: Iterable[ox.Quad] = (), *,
                       trusted: bool = False) -> list[bool]:
        """Replace named graphs by the quads given (N-Quads bytes or pyoxigraph quads); for each graph,
        whether the store held it before. Quads in graphs not listed (the shared resources documents
        bring: their triples depend on their IRI alone, so adding them again changes nothing) are added to
        those. `trusted`: the N-Quads were written by kg/rdf from checked parts, one quad a line, so the
        bulk loader skips validating them (10% faster; tests/test_store.py parses every fixture's N-Quads
        strictly); others are parsed (strictly) and written again first.

        A graph the store held is replaced in one transaction (`_swap`): readers and a crash see the old
        version or the new one. Graphs new to the store go, with the shared quads, to the bulk loader,
        several times as fast as a transaction, and are journalled: entered in the journal graph before,
        taken out after; one still there when the store is next opened for writing was never confirmed
        and is removed (`recover`); less than _BULK_BYTES goes in one transaction instead. One call per few
        documents, not per document: every bulk load leaves files the store's compaction must merge later."""
        if nquads and not trusted:
            nquads = ox.serialize(ox.parse(nquads, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
        quads = list(quads)
        data = nquads + (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) if quads else b"")
        self._counts.touching(graphs, self._graph_size)
        nodes = [ox.NamedNode(g) for g in graphs]
        existed = [self._store.contains_named_graph(g) for g in nodes]
        held = [g for g, e in zip(graphs, existed) if e]
        new = [g for g, e in zip(nodes, existed) if not e]
        parts, rest = _split(data, held) if held else ({}, data)
        bulk = len(rest) >= _BULK_BYTES  # less in one transaction: no journal, and no files to merge later
        if new and bulk:
            self._store.extend([ox.Quad(g, _WRITING, g, _JOURNAL) for g in new])
            written("journal: graphs to write")
        if rest:  # checked above, or trusted
            if bulk:
                self._store.bulk_load(rest, format=ox.RdfFormat.N_QUADS, lenient=True)
            else:
                self._store.load(rest, format=ox.RdfFormat.N_QUADS, lenient=True)
            written("bulk load" if bulk else "load")
        if new and bulk:
            self._store.update(_delete_data([ox.Quad(g, _WRITING, g, _JOURNAL) for g in new]))
            written("journal: graphs written")
        for g in held:
            if self._swap(g, parts.get(g, b"")):
                written(f"replaced {g}")
        return existed

    def _swap(self, graph: str, nquads: bytes) -> bool:
        """Replace a graph the store holds by `nquads` (all in it) in one transaction that removes the
        triples gone and adds the new ones: a reload of an unchanged document writes almost nothing.
        Whether anything was written."""
        g = ox.NamedNode(graph)
        tail = f" <{graph}> .\n".encode("utf-8")
        new = set(nquads.replace(tail, b" .\n").splitlines())
        if not new:
            self._store.update(f"DROP SILENT GRAPH <{graph}>")
            return True
        old = set(self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g).splitlines())
        if any(b"_:" in line for lines in (old, new) for line in lines):  # blank nodes: no way to match them
            self._store.update(f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{ {_lines(new)} }} }}")
            return True
        # what the store keeps as a value (a decimal, an integer) it writes in canonical form: those lines
        # are removed and added again, the same quad, which the transaction leaves in place
        gone, added = old - new, new - old
        if not gone and not added:
            return False
        ops = ([f"DELETE DATA {{ GRAPH <{graph}> {{ {_lines(gone)} }} }}"] if gone else []) + \
              ([f"INSERT DATA {{ GRAPH <{graph}> {{ {_lines(added)} }} }}"] if added else [])
        self._store.update(" ;\n".join(ops))
        return True

    # --- a load under way (journalled, so that one cut off is finished by the next writer) ---------

    def begin_load(self, base: str | None) -> None:
        self._touched = set()
        self._counts.begin()
        self._store.add(ox.Quad(_JOURNAL, _LOADING, ox.Literal(base_iri(base)), _JOURNAL))
        written("journal: load under way")

    def load_touches(self, departments: Iterable[tuple[str, str]]) -> None:
        more = set(departments) - self._touched
        if more:
            self._store.extend([ox.Quad(_JOURNAL, _TOUCHED, ox.Literal(f"{d}\t{k}"), _JOURNAL) for d, k in sorted(more)])
            self._touched |= more
            written("journal: departments touched")

    def end_load(self) -> None:
        entries = list(self._store.quads_for_pattern(_JOURNAL, None, None, _JOURNAL))
        if entries:
            self._store.update(_delete_data(entries))
        self._touched = set()
        self._counts.end(self._graph_size)
        written("journal: load finished")

    def recover(self) -> list[str]:
        """Finish what a load cut off left (see the module's docstring): remove the new graphs whose write
        was never confirmed, rebuild the derived graphs if a load was under way. The IRIs of the graphs
        removed; `recovery` says what was done, a sentence each."""
        notes = []
        removed = []
        cut = [q.subject for q in self._store.quads_for_pattern(None, _WRITING, None, _JOURNAL)]
        for g in cut:
            if self._store.contains_named_graph(g):
                self._store.remove_graph(g)
                removed.append(g.value)
                notes.append(f"removed graph {g.value}: a load was cut off while writing it (new to the store: "
                             "no earlier version of it was lost); load its document again")
            else:
                notes.append(f"graph {g.value} was not written: a load was cut off before writing it; "
                             "load its document again")
        if cut or any(True for _ in self._store.quads_for_pattern(_JOURNAL, _LOADING, None, _JOURNAL)):
            self._counts.invalidate()  # a load cut off: the quads it wrote are not counted
        if cut:
            self._store.update(_delete_data([ox.Quad(g, _WRITING, g, _JOURNAL) for g in cut]))
            written("recovery: unconfirmed graphs removed")
        loading = [q.object.value for q in self._store.quads_for_pattern(_JOURNAL, _LOADING, None, _JOURNAL)]
        if loading:
            touched = sorted(tuple(q.object.value.split("\t", 1))
                             for q in self._store.quads_for_pattern(_JOURNAL, _TOUCHED, None, _JOURNAL))
            for base in loading:
                self.rebuild_derived(base, [t for t in touched if len(t) == 2])
            self.flush()
            notes.append("rebuilt the graphs derived from all documents (subject labels, class names, code-list "
                         f"links; year links of {len(touched)} department(s)): a load was cut off before it rebuilt them")
        if self._store.contains_named_graph(_JOURNAL):
            self._store.remove_graph(_JOURNAL)
        self.recovery = notes
        return removed

    def touching(self, graphs: Iterable[str]) -> None:
        self._counts.touching(graphs, self._graph_size)

    def quad_count(self) -> int:
        """The store's quads: the count kept by the loads (kg/store/counts.py), or counted and kept."""
        total = self._counts.total()
        if total is None:
            total = len(self)
            if not self.read_only:
                self._counts.keep(total)
        return total

    def _graph_size(self, graph: str) -> int:
        # counted by the engine on its encoded terms: reading the quads out decodes every IRI (40 times slower)
        result = self._store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(next(iter(result))["n"].value)

    def update(self, sparql: str) -> None:
        self._counts.invalidate()
        self._store.update(sparql_prefixes() + sparql)
        written("update")

    def add(self, quads: list[ox.Quad]) -> None:
        self._counts.invalidate()
        self._store.extend(quads)
        written("add")

    def _replace_derived(self, graph: str, quads: list[ox.Quad]) -> None:
        self.replace_graphs([graph], b"", quads)

    def flush(self) -> None:
        self._store.flush()

    def close(self) -> None:
        """Close the store (and give up the writer's lock); deleting the last reference does the same."""
        self._store = None
        _let_go(self._pin)
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    # --- reading -------------------------------------------------------------------

    def _reading(self, read: Callable[[], _T]) -> _T:
        """`read()`, on a read-only store retried while it fails for files gone: pyoxigraph opens a store
        read-only beside its writer as a snapshot of the files the writer had, which its compaction may
        remove before the reader opens them ('Corruption … No such file … MANIFEST may be corrupted'). The
        store is opened again, a newer snapshot, until READ_RETRY_SECONDS have passed."""
        if not self.read_only:
            return read()
        delay, deadline = 0.02, time.monotonic() + READ_RETRY_SECONDS
        while True:
            try:
                if self._store is None:
                    _let_go(self._pin)
                    self._pin[0] = pin(self.path)
                    self._store = ox.Store.read_only(self._pin[0].folder)
                return read()
            except (OSError, RuntimeError) as e:
                if not files_gone(e):
                    raise
                self._store = None
                if time.monotonic() + delay > deadline:
                    raise StoreUnreadable(f"cannot read the store {self.path}: its files kept changing for "
                                          f"{READ_RETRY_SECONDS:g} s ({first_line(e)})") from None
                time.sleep(delay)
                delay = min(2 * delay, 0.5)

    def select(self, sparql: str) -> Rows:
        return self._reading(lambda: self._select(sparql))

    def _select(self, sparql: str) -> Rows:
        result = self._store.query(with_prefixes(sparql), use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return Rows(["ask"], [[ox.Literal("true" if bool(result) else "false",
                                              datatype=ox.NamedNode(PREFIXES["xsd"] + "boolean"))]])
        if isinstance(result, ox.QueryTriples):
            rows = [[t.subject, t.predicate, t.object] for t in result]
            return Rows(["subject", "predicate", "object"], rows)
        variables = [v.value for v in result.variables]
        return Rows(variables, [[s[v] for v in variables] for s in result])

    def construct(self, sparql: str) -> list[ox.Triple]:
        return self._reading(lambda: list(self._store.query(with_prefixes(sparql), use_default_graph_as_union=True)))

    def graphs(self) -> list[str]:
        return self._reading(lambda: sorted(g.value for g in self._store.named_graphs() if g != _JOURNAL))

    def __len__(self) -> int:
        return self._reading(lambda: len(self._store))

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        g = ox.NamedNode(graph) if graph else None
        return self._store.quads_for_pattern(None, None, None, g)

    def dump_to(self, fmt: ox.RdfFormat, output: BinaryIO) -> None:
        """Written by the store itself as it reads (memory flat in the store's size), the journal of a load under
        way left out; the triple formats write the union of the named graphs."""
        journal = next(iter(self._store.quads_for_pattern(None, None, None, _JOURNAL)), None) is not None
        if fmt.supports_datasets and not journal:
            self._store.dump(output, fmt, prefixes=dump_prefixes(fmt))
            return
        quads = (q for q in self._store.quads_for_pattern(None, None, None, None) if q.graph_name != _JOURNAL)
        ox.serialize(quads if fmt.supports_datasets else (q.triple for q in quads), output, fmt,
                     prefixes=dump_prefixes(fmt))


_T = TypeVar("_T")


def _let_go(held: list) -> None:
    if held[0] is not None:
        held[0].release()
        held[0] = None


_BULK_BYTES = 1 << 20  # N-Quads written by the bulk loader from this size, in a transaction below it


def _lines(lines: set[bytes]) -> str:
    return b"\n".join(lines).decode("utf-8")


def _delete_data(quads: list[ox.Quad]) -> str:
    return "DELETE DATA { " + " ".join(f"GRAPH {q.graph_name} {{ {q.triple} }}" for q in quads) + " }"


def _split(data: bytes, graphs: list[str]) -> tuple[dict[str, bytes], bytes]:
    """The N-Quads lines of each of `graphs`, and the others. kg writes a graph's lines together (a
    document's, then the shared resources'), so each graph is found as one run of lines without reading
    them one by one; if not, line by line."""
    spans = []
    for g in graphs:
        tail = f" <{g}> .\n".encode("utf-8")
        first = data.find(tail)
        if first < 0:
            continue
        start, end = data.rfind(b"\n", 0, first) + 1, data.rfind(tail) + len(tail)
        if data.count(b"\n", start, end) != data.count(tail, start, end):
            return _split_lines(data, graphs)
        spans.append((start, end, g))
    spans.sort()
    if any(a[1] > b[0] for a, b in zip(spans, spans[1:])):
        return _split_lines(data, graphs)
    rest, at = [], 0
    for start, end, _ in spans:
        rest.append(data[at:start])
        at = end
    rest.append(data[at:])
    return {g: data[start:end] for start, end, g in spans}, b"".join(rest)


def _split_lines(data: bytes, graphs: list[str]) -> tuple[dict[str, bytes], bytes]:
    tails = {f" <{g}> .".encode("utf-8"): g for g in graphs}
    parts: dict[str, list[bytes]] = {g: [] for g in graphs}
    rest = []
    for line in data.splitlines(keepends=True):
        body = line.rstrip(b"\n")
        at = body.rfind(b" <")
        g = tails.get(body[at:]) if at >= 0 else None
        (parts[g] if g is not None else rest).append(line)
    return {g: b"".join(lines) for g, lines in parts.items() if lines}, b"".join(rest)



"""The embedded store: pyoxigraph on disk, one named graph per disclosure."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Iterable

import pyoxigraph as ox

from cnbudget.kg.rdf.iris import sparql_prefixes
from cnbudget.kg.store.base import GraphStore, Rows, dump_prefixes, store_path, with_prefixes
from cnbudget.ontology import PREFIXES

# an internal graph, empty but while a document is being written (Store.replace_graph)
_JOURNAL = ox.NamedNode("https://w3id.org/cnbudget/def/load-journal")
_WRITING = ox.NamedNode("https://w3id.org/cnbudget/def/load-journal#writing")


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
        empty = next(p.iterdir(), None) is None
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
        check_store_folder(self.path, read_only)
        if read_only:
            self._store = ox.Store.read_only(self.path)
        else:
            Path(self.path).mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(self.path)
        self._journal = _JOURNAL
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
        """Replace named graphs by the quads given (N-Quads bytes, parsed by the bulk loader itself, or
        pyoxigraph quads), as one unit; for each graph, whether the store held it before. Quads in graphs
        not listed (the shared resources documents bring) are added to those. `trusted`: the N-Quads were
        written by kg/rdf.py from checked parts, so the bulk loader skips validating them (10% faster;
        tests/test_store.py parses every fixture's N-Quads strictly).

        The bulk loader writes several times as fast as a transaction but is not one, so the write is
        journalled instead: the graphs are entered in the journal graph (a transaction) before they are
        touched and taken out after; a graph still in the journal when the store is next opened was cut
        off mid-write, and is removed then (`recover`). Callers parse and check documents in full before
        calling, so bad input never reaches the store at all. One call per few documents, not per
        document: every bulk load leaves files the store's compaction must merge later."""
        nodes = [ox.NamedNode(g) for g in graphs]
        entries = [ox.Quad(g, _WRITING, g, self._journal) for g in nodes]
        self._store.extend(entries)
        existed = [self._store.contains_named_graph(g) for g in nodes]
        for g, held in zip(nodes, existed):
            if held:
                self._store.remove_graph(g)
        if nquads:
            self._store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS, lenient=trusted)
        else:
            self._store.bulk_extend(quads)
        for entry in entries:  # quad by quad: removing a whole graph costs a scan of the store's files
            self._store.remove(entry)
        return existed

    def recover(self) -> list[str]:
        """Remove the graphs a write was cut off in (see replace_graph); the IRIs of those removed."""
        cut = [q.subject for q in self._store.quads_for_pattern(None, _WRITING, None, self._journal)]
        for g in cut:
            self._store.remove_graph(g)
        if self._store.contains_named_graph(self._journal):
            self._store.remove_graph(self._journal)
        return [g.value for g in cut]

    def update(self, sparql: str) -> None:
        self._store.update(sparql_prefixes() + sparql)

    def add(self, quads: list[ox.Quad]) -> None:
        self._store.extend(quads)

    def _replace_derived(self, graph: str, quads: list[ox.Quad]) -> None:
        g = ox.NamedNode(graph)
        if self._store.contains_named_graph(g):
            self._store.remove_graph(g)
        self._store.extend(quads)

    def flush(self) -> None:
        self._store.flush()

    # --- reading -------------------------------------------------------------------

    def select(self, sparql: str) -> Rows:
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
        return list(self._store.query(with_prefixes(sparql), use_default_graph_as_union=True))

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if g != _JOURNAL)

    def __len__(self) -> int:
        return len(self._store)

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        g = ox.NamedNode(graph) if graph else None
        return self._store.quads_for_pattern(None, None, None, g)

    def dump_to(self, fmt: ox.RdfFormat, output: BinaryIO) -> None:
        """Written by the store itself as it reads (memory flat in the store's size); the triple formats write
        the union of the named graphs."""
        if fmt.supports_datasets:
            self._store.dump(output, fmt, prefixes=dump_prefixes(fmt))
            return
        triples = (q.triple for q in self._store.quads_for_pattern(None, None, None, None)
                   if q.graph_name != _JOURNAL)
        ox.serialize(triples, output, fmt, prefixes=dump_prefixes(fmt))
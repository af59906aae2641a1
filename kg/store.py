"""The graph store: pyoxigraph on disk by default, one named graph per disclosure.

Everything above this module (load, query, export, check) talks to a `Store`
through SPARQL and whole-graph replacement, so a SPARQL 1.1 Protocol endpoint
can stand in for the embedded store.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from kg.iris import PREFIXES, shared_graph, sparql_prefixes

DEFAULT_STORE = "./kg-store"
# an internal graph, empty but while a document is being written (Store.replace_graph)
_JOURNAL = ox.NamedNode("https://w3id.org/cnbudget/def/load-journal")
_WRITING = ox.NamedNode("https://w3id.org/cnbudget/def/load-journal#writing")


def store_path(path: str | None) -> str:
    return path or os.environ.get("KG_STORE") or DEFAULT_STORE


def open_store(path: str | None = None, endpoint: str | None = None, read_only: bool = False):
    """The embedded store at `path`, or a SPARQL 1.1 endpoint (`kg.remote.RemoteStore`) when one is
    given; an explicit path beats the KG_ENDPOINT environment variable, an explicit endpoint beats both."""
    endpoint = endpoint or (None if path else os.environ.get("KG_ENDPOINT"))
    if endpoint:
        from kg.remote import RemoteStore  # imported here: kg.remote builds on this module
        return RemoteStore(endpoint, read_only=read_only)
    return Store(path, read_only=read_only)


@dataclass
class Rows:
    """A SELECT result: variable names and rows of pyoxigraph terms (None when unbound)."""
    variables: list[str]
    rows: list[list[ox.NamedNode | ox.Literal | ox.BlankNode | None]]


class DerivedGraphs:
    """The graphs derived from all documents together, rebuilt through the store's own SPARQL
    (`update`, `select`), so the embedded store and a remote endpoint share one definition."""

    def refresh_derived(self, base: str | None = None, added: dict[str, set[str]] | None = None) -> None:
        """Rebuild what is derived from all documents together:
        - labels: a subject's skos:prefLabel is the smallest name printed for its code in the year's
          tables, the other spellings skos:altLabel (so the choice does not depend on load order);
        - codelist-links: concepts of different years' code lists that keep code and name (skos:exactMatch),
          from the earlier year to the later.
        `added` (subject IRI → names printed for it) says the documents just loaded only added names: no
        graph they replaced held other ones. The labels are then updated for those subjects alone, which
        gives what a rebuild gives (the smallest name is the smaller of the old and the added ones) without
        reading every figure of every document."""
        reference, labels, links = (shared_graph(base, n) for n in ("reference", "labels", "codelist-links"))
        if added is not None:
            self._add_labels(labels, added)
            self._relink(reference, labels, links)
            return
        self.update(f"""
            DROP SILENT GRAPH <{labels}> ;
            INSERT {{ GRAPH <{labels}> {{ ?c skos:prefLabel ?pref }} }}
            WHERE {{
              SELECT ?c (STRLANG(STR(MIN(?name)), "zh") AS ?pref) WHERE {{
                GRAPH ?g {{ ?o bud:rowCode ?code ; bud:rowLabel ?name ; bud:functionalSubject|bud:economicSubject ?c }}
                FILTER (?name != "")
              }} GROUP BY ?c
            }} ;
            INSERT {{ GRAPH <{labels}> {{ ?c skos:altLabel ?alt }} }}
            WHERE {{
              {{ SELECT DISTINCT ?c ?name WHERE {{
                  GRAPH ?g {{ ?o bud:rowCode ?code ; bud:rowLabel ?name ; bud:functionalSubject|bud:economicSubject ?c }}
                  FILTER (?name != "") }} }}
              BIND (STRLANG(?name, "zh") AS ?alt)
              FILTER NOT EXISTS {{ GRAPH <{labels}> {{ ?c skos:prefLabel ?alt }} }}
            }}""")
        self._relink(reference, labels, links)

    def _add_labels(self, labels: str, added: dict[str, set[str]], chunk: int = 500) -> None:
        pref, alt = PREFIXES["skos"] + "prefLabel", PREFIXES["skos"] + "altLabel"
        subjects = sorted(added)
        for k in range(0, len(subjects), chunk):
            part = subjects[k:k + chunk]
            values = " ".join(f"<{c}>" for c in part)
            old: dict[str, list[tuple[str, str]]] = {c: [] for c in part}
            for c, p, name in self.select(f"""SELECT ?c ?p ?name WHERE {{ VALUES ?c {{ {values} }}
                    GRAPH <{labels}> {{ ?c ?p ?name }} }}""").rows:
                old[c.value].append((p.value, name.value))
            delete, insert = [], []
            for c in part:
                names = {n for _, n in old[c]} | {n for n in added[c] if n}
                if not names:
                    continue
                new = {(pref, min(names))} | {(alt, n) for n in names if n != min(names)}
                delete += [(c, p, n) for p, n in old[c] if (p, n) not in new]
                insert += [(c, p, n) for p, n in new if (p, n) not in old[c]]
            for verb, triples in (("DELETE", delete), ("INSERT", insert)):
                if triples:
                    data = " ".join(f"<{c}> <{p}> {_zh_literal(n)} ." for c, p, n in triples)
                    self.update(f"{verb} DATA {{ GRAPH <{labels}> {{ {data} }} }}")

    def _relink(self, reference: str, labels: str, links: str) -> None:
        # grouped in Python: the same join in SPARQL takes seconds on a few thousand concepts
        rows = self.select(f"""
            SELECT ?c ?code ?year ?kind ?name WHERE {{
              GRAPH <{reference}> {{ ?c skos:notation ?code ; skos:inScheme ?s . ?s bud:fiscalYear ?year ;
                                     bud:classificationKind ?kind . }}
              GRAPH <{labels}> {{ ?c skos:prefLabel ?name }}
            }}""").rows
        groups: dict[tuple, list[tuple[str, ox.NamedNode]]] = {}
        for c, code, year, kind, name in rows:
            groups.setdefault((code.value, kind.value, name.value), []).append((year.value, c))
        g = ox.NamedNode(links)
        match = ox.NamedNode(PREFIXES["skos"] + "exactMatch")
        quads = [ox.Quad(a, match, b, g)
                 for members in groups.values()
                 for ya, a in members for yb, b in members if ya < yb]
        self._replace_derived(links, quads)

    def _replace_derived(self, graph: str, quads: list[ox.Quad]) -> None:
        raise NotImplementedError


def _zh_literal(text: str) -> str:
    return str(ox.Literal(text, language="zh"))


class Store(DerivedGraphs):
    """The embedded store. Queries see the union of all named graphs as the default graph."""

    def __init__(self, path: str | None = None, read_only: bool = False):
        self.path = store_path(path)
        if read_only:
            if not Path(self.path).exists():
                raise FileNotFoundError(f"no store at {self.path}: load documents first (kg load)")
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
        result = self._store.query(_with_prefixes(sparql), use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return Rows(["ask"], [[ox.Literal("true" if bool(result) else "false",
                                              datatype=ox.NamedNode(PREFIXES["xsd"] + "boolean"))]])
        if isinstance(result, ox.QueryTriples):
            rows = [[t.subject, t.predicate, t.object] for t in result]
            return Rows(["subject", "predicate", "object"], rows)
        variables = [v.value for v in result.variables]
        return Rows(variables, [[s[v] for v in variables] for s in result])

    def construct(self, sparql: str) -> list[ox.Triple]:
        return list(self._store.query(_with_prefixes(sparql), use_default_graph_as_union=True))

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if g != _JOURNAL)

    def __len__(self) -> int:
        return len(self._store)

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        g = ox.NamedNode(graph) if graph else None
        return self._store.quads_for_pattern(None, None, None, g)

    def dump(self, fmt: ox.RdfFormat) -> bytes:
        if fmt.supports_datasets:
            return self._store.dump(format=fmt, prefixes=_dump_prefixes(fmt))
        # triple formats: the union of the named graphs
        triples = self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        return ox.serialize(triples, format=fmt, prefixes=_dump_prefixes(fmt))


def _dump_prefixes(fmt: ox.RdfFormat) -> dict[str, str] | None:
    return PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML, ox.RdfFormat.N3) else None


def _with_prefixes(sparql: str) -> str:
    """Declare the project's prefixes unless the query declares its own of the same name."""
    declared = {line.split()[1].rstrip(":") for line in sparql.splitlines()
                if line.strip().upper().startswith("PREFIX") and len(line.split()) > 1}
    extra = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items() if k not in declared)
    return extra + sparql

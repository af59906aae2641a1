"""What every store offers, embedded or remote: one interface (`GraphStore`) that load, query, export and
check talk to, so a SPARQL 1.1 Protocol endpoint can stand in for the embedded store; and the graphs
derived from all documents together, defined once over that interface's own SPARQL."""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import BinaryIO, Iterable

import pyoxigraph as ox

from cnbudget.kg.rdf import years
from cnbudget.kg.rdf.iris import Minter, shared_graph
from cnbudget.ontology import PREFIXES

DEFAULT_STORE = "./kg-store"
# formats in which one serialisation after another is still one valid document
_CONCATENABLE = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE)


def store_path(path: str | None) -> str:
    return path or os.environ.get("KG_STORE") or DEFAULT_STORE


@dataclass
class Rows:
    """A SELECT result: variable names and rows of pyoxigraph terms (None when unbound)."""
    variables: list[str]
    rows: list[list[ox.NamedNode | ox.Literal | ox.BlankNode | None]]


class GraphStore:
    """A store of named graphs, one per disclosure, that load, query, export and check talk to. The methods
    below raising NotImplementedError are what a store provides; the graphs derived from all documents
    together are built here on `update` and `select`, so the embedded store and a remote endpoint share
    one definition."""

    # --- what a store provides -------------------------------------------------------

    def replace_graph(self, graph: str, quads) -> bool | None:
        """Replace one named graph by `quads` as one unit (a reload gives the same graph)."""
        raise NotImplementedError

    def replace_graphs(self, graphs: list[str], nquads: bytes, quads: Iterable[ox.Quad] = (), *,
                       trusted: bool = False) -> list[bool | None]:
        """Replace these named graphs by the N-Quads (and quads) given; quads in other graphs are added to
        those. For each graph, whether the store held it before (None: not known). `trusted`: N-Quads kg
        wrote itself from checked parts (the embedded store then skips validating them)."""
        raise NotImplementedError

    def add(self, quads: list[ox.Quad]) -> None:
        raise NotImplementedError

    def update(self, sparql: str) -> None:
        """A SPARQL 1.1 update; the project's prefixes are declared."""
        raise NotImplementedError

    def select(self, sparql: str) -> Rows:
        """A SELECT (or ASK, CONSTRUCT as rows) over the union of the named graphs."""
        raise NotImplementedError

    def construct(self, sparql: str) -> list[ox.Triple]:
        raise NotImplementedError

    def graphs(self) -> list[str]:
        """The named graphs the project wrote."""
        raise NotImplementedError

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        raise NotImplementedError

    def dump(self, fmt: ox.RdfFormat) -> bytes:
        """The whole store serialised (named graphs kept where the format has them, else their union)."""
        buffer = io.BytesIO()
        self.dump_to(fmt, buffer)
        return buffer.getvalue()

    def dump_to(self, fmt: ox.RdfFormat, output: BinaryIO) -> None:
        """The store written to `output` a graph at a time, so memory holds one graph, not the store. N-Quads
        and TriG keep each graph; the triple formats write the union of the graphs (a triple two graphs hold is
        written twice: the same statement)."""
        prefixes = dump_prefixes(fmt)
        if fmt in _CONCATENABLE:  # each graph a document of its own: valid one after the other
            for graph in self.graphs():
                quads = self.quads(graph)
                ox.serialize(quads if fmt.supports_datasets else (q.triple for q in quads), output, fmt,
                             prefixes=prefixes)
            return
        ox.serialize((q.triple for graph in self.graphs() for q in self.quads(graph)), output, fmt, prefixes=prefixes)

    def flush(self) -> None:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def _replace_derived(self, graph: str, quads: list[ox.Quad]) -> None:
        raise NotImplementedError

    # --- a load under way: what a store that journals it (the embedded one) needs to finish a load cut off

    def begin_load(self, base: str | None) -> None:
        """A load starts writing documents minted under `base`: the derived graphs are stale until `end_load`."""

    def load_touches(self, departments: Iterable[tuple[str, str]]) -> None:
        """The load is about to write documents of these departments (as named, kind): their year links change."""

    def end_load(self) -> None:
        """The load wrote its documents and rebuilt the derived graphs."""

    def touching(self, graphs: Iterable[str]) -> None:
        """A load is about to change these graphs other than by `replace_graphs` (which says so itself): a
        store that keeps its quad count counts them before (Store, kg/store/counts.py)."""

    def quad_count(self) -> int:
        """How many quads the store holds (the load's summary line): a store may keep the count."""
        return len(self)

    # --- derived from all documents together ------------------------------------------

    def refresh_derived(self, base: str | None = None, added: dict[str, set[str]] | None = None,
                        renamed: Iterable[str] = ()) -> None:
        """Rebuild what is derived from all documents together:
        - labels: a subject's skos:prefLabel is the smallest name printed for its code in the year's
          tables, the other spellings skos:altLabel (so the choice does not depend on load order);
        - codelist-links: concepts of different years' code lists that keep code and name (skos:exactMatch),
          from the earlier year to the later.
        `added` (subject IRI → names printed for it) are the names the documents just loaded print, `renamed`
        the subjects the graphs they replaced printed: the labels are then updated for those subjects alone,
        which gives what a rebuild gives (the smallest name is the smaller of the old and the added ones; a
        subject whose names may have gone is named again from the figures that print it now) without reading
        every figure of every document. Without `added`, the labels are rebuilt from every figure."""
        reference, labels, links = (shared_graph(base, n) for n in ("reference", "labels", "codelist-links"))
        class_names = shared_graph(base, "class-names")
        self.touching([labels, class_names, links])
        if added is not None:
            renamed = set(renamed)
            if renamed:
                self._relabel(labels, renamed)
            self._add_labels(labels, {c: n for c, n in added.items() if c not in renamed})
            self._name_classes(reference, labels, class_names)
            self._relink_subjects(reference, labels, links, set(added) | renamed)
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
              BIND (STRLANG(STR(?name), "zh") AS ?alt)
              FILTER NOT EXISTS {{ GRAPH <{labels}> {{ ?c skos:prefLabel ?alt }} }}
            }}""")
        self._name_classes(reference, labels, class_names)
        self._relink(reference, labels, links)

    def rebuild_derived(self, base: str | None, departments: Iterable[tuple[str, str]] = ()) -> None:
        """Rebuild the derived graphs from the documents the store holds, as after a load that was cut off
        (Store.recover): labels, class names and code-list links in full, and the year links of these
        departments (as named, kind) from all their disclosures in the store."""
        self.refresh_derived(base, None)
        index = years.YearIndex()
        for department, kind in departments:
            org = Minter(base, department, None, kind, "").org(department)
            coded: dict[int, list[tuple[str, str, str, str]]] = {}
            for d, year, type_, measure, code, o in self.select(f"""
                    SELECT ?d ?year ?type ?measure ?code ?o WHERE {{
                      ?d a bud:Disclosure ; bud:department <{org}> ; bud:fiscalYear ?year .
                      ?t bud:disclosure ?d ; bud:tableType ?type .
                      ?o qb:dataSet ?t ; bud:rowCode ?code ; bud:measure ?measure .
                    }}""").rows:
                y = int(year.value)
                if d.value == Minter(base, department, y, kind, "").doc:  # this kind's disclosure of the year
                    coded.setdefault(y, []).append((_local(type_.value), _local(measure.value), code.value, o.value))
            if not coded:  # none left: no links either
                self.replace_graphs([years.graph_for(base, org, kind)], b"", trusted=True)
            for y, figures in coded.items():
                index.add(department, kind, y, figures)
        years.refresh(self, index, base, rebuild=True)

    def _name_classes(self, reference: str, labels: str, class_names: str) -> None:
        """A 类 no table prints with its code (a summary table's 「十、节能环保支出」 row) takes its name from the
        class list (codelists/functional-classes.ttl): kept apart from the printed names, so that a printed name
        found later replaces it whatever the order of loading."""
        self.update(f"""
            DROP SILENT GRAPH <{class_names}> ;
            INSERT {{ GRAPH <{class_names}> {{ ?c skos:prefLabel ?name }} }}
            WHERE {{
              GRAPH <{reference}> {{ ?c skos:exactMatch ?class }}
              GRAPH ?vocabulary {{ ?class skos:inScheme fn:scheme ; skos:prefLabel ?name . FILTER (LANG(?name) = "zh") }}
              FILTER NOT EXISTS {{ GRAPH <{labels}> {{ ?c skos:prefLabel ?printed }} }}
            }}""")

    def names_printed_in(self, graphs: list[str]) -> set[tuple[str, str]]:
        """(subject, name) for each name coded rows of these graphs print for a subject (none for a graph not held)."""
        if not graphs:
            return set()
        values = " ".join(f"<{g}>" for g in graphs)
        return {(c.value, name.value) for c, name in self.select(f"""SELECT DISTINCT ?c ?name WHERE {{
            VALUES ?g {{ {values} }}
            GRAPH ?g {{ ?o bud:functionalSubject|bud:economicSubject ?c ; bud:rowCode ?code ; bud:rowLabel ?name }}
            FILTER (?name != "") }}""").rows}

    def _relabel(self, labels: str, subjects: set[str], chunk: int = 500) -> None:
        """These subjects' labels made again from the names the figures that print them (in any document) give:
        a subject is in one year's code list, so this reads that year's figures of those codes, not the store."""
        ordered = sorted(subjects)
        for k in range(0, len(ordered), chunk):
            part = ordered[k:k + chunk]
            values = " ".join(f"<{c}>" for c in part)
            names: dict[str, set[str]] = {c: set() for c in part}
            for c, name in self.select(f"""SELECT DISTINCT ?c ?name WHERE {{ VALUES ?c {{ {values} }}
                    ?o bud:functionalSubject|bud:economicSubject ?c ; bud:rowCode ?code ; bud:rowLabel ?name .
                    FILTER (?name != "") }}""").rows:
                names[c.value].add(name.value)
            self._add_labels(labels, names, replace=True)

    def _add_labels(self, labels: str, added: dict[str, set[str]], chunk: int = 500, replace: bool = False) -> None:
        """Labels for these subjects from the names they have and the names added; `replace`: from the names
        given alone (a subject given none loses its labels)."""
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
                names = ({n for _, n in old[c]} if not replace else set()) | {n for n in added[c] if n}
                if not names:
                    delete += [(c, p, n) for p, n in old[c]]
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
        g = ox.NamedNode(links)
        match = ox.NamedNode(PREFIXES["skos"] + "exactMatch")
        self._replace_derived(links, [ox.Quad(ox.NamedNode(a), match, ox.NamedNode(b), g)
                                      for a, b in _same_code(rows)])

    def _relink_subjects(self, reference: str, labels: str, links: str, subjects: set[str], chunk: int = 300) -> None:
        """The code-list links of these subjects' codes made again (their names may have changed): every year's
        concept of each (code, kind) is read, not the whole of the code lists, and the links among them replaced."""
        match = PREFIXES["skos"] + "exactMatch"
        ordered = sorted(subjects)
        for k in range(0, len(ordered), chunk):
            values = " ".join(f"<{c}>" for c in ordered[k:k + chunk])
            rows = self.select(f"""SELECT DISTINCT ?c ?code ?year ?kind ?name WHERE {{
                  VALUES ?s {{ {values} }}
                  GRAPH <{reference}> {{ ?s skos:notation ?code ; skos:inScheme/bud:classificationKind ?kind .
                                         ?c skos:notation ?code ; skos:inScheme ?scheme .
                                         ?scheme bud:fiscalYear ?year ; bud:classificationKind ?kind . }}
                  OPTIONAL {{ GRAPH <{labels}> {{ ?c skos:prefLabel ?name }} }}
                }}""").rows
            concepts = sorted({c.value for c, *_ in rows})
            if not concepts:
                continue
            new = set(_same_code(rows))
            old = {(a.value, b.value) for a, b in self.select(f"""SELECT ?a ?b WHERE {{
                  VALUES ?a {{ {" ".join(f"<{c}>" for c in concepts)} }} GRAPH <{links}> {{ ?a skos:exactMatch ?b }}
                }}""").rows}
            for verb, pairs in (("DELETE", old - new), ("INSERT", new - old)):
                if pairs:
                    data = " ".join(f"<{a}> <{match}> <{b}> ." for a, b in sorted(pairs))
                    self.update(f"{verb} DATA {{ GRAPH <{links}> {{ {data} }} }}")


def _same_code(rows) -> list[tuple[str, str]]:
    """(concept, code, year, kind, name) rows → (earlier, later) pairs of concepts of the same code, kind and
    name in two years: the code lists' skos:exactMatch links (a concept without a name links nowhere)."""
    groups: dict[tuple, list[tuple[str, str]]] = {}
    for c, code, year, kind, name in rows:
        if name is not None:
            groups.setdefault((code.value, kind.value, name.value), []).append((year.value, c.value))
    return [(a, b) for members in groups.values() for ya, a in members for yb, b in members if ya < yb]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def _zh_literal(text: str) -> str:
    return str(ox.Literal(text, language="zh"))


def dump_prefixes(fmt: ox.RdfFormat) -> dict[str, str] | None:
    return PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML, ox.RdfFormat.N3) else None


def missing_prefixes(sparql: str) -> str:
    """Declarations of the project's prefixes the query does not declare itself (one line, no line break)."""
    declared = {line.split()[1].rstrip(":") for line in sparql.splitlines()
                if line.strip().upper().startswith("PREFIX") and len(line.split()) > 1}
    return "".join(f"PREFIX {k}: <{v}> " for k, v in PREFIXES.items() if k not in declared)


def with_prefixes(sparql: str) -> str:
    """Declare the project's prefixes unless the query declares its own of the same name. They go on the
    query's first line, so that a server's syntax errors name the lines of the query as written."""
    return missing_prefixes(sparql) + sparql

"""Year-over-year links: each coded figure to the same department's figure of the year before.

`bud:previousYearFigure` joins a figure to the one with the same table type, column measure and
row code in the same department's disclosure of the same kind for the year before. The links are
derived (one graph per department, whose links from the years a load touches are made again), so the
`year-over-year` query follows one link instead of joining every figure of every year.
"""
from __future__ import annotations

import zlib
from collections import defaultdict

from cnbudget.kg.rdf.iris import Minter, shared_graph
from cnbudget.kg.rdf.terms import bud, iri

# (table type, measure, row code) → {year: figure IRI}
Figures = dict[tuple[str, str, str], dict[int, str]]


class YearIndex:
    """The coded figures of the disclosures loaded in one run, by department (as named) and kind: compressed
    (about 5 KB a document), so a run of 10,000 documents does not hold millions of strings."""

    def __init__(self) -> None:
        self.docs: dict[tuple[str, str], dict[int, bytes]] = defaultdict(dict)

    def add(self, department: str, kind: str, year: int, coded) -> None:
        text = "\n".join("\t".join(entry) for entry in coded)
        self.docs[(department, kind)][year] = zlib.compress(text.encode("utf-8"))

    def figures(self, department: str, kind: str) -> Figures:
        figures: Figures = defaultdict(dict)
        for year, blob in self.docs[(department, kind)].items():
            for line in zlib.decompress(blob).decode("utf-8").splitlines():
                type_key, measure, code, iri = line.split("\t")
                figures[(type_key, measure, code)].setdefault(year, iri)
        return figures


def graph_for(base: str | None, department: str, kind: str) -> str:
    return shared_graph(base, f"year-links/{kind}/{department.rsplit('/', 1)[-1]}")


def refresh(store, index: YearIndex, base: str | None = None, rebuild: bool = False) -> None:
    """Update the link graph of every department the run touched, for the years it touched alone: the links
    from a figure of a year the run loaded, or of the year after one, are made again; the department's other
    links are kept as they are. The figures of a year next to one the run loaded, loaded in an earlier run,
    come from the store: their disclosure's IRI is known (department, year and kind name it), so no query has
    to look through the department's other figures. `rebuild`: the index holds every disclosure of its
    departments, whose graphs are made again whole."""
    graphs, lines = [], []
    for (department, kind), docs in index.docs.items():
        figures = index.figures(department, kind)
        neighbours = {y + d for y in docs for d in (-1, 1)} - set(docs)
        stored = _stored(store, base, department, kind, neighbours)
        if stored:
            _add_stored(store, stored, figures)
        org = Minter(base, department, None, kind, "").org(department)
        graph = graph_for(base, org, kind)
        graphs.append(graph)
        g = iri(graph)
        remade = set(docs) | {y + 1 for y in docs}  # the years whose figures' links are made again
        if not rebuild:
            lines += [f"{iri(s)} {bud.previousYearFigure} {iri(o)} {g} .\n"
                      for s, o in _kept(store, base, department, kind, graph, remade)]
        lines += [f"{iri(by_year[year])} {bud.previousYearFigure} {iri(by_year[year - 1])} {g} .\n"
                  for by_year in figures.values() for year in by_year
                  if year in remade and year - 1 in by_year]
        if len(lines) >= _WRITE_AT:  # many departments' graphs in one write
            store.replace_graphs(graphs, "".join(lines).encode("utf-8"), trusted=True)
            graphs, lines = [], []
    if graphs:
        store.replace_graphs(graphs, "".join(lines).encode("utf-8"), trusted=True)


def _kept(store, base: str | None, department: str, kind: str, graph: str, remade: set[int]) -> list[tuple[str, str]]:
    """The department's links from figures of years other than `remade`: read from its own link graph (a figure's
    IRI begins with its disclosure's, which names the year), so the cost is the department's, not the store's."""
    gone = tuple(Minter(base, department, y, kind, "").doc + "/" for y in remade)
    rows = store.select(f"SELECT ?s ?o WHERE {{ GRAPH <{graph}> {{ ?s bud:previousYearFigure ?o }} }}").rows
    return [(s.value, o.value) for s, o in rows if not s.value.startswith(gone)]


_WRITE_AT = 100_000  # links held before a write: a few bulk writes, not one per department nor one huge one


def _stored(store, base: str | None, department: str, kind: str, years: set[int]) -> list[str]:
    """The department's disclosures of these years that the store holds."""
    if not years:
        return []
    candidates = " ".join(f"<{Minter(base, department, y, kind, '').doc}>" for y in sorted(years))
    rows = store.select(f"SELECT ?d WHERE {{ VALUES ?d {{ {candidates} }} ?d a bud:Disclosure }}").rows
    return [r[0].value for r in rows]


def _add_stored(store, docs: list[str], figures: Figures) -> None:
    values = " ".join(f"<{d}>" for d in docs)
    rows = store.select(f"""SELECT ?type ?measure ?code ?year ?o WHERE {{
        VALUES ?d {{ {values} }}
        ?d bud:fiscalYear ?year .
        ?t bud:disclosure ?d ; bud:tableType ?type .
        ?o qb:dataSet ?t ; bud:rowCode ?code ; bud:measure ?measure .
    }}""").rows
    for type_, measure, code, year, o in rows:
        key = (_local(type_.value), _local(measure.value), code.value)
        figures[key].setdefault(int(year.value), o.value)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]

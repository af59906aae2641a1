"""The search dictionary's parts, one per disclosure (dictionary.py merges them): the organizations its graph
names with their names, its fiscal years and its texts, read from its own graph and the shared reference graph
alone. Kept as one file per graph in the store's folder (ask-parts/), so that `kg load` writes the parts of the
graphs it wrote, whatever the size of the store, and the merged dictionary is made when it is next asked for."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import uuid
from pathlib import Path

import pyoxigraph as ox

from cnbudget.kg.ask.normalize import fold
from cnbudget.kg.store import GraphStore

FOLDER = "ask-parts"
GENERATION = "generation"  # a new token whenever a part changes: the merged dictionary says which it was made from
VERSION = 1

# what names an organization: its kind and its names, as plain scans joined here (one query joining the kinds
# to their labels took 20 s on a 100-document store, each part alone a few milliseconds)
_ORG_KINDS = ("SELECT DISTINCT ?o WHERE { GRAPH $own { ?o a bud:Department } }",
              "SELECT DISTINCT ?o WHERE { GRAPH $own { ?o a bud:AffiliatedUnit } }",
              "SELECT DISTINCT ?o WHERE { GRAPH $own { ?e bud:evaluatedUnit ?o } }",
              "SELECT DISTINCT ?o WHERE { GRAPH $own { ?d a bud:Disclosure ; dct:publisher ?o } }")
_ORGS = """SELECT ?o ?department ?pref WHERE { VALUES ?o { $orgs }
  GRAPH ?h { ?o skos:prefLabel ?pref } VALUES ?h { $scope }
  OPTIONAL { GRAPH ?k { ?o org:subOrganizationOf ?department } VALUES ?k { $scope } }
}"""
_NAMES = """SELECT DISTINCT ?o ?name WHERE { VALUES ?o { $orgs } VALUES ?h { $scope }
  GRAPH ?h { { ?o skos:prefLabel ?name } UNION { ?o skos:altLabel ?name }
             UNION { ?e bud:evaluatedUnit ?o ; bud:printedName ?name } }
}"""
_YEARS = "SELECT DISTINCT ?year WHERE { GRAPH $own { ?d a bud:Disclosure ; bud:fiscalYear ?year } }"
# the texts the full-text search ranks: duties, reasons, tasks, indicators, section titles; one query each, the
# documents' titles joined here
_TEXTS = {
    "duty": "SELECT ?r ?text ?d WHERE { GRAPH $own { ?r a bud:Duty ; bud:text ?text ; bud:disclosure ?d } }",
    "reason": "SELECT ?r ?text ?d WHERE { GRAPH $own { ?r a bud:SubjectExecution ; bud:reason ?text ; bud:disclosure ?d } }",
    "task": "SELECT ?r ?text ?d WHERE { GRAPH $own { ?e bud:task ?r ; bud:disclosure ?d . ?r bud:taskName ?text } }",
    "indicator": "SELECT ?r ?text ?d WHERE { GRAPH $own { ?e bud:indicator ?r ; bud:disclosure ?d . "
                 "?r bud:indicatorContent ?text } }",
    "section": "SELECT ?r ?text ?d WHERE { GRAPH $own { ?r a bud:NarrativeSection ; dct:title ?text ; bud:disclosure ?d } }",
}
_TITLES = "SELECT ?d ?document WHERE { GRAPH $own { ?d a bud:Disclosure ; dct:title ?document } }"
_DOCUMENTS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d a bud:Disclosure } }"


def _value(term) -> str:
    return term.value if term is not None else ""


def reference_of(graph: str) -> str:
    """The shared reference graph beside a disclosure's graph (kg/rdf/iris.py: both are `{base}graph/{name}`)."""
    return graph[: graph.rindex("/graph/") + len("/graph/")] + "reference"


def compute(store: GraphStore, graph: str | None) -> dict:
    """One disclosure's part, from its graph and the reference graph (which names its department); with no
    graph, the part of every document at once (a store without a folder: a dozen queries, not a dozen each)."""
    def select(query: str, **values: str) -> list:
        if graph is None:
            query = query.replace("VALUES ?h { $scope }", "").replace("VALUES ?k { $scope }", "")
        own, scope = (f"<{graph}>", f"<{graph}> <{reference_of(graph)}>") if graph else ("?graph", "")
        for key, value in {"own": own, "scope": scope, **values}.items():
            query = query.replace(f"${key}", value)
        return store.select(query).rows

    # the organizations its own graph names (the reference graph types every department of the store)
    kinds = {o for q in _ORG_KINDS for (o,) in select(q) if isinstance(o, ox.NamedNode)}
    orgs: dict[str, dict] = {}
    if kinds:
        values = " ".join(sorted(str(o) for o in kinds))
        for o, department, pref in sorted(select(_ORGS, orgs=values), key=lambda r: tuple(_value(t) for t in r)):
            if isinstance(o, ox.NamedNode):
                orgs.setdefault(o.value, {"pref": _value(pref), "department": _value(department), "names": []})
        for o, name in sorted(select(_NAMES, orgs=values), key=lambda r: tuple(_value(t) for t in r)):
            info = orgs.get(o.value) if isinstance(o, ox.NamedNode) else None
            name = fold(_value(name)) if info is not None else ""
            if name and name not in info["names"]:
                info["names"].append(name)
    titles: dict[str, list[str]] = {}
    for doc, title in select(_TITLES):
        titles.setdefault(doc.value, []).append(_value(title))
    texts, indicators = [], set()
    for kind, query in _TEXTS.items():
        for r, text, doc in select(query):
            for document in titles.get(doc.value, ()):
                texts.append({"iri": r.value, "kind": kind, "text": _value(text), "document": document})
            if kind == "indicator":
                indicators.add(_value(text))
    years = sorted({int(_value(y)) for (y,) in select(_YEARS) if _value(y).isdigit()})
    return {"version": VERSION, "graph": graph or "", "orgs": orgs, "years": years, "texts": texts,
            "indicators": sorted(indicators)}


def documents(store: GraphStore) -> list[str]:
    """The disclosures' graphs the store holds (one quad each answers: no scan of their figures)."""
    return sorted(g.value for (g,) in store.select(_DOCUMENTS).rows if isinstance(g, ox.NamedNode))


def folder_of(store: GraphStore) -> Path | None:
    p = getattr(store, "path", None)
    return Path(p) / FOLDER if p and Path(p).is_dir() else None


def _file(folder: Path, graph: str) -> Path:
    return folder / (hashlib.sha1(graph.encode("utf-8")).hexdigest()[:24] + ".json")


def _write_json(target: Path, data) -> None:
    """Written whole, then renamed: a reader sees the old file or the new one."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    os.replace(tmp, target)


def refresh(store: GraphStore, written: list[str]) -> bool:
    """After a load: the parts of the graphs it wrote made again, parts of graphs the store no longer holds
    removed, and parts missing (a store loaded before parts were kept) made. False for a store without a folder."""
    folder = folder_of(store)
    if folder is None:
        return False
    folder.mkdir(exist_ok=True)
    held = documents(store)
    wanted = {_file(folder, g).name: g for g in held}
    present = {p.name for p in folder.glob("*.json")}
    todo = set(written) & set(held) | {g for name, g in wanted.items() if name not in present}
    for graph in sorted(todo):
        _write_json(_file(folder, graph), compute(store, graph))
    for name in present - set(wanted):
        (folder / name).unlink(missing_ok=True)
    (folder / GENERATION).write_text(uuid.uuid4().hex, encoding="utf-8")
    return True


def generation(store: GraphStore) -> str:
    """The token of the parts as last written ("" when none are kept)."""
    folder = folder_of(store)
    try:
        return (folder / GENERATION).read_text(encoding="utf-8").strip() if folder else ""
    except OSError:
        return ""


def read_all(store: GraphStore) -> list[dict]:
    """Every disclosure's part, read from its file or, where there is none (or it cannot be read), made."""
    folder = folder_of(store)
    if folder is None:
        return [compute(store, None)]
    parts = []
    for graph in documents(store):
        part = None
        if folder is not None:
            try:
                part = json.loads(_file(folder, graph).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                part = None
        if not part or part.get("version") != VERSION or part.get("graph") != graph:
            part = compute(store, graph)
        parts.append(part)
    return parts

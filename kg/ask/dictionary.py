"""The search box's dictionary: the graph's own words (organizations and their short forms, regions, subjects by
name and code, items, years, the named queries' keywords) and the texts the full-text search ranks, read from the
store once after a load (`kg load` calls `rebuild`) and kept as JSON in the store's folder; not per query."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from cnbudget.kg import queries as named_queries
from cnbudget.kg.ask.normalize import fold
from cnbudget.kg.ask.words import words
from cnbudget.kg.interpret.places import PlacePrefix, divisions
from cnbudget.kg.store import GraphStore

FILE_NAME = "ask-dictionary.json"
VERSION = 1

# organizations and their names, read as plain scans joined here: one query joining the kinds of organization
# to their labels took 20 s on a 100-document store, each part alone a few milliseconds
_ORG_KINDS = ("SELECT DISTINCT ?o WHERE { ?o a bud:Department }", "SELECT DISTINCT ?o WHERE { ?o a bud:AffiliatedUnit }",
              "SELECT DISTINCT ?o WHERE { ?e bud:evaluatedUnit ?o }",
              "SELECT DISTINCT ?o WHERE { ?d a bud:Disclosure ; dct:publisher ?o }")
_ORGS = """SELECT ?o ?department ?pref WHERE {
  VALUES ?o { $orgs } ?o skos:prefLabel ?pref . OPTIONAL { ?o org:subOrganizationOf ?department }
}"""
_NAMES = """SELECT DISTINCT ?o ?name WHERE {
  { ?o skos:prefLabel ?name } UNION { ?o skos:altLabel ?name } UNION { ?e bud:evaluatedUnit ?o ; bud:printedName ?name }
}"""
_SUBJECTS = """SELECT DISTINCT ?code ?name ?parent WHERE {
  { ?c a bud:FunctionalSubject } UNION { ?c a bud:EconomicSubject }
  ?c skos:notation ?code . { ?c skos:prefLabel ?name } UNION { ?c skos:altLabel ?name }
  OPTIONAL { ?c skos:broader/skos:prefLabel ?parent }
}"""
_ITEMS = """SELECT DISTINCT ?i ?name WHERE {
  ?i a bud:AccountItem . { ?i skos:prefLabel ?name } UNION { ?i skos:altLabel ?name } FILTER (LANG(?name) = "zh")
}"""
_YEARS = "SELECT DISTINCT ?year WHERE { ?d a bud:Disclosure ; bud:fiscalYear ?year }"
# the texts the full-text search ranks: duties, reasons, tasks, indicators, section titles; one query each, the
# documents' titles joined here (a UNION joined to the titles in SPARQL ran for minutes on 100 documents)
_TEXTS = {
    "duty": "SELECT ?r ?text ?d WHERE { ?r a bud:Duty ; bud:text ?text ; bud:disclosure ?d }",
    "reason": "SELECT ?r ?text ?d WHERE { ?r a bud:SubjectExecution ; bud:reason ?text ; bud:disclosure ?d }",
    "task": "SELECT ?r ?text ?d WHERE { ?e bud:task ?r ; bud:disclosure ?d . ?r bud:taskName ?text }",
    "indicator": "SELECT ?r ?text ?d WHERE { ?e bud:indicator ?r ; bud:disclosure ?d . ?r bud:indicatorContent ?text }",
    "section": "SELECT ?r ?text ?d WHERE { ?r a bud:NarrativeSection ; dct:title ?text ; bud:disclosure ?d }",
}
_TITLES = "SELECT ?d ?document WHERE { ?d a bud:Disclosure ; dct:title ?document }"


@dataclass
class Dictionary:
    """Terms (folded) → what they name: [kind, key] pairs. Kinds: org (key an IRI), region (a place's full name),
    kind (a kind of body), subject (a code), item (an IRI), group, phase, compare, query (a named query), year,
    indicator (an indicator's name: found by the full-text search), figures and word (the maintained words)."""
    terms: dict[str, list[list[str]]] = field(default_factory=dict)
    orgs: dict[str, dict] = field(default_factory=dict)       # IRI → {name, department, names, places}
    subjects: dict[str, str] = field(default_factory=dict)    # code → name
    items: dict[str, str] = field(default_factory=dict)       # IRI → name
    years: list[int] = field(default_factory=list)
    texts: list[dict] = field(default_factory=list)           # {iri, kind, text, document}
    fingerprint: str = ""

    def add(self, term: str, kind: str, key: str) -> None:
        term = fold(term)
        if len(term) < 2 and not term.isdigit():
            return
        entry = [kind, key]
        bucket = self.terms.setdefault(term, [])
        if entry not in bucket:
            bucket.append(entry)

    def to_json(self) -> dict:
        return {"version": VERSION, "fingerprint": self.fingerprint, "terms": self.terms, "orgs": self.orgs,
                "subjects": self.subjects, "items": self.items, "years": self.years, "texts": self.texts}

    @classmethod
    def from_json(cls, data: dict) -> "Dictionary":
        return cls(terms=data["terms"], orgs=data["orgs"], subjects=data["subjects"], items=data["items"],
                   years=data["years"], texts=data["texts"], fingerprint=data.get("fingerprint", ""))


def _value(term) -> str:
    return term.value if term is not None else ""


def fingerprint(store: GraphStore) -> str:
    """What the dictionary was built from: the documents' graphs (a load changes them)."""
    graphs = store.graphs()
    return f"{len(graphs)}:" + hashlib.sha1("\n".join(graphs).encode()).hexdigest()[:16]


def build(store: GraphStore) -> Dictionary:
    d = Dictionary(fingerprint=fingerprint(store))
    w = words()
    kinds = {o for q in _ORG_KINDS for (o,) in store.select(q).rows if isinstance(o, ox.NamedNode)}
    rows = store.select(_ORGS.replace("$orgs", " ".join(sorted(str(o) for o in kinds)))).rows if kinds else []
    for o, department, pref in rows:
        if o is None or not isinstance(o, ox.NamedNode):
            continue
        d.orgs.setdefault(o.value, {"name": _value(pref), "department": _value(department) or o.value,
                                    "names": [], "places": []})
    for o, name in store.select(_NAMES).rows:
        info = d.orgs.get(o.value) if isinstance(o, ox.NamedNode) else None
        name = fold(_value(name)) if info is not None else ""
        if name and name not in info["names"]:
            info["names"].append(name)
    for iri, info in d.orgs.items():
        department = d.orgs.get(info["department"], info)
        prefix = PlacePrefix(department["name"] or info["name"])
        for name in list(info["names"]):
            d.add(name, "org", iri)
            short = fold(prefix.strip(name)[0])
            if short and short != name and len(short) >= 3:
                info["names"].append(short)
                d.add(short, "org", iri)
            for kind_word, kind in w.kinds.items():
                if name.endswith(kind_word):
                    info.setdefault("kinds", [])
                    if kind not in info["kinds"]:
                        info["kinds"].append(kind)
        places, _ = divisions().department_places(department["name"] or info["name"])
        for place in places:
            for p in place.chain():
                info["places"].append(p.name)
                for form, _strong in p.forms():
                    d.add(form, "region", p.name)
    for code, name, parent in store.select(_SUBJECTS).rows:
        code, name, parent = _value(code), fold(_value(name)), fold(_value(parent))
        d.subjects.setdefault(code, name)
        d.add(code, "subject", code)
        for form in _subject_forms(name, parent):
            d.add(form, "subject", code)
    for iri, name in store.select(_ITEMS).rows:
        d.items.setdefault(iri.value, _value(name))
        d.add(_value(name), "item", iri.value)
    d.years = sorted({int(_value(y)) for (y,) in store.select(_YEARS).rows if _value(y).isdigit()})
    for year in d.years:
        d.add(str(year), "year", str(year))
    for name, q in named_queries.catalog().items():
        for keyword in q.keywords:
            d.add(keyword, "query", name)
    _add_words(d)
    titles: dict[str, list[str]] = {}
    for doc, title in store.select(_TITLES).rows:
        titles.setdefault(doc.value, []).append(_value(title))
    for kind, query in _TEXTS.items():
        for r, text, doc in store.select(query).rows:
            for document in titles.get(doc.value, ()):
                d.texts.append({"iri": r.value, "kind": kind, "text": _value(text), "document": document})
            if kind == "indicator" and 3 <= len(_value(text)) <= 16:  # an indicator's name, a word to segment
                d.add(_value(text), "indicator", _value(text))
    return d


def _subject_forms(name: str, parent: str) -> list[str]:
    """How people name a subject: as printed (大气), with its 款 (大气污染防治, 污染防治大气) and with 支出 after."""
    if not name:
        return []
    forms = [name]
    if parent and len(name) <= 4 and not name.startswith("其他"):
        forms += [name + parent, parent + name]
    return forms + [f + "支出" for f in forms if not f.endswith("支出")]


def _add_words(d: Dictionary) -> None:
    """The maintained words: a synonym names what its word names; phases, groups, kinds, comparisons."""
    w = words()
    for word, phases in w.phases.items():
        d.add(word, "phase", "|".join(phases))
    for word in w.groups:
        d.add(word, "group", word)
    for word, kind in w.kinds.items():
        d.add(word, "kind", kind)
    for word, meaning in w.compare.items():
        d.add(word, "compare", meaning)
    for word in w.figures:
        d.add(word, "figures", "figures")
    for variant, word in w.synonyms.items():
        for kind, key in list(d.terms.get(word, [])):
            d.add(variant, kind, key)
        if word not in d.terms:  # a word the engine itself understands (任务, 单位 …)
            d.add(word, "word", word)
        d.add(variant, "word", word)


# --- kept beside the store -------------------------------------------------------------------------------------

_cache: dict[str, tuple[float, Dictionary]] = {}


def path_of(store: GraphStore) -> Path | None:
    p = getattr(store, "path", None)
    return Path(p) / FILE_NAME if p and Path(p).is_dir() else None


def rebuild(store: GraphStore) -> Dictionary:
    """Build the dictionary from the store and keep it in the store's folder (written whole, then renamed)."""
    d = build(store)
    target = path_of(store)
    if target is not None:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".ask-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(d.to_json(), f, ensure_ascii=False)
        os.replace(tmp, target)
        _cache.pop(str(target), None)
    else:
        _cache[f"store:{id(store)}"] = (0.0, d)
    return d


def dictionary_for(store: GraphStore) -> Dictionary:
    """The store's dictionary: read from its folder (again when the file changes), else built (a remote store, or
    a store loaded without `kg load`) and kept; one built from other documents than the store now holds (a load
    that did not rebuild it) is built again."""
    target = path_of(store)
    key = str(target) if target is not None else f"store:{id(store)}"
    cached = _cache.get(key)
    if target is None:
        if cached is None:
            cached = _cache[key] = (0.0, build(store))
        return cached[1]
    try:
        mtime = target.stat().st_mtime
    except FileNotFoundError:
        mtime = None
    if cached and cached[0] == mtime and cached[1].fingerprint == fingerprint(store):
        return cached[1]  # the store's graphs are listed in well under a millisecond: checked every time
    d = _read(target) if mtime is not None else None
    if d is None or d.fingerprint != fingerprint(store):
        d = build(store)
    _cache[key] = (mtime, d)
    return d


def _read(target: Path) -> Dictionary | None:
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        return Dictionary.from_json(data) if data.get("version") == VERSION else None
    except (OSError, ValueError, KeyError):
        return None

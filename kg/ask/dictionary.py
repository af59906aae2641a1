"""The search box's dictionary: the graph's own words (organizations and their short forms, regions, subjects by
name and code, items, years, the named queries' keywords) and the texts the full-text search ranks. Merged from
the disclosures' parts (parts.py, which `kg load` refreshes for the graphs it wrote) and what all documents
share, when first asked for after a load, and kept as JSON in the store's folder; not per query."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cnbudget.kg import queries as named_queries
from cnbudget.kg.ask import parts
from cnbudget.kg.ask.normalize import fold
from cnbudget.kg.ask.words import words
from cnbudget.kg.interpret.places import PlacePrefix, divisions
from cnbudget.kg.store import GraphStore

FILE_NAME = "ask-dictionary.json"
VERSION = 2

_SUBJECTS = """SELECT DISTINCT ?code ?name ?parent WHERE {
  { ?c a bud:FunctionalSubject } UNION { ?c a bud:EconomicSubject }
  ?c skos:notation ?code . { ?c skos:prefLabel ?name } UNION { ?c skos:altLabel ?name }
  OPTIONAL { ?c skos:broader/skos:prefLabel ?parent }
}"""
_ITEMS = """SELECT DISTINCT ?i ?name WHERE {
  ?i a bud:AccountItem . { ?i skos:prefLabel ?name } UNION { ?i skos:altLabel ?name } FILTER (LANG(?name) = "zh")
}"""


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


def build(store: GraphStore, documents: list[dict] | None = None) -> Dictionary:
    """The dictionary from the disclosures' parts (parts.py; made here when not given) and what all share: the
    subjects of the code lists, the account items, the named queries' keywords and the maintained words."""
    d = Dictionary(fingerprint=fingerprint(store))
    w = words()
    documents = sorted(parts.read_all(store) if documents is None else documents, key=lambda p: p["graph"])
    for part in documents:
        for iri, org in part["orgs"].items():
            info = d.orgs.setdefault(iri, {"name": org["pref"], "department": org["department"] or iri,
                                           "names": [], "places": []})
            info["names"] += [n for n in org["names"] if n not in info["names"]]
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
        for place in _places(department["name"] or info["name"]):
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
    d.years = sorted({y for part in documents for y in part["years"]})
    for year in d.years:
        d.add(str(year), "year", str(year))
    for name, q in named_queries.catalog().items():
        for keyword in q.keywords:
            d.add(keyword, "query", name)
    _add_words(d)
    for part in documents:
        d.texts += part["texts"]
        for name in part["indicators"]:
            if 3 <= len(name) <= 16:  # an indicator's name, a word to segment
                d.add(name, "indicator", name)
    return d


@lru_cache(maxsize=4096)
def _places(name: str) -> tuple:
    return tuple(divisions().department_places(name)[0])


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

_cache: dict[str, tuple[str, Dictionary]] = {}


def path_of(store: GraphStore) -> Path | None:
    p = getattr(store, "path", None)
    return Path(p) / FILE_NAME if p and Path(p).is_dir() else None


def refresh(store: GraphStore, written: list[str]) -> None:
    """After a load: the parts of the graphs it wrote (parts.refresh); the merged dictionary is made again when
    next asked for (`dictionary_for`), so a load costs the documents it wrote, not the store's size."""
    parts.refresh(store, written)


def rebuild(store: GraphStore) -> Dictionary:
    """Every part made again, and the merged dictionary made and kept in the store's folder."""
    if parts.refresh(store, parts.documents(store)):
        return dictionary_for(store)
    d = build(store)
    _cache[f"store:{id(store)}"] = ("", d)
    return d


def dictionary_for(store: GraphStore) -> Dictionary:
    """The store's dictionary: kept in memory and in its folder (ask-dictionary.json) with the parts'
    generation and the graphs it was made from; made again from the parts when either changed. A store without
    a folder (a remote one) has it made from the store once per process."""
    target = path_of(store)
    key = str(target) if target is not None else f"store:{id(store)}"
    cached = _cache.get(key)
    if cached and target is None:
        return cached[1]
    stamp = parts.generation(store) + "/" + fingerprint(store) if target else ""  # graphs listed in under a ms
    if cached and cached[0] == stamp:
        return cached[1]
    d = _read(target, stamp) if target is not None else None
    if d is None:
        d = build(store)
        if target is not None:
            try:
                _write(target, d, stamp)
            except OSError:  # a store folder this process may not write: kept in memory alone
                pass
    _cache[key] = (stamp, d)
    return d


def _write(target: Path, d: Dictionary, stamp: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".ask-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({**d.to_json(), "stamp": stamp}, f, ensure_ascii=False)
    os.replace(tmp, target)


def _read(target: Path, stamp: str) -> Dictionary | None:
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        return Dictionary.from_json(data) if data.get("version") == VERSION and data.get("stamp") == stamp else None
    except (OSError, ValueError, KeyError):
        return None

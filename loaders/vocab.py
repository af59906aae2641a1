"""Lookups from printed names to the code lists in ontology/codelists/.

The code lists are the single place where name variants live: adding an
skos:altLabel there teaches every loader the new spelling.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox

from cnbudget.loaders.text import label_key
from cnbudget.ontology import FN, ITEM, PHASE, PREFIXES, TBL, codelist

SKOS = PREFIXES["skos"]


@lru_cache(maxsize=None)
def _labels(filename: str, ns: str) -> dict[str, str]:
    """label key → local name (or notation, for the functional classes)."""
    path = codelist(filename)
    labels: dict[str, str] = {}
    notations: dict[str, str] = {}
    pref_first: list[tuple[str, str]] = []
    alt: list[tuple[str, str]] = []
    for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        s, p, o = t.subject.value, t.predicate.value, t.object
        if not s.startswith(ns):
            continue
        local = s[len(ns):]
        if local == "scheme":
            continue
        if p == SKOS + "notation":
            notations[local] = o.value
        elif p == SKOS + "prefLabel" and getattr(o, "language", None) == "zh":
            pref_first.append((label_key(o.value), local))
        elif p == SKOS + "altLabel":
            alt.append((label_key(o.value), local))
    for key, local in alt + pref_first:  # preferred labels win on a clash
        labels[key] = local
    if ns == FN:
        return {k: notations[v] for k, v in labels.items()}
    return labels


_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}\s*(?:年度?|-)\s*")
_YEAR_NUMBER = re.compile(r"^(?:19|20)\d{2}(?=年度)")
_UNIT_AFTER = re.compile(r"[(（](?:万元|元|千元|亿元)[)）]$")


def _lookup(filename: str, ns: str, label: str) -> str | None:
    """A header label's concept; a leading year (2016年执行数, 2017年度预算数) is tried without it."""
    if not label:
        return None
    labels = _labels(filename, ns)
    key = label_key(label)
    found = labels.get(key)
    if found is None and _UNIT_AFTER.search(key):  # 2020年度支出(万元): the header's unit is no part of its name
        key = _UNIT_AFTER.sub("", key)
        found = labels.get(key)
    if found is None and _LEADING_YEAR.match(key):
        rest = _LEADING_YEAR.sub("", key)
        found = labels.get(rest) if rest else None
    if found is None and _YEAR_NUMBER.match(key):  # 2020年度支出: 年度支出
        found = labels.get(_YEAR_NUMBER.sub("", key))
    return found


def item_for(label: str) -> str | None:
    return _lookup("items.ttl", ITEM, label)


def functional_class_for(label: str) -> str | None:
    """The 3-digit code of a 类 named by `label` (e.g. 十、节能环保支出 → 211)."""
    return _labels("functional-classes.ttl", FN).get(label_key(label)) if label else None


def table_type_for(title: str) -> str | None:
    """Table type from a title: exact match of the normalised title, else the longest known
    title it contains (titles carry prefixes such as the department's name)."""
    labels = _labels("tables.ttl", TBL)
    key = label_key(title)
    if key in labels:
        return labels[key]
    best = max((k for k in labels if k in key), key=len, default=None)
    return labels[best] if best else None


def phase_for(label: str) -> str | None:
    return _lookup("phases.ttl", PHASE, label)


@lru_cache(maxsize=None)
def _broader() -> dict[str, str]:
    """item local name → the local name of its skos:broader item."""
    path = codelist("items.ttl")
    out: dict[str, str] = {}
    for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if t.predicate.value == SKOS + "broader" and t.subject.value.startswith(ITEM) \
                and t.object.value.startswith(ITEM):
            out[t.subject.value[len(ITEM):]] = t.object.value[len(ITEM):]
    return out


def broader_item(item: str | None) -> str | None:
    """The item an item is a part of (公务用车购置费 → 公务用车购置及运行费), per items.ttl."""
    return _broader().get(item) if item else None


def narrower_items(item: str) -> set[str]:
    """The items that are parts of an item (its skos:broader's subjects in items.ttl)."""
    return {k for k, v in _broader().items() if v == item}


@lru_cache(maxsize=None)
def table_notation(type_key: str) -> str | None:
    """The table type's number (skos:notation, e.g. "07")."""
    path = codelist("tables.ttl")
    for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if t.subject.value == TBL + type_key and t.predicate.value == SKOS + "notation":
            return t.object.value
    return None

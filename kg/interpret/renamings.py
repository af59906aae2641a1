"""Renamings of bodies as data (ontology/codelists/renamings.ttl): which reform turns one unit name into another
(kg/interpret/units.py, the renaming rule)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from cnbudget.ontology import BUD, PREFIXES, codelist



@dataclass(frozen=True)
class Renaming:
    iri: str
    old: str
    new: str
    kinds: tuple[str, ...]
    rule: str  # the reform's notation: the resolution rule its merges record
    reform: str  # the reform's name
    year: int | None


@lru_cache(maxsize=1)
def renamings() -> list[Renaming]:
    """The renamings of ontology/codelists/renamings.ttl."""
    skos, dct, rdf = PREFIXES["skos"], PREFIXES["dct"], PREFIXES["rdf"]
    props: dict[str, dict[str, list]] = {}
    for t in ox.parse(path=str(codelist("renamings.ttl")), format=ox.RdfFormat.TURTLE):
        props.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)

    def one(s: str, p: str, lang: str | None = None) -> str | None:
        values = [o for o in props.get(s, {}).get(p, []) if lang is None or getattr(o, "language", None) == lang]
        return values[0].value if values else None

    out = []
    for s, ps in props.items():
        if not any(o.value == BUD + "Renaming" for o in ps.get(rdf + "type", [])):
            continue
        reform = one(s, skos + "broader") or ""
        date = one(reform, dct + "date")
        out.append(Renaming(s, one(s, BUD + "oldNamePart"), one(s, BUD + "newNamePart"),
                            tuple(sorted(o.value for o in ps.get(BUD + "appliesToKind", []))),
                            one(reform, skos + "notation") or "renamed", one(reform, skos + "prefLabel", "zh") or "",
                            int(date[:4]) if date else None))
    return sorted(out, key=lambda r: r.iri)


def renaming_between(a: str, b: str, year: int | None = None) -> Renaming | None:
    """The renaming that makes name `a` into `b` (or `b` into `a`): one old part of one replaced by its new part is
    the other, and the renamed name is of a kind the renaming applies to."""
    for r in renamings():
        if year is not None and r.year is not None and year < r.year - 1:
            continue
        for old_name, new_name in ((a, b), (b, a)):
            if not new_name.endswith(r.kinds) and r.kinds:
                continue
            start = old_name.find(r.old)
            while start >= 0:
                if old_name[:start] + r.new + old_name[start + len(r.old):] == new_name:
                    return r
                start = old_name.find(r.old, start + 1)
    return None



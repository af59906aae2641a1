"""RDF terms as N-Triples text: the one way this package writes triples.

A document's quads are written as N-Quads lines, not pyoxigraph `Quad`s: a third of the cost, and what
crosses cheaply from a worker process to the writer. Every term is a string here: `bud.amount` is
`<https://w3id.org/cnbudget/def#amount>`, `zh("文字")` is `"文字"@zh`. Literals are escaped by pyoxigraph;
IRIs are minted from a checked base and digits, digests or slugs (iris.py), so they are written as they are.
"""
from __future__ import annotations

import re
from decimal import Decimal

import pyoxigraph as ox

from cnbudget.ontology import CHK, FN, ITEM, MULT, PHASE, PREFIXES, SIDE, TBL

_XSD = PREFIXES["xsd"]
_DECIMAL_TAIL = f"^^<{_XSD}decimal>"
_INTEGER_TAIL = f"^^<{_XSD}integer>"
_POSITIVE_TAIL = f"^^<{_XSD}positiveInteger>"
TRUE, FALSE = (f'"{v}"^^<{_XSD}boolean>' for v in ("true", "false"))


class Namespace:
    """`ns.name` (or `ns["name"]`): the term's IRI as N-Triples text, cached."""

    def __init__(self, base: str):
        self._base, self._cache = base, {}

    def __getattr__(self, name: str) -> str:
        text = self._cache.get(name)
        if text is None:
            text = self._cache[name] = f"<{self._base}{name}>"
        return text

    def __getitem__(self, name: str) -> str:
        return self.__getattr__(name)


bud, qb, skos, dct, dcat, prov, org, rdfs, spdx = (
    Namespace(PREFIXES[p]) for p in ("bud", "qb", "skos", "dct", "dcat", "prov", "org", "rdfs", "spdx"))
item, tbl, phase, chk = Namespace(ITEM), Namespace(TBL), Namespace(PHASE), Namespace(CHK)
fn, side, mult = Namespace(FN), Namespace(SIDE), Namespace(MULT)
TYPE = f"<{PREFIXES['rdf']}type>"
CNY = "<http://publications.europa.eu/resource/authority/currency/CNY>"


def iri(value: str) -> str:
    return f"<{value}>"


def plain(text: str) -> str:
    """A literal without language (codes, labels as printed, file names)."""
    return str(ox.Literal(text))


def zh(text: str) -> str:
    """Chinese text."""
    return str(ox.Literal(text, language="zh"))


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def text(value: str) -> str:
    """Text as printed: tagged @zh when it holds Chinese characters (so every Chinese literal is), else plain
    (codes, numbers, empty labels). docs/model.md."""
    return str(ox.Literal(value, language="zh")) if _CJK.search(value) else str(ox.Literal(value))


def dec(value: Decimal) -> str:
    return f'"{format(value, "f")}"{_DECIMAL_TAIL}'


def integer(value: int, positive: bool = False) -> str:
    return f'"{value}"{_POSITIVE_TAIL if positive else _INTEGER_TAIL}'


def boolean(value: bool) -> str:
    return TRUE if value else FALSE


def year(value: int) -> str:
    """A fiscal year: an integer, so that `bud:fiscalYear 2020` matches (docs/model.md)."""
    return integer(value)

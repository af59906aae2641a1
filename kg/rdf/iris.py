"""Deterministic IRIs: the same document always mints the same names.

A disclosure is identified by what it is (department, fiscal year, kind), not by
the file it came in, so reloading it, or loading it from another format,
replaces the same named graph.
"""
from __future__ import annotations

import hashlib
import os
import re

import pyoxigraph as ox

DEFAULT_BASE = "https://w3id.org/cnbudget/id/"

from cnbudget.ontology import BUD, CHK, FN, ITEM, PHASE, PREFIXES, TBL  # noqa: F401  (re-exported)


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


def base_iri(base: str | None = None) -> str:
    """The base under which IRIs are minted; checked here because minted IRIs are written as N-Quads
    text that the store's bulk loader takes without validating (Store.replace_graphs, trusted)."""
    base = base or os.environ.get("KG_BASE_IRI") or DEFAULT_BASE
    base = base if base.endswith(("/", "#")) else base + "/"
    try:
        ox.NamedNode(base)
    except ValueError as e:
        raise ValueError(f"base IRI {base!r} is not an absolute IRI: {e}") from None
    return base


def _digest(text: str, n: int = 12) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "x"


def shared_graph(base: str | None, name: str) -> str:
    """Graphs shared by all disclosures: `reference` (organisations, code-list structure; the same
    triples whichever document brings them), `labels` and `codelist-links` (derived after each load)."""
    return f"{base_iri(base)}graph/{name}"


class Minter:
    """IRIs of one disclosure's resources under a base IRI."""

    def __init__(self, base: str, department: str | None, year: int | None, kind: str, fallback: str,
                 scope: str | None = None):
        self.base = base_iri(base)
        self.department = department
        key = f"{department}|{year}|{kind}" if department and year else f"file|{fallback}"
        if scope and department and year:  # a 三公 table published apart is not the department's disclosure
            key += f"|{scope}"
        self.doc_id = f"{year or 'unknown'}-{kind}-{_digest(key)}"
        self.doc = f"{self.base}disclosure/{self.doc_id}"
        self.graph = f"{self.base}graph/{self.doc_id}"

    def org(self, name: str) -> str:
        return f"{self.base}org/{_digest(name)}"

    def unit(self, name: str, division: bool = False) -> str:
        """A unit other than the department, minted within it: the department's IRI and the unit's canonical
        name, so two departments' 环境信息中心 are two units and one department's is the same every year; an
        internal division (内设机构) apart from a unit of the same name. Without a department, within the
        disclosure."""
        scope = self.org(self.department) if self.department else self.doc
        return f"{scope}/{'division' if division else 'unit'}/{_digest(name)}"

    def table(self, code: str) -> str:
        return f"{self.doc}/table/{slug(code)}"

    def observation(self, table_code: str, row_key: str, column_key: str) -> str:
        return f"{self.doc}/table/{slug(table_code)}/obs/{slug(row_key)}/{slug(column_key)}"

    def finding(self, rule: str, anchor: str, key: str) -> str:
        """A reconciliation finding, named by what it compares, never by its place among the findings (so adding
        or removing a check renames no other finding): its rule, the figure or record it is anchored on (a path
        below the disclosure with "/" as "-", e.g. `02-211-c2` for 表02's 211 in column 2, `evaluation-7`), and a
        digest of `key` (rule, tables, the IRIs of the figures compared, the record it is about)."""
        return f"{self.doc}/finding/{slug(rule)}/{slug(anchor)}-{_digest(key, 8)}"

    def name_resolution(self, printed: str, unit: str) -> str:
        """The resolution of a printed name to a unit, named by the two names alone (printed name, the unit's
        canonical name): the same on every reload, whatever else the document resolves."""
        return f"{self.doc}/name-resolution/{_digest(printed + chr(31) + unit)}"

    def scheme(self, kind: str, year: int | None) -> str:
        return f"{self.base}subject/{kind}/{year or 'unknown'}"

    def subject(self, kind: str, year: int | None, code: str) -> str:
        return f"{self.scheme(kind, year)}/{code}"

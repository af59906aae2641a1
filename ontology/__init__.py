"""The vocabulary: namespaces of the terms defined in the Turtle files beside this module, and the files.

The lowest layer of the package: readers, RDF and queries all name terms from here, so an IRI is written
once. The terms themselves are defined in cnbudget.ttl, their constraints in shapes.ttl, the code lists
(account items, table types, phases, checks, functional classes) in codelists/.
"""
from __future__ import annotations

from pathlib import Path

BUD = "https://w3id.org/cnbudget/def#"
ITEM = "https://w3id.org/cnbudget/def/item#"
TBL = "https://w3id.org/cnbudget/def/table#"
PHASE = "https://w3id.org/cnbudget/def/phase#"
CHK = "https://w3id.org/cnbudget/def/check#"
FN = "https://w3id.org/cnbudget/def/functional#"
SIDE = "https://w3id.org/cnbudget/def/side#"
MULT = "https://w3id.org/cnbudget/def/multiplier#"

PREFIXES = {
    "bud": BUD, "item": ITEM, "tbl": TBL, "phase": PHASE, "chk": CHK, "fn": FN, "side": SIDE, "mult": MULT,
    "qb": "http://purl.org/linked-data/cube#",
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "spdx": "http://spdx.org/rdf/terms#",
}

_HERE = Path(__file__).resolve().parent


def ontology_dir() -> Path:
    return _HERE


def codelist(filename: str) -> Path:
    return _HERE / "codelists" / filename


def ontology_files() -> list[Path]:
    """The ontology, shapes excluded, and every code list."""
    return sorted(p for p in _HERE.rglob("*.ttl") if p.name != "shapes.ttl")

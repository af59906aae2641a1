"""Where the ontology and the named queries live, in a checkout and in an installed package.

In a checkout they are the top-level folders ontology/ and queries/; `pip install .`
maps them to the packages kg.ontology and kg.queries (see pyproject.toml).
"""
from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_HERE / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name}/ folder next to {_HERE}")


def ontology_dir() -> Path:
    return _find("ontology")


def queries_dir() -> Path:
    return _find("queries")


def ontology_files() -> list[Path]:
    """The ontology, shapes excluded, and every code list."""
    d = ontology_dir()
    return sorted(p for p in d.rglob("*.ttl") if p.name != "shapes.ttl")
